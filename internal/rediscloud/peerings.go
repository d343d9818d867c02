package rediscloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// listPeeringsUncached runs one list task; one refused for a busy
// subscription is sent again once it is active.
func (c *Client) listPeeringsUncached(ctx context.Context, k listKey) (*peeringList, error) {
	kind, sub := k.kind, k.sub
	req := request{method: http.MethodGet, path: kind.collection(sub), op: "list peerings"}
	t, err := c.runTask(ctx, req, "list")
	for IsSubscriptionNotActive(err) {
		if _, werr := c.waitForSubscriptionActive(ctx, sub); werr != nil {
			return nil, werr
		}
		t, err = c.runTask(ctx, req, "list")
	}
	if err != nil {
		return nil, c.explainNotFound(ctx, kind, sub, 0, err)
	}
	list, err := decodePeeringList(kind, sub, t.Response.Resource)
	if err != nil {
		source := fmt.Sprintf("the completed list task %s (%s %s", t.ID, req.method, c.base.JoinPath(req.path).Path)
		if t.CommandType != "" {
			source += ", " + t.CommandType
		}
		return nil, c.listFailed("list peerings", source+")", err)
	}
	return list, nil
}

// listFailed is a list that could not be decoded: a ListShapeError names
// the answer (source); any other error is a DecodeError with the keys
// hidden, as the decoder quotes the value it rejects.
func (c *Client) listFailed(op, source string, err error) error {
	if le, ok := asA[*ListShapeError](err); ok {
		le.Source = source
		return le
	}
	return &DecodeError{Op: op, Err: errors.New(c.Redact(err.Error()))}
}

// ListPeerings returns the peerings of a subscription (see memo).
func (c *Client) ListPeerings(ctx context.Context, kind Kind, sub int) ([]Peering, error) {
	return c.ListPeeringsSince(ctx, kind, sub, time.Time{})
}

// ListPeeringsSince is ListPeerings answered only by a list whose task was
// sent at or after since: a read that may follow a change made elsewhere in
// the same run passes its own start.
func (c *Client) ListPeeringsSince(ctx context.Context, kind Kind, sub int, since time.Time) ([]Peering, error) {
	list, err := c.listPeeringsSince(ctx, kind, sub, since)
	if err != nil {
		return nil, err
	}
	return cloneEach(list.peerings, ownPeering), nil
}

func (c *Client) listPeeringsSince(ctx context.Context, kind Kind, sub int, since time.Time) (*peeringList, error) {
	return c.lists.load(ctx, listKey{kind, sub}, since, c.listPeeringsUncached)
}

// GetPeering finds one peering in its subscription's list (see
// peeringList.lookup); sourceRegion is its Active-Active region, if known.
func (c *Client) GetPeering(ctx context.Context, kind Kind, sub, id int, sourceRegion string) (*Peering, error) {
	list, err := c.listPeeringsSince(ctx, kind, sub, time.Time{})
	if err != nil {
		return nil, err
	}
	return list.lookup(sub, id, sourceRegion)
}

// FindPeering returns the peering r describes, or nil.
func (c *Client) FindPeering(ctx context.Context, kind Kind, sub int, r *CreatePeeringRequest) (*Peering, error) {
	list, err := c.listPeeringsSince(ctx, kind, sub, time.Now())
	if err != nil {
		return nil, err
	}
	return list.first(r.describes), nil
}

// CreatePeering creates a peering and returns its ID once the create task has
// completed, recovering without duplicates:
//
//   - a task refused for a busy subscription is sent again once it is
//     active, and one refused with a lingering 429 later;
//   - a request whose answer was lost is sent again, and if the API then
//     says the peering exists, the lost attempt's peering is adopted;
//   - when the wait for an accepted create's task fails, recoverCreate
//     looks for the peering.
func (c *Client) CreatePeering(ctx context.Context, kind Kind, sub int, r CreatePeeringRequest, opts CreateOptions) (res CreateResult, err error) {
	ctx = c.logContext(ctx)
	if _, err := c.ActiveSubscription(ctx, sub); err != nil {
		return CreateResult{}, err
	}
	req := request{method: http.MethodPost, path: kind.collection(sub), body: r.body(kind), op: "create peering",
		busy: func() { c.changeRefused(ctx, sub) }}
	// Once a POST may have reached the API (sent), a failure must look for
	// what it may have created.
	ambiguous, sent := false, false
	taskID := ""
	// A task the task service still does not know after a few seconds may
	// be done, and its peering settling: the settle wait's first list is
	// sent then, as its result too is readable only after such a window.
	first := newFirstList(ctx)
	defer func() {
		if res.first == nil {
			first.stop()
		}
	}()
	fail := func(err error) (CreateResult, error) {
		if sent {
			return c.recoverCreate(ctx, kind, sub, &r, taskID, err)
		}
		return CreateResult{}, err
	}
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
			t, err = c.waitTask(ctx, t, "create", submitted, func() { first.start(c, listKey{kind, sub}) })
			done()
			c.lists.forget(listKey{kind, sub})
			if err == nil {
				id := t.createdID()
				if id == 0 {
					return c.recoverCreate(ctx, kind, sub, &r, t.ID, &TaskError{TaskID: t.ID, Type: "MISSING_RESOURCE_ID",
						Description: "the create task completed without a valid ID for the new peering (resourceId must be a positive number)"})
				}
				return CreateResult{ID: id, TaskID: t.ID, first: first}, nil
			}
			if isA[*waitError](err) {
				return fail(err)
			}
		} else if isA[*ambiguousError](err) || (ctx.Err() != nil && !neverSent(err)) {
			sent = true
		}
		if ctx.Err() != nil {
			return fail(err)
		}
		switch {
		case IsAlreadyExists(err) && ambiguous:
			p, ferr := c.FindPeering(ctx, kind, sub, &r)
			if ferr == nil && p != nil {
				tflog.SubsystemInfo(ctx, logSubsystem, "adopting the peering created by an attempt whose answer was lost", map[string]any{"subscription_id": sub, "peering_id": p.ID})
				return CreateResult{ID: p.ID, TaskID: TaskID(err), Adopted: true}, nil
			}
			return CreateResult{}, err
		case isA[*ambiguousError](err):
			ambiguous = true
		case IsSubscriptionNotActive(err):
			c.changeRefused(ctx, sub)
			c.active.forget(sub)
			if _, werr := c.waitForSubscriptionActive(ctx, sub); werr != nil {
				return CreateResult{}, werr
			}
		case isTooManyRequests(err):
		default:
			return CreateResult{}, c.explainNotFound(ctx, kind, sub, 0, err)
		}
		tflog.SubsystemDebug(ctx, logSubsystem, "sending the create request again", map[string]any{"subscription_id": sub, "attempt": attempt + 1, "reason": err.Error()})
		if serr := sleep(ctx, c.resubmitWait(attempt)); serr != nil {
			return fail(err)
		}
	}
}

// recoverCreate looks for the peering of a create whose outcome is unknown,
// within CreateLookupTimeout even when ctx has ended (an interrupted run must
// still record what it created): in the task, else in the list.
func (c *Client) recoverCreate(ctx context.Context, kind Kind, sub int, r *CreatePeeringRequest, taskID string, cause error) (CreateResult, error) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.CreateLookupTimeout)
	defer cancel()
	ie := &CreateIncompleteError{SubscriptionID: sub, TaskID: taskID, wrapped: wrapped{cause}}
	if taskID != "" {
		if t, err := c.getTask(lctx, taskID); err == nil && t.Status == taskProcessingCompleted && t.createdID() != 0 && t.Response.Error == nil {
			ie.PeeringID = t.createdID()
		}
	}
	if ie.PeeringID == 0 {
		c.lists.forget(listKey{kind, sub})
		p, err := c.FindPeering(lctx, kind, sub, r)
		switch {
		case err != nil:
			ie.LookupErr = err
		case p != nil:
			ie.PeeringID = p.ID
		}
	}
	tflog.SubsystemWarn(ctx, logSubsystem, "create interrupted; looked for its peering", map[string]any{
		"subscription_id": sub, "task_id": taskID, "found_peering_id": ie.PeeringID, "cause": cause.Error(),
	})
	return CreateResult{ID: ie.PeeringID, TaskID: taskID}, ie
}

// UpdatePeeringCIDRs replaces the consumer CIDRs of an AWS peering.
func (c *Client) UpdatePeeringCIDRs(ctx context.Context, kind Kind, sub, id int, cidrs []string) error {
	req := request{method: http.MethodPut, path: fmt.Sprintf("%s/%d", kind.collection(sub), id), body: cidrFields(cidrs), op: "update peering"}
	return c.mutate(ctx, kind, sub, id, req, "update", func(ctx context.Context) (bool, error) {
		// After an answer was lost, the update has been applied when the
		// listed CIDRs are already the wanted ones.
		p, err := c.GetPeering(ctx, kind, sub, id, "")
		if err != nil {
			return false, err
		}
		return slices.Equal(p.CIDRs, NormalizeCIDRs(cidrs)), nil
	})
}

// DeletePeering deletes a peering and waits for its task.
func (c *Client) DeletePeering(ctx context.Context, kind Kind, sub, id int) error {
	req := request{method: http.MethodDelete, path: fmt.Sprintf("%s/%d", kind.collection(sub), id), op: "delete peering"}
	return c.mutate(ctx, kind, sub, id, req, "delete", nil)
}

// mutate runs an update or delete task, sending it again as CreatePeering
// does; after a lost answer only when applied cannot tell it took effect.
func (c *Client) mutate(ctx context.Context, kind Kind, sub, id int, req request, label string, applied func(context.Context) (bool, error)) error {
	ctx = c.logContext(ctx)
	req.busy = func() { c.changeRefused(ctx, sub) }
	for attempt := 0; ; attempt++ {
		done := c.mutations.start()
		_, err := c.runTask(ctx, req, label)
		done()
		c.lists.forget(listKey{kind, sub})
		if err == nil || ctx.Err() != nil {
			return err
		}
		switch {
		case IsSubscriptionNotActive(err):
			c.changeRefused(ctx, sub)
			if _, werr := c.waitForSubscriptionActive(ctx, sub); werr != nil {
				return werr
			}
		case isTooManyRequests(err):
		case isA[*ambiguousError](err) && applied != nil:
			if ok, aerr := applied(ctx); aerr == nil && ok {
				return nil
			}
		default:
			return c.explainNotFound(ctx, kind, sub, id, err)
		}
		if serr := sleep(ctx, c.resubmitWait(attempt)); serr != nil {
			return err
		}
	}
}

// subscriptionChanges makes this client's changes of one subscription take
// turns, in order: the API refuses a change sent while another of its
// subscription runs, and each refusal costs requests. "Runs" is
// undocumented: the task at least, on a strict API until the change is
// carried out (as Redis's own provider assumes). So a turn lasts until the
// change's task completed (Turn.Sent) until a change is first refused
// (strict), and from then on until it is carried out (Turn.Release).
//
// Each subscription changed has a slot, kept for the client's life, for one
// token: a change holds its turn while its token is in the slot.
type subscriptionChanges struct {
	mu     sync.Mutex
	slots  map[int]chan struct{}
	strict atomic.Bool
}

func (s *subscriptionChanges) slot(sub int) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.slots[sub] == nil {
		s.slots[sub] = make(chan struct{}, 1)
	}
	return s.slots[sub]
}

func (c *Client) changeRefused(ctx context.Context, sub int) {
	if !c.changes.strict.Swap(true) {
		tflog.SubsystemInfo(ctx, logSubsystem, "a change was refused while another ran: from now on each change of a subscription waits until the one before is carried out",
			map[string]any{"subscription_id": sub})
	}
}

// Turn is one change's turn at its subscription.
type Turn struct {
	c       *Client
	release func()
}

// Sent ends the turn once the change's task has completed, unless this
// client has seen a change refused.
func (t *Turn) Sent() {
	if !t.c.changes.strict.Load() {
		t.Release()
	}
}

// Release ends the turn; it may be called more than once.
func (t *Turn) Release() { t.release() }

// HoldSubscription waits until no other change of sub made through this
// client holds it, then returns this change's turn. Call Sent when the
// change's task has completed and Release (deferred) when the API shows it
// carried out.
func (c *Client) HoldSubscription(ctx context.Context, sub int) (*Turn, error) {
	slot := c.changes.slot(sub)
	select {
	case slot <- struct{}{}:
	default:
		tflog.SubsystemDebug(c.logContext(ctx), logSubsystem, "waiting for the earlier changes of the subscription", map[string]any{"subscription_id": sub})
		select {
		case slot <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the changes of subscription %d sent before this one (the API runs one at a time): %w", sub, ctx.Err())
		}
	}
	return &Turn{c: c, release: sync.OnceFunc(func() { <-slot })}, nil
}
