package rediscloud

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// One change of a subscription at a time.
//
// The API runs one change (create, update or delete of a peering) of a
// subscription at a time, and refuses one sent while another runs: with a
// 429, or with a task that fails with SUBSCRIPTION_NOT_ACTIVE while the
// subscription shows pending. A change runs until the API has carried it
// out: a created peering has left initiating-request, updated CIDRs show in
// the list, a deleted peering has left it. A refused change is sent again
// (CreatePeering and mutate do), but each refusal costs requests (the 429
// and its retries, or a task, its polls and the subscription's reads) and
// a slower turn than waiting. So the changes of one subscription made
// through this client wait their turn here, in the order they came, each
// holding the subscription from before its request until the API shows it
// carried out; changes of other subscriptions do not wait. Changes made by
// other clients (another pipeline) are still met by the refusals' handling.

// subscriptionChanges holds each subscription's turn. The zero value is
// ready.
type subscriptionChanges struct {
	mu    sync.Mutex
	turns map[int]*changeTurn
}

// changeTurn admits one change at a time: the holder has put the token in
// slot. waiting counts the changes holding or waiting for it, for logs and
// errors; the turn is dropped when it reaches 0.
type changeTurn struct {
	slot    chan struct{}
	waiting int
}

func (s *subscriptionChanges) join(sub int) (*changeTurn, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.turns == nil {
		s.turns = map[int]*changeTurn{}
	}
	t := s.turns[sub]
	if t == nil {
		t = &changeTurn{slot: make(chan struct{}, 1)}
		s.turns[sub] = t
	}
	t.waiting++
	return t, t.waiting - 1
}

func (s *subscriptionChanges) leave(sub int, t *changeTurn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.waiting--; t.waiting == 0 {
		delete(s.turns, sub)
	}
}

// HoldSubscription waits until no other change of subscription sub made
// through this client runs, then returns the function that ends this
// change's turn (it may be called more than once). Hold it from before the
// change's request until the API shows the change carried out. When ctx
// ends first, nothing was sent, and the error says what it waited for.
func (c *Client) HoldSubscription(ctx context.Context, sub int) (release func(), err error) {
	t, ahead := c.changes.join(sub)
	if ahead > 0 {
		tflog.SubsystemDebug(c.logContext(ctx), logSubsystem, "waiting for the earlier changes of the subscription", map[string]any{
			"subscription_id": sub, "changes_ahead": ahead,
		})
	}
	select {
	case t.slot <- struct{}{}:
	case <-ctx.Done():
		c.changes.leave(sub, t)
		return nil, fmt.Errorf("waiting for the changes of subscription %d sent before this one to be carried out (the API runs one at a time): %w", sub, ctx.Err())
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-t.slot
			c.changes.leave(sub, t)
		})
	}, nil
}
