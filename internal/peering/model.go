package peering

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// baseModel holds the attributes both peering resources share.
type baseModel struct {
	ID                  types.String   `tfsdk:"id"`
	PeeringID           types.Int64    `tfsdk:"peering_id"`
	SubscriptionID      types.String   `tfsdk:"subscription_id"`
	ProviderName        types.String   `tfsdk:"provider_name"`
	AWSAccountID        types.String   `tfsdk:"aws_account_id"`
	VPCID               types.String   `tfsdk:"vpc_id"`
	VPCCidr             types.String   `tfsdk:"vpc_cidr"`
	VPCCidrs            types.Set      `tfsdk:"vpc_cidrs"`
	GCPProjectID        types.String   `tfsdk:"gcp_project_id"`
	GCPNetworkName      types.String   `tfsdk:"gcp_network_name"`
	Status              types.String   `tfsdk:"status"`
	AWSPeeringID        types.String   `tfsdk:"aws_peering_id"`
	GCPRedisProjectID   types.String   `tfsdk:"gcp_redis_project_id"`
	GCPRedisNetworkName types.String   `tfsdk:"gcp_redis_network_name"`
	GCPPeeringID        types.String   `tfsdk:"gcp_peering_id"`
	RedisCIDRs          types.List     `tfsdk:"redis_cidrs"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

// model is what the shared resource code needs of either kind's state
// struct (proModel, activeActiveModel).
type model interface {
	base() *baseModel
	// regions copies the region attributes into a create request.
	regions(r *rediscloud.CreatePeeringRequest)
	// setRegions fills the region attributes from the API, keeping
	// configured values the API did not return.
	setRegions(p *rediscloud.Peering)
	// redisRegion is the region whose Redis-side CIDRs the peering
	// reaches, as RedisCIDRs takes it: the source region (Active-Active),
	// or "" (Pro: the subscription has one).
	redisRegion() types.String
}

// base is promoted to both kinds' models.
func (b *baseModel) base() *baseModel { return b }

// keepIfEmpty returns v, or old when the API sent nothing: an input the API
// does not echo must not turn into a planned replacement.
func keepIfEmpty(v string, old types.String) types.String {
	if v == "" {
		if old.IsUnknown() {
			return types.StringNull()
		}
		return old
	}
	return types.StringValue(v)
}

func optionalString(v string) types.String {
	if v == "" {
		return types.StringNull()
	}
	return types.StringValue(v)
}

// cloud is the spec of the model's provider_name.
func (b *baseModel) cloud() *cloudSpec { return cloudOf(b.ProviderName.ValueString()) }

// wantedCIDRs returns the consumer CIDRs the configuration asks for, sorted.
func (b *baseModel) wantedCIDRs(ctx context.Context) ([]string, diag.Diagnostics) {
	var out []string
	var diags diag.Diagnostics
	switch {
	case !b.VPCCidrs.IsNull() && !b.VPCCidrs.IsUnknown():
		diags = b.VPCCidrs.ElementsAs(ctx, &out, false)
	case !b.VPCCidr.IsNull() && !b.VPCCidr.IsUnknown():
		out = []string{b.VPCCidr.ValueString()}
	}
	return rediscloud.NormalizeCIDRs(out), diags
}

// createRequest turns a plan into the API's create request.
func createRequest(ctx context.Context, m model) (rediscloud.CreatePeeringRequest, diag.Diagnostics) {
	b := m.base()
	cloud := b.cloud()
	r := rediscloud.CreatePeeringRequest{Provider: b.ProviderName.ValueString()}
	m.regions(&r)
	fields := stringFields(m)
	for _, s := range cloud.strings {
		if s.input {
			s.set(&r, fields[s.name].ValueString())
		}
	}
	if !cloud.routed {
		return r, nil
	}
	cidrs, diags := b.wantedCIDRs(ctx)
	r.CIDRs = cidrs
	return r, diags
}

// setFromPeering fills the state from a listed peering. Inputs the API did
// not return keep their current value; computed outputs follow the API.
func setFromPeering(ctx context.Context, m model, p *rediscloud.Peering) diag.Diagnostics {
	var diags diag.Diagnostics
	b := m.base()
	b.ID = types.StringValue(formatID(p.SubscriptionID, p.ID))
	b.PeeringID = types.Int64Value(int64(p.ID))
	b.SubscriptionID = types.StringValue(strconv.Itoa(p.SubscriptionID))
	b.ProviderName = types.StringValue(p.Provider)
	b.Status = optionalString(p.Status)
	m.setRegions(p)
	setCloudStrings(stringFields(m), p, true)
	if !cloudOf(p.Provider).routed {
		b.VPCCidr = types.StringNull()
		// An empty set (as Redis's own provider stored it) stays as it is.
		if b.VPCCidrs.IsUnknown() || b.VPCCidrs.IsNull() || len(b.VPCCidrs.Elements()) > 0 {
			b.VPCCidrs = types.SetNull(types.StringType)
		}
		return diags
	}
	cidrs := p.CIDRs
	if len(cidrs) == 0 {
		// Not echoed: keep what the configuration asked for.
		var d diag.Diagnostics
		cidrs, d = b.wantedCIDRs(ctx)
		diags.Append(d...)
	}
	prior, priorSet := b.VPCCidr, b.VPCCidrs
	b.VPCCidrs, b.VPCCidr = cidrValues(cidrs)
	if legacy, ok := legacyCIDR(prior, priorSet, b.VPCCidrs); ok {
		b.VPCCidr = legacy
	}
	return diags
}

// legacyCIDR is vpc_cidr as Redis's own provider stored it: one of several
// CIDRs. It is kept while the CIDRs are the ones it was stored with, in
// state and in the plan, so that a migrated state plans no change.
func legacyCIDR(prior types.String, priorSet, set types.Set) (types.String, bool) {
	if prior.IsNull() || prior.IsUnknown() || len(set.Elements()) < 2 || !set.Equal(priorSet) {
		return types.String{}, false
	}
	return prior, slices.Contains(set.Elements(), attr.Value(prior))
}

// cidrValues is a resource's two CIDR attributes: the set holds every
// CIDR (null when there is none), vpc_cidr the one rule of singleCIDR.
func cidrValues(cidrs []string) (types.Set, types.String) {
	if len(cidrs) == 0 {
		return types.SetNull(types.StringType), types.StringNull()
	}
	elems := stringValues(cidrs)
	return types.SetValueMust(types.StringType, elems), singleCIDR(elems)
}

// singleCIDR is the one rule of vpc_cidr, in state, in a data source and
// in the plan: the CIDR when there is exactly one, null when there are
// several (read them from vpc_cidrs) or none.
func singleCIDR(elems []attr.Value) types.String {
	if len(elems) == 1 {
		if s, ok := elems[0].(types.String); ok {
			return s
		}
	}
	return types.StringNull()
}

func stringValues(ss []string) []attr.Value {
	out := make([]attr.Value, 0, len(ss))
	for _, s := range ss {
		out = append(out, types.StringValue(s))
	}
	return out
}

// nullUnknowns replaces unknown computed values with null, for the partial
// state saved when a create fails after the peering exists.
func nullUnknowns(b *baseModel) {
	for _, s := range []*types.String{&b.ID, &b.ProviderName, &b.VPCCidr, &b.Status, &b.AWSPeeringID, &b.GCPRedisProjectID, &b.GCPRedisNetworkName, &b.GCPPeeringID} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	if b.VPCCidrs.IsUnknown() {
		b.VPCCidrs = types.SetNull(types.StringType)
	}
	if b.RedisCIDRs.IsUnknown() {
		b.RedisCIDRs = types.ListNull(types.StringType)
	}
	if b.PeeringID.IsUnknown() {
		b.PeeringID = types.Int64Null()
	}
}

func formatID(sub, id int) string { return fmt.Sprintf("%d/%d", sub, id) }

// parseID splits "<subscription_id>/<peering_id>".
func parseID(id string) (sub, peering int, err error) {
	parts := strings.Split(strings.TrimSpace(id), "/")
	if len(parts) == 2 {
		if validID(parts[0]) && validID(parts[1]) {
			s, _ := strconv.Atoi(parts[0])
			p, _ := strconv.Atoi(parts[1])
			return s, p, nil
		}
	}
	return 0, 0, fmt.Errorf("expected <subscription_id>/<peering_id> with two positive whole numbers without leading zeros, at most 2147483647, for example \"1234/567\"; got %q", id)
}
