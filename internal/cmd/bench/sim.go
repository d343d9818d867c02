package main

import (
	"context"
	"os"
	"path/filepath"
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
}

func (s simSettings) flags() []string {
	if s.Profile != "" {
		return []string{"-quiet", "-profile", s.Profile}
	}
	return []string{
		"-quiet",
		"-task-latency", s.TaskLatency.String(),
		"-transition-latency", s.TransitionLatency.String(),
		"-rate-limit", itoa(s.RateLimit),
	}
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
