package cloudsim

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStrictWireDecoding decodes every kind of response into structs
// written from the reference with unknown fields refused.
func TestStrictWireDecoding(t *testing.T) {
	h := newHarness(t, Options{TransitionLatency: time.Second})
	proAWS := h.createPro(1001, `{"region":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-1","vpcCidrs":["192.168.1.0/24","192.168.2.0/24"]}`)
	h.createPro(1002, gcpBody)
	h.createAA(2001, aaAWSBody)
	h.createAA(2002, aaGCPBody)
	h.clock.Advance(time.Second) // past initiating-request: every identifier is filled
	if err := h.sim.AcceptPeering(proAWS); err != nil {
		t.Fatal(err)
	}

	t.Run("task first reply and poll", func(t *testing.T) {
		first := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
		if _, err := time.Parse(time.RFC3339Nano, first.Timestamp); err != nil {
			t.Errorf("timestamp %q: %v", first.Timestamp, err)
		}
		done := h.task(first.TaskID)
		if done.Response == nil || done.Response.ResourceID == nil || *done.Response.ResourceID != 1001 {
			t.Fatalf("list task resourceId: %+v", done.Response)
		}
		if done.Links[0].Rel != "self" {
			t.Errorf("poll links use rel self: %+v", done.Links)
		}
	})
	t.Run("pro lists", func(t *testing.T) {
		for _, sub := range []int{1001, 1002} {
			list, _ := h.listPro(sub)
			if len(list.Peerings) != 1 {
				t.Errorf("subscription %d: %+v", sub, list)
			}
		}
	})
	t.Run("aa lists", func(t *testing.T) {
		for _, sub := range []int{2001, 2002} {
			list, _ := h.listAA(sub)
			if list.SubscriptionID != sub || len(list.Regions) != 2 {
				t.Errorf("subscription %d: %+v", sub, list)
			}
		}
	})
	t.Run("task error", func(t *testing.T) {
		task := h.exec("POST", "/v1/subscriptions/1001/peerings", `{"region":"us-east-1"}`)
		if task.Response.Error == nil || task.Response.ResourceID != nil {
			t.Errorf("error task: %+v", task.Response)
		}
	})
	t.Run("subscriptions", func(t *testing.T) {
		for _, id := range []int{1001, 1002, 2001, 2002} {
			r := h.request("GET", "/v1/subscriptions/"+itoa(id), "")
			var sub refSubscription
			strictDecode(t, r.body, &sub)
		}
	})
	t.Run("regions", func(t *testing.T) {
		for _, id := range []int{1001, 2001, 2002} {
			r := h.request("GET", "/v1/subscriptions/"+itoa(id)+"/regions", "")
			var regions refRegions
			strictDecode(t, r.body, &regions)
		}
	})
	t.Run("task list both forms", func(t *testing.T) {
		var obj refTasks
		strictDecode(t, h.request("GET", "/v1/tasks", "").body, &obj)
		if len(obj.Tasks) == 0 {
			t.Fatal("no tasks")
		}
		h.sim.applyConfig(configPatch{TasksBareArray: ptr(true)})
		var arr []refTask
		strictDecode(t, h.request("GET", "/v1/tasks", "").body, &arr)
		if len(arr) != len(obj.Tasks) {
			t.Errorf("bare array has %d tasks, object had %d", len(arr), len(obj.Tasks))
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, path := range []string{"/v1/subscriptions/1", "/v1/subscriptions/x", "/v1/nope"} {
			var e refSpringError
			strictDecode(t, h.request("GET", path, "").body, &e)
		}
		var e refSpringError
		strictDecode(t, h.requestWith("GET", "/v1/tasks", "", nil).body, &e)
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestSubscriptionShape(t *testing.T) {
	h := newHarness(t, Options{})
	tests := []struct {
		id       int
		provider string
		deploy   string
		regions  map[string]string // region -> deploymentCIDR
	}{
		{1001, "AWS", "single-region", map[string]string{"us-east-1": "10.0.0.0/24"}},
		{1002, "GCP", "single-region", map[string]string{"us-central1": "10.1.0.0/24"}},
		{2001, "AWS", "active-active", map[string]string{"us-east-1": "10.10.0.0/24", "eu-west-1": "10.11.0.0/24"}},
		{2002, "GCP", "active-active", map[string]string{"us-central1": "10.20.0.0/24", "europe-west1": "10.21.0.0/24"}},
	}
	vpcRE := regexp.MustCompile(`^vpc-[0-9a-f]{17}$`)
	for _, tc := range tests {
		t.Run(itoa(tc.id), func(t *testing.T) {
			var sub refSubscription
			strictDecode(t, h.request("GET", "/v1/subscriptions/"+itoa(tc.id), "").body, &sub)
			if sub.ID != tc.id || sub.Status != "active" || sub.DeploymentType != tc.deploy || sub.Name == "" {
				t.Errorf("subscription: %+v", sub)
			}
			if len(sub.CloudDetails) != 1 || sub.CloudDetails[0].Provider != tc.provider {
				t.Fatalf("cloudDetails: %+v", sub.CloudDetails)
			}
			got := map[string]string{}
			for _, r := range sub.CloudDetails[0].Regions {
				if len(r.Networking) != 1 || r.Networking[0].VPCID == "" {
					t.Fatalf("networking: %+v", r.Networking)
				}
				got[r.Region] = r.Networking[0].DeploymentCIDR
				if tc.provider == "AWS" && !vpcRE.MatchString(r.Networking[0].VPCID) {
					t.Errorf("AWS Redis VPC ID %q", r.Networking[0].VPCID)
				}
			}
			if !reflect.DeepEqual(got, tc.regions) {
				t.Errorf("regions %v, want %v", got, tc.regions)
			}
			if len(sub.Links) != 1 || sub.Links[0].Href != "http://sim.test/v1/subscriptions/"+itoa(tc.id) {
				t.Errorf("links: %+v", sub.Links)
			}
			// Section 5.5 spells it deploymentCidr.
			var regions refRegions
			strictDecode(t, h.request("GET", "/v1/subscriptions/"+itoa(tc.id)+"/regions", "").body, &regions)
			got = map[string]string{}
			for _, r := range regions.Regions {
				got[r.Region] = r.DeploymentCidr
				if r.RegionID == 0 || r.VPCID == "" || r.Databases == nil {
					t.Errorf("region entry: %+v", r)
				}
			}
			if regions.SubscriptionID != tc.id || !reflect.DeepEqual(got, tc.regions) {
				t.Errorf("regions endpoint: %+v", regions)
			}
		})
	}
	// A subscription's status is visible at once.
	if err := h.sim.SetSubscriptionStatus(1001, "pending"); err != nil {
		t.Fatal(err)
	}
	var sub refSubscription
	strictDecode(t, h.request("GET", "/v1/subscriptions/1001", "").body, &sub)
	if sub.Status != "pending" {
		t.Errorf("status %q", sub.Status)
	}
}

// rawKeys returns the keys of a JSON object.
func rawKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(m))
}

func TestWireQuirks(t *testing.T) {
	h := newHarness(t, Options{TransitionLatency: time.Second})
	single := h.createPro(1001, `{"region":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-1","vpcCidrs":["192.168.1.0/24"]}`)
	multi := h.createPro(1001, `{"region":"eu-west-1","awsAccountId":"123456789012","vpcId":"vpc-2","vpcCidrs":["192.168.1.0/24","192.168.2.0/24","192.168.3.0/24"]}`)
	both := h.createPro(1001, `{"region":"eu-west-1","awsAccountId":"123456789012","vpcId":"vpc-3","vpcCidr":"172.16.0.0/16","vpcCidrs":["172.17.0.0/16"]}`)
	gcp := h.createPro(1002, `{"provider":"GCP","vpcProjectUid":"proj","vpcNetworkName":"net"}`)
	aaAWS := h.createAA(2001, `{"sourceRegion":"eu-west-1","destinationRegion":"us-west-2","awsAccountId":"123456789012","vpcId":"vpc-9","vpcCidrs":["192.168.1.0/24","192.168.2.0/24"]}`)
	aaGCP := h.createAA(2002, `{"provider":"gcp","sourceRegion":"europe-west1","vpcProjectUid":"proj","vpcNetworkName":"net"}`)

	t.Run("initiating-request omits what does not exist yet", func(t *testing.T) {
		_, raw := h.listPro(1001)
		var list struct{ Peerings []json.RawMessage }
		_ = json.Unmarshal(raw, &list)
		want := []string{"awsAccountId", "regionName", "status", "vpcCidr", "vpcPeeringId", "vpcUid"}
		if got := rawKeys(t, list.Peerings[0]); !reflect.DeepEqual(got, want) {
			t.Errorf("keys %v, want %v", got, want)
		}
		_, raw = h.listPro(1002)
		_ = json.Unmarshal(raw, &list)
		want = []string{"networkName", "projectUid", "status", "vpcPeeringId"}
		if got := rawKeys(t, list.Peerings[0]); !reflect.DeepEqual(got, want) {
			t.Errorf("GCP keys %v, want %v", got, want)
		}
	})

	h.clock.Advance(time.Second)

	t.Run("one CIDR reads back as vpcCidr only", func(t *testing.T) {
		p := h.proPeering(1001, single)
		if p.VPCCidr != "192.168.1.0/24" || p.VPCCidrs != nil {
			t.Errorf("%+v", p)
		}
	})
	t.Run("several CIDRs read back as objects, vpcCidr the first", func(t *testing.T) {
		p := h.proPeering(1001, multi)
		want := []refCIDR{{"192.168.1.0/24", "active"}, {"192.168.2.0/24", "active"}, {"192.168.3.0/24", "active"}}
		if p.VPCCidr != "192.168.1.0/24" || !reflect.DeepEqual(p.VPCCidrs, want) {
			t.Errorf("%+v", p)
		}
		if p.RegionName != "eu-west-1" || p.VPCUID != "vpc-2" || p.AWSAccountID != "123456789012" {
			t.Errorf("request names map to response names: %+v", p)
		}
	})
	t.Run("vpcCidr and vpcCidrs together make one set", func(t *testing.T) {
		p := h.proPeering(1001, both)
		if len(p.VPCCidrs) != 2 || p.VPCCidrs[0].VPCCidr != "172.16.0.0/16" || p.VPCCidrs[1].VPCCidr != "172.17.0.0/16" {
			t.Errorf("%+v", p)
		}
	})
	t.Run("pro GCP keys", func(t *testing.T) {
		p := h.proPeering(1002, gcp)
		if p.ProjectUID != "proj" || p.NetworkName != "net" || p.Status != "inactive" ||
			p.RedisProjectUID == "" || p.RedisNetworkName == "" || p.CloudPeeringID == "" {
			t.Errorf("%+v", p)
		}
		if p.VPCUID != "" || p.VPCCidr != "" || p.AWSAccountID != "" || p.RegionName != "" {
			t.Errorf("AWS keys on a GCP peering: %+v", p)
		}
	})
	t.Run("aa AWS keys", func(t *testing.T) {
		region, p := h.aaPeering(2001, aaAWS)
		if region.Region != "eu-west-1" || region.ID != 2 || p.RegionID != 2 {
			t.Errorf("source region: %+v / %+v", region, p)
		}
		if p.RegionName != "us-west-2" {
			t.Errorf("regionName is the destination region: %+v", p)
		}
		if p.VPCUID != "vpc-9" || p.VPCCidr != "192.168.1.0/24" || len(p.VPCCidrs) != 2 || p.Status != "pending-acceptance" ||
			!regexp.MustCompile(`^pcx-[0-9a-f]{17}$`).MatchString(p.AWSPeeringUID) {
			t.Errorf("%+v", p)
		}
	})
	t.Run("aa GCP keys carry the vpc prefix", func(t *testing.T) {
		region, p := h.aaPeering(2002, aaGCP)
		if region.Region != "europe-west1" || p.VPCProjectUID != "proj" || p.VPCNetworkName != "net" ||
			p.RedisNetworkName == "" || p.RedisProjectUID == "" || p.CloudPeeringID == "" || p.RegionName != "" {
			t.Errorf("%+v / %+v", region, p)
		}
	})
	t.Run("aa list shows every region, empty ones as []", func(t *testing.T) {
		_, raw := h.listAA(2001)
		if !strings.Contains(string(raw), `"region":"us-east-1","vpcPeerings":[]`) {
			t.Errorf("empty region not listed with []: %s", raw)
		}
	})
	t.Run("empty pro list is peerings []", func(t *testing.T) {
		h2 := newHarness(t, Options{})
		_, raw := h2.listPro(1001)
		if string(raw) != `{"peerings":[]}` {
			t.Errorf("%s", raw)
		}
	})
	t.Run("provider is case-insensitive and absent means AWS", func(_ *testing.T) {
		for _, prov := range []string{"aws", "AWS", "Aws"} {
			body := `{"provider":"` + prov + `","region":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-` + prov + `","vpcCidr":"192.168.50.0/24"}`
			h.createPro(1001, body)
		}
		for _, prov := range []string{"gcp", "GCP", "Gcp"} {
			h.createPro(1002, `{"provider":"`+prov+`","vpcProjectUid":"p-`+prov+`","vpcNetworkName":"n"}`)
		}
	})
	t.Run("timestamps are RFC 3339 UTC with fractional seconds", func(t *testing.T) {
		task := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$`).MatchString(task.Timestamp) {
			t.Errorf("timestamp %q", task.Timestamp)
		}
	})
	t.Run("pro 202 against aa 200", func(t *testing.T) {
		if r := h.request(http.MethodGet, "/v1/subscriptions/1001/peerings", ""); r.code != 202 {
			t.Errorf("pro: %d", r.code)
		}
		if r := h.request(http.MethodGet, "/v1/subscriptions/2001/regions/peerings", ""); r.code != 200 {
			t.Errorf("aa: %d", r.code)
		}
	})
}

func TestCreateResponseIDs(t *testing.T) {
	h := newHarness(t, Options{TransitionLatency: time.Second})
	for _, tc := range []struct {
		path, body string
		sub        int
	}{
		{"/v1/subscriptions/1001/peerings", awsBody, 1001},
		{"/v1/subscriptions/2002/regions/peerings", aaGCPBody, 2002},
	} {
		task := h.mustComplete("POST", tc.path, tc.body)
		if task.Response.ResourceID == nil || task.Response.AdditionalResourceID == nil || *task.Response.AdditionalResourceID != tc.sub {
			t.Fatalf("create response: %+v", task.Response)
		}
		p, err := h.sim.Peering(*task.Response.ResourceID)
		if err != nil || p.SubscriptionID != tc.sub || p.Status != StatusInitiatingRequest {
			t.Errorf("peering %d: %+v %v", *task.Response.ResourceID, p, err)
		}
	}
}
