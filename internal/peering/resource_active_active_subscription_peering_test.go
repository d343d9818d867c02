package peering_test

import (
	"fmt"
	"regexp"
	"slices"
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

const (
	aaPeerType = "rediscloud_active_active_subscription_peering"
	aaPeerAddr = aaPeerType + ".test"

	aaPeerVPC      = "vpc-0a1b2c3d4e5f67890"
	aaPeerOtherVPC = "vpc-0a1b2c3d4e5f67891"
)

var (
	aaPeerPcxRe   = regexp.MustCompile(`^pcx-[0-9a-f]{17}$`)
	aaPeerAWSIDRe = regexp.MustCompile(`^2001/[0-9]+$`)
	aaPeerGCPIDRe = regexp.MustCompile(`^2002/[0-9]+$`)
)

// aaPeerAWS is an AWS peering of region sourceRegion of subscription 2001.
func aaPeerAWS(sourceRegion, vpcID, cidrAttr string) string {
	return fmt.Sprintf(`
resource %q "test" {
  subscription_id    = "2001"
  source_region      = %q
  destination_region = "us-east-1"
  aws_account_id     = "123456789012"
  vpc_id             = %q
  %s
}
`, aaPeerType, sourceRegion, vpcID, cidrAttr)
}

// aaPeerGCP is a GCP peering of region sourceRegion of subscription 2002.
func aaPeerGCP(sourceRegion, project, network string) string {
	return fmt.Sprintf(`
resource %q "test" {
  subscription_id  = "2002"
  provider_name    = "GCP"
  source_region    = %q
  gcp_project_id   = %q
  gcp_network_name = %q
}
`, aaPeerType, sourceRegion, project, network)
}

// aaPeerOnlyPeering returns the simulator's only peering.
func aaPeerOnlyPeering(t *testing.T, srv *cloudsim.Server) cloudsim.PeeringInfo {
	t.Helper()
	ps := srv.Peerings()
	if len(ps) != 1 {
		t.Fatalf("the simulator holds %d peerings, want 1: %+v", len(ps), ps)
	}
	return ps[0]
}

// aaPeerNothingCreated fails the test if anything asked the simulator to
// create a peering.
func aaPeerNothingCreated(t *testing.T, srv *cloudsim.Server) {
	t.Helper()
	if ps := srv.Peerings(); len(ps) != 0 {
		t.Errorf("the simulator holds %d peerings, want none: %+v", len(ps), ps)
	}
	st := srv.Stats()
	for cmd, n := range st.TasksByCommand {
		if strings.Contains(cmd, "Create") {
			t.Errorf("%d %s tasks were submitted, want none (tasks: %v)", n, cmd, st.TasksByCommand)
		}
	}
	if st.PeeringsCreated != 0 {
		t.Errorf("the simulator created %d peerings, want none", st.PeeringsCreated)
	}
}

// aaPeerStateID returns the id in state of addr.
func aaPeerStateID(addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s is not in state", addr)
		}
		return rs.Primary.ID, nil
	}
}

// aaPeerImportSteps imports addr by command (every attribute read back) and by
// an import block (the plan must be a no-op).
func aaPeerImportSteps(addr string) []resource.TestStep {
	return []resource.TestStep{
		{
			ResourceName:            addr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"timeouts"},
		},
		{
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
			}},
			ImportStateIdFunc:                    aaPeerStateID(addr),
			ImportStateVerifyIdentifierAttribute: "id",
		},
	}
}

func aaPeerStr(v string) knownvalue.Check { return knownvalue.StringExact(v) }

func aaPeerStrSet(vs ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(vs))
	for _, v := range vs {
		checks = append(checks, aaPeerStr(v))
	}
	return knownvalue.SetExact(checks)
}

func aaPeerExpect(addr, attr string, c knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), c)
}

// expectNulls checks that attributes are present and null in state, as
// Redis's own provider leaves the attributes a peering does not use.
func aaPeerNulls(addr string, attrs ...string) []statecheck.StateCheck {
	out := make([]statecheck.StateCheck, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, aaPeerExpect(addr, a, knownvalue.Null()))
	}
	return out
}

func TestAccActiveActivePeering_awsOneCIDR(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	steps := []resource.TestStep{
		{
			Config: acctest.Config(srv, aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(aaPeerAddr, tfjsonpath.New("vpc_cidrs"), aaPeerStrSet("172.31.0.0/16")),
				plancheck.ExpectUnknownValue(aaPeerAddr, tfjsonpath.New("aws_peering_id")),
			}},
			ConfigStateChecks: append([]statecheck.StateCheck{
				aaPeerExpect(aaPeerAddr, "id", knownvalue.StringRegexp(aaPeerAWSIDRe)),
				aaPeerExpect(aaPeerAddr, "peering_id", knownvalue.NotNull()),
				aaPeerExpect(aaPeerAddr, "subscription_id", aaPeerStr("2001")),
				aaPeerExpect(aaPeerAddr, "provider_name", aaPeerStr("AWS")),
				aaPeerExpect(aaPeerAddr, "source_region", aaPeerStr("us-east-1")),
				aaPeerExpect(aaPeerAddr, "destination_region", aaPeerStr("us-east-1")),
				aaPeerExpect(aaPeerAddr, "aws_account_id", aaPeerStr("123456789012")),
				aaPeerExpect(aaPeerAddr, "vpc_id", aaPeerStr(aaPeerVPC)),
				aaPeerExpect(aaPeerAddr, "vpc_cidr", aaPeerStr("172.31.0.0/16")),
				aaPeerExpect(aaPeerAddr, "vpc_cidrs", aaPeerStrSet("172.31.0.0/16")),
				aaPeerExpect(aaPeerAddr, "status", aaPeerStr("pending-acceptance")),
				aaPeerExpect(aaPeerAddr, "aws_peering_id", knownvalue.StringRegexp(aaPeerPcxRe)),
			}, aaPeerNulls(aaPeerAddr, "gcp_project_id", "gcp_network_name", "gcp_redis_project_id", "gcp_redis_network_name", "gcp_peering_id", "timeouts")...),
			Check: resource.ComposeAggregateTestCheckFunc(
				func(s *terraform.State) error {
					p := aaPeerOnlyPeering(t, srv)
					if p.Kind != cloudsim.KindActiveActive || p.SubscriptionID != 2001 || p.SourceRegion != "us-east-1" ||
						p.DestinationRegion != "us-east-1" || p.VPCID != aaPeerVPC || p.AWSAccountID != "123456789012" ||
						strings.Join(p.CIDRs, ",") != "172.31.0.0/16" {
						return fmt.Errorf("the API holds %+v", p)
					}
					if want := fmt.Sprintf("2001/%d", p.ID); s.RootModule().Resources[aaPeerAddr].Primary.ID != want {
						return fmt.Errorf("id in state is %s, want %s", s.RootModule().Resources[aaPeerAddr].Primary.ID, want)
					}
					return nil
				},
			),
		},
	}
	steps = append(steps, aaPeerImportSteps(aaPeerAddr)...)
	steps = append(steps,
		// Several CIDRs: an in-place update that reaches the API.
		resource.TestStep{
			Config: acctest.Config(srv, aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidrs = ["172.31.0.0/16", "172.40.0.0/16"]`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(aaPeerAddr, tfjsonpath.New("vpc_cidr"), knownvalue.Null()),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				aaPeerExpect(aaPeerAddr, "vpc_cidrs", aaPeerStrSet("172.31.0.0/16", "172.40.0.0/16")),
				aaPeerExpect(aaPeerAddr, "vpc_cidr", knownvalue.Null()),
			},
			Check: func(*terraform.State) error {
				if got := strings.Join(aaPeerOnlyPeering(t, srv).CIDRs, ","); got != "172.31.0.0/16,172.40.0.0/16" {
					return fmt.Errorf("the API holds CIDRs %s", got)
				}
				return nil
			},
		},
		// Back to one CIDR, in place too.
		resource.TestStep{
			Config: acctest.Config(srv, aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidr = "172.40.0.0/16"`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(aaPeerAddr, tfjsonpath.New("vpc_cidrs"), aaPeerStrSet("172.40.0.0/16")),
			}},
			Check: func(*terraform.State) error {
				if got := strings.Join(aaPeerOnlyPeering(t, srv).CIDRs, ","); got != "172.40.0.0/16" {
					return fmt.Errorf("the API holds CIDRs %s", got)
				}
				return nil
			},
		},
		// Another VPC is another peering.
		resource.TestStep{
			Config: acctest.Config(srv, aaPeerAWS("us-east-1", aaPeerOtherVPC, `vpc_cidr = "172.40.0.0/16"`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			Check: func(*terraform.State) error {
				if got := aaPeerOnlyPeering(t, srv).VPCID; got != aaPeerOtherVPC {
					return fmt.Errorf("the API holds a peering of %s", got)
				}
				return nil
			},
		},
		// Another region of the subscription is another peering.
		resource.TestStep{
			Config: acctest.Config(srv, aaPeerAWS("eu-west-1", aaPeerOtherVPC, `vpc_cidr = "172.40.0.0/16"`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				aaPeerExpect(aaPeerAddr, "source_region", aaPeerStr("eu-west-1")),
			},
			Check: func(*terraform.State) error {
				if got := aaPeerOnlyPeering(t, srv).SourceRegion; got != "eu-west-1" {
					return fmt.Errorf("the API holds a peering of region %s", got)
				}
				return nil
			},
		},
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps:                    steps,
	})
}

func TestAccActiveActivePeering_awsSeveralCIDRs(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	steps := []resource.TestStep{
		{
			Config: acctest.Config(srv, aaPeerAWS("eu-west-1", aaPeerVPC, `vpc_cidrs = ["172.32.0.0/16", "172.31.0.0/16", "192.168.10.0/24"]`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(aaPeerAddr, tfjsonpath.New("vpc_cidr"), knownvalue.Null()),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				aaPeerExpect(aaPeerAddr, "id", knownvalue.StringRegexp(aaPeerAWSIDRe)),
				aaPeerExpect(aaPeerAddr, "source_region", aaPeerStr("eu-west-1")),
				aaPeerExpect(aaPeerAddr, "vpc_cidr", knownvalue.Null()),
				aaPeerExpect(aaPeerAddr, "vpc_cidrs", aaPeerStrSet("172.31.0.0/16", "172.32.0.0/16", "192.168.10.0/24")),
				aaPeerExpect(aaPeerAddr, "status", aaPeerStr("pending-acceptance")),
				aaPeerExpect(aaPeerAddr, "aws_peering_id", knownvalue.StringRegexp(aaPeerPcxRe)),
			},
			Check: func(*terraform.State) error {
				p := aaPeerOnlyPeering(t, srv)
				got := slices.Clone(p.CIDRs)
				slices.Sort(got)
				if strings.Join(got, ",") != "172.31.0.0/16,172.32.0.0/16,192.168.10.0/24" || p.SourceRegion != "eu-west-1" {
					return fmt.Errorf("the API holds %+v", p)
				}
				return nil
			},
		},
	}
	steps = append(steps, aaPeerImportSteps(aaPeerAddr)...)
	steps = append(steps,
		// Removing one CIDR is an update.
		resource.TestStep{
			Config: acctest.Config(srv, aaPeerAWS("eu-west-1", aaPeerVPC, `vpc_cidrs = ["172.31.0.0/16", "192.168.10.0/24"]`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				aaPeerExpect(aaPeerAddr, "vpc_cidrs", aaPeerStrSet("172.31.0.0/16", "192.168.10.0/24")),
			},
			Check: func(*terraform.State) error {
				got := slices.Clone(aaPeerOnlyPeering(t, srv).CIDRs)
				slices.Sort(got)
				if strings.Join(got, ",") != "172.31.0.0/16,192.168.10.0/24" {
					return fmt.Errorf("the API holds CIDRs %v", got)
				}
				return nil
			},
		},
		// One CIDR given as a one-element set: the single attribute follows.
		resource.TestStep{
			Config: acctest.Config(srv, aaPeerAWS("eu-west-1", aaPeerVPC, `vpc_cidrs = ["172.31.0.0/16"]`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(aaPeerAddr, tfjsonpath.New("vpc_cidr"), aaPeerStr("172.31.0.0/16")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				aaPeerExpect(aaPeerAddr, "vpc_cidr", aaPeerStr("172.31.0.0/16")),
				aaPeerExpect(aaPeerAddr, "vpc_cidrs", aaPeerStrSet("172.31.0.0/16")),
			},
		},
		// The same CIDR moved from vpc_cidrs to vpc_cidr changes nothing.
		resource.TestStep{
			Config: acctest.Config(srv, aaPeerAWS("eu-west-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps:                    steps,
	})
}

func TestAccActiveActivePeering_gcp(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	steps := []resource.TestStep{
		{
			Config: acctest.Config(srv, aaPeerGCP("us-central1", "my-app-project", "my-app-network")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(aaPeerAddr, tfjsonpath.New("vpc_cidr"), knownvalue.Null()),
				plancheck.ExpectKnownValue(aaPeerAddr, tfjsonpath.New("vpc_cidrs"), knownvalue.Null()),
			}},
			ConfigStateChecks: append([]statecheck.StateCheck{
				aaPeerExpect(aaPeerAddr, "id", knownvalue.StringRegexp(aaPeerGCPIDRe)),
				aaPeerExpect(aaPeerAddr, "peering_id", knownvalue.NotNull()),
				aaPeerExpect(aaPeerAddr, "subscription_id", aaPeerStr("2002")),
				aaPeerExpect(aaPeerAddr, "provider_name", aaPeerStr("GCP")),
				aaPeerExpect(aaPeerAddr, "source_region", aaPeerStr("us-central1")),
				aaPeerExpect(aaPeerAddr, "gcp_project_id", aaPeerStr("my-app-project")),
				aaPeerExpect(aaPeerAddr, "gcp_network_name", aaPeerStr("my-app-network")),
				aaPeerExpect(aaPeerAddr, "status", aaPeerStr("inactive")),
				aaPeerExpect(aaPeerAddr, "gcp_redis_project_id", knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
				aaPeerExpect(aaPeerAddr, "gcp_redis_network_name", knownvalue.StringRegexp(regexp.MustCompile(`^c2002-us-central1-`))),
				aaPeerExpect(aaPeerAddr, "gcp_peering_id", knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
			}, aaPeerNulls(aaPeerAddr, "destination_region", "aws_account_id", "vpc_id", "vpc_cidr", "vpc_cidrs", "aws_peering_id", "timeouts")...),
			Check: func(s *terraform.State) error {
				p := aaPeerOnlyPeering(t, srv)
				if p.Provider != cloudsim.ProviderGCP || p.SubscriptionID != 2002 || p.SourceRegion != "us-central1" ||
					p.GCPProjectID != "my-app-project" || p.GCPNetworkName != "my-app-network" {
					return fmt.Errorf("the API holds %+v", p)
				}
				attrs := s.RootModule().Resources[aaPeerAddr].Primary.Attributes
				if attrs["gcp_redis_project_id"] != p.RedisProjectUID || attrs["gcp_redis_network_name"] != p.RedisNetworkName || attrs["gcp_peering_id"] != p.CloudPeeringID {
					return fmt.Errorf("state %v does not match the API's %+v", attrs, p)
				}
				return nil
			},
		},
	}
	steps = append(steps, aaPeerImportSteps(aaPeerAddr)...)
	aaPeerReplaced := func(check func(cloudsim.PeeringInfo) bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if p := aaPeerOnlyPeering(t, srv); !check(p) {
				return fmt.Errorf("the API holds %+v", p)
			}
			return nil
		}
	}
	steps = append(steps,
		// Redis's provider plans these as updates that then fail: here they
		// are replacements.
		resource.TestStep{
			Config: acctest.Config(srv, aaPeerGCP("us-central1", "my-other-project", "my-app-network")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionReplace),
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{aaPeerExpect(aaPeerAddr, "gcp_project_id", aaPeerStr("my-other-project"))},
			Check:             aaPeerReplaced(func(p cloudsim.PeeringInfo) bool { return p.GCPProjectID == "my-other-project" }),
		},
		resource.TestStep{
			Config: acctest.Config(srv, aaPeerGCP("us-central1", "my-other-project", "my-other-network")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{aaPeerExpect(aaPeerAddr, "gcp_network_name", aaPeerStr("my-other-network"))},
			Check:             aaPeerReplaced(func(p cloudsim.PeeringInfo) bool { return p.GCPNetworkName == "my-other-network" }),
		},
		resource.TestStep{
			Config: acctest.Config(srv, aaPeerGCP("europe-west1", "my-other-project", "my-other-network")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				aaPeerExpect(aaPeerAddr, "source_region", aaPeerStr("europe-west1")),
				aaPeerExpect(aaPeerAddr, "gcp_redis_network_name", knownvalue.StringRegexp(regexp.MustCompile(`^c2002-europe-west1-`))),
			},
			Check: aaPeerReplaced(func(p cloudsim.PeeringInfo) bool { return p.SourceRegion == "europe-west1" }),
		},
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps:                    steps,
	})
}

// Accepting on the AWS side shows on refresh; a peering deleted outside
// Terraform is planned for re-creation.
func TestAccActiveActivePeering_acceptAndOutOfBandDelete(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	cfg := acctest.Config(srv, aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`))
	var firstID int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(aaPeerAddr, "status", "pending-acceptance"),
					func(*terraform.State) error { firstID = aaPeerOnlyPeering(t, srv).ID; return nil },
				),
			},
			{
				PreConfig: func() {
					if err := srv.AcceptPeering(firstID); err != nil {
						t.Fatalf("accepting peering %d: %v", firstID, err)
					}
				},
				RefreshState: true,
				Check:        resource.TestCheckResourceAttr(aaPeerAddr, "status", "active"),
			},
			// Accepted and unchanged: nothing to do.
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{aaPeerExpect(aaPeerAddr, "status", aaPeerStr("active"))},
			},
			{
				PreConfig: func() {
					if err := srv.DeletePeering(firstID); err != nil {
						t.Fatalf("deleting peering %d out of band: %v", firstID, err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionCreate),
				}},
			},
			// The same from a plain plan.
			{
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionCreate),
				}},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{aaPeerExpect(aaPeerAddr, "status", aaPeerStr("pending-acceptance"))},
				Check: func(s *terraform.State) error {
					p := aaPeerOnlyPeering(t, srv)
					if p.ID == firstID {
						return fmt.Errorf("peering %d was not re-created", firstID)
					}
					if got, want := s.RootModule().Resources[aaPeerAddr].Primary.ID, fmt.Sprintf("2001/%d", p.ID); got != want {
						return fmt.Errorf("id in state is %s, want %s", got, want)
					}
					return nil
				},
			},
		},
	})
}

// Both regions of one subscription peered with the same VPC in one apply.
func TestAccActiveActivePeering_twoRegionsOneApply(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	cfg := fmt.Sprintf(`
resource %[1]q "us" {
  subscription_id    = "2001"
  source_region      = "us-east-1"
  destination_region = "us-east-1"
  aws_account_id     = "123456789012"
  vpc_id             = %[2]q
  vpc_cidr           = "172.31.0.0/16"
}

resource %[1]q "eu" {
  subscription_id    = "2001"
  source_region      = "eu-west-1"
  destination_region = "us-east-1"
  aws_account_id     = "123456789012"
  vpc_id             = %[2]q
  vpc_cidr           = "172.31.0.0/16"
}
`, aaPeerType, aaPeerVPC)
	us, eu := aaPeerType+".us", aaPeerType+".eu"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, cfg),
				ConfigStateChecks: []statecheck.StateCheck{
					aaPeerExpect(us, "source_region", aaPeerStr("us-east-1")),
					aaPeerExpect(eu, "source_region", aaPeerStr("eu-west-1")),
					aaPeerExpect(us, "status", aaPeerStr("pending-acceptance")),
					aaPeerExpect(eu, "status", aaPeerStr("pending-acceptance")),
					aaPeerExpect(us, "aws_peering_id", knownvalue.StringRegexp(aaPeerPcxRe)),
					aaPeerExpect(eu, "aws_peering_id", knownvalue.StringRegexp(aaPeerPcxRe)),
					statecheck.CompareValuePairs(us, tfjsonpath.New("id"), eu, tfjsonpath.New("id"), aaPeerDifferent{}),
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

// aaPeerDifferent is a compare.ValueComparer that wants two values to differ.
type aaPeerDifferent struct{}

func (aaPeerDifferent) CompareValues(values ...any) error {
	if len(values) == 2 && fmt.Sprint(values[0]) == fmt.Sprint(values[1]) {
		return fmt.Errorf("both values are %v", values[0])
	}
	return nil
}

// Three peerings, two of them in one region, created in one apply.
func TestAccActiveActivePeering_threeInOneApply(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{TaskLatency: 200 * time.Millisecond})
	cfg := fmt.Sprintf(`
locals {
  peerings = [
    { region = "us-east-1", vpc = "vpc-0a1b2c3d4e5f67890", cidr = "172.31.0.0/16" },
    { region = "us-east-1", vpc = "vpc-0a1b2c3d4e5f67891", cidr = "172.32.0.0/16" },
    { region = "eu-west-1", vpc = "vpc-0a1b2c3d4e5f67892", cidr = "172.33.0.0/16" },
  ]
}

resource %q "test" {
  count              = length(local.peerings)
  subscription_id    = "2001"
  source_region      = local.peerings[count.index].region
  destination_region = "eu-west-2"
  aws_account_id     = "123456789012"
  vpc_id             = local.peerings[count.index].vpc
  vpc_cidr           = local.peerings[count.index].cidr
}
`, aaPeerType)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, cfg),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(aaPeerType+".test[0]", tfjsonpath.New("status"), aaPeerStr("pending-acceptance")),
					statecheck.ExpectKnownValue(aaPeerType+".test[1]", tfjsonpath.New("status"), aaPeerStr("pending-acceptance")),
					statecheck.ExpectKnownValue(aaPeerType+".test[2]", tfjsonpath.New("status"), aaPeerStr("pending-acceptance")),
				},
				Check: func(*terraform.State) error {
					ps := srv.Peerings()
					if len(ps) != 3 {
						return fmt.Errorf("the simulator holds %d peerings, want 3: %+v", len(ps), ps)
					}
					if st := srv.Stats(); st.PeeringsCreated != 3 || st.MaxConcurrentPeeringsPerVPC != 1 {
						return fmt.Errorf("created %d peerings with up to %d per VPC, want 3 and 1", st.PeeringsCreated, st.MaxConcurrentPeeringsPerVPC)
					}
					return nil
				},
			},
		},
	})
}

// A source region the subscription does not have is refused before any
// request to create, with the regions it has.
func TestAccActiveActivePeering_wrongSourceRegion(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config:      acctest.Config(srv, aaPeerAWS("ap-south-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`)),
				ExpectError: regexp.MustCompile(`(?s)source_region.*"ap-south-1".*us-east-1, eu-west-1`),
			},
			{
				Config:      acctest.Config(srv, aaPeerGCP("us-east1", "my-app-project", "my-app-network")),
				ExpectError: regexp.MustCompile(`(?s)source_region.*"us-east1".*us-central1, europe-west1`),
			},
		},
	})
	aaPeerNothingCreated(t, srv)
}

// Each peering resource on the other kind of subscription says which
// resource to use, and nothing is created.
func TestAccActiveActivePeering_wrongSubscriptionKind(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config:      acctest.Config(srv, strings.Replace(aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`), `"2001"`, `"1001"`, 1)),
				ExpectError: regexp.MustCompile(`(?s)Subscription 1001 is a Pro.*use the\s+rediscloud_subscription_peering\s+resource`),
			},
			{
				Config: acctest.Config(srv, `
resource "rediscloud_subscription_peering" "test" {
  subscription_id = "2001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = "172.31.0.0/16"
}
`),
				ExpectError: regexp.MustCompile(`(?s)Subscription 2001 is an\s+Active-Active.*rediscloud_active_active_subscription_peering`),
			},
			// GCP on an AWS subscription.
			{
				Config:      acctest.Config(srv, strings.Replace(aaPeerGCP("us-east-1", "my-app-project", "my-app-network"), `"2002"`, `"2001"`, 1)),
				ExpectError: regexp.MustCompile(`(?s)provider_name.*Subscription 2001 runs on AWS`),
			},
		},
	})
	aaPeerNothingCreated(t, srv)
}

// Importing a peering of the wrong kind, or with a malformed ID, says what
// to do.
func TestAccActiveActivePeering_importErrors(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	proID, err := srv.AddPeering(cloudsim.PeeringInfo{
		SubscriptionID: 1001, Kind: cloudsim.KindPro, Provider: cloudsim.ProviderAWS, Status: "pending-acceptance",
		VPCID: aaPeerVPC, AWSAccountID: "123456789012", Region: "us-east-1", CIDRs: []string{"172.31.0.0/16"},
	})
	if err != nil {
		t.Fatalf("adding a Pro peering: %v", err)
	}
	cfg := acctest.Config(srv, aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:        cfg,
				ResourceName:  aaPeerAddr,
				ImportState:   true,
				ImportStateId: "2001-5",
				ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*<subscription_id>/<peering_id>`),
			},
			{
				Config:        cfg,
				ResourceName:  aaPeerAddr,
				ImportState:   true,
				ImportStateId: fmt.Sprintf("1001/%d", proID),
				ExpectError:   regexp.MustCompile(`(?s)Reading Active-Active peering 1001/[0-9]+ failed.*use the\s+rediscloud_subscription_peering\s+resource`),
			},
			{
				Config:        cfg,
				ResourceName:  aaPeerAddr,
				ImportState:   true,
				ImportStateId: "2001/999999",
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

// A task error reaches the user with its type and the subscription.
func TestAccActiveActivePeering_taskError(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				// Overlaps the us-east-1 deployment CIDR 10.10.0.0/24.
				Config:      acctest.Config(srv, aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidrs = ["172.31.0.0/16", "10.10.0.0/16"]`)),
				ExpectError: regexp.MustCompile(`(?s)Creating Active-Active peering on subscription 2001 failed.*VPC_PEERING_CIDR_OVERLAP.*10\.10\.0\.0/24.*Task ID`),
			},
		},
	})
	if ps := srv.Peerings(); len(ps) != 0 {
		t.Errorf("the simulator holds %d peerings, want none", len(ps))
	}
}

// A create waits while the subscription is pending: it becomes active only
// once the create has read it pending, and the POST must follow a read that
// showed it active.
func TestAccActiveActivePeering_pendingSubscription(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	front := newSimFront(t, srv)
	var act *subscriptionActivation
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { act = front.activateWhenCreateWaits(2001) },
				Config:    acctest.ConfigURL(front.url, aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{front.applyStarts()},
				},
				ConfigStateChecks: []statecheck.StateCheck{aaPeerExpect(aaPeerAddr, "status", aaPeerStr("pending-acceptance"))},
				Check: func(*terraform.State) error {
					if err := front.checkCreateWaited(act); err != nil {
						return err
					}
					aaPeerOnlyPeering(t, srv)
					return nil
				},
			},
		},
	})
}

// A peering that stays initiating-request ends the create at the configured
// timeout; the peering stays in state (tainted), so the next apply replaces
// it instead of leaving an orphan.
func TestAccActiveActivePeering_createTimeoutKeepsID(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{Faults: cloudsim.Faults{HoldTransitions: true}})
	withTimeout := strings.Replace(aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`), "\n}\n",
		"\n  timeouts {\n    create = \"2s\"\n  }\n}\n", 1)
	var heldID int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config:      acctest.Config(srv, withTimeout),
				ExpectError: regexp.MustCompile(`(?s)did not finish within 2s \(timeouts\.create\).*saved in state, marked tainted`),
			},
			{
				PreConfig: func() {
					heldID = aaPeerOnlyPeering(t, srv).ID
					srv.SetFaults(cloudsim.Faults{})
				},
				Config: acctest.Config(srv, withTimeout),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{aaPeerExpect(aaPeerAddr, "status", aaPeerStr("pending-acceptance"))},
				Check: func(*terraform.State) error {
					if p := aaPeerOnlyPeering(t, srv); p.ID == heldID {
						return fmt.Errorf("the tainted peering %d was kept", heldID)
					}
					return nil
				},
			},
		},
	})
}

// Destroying a peering that is already gone succeeds. Refresh is off, so
// the delete itself meets the missing peering, and the API says so in one
// of two ways: ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND while the subscription
// has other peerings, and the spec's
// DELETING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_FOR_A_SUBSCRIPTION_WITH_NO_VPC_PEERINGS
// once it has none. Both prove the peering gone.
func TestAccActiveActivePeering_destroyAlreadyDeleted(t *testing.T) {
	for _, tc := range []struct {
		name string
		// other keeps a peering of the other region on the subscription.
		other   bool
		errType string
	}{
		{"no peering left on the subscription", false, "DELETING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_FOR_A_SUBSCRIPTION_WITH_NO_VPC_PEERINGS"},
		{"another peering left", true, "ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log strings.Builder
			var mu sync.Mutex
			srv := acctest.NewSim(t, cloudsim.Options{Logf: func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				fmt.Fprintf(&log, format+"\n", args...)
			}})
			cfg := acctest.Config(srv, aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`))
			otherID := 0
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories(),
				AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
				CheckDestroy: func(*terraform.State) error {
					if left := srv.Peerings(); len(left) != min(otherID, 1) || (otherID != 0 && left[0].ID != otherID) {
						return fmt.Errorf("left after destroy: %+v", left)
					}
					return nil
				},
				Steps: []resource.TestStep{
					{Config: cfg},
					{
						PreConfig: func() {
							if err := srv.DeletePeering(aaPeerOnlyPeering(t, srv).ID); err != nil {
								t.Fatal(err)
							}
							if tc.other {
								id, err := srv.AddPeering(cloudsim.PeeringInfo{SubscriptionID: 2001, SourceRegion: "eu-west-1", DestinationRegion: "eu-west-1",
									VPCID: aaPeerOtherVPC, AWSAccountID: "123456789012", CIDRs: []string{"172.32.0.0/16"}})
								if err != nil {
									t.Fatal(err)
								}
								otherID = id
							}
						},
						Config:  cfg,
						Destroy: true,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionDestroy),
						}},
					},
				},
			})
			if n := srv.Stats().TasksByCommand["activeActiveVpcPeeringDeleteRequest"]; n != 1 {
				t.Errorf("%d delete tasks, want 1: the test must reach the provider's delete once", n)
			}
			mu.Lock()
			defer mu.Unlock()
			if !strings.Contains(log.String(), "activeActiveVpcPeeringDeleteRequest: processing-error "+tc.errType+":") {
				t.Errorf("the delete task did not fail with %s; simulator log:\n%s", tc.errType, log.String())
			}
		})
	}
}

// A create task that never finishes ends at the configured timeout, saving
// nothing: there is no peering to keep.
func TestAccActiveActivePeering_stuckCreateTask(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{Faults: cloudsim.Faults{StuckTasks: true}})
	withTimeout := strings.Replace(aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`), "\n}\n",
		"\n  timeouts {\n    create = \"2s\"\n  }\n}\n", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config:      acctest.Config(srv, withTimeout),
				ExpectError: regexp.MustCompile(`(?s)did not finish within 2s \(timeouts\.create\).*accepted as task \S+.*terraform import\s+rediscloud_active_active_subscription_peering\.<name>\s+2001/<peering_id>`),
			},
			{
				PreConfig: func() { srv.SetFaults(cloudsim.Faults{}) },
				Config:    acctest.Config(srv, withTimeout),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aaPeerAddr, plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error { aaPeerOnlyPeering(t, srv); return nil },
			},
		},
	})
}

// A peering that already exists (say, from an interrupted apply) is not
// duplicated: the error gives the import command with its ID.
func TestAccActiveActivePeering_alreadyExists(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	id, err := srv.AddPeering(cloudsim.PeeringInfo{
		SubscriptionID: 2001, Kind: cloudsim.KindActiveActive, Provider: cloudsim.ProviderAWS, Status: "pending-acceptance",
		SourceRegion: "us-east-1", DestinationRegion: "us-east-1", AWSAccountID: "123456789012", VPCID: aaPeerVPC,
		CIDRs: []string{"172.31.0.0/16"},
	})
	if err != nil {
		t.Fatalf("adding a peering: %v", err)
	}
	cfg := acctest.Config(srv, aaPeerAWS("us-east-1", aaPeerVPC, `vpc_cidr = "172.31.0.0/16"`))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)VPC_PEERING_ALREADY_EXIST.*terraform import\s+%s\.<name>\s+2001/%d`,
					regexp.QuoteMeta(aaPeerType), id)),
			},
			{
				Config:             cfg,
				ResourceName:       aaPeerAddr,
				ImportState:        true,
				ImportStateId:      fmt.Sprintf("2001/%d", id),
				ImportStatePersist: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error {
					if p := aaPeerOnlyPeering(t, srv); p.ID != id {
						return fmt.Errorf("the simulator holds peering %d, want %d", p.ID, id)
					}
					return nil
				},
			},
		},
	})
}
