package rediscloud

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestNoGoroutineOutlivesCancellation cancels a context in each kind of wait
// of the client and checks that the call returns promptly and that nothing
// it started is left running once the server and idle connections are gone.
func TestNoGoroutineOutlivesCancellation(t *testing.T) {
	cases := []struct {
		name    string
		handler func(t *testing.T) http.Handler
		mod     func(*Config)
		call    func(ctx context.Context, c *Client) error
	}{
		{
			name: "task wait between polls",
			handler: func(t *testing.T) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					writeJSON(w, http.StatusOK, taskDoc(taskProcessing, `{}`))
				})
			},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.waitForTask(ctx, testTaskID, "leak")
				return err
			},
		},
		{
			name: "poll in flight",
			handler: func(t *testing.T) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
			},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.waitForTask(ctx, testTaskID, "leak")
				return err
			},
		},
		{
			name: "retry back-off after a 503 with Retry-After",
			handler: func(t *testing.T) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Retry-After", "30")
					w.WriteHeader(http.StatusServiceUnavailable)
				})
			},
			call: func(ctx context.Context, c *Client) error { _, err := c.GetSubscription(ctx, 1); return err },
		},
		{
			name: "rate-limit pause",
			handler: func(t *testing.T) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-Rate-Limit-Remaining", "0")
					w.Header().Set("Retry-After", "30")
					writeJSON(w, http.StatusOK, `{"id":1,"status":"pending"}`)
				})
			},
			mod: func(c *Config) { c.RequestsPerMinute = DefaultRequestsPerMinute },
			call: func(ctx context.Context, c *Client) error {
				_, err := c.waitForSubscriptionActive(ctx, 1)
				return err
			},
		},
		{
			name: "create waiting for a pending subscription",
			handler: func(t *testing.T) http.Handler {
				m := newMiniAPI(t)
				m.subStatuses = []string{subscriptionPending}
				m.srv.Close() // only its handler is used
				return m.srv.Config.Handler
			},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreatePeering(ctx, Pro, 1, CreatePeeringRequest{VPCID: "vpc-1", AWSAccountID: "1", Region: "us-east-1"}, CreateOptions{})
				return err
			},
		},
		{
			name: "list leader and followers",
			handler: func(t *testing.T) http.Handler {
				m := newMiniAPI(t)
				m.listGate = make(chan struct{}) // never completes
				m.srv.Close()                    // only its handler is used
				return m.srv.Config.Handler
			},
			call: func(ctx context.Context, c *Client) error {
				errs := make(chan error, 4)
				for i := 0; i < 4; i++ {
					go func() { _, err := c.ListPeerings(ctx, Pro, 1); errs <- err }()
				}
				var first error
				for i := 0; i < 4; i++ {
					if err := <-errs; first == nil || err == nil {
						first = err
					}
				}
				return first
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			srv := newServer(t, tc.handler(t))
			cfg := testConfig(srv.URL + "/v1")
			cfg.PollMax = 50 * time.Millisecond
			if tc.mod != nil {
				tc.mod(&cfg)
			}
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- tc.call(ctx, c) }()
			time.Sleep(80 * time.Millisecond)
			select {
			case err := <-done:
				t.Fatalf("returned before the cancellation: %v", err)
			default:
			}
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("error %v does not wrap context.Canceled", err)
				}
			case <-time.After(500 * time.Millisecond):
				t.Fatal("did not return within 500ms of the cancellation")
			}
			closeIdle(c)
			srv.Close()
			goleak.VerifyNone(t, before)
		})
	}
}
