package main

import (
	"fmt"
	"strings"
	"time"
)

// header is the part of every configuration that names the provider. The
// API URL and keys come from the environment (REDISCLOUD_URL, ...), so the
// configurations are the same for every run.
const header = `terraform {
  required_providers {
    rediscloud = {
      source = "rediscloud-community/rediscloud"
    }
  }
}

provider "rediscloud" {}
`

// proPeerings declares n AWS peerings of the Pro subscriptions subs, spread
// round-robin, each with its own VPC and CIDR.
func proPeerings(n int, subs ...string) string {
	quoted := make([]string, len(subs))
	for i, s := range subs {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf(`
locals {
  subscriptions = [%s]
}

resource "rediscloud_subscription_peering" "p" {
  count           = %d
  subscription_id = local.subscriptions[count.index %% length(local.subscriptions)]
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = format("vpc-%%017x", count.index + 1)
  vpc_cidr        = format("172.%%d.%%d.0/24", 16 + floor(count.index / 256), count.index %% 256)
}
`, strings.Join(quoted, ", "), n)
}

const activeActivePeering = `
resource "rediscloud_active_active_subscription_peering" "p" {
  subscription_id    = "2001"
  source_region      = "us-east-1"
  destination_region = "us-east-1"
  aws_account_id     = "123456789012"
  vpc_id             = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr           = "172.31.0.0/16"
}
`

// fourProSubscriptions replaces the simulator's default account with four
// Pro AWS subscriptions.
const fourProSubscriptions = `{"subscriptions": [
  {"id": 1001, "provider": "AWS", "deploymentType": "single-region", "regions": [{"region": "us-east-1", "deploymentCIDR": "10.0.0.0/24"}]},
  {"id": 1011, "provider": "AWS", "deploymentType": "single-region", "regions": [{"region": "us-east-1", "deploymentCIDR": "10.0.1.0/24"}]},
  {"id": 1012, "provider": "AWS", "deploymentType": "single-region", "regions": [{"region": "us-east-1", "deploymentCIDR": "10.0.2.0/24"}]},
  {"id": 1013, "provider": "AWS", "deploymentType": "single-region", "regions": [{"region": "us-east-1", "deploymentCIDR": "10.0.3.0/24"}]}
]}`

// The rate limit every measured command meets, as the real API has it.
const apiRateLimit = 400

var (
	instant = simSettings{RateLimit: apiRateLimit}
	slow    = simSettings{TaskLatency: time.Second, TransitionLatency: 3 * time.Second, RateLimit: apiRateLimit}
)

// scenario is one row of the table.
type scenario struct {
	id, title string
	sim       simSettings
	seed      string // simulator seed JSON; empty for the default account
	config    string // resources, after header
	// setup applies config first, unmeasured, with both rate limits off
	// (unless setupLimited); the measured command then runs against what
	// it created.
	setup, setupLimited bool
	args                []string // the measured command
	// peerings is how many peerings must exist after the measured command.
	peerings int
	goal     string
	check    func(r, floor1 *summary) (bool, string)
}

var applyArgs = []string{"apply", "-auto-approve", "-input=false", "-no-color"}

func scenarios() []*scenario {
	return []*scenario{
		{
			id: "1a", title: "apply, no resources (Terraform's floor)",
			sim: instant, args: applyArgs,
		},
		{
			id: "1b", title: "apply, one Pro peering, instant API",
			sim: instant, config: proPeerings(1, "1001"), args: applyArgs, peerings: 1,
			goal: "≤ floor + 1 s",
			check: func(r, floor *summary) (bool, string) {
				d := r.wall - floor.wall
				return d <= time.Second, fmt.Sprintf("+%s over the floor", secs(d))
			},
		},
		{
			id: "2", title: "apply, one Pro peering, task 1 s + transition 3 s",
			sim: slow, config: proPeerings(1, "1001"), args: applyArgs, peerings: 1,
			goal: fmt.Sprintf("≤ API floor %s + 10 %%", secs(apiFloor(slow))),
			check: func(r, _ *summary) (bool, string) {
				f := apiFloor(slow)
				return float64(r.wall) <= 1.1*float64(f), fmt.Sprintf("%+.0f %% of the API floor", 100*(float64(r.wall)/float64(f)-1))
			},
		},
		{
			id: "3", title: "apply, 10 peerings on one subscription, -parallelism=10, instant API",
			sim: instant, config: proPeerings(10, "1001"), args: append(applyArgs, "-parallelism=10"), peerings: 10,
			goal: "< 2 s",
			check: func(r, _ *summary) (bool, string) {
				return r.wall < 2*time.Second, ""
			},
		},
		{
			id: "4", title: "plan (refresh) of 100 peerings on one subscription, instant API",
			sim: instant, config: proPeerings(100, "1001"), setup: true,
			args: []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, peerings: 100,
			goal: "≤ 3 list tasks, ≤ 30 requests",
			check: func(r, _ *summary) (bool, string) {
				return r.lists <= 3 && r.requests <= 30, ""
			},
		},
		{
			id: "5", title: "apply, 100 peerings on 4 subscriptions, instant API, 400 requests/min",
			sim: instant, seed: fourProSubscriptions, config: proPeerings(100, "1001", "1011", "1012", "1013"),
			args: applyArgs, peerings: 100,
			goal: "no failure",
			check: func(r, _ *summary) (bool, string) {
				return r.failed == 0, fmt.Sprintf("%d of %d runs failed", r.failed, r.runs)
			},
		},
		{
			id: "5b", title: "destroy of those 100 peerings right after their apply, 400 requests/min",
			sim: instant, seed: fourProSubscriptions, config: proPeerings(100, "1001", "1011", "1012", "1013"),
			setup: true, setupLimited: true,
			args: []string{"destroy", "-auto-approve", "-input=false", "-no-color"}, peerings: 0,
			goal: "no failure",
			check: func(r, _ *summary) (bool, string) {
				return r.failed == 0, fmt.Sprintf("%d of %d runs failed", r.failed, r.runs)
			},
		},
		{
			id: "6", title: "apply, one Active-Active peering, instant API",
			sim: instant, config: activeActivePeering, args: applyArgs, peerings: 1,
		},
	}
}

// apiFloor is the least time the API needs to create a peering and show it
// settled: the create task, the initiating-request phase that follows it,
// and a list task, sent once that phase is over, that reports the new
// status.
func apiFloor(s simSettings) time.Duration {
	return s.TaskLatency + s.TransitionLatency + s.TaskLatency
}
