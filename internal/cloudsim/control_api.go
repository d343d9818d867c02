package cloudsim

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrNotFound is wrapped by control methods given an unknown ID.
var ErrNotFound = errors.New("not found")

// ErrConflict is wrapped by control methods asked for an impossible change,
// such as accepting a failed peering.
var ErrConflict = errors.New("conflict")

func errNoPeering(id int) error { return fmt.Errorf("%w: peering %d", ErrNotFound, id) }

// Peerings returns every peering, ordered by ID.
func (s *Sim) Peerings() []PeeringInfo {
	s.lock()
	defer s.mu.Unlock()
	out := []PeeringInfo{}
	for _, p := range s.sortedPeerings(nil) {
		out = append(out, p.info())
	}
	return out
}

// Peering returns one peering.
func (s *Sim) Peering(id int) (PeeringInfo, error) {
	s.lock()
	defer s.mu.Unlock()
	p := s.peerings[id]
	if p == nil {
		return PeeringInfo{}, errNoPeering(id)
	}
	return p.info(), nil
}

// DeploymentCIDRs returns a subscription's deployment CIDR in each of its
// regions, by region name: the Redis side a peering of that region reaches.
func (s *Sim) DeploymentCIDRs(sub int) (map[string]string, error) {
	s.lock()
	defer s.mu.Unlock()
	ss := s.subs[sub]
	if ss == nil {
		return nil, fmt.Errorf("%w: subscription %d", ErrNotFound, sub)
	}
	out := make(map[string]string, len(ss.regions))
	for _, r := range ss.regions {
		out[r.name] = r.deploymentCIDR.String()
	}
	return out, nil
}

// AcceptPeering does what the customer does on their side: accepting the
// AWS pcx, or creating the reciprocal GCP peering. A peering still in
// initiating-request first completes its transition. Accepting an active
// peering is a no-op; a failed (or other forced) status cannot be accepted.
func (s *Sim) AcceptPeering(id int) error {
	s.lock()
	defer s.mu.Unlock()
	p := s.peerings[id]
	if p == nil {
		return errNoPeering(id)
	}
	switch p.status {
	case StatusInitiatingRequest:
		s.fillProviderIDs(p)
	case StatusPendingAcceptance, StatusInactive, StatusActive:
	default:
		return fmt.Errorf("%w: peering %d is %s and cannot be accepted", ErrConflict, id, p.status)
	}
	p.status = StatusActive
	p.forced = false
	s.logf("peering %d: accepted, active", id)
	return nil
}

// SetPeeringStatus forces a status (e.g. "failed"); the peering then keeps
// it until changed again through the control API.
func (s *Sim) SetPeeringStatus(id int, status PeeringStatus) error {
	if status == "" {
		return errors.New("status must not be empty")
	}
	s.lock()
	defer s.mu.Unlock()
	p := s.peerings[id]
	if p == nil {
		return errNoPeering(id)
	}
	if status != StatusInitiatingRequest {
		// Past initiating-request the Redis side exists, so lists must
		// show its identifiers whatever the status.
		s.fillProviderIDs(p)
	}
	p.status = status
	p.forced = true
	s.logf("peering %d: status forced to %s", id, status)
	return nil
}

// SetPeeringCIDRs replaces an AWS peering's consumer CIDRs at once, as a
// change made in the Redis Cloud console does.
func (s *Sim) SetPeeringCIDRs(id int, cidrs []string) error {
	s.lock()
	defer s.mu.Unlock()
	p := s.peerings[id]
	if p == nil {
		return errNoPeering(id)
	}
	p.cidrs, p.pendingCIDRs = slices.Clone(cidrs), nil
	s.logf("peering %d: CIDRs set out of band to %v", id, cidrs)
	return nil
}

// DeletePeering removes a peering at once, as if deleted out of band (in the
// console or on the cloud side).
func (s *Sim) DeletePeering(id int) error {
	s.lock()
	defer s.mu.Unlock()
	if s.peerings[id] == nil {
		return errNoPeering(id)
	}
	delete(s.peerings, id)
	s.logf("peering %d: deleted out of band", id)
	return nil
}

// SetSubscriptionStatus sets a subscription's status (pending, active,
// deleting, error, ...). The status "deleted" removes the subscription and
// its peerings, so it answers 404 from then on.
func (s *Sim) SetSubscriptionStatus(id int, status string) error {
	if status == "" {
		return errors.New("status must not be empty")
	}
	s.lock()
	defer s.mu.Unlock()
	sub := s.subs[id]
	if sub == nil {
		return fmt.Errorf("%w: subscription %d", ErrNotFound, id)
	}
	if status == subscriptionStatusDeleted {
		delete(s.subs, id)
		for pid, p := range s.peerings {
			if p.subID == id {
				delete(s.peerings, pid)
			}
		}
		s.logf("subscription %d: deleted", id)
		return nil
	}
	sub.status = status
	s.logf("subscription %d: status %s", id, status)
	return nil
}

// SetFaults replaces every fault. Out-of-range values are clamped.
func (s *Sim) SetFaults(f Faults) {
	s.lock()
	defer s.mu.Unlock()
	s.faults = f.clamped()
	// Clearing HoldTransitions may make transitions due at once.
	s.advance()
}

// Faults returns the faults in force.
func (s *Sim) Faults() Faults {
	s.lock()
	defer s.mu.Unlock()
	return s.faults
}

// SetTaskLatency changes how long each task takes from its start. Tasks
// already running keep the latency they started with.
func (s *Sim) SetTaskLatency(d time.Duration) {
	s.lock()
	defer s.mu.Unlock()
	s.taskLatency = max(d, 0)
}

// SetTransitionLatency changes how long new peerings stay
// initiating-request, measured from their creation; it applies to peerings
// still waiting too.
func (s *Sim) SetTransitionLatency(d time.Duration) {
	s.lock()
	defer s.mu.Unlock()
	s.transitionLatency = max(d, 0)
	s.advance()
}

// SetRateLimit changes the per-key limit per sliding minute; 0 turns it off.
func (s *Sim) SetRateLimit(n int) {
	s.lock()
	defer s.mu.Unlock()
	s.rateLimit = max(n, 0)
}

// Config returns the run-time configuration.
func (s *Sim) Config() Config {
	s.lock()
	defer s.mu.Unlock()
	return s.configLocked()
}

func (s *Sim) configLocked() Config {
	return Config{
		Profile:           s.profile,
		TaskLatency:       Duration(s.taskLatency),
		ParallelTasks:     s.parallelTasks,
		TransitionLatency: Duration(s.transitionLatency),
		TaskNotFoundFor:   Duration(s.taskNotFoundFor),
		CIDRApplyLatency:  Duration(s.cidrApplyLatency),
		RateLimit:         s.rateLimit,
		RateWindow:        Duration(s.rateWindow),
		CountRefused:      s.countRefused,
		OmitRetryAfter:    s.omitRetryAfter,
		ChangeConflict:    s.changeConflict,
		TasksBareArray:    s.tasksBareArray,
	}
}
