package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

const peeringTemplate = `
terraform {
  required_providers {
    rediscloud = { source = %q }
  }
}

provider "rediscloud" {
%s
}

resource "rediscloud_subscription_peering" "aws" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = %q
}

resource "rediscloud_active_active_subscription_peering" "gcp" {
  subscription_id  = "2002"
  provider_name    = "GCP"
  source_region    = "us-central1"
  gcp_project_id   = "my-gcp-project"
  gcp_network_name = "my-network"
}

output "aws_peering_id" {
  value = rediscloud_subscription_peering.aws.aws_peering_id
}
`

// TestAccSecret_keysNeverLeak runs a whole create, read, update, import,
// error and delete cycle with the real CLI at TRACE level, core and
// provider, and looks for the keys everywhere the run left text: the log
// file, every command's output, `terraform show -json` of the state and of
// a saved plan, and every file of the working directory. The keys come from
// the provider block in one run and from the environment in the other.
func TestAccSecret_keysNeverLeak(t *testing.T) {
	acctest.PreCheck(t)
	for _, fromEnv := range []bool{false, true} {
		name := "provider block"
		if fromEnv {
			name = "environment"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runSecretCycle(t, fromEnv)
		})
	}
}

func runSecretCycle(t *testing.T, fromEnv bool) {
	apiKey, secretKey := acctest.RandomKey(t, "ak"), acctest.RandomKey(t, "sk")
	wrongSecret := acctest.RandomKey(t, "wrong")
	srv := acctest.NewSim(t, cloudsim.Options{
		APIKey: apiKey, SecretKey: secretKey,
		TaskLatency: 30 * time.Millisecond, TransitionLatency: 30 * time.Millisecond,
	})
	leaks := acctest.NewSecretChecker(t, map[string]string{"API key": apiKey, "secret key": secretKey, "wrong secret key": wrongSecret})

	ws := newWorkspace(t)
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	settings := func(secret string) (block string, env []string) {
		env = []string{"TF_LOG=TRACE", "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH=" + logPath}
		block = fmt.Sprintf("  url = %q", srv.URL())
		if fromEnv {
			env = append(env, "REDISCLOUD_ACCESS_KEY="+apiKey, "REDISCLOUD_SECRET_KEY="+secret)
		} else {
			block += fmt.Sprintf("\n  api_key    = %q\n  secret_key = %q", apiKey, secret)
		}
		return block, env
	}
	var env []string
	write := func(secret, cidr string) {
		t.Helper()
		var block string
		block, env = settings(secret)
		if err := ws.WriteFile("main.tf", fmt.Sprintf(peeringTemplate, cliharness.ProviderSource, block, cidr)); err != nil {
			t.Fatal(err)
		}
	}
	var outputs []string
	run := func(wantOK bool, args ...string) string {
		t.Helper()
		out, err := ws.RunEnv(ctx, env, args...)
		outputs = append(outputs, out)
		leaks.Check(fmt.Sprintf("the output of terraform %s", strings.Join(args, " ")), out)
		if err != nil {
			leaks.Check(fmt.Sprintf("the error of terraform %s", strings.Join(args, " ")), err.Error())
		}
		switch {
		case wantOK && err != nil:
			t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
		case !wantOK && err == nil:
			t.Fatalf("terraform %s succeeded, want an error:\n%s", strings.Join(args, " "), out)
		}
		return out
	}

	// Create.
	write(secretKey, "172.31.0.0/16")
	run(true, "apply", "-auto-approve", "-no-color")
	if n := len(srv.Peerings()); n != 2 {
		t.Fatalf("the simulator holds %d peerings after apply, want 2", n)
	}
	// Read: a plan refreshes both and finds nothing to do.
	run(true, "plan", "-detailed-exitcode", "-no-color")
	// Update in place.
	write(secretKey, "172.40.0.0/16")
	run(true, "plan", "-out=update.tfplan", "-no-color")
	// Checked below: with keys in the provider block, Terraform itself
	// puts them in the plan's configuration section.
	planJSON, err := ws.RunEnv(ctx, env, "show", "-json", "update.tfplan")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(planJSON, "172.40.0.0/16") {
		t.Errorf("the saved plan does not hold the new CIDR:\n%s", planJSON)
	}
	run(true, "apply", "-auto-approve", "-no-color", "update.tfplan")
	// Import into a fresh address, then forget it again.
	stateJSON := run(true, "show", "-json")
	if !strings.Contains(stateJSON, "172.40.0.0/16") || !strings.Contains(stateJSON, "rediscloud_subscription_peering") {
		t.Errorf("terraform show -json does not hold the updated peering:\n%s", stateJSON)
	}
	peeringID := regexp.MustCompile(`"id":"(1001/[0-9]+)"`).FindStringSubmatch(stateJSON)
	if peeringID == nil {
		t.Fatalf("no peering ID in terraform show -json:\n%s", stateJSON)
	}
	run(true, "state", "rm", "-no-color", "rediscloud_subscription_peering.aws")
	run(true, "import", "-no-color", "rediscloud_subscription_peering.aws", peeringID[1])
	run(true, "plan", "-detailed-exitcode", "-no-color")
	run(true, "output", "-no-color")
	run(true, "state", "pull")

	// A wrong secret: the API refuses it, and the error repeats no key.
	write(wrongSecret, "172.40.0.0/16")
	out := run(false, "plan", "-no-color")
	if !strings.Contains(out, "401") {
		t.Errorf("a wrong secret key did not end in a 401:\n%s", out)
	}

	// Delete.
	write(secretKey, "172.40.0.0/16")
	run(true, "destroy", "-auto-approve", "-no-color")
	if n := len(srv.Peerings()); n != 0 {
		t.Errorf("the simulator holds %d peerings after destroy", n)
	}
	st := srv.Stats()
	if st.PeeringsCreated != 2 || st.PeeringsDeleted != 2 || st.Requests["PUT /v1/subscriptions/{subscriptionId}/peerings/{peeringId}"] == 0 {
		t.Errorf("the cycle did not create, update and delete through the API: %+v", st)
	}

	// The log: verbose, from core and provider, and without the keys.
	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	logText := string(logData)
	leaks.Check("the TF_LOG_PATH file", logText)
	for _, want := range []string{
		"[TRACE]",               // core at trace level
		"@module=rediscloud",    // provider lines (terraform-plugin-log)
		"waiting for task",      // the API client's task waiter
		"sending request",       // the API client at trace level
		"created peering",       // the resource
		"updated peering",       // the in-place update
		"deleted peering",       // the delete
		"status_code=401",       // the refused request
		"ConfigureProvider",     // the provider was configured, keys and all
		"Authentication failed", // the API's answer to the wrong secret
	} {
		if !strings.Contains(logText, want) {
			t.Errorf("the log (%d bytes) has no %q: the test could pass without looking at anything", len(logText), want)
		}
	}
	if len(logData) < 100_000 {
		t.Errorf("the log has only %d bytes; TRACE logs of a whole cycle are much longer", len(logData))
	}

	// Every file the runs left, except the configuration that holds the
	// keys by design.
	err = filepath.WalkDir(ws.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if rel, _ := filepath.Rel(ws.Dir, p); rel == "main.tf" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".tfplan") {
			// A saved plan embeds the configuration: main.tf, keys and all,
			// when the keys are in the provider block. That is Terraform's
			// own format, the same for every provider; plans must be kept
			// as secret as the configuration. The rest of the plan is checked.
			if !fromEnv {
				return nil
			}
		}
		leaks.Check("the file "+p, string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	leaks.Check("terraform show -json of the state", stateJSON)
	if !fromEnv {
		// Terraform (not the provider) repeats the provider block's
		// literal values in a saved plan's "configuration" section, the
		// sensitive ones too: keys written in the provider block are in
		// the plan file and in its JSON, as in main.tf. Everything else of
		// the plan must be clean; the environment run checks all of it.
		planJSON = withoutProviderConfig(t, planJSON)
	}
	leaks.Check("terraform show -json of the saved plan", planJSON)
	t.Logf("keys from the %s: %d commands, %d bytes of TRACE log, %d API requests; no key found", map[bool]string{false: "provider block", true: "environment"}[fromEnv], len(outputs), len(logData), st.TotalRequests)
}

// withoutProviderConfig drops configuration.provider_config, where
// Terraform repeats the provider block's literals, from a JSON plan.
func withoutProviderConfig(t *testing.T, planJSON string) string {
	t.Helper()
	var plan map[string]any
	if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
		t.Fatalf("decoding the JSON plan: %v", err)
	}
	cfg, _ := plan["configuration"].(map[string]any)
	pc, _ := cfg["provider_config"].(map[string]any)
	if pc == nil {
		t.Fatalf("the JSON plan has no configuration.provider_config")
	}
	delete(cfg, "provider_config")
	out, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestAccSecret_urlCredentialsNotEchoed: a URL that carries a password (from
// the environment, so not in any source line Terraform quotes) is refused
// without repeating it.
func TestAccSecret_urlCredentialsNotEchoed(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	password := acctest.RandomKey(t, "pw")
	leaks := acctest.NewSecretChecker(t, map[string]string{"URL password": password})
	ws := newWorkspace(t)
	if err := ws.WriteFile("main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    rediscloud = { source = %q }
  }
}

resource "rediscloud_subscription_peering" "gcp" {
  subscription_id  = "1002"
  provider_name    = "GCP"
  gcp_project_id   = "my-gcp-project"
  gcp_network_name = "my-network"
}
`, cliharness.ProviderSource)); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, u := range []string{
		"https://user:" + password + "@api.redislabs.com/v1",
		"https://user:" + password + "@api.redislabs.com:bad/v1",
		"http://" + password + "@example.com/v1",
	} {
		out, err := ws.RunEnv(ctx, []string{
			"REDISCLOUD_URL=" + u, "REDISCLOUD_ACCESS_KEY=a", "REDISCLOUD_SECRET_KEY=b",
			"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath,
		}, "plan", "-no-color")
		if err == nil {
			t.Fatalf("plan with REDISCLOUD_URL=<a URL with credentials> succeeded:\n%s", out)
		}
		if !strings.Contains(out, "REDISCLOUD_URL") {
			t.Errorf("the error does not name REDISCLOUD_URL:\n%s", out)
		}
		leaks.Check("the output of terraform plan", out)
	}
	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	leaks.Check("the TF_LOG_PATH file", string(logData))
}
