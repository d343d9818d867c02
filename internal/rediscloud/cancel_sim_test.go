package rediscloud_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// leakCreate is the create every leak case runs.
var leakCreate = rediscloud.CreatePeeringRequest{
	Region:       "us-east-1",
	AWSAccountID: "123456789012",
	VPCID:        "vpc-0a1b2c3d4e5f67890",
	CIDRs:        []string{"172.31.0.0/16"},
}

// taskPolls counts the simulator's answers to task polls by status, from
// its log. Logf runs under the simulator's lock: it must not call back.
type taskPolls struct {
	mu       sync.Mutex
	byStatus map[string]int
}

func (p *taskPolls) logf(format string, args ...any) {
	if format != "%s %s -> %d" || len(args) != 3 {
		return
	}
	if path, _ := args[1].(string); args[0] != "GET" || !strings.HasPrefix(path, "/v1/tasks/") {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byStatus == nil {
		p.byStatus = map[string]int{}
	}
	p.byStatus[fmt.Sprint(args[2])]++
}

func (p *taskPolls) count(status string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byStatus[status]
}

// TestClientGoroutinesEndWithTheirContext runs creates through the client
// (defaults: retries, rate limiter, list sharing) against an in-process
// simulator, cancels their context in the middle of each kind of wait, and
// checks that the create returns at once with the cancellation and that,
// once the simulator is closed, no goroutine of the client remains.
func TestClientGoroutinesEndWithTheirContext(t *testing.T) {
	cases := []struct {
		name string
		opts cloudsim.Options
		// setup changes the simulator before the create starts.
		setup func(srv *cloudsim.Server)
		// ready reports that the create is in the wait under test.
		ready func(srv *cloudsim.Server, polls *taskPolls) bool
		// lists is how many concurrent list callers join the create.
		lists int
		// lastAttemptErr: a cancellation that cuts short the back-off before
		// the create is sent again returns the error of the attempt before
		// it, which need not wrap context.Canceled.
		lastAttemptErr bool
	}{
		{
			name: "waiting for the create task",
			opts: cloudsim.Options{TaskLatency: time.Hour},
			ready: func(_ *cloudsim.Server, polls *taskPolls) bool {
				return polls.count("200") >= 2
			},
		},
		{
			name: "waiting for the create task beside shared peering lists",
			opts: cloudsim.Options{TaskLatency: time.Hour},
			ready: func(srv *cloudsim.Server, polls *taskPolls) bool {
				return srv.Stats().TasksByCommand["vpcPeeringGetRequest"] >= 1 && polls.count("200") >= 4
			},
			lists: 4,
		},
		{
			name: "task polls answered 404",
			opts: cloudsim.Options{TaskLatency: time.Hour, Faults: cloudsim.Faults{TaskNotFoundPolls: 1000}},
			ready: func(_ *cloudsim.Server, polls *taskPolls) bool {
				return polls.count("404") >= 2
			},
		},
		{
			name: "request in flight",
			opts: cloudsim.Options{Faults: cloudsim.Faults{Latency: cloudsim.Duration(time.Hour)}},
			ready: func(srv *cloudsim.Server, _ *taskPolls) bool {
				return srv.Stats().TotalRequests >= 1
			},
		},
		{
			name: "retry back-off after 5xx",
			opts: cloudsim.Options{Faults: cloudsim.Faults{Error5xxRate: 1}},
			ready: func(srv *cloudsim.Server, _ *taskPolls) bool {
				return srv.Stats().TotalRequests >= 3
			},
		},
		{
			name: "back-off after 429",
			opts: cloudsim.Options{Faults: cloudsim.Faults{Error429Rate: 1}},
			ready: func(srv *cloudsim.Server, _ *taskPolls) bool {
				return srv.Stats().TotalRequests >= 2
			},
		},
		{
			name:  "waiting for a pending subscription",
			setup: func(srv *cloudsim.Server) { _ = srv.SetSubscriptionStatus(1001, "pending") },
			ready: func(srv *cloudsim.Server, _ *taskPolls) bool {
				return srv.Stats().TotalRequests >= 2
			},
		},
		{
			name: "waiting for the create task after a lost answer",
			opts: cloudsim.Options{TaskLatency: time.Hour, Faults: cloudsim.Faults{DropAfterRate: 1}},
			ready: func(srv *cloudsim.Server, _ *taskPolls) bool {
				return srv.Stats().TasksByCommand["vpcPeeringCreateRequest"] >= 1
			},
			lastAttemptErr: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Anything running before the simulator starts is not ours.
			before := goleak.IgnoreCurrent()

			polls := &taskPolls{}
			tc.opts.Logf = polls.logf
			srv, err := cloudsim.Start(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			closed := false
			defer func() {
				if !closed {
					_ = srv.Close()
				}
			}()
			if tc.setup != nil {
				tc.setup(srv)
			}
			// A create whose task wait ends looks for its peering on a
			// context of its own, bounded by CreateLookupTimeout: that
			// lookup must end too.
			cfg := rediscloud.DefaultConfig()
			cfg.BaseURL, cfg.APIKey, cfg.SecretKey, cfg.CreateLookupTimeout = srv.URL(), acctest.APIKey, acctest.SecretKey, time.Second
			c, err := rediscloud.New(cfg)
			if err != nil {
				t.Fatal(err)
			}

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wg sync.WaitGroup
			errs := make(chan error, 1+tc.lists)
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.CreatePeering(ctx, rediscloud.Pro, 1001, leakCreate, rediscloud.CreateOptions{})
				errs <- err
			}()
			for range tc.lists {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := c.ListPeerings(ctx, rediscloud.Pro, 1001)
					errs <- err
				}()
			}
			deadline := time.Now().Add(20 * time.Second)
			for !tc.ready(srv, polls) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if !tc.ready(srv, polls) {
				t.Fatalf("the create never reached the wait; stats %+v", srv.Stats())
			}
			select {
			case err := <-errs:
				t.Fatalf("a call returned before the cancellation: %v", err)
			case <-time.After(100 * time.Millisecond):
			}

			cancel()
			returned := make(chan struct{})
			go func() { wg.Wait(); close(returned) }()
			select {
			case <-returned:
			case <-time.After(3 * time.Second):
				t.Fatal("the calls did not return within 3 s of the cancellation (the create's lookup has 1 s)")
			}
			close(errs)
			for err := range errs {
				if tc.lastAttemptErr && err != nil {
					t.Logf("the create ended with: %v", err)
					continue
				}
				if !errors.Is(err, context.Canceled) {
					t.Errorf("a call ended with %v, which does not wrap context.Canceled", err)
				}
			}

			// Closing the simulator closes every connection, so the
			// client's idle keep-alive connections end too; nothing else
			// of the client may remain.
			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}
			closed = true
			goleak.VerifyNone(t, before)
		})
	}
}
