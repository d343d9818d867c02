// Package acctest holds what the acceptance tests share: provider factories
// and an in-process Redis Cloud API simulator per test.
package acctest

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/provider"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// Namespace is the provider namespace used by the test configurations; the
// test framework must be told (TF_ACC_PROVIDER_NAMESPACE) so that it wires
// the in-process provider to the same address.
const Namespace = "rediscloud-community"

// Simulator keys (the simulator's defaults).
const (
	APIKey    = "sim-access-key"
	SecretKey = "sim-secret-key"
)

func init() {
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
		_ = os.Setenv("TF_ACC_PROVIDER_NAMESPACE", Namespace)
	}
}

// ProviderFactories serve the provider in-process over protocol 6, with the
// polls shortened for the instant simulator: a shipped provider never polls
// a task sooner than a second after the answer that named it, which would
// only slow these tests down. The realistic-profile tests use
// ShippedProviderFactories.
func ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"rediscloud": serve(provider.NewTuned("test", func(c *rediscloud.Config) {
			c.PollFirst = 50 * time.Millisecond
			c.PollMin = 20 * time.Millisecond
			c.PollMax = 500 * time.Millisecond
			c.StatusPollMax = time.Second
			c.CreateLookupTimeout = 3 * time.Second
		})()),
	}
}

// ShippedProviderFactories serve the provider with the settings it ships
// with.
func ShippedProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"rediscloud": serve(provider.New("test")()),
	}
}

// serve is providerserver.NewProtocol6WithError with the provider's own
// server, which the shipped binary runs.
func serve(p fwprovider.Provider) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) { return provider.Server(p), nil }
}

// PreCheck skips acceptance tests unless TF_ACC is set (the test framework
// does too; skipping early avoids starting a simulator for nothing).
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run with TF_ACC=1 (make testacc)")
	}
}

// NewSim starts a simulator for one test and stops it when the test ends.
func NewSim(t *testing.T, opts cloudsim.Options) *cloudsim.Server {
	t.Helper()
	PreCheck(t)
	srv, err := cloudsim.Start(opts)
	if err != nil {
		t.Fatalf("starting the simulator: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// ProviderConfig is the terraform and provider blocks pointing at srv.
func ProviderConfig(srv *cloudsim.Server) string {
	return ProviderConfigURL(srv.URL())
}

// ProviderConfigURL is the terraform and provider blocks for the API at url,
// with extra provider settings (raw HCL lines).
func ProviderConfigURL(url string, extra ...string) string {
	return ProviderBlocks(append([]string{
		fmt.Sprintf("url        = %q", url),
		fmt.Sprintf("api_key    = %q", APIKey),
		fmt.Sprintf("secret_key = %q", SecretKey),
	}, extra...)...)
}

// TerraformBlock is the terraform block requiring this provider.
func TerraformBlock() string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    rediscloud = {
      source = %q
    }
  }
}
`, Namespace+"/rediscloud")
}

// ProviderBlocks is the terraform block and a provider block holding
// settings (raw HCL lines) and nothing else: no URL or keys unless given.
func ProviderBlocks(settings ...string) string {
	return TerraformBlock() + fmt.Sprintf(`
provider "rediscloud" {
  %s
}
`, strings.Join(settings, "\n  "))
}

// Config joins the provider configuration and resource blocks.
func Config(srv *cloudsim.Server, blocks ...string) string {
	return ProviderConfig(srv) + "\n" + strings.Join(blocks, "\n")
}

// ConfigURL joins a provider configuration for the API at url (for tests
// that put something between the provider and the simulator) and blocks.
func ConfigURL(url string, blocks ...string) string {
	return ProviderConfigURL(url) + "\n" + strings.Join(blocks, "\n")
}

// Wrapped matches fragments that must appear in this order in a diagnostic.
// Terraform wraps diagnostics to the terminal width, so every space of a
// fragment matches any run of white space.
func Wrapped(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}

// CheckNoPeerings is a CheckDestroy: destroy must leave the simulator
// without any peering.
func CheckNoPeerings(srv *cloudsim.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if left := srv.Peerings(); len(left) != 0 {
			return fmt.Errorf("%d peerings left after destroy: %+v", len(left), left)
		}
		return nil
	}
}
