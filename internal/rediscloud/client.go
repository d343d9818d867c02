// Package rediscloud is the Redis Cloud API client used by the provider. It is
// the only code that speaks HTTP to Redis Cloud: it owns authentication,
// retries, client-side rate limiting, the asynchronous task model, lenient
// decoding of the API's documents and the typed errors callers branch on.
package rediscloud

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Client talks to the Redis Cloud API. It is safe for concurrent use; one
// Client serves every resource of a provider instance, so that they share
// the rate limiter, the memos and the peering-list snapshots.
type Client struct {
	cfg    Config // checked, its defaults applied
	base   *url.URL
	hidden []string // the keys Redact hides
	// safe and unsafe (POST, PUT) retry as newRetryClient says.
	safe, unsafe *retryablehttp.Client
	limiter      *windowLimiter
	cidrGrace    time.Duration // how long listed CIDRs may lag an update

	latency   latencyEstimator
	mutations *mutations
	// lists holds the peering lists (a mutation through this client forgets
	// its subscription's), active serves ActiveSubscription, layouts
	// SubscriptionLayout, networks the Active-Active regions and account
	// ListSubscriptions.
	lists           *memo[listKey, *peeringList]
	active, layouts *memo[int, *Subscription]
	networks        *memo[int, []SubscriptionRegion]
	account         *memo[struct{}, []Subscription]
	changes         subscriptionChanges
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cmp.Or(cfg.BaseURL, DefaultBaseURL))
	if err != nil {
		return nil, err
	}
	if cfg.APIKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("both an API key and a secret key are required")
	}
	if strings.ContainsFunc(cfg.APIKey+cfg.SecretKey, unicode.IsControl) {
		// Go refuses such a header value before sending anything, which
		// would otherwise look like a network failure and be retried.
		return nil, errors.New("a key contains a control character (such as a trailing newline); remove it (the key is not shown)")
	}
	if cfg.RequestsPerMinute < 0 || cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("requests per minute (%d) and retries (%d) must be 0 or more", cfg.RequestsPerMinute, cfg.MaxRetries)
	}
	// Durations no caller can mean as zero take their defaults, every one,
	// those added later included; an unset PollMin is at most PollFirst.
	pollMinSet := cfg.PollMin > 0
	cv, dv := reflect.ValueOf(&cfg).Elem(), reflect.ValueOf(DefaultConfig())
	for i := range cv.NumField() {
		if f := cv.Field(i); f.Type() == reflect.TypeFor[time.Duration]() && f.Int() <= 0 {
			f.Set(dv.Field(i))
		}
	}
	if !pollMinSet {
		cfg.PollMin = min(cfg.PollMin, cfg.PollFirst)
	}
	cfg.UserAgent = cmp.Or(cfg.UserAgent, DefaultConfig().UserAgent)

	c := &Client{
		cfg:       cfg,
		base:      base,
		hidden:    hiddenKeys(cfg.APIKey, cfg.SecretKey),
		cidrGrace: defaultCIDRGrace,
		mutations: &mutations{pending: map[chan struct{}]bool{}},
		changes:   subscriptionChanges{slots: map[int]chan struct{}{}},
		lists:     newMemo[listKey](cfg.SnapshotTTL, burstFactor, sharedList),
		active:    newMemo[int](cfg.SnapshotTTL, 1, cloneSubscription),
		layouts:   newMemo[int](0, 1, cloneSubscription),
		networks:  newMemo[int](0, 1, cloneRegions),
		account:   newMemo[struct{}](cfg.SnapshotTTL, 1, cloneSubscriptions),
	}
	if cfg.RequestsPerMinute > 0 {
		// The API counts a request when it arrives, this client when it
		// sends it: a slightly longer window absorbs the difference.
		c.limiter = newWindowLimiter(cfg.RequestsPerMinute, time.Minute+time.Second)
	}

	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{Transport: newTransport(cfg.ResponseHeaderTimeout)}
	}
	wrapped := *httpClient
	wrapped.Transport = &limitedTransport{next: cmp.Or(httpClient.Transport, http.DefaultTransport), limiter: c.limiter}
	// net/http copies custom headers, the keys included, to wherever a
	// redirect points: follow one only within the API's scheme and host;
	// any other ends the request with the redirect as its answer.
	wrapped.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != base.Scheme || !strings.EqualFold(req.URL.Host, base.Host) || len(via) >= 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}

	c.safe = c.newRetryClient(&wrapped, false)
	c.unsafe = c.newRetryClient(&wrapped, true)
	return c, nil
}

// newTransport is a pooled transport. The API answers every call at once
// (long work happens in tasks), so late headers mean a stall.
func newTransport(headerTimeout time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	t.ResponseHeaderTimeout = headerTimeout
	return t
}

// request is one API call; op names it in logs and errors. busy, if set, is
// called when an attempt met a 429 that was not the account's limit.
type request struct {
	method, path, op string
	body             any
	busy             func()
}

// do performs r and decodes a 2xx JSON answer into out (if not nil).
func (c *Client) do(ctx context.Context, r request, out any) error {
	ctx = c.logContext(ctx)
	var body any // a nil []byte would still be a body
	if r.body != nil {
		payload, err := json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("encoding %s request: %w", r.op, err)
		}
		body = payload
	}
	full := c.base.String() + r.path
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, full, body)
	if err != nil {
		return fmt.Errorf("building %s request: %w", r.op, err)
	}
	req.Header.Set("x-api-key", c.cfg.APIKey)
	req.Header.Set("x-api-secret-key", c.cfg.SecretKey)
	req.Header.Set("Accept", "application/json")
	// The API expects a JSON content type on every request, bodiless ones included.
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)

	rc, ambiguous := c.safe, func(err error) error { return err }
	if r.method == http.MethodPost || r.method == http.MethodPut {
		// A failure of POST or PUT may hide an applied request.
		rc, ambiguous = c.unsafe, func(err error) error { return &ambiguousError{wrapped{err}} }
	}
	// The body is read under an idle deadline of its own: the request's
	// context ends when no byte arrives for readIdle.
	reqCtx, cancelReq := context.WithCancel(ctx)
	defer cancelReq()
	a := &attempts{start: time.Now()}
	req = req.WithContext(context.WithValue(reqCtx, attemptsKey{}, a))
	resp, err := rc.Do(req)
	if a.busy.Load() > 0 && r.busy != nil {
		r.busy()
	}
	if err != nil {
		// The retrying client may hand back the last response with its error.
		if resp != nil {
			_ = resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			if n := a.refused.Load(); n > 0 {
				return &RateLimitedError{Op: r.op, Refusals: int(n), Waited: time.Since(a.start), Err: ctxErr}
			}
			return fmt.Errorf("%s: %w", r.op, ctxErr)
		}
		if isTimeout(err) {
			return ambiguous(&StalledError{Method: r.method, URL: full, Phase: "waiting for the answer's headers", Err: err})
		}
		err = fmt.Errorf("%s: %w", r.op, err)
		if neverSent(err) {
			return err
		}
		return ambiguous(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, readErr := c.readBody(resp, cancelReq, r, full)
	tflog.SubsystemDebug(ctx, logSubsystem, "API call", map[string]any{
		"operation": r.op, "method": r.method, "path": r.path,
		"status_code": resp.StatusCode, "elapsed_ms": time.Since(a.start).Milliseconds(),
	})
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		he := &HTTPError{Method: r.method, Path: r.path, URL: full, StatusCode: resp.StatusCode, Body: truncate(c.Redact(string(raw)), maxErrorBody)}
		if resp.StatusCode >= 500 {
			return ambiguous(he)
		}
		return he
	}
	if readErr != nil {
		if isA[*TooLargeError](readErr) {
			return readErr
		}
		return ambiguous(fmt.Errorf("%s %s: reading response: %w", r.method, r.path, readErr))
	}
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return &DecodeError{Op: r.op, Err: errors.New("empty response body")}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		// The decoder quotes what it could not read: it may be an echo of
		// the request's headers.
		return &DecodeError{Op: r.op, Err: errors.New(c.Redact(err.Error()))}
	}
	return nil
}

// maxBody bounds an answer; the largest documented one, a list of hundreds
// of peerings, is a few hundred kilobytes.
const maxBody = 32 << 20

// readBody reads at most maxBody bytes of r's answer from full, ending the
// request (cancel) when no byte arrives for the idle timeout.
func (c *Client) readBody(resp *http.Response, cancel context.CancelFunc, r request, full string) ([]byte, error) {
	var stalled atomic.Bool
	timer := time.AfterFunc(c.cfg.ReadIdleTimeout, func() {
		stalled.Store(true)
		cancel()
	})
	defer timer.Stop()
	var buf bytes.Buffer
	chunk := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(chunk)
		if n > 0 {
			timer.Reset(c.cfg.ReadIdleTimeout)
			if buf.Len()+n > maxBody {
				size := int64(-1)
				if resp.ContentLength > 0 {
					size = resp.ContentLength
				}
				return nil, &TooLargeError{Op: r.op, Limit: maxBody, Size: size}
			}
			buf.Write(chunk[:n])
		}
		if err == io.EOF {
			return buf.Bytes(), nil
		}
		if err != nil {
			if stalled.Load() {
				return nil, &StalledError{Method: r.method, URL: full, Phase: fmt.Sprintf("reading the answer (%d bytes received)", buf.Len()), Idle: c.cfg.ReadIdleTimeout, Err: err}
			}
			return nil, err
		}
	}
}

// Redact hides the keys in text the server sent, should it echo the
// request's headers. It is for what is shown or stored: decisions read the
// values as received, so that a key that happens to occur in the API's own
// words changes no outcome.
func (c *Client) Redact(s string) string {
	for _, k := range c.hidden {
		s = strings.ReplaceAll(s, k, "(redacted)")
	}
	return s
}

// minHiddenKey is the shortest key Redact looks for: hiding a shorter one
// would rewrite ordinary words ("s" in "us-east-1") in what is stored.
const minHiddenKey = 8

func hiddenKeys(keys ...string) []string {
	return slices.DeleteFunc(keys, func(k string) bool { return len(k) < minHiddenKey })
}

// Shown returns a copy of p with the keys hidden in every string field, so
// that a field added later cannot slip through.
func (c *Client) Shown(p *Peering) *Peering {
	cp := clonePeering(p)
	v := reflect.ValueOf(cp).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.String:
			f.SetString(c.Redact(f.String()))
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			for j := range f.Len() {
				f.Index(j).SetString(c.Redact(f.Index(j).String()))
			}
		}
	}
	return cp
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// logSubsystem names the client's log lines (TF_LOG_PROVIDER_REDISCLOUD_API
// sets its level apart from the provider's).
const logSubsystem = "api"

// logContext returns ctx with the client's subsystem and both keys masked
// everywhere: a second line of defence, as keys never reach a log by design.
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem)
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, c.hidden...)
	ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, c.hidden...)
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem, "x-api-key", "x-api-secret-key", "api_key", "secret_key")
	return c.MaskKeys(ctx)
}

// MaskKeys returns ctx with the keys masked in the provider's own log lines,
// as Redact hides them: callers log errors and values the API sent.
func (c *Client) MaskKeys(ctx context.Context) context.Context {
	ctx = tflog.MaskAllFieldValuesStrings(ctx, c.hidden...)
	return tflog.MaskMessageStrings(ctx, c.hidden...)
}

func logAttempt(_ retryablehttp.Logger, req *http.Request, retry int) {
	fields := map[string]any{"method": req.Method, "path": req.URL.Path}
	if retry == 0 {
		tflog.SubsystemTrace(req.Context(), logSubsystem, "sending request", fields)
		return
	}
	fields["retry"] = retry
	tflog.SubsystemDebug(req.Context(), logSubsystem, "retrying request", fields)
}

const (
	// DefaultBaseURL is the Redis Cloud API endpoint.
	DefaultBaseURL = "https://api.redislabs.com/v1"
	// DefaultRequestsPerMinute is the documented limit per account key.
	DefaultRequestsPerMinute = 400
	DefaultMaxRetries        = 10
)

// Config configures a Client. A zero RequestsPerMinute means no limit and a
// zero MaxRetries no retry; a zero duration, which no caller can mean,
// takes its default (DefaultConfig).
type Config struct {
	// BaseURL is the API root including /v1 (DefaultBaseURL when empty).
	BaseURL                      string
	APIKey, SecretKey, UserAgent string
	// RequestsPerMinute caps this client's requests in any 60 s window;
	// MaxRetries is how often a request that failed transiently is repeated.
	RequestsPerMinute, MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the back-off between retries; a
	// Retry-After header wins within 5 minutes. A task the API refused is
	// sent again after a back-off from 4×RetryWaitMin to RetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
	// PollFirst is the earliest a task is polled after the answer that
	// named it, while no task has been timed: the task service may not know
	// it before. PollMin and PollMax bound the delay between two polls.
	PollFirst, PollMin, PollMax time.Duration
	// StatusPollMax bounds the time between two looks of a status wait.
	StatusPollMax time.Duration
	// CreateLookupTimeout bounds the lookup of the peering of a create whose
	// task wait failed, which runs even when the create's context has ended.
	CreateLookupTimeout time.Duration
	// TaskNotFoundWindow is how long after the answer that named it a task
	// may be unknown to the task service. Redis's own client allows about 31 s.
	TaskNotFoundWindow time.Duration
	// SnapshotTTL is how long a peering list serves further reads, and how
	// far apart the reads of a burst may come for it to keep serving them.
	SnapshotTTL time.Duration
	// A stall of the headers or the body ends a request with a StalledError.
	ResponseHeaderTimeout, ReadIdleTimeout time.Duration
	HTTPClient                             *http.Client // tests
}

// DefaultConfig returns every default but BaseURL's and the keys.
func DefaultConfig() Config {
	return Config{
		UserAgent:             "terraform-provider-rediscloud",
		RequestsPerMinute:     DefaultRequestsPerMinute,
		MaxRetries:            DefaultMaxRetries,
		RetryWaitMin:          250 * time.Millisecond,
		RetryWaitMax:          30 * time.Second,
		PollFirst:             time.Second,
		PollMin:               250 * time.Millisecond,
		PollMax:               5 * time.Second,
		StatusPollMax:         8 * time.Second,
		CreateLookupTimeout:   15 * time.Second,
		TaskNotFoundWindow:    time.Minute,
		SnapshotTTL:           5 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ReadIdleTimeout:       30 * time.Second,
	}
}

// ParseBaseURL validates an API base URL: https anywhere, http only on a
// loopback host (a local simulator), never credentials in the URL.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// url.Error repeats the whole URL; keep only the reason.
		if ue, ok := asA[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s is not a valid URL: %w", shownURL(raw), err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%s is not an absolute URL; expected a form such as %s", shownURL(raw), DefaultBaseURL)
	}
	if u.User != nil {
		return nil, errors.New("the URL must not contain credentials; set api_key and secret_key instead")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		// A query string may carry keys, and a base URL has no use for one.
		return nil, errors.New("the URL must not contain a query string or a fragment (not shown); set api_key and secret_key for the keys, and give the base URL alone, such as " + DefaultBaseURL)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("plain http:// is accepted only for a loopback host (a local simulator), not %q: use https://", u.Hostname())
		}
	default:
		return nil, fmt.Errorf("scheme %q is not supported: use https://", u.Scheme)
	}
	// Paths are appended to it.
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// shownURL quotes a URL for an error message, unless it may carry
// credentials (user:password@host), which are never repeated.
func shownURL(raw string) string {
	if strings.ContainsAny(raw, "@?#") {
		return "the URL (not shown: it may carry credentials)"
	}
	return fmt.Sprintf("%q", raw)
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
