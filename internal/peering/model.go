package peering

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/tfvalues"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/validate"
)

// The conversions between a peering and every type's values go by tfsdk
// name, so one function in each direction serves every type.

// values are a type's attributes by tfsdk name: one form for every kind
// and type (a resource, a data source, a listed peering), which the
// attribute tables fill by name.
type values = tfvalues.Values

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
			m[a.name] = tfvalues.OptionalString(a.get(p))
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
		elems := tfvalues.Elements(cidrs)
		m["vpc_cidrs"], m["vpc_cidr"] = types.ListValueMust(types.StringType, elems), singleCIDR(elems)
	}
}

// setFromPeering fills a resource's state from a listed peering.
func setFromPeering(m values, p *rediscloud.Peering) {
	setPeering(m, p, true)
	cidrs := p.CIDRs
	if len(cidrs) == 0 {
		cidrs = wantedCIDRs(m) // not echoed: keep what was asked for
	}
	set := types.SetNull(types.StringType)
	if len(cidrs) > 0 {
		set = types.SetValueMust(types.StringType, tfvalues.Elements(cidrs))
	}
	m["vpc_cidr"], m["vpc_cidrs"] = cidrValues(cloudOf(p.Provider), types.StringNull(), set, m)
}

// cidrValues are vpc_cidr and vpc_cidrs of a peering of cloud whose CIDRs
// are single or set (at most one of them set), over the prior state's:
// one CIDR is in both, several only in vpc_cidrs, except the one of several
// that Redis's own provider stored in vpc_cidr, kept while the CIDRs are
// unchanged so that a migrated state plans nothing; and a cloud routed by
// no CIDRs has none, though an empty set as that provider stored it stays.
func cidrValues(cloud *cloudSpec, single types.String, set types.Set, prior values) (types.String, types.Set) {
	priorSingle, priorSet := tfvalues.Get[types.String](prior, "vpc_cidr"), tfvalues.Get[types.Set](prior, "vpc_cidrs")
	switch {
	case !cloud.routed && !priorSet.IsNull() && !priorSet.IsUnknown() && len(priorSet.Elements()) == 0:
		return types.StringNull(), priorSet
	case !cloud.routed:
		return types.StringNull(), types.SetNull(types.StringType)
	case single.IsUnknown() || set.IsUnknown() || slices.ContainsFunc(set.Elements(), attr.Value.IsUnknown):
		return types.StringUnknown(), types.SetUnknown(types.StringType)
	case !single.IsNull():
		return single, types.SetValueMust(types.StringType, []attr.Value{single})
	case !priorSingle.IsNull() && !priorSingle.IsUnknown() && len(set.Elements()) > 1 && set.Equal(priorSet) &&
		slices.Contains(set.Elements(), attr.Value(priorSingle)):
		return priorSingle, set
	}
	return singleCIDR(set.Elements()), set
}

// createRequest is the other direction: a plan as the create request.
func createRequest(spec *kindSpec, m values) rediscloud.CreatePeeringRequest {
	cloud := cloudOf(m.ValueString("provider_name"))
	r := rediscloud.CreatePeeringRequest{Provider: m.ValueString("provider_name")}
	for _, a := range spec.strings() {
		if a.input && (a.cloud == nil || a.cloud == cloud) {
			a.set(&r, m.ValueString(a.name))
		}
	}
	if cloud.routed {
		r.CIDRs = wantedCIDRs(m)
	}
	return r
}

// resourceType is the kind's resource schema's, built once.
func (s *kindSpec) resourceType() tfvalues.Type {
	s.typeOnce.Do(func() {
		s.typ = tfvalues.TypeOf(context.Background(), s.resourceSchema(context.Background()).Type())
	})
	return s.typ
}

// wantedCIDRs are the known CIDRs m's configuration asks for, as the API
// lists them.
func wantedCIDRs(m values) []string {
	cidrs, single := m.Strings("vpc_cidrs"), tfvalues.Get[types.String](m, "vpc_cidr")
	if len(cidrs) == 0 && !single.IsNull() && !single.IsUnknown() {
		cidrs = []string{single.ValueString()}
	}
	return rediscloud.NormalizeCIDRs(cidrs)
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

// setIdentity records both resources' identity where the engine has
// identities (Terraform 1.12 and later, not OpenTofu).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, sub, id int) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	diags := identity.SetAttribute(ctx, path.Root("subscription_id"), strconv.Itoa(sub))
	return append(diags, identity.SetAttribute(ctx, path.Root("peering_id"), int64(id))...)
}

// redisCIDRsList is the redis_cidrs value of cidrs, null when none.
func redisCIDRsList(cidrs []string) types.List {
	if len(cidrs) == 0 {
		return types.ListNull(types.StringType)
	}
	return types.ListValueMust(types.StringType, tfvalues.Elements(cidrs))
}
