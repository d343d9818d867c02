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
// A subscription's deployment CIDRs are fixed when it is created, so the
// answer is read once per subscription for the client's life (a failed read
// is not remembered), or taken from an earlier read (SubscriptionLayout for
// Pro). Entries that are not CIDRs are skipped; when none is left, the error
// is a *noRedisCIDRsError.
func (c *Client) RedisCIDRs(ctx context.Context, kind Kind, sub int, region string) ([]string, error) {
	ctx = c.logContext(ctx)
	regions, err := kind.api().networks(c, ctx, sub)
	if err != nil {
		return nil, err
	}
	own := kind.api().ownRegion(region)
	var out, names []string
	for _, r := range regions {
		names = append(names, r.Region)
		if own != "" && !strings.EqualFold(r.Region, own) {
			continue
		}
		for _, cidr := range r.DeploymentCIDRs {
			// Only what parses as a CIDR is kept, in its canonical form:
			// whatever else a server sends never reaches state or a log.
			p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
			if err == nil && !slices.Contains(out, p.Masked().String()) {
				out = append(out, p.Masked().String())
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
func (c *Client) subscriptionNetworks(ctx context.Context, sub int) ([]SubscriptionRegion, error) {
	s, err := c.SubscriptionLayout(ctx, sub)
	if err != nil || s.IsActiveActive() {
		return nil, err
	}
	return s.Regions, nil
}
