package peering_test

// Request counts of whole Terraform runs. They prove that reads of one
// subscription's peerings share list tasks (a list is an asynchronous task
// of its own, so one per resource would spend the account's 400 requests a
// minute), and that sharing never hides a change. Wall-clock times are only
// measured by the benchmark (go run ./internal/cmd/bench).

import (
	"context"
	"fmt"
	"slices"
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

const perfType = "rediscloud_subscription_peering"

// perfPeerings declares n AWS peerings p0…p(n-1) of subscription 1001, each
// with its own VPC; cidrs overrides the CIDRs of some of them.
func perfPeerings(n int, cidrs map[int][]string) string {
	var b strings.Builder
	for i := range n {
		set := []string{fmt.Sprintf("172.16.%d.0/24", i)}
		if c, ok := cidrs[i]; ok {
			set = c
		}
		fmt.Fprintf(&b, `
resource %q "p%d" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-%017x"
  vpc_cidrs       = [%s]
}
`, perfType, i, i+1, perfQuoted(set))
	}
	return b.String()
}

func perfQuoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func perfAddr(i int) string { return fmt.Sprintf("%s.p%d", perfType, i) }

// perfListTasks counts the peering list tasks of both kinds.
func perfListTasks(st cloudsim.Stats) int {
	return st.TasksByCommand["vpcPeeringGetRequest"] + st.TasksByCommand["activeActiveVpcPeeringGetRequest"]
}

// perfStatsCheck runs a check of the simulator's counters as a plan check,
// that is right after the plan it follows.
type perfStatsCheck func() error

func (f perfStatsCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// perfMaxLists fails when the requests since the last reset created more
// than maxLists list tasks, or anything but list tasks, or more requests
// than those lists need: the list itself and at most two polls of its task
// (the simulator answers at once, so one poll is the rule).
func perfMaxLists(srv *cloudsim.Server, maxLists int) perfStatsCheck {
	return func() error {
		st := srv.Stats()
		lists := perfListTasks(st)
		if lists > maxLists {
			return fmt.Errorf("%d list tasks, want at most %d (requests: %v)", lists, maxLists, st.Requests)
		}
		if st.TasksCreated != lists {
			return fmt.Errorf("a refresh created other tasks than lists: %v", st.TasksByCommand)
		}
		if st.TotalRequests > 3*lists {
			return fmt.Errorf("%d requests for %d list tasks, want at most %d: %v", st.TotalRequests, lists, 3*lists, st.Requests)
		}
		return nil
	}
}

// perfStateMatchesAPI compares each peering in state with the simulator's.
func perfStateMatchesAPI(srv *cloudsim.Server, n int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		byID := map[string]cloudsim.PeeringInfo{}
		for _, p := range srv.Peerings() {
			byID[strconv.Itoa(p.ID)] = p
		}
		if len(byID) != n {
			return fmt.Errorf("the simulator holds %d peerings, want %d", len(byID), n)
		}
		for i := range n {
			rs, ok := s.RootModule().Resources[perfAddr(i)]
			if !ok {
				return fmt.Errorf("%s is not in state", perfAddr(i))
			}
			a := rs.Primary.Attributes
			p, ok := byID[a["peering_id"]]
			if !ok {
				return fmt.Errorf("%s: peering %s is not in the simulator", perfAddr(i), a["peering_id"])
			}
			count, _ := strconv.Atoi(a["vpc_cidrs.#"])
			var got []string
			for j := range count {
				got = append(got, a[fmt.Sprintf("vpc_cidrs.%d", j)])
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(p.CIDRs))
			if !slices.Equal(got, want) {
				return fmt.Errorf("%s: state holds CIDRs %v, the API %v", perfAddr(i), got, want)
			}
			if a["status"] != p.Status || a["aws_peering_id"] != p.AWSPeeringUID {
				return fmt.Errorf("%s: state holds %s/%s, the API %s/%s", perfAddr(i), a["status"], a["aws_peering_id"], p.Status, p.AWSPeeringUID)
			}
		}
		return nil
	}
}

// TestAccPerf_refreshSharesListTasks: a plan that refreshes 20 peerings of
// one subscription (Terraform reads up to ten at once) costs at most two
// list tasks: concurrent reads share one, later reads its snapshot.
func TestAccPerf_refreshSharesListTasks(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	const n = 20
	config := acctest.Config(srv, perfPeerings(n, nil))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config, Check: perfStateMatchesAPI(srv, n)},
			{
				// A plan-only step runs a plan without refresh (no API call)
				// and then one with: the refresh is all that is counted.
				PreConfig: srv.ResetStats,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					perfMaxLists(srv, 2),
				}},
			},
		},
	})
}

// TestAccPerf_readsAfterMutationSeeIt: the CIDRs of two of five peerings
// change in one apply, concurrently. Each update's wait must see its own
// change although lists of the subscription are shared; the state must
// match the API; and the refresh that follows (five reads, sharing one
// list) must find nothing to change.
func TestAccPerf_readsAfterMutationSeeIt(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	const n = 5
	changed := map[int][]string{
		1: {"172.31.0.0/24", "172.31.1.0/24"},
		3: {"172.32.0.0/24"},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: acctest.Config(srv, perfPeerings(n, nil)), Check: perfStateMatchesAPI(srv, n)},
			{
				PreConfig: srv.ResetStats,
				Config:    acctest.Config(srv, perfPeerings(n, changed)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(perfAddr(1), plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(perfAddr(3), plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(perfAddr(0), plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						perfMaxLists(srv, 1),
					},
				},
				Check: resource.ComposeTestCheckFunc(
					perfStateMatchesAPI(srv, n),
					func(*terraform.State) error {
						st := srv.Stats()
						if u := st.TasksByCommand["vpcPeeringUpdateRequest"]; u != 2 {
							return fmt.Errorf("%d update tasks, want 2", u)
						}
						for i, want := range changed {
							var got []string
							for _, p := range srv.Peerings() {
								if p.VPCID == fmt.Sprintf("vpc-%017x", i+1) {
									got = p.CIDRs
								}
							}
							if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
								return fmt.Errorf("p%d: the API holds CIDRs %v, want %v", i, got, want)
							}
						}
						// Count only the refresh that follows.
						srv.ResetStats()
						return nil
					},
				),
			},
		},
	})
}

// TestAccPerf_parallelCreatesTakeTurns: three peerings of one subscription
// created in one apply (Terraform runs the three creates at once) on a
// simulator that runs one change per subscription at a time, in both of the
// forms it refuses another: with 429, or with a task failing
// SUBSCRIPTION_NOT_ACTIVE. The creates take turns (see rediscloud.Turn), so
// the API refuses at most the first one sent too early and none is sent
// twice; and each costs a handful of requests: a create task, a list to see
// it settle (the simulator runs each task in 500 ms and settles peerings at
// once), and the reads of the subscription that a refusal costs. The
// destroy takes turns too.
func TestAccPerf_parallelCreatesTakeTurns(t *testing.T) {
	t.Parallel()
	for _, conflict := range []string{cloudsim.ChangeConflict429, cloudsim.ChangeConflictTask} {
		t.Run(conflict, func(t *testing.T) {
			srv := acctest.NewSim(t, cloudsim.Options{TaskLatency: 500 * time.Millisecond, ChangeConflict: conflict})
			const n = 3
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories(),
				CheckDestroy: resource.ComposeAggregateTestCheckFunc(
					acctest.CheckNoPeerings(srv),
					perfNoRefusals(srv),
				),
				Steps: []resource.TestStep{
					{
						PreConfig: srv.ResetStats,
						Config:    acctest.Config(srv, perfPeerings(n, nil)),
						Check: resource.ComposeTestCheckFunc(
							perfStateMatchesAPI(srv, n),
							perfNoRefusals(srv),
							func(*terraform.State) error {
								st := srv.Stats()
								if c := st.TasksByCommand["vpcPeeringCreateRequest"]; c < n || c > n+st.ChangesRefused {
									return fmt.Errorf("%d create tasks, want %d and one for each refused create (%d)", c, n, st.ChangesRefused)
								}
								// Waits that overlap share their lists; a
								// list the API refused while a change ran
								// is sent again once it is over.
								if l := perfListTasks(st); l < 1 || l > n+st.ListsRefused {
									return fmt.Errorf("%d list tasks for %d creates (%d lists refused), want one each at most and one more per refused list: %v", l, n, st.ListsRefused, st.TasksByCommand)
								}
								// Each create is sent once, and reads the
								// subscription at most once; the polls of
								// the tests' provider are quick (50 ms
								// first, then every 20 ms and more).
								posts, subs, polls := st.Requests["POST /v1/subscriptions/{subscriptionId}/peerings"],
									st.Requests["GET /v1/subscriptions/{subscriptionId}"], st.Requests["GET /v1/tasks/{taskId}"]
								// A refused create is sent again, and a
								// refused change or list waits for the
								// subscription to be active.
								refused := st.ChangesRefused
								waits := refused + st.ListsRefused
								if posts > n+refused || subs > n+10*waits || polls > 3*st.TasksCreated {
									return fmt.Errorf("%d POSTs, %d reads of the subscription and %d polls of %d tasks for %d creates (%d refused, %d lists refused); want at most %d, %d and %d: %v",
										posts, subs, polls, st.TasksCreated, n, refused, st.ListsRefused, n+refused, n+10*waits, 3*st.TasksCreated, st.Requests)
								}
								return nil
							},
						),
					},
				},
			})
		})
	}
}

// perfNoRefusals fails when the API refused more changes because another
// change of its subscription was running than the client's first lesson
// (after which it holds each turn until the change is carried out), when a
// request was throttled, or when a peering was created twice. (A list may
// be refused: with ChangeConflictTask the API refuses every operation while
// a change runs, the reads of the wait for that change included.)
// perfLessonRefusals bounds the refusals a client meets before it holds
// each turn until the change is carried out: those of the first change sent
// too early, a task, or a 429 and each of the transport's retries of it.
const perfLessonRefusals = 11 // rediscloud.DefaultMaxRetries, and the first attempt

func perfNoRefusals(srv *cloudsim.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		st := srv.Stats()
		if st.ChangesRefused > perfLessonRefusals || st.Throttled != 0 {
			return fmt.Errorf("%d changes refused, %d requests throttled: the changes of one subscription must take turns, refused at most %d times before the client learns",
				st.ChangesRefused, st.Throttled, perfLessonRefusals)
		}
		if st.MaxConcurrentPeeringsPerVPC > 1 {
			return fmt.Errorf("a VPC had %d peerings at once: a create was sent twice", st.MaxConcurrentPeeringsPerVPC)
		}
		return nil
	}
}
