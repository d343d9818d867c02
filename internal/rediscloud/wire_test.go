package rediscloud

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestFlexInt(t *testing.T) {
	cases := []struct {
		in      string
		value   int
		valid   bool
		wantErr bool
	}{
		{in: `12`, value: 12, valid: true},
		{in: `-3`, value: -3, valid: true},
		{in: `"12"`, value: 12, valid: true},
		{in: `" 12 "`, value: 12, valid: true},
		{in: `12.0`, value: 12, valid: true},
		{in: `1.2e3`, value: 1200, valid: true},
		{in: `null`},
		{in: `""`},
		{in: `12.5`, wantErr: true},
		{in: `"abc"`, wantErr: true},
		{in: `true`, wantErr: true},
		{in: `{}`, wantErr: true},
		{in: `1e400`, wantErr: true},
		{in: `"NaN"`, wantErr: true},
		{in: `99999999999999999999`, wantErr: true},
	}
	for _, tc := range cases {
		var f flexInt
		err := json.Unmarshal([]byte(tc.in), &f)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: error %v", tc.in, err)
			continue
		}
		if err == nil && (f.Value != tc.value || f.Valid != tc.valid) {
			t.Errorf("%s: %+v, want {%d %v}", tc.in, f, tc.value, tc.valid)
		}
	}
	for _, tc := range []struct {
		f    flexInt
		want string
	}{{flexInt{Value: 7, Valid: true}, "7"}, {flexInt{}, "null"}} {
		b, err := json.Marshal(tc.f)
		if err != nil || string(b) != tc.want {
			t.Errorf("Marshal(%+v) = %s, %v", tc.f, b, err)
		}
	}
}

// resourceOf extracts response.resource from a task or a response document.
func resourceOf(t *testing.T, doc string) json.RawMessage {
	t.Helper()
	var w struct {
		Resource json.RawMessage `json:"resource"`
		Response struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"response"`
	}
	if err := json.Unmarshal([]byte(doc), &w); err != nil {
		t.Fatal(err)
	}
	if w.Response.Resource != nil {
		return w.Response.Resource
	}
	return w.Resource
}

func TestDecodePeeringList(t *testing.T) {
	pro := func(body string) string { return `{"peerings":[` + body + `]}` }
	cases := []listCase{
		{
			name: "Pro GCP list of the reference (projectUid, networkName)", kind: Pro, raw: resourceOf(t, refGCPListTask),
			want: []Peering{{ID: 11, SubscriptionID: 7, Kind: Pro, Status: StatusInactive, Provider: ProviderGCP,
				GCPProjectID: "cloud-api-123456", GCPNetworkName: "cloud-api-vpc-peering-test",
				GCPRedisProjectID: "v00d1c1f22233333f-tp", GCPRedisNetworkName: "c12345-us-east1-2-rlrcp",
				GCPPeeringID: "redislabs-peering-f123abc4-d56"}},
		},
		{
			name: "Pro AWS list of the reference (one CIDR in vpcCidr)", kind: Pro, raw: resourceOf(t, refAWSListResponse),
			want: []Peering{
				{ID: 123, SubscriptionID: 7, Kind: Pro, Status: StatusPendingAcceptance, Provider: ProviderAWS, AWSAccountID: "9876432154",
					VPCID: "vpc-08d9875454cb9e2", CIDRs: []string{"192.168.202.10/28"}, AWSPeeringID: "pcx-05b5646545439"},
				{ID: 124, SubscriptionID: 7, Kind: Pro, Status: StatusActive, Provider: ProviderAWS, AWSAccountID: "9876432154",
					VPCID: "vpc-08d9878787b9e2", CIDRs: []string{"192.168.203.10/28"}, AWSPeeringID: "pcx-05b59876542"},
			},
		},
		{
			name: "Active-Active list of the reference (regions, id, vpcProjectUid, region = source, regionName = destination)",
			kind: ActiveActive, raw: json.RawMessage(refAAListResource),
			want: []Peering{
				{ID: 77, SubscriptionID: 7, Kind: ActiveActive, Status: StatusPendingAcceptance, Provider: ProviderAWS,
					Region: "eu-west-2", SourceRegion: "us-east-1", AWSAccountID: "123456789012",
					VPCID: "vpc-01234567890", CIDRs: []string{"10.0.10.0/24"}, AWSPeeringID: "pcx-0abc1234def567890"},
				{ID: 78, SubscriptionID: 7, Kind: ActiveActive, Status: StatusInactive, Provider: ProviderGCP,
					SourceRegion: "us-central1", GCPProjectID: "my-gcp-project", GCPNetworkName: "my-gcp-vpc",
					GCPRedisProjectID: "v00d1c1f22233333f-tp", GCPRedisNetworkName: "c1986-us-central1-1-rlrcp",
					GCPPeeringID: "redislabs-peering-0123abcd-e45"},
			},
		},
		{
			name: "vpcCidrs as {vpcCidr,status} objects, sorted", kind: Pro,
			raw:  json.RawMessage(pro(`{"vpcPeeringId":1,"vpcUid":"vpc-1","vpcCidr":"10.2.0.0/16","vpcCidrs":[{"vpcCidr":"10.2.0.0/16","status":"active"},{"vpcCidr":"10.1.0.0/16","status":"pending"}]}`)),
			want: []Peering{{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-1", CIDRs: []string{"10.1.0.0/16", "10.2.0.0/16"}}},
		},
		{
			name: `vpcCidrs as {vpcCidr,active:"active"} objects`, kind: Pro,
			raw:  json.RawMessage(pro(`{"vpcPeeringId":1,"vpcUid":"vpc-1","vpcCidrs":[{"vpcCidr":"10.1.0.0/16","active":"active"},{"vpcCidr":"10.3.0.0/16","active":"pending-acceptance"}]}`)),
			want: []Peering{{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-1", CIDRs: []string{"10.1.0.0/16", "10.3.0.0/16"}}},
		},
		{
			name: "vpcCidrs as {vpcCidr,active:true} objects", kind: Pro,
			raw:  json.RawMessage(pro(`{"vpcPeeringId":1,"vpcUid":"vpc-1","vpcCidrs":[{"vpcCidr":"10.1.0.0/16","active":true},{"vpcCidr":"10.3.0.0/16","active":false}]}`)),
			want: []Peering{{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-1", CIDRs: []string{"10.1.0.0/16", "10.3.0.0/16"}}},
		},
		{
			name: "vpcCidrs as bare strings, duplicates dropped", kind: Pro,
			raw:  json.RawMessage(pro(`{"vpcPeeringId":1,"vpcUid":"vpc-1","vpcCidrs":["10.3.0.0/16","10.1.0.0/16","10.3.0.0/16",""]}`)),
			want: []Peering{{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-1", CIDRs: []string{"10.1.0.0/16", "10.3.0.0/16"}}},
		},
		{
			name: "one CIDR only in vpcCidr, empty or null vpcCidrs", kind: Pro,
			raw: json.RawMessage(pro(`{"vpcPeeringId":1,"vpcUid":"vpc-1","vpcCidr":"10.9.0.0/24","vpcCidrs":[]},` +
				`{"vpcPeeringId":2,"vpcUid":"vpc-2","vpcCidr":"10.8.0.0/24","vpcCidrs":null}`)),
			want: []Peering{
				{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-1", CIDRs: []string{"10.9.0.0/24"}},
				{ID: 2, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-2", CIDRs: []string{"10.8.0.0/24"}},
			},
		},
		{
			name: "awsAccountId as a number, IDs as strings, regionName", kind: Pro,
			raw:  json.RawMessage(pro(`{"vpcPeeringId":"5","regionId":"3","regionName":"us-east-1","awsAccountId":123456789012,"vpcUid":"vpc-5"}`)),
			want: []Peering{{ID: 5, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, Region: "us-east-1", AWSAccountID: "123456789012", VPCID: "vpc-5"}},
		},
		{
			name: "provider inference: explicit values win, then AWS keys, then GCP keys, else AWS", kind: Pro,
			raw: json.RawMessage(pro(`{"vpcPeeringId":1,"provider":"gcp","vpcUid":"vpc-x"},` +
				`{"vpcPeeringId":2,"provider":"AWS","projectUid":"p"},` +
				`{"vpcPeeringId":3,"awsAccountId":"1"},` +
				`{"vpcPeeringId":4,"networkName":"n"},` +
				`{"vpcPeeringId":5,"redisProjectUid":"rp"},` +
				`{"vpcPeeringId":6,"status":"failed"},` +
				`{"vpcPeeringId":7,"vpcId":"vpc-7"}`)),
			want: []Peering{
				{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderGCP, VPCID: "vpc-x"},
				{ID: 2, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, GCPProjectID: "p"},
				{ID: 3, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, AWSAccountID: "1"},
				{ID: 4, SubscriptionID: 7, Kind: Pro, Provider: ProviderGCP, GCPNetworkName: "n"},
				{ID: 5, SubscriptionID: 7, Kind: Pro, Provider: ProviderGCP, GCPRedisProjectID: "rp"},
				{ID: 6, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, Status: StatusFailed},
				{ID: 7, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-7"},
			},
		},
		{
			name: "Pro list sorted by ID", kind: Pro,
			raw: json.RawMessage(pro(`{"vpcPeeringId":9,"projectUid":"p","networkName":"n"},{"vpcPeeringId":3,"vpcUid":"vpc-3"}`)),
			want: []Peering{
				{ID: 3, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-3"},
				{ID: 9, SubscriptionID: 7, Kind: Pro, Provider: ProviderGCP, GCPProjectID: "p", GCPNetworkName: "n"},
			},
		},
		{
			name: "Active-Active: regionName at region level, the region's name wins over the peering's sourceRegion", kind: ActiveActive,
			raw: json.RawMessage(`{"regions":[{"regionId":4,"regionName":"eu-west-1","vpcPeerings":[` +
				`{"id":"12","regionId":9,"destinationRegion":"us-west-2","sourceRegion":"ignored","vpcUid":"vpc-12","vpcCidrs":[{"vpcCidr":"10.0.0.0/8","active":true}]}]},` +
				`{"id":5,"region":"ap-south-1","vpcPeerings":[{"id":13,"vpcNetworkName":"net"}]}]}`),
			want: []Peering{
				{ID: 12, SubscriptionID: 7, Kind: ActiveActive, Provider: ProviderAWS, Region: "us-west-2", SourceRegion: "eu-west-1", VPCID: "vpc-12", CIDRs: []string{"10.0.0.0/8"}},
				{ID: 13, SubscriptionID: 7, Kind: ActiveActive, Provider: ProviderGCP, SourceRegion: "ap-south-1", GCPNetworkName: "net"},
			},
		},
		{name: "empty Pro list", kind: Pro, raw: json.RawMessage(`{"peerings":[]}`), want: []Peering{}},
		{name: "empty Active-Active list", kind: ActiveActive, raw: json.RawMessage(`{"subscriptionId":1,"regions":[{"id":1,"region":"us-east-1","vpcPeerings":[]}]}`), want: []Peering{}},
		{name: "vpcCidrs element of the wrong type", kind: Pro, raw: json.RawMessage(pro(`{"vpcPeeringId":1,"vpcCidrs":[5]}`)), wantErr: "decoding"},
	}
	for _, tc := range append(cases, listShapeCases()...) {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodePeeringList(tc.kind, 7, tc.raw)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				if got != nil {
					t.Error("a list returned with an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.peerings, tc.want) {
				t.Errorf("got\n%+v\nwant\n%+v", got.peerings, tc.want)
			}
		})
	}
}

// listCase is a list resource to decode, and the peerings or the error it
// gives.
type listCase struct {
	name    string
	kind    Kind
	raw     json.RawMessage
	want    []Peering
	wantErr string
}

// listShapeCases are completed lists whose resource is not in the
// documented form: each must be a ListShapeError naming what is missing,
// never an empty list.
func listShapeCases() []listCase {
	proMissing := "lacks the documented resource.peerings array"
	aaMissing := "lacks the documented resource.regions array"
	return []listCase{
		{name: "Pro: no resource", kind: Pro, raw: nil, wantErr: "the response has no resource"},
		{name: "Pro: null resource", kind: Pro, raw: json.RawMessage(` null `), wantErr: "the response has no resource"},
		{name: "Pro: empty object", kind: Pro, raw: json.RawMessage(`{}`), wantErr: proMissing + ": resource is an empty object"},
		{name: "Pro: key missing", kind: Pro, raw: json.RawMessage(`{"subscriptionId":7}`), wantErr: proMissing + `: resource has only the keys "subscriptionId"`},
		{name: "Pro: key renamed", kind: Pro, raw: json.RawMessage(`{"vpcPeerings":[{"vpcPeeringId":1}]}`), wantErr: `resource has only the keys "vpcPeerings"`},
		{name: "Pro: null list", kind: Pro, raw: json.RawMessage(`{"peerings":null}`), wantErr: proMissing + ": resource.peerings is null"},
		{name: "Pro: list of the wrong type", kind: Pro, raw: json.RawMessage(`{"peerings":{"a":1}}`), wantErr: proMissing + ": resource.peerings is an object"},
		{name: "Pro: a bare array", kind: Pro, raw: json.RawMessage(`[{"vpcPeeringId":1}]`), wantErr: proMissing + ": resource is an array"},
		{name: "Pro: wrapped once more", kind: Pro, raw: json.RawMessage(`{"data":{"peerings":[]}}`), wantErr: `resource has only the keys "data"`},
		{name: "Active-Active: no resource", kind: ActiveActive, raw: nil, wantErr: "the response has no resource"},
		{name: "Active-Active: null resource", kind: ActiveActive, raw: json.RawMessage(`null`), wantErr: "the response has no resource"},
		{name: "Active-Active: empty object", kind: ActiveActive, raw: json.RawMessage(`{}`), wantErr: aaMissing + ": resource is an empty object"},
		{name: "Active-Active: key renamed", kind: ActiveActive, raw: json.RawMessage(`{"subscriptionId":1,"vpcPeerings":[]}`), wantErr: `resource has only the keys "subscriptionId", "vpcPeerings"`},
		{name: "Active-Active: null regions", kind: ActiveActive, raw: json.RawMessage(`{"regions":null}`), wantErr: aaMissing + ": resource.regions is null"},
		{name: "Active-Active: a bare array", kind: ActiveActive, raw: json.RawMessage(`[1]`), wantErr: aaMissing + ": resource is an array"},
		{name: "Active-Active: a Pro list", kind: ActiveActive, raw: json.RawMessage(`{"peerings":[]}`), wantErr: `resource has only the keys "peerings"`},
		{name: "Active-Active: region without vpcPeerings", kind: ActiveActive, raw: json.RawMessage(`{"regions":[{"id":1,"region":"us-east-1"}]}`),
			wantErr: `lacks the documented resource.regions[0].vpcPeerings array: resource.regions[0] has only the keys "id", "region"`},
		{name: "Active-Active: null vpcPeerings", kind: ActiveActive, raw: json.RawMessage(`{"regions":[{"id":1,"region":"us-east-1","vpcPeerings":[]},{"id":2,"region":"eu-west-1","vpcPeerings":null}]}`),
			wantErr: "lacks the documented resource.regions[1].vpcPeerings array: resource.regions[1].vpcPeerings is null"},
		{name: "Active-Active: renamed vpcPeerings", kind: ActiveActive, raw: json.RawMessage(`{"regions":[{"id":1,"region":"us-east-1","peerings":[]}]}`),
			wantErr: "lacks the documented resource.regions[0].vpcPeerings array"},
		{name: "Active-Active: region not an object", kind: ActiveActive, raw: json.RawMessage(`{"regions":["us-east-1"]}`),
			wantErr: "lacks the documented resource.regions[0].vpcPeerings array: resource.regions[0] is a string"},
		{name: "Active-Active: region without a name", kind: ActiveActive, raw: json.RawMessage(`{"regions":[{"id":5,"vpcPeerings":[]}]}`),
			wantErr: "lacks the documented resource.regions[0].region name"},
	}
}
