package peering

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

func init() {
	dataSources = append(dataSources,
		func() datasource.DataSource { return &peeringsDataSource{spec: proSpec} },
		func() datasource.DataSource { return &peeringsDataSource{spec: activeActiveSpec} },
	)
}

var _ datasource.DataSourceWithConfigure = (*peeringsDataSource)(nil)

// peeringsDataSource implements both list data sources; spec says which.
type peeringsDataSource struct {
	spec   *kindSpec
	client *rediscloud.Client
}

// listTypeName is the full type name of the kind's list data source.
func (s *kindSpec) listTypeName() string { return "rediscloud_" + s.typeName + "s" }

// other is the spec of the other subscription kind.
func (s *kindSpec) other() *kindSpec {
	if s.kind == rediscloud.ActiveActive {
		return proSpec
	}
	return activeActiveSpec
}

func (d *peeringsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.typeName + "s"
}

func (d *peeringsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.spec.peeringsSchema(ctx)
}

func (d *peeringsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = configuredClient(req.ProviderData, &resp.Diagnostics)
}

// configuredClient is the API client the provider hands every resource,
// data source and list resource.
func configuredClient(providerData any, diags *diag.Diagnostics) *rediscloud.Client {
	if providerData == nil {
		return nil
	}
	client, ok := providerData.(*rediscloud.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *rediscloud.Client, got %T.", providerData))
	}
	return client
}

var peeringStatuses = []string{
	rediscloud.StatusInitiatingRequest, rediscloud.StatusPendingAcceptance, rediscloud.StatusActive,
	rediscloud.StatusInactive, rediscloud.StatusFailed,
}

func (s *kindSpec) peeringsSchema(ctx context.Context) schema.Schema {
	var description, idDescription string
	attrs := map[string]schema.Attribute{
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
	if s.kind == rediscloud.ActiveActive {
		attrs["source_region"] = schema.StringAttribute{
			MarkdownDescription: "Lists only the peerings of this region of the subscription, such as `us-east-1` (AWS) or `us-central1` (GCP). " +
				"It must be one of the subscription's regions. Leave it out to list the peerings of every region.",
			Optional:   true,
			Validators: anyRegionValidators(),
		}
		idDescription = "The subscription and the filters: `<subscription_id>`, `<subscription_id>/<source_region>`, " +
			"`<subscription_id>/<source_region>/<status>`, or `<subscription_id>/*/<status>` when only `status` is set."
		description = "Lists the VPC peerings of a Redis Cloud **Active-Active** subscription, AWS or GCP, in every region of the subscription " +
			"or in one (`source_region`), whoever created them: this configuration, another workspace or the Redis Cloud console.\n\n" +
			"Use it to wire routes, security groups and peering accepters to peerings managed elsewhere, or to audit them. " +
			"Peerings are ordered by `peering_id`, so outputs built from them do not change unless the peerings do. " +
			"Every CIDR of a peering is in `vpc_cidrs`. For a **Pro** subscription use `rediscloud_subscription_peerings`."
	} else {
		idDescription = "The subscription and the filter: `<subscription_id>`, or `<subscription_id>/<status>` when `status` is set."
		description = "Lists the VPC peerings of a Redis Cloud **Pro** subscription, AWS or GCP, whoever created them: " +
			"this configuration, another workspace or the Redis Cloud console.\n\n" +
			"Use it to wire routes, security groups and peering accepters to peerings managed elsewhere, or to audit them. " +
			"Peerings are ordered by `peering_id`, so outputs built from them do not change unless the peerings do. " +
			"Every CIDR of a peering is in `vpc_cidrs`. To find one peering by its VPC or network, use the `rediscloud_subscription_peering` data source; " +
			"for an **Active-Active** subscription use `rediscloud_active_active_subscription_peerings`."
	}
	attrs["id"] = schema.StringAttribute{MarkdownDescription: idDescription, Computed: true}
	return schema.Schema{
		MarkdownDescription: description,
		Attributes:          attrs,
		Blocks:              map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
}

// peeringAttributes are the attributes describing one peering, all
// computed: the list elements, and the root of the single lookup.
func (s *kindSpec) peeringAttributes() map[string]schema.Attribute {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	attrs := map[string]schema.Attribute{
		"peering_id": schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("The peering's numeric ID in Redis Cloud. `<subscription_id>/<peering_id>` imports it into `rediscloud_%s`.", s.typeName),
			Computed:            true,
		},
		"provider_name":  computed("Cloud provider of the peering: `AWS` or `GCP`."),
		"status":         computed("Status of the peering: `initiating-request`, `pending-acceptance` (AWS: accept `aws_peering_id` on your side), `inactive` (GCP: create the reciprocal peering), `active`, or `failed`."),
		"aws_account_id": computed("AWS only: the ID of the AWS account that owns the peered VPC."),
		"aws_peering_id": computed("AWS only: the VPC peering connection ID (`pcx-…`) to accept, for example with `aws_vpc_peering_connection_accepter`."),
		"vpc_id":         computed("AWS only: the ID of the peered VPC (`vpc-…`)."),
		"vpc_cidr": computed("AWS only: the peered VPC's CIDR block when the peering has exactly one. " +
			"Null when it has several: read them all from `vpc_cidrs`."),
		"vpc_cidrs": schema.ListAttribute{
			MarkdownDescription: "AWS only: every CIDR block of the peered VPC that Redis Cloud routes to, sorted. An empty list for GCP peerings.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"gcp_project_id":         computed("GCP only: the ID of the GCP project that owns the peered network."),
		"gcp_network_name":       computed("GCP only: the name of the peered VPC network."),
		"gcp_redis_project_id":   computed("GCP only: the Redis Cloud project to peer back to from your network (`google_compute_network_peering`)."),
		"gcp_redis_network_name": computed("GCP only: the Redis Cloud VPC network to peer back to from your network."),
		"gcp_peering_id":         computed("GCP only: the name of the peering on the Redis Cloud side."),
		"redis_cidrs": schema.ListAttribute{
			MarkdownDescription: s.redisCIDRsDescription() + " Read with one request per subscription, shared by every peering listed.",
			ElementType:         types.StringType,
			Computed:            true,
		},
	}
	if s.kind == rediscloud.ActiveActive {
		attrs["source_region"] = computed("The subscription's region whose VPC is peered, such as `us-east-1` (AWS) or `us-central1` (GCP).")
		attrs["destination_region"] = computed("AWS only: the AWS region of the peered VPC.")
	} else {
		attrs["region"] = computed("AWS only: the AWS region of the peered VPC.")
	}
	return attrs
}

// peeringAttrTypes are the types of peeringAttributes, the element type of
// the peerings list.
func (s *kindSpec) peeringAttrTypes() map[string]attr.Type {
	attrs := s.peeringAttributes()
	out := make(map[string]attr.Type, len(attrs))
	for name, a := range attrs {
		out[name] = a.GetType()
	}
	return out
}

// getString reads a string attribute of the configuration; "" when null.
func getString(ctx context.Context, cfg tfsdk.Config, name string, diags *diag.Diagnostics) string {
	var v types.String
	diags.Append(cfg.GetAttribute(ctx, path.Root(name), &v)...)
	return v.ValueString()
}

// readTimeout applies the timeouts block's read value to ctx.
func readTimeout(ctx context.Context, cfg tfsdk.Config, diags *diag.Diagnostics) (context.Context, context.CancelFunc, time.Duration) {
	var t timeouts.Value
	diags.Append(cfg.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	timeout, d := t.Read(ctx, defaultReadTimeout)
	diags.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, timeout
}

func (d *peeringsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	diags := &resp.Diagnostics
	sub, _ := strconv.Atoi(getString(ctx, req.Config, "subscription_id", diags))
	f := peeringFilter{status: getString(ctx, req.Config, "status", diags)}
	if d.spec.kind == rediscloud.ActiveActive {
		f.sourceRegion = getString(ctx, req.Config, "source_region", diags)
	}
	ctx, cancel, timeout := readTimeout(ctx, req.Config, diags)
	defer cancel()
	if diags.HasError() {
		return
	}
	op := operation{verb: "Reading", dataSource: true, spec: d.spec, sub: sub, timeout: timeout, timeoutName: "read"}
	summary := fmt.Sprintf("Reading %s peerings of subscription %d failed", d.spec.subscriptionNoun, sub)

	all, err := d.client.ListPeerings(ctx, d.spec.kind, sub)
	if err != nil {
		addListError(diags, op, summary, d.spec.listTypeName(), err)
		return
	}
	kept := f.apply(all)
	if len(kept) == 0 && f.sourceRegion != "" {
		// An empty answer may hide a misspelt region: tell them apart.
		if msg := d.checkSourceRegion(ctx, sub, f.sourceRegion); msg != "" {
			diags.AddAttributeError(path.Root("source_region"), summary, msg)
			return
		}
	}
	redis := redisCIDRsLookup{client: d.client, kind: d.spec.kind, sub: sub}
	list, ds := peeringList(d.spec.kind, d.spec.peeringAttrTypes(), kept, func(p *rediscloud.Peering) types.List {
		return redis.value(ctx, p.SourceRegion)
	})
	redis.warn(diags, fmt.Sprintf("the peerings of subscription %d", sub))
	diags.Append(ds...)
	if diags.HasError() {
		return
	}
	diags.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue(peeringsID(d.spec.kind, sub, f)))...)
	diags.Append(resp.State.SetAttribute(ctx, path.Root("peerings"), list)...)
	tflog.Info(ctx, "read peerings", map[string]any{"subscription_id": sub, "listed": len(all), "kept": len(kept)})
}

// checkSourceRegion returns why source_region is not a region of the
// subscription, or "" when it is or the regions cannot be read.
func (d *peeringsDataSource) checkSourceRegion(ctx context.Context, sub int, region string) string {
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
		noun := "an Active-Active"
		if other.kind == rediscloud.Pro {
			noun = "a Pro (single-region)"
		}
		diags.AddAttributeError(path.Root("subscription_id"), summary, op.describe(err,
			fmt.Sprintf("Subscription %d is %s subscription, so %s cannot read it: use the %s data source for it.", op.sub, noun, typeName, other.listTypeName())))
	default:
		diags.AddError(summary, op.describe(err, op.defaultAdvice(err)))
	}
}
