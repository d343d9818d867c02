package rediscloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A server that sends headers and then stalls ends the request within the
// idle timeout, with an error saying the API stopped answering, and the
// stall is not multiplied by retries.
func TestStalledBody(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"id":1,"sta`))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	c := newTestClient(t, srv, func(c *Config) { c.ReadIdleTimeout = 300 * time.Millisecond })
	start := time.Now()
	_, err := c.GetSubscription(context.Background(), 1)
	took := time.Since(start)
	var se *StalledError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T): want a StalledError", err, err)
	}
	if !strings.Contains(err.Error(), "the API stopped answering GET") || !strings.Contains(err.Error(), "/v1/subscriptions/1") {
		t.Errorf("the error does not say which call stopped: %v", err)
	}
	if took > 3*time.Second {
		t.Errorf("a 300 ms idle timeout took %v to end the request", took)
	}
}

// A server that never sends headers costs the header timeout at most
// twice (one retry), not once per retry of the transport.
func TestServerThatNeverAnswers(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var hits atomic.Int32
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	cfg := testConfig(srv.URL + "/v1")
	cfg.MaxRetries = 10
	cfg.HTTPClient = &http.Client{Transport: newTransport(200 * time.Millisecond)}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeIdle(c) })
	start := time.Now()
	_, err = c.GetSubscription(context.Background(), 1)
	took := time.Since(start)
	var se *StalledError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "headers") {
		t.Fatalf("error %v (%T): want a StalledError about the headers", err, err)
	}
	if n := hits.Load(); n != 1+maxTimeoutRetries {
		t.Errorf("%d attempts, want %d", n, 1+maxTimeoutRetries)
	}
	if took > 5*time.Second {
		t.Errorf("two 200 ms header timeouts took %v", took)
	}
}

// An answer beyond the byte cap is reported as too large, with its size,
// not as a JSON syntax error.
func TestAnswerTooLarge(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(maxBody+10))
		w.WriteHeader(http.StatusOK)
		chunk := []byte(strings.Repeat(" ", 1<<20))
		for written := 0; written < maxBody+10; written += len(chunk) {
			if _, err := w.Write(chunk[:min(len(chunk), maxBody+10-written)]); err != nil {
				return
			}
		}
	}))
	c := newTestClient(t, srv, nil)
	_, err := c.GetSubscription(context.Background(), 1)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("error %v (%T): want a TooLargeError", err, err)
	}
	if want := fmt.Sprintf("answer too large (%d bytes", maxBody+10); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if IsTransient(err) {
		t.Error("a too large answer is taken for a passing fault")
	}
}

// A list of more peerings than a subscription can have is refused before
// any element is decoded.
func TestTooManyPeerings(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"peerings":[`)
	for i := 0; i <= maxListedPeerings; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"vpcPeeringId":%d,"status":"active"}`, i+1)
	}
	b.WriteString(`]}`)
	_, err := decodePeeringList(Pro, 1, []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("holds %d peerings", maxListedPeerings+1)) {
		t.Fatalf("a list of %d peerings: %v", maxListedPeerings+1, err)
	}
	aa := `{"regions":[{"region":"us-east-1","vpcPeerings":[` + strings.TrimSuffix(strings.TrimPrefix(b.String(), `{"peerings":[`), `]}`) + `]}]}`
	if _, err := decodePeeringList(ActiveActive, 1, []byte(aa)); err == nil {
		t.Fatal("an Active-Active list beyond the cap was decoded")
	}
}

// An operation that runs out of time while the API keeps answering 429
// says so, with the count and the time waited.
func TestTimeoutWhileRateLimited(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusTooManyRequests, `{"status":429,"error":"Too Many Requests"}`)
	}))
	c := newTestClient(t, srv, func(c *Config) {
		c.MaxRetries = 100
		c.RetryWaitMin, c.RetryWaitMax = 50*time.Millisecond, 50*time.Millisecond
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	_, err := c.GetSubscription(ctx, 1)
	var rl *RateLimitedError
	if !errors.As(err, &rl) || rl.Refusals < 2 {
		t.Fatalf("error %v (%T): want a RateLimitedError after several 429s", err, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("the error does not wrap the deadline")
	}
	if !strings.Contains(err.Error(), "429 Too Many Requests") {
		t.Errorf("the error does not say it was rate-limited: %v", err)
	}
}
