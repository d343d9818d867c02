package peering_test

import (
	"fmt"
	"regexp"
	"strings"
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

const proAddr = "rediscloud_subscription_peering.test"

func proAWS(cidrAttr string) string {
	return fmt.Sprintf(`
resource "rediscloud_subscription_peering" "test" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  %s
}
`, cidrAttr)
}

var (
	pcxRe       = regexp.MustCompile(`^pcx-[0-9a-f]{17}$`)
	proIDRe     = regexp.MustCompile(`^1001/[0-9]+$`)
	stateString = func(v string) knownvalue.Check { return knownvalue.StringExact(v) }
)

// onlyPeering returns the simulator's only peering.
func onlyPeering(t *testing.T, srv *cloudsim.Server) cloudsim.PeeringInfo {
	t.Helper()
	ps := srv.Peerings()
	if len(ps) != 1 {
		t.Fatalf("the simulator holds %d peerings, want 1: %+v", len(ps), ps)
	}
	return ps[0]
}

func TestAccSubscriptionPeering_awsOneCIDR(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if n := len(srv.Peerings()); n != 0 {
				return fmt.Errorf("%d peerings left after destroy", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, proAWS(`vpc_cidr = "172.31.0.0/16"`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(proIDRe)),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("status"), stateString("pending-acceptance")),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("aws_peering_id"), knownvalue.StringRegexp(pcxRe)),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("provider_name"), stateString("AWS")),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("vpc_cidr"), stateString("172.31.0.0/16")),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("vpc_cidrs"), knownvalue.SetExact([]knownvalue.Check{stateString("172.31.0.0/16")})),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("gcp_project_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("peering_id"), knownvalue.NotNull()),
				},
				Check: func(*terraform.State) error {
					p := onlyPeering(t, srv)
					if p.VPCID != "vpc-0a1b2c3d4e5f67890" || p.Region != "us-east-1" || strings.Join(p.CIDRs, ",") != "172.31.0.0/16" {
						return fmt.Errorf("the API holds %+v", p)
					}
					return nil
				},
			},
			// Import by command: every attribute is read back.
			{
				ResourceName:            proAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			// Import by block.
			{
				ResourceName:                         proAddr,
				ImportState:                          true,
				ImportStateKind:                      resource.ImportBlockWithID,
				ImportPlanChecks:                     resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(proAddr, plancheck.ResourceActionNoop)}},
				ImportStateIdFunc:                    func(s *terraform.State) (string, error) { return s.RootModule().Resources[proAddr].Primary.ID, nil },
				ImportStatePersist:                   false,
				ImportStateVerifyIdentifierAttribute: "id",
			},
			// A CIDR change is an in-place update.
			{
				Config: acctest.Config(srv, proAWS(`vpc_cidrs = ["172.31.0.0/16", "172.40.0.0/16"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(proAddr, tfjsonpath.New("vpc_cidr"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("vpc_cidrs"), knownvalue.SetExact([]knownvalue.Check{stateString("172.31.0.0/16"), stateString("172.40.0.0/16")})),
				},
				Check: func(*terraform.State) error {
					if got := strings.Join(onlyPeering(t, srv).CIDRs, ","); got != "172.31.0.0/16,172.40.0.0/16" {
						return fmt.Errorf("the API holds CIDRs %s", got)
					}
					return nil
				},
			},
			// Another VPC is another peering.
			{
				Config: acctest.Config(srv, strings.Replace(proAWS(`vpc_cidr = "172.31.0.0/16"`), "vpc-0a1b2c3d4e5f67890", "vpc-0a1b2c3d4e5f67891", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(*terraform.State) error {
					if got := onlyPeering(t, srv).VPCID; got != "vpc-0a1b2c3d4e5f67891" {
						return fmt.Errorf("the API holds a peering of %s", got)
					}
					return nil
				},
			},
		},
	})
}
