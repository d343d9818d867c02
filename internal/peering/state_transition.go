package peering

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// peeringAPI is the part of the API client that the waits use, so that tests
// can drive them without HTTP.
type peeringAPI interface {
	ListPeeringsSince(ctx context.Context, kind rediscloud.Kind, sub int, since time.Time) ([]rediscloud.Peering, error)
	NewPoller(kind string) *rediscloud.Poller
}

// PeeringFailedError says the API reports the peering as failed.
type PeeringFailedError struct {
	Peering rediscloud.Peering
}

func (e *PeeringFailedError) Error() string {
	return fmt.Sprintf("Redis Cloud reports peering %d as %q", e.Peering.ID, e.Peering.Status)
}

// StatusWaitError says a wait ended before its condition held.
type StatusWaitError struct {
	LastStatus string
	Err        error
}

func (e *StatusWaitError) Error() string {
	status := e.LastStatus
	if status == "" {
		status = "not listed yet"
	}
	return fmt.Sprintf("the peering's last status was %q: %v", status, e.Err)
}

func (e *StatusWaitError) Unwrap() error { return e.Err }

// settled reports whether a new peering has left its set-up phase. For AWS
// the pcx ID must be known too, since accepting it is the user's next step.
func settled(p *rediscloud.Peering) bool {
	switch p.Status {
	case rediscloud.StatusActive, rediscloud.StatusInactive:
		return true
	case rediscloud.StatusPendingAcceptance:
		return p.Provider != rediscloud.ProviderAWS || p.AWSPeeringID != ""
	}
	return false
}

// waitPeering polls the subscription's peering list until cond holds for the
// peering (found), or it is gone (found is false and cond is given nil).
// Lists requested by other waits on the same subscription are shared.
func waitPeering(ctx context.Context, api peeringAPI, kind rediscloud.Kind, sub, id int, since time.Time, pollKind string, cond func(p *rediscloud.Peering) (bool, error)) (*rediscloud.Peering, error) {
	poller := api.NewPoller(pollKind)
	last := ""
	for {
		requested := time.Now()
		list, err := api.ListPeeringsSince(ctx, kind, sub, since)
		if err != nil {
			if ctx.Err() != nil {
				return nil, &StatusWaitError{LastStatus: last, Err: ctx.Err()}
			}
			if !rediscloud.IsTransient(err) {
				return nil, err
			}
			tflog.Warn(ctx, "listing peerings failed; will try again", map[string]any{"error": err.Error()})
		} else {
			// The next look must be a list sent after this one was (a list
			// requested since `requested` may be this very one).
			since = time.Now()
			i := slices.IndexFunc(list, func(p rediscloud.Peering) bool { return p.ID == id })
			var p *rediscloud.Peering
			if i >= 0 {
				p = &list[i]
				last = p.Status
			} else {
				last = ""
			}
			done, cerr := cond(p)
			if cerr != nil {
				return p, cerr
			}
			if done {
				poller.Done()
				return p, nil
			}
		}
		// The delay runs from when the list was requested: a list is a task
		// of its own, and when it takes longer than the delay the next one
		// is sent at once, so that a change is seen one list after it.
		next := max(poller.Next()-time.Since(requested), 0)
		tflog.Debug(ctx, "waiting for peering", map[string]any{
			"subscription_id": sub,
			"peering_id":      id,
			"status":          last,
			"elapsed_ms":      poller.Elapsed().Milliseconds(),
			"next_poll":       next.String(),
		})
		if err := sleepCtx(ctx, next); err != nil {
			return nil, &StatusWaitError{LastStatus: last, Err: err}
		}
	}
}

// waitCreated waits until a new peering has left initiating-request.
func waitCreated(ctx context.Context, api peeringAPI, kind rediscloud.Kind, sub, id int, since time.Time) (*rediscloud.Peering, error) {
	return waitPeering(ctx, api, kind, sub, id, since, "peering-created", func(p *rediscloud.Peering) (bool, error) {
		if p == nil {
			// Lists are eventually consistent: a completed create may not show yet.
			return false, nil
		}
		if p.Status == rediscloud.StatusFailed {
			return false, &PeeringFailedError{Peering: *p}
		}
		return settled(p), nil
	})
}

// waitCIDRs waits until the listed CIDRs of a peering are the wanted ones.
func waitCIDRs(ctx context.Context, api peeringAPI, kind rediscloud.Kind, sub, id int, since time.Time, want []string) (*rediscloud.Peering, error) {
	return waitPeering(ctx, api, kind, sub, id, since, "peering-updated", func(p *rediscloud.Peering) (bool, error) {
		if p == nil {
			return false, &rediscloud.PeeringNotFoundError{SubscriptionID: sub, ID: id}
		}
		return slices.Equal(p.CIDRs, want), nil
	})
}

// waitGone waits until a deleted peering has left the list.
func waitGone(ctx context.Context, api peeringAPI, kind rediscloud.Kind, sub, id int, since time.Time) error {
	_, err := waitPeering(ctx, api, kind, sub, id, since, "peering-deleted", func(p *rediscloud.Peering) (bool, error) {
		return p == nil, nil
	})
	return err
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
