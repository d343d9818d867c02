// Package peering implements the provider's types for VPC peerings of Redis
// Cloud subscriptions, on AWS or GCP: the rediscloud_subscription_peering (Pro)
// and rediscloud_active_active_subscription_peering resources; the
// rediscloud_subscription_peering data source, which looks up one Pro
// peering; the rediscloud_subscription_peerings and
// rediscloud_active_active_subscription_peerings data sources, which list
// them; and, for `terraform query`, a list resource per resource.
//
// One implementation serves both kinds of subscription and both clouds.
// What differs between the kinds (their region attributes and which of
// them names the subscription region a peering belongs to, their texts,
// their state structs) is a kindSpec in kind.go; what differs between the
// clouds (the peered network's attributes, whether Redis Cloud routes to it
// by CIDR blocks, how a message tells its peerings apart, what makes one
// fail) is a cloudSpec in cloud.go. Both keep their attributes in one table
// of attribute values, from which the schemas (schema.go), a
// configuration's validation and the create request (resource.go), and the
// conversion of a listed peering into any type's state (model.go) are
// built, by tfsdk name: shared code asks the specs, and never names a kind
// or a cloud. Every API call, retry and wait is in package rediscloud,
// which has the same two strategies for the wire (kindAPI and cloudAPI):
// this package maps Terraform's configuration, plan and state to it, and
// its errors to diagnostics (diagnostics.go).
//
// A third cloud is a cloudSpec in cloud.go and its fields in model.go's
// peeringAttrs; in package rediscloud, a cloudAPI with its fields in
// Peering and CreatePeeringRequest, and its wire fields. A third kind is a
// kindSpec with its state structs in kind.go, its constructors here and
// their registration in the provider, and a kindAPI in package rediscloud.
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
