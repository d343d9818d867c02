package peering

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// configuredClient is the API client the provider hands every resource,
// data source and list resource.
func configuredClient(providerData any, diags *diag.Diagnostics) *rediscloud.Client {
	if providerData == nil {
		return nil
	}
	client, ok := providerData.(*rediscloud.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *rediscloud.Client, got %T.", providerData))
	}
	return client
}
