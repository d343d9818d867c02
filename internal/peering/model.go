package peering

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/validate"
)

// The conversions between a peering and every type's values go by tfsdk
// name, so one function in each direction serves every type.

// values are a type's attributes by tfsdk name, as its schema's types read
// them: one form for every kind and type (a resource, a data source, a
// listed peering), which the attribute tables fill by name.
type values map[string]attr.Value

// get is attribute name as T, T's zero value (null) when v has no such one.
func get[T attr.Value](v values, name string) T {
	t, _ := v[name].(T)
	return t
}

// str is a string attribute's value, "" when null or unknown.
func (v values) str(name string) string { return get[types.String](v, name).ValueString() }

// cloud is the spec of provider_name.
func (v values) cloud() *cloudSpec { return cloudOf(v.str("provider_name")) }

// strings are the known elements of a list or set of strings.
func (v values) strings(name string) []string {
	var out []string
	if c, ok := v[name].(interface{ Elements() []attr.Value }); ok {
		for _, e := range c.Elements() {
			if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
				out = append(out, s.ValueString())
			}
		}
	}
	return out
}

// converted are the string attributes any type takes from the API; a type
// without one skips it.
var converted = func() []attribute {
	out := []attribute{
		{name: "provider_name", field: "Provider"}, {name: "status", field: "Status"},
		{name: "id", derive: func(p *rediscloud.Peering) string { return formatID(p.SubscriptionID, p.ID) }},
		{name: "subscription_id", derive: func(p *rediscloud.Peering) string { return strconv.Itoa(p.SubscriptionID) }},
	}
	for _, s := range kindSpecs {
		out = append(out, s.regions...)
	}
	return append(out, cloudStrings...)
}()

// setPeering converts a listed peering into m, any type's values: another
// cloud's attributes are null, and with keep (a resource) an input the API
// did not echo keeps its value rather than plan a replacement.
func setPeering(m values, p *rediscloud.Peering, keep bool) {
	own := cloudOf(p.Provider)
	for _, a := range converted {
		v, ok := m[a.name].(types.String)
		switch {
		case !ok:
		case a.cloud != nil && a.cloud != own:
			m[a.name] = types.StringNull()
		case a.input && keep && a.get(p) == "" && !v.IsUnknown():
		default:
			m[a.name] = optionalString(a.get(p))
		}
	}
	m["peering_id"] = types.Int64Value(int64(p.ID))
	// A data source's vpc_cidrs is a list, empty rather than null without
	// CIDRs, so that flatten(peerings[*].vpc_cidrs) needs no checks.
	if _, ok := m["vpc_cidrs"].(types.List); ok {
		var cidrs []string
		if own.routed {
			cidrs = p.CIDRs
		}
		elems := stringValues(cidrs)
		m["vpc_cidrs"], m["vpc_cidr"] = types.ListValueMust(types.StringType, elems), singleCIDR(elems)
	}
}

// setFromPeering fills a resource's state from a listed peering.
func setFromPeering(m values, p *rediscloud.Peering) {
	setPeering(m, p, true)
	prior, priorSet := get[types.String](m, "vpc_cidr"), get[types.Set](m, "vpc_cidrs")
	if !cloudOf(p.Provider).routed {
		m["vpc_cidr"] = types.StringNull()
		// An empty set (as Redis's own provider stored it) stays as it is.
		if priorSet.IsUnknown() || priorSet.IsNull() || len(priorSet.Elements()) > 0 {
			m["vpc_cidrs"] = types.SetNull(types.StringType)
		}
		return
	}
	cidrs := p.CIDRs
	if len(cidrs) == 0 {
		cidrs = wantedCIDRs(m) // not echoed: keep what was asked for
	}
	set, single := types.SetNull(types.StringType), types.StringNull()
	if len(cidrs) > 0 {
		elems := stringValues(cidrs)
		set, single = types.SetValueMust(types.StringType, elems), singleCIDR(elems)
	}
	if legacy, ok := legacyCIDR(prior, priorSet, set); ok {
		single = legacy
	}
	m["vpc_cidrs"], m["vpc_cidr"] = set, single
}

// createRequest is the other direction: a plan as the create request.
func createRequest(spec *kindSpec, m values) rediscloud.CreatePeeringRequest {
	cloud := m.cloud()
	r := rediscloud.CreatePeeringRequest{Provider: m.str("provider_name")}
	for _, a := range spec.strings() {
		if a.input && (a.cloud == nil || a.cloud == cloud) {
			a.set(&r, m.str(a.name))
		}
	}
	if cloud.routed {
		r.CIDRs = wantedCIDRs(m)
	}
	return r
}

// objectType is the attribute types of a schema or a nested object, by
// which load and raw convert: the framework's Get and Set into a struct
// reflect anew on every call, which a refresh of many peerings pays for each.
type objectType struct {
	attrs map[string]attr.Type
	tf    tftypes.Type
}

func objectTypeOf(ctx context.Context, t attr.Type) objectType {
	return objectType{t.(attr.TypeWithAttributeTypes).AttributeTypes(), t.TerraformType(ctx)}
}

// resourceType is the kind's resource schema's, built once.
func (s *kindSpec) resourceType() objectType {
	s.typeOnce.Do(func() {
		s.typ = objectTypeOf(context.Background(), s.resourceSchema(context.Background()).Type())
	})
	return s.typ
}

// load reads a configuration's, a plan's or a state's value; every
// attribute of a null one is null.
func (t objectType) load(ctx context.Context, v tftypes.Value, diags *diag.Diagnostics) values {
	var obj map[string]tftypes.Value
	_ = v.As(&obj) // none when null or unknown
	m := values{}
	for name, at := range t.attrs {
		av, err := at.ValueFromTerraform(ctx, obj[name])
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unreadable value", err.Error())
			av, _ = at.ValueFromTerraform(ctx, tftypes.Value{}) // null: every attribute is there
		}
		m[name] = av
	}
	return m
}

// raw is m as Terraform's value, or m itself, for the framework to report
// on, when it does not convert here.
func (t objectType) raw(ctx context.Context, m values) any {
	obj := map[string]tftypes.Value{}
	for name, v := range m {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return m
		}
		obj[name] = tv
	}
	if tftypes.ValidateValue(t.tf, obj) != nil {
		return m
	}
	return tftypes.NewValue(t.tf, obj)
}

// wantedCIDRs are the known CIDRs m's configuration asks for, as the API
// lists them.
func wantedCIDRs(m values) []string {
	cidrs, single := m.strings("vpc_cidrs"), get[types.String](m, "vpc_cidr")
	if len(cidrs) == 0 && !single.IsNull() && !single.IsUnknown() {
		cidrs = []string{single.ValueString()}
	}
	return rediscloud.NormalizeCIDRs(cidrs)
}

// peeredRegion is m's kindSpec.peeredRegion attribute, "" when it has none.
func peeredRegion(spec *kindSpec, m values) types.String {
	if spec.peeredRegion == "" {
		return types.StringValue("")
	}
	return get[types.String](m, spec.peeredRegion)
}

// legacyCIDR is vpc_cidr as Redis's own provider stored it, one of several
// CIDRs: kept while the CIDRs are unchanged, so a migrated state plans none.
func legacyCIDR(prior types.String, priorSet, set types.Set) (types.String, bool) {
	if prior.IsNull() || prior.IsUnknown() || len(set.Elements()) < 2 || !set.Equal(priorSet) {
		return types.String{}, false
	}
	return prior, slices.Contains(set.Elements(), attr.Value(prior))
}

// singleCIDR is vpc_cidr everywhere: the only CIDR, or null.
func singleCIDR(elems []attr.Value) types.String {
	if len(elems) == 1 {
		if s, ok := elems[0].(types.String); ok {
			return s
		}
	}
	return types.StringNull()
}

// stringValues is ss as a list's or a set's elements.
func stringValues(ss []string) []attr.Value {
	out := make([]attr.Value, 0, len(ss))
	for _, s := range ss {
		out = append(out, types.StringValue(s))
	}
	return out
}

func optionalString(v string) types.String {
	if v == "" {
		return types.StringNull()
	}
	return types.StringValue(v)
}

// nullUnknowns nulls unknown values, for the state saved before a create's wait.
func nullUnknowns(ctx context.Context, m values) {
	for name, v := range m {
		if v.IsUnknown() {
			m[name], _ = v.Type(ctx).ValueFromTerraform(ctx, tftypes.Value{})
		}
	}
}

func formatID(sub, id int) string { return fmt.Sprintf("%d/%d", sub, id) }

// parseID splits "<subscription_id>/<peering_id>".
func parseID(id string) (sub, peering int, err error) {
	parts := strings.Split(strings.TrimSpace(id), "/")
	if len(parts) == 2 && validate.ID(parts[0]) && validate.ID(parts[1]) {
		s, _ := strconv.Atoi(parts[0])
		p, _ := strconv.Atoi(parts[1])
		return s, p, nil
	}
	return 0, 0, fmt.Errorf("expected <subscription_id>/<peering_id> with two positive whole numbers without leading zeros, at most 2147483647, for example \"1234/567\"; got %q", id)
}

// identityModel is both resources' identity (Terraform 1.12 and later).
type identityModel struct {
	SubscriptionID types.String `tfsdk:"subscription_id"`
	PeeringID      types.Int64  `tfsdk:"peering_id"`
}

// setIdentity records the identity where the engine has identities (not
// Terraform before 1.12, nor OpenTofu).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, sub, id int) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, identityModel{SubscriptionID: types.StringValue(strconv.Itoa(sub)), PeeringID: types.Int64Value(int64(id))})
}

// importTarget is the peering an import names by ID or by identity.
func importTarget(ctx context.Context, req resource.ImportStateRequest) (sub, id int, diags diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil {
		s, p, err := parseID(req.ID)
		if err != nil {
			diags.AddError("Invalid import ID", err.Error())
		}
		return s, p, diags
	}
	var im identityModel
	if diags.Append(req.Identity.Get(ctx, &im)...); diags.HasError() {
		return 0, 0, diags
	}
	if v := im.SubscriptionID.ValueString(); !validate.ID(v) {
		diags.AddAttributeError(path.Root("subscription_id"), "Invalid import identity", fmt.Sprintf("subscription_id %s, got %q", validate.IDRule, v))
	} else {
		sub, _ = strconv.Atoi(v)
	}
	if v := im.PeeringID.ValueInt64(); v <= 0 || v > math.MaxInt32 {
		diags.AddAttributeError(path.Root("peering_id"), "Invalid import identity",
			fmt.Sprintf("peering_id must be the peering's numeric ID, a whole number from 1 to 2147483647, got %d", v))
	} else {
		id = int(v)
	}
	return sub, id, diags
}
