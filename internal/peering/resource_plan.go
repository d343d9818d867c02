package peering

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// ModifyPlan makes redis_cidrs known in the plan of a new peering, so that
// the apply that creates the peering can route it with for_each (one
// aws_route per block): Terraform needs for_each keys at plan time. It
// costs one read per subscription per plan, shared by every new peering of
// the subscription. Where the read is the subscription itself (Pro), the
// checks a create makes before its POST (the subscription's kind and cloud)
// are made at plan time too, and a subscription missing from the account is
// reported at plan time for both kinds.
//
// The read is bounded by the read timeout, as a refresh is, or by the
// create timeout when that is shorter. Terraform plans again as it applies,
// and a value known in the plan must then be known again: so the read is
// given the time the create itself would have, not a shorter limit of its
// own. When it fails, redis_cidrs stays unknown with a warning, and the
// create fills it in (in an apply whose plan knew it, Terraform then stops
// before the create, saying the final plan changed; nothing is created).
func (r *peeringResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil || req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	m := r.spec.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := m.base()
	region := m.redisRegion()
	if !b.RedisCIDRs.IsUnknown() || b.SubscriptionID.IsUnknown() || region.IsUnknown() || region.IsNull() {
		return
	}
	sub, err := strconv.Atoi(b.SubscriptionID.ValueString())
	if err != nil || !validID(b.SubscriptionID.ValueString()) {
		return // reported by the attribute's validators
	}
	ctx, cancel, op, ok := r.start(ctx, planning, b.Timeouts, sub, 0, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	// What is read here is read for the create: it gets no more time than
	// the create would (timeouts.create, when shorter than timeouts.read).
	if createTimeout, diags := b.Timeouts.Create(ctx, creating.byDefault); !diags.HasError() && createTimeout < op.timeout {
		var cancelCreate context.CancelFunc
		ctx, cancelCreate = context.WithTimeout(ctx, createTimeout)
		defer cancelCreate()
	}
	ctx = tflog.SetField(ctx, "subscription_id", sub)

	// A single-region subscription's own answer holds its Redis-side CIDRs:
	// the read that finds them also serves the create's checks.
	if !r.spec.multiRegion && !b.ProviderName.IsUnknown() {
		s, err := r.client.SubscriptionLayout(ctx, sub)
		if err != nil {
			r.planLookupFailed(ctx, resp, op, err)
			return
		}
		creq, diags := createRequest(ctx, m)
		if !diags.HasError() {
			var ce *configError
			if err := r.spec.checkSubscription(s, &creq); errors.As(err, &ce) {
				resp.Diagnostics.AddAttributeError(path.Root(ce.attribute), op.summary(), op.hide(ce.msg))
				return
			}
		}
	}
	cidrs, err := r.client.RedisCIDRs(ctx, r.spec.kind, sub, region.ValueString())
	if err != nil {
		r.planLookupFailed(ctx, resp, op, err)
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("redis_cidrs"), redisCIDRsList(cidrs))...)
}

// planLookupFailed reports a failed plan-time read: an error when the
// subscription is not in the account, a warning otherwise. (A source_region
// the subscription lacks is only warned about here: the create's checks
// report it in their order, the subscription's kind and cloud first.)
func (r *peeringResource) planLookupFailed(ctx context.Context, resp *resource.ModifyPlanResponse, op operation, err error) {
	var sn *rediscloud.SubscriptionNotFoundError
	if errors.As(err, &sn) {
		resp.Diagnostics.AddAttributeError(path.Root("subscription_id"), op.summary(), op.describe(err, ""))
		return
	}
	tflog.Warn(ctx, "Redis-side CIDRs not read at plan time", map[string]any{"error": err.Error()})
	resp.Diagnostics.AddWarning("redis_cidrs known only after apply",
		fmt.Sprintf("The Redis Cloud side's CIDR blocks of the new %s peering on subscription %d could not be read at plan time: %s. "+
			"redis_cidrs is known after apply, so a for_each over it fails in this plan; it works once the peering exists.",
			r.spec.subscriptionNoun, op.sub, op.hide(err.Error())))
}
