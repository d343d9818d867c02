package peering_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// dsAdd inserts a peering into the simulator and returns it as stored, with
// the identifiers the simulator generated.
func dsAdd(t *testing.T, srv *cloudsim.Server, in cloudsim.PeeringInfo) cloudsim.PeeringInfo {
	t.Helper()
	id, err := srv.AddPeering(in)
	if err != nil {
		t.Fatalf("adding peering %+v: %v", in, err)
	}
	p, err := srv.Peering(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// dsAWS is the element an AWS peering should read as; regions holds the
// kind's region attributes.
func dsAWS(t *testing.T, srv *cloudsim.Server, p cloudsim.PeeringInfo, status string, regions map[string]knownvalue.Check, cidrs ...string) knownvalue.Check {
	return knownvalue.ObjectExact(dsAWSElem(t, srv, p, status, regions, cidrs...))
}

// dsAWSElem is dsAWS as attribute checks, for the single lookup's root too.
func dsAWSElem(t *testing.T, srv *cloudsim.Server, p cloudsim.PeeringInfo, status string, regions map[string]knownvalue.Check, cidrs ...string) map[string]knownvalue.Check {
	var single knownvalue.Check = knownvalue.Null()
	if len(cidrs) == 1 {
		single = knownvalue.StringExact(cidrs[0])
	}
	m := map[string]knownvalue.Check{
		"peering_id":             knownvalue.Int64Exact(int64(p.ID)),
		"provider_name":          knownvalue.StringExact("AWS"),
		"status":                 knownvalue.StringExact(status),
		"aws_account_id":         knownvalue.StringExact(p.AWSAccountID),
		"aws_peering_id":         knownvalue.StringExact(p.AWSPeeringUID),
		"vpc_id":                 knownvalue.StringExact(p.VPCID),
		"vpc_cidr":               single,
		"vpc_cidrs":              acctest.StrList(cidrs...),
		"gcp_project_id":         knownvalue.Null(),
		"gcp_network_name":       knownvalue.Null(),
		"gcp_redis_project_id":   knownvalue.Null(),
		"gcp_redis_network_name": knownvalue.Null(),
		"gcp_redis_network_path": knownvalue.Null(),
		"gcp_peering_id":         knownvalue.Null(),
		"redis_cidrs":            dsRedisCIDRs(t, srv, p),
	}
	for k, v := range regions {
		m[k] = v
	}
	return m
}

// dsRedisCIDRs is the redis_cidrs a peering should read with: the
// simulator's deployment CIDR of its subscription's region (Active-Active:
// its source region; Pro: the subscription's one region).
func dsRedisCIDRs(t *testing.T, srv *cloudsim.Server, p cloudsim.PeeringInfo) knownvalue.Check {
	t.Helper()
	return knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(deploymentCIDR(t, srv, p.SubscriptionID, p.SourceRegion))})
}

// deploymentCIDR is the simulator's deployment CIDR of a subscription's
// region, or of its only region when region is "".
func deploymentCIDR(t *testing.T, srv *cloudsim.Server, sub int, region string) string {
	t.Helper()
	cidrs, err := srv.DeploymentCIDRs(sub)
	if err != nil {
		t.Fatal(err)
	}
	if region == "" {
		if len(cidrs) != 1 {
			t.Fatalf("subscription %d has %d regions; name one", sub, len(cidrs))
		}
		for _, c := range cidrs {
			return c
		}
	}
	c, ok := cidrs[region]
	if !ok {
		t.Fatalf("subscription %d has no region %q: %v", sub, region, cidrs)
	}
	return c
}

// dsGCP is the element a GCP peering should read as.
func dsGCP(t *testing.T, srv *cloudsim.Server, p cloudsim.PeeringInfo, status string, regions map[string]knownvalue.Check) knownvalue.Check {
	return knownvalue.ObjectExact(dsGCPElem(t, srv, p, status, regions))
}

// dsGCPElem is dsGCP as attribute checks, for the single lookup's root too.
func dsGCPElem(t *testing.T, srv *cloudsim.Server, p cloudsim.PeeringInfo, status string, regions map[string]knownvalue.Check) map[string]knownvalue.Check {
	m := map[string]knownvalue.Check{
		"peering_id":             knownvalue.Int64Exact(int64(p.ID)),
		"provider_name":          knownvalue.StringExact("GCP"),
		"status":                 knownvalue.StringExact(status),
		"aws_account_id":         knownvalue.Null(),
		"aws_peering_id":         knownvalue.Null(),
		"vpc_id":                 knownvalue.Null(),
		"vpc_cidr":               knownvalue.Null(),
		"vpc_cidrs":              knownvalue.ListExact([]knownvalue.Check{}),
		"gcp_project_id":         knownvalue.StringExact(p.GCPProjectID),
		"gcp_network_name":       knownvalue.StringExact(p.GCPNetworkName),
		"gcp_redis_project_id":   knownvalue.StringExact(p.RedisProjectUID),
		"gcp_redis_network_name": knownvalue.StringExact(p.RedisNetworkName),
		"gcp_redis_network_path": knownvalue.StringExact("projects/" + p.RedisProjectUID + "/global/networks/" + p.RedisNetworkName),
		"gcp_peering_id":         knownvalue.StringExact(p.CloudPeeringID),
		"redis_cidrs":            dsRedisCIDRs(t, srv, p),
	}
	for k, v := range regions {
		m[k] = v
	}
	return m
}

func dsProRegion(r string) map[string]knownvalue.Check {
	if r == "" {
		return map[string]knownvalue.Check{"region": knownvalue.Null()}
	}
	return map[string]knownvalue.Check{"region": knownvalue.StringExact(r)}
}

func dsAARegions(src, dst string) map[string]knownvalue.Check {
	var d knownvalue.Check = knownvalue.Null()
	if dst != "" {
		d = knownvalue.StringExact(dst)
	}
	return map[string]knownvalue.Check{"source_region": knownvalue.StringExact(src), "destination_region": d}
}

// dsCleanStep ends a test whose last steps fail: the destroy that closes
// every test reads the last configuration's data sources again.
func dsCleanStep(srv *cloudsim.Server) resource.TestStep {
	return resource.TestStep{Config: acctest.Config(srv)}
}

func dsList(addr string, elems ...knownvalue.Check) statecheck.StateCheck {
	if elems == nil {
		elems = []knownvalue.Check{}
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("peerings"), knownvalue.ListExact(elems))
}

// TestAccPeeringsDataSource_emptySubscriptionListsNothing: a subscription
// without peerings reads as an empty list, not null, for both kinds.
func TestAccPeeringsDataSource_emptySubscriptionListsNothing(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: acctest.Config(srv, `
data "rediscloud_subscription_peerings" "pro" {
  subscription_id = "1001"
}

data "rediscloud_active_active_subscription_peerings" "aa" {
  subscription_id = "2001"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				dsList("data.rediscloud_subscription_peerings.pro"),
				acctest.Expect("data.rediscloud_subscription_peerings.pro", "id", acctest.Str("1001")),
				statecheck.ExpectKnownValue("data.rediscloud_subscription_peerings.pro", tfjsonpath.New("status"), knownvalue.Null()),
				dsList("data.rediscloud_active_active_subscription_peerings.aa"),
				acctest.Expect("data.rediscloud_active_active_subscription_peerings.aa", "id", acctest.Str("2001")),
			},
		}},
	})
}

// TestAccPeeringsDataSource_proSortedFilteredByStatus: the Pro list data
// source lists a subscription's peerings sorted by ID, filters them by
// status, and drops a peering deleted elsewhere.
func TestAccPeeringsDataSource_proSortedFilteredByStatus(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	// Added out of ID order: the list must still come sorted by peering ID.
	one := dsAdd(t, srv, cloudsim.PeeringInfo{ID: 610, SubscriptionID: 1001, AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67890",
		Region: "us-west-2", CIDRs: []string{"172.31.0.0/16"}})
	several := dsAdd(t, srv, cloudsim.PeeringInfo{ID: 605, SubscriptionID: 1001, AWSAccountID: "210987654321", VPCID: "vpc-0a1b2c3d4e5f67891",
		Region: "eu-west-1", CIDRs: []string{"172.40.0.0/16", "172.32.0.0/16", "192.168.10.0/24"}})
	gcp := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 1002, GCPProjectID: "my-gcp-project", GCPNetworkName: "default"})
	// Peerings of other subscriptions stay out of the lists.
	dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 2001, AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67892", CIDRs: []string{"172.50.0.0/16"}})

	const (
		aws1001  = "data.rediscloud_subscription_peerings.aws"
		gcp1002  = "data.rediscloud_subscription_peerings.gcp"
		active   = "data.rediscloud_subscription_peerings.active"
		failed   = "data.rediscloud_subscription_peerings.failed"
		dsConfig = `
data "rediscloud_subscription_peerings" "aws" {
  subscription_id = "1001"
}

data "rediscloud_subscription_peerings" "gcp" {
  subscription_id = "1002"
}
`
		filtered = `
data "rediscloud_subscription_peerings" "active" {
  subscription_id = "1001"
  status          = "active"
}

data "rediscloud_subscription_peerings" "failed" {
  subscription_id = "1001"
  status          = "failed"
}
`
	)
	sortedCIDRs := []string{"172.32.0.0/16", "172.40.0.0/16", "192.168.10.0/24"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, dsConfig),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(aws1001, "id", acctest.Str("1001")),
					dsList(aws1001,
						dsAWS(t, srv, several, "pending-acceptance", dsProRegion("eu-west-1"), sortedCIDRs...),
						dsAWS(t, srv, one, "pending-acceptance", dsProRegion("us-west-2"), "172.31.0.0/16"),
					),
					acctest.Expect(gcp1002, "id", acctest.Str("1002")),
					dsList(gcp1002, dsGCP(t, srv, gcp, "inactive", dsProRegion(""))),
				},
			},
			// Accept one peering on the AWS side, then filter by status.
			{
				PreConfig: func() {
					if err := srv.AcceptPeering(one.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: acctest.Config(srv, dsConfig, filtered),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(active, "id", acctest.Str("1001/active")),
					dsList(active, dsAWS(t, srv, one, "active", dsProRegion("us-west-2"), "172.31.0.0/16")),
					acctest.Expect(failed, "id", acctest.Str("1001/failed")),
					dsList(failed),
					dsList(aws1001,
						dsAWS(t, srv, several, "pending-acceptance", dsProRegion("eu-west-1"), sortedCIDRs...),
						dsAWS(t, srv, one, "active", dsProRegion("us-west-2"), "172.31.0.0/16"),
					),
				},
			},
			// A peering deleted elsewhere leaves the list.
			{
				PreConfig: func() {
					if err := srv.DeletePeering(several.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: acctest.Config(srv, dsConfig),
				ConfigStateChecks: []statecheck.StateCheck{
					dsList(aws1001, dsAWS(t, srv, one, "active", dsProRegion("us-west-2"), "172.31.0.0/16")),
				},
			},
		},
	})
}

// TestAccPeeringsDataSource_activeActiveFilteredByRegionAndStatus: the
// Active-Active list data source filters by source region and status, and
// refuses a region the subscription does not have.
func TestAccPeeringsDataSource_activeActiveFilteredByRegionAndStatus(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	east := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 2001, SourceRegion: "us-east-1", DestinationRegion: "us-west-2",
		AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67890", CIDRs: []string{"172.31.0.0/16"}})
	west := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 2001, SourceRegion: "eu-west-1", DestinationRegion: "eu-west-1",
		AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67891", CIDRs: []string{"172.41.0.0/16", "172.40.0.0/16"}})
	eastToo := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 2001, SourceRegion: "us-east-1", DestinationRegion: "eu-west-1",
		AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67891", CIDRs: []string{"172.40.0.0/16", "172.41.0.0/16"}})
	gcpUS := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 2002, SourceRegion: "us-central1", GCPProjectID: "my-gcp-project", GCPNetworkName: "prod"})
	gcpEU := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 2002, SourceRegion: "europe-west1", GCPProjectID: "my-gcp-project", GCPNetworkName: "prod"})
	if err := srv.AcceptPeering(east.ID); err != nil {
		t.Fatal(err)
	}

	const (
		all      = "data.rediscloud_active_active_subscription_peerings.all"
		us       = "data.rediscloud_active_active_subscription_peerings.us"
		usActive = "data.rediscloud_active_active_subscription_peerings.us_active"
		pending  = "data.rediscloud_active_active_subscription_peerings.pending"
		gcp      = "data.rediscloud_active_active_subscription_peerings.gcp"
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, `
data "rediscloud_active_active_subscription_peerings" "all" {
  subscription_id = "2001"
}

data "rediscloud_active_active_subscription_peerings" "us" {
  subscription_id = "2001"
  source_region   = "us-east-1"
}

data "rediscloud_active_active_subscription_peerings" "us_active" {
  subscription_id = "2001"
  source_region   = "us-east-1"
  status          = "active"
}

data "rediscloud_active_active_subscription_peerings" "pending" {
  subscription_id = "2001"
  status          = "pending-acceptance"
}

data "rediscloud_active_active_subscription_peerings" "gcp" {
  subscription_id = "2002"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(all, "id", acctest.Str("2001")),
					dsList(all,
						dsAWS(t, srv, east, "active", dsAARegions("us-east-1", "us-west-2"), "172.31.0.0/16"),
						dsAWS(t, srv, west, "pending-acceptance", dsAARegions("eu-west-1", "eu-west-1"), "172.40.0.0/16", "172.41.0.0/16"),
						dsAWS(t, srv, eastToo, "pending-acceptance", dsAARegions("us-east-1", "eu-west-1"), "172.40.0.0/16", "172.41.0.0/16"),
					),
					acctest.Expect(us, "id", acctest.Str("2001/us-east-1")),
					dsList(us,
						dsAWS(t, srv, east, "active", dsAARegions("us-east-1", "us-west-2"), "172.31.0.0/16"),
						dsAWS(t, srv, eastToo, "pending-acceptance", dsAARegions("us-east-1", "eu-west-1"), "172.40.0.0/16", "172.41.0.0/16"),
					),
					acctest.Expect(usActive, "id", acctest.Str("2001/us-east-1/active")),
					dsList(usActive, dsAWS(t, srv, east, "active", dsAARegions("us-east-1", "us-west-2"), "172.31.0.0/16")),
					acctest.Expect(pending, "id", acctest.Str("2001/*/pending-acceptance")),
					dsList(pending,
						dsAWS(t, srv, west, "pending-acceptance", dsAARegions("eu-west-1", "eu-west-1"), "172.40.0.0/16", "172.41.0.0/16"),
						dsAWS(t, srv, eastToo, "pending-acceptance", dsAARegions("us-east-1", "eu-west-1"), "172.40.0.0/16", "172.41.0.0/16"),
					),
					acctest.Expect(gcp, "id", acctest.Str("2002")),
					dsList(gcp,
						dsGCP(t, srv, gcpUS, "inactive", dsAARegions("us-central1", "")),
						dsGCP(t, srv, gcpEU, "inactive", dsAARegions("europe-west1", "")),
					),
				},
			},
			// A region the subscription does not have is a mistake, not an
			// empty list.
			{
				Config: acctest.Config(srv, `
data "rediscloud_active_active_subscription_peerings" "typo" {
  subscription_id = "2001"
  source_region   = "eu-west-2"
}
`),
				ExpectError: acctest.Wrapped(`Error: Reading Active-Active peerings of subscription 2001 failed`, `Subscription 2001 has no region "eu-west-2"; source_region must be one of its regions: us-east-1, eu-west-1.`),
			},
		},
	})
}

// A data source that depends on a peering resource reads it once created.
func TestAccPeeringsDataSource_dependsOnResource(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	const (
		res    = "rediscloud_subscription_peering.new"
		list   = "data.rediscloud_subscription_peerings.after"
		lookup = "data.rediscloud_subscription_peering.after"
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: acctest.Config(srv, `
resource "rediscloud_subscription_peering" "new" {
  subscription_id = "1001"
  region          = "us-west-2"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidrs       = ["172.40.0.0/16", "172.31.0.0/16"]
}

data "rediscloud_subscription_peerings" "after" {
  subscription_id = "1001"
  depends_on      = [rediscloud_subscription_peering.new]
}

data "rediscloud_subscription_peering" "after" {
  subscription_id = "1001"
  vpc_id          = rediscloud_subscription_peering.new.vpc_id
  depends_on      = [rediscloud_subscription_peering.new]
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(list, tfjsonpath.New("peerings"), knownvalue.ListSizeExact(1)),
				statecheck.CompareValuePairs(list, tfjsonpath.New("peerings").AtSliceIndex(0).AtMapKey("peering_id"), res, tfjsonpath.New("peering_id"), compare.ValuesSame()),
				statecheck.CompareValuePairs(list, tfjsonpath.New("peerings").AtSliceIndex(0).AtMapKey("aws_peering_id"), res, tfjsonpath.New("aws_peering_id"), compare.ValuesSame()),
				statecheck.CompareValuePairs(list, tfjsonpath.New("peerings").AtSliceIndex(0).AtMapKey("status"), res, tfjsonpath.New("status"), compare.ValuesSame()),
				statecheck.ExpectKnownValue(list, tfjsonpath.New("peerings").AtSliceIndex(0).AtMapKey("vpc_cidrs"), acctest.StrList("172.31.0.0/16", "172.40.0.0/16")),
				statecheck.ExpectKnownValue(list, tfjsonpath.New("peerings").AtSliceIndex(0).AtMapKey("vpc_cidr"), knownvalue.Null()),
				statecheck.ExpectKnownValue(list, tfjsonpath.New("peerings").AtSliceIndex(0).AtMapKey("region"), knownvalue.StringExact("us-west-2")),
				statecheck.CompareValuePairs(lookup, tfjsonpath.New("id"), res, tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.CompareValuePairs(lookup, tfjsonpath.New("peering_id"), res, tfjsonpath.New("peering_id"), compare.ValuesSame()),
				statecheck.CompareValuePairs(lookup, tfjsonpath.New("aws_peering_id"), res, tfjsonpath.New("aws_peering_id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue(lookup, tfjsonpath.New("aws_peering_id"), knownvalue.StringRegexp(regexp.MustCompile(`^pcx-[0-9a-f]{17}$`))),
			},
		}},
	})
}

// A list refused because the subscription is busy is sent again once the
// subscription is active. The subscription becomes active only after a
// list was refused and the reader then read it pending.
func TestAccPeeringsDataSource_busySubscription(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	p := dsAdd(t, srv, cloudsim.PeeringInfo{SubscriptionID: 1001, AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67890", CIDRs: []string{"172.31.0.0/16"}})
	front := newSimFront(t, srv)
	var act *subscriptionActivation
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { act = front.activateWhenListRefused(1001) },
			Check:     func(*terraform.State) error { return front.checkListWaited(act) },
			Config: acctest.ConfigURL(front.url, `
data "rediscloud_subscription_peerings" "test" {
  subscription_id = "1001"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				dsList("data.rediscloud_subscription_peerings.test", dsAWS(t, srv, p, "pending-acceptance", dsProRegion("us-east-1"), "172.31.0.0/16")),
			},
		}},
	})
}

func TestAccPeeringsDataSource_errors(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	list := func(typ, sub string) string {
		return acctest.Config(srv, fmt.Sprintf(`
data %q "test" {
  subscription_id = %q
}
`, typ, sub))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      list("rediscloud_subscription_peerings", "9999"),
				ExpectError: acctest.Wrapped(`Error: Reading Pro peerings of subscription 9999 failed`, `Subscription 9999 does not exist in the account of these API keys`),
			},
			{
				Config:      list("rediscloud_active_active_subscription_peerings", "9999"),
				ExpectError: acctest.Wrapped(`Error: Reading Active-Active peerings of subscription 9999 failed`, `Subscription 9999 does not exist in the account of these API keys`),
			},
			{
				Config: list("rediscloud_subscription_peerings", "2001"),
				ExpectError: acctest.Wrapped(`Error: Reading Pro peerings of subscription 2001 failed`,
					`GETTING_SINGLE_REGION_VPC_PEERINGS_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION`,
					`Subscription 2001 is an Active-Active subscription, so rediscloud_subscription_peerings cannot read it: `+
						`use the rediscloud_active_active_subscription_peerings data source for it.`),
			},
			{
				Config: list("rediscloud_active_active_subscription_peerings", "1002"),
				ExpectError: acctest.Wrapped(`Error: Reading Active-Active peerings of subscription 1002 failed`,
					`Subscription 1002 is a Pro (single-region) subscription, so rediscloud_active_active_subscription_peerings cannot read it: `+
						`use the rediscloud_subscription_peerings data source for it.`),
			},
			{
				Config:      list("rediscloud_subscription_peerings", "sub-1001"),
				ExpectError: acctest.Wrapped(`must be the subscription's numeric ID`),
			},
			{
				Config: acctest.Config(srv, `
data "rediscloud_subscription_peerings" "bad" {
  subscription_id = "1001"
  status          = "pending"
}
`),
				ExpectError: acctest.Wrapped(`Attribute status value must be one of: ["initiating-request" "pending-acceptance" "active" "inactive" "failed"], got: "pending"`),
			},
			dsCleanStep(srv),
		},
	})
}
