package rediscloud

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// windowLimiter admits at most n requests in any sliding window: it keeps
// under "400 requests per minute" whatever window the server counts in,
// while still allowing a burst of n. sent is a ring of the last admissions.
type windowLimiter struct {
	mu          sync.Mutex
	n           int
	window      time.Duration
	sent        []time.Time
	next        int
	pausedUntil time.Time // when the server said no request remains
	now         func() time.Time
}

func newWindowLimiter(n int, window time.Duration) *windowLimiter {
	return &windowLimiter{n: n, window: window, sent: make([]time.Time, 0, n), now: time.Now}
}

func (l *windowLimiter) Wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	for {
		d := l.reserve()
		if d <= 0 {
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// reserve admits a request now and returns 0, or returns how long to wait.
func (l *windowLimiter) reserve() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Before(l.pausedUntil) {
		return l.pausedUntil.Sub(now)
	}
	if len(l.sent) < l.n {
		l.sent = append(l.sent, now)
		return 0
	}
	oldest := l.sent[l.next]
	if free := oldest.Add(l.window); now.Before(free) {
		return free.Sub(now)
	}
	l.sent[l.next] = now
	l.next = (l.next + 1) % l.n
	return 0
}

// observe lets the server's own counter slow this client down: when the
// server reports no request left and says when to come back, every request
// of this client waits until then, not only the refused one.
func (l *windowLimiter) observe(h http.Header, status int) {
	if l == nil {
		return
	}
	remaining, err := strconv.Atoi(h.Get("X-Rate-Limit-Remaining"))
	if err != nil || remaining > 0 {
		return
	}
	d, ok := parseRetryAfter(h.Get("Retry-After"))
	if !ok {
		if status != http.StatusTooManyRequests {
			return
		}
		d = time.Second
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if until := l.now().Add(d); until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
}

// limitedTransport makes every attempt, retries included, pass the limiter.
type limitedTransport struct {
	next    http.RoundTripper
	limiter *windowLimiter
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.limiter.Wait(req.Context()); err != nil {
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		t.limiter.observe(resp.Header, resp.StatusCode)
	}
	return resp, err
}

// CloseIdleConnections passes the retrying client's request on.
func (t *limitedTransport) CloseIdleConnections() {
	if ci, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}
