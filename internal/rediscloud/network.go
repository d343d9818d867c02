package rediscloud

import (
	"context"
	"net/netip"
	"slices"
	"strings"
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
// *noRedisCIDRsError.
func (c *Client) RedisCIDRs(ctx context.Context, kind Kind, sub int, region string) ([]string, error) {
	ctx = c.logContext(ctx)
	var regions []networkRegion
	if kind.api().regional {
		var err error
		regions, err = c.networks.load(ctx, sub, func(ctx context.Context) ([]networkRegion, error) {
			regions, err := c.listRegions(ctx, sub)
			if err != nil {
				return nil, err
			}
			return networkRegions(regions), nil
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
		if kind.api().regional && !strings.EqualFold(r.region, region) {
			continue
		}
		for _, cidr := range r.cidrs {
			if !slices.Contains(out, cidr) {
				out = append(out, cidr)
			}
		}
	}
	if len(out) == 0 {
		e := &noRedisCIDRsError{SubscriptionID: sub, Regions: names}
		if kind.api().regional {
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
