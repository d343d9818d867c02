package rediscloud_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// TestTaskWaitNotStretchedByRetries deletes a peering whose DELETE is
// refused with 503 four times (the transport retries it for about three
// seconds), then another peering with no fault at all. A task's wait is
// timed from the answer that created it: the retries before that answer
// must neither delay the first poll of the task nor teach the client that
// delete tasks take seconds, which would make it sleep that long before the
// first poll of every later delete.
func TestTaskWaitNotStretchedByRetries(t *testing.T) {
	sim := cloudsim.New(cloudsim.Options{RandSeed: 1})
	defer sim.Close()
	var ids []int
	for _, vpc := range []string{"vpc-0a1b2c3d4e5f60001", "vpc-0a1b2c3d4e5f60002"} {
		id, err := sim.AddPeering(cloudsim.PeeringInfo{SubscriptionID: 1001, VPCID: vpc, AWSAccountID: "123456789012", CIDRs: []string{"172.31.0.0/16"}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}

	const refusals = 4
	var (
		mu        sync.Mutex
		deletes   int
		answered  time.Time     // when the last DELETE was answered 202
		firstPoll time.Duration // from that answer to the next task poll
	)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		switch {
		case r.Method == http.MethodDelete:
			deletes++
			if deletes <= refusals {
				mu.Unlock()
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			mu.Unlock()
			sim.ServeHTTP(w, r)
			mu.Lock()
			answered, firstPoll = time.Now(), 0
			mu.Unlock()
			return
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/tasks/") && !answered.IsZero() && firstPoll == 0:
			firstPoll = time.Since(answered)
		}
		mu.Unlock()
		sim.ServeHTTP(w, r)
	}))
	defer front.Close()

	cfg := rediscloud.DefaultConfig()
	cfg.BaseURL, cfg.APIKey, cfg.SecretKey = front.URL+"/v1", acctest.APIKey, acctest.SecretKey
	c, err := rediscloud.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var polls []time.Duration
	for i, id := range ids {
		start := time.Now()
		if err := c.DeletePeering(ctx, rediscloud.Pro, 1001, id); err != nil {
			t.Fatalf("delete %d: %v", id, err)
		}
		mu.Lock()
		polls = append(polls, firstPoll)
		mu.Unlock()
		t.Logf("delete %d took %s; its task was first polled %s after the DELETE was answered",
			i+1, time.Since(start).Round(time.Millisecond), polls[i].Round(time.Millisecond))
	}
	mu.Lock()
	n := deletes
	mu.Unlock()
	if n != refusals+2 {
		t.Fatalf("%d DELETE requests, want %d", n, refusals+2)
	}
	// The first poll comes PollFirst (1 s) after the answer, not after the
	// first attempt: the refused attempts must not stretch it.
	for i, d := range polls {
		if d < time.Second || d > 1500*time.Millisecond {
			t.Errorf("delete %d: the task's first poll came %s after the answer; want PollFirst, 1 s, and well under 1.5 s", i+1, d)
		}
	}
}
