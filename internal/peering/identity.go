package peering

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// identityModel is the resource identity of both peering resources
// (Terraform 1.12 and later): what names a peering in Redis Cloud.
type identityModel struct {
	SubscriptionID types.String `tfsdk:"subscription_id"`
	PeeringID      types.Int64  `tfsdk:"peering_id"`
}

func (r *peeringResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"subscription_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       fmt.Sprintf("ID of the %s subscription, as digits (for example \"%s\").", r.spec.subscriptionNoun, r.spec.exampleSubscription),
			},
			"peering_id": identityschema.Int64Attribute{
				RequiredForImport: true,
				Description:       "The peering's numeric ID in Redis Cloud.",
			},
		},
	}
}

// setIdentity records the identity of peering sub/id. Engines without
// resource identity (Terraform before 1.12, OpenTofu) pass no identity.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, sub, id int) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, identityModel{
		SubscriptionID: types.StringValue(strconv.Itoa(sub)),
		PeeringID:      types.Int64Value(int64(id)),
	})
}

// importTarget returns the peering an import names: its ID
// ("<subscription_id>/<peering_id>") or, with Terraform 1.12 and later, its
// identity.
func importTarget(ctx context.Context, req resource.ImportStateRequest) (sub, id int, diags diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil {
		s, p, err := parseID(req.ID)
		if err != nil {
			diags.AddError("Invalid import ID", err.Error())
		}
		return s, p, diags
	}
	var im identityModel
	diags.Append(req.Identity.Get(ctx, &im)...)
	if diags.HasError() {
		return 0, 0, diags
	}
	if v := im.SubscriptionID.ValueString(); !validID(v) {
		diags.AddAttributeError(path.Root("subscription_id"), "Invalid import identity",
			fmt.Sprintf("subscription_id %s, got %q", idRule, v))
	} else {
		sub, _ = strconv.Atoi(v)
	}
	if v := im.PeeringID.ValueInt64(); v <= 0 || v > math.MaxInt32 {
		diags.AddAttributeError(path.Root("peering_id"), "Invalid import identity",
			fmt.Sprintf("peering_id must be the peering's numeric ID, a whole number from 1 to 2147483647, got %d", v))
	} else {
		id = int(v)
	}
	return sub, id, diags
}
