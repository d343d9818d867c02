package peering_test

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
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

// The acceptance tests of what the Pro and Active-Active peering resources
// share: each test runs once per kind of the kinds table.

const (
	testVPC  = "vpc-0a1b2c3d4e5f67890"
	otherVPC = "vpc-0a1b2c3d4e5f67891"
	thirdVPC = "vpc-0a1b2c3d4e5f67892"
)

var pcxRe = regexp.MustCompile(`^pcx-[0-9a-f]{17}$`)

// peeringKind is what sets one peering resource apart in a shared test.
type peeringKind struct {
	name    string // subtest name
	label   string // the kind as diagnostics name it
	typ     string // resource type
	apiKind string // the simulator's kind
	// awsSub and gcpSub are the simulator seed's subscriptions of the kind.
	awsSub, gcpSub int
	// awsRegions are the region attributes of an AWS peering of region:
	// the peered VPC's region for Pro, the Redis region for Active-Active
	// (whose VPC stays in us-east-1).
	awsRegions func(region string) map[string]string
	// gcpRegions are the region attributes of a GCP peering, and
	// gcpNulls the region attributes it leaves null.
	gcpRegions map[string]string
	gcpNulls   []string
	// regionsOf are the region attributes as the API holds them, the
	// empty ones left out.
	regionsOf func(p cloudsim.PeeringInfo) map[string]string
	// awsPeeringIn is an AWS peering of region to add to the simulator
	// behind Terraform's back (VPC, account and CIDRs left to the caller).
	awsPeeringIn func(region string) cloudsim.PeeringInfo
	// createTask, updateTask and deleteTask are the simulator's task
	// commands.
	createTask, updateTask, deleteTask string
	// listType is the kind's list data source, and lookupType its data
	// source that finds one peering ("" when the kind has none).
	listType, lookupType string
	// deploymentCIDR is the Redis CIDR of the AWS subscription's us-east-1
	// region, and overlap a consumer CIDR that overlaps it.
	deploymentCIDR, overlap string
	// goneAlone and goneAmongOthers are the delete task's error types for a
	// peering that is already gone, when the subscription has no other
	// peering and when it has.
	goneAlone, goneAmongOthers string
	// subscriptionIs is how a refusal names a subscription of the kind
	// (a regular expression: Terraform wraps long lines).
	subscriptionIs string
}

var (
	pro = peeringKind{
		name: "Pro", label: "Pro", typ: proType, apiKind: cloudsim.KindPro,
		awsSub: 1001, gcpSub: 1002,
		awsRegions: func(region string) map[string]string { return map[string]string{"region": region} },
		gcpRegions: map[string]string{},
		gcpNulls:   []string{"region"},
		regionsOf: func(p cloudsim.PeeringInfo) map[string]string {
			return nonEmpty(map[string]string{"region": p.Region})
		},
		awsPeeringIn: func(region string) cloudsim.PeeringInfo {
			return cloudsim.PeeringInfo{SubscriptionID: 1001, Kind: cloudsim.KindPro, Provider: cloudsim.ProviderAWS, Region: region}
		},
		createTask: "vpcPeeringCreateRequest", updateTask: "vpcPeeringUpdateRequest", deleteTask: "vpcPeeringDeleteRequest",
		listType: "rediscloud_subscription_peerings", lookupType: "rediscloud_subscription_peering",
		deploymentCIDR: "10.0.0.0/24", overlap: "10.0.0.0/16",
		goneAlone: "VPC_PEERING_NOT_FOUND", goneAmongOthers: "VPC_PEERING_NOT_FOUND",
		subscriptionIs: `a\s+Pro`,
	}
	activeActive = peeringKind{
		name: "ActiveActive", label: "Active-Active", typ: aaType, apiKind: cloudsim.KindActiveActive,
		awsSub: 2001, gcpSub: 2002,
		awsRegions: func(region string) map[string]string {
			return map[string]string{"source_region": region, "destination_region": "us-east-1"}
		},
		gcpRegions: map[string]string{"source_region": "us-central1"},
		gcpNulls:   []string{"destination_region"},
		regionsOf: func(p cloudsim.PeeringInfo) map[string]string {
			return nonEmpty(map[string]string{"source_region": p.SourceRegion, "destination_region": p.DestinationRegion})
		},
		awsPeeringIn: func(region string) cloudsim.PeeringInfo {
			return cloudsim.PeeringInfo{SubscriptionID: 2001, Kind: cloudsim.KindActiveActive, Provider: cloudsim.ProviderAWS,
				SourceRegion: region, DestinationRegion: "us-east-1"}
		},
		createTask: "activeActiveVpcPeeringCreateRequest", updateTask: "activeActiveVpcPeeringUpdateRequest",
		deleteTask:     "activeActiveVpcPeeringDeleteRequest",
		listType:       "rediscloud_active_active_subscription_peerings",
		deploymentCIDR: "10.10.0.0/24", overlap: "10.10.0.0/16",
		goneAlone:       "DELETING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_FOR_A_SUBSCRIPTION_WITH_NO_VPC_PEERINGS",
		goneAmongOthers: "ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND",
		subscriptionIs:  `an\s+Active-Active`,
	}
	peeringKinds = []peeringKind{pro, activeActive}
)

func nonEmpty(m map[string]string) map[string]string {
	maps.DeleteFunc(m, func(_, v string) bool { return v == "" })
	return m
}

// hclLines writes attributes (name -> string value) as HCL lines, sorted
// so that a configuration is the same from one run to the next.
func hclLines(attrs map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		fmt.Fprintf(&b, "  %s = %q\n", k, attrs[k])
	}
	return b.String()
}

func (k peeringKind) addr(name string) string { return k.typ + "." + name }

// other is the other kind.
func (k peeringKind) other() peeringKind {
	if k.typ == pro.typ {
		return activeActive
	}
	return pro
}

// awsBlock is an AWS peering resource called name, of region and vpcID,
// with cidrAttr (a raw HCL line) for its CIDRs.
func (k peeringKind) awsBlock(name, region, vpcID, cidrAttr string) string {
	return fmt.Sprintf(`
resource %q %q {
  subscription_id = "%d"
%s  aws_account_id  = "123456789012"
  vpc_id          = %q
  %s
}
`, k.typ, name, k.awsSub, hclLines(k.awsRegions(region)), vpcID, cidrAttr)
}

// aws is an AWS peering resource called test.
func (k peeringKind) aws(region, vpcID, cidrAttr string) string {
	return k.awsBlock("test", region, vpcID, cidrAttr)
}

// awsPeering is the usual AWS peering: us-east-1, testVPC.
func (k peeringKind) awsPeering(cidrAttr string) string {
	return k.aws("us-east-1", testVPC, cidrAttr)
}

// gcpIn is a GCP peering resource called test with the given region
// attributes.
func (k peeringKind) gcpIn(regions map[string]string, project, network string) string {
	return k.gcpBlock("test", regions, project, network)
}

// gcpBlock is a GCP peering resource called name.
func (k peeringKind) gcpBlock(name string, regions map[string]string, project, network string) string {
	return fmt.Sprintf(`
resource %q %q {
  subscription_id  = "%d"
  provider_name    = "GCP"
%s  gcp_project_id   = %q
  gcp_network_name = %q
}
`, k.typ, name, k.gcpSub, hclLines(regions), project, network)
}

// gcp is a GCP peering resource called test in the subscription's first
// region.
func (k peeringKind) gcp(project, network string) string {
	return k.gcpIn(k.gcpRegions, project, network)
}

// idRe matches the id of a peering of subscription sub.
func idRe(sub int) *regexp.Regexp { return regexp.MustCompile(fmt.Sprintf(`^%d/[0-9]+$`, sub)) }

// withCreateTimeout adds a timeouts block with create = d to a resource.
func withCreateTimeout(block, d string) string {
	return strings.Replace(block, "\n}\n", "\n  timeouts {\n    create = \""+d+"\"\n  }\n}\n", 1)
}

// forEachKind runs test once per kind, as a subtest named after the kind.
func forEachKind(t *testing.T, test func(t *testing.T, k peeringKind)) {
	// Each test has its own simulators: the tests run beside each other,
	// and mostly wait on the simulated API and the CLI.
	t.Parallel()
	for _, k := range peeringKinds {
		t.Run(k.name, func(t *testing.T) { test(t, k) })
	}
}

// apiCIDRs checks that the only peering holds cidrs, in this order.
func apiCIDRs(t *testing.T, srv *cloudsim.Server, cidrs ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got, want := strings.Join(acctest.OnlyPeering(t, srv).CIDRs, ","), strings.Join(cidrs, ","); got != want {
			return fmt.Errorf("the API holds CIDRs %s, want %s", got, want)
		}
		return nil
	}
}

// apiPeering checks the only peering with ok, and that the id in state of
// addr is its own.
func apiPeering(t *testing.T, srv *cloudsim.Server, addr string, sub int, ok func(p cloudsim.PeeringInfo) bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		p := acctest.OnlyPeering(t, srv)
		if !ok(p) {
			return fmt.Errorf("the API holds %+v", p)
		}
		rs, found := s.RootModule().Resources[addr]
		if !found {
			return fmt.Errorf("%s is not in state", addr)
		}
		if want := fmt.Sprintf("%d/%d", sub, p.ID); rs.Primary.ID != want {
			return fmt.Errorf("id in state is %s, want %s", rs.Primary.ID, want)
		}
		return nil
	}
}

// TestAccPeering_awsLifecycleFromOneCIDR creates an AWS peering with one CIDR, imports
// it, changes its CIDRs in place and replaces it for another VPC or region.
func TestAccPeering_awsLifecycleFromOneCIDR(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		addr := k.addr("test")
		steps := []resource.TestStep{{
			Config: acctest.Config(srv, k.aws("us-east-1", testVPC, `vpc_cidr = "172.31.0.0/16"`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("vpc_cidrs"), acctest.StrSet("172.31.0.0/16")),
				plancheck.ExpectUnknownValue(addr, tfjsonpath.New("aws_peering_id")),
			}},
			ConfigStateChecks: slices.Concat([]statecheck.StateCheck{
				acctest.Expect(addr, "id", knownvalue.StringRegexp(idRe(k.awsSub))),
				acctest.Expect(addr, "peering_id", knownvalue.NotNull()),
				acctest.Expect(addr, "subscription_id", acctest.Str(fmt.Sprint(k.awsSub))),
				acctest.Expect(addr, "provider_name", acctest.Str("AWS")),
				acctest.Expect(addr, "aws_account_id", acctest.Str("123456789012")),
				acctest.Expect(addr, "vpc_id", acctest.Str(testVPC)),
				acctest.Expect(addr, "vpc_cidr", acctest.Str("172.31.0.0/16")),
				acctest.Expect(addr, "vpc_cidrs", acctest.StrSet("172.31.0.0/16")),
				acctest.Expect(addr, "status", acctest.Str("pending-acceptance")),
				acctest.Expect(addr, "aws_peering_id", knownvalue.StringRegexp(pcxRe)),
			}, acctest.ExpectMap(addr, k.awsRegions("us-east-1")),
				acctest.Nulls(addr, "gcp_project_id", "gcp_network_name", "gcp_redis_project_id", "gcp_redis_network_name", "gcp_peering_id", "timeouts")),
			Check: apiPeering(t, srv, addr, k.awsSub, func(p cloudsim.PeeringInfo) bool {
				return p.Kind == k.apiKind && p.SubscriptionID == k.awsSub && maps.Equal(k.regionsOf(p), k.awsRegions("us-east-1")) &&
					p.VPCID == testVPC && p.AWSAccountID == "123456789012" && strings.Join(p.CIDRs, ",") == "172.31.0.0/16"
			}),
		}}
		steps = append(steps, acctest.ImportSteps(addr)...)
		steps = append(steps,
			// Several CIDRs: an in-place update that reaches the API.
			resource.TestStep{
				Config: acctest.Config(srv, k.aws("us-east-1", testVPC, `vpc_cidrs = ["172.31.0.0/16", "172.40.0.0/16"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("vpc_cidr"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(addr, "vpc_cidrs", acctest.StrSet("172.31.0.0/16", "172.40.0.0/16")),
					acctest.Expect(addr, "vpc_cidr", knownvalue.Null()),
				},
				Check: apiCIDRs(t, srv, "172.31.0.0/16", "172.40.0.0/16"),
			},
			// Back to one CIDR, in place too.
			resource.TestStep{
				Config: acctest.Config(srv, k.aws("us-east-1", testVPC, `vpc_cidr = "172.40.0.0/16"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("vpc_cidrs"), acctest.StrSet("172.40.0.0/16")),
				}},
				Check: apiCIDRs(t, srv, "172.40.0.0/16"),
			},
			// Another VPC is another peering.
			resource.TestStep{
				Config: acctest.Config(srv, k.aws("us-east-1", otherVPC, `vpc_cidr = "172.40.0.0/16"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(*terraform.State) error {
					if got := acctest.OnlyPeering(t, srv).VPCID; got != otherVPC {
						return fmt.Errorf("the API holds a peering of %s", got)
					}
					return nil
				},
			},
			// So is another VPC with other CIDRs at once.
			resource.TestStep{
				Config: acctest.Config(srv, k.aws("us-east-1", thirdVPC, `vpc_cidr = "172.31.0.0/16"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(*terraform.State) error {
					if p := acctest.OnlyPeering(t, srv); p.VPCID != thirdVPC || strings.Join(p.CIDRs, ",") != "172.31.0.0/16" {
						return fmt.Errorf("the API holds %+v", p)
					}
					return nil
				},
			},
			// Another region is another peering.
			resource.TestStep{
				Config: acctest.Config(srv, k.aws("eu-west-1", thirdVPC, `vpc_cidr = "172.31.0.0/16"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: acctest.ExpectMap(addr, k.awsRegions("eu-west-1")),
				Check: func(*terraform.State) error {
					if got := k.regionsOf(acctest.OnlyPeering(t, srv)); !maps.Equal(got, k.awsRegions("eu-west-1")) {
						return fmt.Errorf("the API holds a peering of regions %v", got)
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
	})
}

// TestAccPeering_awsSeveralCIDRsNoDrift creates an AWS peering with several CIDRs
// and takes it down to one: no step drifts, whichever attribute holds the
// CIDRs.
func TestAccPeering_awsSeveralCIDRsNoDrift(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		addr := k.addr("test")
		three := k.aws("eu-west-1", testVPC, `vpc_cidrs = ["172.32.0.0/16", "172.31.0.0/16", "192.168.10.0/24"]`)
		one := k.aws("eu-west-1", testVPC, `vpc_cidrs = ["172.31.0.0/16"]`)
		steps := []resource.TestStep{
			{
				Config: acctest.Config(srv, three),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("vpc_cidr"), knownvalue.Null()),
				}},
				ConfigStateChecks: append([]statecheck.StateCheck{
					acctest.Expect(addr, "id", knownvalue.StringRegexp(idRe(k.awsSub))),
					acctest.Expect(addr, "vpc_cidr", knownvalue.Null()),
					acctest.Expect(addr, "vpc_cidrs", acctest.StrSet("172.31.0.0/16", "172.32.0.0/16", "192.168.10.0/24")),
					acctest.Expect(addr, "status", acctest.Str("pending-acceptance")),
					acctest.Expect(addr, "aws_peering_id", knownvalue.StringRegexp(pcxRe)),
				}, acctest.ExpectMap(addr, k.awsRegions("eu-west-1"))...),
				Check: resource.ComposeAggregateTestCheckFunc(
					apiCIDRs(t, srv, "172.31.0.0/16", "172.32.0.0/16", "192.168.10.0/24"),
					func(*terraform.State) error {
						if got := k.regionsOf(acctest.OnlyPeering(t, srv)); !maps.Equal(got, k.awsRegions("eu-west-1")) {
							return fmt.Errorf("the API holds a peering of regions %v", got)
						}
						return nil
					},
				),
			},
			// Several CIDRs read back from vpcCidrs objects: no drift.
			{Config: acctest.Config(srv, three), PlanOnly: true},
		}
		steps = append(steps, acctest.ImportSteps(addr)...)
		steps = append(steps,
			// Removing one CIDR is an update.
			resource.TestStep{
				Config: acctest.Config(srv, k.aws("eu-west-1", testVPC, `vpc_cidrs = ["172.31.0.0/16", "192.168.10.0/24"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(addr, "vpc_cidrs", acctest.StrSet("172.31.0.0/16", "192.168.10.0/24")),
				},
				Check: apiCIDRs(t, srv, "172.31.0.0/16", "192.168.10.0/24"),
			},
			// One CIDR given as a one-element set: an update, and the single
			// attribute follows.
			resource.TestStep{
				Config: acctest.Config(srv, one),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("vpc_cidr"), acctest.Str("172.31.0.0/16")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(addr, "vpc_cidr", acctest.Str("172.31.0.0/16")),
					acctest.Expect(addr, "vpc_cidrs", acctest.StrSet("172.31.0.0/16")),
				},
				Check: apiCIDRs(t, srv, "172.31.0.0/16"),
			},
			// The single CIDR (read back as vpcCidr) does not drift either.
			resource.TestStep{Config: acctest.Config(srv, one), PlanOnly: true},
			// The same CIDR moved from vpc_cidrs to vpc_cidr changes nothing,
			// in a plan or an apply.
			resource.TestStep{Config: acctest.Config(srv, k.aws("eu-west-1", testVPC, `vpc_cidr = "172.31.0.0/16"`)), PlanOnly: true},
			resource.TestStep{
				Config: acctest.Config(srv, k.aws("eu-west-1", testVPC, `vpc_cidr = "172.31.0.0/16"`)),
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
	})
}

// TestAccPeering_gcpLifecycle creates a GCP peering, imports it, sees it active
// once the reciprocal peering exists, and replaces it for another project
// or network (Redis's provider plans these as updates that then fail).
func TestAccPeering_gcpLifecycle(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		addr := k.addr("test")
		steps := []resource.TestStep{{
			Config: acctest.Config(srv, k.gcp("my-app-project", "my-app-network")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("vpc_cidr"), knownvalue.Null()),
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("vpc_cidrs"), knownvalue.Null()),
			}},
			ConfigStateChecks: slices.Concat([]statecheck.StateCheck{
				acctest.Expect(addr, "id", knownvalue.StringRegexp(idRe(k.gcpSub))),
				acctest.Expect(addr, "peering_id", knownvalue.NotNull()),
				acctest.Expect(addr, "subscription_id", acctest.Str(fmt.Sprint(k.gcpSub))),
				acctest.Expect(addr, "provider_name", acctest.Str("GCP")),
				acctest.Expect(addr, "gcp_project_id", acctest.Str("my-app-project")),
				acctest.Expect(addr, "gcp_network_name", acctest.Str("my-app-network")),
				acctest.Expect(addr, "status", acctest.Str("inactive")),
				acctest.Expect(addr, "gcp_redis_project_id", knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
				acctest.Expect(addr, "gcp_redis_network_name", knownvalue.StringRegexp(regexp.MustCompile(fmt.Sprintf(`^c%d-us-central1-`, k.gcpSub)))),
				acctest.Expect(addr, "gcp_peering_id", knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
			}, acctest.ExpectMap(addr, k.gcpRegions),
				acctest.Nulls(addr, append(k.gcpNulls, "aws_account_id", "vpc_id", "vpc_cidr", "vpc_cidrs", "aws_peering_id", "timeouts")...)),
			Check: func(s *terraform.State) error {
				p := acctest.OnlyPeering(t, srv)
				if p.Provider != cloudsim.ProviderGCP || p.SubscriptionID != k.gcpSub || !maps.Equal(k.regionsOf(p), k.gcpRegions) ||
					p.GCPProjectID != "my-app-project" || p.GCPNetworkName != "my-app-network" {
					return fmt.Errorf("the API holds %+v", p)
				}
				attrs := s.RootModule().Resources[addr].Primary.Attributes
				if attrs["gcp_redis_project_id"] != p.RedisProjectUID || attrs["gcp_redis_network_name"] != p.RedisNetworkName || attrs["gcp_peering_id"] != p.CloudPeeringID {
					return fmt.Errorf("state %v does not match the API's %+v", attrs, p)
				}
				return nil
			},
		}}
		steps = append(steps, acctest.ImportSteps(addr)...)
		replaced := func(check func(cloudsim.PeeringInfo) bool) resource.TestCheckFunc {
			return func(*terraform.State) error {
				if p := acctest.OnlyPeering(t, srv); !check(p) {
					return fmt.Errorf("the API holds %+v", p)
				}
				return nil
			}
		}
		steps = append(steps,
			// The reciprocal peering on the GCP side makes it active.
			resource.TestStep{
				PreConfig: func() {
					if err := srv.AcceptPeering(acctest.OnlyPeering(t, srv).ID); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState: true,
				Check:        resource.TestCheckResourceAttr(addr, "status", "active"),
			},
			resource.TestStep{
				Config: acctest.Config(srv, k.gcp("my-other-project", "my-app-network")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(addr, "gcp_project_id", acctest.Str("my-other-project"))},
				Check:             replaced(func(p cloudsim.PeeringInfo) bool { return p.GCPProjectID == "my-other-project" }),
			},
			resource.TestStep{
				Config: acctest.Config(srv, k.gcp("my-other-project", "my-other-network")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(addr, "gcp_network_name", acctest.Str("my-other-network"))},
				Check:             replaced(func(p cloudsim.PeeringInfo) bool { return p.GCPNetworkName == "my-other-network" }),
			},
		)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps:                    steps,
		})
	})
}

// TestAccPeering_acceptThenOutOfBandDelete: accepting on the AWS side shows
// on refresh; a peering deleted outside Terraform is planned for
// re-creation and re-created.
func TestAccPeering_acceptThenOutOfBandDelete(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		addr := k.addr("test")
		cfg := acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.31.0.0/16"`))
		var firstID int
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps: []resource.TestStep{
				{
					Config: cfg,
					Check: resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttr(addr, "status", "pending-acceptance"),
						func(*terraform.State) error { firstID = acctest.OnlyPeering(t, srv).ID; return nil },
					),
				},
				{
					PreConfig: func() {
						if err := srv.AcceptPeering(firstID); err != nil {
							t.Fatalf("accepting peering %d: %v", firstID, err)
						}
					},
					RefreshState: true,
					Check:        resource.TestCheckResourceAttr(addr, "status", "active"),
				},
				// Accepted and unchanged: nothing to do.
				{
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(addr, "status", acctest.Str("active"))},
				},
				// Deleted behind Terraform's back: a refresh plans it anew.
				{
					PreConfig: func() {
						if err := srv.DeletePeering(firstID); err != nil {
							t.Fatalf("deleting peering %d out of band: %v", firstID, err)
						}
					},
					RefreshState:       true,
					ExpectNonEmptyPlan: true,
					RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					}},
				},
				// The same from a plain plan.
				{
					Config:             cfg,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					}},
				},
				{
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(addr, "status", acctest.Str("pending-acceptance"))},
					Check: apiPeering(t, srv, addr, k.awsSub, func(p cloudsim.PeeringInfo) bool {
						return p.ID != firstID
					}),
				},
			},
		})
	})
}

// TestAccPeering_taskErrorSurfacesType: a failed create task reaches the
// user with its error type, the subscription, the API's description and
// the task ID, and leaves no peering, whether the overlapping CIDR is the
// only one or one of several. A plan that reads the Redis side's CIDRs
// refuses the overlap itself, so here a proxy hides them: the plan warns
// that it cannot check, and leaves the check to the API.
func TestAccPeering_taskErrorSurfacesType(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		for _, c := range []struct{ name, cidrAttr string }{
			{"one CIDR", fmt.Sprintf(`vpc_cidr = %q`, k.overlap)},
			{"one of several CIDRs", fmt.Sprintf(`vpc_cidrs = ["172.31.0.0/16", %q]`, k.overlap)},
		} {
			t.Run(c.name, func(t *testing.T) {
				srv := acctest.NewSim(t, cloudsim.Options{})
				front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					rec := httptest.NewRecorder()
					acctest.ProxyTo(t, srv.Addr(), rec, r)
					body := strings.NewReplacer(`"deploymentCIDR"`, `"hidden"`, `"deploymentCidr"`, `"hidden"`).Replace(rec.Body.String())
					maps.Copy(w.Header(), rec.Header())
					w.Header().Del("Content-Length")
					w.WriteHeader(rec.Code)
					_, _ = io.WriteString(w, body)
				}))
				t.Cleanup(front.Close)
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: acctest.ProviderFactories(),
					CheckDestroy:             acctest.CheckNoPeerings(srv),
					Steps: []resource.TestStep{{
						Config: acctest.ConfigURL(front.URL+"/v1", k.awsPeering(c.cidrAttr)),
						ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)Creating %s peering on subscription %d failed.*VPC_PEERING_CIDR_OVERLAP.*%s.*Task ID: [0-9a-f-]+`,
							k.label, k.awsSub, regexp.QuoteMeta(k.deploymentCIDR))),
					}},
				})
				if ps := srv.Peerings(); len(ps) != 0 {
					t.Errorf("the simulator holds %d peerings after a refused create, want none", len(ps))
				}
			})
		}
	})
}

// TestAccPeering_waitsForPendingSubscription: a create on a pending
// subscription waits for it to become active. The subscription becomes
// active only once the create has read it pending, so the test passes only
// if the create sent its POST, once, after a read that showed it active.
func TestAccPeering_waitsForPendingSubscription(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		front := newSimFront(t, srv)
		addr := k.addr("test")
		var act *subscriptionActivation
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps: []resource.TestStep{{
				PreConfig: func() { act = front.activateWhenCreateWaits(k.awsSub) },
				Config:    acctest.ConfigURL(front.url, k.awsPeering(`vpc_cidr = "172.31.0.0/16"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{front.applyStarts()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(addr, "status", acctest.Str("pending-acceptance"))},
				Check: func(*terraform.State) error {
					if err := front.checkCreateWaited(act); err != nil {
						return err
					}
					if n := srv.Stats().TasksByCommand[k.createTask]; n != 1 {
						return fmt.Errorf("%d create tasks, want exactly 1 sent once the subscription was active", n)
					}
					_, err := acctest.Peering(srv)
					return err
				},
			}},
		})
	})
}

// TestAccPeering_threeInOneApply creates three peerings, two of them in
// one region, in one apply: each is created once, and never two of one VPC
// at a time.
func TestAccPeering_threeInOneApply(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{TaskLatency: 200 * time.Millisecond})
		var blocks []string
		var checks []statecheck.StateCheck
		for i, region := range []string{"us-east-1", "us-east-1", "eu-west-1"} {
			name := fmt.Sprintf("p%d", i)
			blocks = append(blocks, k.awsBlock(name, region, fmt.Sprintf("vpc-0a1b2c3d4e5f6789%d", i), fmt.Sprintf(`vpc_cidr = "172.%d.0.0/16"`, 31+i)))
			checks = append(checks, acctest.Expect(k.addr(name), "status", acctest.Str("pending-acceptance")))
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps: []resource.TestStep{{
				Config:            acctest.Config(srv, blocks...),
				ConfigStateChecks: checks,
				Check: func(*terraform.State) error {
					if ps := srv.Peerings(); len(ps) != 3 {
						return fmt.Errorf("the simulator holds %d peerings, want 3: %+v", len(ps), ps)
					}
					st := srv.Stats()
					if n := st.TasksByCommand[k.createTask]; n != 3 {
						return fmt.Errorf("%d create tasks, want 3", n)
					}
					if st.PeeringsCreated != 3 || st.MaxConcurrentPeeringsPerVPC != 1 {
						return fmt.Errorf("created %d peerings with up to %d per VPC, want 3 and 1", st.PeeringsCreated, st.MaxConcurrentPeeringsPerVPC)
					}
					return nil
				},
			}},
		})
	})
}

// TestAccPeering_destroyAlreadyDeleted: destroying a peering that is
// already gone succeeds, whether it goes between the plan and the apply of
// the destroy, or before a destroy planned without refresh (so that the
// delete itself meets the missing peering). The API says so in its own way
// when the subscription has no peering left and when it has others
// (peeringKind.goneAlone, goneAmongOthers); every way proves the peering
// gone.
func TestAccPeering_destroyAlreadyDeleted(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		t.Run("deleted while the destroy runs", func(t *testing.T) {
			srv := acctest.NewSim(t, cloudsim.Options{})
			deletePrefix := fmt.Sprintf("/v1/subscriptions/%d/", k.awsSub)
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, deletePrefix) {
					for _, p := range srv.Peerings() {
						_ = srv.DeletePeering(p.ID)
					}
				}
				acctest.ProxyTo(t, srv.Addr(), w, r)
			}))
			t.Cleanup(front.Close)
			addr := k.addr("test")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories(),
				CheckDestroy:             acctest.CheckNoPeerings(srv),
				Steps: []resource.TestStep{
					{Config: acctest.ConfigURL(front.URL+"/v1", k.awsPeering(`vpc_cidr = "172.31.0.0/16"`))},
					{
						Config: acctest.ConfigURL(front.URL + "/v1"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy),
						}},
						Check: func(*terraform.State) error {
							if n := srv.Stats().TasksByCommand[k.deleteTask]; n < 1 {
								return fmt.Errorf("no delete task was sent")
							}
							return nil
						},
					},
				},
			})
		})
		for _, tc := range []struct {
			name string
			// other keeps a peering of another region on the subscription.
			other   bool
			errType string
		}{
			{"no peering left on the subscription", false, k.goneAlone},
			{"another peering left", true, k.goneAmongOthers},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var log strings.Builder
				var mu sync.Mutex
				srv := acctest.NewSim(t, cloudsim.Options{Logf: func(format string, args ...any) {
					mu.Lock()
					defer mu.Unlock()
					fmt.Fprintf(&log, format+"\n", args...)
				}})
				addr := k.addr("test")
				cfg := acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.31.0.0/16"`))
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
								if err := srv.DeletePeering(acctest.OnlyPeering(t, srv).ID); err != nil {
									t.Fatal(err)
								}
								if tc.other {
									other := k.awsPeeringIn("eu-west-1")
									other.VPCID, other.AWSAccountID, other.CIDRs = otherVPC, "123456789012", []string{"172.32.0.0/16"}
									id, err := srv.AddPeering(other)
									if err != nil {
										t.Fatal(err)
									}
									otherID = id
								}
							},
							Config:  cfg,
							Destroy: true,
							ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy),
							}},
						},
					},
				})
				if n := srv.Stats().TasksByCommand[k.deleteTask]; n != 1 {
					t.Errorf("%d delete tasks, want 1: the test must reach the provider's delete once", n)
				}
				mu.Lock()
				defer mu.Unlock()
				if !strings.Contains(log.String(), k.deleteTask+": processing-error "+tc.errType+":") {
					t.Errorf("the delete task did not fail with %s; simulator log:\n%s", tc.errType, log.String())
				}
			})
		}
	})
}

// TestAccPeering_wrongSubscriptionKind: a peering resource on a
// subscription of the other kind, or of the other cloud, says which
// resource or provider_name to use, and nothing is created.
func TestAccPeering_wrongSubscriptionKind(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		o := k.other()
		onOther := strings.Replace(k.awsPeering(`vpc_cidr = "172.31.0.0/16"`), fmt.Sprintf(`"%d"`, k.awsSub), fmt.Sprintf(`"%d"`, o.awsSub), 1)
		// In a region the AWS subscription has, so that only the cloud is wrong.
		awsRegion := map[string]string{}
		for attr := range k.gcpRegions {
			awsRegion[attr] = "us-east-1"
		}
		gcpOnAWS := strings.Replace(k.gcpIn(awsRegion, "my-app-project", "my-app-network"), fmt.Sprintf(`"%d"`, k.gcpSub), fmt.Sprintf(`"%d"`, k.awsSub), 1)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps: []resource.TestStep{
				{
					Config: acctest.Config(srv, onOther),
					ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)Subscription %d is\s+%s.*use the\s+%s\s+resource`,
						o.awsSub, o.subscriptionIs, regexp.QuoteMeta(o.typ))),
				},
				{
					Config:      acctest.Config(srv, gcpOnAWS),
					ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)provider_name.*Subscription %d runs on AWS`, k.awsSub)),
				},
			},
		})
		acctest.NothingCreated(t, srv)
	})
}

// TestAccPeering_importErrors: importing a peering of the other kind, with
// a malformed ID or one that does not exist, says what to do.
func TestAccPeering_importErrors(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		o := k.other()
		theirs := o.awsPeeringIn("us-east-1")
		theirs.Status, theirs.VPCID, theirs.AWSAccountID, theirs.CIDRs = "pending-acceptance", testVPC, "123456789012", []string{"172.31.0.0/16"}
		theirID, err := srv.AddPeering(theirs)
		if err != nil {
			t.Fatalf("adding a %s peering: %v", o.label, err)
		}
		cfg := acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.31.0.0/16"`))
		addr := k.addr("test")
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			Steps: []resource.TestStep{
				{
					Config:        cfg,
					ResourceName:  addr,
					ImportState:   true,
					ImportStateId: fmt.Sprintf("%d-5", k.awsSub),
					ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*<subscription_id>/<peering_id>`),
				},
				{
					Config:        cfg,
					ResourceName:  addr,
					ImportState:   true,
					ImportStateId: fmt.Sprintf("%d/%d", o.awsSub, theirID),
					ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)Reading %s peering %d/[0-9]+ failed.*use the\s+%s\s+resource`,
						k.label, o.awsSub, regexp.QuoteMeta(o.typ))),
				},
				{
					Config:        cfg,
					ResourceName:  addr,
					ImportState:   true,
					ImportStateId: fmt.Sprintf("%d/999999", k.awsSub),
					ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
				},
			},
		})
	})
}

// TestAccPeering_createTimeoutKeepsID: a peering that stays
// initiating-request ends the create at the configured timeout; the
// peering stays in state (tainted), so the next apply replaces it instead
// of leaving an orphan.
func TestAccPeering_createTimeoutKeepsID(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{Faults: cloudsim.Faults{HoldTransitions: true}})
		withTimeout := withCreateTimeout(k.awsPeering(`vpc_cidr = "172.31.0.0/16"`), "2s")
		addr := k.addr("test")
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
						heldID = acctest.OnlyPeering(t, srv).ID
						srv.SetFaults(cloudsim.Faults{})
					},
					Config: acctest.Config(srv, withTimeout),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(addr, "status", acctest.Str("pending-acceptance"))},
					Check: func(*terraform.State) error {
						if p := acctest.OnlyPeering(t, srv); p.ID == heldID {
							return fmt.Errorf("the tainted peering %d was kept", heldID)
						}
						return nil
					},
				},
			},
		})
	})
}

// TestAccPeering_stuckCreateTask: a create task that never finishes ends at
// the configured timeout, saving nothing (there is no peering to keep) and
// giving the import command for when the task does finish.
func TestAccPeering_stuckCreateTask(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{Faults: cloudsim.Faults{StuckTasks: true}})
		withTimeout := withCreateTimeout(k.awsPeering(`vpc_cidr = "172.31.0.0/16"`), "2s")
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps: []resource.TestStep{
				{
					Config: acctest.Config(srv, withTimeout),
					ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)did not finish within 2s \(timeouts\.create\).*accepted as task \S+.*terraform import\s+%s\.<name>\s+%d/<peering_id>`,
						regexp.QuoteMeta(k.typ), k.awsSub)),
				},
				{
					PreConfig: func() { srv.SetFaults(cloudsim.Faults{}) },
					Config:    acctest.Config(srv, withTimeout),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(k.addr("test"), plancheck.ResourceActionCreate),
					}},
					Check: acctest.CheckOnePeering(srv),
				},
			},
		})
	})
}

// TestAccPeering_alreadyExists: a peering that already exists (say, from an
// interrupted apply) is not duplicated: the error gives the import command
// with its ID, and once imported nothing is planned.
func TestAccPeering_alreadyExists(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		existing := k.awsPeeringIn("us-east-1")
		existing.Status, existing.AWSAccountID, existing.VPCID, existing.CIDRs = "pending-acceptance", "123456789012", testVPC, []string{"172.31.0.0/16"}
		id, err := srv.AddPeering(existing)
		if err != nil {
			t.Fatalf("adding a peering: %v", err)
		}
		cfg := acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.31.0.0/16"`))
		addr := k.addr("test")
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps: []resource.TestStep{
				{
					Config: cfg,
					ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)VPC_PEERING_ALREADY_EXIST.*terraform import\s+%s\.<name>\s+%d/%d`,
						regexp.QuoteMeta(k.typ), k.awsSub, id)),
				},
				{
					Config:             cfg,
					ResourceName:       addr,
					ImportState:        true,
					ImportStateId:      fmt.Sprintf("%d/%d", k.awsSub, id),
					ImportStatePersist: true,
				},
				{
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					Check: func(*terraform.State) error {
						if p := acctest.OnlyPeering(t, srv); p.ID != id {
							return fmt.Errorf("the simulator holds peering %d, want %d", p.ID, id)
						}
						return nil
					},
				},
			},
		})
	})
}

// TestAccPeering_updateBeforeSetUp: Redis Cloud refuses to change the CIDRs
// of a peering it has not set up yet (VPC_PEERING_NOT_ACTIVE). The refusal
// says what to do, and the same update goes through once the peering is set
// up.
func TestAccPeering_updateBeforeSetUp(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		srv := acctest.NewSim(t, cloudsim.Options{})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories(),
			CheckDestroy:             acctest.CheckNoPeerings(srv),
			Steps: []resource.TestStep{
				{
					Config: acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.31.0.0/16"`)),
					Check: func(*terraform.State) error {
						// Back to the set-up phase, as right after a create.
						return srv.SetPeeringStatus(acctest.OnlyPeering(t, srv).ID, "initiating-request")
					},
				},
				{
					Config: acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.32.0.0/16"`)),
					ExpectError: acctest.Wrapped(fmt.Sprintf(`Updating %s peering %d/`, k.label, k.awsSub), `VPC_PEERING_NOT_ACTIVE`,
						`Redis Cloud changes a peering's CIDRs only once it has set the peering up. Wait until its status is pending-acceptance or active`),
				},
				{
					PreConfig: func() {
						if err := srv.SetPeeringStatus(acctest.OnlyPeering(t, srv).ID, "pending-acceptance"); err != nil {
							t.Fatal(err)
						}
					},
					Config: acctest.Config(srv, k.awsPeering(`vpc_cidr = "172.32.0.0/16"`)),
					Check:  apiCIDRs(t, srv, "172.32.0.0/16"),
				},
			},
		})
	})
}
