// Package secrets_test proves that the Redis Cloud API keys stay secret and
// that the transport to the API stays secure: no key in logs, state, plans
// or error text, with the real Terraform CLI at its most verbose; no plain
// http:// to a remote host; no TLS connection to a server that cannot prove
// who it is; no key sent anywhere a redirect points.
package secrets_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// randomKey is a key no log line could contain by chance.
func randomKey(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// leakForms are the strings whose presence would reveal key: the key, its
// base64 form, and every 16-character piece of it (a truncated or split key
// is a leak too).
func leakForms(key string) []string {
	forms := []string{key, base64.StdEncoding.EncodeToString([]byte(key))}
	const piece = 16
	for i := 0; i+piece <= len(key); i++ {
		forms = append(forms, key[i:i+piece])
	}
	return forms
}

// secretChecker looks for any form of a set of keys in texts.
type secretChecker struct {
	t     *testing.T
	names map[string]string // form -> name of the key it reveals
}

func newSecretChecker(t *testing.T, keys map[string]string) *secretChecker {
	c := &secretChecker{t: t, names: map[string]string{}}
	for name, key := range keys {
		for _, f := range leakForms(key) {
			c.names[f] = name
		}
	}
	return c
}

// check reports every key found in text; where says what text is.
func (c *secretChecker) check(where, text string) {
	c.t.Helper()
	seen := map[string]bool{}
	for form, name := range c.names {
		if seen[name] || !strings.Contains(text, form) {
			continue
		}
		seen[name] = true
		i := strings.Index(text, form)
		from, to := max(0, i-200), min(len(text), i+len(form)+200)
		c.t.Errorf("the %s appears in %s:\n…%s…", name, where, text[from:to])
	}
}

// providerDir holds the provider binary built once by TestMain when
// acceptance tests are on.
var providerDir string

func TestMain(m *testing.M) {
	os.Exit(cliharness.RunWithProvider(m, &providerDir, "0.0.0-secrets"))
}

func newWorkspace(t *testing.T) *cliharness.Workspace {
	t.Helper()
	tf, err := cliharness.TerraformPath()
	if err != nil {
		t.Fatal(err)
	}
	ws, err := cliharness.NewWorkspace(t.TempDir(), tf, providerDir)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

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
	apiKey, secretKey := randomKey(t, "ak"), randomKey(t, "sk")
	wrongSecret := randomKey(t, "wrong")
	srv := acctest.NewSim(t, cloudsim.Options{
		APIKey: apiKey, SecretKey: secretKey,
		TaskLatency: 30 * time.Millisecond, TransitionLatency: 30 * time.Millisecond,
	})
	leaks := newSecretChecker(t, map[string]string{"API key": apiKey, "secret key": secretKey, "wrong secret key": wrongSecret})

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
		leaks.check(fmt.Sprintf("the output of terraform %s", strings.Join(args, " ")), out)
		if err != nil {
			leaks.check(fmt.Sprintf("the error of terraform %s", strings.Join(args, " ")), err.Error())
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
	leaks.check("the TF_LOG_PATH file", logText)
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
		leaks.check("the file "+p, string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	leaks.check("terraform show -json of the state", stateJSON)
	if !fromEnv {
		// Terraform (not the provider) repeats the provider block's
		// literal values in a saved plan's "configuration" section, the
		// sensitive ones too: keys written in the provider block are in
		// the plan file and in its JSON, as in main.tf. Everything else of
		// the plan must be clean; the environment run checks all of it.
		planJSON = withoutProviderConfig(t, planJSON)
	}
	leaks.check("terraform show -json of the saved plan", planJSON)
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
	password := randomKey(t, "pw")
	leaks := newSecretChecker(t, map[string]string{"URL password": password})
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
		leaks.check("the output of terraform plan", out)
	}
	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	leaks.check("the TF_LOG_PATH file", string(logData))
}

// TestSecret_errorBodyEchoingKeys: an answer that repeats the request's
// headers (a misconfigured gateway, a debugging proxy) must not carry the
// keys into an error message.
func TestSecret_errorBodyEchoingKeys(t *testing.T) {
	t.Parallel()
	apiKey, secretKey := randomKey(t, "ak"), randomKey(t, "sk")
	leaks := newSecretChecker(t, map[string]string{"API key": apiKey, "secret key": secretKey})
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest, http.StatusInternalServerError} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"error":"invalid credentials x-api-key=%s x-api-secret-key=%s"}`, r.Header.Get("x-api-key"), r.Header.Get("x-api-secret-key"))
		}))
		c, err := rediscloud.New(rediscloud.Config{
			BaseURL: srv.URL + "/v1", APIKey: apiKey, SecretKey: secretKey,
			MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetSubscription(context.Background(), 1001)
		srv.Close()
		if err == nil {
			t.Fatalf("HTTP %d: no error", status)
		}
		if !strings.Contains(err.Error(), "invalid credentials") {
			t.Errorf("HTTP %d: the error lost the API's message: %v", status, err)
		}
		leaks.check(fmt.Sprintf("the error of an HTTP %d answer", status), err.Error())
	}
}

// TestTransport_parseBaseURL: https anywhere, http only to a loopback host.
func TestTransport_parseBaseURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		url  string
		want string // "" accepts; otherwise part of the error
	}{
		{"https://api.redislabs.com/v1", ""},
		{"https://api.example.com:8443/v1/", ""},
		{"https://10.0.0.1/v1", ""},
		{"http://127.0.0.1:8080/v1", ""},
		{"http://localhost:8080/v1", ""},
		{"http://LOCALHOST/v1", ""},
		{"http://[::1]:8080/v1", ""},
		{"http://127.9.9.9/v1", ""},
		{"http://api.redislabs.com/v1", `plain http:// is accepted only for a loopback host (a local simulator), not "api.redislabs.com": use https://`},
		{"HTTP://api.redislabs.com/v1", `not "api.redislabs.com": use https://`},
		{"http://example.com:80/v1", `not "example.com"`},
		{"http://10.0.0.1/v1", `not "10.0.0.1"`},
		{"http://192.168.0.10/v1", `not "192.168.0.10"`},
		{"http://0.0.0.0:8080/v1", `not "0.0.0.0"`},
		{"http://[::]:8080/v1", `not "::"`},
		{"http://127.0.0.1.nip.io/v1", `not "127.0.0.1.nip.io"`},
		{"http://localhost.example.com/v1", `not "localhost.example.com"`},
		{"http://127.1/v1", `not "127.1"`},
		{"ftp://api.redislabs.com/v1", `scheme "ftp" is not supported: use https://`},
		{"ws://localhost/v1", `scheme "ws" is not supported`},
		{"//api.redislabs.com/v1", `scheme "" is not supported`},
		{"api.redislabs.com/v1", `is not an absolute URL`},
		{"https://user:pass@api.redislabs.com/v1", `the URL must not contain credentials`},
		{"http://user@localhost/v1", `the URL must not contain credentials`},
	} {
		_, err := rediscloud.ParseBaseURL(c.url)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("ParseBaseURL(%q): %v", c.url, err)
		case c.want != "" && err == nil:
			t.Errorf("ParseBaseURL(%q) accepted it, want an error with %q", c.url, c.want)
		case c.want != "" && !strings.Contains(err.Error(), c.want):
			t.Errorf("ParseBaseURL(%q) = %q, want it to contain %q", c.url, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "pass@") {
			t.Errorf("ParseBaseURL(%q) repeats the credentials: %v", c.url, err)
		}
		// The client applies the same rule.
		_, nerr := rediscloud.New(rediscloud.Config{BaseURL: c.url, APIKey: "a", SecretKey: "b"})
		if (nerr == nil) != (err == nil) {
			t.Errorf("New with %q: %v, ParseBaseURL: %v", c.url, nerr, err)
		}
	}
}

// countingTLSServer is a TLS test server that counts connections and
// requests that reached the handler.
type countingTLSServer struct {
	*httptest.Server
	conns, requests atomic.Int32
}

func newCountingTLSServer(t *testing.T) *countingTLSServer {
	t.Helper()
	s := &countingTLSServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"status":404,"error":"Not Found"}`))
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// TestTransport_tlsVerificationOn: the client refuses a server whose
// certificate it cannot verify (httptest's self-signed one), sends it no
// request (so no key), and does not retry: no retry can fix a certificate.
func TestTransport_tlsVerificationOn(t *testing.T) {
	t.Parallel()
	srv := newCountingTLSServer(t)
	c, err := rediscloud.New(rediscloud.Config{
		BaseURL: srv.URL + "/v1", APIKey: "k", SecretKey: "s",
		MaxRetries: 5, RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err = c.GetSubscription(ctx, 1001)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("the client accepted a self-signed certificate")
	}
	var unknownAuthority x509.UnknownAuthorityError
	if !errors.As(err, &unknownAuthority) && !strings.Contains(err.Error(), "certificate") {
		t.Errorf("the error does not say the certificate is not trusted: %v", err)
	}
	if n := srv.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the untrusted server", n)
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("%d connections to the untrusted server, want 1 (no retry)", n)
	}
	if elapsed > 2*time.Second {
		t.Errorf("refusing the certificate took %s; it must not be retried", elapsed)
	}

	// Control: the same server through a client that trusts its
	// certificate is reached, so the refusal above was the verification.
	trusting, err := rediscloud.New(rediscloud.Config{
		BaseURL: srv.URL + "/v1", APIKey: "k", SecretKey: "s", HTTPClient: srv.Client(), MaxRetries: 0,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = trusting.GetSubscription(ctx, 1001)
	if !isHTTP404(err) {
		t.Errorf("through a trusting client: %v, want the server's 404", err)
	}
	// The subscription's 404 and the account list read to explain it.
	if n := srv.requests.Load(); n != 2 {
		t.Errorf("through a trusting client: %d requests, want 2", n)
	}
}

// TestTransport_tlsHostnameChecked: a certificate trusted but issued for
// another name is refused too, without retry.
func TestTransport_tlsHostnameChecked(t *testing.T) {
	t.Parallel()
	srv := newCountingTLSServer(t)
	cert := srv.Certificate()
	for _, name := range cert.DNSNames {
		if name == "localhost" {
			t.Skip("httptest's certificate covers localhost")
		}
	}
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	c, err := rediscloud.New(rediscloud.Config{
		BaseURL: "https://localhost:" + port + "/v1", APIKey: "k", SecretKey: "s", HTTPClient: srv.Client(),
		MaxRetries: 5, RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetSubscription(context.Background(), 1001)
	var hostErr x509.HostnameError
	if !errors.As(err, &hostErr) && !strings.Contains(fmt.Sprint(err), "certificate") {
		t.Fatalf("a certificate for another name: %v, want a hostname error", err)
	}
	if n := srv.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
	if n := srv.conns.Load(); n > 2 {
		t.Errorf("%d connections, want no retry", n)
	}
}

// TestTransport_redirectsStayOnTheAPIHost: net/http copies every custom
// header, the keys included, to wherever a redirect points. A redirect to
// another host (or to plain http) is not followed; one within the API host
// is.
func TestTransport_redirectsStayOnTheAPIHost(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		if r.Header.Get("x-api-key") != "" || r.Header.Get("x-api-secret-key") != "" {
			t.Errorf("the keys were sent to %s", r.Host)
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/subscriptions/1":
			http.Redirect(w, r, other.URL+"/v1/subscriptions/1", http.StatusTemporaryRedirect)
		case "/v1/subscriptions/2":
			http.Redirect(w, r, "/v1/subscriptions/3", http.StatusFound)
		default:
			if r.Header.Get("x-api-key") != "k" {
				t.Errorf("a redirect within the API host lost the key")
			}
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status":404}`))
		}
	}))
	defer api.Close()
	c, err := rediscloud.New(rediscloud.Config{BaseURL: api.URL + "/v1", APIKey: "k", SecretKey: "s", MaxRetries: 2, RetryWaitMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetSubscription(context.Background(), 1)
	if err == nil {
		t.Fatal("a redirect to another host ended without an error")
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the client followed a redirect to another host (%d requests)", n)
	}
	_, err = c.GetSubscription(context.Background(), 2)
	if !isHTTP404(err) {
		t.Errorf("a redirect within the API host: %v, want the 404 it leads to", err)
	}
}

// isHTTP404 reports an error carrying the server's HTTP 404.
func isHTTP404(err error) bool {
	var he *rediscloud.HTTPError
	return errors.As(err, &he) && he.StatusCode == http.StatusNotFound
}

// TestTransport_noTLSVerificationSwitch: no code of the module can turn TLS
// verification off.
func TestTransport_noTLSVerificationSwitch(t *testing.T) {
	t.Parallel()
	root, err := cliharness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		found++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(data), "InsecureSkipVerify") {
			t.Errorf("%s mentions InsecureSkipVerify", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 10 {
		t.Fatalf("only %d Go files under %s", found, root)
	}
}
