package peering

import (
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// The Active-Active kind: rediscloud_active_active_subscription_peering and
// its list data source. An Active-Active subscription runs one VPC per
// region: a peering names the region it peers (source_region) and the AWS
// region of the peered VPC (destination_region).

var activeActiveSpec = &kindSpec{
	kind:                rediscloud.ActiveActive,
	typeName:            "active_active_subscription_peering",
	multiRegion:         true,
	subscriptionNoun:    "Active-Active",
	article:             "An",
	subscriptionPhrase:  "an Active-Active",
	exampleSubscription: "2001",
	awsRegionAttribute:  "destination_region",
	resourceDescription: "Peers the VPC of one region of a Redis Cloud **Active-Active** subscription with a VPC of yours on AWS or GCP.\n\n" +
		"An Active-Active subscription runs one VPC per region; `source_region` picks the region to peer. " +
		"Creating it waits until Redis Cloud has set the peering up, so that `aws_peering_id` (AWS) or " +
		"`gcp_redis_project_id` and `gcp_redis_network_name` (GCP) are known in the same apply. " +
		"CIDR changes are applied in place; any other change creates a new peering.",
	listDescription: "Lists the VPC peerings of a Redis Cloud **Active-Active** subscription, AWS or GCP, in every region of the subscription " +
		"or in one (`source_region`), whoever created them: this configuration, another workspace or the Redis Cloud console.\n\n" +
		"Use it to wire routes, security groups and peering accepters to peerings managed elsewhere, or to audit them. " +
		"Peerings are ordered by `peering_id`, so outputs built from them do not change unless the peerings do. " +
		"Every CIDR of a peering is in `vpc_cidrs`. For a **Pro** subscription use `rediscloud_subscription_peerings`.",
	listIDDescription: "The subscription and the filters: `<subscription_id>`, `<subscription_id>/<source_region>`, " +
		"`<subscription_id>/<source_region>/<status>`, or `<subscription_id>/*/<status>` when only `status` is set.",
	redisCIDRsSource:        "the deployment CIDR of the subscription's `source_region`",
	regionAttributes:        activeActiveRegionAttributes,
	elementRegionAttributes: activeActiveElementRegionAttributes,
	newModel:                func() model { return &activeActiveModel{} },
	newListModel:            func() listModel { return &activeActivePeeringListModel{} },
}

func activeActiveRegionAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"source_region": schema.StringAttribute{
			MarkdownDescription: "The subscription's region whose VPC is peered, such as `us-east-1` (AWS) or `us-central1` (GCP). " +
				"It must be one of the subscription's regions. Changing it creates a new peering.",
			Required:      true,
			Validators:    anyRegionValidators(),
			PlanModifiers: replaceString(),
		},
		"destination_region": schema.StringAttribute{
			MarkdownDescription: "AWS only, required: the AWS region of the VPC to peer with. Changing it creates a new peering.",
			Optional:            true,
			Validators:          awsRegionValidators(),
			PlanModifiers:       replaceString(),
		},
	}
}

func activeActiveElementRegionAttributes() map[string]dsschema.Attribute {
	return map[string]dsschema.Attribute{
		"source_region":      computedString("The subscription's region whose VPC is peered, such as `us-east-1` (AWS) or `us-central1` (GCP)."),
		"destination_region": computedString("AWS only: the AWS region of the peered VPC."),
	}
}

// activeActiveModel is the state of rediscloud_active_active_subscription_peering.
type activeActiveModel struct {
	baseModel
	SourceRegion      types.String `tfsdk:"source_region"`
	DestinationRegion types.String `tfsdk:"destination_region"`
}

func (m *activeActiveModel) regions(r *rediscloud.CreatePeeringRequest) {
	r.SourceRegion = m.SourceRegion.ValueString()
	r.Region = m.DestinationRegion.ValueString()
}

func (m *activeActiveModel) setRegions(p *rediscloud.Peering) {
	m.SourceRegion = keepIfEmpty(p.SourceRegion, m.SourceRegion)
	if !cloudOf(p.Provider).routed {
		m.DestinationRegion = types.StringNull()
		return
	}
	m.DestinationRegion = keepIfEmpty(p.Region, m.DestinationRegion)
}

// redisRegion is the source region: each region has its own Redis-side CIDRs.
func (m *activeActiveModel) redisRegion() types.String { return m.SourceRegion }

// activeActivePeeringElement is an Active-Active peering in the data sources.
type activeActivePeeringElement struct {
	peeringElement
	SourceRegion      types.String `tfsdk:"source_region"`
	DestinationRegion types.String `tfsdk:"destination_region"`
}

func (e *activeActivePeeringElement) setRegions(p *rediscloud.Peering) {
	e.SourceRegion = optionalString(p.SourceRegion)
	e.DestinationRegion = routedOnly(p, p.Region)
}

// activeActivePeeringListModel is the state of
// rediscloud_active_active_subscription_peerings.
type activeActivePeeringListModel struct {
	peeringListModel
	SourceRegion types.String                 `tfsdk:"source_region"`
	Peerings     []activeActivePeeringElement `tfsdk:"peerings"`
}

func (m *activeActivePeeringListModel) filter() peeringFilter {
	return peeringFilter{status: m.Status.ValueString(), sourceRegion: m.SourceRegion.ValueString()}
}

func (m *activeActivePeeringListModel) setPeerings(peerings []rediscloud.Peering, redis func(*rediscloud.Peering) types.List) {
	m.Peerings = elements[activeActivePeeringElement](peerings, redis)
}
