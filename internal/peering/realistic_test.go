package peering_test

// The realistic-profile pass: each resource's whole life (create, import,
// in-place CIDR update, refresh after an acceptance on the cloud side,
// destroy) and the data sources that read it, against the simulator's
// realistic profile (tasks 2 s each and one at a time per account, tasks
// unknown to the task service for 3 s, 20 s before a new peering leaves
// initiating-request, 429s without Retry-After), driven by the provider
// with the poll settings it ships with. Each test has its own simulator,
// that is its own account and task queue, so the tests run in parallel.
// They run only with REDISCLOUD_ACC_REALISTIC set, as they take a minute
// each rather than seconds.

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// realisticSim skips the test unless the realistic pass was asked for, and
// otherwise starts a simulator on the realistic profile.
func realisticSim(t *testing.T) *cloudsim.Server {
	t.Helper()
	return realisticSimWith(t, cloudsim.Options{})
}

// realisticSimWith is realisticSim with opts overriding the profile's values.
func realisticSimWith(t *testing.T, opts cloudsim.Options) *cloudsim.Server {
	t.Helper()
	acctest.PreCheck(t)
	if os.Getenv("REDISCLOUD_ACC_REALISTIC") == "" {
		t.Skip("the realistic-profile pass runs with REDISCLOUD_ACC_REALISTIC=1 (make testacc sets it)")
	}
	opts.Profile = cloudsim.ProfileRealistic
	srv := acctest.NewSim(t, opts)
	if got := srv.Config().Profile; got != cloudsim.ProfileRealistic {
		t.Fatalf("the simulator runs profile %q, want %q", got, cloudsim.ProfileRealistic)
	}
	return srv
}

var realNonBlank = regexp.MustCompile(`^\S+$`)

// realElem is the path of attribute attr of the first element of a list
// data source's peerings.
func realElem(attr string) tfjsonpath.Path {
	return tfjsonpath.New("peerings").AtSliceIndex(0).AtMapKey(attr)
}

// realSame checks that attribute dsAttr of data source ds equals attribute
// resAttr of resource res.
func realSame(ds string, dsAttr tfjsonpath.Path, res, resAttr string) statecheck.StateCheck {
	return statecheck.CompareValuePairs(ds, dsAttr, res, tfjsonpath.New(resAttr), compare.ValuesSame())
}

// realMatchesAPI checks the state of addr against the simulator's only
// peering: the same ID, the same status, and what check adds.
func realMatchesAPI(srv *cloudsim.Server, addr string, check func(p cloudsim.PeeringInfo, attrs map[string]string) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		p, err := acctest.Peering(srv)
		if err != nil {
			return err
		}
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		attrs := rs.Primary.Attributes
		if want := fmt.Sprintf("%d/%d", p.SubscriptionID, p.ID); rs.Primary.ID != want {
			return fmt.Errorf("%s has id %s, the API's peering is %s", addr, rs.Primary.ID, want)
		}
		if attrs["status"] != p.Status {
			return fmt.Errorf("%s has status %q, the API says %q", addr, attrs["status"], p.Status)
		}
		return check(p, attrs)
	}
}

// realAWSMatches checks an AWS peering's pcx ID and CIDRs against the API.
func realAWSMatches(srv *cloudsim.Server, addr string, cidrs ...string) resource.TestCheckFunc {
	return realMatchesAPI(srv, addr, func(p cloudsim.PeeringInfo, attrs map[string]string) error {
		if attrs["aws_peering_id"] != p.AWSPeeringUID {
			return fmt.Errorf("%s has aws_peering_id %q, the API says %q", addr, attrs["aws_peering_id"], p.AWSPeeringUID)
		}
		got := slices.Clone(p.CIDRs)
		slices.Sort(got)
		if strings.Join(got, ",") != strings.Join(cidrs, ",") {
			return fmt.Errorf("the API holds CIDRs %v, want %v", got, cidrs)
		}
		return nil
	})
}

// realStats checks the simulator's counters: how many tasks of each
// command, where a command tasks does not name must have none, and that no
// request was throttled. List tasks (the Get commands) are reads, as many
// as the refreshes and waits make, and are not counted.
func realStats(srv *cloudsim.Server, tasks map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		st := srv.Stats()
		for cmd, want := range tasks {
			if got := st.TasksByCommand[cmd]; got != want {
				return fmt.Errorf("%d %s tasks, want %d (tasks: %v)", got, cmd, want, st.TasksByCommand)
			}
		}
		for cmd, got := range st.TasksByCommand {
			if _, named := tasks[cmd]; !named && got != 0 && !strings.HasSuffix(cmd, "GetRequest") {
				return fmt.Errorf("%d %s tasks, want none (tasks: %v)", got, cmd, st.TasksByCommand)
			}
		}
		if st.Throttled != 0 {
			return fmt.Errorf("%d requests were throttled (peak %d a minute): the shipped client must stay within the API's limit",
				st.Throttled, st.PeakRequestsPerMinute)
		}
		if st.MaxConcurrentPeeringsPerVPC > 1 {
			return fmt.Errorf("a VPC had %d peerings at once: a create was sent twice", st.MaxConcurrentPeeringsPerVPC)
		}
		return nil
	}
}

// realRefreshedStatus is a plan check that the refresh behind the plan
// read addr from the API: its refreshed state (the plan's prior state) has
// the status the API gives it now.
type realRefreshedStatus struct {
	addr, status string
}

func (c realRefreshedStatus) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan.PriorState == nil || req.Plan.PriorState.Values == nil || req.Plan.PriorState.Values.RootModule == nil {
		resp.Error = fmt.Errorf("the plan has no prior state")
		return
	}
	for _, r := range req.Plan.PriorState.Values.RootModule.Resources {
		if r.Address == c.addr {
			if got := r.AttributeValues["status"]; got != c.status {
				resp.Error = fmt.Errorf("the refresh left %s with status %v, the API says %q", c.addr, got, c.status)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the refreshed state", c.addr)
}

// realRefreshStep is a plan-only step with config. The peering of addr is
// first accepted on the cloud side, as its owner would: refreshing must
// read the new status from the API and plan no change.
func realRefreshStep(t *testing.T, srv *cloudsim.Server, config, addr, status string) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() {
			p, err := acctest.Peering(srv)
			if err == nil {
				err = srv.AcceptPeering(p.ID)
			}
			if err != nil {
				t.Fatalf("accepting the peering: %v", err)
			}
		},
		Config:   config,
		PlanOnly: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
			realRefreshedStatus{addr: addr, status: status},
			plancheck.ExpectEmptyPlan(),
		}},
	}
}

// realCheckDestroy is CheckDestroy: no peering left, each deleted by a
// delete task of the API.
func realCheckDestroy(srv *cloudsim.Server, deleteCommand string) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(
		acctest.CheckNoPeerings(srv),
		func(*terraform.State) error {
			st := srv.Stats()
			if st.PeeringsDeleted != 1 || st.TasksByCommand[deleteCommand] != 1 {
				return fmt.Errorf("%d peerings deleted by %d %s tasks, want 1 by 1", st.PeeringsDeleted, st.TasksByCommand[deleteCommand], deleteCommand)
			}
			if st.Throttled != 0 {
				return fmt.Errorf("%d requests were throttled", st.Throttled)
			}
			return nil
		},
	)
}

// TestAccRealisticPeering_aws: an AWS peering of either kind, and the
// kind's data sources reading it after an update of its CIDRs.
func TestAccRealisticPeering_aws(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := realisticSim(t)
		addr := k.addr("aws")
		list := "data." + k.listType + ".all"
		dataSources := fmt.Sprintf(`
data %[1]q "all" {
  subscription_id = "%[2]d"
  depends_on      = [%[3]s]
}
`, k.listType, k.awsSub, addr)
		var lookupChecks []statecheck.StateCheck
		if k.lookupType != "" {
			lookup := "data." + k.lookupType + ".by_vpc"
			dataSources += fmt.Sprintf(`
data %[1]q "by_vpc" {
  subscription_id = "%[2]d"
  vpc_id          = %[3]s.vpc_id
  depends_on      = [%[3]s]
}
`, k.lookupType, k.awsSub, addr)
			lookupChecks = []statecheck.StateCheck{
				realSame(lookup, tfjsonpath.New("id"), addr, "id"),
				realSame(lookup, tfjsonpath.New("aws_peering_id"), addr, "aws_peering_id"),
				acctest.Expect(lookup, "aws_peering_id", knownvalue.StringRegexp(pcxRe)),
				acctest.Expect(lookup, "status", acctest.Str("pending-acceptance")),
				acctest.Expect(lookup, "vpc_cidrs", acctest.StrList("172.31.0.0/16", "172.40.0.0/16")),
			}
		}
		updated := acctest.Config(srv, k.awsBlock("aws", "us-east-1", testVPC, `vpc_cidrs = ["172.40.0.0/16", "172.31.0.0/16"]`), dataSources)
		listRegions := make([]statecheck.StateCheck, 0, 2)
		for attr, v := range k.awsRegions("us-east-1") {
			listRegions = append(listRegions, statecheck.ExpectKnownValue(list, realElem(attr), acctest.Str(v)))
		}
		samePeering := statecheck.CompareValue(compare.ValuesSame())
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ShippedProviderFactories(),
			CheckDestroy:             realCheckDestroy(srv, k.deleteTask),
			Steps: []resource.TestStep{
				{
					Config: acctest.Config(srv, k.awsBlock("aws", "us-east-1", testVPC, `vpc_cidr = "172.31.0.0/16"`)),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					}},
					ConfigStateChecks: append([]statecheck.StateCheck{
						acctest.Expect(addr, "id", knownvalue.StringRegexp(idRe(k.awsSub))),
						acctest.Expect(addr, "status", acctest.Str("pending-acceptance")),
						acctest.Expect(addr, "aws_peering_id", knownvalue.StringRegexp(pcxRe)),
						acctest.Expect(addr, "provider_name", acctest.Str("AWS")),
						acctest.Expect(addr, "vpc_cidr", acctest.Str("172.31.0.0/16")),
						acctest.Expect(addr, "vpc_cidrs", acctest.StrSet("172.31.0.0/16")),
						acctest.Expect(addr, "gcp_redis_project_id", knownvalue.Null()),
						samePeering.AddStateValue(addr, tfjsonpath.New("peering_id")),
					}, acctest.ExpectMap(addr, k.awsRegions("us-east-1"))...),
					Check: resource.ComposeAggregateTestCheckFunc(
						realAWSMatches(srv, addr, "172.31.0.0/16"),
						realStats(srv, map[string]int{k.createTask: 1}),
					),
				},
				acctest.ImportStep(addr),
				// More CIDRs: updated in place, and the data sources, read
				// after the update, see it.
				{
					Config: updated,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("vpc_cidr"), knownvalue.Null()),
					}},
					ConfigStateChecks: slices.Concat([]statecheck.StateCheck{
						acctest.Expect(addr, "vpc_cidrs", acctest.StrSet("172.31.0.0/16", "172.40.0.0/16")),
						acctest.Expect(addr, "vpc_cidr", knownvalue.Null()),
						acctest.Expect(addr, "status", acctest.Str("pending-acceptance")),
						samePeering.AddStateValue(addr, tfjsonpath.New("peering_id")),

						acctest.Expect(list, "id", acctest.Str(fmt.Sprint(k.awsSub))),
						acctest.Expect(list, "peerings", knownvalue.ListSizeExact(1)),
						realSame(list, realElem("peering_id"), addr, "peering_id"),
						realSame(list, realElem("aws_peering_id"), addr, "aws_peering_id"),
						statecheck.ExpectKnownValue(list, realElem("status"), acctest.Str("pending-acceptance")),
						statecheck.ExpectKnownValue(list, realElem("vpc_id"), acctest.Str(testVPC)),
						statecheck.ExpectKnownValue(list, realElem("vpc_cidrs"), acctest.StrList("172.31.0.0/16", "172.40.0.0/16")),
					}, listRegions, lookupChecks),
					Check: resource.ComposeAggregateTestCheckFunc(
						realAWSMatches(srv, addr, "172.31.0.0/16", "172.40.0.0/16"),
						realStats(srv, map[string]int{k.createTask: 1, k.updateTask: 1}),
					),
				},
				realRefreshStep(t, srv, updated, addr, "active"),
			},
		})
	})
}

// TestAccRealisticPeering_gcp: a GCP peering of either kind, and the
// kind's data sources reading it as soon as it is created.
func TestAccRealisticPeering_gcp(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := realisticSim(t)
		addr := k.addr("gcp")
		list := "data." + k.listType + ".gcp"
		dataSources := fmt.Sprintf(`
data %[1]q "gcp" {
  subscription_id = "%[2]d"
  depends_on      = [%[3]s]
}
`, k.listType, k.gcpSub, addr)
		var lookupChecks []statecheck.StateCheck
		if k.lookupType != "" {
			lookup := "data." + k.lookupType + ".by_network"
			dataSources += fmt.Sprintf(`
data %[1]q "by_network" {
  subscription_id  = "%[2]d"
  gcp_network_name = %[3]s.gcp_network_name
  gcp_project_id   = %[3]s.gcp_project_id
  depends_on       = [%[3]s]
}
`, k.lookupType, k.gcpSub, addr)
			lookupChecks = []statecheck.StateCheck{
				realSame(lookup, tfjsonpath.New("id"), addr, "id"),
				realSame(lookup, tfjsonpath.New("gcp_redis_network_name"), addr, "gcp_redis_network_name"),
				acctest.Expect(lookup, "status", acctest.Str("inactive")),
				acctest.Expect(lookup, "gcp_network_name", acctest.Str("my-app-network")),
			}
		}
		config := acctest.Config(srv, k.gcpBlock("gcp", k.gcpRegions, "my-app-project", "my-app-network"), dataSources)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ShippedProviderFactories(),
			CheckDestroy:             realCheckDestroy(srv, k.deleteTask),
			Steps: []resource.TestStep{
				{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					}},
					ConfigStateChecks: slices.Concat([]statecheck.StateCheck{
						acctest.Expect(addr, "id", knownvalue.StringRegexp(idRe(k.gcpSub))),
						acctest.Expect(addr, "status", acctest.Str("inactive")),
						acctest.Expect(addr, "provider_name", acctest.Str("GCP")),
						acctest.Expect(addr, "gcp_project_id", acctest.Str("my-app-project")),
						acctest.Expect(addr, "gcp_network_name", acctest.Str("my-app-network")),
						acctest.Expect(addr, "gcp_redis_project_id", knownvalue.StringRegexp(realNonBlank)),
						acctest.Expect(addr, "gcp_redis_network_name", knownvalue.StringRegexp(realNonBlank)),
						acctest.Expect(addr, "gcp_peering_id", knownvalue.StringRegexp(realNonBlank)),
						acctest.Expect(addr, "aws_peering_id", knownvalue.Null()),
						acctest.Expect(addr, "vpc_cidrs", knownvalue.Null()),

						acctest.Expect(list, "id", acctest.Str(fmt.Sprint(k.gcpSub))),
						acctest.Expect(list, "peerings", knownvalue.ListSizeExact(1)),
						realSame(list, realElem("peering_id"), addr, "peering_id"),
						realSame(list, realElem("gcp_redis_project_id"), addr, "gcp_redis_project_id"),
						realSame(list, realElem("gcp_redis_network_name"), addr, "gcp_redis_network_name"),
						realSame(list, realElem("gcp_peering_id"), addr, "gcp_peering_id"),
						statecheck.ExpectKnownValue(list, realElem("status"), acctest.Str("inactive")),
						statecheck.ExpectKnownValue(list, realElem("provider_name"), acctest.Str("GCP")),
						statecheck.ExpectKnownValue(list, realElem("aws_peering_id"), knownvalue.Null()),
					}, acctest.ExpectMap(addr, k.gcpRegions), lookupChecks),
					Check: resource.ComposeAggregateTestCheckFunc(
						realMatchesAPI(srv, addr, func(p cloudsim.PeeringInfo, attrs map[string]string) error {
							if p.Provider != cloudsim.ProviderGCP || p.GCPProjectID != "my-app-project" || p.GCPNetworkName != "my-app-network" {
								return fmt.Errorf("the API holds %+v", p)
							}
							if attrs["gcp_redis_project_id"] != p.RedisProjectUID || attrs["gcp_redis_network_name"] != p.RedisNetworkName ||
								attrs["gcp_peering_id"] != p.CloudPeeringID {
								return fmt.Errorf("state %v does not match the API's %+v", attrs, p)
							}
							return nil
						}),
						realStats(srv, map[string]int{k.createTask: 1}),
					),
				},
				acctest.ImportStep(addr),
				realRefreshStep(t, srv, config, addr, "active"),
			},
		})
	})
}

// realOfficialPerCreate is what Redis's own provider spends on one Pro
// create on the realistic profile (BENCHMARKS.md derives it from its
// documented polling: the POST and 3 polls of its task, then 5 lists of 4
// requests each, one create after the other).
const realOfficialPerCreate = 24

// TestAccRealisticParallelCreates: three Pro peerings of one subscription in
// one apply (Terraform runs the creates at once), on the realistic profile
// in both forms of its one-change-per-subscription rule: a change sent
// while another runs is refused with 429, or gets a task failing
// SUBSCRIPTION_NOT_ACTIVE while the subscription shows pending. The creates
// must take turns, so that the API refuses at most the first change sent
// too early (with its retries), none is sent twice, and the apply spends no
// more than Redis's provider does.
func TestAccRealisticParallelCreates(t *testing.T) {
	t.Parallel()
	for _, conflict := range []string{cloudsim.ChangeConflict429, cloudsim.ChangeConflictTask} {
		t.Run(conflict, func(t *testing.T) {
			srv := realisticSimWith(t, cloudsim.Options{ChangeConflict: conflict})
			const n = 3
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ShippedProviderFactories(),
				CheckDestroy: resource.ComposeAggregateTestCheckFunc(
					acctest.CheckNoPeerings(srv),
					perfNoRefusals(srv),
				),
				Steps: []resource.TestStep{{
					Config: acctest.Config(srv, perfPeerings(n, nil)),
					Check: resource.ComposeAggregateTestCheckFunc(
						perfStateMatchesAPI(srv, n),
						perfNoRefusals(srv),
						func(*terraform.State) error {
							st := srv.Stats()
							if c := st.TasksByCommand["vpcPeeringCreateRequest"]; c < n || c > n+1 {
								return fmt.Errorf("%d create tasks for %d creates, want %d and at most one refused: %v", c, n, n, st.TasksByCommand)
							}
							for cmd, c := range st.TasksByCommand {
								if cmd != "vpcPeeringCreateRequest" && !strings.HasSuffix(cmd, "GetRequest") && c > 0 {
									return fmt.Errorf("%d %s tasks, want none: %v", c, cmd, st.TasksByCommand)
								}
							}
							t.Logf("%d creates, change conflicts %q: %d requests (plan and apply), %d lists refused: %v",
								n, conflict, st.TotalRequests, st.ListsRefused, st.Requests)
							if budget := n * realOfficialPerCreate; st.TotalRequests > budget {
								return fmt.Errorf("%d requests for %d creates, want at most %d (Redis's provider: about %d)",
									st.TotalRequests, n, budget, n*realOfficialPerCreate)
							}
							return nil
						},
					),
				}},
			})
		})
	}
}
