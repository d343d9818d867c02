package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// The resource blocks as a user of Redis's provider wrote them; the names
// are those of the entries in the official state file.
const (
	awsOneCIDRBlock = `resource "rediscloud_subscription_peering" "aws_one_cidr" {
  subscription_id = "1001"
  region          = "us-west-2"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67891"
  vpc_cidr        = "172.33.0.0/16"
}
`
	awsOneCIDRInSetBlock = `resource "rediscloud_subscription_peering" "aws_one_cidr_in_set" {
  subscription_id = "1001"
  region          = "us-west-2"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67891"
  vpc_cidrs       = ["172.33.0.0/16"]
}
`
	awsTimeoutsBlock = `resource "rediscloud_subscription_peering" "aws_timeouts" {
  subscription_id = "1001"
  region          = "us-west-2"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67891"
  vpc_cidr        = "172.33.0.0/16"

  timeouts {
    create = "20m"
    delete = "15m"
  }
}
`
	awsTwoCIDRsBlock = `resource "rediscloud_subscription_peering" "aws_two_cidrs" {
  subscription_id = "1001"
  region          = "us-west-2"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidrs       = ["172.31.0.0/16", "172.32.0.0/16"]
}
`
	gcpBlock = `resource "rediscloud_subscription_peering" "gcp" {
  subscription_id  = "1002"
  provider_name    = "GCP"
  gcp_project_id   = "my-app-project"
  gcp_network_name = "my-app-network"
}
`
	aaAWSBlock = `resource "rediscloud_active_active_subscription_peering" "aa_aws" {
  subscription_id    = "2001"
  source_region      = "us-east-1"
  destination_region = "us-west-2"
  aws_account_id     = "123456789012"
  vpc_id             = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr           = "172.31.0.0/16"
}
`
	aaAWSCIDRsBlock = `resource "rediscloud_active_active_subscription_peering" "aa_aws_cidrs" {
  subscription_id    = "2001"
  source_region      = "eu-west-1"
  destination_region = "us-west-2"
  aws_account_id     = "123456789012"
  vpc_id             = "vpc-0a1b2c3d4e5f67892"
  vpc_cidrs          = ["172.31.0.0/16", "192.168.10.0/24", "10.100.0.0/16"]
}
`
	aaGCPBlock = `resource "rediscloud_active_active_subscription_peering" "aa_gcp" {
  subscription_id  = "2002"
  provider_name    = "GCP"
  source_region    = "us-central1"
  gcp_project_id   = "my-app-project"
  gcp_network_name = "my-app-network"
}
`
	dataSourceBlock = `data "rediscloud_subscription_peerings" "all" {
  subscription_id = "1001"
}
`
)

// entry is one managed resource of a migrated state: an entry of the
// official file, possibly renamed and edited into a shape the file lacks.
type entry struct {
	from  string // name of the managed entry in the official file
	name  string // its name in the migrated state; from when empty
	edit  func(in *stateFileInstance)
	block string // the configuration its user wrote
	// change, when set, is a CIDR change made after the migration (old
	// and new text of the block), applied in place; cidrs are the CIDRs
	// Redis Cloud must then hold.
	change [2]string
	cidrs  []string
}

func (e entry) stateName() string {
	if e.name != "" {
		return e.name
	}
	return e.from
}

// migrationCase is one configuration and state to migrate.
type migrationCase struct {
	name    string
	entries []entry
	// data adds the official file's data source entry and its block.
	data bool
}

var (
	awsOneCIDR = entry{from: "aws_one_cidr", block: awsOneCIDRBlock}
	// The same peering configured with a one-element vpc_cidrs: Redis's
	// provider writes the same state for it.
	awsOneCIDRInSet = entry{from: "aws_one_cidr", name: "aws_one_cidr_in_set", block: awsOneCIDRInSetBlock}
	// A timeouts block: the SDK keeps the configured values in the timeouts
	// attribute (the ones left out as null) and all three, defaults
	// included, in the private blob.
	awsTimeouts = entry{from: "aws_one_cidr", name: "aws_timeouts", block: awsTimeoutsBlock, edit: func(in *stateFileInstance) {
		in.Attributes["timeouts"] = map[string]any{"create": "20m", "delete": "15m", "read": nil}
		in.Private = sdkTimeoutsPrivate(20*time.Minute, 10*time.Minute, 15*time.Minute)
	}}
	awsTwoCIDRs = entry{from: "aws_two_cidrs", block: awsTwoCIDRsBlock,
		change: [2]string{`["172.31.0.0/16", "172.32.0.0/16"]`, `["172.31.0.0/16", "172.32.0.0/16", "172.40.0.0/16"]`},
		cidrs:  []string{"172.31.0.0/16", "172.32.0.0/16", "172.40.0.0/16"}}
	gcp   = entry{from: "gcp", block: gcpBlock}
	aaAWS = entry{from: "aa_aws", block: aaAWSBlock}
	// Active-Active with several CIDRs, in the layout Redis's provider
	// writes for Pro: every CIDR in vpc_cidrs, sorted, and one of them in
	// vpc_cidr.
	aaAWSCIDRs = entry{from: "aa_aws", name: "aa_aws_cidrs", block: aaAWSCIDRsBlock,
		change: [2]string{`["172.31.0.0/16", "192.168.10.0/24", "10.100.0.0/16"]`, `["172.31.0.0/16"]`},
		cidrs:  []string{"172.31.0.0/16"},
		edit: func(in *stateFileInstance) {
			in.Attributes["source_region"] = "eu-west-1"
			in.Attributes["vpc_id"] = "vpc-0a1b2c3d4e5f67892"
			in.Attributes["aws_peering_id"] = "pcx-0c8e1f0a9b7d6e5f4"
			in.Attributes["vpc_cidrs"] = []any{"10.100.0.0/16", "172.31.0.0/16", "192.168.10.0/24"}
			in.Attributes["vpc_cidr"] = "192.168.10.0/24"
		},
	}
	aaGCP = entry{from: "aa_gcp", block: aaGCPBlock}
)

var migrationCases = []migrationCase{
	{name: "pro_aws_one_cidr", entries: []entry{awsOneCIDR}},
	{name: "pro_aws_one_cidr_in_vpc_cidrs", entries: []entry{awsOneCIDRInSet}},
	{name: "pro_aws_with_timeouts", entries: []entry{awsTimeouts}},
	{name: "pro_aws_two_cidrs", entries: []entry{awsTwoCIDRs}},
	{name: "pro_gcp", entries: []entry{gcp}},
	{name: "active_active_aws_one_cidr", entries: []entry{aaAWS}},
	{name: "active_active_aws_three_cidrs", entries: []entry{aaAWSCIDRs}},
	{name: "active_active_gcp", entries: []entry{aaGCP}},
	// The official file as it is: five peerings and the data source.
	{name: "official_state_file", entries: []entry{aaAWS, aaGCP, awsOneCIDR, awsTwoCIDRs, gcp}, data: true},
}

// migrated is what a case set up: the peerings' IDs in the simulator, by the
// entry's name in state.
type migrated struct {
	ids  map[string]int
	subs map[string]string
	// attrs are the attributes written for each entry.
	attrs map[string]map[string]any
	// redis is each entry's Redis-side CIDRs in the simulator, which
	// Redis's provider never wrote: a refresh must fill redis_cidrs in.
	redis map[string][]string
}

// writeOfficialState adds to srv a peering for every entry and writes into
// ws the state Redis's provider would hold for them, with the simulator's
// IDs: where a user who migrates starts.
func writeOfficialState(t *testing.T, ws *workspace, srv *cloudsim.Server, official *stateFile, c migrationCase) (*stateFile, migrated) {
	t.Helper()
	st := official.clone()
	st.Resources = nil
	m := migrated{ids: map[string]int{}, subs: map[string]string{}, attrs: map[string]map[string]any{}, redis: map[string][]string{}}
	if c.data {
		st.Resources = append(st.Resources, official.resource(t, "data", "all"))
	}
	for _, e := range c.entries {
		r := official.clone().resource(t, "managed", e.from)
		r.Name = e.stateName()
		in := &r.Instances[0]
		if e.edit != nil {
			e.edit(in)
		}
		id, err := srv.AddPeering(peeringInfo(t, r.Type, in.Attributes))
		if err != nil {
			t.Fatalf("adding the peering of %s: %v", r.Name, err)
		}
		sub := attrString(in.Attributes, "subscription_id")
		in.Attributes["id"] = fmt.Sprintf("%s/%d", sub, id)
		m.ids[r.Name], m.subs[r.Name], m.attrs[r.Name] = id, sub, in.Attributes
		m.redis[r.Name] = redisCIDRs(t, srv, sub, attrString(in.Attributes, "source_region"))
		st.Resources = append(st.Resources, r)
	}
	// Terraform keeps resources sorted by mode, type and name.
	slices.SortFunc(st.Resources, func(a, b stateFileResource) int {
		return strings.Compare(a.Mode+"."+a.Type+"."+a.Name, b.Mode+"."+b.Type+"."+b.Name)
	})
	data, err := st.encode()
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteFile("terraform.tfstate", string(data)); err != nil {
		t.Fatal(err)
	}
	return st, m
}

// configuration is the configuration of a case with the given provider
// requirement.
func configuration(c migrationCase, requirement string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    rediscloud = {
%s
    }
  }
}

# The keys and the URL come from REDISCLOUD_ACCESS_KEY, REDISCLOUD_SECRET_KEY
# and REDISCLOUD_URL.
provider "rediscloud" {}
`, requirement)
	if c.data {
		b.WriteString("\n" + dataSourceBlock)
	}
	for _, e := range c.entries {
		b.WriteString("\n" + e.block)
	}
	return b.String()
}

const (
	officialSourceLine = `      source  = "RedisLabs/rediscloud"
      version = "~> 2.11"`
	ourSourceLine = `      source = "rediscloud-community/rediscloud"`
)

// TestAccMigrationFromOfficialProvider moves state written by Redis's provider
// to this one the way the migration guide says, for every shape of peering,
// and checks that the plan has no change and that refreshed state holds the
// peering's ID.
func TestAccMigrationFromOfficialProvider(t *testing.T) {
	acctest.PreCheck(t)
	e := cliEngine(t)
	t.Logf("engine: %s (%s)", e, e.Path)
	official := loadOfficialState(t)
	for _, c := range migrationCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			srv := acctest.NewSim(t, cloudsim.Options{})
			ws := newWorkspace(t, simEnv(srv.URL())...)

			// Where the user starts: Redis's provider and its state.
			st, m := writeOfficialState(t, ws, srv, official, c)
			if err := ws.WriteFile("main.tf", configuration(c, officialSourceLine)); err != nil {
				t.Fatal(err)
			}

			// Step 1: the source address in required_providers.
			cfg, err := ws.ReadFile("main.tf")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Count(cfg, officialSourceLine) != 1 {
				t.Fatalf("main.tf does not hold the official requirement once:\n%s", cfg)
			}
			if err := ws.WriteFile("main.tf", strings.Replace(cfg, officialSourceLine, ourSourceLine, 1)); err != nil {
				t.Fatal(err)
			}

			// Step 2: the provider address in state.
			out := mustRun(ctx, t, ws, "state", "replace-provider", "-auto-approve", "-no-color", officialProvider, ourProvider(e))
			if !strings.Contains(out, "Successfully replaced provider") {
				t.Fatalf("state replace-provider:\n%s", out)
			}
			checkStateProvider(t, ws, ourProvider(e), len(st.Resources))

			// Step 3: the plan has nothing to do, whether it refreshes
			// first (the default) or plans from the migrated state alone.
			assertNoChanges(ctx, t, ws, "-refresh=false after replace-provider", "-refresh=false")
			assertNoChanges(ctx, t, ws, "after replace-provider")

			// The refreshed state holds what only this provider knows.
			mustRun(ctx, t, ws, "apply", "-refresh-only", "-auto-approve", "-no-color", "-input=false")
			checkShow(ctx, t, ws, m, c.data)
			assertNoChanges(ctx, t, ws, "after apply -refresh-only")
			// From now on the state is in this provider's layout: a plan
			// that skips the refresh has nothing to do either.
			assertNoChanges(ctx, t, ws, "-refresh=false after apply -refresh-only", "-refresh=false")

			// CIDR changes of a migrated peering are made in place.
			if applyCIDRChanges(ctx, t, ws, srv, c, m) {
				assertNoChanges(ctx, t, ws, "after the CIDR change")
			}
		})
	}
}

// applyCIDRChanges applies the CIDR changes of a case's entries, if it has any,
// and checks that they updated the peerings in place.
func applyCIDRChanges(ctx context.Context, t *testing.T, ws *workspace, srv *cloudsim.Server, c migrationCase, m migrated) bool {
	t.Helper()
	cfg, err := ws.ReadFile("main.tf")
	if err != nil {
		t.Fatal(err)
	}
	changed := false
	for _, e := range c.entries {
		if e.change[0] == "" {
			continue
		}
		block := strings.Replace(e.block, e.change[0], e.change[1], 1)
		if block == e.block || !strings.Contains(cfg, e.block) {
			t.Fatalf("%s: cannot make the CIDR change", e.stateName())
		}
		cfg = strings.Replace(cfg, e.block, block, 1)
		changed = true
	}
	if !changed {
		return false
	}
	if err := ws.WriteFile("main.tf", cfg); err != nil {
		t.Fatal(err)
	}
	out := mustRun(ctx, t, ws, "apply", "-auto-approve", "-no-color", "-input=false")
	if !strings.Contains(out, "0 added, ") || !strings.Contains(out, ", 0 destroyed") {
		t.Fatalf("the CIDR change was not made in place:\n%s", out)
	}
	for _, e := range c.entries {
		if e.change[0] == "" {
			continue
		}
		p, err := srv.Peering(m.ids[e.stateName()])
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Clone(p.CIDRs)
		slices.Sort(got)
		want := slices.Clone(e.cidrs)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: Redis Cloud holds CIDRs %v, want %v", e.stateName(), got, want)
		}
	}
	return true
}

// assertNoChanges runs plan -detailed-exitcode and wants exit code 0.
func assertNoChanges(ctx context.Context, t *testing.T, ws *workspace, when string, args ...string) {
	t.Helper()
	out, code, err := runCode(ctx, ws, append([]string{"plan", "-detailed-exitcode", "-no-color", "-input=false"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("plan %s: exit code %d, want 0 (no changes):\n%s", when, code, out)
	}
	if !strings.Contains(out, "No changes.") {
		t.Fatalf("plan %s does not say \"No changes.\":\n%s", when, out)
	}
}

// checkStateProvider checks that every resource in terraform.tfstate is
// bound to this provider and kept schema version 0.
func checkStateProvider(t *testing.T, ws *workspace, provider string, n int) {
	t.Helper()
	raw, err := ws.ReadFile("terraform.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	st, err := decodeState([]byte(raw))
	if err != nil {
		t.Fatalf("decoding the replaced state: %v\n%s", err, raw)
	}
	if len(st.Resources) != n {
		t.Fatalf("%d resources in state after replace-provider, want %d", len(st.Resources), n)
	}
	want := fmt.Sprintf("provider[%q]", provider)
	for _, r := range st.Resources {
		if r.Provider != want {
			t.Errorf("%s.%s: provider %s, want %s", r.Type, r.Name, r.Provider, want)
		}
		for _, in := range r.Instances {
			if in.SchemaVersion != 0 {
				t.Errorf("%s.%s: schema_version %d", r.Type, r.Name, in.SchemaVersion)
			}
		}
	}
}

// checkShow reads `show -json` and checks every peering's ID, and that the
// data source was read again by this provider.
func checkShow(ctx context.Context, t *testing.T, ws *workspace, m migrated, data bool) {
	t.Helper()
	out := mustRun(ctx, t, ws, "show", "-json", "-no-color")
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address      string         `json:"address"`
					Mode         string         `json:"mode"`
					Name         string         `json:"name"`
					ProviderName string         `json:"provider_name"`
					Values       map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatalf("decoding show -json: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	for _, r := range show.Values.RootModule.Resources {
		if r.Mode == "data" {
			if id := r.Values["id"]; id == "ALL" {
				t.Errorf("%s was not read again: id %v", r.Address, id)
			}
			seen["data"] = true
			continue
		}
		want, ok := m.ids[r.Name]
		if !ok {
			t.Errorf("unexpected resource %s", r.Address)
			continue
		}
		seen[r.Name] = true
		if got, _ := r.Values["peering_id"].(float64); int(got) != want {
			t.Errorf("%s: peering_id = %v, want %d", r.Address, r.Values["peering_id"], want)
		}
		if got, want := r.Values["id"], fmt.Sprintf("%s/%d", m.subs[r.Name], want); got != want {
			t.Errorf("%s: id = %v, want %s", r.Address, got, want)
		}
		if want := m.redis[r.Name]; !sameJSON(r.Values["redis_cidrs"], want) {
			t.Errorf("%s: redis_cidrs = %#v after the refresh, want the simulator's %v", r.Address, r.Values["redis_cidrs"], want)
		}
		// Refreshing changes nothing Redis's provider wrote.
		for k, written := range m.attrs[r.Name] {
			if got := r.Values[k]; !sameJSON(got, written) {
				t.Errorf("%s: %s = %#v after the refresh, was %#v", r.Address, k, got, written)
			}
		}
	}
	for name := range m.ids {
		if !seen[name] {
			t.Errorf("%s is missing from show -json:\n%s", name, out)
		}
	}
	if data && !seen["data"] {
		t.Errorf("the data source is missing from show -json:\n%s", out)
	}
}

// redisCIDRs is what redis_cidrs must hold for a peering of subscription
// sub: the simulator's deployment CIDR of region (Active-Active), or of the
// subscription's one region (Pro, region "").
func redisCIDRs(t *testing.T, srv *cloudsim.Server, sub, region string) []string {
	t.Helper()
	id, err := strconv.Atoi(sub)
	if err != nil {
		t.Fatalf("subscription_id %q: %v", sub, err)
	}
	cidrs, err := srv.DeploymentCIDRs(id)
	if err != nil {
		t.Fatal(err)
	}
	if region != "" {
		return []string{cidrs[region]}
	}
	if len(cidrs) != 1 {
		t.Fatalf("Pro subscription %d has %d regions", id, len(cidrs))
	}
	for _, c := range cidrs {
		return []string{c}
	}
	return nil
}

// sameJSON compares a value read back with the value written, numbers by
// value and sets in any order.
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	if errA != nil || errB != nil {
		return false
	}
	var va, vb any
	if json.Unmarshal(ja, &va) != nil || json.Unmarshal(jb, &vb) != nil {
		return false
	}
	return covers(normalizeSets(va), normalizeSets(vb))
}

// covers reports whether got holds written, where objects of got may have
// more attributes than written if they are null (this provider's timeouts
// block has update too).
func covers(got, written any) bool {
	g, okG := got.(map[string]any)
	w, okW := written.(map[string]any)
	if !okG || !okW {
		return reflect.DeepEqual(got, written)
	}
	for k, v := range g {
		if wv, ok := w[k]; ok {
			if !covers(v, wv) {
				return false
			}
		} else if v != nil {
			return false
		}
	}
	for k := range w {
		if _, ok := g[k]; !ok {
			return false
		}
	}
	return true
}

// normalizeSets sorts lists of strings: sets come back in any order.
func normalizeSets(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		strs := make([]string, 0, len(x))
		for i, e := range x {
			out[i] = normalizeSets(e)
			if s, ok := e.(string); ok {
				strs = append(strs, s)
			}
		}
		if len(strs) == len(x) {
			slices.Sort(strs)
			for i, s := range strs {
				out[i] = s
			}
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalizeSets(e)
		}
		return out
	}
	return v
}

// peeringLocalName is the local name a configuration that keeps Redis's
// provider for its other resources gives this provider.
const peeringLocalName = "rediscloudpeering"

// TestAccMigrationWithImportBlocks is the path for a configuration that keeps
// Redis's provider for subscriptions and databases, where replace-provider
// (which moves every resource of a provider) does not fit: the peerings
// are removed from state, declared with `provider = rediscloudpeering`, and
// imported with import blocks whose IDs are the `id` attributes Redis's
// provider wrote. The plan imports each peering and changes nothing.
func TestAccMigrationWithImportBlocks(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	official := loadOfficialState(t)
	c := migrationCase{entries: []entry{aaAWS, aaAWSCIDRs, aaGCP, awsOneCIDR, awsTimeouts, awsTwoCIDRs, gcp}, data: true}
	srv := acctest.NewSim(t, cloudsim.Options{})
	ws := newWorkspace(t, simEnv(srv.URL())...)
	st, m := writeOfficialState(t, ws, srv, official, c)

	// The peerings leave the state of Redis's provider...
	var addrs []string
	for _, r := range st.Resources {
		addr := r.Type + "." + r.Name
		if r.Mode == "data" {
			addr = "data." + addr
		}
		addrs = append(addrs, addr)
	}
	out := mustRun(ctx, t, ws, append([]string{"state", "rm", "-no-color"}, addrs...)...)
	if !strings.Contains(out, fmt.Sprintf("Successfully removed %d resource instance(s).", len(addrs))) {
		t.Fatalf("state rm:\n%s", out)
	}

	// ...and are declared for this provider under its own local name, with
	// an import block each.
	var cfg strings.Builder
	fmt.Fprintf(&cfg, `terraform {
  required_providers {
    # The local name rediscloud stays with Redis's provider for the other
    # resources. The test cannot download it: a built-in provider stands in
    # (Terraform requires the provider that local name implies for the
    # types of import targets).
    rediscloud = {
      source = "terraform.io/builtin/terraform"
    }
    %s = {
      source = %q
    }
  }
}

provider %q {}
`, peeringLocalName, "rediscloud-community/rediscloud", peeringLocalName)
	withProvider := func(block string) string {
		head, rest, _ := strings.Cut(block, "\n")
		return head + "\n  provider = " + peeringLocalName + "\n\n" + rest
	}
	cfg.WriteString("\n" + withProvider(dataSourceBlock))
	for _, en := range c.entries {
		cfg.WriteString("\n" + withProvider(en.block))
		fmt.Fprintf(&cfg, "\nimport {\n  to = %s.%s\n  id = %q\n}\n",
			typeOf(t, en.block), en.stateName(), attrString(m.attrs[en.stateName()], "id"))
	}
	if err := ws.WriteFile("main.tf", cfg.String()); err != nil {
		t.Fatal(err)
	}

	mustRun(ctx, t, ws, "plan", "-out=import.tfplan", "-no-color", "-input=false")
	raw := mustRun(ctx, t, ws, "show", "-json", "-no-color", "import.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Mode    string `json:"mode"`
			Change  struct {
				Actions   []string `json:"actions"`
				Importing *struct {
					ID string `json:"id"`
				} `json:"importing"`
				Before map[string]any `json:"before"`
				After  map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(raw), &plan); err != nil {
		t.Fatalf("decoding the plan: %v", err)
	}
	imported, updated := 0, 0
	for _, rc := range plan.ResourceChanges {
		if rc.Mode != "managed" {
			continue
		}
		if rc.Change.Importing == nil {
			t.Errorf("%s is not imported", rc.Address)
			continue
		}
		imported++
		switch got := strings.Join(rc.Change.Actions, ","); got {
		case "no-op":
		case "update":
			// An import cannot know the configuration's timeouts: setting
			// them is the only change allowed.
			updated++
			for k, before := range rc.Change.Before {
				// Absent from after: known after apply (status is read again).
				if after, ok := rc.Change.After[k]; ok && k != "timeouts" && !reflect.DeepEqual(before, after) {
					t.Errorf("%s: the import changes %s from %v to %v", rc.Address, k, before, after)
				}
			}
		default:
			t.Errorf("%s: actions %s; want a no-op import\n%s", rc.Address, got, mustRun(ctx, t, ws, "show", "-no-color", "import.tfplan"))
		}
	}
	if imported != len(c.entries) || updated != 1 {
		t.Fatalf("%d imports and %d updates planned, want %d and 1 (the timeouts of aws_timeouts)", imported, updated, len(c.entries))
	}
	out = mustRun(ctx, t, ws, "apply", "-no-color", "-input=false", "import.tfplan")
	if !strings.Contains(out, fmt.Sprintf("%d imported, 0 added, 1 changed, 0 destroyed", len(c.entries))) {
		t.Fatalf("apply of the imports:\n%s", out)
	}
	assertNoChanges(ctx, t, ws, "after the imports")
	checkShow(ctx, t, ws, migrated{ids: m.ids, subs: m.subs, redis: m.redis}, true)
}

// typeOf is the resource type of a block.
func typeOf(t *testing.T, block string) string {
	t.Helper()
	f := strings.Fields(block)
	if len(f) < 3 || f[0] != "resource" {
		t.Fatalf("not a resource block: %s", block)
	}
	return strings.Trim(f[1], `"`)
}
