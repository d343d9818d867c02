package migration_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
)

// providerDir holds the provider binary built once by TestMain; it is empty
// when acceptance tests are off.
var providerDir string

func TestMain(m *testing.M) {
	os.Exit(cliharness.RunWithProvider(m, &providerDir, "0.0.0-migration"))
}

type workspace = cliharness.Workspace

// engine is the CLI the tests run.
type engine = cliharness.Engine

// cliEngine finds the CLI and tells Terraform from OpenTofu.
func cliEngine(t *testing.T) engine {
	t.Helper()
	e, err := cliharness.DetectEngine()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// newWorkspace is a workspace for the engine whose provider settings come
// from the environment, as most users of Redis's provider set them.
func newWorkspace(t *testing.T, e engine, url string) *cliharness.Workspace {
	t.Helper()
	acctest.PreCheck(t)
	if providerDir == "" {
		t.Fatal("the provider was not built")
	}
	ws, err := cliharness.NewWorkspace(t.TempDir(), e.Path, providerDir)
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
