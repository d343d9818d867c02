package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// simSettings are the simulator's profile, or its latencies and rate limit.
type simSettings struct {
	// Profile, when set, gives every value (the simulator's -profile).
	Profile           string
	TaskLatency       time.Duration
	TransitionLatency time.Duration
	RateLimit         int
	// ChangeConflict, when set, replaces the profile's form of the one
	// change per subscription rule (-change-conflict).
	ChangeConflict string
	// Without a profile: TaskNotFoundFor is the task-404 window
	// (-task-not-found-for), ParallelTasks runs tasks beside each other
	// (-parallel-tasks), and Strict makes the rate limit count refused
	// requests and answer 429 without Retry-After, as the realistic
	// profile does.
	TaskNotFoundFor time.Duration
	ParallelTasks   bool
	Strict          bool
}

func (s simSettings) flags() []string {
	if s.Profile != "" {
		f := []string{"-quiet", "-profile", s.Profile}
		if s.ChangeConflict != "" {
			f = append(f, "-change-conflict", s.ChangeConflict)
		}
		return f
	}
	f := []string{
		"-quiet",
		"-task-latency", s.TaskLatency.String(),
		"-transition-latency", s.TransitionLatency.String(),
		"-rate-limit", itoa(s.RateLimit),
	}
	if s.TaskNotFoundFor > 0 {
		f = append(f, "-task-not-found-for", s.TaskNotFoundFor.String())
	}
	if s.ParallelTasks {
		f = append(f, "-parallel-tasks")
	}
	if s.Strict {
		f = append(f, "-count-refused", "-omit-retry-after")
	}
	if s.ChangeConflict != "" {
		f = append(f, "-change-conflict", s.ChangeConflict)
	}
	return f
}

// startSim runs the simulator for one run in dir, its log in
// dir/simulator.log.
func startSim(ctx context.Context, bin, dir string, set simSettings, seedFile string) (*cliharness.Simulator, func(), error) {
	logf, err := os.Create(filepath.Join(dir, "simulator.log"))
	if err != nil {
		return nil, nil, err
	}
	args := set.flags()
	if seedFile != "" {
		args = append(args, "-seed", seedFile)
	}
	sim, err := cliharness.StartSimulator(ctx, bin, logf, args...)
	if err != nil {
		_ = logf.Close()
		return nil, nil, err
	}
	return sim, func() { _ = sim.Stop(); _ = logf.Close() }, nil
}

// listTasks counts the peering list tasks of both kinds.
func listTasks(st cloudsim.Stats) int {
	return st.TasksByCommand["vpcPeeringGetRequest"] + st.TasksByCommand["activeActiveVpcPeeringGetRequest"]
}

// seedProPeerings creates, through the simulator's API, the peerings that
// proPeerings(n, subs...) declares, and returns import blocks that bring
// them into state. A setup that creates many peerings of one subscription
// through Terraform takes about two seconds a peering even on the instant
// API, since the provider creates them one at a time per subscription, as
// the real API wants; imported, a thousand take seconds.
func seedProPeerings(ctx context.Context, sim *cliharness.Simulator, n int, subs []string) (string, error) {
	var b strings.Builder
	call := func(method, path string, body, out any) error { return sim.Call(ctx, method, path, body, out) }
	type task struct {
		TaskID   string `json:"taskId"`
		Status   string `json:"status"`
		Response struct {
			ResourceID int             `json:"resourceId"`
			Error      json.RawMessage `json:"error"`
		} `json:"response"`
	}
	for i := range n {
		sub := subs[i%len(subs)]
		var t task
		body := map[string]string{
			"region": "us-east-1", "awsAccountId": "123456789012",
			"vpcId": fmt.Sprintf("vpc-%017x", i+1), "vpcCidr": fmt.Sprintf("172.%d.%d.0/24", 16+i/256, i%256),
		}
		if err := call(http.MethodPost, "/subscriptions/"+sub+"/peerings", body, &t); err != nil {
			return "", err
		}
		for t.Status != "processing-completed" {
			if t.Status == "processing-error" || len(t.Response.Error) > 0 {
				return "", fmt.Errorf("creating peering %d: %s", i, t.Response.Error)
			}
			if err := ctx.Err(); err != nil {
				return "", err
			}
			if err := call(http.MethodGet, "/tasks/"+t.TaskID, nil, &t); err != nil {
				return "", err
			}
		}
		fmt.Fprintf(&b, "import {\n  to = rediscloud_subscription_peering.p[%d]\n  id = \"%s/%d\"\n}\n", i, sub, t.Response.ResourceID)
	}
	return b.String(), nil
}
