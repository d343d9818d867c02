package cloudsim

import (
	"strings"
	"testing"
)

func TestDefaultSeed(t *testing.T) {
	subs, err := DefaultSeed().build()
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]struct {
		deploy, provider string
		regions          []string
	}{
		1001: {DeploymentSingleRegion, ProviderAWS, []string{"us-east-1 10.0.0.0/24"}},
		1002: {DeploymentSingleRegion, ProviderGCP, []string{"us-central1 10.1.0.0/24"}},
		2001: {DeploymentActiveActive, ProviderAWS, []string{"us-east-1 10.10.0.0/24", "eu-west-1 10.11.0.0/24"}},
		2002: {DeploymentActiveActive, ProviderGCP, []string{"us-central1 10.20.0.0/24", "europe-west1 10.21.0.0/24"}},
	}
	if len(subs) != len(want) {
		t.Fatalf("%d subscriptions", len(subs))
	}
	for id, w := range want {
		sub := subs[id]
		var regions []string
		for i, r := range sub.regions {
			regions = append(regions, r.name+" "+r.deploymentCIDR.String())
			if r.id != i+1 || r.vpcID == "" || (sub.provider == ProviderGCP) != (r.redisProjectUID != "") {
				t.Errorf("%d region %+v", id, r)
			}
		}
		if sub.status != "active" || sub.deploymentType != w.deploy || sub.provider != w.provider ||
			strings.Join(regions, ",") != strings.Join(w.regions, ",") {
			t.Errorf("%d: %+v %v", id, sub, regions)
		}
	}
	// Generated identifiers do not depend on the random seed.
	again, _ := DefaultSeed().build()
	if again[2002].regions[1].vpcID != subs[2002].regions[1].vpcID {
		t.Error("generated network names differ between builds")
	}
}

func TestParseSeed(t *testing.T) {
	good := `{"subscriptions":[
	  {"id":5,"name":"x","status":"pending","deploymentType":"active-active","provider":"gcp",
	   "regions":[{"id":7,"region":"us-east4","deploymentCIDR":"10.5.0.0/24","vpcId":"net-a","redisProjectUid":"proj-a"},
	              {"region":"us-west1","deploymentCIDR":"10.6.0.1/24"}]}]}`
	seed, err := ParseSeed([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Seed: seed})
	var sub refSubscription
	strictDecode(t, h.request("GET", "/v1/subscriptions/5", "").body, &sub)
	if sub.Status != "pending" || sub.CloudDetails[0].Provider != "GCP" || sub.CloudDetails[0].Regions[0].Networking[0].VPCID != "net-a" ||
		sub.CloudDetails[0].Regions[1].Networking[0].DeploymentCIDR != "10.6.0.0/24" {
		t.Errorf("%+v", sub)
	}
	var regions refRegions
	strictDecode(t, h.request("GET", "/v1/subscriptions/5/regions", "").body, &regions)
	if regions.Regions[0].RegionID != 7 || regions.Regions[1].RegionID != 2 {
		t.Errorf("%+v", regions)
	}

	for _, tc := range []struct{ json, want string }{
		{`{"subscriptions":[]}`, "no subscriptions"},
		{`{"subscriptions":[{"id":0,"regions":[{"region":"a","deploymentCIDR":"10.0.0.0/24"}]}]}`, "positive"},
		{`{"subscriptions":[{"id":1,"regions":[{"region":"a","deploymentCIDR":"10.0.0.0/24"}]},{"id":1,"regions":[{"region":"a","deploymentCIDR":"10.0.0.0/24"}]}]}`, "twice"},
		{`{"subscriptions":[{"id":1,"regions":[{"region":"a","deploymentCIDR":"10.0.0.0/24"},{"region":"b","deploymentCIDR":"10.1.0.0/24"}]}]}`, "exactly one region"},
		{`{"subscriptions":[{"id":1,"deploymentType":"active-active","regions":[]}]}`, "at least one region"},
		{`{"subscriptions":[{"id":1,"deploymentType":"multi","regions":[{"region":"a","deploymentCIDR":"10.0.0.0/24"}]}]}`, "deploymentType"},
		{`{"subscriptions":[{"id":1,"provider":"azure","regions":[{"region":"a","deploymentCIDR":"10.0.0.0/24"}]}]}`, "provider"},
		{`{"subscriptions":[{"id":1,"regions":[{"region":"a","deploymentCIDR":"nope"}]}]}`, "deploymentCIDR"},
		{`{"subscriptions":[{"id":1,"regions":[{"region":"","deploymentCIDR":"10.0.0.0/24"}]}]}`, "no name"},
		{`{"subscriptions":[{"id":1,"deploymentType":"active-active","regions":[{"region":"a","deploymentCIDR":"10.0.0.0/24"},{"region":"a","deploymentCIDR":"10.1.0.0/24"}]}]}`, "listed twice"},
		{`{"subscriptions":[{"id":1,"deploymentType":"active-active","regions":[{"id":2,"region":"a","deploymentCIDR":"10.0.0.0/24"},{"region":"b","deploymentCIDR":"10.1.0.0/24"}]}]}`, "used twice"},
		{`{"subscriptions":[{"id":1,"regions":[{"region":"a","deploymentCidr":"10.0.0.0/24"}]}]}`, "unknown field"},
		{`not json`, "seed"},
	} {
		if _, err := ParseSeed([]byte(tc.json)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.json, err, tc.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("New accepted an invalid seed")
		}
	}()
	New(Options{Seed: &Seed{}})
}
