package cloudsim

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// What a change of a peering (create, update or delete) sent while another
// change of the same subscription runs meets (Options.ChangeConflict). The
// API runs one change of a subscription at a time (reference 3.4: Redis's
// provider holds a lock per subscription for that reason), and the
// reference gives two ways it may refuse another.
const (
	// ChangeConflictOff lets changes of one subscription overlap.
	ChangeConflictOff = "off"
	// ChangeConflict429 refuses the change with HTTP 429 before any task
	// exists: the API's documented concurrency answer, "too many resources
	// are concurrently created / updated / deleted; re-submit after the
	// changes complete" (reference 8).
	ChangeConflict429 = "429"
	// ChangeConflictTask shows the subscription pending while a change runs
	// (GET /subscriptions/{id}), and gives a change sent then a task that
	// fails with SUBSCRIPTION_NOT_ACTIVE (reference 2.2, 6). A peering list
	// completing then fails the same way, as every operation on a
	// subscription that is not active does.
	ChangeConflictTask = "task"
)

// ChangeConflicts lists the values Options.ChangeConflict accepts.
func ChangeConflicts() []string {
	return []string{ChangeConflictOff, ChangeConflict429, ChangeConflictTask}
}

func checkChangeConflict(v string) error {
	switch v {
	case ChangeConflictOff, ChangeConflict429, ChangeConflictTask:
		return nil
	}
	return fmt.Errorf("changeConflict must be %q, %q or %q, got %q", ChangeConflictOff, ChangeConflict429, ChangeConflictTask, v)
}

// changeRunning reports whether a change of sub runs now. A change runs from
// the answer that accepted it until the API has carried it out: until its
// task ends and, when the task completed, until what it set going is over
// as well, that is until a created peering leaves initiating-request
// (reference 2.2: provisioning goes on after processing-completed, the
// subscription may be pending meanwhile) or updated CIDRs take effect. A
// failed change ends with its task; a stuck task never takes the
// subscription (see startChange).
func (s *Sim) changeRunning(sub *subscription) bool {
	t := sub.change
	if t == nil {
		return false
	}
	running := !t.done
	if t.done && t.status == taskCompleted {
		if p := s.peerings[t.peeringID]; p != nil && p.subID == sub.id {
			switch t.op {
			case opCreate:
				running = p.status == StatusInitiatingRequest && !p.forced
			case opUpdate:
				running = p.pendingCIDRs != nil
			}
		}
	}
	if !running {
		sub.change = nil
	}
	return running
}

// changeEnd is when the change running on sub will be over, when that is
// known yet: a task still queued behind others has no end time.
func (s *Sim) changeEnd(sub *subscription) (time.Time, bool) {
	t := sub.change
	if !t.done {
		return t.end, !t.end.IsZero()
	}
	p := s.peerings[t.peeringID]
	if t.op == opUpdate {
		return p.cidrsDue, true
	}
	return p.created.Add(s.transitionLatency), !s.faults.HoldTransitions
}

// changeConflictReply is the 429 of ChangeConflict429. Its Retry-After, when
// sent, is the time until the running change is over.
func (s *Sim) changeConflictReply(sub *subscription, path string) reply {
	now := s.now()
	rep := springReply(now, http.StatusTooManyRequests,
		"Too many resources are concurrently created, updated or deleted in the account; re-submit after the changes complete", path)
	if !s.omitRetryAfter {
		secs := 1
		if end, ok := s.changeEnd(sub); ok {
			secs = max(secs, int(math.Ceil(end.Sub(now).Seconds())))
		}
		rep.header.Set("Retry-After", strconv.Itoa(secs))
	}
	s.logf("subscription %d: a change runs; refusing %s with 429", sub.id, path)
	return rep
}

// startChange records a change just submitted: refused when another change
// of the subscription runs (its task then fails with
// SUBSCRIPTION_NOT_ACTIVE), otherwise, while changes conflict, the change
// the subscription runs. A stuck task never runs, so it does not take the
// subscription.
func (s *Sim) startChange(sub *subscription, t *task, refused bool) {
	switch {
	case refused:
		t.refused = true
		s.logf("subscription %d: a change runs; task %s will fail", sub.id, t.id)
	case s.changeConflict != ChangeConflictOff && !t.stuck:
		sub.change = t
	}
}

// subscriptionStatus is the status a subscription shows: pending while a
// change runs under ChangeConflictTask, its own status otherwise.
func (s *Sim) subscriptionStatus(sub *subscription) string {
	if sub.status == "active" && s.changeConflict == ChangeConflictTask && s.changeRunning(sub) {
		return "pending"
	}
	return sub.status
}

// busyFor reports whether task t, completing now, finds its subscription
// busy with another change: always for a change refused when sent, and
// under ChangeConflictTask for any other task while a change runs.
func (s *Sim) busyFor(t *task, sub *subscription) bool {
	if t.refused {
		return true
	}
	return s.changeConflict == ChangeConflictTask && sub.change != t && s.changeRunning(sub)
}
