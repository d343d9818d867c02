package peering

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"golang.org/x/sync/errgroup"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// accountListParallelism bounds how many subscriptions' peering lists run
// at once when a query lists a whole account: the API processes an
// account's tasks one at a time anyway, so more would only queue.
const accountListParallelism = 4

var (
	_ list.ListResource              = (*peeringListResource)(nil)
	_ list.ListResourceWithConfigure = (*peeringListResource)(nil)
)

// peeringListResource finds existing peerings of one kind for `terraform
// query` (Terraform 1.14 and later), with their identity and, when asked,
// the full resource, so that `-generate-config-out` writes resource and
// import blocks for them. Each peering resource has one, under its name.
type peeringListResource struct{ peeringType }

// config reads the list block's configuration: the subscription, and the
// filter.
func (l *peeringListResource) config(ctx context.Context, cfg tfsdk.Config) (sub types.String, f peeringFilter, diags diag.Diagnostics) {
	fields := map[string]any{"subscription_id": &sub, "status": new(types.String)}
	if l.spec.peeredRegion != "" {
		fields[l.spec.peeredRegion] = new(types.String)
	}
	for name, v := range fields {
		diags.Append(cfg.GetAttribute(ctx, path.Root(name), v)...)
	}
	return sub, filterOf(l.spec, fields), diags
}

func (l *peeringListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + l.spec.typeName
}

func (l *peeringListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.client = configuredClient(req.ProviderData, &resp.Diagnostics)
}

func (l *peeringListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = l.spec.querySchema()
}

func (l *peeringListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	sub, f, diags := l.config(ctx, req.Config)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if l.client == nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{diag.NewErrorDiagnostic("Provider not configured", "The provider has no API client.")})
		return
	}
	ctx = l.client.MaskKeys(ctx)
	peerings, err := l.find(ctx, sub.ValueString())
	if err != nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{err})
		return
	}
	peerings = f.apply(peerings)
	for i := range peerings {
		peerings[i] = *l.client.Shown(&peerings[i])
	}
	tflog.Info(ctx, "listed peerings for a query", map[string]any{"kind": l.spec.kind.String(), "found": len(peerings)})
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range peerings {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			if !push(l.result(ctx, req, &peerings[i])) {
				return
			}
		}
	}
}

// find lists the peerings of the configured subscription, or of every
// subscription of this kind in the account, ordered by subscription and
// peering ID. Any subscription that cannot be listed fails the whole
// query, named: a partial answer would look complete.
func (l *peeringListResource) find(ctx context.Context, v string) ([]rediscloud.Peering, diag.Diagnostic) {
	op := operation{verb: "Listing", dataSource: true, spec: l.spec, redact: l.client.Redact}
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

// result is one query result: the identity, a name a person can read and,
// when asked, the resource in the form its configuration would take.
func (l *peeringListResource) result(ctx context.Context, req list.ListRequest, p *rediscloud.Peering) list.ListResult {
	r := req.NewListResult(ctx)
	// "Pro peering 1001/500 (AWS, vpc-… of account … in us-east-1, active)"
	r.DisplayName = fmt.Sprintf("%s peering %d/%s", l.spec.subscriptionNoun, p.SubscriptionID, describePeering(p))
	r.Diagnostics.Append(setIdentity(ctx, r.Identity, p.SubscriptionID, p.ID)...)
	if req.IncludeResource {
		m := l.spec.newModel()
		m.base().Timeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
			"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
		})}
		m.base().VPCCidrs = types.SetNull(types.StringType)
		// A computed attribute read from the subscription, not from the
		// peering: not part of a configuration, and not worth a read here.
		m.base().RedisCIDRs = types.ListNull(types.StringType)
		r.Diagnostics.Append(setFromPeering(ctx, m, p)...)
		// One CIDR is configured as vpc_cidr, several as vpc_cidrs: the
		// two are exclusive in a configuration.
		if b := m.base(); !b.VPCCidr.IsNull() {
			b.VPCCidrs = types.SetNull(types.StringType)
		}
		r.Diagnostics.Append(r.Resource.Set(ctx, m)...)
	}
	return r
}
