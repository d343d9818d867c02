package peering

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"golang.org/x/sync/errgroup"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/tfvalues"
)

// accountListParallelism bounds the subscriptions listed at once for a whole
// account: the API runs an account's tasks one at a time, so more would queue.
const accountListParallelism = 4

var (
	_ list.ListResource              = (*peeringListResource)(nil)
	_ list.ListResourceWithConfigure = (*peeringListResource)(nil)
)

// peeringListResource finds a kind's peerings for `terraform query`.
type peeringListResource struct{ peeringType }

func (l *peeringListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = l.spec.querySchema()
}

func (l *peeringListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	if l.client == nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{diag.NewErrorDiagnostic("Provider not configured", "The provider has no API client.")})
		return
	}
	ctx = l.client.MaskKeys(ctx)
	cfg := tfvalues.TypeOf(ctx, req.Config.Schema.Type()).Load(ctx, req.Config.Raw, new(diag.Diagnostics))
	peerings, err := l.find(ctx, cfg.ValueString("subscription_id"))
	if err != nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{err})
		return
	}
	peerings = l.shown(l.spec.filterOf(cfg), peerings)
	tflog.Info(ctx, "listed peerings for a query", map[string]any{"kind": l.spec.kind.String(), "found": len(peerings)})
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range peerings {
			if req.Limit > 0 && int64(i) >= req.Limit || !push(l.result(ctx, req, &peerings[i])) {
				return
			}
		}
	}
}

// find lists the peerings of subscription v, or of every subscription of the
// kind. One that cannot be listed fails the query: a partial answer would
// look complete.
func (l *peeringListResource) find(ctx context.Context, v string) ([]rediscloud.Peering, diag.Diagnostic) {
	op := operation{phase: listing, dataSource: true, spec: l.spec, redact: l.client.Redact}
	failed := func(summary string, err error) diag.Diagnostic {
		return diag.NewErrorDiagnostic(summary, op.describe(err, op.defaultAdvice(err)))
	}
	var subs []int
	if sub, err := strconv.Atoi(v); err == nil {
		subs = []int{sub}
	} else {
		all, err := l.client.ListSubscriptions(ctx)
		if err != nil {
			return nil, failed(fmt.Sprintf("Listing the account's subscriptions for %s peerings failed", l.spec.subscriptionNoun), err)
		}
		for _, s := range all {
			if l.spec.owns(&s) {
				subs = append(subs, s.ID)
			}
		}
		slices.Sort(subs)
	}
	results := make([][]rediscloud.Peering, len(subs))
	errs := make([]error, len(subs))
	var g errgroup.Group
	g.SetLimit(accountListParallelism)
	for i, sub := range subs {
		g.Go(func() error {
			results[i], errs[i] = l.client.ListPeerings(ctx, l.spec.kind, sub)
			return nil
		})
	}
	_ = g.Wait() // the errors are in errs, to name the first subscription's
	for i, sub := range subs {
		if errs[i] != nil {
			op.sub = sub
			return nil, failed(fmt.Sprintf("Listing the peerings of %s subscription %d failed", l.spec.subscriptionNoun, sub), errs[i])
		}
	}
	return slices.Concat(results...), nil
}

// result is one query result, with the resource as its configuration would
// be when asked.
func (l *peeringListResource) result(ctx context.Context, req list.ListRequest, p *rediscloud.Peering) list.ListResult {
	r := req.NewListResult(ctx)
	// "Pro peering 1001/500 (AWS, vpc-… of account … in us-east-1, active)"
	r.DisplayName = fmt.Sprintf("%s peering %d/%s", l.spec.subscriptionNoun, p.SubscriptionID, describePeering(p))
	r.Diagnostics.Append(setIdentity(ctx, r.Identity, p.SubscriptionID, p.ID)...)
	if req.IncludeResource {
		// redis_cidrs stays null: it is in no configuration, so not worth a read.
		m := l.spec.resourceType().Load(ctx, tftypes.Value{}, &r.Diagnostics)
		setFromPeering(m, p)
		// One CIDR is configured as vpc_cidr, several as vpc_cidrs.
		if !tfvalues.Get[types.String](m, "vpc_cidr").IsNull() {
			m["vpc_cidrs"] = types.SetNull(types.StringType)
		}
		r.Diagnostics.Append(r.Resource.Set(ctx, l.spec.resourceType().Raw(ctx, m))...)
	}
	return r
}
