package peering

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// vpc_cidr and vpc_cidrs are both optional and computed (the layout Redis's
// own provider keeps in state): the one not configured is derived from the
// other. Deriving it in the plan, instead of leaving it unknown, keeps plans
// free of "(known after apply)" noise and makes a CIDR change an honest
// in-place update.

func setModifiers() []planmodifier.Set { return []planmodifier.Set{cidrSetFromSingleModifier{}} }

type cidrSetFromSingleModifier struct{}

func (cidrSetFromSingleModifier) Description(context.Context) string {
	return "When vpc_cidrs is not configured, it holds the single vpc_cidr."
}

func (m cidrSetFromSingleModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (cidrSetFromSingleModifier) PlanModifySet(ctx context.Context, req planmodifier.SetRequest, resp *planmodifier.SetResponse) {
	if !req.ConfigValue.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	cloud, known := plannedCloud(ctx, req.Plan)
	if !known {
		resp.PlanValue = types.SetUnknown(types.StringType)
		return
	}
	if !cloud.routed {
		// Redis's own provider stored an empty set here; keep it rather
		// than plan a cosmetic update of a migrated state.
		if !req.StateValue.IsNull() && !req.StateValue.IsUnknown() && len(req.StateValue.Elements()) == 0 {
			resp.PlanValue = req.StateValue
			return
		}
		resp.PlanValue = types.SetNull(types.StringType)
		return
	}
	var single types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("vpc_cidr"), &single)...)
	switch {
	case single.IsUnknown():
		resp.PlanValue = types.SetUnknown(types.StringType)
	case single.IsNull():
		resp.PlanValue = types.SetNull(types.StringType)
	default:
		v, diags := types.SetValueFrom(ctx, types.StringType, []string{single.ValueString()})
		resp.Diagnostics.Append(diags...)
		resp.PlanValue = v
	}
}

type cidrFromSetModifier struct{}

func (cidrFromSetModifier) Description(context.Context) string {
	return "When vpc_cidr is not configured, it holds the only element of vpc_cidrs, or null when there are several."
}

func (m cidrFromSetModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (cidrFromSetModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	cloud, known := plannedCloud(ctx, req.Plan)
	if !known {
		resp.PlanValue = types.StringUnknown()
		return
	}
	if !cloud.routed {
		resp.PlanValue = types.StringNull()
		return
	}
	var set types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("vpc_cidrs"), &set)...)
	if set.IsUnknown() {
		resp.PlanValue = types.StringUnknown()
		return
	}
	if set.IsNull() {
		resp.PlanValue = types.StringNull()
		return
	}
	elems := set.Elements()
	for _, e := range elems {
		if e.IsUnknown() {
			resp.PlanValue = types.StringUnknown()
			return
		}
	}
	resp.PlanValue = singleCIDR(elems)
	if !req.StateValue.IsNull() && !req.StateValue.IsUnknown() {
		var stateSet types.Set
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("vpc_cidrs"), &stateSet)...)
		if legacy, ok := legacyCIDR(req.StateValue, stateSet, set); ok {
			resp.PlanValue = legacy
		}
	}
}

// plannedCloud reads provider_name from the plan, where its default applies.
func plannedCloud(ctx context.Context, plan tfsdk.Plan) (cloud *cloudSpec, known bool) {
	var name types.String
	if diags := plan.GetAttribute(ctx, path.Root("provider_name"), &name); diags.HasError() || name.IsUnknown() {
		return nil, false
	}
	return cloudOf(name.ValueString()), true
}
