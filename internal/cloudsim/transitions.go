package cloudsim

import (
	"slices"
	"time"
)

// transitionDue reports whether p should leave initiating-request at t.
func (s *Sim) transitionDue(p *peering, t time.Time) bool {
	return p.status == StatusInitiatingRequest && !p.forced && !p.created.Add(s.transitionLatency).After(t)
}

// applyTransitions moves every peering whose initiating-request phase ended
// by t, and puts into effect the updated CIDRs due by t. It runs before
// each task completion so a list sees exactly the statuses and CIDRs of its
// completion time.
func (s *Sim) applyTransitions(t time.Time) {
	s.applyCIDRs(t)
	if s.faults.HoldTransitions {
		return
	}
	var due []*peering
	for _, p := range s.peerings {
		if s.transitionDue(p, t) {
			due = append(due, p)
		}
	}
	// A fixed order keeps the random pcx IDs reproducible.
	slices.SortFunc(due, func(a, b *peering) int { return a.id - b.id })
	for _, p := range due {
		s.transition(p)
	}
}

// applyCIDRs puts into effect the CIDRs of every update due by t.
func (s *Sim) applyCIDRs(t time.Time) {
	for _, p := range s.peerings {
		if p.pendingCIDRs != nil && !p.cidrsDue.After(t) {
			p.cidrs, p.pendingCIDRs = p.pendingCIDRs, nil
			s.logf("peering %d: CIDRs %v in effect", p.id, p.cidrs)
		}
	}
}

// transition completes the Redis side of a peering: AWS waits for the
// customer to accept the pcx, GCP waits for the reciprocal peering.
func (s *Sim) transition(p *peering) {
	s.fillProviderIDs(p)
	if p.provider == ProviderGCP {
		p.status = StatusInactive
	} else {
		p.status = StatusPendingAcceptance
	}
	s.logf("peering %d: %s", p.id, p.status)
}

// fillProviderIDs sets the identifiers the Redis side creates: the pcx ID
// for AWS, the Redis project, network and peering name for GCP.
func (s *Sim) fillProviderIDs(p *peering) {
	if p.provider == ProviderGCP {
		r := s.peeringRegion(p)
		if p.redisProjectUID == "" && r != nil {
			p.redisProjectUID = r.redisProjectUID
		}
		if p.redisNetworkName == "" && r != nil {
			p.redisNetworkName = r.vpcID
		}
		if p.cloudPeeringID == "" {
			h := s.hex(11)
			p.cloudPeeringID = "redislabs-peering-" + h[:8] + "-" + h[8:]
		}
		return
	}
	if p.awsPeeringUID == "" {
		p.awsPeeringUID = "pcx-" + s.hex(17)
	}
}

// peeringRegion is the Redis-side region a peering attaches to.
func (s *Sim) peeringRegion(p *peering) *region {
	sub := s.subs[p.subID]
	if sub == nil {
		return nil
	}
	if p.activeActive {
		return sub.region(p.sourceRegion)
	}
	return sub.regions[0]
}

func (s *Sim) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[s.rng.IntN(16)]
	}
	return string(b)
}
