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
//     polled when the last one was seen complete (every task shares that
//     estimate until its own kind has one), so that a peering list costs
//     one poll on an API that answers at a steady pace.
//   - A status wait reads the peering list right away, then sends the next
//     list as long after the previous one as the wait has lasted, at least
//     2×PollFirst and at most StatusPollMax apart: a change is seen at most
//     StatusPollMax (8 s) plus one list late, with a handful of lists.
//     Once a status wait of the same kind has completed in this process,
//     the next one skips to 90 % of its duration.
//
// Typical durations are an exponentially weighted mean per kind of wait.

// latencyEstimator remembers how long each kind of wait usually takes.
type latencyEstimator struct {
	mu   sync.Mutex
	mean map[string]time.Duration
}

func newLatencyEstimator() *latencyEstimator {
	return &latencyEstimator{mean: map[string]time.Duration{}}
}

// get returns the estimate for kind, or for fallback when kind has none.
func (e *latencyEstimator) get(kind, fallback string) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d, ok := e.mean[kind]; ok {
		return d
	}
	return e.mean[fallback]
}

func (e *latencyEstimator) observe(d time.Duration, kinds ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, kind := range kinds {
		old, ok := e.mean[kind]
		if !ok {
			e.mean[kind] = d
			continue
		}
		e.mean[kind] = time.Duration(0.7*float64(old) + 0.3*float64(d))
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

// allTasks is the estimate every task kind falls back on.
const allTasks = "task"

func (c *Client) newTaskSchedule(kind string, start time.Time) *taskSchedule {
	return &taskSchedule{
		first:    c.pollFirst,
		min:      c.pollMin,
		max:      c.pollMax,
		expected: c.latency.get("task:"+kind, allTasks),
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

func (c *Client) newStatusSchedule(kind string) *statusSchedule {
	return &statusSchedule{
		min:      2 * c.pollFirst,
		max:      c.statusPollMax,
		expected: c.latency.get(kind, ""),
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
