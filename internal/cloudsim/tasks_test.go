package cloudsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTaskProgression(t *testing.T) {
	const lat = 100 * time.Millisecond
	h := newHarness(t, Options{TaskLatency: lat})
	first := h.submit("POST", "/v1/subscriptions/1001/peerings", awsBody)
	if first.Timestamp != formatTime(epoch) {
		t.Errorf("first reply timestamp %s", first.Timestamp)
	}

	// The queue is empty, so the task starts at once.
	task := h.task(first.TaskID)
	if task.Status != taskInProgress || task.Description != "" || task.Response == nil || task.Response.ResourceID != nil {
		t.Fatalf("running task: %+v", task)
	}
	if task.Links[0].Rel != "self" {
		t.Errorf("links %+v", task.Links)
	}
	if len(h.sim.Peerings()) != 0 {
		t.Fatal("effects must wait for completion")
	}
	h.clock.Advance(lat - time.Nanosecond)
	if task = h.task(first.TaskID); task.Status != taskInProgress {
		t.Fatalf("finished early: %+v", task)
	}
	h.clock.Advance(time.Nanosecond)
	task = h.task(first.TaskID)
	if task.Status != taskCompleted || task.Description != descCompleted || *task.Response.ResourceID != 500 {
		t.Fatalf("completed task: %+v", task)
	}
	if task.Timestamp != formatTime(epoch.Add(lat)) {
		t.Errorf("completion timestamp %s, want %s", task.Timestamp, formatTime(epoch.Add(lat)))
	}
	if len(h.sim.Peerings()) != 1 {
		t.Fatal("peering not created at completion")
	}
}

func TestZeroLatencyCompletesAtCreation(t *testing.T) {
	h := newHarness(t, Options{TransitionLatency: time.Second})
	first := h.submit("POST", "/v1/subscriptions/1001/peerings", awsBody)
	// The first reply still says received, but the effect is already there.
	if ps := h.sim.Peerings(); len(ps) != 1 || ps[0].Status != StatusInitiatingRequest {
		t.Fatalf("peerings %+v", ps)
	}
	if task := h.task(first.TaskID); task.Status != taskCompleted {
		t.Fatalf("%+v", task)
	}
}

func TestSerialProcessing(t *testing.T) {
	const lat = 100 * time.Millisecond
	h := newHarness(t, Options{TaskLatency: lat})
	create := h.submit("POST", "/v1/subscriptions/1001/peerings", awsBody)
	// A second create of the same VPC, a list on another subscription, and
	// a list of the first: all queue behind the first create.
	dup := h.submit("POST", "/v1/subscriptions/1001/peerings", awsBody)
	other := h.submit("GET", "/v1/subscriptions/2001/regions/peerings", "")
	list := h.submit("GET", "/v1/subscriptions/1001/peerings", "")

	status := func() []string {
		var out []string
		for _, id := range []string{create.TaskID, dup.TaskID, other.TaskID, list.TaskID} {
			out = append(out, h.task(id).Status)
		}
		return out
	}
	steps := []struct {
		at   time.Duration
		want []string
	}{
		{0, []string{taskInProgress, taskReceived, taskReceived, taskReceived}},
		{lat, []string{taskCompleted, taskInProgress, taskReceived, taskReceived}},
		{2 * lat, []string{taskCompleted, taskError, taskInProgress, taskReceived}},
		{3 * lat, []string{taskCompleted, taskError, taskCompleted, taskInProgress}},
		{4 * lat, []string{taskCompleted, taskError, taskCompleted, taskCompleted}},
	}
	for _, st := range steps {
		h.clock.Set(epoch.Add(st.at))
		if got := status(); strings.Join(got, ",") != strings.Join(st.want, ",") {
			t.Fatalf("at +%s: %v, want %v", st.at, got, st.want)
		}
	}
	// Each task started when its predecessor ended.
	for i, id := range []string{create.TaskID, dup.TaskID, other.TaskID, list.TaskID} {
		if got, want := h.task(id).Timestamp, formatTime(epoch.Add(time.Duration(i+1)*lat)); got != want {
			t.Errorf("task %d finished at %s, want %s", i, got, want)
		}
	}
	// Effects applied in order: the duplicate saw the first peering, and the
	// list saw exactly one.
	if e := h.task(dup.TaskID).Response.Error; e.Type != "VPC_PEERING_ALREADY_EXIST" {
		t.Errorf("duplicate: %+v", e)
	}
	var pl refProList
	strictDecode(t, h.task(list.TaskID).Response.Resource, &pl)
	if len(pl.Peerings) != 1 {
		t.Errorf("list: %+v", pl)
	}
	if st := h.sim.Stats(); st.MaxConcurrentPeeringsPerVPC != 1 || st.PeeringsCreated != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestParallelTasks(t *testing.T) {
	// With parallel tasks each runs from the answer that named it: three
	// submitted together all run at once and end one latency later, and a
	// fourth submitted later ends one latency after its own answer, not
	// after the others.
	const lat = 100 * time.Millisecond
	h := newHarness(t, Options{TaskLatency: lat, ParallelTasks: true})
	a := h.submit("POST", "/v1/subscriptions/1001/peerings", awsBody)
	b := h.submit("GET", "/v1/subscriptions/2001/regions/peerings", "")
	c := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	for _, id := range []string{a.TaskID, b.TaskID, c.TaskID} {
		if st := h.task(id).Status; st != taskInProgress {
			t.Fatalf("at +0 task %s is %s, want %s", id, st, taskInProgress)
		}
	}
	h.clock.Advance(lat / 2)
	d := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	h.clock.Advance(lat / 2)
	for _, id := range []string{a.TaskID, b.TaskID, c.TaskID} {
		if got := h.task(id); got.Status != taskCompleted || got.Timestamp != formatTime(epoch.Add(lat)) {
			t.Errorf("task %s: %s at %s, want %s at +%s", id, got.Status, got.Timestamp, taskCompleted, lat)
		}
	}
	if st := h.task(d.TaskID).Status; st != taskInProgress {
		t.Fatalf("the later task is %s, want %s", st, taskInProgress)
	}
	h.clock.Advance(lat / 2)
	if got := h.task(d.TaskID); got.Status != taskCompleted || got.Timestamp != formatTime(epoch.Add(3*lat/2)) {
		t.Errorf("later task: %s at %s, want %s at +%s", got.Status, got.Timestamp, taskCompleted, 3*lat/2)
	}
	// The list that completed with the create saw its peering: effects
	// still apply in submission order.
	var pl refProList
	strictDecode(t, h.task(c.TaskID).Response.Resource, &pl)
	if len(pl.Peerings) != 1 {
		t.Errorf("list: %+v", pl)
	}
}

func TestQueueCatchesUpAfterIdle(t *testing.T) {
	// Nobody looks for a long time: every task still ends at its own
	// scheduled time, one after another.
	const lat = time.Second
	h := newHarness(t, Options{TaskLatency: lat})
	a := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	h.clock.Advance(10 * time.Second)
	b := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	c := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	h.clock.Advance(time.Hour)
	for id, want := range map[string]time.Duration{a.TaskID: lat, b.TaskID: 11 * time.Second, c.TaskID: 12 * time.Second} {
		if got := h.task(id).Timestamp; got != formatTime(epoch.Add(want)) {
			t.Errorf("task ended %s, want +%s", got, want)
		}
	}
}

func TestEffectsApplyAgainstStateAtCompletion(t *testing.T) {
	const lat = 100 * time.Millisecond
	t.Run("subscription goes pending while queued", func(t *testing.T) {
		h := newHarness(t, Options{TaskLatency: lat})
		task := h.submit("POST", "/v1/subscriptions/1001/peerings", awsBody)
		_ = h.sim.SetSubscriptionStatus(1001, "pending")
		h.clock.Advance(lat)
		if e := h.task(task.TaskID).Response.Error; e == nil || e.Type != "SUBSCRIPTION_NOT_ACTIVE" {
			t.Fatalf("%+v", e)
		}
	})
	t.Run("peering deleted out of band before the delete task runs", func(t *testing.T) {
		h := newHarness(t, Options{})
		id := h.createPro(1001, awsBody)
		h.sim.SetTaskLatency(lat)
		task := h.submit("DELETE", "/v1/subscriptions/1001/peerings/500", "")
		_ = h.sim.DeletePeering(id)
		h.clock.Advance(lat)
		if e := h.task(task.TaskID).Response.Error; e == nil || e.Type != "VPC_PEERING_NOT_FOUND" {
			t.Fatalf("%+v", e)
		}
	})
	t.Run("list is a snapshot of its completion time", func(t *testing.T) {
		h := newHarness(t, Options{TaskLatency: lat})
		list := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
		h.clock.Advance(lat)
		_, _ = h.sim.AddPeering(PeeringInfo{SubscriptionID: 1001, VPCID: "vpc-1", AWSAccountID: "123456789012", CIDRs: []string{"192.168.0.0/24"}})
		var pl refProList
		strictDecode(t, h.task(list.TaskID).Response.Resource, &pl)
		if len(pl.Peerings) != 0 {
			t.Errorf("snapshot changed after completion: %+v", pl)
		}
	})
	t.Run("update replaces the CIDRs and delete removes", func(t *testing.T) {
		h := newHarness(t, Options{})
		if id := h.createAA(2001, aaAWSBody); id != 500 {
			t.Fatalf("id %d", id)
		}
		h.mustComplete("PUT", "/v1/subscriptions/2001/regions/peerings/500", `{"vpcCidrs":["172.16.0.0/16","172.17.0.0/16"]}`)
		p, _ := h.sim.Peering(500)
		if strings.Join(p.CIDRs, ",") != "172.16.0.0/16,172.17.0.0/16" {
			t.Errorf("cidrs %v", p.CIDRs)
		}
		h.mustComplete("DELETE", "/v1/subscriptions/2001/regions/peerings/500", "")
		if len(h.sim.Peerings()) != 0 {
			t.Error("not deleted")
		}
		if st := h.sim.Stats(); st.PeeringsDeleted != 1 || st.PeeringsCreated != 1 {
			t.Errorf("stats %+v", st)
		}
	})
}

func TestStuckTasksDoNotBlockTheQueue(t *testing.T) {
	const lat = 50 * time.Millisecond
	h := newHarness(t, Options{TaskLatency: lat, Faults: Faults{StuckTasks: true}})
	stuck := h.submit("POST", "/v1/subscriptions/1001/peerings", awsBody)
	h.sim.SetFaults(Faults{})
	next := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	h.clock.Advance(lat)
	if got := h.task(next.TaskID).Status; got != taskCompleted {
		t.Errorf("task behind a stuck one: %s", got)
	}
	h.clock.Advance(time.Hour)
	if got := h.task(stuck.TaskID); got.Status != taskInProgress || len(h.sim.Peerings()) != 0 {
		t.Errorf("stuck task: %+v", got)
	}
}

func TestTaskList(t *testing.T) {
	h := newHarness(t, Options{TaskLatency: time.Second})
	a := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	h.clock.Advance(100 * time.Millisecond)
	b := h.submit("GET", "/v1/subscriptions/1002/peerings", "")
	h.clock.Advance(100 * time.Millisecond)
	c := h.submit("GET", "/v1/subscriptions/2001/regions/peerings", "")

	// a runs (updated at 0), b and c wait (updated when received).
	var obj refTasks
	strictDecode(t, h.request("GET", "/v1/tasks", "").body, &obj)
	ids := func(ts []refTask) string {
		var s []string
		for _, t := range ts {
			s = append(s, t.TaskID)
		}
		return strings.Join(s, ",")
	}
	if got, want := ids(obj.Tasks), strings.Join([]string{c.TaskID, b.TaskID, a.TaskID}, ","); got != want {
		t.Errorf("order %s, want most recent first %s", got, want)
	}
	h.clock.Advance(time.Second) // a done at +1s: now the most recently updated
	strictDecode(t, h.request("GET", "/v1/tasks/", "").body, &obj)
	if obj.Tasks[0].TaskID != a.TaskID || obj.Tasks[0].Status != taskCompleted || obj.Tasks[0].Links[0].Rel != "self" {
		t.Errorf("first: %+v", obj.Tasks[0])
	}

	// Bare-array form, switched at run time.
	if r := h.requestWith("PUT", "/__sim/config", `{"tasksBareArray":true}`, nil); r.code != 200 {
		t.Fatalf("config: %d %s", r.code, r.body)
	}
	var arr []refTask
	strictDecode(t, h.request("GET", "/v1/tasks", "").body, &arr)
	if len(arr) != 3 {
		t.Errorf("bare array: %d tasks", len(arr))
	}

	// Ten days on, they are gone.
	h.clock.Advance(11 * 24 * time.Hour)
	strictDecode(t, h.request("GET", "/v1/tasks", "").body, &arr)
	if len(arr) != 0 {
		t.Errorf("old tasks still listed: %d", len(arr))
	}
}

func TestCommandTypes(t *testing.T) {
	want := map[string]int{
		"vpcPeeringCreateRequest": 1, "vpcPeeringGetRequest": 1, "vpcPeeringUpdateRequest": 1, "vpcPeeringDeleteRequest": 1,
		"activeActiveVpcPeeringCreateRequest": 1, "activeActiveVpcPeeringGetRequest": 1,
		"activeActiveVpcPeeringUpdateRequest": 1, "activeActiveVpcPeeringDeleteRequest": 1,
	}
	h := newHarness(t, Options{})
	for _, c := range []struct{ m, p, b string }{
		{"POST", "/v1/subscriptions/1001/peerings", awsBody},
		{"GET", "/v1/subscriptions/1001/peerings", ""},
		{"PUT", "/v1/subscriptions/1001/peerings/500", `{"vpcCidr":"192.168.3.0/24"}`},
		{"DELETE", "/v1/subscriptions/1001/peerings/500", ""},
		{"POST", "/v1/subscriptions/2001/regions/peerings", aaAWSBody},
		{"GET", "/v1/subscriptions/2001/regions/peerings", ""},
		{"PUT", "/v1/subscriptions/2001/regions/peerings/501", `{"vpcCidr":"192.168.3.0/24"}`},
		{"DELETE", "/v1/subscriptions/2001/regions/peerings/501", ""},
	} {
		h.mustComplete(c.m, c.p, c.b)
	}
	st := h.sim.Stats()
	got, _ := json.Marshal(st.TasksByCommand)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(got, wantJSON) || st.TasksCreated != 8 {
		t.Errorf("tasksByCommand %s, want %s (total %d)", got, wantJSON, st.TasksCreated)
	}
}

// TestBackgroundTimer checks, on the real clock, that tasks complete and
// peerings transition with nobody calling in.
func TestBackgroundTimer(t *testing.T) {
	events := make(chan string, 32)
	srv, err := Start(Options{
		TaskLatency:       20 * time.Millisecond,
		TransitionLatency: 30 * time.Millisecond,
		Logf: func(format string, args ...any) {
			select {
			case events <- fmt.Sprintf(format, args...):
			default:
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/subscriptions/1001/peerings", strings.NewReader(awsBody))
	req.Header.Set("x-api-key", DefaultAPIKey)
	req.Header.Set("x-api-secret-key", DefaultSecretKey)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	var completedAt time.Duration
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-events:
			if strings.Contains(ev, "vpcPeeringCreateRequest: processing-completed") {
				completedAt = time.Since(start)
			}
			if strings.Contains(ev, "peering 500: pending-acceptance") {
				if completedAt == 0 {
					t.Fatal("transition before the create completed")
				}
				if el := time.Since(start); el < 50*time.Millisecond {
					t.Errorf("transition after %s, want at least task + transition latency", el)
				}
				return
			}
		case <-deadline:
			t.Fatal("nothing happened without polling")
		}
	}
}
