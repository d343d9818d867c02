package rediscloud

import (
	"context"
	"sync"
	"time"
)

// Polling strategy.
//
// The API answers every peering call with a task and completes it later; a
// peering then changes status later still. Each Terraform command starts a
// new provider process, so the first wait of a run knows nothing of the API's
// pace, and every pipeline of an account draws on the same 400 requests a
// minute. The schedules are built for the API as documented, not for an
// instant one:
//
//   - A task is never polled sooner than PollFirst (1 s) after the answer
//     that named it: the task service may not know it before, and answers
//     404 meanwhile. Then polls come 2×PollFirst apart, and later every
//     elapsed/2, bounded by PollMax: a task that takes long is not polled
//     more than a dozen times a minute.
//   - Once a task has been timed in this process, the next one is first
//     polled when the quickest one was seen complete, whatever its kind:
//     how soon a task can be seen is the API's pace, and a peering list
//     then costs one poll on an API that answers at a steady pace.
//   - A status wait reads the peering list right away, then sends the next
//     list as long after the previous one as the wait has lasted, at least
//     2×PollFirst and at most StatusPollMax apart: a change is seen at most
//     StatusPollMax (8 s) plus one list late, with a handful of lists.
//     Once a status wait of the same kind has completed in this process,
//     the next one skips to 90 % of its duration.
//
// The estimate of each kind of wait is the shortest one seen in this
// process: an account processes one task at a time, so a task that queued
// behind others says nothing of the next one, while polling a little early
// costs only one request.

// latencyEstimator remembers how long each kind of wait takes at least.
type latencyEstimator struct {
	mu       sync.Mutex
	shortest map[waitKind]time.Duration
}

func newLatencyEstimator() *latencyEstimator {
	return &latencyEstimator{shortest: map[waitKind]time.Duration{}}
}

// get returns the estimate for kind, or 0.
func (e *latencyEstimator) get(kind waitKind) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.shortest[kind]
}

func (e *latencyEstimator) observe(kind waitKind, d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if old, ok := e.shortest[kind]; !ok || d < old {
		e.shortest[kind] = d
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

// next returns how long to sleep before the next poll.
func (p *taskSchedule) next() time.Duration {
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
	d := max(elapsed/2, 2*p.first)
	return min(max(d, p.min), p.max)
}

// statusSchedule spaces the peering lists (or subscription reads) of one
// status wait.
type statusSchedule struct {
	min, max time.Duration
	expected time.Duration
	start    time.Time
	now      func() time.Time
}

func (c *Client) newStatusSchedule(kind waitKind) *statusSchedule {
	return &statusSchedule{
		min:      2 * c.pollFirst,
		max:      c.statusPollMax,
		expected: c.latency.get(kind),
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

func (p *statusSchedule) elapsed() time.Duration { return p.now().Sub(p.start) }

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

// mutations tracks the create, update and delete tasks this client is
// waiting for. The API processes an account's tasks one at a time, so a
// peering list sent while they are queued completes only after them: a
// status wait holds its next list until the changes that were pending when
// it looked are done (for a bounded time), which shows the same answer at
// the same moment for fewer polls. Changes started later do not hold it, so
// a steady stream of them cannot starve a wait.
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
