package rediscloud

import (
	"context"
	"net/netip"
	"slices"
	"strings"
)

// RedisCIDRs returns the CIDR blocks of the Redis Cloud side of a peering:
// for Pro every deploymentCIDR of the subscription (region is ignored), for
// Active-Active those of its region named region.
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

func (c *Client) subscriptionNetworks(ctx context.Context, sub int) ([]SubscriptionRegion, error) {
	s, err := c.SubscriptionLayout(ctx, sub)
	if err != nil || s.IsActiveActive() {
		return nil, err
	}
	return s.Regions, nil
}
