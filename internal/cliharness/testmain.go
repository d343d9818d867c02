package cliharness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	goversion "github.com/hashicorp/go-version"
)

// RunWithProvider is a TestMain body for packages whose tests drive the CLI:
// when acceptance tests are on (TF_ACC), it builds the provider once into a
// temporary directory, stores that directory in *providerDir, runs the tests
// and removes it. It returns the exit code for os.Exit.
func RunWithProvider(m *testing.M, providerDir *string, version string) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "provider-"+version+"-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	_, err = BuildProvider(ctx, dir, version)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	*providerDir = dir
	return m.Run()
}

// Engine is the CLI that tests run and the registry host it resolves
// unqualified provider sources to.
type Engine struct {
	Path    string
	Version string // first line of `version`
	Host    string // registry.terraform.io or registry.opentofu.org
}

// OurProvider is this provider's full address for the engine.
func (e Engine) OurProvider() string { return e.Host + "/" + ProviderSource }

// IsOpenTofu reports whether the engine is OpenTofu.
func (e Engine) IsOpenTofu() bool { return e.Host == "registry.opentofu.org" }

// TerraformAtLeast reports whether the engine is Terraform (not OpenTofu)
// of version minVersion or later, from the first line of its `version` output
// ("Terraform v1.14.3").
func (e Engine) TerraformAtLeast(minVersion string) bool {
	if e.IsOpenTofu() {
		return false
	}
	fields := strings.Fields(e.Version)
	if len(fields) < 2 {
		return false
	}
	have, err := goversion.NewVersion(strings.TrimPrefix(fields[1], "v"))
	if err != nil {
		return false
	}
	return have.Core().GreaterThanOrEqual(goversion.Must(goversion.NewVersion(minVersion)))
}

var (
	engineOnce sync.Once
	engineVal  Engine
	engineErr  error
)

// DetectEngine finds the CLI (TerraformPath) and tells Terraform from
// OpenTofu by its version output. The answer is computed once per process.
func DetectEngine() (Engine, error) {
	engineOnce.Do(func() {
		path, err := TerraformPath()
		if err != nil {
			engineErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, path, "version")
		cmd.Env = append(cleanEnv(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=/dev/null")
		out, err := cmd.Output()
		if err != nil {
			engineErr = fmt.Errorf("%s version: %w", path, err)
			return
		}
		first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		engineVal = Engine{Path: path, Version: first, Host: "registry.terraform.io"}
		if strings.Contains(strings.ToLower(string(out)), "tofu") {
			engineVal.Host = "registry.opentofu.org"
		}
	})
	return engineVal, engineErr
}
