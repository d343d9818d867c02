package cloudsim

import (
	"testing"
	"time"
)

func TestRateLimit(t *testing.T) {
	h := newHarness(t, Options{RateLimit: 3})
	get := func() resp { return h.request("GET", "/v1/subscriptions/1001", "") }

	// Requests at +0s, +10s, +20s use up the window.
	for i, at := range []time.Duration{0, 10 * time.Second, 20 * time.Second} {
		h.clock.Set(epoch.Add(at))
		r := get()
		if r.code != 200 || r.header.Get("X-Rate-Limit-Remaining") != itoa(2-i) {
			t.Fatalf("request %d: %d remaining %q", i, r.code, r.header.Get("X-Rate-Limit-Remaining"))
		}
	}
	// Any other /v1 call counts too, task polls included.
	h.clock.Set(epoch.Add(20*time.Second + 500*time.Millisecond))
	for _, path := range []string{"/v1/subscriptions/1001", "/v1/tasks", "/v1/subscriptions/1001/peerings"} {
		r := h.request("GET", path, "")
		if r.code != 429 {
			t.Fatalf("%s: %d, want 429", path, r.code)
		}
		// The oldest request leaves the window at +60s: 39.5 s, rounded up.
		if r.header.Get("Retry-After") != "40" || r.header.Get("X-Rate-Limit-Remaining") != "0" {
			t.Errorf("headers %v", r.header)
		}
		var e refSpringError
		strictDecode(t, r.body, &e)
		if e.Status != 429 || e.Error != "Too Many Requests" || e.Path != path {
			t.Errorf("body %+v", e)
		}
	}
	if st := h.sim.Stats(); st.Throttled != 3 || st.TasksCreated != 0 || st.TotalRequests != 6 {
		t.Errorf("stats %+v", st)
	}
	// Sliding, not fixed: at +60s exactly one slot is free again.
	h.clock.Set(epoch.Add(60 * time.Second))
	if r := get(); r.code != 200 || r.header.Get("X-Rate-Limit-Remaining") != "0" {
		t.Fatalf("after the oldest left: %d %v", r.code, r.header)
	}
	if r := get(); r.code != 429 || r.header.Get("Retry-After") != "10" {
		t.Fatalf("window full again: %d %v", r.code, r.header)
	}
	// Another key has its own window (and is refused by auth, not by the limit).
	other := h.requestWith("GET", "/v1/subscriptions/1001", "", map[string]string{"x-api-key": "other", "x-api-secret-key": "x"})
	if other.code != 401 || other.header.Get("X-Rate-Limit-Remaining") != "2" {
		t.Errorf("other key: %d %v", other.code, other.header)
	}

	// Lowered at run time: slots free only once enough requests left.
	h.sim.SetRateLimit(1)
	if r := get(); r.code != 429 || r.header.Get("Retry-After") != "60" {
		t.Errorf("lowered limit: %d %v", r.code, r.header)
	}
	// Off: no limit and no header.
	h.sim.SetRateLimit(0)
	for range 10 {
		if r := get(); r.code != 200 || r.header.Get("X-Rate-Limit-Remaining") != "" {
			t.Fatalf("limit off: %d %v", r.code, r.header)
		}
	}
}

func TestRateLimiterRetryAfterRoundsUp(t *testing.T) {
	l := rateLimiter{windows: map[string][]time.Time{}}
	if ok, rem, _ := l.allow("k", epoch, 1, time.Minute, false); !ok || rem != 0 {
		t.Fatal("first request refused")
	}
	for _, tc := range []struct {
		at   time.Duration
		want int
	}{
		{0, 60},
		{time.Millisecond, 60},
		{59*time.Second + time.Millisecond, 1},
		{59*time.Second + 999*time.Millisecond, 1},
	} {
		if ok, _, retry := l.allow("k", epoch.Add(tc.at), 1, time.Minute, false); ok || retry != tc.want {
			t.Errorf("at +%s: ok=%v retry=%d, want %d", tc.at, ok, retry, tc.want)
		}
	}
	if ok, _, _ := l.allow("k", epoch.Add(time.Minute), 1, time.Minute, false); !ok {
		t.Error("not freed after a minute")
	}
}

// PeakRequestsPerMinute is the most requests that arrived in any sliding
// minute, throttled ones included.
func TestPeakRequestsPerMinute(t *testing.T) {
	h := newHarness(t, Options{RateLimit: 3})
	for i := 0; i < 5; i++ {
		h.request("GET", "/v1/subscriptions/1001", "")
		h.clock.Advance(10 * time.Second)
	}
	// Five requests within 50 s, two of them throttled.
	if st := h.sim.Stats(); st.PeakRequestsPerMinute != 5 || st.Throttled != 2 {
		t.Fatalf("peak %d, throttled %d; want 5 and 2", st.PeakRequestsPerMinute, st.Throttled)
	}
	if st := h.sim.Stats(); !st.FirstRequest.Equal(epoch) || st.LastRequest.Sub(st.FirstRequest) != 40*time.Second {
		t.Errorf("first request %v, last %v: want the epoch and 40 s later", st.FirstRequest, st.LastRequest)
	}
	h.clock.Advance(2 * time.Minute)
	h.request("GET", "/v1/subscriptions/1001", "")
	if st := h.sim.Stats(); st.PeakRequestsPerMinute != 5 {
		t.Errorf("peak %d after a quiet minute, want it kept at 5", st.PeakRequestsPerMinute)
	}
	h.sim.ResetStats()
	h.request("GET", "/v1/subscriptions/1001", "")
	if st := h.sim.Stats(); st.PeakRequestsPerMinute != 1 {
		t.Errorf("peak %d after a reset, want 1", st.PeakRequestsPerMinute)
	}
}

// A shorter rateWindow scales the limit with a trial's latencies: the
// window, its Retry-After and its message follow it, and a profile brings
// the API's minute back.
func TestRateWindowScaled(t *testing.T) {
	h := newHarness(t, Options{})
	put := func(body string) Config {
		t.Helper()
		r := h.control("PUT", "/__sim/config", body)
		var cfg Config
		strictDecode(t, r.body, &cfg)
		if r.code != 200 {
			t.Fatalf("PUT %s: %d", body, r.code)
		}
		return cfg
	}
	if cfg := put(`{"rateLimit":2,"rateWindow":"6s"}`); cfg.RateWindow != Duration(6*time.Second) {
		t.Fatalf("config %+v", cfg)
	}
	get := func() resp { return h.request("GET", "/v1/subscriptions/1001", "") }
	get()
	h.clock.Advance(time.Second)
	get()
	r := get()
	if r.code != 429 || r.header.Get("Retry-After") != "5" {
		t.Fatalf("window full: %d %v", r.code, r.header)
	}
	var e refSpringError
	strictDecode(t, r.body, &e)
	if e.Message != "Rate limit of 2 requests per 6s exceeded" {
		t.Errorf("message %q", e.Message)
	}
	h.clock.Advance(5 * time.Second)
	if r := get(); r.code != 200 {
		t.Fatalf("after the first left a 6 s window: %d", r.code)
	}
	if r := h.control("PUT", "/__sim/config", `{"rateWindow":"-1s"}`); r.code != 400 {
		t.Errorf("negative window: %d", r.code)
	}
	if cfg := put(`{"profile":"instant"}`); cfg.RateWindow != 0 || cfg.RateLimit != DocumentedRateLimit {
		t.Errorf("after a profile: %+v", cfg)
	}
}

// TestRateLimitCountsRefused: with CountRefused (the realistic profile) a
// refused request takes a place in the window like an accepted one, so a
// client that keeps sending while refused stays refused longer; without it
// only accepted requests count.
func TestRateLimitCountsRefused(t *testing.T) {
	tests := []struct {
		name    string
		counted bool
		// retryAfter of the three refusals at +30 s.
		retryAfter []string
	}{
		// The three accepted at +0 s leave at +60 s.
		{"accepted only", false, []string{"30", "30", "30"}},
		// Each refusal is in the window too: after the third, six
		// requests are in it, and four must leave (the third of them at
		// +30 s) before one is admitted.
		{"refused counted", true, []string{"30", "30", "60"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{RateLimit: 3, CountRefused: tc.counted})
			get := func() resp { return h.request("GET", "/v1/subscriptions/1001", "") }
			for range 3 {
				if r := get(); r.code != 200 {
					t.Fatalf("within the limit: %d", r.code)
				}
			}
			h.clock.Set(epoch.Add(30 * time.Second))
			for i, want := range tc.retryAfter {
				if r := get(); r.code != 429 || r.header.Get("Retry-After") != want {
					t.Fatalf("refusal %d at +30 s: %d, Retry-After %q; want 429 and %s", i+1, r.code, r.header.Get("Retry-After"), want)
				}
			}
			// At +60 s the accepted requests have left the window.
			h.clock.Set(epoch.Add(60 * time.Second))
			r := get()
			if !tc.counted {
				if r.code != 200 || r.header.Get("X-Rate-Limit-Remaining") != "2" {
					t.Fatalf("at +60 s: %d, remaining %q; want 200 and 2", r.code, r.header.Get("X-Rate-Limit-Remaining"))
				}
				return
			}
			// The refusals of +30 s still fill it, until +90 s.
			if r.code != 429 || r.header.Get("Retry-After") != "30" {
				t.Fatalf("at +60 s: %d, Retry-After %q; want 429 and 30", r.code, r.header.Get("Retry-After"))
			}
			// At +90 s only the refusal of +60 s is left.
			h.clock.Set(epoch.Add(90 * time.Second))
			if r := get(); r.code != 200 || r.header.Get("X-Rate-Limit-Remaining") != "1" {
				t.Fatalf("at +90 s: %d, remaining %q; want 200 and 1", r.code, r.header.Get("X-Rate-Limit-Remaining"))
			}
			if st := h.sim.Stats(); st.Throttled != 4 {
				t.Errorf("throttled %d, want 4", st.Throttled)
			}
		})
	}
}
