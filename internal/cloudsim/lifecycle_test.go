package cloudsim

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

var pcxRE = regexp.MustCompile(`^pcx-[0-9a-f]{17}$`)

// readBack lists a peering through the API, whichever family it is in, and
// returns its status and provider identifiers.
func (h *harness) readBack(sub, id int) (status, pcx, redisProject, redisNetwork, cloudPeering string) {
	h.t.Helper()
	if sub >= 2000 {
		_, p := h.aaPeering(sub, id)
		return p.Status, p.AWSPeeringUID, p.RedisProjectUID, p.RedisNetworkName, p.CloudPeeringID
	}
	p := h.proPeering(sub, id)
	return p.Status, p.AWSPeeringUID, p.RedisProjectUID, p.RedisNetworkName, p.CloudPeeringID
}

func TestPeeringLifecycle(t *testing.T) {
	const transition = time.Second
	tests := []struct {
		name    string
		sub     int
		body    string
		gcp     bool
		network string // the Redis-side network a GCP peering reports
	}{
		{"pro aws", 1001, awsBody, false, ""},
		{"pro gcp", 1002, gcpBody, true, "c1002-us-central1-1-rlrcp"},
		{"aa aws", 2001, aaAWSBody, false, ""},
		{"aa gcp", 2002, aaGCPBody, true, "c2002-us-central1-1-rlrcp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{TransitionLatency: transition})
			var id int
			if tc.sub >= 2000 {
				id = h.createAA(tc.sub, tc.body)
			} else {
				id = h.createPro(tc.sub, tc.body)
			}
			status, pcx, project, network, cloudID := h.readBack(tc.sub, id)
			if status != StatusInitiatingRequest || pcx != "" || project != "" || network != "" || cloudID != "" {
				t.Fatalf("just created: %s %q %q %q %q", status, pcx, project, network, cloudID)
			}
			h.clock.Advance(transition - time.Millisecond)
			if status, _, _, _, _ = h.readBack(tc.sub, id); status != StatusInitiatingRequest {
				t.Fatalf("transitioned early: %s", status)
			}
			h.clock.Advance(time.Millisecond)
			status, pcx, project, network, cloudID = h.readBack(tc.sub, id)
			if tc.gcp {
				if status != StatusInactive || pcx != "" || project == "" || network != tc.network || !regexp.MustCompile(`^redislabs-peering-[0-9a-f]{8}-[0-9a-f]{3}$`).MatchString(cloudID) {
					t.Fatalf("gcp after transition: %s %q %q %q %q", status, pcx, project, network, cloudID)
				}
				// The Redis network is the subscription's networking vpcId.
				var sub refSubscription
				strictDecode(t, h.request("GET", "/v1/subscriptions/"+itoa(tc.sub), "").body, &sub)
				if sub.CloudDetails[0].Regions[0].Networking[0].VPCID != network {
					t.Errorf("redisNetworkName %q is not the subscription's network %q", network, sub.CloudDetails[0].Regions[0].Networking[0].VPCID)
				}
			} else if status != StatusPendingAcceptance || !pcxRE.MatchString(pcx) || project != "" {
				t.Fatalf("aws after transition: %s %q %q", status, pcx, project)
			}
			// Nothing happens until the customer accepts.
			h.clock.Advance(time.Hour)
			if again, _, _, _, _ := h.readBack(tc.sub, id); again != status {
				t.Fatalf("moved by itself: %s", again)
			}
			if err := h.sim.AcceptPeering(id); err != nil {
				t.Fatal(err)
			}
			after, pcx2, _, network2, _ := h.readBack(tc.sub, id)
			if after != StatusActive || pcx2 != pcx || network2 != network {
				t.Fatalf("after accept: %s %q %q", after, pcx2, network2)
			}
			// Accepting twice is harmless.
			if err := h.sim.AcceptPeering(id); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestTransitionCountsFromCompletion(t *testing.T) {
	h := newHarness(t, Options{TaskLatency: time.Second, TransitionLatency: time.Second})
	h.submit("POST", "/v1/subscriptions/1001/peerings", awsBody)
	h.clock.Advance(time.Second) // created now
	h.clock.Advance(time.Second - time.Nanosecond)
	if p, _ := h.sim.Peering(500); p.Status != StatusInitiatingRequest {
		t.Fatalf("%s", p.Status)
	}
	h.clock.Advance(time.Nanosecond)
	if p, _ := h.sim.Peering(500); p.Status != StatusPendingAcceptance {
		t.Fatalf("%s", p.Status)
	}
}

func TestListSeesTransitionsInOrder(t *testing.T) {
	// A list task that completes after a transition was due reports the new
	// status even though nobody looked at the state in between.
	h := newHarness(t, Options{TransitionLatency: 50 * time.Millisecond})
	h.createPro(1001, awsBody)
	h.sim.SetTaskLatency(100 * time.Millisecond)
	list := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	h.clock.Advance(time.Hour)
	var pl refProList
	strictDecode(t, h.task(list.TaskID).Response.Resource, &pl)
	if pl.Peerings[0].Status != StatusPendingAcceptance {
		t.Errorf("%+v", pl.Peerings[0])
	}
}

func TestAcceptWhileInitiating(t *testing.T) {
	h := newHarness(t, Options{TransitionLatency: time.Hour})
	aws := h.createPro(1001, awsBody)
	gcp := h.createPro(1002, gcpBody)
	for _, id := range []int{aws, gcp} {
		if err := h.sim.AcceptPeering(id); err != nil {
			t.Fatal(err)
		}
	}
	if p := h.proPeering(1001, aws); p.Status != StatusActive || !pcxRE.MatchString(p.AWSPeeringUID) {
		t.Errorf("aws: %+v", p)
	}
	if p := h.proPeering(1002, gcp); p.Status != StatusActive || p.RedisNetworkName == "" || p.CloudPeeringID == "" {
		t.Errorf("gcp: %+v", p)
	}
}

func TestForcedStatusesStick(t *testing.T) {
	h := newHarness(t, Options{TransitionLatency: time.Second})
	id := h.createPro(1001, awsBody)
	if err := h.sim.SetPeeringStatus(id, StatusFailed); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Hour)
	if p := h.proPeering(1001, id); p.Status != StatusFailed {
		t.Fatalf("forced failed did not stick: %+v", p)
	}
	if err := h.sim.AcceptPeering(id); !errors.Is(err, ErrConflict) {
		t.Errorf("accepting a failed peering: %v", err)
	}
	// Any status can be forced, even one the simulator never produces.
	if err := h.sim.SetPeeringStatus(id, "rejected"); err != nil {
		t.Fatal(err)
	}
	if p := h.proPeering(1001, id); p.Status != "rejected" || !pcxRE.MatchString(p.AWSPeeringUID) {
		t.Errorf("%+v", p)
	}
	// A forced initiating-request stays there too.
	if err := h.sim.SetPeeringStatus(id, StatusInitiatingRequest); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Hour)
	if p := h.proPeering(1001, id); p.Status != StatusInitiatingRequest {
		t.Errorf("%+v", p)
	}
	// Forcing pending-acceptance and accepting works.
	_ = h.sim.SetPeeringStatus(id, StatusPendingAcceptance)
	if err := h.sim.AcceptPeering(id); err != nil {
		t.Fatal(err)
	}
	if p := h.proPeering(1001, id); p.Status != StatusActive {
		t.Errorf("%+v", p)
	}
	if err := h.sim.SetPeeringStatus(id, ""); err == nil {
		t.Error("empty status accepted")
	}
	for _, err := range []error{h.sim.SetPeeringStatus(9, "failed"), h.sim.AcceptPeering(9), h.sim.DeletePeering(9), h.sim.SetSubscriptionStatus(9, "active")} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown ID: %v", err)
		}
	}
}

func TestHoldTransitions(t *testing.T) {
	h := newHarness(t, Options{Faults: Faults{HoldTransitions: true}})
	id := h.createPro(1002, gcpBody)
	h.clock.Advance(time.Hour)
	if p := h.proPeering(1002, id); p.Status != StatusInitiatingRequest {
		t.Fatalf("held peering moved: %+v", p)
	}
	h.sim.SetFaults(Faults{})
	if p := h.proPeering(1002, id); p.Status != StatusInactive {
		t.Fatalf("released peering did not transition: %+v", p)
	}
}

func TestOutOfBandDelete(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.createAA(2002, aaGCPBody)
	if err := h.sim.DeletePeering(id); err != nil {
		t.Fatal(err)
	}
	list, _ := h.listAA(2002)
	for _, r := range list.Regions {
		if len(r.VPCPeerings) != 0 {
			t.Errorf("still listed: %+v", r)
		}
	}
	if st := h.sim.Stats(); st.PeeringsDeleted != 0 {
		t.Errorf("out-of-band deletes are not API deletes: %+v", st)
	}
}

// TestUpdateNeedsTransition: an update is judged by the peering's status
// when the task completes, not when it was submitted.
func TestUpdateNeedsTransition(t *testing.T) {
	const (
		path  = "/v1/subscriptions/1001/peerings/500"
		cidr1 = `{"vpcCidr":"192.168.1.0/24"}`
		cidr2 = `{"vpcCidr":"192.168.2.0/24"}`
	)
	h := newHarness(t, Options{TransitionLatency: time.Second})
	h.createPro(1001, awsBody)
	failed := h.exec("PUT", path, cidr1)
	if e := failed.Response.Error; failed.Status != taskError || e.Type != "VPC_PEERING_NOT_ACTIVE" || e.Status != "403 FORBIDDEN" ||
		!strings.Contains(e.Description, "500") {
		t.Fatalf("update while initiating: %s %+v", failed.Status, e)
	}
	if p, _ := h.sim.Peering(500); p.CIDRs[0] != "192.168.0.0/24" {
		t.Errorf("a refused update changed the CIDRs: %v", p.CIDRs)
	}
	// Submitted while initiating, completed after the transition: accepted.
	h.sim.SetTaskLatency(2 * time.Second)
	task := h.submit("PUT", path, cidr2)
	h.clock.Advance(2 * time.Second)
	if got := h.task(task.TaskID); got.Status != taskCompleted {
		t.Fatalf("update completed after the transition: %+v", got.Response)
	}
	if p, _ := h.sim.Peering(500); p.Status != StatusPendingAcceptance || p.CIDRs[0] != "192.168.2.0/24" {
		t.Errorf("%+v", p)
	}
	// Active peerings update too.
	_ = h.sim.AcceptPeering(500)
	h.sim.SetTaskLatency(0)
	h.mustComplete("PUT", path, cidr1)
}
