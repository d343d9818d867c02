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

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// Resources are the peering resources, one per kind.
func Resources() (out []func() resource.Resource) {
	for _, s := range kindSpecs {
		out = append(out, func() resource.Resource { return &peeringResource{peeringType{spec: s}} })
	}
	return out
}

// DataSources are each kind's list data source, and its lookup where it
// has one.
func DataSources() (out []func() datasource.DataSource) {
	for _, s := range kindSpecs {
		out = append(out, func() datasource.DataSource { return &peeringDataSource{peeringType{spec: s}, true} })
		if s.lookup {
			out = append(out, func() datasource.DataSource { return &peeringDataSource{peeringType{spec: s}, false} })
		}
	}
	return out
}

// ListResources list each kind's resource for `terraform query`, under its
// name (Terraform 1.14 and later).
func ListResources() (out []func() list.ListResource) {
	for _, s := range kindSpecs {
		out = append(out, func() list.ListResource { return &peeringListResource{peeringType{spec: s}} })
	}
	return out
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

// begin bounds ctx by op's timeout in the timeouts block of m, and
// completes op for diagnostics. When ok is false, diags say why and the
// operation must not run; otherwise the caller defers cancel.
func (t *peeringType) begin(ctx context.Context, op operation, m values, diags *diag.Diagnostics) (context.Context, context.CancelFunc, operation, bool) {
	timeout, d := op.phase.timeout(ctx, m)
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
