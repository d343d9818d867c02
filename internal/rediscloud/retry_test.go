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
	"syscall"
	"testing"
	"time"
)

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
			if isA[*ambiguousError](err) != ambiguous {
				t.Errorf("IsAmbiguous = %v, want %v", isA[*ambiguousError](err), ambiguous)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(status)) {
				t.Errorf("message %q does not name the status", err)
			}
		}
	}
	ambiguousTransport := func(t *testing.T, err error) {
		if !isA[*ambiguousError](err) {
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
				if isA[*ambiguousError](err) {
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
	if isA[*ambiguousError](err) {
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
