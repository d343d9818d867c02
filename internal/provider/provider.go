// Package provider is the rediscloud Terraform provider: its configuration,
// and the registration of the peering resources, data sources and list
// resources.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/peering"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/rediscloud-community/rediscloud"

// Environment variables read when the configuration leaves a setting out.
const (
	EnvURL               = "REDISCLOUD_URL"
	EnvAccessKey         = "REDISCLOUD_ACCESS_KEY"
	EnvSecretKey         = "REDISCLOUD_SECRET_KEY"
	EnvRequestsPerMinute = "REDISCLOUD_REQUESTS_PER_MINUTE"
)

var (
	_ provider.ProviderWithValidateConfig = (*rediscloudProvider)(nil)
	_ provider.ProviderWithListResources  = (*rediscloudProvider)(nil)
)

type rediscloudProvider struct {
	version string
	// tune adjusts the client's settings; acceptance tests against the
	// instant simulator shorten the polls with it.
	tune func(*rediscloud.Config)
}

// New returns a constructor of the provider for a release version.
func New(version string) func() provider.Provider {
	return NewTuned(version, nil)
}

// NewTuned is New with a function that adjusts the API client's settings
// after the configuration is read (tests).
func NewTuned(version string, tune func(*rediscloud.Config)) func() provider.Provider {
	return func() provider.Provider {
		return &rediscloudProvider{version: version, tune: tune}
	}
}

type providerModel struct {
	URL               types.String `tfsdk:"url"`
	APIKey            types.String `tfsdk:"api_key"`
	SecretKey         types.String `tfsdk:"secret_key"`
	RequestsPerMinute types.Int64  `tfsdk:"requests_per_minute"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
}

func (p *rediscloudProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "rediscloud"
	resp.Version = p.version
}

func (p *rediscloudProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages VPC peerings of [Redis Cloud](https://redis.io/cloud/) Pro and Active-Active subscriptions " +
			"through the Redis Cloud API.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Base URL of the Redis Cloud API, including `/v1`. Defaults to the `%s` environment variable, then to `%s`. "+
					"Must use `https://`; plain `http://` is accepted only for a loopback host such as a local simulator.", EnvURL, rediscloud.DefaultBaseURL),
				Optional: true,
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Redis Cloud account API key (the `x-api-key` header). Defaults to the `%s` environment variable.", EnvAccessKey),
				Optional:            true,
				Sensitive:           true,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Redis Cloud API user secret key (the `x-api-secret-key` header). Defaults to the `%s` environment variable.", EnvSecretKey),
				Optional:            true,
				Sensitive:           true,
			},
			"requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Most API requests this provider sends in any 60-second window, shared by every resource and data source. "+
					"Defaults to the `%s` environment variable, then to %d, the documented Redis Cloud limit per account key. "+
					"It caps each provider process (Terraform starts several per command), not a pipeline or an account: "+
					"when several pipelines share one key, lowering it (for example to 100 for four) cuts the 429s the API sends back. `0` removes the limit.", EnvRequestsPerMinute, rediscloud.DefaultRequestsPerMinute),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100000)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request that failed on a transient error (HTTP 429, a 5xx answer, a dropped connection) is repeated " +
					"before the operation fails. Defaults to " + strconv.Itoa(rediscloud.DefaultMaxRetries) + ".",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
		},
	}
}

// ValidateConfig checks what can be checked without credentials, so that
// `terraform validate` reports a bad URL.
func (p *rediscloudProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.URL.IsNull() && !cfg.URL.IsUnknown() {
		if _, err := rediscloud.ParseBaseURL(cfg.URL.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("url"), "Invalid Redis Cloud API URL", err.Error())
		}
	}
}

func (p *rediscloudProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, a := range []struct {
		name string
		v    types.String
	}{{"url", cfg.URL}, {"api_key", cfg.APIKey}, {"secret_key", cfg.SecretKey}} {
		if a.v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "Provider setting not known yet",
				fmt.Sprintf("The provider's %q is computed from a value that is not known until apply. Set it to a value known at plan time, or through its environment variable.", a.name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	url := stringOrEnv(cfg.URL, EnvURL)
	if url == "" {
		url = rediscloud.DefaultBaseURL
	}
	apiKey := stringOrEnv(cfg.APIKey, EnvAccessKey)
	secretKey := stringOrEnv(cfg.SecretKey, EnvSecretKey)
	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing Redis Cloud API key",
			fmt.Sprintf("Set api_key in the provider configuration or the %s environment variable to your Redis Cloud account key.", EnvAccessKey))
	}
	if secretKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("secret_key"), "Missing Redis Cloud secret key",
			fmt.Sprintf("Set secret_key in the provider configuration or the %s environment variable to your Redis Cloud API user's secret key.", EnvSecretKey))
	}
	// A key that cannot be sent in a header (a trailing newline is a common
	// copy-paste result) would fail every request after retries; its value
	// is never repeated.
	for _, k := range []struct{ name, env, v string }{{"api_key", EnvAccessKey, apiKey}, {"secret_key", EnvSecretKey, secretKey}} {
		if i := strings.IndexFunc(k.v, unicode.IsControl); i >= 0 {
			resp.Diagnostics.AddAttributeError(path.Root(k.name), "Invalid Redis Cloud key",
				fmt.Sprintf("The %s (from the configuration or the %s environment variable) contains a control character at position %d of %d, "+
					"such as a newline left by a copy and paste; no request can carry it. Remove it. The value is not shown.", k.name, k.env, i+1, len(k.v)))
		}
	}
	rpm := rediscloud.DefaultRequestsPerMinute
	switch {
	case !cfg.RequestsPerMinute.IsNull() && !cfg.RequestsPerMinute.IsUnknown():
		rpm = int(cfg.RequestsPerMinute.ValueInt64())
	case os.Getenv(EnvRequestsPerMinute) != "":
		n, err := strconv.Atoi(os.Getenv(EnvRequestsPerMinute))
		if err != nil || n < 0 {
			resp.Diagnostics.AddAttributeError(path.Root("requests_per_minute"), "Invalid requests-per-minute limit",
				fmt.Sprintf("The %s environment variable must be a whole number of 0 or more, got %q.", EnvRequestsPerMinute, os.Getenv(EnvRequestsPerMinute)))
		}
		rpm = n
	}
	clientCfg := rediscloud.DefaultConfig()
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		clientCfg.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if resp.Diagnostics.HasError() {
		return
	}
	clientCfg.BaseURL, clientCfg.APIKey, clientCfg.SecretKey = url, apiKey, secretKey
	clientCfg.UserAgent = userAgent(p.version, req.TerraformVersion)
	clientCfg.RequestsPerMinute = rpm
	if p.tune != nil {
		p.tune(&clientCfg)
	}
	client, err := rediscloud.New(clientCfg)
	if err != nil {
		source := "url"
		if cfg.URL.IsNull() || cfg.URL.ValueString() == "" {
			source = fmt.Sprintf("url (from the %s environment variable)", EnvURL)
		}
		resp.Diagnostics.AddAttributeError(path.Root("url"), "Invalid Redis Cloud API settings", fmt.Sprintf("%s: %v", source, err))
		return
	}
	tflog.Info(ctx, "configured the Redis Cloud API client", map[string]any{"url": url, "requests_per_minute": rpm})
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.ListResourceData = client
}

func userAgent(version, tfVersion string) string {
	if tfVersion == "" {
		tfVersion = "unknown"
	}
	return fmt.Sprintf("terraform-provider-rediscloud/%s (+https://registry.terraform.io/providers/rediscloud-community/rediscloud) Terraform/%s", version, tfVersion)
}

func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && v.ValueString() != "" {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func (p *rediscloudProvider) Resources(context.Context) []func() resource.Resource {
	return peering.Resources()
}

func (p *rediscloudProvider) DataSources(context.Context) []func() datasource.DataSource {
	return peering.DataSources()
}

func (p *rediscloudProvider) ListResources(context.Context) []func() list.ListResource {
	return peering.ListResources()
}
