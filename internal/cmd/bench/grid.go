package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// The pace grid (-grid, make bench-grid): one workload, three Pro peerings
// created by one apply, against APIs of different paces, each compared
// with the least time that API needs. The schedules of the provider's
// waits must fit every pace, not one profile.
//
// The peerings are on three subscriptions, one each: the API runs one
// change of a subscription at a time (scenarios R2 and R4 measure that
// rule), so on three subscriptions nothing but the API's pace and the
// provider's waits sets the time.

// gridRegion is the generated region of BENCHMARKS.md holding the grid.
const gridRegion = "bench-grid"

// gridSubscriptions are the subscriptions of the grid's peerings, one
// each, from fourProSubscriptions.
var gridSubscriptions = []string{"1001", "1011", "1012"}

// gridCell is one pace of the API.
type gridCell struct {
	// task is how long each task runs; parallel runs every task from the
	// answer that named it, otherwise the account's tasks run one at a
	// time in submission order.
	task     time.Duration
	parallel bool
	// window is how long a task answers 404 after the answer that named
	// it; transition how long a new peering stays initiating-request.
	window, transition time.Duration
	// note says why a cell that is not a corner is there.
	note string
}

// The ranges the grid spans.
var (
	gridTasks       = []time.Duration{500 * time.Millisecond, 3 * time.Second}
	gridWindows     = []time.Duration{0, 5 * time.Second}
	gridTransitions = []time.Duration{3 * time.Second, 30 * time.Second}
)

// gridCells are the corners of the four ranges (task 0.5 s and 3 s, tasks
// in parallel and one at a time, a 404 window of 0 and 5 s, a transition
// of 3 s and 30 s), a middle cell, and the pace of the
// slow-list example (tasks of 2 s in parallel, 3 s window, 5 s transition).
func gridCells() []gridCell {
	var cells []gridCell
	for _, tr := range gridTransitions {
		for _, w := range gridWindows {
			for _, t := range gridTasks {
				for _, par := range []bool{true, false} {
					cells = append(cells, gridCell{task: t, parallel: par, window: w, transition: tr})
				}
			}
		}
	}
	return append(cells,
		gridCell{task: 1500 * time.Millisecond, window: 2500 * time.Millisecond, transition: 15 * time.Second, note: "middle"},
		gridCell{task: 2 * time.Second, parallel: true, window: 3 * time.Second, transition: 5 * time.Second, note: "lists meeting the window"},
	)
}

// settings are the simulator's flags for the cell: the cell's pace, and
// the strict forms of everything else (400 requests a minute, refused ones
// counted, 429s without Retry-After, one change per subscription at a
// time refused with 429).
func (c gridCell) settings() simSettings {
	return simSettings{
		TaskLatency: c.task, TransitionLatency: c.transition, TaskNotFoundFor: c.window,
		ParallelTasks: c.parallel, RateLimit: apiRateLimit, Strict: true,
		ChangeConflict: cloudsim.ChangeConflict429,
	}
}

// floor is the least time the cell's API needs to let a client see n new
// peerings, each created on a subscription of its own and all sent at
// once, settled (out of initiating-request): see gridFloor.
func (c gridCell) floor(n int) time.Duration {
	return gridFloor(c.task, c.window, c.transition, c.parallel, n)
}

// gridFloor is the least time an API of this pace needs from n creates
// sent at once (each on its own subscription) until a client can see every
// new peering settled. A create's peering exists when its task ends and
// settles transition later; only a peering list (a task of its own, one per
// subscription) shows that, from the moment the list's task ends, which
// must be no earlier than the settling, and the list's result can be read
// no sooner than the window after the answer that named it.
//
// With tasks in parallel every create's task ends at task, and the list
// sent at transition ends at task + transition and is read at
// max(that, transition + window): task + transition + max(0, window − task).
//
// With tasks one at a time the account's queue runs the n create tasks
// first (the i-th ends at i × task, its peering settles transition later),
// then the lists, one per subscription, in the order their peerings settle.
// A list ends at the later of its peering's settling and the queue's being
// free for a task's time, and is read at max(end, sent + window). It is
// sent when it starts if the queue was idle before; if the task ahead of
// it held it back, it can have been sent right after that one (the
// creates are sent at 0).
func gridFloor(task, window, transition time.Duration, parallel bool, n int) time.Duration {
	if parallel {
		return task + transition + max(0, window-task)
	}
	free := time.Duration(n) * task
	var last, sent time.Duration
	for i := 1; i <= n; i++ {
		settles := time.Duration(i)*task + transition
		end := max(settles, free+task)
		if start := end - task; start > free {
			sent = start
		}
		last = max(last, end, sent+window)
		free = end
	}
	return last
}

func (c gridCell) profile() string {
	mode := "one at a time"
	if c.parallel {
		mode = "parallel"
	}
	return fmt.Sprintf("%s | %s | %s | %s", secs(c.task), mode, secs(c.window), secs(c.transition))
}

// gridScenarios are the grid's cells as scenarios, g1 to g18.
func gridScenarios() []*scenario {
	var out []*scenario
	for i, c := range gridCells() {
		out = append(out, &scenario{
			id:    fmt.Sprintf("g%d", i+1),
			title: "apply, 3 Pro peerings on 3 subscriptions, -parallelism=10",
			sim:   c.settings(), seed: fourProSubscriptions,
			config: proPeerings(len(gridSubscriptions), gridSubscriptions...),
			args:   append(applyArgs, "-parallelism=10"), peerings: len(gridSubscriptions),
			cell: &c,
		})
	}
	return out
}

// gridGoal is the most a cell may take, as a factor of its floor.
const gridGoal = 1.25

// renderGrid writes the grid's results as Markdown.
func renderGrid(results []*summary, runs int, only, tfVersion string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| cell | task | tasks | task-404 window | transition | floor | API time | ratio | wall time (median; min–max) | API requests | list tasks | 429s |\n")
	fmt.Fprintf(&b, "|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|\n")
	met := 0
	for _, r := range results {
		c := r.sc.cell
		floor := c.floor(len(gridSubscriptions))
		q := float64(r.taskSpan) / float64(floor)
		ratioCell := fmt.Sprintf("%.2f", q)
		if q > gridGoal || r.failed > 0 {
			ratioCell = "**" + ratioCell + "**"
		} else {
			met++
		}
		id := r.sc.id
		if c.note != "" {
			id += " (" + c.note + ")"
		}
		wall := fmt.Sprintf("%s (%s–%s)", secs(r.wall), secs(r.wallMin), secs(r.wallMax))
		if r.failed > 0 {
			wall += fmt.Sprintf(", **%d of %d runs failed**", r.failed, r.runs)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %d | %d | %d |\n", id, c.profile(), secs(floor), secs(r.taskSpan), ratioCell, wall, r.requests, r.lists, r.throttle)
	}
	command := fmt.Sprintf("go run ./internal/cmd/bench -grid -runs %d", runs)
	if only != "" {
		command += " -only " + only
	}
	fmt.Fprintf(&b, "\n%d of %d cells within %.2f × their floor (API time: from the answer to the first create to the last request, the read that saw the last peering settled; the wall time adds Terraform's own work, about a second). Measured on %s with `%s` (`make bench-grid` runs each cell 3 times): medians of %d runs; %s, %s, %d CPUs (load average %s at the start), %s/%s.\n",
		met, len(results), gridGoal, time.Now().UTC().Format("2006-01-02"), command, runs, tfVersion, runtime.Version(), runtime.NumCPU(), loadAverage, runtime.GOOS, runtime.GOARCH)
	for _, r := range results {
		if r.firstErr != nil {
			fmt.Fprintf(&b, "\nCell %s failed %d time(s); first error:\n\n```\n%s\n```\n", r.sc.id, r.failed, r.firstErr)
		}
	}
	return b.String()
}
