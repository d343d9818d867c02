package peering_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// A failed peering stays in state through a refresh, and the next plan
// replaces it: the apply deletes it and creates a new one, with a new
// aws_peering_id for the accepter to accept.
func TestAccPeeringLifecycle_failedIsReplaced(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		addr := k.addr("test")
		cfg := acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.31.0.0/16"`))
		var first cloudsim.PeeringInfo
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps: []resource.TestStep{
				{Config: cfg},
				{
					// The refresh keeps it, with its status.
					PreConfig: func() {
						first = acctest.OnlyPeering(t, srv)
						if err := srv.SetPeeringStatus(first.ID, "failed"); err != nil {
							t.Fatal(err)
						}
					},
					RefreshState:       true,
					Check:              resource.TestCheckResourceAttr(addr, "status", "failed"),
					ExpectNonEmptyPlan: true,
				},
				{
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
							plancheck.ExpectUnknownValue(addr, tfjsonpath.New("aws_peering_id")),
							plancheck.ExpectUnknownValue(addr, tfjsonpath.New("id")),
						},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("pending-acceptance")),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("aws_peering_id"), knownvalue.StringRegexp(pcxRe)),
					},
					Check: func(*terraform.State) error {
						p := acctest.OnlyPeering(t, srv)
						if p.ID == first.ID || p.AWSPeeringUID == first.AWSPeeringUID {
							return fmt.Errorf("the failed peering %d (%s) is still there: %+v", first.ID, first.AWSPeeringUID, p)
						}
						return nil
					},
				},
			},
		})
	})
}

// An AWS peering that turns inactive (its connection deleted on the AWS
// side) is not replaced by itself: the plan is empty, and says what to do.
func TestAccPeeringLifecycle_inactiveIsKept(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		addr := k.addr("test")
		cfg := acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.31.0.0/16"`))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps: []resource.TestStep{
				{Config: cfg},
				{
					PreConfig: func() {
						if err := srv.SetPeeringStatus(acctest.OnlyPeering(t, srv).ID, "inactive"); err != nil {
							t.Fatal(err)
						}
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("inactive")),
					},
				},
			},
		})
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
