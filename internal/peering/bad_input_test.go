package peering_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// The bad input catalogue: configurations and import IDs that must be
// refused with a message naming the attribute and what it expects. Those
// knowable before any API call must not reach the simulator at all.

const (
	proType = "rediscloud_subscription_peering"
	aaType  = "rediscloud_active_active_subscription_peering"
)

// attrs is an ordered list of HCL attribute lines of one block.
type attrs [][2]string

// with returns a copy with name set to value (raw HCL); an empty value
// removes the attribute.
func (a attrs) with(name, value string) attrs {
	out := make(attrs, 0, len(a)+1)
	found := false
	for _, kv := range a {
		if kv[0] == name {
			found = true
			if value != "" {
				out = append(out, [2]string{name, value})
			}
			continue
		}
		out = append(out, kv)
	}
	if !found && value != "" {
		out = append(out, [2]string{name, value})
	}
	return out
}

func (a attrs) without(names ...string) attrs {
	for _, n := range names {
		a = a.with(n, "")
	}
	return a
}

// block renders `<kind> "<typ>" "test" { ... }`; an attribute whose name
// starts with "{" is a nested block written as is.
func (a attrs) block(kind, typ string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q \"test\" {\n", kind, typ)
	for _, kv := range a {
		if strings.HasPrefix(kv[0], "{") {
			fmt.Fprintf(&b, "  %s\n", kv[1])
			continue
		}
		fmt.Fprintf(&b, "  %s = %s\n", kv[0], kv[1])
	}
	b.WriteString("}\n")
	return b.String()
}

func (a attrs) res(typ string) string { return a.block("resource", typ) }

func (a attrs) data(typ string) string { return a.block("data", typ) }

var (
	proAWSAttrs = attrs{
		{"subscription_id", `"1001"`},
		{"region", `"us-east-1"`},
		{"aws_account_id", `"123456789012"`},
		{"vpc_id", `"vpc-0a1b2c3d4e5f67890"`},
		{"vpc_cidr", `"172.31.0.0/16"`},
	}
	proGCPAttrs = attrs{
		{"subscription_id", `"1002"`},
		{"provider_name", `"GCP"`},
		{"gcp_project_id", `"my-gcp-project"`},
		{"gcp_network_name", `"my-network"`},
	}
	aaAWSAttrs = attrs{
		{"subscription_id", `"2001"`},
		{"source_region", `"us-east-1"`},
		{"destination_region", `"us-west-2"`},
		{"aws_account_id", `"123456789012"`},
		{"vpc_id", `"vpc-0a1b2c3d"`},
		{"vpc_cidrs", `["172.31.0.0/16", "172.32.0.0/16"]`},
	}
	aaGCPAttrs = attrs{
		{"subscription_id", `"2002"`},
		{"provider_name", `"GCP"`},
		{"source_region", `"us-central1"`},
		{"gcp_project_id", `"my-gcp-project"`},
		{"gcp_network_name", `"my-network"`},
	}
)

// providerBlock is a provider configuration for srv with extra settings
// (raw HCL lines) and, when url is not empty, another URL.
func providerBlock(srv *cloudsim.Server, url string, extra ...string) string {
	if url == "" {
		url = srv.URL()
	}
	return acctest.ProviderConfigURL(url, extra...)
}

// badInput is one invalid configuration or import ID.
type badInput struct {
	name string
	// config is the resource or data source blocks, after the provider
	// block (provider, when set, replaces the default one).
	config   string
	provider string
	// importType and importID make the case an import of a valid
	// configuration of importType; importBlock uses an import {} block
	// instead of the import command.
	importType  string
	importID    string
	importBlock bool
	want        *regexp.Regexp
}

func badInputCatalogue(srv *cloudsim.Server) []badInput {
	subIDMsg := func(v string) *regexp.Regexp {
		return acctest.Wrapped(`Attribute subscription_id must be the subscription's numeric ID, for example`, `got: `+v)
	}
	accountMsg := func(v string) *regexp.Regexp {
		return acctest.Wrapped(`Attribute aws_account_id must be a 12-digit AWS account ID, for example "123456789012", got: ` + v)
	}
	vpcMsg := func(v string) *regexp.Regexp {
		return acctest.Wrapped(`Attribute vpc_id must be an AWS VPC ID: "vpc-" followed by 8 or 17 lowercase hexadecimal digits`, `got: `+v)
	}
	forbidden := func(name, cloud string) *regexp.Regexp {
		return acctest.Wrapped(`Attribute not allowed for this cloud`, fmt.Sprintf(`%s is not used by %s peerings (provider_name = %q); remove it.`, name, cloud, cloud))
	}
	missing := func(kind, cloud, name string) *regexp.Regexp {
		return acctest.Wrapped(`Missing required attribute`, fmt.Sprintf(`%s peering with provider_name = %q needs %s:`, kind, cloud, name))
	}
	importMsg := func(typ, id string) *regexp.Regexp {
		return acctest.Wrapped(`Invalid import ID for `+typ, `expected <subscription_id>/<peering_id> with two positive whole numbers without leading zeros, at most 2147483647, for example "1234/567"; got `+fmt.Sprintf("%q", id))
	}
	// The timeouts library's detail does not repeat the attribute's name:
	// Terraform shows it in the quoted source line.
	timeoutMsg := func(name, v string) *regexp.Regexp {
		return acctest.Wrapped(`Invalid Attribute Value Time Duration`, fmt.Sprintf(`%s = %q`, name, v),
			fmt.Sprintf(`%q must be a string containing a sequence of decimal numbers, each with optional fraction and a unit suffix`, v))
	}
	proAWS, proGCP, aaAWS, aaGCP := proAWSAttrs, proGCPAttrs, aaAWSAttrs, aaGCPAttrs

	cases := []badInput{
		// subscription_id
		{name: "pro subscription_id not digits", config: proAWS.with("subscription_id", `"sub-1001"`).res(proType), want: subIDMsg("sub-1001")},
		{name: "pro subscription_id empty", config: proGCP.with("subscription_id", `""`).res(proType), want: subIDMsg("")},
		{name: "aa subscription_id negative", config: aaAWS.with("subscription_id", `"-2001"`).res(aaType), want: subIDMsg("-2001")},
		{name: "aa subscription_id with space", config: aaGCP.with("subscription_id", `"20 01"`).res(aaType), want: subIDMsg("20 01")},
		// The API would read "01001" back as "1001", which Terraform refuses
		// after the apply: it is refused at plan time instead.
		{name: "pro subscription_id with a leading zero", config: proAWS.with("subscription_id", `"01001"`).res(proType), want: subIDMsg("01001")},
		{name: "aa subscription_id beyond 32 bits", config: aaAWS.with("subscription_id", `"2147483648"`).res(aaType), want: subIDMsg("2147483648")},

		// aws_account_id
		{name: "pro aws_account_id 11 digits", config: proAWS.with("aws_account_id", `"12345678901"`).res(proType), want: accountMsg("12345678901")},
		{name: "pro aws_account_id 13 digits", config: proAWS.with("aws_account_id", `"1234567890123"`).res(proType), want: accountMsg("1234567890123")},
		{name: "aa aws_account_id not numeric", config: aaAWS.with("aws_account_id", `"12345678901a"`).res(aaType), want: accountMsg("12345678901a")},

		// vpc_id
		{name: "pro vpc_id without vpc- prefix", config: proAWS.with("vpc_id", `"0a1b2c3d4e5f67890"`).res(proType), want: vpcMsg("0a1b2c3d4e5f67890")},
		{name: "pro vpc_id wrong length", config: proAWS.with("vpc_id", `"vpc-0a1b2c3d4e"`).res(proType), want: vpcMsg("vpc-0a1b2c3d4e")},
		{name: "aa vpc_id uppercase hex", config: aaAWS.with("vpc_id", `"vpc-0A1B2C3D"`).res(aaType), want: vpcMsg("vpc-0A1B2C3D")},

		// vpc_cidr / vpc_cidrs
		{name: "pro vpc_cidr not a CIDR", config: proAWS.with("vpc_cidr", `"10.0.0.0"`).res(proType),
			want: acctest.Wrapped(`Invalid CIDR block`, `Attribute vpc_cidr must be an IPv4 network in CIDR notation such as 10.0.0.0/16, got "10.0.0.0"`)},
		{name: "pro vpc_cidr host bits set", config: proAWS.with("vpc_cidr", `"10.0.0.1/16"`).res(proType),
			want: acctest.Wrapped(`Attribute vpc_cidr must be a network address: "10.0.0.1/16" has host bits set; did you mean "10.0.0.0/16"?`)},
		{name: "pro vpc_cidr IPv6", config: proAWS.with("vpc_cidr", `"2001:db8::/32"`).res(proType),
			want: acctest.Wrapped(`Attribute vpc_cidr must be an IPv4 network (Redis Cloud peering does not route IPv6), got "2001:db8::/32"`)},
		{name: "aa vpc_cidrs element prefix too long", config: aaAWS.with("vpc_cidrs", `["172.31.0.0/16", "10.0.0.0/33"]`).res(aaType),
			want: acctest.Wrapped(`Attribute vpc_cidrs[Value("10.0.0.0/33")] must be an IPv4 network in CIDR notation`)},
		{name: "aa vpc_cidrs element host bits set", config: aaAWS.with("vpc_cidrs", `["10.1.2.3/8"]`).res(aaType),
			want: acctest.Wrapped(`Attribute vpc_cidrs[Value("10.1.2.3/8")] must be a network address:`, `did you mean "10.0.0.0/8"?`)},
		{name: "pro vpc_cidr and vpc_cidrs", config: proAWS.with("vpc_cidrs", `["172.40.0.0/16"]`).res(proType),
			want: acctest.Wrapped(`Attribute "vpc_cidrs" cannot be specified when "vpc_cidr" is specified`)},
		{name: "aa six vpc_cidrs", config: aaAWS.with("vpc_cidrs", `["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16", "10.5.0.0/16", "10.6.0.0/16"]`).res(aaType),
			want: acctest.Wrapped(`Attribute vpc_cidrs set must contain at least 1 elements and at most 5 elements, got: 6`)},
		{name: "pro empty vpc_cidrs", config: proAWS.without("vpc_cidr").with("vpc_cidrs", `[]`).res(proType),
			want: acctest.Wrapped(`Attribute vpc_cidrs set must contain at least 1 elements and at most 5 elements, got: 0`)},

		// AWS: required attributes
		{name: "pro AWS missing region", config: proAWS.without("region").res(proType), want: missing("Pro", "AWS", "region")},
		{name: "pro AWS missing aws_account_id", config: proAWS.without("aws_account_id").res(proType), want: missing("Pro", "AWS", "aws_account_id")},
		{name: "pro AWS missing vpc_id", config: proAWS.without("vpc_id").res(proType), want: missing("Pro", "AWS", "vpc_id")},
		{name: "pro AWS missing CIDR", config: proAWS.without("vpc_cidr").res(proType),
			want: acctest.Wrapped(`A Pro peering with provider_name = "AWS" needs the VPC's CIDR: set vpc_cidr (one block) or vpc_cidrs (1 to 5 blocks).`)},
		{name: "aa AWS missing destination_region", config: aaAWS.without("destination_region").res(aaType), want: missing("Active-Active", "AWS", "destination_region")},
		{name: "aa AWS missing aws_account_id", config: aaAWS.without("aws_account_id").res(aaType), want: missing("Active-Active", "AWS", "aws_account_id")},
		{name: "aa AWS missing vpc_id", config: aaAWS.without("vpc_id").res(aaType), want: missing("Active-Active", "AWS", "vpc_id")},
		{name: "aa AWS missing CIDR", config: aaAWS.without("vpc_cidrs").res(aaType),
			want: acctest.Wrapped(`Active-Active peering with provider_name = "AWS" needs the VPC's CIDR: set vpc_cidr`)},

		// AWS with GCP attributes
		{name: "pro AWS with gcp_project_id", config: proAWS.with("gcp_project_id", `"my-gcp-project"`).res(proType), want: forbidden("gcp_project_id", "AWS")},
		{name: "pro AWS (explicit) with gcp_network_name", config: proAWS.with("provider_name", `"AWS"`).with("gcp_network_name", `"my-network"`).res(proType), want: forbidden("gcp_network_name", "AWS")},
		{name: "aa AWS with gcp_network_name", config: aaAWS.with("gcp_network_name", `"my-network"`).res(aaType), want: forbidden("gcp_network_name", "AWS")},

		// GCP: required and forbidden attributes
		{name: "pro GCP missing gcp_project_id", config: proGCP.without("gcp_project_id").res(proType), want: missing("Pro", "GCP", "gcp_project_id")},
		{name: "pro GCP missing gcp_network_name", config: proGCP.without("gcp_network_name").res(proType), want: missing("Pro", "GCP", "gcp_network_name")},
		{name: "aa GCP missing gcp_project_id", config: aaGCP.without("gcp_project_id").res(aaType), want: missing("Active-Active", "GCP", "gcp_project_id")},
		{name: "aa GCP missing gcp_network_name", config: aaGCP.without("gcp_network_name").res(aaType), want: missing("Active-Active", "GCP", "gcp_network_name")},
		{name: "pro GCP with aws_account_id", config: proGCP.with("aws_account_id", `"123456789012"`).res(proType), want: forbidden("aws_account_id", "GCP")},
		{name: "pro GCP with vpc_id", config: proGCP.with("vpc_id", `"vpc-0a1b2c3d"`).res(proType), want: forbidden("vpc_id", "GCP")},
		{name: "pro GCP with vpc_cidr", config: proGCP.with("vpc_cidr", `"172.31.0.0/16"`).res(proType), want: forbidden("vpc_cidr", "GCP")},
		{name: "pro GCP with region", config: proGCP.with("region", `"us-east-1"`).res(proType), want: forbidden("region", "GCP")},
		{name: "aa GCP with vpc_cidrs", config: aaGCP.with("vpc_cidrs", `["172.31.0.0/16"]`).res(aaType), want: forbidden("vpc_cidrs", "GCP")},
		{name: "aa GCP with destination_region", config: aaGCP.with("destination_region", `"us-east-1"`).res(aaType), want: forbidden("destination_region", "GCP")},

		// provider_name
		{name: "pro provider_name Azure", config: proAWS.with("provider_name", `"Azure"`).res(proType),
			want: acctest.Wrapped(`Attribute provider_name value must be one of: ["AWS" "GCP"], got: "Azure"`)},
		{name: "aa provider_name lowercase aws", config: aaAWS.with("provider_name", `"aws"`).res(aaType),
			want: acctest.Wrapped(`Attribute provider_name value must be one of: ["AWS" "GCP"], got: "aws"`)},

		// regions
		{name: "pro region GCP-shaped", config: proAWS.with("region", `"us-central1"`).res(proType),
			want: acctest.Wrapped(`Attribute region must be an AWS region name such as "us-east-1" or "eu-west-2", got: us-central1`)},
		{name: "pro region uppercase", config: proAWS.with("region", `"US-EAST-1"`).res(proType),
			want: acctest.Wrapped(`Attribute region must be an AWS region name`, `got: US-EAST-1`)},
		{name: "aa missing source_region", config: aaAWS.without("source_region").res(aaType),
			want: acctest.Wrapped(`Missing required argument`, `The argument "source_region" is required, but no definition was found.`)},
		{name: "aa source_region bad shape", config: aaGCP.with("source_region", `"us central 1"`).res(aaType),
			want: acctest.Wrapped(`Attribute source_region must be a cloud region name such as "us-east-1" (AWS) or "us-central1" (GCP), got: us central 1`)},
		{name: "aa destination_region bad shape", config: aaAWS.with("destination_region", `"useast1"`).res(aaType),
			want: acctest.Wrapped(`Attribute destination_region must be an AWS region name such as "us-east-1"`, `got: useast1`)},

		// GCP names
		{name: "pro gcp_project_id uppercase and underscore", config: proGCP.with("gcp_project_id", `"My_Project"`).res(proType),
			want: acctest.Wrapped(`Attribute gcp_project_id must be a GCP project ID: 6 to 30 lowercase letters, digits or hyphens`, `got: My_Project`)},
		{name: "aa gcp_project_id too short", config: aaGCP.with("gcp_project_id", `"proj"`).res(aaType),
			want: acctest.Wrapped(`Attribute gcp_project_id must be a GCP project ID`, `got: proj`)},
		{name: "pro gcp_network_name uppercase", config: proGCP.with("gcp_network_name", `"Net_1"`).res(proType),
			want: acctest.Wrapped(`Attribute gcp_network_name must be a GCP VPC network name: 1 to 63 lowercase letters`, `got: Net_1`)},
		{name: "aa gcp_network_name trailing hyphen", config: aaGCP.with("gcp_network_name", `"net-"`).res(aaType),
			want: acctest.Wrapped(`Attribute gcp_network_name must be a GCP VPC network name`, `got: net-`)},

		// timeouts
		{name: "pro timeouts create soon", config: proAWS.with("{timeouts", `timeouts { create = "soon" }`).res(proType), want: timeoutMsg("create", "soon")},
		{name: "aa timeouts update without unit", config: aaGCP.with("{timeouts", `timeouts { update = "10" }`).res(aaType), want: timeoutMsg("update", "10")},
		{name: "pro timeouts delete negative word", config: proGCP.with("{timeouts", `timeouts { delete = "ten minutes" }`).res(proType), want: timeoutMsg("delete", "ten minutes")},

		// provider settings
		{name: "provider url ftp", provider: providerBlock(srv, "ftp://api.example.com/v1"), config: proAWS.res(proType),
			want: acctest.Wrapped(`Invalid Redis Cloud API URL`, `scheme "ftp" is not supported: use https://`)},
		{name: "provider url http non-loopback", provider: providerBlock(srv, "http://example.com/v1"), config: proGCP.res(proType),
			want: acctest.Wrapped(`Invalid Redis Cloud API URL`, `plain http:// is accepted only for a loopback host (a local simulator), not "example.com": use https://`)},
		{name: "provider url without scheme", provider: providerBlock(srv, "api.redislabs.com/v1"), config: aaAWS.res(aaType),
			want: acctest.Wrapped(`Invalid Redis Cloud API URL`, `"api.redislabs.com/v1" is not an absolute URL; expected a form such as https://api.redislabs.com/v1`)},
		{name: "provider url with credentials", provider: providerBlock(srv, "https://user:pw@api.example.com/v1"), config: aaGCP.res(aaType),
			want: acctest.Wrapped(`Invalid Redis Cloud API URL`, `the URL must not contain credentials; set api_key and secret_key instead`)},
		{name: "provider negative requests_per_minute", provider: providerBlock(srv, "", "requests_per_minute = -1"), config: proAWS.res(proType),
			want: acctest.Wrapped(`Attribute requests_per_minute value must be between 0 and 100000, got: -1`)},
		{name: "provider max_retries too large", provider: providerBlock(srv, "", "max_retries = 1000"), config: proAWS.res(proType),
			want: acctest.Wrapped(`Attribute max_retries value must be between 0 and 100, got: 1000`)},
		{name: "provider requests_per_minute not a number", provider: providerBlock(srv, "", `requests_per_minute = "many"`), config: proAWS.res(proType),
			want: acctest.Wrapped(`Incorrect attribute value type`, `requests_per_minute`, `a number is required`)},

		// data sources
		{name: "data peering subscription_id not digits", config: attrs{{"subscription_id", `"abc"`}, {"peering_id", `5`}}.data(proType), want: subIDMsg("abc")},
		{name: "data peering no lookup attribute", config: attrs{{"subscription_id", `"1001"`}}.data(proType),
			want: acctest.Wrapped(`Missing Attribute Configuration`, `Exactly one of these attributes must be configured: [peering_id,vpc_id,gcp_network_name]`)},
		{name: "data peering two lookup attributes", config: attrs{{"subscription_id", `"1001"`}, {"peering_id", `5`}, {"vpc_id", `"vpc-0a1b2c3d"`}}.data(proType),
			want: acctest.Wrapped(`Invalid Attribute Combination`, `Exactly one of these attributes must be configured: [peering_id,vpc_id,gcp_network_name]`)},
		{name: "data peering peering_id zero", config: attrs{{"subscription_id", `"1001"`}, {"peering_id", `0`}}.data(proType),
			want: acctest.Wrapped(`Attribute peering_id value must be at least 1, got: 0`)},
		{name: "data peering bad vpc_id", config: attrs{{"subscription_id", `"1001"`}, {"vpc_id", `"vpc_123"`}}.data(proType), want: vpcMsg("vpc_123")},
		{name: "data peering bad gcp_network_name", config: attrs{{"subscription_id", `"1002"`}, {"gcp_network_name", `"My Net"`}}.data(proType),
			want: acctest.Wrapped(`Attribute gcp_network_name must be a GCP VPC network name`, `got: My Net`)},
		{name: "data peering bad aws_account_id", config: attrs{{"subscription_id", `"1001"`}, {"vpc_id", `"vpc-0a1b2c3d"`}, {"aws_account_id", `"42"`}}.data(proType), want: accountMsg("42")},
		{name: "data peering aws_account_id with gcp_network_name", config: attrs{{"subscription_id", `"1002"`}, {"gcp_network_name", `"my-network"`}, {"aws_account_id", `"123456789012"`}}.data(proType),
			want: acctest.Wrapped(`Attribute "gcp_network_name" cannot be specified when "aws_account_id" is specified`)},
		{name: "data peerings subscription_id not digits", config: attrs{{"subscription_id", `"1001a"`}}.data(proType + "s"), want: subIDMsg("1001a")},
		{name: "data peerings bad status", config: attrs{{"subscription_id", `"1001"`}, {"status", `"ACTIVE"`}}.data(proType + "s"),
			want: acctest.Wrapped(`Attribute status value must be one of:`, `got: "ACTIVE"`)},
		{name: "data aa peerings bad source_region", config: attrs{{"subscription_id", `"2001"`}, {"source_region", `"EU"`}}.data(aaType + "s"),
			want: acctest.Wrapped(`Attribute source_region must be a cloud region name`, `got: EU`)},
		{name: "data aa peerings subscription_id not digits", config: attrs{{"subscription_id", `"x"`}}.data(aaType + "s"), want: subIDMsg("x")},
		{name: "data peerings timeouts read soon", config: attrs{{"subscription_id", `"1001"`}, {"{timeouts", `timeouts { read = "soon" }`}}.data(proType + "s"),
			want: timeoutMsg("read", "soon")},
	}

	// Malformed import IDs, for both resources, by command and by block.
	for _, typ := range []string{proType, aaType} {
		for _, id := range []string{"1001", "1001/", "abc/5", "1001/5/6", "-1/5", "0/5", "1001/+5", " / ", "01001/5", "1001/2147483648"} {
			cases = append(cases, badInput{name: fmt.Sprintf("import %s %q", typ, id), importType: typ, importID: id, want: importMsg(typ, id)})
		}
		cases = append(cases, badInput{name: fmt.Sprintf("import block %s", typ), importType: typ, importID: "1001:5", importBlock: true, want: importMsg(typ, "1001:5")})
	}
	return cases
}

func validConfigOf(typ string) string {
	if typ == aaType {
		return aaAWSAttrs.res(aaType)
	}
	return proAWSAttrs.res(proType)
}

// TestAccBadInput_planTime runs the catalogue of invalid configurations and
// import IDs: each must fail with its message, and none may send a request.
func TestAccBadInput_planTime(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	cases := badInputCatalogue(srv)
	if len(cases) < 30 {
		t.Fatalf("the catalogue has %d cases, want at least 30", len(cases))
	}

	// noRequests is run before each step (and once after the last), so a
	// request is blamed on the case that sent it.
	noRequests := func(after string) func() {
		return func() {
			if st := srv.Stats(); st.TotalRequests != 0 {
				t.Errorf("case %q sent %d API requests (%v); an invalid configuration must make none", after, st.TotalRequests, st.Requests)
				srv.ResetStats()
			}
		}
	}
	// One test case runs every step: an ExpectError step leaves no state, so
	// the steps do not interfere, and one case is much faster than many.
	// Import blocks are planned against the previous step's state, which
	// these steps never write, so each of those cases runs on its own as
	// the first step of a case.
	steps := make([]resource.TestStep, 0, len(cases))
	var alone []resource.TestStep
	prev := "(start)"
	for _, c := range cases {
		step := resource.TestStep{PreConfig: noRequests(prev), ExpectError: c.want}
		prev = c.name
		switch {
		case c.importID != "":
			step.Config = acctest.Config(srv, validConfigOf(c.importType))
			step.ResourceName = c.importType + ".test"
			step.ImportState = true
			step.ImportStateId = c.importID
			if c.importBlock {
				step.ImportStateKind = resource.ImportBlockWithID
				alone = append(alone, step)
				continue
			}
		case c.provider != "":
			step.Config = c.provider + "\n" + c.config
			step.PlanOnly = true
		default:
			step.Config = acctest.Config(srv, c.config)
			step.PlanOnly = true
		}
		steps = append(steps, step)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps:                    steps,
	})
	noRequests(prev)()
	for _, step := range alone {
		step.PreConfig = nil
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			Steps:                    []resource.TestStep{step},
		})
		noRequests("import block " + step.ImportStateId)()
	}
	t.Logf("bad inputs tried: %d, each refused before any API request", len(cases))
}

// TestAccBadInput_applyTime covers the mistakes that only the subscription
// can reveal: the wrong resource for its kind, a cloud it does not run on, a
// region it does not have. Each fails naming the attribute, and no peering
// is requested.
func TestAccBadInput_applyTime(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	cases := []struct {
		name   string
		config string
		want   *regexp.Regexp
	}{
		{"pro resource on an Active-Active subscription",
			proAWSAttrs.with("subscription_id", `"2001"`).res(proType),
			acctest.Wrapped(`Subscription 2001 is an Active-Active subscription: use the rediscloud_active_active_subscription_peering resource for it.`)},
		{"aa resource on a Pro subscription",
			aaAWSAttrs.with("subscription_id", `"1001"`).res(aaType),
			acctest.Wrapped(`Subscription 1001 is a Pro (single-region) subscription: use the rediscloud_subscription_peering resource for it.`)},
		{"pro AWS config on a GCP subscription",
			proAWSAttrs.with("subscription_id", `"1002"`).res(proType),
			acctest.Wrapped(`Subscription 1002 runs on GCP, so provider_name must be "GCP", not "AWS".`)},
		{"pro GCP config on an AWS subscription",
			proGCPAttrs.with("subscription_id", `"1001"`).res(proType),
			acctest.Wrapped(`Subscription 1001 runs on AWS, so provider_name must be "AWS", not "GCP".`)},
		{"aa GCP config on an AWS subscription",
			aaGCPAttrs.with("subscription_id", `"2001"`).res(aaType),
			acctest.Wrapped(`Subscription 2001 runs on AWS, so provider_name must be "AWS", not "GCP".`)},
		{"aa source_region not a region of the subscription",
			aaAWSAttrs.with("source_region", `"us-west-2"`).res(aaType),
			acctest.Wrapped(`Subscription 2001 has no region "us-west-2"; source_region must be one of its regions: us-east-1, eu-west-1.`)},
		{"aa GCP source_region not a region of the subscription",
			aaGCPAttrs.with("source_region", `"asia-east1"`).res(aaType),
			acctest.Wrapped(`Subscription 2002 has no region "asia-east1"; source_region must be one of its regions: us-central1, europe-west1.`)},
		{"pro subscription that does not exist",
			proAWSAttrs.with("subscription_id", `"9999"`).res(proType),
			acctest.Wrapped(`Planning Pro peering on subscription 9999 failed`, `Subscription 9999 does not exist in the account of these API keys`)},
		{"aa subscription that does not exist",
			aaGCPAttrs.with("subscription_id", `"2999"`).res(aaType),
			acctest.Wrapped(`Planning Active-Active peering on subscription 2999 failed`, `Subscription 2999 does not exist in the account of these API keys`)},
	}
	noPeering := func(after string) func() {
		return func() {
			if ps := srv.Peerings(); len(ps) != 0 {
				t.Errorf("after %q the simulator holds peerings: %+v", after, ps)
			}
			st := srv.Stats()
			for route, n := range st.Requests {
				if strings.HasPrefix(route, "POST ") || strings.HasPrefix(route, "PUT ") || strings.HasPrefix(route, "DELETE ") {
					t.Errorf("after %q: %d requests %s; a refused configuration must change nothing", after, n, route)
				}
			}
			if st.PeeringsCreated != 0 {
				t.Errorf("after %q: %d peerings created", after, st.PeeringsCreated)
			}
		}
	}
	steps := make([]resource.TestStep, 0, len(cases))
	prev := "(start)"
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			PreConfig:   noPeering(prev),
			Config:      acctest.Config(srv, c.config),
			ExpectError: c.want,
		})
		prev = c.name
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps:                    steps,
	})
	noPeering(prev)()
	t.Logf("apply-time bad inputs tried: %d; API requests: %v", len(cases), srv.Stats().Requests)
}
