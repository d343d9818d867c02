package e2e_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// mirrorVersion is a pre-release, as the versions `make mirror` (0.1.0-dev
// before the first tag) and `make release-snapshot` (x.y.z-next) write are.
const mirrorVersion = "0.0.1-mirrortest"

// mirrorHosts are the registry hosts tools/mirror.sh writes the provider
// under: Terraform's, and OpenTofu's, which it resolves unqualified sources
// against.
var mirrorHosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// TestAccExamplesMirror installs the provider as a user does before it is on a
// registry: tools/mirror.sh writes a filesystem mirror, once built for this
// machine (unpacked layout) and once from a dist/ directory as goreleaser
// writes it (packed layout); a CLI configuration with only a
// filesystem_mirror for the provider (no dev_overrides, no plugin cache)
// makes `init` install it from there, and the installed provider applies and
// destroys a peering on the simulator. Any request the CLI sends towards the
// network goes to a proxy that fails the test.
func TestAccExamplesMirror(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	e := cliEngine(t)
	root, err := cliharness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	target := runtime.GOOS + "_" + runtime.GOARCH
	binary := "terraform-provider-rediscloud_v" + mirrorVersion
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}

	unpacked := filepath.Join(t.TempDir(), "mirror")
	runMirrorScript(ctx, t, root, "--output", unpacked, "--version", mirrorVersion)
	var built []byte
	for _, host := range mirrorHosts {
		b, err := os.ReadFile(filepath.Join(unpacked, host, cliharness.ProviderSource, mirrorVersion, target, binary))
		if err != nil {
			t.Fatalf("the unpacked mirror lacks the provider for %s: %v", host, err)
		}
		built = b
	}
	if !bytes.Contains(built, []byte(mirrorVersion)) {
		t.Errorf("the binary tools/mirror.sh built does not carry version %s", mirrorVersion)
	}

	t.Run("unpacked", func(t *testing.T) {
		ws, guard := mirrorWorkspace(t, e, unpacked)

		// A pre-release is selected only by an exact version constraint.
		if err := ws.WriteFile("main.tf", ourRequirement); err != nil {
			t.Fatal(err)
		}
		out, code, err := runCode(ctx, ws, "init", "-no-color", "-input=false")
		if err != nil || code == 0 || !acctest.Wrapped("no available releases match").MatchString(out) {
			t.Fatalf("init without a version constraint: want no match for the pre-release, got exit code %d (%v):\n%s", code, err, out)
		}
		guard.check(t)

		installAndApply(ctx, t, e, ws, map[string][]byte{binary: built})
		guard.check(t)

		// The unpacked mirror holds this machine's platform only.
		other := otherTarget(target)
		out, code, err = runCode(ctx, ws, "providers", "lock", "-no-color", "-fs-mirror="+unpacked, "-platform="+target, "-platform="+other)
		if err != nil || code == 0 || !acctest.Wrapped("is not available for "+other).MatchString(out) {
			t.Errorf("providers lock for %s from the unpacked mirror: want not available, got exit code %d (%v):\n%s", other, code, err, out)
		}
		guard.check(t)
	})

	t.Run("packed", func(t *testing.T) {
		// dist/ as goreleaser writes it: one zip per platform, SHA256SUMS and
		// metadata.json naming the version. The other platform's zip holds
		// a stand-in, since locking only hashes it (a cross-build takes
		// minutes on a cold build cache).
		other := otherTarget(target)
		otherBinary := strings.TrimSuffix(binary, ".exe")
		if strings.HasPrefix(other, "windows_") {
			otherBinary += ".exe"
		}
		platforms := map[string]map[string][]byte{
			target: {binary: built},
			other:  {otherBinary: []byte("stand-in for the " + other + " build\n")},
		}
		dist := t.TempDir()
		var sums strings.Builder
		zips := map[string]string{}
		for _, p := range sortedKeys(platforms) {
			name := fmt.Sprintf("terraform-provider-rediscloud_%s_%s.zip", mirrorVersion, p)
			data := zipFiles(t, platforms[p])
			if err := os.WriteFile(filepath.Join(dist, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), name)
			zips[p] = name
		}
		writeTestFile(t, filepath.Join(dist, "terraform-provider-rediscloud_"+mirrorVersion+"_SHA256SUMS"), sums.String())
		writeTestFile(t, filepath.Join(dist, "metadata.json"),
			fmt.Sprintf(`{"project_name":"terraform-provider-rediscloud","tag":"v0.0.0","version":%q}`, mirrorVersion))

		packed := filepath.Join(t.TempDir(), "mirror")
		// No --version: it comes from dist/metadata.json.
		runMirrorScript(ctx, t, root, "--dist", dist, "--output", packed)
		for _, host := range mirrorHosts {
			for _, name := range zips {
				if _, err := os.Stat(filepath.Join(packed, host, cliharness.ProviderSource, name)); err != nil {
					t.Fatalf("the packed mirror lacks %s for %s: %v", name, host, err)
				}
			}
		}

		ws, guard := mirrorWorkspace(t, e, packed)
		installAndApply(ctx, t, e, ws, platforms[target])
		guard.check(t)

		// The packed mirror holds every platform: the lock file gets each
		// platform's hash.
		out := mustRun(ctx, t, ws, "providers", "lock", "-no-color", "-fs-mirror="+packed, "-platform="+target, "-platform="+other)
		guard.check(t)
		hashes := lockedHashes(t, ws, e)
		for _, p := range sortedKeys(platforms) {
			if want := hash1(platforms[p]); !hashes[want] {
				t.Errorf("the lock file lacks %s's hash %s after providers lock (it has %v):\n%s", p, want, hashes, out)
			}
		}
	})
}

// runMirrorScript runs tools/mirror.sh from the module root, for this
// machine whatever GOOS and GOARCH the environment names.
func runMirrorScript(ctx context.Context, t *testing.T, root string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(root, "tools", "mirror.sh")}, args...)...)
	cmd.Dir = root
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "GOOS" && k != "GOARCH" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tools/mirror.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("tools/mirror.sh %s:\n%s", strings.Join(args, " "), out)
}

// networkGuard is a proxy that answers every request with 403 and records
// it: the CLI runs with it as HTTP(S)_PROXY, so that a request towards a
// registry fails the test. The simulator, on a loopback address, is reached
// directly (Go never proxies loopback).
type networkGuard struct {
	mu   sync.Mutex
	seen []string
}

func (g *networkGuard) check(t *testing.T) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.seen) > 0 {
		t.Fatalf("the CLI reached for the network: %q", g.seen)
	}
}

// mirrorWorkspace is a workspace whose CLI configuration installs this
// provider from the filesystem mirror only, and everything else directly,
// with no plugin cache and every proxied request recorded.
func mirrorWorkspace(t *testing.T, e engine, mirror string) (*workspace, *networkGuard) {
	t.Helper()
	guard := &networkGuard{}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		guard.mu.Lock()
		guard.seen = append(guard.seen, r.Method+" "+r.Host+r.URL.Path)
		guard.mu.Unlock()
		http.Error(w, "tests must not reach the network", http.StatusForbidden)
	}))
	t.Cleanup(proxy.Close)

	cfg := filepath.Join(t.TempDir(), "mirror.tfrc")
	writeTestFile(t, cfg, fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
  direct {
    exclude = [%q]
  }
}
`, mirror, ourProvider(e), ourProvider(e)))
	return &workspace{
		Dir: t.TempDir(),
		TF:  e.Path,
		Env: []string{
			"TF_CLI_CONFIG_FILE=" + cfg,
			"TF_PLUGIN_CACHE_DIR=",
			"TF_IN_AUTOMATION=1",
			"CHECKPOINT_DISABLE=1",
			"TF_INPUT=0",
			"HTTPS_PROXY=" + proxy.URL, "https_proxy=" + proxy.URL,
			"HTTP_PROXY=" + proxy.URL, "http_proxy=" + proxy.URL,
			"NO_PROXY=", "no_proxy=",
		},
	}, guard
}

// installAndApply runs init in ws, which must install the provider from the
// mirror (files is the package it holds for this machine), then applies a
// peering on a simulator, checks it there and in state, and destroys it.
func installAndApply(ctx context.Context, t *testing.T, e engine, ws *workspace, files map[string][]byte) {
	t.Helper()
	srv := acctest.NewSim(t, cloudsim.Options{})
	config := fmt.Sprintf(`terraform {
  required_providers {
    rediscloud = {
      source  = %q
      version = %q
    }
  }
}

provider "rediscloud" {
  url        = %q
  api_key    = %q
  secret_key = %q
}

resource "rediscloud_subscription_peering" "mirror" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = "172.31.0.0/16"
}
`, cliharness.ProviderSource, mirrorVersion, srv.URL(), acctest.APIKey, acctest.SecretKey)
	if err := ws.WriteFile("main.tf", config); err != nil {
		t.Fatal(err)
	}

	out := mustRun(ctx, t, ws, "init", "-no-color", "-input=false")
	installed := regexp.MustCompile(`Installed ` + regexp.QuoteMeta(cliharness.ProviderSource) + ` v` + regexp.QuoteMeta(mirrorVersion) + `\b`)
	if !installed.MatchString(out) {
		t.Fatalf("init did not install %s v%s:\n%s", cliharness.ProviderSource, mirrorVersion, out)
	}
	if strings.Contains(strings.ToLower(out), "development overrides") {
		t.Fatalf("init ran with development overrides:\n%s", out)
	}
	// The lock file pins the provider at the mirror's version, with the
	// hash of the package the mirror holds for this machine.
	if want := hash1(files); !lockedHashes(t, ws, e)[want] {
		lock, _ := ws.ReadFile(".terraform.lock.hcl")
		t.Fatalf("the lock file does not record the mirror's package hash %s:\n%s", want, lock)
	}

	mustRun(ctx, t, ws, "apply", "-auto-approve", "-no-color", "-input=false")
	var peering *cloudsim.PeeringInfo
	for _, p := range srv.Peerings() {
		if p.SubscriptionID == 1001 && p.VPCID == "vpc-0a1b2c3d4e5f67890" {
			peering = &p
		}
	}
	if peering == nil {
		t.Fatalf("no peering in the simulator after apply: %+v", srv.Peerings())
	}
	raw := mustRun(ctx, t, ws, "show", "-json", "-no-color")
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(raw), &state); err != nil {
		t.Fatalf("decoding show -json: %v\n%s", err, raw)
	}
	wantID := fmt.Sprintf("1001/%d", peering.ID)
	found := false
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == "rediscloud_subscription_peering.mirror" && r.Values["id"] == wantID {
			found = true
		}
	}
	if !found {
		t.Fatalf("state does not hold rediscloud_subscription_peering.mirror with id %s:\n%s", wantID, raw)
	}

	mustRun(ctx, t, ws, "destroy", "-auto-approve", "-no-color", "-input=false")
	if left := srv.Peerings(); len(left) != 0 {
		t.Fatalf("peerings left after destroy: %+v", left)
	}
}

// lockedHashes reads the hashes the lock file records for this provider at
// mirrorVersion; it fails the test when the provider is not pinned there.
func lockedHashes(t *testing.T, ws *workspace, e engine) map[string]bool {
	t.Helper()
	lock, err := ws.ReadFile(".terraform.lock.hcl")
	if err != nil {
		t.Fatalf("no lock file: %v", err)
	}
	block := regexp.MustCompile(`(?s)provider "` + regexp.QuoteMeta(ourProvider(e)) + `" \{(.*?)\n\}`).FindStringSubmatch(lock)
	if block == nil {
		t.Fatalf("the lock file does not pin %s:\n%s", ourProvider(e), lock)
	}
	if !regexp.MustCompile(`\bversion\s*=\s*"` + regexp.QuoteMeta(mirrorVersion) + `"`).MatchString(block[1]) {
		t.Fatalf("the lock file does not pin %s at %s:\n%s", ourProvider(e), mirrorVersion, lock)
	}
	hashes := map[string]bool{}
	for _, m := range regexp.MustCompile(`"((?:h1|zh):[^"]+)"`).FindAllStringSubmatch(block[1], -1) {
		hashes[m[1]] = true
	}
	return hashes
}

// hash1 is the "h1:" hash Terraform and OpenTofu record for a provider
// package of these files (golang.org/x/mod/sumdb/dirhash.Hash1 of the
// package directory).
func hash1(files map[string][]byte) string {
	var summary strings.Builder
	for _, name := range sortedKeys(files) {
		sum := sha256.Sum256(files[name])
		fmt.Fprintf(&summary, "%x  %s\n", sum, name)
	}
	sum := sha256.Sum256([]byte(summary.String()))
	return "h1:" + base64.StdEncoding.EncodeToString(sum[:])
}

// zipFiles is a zip of the files, executable as goreleaser's are.
func zipFiles(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(files) {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(files[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// otherTarget is a release platform that is not this machine's.
func otherTarget(target string) string {
	if target == "darwin_arm64" {
		return "linux_amd64"
	}
	return "darwin_arm64"
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
