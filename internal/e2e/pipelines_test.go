package e2e_test

import (
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/mdregion"
)

const (
	// envPipelines=1 runs the full trial instead of the short form.
	envPipelines = "REDISCLOUD_PIPELINES"
	// envPipelinesUpdate names a Markdown file whose pipelines region the
	// trial rewrites with its figures when it passes (make pipelines: the
	// README).
	envPipelinesUpdate = "REDISCLOUD_PIPELINES_UPDATE"
	pipelinesRegion    = "pipelines"
	pipelineStepLimit  = 30 * time.Minute
)

// pipelineTrial is the shape of a run of the trial.
type pipelineTrial struct {
	form                string
	pipelines, peerings int
	// scale multiplies the realistic profile's timings, the minute the
	// account's rate limit counts in included.
	scale float64
	// rateLimit is what the account allows in that (scaled) minute.
	rateLimit int
	// rpms are the client-side caps tried, one run each on a fresh
	// simulator; 0 leaves the provider's default (400 a minute).
	rpms []int
}

// fullPipelines is `make pipelines`: four pipelines of ten peerings at the
// realistic profile's own timings and the API's 400 requests a minute,
// first with the provider's default cap, then with
// requests_per_minute = 100 in each (the four caps adding up to the
// account's limit). About eight minutes.
var fullPipelines = pipelineTrial{
	form: "full", pipelines: 4, peerings: 10, scale: 1,
	rateLimit: cloudsim.DocumentedRateLimit, rpms: []int{0, 100},
}

// shortPipelines runs in the Terraform acceptance pass (make testacc): two
// pipelines of three peerings at the chaos trial's time scale (a tenth of
// the realistic profile, the rate limit's minute included, so six seconds).
// Unhindered, the two send about 50 requests in about 12 s; 10 per scaled
// minute holds them to about 30 s, so the account refuses many requests and
// every one must be waited out. The provider's own cap counts in real
// minutes and cannot bind in a run this short: only the default is tried.
var shortPipelines = pipelineTrial{
	form: "short", pipelines: 2, peerings: 3, scale: defaultChaosTimescale,
	rateLimit: 10, rpms: []int{0},
}

// pipelineSubs are the Pro AWS subscriptions, one per pipeline.
var pipelineSubs = []int{1001, 1011, 1012, 1013}

// pipelineSeed is the account: the first n subscriptions only.
func pipelineSeed(n int) *cloudsim.Seed {
	seed := &cloudsim.Seed{}
	for i, id := range pipelineSubs[:n] {
		seed.Subscriptions = append(seed.Subscriptions, cloudsim.SeedSubscription{
			ID: id, Provider: cloudsim.ProviderAWS, DeploymentType: cloudsim.DeploymentSingleRegion,
			Regions: []cloudsim.SeedRegion{{Region: "us-east-1", DeploymentCIDR: fmt.Sprintf("10.0.%d.0/24", i)}},
		})
	}
	return seed
}

// pipelineConfig declares n AWS peerings of one subscription.
func pipelineConfig(sub, n int) string {
	return providerBlock + fmt.Sprintf(`
resource "rediscloud_subscription_peering" "p" {
  count           = %d
  subscription_id = "%d"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = format("vpc-%%017x", count.index + 1)
  vpc_cidr        = format("172.16.%%d.0/24", count.index)
}
`, n, sub)
}

// pipelineSteps are the commands each pipeline runs, in order. The plan's
// -detailed-exitcode makes a refresh that finds a change fail the step.
var pipelineSteps = []struct {
	name string
	args []string
}{
	{"apply", []string{"apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10"}},
	{"plan", []string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}},
	{"destroy", []string{"destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=10"}},
}

// pipelineRun is what one pipeline did.
type pipelineRun struct {
	sub   int
	steps []*tfRun
	total time.Duration
}

// failed returns the first step that did not exit 0, or nil.
func (p *pipelineRun) failed() *tfRun {
	for _, r := range p.steps {
		if r.exitCode() != 0 {
			return r
		}
	}
	return nil
}

// pipelinesResult is one run's outcome.
type pipelinesResult struct {
	trial   pipelineTrial
	rpm     int
	setting string
	sim     cloudsim.Config
	wall    time.Duration
	pipes   []*pipelineRun
	stats   cloudsim.Stats
}

// TestAccPipelines_shareOneAccount runs several pipelines at once against
// one account, as CI systems do when several teams' configurations share
// an API key: each applies its peerings on its own subscription
// (-parallelism=10), plans (a refresh, which must find nothing to change),
// then destroys them. The simulator runs the realistic profile (tasks one
// at a time per account, unknown for a while after they are named, slow
// transitions, 429 without Retry-After) and one rate limit for the account,
// shared by every pipeline, and lower than what they ask for together.
//
// Asserted, for every run: the account refused requests when each provider
// had its default cap (the trial met the limit it is about), and every
// refused request was waited out and sent again until served: no step
// failed, the simulator created and deleted exactly one peering per
// resource, never two for one VPC, and holds none at the end.
//
// Without REDISCLOUD_PIPELINES=1 it runs its short form (two pipelines of
// three peerings at a tenth of the profile's timings, under a minute); with
// it, the full form (four pipelines of ten peerings at the profile's own
// timings, with the provider's default cap and with requests_per_minute =
// 100, about eight minutes). REDISCLOUD_PIPELINES_UPDATE=FILE writes the
// figures into FILE's pipelines region when the trial passes (make
// pipelines: the README).
func TestAccPipelines_shareOneAccount(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	trial := shortPipelines
	if os.Getenv(envPipelines) == "1" {
		trial = fullPipelines
	}
	var results []*pipelinesResult
	for _, rpm := range trial.rpms {
		t.Run(fmt.Sprintf("rpm=%d", rpm), func(t *testing.T) {
			res := runPipelines(t, trial, rpm)
			results = append(results, res)
			t.Logf("\n%s", res.report())
		})
	}
	summary := pipelinesSummary(results, cliEngine(t).String())
	t.Logf("\n%s", summary)
	if path := os.Getenv(envPipelinesUpdate); path != "" {
		if t.Failed() {
			t.Logf("%s left as it was: the trial failed", path)
			return
		}
		if err := mdregion.Update(path, pipelinesRegion, summary); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote the figures into %s", path)
	}
}

// runPipelines runs the trial's pipelines on a fresh simulator; rpm > 0
// sets each provider's client-side cap.
func runPipelines(t *testing.T, trial pipelineTrial, rpm int) *pipelinesResult {
	sim := startSimulator(t, simSpec{
		args:  []string{"-profile", cloudsim.ProfileRealistic},
		seed:  pipelineSeed(trial.pipelines),
		quiet: true,
	})
	scaled := func(d time.Duration) string { return time.Duration(float64(d) * trial.scale).String() }
	if err := sim.SetConfig(map[string]any{
		"profile":           cloudsim.ProfileRealistic,
		"taskLatency":       scaled(cloudsim.RealisticTaskLatency),
		"transitionLatency": scaled(cloudsim.RealisticTransitionLatency),
		"taskNotFoundFor":   scaled(cloudsim.RealisticTaskNotFoundFor),
		"rateLimit":         trial.rateLimit,
		"rateWindow":        scaled(time.Minute),
	}); err != nil {
		t.Fatal(err)
	}
	simCfg, err := sim.config()
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	setting := "provider default (400/min each)"
	if rpm > 0 {
		env = append(env, "REDISCLOUD_REQUESTS_PER_MINUTE="+strconv.Itoa(rpm))
		setting = fmt.Sprintf("`requests_per_minute = %d` in each", rpm)
	}
	res := &pipelinesResult{trial: trial, rpm: rpm, setting: setting, sim: simCfg}
	var wg sync.WaitGroup
	began := time.Now()
	for _, sub := range pipelineSubs[:trial.pipelines] {
		ws := newWorkspace(t, append(sim.Env(), env...)...)
		if err := ws.WriteFile("main.tf", pipelineConfig(sub, trial.peerings)); err != nil {
			t.Fatal(err)
		}
		p := &pipelineRun{sub: sub}
		res.pipes = append(res.pipes, p)
		wg.Go(func() {
			start := time.Now()
			for _, step := range pipelineSteps {
				r := startTF(t, ws, pipelineStepLimit, step.args...)
				<-r.done
				p.steps = append(p.steps, r)
				if r.exitCode() != 0 {
					break
				}
			}
			p.total = time.Since(start)
		})
	}
	wg.Wait()
	res.wall = time.Since(began)

	st, err := sim.Stats()
	if err != nil {
		t.Fatal(err)
	}
	res.stats = st
	res.check(t, sim)
	return res
}

// check asserts what the provider guarantees when an account's pipelines
// overrun its rate limit: each refused request is waited out and sent again
// until served, so every step succeeds and the account ends as if nothing
// had been refused.
func (r *pipelinesResult) check(t *testing.T, sim *simProcess) {
	t.Helper()
	st := r.stats
	// Without refusals the rest proves nothing about them. A lower cap in
	// each provider is meant to avoid them, so it may.
	if st.Throttled == 0 && r.rpm == 0 {
		t.Errorf("the account refused no request (%d requests, limit %d per %s): the trial did not meet the limit it is about; lower its rate limit",
			st.TotalRequests, r.sim.RateLimit, r.per())
	}
	for _, p := range r.pipes {
		if f := p.failed(); f != nil {
			t.Errorf("pipeline on subscription %d: %s failed, with %d requests refused by the account:\n%s",
				p.sub, f, st.Throttled, tail(f.out.String(), 8000))
		}
	}
	want := r.trial.pipelines * r.trial.peerings
	if st.PeeringsCreated != want || st.PeeringsDeleted != want {
		t.Errorf("the simulator created %d peerings and deleted %d, want %d each: a refused request was dropped or repeated after it acted",
			st.PeeringsCreated, st.PeeringsDeleted, want)
	}
	if st.MaxConcurrentPeeringsPerVPC > 1 {
		t.Errorf("one VPC had %d peerings at once: a create was duplicated", st.MaxConcurrentPeeringsPerVPC)
	}
	if left, err := sim.Peerings(); err != nil || len(left) != 0 {
		t.Errorf("after the destroys the simulator holds %d peerings (%v)", len(left), err)
	}
}

// window is the minute the account's rate limit counts in, scaled.
func (r *pipelinesResult) window() time.Duration {
	if w := time.Duration(r.sim.RateWindow); w > 0 {
		return w
	}
	return time.Minute
}

// per names the window: "minute", or its length when scaled.
func (r *pipelinesResult) per() string {
	if r.window() == time.Minute {
		return "minute"
	}
	return r.window().String()
}

// budgetFloor is the least time the requests served (the refused ones use
// no budget) fit in at the account's rate.
func (r *pipelinesResult) budgetFloor() time.Duration {
	served := r.stats.TotalRequests - r.stats.Throttled
	return time.Duration(float64(served) / float64(r.sim.RateLimit) * float64(r.window()))
}

// taskFloor is the least time the account's tasks take, one at a time.
func (r *pipelinesResult) taskFloor() time.Duration {
	return time.Duration(r.stats.TasksCreated) * time.Duration(r.sim.TaskLatency)
}

// profile describes the simulator's settings.
func (r *pipelinesResult) profile() string {
	scale := "its own timings"
	if r.trial.scale != 1 {
		scale = fmt.Sprintf("%g of its timings", r.trial.scale)
	}
	retryAfter := "with"
	if r.sim.OmitRetryAfter {
		retryAfter = "without"
	}
	return fmt.Sprintf("realistic profile at %s (tasks %s one at a time, unknown for %s, transitions %s, 429s %s Retry-After), the account allowing %d requests per %s",
		scale, time.Duration(r.sim.TaskLatency), time.Duration(r.sim.TaskNotFoundFor), time.Duration(r.sim.TransitionLatency),
		retryAfter, r.sim.RateLimit, r.per())
}

// report renders one run, pipeline by pipeline.
func (r *pipelinesResult) report() string {
	var b strings.Builder
	st := r.stats
	fmt.Fprintf(&b, "%d pipelines × %d Pro AWS peerings, %s; %s\n\n", r.trial.pipelines, r.trial.peerings, r.profile(), r.setting)
	fmt.Fprintf(&b, "| %-12s | %-8s | %-8s | %-8s | %-8s | %-6s |\n", "subscription", "apply", "plan", "destroy", "total", "result")
	fmt.Fprintf(&b, "|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 14), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 8))
	for _, p := range r.pipes {
		cells := []string{"-", "-", "-"}
		for i, s := range p.steps {
			cells[i] = secs(s.took())
		}
		result := "ok"
		if p.failed() != nil {
			result = "FAILED"
		}
		fmt.Fprintf(&b, "| %-12d | %8s | %8s | %8s | %8s | %-6s |\n", p.sub, cells[0], cells[1], cells[2], secs(p.total), result)
	}
	fmt.Fprintf(&b, "\n| %-66s | %10s |\n|%s|%s|\n", "measure", "value", strings.Repeat("-", 68), strings.Repeat("-", 12))
	row := func(name string, v any) { fmt.Fprintf(&b, "| %-66s | %10v |\n", name, v) }
	row("wall time, all pipelines", secs(r.wall))
	row("API requests (all)", st.TotalRequests)
	row("refused by the account's rate limit (429)", st.Throttled)
	row("most requests in any minute (429s included)", st.PeakRequestsPerMinute)
	row("time the requests served alone force, at the account's rate", secs(r.budgetFloor()))
	row("tasks (one at a time)", st.TasksCreated)
	row("time the tasks alone force", secs(r.taskFloor()))
	row("peerings created, deleted", fmt.Sprintf("%d, %d", st.PeeringsCreated, st.PeeringsDeleted))
	for _, k := range slices.Sorted(maps.Keys(st.Requests)) {
		row("  "+k, st.Requests[k])
	}
	return b.String()
}

// pipelinesSummary puts the runs side by side, as Markdown: what `make
// pipelines` writes into the README's pipelines region.
func pipelinesSummary(rs []*pipelinesResult, engine string) string {
	var b strings.Builder
	b.WriteString("| client-side cap | wall time | API requests | refused (429) | most requests in a minute | request budget alone | tasks alone | failed pipelines |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rs {
		failed := 0
		for _, p := range r.pipes {
			if p.failed() != nil {
				failed++
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %s | %s | %d |\n", r.setting, secs(r.wall), r.stats.TotalRequests, r.stats.Throttled,
			r.stats.PeakRequestsPerMinute, secs(r.budgetFloor()), secs(r.taskFloor()), failed)
	}
	if len(rs) == 0 {
		return b.String()
	}
	first := rs[0]
	command := "`make pipelines`"
	if first.trial.form != fullPipelines.form {
		command = "the short form of `TestAccPipelines_shareOneAccount` (`make testacc`)"
	}
	fmt.Fprintf(&b, "\nMeasured on %s with %s: %d pipelines at once on one account, each on its own subscription: `apply -parallelism=10` of %d Pro AWS peerings, `plan`, `destroy`; %s. "+
		"Request budget alone: the requests served (all but the refused ones) at the account's rate; tasks alone: the tasks one after another. %s, %s, %d CPUs, %s/%s.\n",
		time.Now().UTC().Format("2006-01-02"), command, first.trial.pipelines, first.trial.peerings, first.profile(),
		engine, runtime.Version(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	for _, r := range rs[1:] {
		change := "longer"
		d := (r.wall.Seconds() - first.wall.Seconds()) / first.wall.Seconds() * 100
		if d < 0 {
			change, d = "shorter", -d
		}
		fmt.Fprintf(&b, "With %s the wall time was %.0f %% %s than with the default, and the account refused %d requests instead of %d.\n",
			r.setting, d, change, r.stats.Throttled, first.stats.Throttled)
	}
	return b.String()
}
