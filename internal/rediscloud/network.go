package rediscloud

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"sync"
)

// RedisCIDRs returns the CIDR blocks of the Redis Cloud side of a peering:
// the destinations a consumer VPC routes through it.
//
//   - Pro: every deploymentCIDR of the subscription's networking
//     (GET /subscriptions/{id}), all regions and entries, in the API's
//     order. A Pro subscription runs in one region; region is ignored.
//   - Active-Active: the deploymentCidr of the subscription's region named
//     region, the peering's source_region (GET /subscriptions/{id}/regions).
//
// The answer is read once per subscription for the client's life, shared by
// concurrent callers, and taken from any earlier read of the same resource
// (SubscriptionLayout for Pro): a subscription's deployment CIDRs are fixed
// when it is created. A failed read is not remembered.
// Entries that are not CIDRs are skipped; when none is left, the error is a
// *NoRedisCIDRsError.
func (c *Client) RedisCIDRs(ctx context.Context, kind Kind, sub int, region string) ([]string, error) {
	ctx = c.logContext(ctx)
	var regions []networkRegion
	if kind == ActiveActive {
		var err error
		regions, err = c.networks.get(ctx, sub, func(ctx context.Context) error {
			_, err := c.listRegions(ctx, sub)
			return err
		})
		if err != nil {
			return nil, err
		}
	} else {
		s, err := c.SubscriptionLayout(ctx, sub)
		if err != nil {
			return nil, err
		}
		if !s.IsActiveActive() {
			regions = networkRegions(s.Regions)
		}
	}
	var out []string
	var names []string
	for _, r := range regions {
		names = append(names, r.region)
		if kind == ActiveActive && !strings.EqualFold(r.region, region) {
			continue
		}
		for _, cidr := range r.cidrs {
			if !slices.Contains(out, cidr) {
				out = append(out, cidr)
			}
		}
	}
	if len(out) == 0 {
		e := &NoRedisCIDRsError{Kind: kind, SubscriptionID: sub, Regions: names}
		if kind == ActiveActive {
			e.Region = region
		}
		return nil, e
	}
	return out, nil
}

// networkRegion is a region's valid deployment CIDRs.
type networkRegion struct {
	region string
	cidrs  []string
}

// networks remembers the regions' networking of Active-Active
// subscriptions (GET /subscriptions/{id}/regions), by subscription.
type networks struct {
	mu   sync.Mutex
	seen map[int][]networkRegion
	// reading serialises the reads of one subscription, so that parallel
	// callers share the first answer.
	reading map[int]*sync.Mutex
}

func newNetworks() *networks {
	return &networks{seen: map[int][]networkRegion{}, reading: map[int]*sync.Mutex{}}
}

// networkRegions keeps the valid deployment CIDRs of each region.
func networkRegions(regions []SubscriptionRegion) []networkRegion {
	out := make([]networkRegion, 0, len(regions))
	for _, r := range regions {
		nr := networkRegion{region: r.Region}
		for _, cidr := range r.DeploymentCIDRs {
			// Only what parses as a CIDR is kept, in its canonical form:
			// whatever else a server sends never reaches state or a log.
			if p, err := netip.ParsePrefix(strings.TrimSpace(cidr)); err == nil {
				nr.cidrs = append(nr.cidrs, p.Masked().String())
			}
		}
		out = append(out, nr)
	}
	return out
}

// offer records what a read of a subscription's regions showed.
func (n *networks) offer(sub int, regions []SubscriptionRegion) {
	out := networkRegions(regions)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.seen[sub] = out
}

func (n *networks) lookup(k int) ([]networkRegion, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	r, ok := n.seen[k]
	return r, ok
}

// get returns what is known of k, calling read (which offers its answer)
// when nothing is.
func (n *networks) get(ctx context.Context, k int, read func(context.Context) error) ([]networkRegion, error) {
	if r, ok := n.lookup(k); ok {
		return r, nil
	}
	n.mu.Lock()
	m, ok := n.reading[k]
	if !ok {
		m = &sync.Mutex{}
		n.reading[k] = m
	}
	n.mu.Unlock()
	m.Lock()
	defer m.Unlock()
	if r, ok := n.lookup(k); ok {
		return r, nil
	}
	if err := read(ctx); err != nil {
		return nil, err
	}
	r, _ := n.lookup(k)
	return r, nil
}
