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

// The tests of this file hold the provider to the evidence rule for HTTP
// 404s: a 404 is proof that a peering (or its subscription) is gone only
// when the account's own subscription list, read with the same URL and
// keys, confirms it. The simulator serves the API under /v1 only and
// answers 404 to every other path, as a gateway in front of the real API
// does, so a url without /v1 or with a typo in its path answers 404 to
// everything, the subscription list included. Such a 404 must fail the
// run, name the URL that answered it, and leave the state alone.

// urlEvidencePeering is the resource every step of these tests configures.
var urlEvidencePeering = pro.awsPeering(`vpc_cidr = "172.31.0.0/16"`)

// stillThere checks that state holds the peering under the ID recorded
// when it was created, and that the simulator still holds that very
// peering: nothing was removed from state, and nothing was deleted.
func stillThere(t *testing.T, srv *cloudsim.Server, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[pro.addr("test")]
		if !ok {
			return fmt.Errorf("%s was removed from state; it was %s", pro.addr("test"), *id)
		}
		if rs.Primary.ID != *id {
			return fmt.Errorf("state holds %s as %s, want %s", pro.addr("test"), rs.Primary.ID, *id)
		}
		if got := fmt.Sprintf("1001/%d", acctest.OnlyPeering(t, srv).ID); got != *id {
			return fmt.Errorf("the simulator holds peering %s, state %s", got, *id)
		}
		return nil
	}
}

// TestAccURLEvidence_resourceKeptOnWrongURL creates a peering through the
// right URL, then refreshes it through a url without /v1 and through one
// with a typo in its path: both runs must fail at plan time with the URL
// called and, for the url without /v1, the hint to add it, and must remove
// nothing from state. Back on the right URL, the peering is still in state
// under the same ID and nothing is planned.
func TestAccURLEvidence_resourceKeptOnWrongURL(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	addr := srv.Addr()      // http://127.0.0.1:port, without /v1
	typo := srv.URL() + "x" // http://127.0.0.1:port/v1x
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigURL(srv.URL(), urlEvidencePeering),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pro.addr("test"), tfjsonpath.New("id"), knownvalue.StringRegexp(idRe(1001))),
				},
				Check: acctest.RecordID(pro.addr("test"), &id),
			},
			// The url without /v1: the peering list answers 404, and so
			// does the account's subscription list.
			{
				Config:   acctest.ConfigURL(addr, urlEvidencePeering),
				PlanOnly: true,
				ExpectError: acctest.Wrapped(
					"Error: Reading Pro peering 1001/",
					"The Redis Cloud API answered HTTP 404 to GET "+addr+"/subscriptions/1001/peerings",
					"the account's subscription list (GET "+addr+"/subscriptions) could not be read either",
					"So the 404 proves nothing about the peering, and nothing was removed from state.",
					"The Redis Cloud API's paths start with /v1: url is "+addr+", did you mean "+addr+"/v1."),
			},
			// A typo in the path: the diagnostic names the URL called.
			{
				Config:   acctest.ConfigURL(typo, urlEvidencePeering),
				PlanOnly: true,
				ExpectError: acctest.Wrapped(
					"Error: Reading Pro peering 1001/",
					"The Redis Cloud API answered HTTP 404 to GET "+typo+"/subscriptions/1001/peerings",
					"the account's subscription list (GET "+typo+"/subscriptions) could not be read either",
					"So the 404 proves nothing about the peering, and nothing was removed from state.",
					"url is "+typo+"; check its path ("+addr+"/v1 directly, or the path a proxy serves the API under)."),
			},
			// Back on the right URL: the refresh finds the peering, and
			// nothing is planned (a peering removed from state would be
			// planned for creation).
			{
				Config:   acctest.ConfigURL(srv.URL(), urlEvidencePeering),
				PlanOnly: true,
			},
			// The state after an explicit refresh through the right URL
			// (the configuration of the step before) holds the same ID.
			{
				RefreshState: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: stillThere(t, srv, &id),
			},
		},
	})
}

// TestAccURLEvidence_destroyThroughWrongURL destroys without a refresh
// (terraform destroy -refresh=false) through a url without /v1: the DELETE
// answers 404, which must not pass for "already deleted". The destroy
// fails naming the URL, the peering stays in state and in Redis Cloud, and
// a destroy through the right URL then deletes it.
func TestAccURLEvidence_destroyThroughWrongURL(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	addr := srv.Addr()
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigURL(srv.URL(), urlEvidencePeering),
				Check:  acctest.RecordID(pro.addr("test"), &id),
			},
			{
				Config:  acctest.ConfigURL(addr, urlEvidencePeering),
				Destroy: true,
				ExpectError: acctest.Wrapped(
					"Error: Deleting Pro peering 1001/",
					"The Redis Cloud API answered HTTP 404 to DELETE "+addr+"/subscriptions/1001/peerings/",
					"So the 404 proves nothing about the peering, and nothing was removed from state.",
					"did you mean "+addr+"/v1."),
			},
			// Nothing to do on the right URL: the peering is still in state.
			{
				Config: acctest.ConfigURL(srv.URL(), urlEvidencePeering),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pro.addr("test"), plancheck.ResourceActionNoop),
				}},
				Check: stillThere(t, srv, &id),
			},
			// And a real refresh through the right URL confirms it.
			{
				RefreshState: true,
				Check:        stillThere(t, srv, &id),
			},
		},
	})
}

// TestAccURLEvidence_dataSources reads the peering list and a single
// peering through wrong URLs: each read fails naming the URL called,
// never claiming that the subscription does not exist, even for a
// subscription that indeed does not exist (the wrong URL cannot tell).
// Through the right URL the same list reads, and an unknown subscription is
// reported as not existing (as TestAccPeeringsDataSource_errors checks).
func TestAccURLEvidence_dataSources(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	p := dsAdd(t, srv, cloudsim.PeeringInfo{
		SubscriptionID: 1001, VPCID: "vpc-0a1b2c3d4e5f67890", AWSAccountID: "123456789012", Region: "us-east-1", CIDRs: []string{"172.31.0.0/16"},
	})
	addr := srv.Addr()
	typo := srv.URL() + "/typo" // http://127.0.0.1:port/v1/typo
	list := func(url, sub string) string {
		return acctest.ConfigURL(url, fmt.Sprintf(`
data "rediscloud_subscription_peerings" "test" {
  subscription_id = %q
}
`, sub))
	}
	lookup := func(url string) string {
		return acctest.ConfigURL(url, `
data "rediscloud_subscription_peering" "test" {
  subscription_id = "1001"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
}
`)
	}
	unexplained := func(summary, url, path string, tail ...string) []string {
		return append([]string{
			summary,
			"The Redis Cloud API answered HTTP 404 to GET " + url + path,
			"the account's subscription list (GET " + url + "/subscriptions) could not be read either",
			"So the 404 proves nothing about the peering.",
		}, tail...)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: list(srv.URL(), "1001"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.rediscloud_subscription_peerings.test", tfjsonpath.New("peerings").AtSliceIndex(0).AtMapKey("peering_id"),
						knownvalue.Int64Exact(int64(p.ID))),
				},
			},
			{
				Config: list(addr, "1001"),
				ExpectError: acctest.Wrapped(unexplained("Error: Reading Pro peerings of subscription 1001 failed", addr, "/subscriptions/1001/peerings",
					"The Redis Cloud API's paths start with /v1: url is "+addr+", did you mean "+addr+"/v1.")...),
			},
			{
				Config:      list(typo, "1001"),
				ExpectError: acctest.Wrapped(unexplained("Error: Reading Pro peerings of subscription 1001 failed", typo, "/subscriptions/1001/peerings", "url is "+typo)...),
			},
			// A subscription that does not exist, through the wrong URL:
			// nothing shows that it does not exist, so it is not said to.
			{
				Config: list(addr, "9999"),
				ExpectError: acctest.Wrapped(unexplained("Error: Reading Pro peerings of subscription 9999 failed", addr, "/subscriptions/9999/peerings",
					"did you mean "+addr+"/v1.")...),
			},
			{
				Config: lookup(addr),
				ExpectError: acctest.Wrapped(unexplained("Error: Reading Pro peering on subscription 1001 failed", addr, "/subscriptions/1001/peerings",
					"did you mean "+addr+"/v1.")...),
			},
			// Through the right URL the unknown subscription is reported
			// as not existing.
			{
				Config: list(srv.URL(), "9999"),
				ExpectError: acctest.Wrapped("Error: Reading Pro peerings of subscription 9999 failed",
					"Subscription 9999 does not exist in the account of these API keys"),
			},
			{
				Config: lookup(srv.URL()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.rediscloud_subscription_peering.test", tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("1001/%d", p.ID))),
				},
			},
		},
	})
}
