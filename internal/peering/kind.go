package peering

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// kindSpec is everything that differs between the Pro and the Active-Active
// peering resources; all their logic is shared.
type kindSpec struct {
	kind                rediscloud.Kind
	typeName            string // without the provider prefix
	otherTypeName       string // the resource to use for the other kind
	subscriptionNoun    string
	exampleSubscription string
	resourceDescription string
	newModel            func() model
	// networkOnSubscription: the subscription's own answer holds the
	// Redis-side CIDRs (Pro), rather than its regions' (Active-Active).
	networkOnSubscription bool
}

var proSpec = &kindSpec{
	kind:                rediscloud.Pro,
	typeName:            "subscription_peering",
	otherTypeName:       "rediscloud_active_active_subscription_peering",
	subscriptionNoun:    "Pro",
	exampleSubscription: "1234",
	resourceDescription: "Peers the VPC of a Redis Cloud **Pro** subscription with a VPC of yours on AWS or GCP.\n\n" +
		"Creating it waits until Redis Cloud has set the peering up, so that `aws_peering_id` (AWS) or " +
		"`gcp_redis_project_id` and `gcp_redis_network_name` (GCP) are known in the same apply to complete the handshake " +
		"on your side with `aws_vpc_peering_connection_accepter` or `google_compute_network_peering`. " +
		"CIDR changes are applied in place; any other change creates a new peering.",
	newModel:              func() model { return &proModel{} },
	networkOnSubscription: true,
}

var activeActiveSpec = &kindSpec{
	kind:                rediscloud.ActiveActive,
	typeName:            "active_active_subscription_peering",
	otherTypeName:       "rediscloud_subscription_peering",
	subscriptionNoun:    "Active-Active",
	exampleSubscription: "2001",
	resourceDescription: "Peers the VPC of one region of a Redis Cloud **Active-Active** subscription with a VPC of yours on AWS or GCP.\n\n" +
		"An Active-Active subscription runs one VPC per region; `source_region` picks the region to peer. " +
		"Creating it waits until Redis Cloud has set the peering up, so that `aws_peering_id` (AWS) or " +
		"`gcp_redis_project_id` and `gcp_redis_network_name` (GCP) are known in the same apply. " +
		"CIDR changes are applied in place; any other change creates a new peering.",
	newModel: func() model { return &activeActiveModel{} },
}

// Resources lists the peering resources.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &peeringResource{spec: proSpec} },
		func() resource.Resource { return &peeringResource{spec: activeActiveSpec} },
	}
}

// dataSources is filled by the data source files of this package.
var dataSources []func() datasource.DataSource

// DataSources lists the peering data sources.
func DataSources() []func() datasource.DataSource {
	return dataSources
}

// aNoun is the kind's noun with its article, to start a sentence.
func (s *kindSpec) aNoun() string {
	if s.kind == rediscloud.ActiveActive {
		return "An " + s.subscriptionNoun
	}
	return "A " + s.subscriptionNoun
}
