package peering

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// redis_cidrs holds the Redis Cloud side's CIDR blocks of a peering, the
// destinations a consumer VPC routes through it. The API publishes them on
// the subscription (Pro) or its regions (Active-Active), not on the
// peering; rediscloud.Client.RedisCIDRs reads them once per subscription.

func (s *kindSpec) redisCIDRsDescription() string {
	return fmt.Sprintf("The Redis Cloud side's CIDR blocks for this peering: %s. These are the destinations to route "+
		"through the peering on your side, one `aws_route` per block; GCP needs no route, as peered networks exchange subnet routes.", s.redisCIDRsSource)
}

// redisCIDRsList is the attribute value of cidrs; a null list when there
// are none.
func redisCIDRsList(cidrs []string) types.List {
	if len(cidrs) == 0 {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, len(cidrs))
	for i, c := range cidrs {
		elems[i] = types.StringValue(c)
	}
	return types.ListValueMust(types.StringType, elems)
}

// redisCIDRsLookup reads redis_cidrs for the peerings of one operation and
// gathers what could not be read into one warning.
type redisCIDRsLookup struct {
	client *rediscloud.Client
	kind   rediscloud.Kind
	sub    int
	failed []string
}

// value returns redis_cidrs of a peering from region (Active-Active: its
// source region), or a null list when it cannot be read.
func (l *redisCIDRsLookup) value(ctx context.Context, region string) types.List {
	cidrs, err := l.client.RedisCIDRs(ctx, l.kind, l.sub, region)
	if err != nil {
		tflog.Warn(ctx, "Redis-side CIDRs not read", map[string]any{"subscription_id": l.sub, "region": region, "error": err.Error()})
		if msg := l.client.Redact(err.Error()); !slices.Contains(l.failed, msg) {
			l.failed = append(l.failed, msg)
		}
		return types.ListNull(types.StringType)
	}
	return redisCIDRsList(cidrs)
}

// warn adds the warning of what could not be read, if anything; what
// names the peering or peerings.
func (l *redisCIDRsLookup) warn(diags *diag.Diagnostics, what string) {
	if len(l.failed) == 0 {
		return
	}
	diags.AddWarning("redis_cidrs not known",
		fmt.Sprintf("The Redis Cloud side's CIDR blocks of %s could not be read: %s. redis_cidrs stays null until a later refresh reads them, "+
			"and routes built from it are missing until then.", what, strings.Join(l.failed, "; ")))
}

// fillRedisCIDRs sets redis_cidrs of a resource's model when it is not
// known yet, warning when it cannot be read.
func fillRedisCIDRs(ctx context.Context, client *rediscloud.Client, kind rediscloud.Kind, sub, id int, m model, diags *diag.Diagnostics) {
	b := m.base()
	if !b.RedisCIDRs.IsNull() && !b.RedisCIDRs.IsUnknown() {
		return
	}
	l := redisCIDRsLookup{client: client, kind: kind, sub: sub}
	b.RedisCIDRs = l.value(ctx, m.redisRegion().ValueString())
	l.warn(diags, "peering "+formatID(sub, id))
}
