package rediscloud

import (
	"context"
	"sync"
	"time"
)

// Polling strategy.
//
// The API answers every peering call with a task and completes it later; a
// peering then changes status later still. Polling too slowly wastes the
// user's time (the official client can oversleep by 30 s); polling too fast
// spends the account's 400 requests a minute. The schedule below does both
// jobs with what this process has already seen:
//
//   - with no history, poll after pollMin and then every elapsed/8, so a
//     completion is noticed at most ~12.5 % late, bounded by pollMax;
//   - once similar waits have been timed, skip straight to 90 % of their
//     typical duration, then poll every 5 % of it until it is 50 % overdue,
//     and fall back to elapsed/8 beyond that.
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

func (e *latencyEstimator) get(kind string) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.mean[kind]
}

func (e *latencyEstimator) observe(kind string, d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	old, ok := e.mean[kind]
	if !ok {
		e.mean[kind] = d
		return
	}
	e.mean[kind] = time.Duration(0.7*float64(old) + 0.3*float64(d))
}

// pollSchedule yields the delays of one wait.
type pollSchedule struct {
	min, max time.Duration
	expected time.Duration
	start    time.Time
	now      func() time.Time
}

func (c *Client) newSchedule(kind string, start time.Time) *pollSchedule {
	return &pollSchedule{min: c.pollMin, max: c.pollMax, expected: c.latency.get(kind), start: start, now: time.Now}
}

// next returns how long to sleep before the next poll.
func (p *pollSchedule) next() time.Duration {
	elapsed := p.now().Sub(p.start)
	var d time.Duration
	switch {
	case p.expected > 0 && elapsed < p.expected*9/10:
		d = p.expected*9/10 - elapsed
	case p.expected > 0 && elapsed < p.expected*3/2:
		d = p.expected / 20
	default:
		d = elapsed / 8
	}
	return min(max(d, p.min), p.max)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Poller lets callers outside this package wait for a condition with the
// client's schedule (for example a peering's status after its create task).
type Poller struct {
	c        *Client
	kind     string
	schedule *pollSchedule
}

// NewPoller starts a schedule for a kind of wait ("peering-status").
func (c *Client) NewPoller(kind string) *Poller {
	return &Poller{c: c, kind: kind, schedule: c.newSchedule(kind, time.Now())}
}

// Next returns the delay before the next check.
func (p *Poller) Next() time.Duration { return p.schedule.next() }

// Sleep waits the delay Next would return, or until ctx ends.
func (p *Poller) Sleep(ctx context.Context) error { return sleep(ctx, p.Next()) }

// Done records that the condition was met now, to refine later schedules.
func (p *Poller) Done() {
	p.c.latency.observe(p.kind, time.Since(p.schedule.start))
}

// Elapsed is the time since the wait began.
func (p *Poller) Elapsed() time.Duration { return time.Since(p.schedule.start) }
