package peering

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

var _ datasource.DataSourceWithConfigure = (*peeringListDataSource)(nil)

// peeringListDataSource implements both list data sources; spec says which,
// and its newListModel makes the state.
type peeringListDataSource struct {
	spec   *kindSpec
	client *rediscloud.Client
}

// NewSubscriptionPeeringsDataSource is the rediscloud_subscription_peerings
// data source.
func NewSubscriptionPeeringsDataSource() datasource.DataSource {
	return &peeringListDataSource{spec: proSpec}
}

// NewActiveActiveSubscriptionPeeringsDataSource is the
// rediscloud_active_active_subscription_peerings data source.
func NewActiveActiveSubscriptionPeeringsDataSource() datasource.DataSource {
	return &peeringListDataSource{spec: activeActiveSpec}
}

func (d *peeringListDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.typeName + "s"
}

func (d *peeringListDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.spec.peeringsSchema(ctx)
}

func (d *peeringListDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = configuredClient(req.ProviderData, &resp.Diagnostics)
}

var peeringStatuses = []string{
	rediscloud.StatusInitiatingRequest, rediscloud.StatusPendingAcceptance, rediscloud.StatusActive,
	rediscloud.StatusInactive, rediscloud.StatusFailed,
}

func (s *kindSpec) peeringsSchema(ctx context.Context) schema.Schema {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{MarkdownDescription: s.listIDDescription, Computed: true},
		"subscription_id": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("ID of the %s subscription whose peerings to list, as digits (for example `%q`).", s.subscriptionNoun, s.exampleSubscription),
			Required:            true,
			Validators:          subscriptionIDValidators(),
		},
		"status": schema.StringAttribute{
			MarkdownDescription: "Lists only the peerings with this status: `initiating-request`, `pending-acceptance`, `active`, `inactive` or `failed`. " +
				"Leave it out to list every peering.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.OneOf(peeringStatuses...)},
		},
		"peerings": schema.ListNestedAttribute{
			MarkdownDescription: "The peerings, ordered by `peering_id`. Attributes that do not apply to a peering's cloud are null.",
			Computed:            true,
			NestedObject:        schema.NestedAttributeObject{Attributes: s.peeringAttributes()},
		},
	}
	if s.multiRegion {
		attrs["source_region"] = schema.StringAttribute{
			MarkdownDescription: "Lists only the peerings of this region of the subscription, such as `us-east-1` (AWS) or `us-central1` (GCP). " +
				"It must be one of the subscription's regions. Leave it out to list the peerings of every region.",
			Optional:   true,
			Validators: anyRegionValidators(),
		}
	}
	return schema.Schema{
		MarkdownDescription: s.listDescription,
		Attributes:          attrs,
		Blocks:              map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
}

// peeringAttributes are the attributes describing one peering, all
// computed: the list elements, and the root of the single lookup.
func (s *kindSpec) peeringAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"peering_id": schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("The peering's numeric ID in Redis Cloud. `<subscription_id>/<peering_id>` imports it into `%s`.", s.resourceTypeName()),
			Computed:            true,
		},
		"provider_name": computedString("Cloud provider of the peering: `AWS` or `GCP`."),
		"status":        computedString("Status of the peering: `initiating-request`, `pending-acceptance` (AWS: accept `aws_peering_id` on your side), `inactive` (GCP: create the reciprocal peering), `active`, or `failed`."),
		"vpc_cidr": computedString("AWS only: the peered VPC's CIDR block when the peering has exactly one. " +
			"Null when it has several: read them all from `vpc_cidrs`."),
		"vpc_cidrs": schema.ListAttribute{
			MarkdownDescription: "AWS only: every CIDR block of the peered VPC that Redis Cloud routes to, sorted. An empty list for GCP peerings.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"redis_cidrs": schema.ListAttribute{
			MarkdownDescription: s.redisCIDRsDescription() + " Read with one request per subscription, shared by every peering listed.",
			ElementType:         types.StringType,
			Computed:            true,
		},
	}
	for name, a := range cloudDataSourceAttributes() {
		attrs[name] = a
	}
	for name, a := range s.elementRegionAttributes() {
		attrs[name] = a
	}
	return attrs
}

func computedString(description string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true}
}

// startRead begins a data source's read of subscription sub (and peering,
// when the lookup names it): it bounds ctx by the timeouts block's read
// value, and names the operation for diagnostics. When ok is false, diags
// say why; otherwise the caller defers cancel.
func startRead(ctx context.Context, client *rediscloud.Client, spec *kindSpec, sub, peering int, t timeouts.Value, diags *diag.Diagnostics) (context.Context, context.CancelFunc, operation, bool) {
	timeout, d := t.Read(ctx, defaultReadTimeout)
	diags.Append(d...)
	if d.HasError() {
		return ctx, nil, operation{}, false
	}
	ctx, cancel := context.WithTimeout(client.MaskKeys(ctx), timeout)
	return ctx, cancel, operation{verb: "Reading", dataSource: true, spec: spec, sub: sub, peering: peering, timeout: timeout, timeoutName: "read", redact: client.Redact}, true
}

func (d *peeringListDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m := d.spec.newListModel()
	resp.Diagnostics.Append(req.Config.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := m.base()
	sub, _ := strconv.Atoi(b.SubscriptionID.ValueString())
	f := m.filter()
	ctx, cancel, op, ok := startRead(ctx, d.client, d.spec, sub, 0, b.Timeouts, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	summary := fmt.Sprintf("Reading %s peerings of subscription %d failed", d.spec.subscriptionNoun, sub)

	all, err := d.client.ListPeerings(ctx, d.spec.kind, sub)
	if err != nil {
		addListError(&resp.Diagnostics, op, summary, d.spec.listTypeName(), err)
		return
	}
	kept := f.apply(all)
	if len(kept) == 0 && f.sourceRegion != "" {
		// An empty answer may hide a misspelt region: tell them apart.
		if msg := d.checkSourceRegion(ctx, sub, f.sourceRegion); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("source_region"), summary, msg)
			return
		}
	}
	for i := range kept {
		kept[i] = *d.client.Shown(&kept[i])
	}
	redis := redisCIDRsLookup{client: d.client, kind: d.spec.kind, sub: sub}
	m.setPeerings(kept, func(p *rediscloud.Peering) types.List { return redis.value(ctx, p.SourceRegion) })
	redis.warn(&resp.Diagnostics, fmt.Sprintf("the peerings of subscription %d", sub))
	b.ID = types.StringValue(d.spec.listID(sub, f))
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	tflog.Info(ctx, "read peerings", map[string]any{"subscription_id": sub, "listed": len(all), "kept": len(kept)})
}

// checkSourceRegion returns why source_region is not a region of the
// subscription, or "" when it is or the regions cannot be read.
func (d *peeringListDataSource) checkSourceRegion(ctx context.Context, sub int, region string) string {
	s, err := d.client.GetSubscription(ctx, sub)
	if err != nil || len(s.Regions) == 0 {
		return ""
	}
	names := make([]string, 0, len(s.Regions))
	for _, r := range s.Regions {
		if strings.EqualFold(r.Region, region) {
			return ""
		}
		names = append(names, r.Region)
	}
	return fmt.Sprintf("Subscription %d has no region %q; source_region must be one of its regions: %s.", sub, region, strings.Join(names, ", "))
}

// addListError reports a failed list in the operation wording, with what to
// do about an unknown subscription or one of the other kind; typeName is the
// data source that failed.
func addListError(diags *diag.Diagnostics, op operation, summary, typeName string, err error) {
	switch {
	case rediscloud.IsNotFound(err):
		diags.AddAttributeError(path.Root("subscription_id"), summary, op.describe(err, ""))
	case rediscloud.IsWrongSubscriptionKind(err):
		other := op.spec.other()
		diags.AddAttributeError(path.Root("subscription_id"), summary, op.describe(err,
			fmt.Sprintf("Subscription %d is %s subscription, so %s cannot read it: use the %s data source for it.", op.sub, other.subscriptionPhrase, typeName, other.listTypeName())))
	default:
		diags.AddError(summary, op.describe(err, op.defaultAdvice(err)))
	}
}
