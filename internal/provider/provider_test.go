package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/provider"
)

const peeringAddr = "rediscloud_subscription_peering.test"

// gcpPeering is a peering that the simulator creates at once.
const gcpPeering = `
resource "rediscloud_subscription_peering" "test" {
  subscription_id  = "1002"
  provider_name    = "GCP"
  gcp_project_id   = "my-gcp-project"
  gcp_network_name = "my-network"
}
`

// providerDir holds the provider binary TestMain builds when TF_ACC is set,
// for the tests that run the Terraform CLI themselves.
var providerDir string

func TestMain(m *testing.M) {
	os.Exit(cliharness.RunWithProvider(m, &providerDir, "0.0.0-test"))
}

// clearEnv empties the provider's environment variables for one test, so
// that the developer's own settings cannot change its outcome.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{provider.EnvURL, provider.EnvAccessKey, provider.EnvSecretKey, provider.EnvRequestsPerMinute} {
		t.Setenv(k, "")
	}
}

// TestAccProvider_configures creates and destroys a peering through a
// provider configured in its block: the keys reach the API, which accepts
// them.
func TestAccProvider_configures(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{{
			Config: acctest.Config(srv, gcpPeering),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(peeringAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^1002/[0-9]+$`))),
			},
			Check: acctest.CheckOnePeering(srv),
		}},
	})
}

// TestAccProvider_missingKeys: a key missing from both the configuration
// and the environment is reported, naming the setting and its variable,
// before any request; both missing are reported at once, so that a user
// fixes the configuration in one go. The cases change the process
// environment, which the in-process provider reads, so they do not run in
// parallel.
func TestAccProvider_missingKeys(t *testing.T) {
	for _, c := range []struct {
		name     string
		settings [][]string // provider settings of each step, besides the URL
		want     []*regexp.Regexp
	}{
		{
			name: "api_key",
			settings: [][]string{
				{fmt.Sprintf("secret_key = %q", acctest.SecretKey)},
				// An empty string is no key either.
				{`api_key = ""`, fmt.Sprintf("secret_key = %q", acctest.SecretKey)},
			},
			want: []*regexp.Regexp{
				acctest.Wrapped(`Missing Redis Cloud API key`, `Set api_key in the provider configuration or the REDISCLOUD_ACCESS_KEY environment variable`),
				acctest.Wrapped(`Missing Redis Cloud API key`, `api_key`, `REDISCLOUD_ACCESS_KEY`),
			},
		},
		{
			name:     "secret_key",
			settings: [][]string{{fmt.Sprintf("api_key = %q", acctest.APIKey)}},
			want: []*regexp.Regexp{
				acctest.Wrapped(`Missing Redis Cloud secret key`, `Set secret_key in the provider configuration or the REDISCLOUD_SECRET_KEY environment variable`),
			},
		},
		{
			name:     "both keys",
			settings: [][]string{nil},
			want: []*regexp.Regexp{
				acctest.Wrapped(`Missing Redis Cloud API key`, `REDISCLOUD_ACCESS_KEY`, `Missing Redis Cloud secret key`, `REDISCLOUD_SECRET_KEY`),
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := acctest.NewSim(t, cloudsim.Options{})
			clearEnv(t)
			var steps []resource.TestStep
			for i, settings := range c.settings {
				steps = append(steps, resource.TestStep{
					Config:      acctest.ProviderBlocks(append([]string{fmt.Sprintf("url = %q", srv.URL())}, settings...)...) + gcpPeering,
					PlanOnly:    true,
					ExpectError: c.want[i],
				})
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories(),
				Steps:                    steps,
			})
			if n := srv.Stats().TotalRequests; n != 0 {
				t.Errorf("%d API requests without %s", n, c.name)
			}
		})
	}
}

// TestAccProvider_keysFromEnvironment configures the provider from the
// environment alone.
func TestAccProvider_keysFromEnvironment(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{APIKey: "env-access-key", SecretKey: "env-secret-key"})
	clearEnv(t)
	t.Setenv(provider.EnvURL, srv.URL())
	t.Setenv(provider.EnvAccessKey, "env-access-key")
	t.Setenv(provider.EnvSecretKey, "env-secret-key")
	t.Setenv(provider.EnvRequestsPerMinute, "1000")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlocks() + gcpPeering,
			Check:  acctest.CheckOnePeering(srv),
		}},
	})
}

// TestAccProvider_configWinsOverEnv sets every environment variable to a
// value that would fail (keys the simulator refuses, a URL where nothing
// listens, a limit that is not a number): the configuration's values win.
func TestAccProvider_configWinsOverEnv(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	clearEnv(t)
	t.Setenv(provider.EnvURL, "http://127.0.0.1:9/v1")
	t.Setenv(provider.EnvAccessKey, "wrong-access-key")
	t.Setenv(provider.EnvSecretKey, "wrong-secret-key")
	t.Setenv(provider.EnvRequestsPerMinute, "not-a-number")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlocks(
				fmt.Sprintf("url = %q", srv.URL()),
				fmt.Sprintf("api_key = %q", acctest.APIKey),
				fmt.Sprintf("secret_key = %q", acctest.SecretKey),
				"requests_per_minute = 600",
			) + gcpPeering,
			Check: acctest.CheckOnePeering(srv),
		}},
	})
}

// TestAccProvider_badEnvironment: settings that come from the environment
// are checked as strictly as configured ones, and the message names the
// variable.
func TestAccProvider_badEnvironment(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	base := acctest.ProviderBlocks(fmt.Sprintf("url = %q", srv.URL()), fmt.Sprintf("api_key = %q", acctest.APIKey), fmt.Sprintf("secret_key = %q", acctest.SecretKey)) + gcpPeering
	for _, c := range []struct {
		name, env, value string
		config           string
		want             *regexp.Regexp
	}{
		{"limit not a number", provider.EnvRequestsPerMinute, "lots", base,
			acctest.Wrapped(`Invalid requests-per-minute limit`, `The REDISCLOUD_REQUESTS_PER_MINUTE environment variable must be a whole number of 0 or more, got "lots".`)},
		{"negative limit", provider.EnvRequestsPerMinute, "-5", base,
			acctest.Wrapped(`REDISCLOUD_REQUESTS_PER_MINUTE environment variable must be a whole number of 0 or more, got "-5"`)},
		{"plain http to a remote host", provider.EnvURL, "http://api.redislabs.com/v1",
			acctest.ProviderBlocks(fmt.Sprintf("api_key = %q", acctest.APIKey), fmt.Sprintf("secret_key = %q", acctest.SecretKey)) + gcpPeering,
			acctest.Wrapped(`REDISCLOUD_URL`, `plain http:// is accepted only for a loopback host (a local simulator), not "api.redislabs.com": use https://`)},
		{"unsupported scheme", provider.EnvURL, "ftp://api.redislabs.com/v1",
			acctest.ProviderBlocks(fmt.Sprintf("api_key = %q", acctest.APIKey), fmt.Sprintf("secret_key = %q", acctest.SecretKey)) + gcpPeering,
			acctest.Wrapped(`REDISCLOUD_URL`, `scheme "ftp" is not supported: use https://`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv(c.env, c.value)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories(),
				Steps:                    []resource.TestStep{{Config: c.config, PlanOnly: true, ExpectError: c.want}},
			})
		})
	}
	if n := srv.Stats().TotalRequests; n != 0 {
		t.Errorf("%d API requests with bad provider settings", n)
	}
}

// TestAccTransport_providerRefusesPlainHTTP: a configured http:// URL to a
// host that is not loopback is refused at plan time (and by terraform
// validate, see TestAccProvider_validateWithoutKeys), whatever the host.
func TestAccTransport_providerRefusesPlainHTTP(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	keys := []string{fmt.Sprintf("api_key = %q", acctest.APIKey), fmt.Sprintf("secret_key = %q", acctest.SecretKey)}
	var steps []resource.TestStep
	for _, u := range []string{
		"http://api.redislabs.com/v1",
		"http://10.0.0.1/v1",
		"http://192.168.1.10:8080/v1",
		"http://127.0.0.1.nip.io/v1",
		"http://localhost.example.com/v1",
		"HTTP://api.redislabs.com/v1",
	} {
		steps = append(steps, resource.TestStep{
			Config:      acctest.ProviderBlocks(append([]string{fmt.Sprintf("url = %q", u)}, keys...)...) + gcpPeering,
			PlanOnly:    true,
			ExpectError: acctest.Wrapped(`Invalid Redis Cloud API URL`, `plain http:// is accepted only for a loopback host (a local simulator)`, `use https://`),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps:                    steps,
	})
	if n := srv.Stats().TotalRequests; n != 0 {
		t.Errorf("%d API requests", n)
	}
}

// TestAccProvider_validateWithoutKeys runs the real `terraform validate`:
// it needs no keys (nothing is configured), yet reports a bad URL.
func TestAccProvider_validateWithoutKeys(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if providerDir == "" {
		t.Fatal("the provider was not built (TestMain builds it when TF_ACC is set)")
	}
	tf, err := cliharness.TerraformPath()
	if err != nil {
		t.Fatal(err)
	}

	const resources = `
resource "rediscloud_subscription_peering" "aws" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = "172.31.0.0/16"
}
` + gcpPeering
	for _, c := range []struct {
		name     string
		provider string
		ok       bool
		want     *regexp.Regexp
	}{
		{"no provider block", "", true, nil},
		{"no keys", `provider "rediscloud" {}`, true, nil},
		{"url only", `provider "rediscloud" { url = "https://api.redislabs.com/v1" }`, true, nil},
		{"plain http to a remote host", `provider "rediscloud" { url = "http://api.redislabs.com/v1" }`, false,
			acctest.Wrapped(`Invalid Redis Cloud API URL`, `plain http:// is accepted only for a loopback host`)},
		{"bad limit", `provider "rediscloud" { requests_per_minute = -1 }`, false,
			acctest.Wrapped(`Attribute requests_per_minute value must be between 0 and 100000, got: -1`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws, err := cliharness.NewWorkspace(t.TempDir(), tf, providerDir)
			if err != nil {
				t.Fatal(err)
			}
			cfg := acctest.TerraformBlock() + c.provider + "\n" + resources
			if err := ws.WriteFile("main.tf", cfg); err != nil {
				t.Fatal(err)
			}
			out, err := ws.Run(ctx, "validate", "-no-color")
			switch {
			case c.ok && err != nil:
				t.Fatalf("terraform validate failed: %v", err)
			case c.ok && !strings.Contains(out, "The configuration is valid"):
				t.Fatalf("terraform validate said:\n%s", out)
			case !c.ok && err == nil:
				t.Fatalf("terraform validate passed, want an error:\n%s", out)
			case !c.ok && !c.want.MatchString(out):
				t.Fatalf("terraform validate said:\n%s\nwant %s", out, c.want)
			}
			if strings.Contains(out, "Missing Redis Cloud") {
				t.Errorf("terraform validate asked for keys:\n%s", out)
			}
			// validate must not have written a state or anything else.
			if _, err := os.Stat(filepath.Join(ws.Dir, "terraform.tfstate")); err == nil {
				t.Errorf("terraform validate wrote a state")
			}
		})
	}
}

// TestAccProvider_keyWithControlCharacter: a key with a trailing newline (a
// copy-paste slip) cannot be sent in a header. It is refused at once,
// naming the setting and its environment variable, never repeating the
// value, and without a request or a retry.
func TestAccProvider_keyWithControlCharacter(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      acctest.ProviderBlocks(fmt.Sprintf("url = %q", srv.URL()), `api_key = "AKEYc0ffee\n"`, fmt.Sprintf("secret_key = %q", acctest.SecretKey)) + gcpPeering,
				PlanOnly:    true,
				ExpectError: acctest.Wrapped(`Invalid Redis Cloud key`, `The api_key (from the configuration or the REDISCLOUD_ACCESS_KEY environment variable) contains a control character`, `The value is not shown.`),
			},
			{
				Config:      acctest.ProviderBlocks(fmt.Sprintf("url = %q", srv.URL()), fmt.Sprintf("api_key = %q", acctest.APIKey), `secret_key = "SKEYc0ffee\t"`) + gcpPeering,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)secret_key.*REDISCLOUD_SECRET_KEY.*control character`),
			},
		},
	})
	if n := srv.Stats().TotalRequests; n != 0 {
		t.Errorf("%d API requests with an unsendable key", n)
	}
}
