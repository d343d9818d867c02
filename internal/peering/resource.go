package peering

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/tfvalues"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/validate"
)

// peeringResource implements both peering resources.
type peeringResource struct{ peeringType }

func (r *peeringResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.spec.resourceSchema(ctx)
}

func (r *peeringResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = r.spec.identitySchema()
}

// startOn begins ph on the peering whose ID is in m's state (read, update
// and delete).
func (r *peeringResource) startOn(ctx context.Context, ph phase, m values, diags *diag.Diagnostics) (context.Context, context.CancelFunc, operation, bool) {
	if diags.HasError() {
		return ctx, nil, operation{}, false
	}
	sub, peering, err := parseID(m.ValueString("id"))
	if err != nil {
		diags.AddAttributeError(path.Root("id"), "Invalid peering ID in state", err.Error())
		return ctx, nil, operation{}, false
	}
	return r.begin(ctx, operation{phase: ph, sub: sub, peering: peering}, m, diags)
}

// send sends a change in the subscription's turn (rediscloud.Turn); the
// caller defers release, which holds the turn until the change shows.
func (r *peeringResource) send(ctx context.Context, sub int, change func() error) (release func(), err error) {
	turn, err := r.client.HoldSubscription(ctx, sub)
	if err != nil {
		return func() {}, err
	}
	err = change()
	turn.Sent()
	return turn.Release, err
}

func (r *peeringResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	m := r.spec.resourceType().Load(ctx, req.Plan.Raw, &resp.Diagnostics)
	sub, _ := strconv.Atoi(m.ValueString("subscription_id")) // validated
	ctx, cancel, op, ok := r.begin(ctx, operation{phase: creating, sub: sub}, m, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	creq := createRequest(r.spec, m)
	ctx = tflog.SetField(ctx, "subscription_id", sub)

	// Vet the subscription before anything is sent; CreatePeering reuses the read.
	var res rediscloud.CreateResult
	s, err := r.client.ActiveSubscription(ctx, sub)
	if err == nil {
		err = r.spec.checkSubscription(s, &creq)
	}
	if err == nil {
		var release func()
		release, err = r.send(ctx, sub, func() (err error) {
			onTask := func(id string) { tflog.Debug(ctx, "create task accepted", map[string]any{"task_id": id}) }
			res, err = r.client.CreatePeering(ctx, r.spec.kind, sub, creq, rediscloud.CreateOptions{OnTask: onTask})
			return err
		})
		defer release()
	}
	if err != nil && res.ID == 0 {
		var ie *rediscloud.CreateIncompleteError
		next := ""
		switch {
		case rediscloud.IsAlreadyExists(err):
			next = r.duplicateAdvice(ctx, sub, &creq)
		case errors.As(err, &ie):
			next = r.incompleteAdvice(ie, op)
		}
		op.addError(&resp.Diagnostics, err, next)
		return
	}
	createdAt := time.Now()
	op.peering = res.ID
	if res.Adopted {
		resp.Diagnostics.AddWarning("Existing peering adopted",
			fmt.Sprintf("The answer to the create request was lost, and sending it again found peering %s of this network already there. "+
				"It was taken as the one the lost request created, and is now in this state. "+
				"If another configuration or workspace manages it, remove it from one of them (terraform state rm).", formatID(sub, res.ID)))
	}
	ctx = tflog.SetField(ctx, "peering_id", res.ID)

	// Record the ID before waiting, so a failed wait leaves it tainted, not orphaned.
	m["id"], m["peering_id"] = types.StringValue(formatID(sub, res.ID)), types.Int64Value(int64(res.ID))
	m.NullUnknowns(ctx)
	resp.Diagnostics.Append(resp.State.Set(ctx, r.spec.resourceType().Raw(ctx, m))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, sub, res.ID)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tainted := fmt.Sprintf("The peering exists as %s and is saved in state, marked tainted: the next apply replaces it, "+
		"or run `terraform untaint` on it to keep it.", formatID(sub, res.ID))
	if err != nil { // interrupted, but the lookup that followed found the peering
		op.addError(&resp.Diagnostics, err, tainted)
		return
	}

	p, err := r.client.WaitPeeringSettled(ctx, r.spec.kind, sub, res, createdAt)
	if err != nil {
		if p != nil {
			setFromPeering(m, r.client.Shown(p))
			resp.Diagnostics.Append(resp.State.Set(ctx, r.spec.resourceType().Raw(ctx, m))...)
		}
		op.addError(&resp.Diagnostics, err, tainted)
		return
	}
	r.save(ctx, m, p, &resp.State, resp.Identity, &resp.Diagnostics)
	tflog.Info(ctx, "created peering", map[string]any{"status": p.Status, "adopted": res.Adopted, "aws_peering_id": p.AWSPeeringID})
}

// save records p in m and m in state, with redis_cidrs and the identity.
func (r *peeringResource) save(ctx context.Context, m values, p *rediscloud.Peering, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	setFromPeering(m, r.client.Shown(p))
	if redis := tfvalues.Get[types.List](m, "redis_cidrs"); redis.IsNull() || redis.IsUnknown() {
		l := redisCIDRsLookup{client: r.client, kind: r.spec.kind, sub: p.SubscriptionID}
		m["redis_cidrs"] = l.value(ctx, m.ValueString(r.spec.peeredRegion))
		l.warn(diags, "peering "+formatID(p.SubscriptionID, p.ID))
	}
	diags.Append(state.Set(ctx, r.spec.resourceType().Raw(ctx, m))...)
	diags.Append(setIdentity(ctx, identity, p.SubscriptionID, p.ID)...)
}

func (r *peeringResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	m := r.spec.resourceType().Load(ctx, req.State.Raw, &resp.Diagnostics)
	ctx, cancel, op, ok := r.startOn(ctx, reading, m, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	sub, id := op.sub, op.peering

	p, err := r.client.GetPeering(ctx, r.spec.kind, sub, id, m.ValueString(r.spec.peeredRegion))
	switch {
	case err == nil:
	case rediscloud.IsNotFound(err):
		tflog.Warn(ctx, "peering no longer exists; removing it from state", map[string]any{"id": formatID(sub, id), "reason": err.Error()})
		resp.State.RemoveResource(ctx)
		// The framework wants an identity after every read that does not fail.
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, sub, id)...)
		return
	default:
		op.addError(&resp.Diagnostics, err, "")
		return
	}
	r.save(ctx, m, p, &resp.State, resp.Identity, &resp.Diagnostics)
	tflog.Info(ctx, "read peering", map[string]any{"id": formatID(sub, id), "status": p.Status})
}

func (r *peeringResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state := r.spec.resourceType().Load(ctx, req.Plan.Raw, &resp.Diagnostics), r.spec.resourceType().Load(ctx, req.State.Raw, &resp.Diagnostics)
	ctx, cancel, op, ok := r.startOn(ctx, updating, plan, &resp.Diagnostics) // bounded as planned; its id is the state's
	if !ok {
		return
	}
	defer cancel()
	sub, id := op.sub, op.peering

	want, have := wantedCIDRs(plan), wantedCIDRs(state)
	var p *rediscloud.Peering
	var err error
	if cloudOf(plan.ValueString("provider_name")).routed && !slices.Equal(want, have) {
		var release func()
		release, err = r.send(ctx, sub, func() error { return r.client.UpdatePeeringCIDRs(ctx, r.spec.kind, sub, id, want) })
		defer release()
		if err == nil {
			p, err = r.client.WaitPeeringCIDRs(ctx, r.spec.kind, sub, id, time.Now(), want)
		}
	} else {
		p, err = r.client.GetPeering(ctx, r.spec.kind, sub, id, state.ValueString(r.spec.peeredRegion))
	}
	if err != nil {
		op.addError(&resp.Diagnostics, err, "")
		return
	}
	r.save(ctx, plan, p, &resp.State, resp.Identity, &resp.Diagnostics)
	tflog.Info(ctx, "updated peering", map[string]any{"id": formatID(sub, id), "cidrs": strings.Join(want, ",")})
}

func (r *peeringResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	m := r.spec.resourceType().Load(ctx, req.State.Raw, &resp.Diagnostics)
	ctx, cancel, op, ok := r.startOn(ctx, deleting, m, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	release, err := r.send(ctx, op.sub, func() error { return r.client.DeletePeering(ctx, r.spec.kind, op.sub, op.peering) })
	defer release()
	// Wait until the list shows it gone, so that a re-create does not meet it.
	if err == nil || rediscloud.IsNotFound(err) {
		err = r.client.WaitPeeringDeleted(ctx, r.spec.kind, op.sub, op.peering, time.Now())
	}
	if err != nil && !rediscloud.IsNotFound(err) {
		op.addError(&resp.Diagnostics, err, "")
		return
	}
	tflog.Info(ctx, "deleted peering", map[string]any{"id": formatID(op.sub, op.peering)})
}

// ImportState takes `<subscription_id>/<peering_id>`, or an identity whose
// subscription_id and peering_id follow the same rule.
func (r *peeringResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	given, summary := req.ID, "Invalid import ID"
	if given == "" && req.Identity != nil {
		var s types.String
		var p types.Int64
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("subscription_id"), &s)...)
		if resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("peering_id"), &p)...); resp.Diagnostics.HasError() {
			return
		}
		given, summary = fmt.Sprintf("%s/%d", s.ValueString(), p.ValueInt64()), "Invalid import identity"
	}
	sub, id, err := parseID(given)
	if err != nil {
		resp.Diagnostics.AddError(summary+" for "+r.spec.resourceTypeName(), err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), formatID(sub, id))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("subscription_id"), strconv.Itoa(sub))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("peering_id"), int64(id))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, sub, id)...)
}

// ModifyPlan makes a new peering's redis_cidrs known in the plan, with one
// read per subscription per plan, so that the apply creating it can route
// it with for_each. It is bounded by the create timeout when shorter than
// the read's: the apply plans again, and must know it again. When the read
// fails, redis_cidrs stays unknown with a warning and the create fills it.
func (r *peeringResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	typ := r.spec.resourceType()
	m, state := typ.Load(ctx, req.Plan.Raw, &resp.Diagnostics), typ.Load(ctx, req.State.Raw, &resp.Diagnostics)
	// The one of vpc_cidr and vpc_cidrs not configured is planned from the
	// other, instead of "(known after apply)".
	cfg := typ.Load(ctx, req.Config.Raw, &resp.Diagnostics)
	single, set := types.StringUnknown(), types.SetUnknown(types.StringType)
	if name := tfvalues.Get[types.String](m, "provider_name"); !name.IsUnknown() { // the plan has its default
		single, set = cidrValues(cloudOf(name.ValueString()), tfvalues.Get[types.String](cfg, "vpc_cidr"), tfvalues.Get[types.Set](cfg, "vpc_cidrs"), state)
	}
	for name, v := range map[string]attr.Value{"vpc_cidr": single, "vpc_cidrs": set} {
		if cfg[name].IsNull() && !v.Equal(m[name]) {
			m[name] = v
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), v)...)
		}
	}
	if !req.State.Raw.IsNull() {
		r.planExisting(ctx, m, state, resp)
		return
	}
	region := tfvalues.Get[types.String](m, r.spec.peeredRegion) // null for a kind without
	if r.client == nil || !tfvalues.Get[types.List](m, "redis_cidrs").IsUnknown() || r.spec.peeredRegion != "" && (region.IsUnknown() || region.IsNull()) ||
		!validate.ID(m.ValueString("subscription_id")) {
		return // an invalid ID is reported by the attribute's validators; an unknown one reads as ""
	}
	sub, _ := strconv.Atoi(m.ValueString("subscription_id"))
	ctx, cancel, op, ok := r.begin(ctx, operation{phase: planning, sub: sub}, m, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	if createTimeout, diags := creating.timeout(ctx, m); !diags.HasError() && createTimeout < op.timeout {
		var cancelCreate context.CancelFunc
		ctx, cancelCreate = context.WithTimeout(ctx, createTimeout)
		defer cancelCreate()
	}
	ctx = tflog.SetField(ctx, "subscription_id", sub)

	// Where the subscription itself answers its Redis-side CIDRs, its
	// read serves the create's checks too.
	if r.spec.peeredRegion == "" && !tfvalues.Get[types.String](m, "provider_name").IsUnknown() {
		s, err := r.client.SubscriptionLayout(ctx, sub)
		if err != nil {
			r.planLookupFailed(ctx, resp, op, err)
			return
		}
		creq := createRequest(r.spec, m)
		if err := r.spec.checkSubscription(s, &creq); err != nil {
			op.addError(&resp.Diagnostics, err, "")
			return
		}
	}
	cidrs, err := r.client.RedisCIDRs(ctx, r.spec.kind, sub, region.ValueString())
	if err != nil {
		r.planLookupFailed(ctx, resp, op, err)
		return
	}
	checkOverlap(m, cidrs, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("redis_cidrs"), redisCIDRsList(cidrs))...)
}

// planExisting replaces a failed peering (Redis Cloud never revives one),
// reports a broken one, and checks new CIDRs against the Redis side's.
func (r *peeringResource) planExisting(ctx context.Context, plan, state values, resp *resource.ModifyPlanResponse) {
	id, status, cloud := state.ValueString("id"), state.ValueString("status"), cloudOf(state.ValueString("provider_name"))
	switch status {
	case rediscloud.StatusFailed:
		resp.Diagnostics.AddWarning("Failed peering will be replaced", fmt.Sprintf("%s peering %s is %q in Redis Cloud, so it carries no traffic. %s "+
			"This apply deletes it and creates it again; check the attributes named above first, or the new one fails alike.",
			r.spec.subscriptionNoun, id, status, cloud.failed))
		// Terraform honours the replacement only with an unknown status.
		for _, a := range r.spec.strings() {
			if !a.input && a.cloud == cloud {
				plan[a.name] = types.StringUnknown()
			}
		}
		plan["id"], plan["peering_id"], plan["status"] = types.StringUnknown(), types.Int64Unknown(), types.StringUnknown()
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("status"))
		resp.Diagnostics.Append(resp.Plan.Set(ctx, r.spec.resourceType().Raw(ctx, plan))...)
	case rediscloud.StatusInactive:
		if cloud.broken != "" {
			resp.Diagnostics.AddWarning("Peering is inactive", fmt.Sprintf("%s peering %s is %q in Redis Cloud: %s. "+
				"To set it up again, replace it: terraform apply -replace='%s.<name>' (the accepter on your side is replaced with it).",
				r.spec.subscriptionNoun, id, status, cloud.broken, r.spec.resourceTypeName()))
		}
	}
	if !plan["vpc_cidrs"].Equal(state["vpc_cidrs"]) && !state["redis_cidrs"].IsUnknown() {
		checkOverlap(plan, state.Strings("redis_cidrs"), &resp.Diagnostics)
	}
}

// checkOverlap reports each configured CIDR that overlaps one of redis,
// which Redis Cloud would refuse only after a task.
func checkOverlap(m values, redis []string, diags *diag.Diagnostics) {
	want, attribute := wantedCIDRs(m), "vpc_cidrs"
	if !tfvalues.Get[types.String](m, "vpc_cidr").IsNull() && len(want) == 1 {
		attribute = "vpc_cidr"
	}
	for _, c := range want {
		for _, rc := range redis {
			if validate.Overlap(c, rc) {
				diags.AddAttributeError(path.Root(attribute), "CIDR overlaps the Redis Cloud side",
					fmt.Sprintf("%s overlaps %s, a CIDR block of the subscription's Redis Cloud side (redis_cidrs): a peering must join networks "+
						"whose addresses do not overlap, and Redis Cloud refuses this one. Peer a VPC whose CIDR blocks do not overlap %s.", c, rc, rc))
			}
		}
	}
}

// planLookupFailed: a subscription missing from the account is an error;
// anything else (a missing source_region too, which the create reports
// after the kind and cloud) only a warning.
func (r *peeringResource) planLookupFailed(ctx context.Context, resp *resource.ModifyPlanResponse, op operation, err error) {
	if errorIs[*rediscloud.SubscriptionNotFoundError](err) {
		resp.Diagnostics.AddAttributeError(path.Root("subscription_id"), op.summary(), op.describe(err, ""))
		return
	}
	tflog.Warn(ctx, "Redis-side CIDRs not read at plan time", map[string]any{"error": err.Error()})
	resp.Diagnostics.AddWarning("redis_cidrs known only after apply",
		fmt.Sprintf("The Redis Cloud side's CIDR blocks of the new %s peering on subscription %d could not be read at plan time: %s. "+
			"redis_cidrs is known after apply, so a for_each over it fails in this plan; it works once the peering exists.",
			r.spec.subscriptionNoun, op.sub, op.redact(err.Error())))
}

// ValidateConfig checks which attributes each cloud needs and which it must
// not have.
func (r *peeringResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	cfg := r.spec.resourceType().Load(ctx, req.Config.Raw, &resp.Diagnostics)
	name := cfg.ValueString("provider_name")
	if cfg["provider_name"].IsUnknown() || (name != "" && cloudOf(name).name != name) {
		return // provider_name's own validator says what it may be
	}
	cloud := cloudOf(name)
	forbid := func(name string) {
		if !cfg[name].IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Attribute not allowed for this cloud",
				fmt.Sprintf("%s is not used by %s peerings (provider_name = %q); remove it.", name, cloud.name, cloud.name))
		}
	}
	for _, a := range r.spec.strings() {
		switch {
		case !a.input || a.cloud == nil:
		case a.cloud != cloud:
			forbid(a.name)
		case cfg[a.name].IsNull():
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "Missing required attribute",
				fmt.Sprintf("%s peering with provider_name = %q needs %s: %s.", r.spec.aNoun(), cloud.name, a.name, a.need))
		}
	}
	if !cloud.routed {
		forbid("vpc_cidr")
		forbid("vpc_cidrs")
	} else if cfg["vpc_cidr"].IsNull() && cfg["vpc_cidrs"].IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("vpc_cidr"), "Missing required attribute",
			fmt.Sprintf("%s peering with provider_name = %q needs the VPC's CIDR: set vpc_cidr (one block) or vpc_cidrs (1 to %d blocks).", r.spec.aNoun(), cloud.name, maxCIDRsPerVPC))
	}
}

// configError is a configuration mistake, reported on the attribute at fault.
type configError struct {
	attribute string
	msg       string
}

func (e *configError) Error() string { return e.msg }

// checkSubscription vets the subscription's kind, clouds and regions.
func (s *kindSpec) checkSubscription(sub *rediscloud.Subscription, creq *rediscloud.CreatePeeringRequest) error {
	if sub.DeploymentType != "" && !s.owns(sub) {
		return &configError{attribute: "subscription_id", msg: s.wrongKind(sub.ID)}
	}
	cloud := cmp.Or(strings.ToUpper(creq.Provider), clouds[0].name)
	if len(sub.Providers) > 0 && !slices.Contains(sub.Providers, cloud) {
		return &configError{attribute: "provider_name", msg: fmt.Sprintf("Subscription %d runs on %s, so provider_name must be %q, not %q.", sub.ID, strings.Join(sub.Providers, ", "), sub.Providers[0], cloud)}
	}
	if s.peeredRegion != "" {
		if msg := missingRegion(sub, creq.SourceRegion); msg != "" {
			return &configError{attribute: s.peeredRegion, msg: msg}
		}
	}
	return nil
}

// missingRegion says why region is not one of the subscription's regions,
// or "" when it is or the subscription lists none.
func missingRegion(sub *rediscloud.Subscription, region string) string {
	names := make([]string, 0, len(sub.Regions))
	for _, reg := range sub.Regions {
		if strings.EqualFold(reg.Region, region) {
			return ""
		}
		names = append(names, reg.Region)
	}
	if len(names) == 0 {
		return ""
	}
	return fmt.Sprintf("Subscription %d has no region %q; source_region must be one of its regions: %s.", sub.ID, region, strings.Join(names, ", "))
}
