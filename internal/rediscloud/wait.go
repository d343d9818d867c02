package rediscloud

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// errNotYet is a look that found nothing to judge yet: waited out without
// a warning.
var errNotYet = errors.New("not shown yet")

// waitKind keys the estimates of how long waits take (latencyEstimator).
type waitKind int

const (
	// waitTask is every task: how soon one is seen complete is the API's
	// pace, whatever it does.
	waitTask waitKind = iota
	waitSubscriptionActive
	waitPeeringCreated
	waitPeeringUpdated
	waitPeeringDeleted
	// waitPeeringStatus is a status another party brings about (an
	// acceptance): its own estimate, so that it never stretches a create's.
	waitPeeringStatus
	waitKinds // how many there are
)

// wait is one wait as data for the one loop, await. message is logged
// before each sleep, retry when a look failed with a transient fault.
type wait[T any] struct {
	message, retry string
	fields         map[string]any
	look           func(ctx context.Context) (T, error)
	status         func(v T) string
	settle         func(v T) (done bool, err error)
	next           func(requested time.Time) time.Duration
	interrupted    func(last string, err error) error
}

// await runs w until a look settles it, a look fails with a fault that is
// not transient, or ctx ends (then with the last value read). A transient
// fault that outlasts the look's own retries must not fail a long wait.
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
		case !IsTransient(err):
			var zero T
			return zero, err
		case errors.Is(err, errNotYet):
		default:
			tflog.SubsystemWarn(ctx, logSubsystem, w.retry, w.fields, map[string]any{"error": err.Error()})
		}
		d := w.next(requested)
		tflog.SubsystemDebug(ctx, logSubsystem, w.message, w.fields, map[string]any{
			"status":     status,
			"elapsed_ms": time.Since(start).Milliseconds(),
			"next_poll":  d.String(),
		})
		if err := sleep(ctx, d); err != nil {
			return last, w.interrupted(status, err)
		}
	}
}

// Polling strategy: an account's pipelines share 400 requests a minute, and
// each Terraform command is a new process that knows nothing of the API's pace.
//
//   - A task is first polled PollFirst after the answer that named it, then
//     every elapsed/2 up to PollMax. While the task service answers 404,
//     polls are at least 2×PollFirst apart: a poll within that window learns
//     nothing. Once it shows the task, at least PollFirst apart: a task of a
//     second is not made to wait two, nor a queued one polled four times a
//     second.
//   - Once a task was timed in this process, the next is first polled when
//     the quickest was seen complete: a list then costs one poll.
//   - A status wait looks at once, then as long after the previous look as
//     it has lasted, between a least spacing and StatusPollMax: 2×PollFirst
//     for a subscription read, PollFirst for a peering list, a task whose own
//     run spaces the looks. After a wait of its waitKind, the next skips to
//     90 % of it.
//   - A create whose task polls still answer 404 4×PollFirst after its
//     answer sends the settle wait's first list then (firstList): that list's
//     result too is readable only after the window.
//
// Each estimate is the shortest seen: an account runs one task at a time,
// so a task that queued says nothing of the next.
type latencyEstimator struct {
	mu       sync.Mutex
	shortest [waitKinds]time.Duration // 0: none seen
}

func (e *latencyEstimator) get(w waitKind) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.shortest[w]
}

func (e *latencyEstimator) observe(w waitKind, d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if old := e.shortest[w]; old == 0 || d < old {
		e.shortest[w] = d
	}
}

// schedule spaces the looks of one wait: a task's by next, a status wait's
// by after. expected is when the wait is likely to end, or 0.
type schedule struct {
	first, min, max time.Duration
	expected        time.Duration
	start           time.Time
	polls           int
	now             func() time.Time
}

func (c *Client) newTaskSchedule(start time.Time) *schedule {
	return &schedule{
		first:    c.cfg.PollFirst,
		min:      c.cfg.PollMin,
		max:      c.cfg.PollMax,
		expected: c.latency.get(waitTask),
		start:    start,
		now:      time.Now,
	}
}

// next returns the sleep before the next poll; shown is whether the last
// poll found the task.
func (p *schedule) next(shown bool) time.Duration {
	elapsed := p.now().Sub(p.start)
	p.polls++
	if p.polls == 1 {
		at := p.first
		if p.expected > 0 {
			// One slow task (a busy queue) must not make the next oversleep.
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

func (c *Client) newStatusSchedule(w waitKind) *schedule {
	least := c.cfg.PollFirst
	if w == waitSubscriptionActive {
		least = 2 * c.cfg.PollFirst
	}
	return &schedule{
		min:      least,
		max:      c.cfg.StatusPollMax,
		expected: c.latency.get(w),
		start:    time.Now(),
		now:      time.Now,
	}
}

// after returns the sleep before the next look, given when the previous one
// was requested: a look that took longer than the interval is followed at once.
func (p *schedule) after(requested time.Time) time.Duration {
	now := p.now()
	if p.expected > 0 {
		if skip := p.start.Add(p.expected * 9 / 10); now.Before(skip) {
			return skip.Sub(now)
		}
	}
	interval := min(max(requested.Sub(p.start), p.min), p.max)
	return max(requested.Add(interval).Sub(now), 0)
}

// awaitStatus runs a status wait, keeping the duration of one that settled
// without error as the estimate of the next wait of kind w.
func awaitStatus[T any](ctx context.Context, c *Client, w waitKind, st wait[T]) (T, error) {
	schedule := c.newStatusSchedule(w)
	settle := st.settle
	st.settle = func(v T) (bool, error) {
		done, err := settle(v)
		if d := schedule.now().Sub(schedule.start); done && err == nil && d > c.cfg.PollMin {
			c.latency.observe(w, d)
		}
		return done, err
	}
	st.next = schedule.after
	return await(c.logContext(ctx), st)
}

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

// mutations tracks the change tasks this client waits for. The API runs an
// account's tasks one at a time, so a list sent behind them completes only
// after them: a status wait holds its next list until the changes pending
// when it looked are done. Later changes do not hold it, so that a stream of
// them cannot starve a wait. Each pending change is a channel, closed when
// it ends.
type mutations struct {
	mu      sync.Mutex
	pending map[chan struct{}]bool
}

// start records a pending change; call the function it returns when done.
func (m *mutations) start() func() {
	done := make(chan struct{})
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending[done] = true
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		delete(m.pending, done)
		close(done)
	}
}

// waitPrior returns once every change pending now has ended, after at most
// limit, or when ctx ends.
func (m *mutations) waitPrior(ctx context.Context, limit time.Duration) {
	m.mu.Lock()
	prior := slices.Collect(maps.Keys(m.pending))
	m.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for _, done := range prior {
		select {
		case <-done:
		case <-ctx.Done():
			return
		}
	}
}

// firstList is a create's first peering list, sent while the task service
// did not know the create's task yet (see CreatePeering): a read in flight
// outside the lists memo. stop ends it.
type firstList struct {
	memoRead[*peeringList]
	ctx  context.Context
	stop context.CancelFunc
	sent atomic.Bool
}

func newFirstList(ctx context.Context) *firstList {
	f := &firstList{memoRead: memoRead[*peeringList]{done: make(chan struct{})}}
	f.ctx, f.stop = context.WithCancel(ctx)
	return f
}

func (f *firstList) start(c *Client, k listKey) {
	if f.sent.Swap(true) {
		return
	}
	go func() {
		f.v, f.err = c.listPeeringsUncached(f.ctx, k)
		close(f.done)
	}()
}

// result is peering id as the first list showed it, or nil: not sent, not
// done before ctx ended, failed, or sent before the create ran (which
// proves nothing). It ends the list.
func (f *firstList) result(ctx context.Context, id int) *Peering {
	defer f.stop()
	if !f.sent.Load() {
		return nil
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return nil
	}
	if f.err != nil {
		return nil
	}
	p := f.v.find(id)
	if p == nil {
		tflog.SubsystemDebug(ctx, logSubsystem, "the list sent while the create task was unknown does not show the peering; listing again", map[string]any{"peering_id": id})
	}
	return p
}

// waitPeering polls the subscription's peering list until cond holds for
// the peering (nil when not listed). Other waits on it share the lists; a
// first list, if sent, is the first look when it shows the peering.
func (c *Client) waitPeering(ctx context.Context, kind Kind, sub, id int, since time.Time, waited waitKind, first *firstList, cond func(p *Peering) (bool, error)) (*Peering, error) {
	p, err := awaitStatus(ctx, c, waited, wait[*Peering]{
		message: "waiting for peering",
		retry:   "listing peerings failed; will try again",
		fields:  map[string]any{"subscription_id": sub, "peering_id": id},
		look: func(ctx context.Context) (*Peering, error) {
			if f := first; f != nil {
				first = nil
				if p := f.result(ctx, id); p != nil {
					return p, nil
				}
			}
			c.mutations.waitPrior(ctx, 2*c.cfg.StatusPollMax)
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
		settle: cond,
		interrupted: func(last string, err error) error {
			return &waitError{LastStatus: last, wrapped: wrapped{err}}
		},
	})
	if isA[*waitError](err) {
		// Only a failed condition returns the peering it failed on.
		return nil, err
	}
	return p, err
}

// WaitPeeringSettled waits until a new peering has left its set-up phase,
// with all the user needs to accept it. A failed one ends the wait; one not
// listed yet is waited for (lists lag a create).
func (c *Client) WaitPeeringSettled(ctx context.Context, kind Kind, sub int, created CreateResult, since time.Time) (*Peering, error) {
	return c.waitPeering(ctx, kind, sub, created.ID, since, waitPeeringCreated, created.first, func(p *Peering) (bool, error) {
		switch {
		case p == nil:
			return false, nil
		case p.Status == StatusFailed:
			return false, &PeeringFailedError{Peering: *p}
		case p.Status == StatusPendingAcceptance:
			return cloudOf(p.Provider, nil).ready(p), nil
		}
		return p.Status == StatusActive || p.Status == StatusInactive, nil
	})
}

// The listed CIDRs of a completed update may lag for defaultCIDRGrace and
// cidrGraceLists lists: an update the API dropped must not spin until the
// timeout.
const (
	defaultCIDRGrace = 30 * time.Second
	cidrGraceLists   = 3
)

// WaitPeeringCIDRs waits until the listed CIDRs of a peering whose update
// completed at since are want (normalized).
func (c *Client) WaitPeeringCIDRs(ctx context.Context, kind Kind, sub, id int, since time.Time, want []string) (*Peering, error) {
	lists := 0
	return c.waitPeering(ctx, kind, sub, id, since, waitPeeringUpdated, nil, func(p *Peering) (bool, error) {
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
	_, err := c.waitPeering(ctx, kind, sub, id, since, waitPeeringDeleted, nil, func(p *Peering) (bool, error) {
		return p == nil, nil
	})
	return err
}

// WaitPeeringStatus waits until a peering is listed with status in a list
// sent at or after since. A peering that fails or leaves the list ends it.
func (c *Client) WaitPeeringStatus(ctx context.Context, kind Kind, sub, id int, since time.Time, status string) (*Peering, error) {
	return c.waitPeering(ctx, kind, sub, id, since, waitPeeringStatus, nil, func(p *Peering) (bool, error) {
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

const (
	taskInitialized         = "initialized"
	taskReceived            = "received"
	taskProcessing          = "processing-in-progress"
	taskProcessingCompleted = "processing-completed"
	taskProcessingError     = "processing-error"
)

// isPending reports a task status that has not ended (empty included).
func isPending(status string) bool {
	return slices.Contains([]string{taskInitialized, taskReceived, taskProcessing, ""}, status)
}

func (c *Client) getTask(ctx context.Context, id string) (*taskState, error) {
	var t taskState
	if err := c.do(ctx, request{method: http.MethodGet, path: "/tasks/" + url.PathEscape(id), op: "get task"}, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

func (c *Client) startTask(ctx context.Context, r request) (*taskState, error) {
	var t taskState
	if err := c.do(ctx, r, &t); err != nil {
		return nil, err
	}
	if strings.TrimSpace(t.ID) == "" {
		return nil, fmt.Errorf("%s: the API answered without a task ID", r.op)
	}
	return &t, nil
}

func (c *Client) runTask(ctx context.Context, r request, label string) (*taskState, error) {
	t, err := c.startTask(ctx, r)
	if err != nil {
		return nil, err
	}
	// Timed from the answer, so that the transport's retries before it
	// stretch neither the poll schedule nor the latency estimates.
	return c.waitTask(ctx, t, label, time.Now(), nil)
}

// waitTask waits for t, named by the answer received at submitted, to end.
// The task service learns of a task some time after that answer: a 404
// within TaskNotFoundWindow of it is waited out; after the window, or once
// the task was seen, it ends the wait.
func (c *Client) waitTask(ctx context.Context, t *taskState, label string, submitted time.Time, unknown func()) (*taskState, error) {
	ctx = c.logContext(ctx)
	schedule := c.newTaskSchedule(submitted)
	// seen is whether any poll found the task, missed whether one answered
	// 404, shown whether the last poll found it.
	polls, shown := 0, false
	var seen, missed atomic.Bool
	if unknown != nil {
		// Called if polls still answer 404 4×PollFirst after the answer,
		// past the few seconds the task service usually takes.
		timer := time.AfterFunc(4*c.cfg.PollFirst-time.Since(submitted), func() {
			if missed.Load() && !seen.Load() {
				unknown()
			}
		})
		defer timer.Stop()
	}
	lastStatus := t.Status
	var polled time.Time // when the last poll was sent
	task, err := await(ctx, wait[*taskState]{
		message: "waiting for task",
		retry:   "polling task failed; will poll again",
		fields:  map[string]any{"task_id": t.ID, "operation": label},
		look: func(ctx context.Context) (*taskState, error) {
			if polls++; polls == 1 {
				// The answer that named the task may already be terminal.
				return t, nil
			}
			polled = time.Now()
			cur, err := c.getTask(ctx, t.ID)
			shown = err == nil
			switch {
			case err == nil:
				seen.Store(true)
				cur.ID = cmp.Or(cur.ID, t.ID)
				return cur, nil
			case httpStatus(err) != http.StatusNotFound:
				return nil, err
			case seen.Load():
				// A task the API showed and then forgot says nothing
				// about the peering: it is an error, never "deleted".
				return nil, fmt.Errorf("the API no longer knows the task it reported before: %w", err)
			case polled.Sub(submitted) < c.cfg.TaskNotFoundWindow:
				missed.Store(true)
				return nil, errNotYet
			}
			return nil, &TaskUnknownError{Waited: polled.Sub(submitted), wrapped: wrapped{err}}
		},
		status: func(t *taskState) string { return t.Status },
		settle: func(cur *taskState) (bool, error) {
			lastStatus = cur.Status
			if isPending(cur.Status) && cur.Response.Error == nil {
				return false, nil
			}
			if polls > 1 {
				// The next wait's first poll comes when this task was
				// first seen complete: one before a task ends costs a
				// request, and another half the time waited later.
				c.latency.observe(waitTask, polled.Sub(submitted))
				tflog.SubsystemDebug(ctx, logSubsystem, "task finished", map[string]any{
					"task_id": cur.ID, "operation": label, "status": cur.Status, "elapsed_ms": time.Since(submitted).Milliseconds(),
				})
			}
			return true, nil
		},
		next: func(time.Time) time.Duration { return schedule.next(shown) },
		// Every failure is wrapped below, with the last status seen.
		interrupted: func(_ string, err error) error { return err },
	})
	if err != nil {
		return nil, &waitError{TaskID: t.ID, LastStatus: lastStatus, wrapped: wrapped{err}}
	}
	return finishTask(task)
}

// createdID is the positive resourceId a task's response names, or 0.
func (t *taskState) createdID() int { return max(t.Response.ResourceID.Value, 0) }

func finishTask(t *taskState) (*taskState, error) {
	body := t.Response.Error
	if t.Status == taskProcessingCompleted && body == nil {
		return t, nil
	}
	te := &TaskError{TaskID: t.ID}
	switch {
	case body != nil:
		te.Type, te.Status, te.Description = body.Type, body.Status, body.Description
	case t.Status == taskProcessingError:
		te.Description = t.Description
	default:
		te.Type = "UNKNOWN_STATUS"
		te.Description = fmt.Sprintf("the task ended in an unexpected status %q", t.Status)
	}
	return t, te
}
