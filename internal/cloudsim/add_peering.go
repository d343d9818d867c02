package cloudsim

import (
	"fmt"
	"strings"
)

// AddPeering inserts a peering directly, without a task, for tests of
// import and data sources. Kind and Provider default to the subscription's;
// Status defaults to pending-acceptance (AWS) or inactive (GCP), and the
// Redis-side identifiers are generated unless given. An explicit ID is used
// if free; otherwise the next ID is taken. "initiating-request" makes the
// peering transition as a new one would.
func (s *Sim) AddPeering(in PeeringInfo) (int, error) {
	s.lock()
	defer s.mu.Unlock()
	sub := s.subs[in.SubscriptionID]
	if sub == nil {
		return 0, fmt.Errorf("%w: subscription %d", ErrNotFound, in.SubscriptionID)
	}
	p, err := s.buildAddedPeering(sub, in)
	if err != nil {
		return 0, err
	}
	id, err := s.claimPeeringID(in.ID)
	if err != nil {
		return 0, err
	}
	p.id = id
	s.insertPeering(p)
	s.logf("peering %d: added directly (%s)", p.id, p.status)
	// A peering added in initiating-request needs the timer armed.
	s.rearm()
	return p.id, nil
}

// buildAddedPeering turns AddPeering's input into a peering of sub with
// every default filled in, all but its ID, or says why the input does not
// fit sub. The checks run in a fixed order, so a bad input always gets the
// same error.
func (s *Sim) buildAddedPeering(sub *subscription, in PeeringInfo) (*peering, error) {
	provider, err := addedProvider(sub, in)
	if err != nil {
		return nil, err
	}
	p := &peering{
		subID:             sub.id,
		activeActive:      sub.activeActive(),
		provider:          provider,
		status:            in.Status,
		created:           s.now(),
		region:            in.Region,
		sourceRegion:      in.SourceRegion,
		destinationRegion: in.DestinationRegion,
		awsAccountID:      in.AWSAccountID,
		vpcID:             in.VPCID,
		gcpProject:        in.GCPProjectID,
		gcpNetwork:        in.GCPNetworkName,
		awsPeeringUID:     in.AWSPeeringUID,
		redisProjectUID:   in.RedisProjectUID,
		redisNetworkName:  in.RedisNetworkName,
		cloudPeeringID:    in.CloudPeeringID,
	}
	if p.activeActive {
		if err := attachSourceRegion(sub, p); err != nil {
			return nil, err
		}
	}
	if err := fillConsumerSide(sub, p, in.CIDRs); err != nil {
		return nil, err
	}
	s.settleAddedStatus(p)
	return p, nil
}

// addedProvider checks that an added peering is of the kind and on the
// provider of its subscription (empty means the subscription's) and returns
// the provider.
func addedProvider(sub *subscription, in PeeringInfo) (string, error) {
	kind := KindPro
	if sub.activeActive() {
		kind = KindActiveActive
	}
	if in.Kind != "" && in.Kind != kind {
		return "", fmt.Errorf("subscription %d takes %s peerings, not %s", sub.id, kind, in.Kind)
	}
	provider := strings.ToUpper(orDefault(in.Provider, sub.provider))
	if provider != sub.provider {
		return "", fmt.Errorf("subscription %d is on %s, not %s", sub.id, sub.provider, provider)
	}
	return provider, nil
}

// attachSourceRegion ties an Active-Active peering to its Redis region, the
// subscription's first unless given.
func attachSourceRegion(sub *subscription, p *peering) error {
	if p.sourceRegion == "" {
		p.sourceRegion = sub.regions[0].name
	}
	r := sub.region(p.sourceRegion)
	if r == nil {
		return fmt.Errorf("subscription %d has no region %q", sub.id, p.sourceRegion)
	}
	p.regionID = r.id
	return nil
}

// fillConsumerSide checks that the consumer network is named and, on AWS,
// takes the CIDRs and defaults the consumer VPC's region to the Redis one.
func fillConsumerSide(sub *subscription, p *peering, cidrs []string) error {
	if p.provider != ProviderAWS {
		if p.gcpProject == "" || p.gcpNetwork == "" {
			return fmt.Errorf("a GCP peering needs gcpProjectId and gcpNetworkName")
		}
		return nil
	}
	if p.vpcID == "" || p.awsAccountID == "" {
		return fmt.Errorf("an AWS peering needs vpcId and awsAccountId")
	}
	if len(cidrs) == 0 {
		return fmt.Errorf("an AWS peering needs at least one CIDR")
	}
	for _, c := range cidrs {
		if _, err := parseCIDR(c); err != nil {
			return fmt.Errorf("CIDR %q: %w", c, err)
		}
	}
	p.cidrs = append([]string{}, cidrs...)
	if !p.activeActive && p.region == "" {
		p.region = sub.regions[0].name
	}
	if p.activeActive && p.destinationRegion == "" {
		p.destinationRegion = p.sourceRegion
	}
	return nil
}

// settleAddedStatus defaults the status to the one a new peering reaches by
// itself and, unless the peering is to start in initiating-request,
// generates the Redis-side identifiers not given.
func (s *Sim) settleAddedStatus(p *peering) {
	switch {
	case p.status == "" && p.provider == ProviderGCP:
		p.status = StatusInactive
	case p.status == "":
		p.status = StatusPendingAcceptance
	}
	if p.status != StatusInitiatingRequest {
		s.fillProviderIDs(p)
	}
}

// claimPeeringID returns the requested ID if it is in range and free, or
// the next free ID when none was requested (0).
func (s *Sim) claimPeeringID(requested int) (int, error) {
	if requested == 0 {
		return s.allocPeeringID(), nil
	}
	if requested < 0 || requested > maxInt32 {
		return 0, fmt.Errorf("peering id %d is out of range", requested)
	}
	if s.peerings[requested] != nil {
		return 0, fmt.Errorf("%w: peering %d already exists", ErrConflict, requested)
	}
	return requested, nil
}
