package rediscloud

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

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
	if s.slots == nil {
		s.slots = map[int]chan struct{}{}
	}
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
	c    *Client
	once sync.Once
	end  func()
}

// Sent ends the turn once the change's task has completed, unless this
// client has seen a change refused.
func (t *Turn) Sent() {
	if !t.c.changes.strict.Load() {
		t.Release()
	}
}

// Release ends the turn; it may be called more than once.
func (t *Turn) Release() { t.once.Do(t.end) }

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
	return &Turn{c: c, end: func() { <-slot }}, nil
}
