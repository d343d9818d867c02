package peering_test

import (
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// TestAccIdentity_importBlockWithIdentity: a peering of either kind and
// either cloud carries its identity from the create on, and an import
// block with that identity, or with its id, imports it with no change
// planned (Terraform 1.12 and later).
func TestAccIdentity_importBlockWithIdentity(t *testing.T) {
	forEachKind(t, func(t *testing.T, k peeringKind) {
		for _, c := range []struct {
			cloud  string
			sub    int
			config string
		}{
			{"AWS", k.awsSub, k.awsPeering(`vpc_cidrs = ["172.31.0.0/16", "172.40.0.0/16"]`)},
			{"GCP", k.gcpSub, k.gcp("my-gcp-project", "my-gcp-vpc")},
		} {
			t.Run(c.cloud, func(t *testing.T) {
				acctest.SkipUnlessTerraform(t, "1.12.0", "resource identity")
				srv := acctest.NewSim(t, cloudsim.Options{})
				addr := k.addr("test")
				noop := resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}}
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: acctest.ProviderFactories(),
					CheckDestroy:             acctest.CheckNoPeerings(srv),
					Steps: []resource.TestStep{
						{
							Config: acctest.Config(srv, c.config),
							ConfigStateChecks: []statecheck.StateCheck{
								statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
									"subscription_id": knownvalue.StringExact(strconv.Itoa(c.sub)),
									"peering_id":      knownvalue.NotNull(),
								}),
								statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("subscription_id")),
								statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("peering_id")),
							},
						},
						{
							ResourceName:     addr,
							ImportState:      true,
							ImportStateKind:  resource.ImportBlockWithResourceIdentity,
							ImportPlanChecks: noop,
						},
						// The id form keeps working beside it.
						{
							ResourceName:     addr,
							ImportState:      true,
							ImportStateKind:  resource.ImportBlockWithID,
							ImportPlanChecks: noop,
						},
					},
				})
			})
		}
	})
}

// TestAccQuery_account: `terraform query` lists existing peerings with
// their identity and a readable name, for one subscription or the whole
// account, filtered by status and source region (Terraform 1.14 and later).
func TestAccQuery_account(t *testing.T) {
	acctest.SkipUnlessTerraform(t, "1.14.0", "list resources (terraform query)")
	srv := acctest.NewSim(t, cloudsim.Options{})
	add := func(p cloudsim.PeeringInfo) int {
		id, err := srv.Sim().AddPeering(p)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	proOne := add(cloudsim.PeeringInfo{SubscriptionID: 1001, VPCID: "vpc-0a1b2c3d4e5f67890", AWSAccountID: "123456789012", Region: "us-east-1", CIDRs: []string{"172.31.0.0/16"}})
	proTwo := add(cloudsim.PeeringInfo{SubscriptionID: 1001, VPCID: "vpc-0a1b2c3d4e5f67891", AWSAccountID: "123456789012", Region: "us-east-1", CIDRs: []string{"172.32.0.0/16", "172.33.0.0/16"}, Status: "active"})
	proGCP := add(cloudsim.PeeringInfo{SubscriptionID: 1002, GCPProjectID: "my-gcp-project", GCPNetworkName: "my-gcp-vpc"})
	aaAWS := add(cloudsim.PeeringInfo{SubscriptionID: 2001, SourceRegion: "eu-west-1", DestinationRegion: "us-east-1", VPCID: "vpc-0a1b2c3d4e5f67892", AWSAccountID: "123456789012", CIDRs: []string{"172.34.0.0/16"}})
	aaGCP := add(cloudsim.PeeringInfo{SubscriptionID: 2002, SourceRegion: "us-central1", GCPProjectID: "my-gcp-project", GCPNetworkName: "my-gcp-vpc"})

	ident := func(sub string, id int) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{
			"subscription_id": knownvalue.StringExact(sub),
			"peering_id":      knownvalue.Int64Exact(int64(id)),
		}
	}
	// The list blocks go in the query file; the provider's configuration
	// stays in the configuration of the step before.
	query := `
list "rediscloud_subscription_peering" "account" {
  provider = rediscloud
}

list "rediscloud_subscription_peering" "active" {
  provider = rediscloud
  config {
    subscription_id = "1001"
    status          = "active"
  }
}

list "rediscloud_active_active_subscription_peering" "account" {
  provider = rediscloud
}

list "rediscloud_active_active_subscription_peering" "eu" {
  provider = rediscloud
  config {
    source_region = "eu-west-1"
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			// Query mode needs a configuration with the provider first.
			{Config: acctest.ProviderConfig(srv)},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("rediscloud_subscription_peering.account", 3),
					querycheck.ExpectIdentity("rediscloud_subscription_peering.account", ident("1001", proOne)),
					querycheck.ExpectIdentity("rediscloud_subscription_peering.account", ident("1001", proTwo)),
					querycheck.ExpectIdentity("rediscloud_subscription_peering.account", ident("1002", proGCP)),
					querycheck.ExpectLength("rediscloud_subscription_peering.active", 1),
					querycheck.ExpectIdentity("rediscloud_subscription_peering.active", ident("1001", proTwo)),
					querycheck.ExpectLength("rediscloud_active_active_subscription_peering.account", 2),
					querycheck.ExpectIdentity("rediscloud_active_active_subscription_peering.account", ident("2001", aaAWS)),
					querycheck.ExpectIdentity("rediscloud_active_active_subscription_peering.account", ident("2002", aaGCP)),
					querycheck.ExpectLength("rediscloud_active_active_subscription_peering.eu", 1),
					querycheck.ExpectIdentity("rediscloud_active_active_subscription_peering.eu", ident("2001", aaAWS)),
				},
			},
		},
	})
	// The three list blocks without a subscription share one read of the
	// account, and each subscription's peerings are listed once.
	st := srv.Stats()
	if n := st.Requests["GET /v1/subscriptions"]; n != 1 {
		t.Errorf("%d reads of the account's subscriptions, want 1", n)
	}
	if n := st.TasksByCommand["vpcPeeringGetRequest"] + st.TasksByCommand["activeActiveVpcPeeringGetRequest"]; n != 4 {
		t.Errorf("%d list tasks, want 4 (one per subscription)", n)
	}
	t.Logf("requests: %v", st.Requests)
}

// TestAccQuery_failingSubscription: a subscription that cannot be listed
// fails the query with its ID named.
func TestAccQuery_failingSubscription(t *testing.T) {
	acctest.SkipUnlessTerraform(t, "1.14.0", "list resources (terraform query)")
	srv := acctest.NewSim(t, cloudsim.Options{})
	if err := srv.SetSubscriptionStatus(1002, "error"); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: acctest.ProviderConfig(srv)},
			{
				Query: true,
				Config: `
list "rediscloud_subscription_peering" "account" {
  provider = rediscloud
}
`,
				ExpectError: acctest.Wrapped("Listing Pro peerings of subscription " + strconv.Itoa(1002) + " failed"),
			},
		},
	})
}
