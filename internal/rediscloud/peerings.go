package rediscloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Kind tells the two peering APIs apart.
type Kind int

const (
	// Pro is a peering of a single-region (Pro) subscription:
	// /subscriptions/{id}/peerings.
	Pro Kind = iota
	// ActiveActive is a peering of one region of an Active-Active
	// subscription: /subscriptions/{id}/regions/peerings.
	ActiveActive
)

func (k Kind) String() string {
	if k == ActiveActive {
		return "Active-Active"
	}
	return "Pro"
}

func (k Kind) collection(sub int) string {
	if k == ActiveActive {
		return fmt.Sprintf("/subscriptions/%d/regions/peerings", sub)
	}
	return fmt.Sprintf("/subscriptions/%d/peerings", sub)
}

// Peering statuses.
const (
	StatusInitiatingRequest = "initiating-request"
	StatusPendingAcceptance = "pending-acceptance"
	StatusActive            = "active"
	StatusInactive          = "inactive"
	StatusFailed            = "failed"
)

// Cloud providers.
const (
	ProviderAWS = "AWS"
	ProviderGCP = "GCP"
)

// Peering is a peering of either kind, in the provider's terms.
type Peering struct {
	ID             int
	SubscriptionID int
	Kind           Kind
	Status         string
	Provider       string
	// Region is the consumer VPC's region: Pro `regionName`, or the
	// Active-Active destination region.
	Region string
	// SourceRegion is the Active-Active subscription region peered from.
	SourceRegion string
	RegionID     int

	AWSAccountID string
	VPCID        string
	CIDRs        []string
	AWSPeeringID string

	GCPProjectID        string
	GCPNetworkName      string
	GCPRedisProjectID   string
	GCPRedisNetworkName string
	GCPPeeringID        string
}

// wireCIDR is an element of vpcCidrs: an object {vpcCidr, status|active} in
// the documents seen, tolerated as a bare string too.
type wireCIDR struct {
	CIDR string
}

func (w *wireCIDR) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &w.CIDR)
	}
	var obj struct {
		VPCCidr json.RawMessage `json:"vpcCidr"`
		Cidr    json.RawMessage `json:"cidr"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	w.CIDR = firstNonEmpty(looseString(obj.VPCCidr), looseString(obj.Cidr))
	return nil
}

// wirePeering holds the keys of both list shapes: Pro (`vpcPeeringId`,
// `projectUid`, `networkName`) and Active-Active (`id`, `vpcProjectUid`,
// `vpcNetworkName`).
type wirePeering struct {
	VPCPeeringID      FlexInt         `json:"vpcPeeringId"`
	ID                FlexInt         `json:"id"`
	Status            string          `json:"status"`
	RegionID          FlexInt         `json:"regionId"`
	RegionName        string          `json:"regionName"`
	SourceRegion      string          `json:"sourceRegion"`
	DestinationRegion string          `json:"destinationRegion"`
	AWSAccountID      json.RawMessage `json:"awsAccountId"`
	VPCUID            string          `json:"vpcUid"`
	VPCID             string          `json:"vpcId"`
	VPCCidr           string          `json:"vpcCidr"`
	VPCCidrs          []wireCIDR      `json:"vpcCidrs"`
	AWSPeeringUID     string          `json:"awsPeeringUid"`
	ProjectUID        string          `json:"projectUid"`
	NetworkName       string          `json:"networkName"`
	VPCProjectUID     string          `json:"vpcProjectUid"`
	VPCNetworkName    string          `json:"vpcNetworkName"`
	RedisProjectUID   string          `json:"redisProjectUid"`
	RedisNetworkName  string          `json:"redisNetworkName"`
	CloudPeeringID    string          `json:"cloudPeeringId"`
	Provider          string          `json:"provider"`
}

func (w *wirePeering) toPeering(kind Kind, sub int) Peering {
	p := Peering{
		Kind:                kind,
		SubscriptionID:      sub,
		ID:                  w.VPCPeeringID.Value,
		Status:              w.Status,
		RegionID:            w.RegionID.Value,
		Region:              firstNonEmpty(w.RegionName, w.DestinationRegion),
		SourceRegion:        w.SourceRegion,
		AWSAccountID:        looseString(w.AWSAccountID),
		VPCID:               firstNonEmpty(w.VPCUID, w.VPCID),
		AWSPeeringID:        w.AWSPeeringUID,
		GCPProjectID:        firstNonEmpty(w.ProjectUID, w.VPCProjectUID),
		GCPNetworkName:      firstNonEmpty(w.NetworkName, w.VPCNetworkName),
		GCPRedisProjectID:   w.RedisProjectUID,
		GCPRedisNetworkName: w.RedisNetworkName,
		GCPPeeringID:        w.CloudPeeringID,
	}
	if !w.VPCPeeringID.Valid {
		p.ID = w.ID.Value
	}
	p.CIDRs = effectiveCIDRs(w.VPCCidr, w.VPCCidrs)
	switch {
	case strings.EqualFold(w.Provider, ProviderGCP):
		p.Provider = ProviderGCP
	case strings.EqualFold(w.Provider, ProviderAWS):
		p.Provider = ProviderAWS
	case p.VPCID != "" || p.AWSAccountID != "":
		p.Provider = ProviderAWS
	case p.GCPProjectID != "" || p.GCPNetworkName != "" || p.GCPRedisProjectID != "":
		p.Provider = ProviderGCP
	default:
		p.Provider = ProviderAWS
	}
	return p
}

// effectiveCIDRs applies the API's read-back rule: several CIDRs come in
// vpcCidrs (with vpcCidr holding one of them), a single one only in vpcCidr.
// The result is sorted and without duplicates so that it never drifts.
func effectiveCIDRs(single string, several []wireCIDR) []string {
	var out []string
	for _, c := range several {
		if c.CIDR != "" {
			out = append(out, c.CIDR)
		}
	}
	if len(out) == 0 && single != "" {
		out = []string{single}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// MaxListedPeerings bounds how many peerings one list may hold. A Redis
// Cloud subscription holds a handful; the bound keeps a malformed or hostile
// answer from costing gigabytes, since elements are counted before any is
// decoded.
const MaxListedPeerings = 10000

// DecodePeeringList decodes the `response.resource` of a completed list task.
func DecodePeeringList(kind Kind, sub int, raw json.RawMessage) ([]Peering, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, errors.New("the completed list task carries no resource")
	}
	type rawRegion struct {
		region      string
		id          int
		vpcPeerings []json.RawMessage
	}
	var groups []rawRegion
	if kind == ActiveActive {
		var w struct {
			Regions []struct {
				ID          FlexInt           `json:"id"`
				RegionID    FlexInt           `json:"regionId"`
				Region      string            `json:"region"`
				RegionName  string            `json:"regionName"`
				VPCPeerings []json.RawMessage `json:"vpcPeerings"`
			} `json:"regions"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, fmt.Errorf("decoding Active-Active peering list: %w", err)
		}
		for _, r := range w.Regions {
			groups = append(groups, rawRegion{region: firstNonEmpty(r.Region, r.RegionName), id: r.ID.Value + r.RegionID.Value, vpcPeerings: r.VPCPeerings})
		}
	} else {
		var list []json.RawMessage
		if raw[0] == '[' {
			if err := json.Unmarshal(raw, &list); err != nil {
				return nil, fmt.Errorf("decoding peering list: %w", err)
			}
		} else {
			var w struct {
				Peerings []json.RawMessage `json:"peerings"`
			}
			if err := json.Unmarshal(raw, &w); err != nil {
				return nil, fmt.Errorf("decoding peering list: %w", err)
			}
			list = w.Peerings
		}
		groups = []rawRegion{{vpcPeerings: list}}
	}
	total := 0
	for _, g := range groups {
		total += len(g.vpcPeerings)
	}
	if total > MaxListedPeerings {
		return nil, fmt.Errorf("the list holds %d peerings, more than the %d a subscription can plausibly have; it was not read", total, MaxListedPeerings)
	}
	var out []Peering
	if total > 0 {
		out = make([]Peering, 0, total)
	}
	for _, g := range groups {
		for _, el := range g.vpcPeerings {
			var w wirePeering
			if err := json.Unmarshal(el, &w); err != nil {
				return nil, fmt.Errorf("decoding a listed peering: %w", err)
			}
			p := w.toPeering(kind, sub)
			if kind == ActiveActive {
				if g.region != "" {
					p.SourceRegion = g.region
				}
				if p.RegionID == 0 {
					p.RegionID = g.id
				}
			}
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// listPeeringsUncached runs one list task.
// A list refused because the subscription is busy is sent again once it is
// active: reading peerings must not fail while another change is applied.
func (c *Client) listPeeringsUncached(ctx context.Context, kind Kind, sub int) ([]Peering, error) {
	var t *Task
	for {
		var err error
		t, err = c.runTask(ctx, request{method: http.MethodGet, path: kind.collection(sub), op: "list peerings"}, "list")
		if err == nil {
			break
		}
		if !IsSubscriptionNotActive(err) {
			return nil, c.explainNotFound(ctx, kind, sub, 0, err)
		}
		if _, werr := c.WaitForSubscriptionActive(ctx, sub); werr != nil {
			return nil, werr
		}
	}
	if t.Response == nil {
		return nil, &TaskError{TaskID: t.ID, CommandType: t.CommandType, Type: "EMPTY_RESPONSE", Description: "the completed list task carries no response"}
	}
	list, err := DecodePeeringList(kind, sub, t.Response.Resource)
	if err != nil {
		return nil, &DecodeError{Op: "list peerings", Err: errors.New(c.redact(err.Error()))}
	}
	for i := range list {
		c.redactPeering(&list[i])
	}
	return list, nil
}

// redactPeering hides the keys in every text of a listed peering, which
// would otherwise reach the state.
func (c *Client) redactPeering(p *Peering) {
	for _, s := range []*string{&p.Status, &p.Provider, &p.Region, &p.SourceRegion, &p.AWSAccountID, &p.VPCID, &p.AWSPeeringID,
		&p.GCPProjectID, &p.GCPNetworkName, &p.GCPRedisProjectID, &p.GCPRedisNetworkName, &p.GCPPeeringID} {
		*s = c.redact(*s)
	}
	for i := range p.CIDRs {
		p.CIDRs[i] = c.redact(p.CIDRs[i])
	}
}

// ListPeerings returns the peerings of a subscription. Concurrent callers for
// the same subscription share one list task, and a list completed within the
// snapshot lifetime serves later callers, unless a mutation of that
// subscription through this client has completed since.
func (c *Client) ListPeerings(ctx context.Context, kind Kind, sub int) ([]Peering, error) {
	return c.lists.get(ctx, listKey{kind, sub}, time.Time{}, func(ctx context.Context) ([]Peering, error) {
		return c.listPeeringsUncached(ctx, kind, sub)
	})
}

// ListPeeringsSince is ListPeerings restricted to lists whose task was sent
// at or after since: waits use it to see every change after their last look.
func (c *Client) ListPeeringsSince(ctx context.Context, kind Kind, sub int, since time.Time) ([]Peering, error) {
	return c.lists.get(ctx, listKey{kind, sub}, since, func(ctx context.Context) ([]Peering, error) {
		return c.listPeeringsUncached(ctx, kind, sub)
	})
}

// GetPeering finds one peering in its subscription's list. A peering that is
// not listed gives an error for which IsNotFound is true.
func (c *Client) GetPeering(ctx context.Context, kind Kind, sub, id int) (*Peering, error) {
	list, err := c.ListPeerings(ctx, kind, sub)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], nil
		}
	}
	return nil, &PeeringNotFoundError{SubscriptionID: sub, ID: id}
}

// getPeeringFresh looks a peering up in a list requested now, and returns
// nil when that list does not hold it.
func (c *Client) getPeeringFresh(ctx context.Context, kind Kind, sub, id int) (*Peering, error) {
	list, err := c.ListPeeringsSince(ctx, kind, sub, time.Now())
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], nil
		}
	}
	return nil, nil
}

// PeeringNotFoundError says a peering is not in its subscription's list.
type PeeringNotFoundError struct {
	SubscriptionID, ID int
}

func (e *PeeringNotFoundError) Error() string {
	return fmt.Sprintf("peering %d is not in the peerings of subscription %d", e.ID, e.SubscriptionID)
}

// InvalidatePeerings drops any snapshot of a subscription's peerings.
func (c *Client) InvalidatePeerings(kind Kind, sub int) {
	c.lists.invalidate(listKey{kind, sub})
}

// CreatePeeringRequest is the input of CreatePeering.
type CreatePeeringRequest struct {
	Provider          string // AWS (default) or GCP
	Region            string // Pro, AWS: the consumer VPC's region
	SourceRegion      string // Active-Active: the subscription's region
	DestinationRegion string // Active-Active, AWS: the consumer VPC's region
	AWSAccountID      string
	VPCID             string
	CIDRs             []string
	GCPProjectID      string
	GCPNetworkName    string
}

func (r *CreatePeeringRequest) isGCP() bool { return strings.EqualFold(r.Provider, ProviderGCP) }

// body builds the wire body: AWS bodies omit `provider`, GCP bodies send
// "gcp" as the API's own clients do; one CIDR goes in vpcCidr, several in
// vpcCidrs.
func (r *CreatePeeringRequest) body(kind Kind) map[string]any {
	b := map[string]any{}
	if kind == ActiveActive {
		b["sourceRegion"] = r.SourceRegion
	}
	if r.isGCP() {
		b["provider"] = "gcp"
		b["vpcProjectUid"] = r.GCPProjectID
		b["vpcNetworkName"] = r.GCPNetworkName
		return b
	}
	if kind == ActiveActive {
		b["destinationRegion"] = r.DestinationRegion
	} else {
		b["region"] = r.Region
	}
	b["awsAccountId"] = r.AWSAccountID
	b["vpcId"] = r.VPCID
	switch len(r.CIDRs) {
	case 0:
	case 1:
		b["vpcCidr"] = r.CIDRs[0]
	default:
		b["vpcCidrs"] = r.CIDRs
	}
	return b
}

// Matches reports whether p is the peering r describes: the same consumer
// network (and, for Active-Active, the same subscription region). The API
// refuses a second peering of the same network, so this identifies it.
func (r *CreatePeeringRequest) Matches(p *Peering) bool {
	if r.SourceRegion != "" && !strings.EqualFold(p.SourceRegion, r.SourceRegion) {
		return false
	}
	if r.isGCP() {
		return p.Provider == ProviderGCP && p.GCPProjectID == r.GCPProjectID && p.GCPNetworkName == r.GCPNetworkName
	}
	return p.Provider == ProviderAWS && p.VPCID == r.VPCID && (p.AWSAccountID == "" || p.AWSAccountID == r.AWSAccountID)
}

// CreateResult is the outcome of CreatePeering.
type CreateResult struct {
	// ID is the new peering's ID. It is set along with an error when the
	// create was interrupted but the peering was found anyway (see
	// CreateIncompleteError): it exists and must be recorded.
	ID     int
	TaskID string
	// Adopted is true when an earlier attempt of this same call created the
	// peering and its answer was lost (a dropped connection or a 5xx).
	Adopted bool
}

// FindPeering returns the peering r describes, or nil.
func (c *Client) FindPeering(ctx context.Context, kind Kind, sub int, r *CreatePeeringRequest) (*Peering, error) {
	list, err := c.ListPeeringsSince(ctx, kind, sub, time.Now())
	if err != nil {
		return nil, err
	}
	for i := range list {
		if r.Matches(&list[i]) {
			return &list[i], nil
		}
	}
	return nil, nil
}

// CreateOptions tunes CreatePeering.
type CreateOptions struct {
	// OnTask is called with each task ID as soon as it is known.
	OnTask func(taskID string)
	// CheckSubscription vets the active subscription before anything is
	// sent (its kind, regions or cloud); an error stops the create.
	CheckSubscription func(*Subscription) error
}

// CreatePeering creates a peering and returns its ID once the create task has
// completed. It waits for the subscription to be active first, and recovers
// without duplicates from what the API may throw at a create:
//
//   - a task refused with SUBSCRIPTION_NOT_ACTIVE (another change is being
//     applied) is sent again once the subscription is active;
//   - a 429 that outlived the transport's retries is sent again later;
//   - an answer lost after the request was sent (a dropped connection, a
//     5xx) is sent again, and if the API then reports the peering as already
//     existing, the peering that the lost attempt created is adopted;
//   - when the wait for an accepted create's task fails (ctx ended, the
//     task service never showed the task, polling failed), a lookup of at
//     most CreateLookupTimeout (15 s), on a context of its own, looks for
//     the peering: see CreateIncompleteError.
//
// ctx bounds it all but that last lookup.
func (c *Client) CreatePeering(ctx context.Context, kind Kind, sub int, r CreatePeeringRequest, opts CreateOptions) (CreateResult, error) {
	ctx = c.logContext(ctx)
	s, err := c.activeSubscription(ctx, sub)
	if err != nil {
		return CreateResult{}, err
	}
	if opts.CheckSubscription != nil {
		if err := opts.CheckSubscription(s); err != nil {
			return CreateResult{}, err
		}
	}
	req := request{method: http.MethodPost, path: kind.collection(sub), body: r.body(kind), op: "create peering"}
	// sent is true once a POST may have reached the API: from then on, a
	// failure must look for what it may have created.
	ambiguous, sent := false, false
	taskID := ""
	for attempt := 0; ; attempt++ {
		t, err := c.startTask(ctx, req)
		if err == nil {
			sent, taskID = true, t.ID
			// Timed from the answer, as in runTask.
			submitted := time.Now()
			if opts.OnTask != nil {
				opts.OnTask(t.ID)
			}
			done := c.mutations.start()
			t, err = c.waitTask(ctx, t, "create", submitted)
			done()
			c.InvalidatePeerings(kind, sub)
			if err == nil {
				if t.Response == nil || !t.Response.ResourceID.Valid || t.Response.ResourceID.Value <= 0 {
					// The peering may exist all the same: look for it as
					// after any create whose outcome is unknown.
					return c.recoverCreate(ctx, kind, sub, &r, t.ID, &TaskError{TaskID: t.ID, CommandType: t.CommandType, Type: "MISSING_RESOURCE_ID",
						Description: "the create task completed without a valid ID for the new peering (resourceId must be a positive number)"})
				}
				return CreateResult{ID: t.Response.ResourceID.Value, TaskID: t.ID}, nil
			}
			var we *TaskWaitError
			if errors.As(err, &we) {
				return c.recoverCreate(ctx, kind, sub, &r, taskID, err)
			}
		} else if IsAmbiguous(err) || (ctx.Err() != nil && !neverSent(err)) {
			sent = true
		}
		if ctx.Err() != nil {
			if sent {
				return c.recoverCreate(ctx, kind, sub, &r, taskID, err)
			}
			return CreateResult{}, err
		}
		switch {
		case IsAlreadyExists(err) && ambiguous:
			p, ferr := c.FindPeering(ctx, kind, sub, &r)
			if ferr == nil && p != nil {
				tflog.SubsystemInfo(ctx, logSubsystem, "adopting the peering created by an attempt whose answer was lost", map[string]any{"subscription_id": sub, "peering_id": p.ID})
				return CreateResult{ID: p.ID, TaskID: TaskID(err), Adopted: true}, nil
			}
			return CreateResult{}, err
		case IsAmbiguous(err):
			ambiguous = true
		case IsSubscriptionNotActive(err):
			c.active.forget(sub)
			if _, werr := c.WaitForSubscriptionActive(ctx, sub); werr != nil {
				return CreateResult{}, werr
			}
		case IsTooManyRequests(err):
		default:
			return CreateResult{}, c.explainNotFound(ctx, kind, sub, 0, err)
		}
		tflog.SubsystemDebug(ctx, logSubsystem, "sending the create request again", map[string]any{"subscription_id": sub, "attempt": attempt + 1, "reason": err.Error()})
		if serr := sleep(ctx, backoff(c.resubmitMin, c.resubmitMax, attempt, nil)); serr != nil {
			if sent {
				return c.recoverCreate(ctx, kind, sub, &r, taskID, err)
			}
			return CreateResult{}, err
		}
	}
}

// recoverCreate looks for the peering of a create whose outcome is unknown,
// within the client's lookup timeout and even when ctx has ended (an interrupted run
// must still record what it created). The task may have completed since;
// otherwise the peering list is searched for the requested network. The
// error is always a CreateIncompleteError; the result carries the ID when
// the peering was found.
func (c *Client) recoverCreate(ctx context.Context, kind Kind, sub int, r *CreatePeeringRequest, taskID string, cause error) (CreateResult, error) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.lookupTimeout)
	defer cancel()
	ie := &CreateIncompleteError{SubscriptionID: sub, TaskID: taskID, Err: cause}
	res := CreateResult{TaskID: taskID}
	if taskID != "" {
		if t, err := c.GetTask(lctx, taskID); err == nil && t.Status == TaskProcessingCompleted && t.Response != nil && t.Response.Error == nil && t.Response.ResourceID.Valid && t.Response.ResourceID.Value > 0 {
			ie.PeeringID = t.Response.ResourceID.Value
		}
	}
	if ie.PeeringID == 0 {
		c.InvalidatePeerings(kind, sub)
		p, err := c.FindPeering(lctx, kind, sub, r)
		switch {
		case err != nil:
			ie.LookupErr = err
		case p != nil:
			ie.PeeringID = p.ID
		}
	}
	res.ID = ie.PeeringID
	tflog.SubsystemWarn(ctx, logSubsystem, "create interrupted; looked for its peering", map[string]any{
		"subscription_id": sub, "task_id": taskID, "found_peering_id": ie.PeeringID, "cause": cause.Error(),
	})
	return res, ie
}

// CreateIncompleteError says that a create request may have been accepted
// but its outcome was not learnt: the wait for its task ended early. When
// the lookup that follows found the peering, PeeringID holds its ID;
// otherwise the peering may still appear once the task completes.
type CreateIncompleteError struct {
	SubscriptionID int
	TaskID         string
	PeeringID      int
	// LookupErr is why the lookup itself failed, if it did.
	LookupErr error
	Err       error
}

func (e *CreateIncompleteError) Error() string {
	msg := "the create request was sent"
	if e.TaskID != "" {
		msg = fmt.Sprintf("the create request was accepted as task %s", e.TaskID)
	}
	msg += fmt.Sprintf(", but waiting for it failed: %v", e.Err)
	switch {
	case e.PeeringID != 0:
		msg += fmt.Sprintf("; the peering exists as %d/%d", e.SubscriptionID, e.PeeringID)
	case e.LookupErr != nil:
		msg += fmt.Sprintf("; looking for the peering failed too: %v", e.LookupErr)
	default:
		msg += "; no peering of this network is listed yet"
	}
	return msg
}

func (e *CreateIncompleteError) Unwrap() error { return e.Err }

// UpdatePeeringCIDRs replaces the consumer CIDRs of an AWS peering.
func (c *Client) UpdatePeeringCIDRs(ctx context.Context, kind Kind, sub, id int, cidrs []string) error {
	body := map[string]any{"vpcCidrs": cidrs}
	if len(cidrs) == 1 {
		// A single CIDR reads back as vpcCidr; send it the same way.
		body = map[string]any{"vpcCidr": cidrs[0]}
	}
	req := request{method: http.MethodPut, path: fmt.Sprintf("%s/%d", kind.collection(sub), id), body: body, op: "update peering"}
	return c.mutate(ctx, kind, sub, id, req, "update", func(ctx context.Context) (bool, error) {
		// After an answer was lost, the update has been applied when the
		// listed CIDRs are already the wanted ones.
		p, err := c.GetPeering(ctx, kind, sub, id)
		if err != nil {
			return false, err
		}
		want := slices.Clone(cidrs)
		sort.Strings(want)
		return slices.Equal(p.CIDRs, slices.Compact(want)), nil
	})
}

// DeletePeering deletes a peering and waits for its task. A peering that does
// not exist gives an error for which IsNotFound is true.
func (c *Client) DeletePeering(ctx context.Context, kind Kind, sub, id int) error {
	req := request{method: http.MethodDelete, path: fmt.Sprintf("%s/%d", kind.collection(sub), id), op: "delete peering"}
	return c.mutate(ctx, kind, sub, id, req, "delete", nil)
}

// mutate runs an update or delete task, sending it again after a refusal for
// a busy subscription, a lingering 429, or (when applied can tell) a lost
// answer.
func (c *Client) mutate(ctx context.Context, kind Kind, sub, id int, req request, taskKind string, applied func(context.Context) (bool, error)) error {
	ctx = c.logContext(ctx)
	for attempt := 0; ; attempt++ {
		done := c.mutations.start()
		_, err := c.runTask(ctx, req, taskKind)
		done()
		c.InvalidatePeerings(kind, sub)
		if err == nil || ctx.Err() != nil {
			return err
		}
		switch {
		case IsSubscriptionNotActive(err):
			if _, werr := c.WaitForSubscriptionActive(ctx, sub); werr != nil {
				return werr
			}
		case IsTooManyRequests(err):
		case IsAmbiguous(err) && applied != nil:
			if ok, aerr := applied(ctx); aerr == nil && ok {
				return nil
			}
		default:
			return c.explainNotFound(ctx, kind, sub, id, err)
		}
		if serr := sleep(ctx, backoff(c.resubmitMin, c.resubmitMax, attempt, nil)); serr != nil {
			return err
		}
	}
}
