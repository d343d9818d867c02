package peering

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// The conversions between a peering and every type's state struct go by
// tfsdk name, so one function in each direction serves every type.

// peeringAttrs are the attributes every type shows of a peering.
type peeringAttrs struct {
	PeeringID           types.Int64  `tfsdk:"peering_id"`
	ProviderName        types.String `tfsdk:"provider_name"`
	Status              types.String `tfsdk:"status"`
	AWSAccountID        types.String `tfsdk:"aws_account_id"`
	AWSPeeringID        types.String `tfsdk:"aws_peering_id"`
	VPCID               types.String `tfsdk:"vpc_id"`
	VPCCidr             types.String `tfsdk:"vpc_cidr"`
	GCPProjectID        types.String `tfsdk:"gcp_project_id"`
	GCPNetworkName      types.String `tfsdk:"gcp_network_name"`
	GCPRedisProjectID   types.String `tfsdk:"gcp_redis_project_id"`
	GCPRedisNetworkName types.String `tfsdk:"gcp_redis_network_name"`
	GCPRedisNetworkPath types.String `tfsdk:"gcp_redis_network_path"`
	GCPPeeringID        types.String `tfsdk:"gcp_peering_id"`
	RedisCIDRs          types.List   `tfsdk:"redis_cidrs"`
}

// baseModel holds the attributes both peering resources share.
type baseModel struct {
	peeringAttrs
	ID             types.String   `tfsdk:"id"`
	SubscriptionID types.String   `tfsdk:"subscription_id"`
	VPCCidrs       types.Set      `tfsdk:"vpc_cidrs"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

// peeringElement is a peering in the data sources. vpc_cidrs is empty, not
// null, without CIDRs, so flatten(peerings[*].vpc_cidrs) needs no checks.
type peeringElement struct {
	peeringAttrs
	VPCCidrs types.List `tfsdk:"vpc_cidrs"`
}

// peeringListModel is the list data sources' state but for what the kind adds.
type peeringListModel struct {
	ID             types.String     `tfsdk:"id"`
	SubscriptionID types.String     `tfsdk:"subscription_id"`
	Status         types.String     `tfsdk:"status"`
	Timeouts       dstimeouts.Value `tfsdk:"timeouts"`
}

// peeringLookupModel is the lookup data source's state (Pro only).
type peeringLookupModel struct {
	proPeeringElement
	ID             types.String     `tfsdk:"id"`
	SubscriptionID types.String     `tfsdk:"subscription_id"`
	WaitForStatus  types.String     `tfsdk:"wait_for_status"`
	Timeouts       dstimeouts.Value `tfsdk:"timeouts"`
}

// model is a kind's resource state, which embeds baseModel.
type model interface{ base() *baseModel }

func (b *baseModel) base() *baseModel { return b }

// converted are the string attributes any type takes from the API; a
// struct lacking one skips it.
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

// setPeering converts a listed peering into dst, any type's struct: another
// cloud's attributes are null, and with keep (a resource) an input the API
// did not echo keeps its value rather than plan a replacement.
func setPeering(dst any, p *rediscloud.Peering, keep bool) {
	own := cloudOf(p.Provider)
	fields := fieldsOf(dst)
	for _, a := range converted {
		f, ok := fields[a.name].(*types.String)
		switch {
		case !ok:
		case a.cloud != nil && a.cloud != own:
			*f = types.StringNull()
		case a.input && keep && a.get(p) == "" && !f.IsUnknown():
		default:
			*f = optionalString(a.get(p))
		}
	}
	*fields["peering_id"].(*types.Int64) = types.Int64Value(int64(p.ID))
	if l, ok := fields["vpc_cidrs"].(*types.List); ok {
		var cidrs []string
		if own.routed {
			cidrs = p.CIDRs
		}
		elems := stringValues(cidrs)
		*l = types.ListValueMust(types.StringType, elems)
		*fields["vpc_cidr"].(*types.String) = singleCIDR(elems)
	}
}

// setFromPeering fills a resource's state from a listed peering.
func setFromPeering(ctx context.Context, m model, p *rediscloud.Peering) diag.Diagnostics {
	setPeering(m, p, true)
	b := m.base()
	if !cloudOf(p.Provider).routed {
		b.VPCCidr = types.StringNull()
		// An empty set (as Redis's own provider stored it) stays as it is.
		if b.VPCCidrs.IsUnknown() || b.VPCCidrs.IsNull() || len(b.VPCCidrs.Elements()) > 0 {
			b.VPCCidrs = types.SetNull(types.StringType)
		}
		return nil
	}
	cidrs, diags := p.CIDRs, diag.Diagnostics(nil)
	if len(cidrs) == 0 {
		cidrs, diags = b.wantedCIDRs(ctx) // not echoed: keep what was asked for
	}
	prior, priorSet := b.VPCCidr, b.VPCCidrs
	b.VPCCidrs, b.VPCCidr = types.SetNull(types.StringType), types.StringNull()
	if len(cidrs) > 0 {
		elems := stringValues(cidrs)
		b.VPCCidrs, b.VPCCidr = types.SetValueMust(types.StringType, elems), singleCIDR(elems)
	}
	if legacy, ok := legacyCIDR(prior, priorSet, b.VPCCidrs); ok {
		b.VPCCidr = legacy
	}
	return diags
}

// createRequest is the other direction: a plan as the create request.
func createRequest(ctx context.Context, spec *kindSpec, m model) (rediscloud.CreatePeeringRequest, diag.Diagnostics) {
	b := m.base()
	cloud := b.cloud()
	r := rediscloud.CreatePeeringRequest{Provider: b.ProviderName.ValueString()}
	fields := fieldsOf(m)
	for _, a := range spec.strings() {
		if a.input && (a.cloud == nil || a.cloud == cloud) {
			a.set(&r, fields[a.name].(*types.String).ValueString())
		}
	}
	var diags diag.Diagnostics
	if cloud.routed {
		r.CIDRs, diags = b.wantedCIDRs(ctx)
	}
	return r, diags
}

// load and raw convert a resource's model by the schema's types: the
// framework's Get and Set reflect anew on every call, which a refresh of many
// peerings pays for each.

func (s *kindSpec) types() (map[string]attr.Type, tftypes.Type) {
	s.typesOnce.Do(func() {
		t := s.resourceSchema(context.Background()).Type()
		s.attrTypes, s.objectType = t.(types.ObjectType).AttrTypes, t.TerraformType(context.Background())
	})
	return s.attrTypes, s.objectType
}

// load reads the kind's model from a plan's or a state's value.
func (s *kindSpec) load(ctx context.Context, v tftypes.Value, diags *diag.Diagnostics) model {
	m, obj := s.newModel(), rawOf(v)
	attrTypes, _ := s.types()
	for name, f := range fieldsOf(m) {
		av, err := attrTypes[name].ValueFromTerraform(ctx, obj[name])
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unreadable value", err.Error())
			continue
		}
		reflect.ValueOf(f).Elem().Set(reflect.ValueOf(av))
	}
	return m
}

// raw is m as Terraform's value, or m itself, for the framework to convert
// and report on, when it does not convert here.
func (s *kindSpec) raw(ctx context.Context, m model) any {
	_, objectType := s.types()
	obj := map[string]tftypes.Value{}
	for name, f := range fieldsOf(m) {
		v, err := reflect.ValueOf(f).Elem().Interface().(attr.Value).ToTerraformValue(ctx)
		if err != nil {
			return m
		}
		obj[name] = v
	}
	if tftypes.ValidateValue(objectType, obj) != nil {
		return m
	}
	return tftypes.NewValue(objectType, obj)
}

// cloud is the spec of the model's provider_name.
func (b *baseModel) cloud() *cloudSpec { return cloudOf(b.ProviderName.ValueString()) }

// wantedCIDRs are the CIDRs the configuration asks for, as the API lists them.
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

// peeredRegion is m's kindSpec.peeredRegion attribute, "" when it has none.
func peeredRegion(spec *kindSpec, m model) types.String {
	if spec.peeredRegion == "" {
		return types.StringValue("")
	}
	return *fieldsOf(m)[spec.peeredRegion].(*types.String)
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

// nullModel is the kind's model with every attribute null.
func (s *kindSpec) nullModel(ctx context.Context) model {
	return s.load(ctx, tftypes.Value{}, new(diag.Diagnostics))
}

// nullUnknowns nulls unknown values, for the state saved before a create's wait.
func (s *kindSpec) nullUnknowns(ctx context.Context, m model) {
	null := fieldsOf(s.nullModel(ctx))
	for name, f := range fieldsOf(m) {
		if v := reflect.ValueOf(f).Elem(); v.Interface().(attr.Value).IsUnknown() {
			v.Set(reflect.ValueOf(null[name]).Elem())
		}
	}
}

// fieldsOf maps the tfsdk names of the struct v points to, embedded ones
// included, to the fields' addresses.
func fieldsOf(v any) map[string]any {
	out := map[string]any{}
	var walk func(rv reflect.Value)
	walk = func(rv reflect.Value) {
		for i := range rv.NumField() {
			f, sf := rv.Field(i), rv.Type().Field(i)
			if sf.Anonymous {
				walk(f)
			} else if name := sf.Tag.Get("tfsdk"); name != "" {
				out[name] = f.Addr().Interface()
			}
		}
	}
	walk(reflect.ValueOf(v).Elem())
	return out
}

func formatID(sub, id int) string { return fmt.Sprintf("%d/%d", sub, id) }

// parseID splits "<subscription_id>/<peering_id>".
func parseID(id string) (sub, peering int, err error) {
	parts := strings.Split(strings.TrimSpace(id), "/")
	if len(parts) == 2 && validID(parts[0]) && validID(parts[1]) {
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
	if v := im.SubscriptionID.ValueString(); !validID(v) {
		diags.AddAttributeError(path.Root("subscription_id"), "Invalid import identity", fmt.Sprintf("subscription_id %s, got %q", idRule, v))
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
