package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// summary is the median of a scenario's runs.
type summary struct {
	sc                        *scenario
	runs, failed              int
	wall, wallMin, wallMax    time.Duration
	requests, lists, throttle int
	// subscriptionReads counts the GETs of one subscription.
	subscriptionReads int
	// refusedChanges and refusedLists count the changes and lists the
	// API refused because another change of their subscription was
	// running (the worst run).
	refusedChanges, refusedLists int
	peakMinute                   int
	// span is from the first API request to the last, taskSpan from the
	// first task's answer to the last request.
	span, taskSpan time.Duration
	peakMem        int64
	// cpu and providerCPU are medians of measurement's.
	cpu, providerCPU time.Duration
	firstErr         error
}

func summarise(sc *scenario, ms []measurement) *summary {
	s := &summary{sc: sc, runs: len(ms)}
	var walls, spans, taskSpans []time.Duration
	var reqs, lists, thr, subReads, refusedChanges, refusedLists, peak []int
	var mem []int64
	var cpu, providerCPU []time.Duration
	for _, m := range ms {
		if m.err != nil {
			s.failed++
			if s.firstErr == nil {
				s.firstErr = m.err
			}
		}
		walls = append(walls, m.wall)
		spans = append(spans, m.stats.LastRequest.Sub(m.stats.FirstRequest))
		taskSpans = append(taskSpans, m.stats.LastRequest.Sub(m.stats.FirstTask))
		reqs = append(reqs, m.stats.TotalRequests)
		lists = append(lists, listTasks(m.stats))
		thr = append(thr, m.stats.Throttled)
		subReads = append(subReads, m.stats.Requests["GET /v1/subscriptions/{subscriptionId}"])
		refusedChanges = append(refusedChanges, m.stats.ChangesRefused)
		refusedLists = append(refusedLists, m.stats.ListsRefused)
		peak = append(peak, m.stats.PeakRequestsPerMinute)
		mem = append(mem, m.peakMem)
		cpu, providerCPU = append(cpu, m.cpu), append(providerCPU, m.providerCPU)
	}
	s.wall = median(walls)
	s.span = median(spans)
	s.taskSpan = median(taskSpans)
	s.wallMin, s.wallMax = slices.Min(walls), slices.Max(walls)
	s.requests, s.lists, s.throttle, s.subscriptionReads = median(reqs), median(lists), median(thr), median(subReads)
	s.refusedChanges, s.refusedLists = slices.Max(refusedChanges), slices.Max(refusedLists)
	// The worst run, not the median: the budget is shared with others.
	s.peakMinute = slices.Max(peak)
	s.peakMem = median(mem)
	s.cpu, s.providerCPU = median(cpu), median(providerCPU)
	return s
}

// median of a non-empty slice; the mean of the middle two for an even count.
func median[T int | int64 | time.Duration](v []T) T {
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func itoa(n int) string { return strconv.Itoa(n) }

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// region is the generated region of BENCHMARKS.md and README.md that
// holds the table (see internal/mdregion).
const region = "bench"

// goalsRegion is the generated region of BENCHMARKS.md that lists the
// goals and their reasons; make generate writes it (-goals).
const goalsRegion = "bench-goals"

// renderGoals lists the scenarios that have a goal, with its reason; a
// reason already given is named by the first row that gave it.
func renderGoals(all []*scenario) string {
	var b strings.Builder
	b.WriteString("| scenario | goal | why |\n|---|---|---|\n")
	given := map[string]string{}
	for _, sc := range all {
		if sc.goal == "" {
			continue
		}
		why := sc.why
		if first, ok := given[why]; ok {
			why = "As " + first + "."
		} else {
			given[why] = sc.id
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", sc.id, sc.goal, why)
	}
	return b.String()
}

// loadAverage is the one-minute load average when the benchmark started:
// timings on a busy machine are longer, counts are not.
var loadAverage = func() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}()

// renderTable writes the results as Markdown, with the goals and whether
// they were met; only is the -only flag, named in the command shown.
func renderTable(results []*summary, runs int, only, tfVersion string) string {
	by := map[string]*summary{}
	for _, r := range results {
		by[r.sc.id] = r
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| # | scenario | wall time (median; min–max) | API requests | list tasks | 429s | most requests in 60 s | provider peak RSS | goal | met |\n")
	fmt.Fprintf(&b, "|---|---|---|---:|---:|---:|---:|---:|---|---|\n")
	for _, r := range results {
		goal, met := r.sc.goal, ""
		if r.sc.check != nil {
			if r.sc.needs != "" && by[r.sc.needs] == nil {
				met = fmt.Sprintf("n/a (run %s too)", r.sc.needs)
			} else {
				ok, note := r.sc.check(r, by)
				met = "yes"
				if !ok {
					met = "**no**"
				}
				if note != "" {
					met += " (" + note + ")"
				}
			}
		}
		if r.failed > 0 && !strings.HasPrefix(r.sc.id, "5") {
			met = fmt.Sprintf("**%d of %d runs failed**", r.failed, r.runs)
		}
		fmt.Fprintf(&b, "| %s | %s | %s (%s–%s) | %d | %d | %d | %d | %.1f MiB | %s | %s |\n",
			r.sc.id, r.sc.title, secs(r.wall), secs(r.wallMin), secs(r.wallMax),
			r.requests, r.lists, r.throttle, r.peakMinute, mib(r.peakMem), goal, met)
	}
	command := fmt.Sprintf("go run ./internal/cmd/bench -runs %d", runs)
	if only != "" {
		command += " -only " + only
	}
	fmt.Fprintf(&b, "\nMeasured on %s with `%s` (`make bench` runs every scenario 3 times): medians of %d runs (S1, S1f and S2 run once: their setup creates 1,000 peerings); %s, %s, %d CPUs (load average %s at the start), %s/%s.\n",
		time.Now().UTC().Format("2006-01-02"), command, runs, tfVersion, runtime.Version(), runtime.NumCPU(), loadAverage, runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "API floor of scenario 2: %s = create task %s + transition %s (a list completing then sees the new status).\n",
		secs(apiFloor(slow)), secs(slow.TaskLatency), secs(slow.TransitionLatency))
	fmt.Fprintf(&b, "Realistic profile: tasks %s each, one at a time per account, unknown to the task service for %s after the answer that names them; transitions %s; "+
		"CIDRs in effect %s after their update; 429s without Retry-After; 400 requests a minute, refused ones counted; one change per subscription at a time, "+
		"a change sent while another runs refused with 429 (the t rows: with a task failing SUBSCRIPTION_NOT_ACTIVE while the subscription shows pending). "+
		"Floors: R1 %s = create task %s + transition %s + the %s before the completing list is seen beyond its own run; R2 %s and R4 %s = 10 and 3 times that "+
		"(a create's change runs until its peering settled); R2t %s and R4t %s = 10 and 3 times create task + transition + a list's %s "+
		"(while the change runs every list fails: only the subscription's status, read at once, shows its end, and the list is sent then); R3 %s = one list task, seen after %s. "+
		"Redis's provider spends at least %d requests on each of these creates (one after the other, never refused; see officialRequestsPerCreate in internal/cmd/bench).\n",
		secs(rTask), secs(rHidden), secs(rTrans), secs(cloudsim.RealisticCIDRApplyLatency),
		secs(realisticFloor(1)), secs(rTask), secs(rTrans), secs(max(rTask, rHidden)-rTask),
		secs(realisticFloor(10)), secs(realisticFloor(3)), secs(realisticFloorTask(10)), secs(realisticFloorTask(3)), secs(listFloor()),
		secs(listFloor()), secs(listFloor()), officialRequestsPerCreate)
	for _, r := range results {
		if r.firstErr != nil {
			fmt.Fprintf(&b, "\nScenario %s failed %d time(s); first error:\n\n```\n%s\n```\n", r.sc.id, r.failed, r.firstErr)
		}
	}
	return b.String()
}
