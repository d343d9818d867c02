package migration_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
)

// providerDir holds the provider binary built once by TestMain; it is empty
// when acceptance tests are off.
var providerDir string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("TF_ACC") != "" {
		dir, err := os.MkdirTemp("", "migration-provider-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		_, err = cliharness.BuildProvider(ctx, dir, "0.0.0-migration")
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		providerDir = dir
	}
	return m.Run()
}

type workspace = cliharness.Workspace

// engine is the CLI the tests run and the registry host it resolves
// unqualified provider sources to.
type engine struct {
	path    string
	version string // first line of `version`
	host    string // registry.terraform.io or registry.opentofu.org
}

var (
	engineOnce sync.Once
	engineVal  engine
	engineErr  error
)

// cliEngine finds the CLI (TF_ACC_TERRAFORM_PATH, bin/terraform, PATH) and
// tells Terraform from OpenTofu by its version output.
func cliEngine(t *testing.T) engine {
	t.Helper()
	engineOnce.Do(func() {
		path, err := cliharness.TerraformPath()
		if err != nil {
			engineErr = err
			return
		}
		cmd := exec.Command(path, "version")
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=/dev/null")
		out, err := cmd.Output()
		if err != nil {
			engineErr = fmt.Errorf("%s version: %w", path, err)
			return
		}
		first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		engineVal = engine{path: path, version: first, host: "registry.terraform.io"}
		if strings.Contains(strings.ToLower(string(out)), "tofu") {
			engineVal.host = "registry.opentofu.org"
		}
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return engineVal
}

// ourProvider is this provider's full address for the engine.
func (e engine) ourProvider() string {
	return e.host + "/" + cliharness.ProviderSource
}

// newWorkspace is a workspace for the engine whose provider settings come
// from the environment, as most users of Redis's provider set them.
func newWorkspace(t *testing.T, e engine, url string) *cliharness.Workspace {
	t.Helper()
	acctest.PreCheck(t)
	if providerDir == "" {
		t.Fatal("the provider was not built")
	}
	ws, err := cliharness.NewWorkspace(t.TempDir(), e.path, providerDir)
	if err != nil {
		t.Fatal(err)
	}
	ws.Env = append(ws.Env,
		"REDISCLOUD_URL="+url,
		"REDISCLOUD_ACCESS_KEY="+acctest.APIKey,
		"REDISCLOUD_SECRET_KEY="+acctest.SecretKey,
	)
	return ws
}

// runCode runs the CLI and returns its output and exit code; err is set only
// when the CLI could not be run at all.
func runCode(ctx context.Context, ws *cliharness.Workspace, args ...string) (string, int, error) {
	cmd := ws.Command(ctx, nil, args...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode(), nil
	}
	return string(out), 0, err
}

// mustRun runs the CLI and fails the test on a non-zero exit.
func mustRun(ctx context.Context, t *testing.T, ws *cliharness.Workspace, args ...string) string {
	t.Helper()
	out, err := ws.Run(ctx, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
