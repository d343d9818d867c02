package e2e_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

const (
	envPipelines      = "REDISCLOUD_PIPELINES"
	pipelineCount     = 4
	peeringsPerPipe   = 10
	pipelineStepLimit = 30 * time.Minute
)

// pipelineSubs are the Pro AWS subscriptions, one per pipeline.
var pipelineSubs = []int{1001, 1011, 1012, 1013}

// pipelineSeed is the account: the four subscriptions only.
func pipelineSeed() *cloudsim.Seed {
	seed := &cloudsim.Seed{}
	for i, id := range pipelineSubs {
		seed.Subscriptions = append(seed.Subscriptions, cloudsim.SeedSubscription{
			ID: id, Provider: cloudsim.ProviderAWS, DeploymentType: cloudsim.DeploymentSingleRegion,
			Regions: []cloudsim.SeedRegion{{Region: "us-east-1", DeploymentCIDR: fmt.Sprintf("10.0.%d.0/24", i)}},
		})
	}
	return seed
}

// pipelineConfig declares ten AWS peerings of one subscription.
func pipelineConfig(sub int) string {
	return providerBlock + fmt.Sprintf(`
resource "rediscloud_subscription_peering" "p" {
  count           = %d
  subscription_id = "%d"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = format("vpc-%%017x", count.index + 1)
  vpc_cidr        = format("172.16.%%d.0/24", count.index)
}
`, peeringsPerPipe, sub)
}

// pipelineSteps are the commands each pipeline runs, in order.
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

// pipelinesResult is one trial's outcome.
type pipelinesResult struct {
	setting string
	wall    time.Duration
	pipes   []*pipelineRun
	stats   cloudsim.Stats
}

// TestAccPipelines_shareOneAccount runs four pipelines at once against one
// account, as CI systems do when several teams' configurations share an
// API key: each applies ten peerings on its own subscription
// (-parallelism=10), plans (a refresh), then destroys them. The simulator
// runs the realistic profile at its full timings (tasks 2 s one at a time
// per account, unknown for 3 s, 20 s transitions, 429 without Retry-After)
// and its 400 requests a minute per key, shared by the four.
//
// Asserted: no run fails, so every 429 was waited out; and the
// simulator's peak requests in a minute stays at 400, or the 429s that
// enforced the limit are reported beside it. The trial runs twice: with
// each provider at its default client-side cap (requests_per_minute 400)
// and with REDISCLOUD_REQUESTS_PER_MINUTE=100 (the four caps adding up to
// the account's limit), and reports 429s and wall time for both, against
// the time the request budget alone forces (requests ÷ 400 a minute) and
// the time the account's one-at-a-time tasks force.
//
// It takes about a quarter of an hour, so it runs only with TF_ACC and
// REDISCLOUD_PIPELINES=1.
func TestAccPipelines_shareOneAccount(t *testing.T) {
	requireAcc(t)
	if os.Getenv(envPipelines) != "1" {
		t.Skipf("the pipelines trial runs with %s=1 (it takes about a quarter of an hour)", envPipelines)
	}
	var results []*pipelinesResult
	for _, rpm := range []int{0, 100} {
		setting := "provider default (400/min each)"
		if rpm > 0 {
			setting = fmt.Sprintf("REDISCLOUD_REQUESTS_PER_MINUTE=%d", rpm)
		}
		t.Run(fmt.Sprintf("rpm=%d", rpm), func(t *testing.T) {
			res := runPipelines(t, setting, rpm)
			results = append(results, res)
			t.Logf("\n%s", res.report())
		})
	}
	t.Logf("\n%s", comparePipelines(results))
}

// runPipelines runs the four pipelines on a fresh simulator; rpm > 0 sets
// each provider's client-side cap.
func runPipelines(t *testing.T, setting string, rpm int) *pipelinesResult {
	sim := startSimulator(t, simSpec{
		args:  []string{"-profile", cloudsim.ProfileRealistic, "-rate-limit", strconv.Itoa(cloudsim.DocumentedRateLimit)},
		seed:  pipelineSeed(),
		quiet: true,
	})
	var env []string
	if rpm > 0 {
		env = append(env, "REDISCLOUD_REQUESTS_PER_MINUTE="+strconv.Itoa(rpm))
	}
	res := &pipelinesResult{setting: setting}
	var wg sync.WaitGroup
	began := time.Now()
	for _, sub := range pipelineSubs {
		ws := newWorkspace(t, append(sim.Env(), env...)...)
		if err := ws.WriteFile("main.tf", pipelineConfig(sub)); err != nil {
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
	for _, p := range res.pipes {
		if r := p.failed(); r != nil {
			t.Errorf("pipeline on subscription %d: %s failed:\n%s", p.sub, r, tail(r.out.String(), 8000))
		}
	}
	if left, err := sim.Peerings(); err != nil || len(left) != 0 {
		t.Errorf("after the destroys the simulator holds %d peerings (%v)", len(left), err)
	}
	if st.PeakRequestsPerMinute > cloudsim.DocumentedRateLimit {
		if st.Throttled == 0 {
			t.Errorf("%d requests arrived in one minute, over the limit of %d, and none was refused", st.PeakRequestsPerMinute, cloudsim.DocumentedRateLimit)
		} else {
			t.Logf("%d requests arrived in one minute, throttled ones included; the simulator refused %d with 429 to hold the limit of %d",
				st.PeakRequestsPerMinute, st.Throttled, cloudsim.DocumentedRateLimit)
		}
	}
	return res
}

// budgetFloor is the least time the requests made fit in at 400 a minute.
func budgetFloor(requests int) time.Duration {
	return time.Duration(float64(requests) / cloudsim.DocumentedRateLimit * float64(time.Minute))
}

// report renders one trial.
func (r *pipelinesResult) report() string {
	var b strings.Builder
	st := r.stats
	fmt.Fprintf(&b, "%d pipelines × %d Pro AWS peerings, realistic profile (tasks %s one at a time, unknown for %s, transitions %s, %d requests/min, 429 without Retry-After); %s\n\n",
		pipelineCount, peeringsPerPipe, cloudsim.RealisticTaskLatency, cloudsim.RealisticTaskNotFoundFor, cloudsim.RealisticTransitionLatency,
		cloudsim.DocumentedRateLimit, r.setting)
	fmt.Fprintf(&b, "| %-12s | %-8s | %-8s | %-8s | %-8s | %-6s |\n", "subscription", "apply", "plan", "destroy", "total", "result")
	fmt.Fprintf(&b, "|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 14), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 8))
	for _, p := range r.pipes {
		cells := []string{"-", "-", "-"}
		for i, s := range p.steps {
			cells[i] = secs(s.took())
		}
		result := "ok"
		if f := p.failed(); f != nil {
			result = "FAILED"
		}
		fmt.Fprintf(&b, "| %-12d | %8s | %8s | %8s | %8s | %-6s |\n", p.sub, cells[0], cells[1], cells[2], secs(p.total), result)
	}
	fmt.Fprintf(&b, "\n| %-66s | %10s |\n|%s|%s|\n", "measure", "value", strings.Repeat("-", 68), strings.Repeat("-", 12))
	row := func(name string, v any) { fmt.Fprintf(&b, "| %-66s | %10v |\n", name, v) }
	row("wall time, all four pipelines", secs(r.wall))
	row("API requests (all)", st.TotalRequests)
	row("429s from the rate limit", st.Throttled)
	row("peak requests in a minute (429s included)", st.PeakRequestsPerMinute)
	row("time the budget alone forces (requests ÷ 400/min)", secs(budgetFloor(st.TotalRequests)))
	row("wall time ÷ that", fmt.Sprintf("%.2f", r.wall.Seconds()/budgetFloor(st.TotalRequests).Seconds()))
	row("tasks (one at a time, 2 s each)", st.TasksCreated)
	row("time the tasks alone force", secs(time.Duration(st.TasksCreated)*cloudsim.RealisticTaskLatency))
	for _, k := range slices.Sorted(maps.Keys(st.Requests)) {
		row("  "+k, st.Requests[k])
	}
	return b.String()
}

// comparePipelines puts the trials side by side.
func comparePipelines(rs []*pipelinesResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| %-34s | %-9s | %-8s | %-6s | %-8s | %-9s | %-10s | %-6s |\n", "client-side cap", "wall", "requests", "429s", "peak/min", "budget", "task floor", "failed")
	fmt.Fprintf(&b, "|%s|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 36), strings.Repeat("-", 11), strings.Repeat("-", 10), strings.Repeat("-", 8), strings.Repeat("-", 10), strings.Repeat("-", 11), strings.Repeat("-", 12), strings.Repeat("-", 8))
	for _, r := range rs {
		failed := 0
		for _, p := range r.pipes {
			if p.failed() != nil {
				failed++
			}
		}
		fmt.Fprintf(&b, "| %-34s | %9s | %8d | %6d | %8d | %9s | %10s | %6d |\n", r.setting, secs(r.wall), r.stats.TotalRequests, r.stats.Throttled,
			r.stats.PeakRequestsPerMinute, secs(budgetFloor(r.stats.TotalRequests)), secs(time.Duration(r.stats.TasksCreated)*cloudsim.RealisticTaskLatency), failed)
	}
	return b.String()
}
