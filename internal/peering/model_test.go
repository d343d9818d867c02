package peering

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/tfvalues"
)

func TestParseID(t *testing.T) {
	for _, c := range []struct {
		in      string
		sub, id int
	}{{"1001/500", 1001, 500}, {" 2001/7\n", 2001, 7}} {
		sub, id, err := parseID(c.in)
		if err != nil || sub != c.sub || id != c.id {
			t.Errorf("parseID(%q) = %d, %d, %v; want %d, %d", c.in, sub, id, err, c.sub, c.id)
		}
	}
	for _, in := range []string{"", "1001", "1001/", "/5", "abc/5", "1001/x", "1001/5/6", "-1/5", "0/5", "1001/0", "+1/5", "1001/ 5", "1e3/5"} {
		if _, _, err := parseID(in); err == nil || !strings.Contains(err.Error(), "<subscription_id>/<peering_id>") {
			t.Errorf("parseID(%q) = %v; want an error naming the expected form", in, err)
		}
	}
}

// FuzzParseID checks that import IDs never panic the parser and that what it
// accepts is positive and round-trips through formatID.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"1001/500", "2002/503", "1001", "1001/", "abc/5", "1001/5/6", "-1/5", "99999999999999999999/1", "1/2\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sub, id, err := parseID(in)
		if err != nil {
			return
		}
		if sub <= 0 || id <= 0 {
			t.Fatalf("parseID(%q) accepted non-positive IDs %d/%d", in, sub, id)
		}
		// Leading zeros are accepted and normalised away; what is stored
		// must parse back to the same peering.
		if s2, i2, err := parseID(formatID(sub, id)); err != nil || s2 != sub || i2 != id {
			t.Fatalf("parseID(%q) = %d/%d, which does not round-trip: %d/%d, %v", in, sub, id, s2, i2, err)
		}
	})
}

func TestCIDRValuesAndSetFromPeering(t *testing.T) {
	ctx := context.Background()
	var diags diag.Diagnostics
	m := proSpec.resourceType().Load(ctx, tftypes.Value{}, &diags)
	p := &rediscloud.Peering{ID: 501, SubscriptionID: 1001, Provider: rediscloud.ProviderAWS, Status: rediscloud.StatusPendingAcceptance,
		Region: "us-east-1", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67890", AWSPeeringID: "pcx-0123456789abcdef0",
		CIDRs: []string{"172.31.0.0/16", "172.32.0.0/16"}}
	setFromPeering(m, p)
	if m.ValueString("id") != "1001/501" || tfvalues.Get[types.Int64](m, "peering_id").ValueInt64() != 501 || m.ValueString("subscription_id") != strconv.Itoa(1001) {
		t.Errorf("identity: %v %v %v", m["id"], m["peering_id"], m["subscription_id"])
	}
	if !m["vpc_cidr"].IsNull() || len(tfvalues.Get[types.Set](m, "vpc_cidrs").Elements()) != 2 {
		t.Errorf("several CIDRs: vpc_cidr %v, vpc_cidrs %v", m["vpc_cidr"], m["vpc_cidrs"])
	}
	if !m["gcp_project_id"].IsNull() || m.ValueString("region") != "us-east-1" {
		t.Errorf("cloud fields: gcp_project_id %v, region %v", m["gcp_project_id"], m["region"])
	}
	// One CIDR fills both attributes.
	p.CIDRs = []string{"172.31.0.0/16"}
	m2 := proSpec.resourceType().Load(ctx, tftypes.Value{}, &diags)
	setFromPeering(m2, p)
	if m2.ValueString("vpc_cidr") != "172.31.0.0/16" || len(tfvalues.Get[types.Set](m2, "vpc_cidrs").Elements()) != 1 {
		t.Errorf("one CIDR: vpc_cidr %v, vpc_cidrs %v", m2["vpc_cidr"], m2["vpc_cidrs"])
	}
	// Inputs the API does not echo keep their configured value.
	m2["aws_account_id"] = types.StringValue("123456789012")
	p.AWSAccountID, p.Region = "", ""
	m2["region"] = types.StringValue("us-east-1")
	setFromPeering(m2, p)
	if m2.ValueString("aws_account_id") != "123456789012" || m2.ValueString("region") != "us-east-1" {
		t.Errorf("unechoed inputs lost: aws_account_id %v, region %v", m2["aws_account_id"], m2["region"])
	}
	if diags.HasError() {
		t.Fatal(diags)
	}
}

// Every attribute names fields that exist, as strings: the peering's and,
// for an input, the create request's.
func TestAttributeFieldsExist(t *testing.T) {
	for _, a := range converted {
		if a.derive != nil {
			continue
		}
		if f, ok := reflect.TypeOf(rediscloud.Peering{}).FieldByName(a.field); !ok || f.Type.Kind() != reflect.String {
			t.Errorf("%s: rediscloud.Peering has no string field %q", a.name, a.field)
		}
		if f, ok := reflect.TypeOf(rediscloud.CreatePeeringRequest{}).FieldByName(a.field); a.input && (!ok || f.Type.Kind() != reflect.String) {
			t.Errorf("%s: rediscloud.CreatePeeringRequest has no string field %q", a.name, a.field)
		}
	}
	p := rediscloud.Peering{VPCID: "vpc-1", SourceRegion: "us-east-1"}
	var r rediscloud.CreatePeeringRequest
	for _, a := range activeActiveSpec.strings() {
		if a.input {
			a.set(&r, a.get(&p))
		}
	}
	if r.VPCID != "vpc-1" || r.SourceRegion != "us-east-1" {
		t.Errorf("inputs copied through get and set: %+v", r)
	}
}

// TestLoadAndRawMatchTheFramework: values converted by load and raw read
// and write the same as the framework's Get and Set, for each kind, with
// null, unknown and known values of every attribute type.
func TestLoadAndRawMatchTheFramework(t *testing.T) {
	ctx := context.Background()
	for _, spec := range kindSpecs {
		t.Run(spec.typeName, func(t *testing.T) {
			schema, typ := spec.resourceSchema(ctx), spec.resourceType()
			for name, fill := range map[string]func(values){
				"null": func(values) {},
				"unknown": func(m values) {
					for name, v := range m {
						switch v.(type) {
						case types.String:
							m[name] = types.StringUnknown()
						case types.Set:
							m[name] = types.SetUnknown(types.StringType)
						case types.List:
							m[name] = types.ListUnknown(types.StringType)
						case types.Int64:
							m[name] = types.Int64Unknown()
						}
					}
				},
				"known": func(m values) {
					setFromPeering(m, &rediscloud.Peering{ID: 5, SubscriptionID: 1001, Provider: "AWS", Status: "active",
						Region: "us-east-1", SourceRegion: "us-east-1", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d",
						CIDRs: []string{"10.0.0.0/16", "10.1.0.0/16"}, AWSPeeringID: "pcx-1"})
					m["redis_cidrs"] = redisCIDRsList([]string{"10.10.0.0/24"})
				},
			} {
				t.Run(name, func(t *testing.T) {
					var diags diag.Diagnostics
					m := typ.Load(ctx, tftypes.Value{}, &diags)
					fill(m)

					obj, d := types.ObjectValue(typ.Attrs, m)
					diags.Append(d...)
					want := tfsdk.State{Schema: schema}
					if diags.Append(want.Set(ctx, obj)...); diags.HasError() {
						t.Fatalf("the framework's Set: %v", diags)
					}
					got, ok := typ.Raw(ctx, m).(tftypes.Value)
					if !ok {
						t.Fatal("raw left the conversion to the framework")
					}
					if !got.Equal(want.Raw) {
						t.Errorf("raw = %s\nwant  %s", got, want.Raw)
					}

					var framework types.Object
					loaded := typ.Load(ctx, want.Raw, &diags)
					diags.Append(want.Get(ctx, &framework)...)
					if diags.HasError() {
						t.Fatal(diags)
					}
					if !reflect.DeepEqual(loaded, values(framework.Attributes())) {
						t.Errorf("load = %+v\nwant %+v", loaded, framework.Attributes())
					}

					// nullUnknowns leaves no value unknown.
					loaded.NullUnknowns(ctx)
					for name, v := range loaded {
						if v.IsUnknown() {
							t.Errorf("nullUnknowns left %s unknown", name)
						}
					}
				})
			}
		})
	}
}

// cidrValues is the one rule for vpc_cidr and vpc_cidrs, in plans and in
// state: one CIDR is in both, several only in the set, except the legacy
// vpc_cidr a migrated state holds while its CIDRs are unchanged.
func TestCIDRValues(t *testing.T) {
	str, null, unknown := types.StringValue, types.StringNull(), types.StringUnknown()
	set := func(cidrs ...string) types.Set {
		return types.SetValueMust(types.StringType, tfvalues.Elements(cidrs))
	}
	nullSet, emptySet := types.SetNull(types.StringType), set()
	prior := func(single types.String, s types.Set) values { return values{"vpc_cidr": single, "vpc_cidrs": s} }
	for name, tc := range map[string]struct {
		cloud      *cloudSpec
		single     types.String
		set        types.Set
		prior      values
		wantSingle types.String
		wantSet    types.Set
	}{
		"one CIDR as vpc_cidr":           {awsCloud, str("10.0.0.0/16"), nullSet, values{}, str("10.0.0.0/16"), set("10.0.0.0/16")},
		"one CIDR as vpc_cidrs":          {awsCloud, null, set("10.0.0.0/16"), values{}, str("10.0.0.0/16"), set("10.0.0.0/16")},
		"several CIDRs":                  {awsCloud, null, set("10.0.0.0/16", "10.1.0.0/16"), values{}, null, set("10.0.0.0/16", "10.1.0.0/16")},
		"legacy vpc_cidr kept":           {awsCloud, null, set("10.0.0.0/16", "10.1.0.0/16"), prior(str("10.1.0.0/16"), set("10.0.0.0/16", "10.1.0.0/16")), str("10.1.0.0/16"), set("10.0.0.0/16", "10.1.0.0/16")},
		"legacy vpc_cidr gone on change": {awsCloud, null, set("10.0.0.0/16", "10.2.0.0/16"), prior(str("10.1.0.0/16"), set("10.0.0.0/16", "10.1.0.0/16")), null, set("10.0.0.0/16", "10.2.0.0/16")},
		"legacy vpc_cidr not a member":   {awsCloud, null, set("10.0.0.0/16", "10.1.0.0/16"), prior(str("10.9.0.0/16"), set("10.0.0.0/16", "10.1.0.0/16")), null, set("10.0.0.0/16", "10.1.0.0/16")},
		"unknown CIDR":                   {awsCloud, unknown, nullSet, values{}, unknown, types.SetUnknown(types.StringType)},
		"unknown element":                {awsCloud, null, types.SetValueMust(types.StringType, []attr.Value{unknown}), values{}, unknown, types.SetUnknown(types.StringType)},
		"no CIDRs at all":                {awsCloud, null, nullSet, values{}, null, nullSet},
		"GCP has none":                   {gcpCloud, null, nullSet, prior(str("10.0.0.0/16"), set("10.0.0.0/16")), null, nullSet},
		"GCP keeps an empty set":         {gcpCloud, null, nullSet, prior(null, emptySet), null, emptySet},
	} {
		t.Run(name, func(t *testing.T) {
			single, s := cidrValues(tc.cloud, tc.single, tc.set, tc.prior)
			if !single.Equal(tc.wantSingle) || !s.Equal(tc.wantSet) {
				t.Errorf("got vpc_cidr %v, vpc_cidrs %v; want %v, %v", single, s, tc.wantSingle, tc.wantSet)
			}
		})
	}
}
