package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// The tests of this file end a create while it waits for its *task* (not
// for the new peering's status): the API accepted the POST, and the task
// service does not show the task yet or never completes it. Whatever ends
// the wait (Ctrl-C, timeouts.create), the provider must look for the
// peering on a context of its own, for at most 15 s: a peering it finds is
// saved in state, marked tainted; when none is found, the error names the
// task and the import command. Nothing Redis Cloud holds may be missing
// from state. They run the real CLI and the provider binary TestMain built,
// so the provider polls with its shipped settings (first poll of a task 1 s
// after the answer that named it).

const (
	// taskWaitHidden is how long every task created under the fault stays
	// unknown to the task service (404 on GET /v1/tasks/{id}).
	taskWaitHidden = 6 * time.Second
	// taskWaitCreateTimeout is the create timeout of the timeout tests.
	taskWaitCreateTimeout = 3 * time.Second
	// taskWaitLookupBound is the provider's bound on the lookup that
	// follows an interrupted create (recoveryTimeout in internal/rediscloud).
	taskWaitLookupBound = 15 * time.Second

	createCommand = "vpcPeeringCreateRequest"
	listCommand   = "vpcPeeringGetRequest"
	createAnswer  = "POST /v1/subscriptions/{id}/peerings -> 202"
	listAnswer    = "GET /v1/subscriptions/{id}/peerings -> 202"
	taskUnknown   = "GET /v1/tasks/{taskId} -> 404"
	importAdvice  = "terraform import rediscloud_subscription_peering.<name> 1001/<peering_id>"
)

// taskWaitPeering is a Pro AWS peering, with a timeouts block when timeouts
// is not empty.
func taskWaitPeering(timeouts string) string {
	block := ""
	if timeouts != "" {
		block = fmt.Sprintf("\n  timeouts {\n    %s\n  }\n", timeouts)
	}
	return fmt.Sprintf(`
resource "rediscloud_subscription_peering" "test" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = "172.31.0.0/16"
%s}
`, block)
}

// taskTracker records the simulator's tasks in the order they were
// received, and how many polls of each it answered 404.
type taskTracker struct {
	mu       sync.Mutex
	order    []string          // task IDs
	command  map[string]string // task ID -> command type
	received map[string]time.Time
	unknown  map[string]int // task ID -> 404 answers to GET /v1/tasks/{id}
}

func (tr *taskTracker) logf(format string, args ...any) {
	now := time.Now()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	switch format {
	case "task %s %s: received (subscription %d)":
		id := args[0].(string)
		tr.order = append(tr.order, id)
		tr.command[id] = args[1].(string)
		tr.received[id] = now
	case "%s %s -> %d":
		if args[0] == "GET" && args[2] == 404 {
			if id, ok := strings.CutPrefix(args[1].(string), "/v1/tasks/"); ok {
				tr.unknown[id]++
			}
		}
	}
}

// tasks returns the IDs of the tasks of a command type, oldest first.
func (tr *taskTracker) tasks(command string) []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var out []string
	for _, id := range tr.order {
		if tr.command[id] == command {
			out = append(out, id)
		}
	}
	return out
}

// unknownPolls is how many polls of task id were answered 404.
func (tr *taskTracker) unknownPolls(id string) int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.unknown[id]
}

// receivedAt is when the simulator received task id.
func (tr *taskTracker) receivedAt(id string) time.Time {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.received[id]
}

// newTaskWaitSim starts a simulator whose log feeds both a simLog and a
// taskTracker. Like everything the simulator logs through, both run under
// its lock and never call back into it.
func newTaskWaitSim(t *testing.T, opts cloudsim.Options) (*cloudsim.Server, *simLog, *taskTracker) {
	t.Helper()
	log := newSimLog()
	tr := &taskTracker{command: map[string]string{}, received: map[string]time.Time{}, unknown: map[string]int{}}
	opts.Logf = func(format string, args ...any) {
		log.logf(format, args...)
		tr.logf(format, args...)
	}
	srv := acctest.NewSim(t, opts)
	log.dumpOnFailure(t)
	return srv, log, tr
}

// onlyCreateTask returns the one create task the simulator received.
func onlyCreateTask(t *testing.T, tr *taskTracker) string {
	t.Helper()
	ids := tr.tasks(createCommand)
	if len(ids) != 1 {
		t.Fatalf("the simulator received %d create tasks, want 1: %v", len(ids), ids)
	}
	return ids[0]
}

// checkNothingOrphaned fails the test when a peering of the simulator is
// not in the workspace's state, or when two peerings of the VPC ever
// existed at once.
func checkNothingOrphaned(t *testing.T, srv *cloudsim.Server, ws *cliharness.Workspace) {
	t.Helper()
	var inState []string
	for _, in := range readState(t, ws) {
		if id, ok := in.Attributes["id"].(string); ok {
			inState = append(inState, id)
		}
	}
	for _, p := range srv.Peerings() {
		if id := fmt.Sprintf("%d/%d", p.SubscriptionID, p.ID); !slices.Contains(inState, id) {
			t.Errorf("peering %s exists in the simulator (%s) but not in state %v: orphaned", id, p.Status, inState)
		}
	}
	if n := srv.Stats().MaxConcurrentPeeringsPerVPC; n > 1 {
		t.Errorf("MaxConcurrentPeeringsPerVPC = %d: two peerings of the VPC existed at once", n)
	}
}

// convergeAfter applies again with no faults, then checks that exactly one
// peering exists, that state holds it untainted, and that a plan finds
// nothing to do (exit code 0 of plan -detailed-exitcode).
func convergeAfter(t *testing.T, srv *cloudsim.Server, ws *cliharness.Workspace) {
	t.Helper()
	srv.SetFaults(cloudsim.Faults{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	out, err := ws.Run(ctx, "apply", "-auto-approve", "-no-color", "-input=false")
	if err != nil {
		t.Fatalf("the apply after the failed create failed: %v", err)
	}
	t.Logf("the next apply took %s: %s", time.Since(start).Round(time.Millisecond), applySummary(out))
	ps := srv.Peerings()
	if len(ps) != 1 {
		t.Fatalf("after the next apply the simulator holds %d peerings, want 1: %+v", len(ps), ps)
	}
	insts := readState(t, ws)
	want := fmt.Sprintf("1001/%d", ps[0].ID)
	if len(insts) != 1 || insts[0].Attributes["id"] != want || insts[0].Status != "" {
		t.Errorf("after the next apply terraform.tfstate holds %+v, want %s, not tainted", insts, want)
	}
	checkNothingOrphaned(t, srv, ws)
	plan := ws.Command(ctx, nil, "plan", "-detailed-exitcode", "-no-color", "-input=false")
	planOut, err := plan.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		t.Errorf("plan -detailed-exitcode exited %d after the next apply, want 0:\n%s", ee.ExitCode(), planOut)
	case err != nil:
		t.Errorf("plan -detailed-exitcode: %v\n%s", err, planOut)
	}
}

// applySummary is the "Apply complete!" line of an apply's output.
func applySummary(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Apply complete!") {
			return line
		}
	}
	return "(no summary line)"
}

// errorPart is the output from its first "Error:" on, for the logs.
func errorPart(out string) string {
	return out[max(0, strings.Index(out, "Error:")):]
}

// TestAccTaskWait_sigintWhileTaskUnknown presses Ctrl-C while a create
// polls its task, which the task service does not show yet.
//
// Every task answers 404 on GET /v1/tasks/{id} for 6 s after it was
// submitted, but runs at once: the peering exists in Redis Cloud from the
// POST on, and only the provider does not know its ID. SIGINT goes to
// terraform once the POST was answered and a poll of the create task was
// answered 404, before any peering list (which only the status wait and
// the lookup send). The provider's context ends; the lookup that follows,
// on a context of its own, finds the peering (its own list task is hidden
// for 6 s too, within the lookup's 15 s), so terraform must exit promptly
// with the peering's ID in terraform.tfstate, marked tainted. With the
// faults cleared, the next apply converges without ever holding two
// peerings of the VPC, and nothing is left to plan.
func TestAccTaskWait_sigintWhileTaskUnknown(t *testing.T) {
	t.Parallel()
	srv, log, tr := newTaskWaitSim(t, cloudsim.Options{RandSeed: 17, Faults: cloudsim.Faults{TaskNotFoundFor: cloudsim.Duration(taskWaitHidden)}})
	ws := newWorkspace(t)
	writeFile(t, ws, "main.tf", acctest.Config(srv, taskWaitPeering("")))

	apply := startTF(t, ws, applyTimeout, "apply", "-auto-approve", "-no-color", "-input=false")
	ok := waitFor(60*time.Second, func() bool {
		_, _, answers := log.counts()
		return apply.exited() || (answers[createAnswer] >= 1 && answers[taskUnknown] >= 1)
	})
	if !ok || apply.exited() {
		t.Fatalf("the create never polled its task (exited: %v):\n%s", apply.exited(), apply.out.String())
	}
	createTask := onlyCreateTask(t, tr)
	_, _, answers := log.counts()
	switch {
	case tr.unknownPolls(createTask) < 1:
		t.Fatalf("the 404 polled was not the create task's %s: %v", createTask, answers)
	case answers[listAnswer] != 0 || len(tr.tasks(listCommand)) != 0:
		t.Fatalf("the provider already lists peerings (status wait or lookup), not waiting for the task: %v", answers)
	case time.Since(tr.receivedAt(createTask)) >= taskWaitHidden-time.Second:
		t.Fatalf("the create task is about to become visible (%s since it was received); the test is too slow to interrupt the task wait",
			time.Since(tr.receivedAt(createTask)))
	}
	// The task ran: the peering exists, yet the provider cannot know it.
	if !waitFor(5*time.Second, func() bool { return len(srv.Peerings()) == 1 }) {
		t.Fatalf("the create task did not take effect: %+v", srv.Peerings())
	}
	peering := srv.Peerings()[0]
	wantID := fmt.Sprintf("1001/%d", peering.ID)

	out, sent, took := interrupt(t, apply)
	t.Logf("SIGINT %s after create task %s was received (%d polls of it answered 404); terraform exited %s later with code %d",
		sent.Sub(tr.receivedAt(createTask)).Round(time.Millisecond), createTask, tr.unknownPolls(createTask), took.Round(time.Millisecond), apply.exitCode())
	// The lookup ran after the signal, and its list task was hidden too.
	checkLookupKeptTainted(t, srv, ws, tr, tr.tasks(listCommand), out, wantID, createTask, "The operation was interrupted")
}

// checkLookupKeptTainted checks what a create whose task wait ended (cause
// names how) must leave: the lookup ran, its list task hidden too; the
// output says the peering wantID exists and is kept, tainted; state holds
// it so; nothing is orphaned, and the next apply converges.
func checkLookupKeptTainted(t *testing.T, srv *cloudsim.Server, ws *workspace, tr *taskTracker, lists []string, out, wantID, createTask, cause string) {
	t.Helper()
	if len(lists) == 0 {
		t.Errorf("no peering list was sent after the create's wait ended: the lookup did not run")
	} else if tr.unknownPolls(lists[0]) == 0 {
		t.Errorf("the lookup's list task %s was never answered 404; the test did not hide it", lists[0])
	}
	if want := acctest.Wrapped(
		"Creating Pro peering "+wantID+" failed",
		cause,
		"the create request was accepted as task "+createTask,
		"the peering exists as "+wantID,
		"The peering exists as "+wantID+" and is saved in state, marked tainted"); !want.MatchString(out) {
		t.Errorf("the output does not say how the create ended and that the peering was kept (%s):\n%s", want, out)
	}
	insts := readState(t, ws)
	if len(insts) != 1 || insts[0].Attributes["id"] != wantID {
		t.Fatalf("terraform.tfstate holds %+v, want one instance with id %s\noutput:\n%s", insts, wantID, out)
	}
	if insts[0].Status != "tainted" {
		t.Errorf("the create's instance is %q in state, want tainted", insts[0].Status)
	}
	t.Logf("terraform.tfstate holds %s (%s); the output ends:\n%s", wantID, insts[0].Status, errorPart(out))
	checkNothingOrphaned(t, srv, ws)

	convergeAfter(t, srv, ws)
}

// applyPastCreateTimeout starts a task-wait simulator with opts and
// applies a peering whose create may take taskWaitCreateTimeout. The apply
// must fail (why says what should keep it from succeeding); it returns the
// simulator, the workspace, the task tracker, the apply's output and how
// long it took.
func applyPastCreateTimeout(t *testing.T, opts cloudsim.Options, why string) (*cloudsim.Server, *workspace, *taskTracker, string, time.Duration) {
	t.Helper()
	srv, _, tr := newTaskWaitSim(t, opts)
	ws := newWorkspace(t)
	writeFile(t, ws, "main.tf", acctest.Config(srv, taskWaitPeering(fmt.Sprintf("create = %q", taskWaitCreateTimeout))))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	out, err := ws.Run(ctx, "apply", "-auto-approve", "-no-color", "-input=false")
	took := time.Since(start)
	if err == nil {
		t.Fatalf("the apply succeeded although %s:\n%s", why, out)
	}
	return srv, ws, tr, out, took
}

// TestAccTaskWait_timeoutWhileTaskUnknown gives a create 3 s while its
// task stays unknown to the task service for 6 s (and runs at once, so the
// peering exists). The create ends at its timeout; the lookup that follows
// runs past it on a context of its own, its own list task hidden for 6 s,
// and finds the peering within its 15 s: the apply fails saying it did not
// finish within 3s, and terraform.tfstate holds the peering, tainted. With
// the faults cleared the next apply converges.
func TestAccTaskWait_timeoutWhileTaskUnknown(t *testing.T) {
	t.Parallel()
	srv, ws, tr, out, took := applyPastCreateTimeout(t,
		cloudsim.Options{RandSeed: 19, Faults: cloudsim.Faults{TaskNotFoundFor: cloudsim.Duration(taskWaitHidden)}},
		"its create task was unknown past timeouts.create")
	createTask := onlyCreateTask(t, tr)
	ps := srv.Peerings()
	if len(ps) != 1 {
		t.Fatalf("the simulator holds %d peerings, want the one the create task made: %+v", len(ps), ps)
	}
	wantID := fmt.Sprintf("1001/%d", ps[0].ID)
	lists := tr.tasks(listCommand)
	t.Logf("the apply failed after %s; create task %s answered 404 %d times; lookup list tasks %v", took.Round(time.Millisecond),
		createTask, tr.unknownPolls(createTask), lists)

	if tr.unknownPolls(createTask) == 0 {
		t.Errorf("the create task %s was never answered 404", createTask)
	}
	// The timeout ends the wait, the lookup takes at most 15 s more; the
	// terraform process itself adds a few seconds.
	if bound := taskWaitCreateTimeout + taskWaitLookupBound + 10*time.Second; took > bound {
		t.Errorf("the apply took %s, beyond %s (timeouts.create and the lookup's bound)", took, bound)
	}
	checkLookupKeptTainted(t, srv, ws, tr, lists, out, wantID, createTask, "The operation did not finish within 3s (timeouts.create)")
}

// TestAccTaskWait_stuckCreateNothingFound gives a create 3 s while its task
// stays processing-in-progress forever and never takes effect. The fault is
// cleared as soon as the POST was answered, so only the create task is
// stuck and the lookup that follows the timeout completes: it finds no
// peering. The apply fails naming the create task and the import command
// to use should the task still complete; neither state nor the simulator
// holds a peering.
func TestAccTaskWait_stuckCreateNothingFound(t *testing.T) {
	t.Parallel()
	srv, log, tr := newTaskWaitSim(t, cloudsim.Options{RandSeed: 23, Faults: cloudsim.Faults{StuckTasks: true}})
	ws := newWorkspace(t)
	writeFile(t, ws, "main.tf", acctest.Config(srv, taskWaitPeering(fmt.Sprintf("create = %q", taskWaitCreateTimeout))))

	start := time.Now()
	apply := startTF(t, ws, applyTimeout, "apply", "-auto-approve", "-no-color", "-input=false")
	if !waitFor(60*time.Second, func() bool {
		_, _, answers := log.counts()
		return apply.exited() || answers[createAnswer] >= 1
	}) || apply.exited() {
		t.Fatalf("the create was never answered (exited: %v):\n%s", apply.exited(), apply.out.String())
	}
	srv.SetFaults(cloudsim.Faults{})
	if !apply.wait(time.Minute) {
		t.Fatalf("the apply did not end within a minute:\n%s", apply.out.String())
	}
	took := time.Since(start)
	out := apply.out.String()
	createTask := onlyCreateTask(t, tr)
	t.Logf("the apply exited %d after %s; create task %s; lookup list tasks %v", apply.exitCode(), took.Round(time.Millisecond), createTask, tr.tasks(listCommand))
	if apply.exitCode() == 0 {
		t.Fatalf("the apply succeeded although its create task never completed:\n%s", out)
	}
	if len(tr.tasks(listCommand)) == 0 {
		t.Errorf("no peering list was sent: the lookup did not run")
	}
	if bound := taskWaitCreateTimeout + taskWaitLookupBound + 10*time.Second; took > bound {
		t.Errorf("the apply took %s, beyond %s", took, bound)
	}
	if want := acctest.Wrapped(
		"Creating Pro peering on subscription 1001 failed",
		"The operation did not finish within 3s (timeouts.create)",
		"the create request was accepted as task "+createTask,
		"no peering of this network is listed yet",
		"Task ID: "+createTask+".",
		"No peering was saved in state, and none of this network was found on the subscription.",
		"Redis Cloud may still complete task "+createTask,
		importAdvice); !want.MatchString(out) {
		t.Errorf("the output does not name the task and the import command (%s):\n%s", want, out)
	}
	if insts := readState(t, ws); len(insts) != 0 {
		t.Errorf("terraform.tfstate holds %+v, want nothing", insts)
	}
	if ps := srv.Peerings(); len(ps) != 0 {
		t.Errorf("the simulator holds %+v, want no peering", ps)
	}
	t.Logf("the output ends:\n%s", errorPart(out))
}

// TestAccTaskWait_lookupBounded is the stuck create with the fault left
// on: the lookup's own list task is stuck too, so the lookup cannot learn
// anything. It must give up after its 15 s, and the apply fail with the
// create task, the failed lookup and the import command, saving nothing
// and not claiming that no peering was found.
func TestAccTaskWait_lookupBounded(t *testing.T) {
	t.Parallel()
	srv, ws, tr, out, took := applyPastCreateTimeout(t,
		cloudsim.Options{RandSeed: 29, Faults: cloudsim.Faults{StuckTasks: true}},
		"its create task never completed")
	createTask := onlyCreateTask(t, tr)
	lists := tr.tasks(listCommand)
	t.Logf("the apply failed after %s; create task %s; lookup list tasks %v", took.Round(time.Millisecond), createTask, lists)
	if len(lists) == 0 {
		t.Errorf("no peering list was sent: the lookup did not run")
	}
	if lower := taskWaitCreateTimeout + taskWaitLookupBound; took < lower-time.Second {
		t.Errorf("the apply ended after %s, before the lookup's %s could have run out", took, taskWaitLookupBound)
	}
	if bound := taskWaitCreateTimeout + taskWaitLookupBound + 10*time.Second; took > bound {
		t.Errorf("the apply took %s, beyond %s (timeouts.create and the lookup's bound)", took, bound)
	}
	if want := acctest.Wrapped(
		"Creating Pro peering on subscription 1001 failed",
		"The operation did not finish within 3s (timeouts.create)",
		"the create request was accepted as task "+createTask,
		"looking for the peering failed too",
		"Task ID: "+createTask+".",
		"Redis Cloud may still complete task "+createTask,
		importAdvice); !want.MatchString(out) {
		t.Errorf("the output does not name the task, the failed lookup and the import command (%s):\n%s", want, out)
	}
	// The lookup learnt nothing, so the advice must not claim that it
	// found no peering: the peering may well exist.
	if claim := acctest.Wrapped("none of this network was found"); claim.MatchString(out) {
		t.Errorf("the lookup failed, yet the advice says that no peering of this network was found:\n%s", errorPart(out))
	}
	if insts := readState(t, ws); len(insts) != 0 {
		t.Errorf("terraform.tfstate holds %+v, want nothing", insts)
	}
	if ps := srv.Peerings(); len(ps) != 0 {
		t.Errorf("the simulator holds %+v, want no peering", ps)
	}
	t.Logf("the output ends:\n%s", errorPart(out))
}
