package peering

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// The plan of a peering in state follows its status: a failed one is
// replaced with a warning, an AWS one gone inactive is reported and kept,
// and a GCP one waiting for its reciprocal peering (inactive) is normal.
func TestModifyPlanFollowsTheStatus(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, provider, status string
		replace                bool
		warning                string
	}{
		{"AWS failed", rediscloud.ProviderAWS, rediscloud.StatusFailed, true, "rejected, or expired before it was accepted"},
		{"GCP failed", rediscloud.ProviderGCP, rediscloud.StatusFailed, true, "Check that the GCP project and network exist"},
		{"AWS inactive", rediscloud.ProviderAWS, rediscloud.StatusInactive, false, "terraform apply -replace='rediscloud_subscription_peering.<name>'"},
		{"GCP inactive", rediscloud.ProviderGCP, rediscloud.StatusInactive, false, ""},
		{"AWS active", rediscloud.ProviderAWS, rediscloud.StatusActive, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			schema := proSpec.resourceSchema(ctx)
			var diags diag.Diagnostics
			m := proSpec.resourceType().Load(ctx, tftypes.Value{}, &diags)
			m["provider_name"] = types.StringValue(tc.provider)
			setFromPeering(m, &rediscloud.Peering{ID: 5, SubscriptionID: 1001, Provider: tc.provider, Status: tc.status,
				AWSPeeringID: "pcx-1", GCPRedisProjectID: "redis-proj", GCPRedisNetworkName: "redis-net"})
			state := tfsdk.State{Schema: schema}
			if diags.Append(state.Set(ctx, proSpec.resourceType().Raw(ctx, m))...); diags.HasError() {
				t.Fatal(diags)
			}
			req := resource.ModifyPlanRequest{State: state, Plan: tfsdk.Plan{Schema: schema, Raw: state.Raw}}
			resp := resource.ModifyPlanResponse{Plan: req.Plan}
			(&peeringResource{peeringType{spec: proSpec}}).ModifyPlan(ctx, req, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			if replaced := len(resp.RequiresReplace) > 0; replaced != tc.replace {
				t.Errorf("replaced = %v (%v), want %v", replaced, resp.RequiresReplace, tc.replace)
			}
			var warnings []string
			for _, d := range resp.Diagnostics.Warnings() {
				warnings = append(warnings, d.Detail())
			}
			if got := strings.Join(warnings, "\n"); (tc.warning == "") != (got == "") || !strings.Contains(got, tc.warning) {
				t.Errorf("warnings %q, want one saying %q", got, tc.warning)
			}
			if tc.replace && strings.Contains(strings.Join(warnings, ""), "1001/5") {
				var id, pcx, status types.String
				resp.Plan.GetAttribute(ctx, path.Root("id"), &id)
				resp.Plan.GetAttribute(ctx, path.Root("aws_peering_id"), &pcx)
				resp.Plan.GetAttribute(ctx, path.Root("status"), &status)
				if !id.IsUnknown() || !status.IsUnknown() || (tc.provider == rediscloud.ProviderAWS) != pcx.IsUnknown() {
					t.Errorf("planned id %v, status %v, aws_peering_id %v: what Redis Cloud answers of the new peering must be unknown", id, status, pcx)
				}
			} else if tc.replace {
				t.Errorf("the warning does not name the peering: %q", warnings)
			}
		})
	}
}
