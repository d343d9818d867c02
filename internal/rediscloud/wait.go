package rediscloud

import (
	"context"
	"slices"
	"time"
)

// settled reports whether a new peering has left its set-up phase. For AWS
// the pcx ID must be known too, since accepting it is the user's next step.
func settled(p *Peering) bool {
	switch p.Status {
	case StatusActive, StatusInactive:
		return true
	case StatusPendingAcceptance:
		return cloudNamed(p.Provider).ready(p)
	}
	return false
}

// waitPeering polls the subscription's peering list until cond holds for
// the peering (p is nil when the list does not hold it). Every list it
// reads was requested after the previous one, and lists requested by other
// waits on the same subscription at the same time are shared.
func (c *Client) waitPeering(ctx context.Context, kind Kind, sub, id int, since time.Time, waited waitKind, cond func(p *Peering) (bool, error)) (*Peering, error) {
	ctx = c.logContext(ctx)
	schedule := c.newStatusSchedule(waited)
	// found wraps a look, so that a peering not listed is a value too.
	type found struct{ p *Peering }
	var failed *Peering
	f, err := await(ctx, wait[found]{
		message: "waiting for peering",
		retry:   "listing peerings failed; will try again",
		fields:  map[string]any{"subscription_id": sub, "peering_id": id},
		look: func(ctx context.Context) (found, error) {
			// A list sent behind this client's own queued changes would
			// only complete after them.
			c.mutations.waitPrior(ctx, 2*c.statusPollMax)
			list, err := c.listPeeringsSince(ctx, kind, sub, since)
			if err != nil {
				return found{}, err
			}
			// The next look must be a list sent after this one was.
			since = time.Now()
			return found{list.find(id)}, nil
		},
		status: func(f found) string {
			if f.p == nil {
				return ""
			}
			return f.p.Status
		},
		settle: func(f found) (bool, error) {
			done, err := cond(f.p)
			if err != nil {
				failed = f.p
			}
			if done && err == nil {
				if d := schedule.elapsed(); d > c.pollMin {
					c.latency.observe(waited, d)
				}
			}
			return done, err
		},
		passing: isTransient,
		next:    schedule.after,
		interrupted: func(last string, err error) error {
			return &statusWaitError{LastStatus: last, Err: err}
		},
	})
	if err != nil {
		return failed, err
	}
	return f.p, nil
}

// WaitPeeringSettled waits until a new peering has left initiating-request
// (see settled). A peering the API reports as failed ends the wait with a
// PeeringFailedError. A peering not listed yet is waited for: lists are
// eventually consistent after a create.
func (c *Client) WaitPeeringSettled(ctx context.Context, kind Kind, sub, id int, since time.Time) (*Peering, error) {
	return c.waitPeering(ctx, kind, sub, id, since, waitPeeringCreated, func(p *Peering) (bool, error) {
		if p == nil {
			return false, nil
		}
		if p.Status == StatusFailed {
			return false, &PeeringFailedError{Peering: *p}
		}
		return settled(p), nil
	})
}

// cidrGrace is how long, and in how many lists, the CIDRs of a completed
// update may keep their old value before the wait gives up: the list is
// eventually consistent, but an update the API dropped must not spin until
// the operation's timeout.
const (
	defaultCIDRGrace = 30 * time.Second
	cidrGraceLists   = 3
)

// WaitPeeringCIDRs waits until the listed CIDRs of a peering whose update
// task completed at since are want (sorted, without duplicates).
func (c *Client) WaitPeeringCIDRs(ctx context.Context, kind Kind, sub, id int, since time.Time, want []string) (*Peering, error) {
	lists := 0
	return c.waitPeering(ctx, kind, sub, id, since, waitPeeringUpdated, func(p *Peering) (bool, error) {
		if p == nil {
			return false, &peeringNotFoundError{SubscriptionID: sub, ID: id}
		}
		if slices.Equal(p.CIDRs, want) {
			return true, nil
		}
		lists++
		if waited := time.Since(since); lists >= cidrGraceLists && waited >= c.cidrGrace {
			return false, &cidrsNotAppliedError{Want: want, Listed: p.CIDRs, Waited: waited}
		}
		return false, nil
	})
}

// WaitPeeringDeleted waits until a deleted peering has left the list.
func (c *Client) WaitPeeringDeleted(ctx context.Context, kind Kind, sub, id int, since time.Time) error {
	_, err := c.waitPeering(ctx, kind, sub, id, since, waitPeeringDeleted, func(p *Peering) (bool, error) {
		return p == nil, nil
	})
	return err
}
