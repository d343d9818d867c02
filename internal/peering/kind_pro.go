package peering

import (
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// The Pro kind: rediscloud_subscription_peering and its data sources, for
// single-region subscriptions. A Pro peering has one region attribute, the
// AWS region of the peered VPC.

var proSpec = &kindSpec{
	kind:                rediscloud.Pro,
	typeName:            "subscription_peering",
	subscriptionNoun:    "Pro",
	article:             "A",
	subscriptionPhrase:  "a Pro (single-region)",
	exampleSubscription: "1234",
	awsRegionAttribute:  "region",
	resourceDescription: "Peers the VPC of a Redis Cloud **Pro** subscription with a VPC of yours on AWS or GCP.\n\n" +
		"Creating it waits until Redis Cloud has set the peering up, so that `aws_peering_id` (AWS) or " +
		"`gcp_redis_project_id` and `gcp_redis_network_name` (GCP) are known in the same apply to complete the handshake " +
		"on your side with `aws_vpc_peering_connection_accepter` or `google_compute_network_peering`. " +
		"CIDR changes are applied in place; any other change creates a new peering.",
	listDescription: "Lists the VPC peerings of a Redis Cloud **Pro** subscription, AWS or GCP, whoever created them: " +
		"this configuration, another workspace or the Redis Cloud console.\n\n" +
		"Use it to wire routes, security groups and peering accepters to peerings managed elsewhere, or to audit them. " +
		"Peerings are ordered by `peering_id`, so outputs built from them do not change unless the peerings do. " +
		"Every CIDR of a peering is in `vpc_cidrs`. To find one peering by its VPC or network, use the `rediscloud_subscription_peering` data source; " +
		"for an **Active-Active** subscription use `rediscloud_active_active_subscription_peerings`.",
	listIDDescription:       "The subscription and the filter: `<subscription_id>`, or `<subscription_id>/<status>` when `status` is set.",
	redisCIDRsSource:        "the subscription's deployment CIDRs (every networking entry of its region)",
	regionAttributes:        proRegionAttributes,
	elementRegionAttributes: proElementRegionAttributes,
	newModel:                func() model { return &proModel{} },
	newListModel:            func() listModel { return &proPeeringListModel{} },
}

func proRegionAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"region": schema.StringAttribute{
			MarkdownDescription: "AWS only, required: the AWS region of the VPC to peer with, such as `us-east-1`. Changing it creates a new peering.",
			Optional:            true,
			Validators:          awsRegionValidators(),
			PlanModifiers:       replaceString(),
		},
	}
}

func proElementRegionAttributes() map[string]dsschema.Attribute {
	return map[string]dsschema.Attribute{
		"region": computedString("AWS only: the AWS region of the peered VPC."),
	}
}

// proModel is the state of rediscloud_subscription_peering.
type proModel struct {
	baseModel
	Region types.String `tfsdk:"region"`
}

func (m *proModel) regions(r *rediscloud.CreatePeeringRequest) { r.Region = m.Region.ValueString() }

func (m *proModel) setRegions(p *rediscloud.Peering) {
	if !cloudOf(p.Provider).routed {
		m.Region = types.StringNull()
		return
	}
	m.Region = keepIfEmpty(p.Region, m.Region)
}

// redisRegion is "": a Pro subscription has one region.
func (m *proModel) redisRegion() types.String { return types.StringValue("") }

// proPeeringElement is a Pro peering in the data sources.
type proPeeringElement struct {
	peeringElement
	Region types.String `tfsdk:"region"`
}

func (e *proPeeringElement) setRegions(p *rediscloud.Peering) {
	e.Region = routedOnly(p, p.Region)
}

// proPeeringListModel is the state of rediscloud_subscription_peerings.
type proPeeringListModel struct {
	peeringListModel
	Peerings []proPeeringElement `tfsdk:"peerings"`
}

func (m *proPeeringListModel) setPeerings(peerings []rediscloud.Peering, redis func(*rediscloud.Peering) types.List) {
	m.Peerings = elements[proPeeringElement](peerings, redis)
}
