// Package cliharness runs the real Terraform (or OpenTofu) CLI against a
// provider binary built from this module, through a dev_overrides CLI
// configuration of its own. It serves what the test framework does not do:
// signals, whole-process logs, state files written by hand, timings, and the
// demo and benchmark programs. The user's own CLI configuration is never read
// or touched.
package cliharness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// ProviderSource is the provider's source address in configurations.
const ProviderSource = "rediscloud-community/rediscloud"

// ModuleRoot finds the directory holding this module's go.mod.
func ModuleRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the module root")
	}
	dir := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above " + filepath.Dir(file))
		}
		dir = parent
	}
}

// BuildProvider builds the provider into dir and returns the binary's path.
func BuildProvider(ctx context.Context, dir, version string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	if version == "" {
		version = "0.0.0-test"
	}
	bin := filepath.Join(dir, "terraform-provider-rediscloud")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "-ldflags", "-X main.version="+version, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return bin, nil
}

// TerraformPath returns the CLI to run: $TF_ACC_TERRAFORM_PATH, then
// bin/terraform of this module, then terraform on PATH.
func TerraformPath() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	if root, err := ModuleRoot(); err == nil {
		if p := filepath.Join(root, "bin", "terraform"); fileExists(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("terraform"); err == nil {
		return p, nil
	}
	return "", errors.New("no Terraform CLI: run `make terraform` or set TF_ACC_TERRAFORM_PATH")
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// Workspace is a working directory with a CLI configuration that points the
// provider's source address at a local binary.
type Workspace struct {
	Dir string
	// TF is the Terraform or OpenTofu binary.
	TF string
	// Env is added to every command's environment (KEY=VALUE).
	Env []string
}

// NewWorkspace prepares dir for runs of tf with the provider binary found in
// providerDir.
func NewWorkspace(dir, tf, providerDir string) (*Workspace, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cliConfig := fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, ProviderSource, providerDir)
	cfgPath := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(cfgPath, []byte(cliConfig), 0o600); err != nil {
		return nil, err
	}
	return &Workspace{
		Dir: dir,
		TF:  tf,
		Env: []string{
			"TF_CLI_CONFIG_FILE=" + cfgPath,
			"TF_IN_AUTOMATION=1",
			"CHECKPOINT_DISABLE=1",
			"TF_INPUT=0",
		},
	}, nil
}

// WriteFile writes a file (a configuration, a state) into the workspace.
func (w *Workspace) WriteFile(name, content string) error {
	return os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600)
}

// ReadFile reads a file of the workspace.
func (w *Workspace) ReadFile(name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(w.Dir, name))
	return string(b), err
}

// Command prepares a CLI command in the workspace with extra env entries.
func (w *Workspace) Command(ctx context.Context, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.TF, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(append(cleanEnv(), w.Env...), env...)
	return cmd
}

// Run runs the CLI and returns its output; a non-zero exit is an error that
// includes the output.
func (w *Workspace) Run(ctx context.Context, args ...string) (string, error) {
	return w.RunEnv(ctx, nil, args...)
}

// RunEnv is Run with extra environment entries.
func (w *Workspace) RunEnv(ctx context.Context, env []string, args ...string) (string, error) {
	cmd := w.Command(ctx, env, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s %s: %w\n%s", filepath.Base(w.TF), strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

// cleanEnv is the process environment without the variables that would make
// a CLI run read the user's own configuration or another test's settings.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "TF_CLI_CONFIG_FILE", k == "TF_LOG", k == "TF_LOG_PATH", k == "TF_LOG_PROVIDER", k == "TF_LOG_CORE",
			k == "TF_REATTACH_PROVIDERS", k == "TF_WORKSPACE", k == "TF_DATA_DIR",
			strings.HasPrefix(k, "TF_CLI_ARGS"), strings.HasPrefix(k, "TF_VAR_"), strings.HasPrefix(k, "REDISCLOUD_"):
			continue
		}
		out = append(out, kv)
	}
	return out
}
