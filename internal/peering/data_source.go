package peering

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/tfvalues"
)

// peeringDataSource looks up one peering of a Pro subscription or, with
// list, lists the peerings of a subscription of its kind.
type peeringDataSource struct {
	peeringType
	list bool
}

func (d *peeringDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.typeName
	if d.list {
		resp.TypeName += "s"
	}
}

func (d *peeringDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	d.client, _ = req.ProviderData.(*rediscloud.Client)
}

func (d *peeringDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	if d.list {
		resp.Schema = d.spec.listSchema(ctx)
	} else {
		resp.Schema = d.spec.lookupSchema(ctx)
	}
}

func (d *peeringDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	if d.list {
		return nil
	}
	by := []path.Expression{path.MatchRoot("peering_id")}
	for _, c := range clouds {
		by = append(by, path.MatchRoot(c.network))
	}
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(by...)}
}

func (d *peeringDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	t := tfvalues.TypeOf(ctx, req.Config.Schema.Type())
	m := t.Load(ctx, req.Config.Raw, &resp.Diagnostics)
	sub, _ := strconv.Atoi(m.ValueString("subscription_id"))
	q, started := query(m), time.Now() // no query for a list
	op := operation{phase: reading, dataSource: true, list: d.list, sub: sub, peering: q.peeringID}
	ctx, cancel, op, ok := d.begin(ctx, op, m, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	// Only a list requested since the read began: it may follow a change of this run.
	all, err := d.client.ListPeeringsSince(ctx, d.spec.kind, sub, started)
	if err != nil {
		addListError(&resp.Diagnostics, op, err)
		return
	}
	redis := &redisCIDRsLookup{client: d.client, kind: d.spec.kind, sub: sub}
	if d.list {
		ok = d.readList(ctx, op, all, redis, m, &resp.Diagnostics)
	} else {
		ok = d.readOne(ctx, op, q, started, all, redis, m, &resp.Diagnostics)
	}
	if ok {
		resp.Diagnostics.Append(resp.State.Set(ctx, t.Raw(ctx, m))...)
	}
}

// readOne fills m with the peering q finds in all; started is when the read
// began.
func (d *peeringDataSource) readOne(ctx context.Context, op operation, q peeringQuery, started time.Time, all []rediscloud.Peering,
	redis *redisCIDRsLookup, m values, diags *diag.Diagnostics) bool {
	p, ce := findPeering(op.sub, q, all)
	if ce != nil {
		op.addError(diags, ce, "")
		return false
	}
	if status := m.ValueString("wait_for_status"); status != "" {
		op.peering = p.ID
		var err error
		if p, err = d.client.WaitPeeringStatus(ctx, d.spec.kind, op.sub, p.ID, started, status); err != nil {
			diags.AddAttributeError(path.Root("wait_for_status"), op.summary(), op.describe(err, op.defaultAdvice(err)))
			return false
		}
	}
	setElement(m, d.client.Shown(p), redis.value(ctx, p.SourceRegion))
	redis.warn(diags, "peering "+formatID(op.sub, p.ID))
	tflog.Info(ctx, "found peering", map[string]any{"id": formatID(op.sub, p.ID), "status": p.Status})
	return true
}

// readList fills m with the peerings of all its configuration filters.
func (d *peeringDataSource) readList(ctx context.Context, op operation, all []rediscloud.Peering, redis *redisCIDRsLookup, m values, diags *diag.Diagnostics) bool {
	f := d.spec.filterOf(m)
	kept := d.shown(f, all)
	if len(kept) == 0 && f.sourceRegion != "" {
		// An empty answer may hide a misspelt region.
		if s, err := d.client.GetSubscription(ctx, op.sub); err == nil {
			if msg := missingRegion(s, f.sourceRegion); msg != "" {
				diags.AddAttributeError(path.Root(d.spec.peeredRegion), op.summary(), msg)
				return false
			}
		}
	}
	var ds diag.Diagnostics
	m["peerings"], ds = peeringList(ctx, m["peerings"].Type(ctx), kept, func(p *rediscloud.Peering) types.List { return redis.value(ctx, p.SourceRegion) })
	diags.Append(ds...)
	redis.warn(diags, fmt.Sprintf("the peerings of subscription %d", op.sub))
	m["id"] = types.StringValue(d.spec.listID(op.sub, f))
	tflog.Info(ctx, "read peerings", map[string]any{"subscription_id": op.sub, "listed": len(all), "kept": len(kept)})
	return true
}

// setElement fills a data source's peering m from p and its redis_cidrs.
func setElement(m values, p *rediscloud.Peering, redis types.List) {
	setPeering(m, p, false)
	m["redis_cidrs"] = redis
}

// peeringList is the peerings attribute, of type t, ordered by peering ID so
// that outputs do not churn.
func peeringList(ctx context.Context, t attr.Type, peerings []rediscloud.Peering, redis func(*rediscloud.Peering) types.List) (types.List, diag.Diagnostics) {
	sorted := slices.Clone(peerings)
	slices.SortStableFunc(sorted, func(a, b rediscloud.Peering) int { return a.ID - b.ID })
	elemType := t.(types.ListType).ElemType
	elem := tfvalues.TypeOf(ctx, elemType)
	elems := make([]attr.Value, len(sorted))
	var diags diag.Diagnostics
	for i := range sorted {
		m := elem.Load(ctx, tftypes.Value{}, &diags)
		setElement(m, &sorted[i], redis(&sorted[i]))
		obj, d := types.ObjectValue(elem.Attrs, m)
		elems[i] = obj
		diags.Append(d...)
	}
	list, d := types.ListValue(elemType, elems)
	return list, append(diags, d...)
}

// listID is the ID of a list data source: the subscription, then the
// filters, "*" standing for any peered region ("2001/*/active").
func (s *kindSpec) listID(sub int, f peeringFilter) string {
	parts := []string{strconv.Itoa(sub)}
	if s.peeredRegion != "" && (f.sourceRegion != "" || f.status != "") {
		parts = append(parts, cmp.Or(f.sourceRegion, "*"))
	}
	if f.status != "" {
		parts = append(parts, f.status)
	}
	return strings.Join(parts, "/")
}

// addListError reports a failed list of the data source op reads.
func addListError(diags *diag.Diagnostics, op operation, err error) {
	typeName := op.spec.resourceTypeName()
	if op.list {
		typeName = op.spec.listTypeName()
	}
	switch {
	case rediscloud.IsNotFound(err):
		diags.AddAttributeError(path.Root("subscription_id"), op.summary(), op.describe(err, ""))
	case rediscloud.IsWrongSubscriptionKind(err):
		other := op.spec.other()
		diags.AddAttributeError(path.Root("subscription_id"), op.summary(), op.describe(err,
			fmt.Sprintf("Subscription %d is %s subscription, so %s cannot read it: use the %s data source for it.", op.sub, other.subscriptionPhrase, typeName, other.listTypeName())))
	default:
		diags.AddError(op.summary(), op.describe(err, op.defaultAdvice(err)))
	}
}

// peeringFilter is the filters of the list data sources and list resources.
type peeringFilter struct {
	status       string
	sourceRegion string // the kind's peeredRegion attribute
}

// filterOf is the filter configured in cfg.
func (s *kindSpec) filterOf(cfg values) peeringFilter {
	return peeringFilter{status: cfg.ValueString("status"), sourceRegion: cfg.ValueString(s.peeredRegion)}
}

// shown is the peerings f keeps, as they may be shown (Client.Shown).
func (t *peeringType) shown(f peeringFilter, all []rediscloud.Peering) []rediscloud.Peering {
	kept := f.apply(all)
	for i := range kept {
		kept[i] = *t.client.Shown(&kept[i])
	}
	return kept
}

func (f peeringFilter) apply(peerings []rediscloud.Peering) []rediscloud.Peering {
	out := []rediscloud.Peering{}
	for _, p := range peerings {
		if (f.status == "" || strings.EqualFold(p.Status, f.status)) && (f.sourceRegion == "" || strings.EqualFold(p.SourceRegion, f.sourceRegion)) {
			out = append(out, p)
		}
	}
	return out
}

// peeringQuery is what the lookup looks for: a cloud's network attribute's
// value, or else peering_id; optionally narrowed by an owner attribute's.
type peeringQuery struct {
	peeringID         int
	by, value         string
	owner, ownerValue string
}

// query is what the lookup's configuration m looks for.
func query(m values) peeringQuery {
	q := peeringQuery{peeringID: int(tfvalues.Get[types.Int64](m, "peering_id").ValueInt64())}
	for _, c := range clouds { // the validators allow one of each
		if v := m.ValueString(c.network); v != "" {
			q.by, q.value = c.network, v
		}
		if v := m.ValueString(c.owner); v != "" {
			q.owner, q.ownerValue = c.owner, v
		}
	}
	return q
}

func (q peeringQuery) attribute() string { return cmp.Or(q.by, "peering_id") }

func (q peeringQuery) String() string {
	s := "peering_id " + strconv.Itoa(q.peeringID)
	if q.by != "" {
		s = fmt.Sprintf("%s %q", q.by, q.value)
	}
	if q.owner != "" {
		s += fmt.Sprintf(" and %s %q", q.owner, q.ownerValue)
	}
	return s
}

func (q peeringQuery) matches(p *rediscloud.Peering) bool {
	if q.by == "" && p.ID != q.peeringID || q.by != "" && value(p, q.by) != q.value {
		return false
	}
	return q.owner == "" || value(p, q.owner) == q.ownerValue
}

// maxDescribedPeerings bounds how many peerings an error message lists.
const maxDescribedPeerings = 20

// findPeering is the one peering q matches, or why there is not one.
func findPeering(sub int, q peeringQuery, peerings []rediscloud.Peering) (*rediscloud.Peering, *configError) {
	var found, all []*rediscloud.Peering
	for i := range peerings {
		all = append(all, &peerings[i])
		if q.matches(&peerings[i]) {
			found = append(found, &peerings[i])
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(peerings) == 0:
		return nil, &configError{attribute: q.attribute(), msg: fmt.Sprintf("No peering of subscription %d has %s: the subscription has no peerings.", sub, q)}
	case len(found) == 0:
		return nil, &configError{attribute: q.attribute(), msg: fmt.Sprintf("No peering of subscription %d has %s; its peerings are: %s.", sub, q, describePeerings(all))}
	}
	hint := ""
	for _, c := range clouds {
		if q.by == c.network && q.owner == "" {
			hint = fmt.Sprintf(", or set %s to narrow the match", c.owner)
		}
	}
	ids := make([]string, len(found))
	for i, p := range found {
		ids[i] = strconv.Itoa(p.ID)
	}
	return nil, &configError{attribute: q.attribute(), msg: fmt.Sprintf("%d peerings of subscription %d have %s: %s. Look the one you mean up by peering_id (one of %s) instead%s.",
		len(found), sub, q, describePeerings(found), strings.Join(ids, ", "), hint)}
}

func describePeerings(peerings []*rediscloud.Peering) string {
	parts := make([]string, 0, min(len(peerings), maxDescribedPeerings)+1)
	for i, p := range peerings {
		if i == maxDescribedPeerings {
			parts = append(parts, fmt.Sprintf("and %d more", len(peerings)-i))
			break
		}
		parts = append(parts, describePeering(p))
	}
	return strings.Join(parts, "; ")
}

// accountListParallelism bounds the subscriptions listed at once for a whole
// account: the API runs an account's tasks one at a time, so more would queue.
const accountListParallelism = 4

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
	op := operation{phase: listing, dataSource: true, list: true, spec: l.spec, redact: l.client.Redact}
	failed := func(summary string, err error) diag.Diagnostic {
		return diag.NewErrorDiagnostic(cmp.Or(summary, op.summary()), op.describe(err, op.defaultAdvice(err)))
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
			return nil, failed("", errs[i])
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

// redisCIDRsLookup reads redis_cidrs for the peerings of one operation, and
// gathers what could not be read into one warning.
type redisCIDRsLookup struct {
	client *rediscloud.Client
	kind   rediscloud.Kind
	sub    int
	failed []string
}

// value is redis_cidrs of a peering of region, null when it cannot be read.
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

func (l *redisCIDRsLookup) warn(diags *diag.Diagnostics, what string) {
	if len(l.failed) > 0 {
		diags.AddWarning("redis_cidrs not known",
			fmt.Sprintf("The Redis Cloud side's CIDR blocks of %s could not be read: %s. redis_cidrs stays null until a later refresh reads them, "+
				"and routes built from it are missing until then.", what, strings.Join(l.failed, "; ")))
	}
}
