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
	regions, err := kind.api().networks(c, ctx, sub)
	if err != nil {
		return nil, err
	}
	own := kind.api().ownRegion(region)
	var out []string
	var names []string
	for _, r := range regions {
		names = append(names, r.region)
		if own != "" && !strings.EqualFold(r.region, own) {
			continue
		}
		for _, cidr := range r.cidrs {
			if !slices.Contains(out, cidr) {
				out = append(out, cidr)
			}
		}
	}
	if len(out) == 0 {
		return nil, &noRedisCIDRsError{SubscriptionID: sub, Region: own, Regions: names}
	}
	return out, nil
}

// subscriptionNetworks reads a Pro subscription's networking from the
// subscription itself (the read SubscriptionLayout shares).
func (c *Client) subscriptionNetworks(ctx context.Context, sub int) ([]networkRegion, error) {
	s, err := c.SubscriptionLayout(ctx, sub)
	if err != nil || s.IsActiveActive() {
		return nil, err
	}
	return networkRegions(s.Regions), nil
}

// regionNetworks reads an Active-Active subscription's regions, once.
func (c *Client) regionNetworks(ctx context.Context, sub int) ([]networkRegion, error) {
	return c.networks.load(ctx, sub, func(ctx context.Context) ([]networkRegion, error) {
		regions, err := c.listRegions(ctx, sub)
		if err != nil {
			return nil, err
		}
		return networkRegions(regions), nil
	})
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
