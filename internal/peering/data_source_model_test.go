package peering

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/tfvalues"
)

var (
	awsOneCIDR = rediscloud.Peering{
		ID: 501, SubscriptionID: 1001, Kind: rediscloud.Pro, Status: "pending-acceptance", Provider: "AWS", Region: "us-east-1",
		AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67890", CIDRs: []string{"172.31.0.0/16"}, AWSPeeringID: "pcx-0123456789abcdef0",
	}
	awsSeveralCIDRs = rediscloud.Peering{
		ID: 502, SubscriptionID: 1001, Kind: rediscloud.Pro, Status: "active", Provider: "AWS", Region: "eu-west-1",
		AWSAccountID: "210987654321", VPCID: "vpc-0a1b2c3d4e5f67891", CIDRs: []string{"172.32.0.0/16", "172.40.0.0/16"},
	}
	gcpPeering = rediscloud.Peering{
		ID: 503, SubscriptionID: 1002, Kind: rediscloud.Pro, Status: "inactive", Provider: "GCP", Region: "us-central1",
		GCPProjectID: "my-project", GCPNetworkName: "default", GCPRedisProjectID: "redis-proj", GCPRedisNetworkName: "redis-net", GCPPeeringID: "redis-peer",
	}
)

func str(s string) attr.Value { return types.StringValue(s) }

func strList(ss ...string) attr.Value {
	elems := make([]attr.Value, len(ss))
	for i, s := range ss {
		elems[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, elems)
}

func TestDataSourcePeeringElement(t *testing.T) {
	null := types.StringNull()
	aaAWS := awsOneCIDR
	aaAWS.Kind, aaAWS.SourceRegion, aaAWS.Region = rediscloud.ActiveActive, "us-east-1", "us-west-2"
	aaGCP := gcpPeering
	aaGCP.Kind, aaGCP.SourceRegion, aaGCP.Region = rediscloud.ActiveActive, "europe-west1", ""

	for _, tc := range []struct {
		name string
		spec *kindSpec
		p    rediscloud.Peering
		want map[string]attr.Value
	}{
		{
			name: "AWS with one CIDR", spec: proSpec, p: awsOneCIDR,
			want: map[string]attr.Value{
				"peering_id": types.Int64Value(501), "provider_name": str("AWS"), "status": str("pending-acceptance"), "region": str("us-east-1"),
				"aws_account_id": str("123456789012"), "aws_peering_id": str("pcx-0123456789abcdef0"), "vpc_id": str("vpc-0a1b2c3d4e5f67890"),
				"vpc_cidr": str("172.31.0.0/16"), "vpc_cidrs": strList("172.31.0.0/16"),
				"gcp_project_id": null, "gcp_network_name": null, "gcp_redis_project_id": null, "gcp_redis_network_name": null, "gcp_redis_network_path": null, "gcp_peering_id": null,
			},
		},
		{
			name: "AWS with several CIDRs, not yet given a pcx", spec: proSpec, p: awsSeveralCIDRs,
			want: map[string]attr.Value{
				"peering_id": types.Int64Value(502), "provider_name": str("AWS"), "status": str("active"), "region": str("eu-west-1"),
				"aws_account_id": str("210987654321"), "aws_peering_id": null, "vpc_id": str("vpc-0a1b2c3d4e5f67891"),
				"vpc_cidr": null, "vpc_cidrs": strList("172.32.0.0/16", "172.40.0.0/16"),
				"gcp_project_id": null, "gcp_network_name": null, "gcp_redis_project_id": null, "gcp_redis_network_name": null, "gcp_redis_network_path": null, "gcp_peering_id": null,
			},
		},
		{
			name: "GCP", spec: proSpec, p: gcpPeering,
			want: map[string]attr.Value{
				"peering_id": types.Int64Value(503), "provider_name": str("GCP"), "status": str("inactive"), "region": null,
				"aws_account_id": null, "aws_peering_id": null, "vpc_id": null, "vpc_cidr": null, "vpc_cidrs": strList(),
				"gcp_project_id": str("my-project"), "gcp_network_name": str("default"), "gcp_redis_project_id": str("redis-proj"),
				"gcp_redis_network_name": str("redis-net"), "gcp_peering_id": str("redis-peer"),
				"gcp_redis_network_path": str("projects/redis-proj/global/networks/redis-net"),
			},
		},
		{
			name: "Active-Active AWS", spec: activeActiveSpec, p: aaAWS,
			want: map[string]attr.Value{
				"peering_id": types.Int64Value(501), "provider_name": str("AWS"), "status": str("pending-acceptance"),
				"source_region": str("us-east-1"), "destination_region": str("us-west-2"),
				"aws_account_id": str("123456789012"), "aws_peering_id": str("pcx-0123456789abcdef0"), "vpc_id": str("vpc-0a1b2c3d4e5f67890"),
				"vpc_cidr": str("172.31.0.0/16"), "vpc_cidrs": strList("172.31.0.0/16"),
				"gcp_project_id": null, "gcp_network_name": null, "gcp_redis_project_id": null, "gcp_redis_network_name": null, "gcp_redis_network_path": null, "gcp_peering_id": null,
			},
		},
		{
			name: "Active-Active GCP", spec: activeActiveSpec, p: aaGCP,
			want: map[string]attr.Value{
				"peering_id": types.Int64Value(503), "provider_name": str("GCP"), "status": str("inactive"),
				"source_region": str("europe-west1"), "destination_region": null,
				"aws_account_id": null, "aws_peering_id": null, "vpc_id": null, "vpc_cidr": null, "vpc_cidrs": strList(),
				"gcp_project_id": str("my-project"), "gcp_network_name": str("default"), "gcp_redis_project_id": str("redis-proj"),
				"gcp_redis_network_name": str("redis-net"), "gcp_peering_id": str("redis-peer"),
				"gcp_redis_network_path": str("projects/redis-proj/global/networks/redis-net"),
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			redis := redisCIDRsList([]string{"10.0.0.0/24"})
			elem := nullElement(tc.spec)
			setElement(elem, &tc.p, redis)
			// The element's values fit the schema's element type.
			obj, diags := types.ObjectValue(elementTypes(tc.spec), elem)
			if diags.HasError() {
				t.Fatalf("the element does not fit the schema: %v", diags)
			}
			got := obj.Attributes()
			if !got["redis_cidrs"].Equal(redis) {
				t.Errorf("redis_cidrs = %v, want %v", got["redis_cidrs"], redis)
			}
			delete(got, "redis_cidrs")
			if len(got) != len(tc.want) {
				t.Errorf("got %d attributes, want %d: %v", len(got), len(tc.want), got)
			}
			for name, want := range tc.want {
				if !got[name].Equal(want) {
					t.Errorf("%s = %v, want %v", name, got[name], want)
				}
			}
		})
	}
}

func TestDataSourcePeeringElementDoesNotAlias(t *testing.T) {
	p := awsSeveralCIDRs
	p.CIDRs = []string{"172.40.0.0/16", "172.32.0.0/16"}
	setElement(nullElement(proSpec), &p, redisCIDRsList(nil))
	if p.CIDRs[0] != "172.40.0.0/16" {
		t.Errorf("the peering's CIDRs were sorted in place: %v", p.CIDRs)
	}
}

// The list data sources' models fit their schemas: the peerings ordered by
// peering ID, and no peerings an empty list rather than null.
func TestDataSourcePeeringListIsOrderedByID(t *testing.T) {
	for _, tc := range []struct {
		spec     *kindSpec
		peerings []rediscloud.Peering
		want     []int64
	}{
		{proSpec, []rediscloud.Peering{gcpPeering, awsOneCIDR, awsSeveralCIDRs}, []int64{501, 502, 503}},
		{activeActiveSpec, []rediscloud.Peering{awsSeveralCIDRs, awsOneCIDR}, []int64{501, 502}},
		{proSpec, nil, []int64{}},
		{activeActiveSpec, nil, []int64{}},
	} {
		ctx := context.Background()
		var diags diag.Diagnostics
		typ := tfvalues.TypeOf(ctx, tc.spec.listSchema(ctx).Type())
		m := typ.Load(ctx, tftypes.Value{}, &diags)
		m["peerings"], diags = peeringList(ctx, typ.Attrs["peerings"], tc.peerings, noRedisCIDRs)
		if diags.HasError() {
			t.Fatalf("%s: %v", tc.spec.listTypeName(), diags)
		}
		state := tfsdk.State{Schema: tc.spec.listSchema(ctx)}
		if diags := state.Set(ctx, typ.Raw(ctx, m)); diags.HasError() {
			t.Fatalf("%s: the model does not fit the schema: %v", tc.spec.listTypeName(), diags)
		}
		var list types.List
		if diags := state.GetAttribute(ctx, path.Root("peerings"), &list); diags.HasError() || list.IsNull() {
			t.Fatalf("%s: peerings %v (%v), want a list", tc.spec.listTypeName(), list, diags)
		}
		ids := []int64{}
		for _, e := range list.Elements() {
			ids = append(ids, e.(types.Object).Attributes()["peering_id"].(types.Int64).ValueInt64())
		}
		if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
			t.Errorf("%s: peering IDs in order %v, want %v", tc.spec.listTypeName(), ids, tc.want)
		}
	}
}

// The lookup's model fits its schema.
func TestDataSourcePeeringLookupModel(t *testing.T) {
	ctx := context.Background()
	var resp datasource.SchemaResponse
	(&peeringDataSource{peeringType: peeringType{spec: proSpec}}).Schema(ctx, datasource.SchemaRequest{}, &resp)
	typ := tfvalues.TypeOf(ctx, resp.Schema.Type())
	m := typ.Load(ctx, tftypes.Value{}, new(diag.Diagnostics))
	m["id"], m["subscription_id"] = types.StringValue("1001/501"), types.StringValue("1001")
	setElement(m, &awsOneCIDR, noRedisCIDRs(&awsOneCIDR))
	state := tfsdk.State{Schema: resp.Schema}
	if diags := state.Set(ctx, typ.Raw(ctx, m)); diags.HasError() {
		t.Fatalf("the model does not fit the schema: %v", diags)
	}
	var region types.String
	if diags := state.GetAttribute(ctx, path.Root("region"), &region); diags.HasError() || region.ValueString() != "us-east-1" {
		t.Errorf("region = %v (%v), want us-east-1", region, diags)
	}
}

// nullElement is a kind's data source element with every attribute null.
func nullElement(s *kindSpec) values {
	return tfvalues.TypeOf(context.Background(), types.ObjectType{AttrTypes: elementTypes(s)}).Load(context.Background(), tftypes.Value{}, new(diag.Diagnostics))
}

// elementTypes are the attribute types of a kind's data source element.
func elementTypes(s *kindSpec) map[string]attr.Type {
	out := map[string]attr.Type{}
	for name, a := range s.peeringAttributes() {
		out[name] = a.GetType()
	}
	return out
}

func TestDataSourcePeeringFilter(t *testing.T) {
	aa := func(id int, src, status string) rediscloud.Peering {
		return rediscloud.Peering{ID: id, Kind: rediscloud.ActiveActive, SourceRegion: src, Status: status, Provider: "AWS"}
	}
	all := []rediscloud.Peering{aa(1, "us-east-1", "active"), aa(2, "eu-west-1", "active"), aa(3, "us-east-1", "pending-acceptance")}
	ids := func(ps []rediscloud.Peering) []int {
		out := []int{}
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	for _, tc := range []struct {
		f      peeringFilter
		want   string
		wantID string
		spec   *kindSpec
	}{
		{peeringFilter{}, "[1 2 3]", "2001", activeActiveSpec},
		{peeringFilter{status: "active"}, "[1 2]", "2001/*/active", activeActiveSpec},
		{peeringFilter{sourceRegion: "us-east-1"}, "[1 3]", "2001/us-east-1", activeActiveSpec},
		{peeringFilter{sourceRegion: "us-east-1", status: "active"}, "[1]", "2001/us-east-1/active", activeActiveSpec},
		{peeringFilter{sourceRegion: "US-EAST-1", status: "failed"}, "[]", "2001/US-EAST-1/failed", activeActiveSpec},
		{peeringFilter{status: "active"}, "[1 2]", "2001/active", proSpec},
		{peeringFilter{}, "[1 2 3]", "2001", proSpec},
	} {
		if got := fmt.Sprint(ids(tc.f.apply(all))); got != tc.want {
			t.Errorf("%+v kept %s, want %s", tc.f, got, tc.want)
		}
		if got := tc.spec.listID(2001, tc.f); got != tc.wantID {
			t.Errorf("%v %+v: id %q, want %q", tc.spec.kind, tc.f, got, tc.wantID)
		}
	}
	if got := (peeringFilter{status: "active"}).apply(nil); got == nil || len(got) != 0 {
		t.Errorf("filtering nothing gave %#v, want an empty slice", got)
	}
}

func TestDataSourceFindPeering(t *testing.T) {
	// Two AWS peerings of one VPC ID in different accounts, and two GCP
	// peerings of networks named "default" in different projects.
	sameVPC := awsSeveralCIDRs
	sameVPC.ID, sameVPC.VPCID = 504, awsOneCIDR.VPCID
	otherProject := gcpPeering
	otherProject.ID, otherProject.GCPProjectID = 505, "other-project"
	all := []rediscloud.Peering{awsOneCIDR, awsSeveralCIDRs, gcpPeering, sameVPC, otherProject}

	for _, tc := range []struct {
		name    string
		q       peeringQuery
		list    []rediscloud.Peering
		wantID  int
		attr    string
		wantErr []string
	}{
		{name: "by peering_id", q: peeringQuery{peeringID: 502}, list: all, wantID: 502},
		{name: "by vpc_id", q: peeringQuery{by: "vpc_id", value: "vpc-0a1b2c3d4e5f67891"}, list: all, wantID: 502},
		{name: "by vpc_id narrowed by account", q: peeringQuery{by: "vpc_id", value: awsOneCIDR.VPCID, owner: "aws_account_id", ownerValue: "210987654321"}, list: all, wantID: 504},
		{name: "by network narrowed by project", q: peeringQuery{by: "gcp_network_name", value: "default", owner: "gcp_project_id", ownerValue: "other-project"}, list: all, wantID: 505},
		{name: "peering_id and a matching account", q: peeringQuery{peeringID: 501, owner: "aws_account_id", ownerValue: "123456789012"}, list: all, wantID: 501},
		{
			name: "unknown peering_id", q: peeringQuery{peeringID: 999}, list: all, attr: "peering_id",
			wantErr: []string{"No peering of subscription 1001 has peering_id 999; its peerings are: ",
				"501 (AWS, vpc-0a1b2c3d4e5f67890 of account 123456789012 in us-east-1, pending-acceptance)",
				"503 (GCP, network default of project my-project, inactive)"},
		},
		{
			name: "unknown vpc_id", q: peeringQuery{by: "vpc_id", value: "vpc-00000000"}, list: all, attr: "vpc_id",
			wantErr: []string{`No peering of subscription 1001 has vpc_id "vpc-00000000"; its peerings are: 501 (`},
		},
		{
			name: "a VPC ID does not match GCP peerings", q: peeringQuery{by: "gcp_network_name", value: "vpc-0a1b2c3d4e5f67890"}, list: all, attr: "gcp_network_name",
			wantErr: []string{`No peering of subscription 1001 has gcp_network_name "vpc-0a1b2c3d4e5f67890"`},
		},
		{
			name: "account does not match", q: peeringQuery{by: "vpc_id", value: "vpc-0a1b2c3d4e5f67891", owner: "aws_account_id", ownerValue: "123456789012"}, list: all, attr: "vpc_id",
			wantErr: []string{`has vpc_id "vpc-0a1b2c3d4e5f67891" and aws_account_id "123456789012"`},
		},
		{
			name: "empty subscription", q: peeringQuery{by: "vpc_id", value: "vpc-00000000"}, list: nil, attr: "vpc_id",
			wantErr: []string{`No peering of subscription 1001 has vpc_id "vpc-00000000": the subscription has no peerings.`},
		},
		{
			name: "ambiguous vpc_id", q: peeringQuery{by: "vpc_id", value: awsOneCIDR.VPCID}, list: all, attr: "vpc_id",
			wantErr: []string{`2 peerings of subscription 1001 have vpc_id "vpc-0a1b2c3d4e5f67890": 501 (`, "; 504 (AWS, vpc-0a1b2c3d4e5f67890 of account 210987654321",
				"Look the one you mean up by peering_id (one of 501, 504) instead, or set aws_account_id to narrow the match."},
		},
		{
			name: "ambiguous network", q: peeringQuery{by: "gcp_network_name", value: "default"}, list: all, attr: "gcp_network_name",
			wantErr: []string{`2 peerings of subscription 1001 have gcp_network_name "default"`, "(one of 503, 505)", "or set gcp_project_id to narrow the match."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := findPeering(1001, tc.q, tc.list)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if p.ID != tc.wantID {
					t.Fatalf("found peering %d, want %d", p.ID, tc.wantID)
				}
				return
			}
			if err == nil {
				t.Fatalf("found peering %d, want an error", p.ID)
			}
			if err.attribute != tc.attr {
				t.Errorf("error on %s, want %s", err.attribute, tc.attr)
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.msg, want) {
					t.Errorf("error %q does not contain %q", err.msg, want)
				}
			}
		})
	}
}

func TestDataSourceDescribePeeringsIsBounded(t *testing.T) {
	var many []*rediscloud.Peering
	for i := range maxDescribedPeerings + 5 {
		p := awsOneCIDR
		p.ID = 600 + i
		many = append(many, &p)
	}
	got := describePeerings(many)
	if !strings.HasSuffix(got, "; and 5 more") || strings.Count(got, "(AWS") != maxDescribedPeerings {
		t.Errorf("describePeerings(%d peerings) = %q", len(many), got)
	}
	aa := rediscloud.Peering{ID: 7, Provider: "AWS", SourceRegion: "us-east-1", Region: "eu-west-1", VPCID: "vpc-1", AWSAccountID: "1", Status: "active"}
	if got, want := describePeering(&aa), "7 (AWS from us-east-1, vpc-1 of account 1 in eu-west-1, active)"; got != want {
		t.Errorf("describePeering = %q, want %q", got, want)
	}
}

func noRedisCIDRs(*rediscloud.Peering) types.List { return redisCIDRsList(nil) }
