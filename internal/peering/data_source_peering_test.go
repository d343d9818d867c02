package peering_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// dsExpectPeering checks every attribute of a lookup against the element
// the list data source gives for the same peering, plus the lookup's id.
func dsExpectPeering(addr string, sub int, p cloudsim.PeeringInfo, elem map[string]knownvalue.Check) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d/%d", sub, p.ID))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("subscription_id"), knownvalue.StringExact(fmt.Sprint(sub))),
	}
	for name, check := range elem {
		checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New(name), check))
	}
	return checks
}

// dsAWSAttrs and dsGCPAttrs are the root attributes the single lookup of a
// Pro peering reads as: the list's element, with its status.
func dsAWSAttrs(t *testing.T, srv *cloudsim.Server, p cloudsim.PeeringInfo, region string, cidrs ...string) map[string]knownvalue.Check {
	return dsAWSElem(t, srv, p, p.Status, dsProRegion(region), cidrs...)
}

func dsGCPAttrs(t *testing.T, srv *cloudsim.Server, p cloudsim.PeeringInfo) map[string]knownvalue.Check {
	return dsGCPElem(t, srv, p, p.Status, dsProRegion(""))
}

func TestAccPeeringDataSource_lookup(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	first := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 1001, AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67890",
		Region: "us-west-2", CIDRs: []string{"172.31.0.0/16"}})
	several := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 1001, AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67891",
		Region: "eu-west-1", CIDRs: []string{"172.41.0.0/16", "172.40.0.0/16"}})
	// "default" networks of two projects: only the project tells them apart.
	defaultA := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 1002, GCPProjectID: "project-alpha", GCPNetworkName: "default"})
	defaultB := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 1002, GCPProjectID: "project-bravo", GCPNetworkName: "default"})
	prod := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 1002, GCPProjectID: "project-alpha", GCPNetworkName: "prod"})

	checks := dsExpectPeering("data.rediscloud_subscription_peering.by_id", 1001, first, dsAWSAttrs(t, srv, first, "us-west-2", "172.31.0.0/16"))
	checks = append(checks, dsExpectPeering("data.rediscloud_subscription_peering.by_vpc", 1001, several, dsAWSAttrs(t, srv, several, "eu-west-1", "172.40.0.0/16", "172.41.0.0/16"))...)
	checks = append(checks, dsExpectPeering("data.rediscloud_subscription_peering.by_network", 1002, prod, dsGCPAttrs(t, srv, prod))...)
	checks = append(checks, dsExpectPeering("data.rediscloud_subscription_peering.by_network_in_project", 1002, defaultB, dsGCPAttrs(t, srv, defaultB))...)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, fmt.Sprintf(`
data "rediscloud_subscription_peering" "by_id" {
  subscription_id = "1001"
  peering_id      = %d
}

data "rediscloud_subscription_peering" "by_vpc" {
  subscription_id = "1001"
  vpc_id          = "vpc-0a1b2c3d4e5f67891"
}

data "rediscloud_subscription_peering" "by_network" {
  subscription_id  = "1002"
  gcp_network_name = "prod"
}

data "rediscloud_subscription_peering" "by_network_in_project" {
  subscription_id  = "1002"
  gcp_network_name = "default"
  gcp_project_id   = "project-bravo"
}
`, first.ID)),
				ConfigStateChecks: checks,
			},
			{
				Config: acctest.Config(srv, `
data "rediscloud_subscription_peering" "miss" {
  subscription_id = "1001"
  vpc_id          = "vpc-0123456789abcdef0"
}
`),
				ExpectError: acctest.Wrapped(`Error: Reading Pro peering on subscription 1001 failed`,
					fmt.Sprintf(`No peering of subscription 1001 has vpc_id "vpc-0123456789abcdef0"; its peerings are: %d (AWS, vpc-0a1b2c3d4e5f67890 of account 123456789012 in us-west-2, pending-acceptance); %d (AWS,`, first.ID, several.ID)),
			},
			{
				Config: acctest.Config(srv, `
data "rediscloud_subscription_peering" "miss" {
  subscription_id = "1001"
  peering_id      = 9999
}
`),
				ExpectError: acctest.Wrapped(`Error: Reading Pro peering 1001/9999 failed`, `No peering of subscription 1001 has peering_id 9999; its peerings are:`),
			},
			{
				Config: acctest.Config(srv, `
data "rediscloud_subscription_peering" "miss" {
  subscription_id = "1001"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  aws_account_id  = "999999999999"
}
`),
				ExpectError: acctest.Wrapped(`No peering of subscription 1001 has vpc_id "vpc-0a1b2c3d4e5f67890" and aws_account_id "999999999999"`),
			},
			{
				Config: acctest.Config(srv, `
data "rediscloud_subscription_peering" "ambiguous" {
  subscription_id  = "1002"
  gcp_network_name = "default"
}
`),
				ExpectError: acctest.Wrapped(`Error: Reading Pro peering on subscription 1002 failed`,
					fmt.Sprintf(`2 peerings of subscription 1002 have gcp_network_name "default": %d (GCP, network default of project project-alpha, inactive); %d (GCP, network default of project project-bravo, inactive).`, defaultA.ID, defaultB.ID),
					fmt.Sprintf(`Look the one you mean up by peering_id (one of %d, %d) instead, or set gcp_project_id to narrow the match.`, defaultA.ID, defaultB.ID)),
			},
			{
				Config: acctest.Config(srv, `
data "rediscloud_subscription_peering" "empty" {
  subscription_id = "1001"
  gcp_network_name = "default"
}
`),
				ExpectError: acctest.Wrapped(`No peering of subscription 1001 has gcp_network_name "default"; its peerings are:`),
			},
		},
	})
}

func TestAccPeeringDataSource_errors(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	lookup := func(body string) string {
		return acctest.Config(srv, fmt.Sprintf("data \"rediscloud_subscription_peering\" \"test\" {\n%s\n}\n", body))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      lookup(`subscription_id = "1001"`),
				ExpectError: acctest.Wrapped(`Missing Attribute Configuration`, `Exactly one of these attributes must be configured: [peering_id,vpc_id,gcp_network_name]`),
			},
			{
				Config: lookup(`
  subscription_id = "1001"
  peering_id      = 501
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
`),
				ExpectError: acctest.Wrapped(`Invalid Attribute Combination`, `Exactly one of these attributes must be configured: [peering_id,vpc_id,gcp_network_name]`),
			},
			{
				Config: lookup(`
  subscription_id  = "1002"
  gcp_network_name = "default"
  aws_account_id   = "123456789012"
`),
				ExpectError: acctest.Wrapped(`Attribute "gcp_network_name" cannot be specified when "aws_account_id" is specified`),
			},
			{
				Config:      lookup(`subscription_id = "9999"` + "\n" + `peering_id = 501`),
				ExpectError: acctest.Wrapped(`Error: Reading Pro peering 9999/501 failed`, `Subscription 9999 does not exist in the account of these API keys`),
			},
			{
				Config: lookup(`subscription_id = "2001"` + "\n" + `vpc_id = "vpc-0a1b2c3d4e5f67890"`),
				ExpectError: acctest.Wrapped(`Error: Reading Pro peering on subscription 2001 failed`,
					`Subscription 2001 is an Active-Active subscription, so rediscloud_subscription_peering cannot read it: use the rediscloud_active_active_subscription_peerings data source for it.`),
			},
			dsCleanStep(srv),
		},
	})
}
