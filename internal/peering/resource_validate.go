package peering

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// ValidateConfig checks at plan time (and in `terraform validate`) which
// attributes each cloud needs and which it must not have, so that an invalid
// configuration never reaches the API.
func (r *peeringResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	get := func(name string) attr.Value {
		var v attr.Value
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), &v)...)
		return v
	}
	var providerName types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("provider_name"), &providerName)...)
	if resp.Diagnostics.HasError() || providerName.IsUnknown() {
		return
	}
	if !providerName.IsNull() && !slices.Contains(cloudNames(), providerName.ValueString()) {
		return // provider_name's own validator says what it may be
	}
	cloud := cloudOf(providerName.ValueString())
	missing := func(name, what string) {
		resp.Diagnostics.AddAttributeError(path.Root(name), "Missing required attribute",
			fmt.Sprintf("%s peering with provider_name = %q needs %s: %s.", r.spec.aNoun(), cloud.name, name, what))
	}
	forbidden := otherCloudInputs(cloud)
	if !cloud.routed {
		forbidden = append(forbidden, "vpc_cidr", "vpc_cidrs", r.spec.awsRegionAttribute)
	}
	for _, name := range forbidden {
		if v := get(name); v != nil && !v.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Attribute not allowed for this cloud",
				fmt.Sprintf("%s is not used by %s peerings (provider_name = %q); remove it.", name, cloud.name, cloud.name))
		}
	}
	for _, s := range cloud.strings {
		if s.input && get(s.name).IsNull() {
			missing(s.name, s.need)
		}
	}
	if !cloud.routed {
		return
	}
	if get(r.spec.awsRegionAttribute).IsNull() {
		missing(r.spec.awsRegionAttribute, "the AWS region of the VPC to peer with, such as us-east-1")
	}
	if get("vpc_cidr").IsNull() && get("vpc_cidrs").IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("vpc_cidr"), "Missing required attribute",
			fmt.Sprintf("%s peering with provider_name = %q needs the VPC's CIDR: set vpc_cidr (one block) or vpc_cidrs (1 to %d blocks).", r.spec.aNoun(), cloud.name, maxCIDRsPerVPC))
	}
}

// configError is a configuration mistake found against the live
// subscription, reported on the attribute at fault.
type configError struct {
	attribute string
	msg       string
}

func (e *configError) Error() string { return e.msg }

// checkSubscription vets the subscription before a peering is requested: the
// right resource type for its kind, a cloud it runs on, and (Active-Active)
// a source region it has.
func (s *kindSpec) checkSubscription(sub *rediscloud.Subscription, creq *rediscloud.CreatePeeringRequest) error {
	if sub.DeploymentType != "" && !s.owns(sub) {
		return &configError{attribute: "subscription_id", msg: s.wrongKind(sub.ID)}
	}
	cloud := strings.ToUpper(creq.Provider)
	if cloud == "" {
		cloud = rediscloud.ProviderAWS
	}
	if len(sub.Providers) > 0 && !slices.Contains(sub.Providers, cloud) {
		return &configError{attribute: "provider_name", msg: fmt.Sprintf("Subscription %d runs on %s, so provider_name must be %q, not %q.", sub.ID, strings.Join(sub.Providers, ", "), sub.Providers[0], cloud)}
	}
	if s.multiRegion && len(sub.Regions) > 0 {
		names := make([]string, 0, len(sub.Regions))
		for _, reg := range sub.Regions {
			if strings.EqualFold(reg.Region, creq.SourceRegion) {
				return nil
			}
			names = append(names, reg.Region)
		}
		return &configError{attribute: "source_region", msg: fmt.Sprintf("Subscription %d has no region %q; source_region must be one of its regions: %s.", sub.ID, creq.SourceRegion, strings.Join(names, ", "))}
	}
	return nil
}
