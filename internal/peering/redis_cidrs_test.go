package peering_test

import (
	"fmt"
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

// Every kind of peering, the AWS ones routed with one object per Redis-side
// CIDR. Terraform accepts such a count (or for_each, as the examples use)
// only when redis_cidrs is known at plan time. (count here: the import
// steps of the test framework cannot handle for_each instances.)
const redisCIDRsConfig = `
resource "rediscloud_subscription_peering" "aws" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = "172.31.0.0/16"
}

resource "rediscloud_subscription_peering" "gcp" {
  subscription_id  = "1002"
  provider_name    = "GCP"
  gcp_project_id   = "my-app-project"
  gcp_network_name = "my-app-network"
}

resource "rediscloud_active_active_subscription_peering" "us" {
  subscription_id    = "2001"
  source_region      = "us-east-1"
  destination_region = "us-east-1"
  aws_account_id     = "123456789012"
  vpc_id             = "vpc-0a1b2c3d4e5f67891"
  vpc_cidr           = "172.32.0.0/16"
}

resource "rediscloud_active_active_subscription_peering" "eu" {
  subscription_id    = "2001"
  source_region      = "eu-west-1"
  destination_region = "eu-west-1"
  aws_account_id     = "123456789012"
  vpc_id             = "vpc-0a1b2c3d4e5f67892"
  vpc_cidr           = "172.33.0.0/16"
}

resource "rediscloud_active_active_subscription_peering" "gcp" {
  subscription_id  = "2002"
  provider_name    = "GCP"
  source_region    = "europe-west1"
  gcp_project_id   = "my-app-project"
  gcp_network_name = "my-app-network"
}

# Stands for aws_route: one per Redis-side CIDR of each AWS peering.
resource "terraform_data" "route_aws" {
  count = length(rediscloud_subscription_peering.aws.redis_cidrs)
  input = rediscloud_subscription_peering.aws.redis_cidrs[count.index]
}

resource "terraform_data" "route_us" {
  count = length(rediscloud_active_active_subscription_peering.us.redis_cidrs)
  input = rediscloud_active_active_subscription_peering.us.redis_cidrs[count.index]
}

resource "terraform_data" "route_eu" {
  count = length(rediscloud_active_active_subscription_peering.eu.redis_cidrs)
  input = rediscloud_active_active_subscription_peering.eu.redis_cidrs[count.index]
}
`

func redisCIDRsIs(t *testing.T, srv *cloudsim.Server, addr string, sub int, region string) statecheck.StateCheck {
	t.Helper()
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("redis_cidrs"),
		knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(deploymentCIDR(t, srv, sub, region))}))
}

func routeFor(t *testing.T, srv *cloudsim.Server, name string, sub int, region string) statecheck.StateCheck {
	t.Helper()
	cidr := deploymentCIDR(t, srv, sub, region)
	return statecheck.ExpectKnownValue(fmt.Sprintf("terraform_data.%s[0]", name), tfjsonpath.New("output"), knownvalue.StringExact(cidr))
}

// TestAccRedisCIDRs_knownAtPlanAndStable: redis_cidrs of Pro AWS, Pro GCP, Active-Active AWS in
// each of two regions and Active-Active GCP equal the simulator's
// deployment CIDRs, are known in the plan that creates the peerings (the
// counted routes plan), and are never planned to change.
func TestAccRedisCIDRs_knownAtPlanAndStable(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	config := acctest.Config(srv, redisCIDRsConfig)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("rediscloud_subscription_peering.aws", tfjsonpath.New("redis_cidrs"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(deploymentCIDR(t, srv, 1001, ""))})),
					plancheck.ExpectKnownValue("rediscloud_active_active_subscription_peering.eu", tfjsonpath.New("redis_cidrs"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(deploymentCIDR(t, srv, 2001, "eu-west-1"))})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					redisCIDRsIs(t, srv, "rediscloud_subscription_peering.aws", 1001, ""),
					redisCIDRsIs(t, srv, "rediscloud_subscription_peering.gcp", 1002, ""),
					redisCIDRsIs(t, srv, "rediscloud_active_active_subscription_peering.us", 2001, "us-east-1"),
					redisCIDRsIs(t, srv, "rediscloud_active_active_subscription_peering.eu", 2001, "eu-west-1"),
					redisCIDRsIs(t, srv, "rediscloud_active_active_subscription_peering.gcp", 2002, "europe-west1"),
					routeFor(t, srv, "route_aws", 1001, ""),
					routeFor(t, srv, "route_us", 2001, "us-east-1"),
					routeFor(t, srv, "route_eu", 2001, "eu-west-1"),
				},
			},
			// A CIDR change is an update in place: redis_cidrs stays as it is.
			{
				Config: acctest.Config(srv, strings.Replace(redisCIDRsConfig, `"172.32.0.0/16"`, `"172.34.0.0/16"`, 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rediscloud_active_active_subscription_peering.us", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("rediscloud_active_active_subscription_peering.us", tfjsonpath.New("redis_cidrs"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(deploymentCIDR(t, srv, 2001, "us-east-1"))})),
				}},
			},
		},
	})
}

// TestAccRedisCIDRs_import: an import reads redis_cidrs as a create wrote
// them. (The routes are left out: an import evaluates the configuration
// without a plan, so a count over a peering not yet in state cannot be
// known then.)
func TestAccRedisCIDRs_import(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	config, _, found := strings.Cut(redisCIDRsConfig, "# Stands for aws_route")
	if !found {
		t.Fatal("redisCIDRsConfig has no aws_route stand-in")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, config),
				ConfigStateChecks: []statecheck.StateCheck{
					redisCIDRsIs(t, srv, "rediscloud_active_active_subscription_peering.eu", 2001, "eu-west-1"),
					redisCIDRsIs(t, srv, "rediscloud_subscription_peering.gcp", 1002, ""),
				},
			},
			{
				ResourceName:            "rediscloud_active_active_subscription_peering.eu",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:            "rediscloud_subscription_peering.gcp",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// TestAccRedisCIDRs_oneReadPerSubscription: a data source listing 30
// peerings of one subscription reads the subscription once for all their
// redis_cidrs, and a refresh of resources whose state holds redis_cidrs
// reads nothing more than the peering list.
func TestAccRedisCIDRs_oneReadPerSubscription(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	for i := range 30 {
		dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 1001, AWSAccountID: "123456789012",
			VPCID: fmt.Sprintf("vpc-%017x", i+100), Region: "us-east-1", CIDRs: []string{fmt.Sprintf("172.20.%d.0/24", i)}})
	}
	var elems []knownvalue.Check
	for range 30 {
		elems = append(elems, knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"redis_cidrs": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(deploymentCIDR(t, srv, 1001, ""))}),
		}))
	}
	subscriptionReads := func(most int) perfStatsCheck {
		return func() error {
			st := srv.Stats()
			if n := st.Requests["GET /v1/subscriptions/{subscriptionId}"]; n > most {
				return fmt.Errorf("%d reads of the subscription, want at most %d: %v", n, most, st.Requests)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: srv.ResetStats,
				Config: acctest.Config(srv, `
data "rediscloud_subscription_peerings" "all" {
  subscription_id = "1001"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.rediscloud_subscription_peerings.all", tfjsonpath.New("peerings"), knownvalue.ListExact(elems)),
				},
				// One plan, one apply, one refresh at most, each reading
				// the subscription once at most.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{subscriptionReads(1)}},
			},
			{
				// Planning ten new peerings of one subscription reads the
				// subscription once per plan (a plan-only step runs two).
				PreConfig:          srv.ResetStats,
				Config:             acctest.Config(srv, perfPeerings(10, nil)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					subscriptionReads(2),
				}},
			},
			{
				// The apply's plan, its re-plan and its creates: the
				// subscription is read once in each of the two walks.
				PreConfig: srv.ResetStats,
				Config:    acctest.Config(srv, perfPeerings(10, nil)),
				Check: func(*terraform.State) error {
					return subscriptionReads(2)()
				},
			},
			{
				PreConfig: srv.ResetStats,
				Config:    acctest.Config(srv, perfPeerings(10, nil)),
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					perfMaxLists(srv, 2),
				}},
			},
		},
	})
}
