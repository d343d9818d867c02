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

// lifecycleKinds are an AWS peering of each kind, as the lifecycle tests
// configure it: the resource address and its configuration, given the
// vpc_cidr line.
var lifecycleKinds = []struct {
	name, addr, collection string
	config                 func(cidr string) string
}{
	{"pro", proAddr, "/v1/subscriptions/{subscriptionId}/peerings", proAWS},
	{"active-active", "rediscloud_active_active_subscription_peering.test", "/v1/subscriptions/{subscriptionId}/regions/peerings", func(cidr string) string {
		return fmt.Sprintf(`
resource "rediscloud_active_active_subscription_peering" "test" {
  subscription_id    = "2001"
  source_region      = "us-east-1"
  destination_region = "us-west-2"
  aws_account_id     = "123456789012"
  vpc_id             = "vpc-0a1b2c3d4e5f67890"
  %s
}
`, cidr)
	}},
}

// A failed peering stays in state through a refresh, and the next plan
// replaces it: the apply deletes it and creates a new one, with a new
// aws_peering_id for the accepter to accept.
func TestAccPeeringLifecycle_failedIsReplaced(t *testing.T) {
	for _, k := range lifecycleKinds {
		t.Run(k.name, func(t *testing.T) {
			srv := acctest.NewSim(t, cloudsim.Options{})
			cfg := acctest.Config(srv, k.config(`vpc_cidr = "172.31.0.0/16"`))
			var first cloudsim.PeeringInfo
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories(),
				CheckDestroy:             acctest.CheckNoPeerings(srv),
				Steps: []resource.TestStep{
					{Config: cfg},
					{
						// The refresh keeps it, with its status.
						PreConfig: func() {
							first = onlyPeering(t, srv)
							if err := srv.SetPeeringStatus(first.ID, "failed"); err != nil {
								t.Fatal(err)
							}
						},
						RefreshState:       true,
						Check:              resource.TestCheckResourceAttr(k.addr, "status", "failed"),
						ExpectNonEmptyPlan: true,
					},
					{
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(k.addr, plancheck.ResourceActionDestroyBeforeCreate),
								plancheck.ExpectUnknownValue(k.addr, tfjsonpath.New("aws_peering_id")),
								plancheck.ExpectUnknownValue(k.addr, tfjsonpath.New("id")),
							},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(k.addr, tfjsonpath.New("status"), knownvalue.StringExact("pending-acceptance")),
							statecheck.ExpectKnownValue(k.addr, tfjsonpath.New("aws_peering_id"), knownvalue.StringRegexp(pcxRe)),
						},
						Check: func(*terraform.State) error {
							p := onlyPeering(t, srv)
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
}

// An AWS peering that turns inactive (its connection deleted on the AWS
// side) is not replaced by itself: the plan is empty, and says what to do.
func TestAccPeeringLifecycle_inactiveIsKept(t *testing.T) {
	for _, k := range lifecycleKinds {
		t.Run(k.name, func(t *testing.T) {
			srv := acctest.NewSim(t, cloudsim.Options{})
			cfg := acctest.Config(srv, k.config(`vpc_cidr = "172.31.0.0/16"`))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories(),
				CheckDestroy:             acctest.CheckNoPeerings(srv),
				Steps: []resource.TestStep{
					{Config: cfg},
					{
						PreConfig: func() {
							if err := srv.SetPeeringStatus(onlyPeering(t, srv).ID, "inactive"); err != nil {
								t.Fatal(err)
							}
						},
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(k.addr, tfjsonpath.New("status"), knownvalue.StringExact("inactive")),
						},
					},
				},
			})
		})
	}
}

// What a plan can know is checked at plan time, before any request that
// changes something: a CIDR that overlaps the Redis side's (read for
// redis_cidrs anyway), and CIDRs that overlap each other.
func TestAccPeeringLifecycle_overlapsFailThePlan(t *testing.T) {
	for _, k := range lifecycleKinds {
		t.Run(k.name, func(t *testing.T) {
			srv := acctest.NewSim(t, cloudsim.Options{})
			redis := map[string]string{"pro": "10.0.0.0/24", "active-active": "10.10.0.0/24"}[k.name]
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories(),
				CheckDestroy:             acctest.CheckNoPeerings(srv),
				Steps: []resource.TestStep{
					{
						Config:      acctest.Config(srv, k.config(`vpc_cidr = "10.0.0.0/8"`)),
						PlanOnly:    true,
						ExpectError: acctest.Wrapped(`10.0.0.0/8 overlaps ` + redis + `, a CIDR block of the subscription's Redis Cloud side`),
					},
					{
						Config:      acctest.Config(srv, k.config(`vpc_cidrs = ["172.31.0.0/16", "172.31.4.0/24"]`)),
						PlanOnly:    true,
						ExpectError: acctest.Wrapped(`172.31.0.0/16 and 172.31.4.0/24 overlap`),
					},
					{
						// A CIDR change is checked against the state's
						// redis_cidrs, with no request more.
						Config: acctest.Config(srv, k.config(`vpc_cidr = "172.31.0.0/16"`)),
					},
					{
						Config:      acctest.Config(srv, k.config(`vpc_cidrs = ["172.31.0.0/16", "`+redis+`"]`)),
						ExpectError: acctest.Wrapped(redis + ` overlaps ` + redis),
					},
				},
			})
			st := srv.Stats()
			creates, updates := st.Requests["POST "+k.collection], st.Requests["PUT "+k.collection+"/{peeringId}"]
			if creates != 1 || updates != 0 {
				t.Errorf("the API saw %d creates and %d updates; want the one valid create and no update (%v)", creates, updates, st.Requests)
			}
		})
	}
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
