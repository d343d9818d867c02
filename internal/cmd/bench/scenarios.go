package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
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

// tenProIDs are the subscriptions of tenProSubscriptions.
var tenProIDs = func() []string {
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = fmt.Sprint(1001 + i)
	}
	return ids
}()

// tenProSubscriptions replaces the simulator's default account with ten
// Pro AWS subscriptions, 1001 to 1010. (A real account rarely holds a
// thousand peerings; the simulator sets no limit.)
var tenProSubscriptions = func() string {
	subs := make([]string, 10)
	for i := range subs {
		subs[i] = fmt.Sprintf(`{"id": %d, "provider": "AWS", "deploymentType": "single-region", "regions": [{"region": "us-east-1", "deploymentCIDR": "10.0.%d.0/24"}]}`, 1001+i, i)
	}
	return `{"subscriptions": [` + strings.Join(subs, ",\n") + `]}`
}()

// The rate limit every measured command meets, as the real API has it.
const apiRateLimit = 400

var (
	instant   = simSettings{RateLimit: apiRateLimit}
	slow      = simSettings{TaskLatency: time.Second, TransitionLatency: 3 * time.Second, RateLimit: apiRateLimit}
	realistic = simSettings{Profile: cloudsim.ProfileRealistic}
	// realisticTask is the realistic profile with the other form of its
	// one change per subscription rule: a change sent while another runs
	// gets a task failing SUBSCRIPTION_NOT_ACTIVE, not a 429.
	realisticTask = simSettings{Profile: cloudsim.ProfileRealistic, ChangeConflict: cloudsim.ChangeConflictTask}
)

// The realistic profile's timings (see the simulator's documentation).
const (
	rTask   = cloudsim.RealisticTaskLatency
	rHidden = cloudsim.RealisticTaskNotFoundFor
	rTrans  = cloudsim.RealisticTransitionLatency
)

// scenario is one row of the table.
type scenario struct {
	id, title string
	sim       simSettings
	seed      string // simulator seed JSON; empty for the default account
	config    string // resources, after header
	// setup applies config first, unmeasured, with both rate limits off
	// (unless setupLimited); the measured command then runs against what
	// it created. With setupInstant the setup runs on the instant API and
	// the simulator switches to sim's profile for the measured command.
	setup, setupLimited, setupInstant bool
	// once runs the scenario a single time, whatever -runs says: its setup
	// takes minutes.
	once bool
	// setupArgs replace applyArgs for the setup.
	setupArgs []string
	// importFrom, when set, makes the setup create the peerings of a
	// proPeerings(peerings, importFrom...) configuration through the API
	// and import them, rather than have Terraform create them: the
	// provider creates the peerings of a subscription one at a time, two
	// seconds each on the instant API (see seedProPeerings).
	importFrom []string
	// afterSetup edits the workspace in dir between the setup and the
	// measured command.
	afterSetup func(dir string) error
	args       []string // the measured command
	// peerings is how many peerings must exist after the measured command.
	peerings int
	// goal is what the row must meet, why the reason for it; BENCHMARKS.md
	// shows both (make generate), the table the goal and whether it was met.
	goal, why string
	// check tells whether the goal was met, given the summaries of every
	// scenario run, by ID; needs names the one it compares with, without
	// which it is not applicable.
	check func(r *summary, by map[string]*summary) (bool, string)
	needs string
	// cell is the pace of a grid scenario (-grid), nil otherwise.
	cell *gridCell
}

var (
	applyArgs = []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	planArgs  = []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	// bulkSetupArgs create a thousand peerings for a measured refresh
	// without waiting on Terraform's default of ten at a time.
	bulkSetupArgs = []string{"apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=50"}
)

func scenarios() []*scenario {
	return []*scenario{
		{
			id: "1a", title: "apply, no resources (Terraform's floor)",
			sim: instant, args: applyArgs,
		},
		{
			id: "1b", title: "apply, one Pro peering, instant API",
			sim: instant, config: proPeerings(1, "1001"), args: applyArgs, peerings: 1,
			goal:  "≤ floor + 3 s",
			why:   "A task is first polled a second after the answer that named it, whatever the API, as the real task service may not know it before: a create task and a list take about two seconds over Terraform's own.",
			needs: "1a",
			check: func(r *summary, by map[string]*summary) (bool, string) {
				d := r.wall - by["1a"].wall
				return d <= 3*time.Second, fmt.Sprintf("+%s over the floor", secs(d))
			},
		},
		{
			id: "2", title: "apply, one Pro peering, task 1 s + transition 3 s",
			sim: slow, config: proPeerings(1, "1001"), args: applyArgs, peerings: 1,
			goal: fmt.Sprintf("≤ 1.25 × API floor %s", secs(apiFloor(slow))),
			why:  "The API's floor is its create task and the transition after it; the provider's polls and lists may add a quarter.",
			check: func(r *summary, _ map[string]*summary) (bool, string) {
				return within(r.wall, apiFloor(slow), 1.25), ratio(r.wall, apiFloor(slow))
			},
		},
		{
			id: "3", title: "apply, 10 peerings on one subscription, -parallelism=10, instant API",
			sim: instant, config: proPeerings(10, "1001"), args: append(applyArgs, "-parallelism=10"), peerings: 10,
			goal: fmt.Sprintf("≤ 1.25 × the schedule's floor %s", secs(turnsFloor(10))),
			why: "The creates of one subscription take turns through their tasks, as the real API wants (it refuses a change sent while another runs). " +
				"This API refuses none and does everything at once, so a turn ends when its task is seen complete, at its first poll a second after the answer: " +
				"the floor of the provider's schedule is ten such polls and the last peering's list.",
			check: func(r *summary, _ map[string]*summary) (bool, string) {
				return within(r.wall, turnsFloor(10), 1.25), ratio(r.wall, turnsFloor(10))
			},
		},
		{
			id: "4", title: "plan (refresh) of 100 peerings on one subscription, instant API",
			sim: instant, config: proPeerings(100, "1001"), setup: true, importFrom: []string{"1001"},
			args: []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, peerings: 100,
			goal: "≤ 3 list tasks, ≤ 30 requests",
			why:  "Terraform's hundred reads of one subscription share its list.",
			check: func(r *summary, _ map[string]*summary) (bool, string) {
				return r.lists <= 3 && r.requests <= 30, ""
			},
		},
		{
			id: "4m", title: "first plan (refresh) of 100 peerings on one subscription whose state lacks redis_cidrs (as after a move from Redis's provider), instant API",
			sim: instant, config: proPeerings(100, "1001"), setup: true, importFrom: []string{"1001"}, afterSetup: dropRedisCIDRs,
			args: []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, peerings: 100,
			goal: "≤ 3 list tasks, ≤ 31 requests (one more than row 4: the subscription, read once)",
			why:  "A state moved from Redis's provider lacks redis_cidrs; one read of the subscription fills it for all 100.",
			check: func(r *summary, _ map[string]*summary) (bool, string) {
				return r.lists <= 3 && r.requests <= 31, ""
			},
		},
		{
			id: "5", title: "apply, 100 peerings on 4 subscriptions, instant API, 400 requests/min",
			sim: instant, seed: fourProSubscriptions, config: proPeerings(100, "1001", "1011", "1012", "1013"),
			args: applyArgs, peerings: 100,
			goal: "no failure",
			why:  "Every 429 of the account's 400 requests a minute is absorbed before it reaches the user.",
			check: func(r *summary, _ map[string]*summary) (bool, string) {
				return r.failed == 0, fmt.Sprintf("%d of %d runs failed", r.failed, r.runs)
			},
		},
		{
			id: "5b", title: "destroy of those 100 peerings right after their apply, 400 requests/min",
			sim: instant, seed: fourProSubscriptions, config: proPeerings(100, "1001", "1011", "1012", "1013"),
			setup: true, setupLimited: true,
			args: []string{"destroy", "-auto-approve", "-input=false", "-no-color"}, peerings: 0,
			goal: "no failure",
			why:  "As 5, starting in the window of 400 requests a minute that the apply before it filled.",
			check: func(r *summary, _ map[string]*summary) (bool, string) {
				return r.failed == 0, fmt.Sprintf("%d of %d runs failed", r.failed, r.runs)
			},
		},
		{
			id: "S0", title: "plan (refresh) of 10 peerings on one subscription, instant API (the baseline of S2)",
			sim: instant, config: proPeerings(10, "1001"), setup: true, importFrom: []string{"1001"},
			args: planArgs, peerings: 10,
		},
		{
			id: "S1", title: "plan (refresh) of 1,000 peerings across 10 subscriptions, instant API",
			sim: instant, seed: tenProSubscriptions, config: proPeerings(1000, tenProIDs...), setup: true, importFrom: tenProIDs, setupArgs: bulkSetupArgs, once: true,
			args: planArgs, peerings: 1000,
			goal:  "≤ 1.15 × S1f's wall time, peak RSS ≤ 1.1 × S1f's; ≤ 2 list tasks per subscription (20)",
			why:   "Terraform's own work on 1,000 instances (S1f) bounds a refresh from below; the provider's reads and lists should add little to it, and one list serves all the reads of a subscription.",
			needs: "S1f",
			check: func(r *summary, by map[string]*summary) (bool, string) {
				f := by["S1f"]
				wall, mem := float64(r.wall)/float64(f.wall), float64(r.peakMem)/float64(f.peakMem)
				return wall <= 1.15 && mem <= 1.1 && r.lists <= 2*len(tenProIDs),
					fmt.Sprintf("%.2f × S1f's %s, RSS %.2f ×; the provider's CPU %s of %s, %s of %s in S1f", wall, secs(f.wall), mem, secs(r.providerCPU), secs(r.cpu), secs(f.providerCPU), secs(f.cpu))
			},
		},
		{
			id: "S1f", title: "plan -refresh=false of those 1,000 peerings (Terraform's own time, no API call)",
			sim: instant, seed: tenProSubscriptions, config: proPeerings(1000, tenProIDs...), setup: true, importFrom: tenProIDs, setupArgs: bulkSetupArgs, once: true,
			args: append(slices.Clone(planArgs), "-refresh=false"), peerings: 1000,
		},
		{
			id: "S2", title: "plan (refresh) of 1,000 peerings on one subscription, instant API",
			sim: instant, config: proPeerings(1000, "1001"), setup: true, importFrom: []string{"1001"}, setupArgs: bulkSetupArgs, once: true,
			args: planArgs, peerings: 1000,
			goal:  "no more list tasks than S0 (10 peerings)",
			why:   "One list serves a burst of reads for as long as they keep coming (up to two minutes): a thousand peerings of one subscription cost no more lists than ten.",
			needs: "S0",
			check: func(r *summary, by map[string]*summary) (bool, string) {
				return r.lists <= by["S0"].lists, fmt.Sprintf("%d against %d", r.lists, by["S0"].lists)
			},
		},
		{
			id: "S3", title: "apply, 100 peerings across 10 subscriptions, -parallelism=10, instant API",
			sim: instant, seed: tenProSubscriptions, config: proPeerings(100, tenProIDs...),
			args: append(applyArgs, "-parallelism=10"), peerings: 100,
			goal:  "no failure; requests per peering no more than row 3's (10 peerings)",
			why:   "The ten subscriptions' creates run side by side, each subscription's taking turns as in row 3: a peering should cost no more requests than there, although the account's 400 requests a minute now slow the turns down.",
			needs: "3",
			check: func(r *summary, by map[string]*summary) (bool, string) {
				per, base := float64(r.requests)/100, float64(by["3"].requests)/10
				return r.failed == 0 && per <= base, fmt.Sprintf("%.2f against %.2f requests per peering; %d list tasks against %d, %d subscription reads against %d, %d 429s",
					per, base, r.lists, by["3"].lists, r.subscriptionReads, by["3"].subscriptionReads, r.throttle)
			},
		},
		{
			id: "6", title: "apply, one Active-Active peering, instant API",
			sim: instant, config: activeActivePeering, args: applyArgs, peerings: 1,
		},
		{
			id: "R1", title: "apply, one Pro peering (until pending-acceptance), realistic API",
			sim: realistic, config: proPeerings(1, "1001"), args: applyArgs, peerings: 1,
			goal: fmt.Sprintf("≤ 15 requests, ≤ 1.25 × API floor %s", secs(realisticFloor(1))),
			why:  fmt.Sprintf("The floor is the create task, the transition and the list that sees it settled; Redis's provider spends at least %d requests on the same create.", officialRequestsPerCreate),
			check: func(r *summary, _ map[string]*summary) (bool, string) {
				return r.requests <= 15 && within(r.wall, realisticFloor(1), 1.25), ratio(r.wall, realisticFloor(1))
			},
		},
		realisticCreates("R2", 10, realistic, "429", realisticFloor),
		realisticCreates("R2t", 10, realisticTask, "a task failing SUBSCRIPTION_NOT_ACTIVE", realisticFloorTask),
		realisticCreates("R4", 3, realistic, "429", realisticFloor),
		realisticCreates("R4t", 3, realisticTask, "a task failing SUBSCRIPTION_NOT_ACTIVE", realisticFloorTask),
		{
			id: "R3", title: "plan (refresh) of 100 peerings on one subscription, realistic API",
			sim: realistic, config: proPeerings(100, "1001"), setup: true, importFrom: []string{"1001"}, setupInstant: true,
			args: []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, peerings: 100,
			goal: fmt.Sprintf("≤ 5 requests; API span (first request to last) ≤ 1.25 × one list's floor %s", secs(listFloor())),
			why:  "One list task serves the hundred reads; the API span leaves out Terraform's own work on 100 resources.",
			check: func(r *summary, _ map[string]*summary) (bool, string) {
				return r.requests <= 5 && within(r.span, listFloor(), 1.25), "API span " + secs(r.span) + ", " + ratio(r.span, listFloor())
			},
		},
	}
}

// officialRequestsPerCreate is what Redis's own provider (v2.11) spends on
// one Pro create on the realistic profile, from its documented behaviour
// (the reference's official-provider page): it holds a lock per
// subscription through the create and its status wait, so its creates of
// one subscription run one after the other and are never refused. Each is
// the POST, 3 polls of its task (polled at once, then 1, 2, 4 s apart: 404
// until 3 s, complete then), then 4 peering lists from 10 s on, spaced 0.2,
// 0.4, 0.8 s (its status wait's backoff), until one completes after the
// 20 s transition, and one list for the read that follows; each list is a
// GET and 3 polls. 1 + 3 + 5 × 4 = 24, at least: a poll that lands just
// before a task shows costs a fifth.
const officialRequestsPerCreate = 24

// lessonRefusals bounds the refusals the API makes before the provider
// holds each turn of a subscription until its change is carried out: those
// of the first change sent too early, a task, or a 429 and each of its
// retries (max_retries, 10, then the provider's own resend).
const lessonRefusals = 11

// realisticCreates is a scenario of n Pro peerings created by one apply on
// one subscription of the realistic API, whose one change per subscription
// at a time refuses a change sent while another runs with refusal: no
// create may fail, only the first change sent too early may be refused
// (the provider learns from it to hold each turn until the change is
// carried out), and the requests must stay under what Redis's provider
// spends. (With the task form the lists of a create's own status wait may
// be refused while it runs: they are counted, not failed.)
func realisticCreates(id string, n int, sim simSettings, refusal string, floor func(int) time.Duration) *scenario {
	budget := n * officialRequestsPerCreate
	return &scenario{
		id: id, title: fmt.Sprintf("apply, %d Pro peerings on one subscription, -parallelism=10, realistic API (a change sent while another runs: %s)", n, refusal),
		sim: sim, config: proPeerings(n, "1001"), args: append(applyArgs, "-parallelism=10"), peerings: n,
		goal: fmt.Sprintf("≤ %d changes refused (the first lesson); ≤ %d requests (Redis's provider's), ≤ 200 in any 60 s, ≤ 1.25 × API floor %s",
			lessonRefusals, budget, secs(floor(n))),
		why: "One change of a subscription at a time: only the first change sent too early may be refused, with its retries, as the provider learns from it to hold each turn until the change is carried out; " +
			"the t rows count the lists of a create's own status wait refused while it runs, they do not fail it. At most 200 requests in any minute leave half the account's 400 to other pipelines.",
		check: func(r *summary, _ map[string]*summary) (bool, string) {
			return r.refusedChanges <= lessonRefusals && r.requests <= budget && r.peakMinute <= 200 && within(r.wall, floor(n), 1.25),
				fmt.Sprintf("%d changes and %d lists refused, %.1f requests per peering, %s",
					r.refusedChanges, r.refusedLists, float64(r.requests)/float64(n), ratio(r.wall, floor(n)))
		},
	}
}

// realisticFloor is the least time the realistic API needs to create n
// peerings of one subscription and show the last one settled: it runs one
// change of a subscription at a time, a create's from its request until its
// peering left initiating-request, a transition after its task; the next
// create can only be sent once a list showed that, and a list task that
// ends then is seen no sooner than the task service shows it.
func realisticFloor(n int) time.Duration {
	return time.Duration(n) * (rTask + rTrans + max(rTask, rHidden) - rTask)
}

// realisticFloorTask is realisticFloor when a change sent while another
// runs gets a failing task: then every operation of the subscription fails
// while a change runs, lists included, and what tells a client that a
// create's change is over is the subscription turning active again
// (GET /subscriptions/{id}, answered at once). Only then can it send the
// list that shows the peering settled, which is seen a list's time later.
func realisticFloorTask(n int) time.Duration {
	return time.Duration(n) * (rTask + rTrans + listFloor())
}

// listFloor is the least time one peering list takes on the realistic API:
// the task runs, and the task service shows it.
func listFloor() time.Duration { return max(rTask, rHidden) }

// turnsFloor is the least time n creates of one subscription take on the
// instant API under the provider's schedule: each turn ends when its task is
// seen complete at its first poll, PollFirst after the answer, and the last
// peering is seen settled by one more list, first polled as late.
func turnsFloor(n int) time.Duration {
	return time.Duration(n+1) * rediscloud.DefaultConfig().PollFirst
}

func within(d, floor time.Duration, factor float64) bool {
	return float64(d) <= factor*float64(floor)
}

func ratio(d, floor time.Duration) string {
	return fmt.Sprintf("%.2f × the floor", float64(d)/float64(floor))
}

// apiFloor is the least time the API needs to create a peering and show it
// settled: the create task, then the initiating-request phase that follows
// it, at whose end a list task can at the earliest complete (the simulator
// takes a list's snapshot when the task completes).
func apiFloor(s simSettings) time.Duration {
	return s.TaskLatency + s.TransitionLatency
}

// dropRedisCIDRs removes redis_cidrs from every resource of the state in
// dir, as state written by Redis's own provider lacks it, so that the
// measured refresh must read it.
func dropRedisCIDRs(dir string) error {
	file := filepath.Join(dir, "terraform.tfstate")
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var st map[string]any
	if err := json.Unmarshal(raw, &st); err != nil {
		return err
	}
	resources, _ := st["resources"].([]any)
	dropped := 0
	for _, r := range resources {
		instances, _ := r.(map[string]any)["instances"].([]any)
		for _, in := range instances {
			attrs, _ := in.(map[string]any)["attributes"].(map[string]any)
			if _, ok := attrs["redis_cidrs"]; ok {
				delete(attrs, "redis_cidrs")
				dropped++
			}
		}
	}
	if dropped == 0 {
		return errors.New("no redis_cidrs in the state to drop")
	}
	if serial, ok := st["serial"].(float64); ok {
		st["serial"] = serial + 1
	}
	out, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, out, 0o600)
}
