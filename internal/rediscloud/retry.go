package rediscloud

import (
	"context"
	"crypto/x509"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

const maxRetryAfter = 5 * time.Minute

// newRetryClient repeats GET and DELETE after any transient failure (a
// repeated DELETE ends as "not found", which callers take as success), and
// POST and PUT (unsafe) only when the API cannot have acted on them: a 429,
// or a connection that never opened.
func (c *Client) newRetryClient(hc *http.Client, unsafe bool) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		RetryWaitMin: c.cfg.RetryWaitMin,
		RetryWaitMax: c.cfg.RetryWaitMax,
		RetryMax:     c.cfg.MaxRetries,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			return checkRetry(ctx, unsafe, resp, err)
		},
		Backoff:        backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: logAttempt,
	}
}

// checkRetry returns no error of its own for an HTTP answer, so that the
// last response reaches the caller as an HTTPError with the body kept.
func checkRetry(ctx context.Context, unsafe bool, resp *http.Response, err error) (bool, error) {
	a := attemptsOf(ctx)
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests && a != nil {
		a.refused.Add(1)
		// Any 429 but the account's limit refuses the request itself, such
		// as a change sent while another of its subscription runs.
		if resp.Header.Get("X-Rate-Limit-Remaining") != "0" {
			a.busy.Add(1)
		}
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		if isPermanentTransportError(err) {
			return false, err
		}
		// A stall costs the whole timeout: one more try, not ten.
		if isTimeout(err) && a != nil && a.timeouts.Add(1) > maxTimeoutRetries {
			return false, err
		}
		if unsafe && !neverSent(err) {
			return false, err
		}
		return true, nil
	}
	// A 429 is a refusal: even a POST may be repeated.
	if resp.StatusCode == http.StatusTooManyRequests {
		return true, nil
	}
	return !unsafe && isTransientStatus(resp.StatusCode), nil
}

// isTransientStatus is the one rule of which answers a later attempt may
// not meet.
func isTransientStatus(code int) bool {
	return code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented)
}

const maxTimeoutRetries = 1

// attempts counts what one request's attempts met.
type attempts struct {
	start    time.Time
	refused  atomic.Int32
	busy     atomic.Int32 // 429s that were not the account's limit
	timeouts atomic.Int32
}

type attemptsKey struct{}

func attemptsOf(ctx context.Context) *attempts {
	a, _ := ctx.Value(attemptsKey{}).(*attempts)
	return a
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// neverSent reports errors that prove the request never reached the server.
func neverSent(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	opErr, ok := asA[*net.OpError](err)
	return isA[*net.DNSError](err) || (ok && opErr.Op == "dial")
}

func isPermanentTransportError(err error) bool {
	if isA[x509.UnknownAuthorityError](err) || isA[x509.HostnameError](err) || isA[x509.CertificateInvalidError](err) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "stopped after 10 redirects")
}

// backoff waits as the server asks (Retry-After), otherwise exponentially
// from minWait (a second for a 429) up to maxWait, half of it jittered so
// that parallel callers never hammer in lockstep.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After")); ok {
			return d + time.Duration(rand.Int64N(int64(250*time.Millisecond)))
		}
		if resp.StatusCode == http.StatusTooManyRequests && minWait < time.Second {
			minWait = time.Second
		}
	}
	ceiling := float64(minWait) * math.Pow(2, float64(attempt))
	if ceiling > float64(maxWait) || math.IsInf(ceiling, 0) {
		ceiling = float64(maxWait)
	}
	half := ceiling / 2
	return time.Duration(half + rand.Float64()*half)
}

// resubmitWait is the back-off before a refused task is sent again.
func (c *Client) resubmitWait(attempt int) time.Duration {
	return backoff(4*c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, attempt, nil)
}

func parseRetryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		// Bound it in seconds: a huge value would overflow a Duration.
		return time.Duration(min(secs, int(maxRetryAfter/time.Second))) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(at), 0), maxRetryAfter), true
	}
	return 0, false
}

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
