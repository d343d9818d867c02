package peering

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// defaultReadTimeout bounds a read, of a resource or a data source, when
// the timeouts block does not.
const defaultReadTimeout = 10 * time.Minute

// phase is one of the resource's operations: its verb in diagnostics, and
// the timeouts block attribute that bounds it, with its default. The
// timeouts block bounds each operation as a whole; within it, only two
// waits have limits of their own, both in the client: the lookup of an
// interrupted create's peering (CreateLookupTimeout, on a context of its
// own, so that it outlives the operation's end) and the time an update's
// CIDRs may take to show (cidrGrace).
type phase struct {
	verb        string
	timeoutName string
	timeout     func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)
	byDefault   time.Duration
}

var (
	creating = phase{"Creating", "create", timeouts.Value.Create, 30 * time.Minute}
	reading  = phase{"Reading", "read", timeouts.Value.Read, defaultReadTimeout}
	updating = phase{"Updating", "update", timeouts.Value.Update, 30 * time.Minute}
	deleting = phase{"Deleting", "delete", timeouts.Value.Delete, 30 * time.Minute}
	// planning reads, at plan time, what a create will need.
	planning = phase{"Planning", "read", timeouts.Value.Read, defaultReadTimeout}
)

var (
	_ resource.ResourceWithConfigure      = (*peeringResource)(nil)
	_ resource.ResourceWithImportState    = (*peeringResource)(nil)
	_ resource.ResourceWithValidateConfig = (*peeringResource)(nil)
	_ resource.ResourceWithIdentity       = (*peeringResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*peeringResource)(nil)
)

// peeringResource implements both peering resources; spec says which.
type peeringResource struct {
	spec   *kindSpec
	client *rediscloud.Client
}

// NewSubscriptionPeeringResource is rediscloud_subscription_peering.
func NewSubscriptionPeeringResource() resource.Resource {
	return &peeringResource{spec: proSpec}
}

// NewActiveActiveSubscriptionPeeringResource is
// rediscloud_active_active_subscription_peering.
func NewActiveActiveSubscriptionPeeringResource() resource.Resource {
	return &peeringResource{spec: activeActiveSpec}
}

func (r *peeringResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.spec.typeName
}

func (r *peeringResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.spec.resourceSchema(ctx)
}

func (r *peeringResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = configuredClient(req.ProviderData, &resp.Diagnostics)
}

// start begins ph on subscription sub and peering (0 while a create has
// none yet): it bounds ctx by ph's timeout from the timeouts block t, and
// names the operation for diagnostics. When ok is false, diags say why and
// the operation must not run; otherwise the caller defers cancel.
func (r *peeringResource) start(ctx context.Context, ph phase, t timeouts.Value, sub, peering int, diags *diag.Diagnostics) (context.Context, context.CancelFunc, operation, bool) {
	timeout, d := ph.timeout(t, ctx, ph.byDefault)
	diags.Append(d...)
	if d.HasError() {
		return ctx, nil, operation{}, false
	}
	ctx, cancel := context.WithTimeout(r.client.MaskKeys(ctx), timeout)
	return ctx, cancel, operation{verb: ph.verb, spec: r.spec, sub: sub, peering: peering, timeout: timeout, timeoutName: ph.timeoutName, redact: r.client.Redact}, true
}

// startOn is start for the peering whose ID is in state (read, update and
// delete), which it parses first.
func (r *peeringResource) startOn(ctx context.Context, ph phase, id types.String, t timeouts.Value, diags *diag.Diagnostics) (context.Context, context.CancelFunc, operation, bool) {
	sub, peering, err := parseID(id.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("id"), "Invalid peering ID in state", err.Error())
		return ctx, nil, operation{}, false
	}
	return r.start(ctx, ph, t, sub, peering, diags)
}

func (r *peeringResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	m := r.spec.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := m.base()
	sub, _ := strconv.Atoi(b.SubscriptionID.ValueString()) // validated
	ctx, cancel, op, ok := r.start(ctx, creating, b.Timeouts, sub, 0, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	creq, diags := createRequest(ctx, m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.SetField(ctx, "subscription_id", sub)

	// Vet the subscription before anything is sent: its kind, cloud and
	// regions. CreatePeering reuses this read. Then wait for this
	// subscription's turn (see rediscloud.Turn): the create holds it at
	// most until its peering settled.
	var res rediscloud.CreateResult
	s, err := r.client.ActiveSubscription(ctx, sub)
	if err == nil {
		err = r.spec.checkSubscription(s, &creq)
	}
	var turn *rediscloud.Turn
	if err == nil {
		turn, err = r.client.HoldSubscription(ctx, sub)
		if err == nil {
			defer turn.Release()
		}
	}
	if err == nil {
		res, err = r.client.CreatePeering(ctx, r.spec.kind, sub, creq, rediscloud.CreateOptions{
			OnTask: func(id string) {
				tflog.Debug(ctx, "create task accepted", map[string]any{"task_id": id})
			},
		})
		turn.Sent()
	}
	if err != nil && res.ID == 0 {
		var ce *configError
		var ie *rediscloud.CreateIncompleteError
		switch {
		case errors.As(err, &ce):
			resp.Diagnostics.AddAttributeError(path.Root(ce.attribute), op.summary(), op.hide(ce.msg))
		case rediscloud.IsAlreadyExists(err):
			op.addError(&resp.Diagnostics, err, r.duplicateAdvice(ctx, sub, &creq))
		case errors.As(err, &ie):
			op.addError(&resp.Diagnostics, err, r.incompleteAdvice(ie, op))
		default:
			op.addError(&resp.Diagnostics, err, "")
		}
		return
	}
	createdAt := time.Now()
	op.peering = res.ID
	if res.Adopted {
		// The answer to a POST was lost, and sending it again met a peering
		// of this network: most likely the one the lost request created,
		// but a peering another configuration created looks the same.
		resp.Diagnostics.AddWarning("Existing peering adopted",
			fmt.Sprintf("The answer to the create request was lost, and sending it again found peering %s of this network already there. "+
				"It was taken as the one the lost request created, and is now in this state. "+
				"If another configuration or workspace manages it, remove it from one of them (terraform state rm).", formatID(sub, res.ID)))
	}
	ctx = tflog.SetField(ctx, "peering_id", res.ID)

	// Record the ID before waiting: if the wait fails, the peering stays in
	// state (tainted) instead of being orphaned.
	b.ID = types.StringValue(formatID(sub, res.ID))
	b.PeeringID = types.Int64Value(int64(res.ID))
	nullUnknowns(b)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, sub, res.ID)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tainted := fmt.Sprintf("The peering exists as %s and is saved in state, marked tainted: the next apply replaces it, "+
		"or run `terraform untaint` on it to keep it.", formatID(sub, res.ID))
	if err != nil {
		// The create was interrupted, and the lookup that followed found
		// the peering: it is in state, and the run still fails.
		op.addError(&resp.Diagnostics, err, tainted)
		return
	}

	p, err := r.client.WaitPeeringSettled(ctx, r.spec.kind, sub, res.ID, createdAt)
	if err != nil {
		if p != nil {
			resp.Diagnostics.Append(setFromPeering(ctx, m, r.client.Shown(p))...)
			resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
		}
		op.addError(&resp.Diagnostics, err, tainted)
		return
	}
	resp.Diagnostics.Append(setFromPeering(ctx, m, r.client.Shown(p))...)
	fillRedisCIDRs(ctx, r.client, r.spec.kind, sub, res.ID, m, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	tflog.Info(ctx, "created peering", map[string]any{"status": p.Status, "adopted": res.Adopted, "aws_peering_id": p.AWSPeeringID})
}

func (r *peeringResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	m := r.spec.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := m.base()
	ctx, cancel, op, ok := r.startOn(ctx, reading, b.ID, b.Timeouts, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	sub, id := op.sub, op.peering

	p, err := r.client.GetPeering(ctx, r.spec.kind, sub, id, m.redisRegion().ValueString())
	switch {
	case err == nil:
	case rediscloud.IsNotFound(err):
		tflog.Warn(ctx, "peering no longer exists; removing it from state", map[string]any{"id": formatID(sub, id), "reason": err.Error()})
		resp.State.RemoveResource(ctx)
		// The framework wants an identity after every read that does not
		// fail, a removal included.
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, sub, id)...)
		return
	default:
		op.addError(&resp.Diagnostics, err, "")
		return
	}
	resp.Diagnostics.Append(setFromPeering(ctx, m, r.client.Shown(p))...)
	fillRedisCIDRs(ctx, r.client, r.spec.kind, sub, id, m, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, sub, id)...)
	tflog.Info(ctx, "read peering", map[string]any{"id": formatID(sub, id), "status": p.Status})
}

func (r *peeringResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state := r.spec.newModel(), r.spec.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, op, ok := r.startOn(ctx, updating, state.base().ID, plan.base().Timeouts, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	sub, id := op.sub, op.peering

	want, diags := plan.base().wantedCIDRs(ctx)
	resp.Diagnostics.Append(diags...)
	have, diags := state.base().wantedCIDRs(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var p *rediscloud.Peering
	var err error
	if plan.base().cloud().routed && !slices.Equal(want, have) {
		// The update takes its turn at the subscription (see
		// rediscloud.Turn), at most until its CIDRs are listed.
		turn, herr := r.client.HoldSubscription(ctx, sub)
		if herr != nil {
			op.addError(&resp.Diagnostics, herr, "")
			return
		}
		defer turn.Release()
		if err := r.client.UpdatePeeringCIDRs(ctx, r.spec.kind, sub, id, want); err != nil {
			op.addError(&resp.Diagnostics, err, "")
			return
		}
		turn.Sent()
		p, err = r.client.WaitPeeringCIDRs(ctx, r.spec.kind, sub, id, time.Now(), want)
	} else {
		p, err = r.client.GetPeering(ctx, r.spec.kind, sub, id, state.redisRegion().ValueString())
	}
	if err != nil {
		op.addError(&resp.Diagnostics, err, "")
		return
	}
	resp.Diagnostics.Append(setFromPeering(ctx, plan, r.client.Shown(p))...)
	fillRedisCIDRs(ctx, r.client, r.spec.kind, sub, id, plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, sub, id)...)
	tflog.Info(ctx, "updated peering", map[string]any{"id": formatID(sub, id), "cidrs": strings.Join(want, ",")})
}

func (r *peeringResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	m := r.spec.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, op, ok := r.startOn(ctx, deleting, m.base().ID, m.base().Timeouts, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	sub, id := op.sub, op.peering

	// The delete takes its turn at the subscription (see rediscloud.Turn),
	// at most until the peering left the list.
	turn, err := r.client.HoldSubscription(ctx, sub)
	if err != nil {
		op.addError(&resp.Diagnostics, err, "")
		return
	}
	defer turn.Release()
	err = r.client.DeletePeering(ctx, r.spec.kind, sub, id)
	turn.Sent()
	if err != nil && !rediscloud.IsNotFound(err) {
		op.addError(&resp.Diagnostics, err, "")
		return
	}
	// The task has completed; make sure the peering is really gone so that
	// a re-create right after does not meet it.
	if err := r.client.WaitPeeringDeleted(ctx, r.spec.kind, sub, id, time.Now()); err != nil && !rediscloud.IsNotFound(err) {
		op.addError(&resp.Diagnostics, err, "")
		return
	}
	tflog.Info(ctx, "deleted peering", map[string]any{"id": formatID(sub, id)})
}

func (r *peeringResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	sub, id, diags := importTarget(ctx, req)
	if diags.HasError() {
		for _, d := range diags {
			resp.Diagnostics.AddError(fmt.Sprintf("%s for %s", d.Summary(), r.spec.resourceTypeName()), d.Detail())
		}
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), formatID(sub, id))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("subscription_id"), strconv.Itoa(sub))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("peering_id"), int64(id))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, sub, id)...)
}
