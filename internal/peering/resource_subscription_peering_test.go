package peering_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
		CheckDestroy:             acctest.CheckNoPeerings(srv),
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

func TestAccSubscriptionPeering_awsSeveralCIDRs(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, proAWS(`vpc_cidrs = ["172.31.0.0/16", "172.32.0.0/16", "192.168.10.0/24"]`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("vpc_cidrs"), knownvalue.SetExact([]knownvalue.Check{
						stateString("172.31.0.0/16"), stateString("172.32.0.0/16"), stateString("192.168.10.0/24"),
					})),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("vpc_cidr"), knownvalue.Null()),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("status"), stateString("pending-acceptance")),
				},
				Check: func(*terraform.State) error {
					if got := strings.Join(onlyPeering(t, srv).CIDRs, ","); got != "172.31.0.0/16,172.32.0.0/16,192.168.10.0/24" {
						return fmt.Errorf("the API holds CIDRs %s", got)
					}
					return nil
				},
			},
			// Several CIDRs read back from vpcCidrs objects: no drift.
			{
				Config:   acctest.Config(srv, proAWS(`vpc_cidrs = ["172.31.0.0/16", "172.32.0.0/16", "192.168.10.0/24"]`)),
				PlanOnly: true,
			},
			{
				ResourceName:            proAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			// Down to one CIDR, given in vpc_cidrs: updated in place, and the
			// single CIDR (read back as vpcCidr) does not drift either.
			{
				Config: acctest.Config(srv, proAWS(`vpc_cidrs = ["172.32.0.0/16"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("vpc_cidr"), stateString("172.32.0.0/16")),
				},
			},
			{
				Config:   acctest.Config(srv, proAWS(`vpc_cidrs = ["172.32.0.0/16"]`)),
				PlanOnly: true,
			},
			// Switching to the single-CIDR attribute with the same value is no change.
			{
				Config:   acctest.Config(srv, proAWS(`vpc_cidr = "172.32.0.0/16"`)),
				PlanOnly: true,
			},
		},
	})
}

const proGCP = `
resource "rediscloud_subscription_peering" "test" {
  subscription_id  = "1002"
  provider_name    = "GCP"
  gcp_project_id   = "my-app-project"
  gcp_network_name = "my-app-network"
}
`

func TestAccSubscriptionPeering_gcp(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, proGCP),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("status"), stateString("inactive")),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("provider_name"), stateString("GCP")),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("gcp_redis_project_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("gcp_redis_network_name"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("gcp_peering_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("aws_peering_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("vpc_cidrs"), knownvalue.Null()),
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("region"), knownvalue.Null()),
				},
			},
			{
				ResourceName:            proAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			// The reciprocal peering on the GCP side makes it active.
			{
				PreConfig: func() {
					if err := srv.AcceptPeering(onlyPeering(t, srv).ID); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState: true,
				Check:        resource.TestCheckResourceAttr(proAddr, "status", "active"),
			},
			{
				Config: acctest.Config(srv, strings.Replace(proGCP, "my-app-network", "other-network", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

func TestAccSubscriptionPeering_acceptedAndDisappeared(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	cfg := acctest.Config(srv, proAWS(`vpc_cidr = "172.31.0.0/16"`))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: cfg},
			// Accepting on the AWS side makes it active at the next refresh.
			{
				PreConfig: func() {
					if err := srv.AcceptPeering(onlyPeering(t, srv).ID); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState: true,
				Check:        resource.TestCheckResourceAttr(proAddr, "status", "active"),
			},
			// Deleted behind Terraform's back: the plan re-creates it.
			{
				PreConfig: func() {
					if err := srv.DeletePeering(onlyPeering(t, srv).ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proAddr, plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					onlyPeering(t, srv)
					return nil
				},
			},
		},
	})
}

func TestAccSubscriptionPeering_taskErrorSurfacesType(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				// 10.0.0.0/24 is the subscription's own deployment CIDR.
				Config:      acctest.Config(srv, proAWS(`vpc_cidr = "10.0.0.0/16"`)),
				ExpectError: regexp.MustCompile(`(?s)Creating Pro peering on subscription 1001 failed.*VPC_PEERING_CIDR_OVERLAP.*Task ID: [0-9a-f-]+`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(srv.Peerings()); n != 0 {
				return fmt.Errorf("%d peerings exist after a refused create", n)
			}
			return nil
		},
	})
}

// A create on a pending subscription waits for it to become active. The
// subscription becomes active only once the create has read it pending, so
// the test passes only if the create sent its POST after a read that showed
// it active.
func TestAccSubscriptionPeering_waitsForPendingSubscription(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	front := newSimFront(t, srv)
	var act *subscriptionActivation
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { act = front.activateWhenCreateWaits(1001) },
				Config:    acctest.ConfigURL(front.url, proAWS(`vpc_cidr = "172.31.0.0/16"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{front.applyStarts()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(proAddr, tfjsonpath.New("status"), stateString("pending-acceptance")),
				},
				Check: func(*terraform.State) error {
					if err := front.checkCreateWaited(act); err != nil {
						return err
					}
					if n := srv.Stats().TasksByCommand["vpcPeeringCreateRequest"]; n != 1 {
						return fmt.Errorf("%d create tasks, want exactly 1 sent once the subscription was active", n)
					}
					return nil
				},
			},
		},
	})
}

func TestAccSubscriptionPeering_threeInOneApply(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	var blocks []string
	for i := range 3 {
		blocks = append(blocks, fmt.Sprintf(`
resource "rediscloud_subscription_peering" "p%d" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f6789%d"
  vpc_cidr        = "172.%d.0.0/16"
}
`, i, i, 31+i))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, blocks...),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rediscloud_subscription_peering.p0", tfjsonpath.New("status"), stateString("pending-acceptance")),
					statecheck.ExpectKnownValue("rediscloud_subscription_peering.p1", tfjsonpath.New("status"), stateString("pending-acceptance")),
					statecheck.ExpectKnownValue("rediscloud_subscription_peering.p2", tfjsonpath.New("status"), stateString("pending-acceptance")),
				},
				Check: func(*terraform.State) error {
					if n := len(srv.Peerings()); n != 3 {
						return fmt.Errorf("%d peerings, want 3", n)
					}
					if n := srv.Stats().TasksByCommand["vpcPeeringCreateRequest"]; n != 3 {
						return fmt.Errorf("%d create tasks, want 3", n)
					}
					return nil
				},
			},
		},
	})
}

// TestAccSubscriptionPeering_destroyAlreadyDeleted deletes the peering between
// the plan and the apply of its destruction: the delete task then fails with
// VPC_PEERING_NOT_FOUND, which must count as success.
func TestAccSubscriptionPeering_destroyAlreadyDeleted(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v1/subscriptions/1001/peerings/") {
			for _, p := range srv.Peerings() {
				_ = srv.DeletePeering(p.ID)
			}
		}
		proxyTo(t, srv.Addr(), w, r)
	}))
	t.Cleanup(front.Close)
	cfg := acctest.ConfigURL(front.URL+"/v1", proAWS(`vpc_cidr = "172.31.0.0/16"`))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				Config: acctest.ConfigURL(front.URL + "/v1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(proAddr, plancheck.ResourceActionDestroy),
				}},
				Check: func(*terraform.State) error {
					if n := srv.Stats().TasksByCommand["vpcPeeringDeleteRequest"]; n < 1 {
						return fmt.Errorf("no delete task was sent")
					}
					return nil
				},
			},
		},
	})
}

// proxyTo forwards a request to the simulator.
func proxyTo(t *testing.T, target string, w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), r.Body)
	if err != nil {
		t.Error(err)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer func() { _ = resp.Body.Close() }()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
