package peering

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func replaceString() []planmodifier.String {
	return []planmodifier.String{stringplanmodifier.RequiresReplace()}
}

func keepString() []planmodifier.String {
	return []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
}

// resourceSchema builds the schema of either peering resource: the two share
// every attribute but the regions.
func (s *kindSpec) resourceSchema(ctx context.Context) schema.Schema {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "`<subscription_id>/<peering_id>`, also the import ID.",
			Computed:            true,
			PlanModifiers:       keepString(),
		},
		"peering_id": schema.Int64Attribute{
			MarkdownDescription: "The peering's numeric ID in Redis Cloud.",
			Computed:            true,
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		},
		"subscription_id": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("ID of the %s subscription whose VPC is peered, as digits (for example `\"%s\"`). Changing it creates a new peering.", s.subscriptionNoun, s.exampleSubscription),
			Required:            true,
			Validators:          subscriptionIDValidators(),
			PlanModifiers:       replaceString(),
		},
		"provider_name": schema.StringAttribute{
			MarkdownDescription: "Cloud provider of the subscription and of the VPC peered with it: `AWS` (default) or `GCP`. Changing it creates a new peering.",
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString(clouds[0].name),
			Validators:          []validator.String{stringvalidator.OneOf(cloudNames()...)},
			PlanModifiers:       replaceString(),
		},
		"vpc_cidr": schema.StringAttribute{
			MarkdownDescription: "AWS only: the VPC's CIDR block that Redis Cloud routes to, such as `10.0.0.0/16`. Set this or `vpc_cidrs`, not both. " +
				"When `vpc_cidrs` is set, this holds its single CIDR if it has exactly one, and is null otherwise " +
				"(state moved over from Redis's own provider keeps the one CIDR it stored here until the CIDRs change). Changed in place.",
			Optional:      true,
			Computed:      true,
			Validators:    []validator.String{cidrValidator{}, stringvalidator.ConflictsWith(path.MatchRoot("vpc_cidrs"))},
			PlanModifiers: []planmodifier.String{cidrFromSetModifier{}},
		},
		"vpc_cidrs": schema.SetAttribute{
			MarkdownDescription: fmt.Sprintf("AWS only: the VPC's CIDR blocks that Redis Cloud routes to, 1 to %d of them. Set this or `vpc_cidr`, not both. "+
				"When `vpc_cidr` is set, this holds that one CIDR. Changed in place.", maxCIDRsPerVPC),
			ElementType: types.StringType,
			Optional:    true,
			Computed:    true,
			Validators: []validator.Set{
				setvalidator.SizeBetween(1, maxCIDRsPerVPC),
				setvalidator.ValueStringsAre(cidrValidator{}),
			},
			PlanModifiers: setModifiers(),
		},
		"status": schema.StringAttribute{
			MarkdownDescription: "Status of the peering: `initiating-request`, `pending-acceptance` (AWS: accept `aws_peering_id` on your side), " +
				"`inactive` (GCP: create the reciprocal peering), `active`, or `failed`.",
			Computed: true,
		},
		"redis_cidrs": schema.ListAttribute{
			MarkdownDescription: s.redisCIDRsDescription() + " Known at plan time: planning new peerings reads it with one request per subscription, " +
				"shared by all of them (if that read fails, the plan warns and it is known after apply). " +
				"A refresh reads it only while state lacks it, as after a move from Redis's own provider.",
			ElementType:   types.StringType,
			Computed:      true,
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
		},
	}
	for name, a := range cloudResourceAttributes() {
		attrs[name] = a
	}
	for name, a := range s.regionAttributes() {
		attrs[name] = a
	}
	return schema.Schema{
		MarkdownDescription: s.resourceDescription,
		Attributes:          attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}
