package peering

import (
	"fmt"
	"reflect"
	"slices"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// cloudSpec is everything that differs between the clouds a peering can
// reach: the attributes of the peered network and what Redis Cloud answers
// about it, how they go into a create request and come back from a list,
// which of them a configuration must set, and what makes a peering of the
// cloud fail. Shared code asks the spec of a peering's cloud (cloudOf) and
// never compares cloud names. awsCloud and gcpCloud are the two values.
type cloudSpec struct {
	name string // provider_name
	// strings are the cloud's string attributes: the inputs a
	// configuration of this cloud must set (and one of another cloud must
	// not), and the outputs Redis Cloud answers.
	strings []cloudString
	// routed: the peered network is an AWS VPC, which Redis Cloud routes
	// to by its CIDR blocks (vpc_cidr, vpc_cidrs, set at create and
	// updated in place) and which lives in a region (the kind's
	// awsRegionAttribute).
	routed bool
	// failed says what commonly makes a peering of this cloud fail.
	failed string
}

// cloudString is a string attribute of one cloud's peerings, in the
// resources' schema and in the data sources'.
type cloudString struct {
	name string
	// input: set by the configuration; otherwise answered by Redis Cloud.
	input bool
	// what the attribute holds, after "<cloud> only: " in its description;
	// dataSource when the data sources word it otherwise.
	doc, dataSource string
	// need says what an input is, in the error for a missing one.
	need       string
	validators func() []validator.String
	// get reads the attribute from a listed peering; set (inputs) puts it
	// into a create request.
	get func(p *rediscloud.Peering) string
	set func(r *rediscloud.CreatePeeringRequest, v string)
}

var awsCloud = &cloudSpec{
	name:   rediscloud.ProviderAWS,
	routed: true,
	strings: []cloudString{
		{
			name: "aws_account_id", input: true, validators: awsAccountValidators,
			doc:        "the 12-digit ID of the AWS account that owns the VPC.",
			dataSource: "the ID of the AWS account that owns the peered VPC.",
			need:       "the 12-digit ID of the AWS account that owns the VPC",
			get:        func(p *rediscloud.Peering) string { return p.AWSAccountID },
			set:        func(r *rediscloud.CreatePeeringRequest, v string) { r.AWSAccountID = v },
		},
		{
			name: "vpc_id", input: true, validators: vpcIDValidators,
			doc:        "ID of the VPC to peer with (`vpc-…`).",
			dataSource: "the ID of the peered VPC (`vpc-…`).",
			need:       "the ID of the VPC to peer with, such as vpc-0a1b2c3d4e5f67890",
			get:        func(p *rediscloud.Peering) string { return p.VPCID },
			set:        func(r *rediscloud.CreatePeeringRequest, v string) { r.VPCID = v },
		},
		{
			name: "aws_peering_id",
			doc:  "the VPC peering connection ID (`pcx-…`) to accept, for example with `aws_vpc_peering_connection_accepter`.",
			get:  func(p *rediscloud.Peering) string { return p.AWSPeeringID },
		},
	},
	failed: "Common causes are a wrong AWS account ID, VPC ID or region, a VPC CIDR that overlaps the subscription's deployment CIDR, " +
		"or a peering request that expired before it was accepted.",
}

var gcpCloud = &cloudSpec{
	name: rediscloud.ProviderGCP,
	strings: []cloudString{
		{
			name: "gcp_project_id", input: true, validators: gcpProjectValidators,
			doc:        "ID of the GCP project that owns the VPC network to peer with.",
			dataSource: "the ID of the GCP project that owns the peered network.",
			need:       "the ID of the GCP project that owns the network",
			get:        func(p *rediscloud.Peering) string { return p.GCPProjectID },
			set:        func(r *rediscloud.CreatePeeringRequest, v string) { r.GCPProjectID = v },
		},
		{
			name: "gcp_network_name", input: true, validators: gcpNetworkValidators,
			doc:        "name of the VPC network to peer with.",
			dataSource: "the name of the peered VPC network.",
			need:       "the name of the VPC network to peer with",
			get:        func(p *rediscloud.Peering) string { return p.GCPNetworkName },
			set:        func(r *rediscloud.CreatePeeringRequest, v string) { r.GCPNetworkName = v },
		},
		{
			name: "gcp_redis_project_id",
			doc:  "the Redis Cloud project to peer back to from your network (`google_compute_network_peering`).",
			get:  func(p *rediscloud.Peering) string { return p.GCPRedisProjectID },
		},
		{
			name: "gcp_redis_network_name",
			doc:  "the Redis Cloud VPC network to peer back to from your network.",
			get:  func(p *rediscloud.Peering) string { return p.GCPRedisNetworkName },
		},
		{
			name: "gcp_peering_id",
			doc:  "the name of the peering on the Redis Cloud side.",
			get:  func(p *rediscloud.Peering) string { return p.GCPPeeringID },
		},
	},
	failed: "Check that the GCP project and network exist and that Redis Cloud may peer with them.",
}

// clouds are every cloud, the default (provider_name's) first.
var clouds = [...]*cloudSpec{awsCloud, gcpCloud}

// cloudOf is the spec of a provider_name, or of a listed peering's
// Provider; the default cloud when it is empty or unknown.
func cloudOf(name string) *cloudSpec {
	for _, c := range clouds {
		if c.name == name {
			return c
		}
	}
	return clouds[0]
}

func cloudNames() []string {
	names := make([]string, len(clouds))
	for i, c := range clouds {
		names[i] = c.name
	}
	return names
}

// value is the attribute name of p as its cloud has it, or "" when the
// attribute is another cloud's.
func value(p *rediscloud.Peering, name string) string {
	for _, s := range cloudOf(p.Provider).strings {
		if s.name == name {
			return s.get(p)
		}
	}
	return ""
}

// resourceAttributes are every cloud's string attributes in a resource's
// schema.
func cloudResourceAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for _, c := range clouds {
		for _, s := range c.strings {
			if s.input {
				attrs[s.name] = schema.StringAttribute{
					MarkdownDescription: c.name + " only, required: " + s.doc + " Changing it creates a new peering.",
					Optional:            true,
					Validators:          s.validators(),
					PlanModifiers:       replaceString(),
				}
				continue
			}
			attrs[s.name] = schema.StringAttribute{
				MarkdownDescription: c.name + " only: " + s.doc,
				Computed:            true,
				PlanModifiers:       keepString(),
			}
		}
	}
	return attrs
}

// cloudDataSourceAttributes are every cloud's string attributes in the data
// sources' schema, all computed.
func cloudDataSourceAttributes() map[string]dsschema.Attribute {
	attrs := map[string]dsschema.Attribute{}
	for _, c := range clouds {
		for _, s := range c.strings {
			attrs[s.name] = computedString(c.name + " only: " + firstNonEmpty(s.dataSource, s.doc))
		}
	}
	return attrs
}

// setCloudStrings sets every cloud's string attributes among fields (by
// attribute name, see stringFields) from p: those of p's cloud as Redis
// Cloud answered them, every other cloud's null. With keep, an input the
// API did not send keeps the value it has: an input the API does not echo
// must not turn into a planned replacement.
func setCloudStrings(fields map[string]*types.String, p *rediscloud.Peering, keep bool) {
	own := cloudOf(p.Provider)
	for _, c := range clouds {
		for _, s := range c.strings {
			f := fields[s.name]
			switch {
			case c != own:
				*f = types.StringNull()
			case s.input && keep:
				*f = keepIfEmpty(s.get(p), *f)
			default:
				*f = optionalString(s.get(p))
			}
		}
	}
}

// stringFields maps the tfsdk names of the types.String fields of the
// struct v points to, those of embedded structs included, to the fields.
func stringFields(v any) map[string]*types.String {
	out := map[string]*types.String{}
	var walk func(rv reflect.Value)
	walk = func(rv reflect.Value) {
		for i := range rv.NumField() {
			f, sf := rv.Field(i), rv.Type().Field(i)
			if sf.Anonymous && f.Kind() == reflect.Struct {
				walk(f)
				continue
			}
			if s, ok := f.Addr().Interface().(*types.String); ok {
				if name := sf.Tag.Get("tfsdk"); name != "" {
					out[name] = s
				}
			}
		}
	}
	walk(reflect.ValueOf(v).Elem())
	return out
}

// cloudInputs are the input attributes of every cloud but c.
func otherCloudInputs(c *cloudSpec) []string {
	var out []string
	for _, o := range clouds {
		if o == c {
			continue
		}
		for _, s := range o.strings {
			if s.input && !slices.Contains(out, s.name) {
				out = append(out, s.name)
			}
		}
	}
	return out
}

// describe tells a peering of the cloud apart in an error message: the
// peered network and who owns it.
func (c *cloudSpec) describe(p *rediscloud.Peering) string {
	if !c.routed {
		return fmt.Sprintf("network %s of project %s", firstNonEmpty(p.GCPNetworkName, "?"), firstNonEmpty(p.GCPProjectID, "?"))
	}
	s := fmt.Sprintf("%s of account %s", firstNonEmpty(p.VPCID, "?"), firstNonEmpty(p.AWSAccountID, "?"))
	if p.Region != "" {
		s += " in " + p.Region
	}
	return s
}
