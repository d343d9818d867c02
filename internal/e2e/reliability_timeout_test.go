package e2e_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

const (
	timeoutAddr    = "rediscloud_subscription_peering.test"
	createTimeout  = 5 * time.Second
	timeoutPeering = `
resource "rediscloud_subscription_peering" "test" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = "172.31.0.0/16"

  timeouts {
    create = "5s"
  }
}
`
	// createPOST is the create's request for its peering. The create's
	// timeout starts just before it: the subscription was read by the
	// plan, and again by the apply's own plan, which leaves it known to be
	// active, so the create sends this first.
	createPOST = "POST /v1/subscriptions/{id}/peerings -> 202"
)

// timedCreate measures a failing create, on the simulator's clock, from its
// POST (the plan's requests come earlier, by however long Terraform takes
// between the plan and the apply, and must not count) to the end of its
// wait: the first request matching end after the POST when end is set,
// otherwise the start of the next step, which follows the failed apply at
// once.
type timedCreate struct {
	log *simLog
	// end is the first request after the wait gave up, when the create
	// makes one: the lookup of a create whose task never finished.
	end  string
	took time.Duration
}

func (c *timedCreate) stop(t *testing.T) func() {
	return func() {
		start, ok := c.log.first(createPOST)
		if !ok {
			t.Fatal("the create sent no POST")
		}
		end := time.Now()
		if c.end != "" {
			if end, ok = c.log.firstAfter(c.end, start); !ok {
				t.Fatalf("no %q after the create's POST", c.end)
			}
		}
		c.took = end.Sub(start)
		t.Logf("the create with timeouts.create = %s gave up %s after its POST (%+.1f%%)",
			createTimeout, c.took.Round(time.Millisecond), 100*(c.took.Seconds()-createTimeout.Seconds())/createTimeout.Seconds())
		// A loose sanity bound: the timeout must end the create, long before
		// the default 30 minutes, and not before it is due.
		if c.took < createTimeout-200*time.Millisecond || c.took > time.Minute {
			t.Errorf("the create gave up after %s; timeouts.create is %s", c.took, createTimeout)
		}
	}
}

// TestAccTimeout_stuckTask gives a create 5 s while its task never
// finishes: the create ends at the timeout with an error that names the
// timeout, says the peering's ID is not known and nothing was saved, and how
// to allow more time. The simulator never runs the task, so no peering
// exists and the state stays empty; a later create (faults cleared) works.
func TestAccTimeout_stuckTask(t *testing.T) {
	t.Parallel()
	srv, log := newLoggedSim(t, cloudsim.Options{RandSeed: 3, Faults: cloudsim.Faults{StuckTasks: true}})
	// After the timeout the create looks for its peering (for up to the
	// lookup timeout): its list is the first after the POST.
	timed := &timedCreate{log: log, end: "GET /v1/subscriptions/{id}/peerings -> 202"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, timeoutPeering),
				ExpectError: acctest.Wrapped(
					"Creating Pro peering on subscription 1001 failed",
					"did not finish within 5s (timeouts.create)",
					"the create request was accepted as task",
					"No peering was saved in state",
					"terraform import rediscloud_subscription_peering.<name> 1001/<peering_id>",
					`Allow more time with timeouts { create = "60m" }`),
			},
			{
				PreConfig: func() {
					timed.stop(t)()
					if n := len(srv.Peerings()); n != 0 {
						t.Errorf("the stuck task made %d peerings", n)
					}
					srv.SetFaults(cloudsim.Faults{})
				},
				Config: acctest.Config(srv, timeoutPeering),
				Check: func(s *terraform.State) error {
					if n := len(srv.Peerings()); n != 1 {
						return fmt.Errorf("the simulator holds %d peerings, want 1", n)
					}
					return nil
				},
			},
		},
	})
}

// TestAccTimeout_peeringNeverLeavesInitiatingRequest gives a create 5 s
// while its peering stays initiating-request: the create task completed, so
// the ID is known and was saved before the wait. The create ends at the
// timeout with an error saying the peering is in state and tainted; the next
// plan shows the tainted peering replaced, and applying it deletes the old
// peering before making the new one, so two never exist at once.
func TestAccTimeout_peeringNeverLeavesInitiatingRequest(t *testing.T) {
	t.Parallel()
	srv, log := newLoggedSim(t, cloudsim.Options{RandSeed: 5, Faults: cloudsim.Faults{HoldTransitions: true}})
	timed := &timedCreate{log: log}
	var firstID int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, timeoutPeering),
				ExpectError: acctest.Wrapped(
					"Creating Pro peering 1001/",
					"did not finish within 5s (timeouts.create)",
					`the peering's last status was "initiating-request"`,
					"is saved in state, marked tainted: the next apply replaces it"),
			},
			{
				PreConfig: func() {
					timed.stop(t)()
					ps := srv.Peerings()
					if len(ps) != 1 {
						t.Fatalf("the simulator holds %d peerings, want 1", len(ps))
					}
					firstID = ps[0].ID
					srv.SetFaults(cloudsim.Faults{})
				},
				Config: acctest.Config(srv, timeoutPeering),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(timeoutAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				Check: func(s *terraform.State) error {
					ps := srv.Peerings()
					if len(ps) != 1 || ps[0].ID == firstID {
						return fmt.Errorf("the simulator holds %+v; want one peering other than %d", ps, firstID)
					}
					if got, want := s.RootModule().Resources[timeoutAddr].Primary.ID, fmt.Sprintf("1001/%d", ps[0].ID); got != want {
						return fmt.Errorf("state holds %s, want %s", got, want)
					}
					if st := srv.Stats(); st.MaxConcurrentPeeringsPerVPC != 1 {
						return fmt.Errorf("MaxConcurrentPeeringsPerVPC = %d: two peerings of the VPC existed at once", st.MaxConcurrentPeeringsPerVPC)
					}
					return nil
				},
			},
		},
	})
}
