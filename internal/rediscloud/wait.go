package rediscloud

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

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
	// waitPeeringStatus is a status another party brings about, such as
	// an acceptance in another pipeline: its own estimate, so that it
	// never stretches a create's.
	waitPeeringStatus
)

// wait is one wait (a task to end, a subscription to be active, a peering to
// reach a status) as data for the one loop, await. T is what a look reads.
type wait[T any] struct {
	// message is the debug line logged before each sleep, retry the warning
	// logged when a look failed with a passing fault; fields identify the
	// awaited object in both.
	message, retry string
	fields         map[string]any
	look           func(ctx context.Context) (T, error)
	// status is what the log and the interrupted error show of a look.
	status func(v T) string
	settle func(v T) (done bool, err error)
	// passing reports whether a failed look is waited out: the look's own
	// retries are spent by then, and a fault that outlasts them must not
	// fail a long wait (ctx bounds it).
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
	maps.Copy(out, base)
	maps.Copy(out, more)
	return out
}

// Polling strategy. The API completes every peering call as a task, and a
// peering changes status later still. Each Terraform command is a new
// process that knows nothing of the API's pace, and an account's pipelines
// share 400 requests a minute, so the schedules suit the documented API:
//
//   - A task is first polled PollFirst (1 s) after the answer that named it
//     (the task service may answer 404 before), then every elapsed/2 up to
//     PollMax: a dozen polls a minute at most. While the task service has
//     not shown the task (404), polls are at least 2×PollFirst apart: the
//     window ends when it ends, and a poll within it learns nothing. Once
//     it shows the task, the task's own end is awaited, and polls are at
//     least PollFirst apart (an API whose tasks take a second is not made
//     to wait two, and a task still queued is not polled four times a
//     second).
//   - Once a task has been timed in this process, the next one, whatever
//     it does, is first polled when the quickest was seen complete: that
//     is the API's pace, and a list then costs one poll.
//   - A status wait looks at once, then as long after the previous look as
//     it has lasted, up to StatusPollMax (8 s) apart, and at least
//     2×PollFirst apart for a subscription's status (a synchronous read)
//     or PollFirst for a peering list: a list is a task, whose own run and
//     window already space the looks on a slow API (the realistic
//     profile's lists take 3 s), while on a quick one a peering that
//     settles just after a look is seen a second later, not two. Once a
//     wait of the same waitKind has completed, the next skips to 90 % of
//     it.
//
// Each estimate is the shortest seen: an account runs one task at a time,
// so a task that queued says nothing of the next, and polling a little
// early costs one request.

// latencyEstimator remembers how long each waitKind takes at least.
type latencyEstimator struct {
	mu       sync.Mutex
	shortest map[waitKind]time.Duration
}

func newLatencyEstimator() *latencyEstimator {
	return &latencyEstimator{shortest: map[waitKind]time.Duration{}}
}

// get returns the estimate for w, or 0.
func (e *latencyEstimator) get(w waitKind) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.shortest[w]
}

func (e *latencyEstimator) observe(w waitKind, d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if old, ok := e.shortest[w]; !ok || d < old {
		e.shortest[w] = d
	}
}

// taskSchedule yields the delays between the polls of one task.
type taskSchedule struct {
	first, min, max time.Duration
	// expected is when the task is likely to be seen complete, or 0.
	expected time.Duration
	start    time.Time
	polls    int
	now      func() time.Time
}

func (c *Client) newTaskSchedule(start time.Time) *taskSchedule {
	return &taskSchedule{
		first:    c.pollFirst,
		min:      c.pollMin,
		max:      c.pollMax,
		expected: c.latency.get(waitTask),
		start:    start,
		now:      time.Now,
	}
}

// next returns how long to sleep before the next poll; shown is whether
// the last poll found the task (running), rather than a 404 or a failure.
func (p *taskSchedule) next(shown bool) time.Duration {
	elapsed := p.now().Sub(p.start)
	p.polls++
	if p.polls == 1 {
		at := p.first
		if p.expected > 0 {
			// One slow task (a busy account's queue) must not make the
			// next wait oversleep by much.
			at = min(p.expected, 2*p.max)
		}
		return max(at-elapsed, p.min)
	}
	least := p.first
	if !shown {
		least = 2 * p.first
	}
	return min(max(elapsed/2, least), p.max)
}

// statusSchedule spaces the peering lists (or subscription reads) of one
// status wait.
type statusSchedule struct {
	min, max time.Duration
	expected time.Duration
	start    time.Time
	now      func() time.Time
}

func (c *Client) newStatusSchedule(w waitKind) *statusSchedule {
	least := c.pollFirst
	if w == waitSubscriptionActive {
		least = 2 * c.pollFirst
	}
	return &statusSchedule{
		min:      least,
		max:      c.statusPollMax,
		expected: c.latency.get(w),
		start:    time.Now(),
		now:      time.Now,
	}
}

// after returns how long to sleep before the next look, given when the
// previous one was requested: a look is a task of its own, and when it
// took longer than the interval the next one is sent at once.
func (p *statusSchedule) after(requested time.Time) time.Duration {
	now := p.now()
	if p.expected > 0 {
		if skip := p.start.Add(p.expected * 9 / 10); now.Before(skip) {
			return skip.Sub(now)
		}
	}
	interval := min(max(requested.Sub(p.start), p.min), p.max)
	return max(requested.Add(interval).Sub(now), 0)
}

// awaitStatus runs a status wait: looks spaced by a statusSchedule,
// passing faults waited out, and the duration of a wait that settled
// without error kept as the estimate of the next wait of kind w.
func awaitStatus[T any](ctx context.Context, c *Client, w waitKind, st wait[T]) (T, error) {
	schedule := c.newStatusSchedule(w)
	settle := st.settle
	st.settle = func(v T) (bool, error) {
		done, err := settle(v)
		if d := schedule.now().Sub(schedule.start); done && err == nil && d > c.pollMin {
			c.latency.observe(w, d)
		}
		return done, err
	}
	st.passing, st.next = IsTransient, schedule.after
	return await(c.logContext(ctx), st)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// mutations tracks the create, update and delete tasks this client waits
// for. The API runs an account's tasks one at a time, so a list sent while
// they are queued completes only after them: a status wait holds its next
// list until the changes pending when it looked are done (for a bounded
// time), which shows the same answer for fewer polls. Changes started later
// do not hold it, so a stream of them cannot starve a wait.
type mutations struct {
	mu      sync.Mutex
	seq     uint64
	active  map[uint64]struct{}
	changed chan struct{} // closed and replaced when one ends
}

func newMutations() *mutations {
	return &mutations{active: map[uint64]struct{}{}, changed: make(chan struct{})}
}

// start records a pending change; call the function it returns when done.
func (m *mutations) start() func() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	id := m.seq
	m.active[id] = struct{}{}
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		delete(m.active, id)
		close(m.changed)
		m.changed = make(chan struct{})
	}
}

// waitPrior returns once every change pending now has ended, after at most
// limit, or when ctx ends.
func (m *mutations) waitPrior(ctx context.Context, limit time.Duration) {
	m.mu.Lock()
	last := m.seq
	m.mu.Unlock()
	t := time.NewTimer(limit)
	defer t.Stop()
	for {
		m.mu.Lock()
		pending := false
		for id := range m.active {
			if id <= last {
				pending = true
				break
			}
		}
		changed := m.changed
		m.mu.Unlock()
		if !pending {
			return
		}
		select {
		case <-changed:
		case <-t.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

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
// the peering (nil when not listed). Each list it reads was requested after
// the previous one; other waits on the subscription share them.
func (c *Client) waitPeering(ctx context.Context, kind Kind, sub, id int, since time.Time, waited waitKind, cond func(p *Peering) (bool, error)) (*Peering, error) {
	var failed *Peering
	p, err := awaitStatus(ctx, c, waited, wait[*Peering]{
		message: "waiting for peering",
		retry:   "listing peerings failed; will try again",
		fields:  map[string]any{"subscription_id": sub, "peering_id": id},
		look: func(ctx context.Context) (*Peering, error) {
			// A list sent behind this client's own queued changes would
			// only complete after them.
			c.mutations.waitPrior(ctx, 2*c.statusPollMax)
			list, err := c.listPeeringsSince(ctx, kind, sub, since)
			if err != nil {
				return nil, err
			}
			// The next look must be a list sent after this one was.
			since = time.Now()
			return list.find(id), nil
		},
		status: func(p *Peering) string {
			if p == nil {
				return ""
			}
			return p.Status
		},
		settle: func(p *Peering) (bool, error) {
			done, err := cond(p)
			if err != nil {
				failed = p
			}
			return done, err
		},
		interrupted: func(last string, err error) error {
			return &waitError{LastStatus: last, wrapped: wrapped{err}}
		},
	})
	if err != nil {
		return failed, err
	}
	return p, nil
}

// WaitPeeringSettled waits until a new peering has settled. A failed one
// ends the wait (PeeringFailedError); one not listed yet is waited for, as
// lists are eventually consistent after a create.
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

// The listed CIDRs of a completed update may lag for defaultCIDRGrace and
// cidrGraceLists lists before the wait gives up: an update the API dropped
// must not spin until the operation's timeout.
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

// WaitPeeringStatus waits until a peering is listed with status, in a list
// sent at or after since: a list taken before then never decides it. A
// peering that fails (PeeringFailedError) or leaves the list ends the wait.
func (c *Client) WaitPeeringStatus(ctx context.Context, kind Kind, sub, id int, since time.Time, status string) (*Peering, error) {
	return c.waitPeering(ctx, kind, sub, id, since, waitPeeringStatus, func(p *Peering) (bool, error) {
		switch {
		case p == nil:
			return false, &peeringNotFoundError{SubscriptionID: sub, ID: id}
		case p.Status == status:
			return true, nil
		case p.Status == StatusFailed:
			return false, &PeeringFailedError{Peering: *p}
		}
		return false, nil
	})
}
