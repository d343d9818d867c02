package peering

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

var (
	_ datasource.DataSourceWithConfigure        = (*peeringDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*peeringDataSource)(nil)
)

// peeringDataSource looks up one peering of a Pro subscription; its state
// is a peeringLookupModel.
type peeringDataSource struct {
	spec   *kindSpec
	client *rediscloud.Client
}

// NewSubscriptionPeeringDataSource is the rediscloud_subscription_peering
// data source.
func NewSubscriptionPeeringDataSource() datasource.DataSource {
	return &peeringDataSource{spec: proSpec}
}

func (d *peeringDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.typeName
}

func (d *peeringDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = configuredClient(req.ProviderData, &resp.Diagnostics)
}

func (d *peeringDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("peering_id"), path.MatchRoot("vpc_id"), path.MatchRoot("gcp_network_name")),
	}
}

func (d *peeringDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := d.spec.peeringAttributes()
	attrs["id"] = schema.StringAttribute{MarkdownDescription: "`<subscription_id>/<peering_id>`, the import ID of the peering's resource.", Computed: true}
	attrs["subscription_id"] = schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("ID of the %s subscription the peering belongs to, as digits (for example `%q`).", d.spec.subscriptionNoun, d.spec.exampleSubscription),
		Required:            true,
		Validators:          subscriptionIDValidators(),
	}
	attrs["peering_id"] = schema.Int64Attribute{
		MarkdownDescription: "The peering's numeric ID in Redis Cloud. Set exactly one of `peering_id`, `vpc_id` and `gcp_network_name` to look the peering up by.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.Int64{int64validator.AtLeast(1)},
	}
	attrs["vpc_id"] = schema.StringAttribute{
		MarkdownDescription: "AWS: the ID of the peered VPC (`vpc-…`). Set exactly one of `peering_id`, `vpc_id` and `gcp_network_name` to look the peering up by.",
		Optional:            true,
		Computed:            true,
		Validators:          vpcIDValidators(),
	}
	attrs["gcp_network_name"] = schema.StringAttribute{
		MarkdownDescription: "GCP: the name of the peered VPC network. Set exactly one of `peering_id`, `vpc_id` and `gcp_network_name` to look the peering up by.",
		Optional:            true,
		Computed:            true,
		Validators:          gcpNetworkValidators(),
	}
	attrs["aws_account_id"] = schema.StringAttribute{
		MarkdownDescription: "AWS: the ID of the AWS account that owns the peered VPC. Optional: when set, only a peering of this account matches.",
		Optional:            true,
		Computed:            true,
		Validators: append(awsAccountValidators(),
			stringvalidator.ConflictsWith(path.MatchRoot("gcp_network_name"), path.MatchRoot("gcp_project_id"))),
	}
	attrs["gcp_project_id"] = schema.StringAttribute{
		MarkdownDescription: "GCP: the ID of the GCP project that owns the peered network. Optional: when set, only a peering of this project matches " +
			"(network names such as `default` repeat across projects).",
		Optional: true,
		Computed: true,
		Validators: append(gcpProjectValidators(),
			stringvalidator.ConflictsWith(path.MatchRoot("vpc_id"), path.MatchRoot("aws_account_id"))),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Looks up one VPC peering of a Redis Cloud **%s** subscription, by `peering_id` or by the peered network: "+
			"`vpc_id` (AWS) or `gcp_network_name` (GCP), optionally narrowed by `aws_account_id` or `gcp_project_id`.\n\n"+
			"Use it to complete a peering created elsewhere (another workspace, the Redis Cloud console) without importing it, for example by feeding "+
			"`aws_peering_id` to `aws_vpc_peering_connection_accepter`. The read fails, listing the subscription's peerings, when no peering matches, "+
			"and when several do. To list peerings, use `%s`; for an Active-Active subscription, `%s`.",
			d.spec.subscriptionNoun, d.spec.listTypeName(), d.spec.other().listTypeName()),
		Attributes: attrs,
		Blocks:     map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
}

func (d *peeringDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m peeringLookupModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sub, _ := strconv.Atoi(m.SubscriptionID.ValueString())
	q := m.query()
	ctx, cancel, op, ok := startRead(ctx, d.client, d.spec, sub, q.peeringID, m.Timeouts, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	all, err := d.client.ListPeerings(ctx, d.spec.kind, sub)
	if err != nil {
		addListError(&resp.Diagnostics, op, op.summary(), d.spec.resourceTypeName(), err)
		return
	}
	p, ce := findPeering(sub, q, all)
	if ce != nil {
		resp.Diagnostics.AddAttributeError(path.Root(ce.attribute), op.summary(), op.hide(ce.msg))
		return
	}
	redis := redisCIDRsLookup{client: d.client, kind: d.spec.kind, sub: sub}
	setElement(&m.proPeeringElement, d.client.Shown(p), redis.value(ctx, p.SourceRegion))
	redis.warn(&resp.Diagnostics, "peering "+formatID(sub, p.ID))
	m.ID = types.StringValue(formatID(sub, p.ID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	tflog.Info(ctx, "found peering", map[string]any{"id": formatID(sub, p.ID), "status": p.Status})
}
