// Package peering implements the provider's VPC peering types, Pro and
// Active-Active, on AWS or GCP: a resource per kind, the Pro lookup data
// source, a list data source and a `terraform query` list resource per kind.
//
// One implementation serves every kind and cloud. What differs between the
// kinds is a kindSpec (kind.go), between the clouds a cloudSpec (cloud.go);
// both keep their attributes in one table, from which the schemas, the
// validation, the create request and the conversion of a peering into any
// type's state are built by tfsdk name, so shared code asks the specs and
// never names a kind or a cloud. Every API call, retry and wait is in package
// rediscloud; this package maps Terraform's values to it, and its errors to
// diagnostics (diagnostics.go).
//
// Every type's state is values by tfsdk name (model.go), so a third cloud is
// a cloudSpec (cloud.go), and a third kind a kindSpec (kind.go) with its
// constructors here; each also needs its counterpart in package rediscloud.
package peering

import (
	"context"
	"fmt"
	"time"

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
	return &peeringDataSource{peeringType: peeringType{spec: proSpec}}
}

// NewSubscriptionPeeringsDataSource is rediscloud_subscription_peerings.
func NewSubscriptionPeeringsDataSource() datasource.DataSource {
	return &peeringDataSource{peeringType{spec: proSpec}, true}
}

// NewActiveActiveSubscriptionPeeringsDataSource is
// rediscloud_active_active_subscription_peerings.
func NewActiveActiveSubscriptionPeeringsDataSource() datasource.DataSource {
	return &peeringDataSource{peeringType{spec: activeActiveSpec}, true}
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
// provider configured. Its Metadata and Configure serve the resources and
// the list resources, whose requests are the same.
type peeringType struct {
	spec   *kindSpec
	client *rediscloud.Client
}

func (t *peeringType) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + t.spec.typeName
}

func (t *peeringType) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	t.client = configuredClient(req.ProviderData, &resp.Diagnostics)
}

// begin bounds ctx by timeout and completes op for diagnostics; d is what
// reading the timeout said. When ok is false, diags say why and the
// operation must not run; otherwise the caller defers cancel.
func (t *peeringType) begin(ctx context.Context, op operation, timeout time.Duration, d diag.Diagnostics, diags *diag.Diagnostics) (context.Context, context.CancelFunc, operation, bool) {
	if diags.Append(d...); diags.HasError() {
		return ctx, nil, op, false
	}
	op.spec, op.timeout, op.redact = t.spec, timeout, t.client.Redact
	ctx, cancel := context.WithTimeout(t.client.MaskKeys(ctx), timeout)
	return ctx, cancel, op, true
}

func configuredClient(providerData any, diags *diag.Diagnostics) *rediscloud.Client {
	client, ok := providerData.(*rediscloud.Client)
	if !ok && providerData != nil {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *rediscloud.Client, got %T.", providerData))
	}
	return client
}
