package cloudsim

import (
	"net/http"
	"testing"
	"time"
)

const (
	proPath  = "/v1/subscriptions/1001/peerings"
	otherVPC = `{"region":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-0a1b2c3d4e5f0002","vpcCidr":"192.168.1.0/24"}`
)

// run submits a call and returns its task d later.
func (h *harness) run(method, path, body string, d time.Duration) refTask {
	h.t.Helper()
	first := h.submit(method, path, body)
	h.clock.Advance(d)
	return h.task(first.TaskID)
}

// subscriptionStatus reads GET /subscriptions/{id}.
func (h *harness) subscriptionStatus(sub string) string {
	h.t.Helper()
	r := h.request("GET", "/v1/subscriptions/"+sub, "")
	var s refSubscription
	strictDecode(h.t, r.body, &s)
	return s.Status
}

// TestChangeConflict429 walks a create's change on the 429 form: from the
// answer that accepted it until its peering leaves initiating-request, every
// other change of the subscription is refused with 429, before any task
// exists; lists and other subscriptions are not affected, and the
// subscription shows active throughout.
func TestChangeConflict429(t *testing.T) {
	const lat, trans = 2 * time.Second, 20 * time.Second
	h := newHarness(t, Options{TaskLatency: lat, TransitionLatency: trans, ChangeConflict: ChangeConflict429})
	first := h.submit("POST", proPath, awsBody)

	refused := func(when, method, path, body string, retryAfter string) {
		t.Helper()
		r := h.request(method, path, body)
		if r.code != http.StatusTooManyRequests || r.header.Get("Retry-After") != retryAfter {
			t.Fatalf("%s: %s %s answered %d (Retry-After %q), want 429 with Retry-After %s: %s",
				when, method, path, r.code, r.header.Get("Retry-After"), retryAfter, r.body)
		}
		var e refSpringError
		strictDecode(t, r.body, &e)
		if e.Status != 429 || e.Path != path {
			t.Errorf("body %+v", e)
		}
	}
	// While the create task runs (it ends at 2 s, its peering settles at
	// 22 s): Retry-After is the time until the change is over.
	refused("task running", "POST", proPath, otherVPC, "2")
	h.clock.Advance(lat)
	refused("peering initiating", "POST", proPath, otherVPC, "20")
	refused("peering initiating", "PUT", proPath+"/500", `{"vpcCidr":"192.168.2.0/24"}`, "20")
	refused("peering initiating", "DELETE", proPath+"/500", "", "20")
	// Lists, reads and other subscriptions go on.
	if status := h.subscriptionStatus("1001"); status != "active" {
		t.Errorf("subscription %s while a change runs, want active (the 429 form shows nothing)", status)
	}
	if got := h.run("GET", proPath, "", lat); got.Status != taskCompleted {
		t.Errorf("list while the change runs: %+v", got.Response)
	}
	if got := h.run("POST", "/v1/subscriptions/1002/peerings", gcpBody, lat); got.Status != taskCompleted {
		t.Errorf("a create on another subscription: %+v", got.Response)
	}
	if got := h.task(first.TaskID); got.Status != taskCompleted {
		t.Fatalf("the accepted create: %+v", got)
	}
	h.clock.Set(epoch.Add(lat + trans - time.Nanosecond))
	refused("just before the transition", "POST", proPath, otherVPC, "1")

	// Over once the peering left initiating-request.
	h.clock.Advance(time.Nanosecond)
	second := h.submit("POST", proPath, otherVPC)
	h.clock.Advance(lat)
	if got := h.task(second.TaskID); got.Status != taskCompleted {
		t.Fatalf("the create after the change: %+v", got)
	}
	st := h.sim.Stats()
	if st.ChangesRefused != 5 || st.TasksByCommand["vpcPeeringCreateRequest"] != 3 || st.MaxConcurrentPeeringsPerVPC != 1 {
		t.Errorf("stats: %d refused, %v tasks, %d per VPC; want 5, 3 creates, 1", st.ChangesRefused, st.TasksByCommand, st.MaxConcurrentPeeringsPerVPC)
	}
	if st.Throttled != 0 {
		t.Errorf("%d throttled: the change conflicts are not the rate limit's", st.Throttled)
	}
}

// TestChangeConflictTask walks a create's change on the task form: the
// subscription shows pending while it runs, a change sent then gets a task
// that fails with SUBSCRIPTION_NOT_ACTIVE (when it completes, whatever the
// state then), and so does a list that completes while the change runs.
func TestChangeConflictTask(t *testing.T) {
	const lat, trans = 2 * time.Second, 20 * time.Second
	h := newHarness(t, Options{TaskLatency: lat, TransitionLatency: trans, ChangeConflict: ChangeConflictTask})
	if status := h.subscriptionStatus("1001"); status != "active" {
		t.Fatalf("subscription %s before any change", status)
	}
	first := h.submit("POST", proPath, awsBody)
	if status := h.subscriptionStatus("1001"); status != "pending" {
		t.Errorf("subscription %s while the create task is queued, want pending", status)
	}
	// A second create sent now is accepted with a task; it runs after the
	// first (2-4 s) and fails, though the first's task is over by then.
	second := h.submit("POST", proPath, otherVPC)
	h.clock.Advance(2 * lat)
	if got := h.task(first.TaskID); got.Status != taskCompleted {
		t.Fatalf("the accepted create: %+v", got)
	}
	got := h.task(second.TaskID)
	if got.Status != taskError || got.Response.Error.Type != "SUBSCRIPTION_NOT_ACTIVE" || got.Response.Error.Status != "403 FORBIDDEN" {
		t.Fatalf("the create sent while the first ran: %+v", got.Response)
	}
	// The peering is initiating-request: the change still runs. The
	// account's list of subscriptions shows the same.
	var all refSubscriptionList
	strictDecode(t, h.request("GET", "/v1/subscriptions", "").body, &all)
	for _, s := range all.Subscriptions {
		if want := map[bool]string{true: "pending", false: "active"}[s.ID == 1001]; s.Status != want {
			t.Errorf("GET /subscriptions: %d is %s, want %s", s.ID, s.Status, want)
		}
	}
	list := h.submit("GET", proPath, "")
	h.clock.Advance(lat)
	if got := h.task(list.TaskID); got.Status != taskError || got.Response.Error.Type != "SUBSCRIPTION_NOT_ACTIVE" {
		t.Fatalf("a list completing while the change runs: %+v", got.Response)
	}
	// Once the peering settled, the subscription is active again and
	// everything goes through.
	h.clock.Set(epoch.Add(lat + trans))
	if status := h.subscriptionStatus("1001"); status != "active" {
		t.Errorf("subscription %s after the change, want active", status)
	}
	if got := h.run("GET", proPath, "", lat); got.Status != taskCompleted {
		t.Errorf("list after the change: %+v", got.Response)
	}
	third := h.submit("POST", proPath, otherVPC)
	h.clock.Advance(lat)
	if got := h.task(third.TaskID); got.Status != taskCompleted {
		t.Fatalf("the create after the change: %+v", got)
	}
	st := h.sim.Stats()
	if st.ChangesRefused != 1 || st.ListsRefused != 1 || st.MaxConcurrentPeeringsPerVPC != 1 || st.PeeringsCreated != 2 {
		t.Errorf("stats %+v", st)
	}
}

// TestChangeConflictEnds: what ends a change besides its peering settling.
func TestChangeConflictEnds(t *testing.T) {
	const lat, trans = time.Second, 10 * time.Second
	newH := func(t *testing.T, opts Options) *harness {
		opts.TaskLatency, opts.TransitionLatency, opts.ChangeConflict = lat, trans, ChangeConflict429
		return newHarness(t, opts)
	}
	free := func(h *harness, when string) {
		h.t.Helper()
		if r := h.request("POST", proPath, otherVPC); r.code != http.StatusAccepted {
			h.t.Fatalf("%s: %d %s", when, r.code, r.body)
		}
	}
	busy := func(h *harness, when string) {
		h.t.Helper()
		if r := h.request("POST", proPath, otherVPC); r.code != http.StatusTooManyRequests {
			h.t.Fatalf("%s: %d %s, want 429", when, r.code, r.body)
		}
	}

	t.Run("a failed change ends with its task", func(t *testing.T) {
		h := newH(t, Options{})
		h.submit("POST", proPath, `{"region":"us-east-1","awsAccountId":"1","vpcId":"vpc-1","vpcCidr":"192.168.0.0/24"}`)
		busy(h, "while the failing task runs")
		h.clock.Advance(lat)
		free(h, "after it failed")
	})
	t.Run("a delete ends with its task", func(t *testing.T) {
		h := newH(t, Options{})
		id, err := h.sim.AddPeering(PeeringInfo{SubscriptionID: 1001, VPCID: "vpc-1", AWSAccountID: "123456789012", CIDRs: []string{"192.168.5.0/24"}})
		if err != nil {
			t.Fatal(err)
		}
		h.submit("DELETE", proPath+"/"+itoa(id), "")
		busy(h, "while the delete runs")
		h.clock.Advance(lat)
		free(h, "after it")
	})
	t.Run("an update runs until its CIDRs take effect", func(t *testing.T) {
		h := newH(t, Options{CIDRApplyLatency: 5 * time.Second})
		id, err := h.sim.AddPeering(PeeringInfo{SubscriptionID: 1001, VPCID: "vpc-1", AWSAccountID: "123456789012", CIDRs: []string{"192.168.5.0/24"}})
		if err != nil {
			t.Fatal(err)
		}
		h.submit("PUT", proPath+"/"+itoa(id), `{"vpcCidr":"192.168.6.0/24"}`)
		h.clock.Advance(lat + 5*time.Second - time.Nanosecond)
		busy(h, "before the CIDRs took effect")
		h.clock.Advance(time.Nanosecond)
		free(h, "once they did")
	})
	t.Run("a forced status or an out-of-band delete ends a create's change", func(t *testing.T) {
		h := newH(t, Options{})
		h.submit("POST", proPath, awsBody)
		h.clock.Advance(lat)
		busy(h, "initiating-request")
		if err := h.sim.SetPeeringStatus(500, StatusFailed); err != nil {
			t.Fatal(err)
		}
		free(h, "after the status was forced") // this create (501) now runs
		h.clock.Advance(lat)
		busy(h, "peering 501 initiating-request")
		if err := h.sim.DeletePeering(501); err != nil {
			t.Fatal(err)
		}
		free(h, "after the peering was deleted out of band")
	})
	t.Run("held transitions hold the change", func(t *testing.T) {
		h := newH(t, Options{Faults: Faults{HoldTransitions: true}})
		h.submit("POST", proPath, awsBody)
		h.clock.Advance(time.Minute)
		busy(h, "transitions held")
		h.sim.SetFaults(Faults{})
		free(h, "released")
	})
	t.Run("a stuck task takes no subscription", func(t *testing.T) {
		h := newH(t, Options{Faults: Faults{StuckTasks: true}})
		h.submit("POST", proPath, awsBody)
		free(h, "beside a stuck create")
	})
	t.Run("off lets changes overlap", func(t *testing.T) {
		h := newHarness(t, Options{TaskLatency: lat, TransitionLatency: trans})
		h.submit("POST", proPath, awsBody)
		free(h, "with change conflicts off")
		if st := h.sim.Stats(); st.ChangesRefused != 0 {
			t.Errorf("refused %d", st.ChangesRefused)
		}
	})
	t.Run("switched at run time", func(t *testing.T) {
		h := newHarness(t, Options{TaskLatency: lat, TransitionLatency: trans})
		h.submit("POST", proPath, awsBody)
		h.control("PUT", "/__sim/config", `{"changeConflict":"task"}`)
		// The create accepted before is not tracked; the next one is.
		second := h.submit("POST", proPath, otherVPC)
		h.submit("POST", proPath, `{"region":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-3","vpcCidr":"192.168.3.0/24"}`)
		h.clock.Advance(3 * lat)
		if got := h.task(second.TaskID); got.Status != taskCompleted {
			t.Fatalf("the first tracked change: %+v", got.Response)
		}
		if st := h.sim.Stats(); st.ChangesRefused != 1 {
			t.Errorf("refused %d, want 1", st.ChangesRefused)
		}
	})
}

// TestCIDRApplyLatency: a completed update's CIDRs show in lists only after
// the CIDR latency; meanwhile lists show the old ones. A later update
// replaces what is pending, and a delete leaves nothing to apply.
func TestCIDRApplyLatency(t *testing.T) {
	const apply = 5 * time.Second
	h := newHarness(t, Options{CIDRApplyLatency: apply})
	id := h.createPro(1001, awsBody)
	h.clock.Advance(time.Second)
	up := h.mustComplete("PUT", proPath+"/"+itoa(id), `{"vpcCidrs":["192.168.7.0/24","192.168.8.0/24"]}`)
	if *up.Response.ResourceID != id {
		t.Fatalf("update task %+v", up)
	}
	if p := h.proPeering(1001, id); p.VPCCidr != "192.168.0.0/24" || p.VPCCidrs != nil {
		t.Fatalf("list right after the update: %+v, want the old CIDR", p)
	}
	if info, _ := h.sim.Peering(id); len(info.PendingCIDRs) != 2 {
		t.Errorf("control view %+v", info)
	}
	h.clock.Advance(apply - time.Nanosecond)
	if p := h.proPeering(1001, id); p.VPCCidr != "192.168.0.0/24" {
		t.Fatalf("list before the latency: %+v", p)
	}
	// A second update before the first took effect replaces it, and is
	// timed from its own task.
	h.mustComplete("PUT", proPath+"/"+itoa(id), `{"vpcCidr":"192.168.9.0/24"}`)
	h.clock.Advance(apply - time.Nanosecond)
	if p := h.proPeering(1001, id); p.VPCCidr != "192.168.0.0/24" {
		t.Fatalf("list before the second update's latency: %+v", p)
	}
	h.clock.Advance(time.Nanosecond)
	if p := h.proPeering(1001, id); p.VPCCidr != "192.168.9.0/24" || p.VPCCidrs != nil {
		t.Fatalf("list after the latency: %+v", p)
	}
	// A delete before the CIDRs took effect.
	h.mustComplete("PUT", proPath+"/"+itoa(id), `{"vpcCidr":"192.168.10.0/24"}`)
	h.mustComplete("DELETE", proPath+"/"+itoa(id), "")
	h.clock.Advance(apply)
	if ps := h.sim.Peerings(); len(ps) != 0 {
		t.Fatalf("after the delete: %+v", ps)
	}
}
