// Package peering implements the provider's types for VPC peerings of Redis
// Cloud subscriptions, on AWS or GCP: the rediscloud_subscription_peering (Pro)
// and rediscloud_active_active_subscription_peering resources; the
// rediscloud_subscription_peering data source, which looks up one Pro
// peering; the rediscloud_subscription_peerings and
// rediscloud_active_active_subscription_peerings data sources, which list
// them; and, for `terraform query`, a list resource per resource.
//
// One implementation serves both kinds of subscription and both clouds.
// What differs between the kinds (region attributes, texts, whether a
// peering belongs to one region of the subscription) is held by a kind
// spec, one in kind_pro.go and one in kind_active_active.go; what differs
// between the clouds (the peered network's attributes, which of them a
// configuration needs, whether it is routed by CIDR blocks, what makes a
// peering fail) by a cloud spec in cloud.go. The shared code asks the specs
// and never compares kinds or cloud names. Every API call, retry and wait
// is in package rediscloud, which has the same two strategies for the wire
// (kindAPI and cloudAPI in its peering.go): this package maps Terraform's
// configuration, plan and state to it, and its errors to diagnostics. The
// provider registers the types through the New constructors.
//
// A third cloud is a cloudSpec in cloud.go and a cloudAPI in
// rediscloud/peering.go, with its fields in rediscloud.Peering and
// CreatePeeringRequest (peering.go) and in the wire struct (wire.go), and
// its attributes in the model structs (model.go, data_source_model.go):
// five production files. A third kind is a kindSpec file here, its
// registration in the provider, and a kindAPI in rediscloud/peering.go.
package peering

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// NewSubscriptionPeeringResource is rediscloud_subscription_peering.
func NewSubscriptionPeeringResource() resource.Resource {
	return &peeringResource{peeringType{spec: proSpec}}
}

// NewActiveActiveSubscriptionPeeringResource is
// rediscloud_active_active_subscription_peering.
func NewActiveActiveSubscriptionPeeringResource() resource.Resource {
	return &peeringResource{peeringType{spec: activeActiveSpec}}
}

// NewSubscriptionPeeringDataSource is the rediscloud_subscription_peering
// data source.
func NewSubscriptionPeeringDataSource() datasource.DataSource {
	return &peeringDataSource{peeringType{spec: proSpec}}
}

// NewSubscriptionPeeringsDataSource is rediscloud_subscription_peerings.
func NewSubscriptionPeeringsDataSource() datasource.DataSource {
	return &peeringListDataSource{peeringType{spec: proSpec}}
}

// NewActiveActiveSubscriptionPeeringsDataSource is
// rediscloud_active_active_subscription_peerings.
func NewActiveActiveSubscriptionPeeringsDataSource() datasource.DataSource {
	return &peeringListDataSource{peeringType{spec: activeActiveSpec}}
}

// NewSubscriptionPeeringListResource lists rediscloud_subscription_peering
// for `terraform query`.
func NewSubscriptionPeeringListResource() list.ListResource {
	return &peeringListResource{peeringType{spec: proSpec}}
}

// NewActiveActiveSubscriptionPeeringListResource lists
// rediscloud_active_active_subscription_peering for `terraform query`.
func NewActiveActiveSubscriptionPeeringListResource() list.ListResource {
	return &peeringListResource{peeringType{spec: activeActiveSpec}}
}

// peeringType is what every type holds: its kind, and the API client the
// provider configured.
type peeringType struct {
	spec   *kindSpec
	client *rediscloud.Client
}

func configuredClient(providerData any, diags *diag.Diagnostics) *rediscloud.Client {
	client, ok := providerData.(*rediscloud.Client)
	if !ok && providerData != nil {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *rediscloud.Client, got %T.", providerData))
	}
	return client
}
