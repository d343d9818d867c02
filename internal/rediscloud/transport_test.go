package rediscloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// recordedRequest is what a test server saw.
type recordedRequest struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// TestRequestHeadersAndBodies checks the wire form of every call against the
// reference's examples: authentication and content headers on every request,
// the create bodies of both clouds and both kinds, update bodies, and
// bodiless deletes.
func TestRequestHeadersAndBodies(t *testing.T) {
	type call struct {
		name       string
		run        func(ctx context.Context, c *Client) error
		wantMethod string
		wantPath   string
		wantBody   string // "" means no body at all
		noKeys     []string
	}
	aws1 := CreatePeeringRequest{Region: "us-east-1", AWSAccountID: "098765", VPCID: "17", CIDRs: []string{"192.168.0.0/24"}}
	awsN := CreatePeeringRequest{Provider: "AWS", Region: "eu-west-1", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f", CIDRs: []string{"10.10.0.0/16", "10.20.0.0/16"}}
	gcp := CreatePeeringRequest{Provider: "GCP", GCPProjectID: "my-gcp-project", GCPNetworkName: "my-vpc"}
	aaAWS := CreatePeeringRequest{SourceRegion: "us-east-1", DestinationRegion: "eu-west-2", AWSAccountID: "123456789012", VPCID: "vpc-01234567890", CIDRs: []string{"10.0.10.0/24"}}
	aaGCP := CreatePeeringRequest{Provider: "gcp", SourceRegion: "us-central1", GCPProjectID: "my-gcp-project", GCPNetworkName: "my-gcp-vpc"}
	create := func(kind Kind, r CreatePeeringRequest) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			res, err := c.CreatePeering(ctx, kind, 1, r, CreateOptions{})
			if err == nil && res.ID != 1235 {
				return fmt.Errorf("created ID %d, want 1235", res.ID)
			}
			return err
		}
	}
	cases := []call{
		{
			name: "Pro AWS one CIDR goes in vpcCidr", run: create(Pro, aws1),
			wantMethod: "POST", wantPath: "/v1/subscriptions/1/peerings",
			wantBody: `{ "region": "us-east-1", "awsAccountId": "098765", "vpcId": "17", "vpcCidr": "192.168.0.0/24" }`,
			noKeys:   []string{"provider", "vpcCidrs"},
		},
		{
			name: "Pro AWS several CIDRs go in vpcCidrs", run: create(Pro, awsN),
			wantMethod: "POST", wantPath: "/v1/subscriptions/1/peerings",
			wantBody: `{ "region": "eu-west-1", "awsAccountId": "123456789012", "vpcId": "vpc-0a1b2c3d4e5f", "vpcCidrs": ["10.10.0.0/16", "10.20.0.0/16"] }`,
			noKeys:   []string{"provider", "vpcCidr"},
		},
		{
			name: "Pro GCP", run: create(Pro, gcp),
			wantMethod: "POST", wantPath: "/v1/subscriptions/1/peerings",
			wantBody: `{ "provider": "gcp", "vpcProjectUid": "my-gcp-project", "vpcNetworkName": "my-vpc" }`,
		},
		{
			name: "Active-Active AWS", run: create(ActiveActive, aaAWS),
			wantMethod: "POST", wantPath: "/v1/subscriptions/1/regions/peerings",
			wantBody: `{ "sourceRegion": "us-east-1", "destinationRegion": "eu-west-2", "awsAccountId": "123456789012",
  "vpcId": "vpc-01234567890", "vpcCidr": "10.0.10.0/24" }`,
			noKeys: []string{"provider", "region"},
		},
		{
			name: "Active-Active GCP", run: create(ActiveActive, aaGCP),
			wantMethod: "POST", wantPath: "/v1/subscriptions/1/regions/peerings",
			wantBody: `{ "provider": "gcp", "sourceRegion": "us-central1", "vpcProjectUid": "my-gcp-project", "vpcNetworkName": "my-gcp-vpc" }`,
		},
		{
			name: "update several CIDRs",
			run: func(ctx context.Context, c *Client) error {
				return c.UpdatePeeringCIDRs(ctx, Pro, 1, 5, []string{"10.10.10.0/24", "10.10.20.0/24"})
			},
			wantMethod: "PUT", wantPath: "/v1/subscriptions/1/peerings/5",
			wantBody: `{"vpcCidrs": ["10.10.10.0/24", "10.10.20.0/24"]}`,
		},
		{
			name: "update one CIDR",
			run: func(ctx context.Context, c *Client) error {
				return c.UpdatePeeringCIDRs(ctx, ActiveActive, 1, 5, []string{"10.10.10.0/24"})
			},
			wantMethod: "PUT", wantPath: "/v1/subscriptions/1/regions/peerings/5",
			wantBody: `{"vpcCidr": "10.10.10.0/24"}`,
		},
		{
			name:       "delete Pro",
			run:        func(ctx context.Context, c *Client) error { return c.DeletePeering(ctx, Pro, 1, 5) },
			wantMethod: "DELETE", wantPath: "/v1/subscriptions/1/peerings/5",
		},
		{
			name:       "delete Active-Active",
			run:        func(ctx context.Context, c *Client) error { return c.DeletePeering(ctx, ActiveActive, 1, 5) },
			wantMethod: "DELETE", wantPath: "/v1/subscriptions/1/regions/peerings/5",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []recordedRequest
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				seen = append(seen, recordedRequest{r.Method, r.URL.Path, r.Header.Clone(), body})
				mu.Unlock()
				switch {
				case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/tasks/"):
					writeJSON(w, http.StatusOK, refCreateCompleted)
				case r.Method == http.MethodGet && r.URL.Path == "/v1/subscriptions/1":
					writeJSON(w, http.StatusOK, refSubscription)
				case r.Method == http.MethodGet:
					t.Errorf("unexpected GET %s", r.URL.Path)
					w.WriteHeader(http.StatusNotFound)
				default:
					writeJSON(w, http.StatusAccepted, refInitialReply)
				}
			}))
			c := newTestClient(t, srv, nil)
			if err := tc.run(context.Background(), c); err != nil {
				t.Fatalf("call failed: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			var mutation *recordedRequest
			for i := range seen {
				r := &seen[i]
				for name, want := range map[string]string{
					"x-api-key":        testAPIKey,
					"x-api-secret-key": testSecretKey,
					"Content-Type":     "application/json",
					"Accept":           "application/json",
					"User-Agent":       testUserAgent,
				} {
					if got := r.Header.Get(name); got != want {
						t.Errorf("%s %s: header %s = %q, want %q", r.Method, r.Path, name, got, want)
					}
				}
				if r.Method == tc.wantMethod {
					if mutation != nil {
						t.Errorf("%s sent twice", tc.wantMethod)
					}
					mutation = r
				} else if len(r.Body) != 0 {
					t.Errorf("%s %s carries a body %q", r.Method, r.Path, r.Body)
				}
			}
			if mutation == nil {
				t.Fatalf("no %s request among %d", tc.wantMethod, len(seen))
			}
			if mutation.Path != tc.wantPath {
				t.Errorf("path %s, want %s", mutation.Path, tc.wantPath)
			}
			if tc.wantBody == "" {
				if len(mutation.Body) != 0 {
					t.Errorf("body %q, want none", mutation.Body)
				}
				return
			}
			if !jsonEqual(t, mutation.Body, tc.wantBody) {
				t.Errorf("body %s\nwant %s", mutation.Body, tc.wantBody)
			}
			for _, k := range tc.noKeys {
				if strings.Contains(string(mutation.Body), `"`+k+`"`) {
					t.Errorf("body %s has key %q", mutation.Body, k)
				}
			}
		})
	}
}

// step is one scripted answer of a test server.
type step struct {
	status int
	header map[string]string
	body   string
	drop   bool // close the connection without an answer
}

// scriptedServer answers each request with the next step; the last repeats.
// It records the arrival time of each request.
func scriptedServer(t *testing.T, steps []step) (*httptest.Server, func() []time.Time) {
	var mu sync.Mutex
	var hits []time.Time
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits = append(hits, time.Now())
		s := steps[min(len(hits), len(steps))-1]
		mu.Unlock()
		if s.drop {
			dropConnection(t, w, r)
			return
		}
		for k, v := range s.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(s.status)
		_, _ = io.WriteString(w, s.body)
	}))
	return srv, func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Time(nil), hits...)
	}
}

func TestRetries(t *testing.T) {
	ok := step{status: 200, body: `{"ok":true}`}
	type tc struct {
		name       string
		method     string
		steps      []step
		maxRetries int
		wantHits   int
		// minGap is the least time between the first two requests.
		minGap time.Duration
		// check inspects the error; nil means the call must succeed.
		check func(t *testing.T, err error)
	}
	isHTTP := func(status int, body string, ambiguous bool) func(*testing.T, error) {
		return func(t *testing.T, err error) {
			var he *HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("error %v (%T) is not an *HTTPError", err, err)
			}
			if he.StatusCode != status || he.Body != body {
				t.Errorf("HTTPError status %d body %q, want %d %q", he.StatusCode, he.Body, status, body)
			}
			if IsAmbiguous(err) != ambiguous {
				t.Errorf("IsAmbiguous = %v, want %v", IsAmbiguous(err), ambiguous)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(status)) {
				t.Errorf("message %q does not name the status", err)
			}
		}
	}
	ambiguousTransport := func(t *testing.T, err error) {
		if !IsAmbiguous(err) {
			t.Fatalf("error %v is not ambiguous", err)
		}
		var he *HTTPError
		if errors.As(err, &he) {
			t.Errorf("a dropped connection surfaced as HTTP %d", he.StatusCode)
		}
		if IsTransient(err) {
			t.Error("an ambiguous error must not be reported as transient")
		}
	}
	cases := []tc{
		{name: "GET 429 with Retry-After is honoured", method: "GET",
			steps:    []step{{status: 429, header: map[string]string{"Retry-After": "1"}}, ok},
			wantHits: 2, minGap: time.Second},
		{name: "GET 429 without Retry-After", method: "GET",
			steps: []step{{status: 429, body: `{"status":429,"error":"Too Many Requests"}`}, ok}, wantHits: 2},
		{name: "GET 503 then success", method: "GET", steps: []step{{status: 503}, ok}, wantHits: 2},
		{name: "GET 500 502 504 then success", method: "GET", steps: []step{{status: 500}, {status: 502}, {status: 504}, ok}, wantHits: 4},
		{name: "GET dropped connection then success", method: "GET", steps: []step{{drop: true}, ok}, wantHits: 2},
		{name: "DELETE 503 then success", method: "DELETE", steps: []step{{status: 503}, ok}, wantHits: 2},
		{name: "DELETE dropped connection then success", method: "DELETE", steps: []step{{drop: true}, ok}, wantHits: 2},
		{name: "GET 501 is not retried", method: "GET", steps: []step{{status: 501}, ok}, wantHits: 1,
			check: isHTTP(501, "", false)},
		{name: "GET 404 is not retried and keeps the Spring body", method: "GET", steps: []step{{status: 404, body: refSpringError25}}, wantHits: 1,
			check: func(t *testing.T, err error) {
				isHTTP(404, refSpringError25, false)(t, err)
				if IsNotFound(err) {
					t.Error("a bare 404 is taken as evidence of absence")
				}
			}},
		{name: "GET 401 nginx HTML is kept as text", method: "GET", steps: []step{{status: 401, body: refNginx401}}, wantHits: 1,
			check: func(t *testing.T, err error) {
				isHTTP(401, refNginx401, false)(t, err)
				if !IsUnauthorized(err) {
					t.Error("IsUnauthorized is false for a 401")
				}
			}},
		{name: "POST 500 is not retried and is ambiguous", method: "POST", steps: []step{{status: 500}, ok}, wantHits: 1,
			check: isHTTP(500, "", true)},
		{name: "PUT 503 is not retried and is ambiguous", method: "PUT", steps: []step{{status: 503, body: refSpringError}, ok}, wantHits: 1,
			check: isHTTP(503, refSpringError, true)},
		{name: "POST dropped after reaching the server is not retried", method: "POST", steps: []step{{drop: true}, ok}, wantHits: 1,
			check: ambiguousTransport},
		{name: "PUT dropped after reaching the server is not retried", method: "PUT", steps: []step{{drop: true}, ok}, wantHits: 1,
			check: ambiguousTransport},
		{name: "POST 429 is retried", method: "POST", steps: []step{{status: 429}, {status: 429}, ok}, wantHits: 3},
		{name: "POST 400 is final and not ambiguous", method: "POST", steps: []step{{status: 400, body: "bad"}, ok}, wantHits: 1,
			check: isHTTP(400, "bad", false)},
		{name: "exhausted retries keep an empty body", method: "GET", maxRetries: 2, steps: []step{{status: 503}}, wantHits: 3,
			check: func(t *testing.T, err error) {
				isHTTP(503, "", false)(t, err)
				if !IsTransient(err) {
					t.Error("a 503 is transient")
				}
			}},
		{name: "exhausted retries keep an HTML body", method: "GET", maxRetries: 2,
			steps: []step{{status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>"}}, wantHits: 3,
			check: isHTTP(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", false)},
		{name: "exhausted retries keep a Spring body", method: "DELETE", maxRetries: 1,
			steps: []step{{status: 500, body: refSpringError}}, wantHits: 2,
			check: isHTTP(500, refSpringError, false)},
		{name: "exhausted 429 on POST", method: "POST", maxRetries: 2,
			steps: []step{{status: 429, body: "slow down"}}, wantHits: 3,
			check: func(t *testing.T, err error) {
				isHTTP(429, "slow down", false)(t, err)
				if !isTooManyRequests(err) {
					t.Error("isTooManyRequests is false")
				}
			}},
		{name: "exhausted dropped connections on GET", method: "GET", maxRetries: 2, steps: []step{{drop: true}}, wantHits: 3,
			check: func(t *testing.T, err error) {
				if IsAmbiguous(err) {
					t.Error("a GET is never ambiguous")
				}
				if !IsTransient(err) {
					t.Errorf("a connection failure is transient: %v", err)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := scriptedServer(t, tc.steps)
			c := newTestClient(t, srv, func(cfg *Config) {
				if tc.maxRetries > 0 {
					cfg.MaxRetries = tc.maxRetries
				}
			})
			var body any
			if tc.method == "POST" || tc.method == "PUT" {
				body = map[string]string{"vpcCidr": "10.0.0.0/24"}
			}
			var out map[string]any
			err := c.do(context.Background(), request{method: tc.method, path: "/x", body: body, op: "test"}, &out)
			h := hits()
			if len(h) != tc.wantHits {
				t.Errorf("server hit %d times, want %d", len(h), tc.wantHits)
			}
			if tc.minGap > 0 && len(h) >= 2 {
				if gap := h[1].Sub(h[0]); gap < tc.minGap {
					t.Errorf("retried after %v, want at least %v", gap, tc.minGap)
				}
			}
			if tc.check == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if out["ok"] != true {
					t.Errorf("decoded %v", out)
				}
				return
			}
			if err == nil {
				t.Fatal("expected an error")
			}
			tc.check(t, err)
		})
	}
}

// countingTransport records every attempt's error.
type countingTransport struct {
	next     http.RoundTripper
	mu       sync.Mutex
	attempts int
	errs     []error
}

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := ct.next.RoundTrip(r)
	ct.mu.Lock()
	defer ct.mu.Unlock()
	ct.attempts++
	if err != nil {
		ct.errs = append(ct.errs, err)
	}
	return resp, err
}

func (ct *countingTransport) CloseIdleConnections() {
	if ci, ok := ct.next.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// TestPOSTRetriedOnConnectionRefused: a POST that could not connect never
// reached the API, so it is sent again; here the API comes up after a few
// refused attempts.
func TestPOSTRetriedOnConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()

	var hits counter
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.inc("post")
		writeJSON(w, http.StatusAccepted, `{"ok":true}`)
	}))
	_ = srv.Listener.Close()
	reopened := make(chan error, 1)
	go func() {
		time.Sleep(40 * time.Millisecond)
		ln2, err := net.Listen("tcp", addr)
		if err == nil {
			srv.Listener = ln2
			srv.Start()
		}
		reopened <- err
	}()
	t.Cleanup(func() {
		if <-reopened == nil {
			srv.Close()
		}
	})

	ct := &countingTransport{next: newTransport(30 * time.Second)}
	cfg := testConfig("http://" + addr + "/v1")
	cfg.MaxRetries = 30
	cfg.HTTPClient = &http.Client{Transport: ct}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIdle(c)
	var out map[string]any
	err = c.do(context.Background(), request{method: http.MethodPost, path: "/subscriptions/1/peerings", body: map[string]string{"vpcId": "vpc-1"}, op: "create"}, &out)
	if err != nil {
		t.Fatalf("POST failed: %v", err)
	}
	if n := hits.get("post"); n != 1 {
		t.Errorf("server got %d POSTs, want 1", n)
	}
	ct.mu.Lock()
	defer ct.mu.Unlock()
	if len(ct.errs) == 0 {
		t.Fatal("no attempt was refused; the test proves nothing")
	}
	for _, e := range ct.errs {
		if !errors.Is(e, syscall.ECONNREFUSED) || !neverSent(e) {
			t.Errorf("attempt error %v is not a refused connection", e)
		}
	}
	if ct.attempts != len(ct.errs)+1 {
		t.Errorf("%d attempts for %d refusals", ct.attempts, len(ct.errs))
	}
}

// TestRefusedPOSTIsNotAmbiguous: once retries are spent on refused
// connections, the error says plainly that nothing was sent.
func TestRefusedPOSTIsNotAmbiguous(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	cfg := testConfig("http://" + addr + "/v1")
	cfg.MaxRetries = 2
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = c.do(context.Background(), request{method: http.MethodPost, path: "/x", body: map[string]string{}, op: "create"}, nil)
	if err == nil {
		t.Fatal("POST to a closed port succeeded")
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("error %v is not ECONNREFUSED", err)
	}
	if !neverSent(err) {
		t.Error("neverSent is false for a refused connection")
	}
	if IsAmbiguous(err) {
		t.Error("a refused POST is reported as ambiguous")
	}
}

func TestNeverSent(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"refused deep", fmt.Errorf("x: %w", &net.OpError{Op: "read", Err: syscall.ECONNREFUSED}), true},
		{"dns", &net.DNSError{Err: "no such host", Name: "api.invalid"}, true},
		{"dial timeout", &net.OpError{Op: "dial", Err: errors.New("i/o timeout")}, true},
		{"reset on read", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, false},
		{"eof", io.EOF, false},
		{"unexpected eof", io.ErrUnexpectedEOF, false},
	}
	for _, tc := range cases {
		if got := neverSent(tc.err); got != tc.want {
			t.Errorf("%s: neverSent = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestServerRateLimitPausesLaterRequests: X-Rate-Limit-Remaining: 0 with a
// Retry-After holds back the client's next request, not only a refused one.
func TestServerRateLimitPausesLaterRequests(t *testing.T) {
	t.Parallel()
	srv, hits := scriptedServer(t, []step{
		{status: 200, header: map[string]string{"X-Rate-Limit-Remaining": "0", "Retry-After": "1"}, body: `{"id":1,"status":"active"}`},
		{status: 200, header: map[string]string{"X-Rate-Limit-Remaining": "399"}, body: `{"id":1,"status":"active"}`},
	})
	c := newTestClient(t, srv, func(cfg *Config) { cfg.RequestsPerMinute = 0 }) // the default limiter
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
	c2 := newTestClient(t, srv2, func(cfg *Config) { cfg.RequestsPerMinute = 0 })
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

func TestParseBaseURL(t *testing.T) {
	cases := []struct {
		raw     string
		want    string // the normalised URL, when accepted
		wantErr string // a fragment of the error, when refused
	}{
		{raw: "https://api.redislabs.com/v1", want: "https://api.redislabs.com/v1"},
		{raw: " https://api.redislabs.com/v1/ ", want: "https://api.redislabs.com/v1"},
		// A query string or fragment may carry keys: refused, never shown.
		{raw: "https://api.redislabs.com/v1?x=1#f", wantErr: "query string"},
		{raw: "https://api.redislabs.com/v1?api_key=sekret", wantErr: "not shown"},
		{raw: "https://api.redislabs.com/v1#frag", wantErr: "fragment"},
		{raw: "https://api.redislabs.com/v1?", wantErr: "query string"},
		{raw: "https://api.redislabs.com/v1//", want: "https://api.redislabs.com/v1"},
		{raw: "http://[::1]://", want: "http://[::1]:"},
		{raw: "http://127.0.0.1:8080/v1", want: "http://127.0.0.1:8080/v1"},
		{raw: "http://localhost:8080/v1", want: "http://localhost:8080/v1"},
		{raw: "http://LOCALHOST/v1", want: "http://LOCALHOST/v1"},
		{raw: "http://[::1]:9000/v1", want: "http://[::1]:9000/v1"},
		{raw: "http://127.0.0.2/v1", want: "http://127.0.0.2/v1"},
		{raw: "http://api.redislabs.com/v1", wantErr: "loopback"},
		{raw: "http://10.0.0.1/v1", wantErr: "loopback"},
		{raw: "http://localhost.example.com/v1", wantErr: "loopback"},
		{raw: "http://[::2]/v1", wantErr: "loopback"},
		{raw: "https://user:pass@api.redislabs.com/v1", wantErr: "credentials"},
		{raw: "http://user@localhost/v1", wantErr: "credentials"},
		{raw: "api.redislabs.com/v1", wantErr: "absolute"},
		{raw: "/v1", wantErr: "absolute"},
		{raw: "", wantErr: "absolute"},
		{raw: "ftp://api.redislabs.com/v1", wantErr: "https://"},
		{raw: "https://api.redislabs.com/%zz", wantErr: "not a valid URL"},
		{raw: "https://key:pass@api.redislabs.com/%zz", wantErr: "not a valid URL"},
		{raw: "key:pass@api.redislabs.com/v1", wantErr: "not an absolute URL"},
	}
	for _, tc := range cases {
		u, err := ParseBaseURL(tc.raw)
		if tc.wantErr != "" {
			if err == nil {
				t.Errorf("%q accepted as %v", tc.raw, u)
			} else if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %q does not mention %q", tc.raw, err, tc.wantErr)
			}
			if err != nil && (strings.Contains(err.Error(), "pass") || strings.Contains(err.Error(), "sekret")) {
				t.Errorf("%q: error %q repeats the password", tc.raw, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q refused: %v", tc.raw, err)
			continue
		}
		if u.String() != tc.want {
			t.Errorf("%q parsed as %q, want %q", tc.raw, u, tc.want)
		}
	}
	if _, err := New(Config{BaseURL: "http://api.redislabs.com/v1", APIKey: "a", SecretKey: "b"}); err == nil {
		t.Error("New accepted plain http to a remote host")
	}
	if _, err := New(Config{APIKey: "a"}); err == nil {
		t.Error("New accepted a missing secret key")
	}
	for _, keys := range [][2]string{{"AKEY9f3\n", "SKEY77b"}, {"AKEY9f3", "SKEY77b\r"}, {"AKE\x00Y9f3", "SKEY77b"}, {"AKEY9f3", "SKE\tY77b"}} {
		_, err := New(Config{APIKey: keys[0], SecretKey: keys[1]})
		if err == nil || !strings.Contains(err.Error(), "control character") {
			t.Errorf("New accepted keys %q: %v", keys, err)
		} else if strings.Contains(err.Error(), "9f3") || strings.Contains(err.Error(), "77b") {
			t.Errorf("the error repeats a key: %v", err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"299", 299 * time.Second, true},
		{"300", maxRetryAfter, true},
		{"100000", maxRetryAfter, true},
		{"9223372037", maxRetryAfter, true}, // overflows a Duration when multiplied
		{"9223372036854775807", maxRetryAfter, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"Wed, 21 Oct 2015 07:28:00 GMT", 0, true}, // in the past
		{time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), maxRetryAfter, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	future := time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)
	if d, ok := parseRetryAfter(future); !ok || d < 18*time.Second || d > 20*time.Second {
		t.Errorf("parseRetryAfter(date in 20s) = %v, %v", d, ok)
	}
}

func TestBackoff(t *testing.T) {
	resp := func(status int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: status, Header: h}
	}
	for i := 0; i < 50; i++ {
		// Retry-After wins over the bounds, plus a small jitter.
		if d := backoff(time.Millisecond, 20*time.Millisecond, 0, resp(429, "2")); d < 2*time.Second || d >= 2*time.Second+250*time.Millisecond {
			t.Fatalf("429 Retry-After 2: %v", d)
		}
		if d := backoff(time.Millisecond, 20*time.Millisecond, 3, resp(503, "1")); d < time.Second {
			t.Fatalf("503 Retry-After 1: %v", d)
		}
		// Exponential, half fixed and half random, capped.
		if d := backoff(10*time.Millisecond, time.Second, 2, resp(500, "")); d < 20*time.Millisecond || d > 40*time.Millisecond {
			t.Fatalf("attempt 2 from 10ms: %v", d)
		}
		if d := backoff(10*time.Millisecond, 30*time.Millisecond, 10, nil); d < 15*time.Millisecond || d > 30*time.Millisecond {
			t.Fatalf("capped: %v", d)
		}
		if d := backoff(time.Millisecond, time.Minute, 5000, nil); d < 30*time.Second || d > time.Minute {
			t.Fatalf("huge attempt: %v", d)
		}
		// A bare 429 starts at one second.
		if d := backoff(10*time.Millisecond, time.Minute, 0, resp(429, "")); d < 500*time.Millisecond || d > time.Second {
			t.Fatalf("bare 429: %v", d)
		}
	}
}

// trackedBody records whether a response body was closed.
type trackedBody struct {
	io.ReadCloser
	closed *atomic.Bool
}

func (b trackedBody) Close() error {
	b.closed.Store(true)
	return b.ReadCloser.Close()
}

// cancelOnResponse ends the request's context just after its answer arrived.
type cancelOnResponse struct {
	next   http.RoundTripper
	cancel context.CancelFunc
	closed atomic.Bool
}

func (c *cancelOnResponse) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		resp.Body = trackedBody{resp.Body, &c.closed}
	}
	c.cancel()
	return resp, err
}

func (c *cancelOnResponse) CloseIdleConnections() {
	c.next.(*http.Transport).CloseIdleConnections()
}

// TestResponseReleasedWhenContextEndsAfterAnswer: the retrying client hands
// back the last response together with the context's error; its body must
// still be closed, or its connection stays busy.
func TestResponseReleasedWhenContextEndsAfterAnswer(t *testing.T) {
	for _, status := range []int{200, 503} {
		srv, _ := scriptedServer(t, []step{{status: status, body: `{"id":1}`}})
		ctx, cancel := context.WithCancel(context.Background())
		rt := &cancelOnResponse{next: newTransport(30 * time.Second), cancel: cancel}
		c := newTestClient(t, srv, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: rt} })
		err := c.do(ctx, request{method: http.MethodGet, path: "/subscriptions/1", op: "get subscription"}, &map[string]any{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("status %d: error %v, want context.Canceled", status, err)
		}
		if !rt.closed.Load() {
			t.Errorf("status %d: the response body was left open", status)
		}
	}
}
