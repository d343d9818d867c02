package peering

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// Default timeouts. No wait inside an operation has a limit of its own: the
// timeouts block bounds each operation as a whole.
const (
	defaultCreateTimeout = 30 * time.Minute
	defaultReadTimeout   = 10 * time.Minute
	defaultUpdateTimeout = 30 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
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

func (r *peeringResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.spec.typeName
}

func (r *peeringResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.spec.resourceSchema(ctx)
}

func (r *peeringResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = configuredClient(req.ProviderData, &resp.Diagnostics)
}

func (r *peeringResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	m := r.spec.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := m.base()
	timeout, diags := b.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	sub, _ := strconv.Atoi(b.SubscriptionID.ValueString())
	op := operation{verb: "Creating", spec: r.spec, sub: sub, timeout: timeout, timeoutName: "create"}
	creq, diags := createRequest(ctx, m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.SetField(ctx, "subscription_id", sub)

	// Vet the subscription before anything is sent: its kind, cloud and
	// regions. CreatePeering reuses this read.
	var res rediscloud.CreateResult
	s, err := r.client.ActiveSubscription(ctx, sub)
	if err == nil {
		err = r.spec.checkSubscription(s, &creq)
	}
	if err == nil {
		res, err = r.client.CreatePeering(ctx, r.spec.kind, sub, creq, rediscloud.CreateOptions{
			OnTask: func(id string) {
				tflog.Debug(ctx, "create task accepted", map[string]any{"task_id": id})
			},
		})
	}
	if err != nil && res.ID == 0 {
		var ce *configError
		var ie *rediscloud.CreateIncompleteError
		switch {
		case errors.As(err, &ce):
			resp.Diagnostics.AddAttributeError(path.Root(ce.attribute), op.summary(), ce.msg)
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
			resp.Diagnostics.Append(setFromPeering(ctx, m, p)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
		}
		op.addError(&resp.Diagnostics, err, tainted)
		return
	}
	resp.Diagnostics.Append(setFromPeering(ctx, m, p)...)
	fillRedisCIDRs(ctx, r.client, r.spec.kind, sub, res.ID, m, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	tflog.Info(ctx, "created peering", map[string]any{"status": p.Status, "adopted": res.Adopted, "aws_peering_id": p.AWSPeeringID})
}

// incompleteAdvice says what to do after a create whose outcome is not
// known and whose peering was not found.
func (r *peeringResource) incompleteAdvice(ie *rediscloud.CreateIncompleteError, op operation) string {
	var b strings.Builder
	if ie.LookupErr != nil {
		b.WriteString("No peering was saved in state, and whether Redis Cloud created one is not known: looking for it failed too. ")
	} else {
		b.WriteString("No peering was saved in state, and none of this network was found on the subscription. ")
	}
	if ie.TaskID != "" {
		fmt.Fprintf(&b, "Redis Cloud may still complete task %s and create it. Once the task has completed, find the peering's ID with the rediscloud_%ss data source "+
			"(or GET /v1/tasks/%s: response.resourceId) and import it instead of applying again:\n\n"+
			"  terraform import rediscloud_%s.<name> %d/<peering_id>",
			ie.TaskID, r.spec.typeName, ie.TaskID, r.spec.typeName, ie.SubscriptionID)
	} else {
		fmt.Fprintf(&b, "If the request reached Redis Cloud, the next apply reports the peering as already existing and gives the import command.")
	}
	if errors.Is(ie, context.DeadlineExceeded) {
		fmt.Fprintf(&b, "\n\nAllow more time with timeouts { %s = \"60m\" }.", op.timeoutName)
	}
	return b.String()
}

// duplicateAdvice finds the peering that already exists and says how to
// bring it under management.
func (r *peeringResource) duplicateAdvice(ctx context.Context, sub int, creq *rediscloud.CreatePeeringRequest) string {
	p, err := r.client.FindPeering(ctx, r.spec.kind, sub, creq)
	if err != nil || p == nil {
		return fmt.Sprintf("A peering of this network already exists on subscription %d. Find its ID with the rediscloud_%ss data source, "+
			"then import it: terraform import rediscloud_%s.<name> %d/<peering_id>", sub, r.spec.typeName, r.spec.typeName, sub)
	}
	id := formatID(sub, p.ID)
	return fmt.Sprintf("Peering %s (status %q) already connects this network, probably created by an interrupted apply. Bring it under management instead of creating another:\n\n"+
		"  terraform import rediscloud_%s.<name> %s\n\nor, with Terraform 1.5 or later, an import block:\n\n"+
		"  import {\n    to = rediscloud_%s.<name>\n    id = %q\n  }", id, p.Status, r.spec.typeName, id, r.spec.typeName, id)
}

func (r *peeringResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	m := r.spec.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := m.base()
	sub, id, err := parseID(b.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid peering ID in state", err.Error())
		return
	}
	timeout, diags := b.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	op := operation{verb: "Reading", spec: r.spec, sub: sub, peering: id, timeout: timeout, timeoutName: "read"}

	p, err := r.client.GetPeering(ctx, r.spec.kind, sub, id)
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
	resp.Diagnostics.Append(setFromPeering(ctx, m, p)...)
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
	sub, id, err := parseID(state.base().ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid peering ID in state", err.Error())
		return
	}
	timeout, diags := plan.base().Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	op := operation{verb: "Updating", spec: r.spec, sub: sub, peering: id, timeout: timeout, timeoutName: "update"}

	want, diags := plan.base().wantedCIDRs(ctx)
	resp.Diagnostics.Append(diags...)
	have, diags := state.base().wantedCIDRs(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var p *rediscloud.Peering
	if !plan.base().isGCP() && !slices.Equal(want, have) {
		if err := r.client.UpdatePeeringCIDRs(ctx, r.spec.kind, sub, id, want); err != nil {
			op.addError(&resp.Diagnostics, err, "")
			return
		}
		p, err = r.client.WaitPeeringCIDRs(ctx, r.spec.kind, sub, id, time.Now(), want)
	} else {
		p, err = r.client.GetPeering(ctx, r.spec.kind, sub, id)
	}
	if err != nil {
		op.addError(&resp.Diagnostics, err, "")
		return
	}
	resp.Diagnostics.Append(setFromPeering(ctx, plan, p)...)
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
	sub, id, err := parseID(m.base().ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid peering ID in state", err.Error())
		return
	}
	timeout, diags := m.base().Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	op := operation{verb: "Deleting", spec: r.spec, sub: sub, peering: id, timeout: timeout, timeoutName: "delete"}

	err = r.client.DeletePeering(ctx, r.spec.kind, sub, id)
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
			resp.Diagnostics.AddError(fmt.Sprintf("%s for rediscloud_%s", d.Summary(), r.spec.typeName), d.Detail())
		}
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), formatID(sub, id))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("subscription_id"), strconv.Itoa(sub))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("peering_id"), int64(id))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, sub, id)...)
}
