package rediscloud

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Every wait of this package (a task to end, a subscription to be active, a
// peering to reach a status) is data over one loop, await: what to look at,
// how long to wait between looks, what ends the wait, and which failures are
// waited out.

// errNotYet is a look that found nothing to judge yet (a task the task
// service does not show yet): waited out without a warning.
var errNotYet = errors.New("not shown yet")

// waitKind names a kind of wait: it keys the estimates of how long waits
// take (latencyEstimator) and so their schedules.
type waitKind int

const (
	// waitTask is every task: how soon a task can be seen complete is the
	// API's pace, whatever the task does.
	waitTask waitKind = iota
	waitSubscriptionActive
	waitPeeringCreated
	waitPeeringUpdated
	waitPeeringDeleted
)

var waitKindNames = [...]string{"task", "subscription-active", "peering-created", "peering-updated", "peering-deleted"}

func (k waitKind) String() string { return waitKindNames[k] }

// wait describes one wait for await. T is what a look reads.
type wait[T any] struct {
	// message is the debug line logged before each sleep, and retry the
	// warning logged when a look failed with a passing fault.
	message, retry string
	// fields identify the awaited object in both.
	fields map[string]any
	// look reads the object once.
	look func(ctx context.Context) (T, error)
	// status is what the log and the interrupted error show of a look.
	status func(v T) string
	// settle says whether v ends the wait, and with which error.
	settle func(v T) (done bool, err error)
	// passing reports whether a failed look is waited out. The look's own
	// retries have been spent by then: a fault that outlasts them must not
	// fail a long wait; ctx bounds it.
	passing func(err error) bool
	// next is how long to sleep before the next look, given when the last
	// one was requested.
	next func(requested time.Time) time.Duration
	// interrupted is the error of a wait that ctx ended, given the last
	// status seen.
	interrupted func(last string, err error) error
}

// await runs w until a look settles it, a look fails with a fault that is
// not passing, or ctx ends. It returns the value that settled it, or with
// the error of an interrupted wait the last value read.
func await[T any](ctx context.Context, w wait[T]) (T, error) {
	var last T
	status := ""
	start := time.Now()
	for {
		requested := time.Now()
		v, err := w.look(ctx)
		switch {
		case err == nil:
			last, status = v, w.status(v)
			if done, serr := w.settle(v); done || serr != nil {
				return v, serr
			}
		case ctx.Err() != nil:
			return last, w.interrupted(status, ctx.Err())
		case !w.passing(err):
			var zero T
			return zero, err
		case errors.Is(err, errNotYet):
		default:
			tflog.SubsystemWarn(ctx, logSubsystem, w.retry, withFields(w.fields, map[string]any{"error": err.Error()}))
		}
		d := w.next(requested)
		tflog.SubsystemDebug(ctx, logSubsystem, w.message, withFields(w.fields, map[string]any{
			"status":     status,
			"elapsed_ms": time.Since(start).Milliseconds(),
			"next_poll":  d.String(),
		}))
		if err := sleep(ctx, d); err != nil {
			return last, w.interrupted(status, err)
		}
	}
}

// withFields is a copy of base with more added.
func withFields(base, more map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(more))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}
