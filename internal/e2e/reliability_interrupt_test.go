package e2e_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

const interruptedPeering = `
resource "rediscloud_subscription_peering" "test" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = "172.31.0.0/16"
}
`

// exitBound bounds how long Terraform may take to stop after a signal. It is
// a guard against hangs, not a performance figure: the measured time is
// logged.
const exitBound = 30 * time.Second

// interrupt presses Ctrl-C on a running CLI command: SIGINT to Terraform,
// which must exit (with an error) within exitBound and stop its provider
// processes. It returns the output, when the signal went and how long
// Terraform took to exit.
func interrupt(t *testing.T, run *tfRun) (out string, sent time.Time, took time.Duration) {
	t.Helper()
	providers := providerPIDs(run.cmd.Process.Pid)
	if len(providers) == 0 {
		t.Errorf("no provider process under terraform (pid %d)", run.cmd.Process.Pid)
	}
	sent = time.Now()
	if err := run.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if !run.wait(exitBound) {
		t.Fatalf("terraform did not exit within %s of SIGINT:\n%s", exitBound, run.out.String())
	}
	took = time.Since(sent)
	out = run.out.String()
	for _, pid := range providers {
		if !waitFor(10*time.Second, func() bool { return processGone(pid) }) {
			t.Errorf("the provider process %d outlived terraform", pid)
		}
	}
	if run.exitCode() == 0 {
		t.Errorf("an interrupted apply exited 0:\n%s", out)
	}
	return out, sent, took
}

// TestAccInterrupt_sigintDuringCreateWait presses Ctrl-C while a create waits
// for its new peering to leave initiating-request.
//
// The create task has completed, so the peering exists in Redis Cloud and the
// provider has its ID; the simulator holds the peering in
// initiating-request, so the provider is in its status wait. SIGINT goes to
// the terraform process, as a pipeline's cancel does; Terraform then asks
// the provider to stop (a terminal's Ctrl-C reaches the provider process
// too, which go-plugin ignores, so this is the same). The provider's context
// ends, the wait returns at once, and the create returns the state it
// recorded before waiting: Terraform must exit promptly and
// terraform.tfstate must hold the peering's ID, marked tainted, so nothing
// is orphaned. The next apply replaces the tainted peering, and at no
// moment do two peerings of the VPC exist.
func TestAccInterrupt_sigintDuringCreateWait(t *testing.T) {
	t.Parallel()
	srv, log := newLoggedSim(t, cloudsim.Options{RandSeed: 7, Faults: cloudsim.Faults{HoldTransitions: true}})
	ws := newWorkspace(t)
	writeFile(t, ws, "main.tf", acctest.Config(srv, interruptedPeering))

	apply := startTF(t, ws, applyTimeout, "apply", "-auto-approve", "-no-color", "-input=false")
	// The peering exists, and the provider lists the subscription's peerings:
	// it holds the ID and is in its status wait. (Only the status wait lists
	// peerings during a create of a single resource.)
	const list = "GET /v1/subscriptions/{id}/peerings -> 202"
	ok := waitFor(60*time.Second, func() bool {
		_, _, answers := log.counts()
		return apply.exited() || (len(srv.Peerings()) == 1 && answers[list] >= 2)
	})
	if !ok || apply.exited() {
		t.Fatalf("the create never reached its status wait (exited: %v):\n%s", apply.exited(), apply.out.String())
	}
	peering := srv.Peerings()[0]
	if peering.Status != cloudsim.StatusInitiatingRequest {
		t.Fatalf("the peering is %s, want %s", peering.Status, cloudsim.StatusInitiatingRequest)
	}

	out, _, took := interrupt(t, apply)
	t.Logf("terraform exited %s after SIGINT with code %d", took.Round(time.Millisecond), apply.exitCode())
	if want := acctest.Wrapped("The operation was interrupted", fmt.Sprintf("The peering exists as 1001/%d and is saved in state, marked tainted", peering.ID)); !want.MatchString(out) {
		t.Errorf("the output does not say the create was interrupted and the peering kept (%s):\n%s", want, out)
	}

	wantID := fmt.Sprintf("1001/%d", peering.ID)
	insts := readState(t, ws)
	if len(insts) != 1 || insts[0].Attributes["id"] != wantID {
		t.Fatalf("terraform.tfstate holds %+v, want one instance with id %s\noutput:\n%s", insts, wantID, out)
	}
	t.Logf("terraform.tfstate holds %s (instance status %q); the output ends:\n%s", wantID, insts[0].Status, out[max(0, strings.Index(out, "Error:")):])
	if insts[0].Status != "tainted" {
		t.Errorf("the interrupted create's instance is %q in state, want tainted", insts[0].Status)
	}

	// Once Redis Cloud completes the set-up, the next apply replaces the
	// tainted peering: the one the interrupted run made is deleted, not
	// orphaned.
	srv.SetFaults(cloudsim.Faults{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := ws.Run(ctx, "apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("the apply after the interruption failed: %v", err)
	} else if !strings.Contains(out, "1 added, 0 changed, 1 destroyed") {
		t.Errorf("the apply after the interruption did not replace the tainted peering:\n%s", out)
	}
	left := srv.Peerings()
	if len(left) != 1 || left[0].ID == peering.ID {
		t.Errorf("after the replacement the simulator holds %+v; want one peering other than %d", left, peering.ID)
	}
	if st := srv.Stats(); st.MaxConcurrentPeeringsPerVPC != 1 || st.PeeringsDeleted != 1 {
		t.Errorf("MaxConcurrentPeeringsPerVPC = %d, PeeringsDeleted = %d; want 1 and 1", st.MaxConcurrentPeeringsPerVPC, st.PeeringsDeleted)
	}
}

// TestAccInterrupt_hardKillDuringCreate kills terraform and the provider
// (SIGKILL, as an OOM killer or a CI runner's hard timeout does) while a
// create's task is still running.
//
// Nothing can be saved at that moment: the task has not completed, so the
// ID is not known, and neither process lives to write anything. Redis Cloud
// completes the task regardless, so the peering exists outside any state.
// The next apply must not create a second peering of the same VPC: the API
// refuses it (VPC_PEERING_ALREADY_EXIST), and the provider's error names the
// existing peering and the exact import command. Following that advice
// brings the peering under management with nothing left to change. Should
// the kill land after the ID was saved, the next apply simply finds it in
// state; either way exactly one peering is ever created.
func TestAccInterrupt_hardKillDuringCreate(t *testing.T) {
	t.Parallel()
	srv, _ := newLoggedSim(t, cloudsim.Options{RandSeed: 11, TaskLatency: 2 * time.Second})
	ws := newWorkspace(t)
	writeFile(t, ws, "main.tf", acctest.Config(srv, interruptedPeering))

	apply := startTF(t, ws, applyTimeout, "apply", "-auto-approve", "-no-color", "-input=false")
	const createTask = "vpcPeeringCreateRequest"
	if !waitFor(60*time.Second, func() bool { return apply.exited() || srv.Stats().TasksByCommand[createTask] >= 1 }) || apply.exited() {
		t.Fatalf("the create was never sent (exited: %v):\n%s", apply.exited(), apply.out.String())
	}
	providers := providerPIDs(apply.cmd.Process.Pid)
	if len(providers) == 0 {
		t.Fatalf("no provider process under terraform (pid %d)", apply.cmd.Process.Pid)
	}
	for _, pid := range providers {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatalf("killing provider %d: %v", pid, err)
		}
	}
	if err := apply.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	if !apply.wait(exitBound) {
		t.Fatal("terraform survived SIGKILL")
	}
	for _, pid := range providers {
		if !waitFor(10*time.Second, func() bool { return processGone(pid) }) {
			t.Errorf("provider process %d still runs after SIGKILL", pid)
		}
	}
	t.Logf("killed terraform (pid %d) and the provider %v; the peerings then: %d", apply.cmd.Process.Pid, providers, len(srv.Peerings()))

	// Redis Cloud finishes the task on its own.
	if !waitFor(30*time.Second, func() bool { return len(srv.Peerings()) == 1 }) {
		t.Fatalf("the create task never completed: %+v", srv.Peerings())
	}
	peering := srv.Peerings()[0]
	id := fmt.Sprintf("1001/%d", peering.ID)
	var saved bool
	for _, in := range readState(t, ws) {
		saved = saved || in.Attributes["id"] == id
	}
	t.Logf("peering %s exists %s after the kill; saved in state: %v", id, time.Since(killedAt).Round(time.Millisecond), saved)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := ws.Run(ctx, "apply", "-auto-approve", "-no-color", "-input=false")
	importCmd := "terraform import rediscloud_subscription_peering.<name> " + id
	switch {
	case saved && err != nil:
		t.Fatalf("the ID was saved, yet the next apply failed: %v", err)
	case !saved && err == nil:
		t.Fatalf("the next apply succeeded although the peering %s was in no state:\n%s", id, out)
	case !saved:
		if !strings.Contains(out, importCmd) {
			t.Fatalf("the duplicate error does not give the import command %q:\n%s", importCmd, out)
		}
		t.Logf("the next apply refused the duplicate:\n%s", out)

		// Follow the advice: import, then nothing is left to change.
		if out, err := ws.Run(ctx, "import", "-no-color", "-input=false", "rediscloud_subscription_peering.test", id); err != nil {
			t.Fatalf("the advised import failed: %v\n%s", err, out)
		}
		plan := ws.Command(ctx, nil, "plan", "-detailed-exitcode", "-no-color", "-input=false")
		planOut, err := plan.CombinedOutput()
		if err != nil {
			t.Errorf("after the import the plan is not empty (%v):\n%s", err, planOut)
		}
	}

	st := srv.Stats()
	if st.PeeringsCreated != 1 || st.MaxConcurrentPeeringsPerVPC != 1 || len(srv.Peerings()) != 1 {
		t.Errorf("PeeringsCreated = %d, MaxConcurrentPeeringsPerVPC = %d, peerings = %d; want 1, 1, 1",
			st.PeeringsCreated, st.MaxConcurrentPeeringsPerVPC, len(srv.Peerings()))
	}
}
