package cloudsim

import "slices"

// insertPeering stores a new peering and records the per-VPC high-water
// mark, the number that reveals duplicate creates.
func (s *Sim) insertPeering(p *peering) {
	s.peerings[p.id] = p
	if p.id >= s.nextPeeringID {
		s.nextPeeringID = p.id + 1
	}
	s.stats.MaxConcurrentPeeringsPerVPC = max(s.stats.MaxConcurrentPeeringsPerVPC, s.peeringsOnVPC(p.vpcKey()))
}

func (s *Sim) peeringsOnVPC(key string) int {
	n := 0
	for _, q := range s.peerings {
		if q.vpcKey() == key {
			n++
		}
	}
	return n
}

// maxPeeringsPerVPC is the current highest count, the starting point after
// a stats reset.
func (s *Sim) maxPeeringsPerVPC() int {
	counts := map[string]int{}
	m := 0
	for _, p := range s.peerings {
		k := p.vpcKey()
		counts[k]++
		m = max(m, counts[k])
	}
	return m
}

func (s *Sim) sortedPeerings(filter func(*peering) bool) []*peering {
	var out []*peering
	for _, p := range s.peerings {
		if filter == nil || filter(p) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *peering) int { return a.id - b.id })
	return out
}

func (s *Sim) allocPeeringID() int {
	for s.peerings[s.nextPeeringID] != nil {
		s.nextPeeringID++
	}
	id := s.nextPeeringID
	s.nextPeeringID++
	return id
}
