package rediscloud

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestTaskSchedule(t *testing.T) {
	ms := time.Millisecond
	sec := time.Second
	cases := []struct {
		name     string
		expected time.Duration
		elapsed  []time.Duration
		// shown is what the poll before each call found: the task (true)
		// or a 404 or a failure (false). The first call follows the
		// answer that named the task, not a poll.
		shown []bool
		want  []time.Duration
	}{
		{
			// A task service that answers 404 for seconds (the realistic
			// profile: 3 s): polls in the window learn nothing, so they
			// stay 2×PollFirst apart, then half the elapsed time, capped.
			name:    "no history, not shown: first after PollFirst, then at least 2×PollFirst, then half the elapsed time, capped",
			elapsed: []time.Duration{0, sec, 3 * sec, 5 * sec, 12 * sec, 40 * sec},
			shown:   []bool{false, false, false, false, false, false},
			want:    []time.Duration{sec, 2 * sec, 2 * sec, 2500 * ms, 5 * sec, 5 * sec},
		},
		{
			// A task shown running ends when it ends: a task of 1.8 s is
			// seen ended at 2 s, not at 3 s.
			name:    "no history, shown running: PollFirst apart, then half the elapsed time, capped",
			elapsed: []time.Duration{0, sec, 2 * sec, 3 * sec, 12 * sec, 40 * sec},
			shown:   []bool{false, true, true, true, true, true},
			want:    []time.Duration{sec, sec, sec, 1500 * ms, 5 * sec, 5 * sec},
		},
		{
			name:    "shown, never closer than PollFirst",
			elapsed: []time.Duration{0, 300 * ms},
			shown:   []bool{false, true},
			want:    []time.Duration{sec, sec},
		},
		{
			// A failed poll (a transient error) says no more than a 404.
			name:    "a failed poll after the task was shown keeps 2×PollFirst",
			elapsed: []time.Duration{0, sec, 2 * sec},
			shown:   []bool{false, true, false},
			want:    []time.Duration{sec, sec, 2 * sec},
		},
		{
			name:    "the first poll counts from the answer, not from the call",
			elapsed: []time.Duration{300 * ms},
			shown:   []bool{false},
			want:    []time.Duration{700 * ms},
		},
		{
			name:     "history: first poll when the last task was seen complete",
			expected: 3 * sec,
			elapsed:  []time.Duration{0, 3 * sec, 6 * sec},
			shown:    []bool{false, false, false},
			want:     []time.Duration{3 * sec, 2 * sec, 3 * sec},
		},
		{
			// A list queued behind other tasks of the account.
			name:     "history: a task shown still queued is polled at half the elapsed time",
			expected: 3 * sec,
			elapsed:  []time.Duration{0, 3 * sec, 4500 * ms},
			shown:    []bool{false, true, true},
			want:     []time.Duration{3 * sec, 1500 * ms, 2250 * ms},
		},
		{
			name:     "history: a long estimate is bounded",
			expected: time.Minute,
			elapsed:  []time.Duration{0},
			shown:    []bool{false},
			want:     []time.Duration{10 * sec},
		},
		{
			name:     "never below min",
			expected: 100 * ms,
			elapsed:  []time.Duration{200 * ms},
			shown:    []bool{false},
			want:     []time.Duration{250 * ms},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			start := clock.now()
			p := &schedule{first: sec, min: 250 * ms, max: 5 * sec, expected: tc.expected, start: start, now: clock.now}
			for i, e := range tc.elapsed {
				clock.set(e, start)
				if got := p.next(tc.shown[i]); got != tc.want[i] {
					t.Errorf("poll %d at %v (shown %v): next %v, want %v", i+1, e, tc.shown[i], got, tc.want[i])
				}
			}
		})
	}
}

func TestStatusSchedule(t *testing.T) {
	sec := time.Second
	cases := []struct {
		name     string
		expected time.Duration
		// requested and now are offsets from the wait's start.
		requested, now []time.Duration
		want           []time.Duration
	}{
		{
			// The realistic profile: lists take 3 s; the next is sent as long
			// after the previous one as the wait had lasted, 2 s to 8 s apart.
			name:      "no history",
			requested: []time.Duration{0, 3 * sec, 6 * sec, 12 * sec, 20 * sec},
			now:       []time.Duration{3 * sec, 6 * sec, 9 * sec, 15 * sec, 23 * sec},
			want:      []time.Duration{0, 0, 3 * sec, 5 * sec, 5 * sec},
		},
		{
			name:      "a look that outlasts the interval is followed at once",
			requested: []time.Duration{10 * sec},
			now:       []time.Duration{30 * sec},
			want:      []time.Duration{0},
		},
		{
			name:      "history: skip to 90 % of the last wait",
			expected:  20 * sec,
			requested: []time.Duration{0, 18 * sec},
			now:       []time.Duration{0, 21 * sec},
			want:      []time.Duration{18 * sec, 5 * sec},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			start := clock.now()
			p := &schedule{min: 2 * sec, max: 8 * sec, expected: tc.expected, start: start, now: clock.now}
			for i := range tc.now {
				clock.set(tc.now[i], start)
				if got := p.after(start.Add(tc.requested[i])); got != tc.want[i] {
					t.Errorf("look %d requested at %v, now %v: next after %v, want %v", i+1, tc.requested[i], tc.now[i], got, tc.want[i])
				}
			}
		})
	}
}

// The least spacing of a status wait's looks: a subscription read is
// synchronous and needs one, a peering list is a task whose own run
// spaces the looks, so only PollFirst.
func TestStatusScheduleLeastSpacing(t *testing.T) {
	cfg := DefaultConfig()
	cfg.APIKey, cfg.SecretKey = "k", "s"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind waitKind
		want time.Duration
	}{
		{waitSubscriptionActive, 2 * time.Second},
		{waitPeeringCreated, time.Second},
		{waitPeeringUpdated, time.Second},
		{waitPeeringDeleted, time.Second},
		{waitPeeringStatus, time.Second},
	} {
		if got := c.newStatusSchedule(tc.kind).min; got != tc.want {
			t.Errorf("wait kind %d: least spacing %v, want %v", tc.kind, got, tc.want)
		}
	}
}

func TestLatencyEstimatorFeedsSchedule(t *testing.T) {
	srv, _ := taskServer(t, []step{{status: 200, body: taskDoc(taskProcessing, `{}`)}, {status: 200, body: taskDoc(taskProcessing, `{}`)}, {status: 200, body: taskDoc(taskProcessingCompleted, `{}`)}})
	c := newTestClient(t, srv, nil)
	if c.newTaskSchedule(time.Now()).expected != 0 {
		t.Fatal("history before any wait")
	}
	if _, err := c.waitForTask(context.Background(), testTaskID, "k"); err != nil {
		t.Fatal(err)
	}
	exp := c.newTaskSchedule(time.Now()).expected
	if exp <= 0 || exp > time.Second {
		t.Errorf("expected duration after one wait: %v", exp)
	}

	e := &latencyEstimator{}
	e.observe(waitPeeringCreated, time.Second)
	e.observe(waitPeeringCreated, 2*time.Second)
	if got := e.get(waitPeeringCreated); got != time.Second {
		t.Errorf("estimate %v after 1 s and 2 s, want the shortest, 1s", got)
	}
	e.observe(waitPeeringCreated, 500*time.Millisecond)
	if got := e.get(waitPeeringCreated); got != 500*time.Millisecond {
		t.Errorf("estimate %v after a 0.5 s wait, want 0.5s at once", got)
	}
}

// The estimate a task leaves for the next wait is when it was first seen
// complete, never a time between that poll and the one before, which saw
// it running: a next first poll before its task ends costs a request and
// half the time waited.
func TestTaskEstimateIsWhenSeenComplete(t *testing.T) {
	var (
		mu    sync.Mutex
		polls []time.Time
	)
	docs := []string{taskDoc(taskProcessing, `{}`), taskDoc(taskProcessing, `{}`), taskDoc(taskProcessingCompleted, `{"resourceId":7}`)}
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		polls = append(polls, time.Now())
		doc := docs[min(len(polls), len(docs))-1]
		mu.Unlock()
		_, _ = io.WriteString(w, doc)
	}))
	const gap = 50 * time.Millisecond
	c := newTestClient(t, srv, func(cfg *Config) { cfg.PollFirst, cfg.PollMin, cfg.PollMax = gap, gap, 4*gap })
	start := time.Now()
	if _, err := c.waitForTask(context.Background(), testTaskID, "k"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(polls) != 3 {
		t.Fatalf("%d polls, want 3", len(polls))
	}
	// The poll that saw it complete was sent at least gap after the
	// answer to the one before: a time halfway between them would be
	// about gap/2 after that one.
	before := polls[1].Sub(start)
	if got := c.latency.get(waitTask); got < before+gap*4/5 {
		t.Errorf("estimate %v; the poll before the last one came %v after the answer, the last at least %v later", got, before, gap)
	}
}
