package rediscloud

import (
	"context"
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
		want     []time.Duration
	}{
		{
			name:    "no history: first after PollFirst, then 2×PollFirst, then half the elapsed time, capped",
			elapsed: []time.Duration{0, sec, 3 * sec, 5 * sec, 12 * sec, 40 * sec},
			want:    []time.Duration{sec, 2 * sec, 2 * sec, 2500 * ms, 5 * sec, 5 * sec},
		},
		{
			name:    "the first poll counts from the answer, not from the call",
			elapsed: []time.Duration{300 * ms},
			want:    []time.Duration{700 * ms},
		},
		{
			name:     "history: first poll when the last task was seen complete",
			expected: 3 * sec,
			elapsed:  []time.Duration{0, 3 * sec, 6 * sec},
			want:     []time.Duration{3 * sec, 2 * sec, 3 * sec},
		},
		{
			name:     "history: a long estimate is bounded",
			expected: time.Minute,
			elapsed:  []time.Duration{0},
			want:     []time.Duration{10 * sec},
		},
		{
			name:     "never below min",
			expected: 100 * ms,
			elapsed:  []time.Duration{200 * ms},
			want:     []time.Duration{250 * ms},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			start := clock.now()
			p := &taskSchedule{first: sec, min: 250 * ms, max: 5 * sec, expected: tc.expected, start: start, now: clock.now}
			for i, e := range tc.elapsed {
				clock.set(e, start)
				if got := p.next(); got != tc.want[i] {
					t.Errorf("poll %d at %v: next %v, want %v", i+1, e, got, tc.want[i])
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
			p := &statusSchedule{min: 2 * sec, max: 8 * sec, expected: tc.expected, start: start, now: clock.now}
			for i := range tc.now {
				clock.set(tc.now[i], start)
				if got := p.after(start.Add(tc.requested[i])); got != tc.want[i] {
					t.Errorf("look %d requested at %v, now %v: next after %v, want %v", i+1, tc.requested[i], tc.now[i], got, tc.want[i])
				}
			}
		})
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

	e := newLatencyEstimator()
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
