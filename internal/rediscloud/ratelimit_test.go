package rediscloud

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestServerRateLimitPausesLaterRequests: X-Rate-Limit-Remaining: 0 with a
// Retry-After holds back the client's next request, not only a refused one.
func TestServerRateLimitPausesLaterRequests(t *testing.T) {
	t.Parallel()
	srv, hits := scriptedServer(t, []step{
		{status: 200, header: map[string]string{"X-Rate-Limit-Remaining": "0", "Retry-After": "1"}, body: `{"id":1,"status":"active"}`},
		{status: 200, header: map[string]string{"X-Rate-Limit-Remaining": "399"}, body: `{"id":1,"status":"active"}`},
	})
	c := newTestClient(t, srv, func(cfg *Config) { cfg.RequestsPerMinute = DefaultRequestsPerMinute })
	ctx := context.Background()
	if _, err := c.GetSubscription(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSubscription(ctx, 1); err != nil {
		t.Fatal(err)
	}
	h := hits()
	if len(h) != 2 {
		t.Fatalf("%d hits, want 2", len(h))
	}
	if gap := h[1].Sub(h[0]); gap < time.Second {
		t.Errorf("second request came %v after the first, want at least 1s", gap)
	}

	// A context that ends during the pause ends the wait.
	srv2, hits2 := scriptedServer(t, []step{{status: 200, header: map[string]string{"X-Rate-Limit-Remaining": "0", "Retry-After": "30"}, body: `{}`}})
	c2 := newTestClient(t, srv2, func(cfg *Config) { cfg.RequestsPerMinute = DefaultRequestsPerMinute })
	if _, err := c2.GetSubscription(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c2.GetSubscription(cctx, 1)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the context's deadline", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %v", d)
	}
	if n := len(hits2()); n != 1 {
		t.Errorf("paused client sent %d requests, want 1", n)
	}
}

// fakeClock is a settable clock for the limiter and the poll schedule.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) set(d time.Duration, base time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = base.Add(d)
}

func TestWindowLimiterSlidingWindow(t *testing.T) {
	clock := newFakeClock()
	base := clock.now()
	l := newWindowLimiter(3, time.Minute)
	l.now = clock.now
	steps := []struct {
		at   time.Duration
		wait time.Duration // 0: admitted
	}{
		{0, 0},
		{10 * time.Second, 0},
		{20 * time.Second, 0},
		{30 * time.Second, 30 * time.Second}, // n+1th in the window: blocked until the first leaves it
		{59 * time.Second, time.Second},
		{60 * time.Second, 0},                // the first has left the window
		{60 * time.Second, 10 * time.Second}, // the second leaves at 70 s
		{70 * time.Second, 0},
		{80 * time.Second, 0},
		{81 * time.Second, 39 * time.Second}, // 60, 70, 80 are in the window
		{120 * time.Second, 0},
	}
	for i, s := range steps {
		clock.set(s.at, base)
		if got := l.reserve(); got != s.wait {
			t.Errorf("step %d at %v: wait %v, want %v", i, s.at, got, s.wait)
		}
	}
}

func TestWindowLimiterObserve(t *testing.T) {
	cases := []struct {
		name   string
		header map[string]string
		status int
		pause  time.Duration
	}{
		{"no requests left, Retry-After", map[string]string{"X-Rate-Limit-Remaining": "0", "Retry-After": "2"}, 200, 2 * time.Second},
		{"no requests left, 429 without hint", map[string]string{"X-Rate-Limit-Remaining": "0"}, 429, time.Second},
		{"no requests left, 200 without hint", map[string]string{"X-Rate-Limit-Remaining": "0"}, 200, 0},
		{"negative remaining", map[string]string{"X-Rate-Limit-Remaining": "-1", "Retry-After": "3"}, 429, 3 * time.Second},
		{"requests left", map[string]string{"X-Rate-Limit-Remaining": "12", "Retry-After": "5"}, 429, 0},
		{"no header", map[string]string{"Retry-After": "5"}, 429, 0},
		{"garbage", map[string]string{"X-Rate-Limit-Remaining": "none", "Retry-After": "5"}, 429, 0},
		{"huge Retry-After is capped", map[string]string{"X-Rate-Limit-Remaining": "0", "Retry-After": "99999999999999"}, 429, maxRetryAfter},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			l := newWindowLimiter(10, time.Minute)
			l.now = clock.now
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			l.observe(h, tc.status)
			if got := l.reserve(); got != tc.pause {
				t.Errorf("wait %v, want %v", got, tc.pause)
			}
		})
	}
}

func TestWindowLimiterWaitRespectsContext(t *testing.T) {
	var nilLimiter *windowLimiter
	if err := nilLimiter.Wait(context.Background()); err != nil {
		t.Fatalf("a nil limiter must admit: %v", err)
	}
	clock := newFakeClock()
	l := newWindowLimiter(2, time.Minute)
	l.now = clock.now
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := l.Wait(ctx); err != nil {
			t.Fatalf("admission %d: %v", i, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	err := l.Wait(cctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d < 15*time.Millisecond || d > time.Second {
		t.Errorf("Wait returned after %v", d)
	}
	if len(l.sent) != 2 {
		t.Errorf("a cancelled wait was admitted: %d admissions", len(l.sent))
	}
}

// TestLimiterCapsRequests: with a limit of 2 per window, a third request of
// the client waits and then fails with its context; the server sees two.
func TestLimiterCapsRequests(t *testing.T) {
	srv, hits := scriptedServer(t, []step{{status: 200, body: `{"id":1,"status":"active"}`}})
	c := newTestClient(t, srv, func(cfg *Config) { cfg.RequestsPerMinute = 2 })
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := c.GetSubscription(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := c.GetSubscription(cctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("third request: %v, want a deadline error", err)
	}
	if n := len(hits()); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}
