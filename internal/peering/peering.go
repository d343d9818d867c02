// Package peering implements the provider's VPC peering types, Pro and
// Active-Active, on AWS or GCP: a resource per kind, the Pro lookup data
// source, a list data source and a `terraform query` list resource per kind.
//
// One implementation serves every kind and cloud. What differs between the
// kinds is a kindSpec (below), between the clouds a cloudSpec (cloud.go);
// both keep their attributes in one table, from which the schemas, the
// validation, the create request and the conversion of a peering into any
// type's state are built by tfsdk name, so shared code asks the specs and
// never names a kind or a cloud. Every API call, retry and wait is in package
// rediscloud; this package maps Terraform's values to it, and its errors to
// diagnostics (diagnostics.go).
//
// Every type's state is values by tfsdk name (model.go), and the types are
// listed from kindSpecs, so a third cloud is a cloudSpec (cloud.go), and a
// third kind a kindSpec (here); each also needs its counterpart in package
// rediscloud.
package peering

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/tfvalues"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/validate"
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

// The optional interfaces of each type, or the framework skips their methods.
var (
	_ resource.ResourceWithImportState    = (*peeringResource)(nil)
	_ resource.ResourceWithValidateConfig = (*peeringResource)(nil)
	_ resource.ResourceWithIdentity       = (*peeringResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*peeringResource)(nil)

	_ datasource.DataSourceWithConfigValidators = (*peeringDataSource)(nil)
	_ list.ListResourceWithConfigure            = (*peeringListResource)(nil)
)

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

// Configure takes the provider's client, nil until the provider is
// configured.
func (t *peeringType) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	t.client, _ = req.ProviderData.(*rediscloud.Client)
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

// kindSpec is everything that differs between the Pro and the Active-Active
// peerings: proSpec and activeActiveSpec.
type kindSpec struct {
	kind     rediscloud.Kind // for the API client
	typeName string          // of the resource, without the provider prefix
	regions  []attribute
	// peeredRegion is the region attribute naming which of the
	// subscription's regions a peering belongs to, "" when it has one.
	peeredRegion string
	lookup       bool // has a lookup data source, named as the resource

	subscriptionNoun    string // "Pro": "Reading Pro peering 1001/5 failed"
	article             string // of subscriptionNoun, to start a sentence: "A"
	subscriptionPhrase  string // what a subscription of the kind is: "a Pro (single-region)"
	exampleSubscription string

	resourceDescription string
	listDescription     string // of the list data source
	listIDDescription   string // of the list data source's id
	redisCIDRsSource    string // where redis_cidrs comes from, in a sentence

	typeOnce sync.Once
	typ      tfvalues.Type // of the resource schema: resourceType
}

const (
	needAWSRegion = "the AWS region of the VPC to peer with, such as us-east-1"
	// The shared part of both kinds' descriptions.
	createWaits = "Creating it waits until Redis Cloud has set the peering up, so that `aws_peering_id` (AWS) or " +
		"`gcp_redis_project_id` and `gcp_redis_network_name` (GCP) are known in the same apply"
	replaces = "CIDR changes are applied in place; any other change creates a new peering."
	listUse  = "Use it to wire routes, security groups and peering accepters to peerings managed elsewhere, or to audit them. " +
		"Peerings are ordered by `peering_id`, so outputs built from them do not change unless the peerings do. " +
		"Every CIDR of a peering is in `vpc_cidrs`. "
)

var proSpec = &kindSpec{
	kind:     rediscloud.Pro,
	typeName: "subscription_peering",
	lookup:   true,
	regions: []attribute{{name: "region", field: "Region", cloud: awsCloud, input: true, validators: validate.AWSRegion,
		doc: "the AWS region of the VPC to peer with, such as `us-east-1`.", dataSource: "the AWS region of the peered VPC.", need: needAWSRegion}},
	subscriptionNoun:    "Pro",
	article:             "A",
	subscriptionPhrase:  "a Pro (single-region)",
	exampleSubscription: "1234",
	resourceDescription: "Peers the VPC of a Redis Cloud **Pro** subscription with a VPC of yours on AWS or GCP.\n\n" + createWaits +
		" to complete the handshake on your side with `aws_vpc_peering_connection_accepter` or `google_compute_network_peering`. " + replaces,
	listDescription: "Lists the VPC peerings of a Redis Cloud **Pro** subscription, AWS or GCP, whoever created them: " +
		"this configuration, another workspace or the Redis Cloud console.\n\n" + listUse +
		"To find one peering by its VPC or network, use the `rediscloud_subscription_peering` data source; " +
		"for an **Active-Active** subscription use `rediscloud_active_active_subscription_peerings`.",
	listIDDescription: "The subscription and the filter: `<subscription_id>`, or `<subscription_id>/<status>` when `status` is set.",
	redisCIDRsSource:  "the subscription's deployment CIDRs (every networking entry of its region)",
}

// An Active-Active subscription runs one VPC per region: a peering names
// the region it peers (source_region) and the AWS region of the peered VPC
// (destination_region).
var activeActiveSpec = &kindSpec{
	kind:     rediscloud.ActiveActive,
	typeName: "active_active_subscription_peering",
	regions: []attribute{
		{name: "source_region", field: "SourceRegion", input: true, validators: validate.AnyRegion,
			doc:        "The subscription's region whose VPC is peered, such as `us-east-1` (AWS) or `us-central1` (GCP). It must be one of the subscription's regions.",
			dataSource: "The subscription's region whose VPC is peered, such as `us-east-1` (AWS) or `us-central1` (GCP)."},
		{name: "destination_region", field: "Region", cloud: awsCloud, input: true, validators: validate.AWSRegion,
			doc: "the AWS region of the VPC to peer with.", dataSource: "the AWS region of the peered VPC.", need: needAWSRegion},
	},
	peeredRegion:        "source_region",
	subscriptionNoun:    "Active-Active",
	article:             "An",
	subscriptionPhrase:  "an Active-Active",
	exampleSubscription: "2001",
	resourceDescription: "Peers the VPC of one region of a Redis Cloud **Active-Active** subscription with a VPC of yours on AWS or GCP.\n\n" +
		"An Active-Active subscription runs one VPC per region; `source_region` picks the region to peer. " + createWaits + ". " + replaces,
	listDescription: "Lists the VPC peerings of a Redis Cloud **Active-Active** subscription, AWS or GCP, in every region of the subscription " +
		"or in one (`source_region`), whoever created them: this configuration, another workspace or the Redis Cloud console.\n\n" +
		listUse + "For a **Pro** subscription use `rediscloud_subscription_peerings`.",
	listIDDescription: "The subscription and the filters: `<subscription_id>`, `<subscription_id>/<source_region>`, " +
		"`<subscription_id>/<source_region>/<status>`, or `<subscription_id>/*/<status>` when only `status` is set.",
	redisCIDRsSource: "the deployment CIDR of the subscription's `source_region`",
}

// kindSpecs are both kinds, each the other's alternative.
var kindSpecs = [...]*kindSpec{proSpec, activeActiveSpec}

// other is what to use for a subscription that is not of this kind.
func (s *kindSpec) other() *kindSpec {
	if s == kindSpecs[0] {
		return kindSpecs[1]
	}
	return kindSpecs[0]
}

// owns reports whether sub is a subscription of this kind.
func (s *kindSpec) owns(sub *rediscloud.Subscription) bool {
	return sub.IsActiveActive() == (s.peeredRegion != "")
}

func (s *kindSpec) aNoun() string            { return s.article + " " + s.subscriptionNoun }
func (s *kindSpec) resourceTypeName() string { return "rediscloud_" + s.typeName }
func (s *kindSpec) listTypeName() string     { return s.resourceTypeName() + "s" }

// strings are the kind's string attributes from the API, of every cloud.
func (s *kindSpec) strings() []attribute { return append(slices.Clone(s.regions), cloudStrings...) }

// wrongKind says that subscription sub is of the other kind, and what to use.
func (s *kindSpec) wrongKind(sub int) string {
	o := s.other()
	return fmt.Sprintf("Subscription %d is %s subscription: use the %s resource for it.", sub, o.subscriptionPhrase, o.resourceTypeName())
}
