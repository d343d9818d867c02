package peering_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// outOfBand runs, for each kind, a test that creates an AWS peering, then
// makes change to it behind Terraform's back before the steps then returns
// (a step without a configuration, a refresh aside, gets the creating one).
func outOfBand(t *testing.T, change func(srv *cloudsim.Server, k peeringKind, p cloudsim.PeeringInfo) error,
	then func(srv *cloudsim.Server, k peeringKind, addr string) []resource.TestStep) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		cfg := acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.31.0.0/16"`))
		steps := then(srv, k, k.addr("test"))
		steps[0].PreConfig = func() {
			if err := change(srv, k, acctest.OnlyPeering(t, srv)); err != nil {
				t.Fatal(err)
			}
		}
		for i := range steps {
			if steps[i].Config == "" && !steps[i].RefreshState {
				steps[i].Config = cfg
			}
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps:                    append([]resource.TestStep{{Config: cfg}}, steps...),
		})
	})
}

// A failed peering stays in state through a refresh, and the next plan
// replaces it: the apply deletes it and creates a new one, with a new
// aws_peering_id for the accepter to accept.
func TestAccPeeringLifecycle_failedIsReplaced(t *testing.T) {
	var first cloudsim.PeeringInfo
	outOfBand(t, func(srv *cloudsim.Server, _ peeringKind, p cloudsim.PeeringInfo) error {
		first = p
		return srv.SetPeeringStatus(p.ID, "failed")
	}, func(srv *cloudsim.Server, _ peeringKind, addr string) []resource.TestStep {
		return []resource.TestStep{
			{
				// The refresh keeps it, with its status.
				RefreshState:       true,
				Check:              resource.TestCheckResourceAttr(addr, "status", "failed"),
				ExpectNonEmptyPlan: true,
			},
			{
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("aws_peering_id")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("pending-acceptance")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("aws_peering_id"), knownvalue.StringRegexp(pcxRe)),
				},
				Check: func(*terraform.State) error {
					if p := acctest.OnlyPeering(t, srv); p.ID == first.ID || p.AWSPeeringUID == first.AWSPeeringUID {
						return fmt.Errorf("the failed peering %d (%s) is still there: %+v", first.ID, first.AWSPeeringUID, p)
					}
					return nil
				},
			},
		}
	})
}

// An AWS peering that turns inactive (its connection deleted on the AWS
// side) is not replaced by itself: the plan is empty, and says what to do.
func TestAccPeeringLifecycle_inactiveIsKept(t *testing.T) {
	outOfBand(t, func(srv *cloudsim.Server, _ peeringKind, p cloudsim.PeeringInfo) error {
		return srv.SetPeeringStatus(p.ID, "inactive")
	}, func(_ *cloudsim.Server, _ peeringKind, addr string) []resource.TestStep {
		return []resource.TestStep{{
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("inactive"))},
		}}
	})
}

// What a plan can know is checked at plan time, before any request that
// changes something: a CIDR that overlaps the Redis side's (read for
// redis_cidrs anyway), and CIDRs that overlap each other.
func TestAccPeeringLifecycle_overlapsFailThePlan(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		redis := k.deploymentCIDR
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps: []resource.TestStep{
				{
					Config:      acctest.Config(srv, k.awsPeering(`vpc_cidr = "10.0.0.0/8"`)),
					PlanOnly:    true,
					ExpectError: acctest.Wrapped(`10.0.0.0/8 overlaps ` + redis + `, a CIDR block of the subscription's Redis Cloud side`),
				},
				{
					Config:      acctest.Config(srv, k.awsPeering(`vpc_cidrs = ["172.31.0.0/16", "172.31.4.0/24"]`)),
					PlanOnly:    true,
					ExpectError: acctest.Wrapped(`172.31.0.0/16 and 172.31.4.0/24 overlap`),
				},
				{
					// A CIDR change is checked against the state's
					// redis_cidrs, with no request more.
					Config: acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.31.0.0/16"`)),
				},
				{
					Config:      acctest.Config(srv, k.awsPeering(`vpc_cidrs = ["172.31.0.0/16", "`+redis+`"]`)),
					ExpectError: acctest.Wrapped(redis + ` overlaps ` + redis),
				},
			},
		})
		st := srv.Stats()
		if creates, updates := st.TasksByCommand[k.createTask], st.TasksByCommand[k.updateTask]; creates != 1 || updates != 0 {
			t.Errorf("the API ran %d create and %d update tasks; want the one valid create and no update", creates, updates)
		}
	})
}

// A GCP peering states the path of the Redis Cloud network that
// google_compute_network_peering's peer_network takes.
func TestAccPeeringLifecycle_gcpNetworkPath(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	addr := "rediscloud_subscription_peering.gcp"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{{
			Config: acctest.Config(srv, `
resource "rediscloud_subscription_peering" "gcp" {
  subscription_id  = "1002"
  provider_name    = "GCP"
  gcp_project_id   = "my-gcp-project"
  gcp_network_name = "my-network"
}
`),
			Check: func(s *terraform.State) error {
				a := s.RootModule().Resources[addr].Primary.Attributes
				want := "projects/" + a["gcp_redis_project_id"] + "/global/networks/" + a["gcp_redis_network_name"]
				if a["gcp_redis_project_id"] == "" || a["gcp_redis_network_path"] != want {
					return fmt.Errorf("gcp_redis_network_path = %q, want %q", a["gcp_redis_network_path"], want)
				}
				return nil
			},
		}},
	})
}

// CIDRs changed out of band (in the Redis Cloud console) are planned back
// to the configuration as an update in place, never as a replacement.
func TestAccPeeringLifecycle_consoleCIDRChangeUpdatedBack(t *testing.T) {
	outOfBand(t, func(srv *cloudsim.Server, _ peeringKind, p cloudsim.PeeringInfo) error {
		return srv.SetPeeringCIDRs(p.ID, []string{"172.40.0.0/16"})
	}, func(srv *cloudsim.Server, _ peeringKind, addr string) []resource.TestStep {
		return []resource.TestStep{{
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: apiCIDRs(t, srv, "172.31.0.0/16"),
		}}
	})
}

// A subscription deleted out of band takes its peerings with it: the
// account's own subscription list proves it gone, so the refresh removes
// the peering, and the plan to create it again fails at plan time, naming
// the missing subscription.
func TestAccPeeringLifecycle_subscriptionDeletedOutOfBand(t *testing.T) {
	outOfBand(t, func(srv *cloudsim.Server, k peeringKind, _ cloudsim.PeeringInfo) error {
		return srv.SetSubscriptionStatus(k.awsSub, "deleted")
	}, func(_ *cloudsim.Server, k peeringKind, _ string) []resource.TestStep {
		return []resource.TestStep{{
			PlanOnly: true,
			ExpectError: acctest.Wrapped(fmt.Sprintf("Planning %s peering on subscription %d failed", k.label, k.awsSub),
				fmt.Sprintf("Subscription %d does not exist in the account", k.awsSub)),
		}}
	})
}

// A pipeline that reads a peering another pipeline accepts waits for it
// with wait_for_status, and fails, naming why, when the peering fails or
// time runs out.
func TestAccPeeringLifecycle_dataSourceWaitsForStatus(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	add := func(vpc string) int {
		id, err := srv.Sim().AddPeering(cloudsim.PeeringInfo{SubscriptionID: 1001, VPCID: vpc, AWSAccountID: "123456789012",
			Region: "us-east-1", CIDRs: []string{"172.31.0.0/16"}, Status: "pending-acceptance"})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	accepted, failing, waiting := add(testVPC), add(otherVPC), add(thirdVPC)
	after := func(d time.Duration, do func() error) func() {
		return func() {
			go func() {
				time.Sleep(d)
				if err := do(); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	lookup := func(id int, timeout string) string {
		return fmt.Sprintf(`
data "rediscloud_subscription_peering" "other_pipeline" {
  subscription_id = "1001"
  peering_id      = %d
  wait_for_status = "active"
  timeouts {
    read = %q
  }
}
`, id, timeout)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: after(2*time.Second, func() error { return srv.AcceptPeering(accepted) }),
				Config:    acctest.Config(srv, lookup(accepted, "2m")),
				Check:     resource.TestCheckResourceAttr("data.rediscloud_subscription_peering.other_pipeline", "status", "active"),
			},
			{
				PreConfig:   after(2*time.Second, func() error { return srv.SetPeeringStatus(failing, "failed") }),
				Config:      acctest.Config(srv, lookup(failing, "2m")),
				ExpectError: acctest.Wrapped(`Redis Cloud reports the peering as "failed"`),
			},
			{
				Config:      acctest.Config(srv, lookup(waiting, "3s")),
				ExpectError: acctest.Wrapped(`did not finish within 3s (timeouts.read)`, `last status was "pending-acceptance"`),
			},
		},
	})
}

// A data source that Terraform reads after a change made elsewhere in the
// same run (here the peering's acceptance, which a front makes right after
// the create's wait saw the peering pending) reads a list requested after
// the change, not the one the create's wait fetched a moment before.
func TestAccPeeringLifecycle_dataSourceReadsAfterChangesOfTheRun(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	var accepted sync.Once
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		acctest.ProxyTo(t, srv.Addr(), rec, r)
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		if strings.HasPrefix(r.URL.Path, "/v1/tasks/") && strings.Contains(rec.Body.String(), `"pending-acceptance"`) {
			// The create has seen its peering pending; another pipeline
			// accepts it now.
			accepted.Do(func() {
				for _, p := range srv.Peerings() {
					if err := srv.AcceptPeering(p.ID); err != nil {
						t.Error(err)
					}
				}
			})
		}
	}))
	t.Cleanup(front.Close)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{{
			Config: acctest.ConfigURL(front.URL+"/v1", pro.awsPeering(`vpc_cidr = "172.31.0.0/16"`), `
data "rediscloud_subscription_peering" "after" {
  subscription_id = "1001"
  peering_id      = rediscloud_subscription_peering.test.peering_id
  depends_on      = [rediscloud_subscription_peering.test]
}

data "rediscloud_subscription_peerings" "after" {
  subscription_id = "1001"
  depends_on      = [rediscloud_subscription_peering.test]
}
`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("rediscloud_subscription_peering.test", "status", "pending-acceptance"),
				resource.TestCheckResourceAttr("data.rediscloud_subscription_peering.after", "status", "active"),
				resource.TestCheckResourceAttr("data.rediscloud_subscription_peerings.after", "peerings.0.status", "active"),
			),
		}},
	})
}
