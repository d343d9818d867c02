package rediscloud

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Settled reports whether a new peering has left its set-up phase. For AWS
// the pcx ID must be known too, since accepting it is the user's next step.
func Settled(p *Peering) bool {
	switch p.Status {
	case StatusActive, StatusInactive:
		return true
	case StatusPendingAcceptance:
		return p.Provider != ProviderAWS || p.AWSPeeringID != ""
	}
	return false
}

// waitPeering polls the subscription's peering list until cond holds for
// the peering (p is nil when the list does not hold it). Every list it
// reads was requested after the previous one, and lists requested by other
// waits on the same subscription at the same time are shared.
func (c *Client) waitPeering(ctx context.Context, kind Kind, sub, id int, since time.Time, waitKind string, cond func(p *Peering) (bool, error)) (*Peering, error) {
	ctx = c.logContext(ctx)
	schedule := c.newStatusSchedule(waitKind)
	last := ""
	for {
		// A list sent behind this client's own queued changes would only
		// complete after them.
		c.mutations.waitPrior(ctx, 2*c.statusPollMax)
		requested := time.Now()
		list, err := c.listPeeringsSince(ctx, kind, sub, since)
		if err != nil {
			if ctx.Err() != nil {
				return nil, &StatusWaitError{LastStatus: last, Err: ctx.Err()}
			}
			if !isTransient(err) {
				return nil, err
			}
			tflog.SubsystemWarn(ctx, logSubsystem, "listing peerings failed; will try again", map[string]any{"error": err.Error()})
		} else {
			// The next look must be a list sent after this one was.
			since = time.Now()
			p := list.find(id)
			last = ""
			if p != nil {
				last = p.Status
			}
			done, cerr := cond(p)
			if cerr != nil {
				return p, cerr
			}
			if done {
				if waited := schedule.elapsed(); waited > c.pollMin {
					c.latency.observe(waitKind, waited)
				}
				return p, nil
			}
		}
		next := schedule.after(requested)
		tflog.SubsystemDebug(ctx, logSubsystem, "waiting for peering", map[string]any{
			"subscription_id": sub,
			"peering_id":      id,
			"status":          last,
			"elapsed_ms":      schedule.elapsed().Milliseconds(),
			"next_poll":       next.String(),
		})
		if err := sleep(ctx, next); err != nil {
			return nil, &StatusWaitError{LastStatus: last, Err: err}
		}
	}
}

// WaitPeeringSettled waits until a new peering has left initiating-request
// (see Settled). A peering the API reports as failed ends the wait with a
// PeeringFailedError. A peering not listed yet is waited for: lists are
// eventually consistent after a create.
func (c *Client) WaitPeeringSettled(ctx context.Context, kind Kind, sub, id int, since time.Time) (*Peering, error) {
	return c.waitPeering(ctx, kind, sub, id, since, "peering-created", func(p *Peering) (bool, error) {
		if p == nil {
			return false, nil
		}
		if p.Status == StatusFailed {
			return false, &PeeringFailedError{Peering: *p}
		}
		return Settled(p), nil
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
	return c.waitPeering(ctx, kind, sub, id, since, "peering-updated", func(p *Peering) (bool, error) {
		if p == nil {
			return false, &PeeringNotFoundError{SubscriptionID: sub, ID: id}
		}
		if slices.Equal(p.CIDRs, want) {
			return true, nil
		}
		lists++
		if waited := time.Since(since); lists >= cidrGraceLists && waited >= c.cidrGrace {
			return false, &CIDRsNotAppliedError{Want: want, Listed: p.CIDRs, Waited: waited}
		}
		return false, nil
	})
}

// WaitPeeringDeleted waits until a deleted peering has left the list.
func (c *Client) WaitPeeringDeleted(ctx context.Context, kind Kind, sub, id int, since time.Time) error {
	_, err := c.waitPeering(ctx, kind, sub, id, since, "peering-deleted", func(p *Peering) (bool, error) {
		return p == nil, nil
	})
	return err
}
