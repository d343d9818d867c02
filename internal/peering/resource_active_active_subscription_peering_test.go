package peering_test

import (
	"fmt"
	"regexp"
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

// What only Active-Active peerings have: a source region, one of the
// subscription's regions. The checks both kinds share are in
// resource_peering_test.go.

// aaGCP is an Active-Active GCP peering of the Redis region sourceRegion.
func aaGCP(sourceRegion, project, network string) string {
	return activeActive.gcpIn(map[string]string{"source_region": sourceRegion}, project, network)
}

// TestAccActiveActivePeering_gcpSourceRegionChangeReplaces: another Redis
// region of a GCP peering is another peering, on that region's network.
func TestAccActiveActivePeering_gcpSourceRegionChangeReplaces(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	addr := activeActive.addr("test")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, aaGCP("us-central1", "my-other-project", "my-other-network")),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(addr, "source_region", acctest.Str("us-central1")),
					acctest.Expect(addr, "gcp_redis_network_name", knownvalue.StringRegexp(regexp.MustCompile(`^c2002-us-central1-`))),
				},
			},
			{
				Config: acctest.Config(srv, aaGCP("europe-west1", "my-other-project", "my-other-network")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(addr, "source_region", acctest.Str("europe-west1")),
					acctest.Expect(addr, "gcp_redis_network_name", knownvalue.StringRegexp(regexp.MustCompile(`^c2002-europe-west1-`))),
				},
				Check: func(*terraform.State) error {
					if p := acctest.OnlyPeering(t, srv); p.SourceRegion != "europe-west1" {
						return fmt.Errorf("the API holds %+v", p)
					}
					return nil
				},
			},
		},
	})
}

// TestAccActiveActivePeering_twoRegionsOneApply: both regions of one
// subscription peered with the same VPC in one apply, one peering each.
func TestAccActiveActivePeering_twoRegionsOneApply(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	cfg := activeActive.awsBlock("us", "us-east-1", testVPC, `vpc_cidr = "172.31.0.0/16"`) +
		activeActive.awsBlock("eu", "eu-west-1", testVPC, `vpc_cidr = "172.31.0.0/16"`)
	us, eu := activeActive.addr("us"), activeActive.addr("eu")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, cfg),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(us, "source_region", acctest.Str("us-east-1")),
					acctest.Expect(eu, "source_region", acctest.Str("eu-west-1")),
					acctest.Expect(us, "status", acctest.Str("pending-acceptance")),
					acctest.Expect(eu, "status", acctest.Str("pending-acceptance")),
					acctest.Expect(us, "aws_peering_id", knownvalue.StringRegexp(pcxRe)),
					acctest.Expect(eu, "aws_peering_id", knownvalue.StringRegexp(pcxRe)),
					statecheck.CompareValuePairs(us, tfjsonpath.New("id"), eu, tfjsonpath.New("id"), acctest.Different{}),
				},
				Check: func(s *terraform.State) error {
					ps := srv.Peerings()
					if len(ps) != 2 {
						return fmt.Errorf("the simulator holds %d peerings, want 2: %+v", len(ps), ps)
					}
					regions := map[string]int{}
					for _, p := range ps {
						regions[p.SourceRegion] = p.ID
					}
					for addr, region := range map[string]string{us: "us-east-1", eu: "eu-west-1"} {
						id, ok := regions[region]
						if !ok {
							return fmt.Errorf("no peering of region %s in the simulator: %+v", region, ps)
						}
						if got, want := s.RootModule().Resources[addr].Primary.ID, fmt.Sprintf("2001/%d", id); got != want {
							return fmt.Errorf("%s has id %s, want %s", addr, got, want)
						}
					}
					if m := srv.Stats().MaxConcurrentPeeringsPerVPC; m != 1 {
						return fmt.Errorf("a VPC had %d peerings in one region at once", m)
					}
					return nil
				},
			},
		},
	})
}

// TestAccActiveActivePeering_wrongSourceRegion: a source region the
// subscription does not have is refused before any request to create,
// with the regions it has.
func TestAccActiveActivePeering_wrongSourceRegion(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config:      acctest.Config(srv, activeActive.aws("ap-south-1", testVPC, `vpc_cidr = "172.31.0.0/16"`)),
				ExpectError: regexp.MustCompile(`(?s)source_region.*"ap-south-1".*us-east-1, eu-west-1`),
			},
			{
				Config:      acctest.Config(srv, aaGCP("us-east1", "my-app-project", "my-app-network")),
				ExpectError: regexp.MustCompile(`(?s)source_region.*"us-east1".*us-central1, europe-west1`),
			},
		},
	})
	acctest.NothingCreated(t, srv)
}
