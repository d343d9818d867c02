package e2e_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// fleetPeering is one peering of the fault suite's configuration.
type fleetPeering struct {
	resType string // rediscloud_subscription_peering or rediscloud_active_active_subscription_peering
	name    string
	sub     int
	gcp     bool
	// region is the Pro AWS consumer region, or the Active-Active source
	// region.
	region  string
	account string
	vpc     string
	project string
	network string
	// cidrs before and after the CIDR change (AWS only); after is nil when
	// the peering does not change.
	cidrs, after []string
}

func (p fleetPeering) addr() string { return p.resType + "." + p.name }

// wantCIDRs is what the API must hold once the given step applied.
func (p fleetPeering) wantCIDRs(changed bool) []string {
	c := p.cidrs
	if changed && p.after != nil {
		c = p.after
	}
	out := append([]string{}, c...)
	sort.Strings(out)
	return out
}

func (p fleetPeering) block(changed bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource %q %q {\n  subscription_id = %q\n", p.resType, p.name, strconv.Itoa(p.sub))
	aa := p.resType == "rediscloud_active_active_subscription_peering"
	if aa {
		fmt.Fprintf(&b, "  source_region = %q\n", p.region)
	}
	if p.gcp {
		fmt.Fprintf(&b, "  provider_name    = \"GCP\"\n  gcp_project_id   = %q\n  gcp_network_name = %q\n}\n", p.project, p.network)
		return b.String()
	}
	if aa {
		fmt.Fprintf(&b, "  destination_region = %q\n", p.region)
	} else {
		fmt.Fprintf(&b, "  region = %q\n", p.region)
	}
	fmt.Fprintf(&b, "  aws_account_id = %q\n  vpc_id = %q\n", p.account, p.vpc)
	cidrs := p.cidrs
	if changed && p.after != nil {
		cidrs = p.after
	}
	if len(cidrs) == 1 {
		fmt.Fprintf(&b, "  vpc_cidr = %q\n", cidrs[0])
	} else {
		quoted := make([]string, len(cidrs))
		for i, c := range cidrs {
			quoted[i] = strconv.Quote(c)
		}
		fmt.Fprintf(&b, "  vpc_cidrs = [%s]\n", strings.Join(quoted, ", "))
	}
	b.WriteString("}\n")
	return b.String()
}

func vpc(n int) string { return fmt.Sprintf("vpc-0a1b2c3d4e5f6%04x", n) }

// fleet is the fault suite's 20 peerings: six Pro AWS (one, two and three
// CIDRs), four Pro GCP, six Active-Active AWS over both regions of 2001 (one
// VPC peered to both), four Active-Active GCP over both regions of 2002 (one
// network peered to both). Six AWS peerings change their CIDRs in the second
// step: one to several, several to one, one to another, several to more.
func fleet() []fleetPeering {
	const (
		pro = "rediscloud_subscription_peering"
		aa  = "rediscloud_active_active_subscription_peering"
	)
	c := func(cs ...string) []string { return cs }
	ps := []fleetPeering{
		{resType: pro, name: "pro_aws_0", sub: 1001, region: "us-east-1", cidrs: c("172.16.0.0/24"), after: c("172.16.0.0/24", "172.30.0.0/24")},
		{resType: pro, name: "pro_aws_1", sub: 1001, region: "us-east-1", cidrs: c("172.16.1.0/24", "172.17.1.0/24"), after: c("172.16.1.0/24")},
		{resType: pro, name: "pro_aws_2", sub: 1001, region: "us-west-2", cidrs: c("172.16.2.0/24", "172.17.2.0/24", "172.18.2.0/24")},
		{resType: pro, name: "pro_aws_3", sub: 1001, region: "us-west-2", cidrs: c("172.16.3.0/24"), after: c("172.16.33.0/24")},
		{resType: pro, name: "pro_aws_4", sub: 1001, region: "eu-west-1", cidrs: c("172.16.4.0/24")},
		{resType: pro, name: "pro_aws_5", sub: 1001, region: "eu-west-1", cidrs: c("172.16.5.0/24", "172.17.5.0/24")},
		{resType: aa, name: "aa_aws_0", sub: 2001, region: "us-east-1", cidrs: c("192.168.0.0/24"), after: c("192.168.0.0/24", "192.168.100.0/24")},
		{resType: aa, name: "aa_aws_1", sub: 2001, region: "us-east-1", cidrs: c("192.168.1.0/24", "192.168.101.0/24")},
		{resType: aa, name: "aa_aws_2", sub: 2001, region: "us-east-1", cidrs: c("192.168.2.0/24")},
		{resType: aa, name: "aa_aws_3", sub: 2001, region: "eu-west-1", cidrs: c("192.168.3.0/24"), after: c("192.168.33.0/24")},
		{resType: aa, name: "aa_aws_4", sub: 2001, region: "eu-west-1", cidrs: c("192.168.4.0/24", "192.168.104.0/24"), after: c("192.168.4.0/24", "192.168.104.0/24", "192.168.204.0/24")},
		{resType: aa, name: "aa_aws_5", sub: 2001, region: "eu-west-1", cidrs: c("192.168.5.0/24")},
	}
	for i := range ps {
		ps[i].account = fmt.Sprintf("1234567890%02d", i%3)
		ps[i].vpc = vpc(i)
	}
	// One VPC peered with both regions of the Active-Active subscription.
	ps[9].vpc, ps[9].account = ps[6].vpc, ps[6].account
	for i := range 4 {
		ps = append(ps, fleetPeering{resType: pro, name: fmt.Sprintf("pro_gcp_%d", i), sub: 1002, gcp: true,
			project: "consumer-project-a", network: fmt.Sprintf("pro-net-%d", i)})
	}
	aaGCP := []struct{ region, network string }{
		{"us-central1", "aa-net-0"}, {"us-central1", "aa-net-1"},
		// aa-net-0 again: one network peered with both regions.
		{"europe-west1", "aa-net-0"}, {"europe-west1", "aa-net-3"},
	}
	for i, g := range aaGCP {
		ps = append(ps, fleetPeering{resType: aa, name: fmt.Sprintf("aa_gcp_%d", i), sub: 2002, gcp: true, region: g.region,
			project: "consumer-project-b", network: g.network})
	}
	return ps
}

func fleetConfig(srv *cloudsim.Server, ps []fleetPeering, changed bool) string {
	blocks := make([]string, len(ps))
	for i, p := range ps {
		blocks[i] = p.block(changed)
	}
	return acctest.Config(srv, blocks...)
}

// checkFleet compares the state with the simulator: every resource's ID is a
// peering the simulator holds, one resource per peering, with the wanted
// CIDRs and a settled status.
func checkFleet(srv *cloudsim.Server, ps []fleetPeering, changed bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		sim := map[string]cloudsim.PeeringInfo{}
		for _, p := range srv.Peerings() {
			sim[fmt.Sprintf("%d/%d", p.SubscriptionID, p.ID)] = p
		}
		if len(sim) != len(ps) {
			return fmt.Errorf("the simulator holds %d peerings, want %d", len(sim), len(ps))
		}
		seen := map[string]string{}
		for _, p := range ps {
			rs, ok := s.RootModule().Resources[p.addr()]
			if !ok {
				return fmt.Errorf("%s is not in state", p.addr())
			}
			id := rs.Primary.ID
			if other, dup := seen[id]; dup {
				return fmt.Errorf("%s and %s both hold %s", other, p.addr(), id)
			}
			seen[id] = p.addr()
			got, ok := sim[id]
			if !ok {
				return fmt.Errorf("%s holds %s, which the simulator does not have", p.addr(), id)
			}
			if got.Status == cloudsim.StatusInitiatingRequest || got.Status == cloudsim.StatusFailed {
				return fmt.Errorf("%s (%s) is %s", p.addr(), id, got.Status)
			}
			if rs.Primary.Attributes["status"] != got.Status {
				return fmt.Errorf("%s: state says status %q, the API %q", p.addr(), rs.Primary.Attributes["status"], got.Status)
			}
			if p.gcp {
				if got.GCPNetworkName != p.network || got.Provider != cloudsim.ProviderGCP {
					return fmt.Errorf("%s (%s): the API holds %+v", p.addr(), id, got)
				}
				continue
			}
			gotCIDRs := append([]string{}, got.CIDRs...)
			sort.Strings(gotCIDRs)
			if want := p.wantCIDRs(changed); strings.Join(gotCIDRs, ",") != strings.Join(want, ",") {
				return fmt.Errorf("%s (%s): the API holds CIDRs %v, want %v", p.addr(), id, gotCIDRs, want)
			}
			if got.VPCID != p.vpc {
				return fmt.Errorf("%s (%s): the API holds VPC %s, want %s", p.addr(), id, got.VPCID, p.vpc)
			}
		}
		return nil
	}
}

// TestAccFaults_fleetSurvivesFaults creates 20 peerings of every kind in one
// configuration, changes the CIDRs of six, refreshes, plans and destroys
// with faults on from the first request to the last:
//
//   - 20 % of requests answer 500, 502 or 503 (empty, HTML or JSON bodies);
//   - 10 % answer 429, half of them with Retry-After: 1;
//   - 5 % of connections are dropped before the request has any effect;
//   - 15 % of POST, PUT and DELETE are applied and then lose their answer;
//   - every new task answers 404 to its first three polls.
//
// Every step must succeed, the simulator must end with no peering, and no
// duplicate may ever have existed: a create whose answer was lost adopts
// the peering it made instead of making another, so exactly 20 are created
// and 20 deleted.
func TestAccFaults_fleetSurvivesFaults(t *testing.T) {
	faults := cloudsim.Faults{
		Error5xxRate:       0.20,
		Error429Rate:       0.10,
		TaskNotFoundPolls:  3,
		DropConnectionRate: 0.05,
		// Mutations are few (about 50 POST, PUT and DELETE), so a higher
		// rate makes sure every run loses some answers after the API acted.
		DropAfterRate: 0.15,
	}
	srv, log := newLoggedSim(t, cloudsim.Options{RandSeed: 20240611, Faults: faults})
	ps := fleet()
	if len(ps) != 20 {
		t.Fatalf("the fleet has %d peerings, want 20", len(ps))
	}
	var changedAddrs, unchangedAddrs []string
	for _, p := range ps {
		if p.after != nil {
			changedAddrs = append(changedAddrs, p.addr())
		} else {
			unchangedAddrs = append(unchangedAddrs, p.addr())
		}
	}
	updateChecks := []plancheck.PlanCheck{}
	for _, a := range changedAddrs {
		updateChecks = append(updateChecks, plancheck.ExpectResourceAction(a, plancheck.ResourceActionUpdate))
	}
	for _, a := range unchangedAddrs {
		updateChecks = append(updateChecks, plancheck.ExpectResourceAction(a, plancheck.ResourceActionNoop))
	}

	// The in-process provider logs to this file at DEBUG, so the client's own
	// account of its retries can be counted. The setting is the process's:
	// this test runs alone, before the package's parallel tests.
	provLog := filepath.Join(t.TempDir(), "provider.log")
	t.Setenv("TF_LOG", "DEBUG")
	t.Setenv("TF_LOG_PATH", provLog)

	start := time.Now()
	stepStart := start
	var stepTimes []string
	mark := func(name string) func() {
		return func() {
			now := time.Now()
			stepTimes = append(stepTimes, fmt.Sprintf("%s %.1fs", name, now.Sub(stepStart).Seconds()))
			stepStart = now
		}
	}
	t.Cleanup(func() { reportFleet(t, srv, log, provLog, time.Since(start), stepTimes) })

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			mark("plan-only and destroy")()
			if left := srv.Peerings(); len(left) != 0 {
				return fmt.Errorf("%d peerings left after destroy: %+v", len(left), left)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: fleetConfig(srv, ps, false),
				Check:  checkFleet(srv, ps, false),
			},
			{
				PreConfig: mark("create"),
				Config:    fleetConfig(srv, ps, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: updateChecks,
				},
				Check: checkFleet(srv, ps, true),
			},
			{
				PreConfig:    mark("update"),
				RefreshState: true,
				Check:        checkFleet(srv, ps, true),
			},
			{
				// Configuration, state and API agree: the plan is empty.
				PreConfig: mark("refresh"),
				Config:    fleetConfig(srv, ps, true),
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})

	st := srv.Stats()
	if st.MaxConcurrentPeeringsPerVPC > 1 {
		t.Errorf("a duplicate peering existed: MaxConcurrentPeeringsPerVPC = %d", st.MaxConcurrentPeeringsPerVPC)
	}
	if st.PeeringsCreated != len(ps) {
		t.Errorf("PeeringsCreated = %d, want %d (one per resource, no duplicate)", st.PeeringsCreated, len(ps))
	}
	if st.PeeringsDeleted != len(ps) {
		t.Errorf("PeeringsDeleted = %d, want %d", st.PeeringsDeleted, len(ps))
	}
	faultsSeen, _, _ := log.counts()
	for _, kind := range []string{"5xx", "429", "dropped before processing", "dropped after processing"} {
		if faultsSeen[kind] == 0 {
			t.Errorf("no %s fault was injected: the suite proves nothing about it", kind)
		}
	}
}

// reportFleet logs the fault suite's figures.
func reportFleet(t *testing.T, srv *cloudsim.Server, log *simLog, provLog string, elapsed time.Duration, steps []string) {
	st := srv.Stats()
	faults, byRoute, answers := log.counts()
	hidden := st.InjectedFaults - sum(faults)
	var b strings.Builder
	fmt.Fprintf(&b, "fault suite figures (%s wall clock; steps: %s):\n", elapsed.Round(100*time.Millisecond), strings.Join(steps, ", "))
	fmt.Fprintf(&b, "  requests: %d in all\n%s", st.TotalRequests, formatCounts(st.Requests))
	fmt.Fprintf(&b, "  faults injected: %d in all (%d 404 answers to polls of new tasks)\n", st.InjectedFaults, hidden)
	faults["404 to a new task's poll"] = hidden
	b.WriteString(formatCounts(faults))
	fmt.Fprintf(&b, "  faults by route:\n%s", formatCounts(byRoute))
	retried := 0
	for k, n := range answers {
		code := k[strings.LastIndex(k, " ")+1:]
		if code == "429" || strings.HasPrefix(code, "5") {
			retried += n
		}
	}
	retried += faults["dropped before processing"] + faults["dropped after processing"] + hidden
	fmt.Fprintf(&b, "  requests that met a fault (all survived: repeated, polled again or reconciled): %d\n", retried)
	fmt.Fprintf(&b, "  the provider's own account (its DEBUG log):\n%s", formatCounts(countProviderLog(t, provLog)))
	fmt.Fprintf(&b, "  answers by route and status:\n%s", formatCounts(answers))
	fmt.Fprintf(&b, "  tasks: %d\n%s", st.TasksCreated, formatCounts(st.TasksByCommand))
	fmt.Fprintf(&b, "  peerings created %d, deleted %d, left %d, max per VPC %d (1 = never a duplicate)\n",
		st.PeeringsCreated, st.PeeringsDeleted, len(srv.Peerings()), st.MaxConcurrentPeeringsPerVPC)
	t.Log(b.String())
}

// providerLogEvents are the provider's log messages that show it riding out
// a fault.
var providerLogEvents = []struct{ label, message string }{
	{"HTTP requests retried by the transport", "retrying request"},
	{"create requests sent again (lost answer, 429, busy subscription)", "sending the create request again"},
	{"peerings adopted after a lost create answer", "adopting the peering created by an attempt whose answer was lost"},
	{"task polls failed after retries and polled again", "polling task failed; will poll again"},
	{"peering lists failed after retries and listed again", "listing peerings failed; will try again"},
}

// countProviderLog counts providerLogEvents in the provider's log file.
func countProviderLog(t *testing.T, path string) map[string]int {
	out := map[string]int{}
	for _, e := range providerLogEvents {
		out[e.label] = 0
	}
	f, err := os.Open(path)
	if err != nil {
		t.Logf("provider log: %v", err)
		return out
	}
	defer f.Close()
	streak := regexp.MustCompile(`retrying request:.*\bretry=([0-9]+)`)
	longest := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, e := range providerLogEvents {
			if strings.Contains(line, e.message) {
				out[e.label]++
			}
		}
		if m := streak.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			longest = max(longest, n)
		}
	}
	out["longest run of retries of one request"] = longest
	return out
}
