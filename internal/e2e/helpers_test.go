// Package e2e_test drives the real Terraform CLI and the built provider
// against the standalone simulator (internal/cmd/rediscloud-sim) run as a
// process, for trials too long or too rough for the acceptance suites:
// applies killed at random moments (chaos_test.go) and several pipelines
// sharing one account's rate limit (pipelines_test.go). Both skip unless
// TF_ACC is set.
package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// providerDir holds the provider binary TestMain builds when TF_ACC is set.
var providerDir string

// simBinDir holds the simulator binary, built on first use.
var simBinDir string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

// runMain returns the exit code, so that the simulator's directory is
// removed before os.Exit.
func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "rediscloud-sim-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	simBinDir = dir
	return cliharness.RunWithProvider(m, &providerDir, "0.0.0-e2e")
}

var (
	simBuildOnce sync.Once
	simBin       string
	simBuildErr  error
)

// simulatorBinary builds internal/cmd/rediscloud-sim once per test binary.
func simulatorBinary(t *testing.T) string {
	t.Helper()
	simBuildOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		simBin, simBuildErr = cliharness.BuildSimulator(ctx, simBinDir)
	})
	if simBuildErr != nil {
		t.Fatal(simBuildErr)
	}
	return simBin
}

// requireAcc skips the test unless acceptance tests are on and the provider
// was built.
func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("end-to-end trials run with TF_ACC=1")
	}
	if providerDir == "" {
		t.Fatal("the provider was not built (TestMain builds it when TF_ACC is set)")
	}
}

// simProcess is the simulator running as a child process, with its log in
// a file of the test's temporary directory.
type simProcess struct {
	*cliharness.Simulator
	logPath string
}

// simSpec says how to start the simulator.
type simSpec struct {
	// args are its flags, e.g. -profile realistic.
	args []string
	// faults are injected from the start (the -faults flag); the zero
	// value injects none.
	faults cloudsim.Faults
	// seed, when set, replaces the default subscriptions.
	seed *cloudsim.Seed
	// quiet leaves requests out of the log.
	quiet bool
}

// startSimulator runs the simulator until the test ends.
func startSimulator(t *testing.T, spec simSpec) *simProcess {
	t.Helper()
	bin := simulatorBinary(t)
	dir := t.TempDir()
	args := append([]string(nil), spec.args...)
	if spec.quiet {
		args = append(args, "-quiet")
	}
	if spec.faults != (cloudsim.Faults{}) {
		b, err := json.Marshal(spec.faults)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, "-faults", string(b))
	}
	if spec.seed != nil {
		b, err := json.Marshal(spec.seed)
		if err != nil {
			t.Fatal(err)
		}
		seedPath := filepath.Join(dir, "seed.json")
		if err := os.WriteFile(seedPath, b, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-seed", seedPath)
	}
	// REDISCLOUD_E2E_LOGS keeps the simulator's logs after the run.
	logDir := dir
	if keep := os.Getenv("REDISCLOUD_E2E_LOGS"); keep != "" {
		if err := os.MkdirAll(keep, 0o755); err != nil {
			t.Fatal(err)
		}
		logDir = keep
	}
	logPath := filepath.Join(logDir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+".simulator.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := cliharness.StartSimulator(context.Background(), bin, logFile, args...)
	if err != nil {
		_ = logFile.Close()
		t.Fatal(err)
	}
	sp := &simProcess{Simulator: sim, logPath: logPath}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the simulator's log ends:\n%s", sp.logTail(80))
		}
		if err := sim.Stop(); err != nil {
			t.Error(err)
		}
		_ = logFile.Close()
	})
	return sp
}

// logTail returns the last n lines of the simulator's log.
func (s *simProcess) logTail(n int) string {
	f, err := os.Open(s.logPath)
	if err != nil {
		return err.Error()
	}
	defer func() { _ = f.Close() }()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// config reads GET /__sim/config, which cliharness does not wrap: the
// values in force, to print what a trial really ran with.
func (s *simProcess) config() (cloudsim.Config, error) {
	var c cloudsim.Config
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Root+"/__sim/config", nil)
	if err != nil {
		return c, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return c, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return c, err
	}
	if resp.StatusCode != http.StatusOK {
		return c, fmt.Errorf("GET /__sim/config: %s: %s", resp.Status, body)
	}
	err = json.Unmarshal(body, &c)
	return c, err
}

// providerBlock names the provider; the URL and keys come from the
// environment the workspace sets (REDISCLOUD_URL, ...).
const providerBlock = `terraform {
  required_providers {
    rediscloud = {
      source = "rediscloud-community/rediscloud"
    }
  }
}

provider "rediscloud" {}
`

// newWorkspace prepares a directory for the CLI with the built provider and
// the simulator's address and keys in the environment, plus env.
func newWorkspace(t *testing.T, sim *simProcess, env ...string) *cliharness.Workspace {
	t.Helper()
	tf, err := cliharness.TerraformPath()
	if err != nil {
		t.Fatal(err)
	}
	ws, err := cliharness.NewWorkspace(t.TempDir(), tf, providerDir)
	if err != nil {
		t.Fatal(err)
	}
	ws.Env = append(append(ws.Env, sim.Env()...), env...)
	return ws
}

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// tfRun is one CLI command in a process group of its own, so that a hard
// kill reaches the provider processes Terraform started as well.
type tfRun struct {
	args    []string
	cmd     *exec.Cmd
	out     *lockedBuffer
	started time.Time
	done    chan struct{}
	ended   time.Time // valid once done is closed
	err     error     // valid once done is closed
}

// startTF starts a CLI command bounded by timeout: past it, the whole group
// is killed. The test's end kills it too if it still runs.
func startTF(t *testing.T, ws *cliharness.Workspace, timeout time.Duration, args ...string) *tfRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	r := &tfRun{args: args, out: &lockedBuffer{}, done: make(chan struct{})}
	r.cmd = ws.Command(ctx, nil, args...)
	r.cmd.Stdout = r.out
	r.cmd.Stderr = r.out
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r.cmd.Cancel = func() error { return syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL) }
	r.cmd.WaitDelay = 10 * time.Second
	r.started = time.Now()
	if err := r.cmd.Start(); err != nil {
		// t.Error, not t.Fatal: pipelines start commands from goroutines
		// of their own.
		cancel()
		t.Errorf("starting terraform %s: %v", strings.Join(args, " "), err)
		r.err, r.ended = err, r.started
		close(r.done)
		return r
	}
	go func() {
		r.err = r.cmd.Wait()
		r.ended = time.Now()
		cancel()
		close(r.done)
	}()
	t.Cleanup(func() {
		if !r.exited() && r.cmd.Process != nil {
			_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
			<-r.done
		}
	})
	return r
}

// runTF runs a CLI command to its end (or its timeout).
func runTF(t *testing.T, ws *cliharness.Workspace, timeout time.Duration, args ...string) *tfRun {
	t.Helper()
	r := startTF(t, ws, timeout, args...)
	<-r.done
	return r
}

func (r *tfRun) exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// wait waits up to d for the command to end and reports whether it did.
func (r *tfRun) wait(d time.Duration) bool {
	select {
	case <-r.done:
		return true
	case <-time.After(d):
		return false
	}
}

// exitCode is the command's exit code, -1 if a signal ended it, -2 if it
// never started. Valid once it has ended.
func (r *tfRun) exitCode() int {
	if r.cmd.ProcessState == nil {
		return -2
	}
	return r.cmd.ProcessState.ExitCode()
}

// took is how long the command ran. Valid once it has ended.
func (r *tfRun) took() time.Duration { return r.ended.Sub(r.started) }

func (r *tfRun) String() string {
	return fmt.Sprintf("terraform %s (exit %d after %s)", strings.Join(r.args, " "), r.exitCode(), r.took().Round(time.Millisecond))
}

// pgid is the command's process group, which its providers share.
func (r *tfRun) pgid() int { return r.cmd.Process.Pid }

// groupAlive lists the live (not zombie) processes of a process group.
func groupAlive(pgid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, err := strconv.Atoi(f[2]); err == nil && g == pgid {
			out = append(out, pid)
		}
	}
	return out
}

// waitGroupGone waits up to d for every process of the group to end.
func waitGroupGone(pgid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for len(groupAlive(pgid)) > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// stateInstance is one managed resource instance of terraform.tfstate.
type stateInstance struct {
	Address string // type.name
	Status  string // "tainted" or ""
	ID      string // the id attribute, sub/peering
}

// readState reads the workspace's terraform.tfstate; a missing or empty
// file is an empty state.
func readState(ws *cliharness.Workspace) ([]stateInstance, error) {
	raw, err := ws.ReadFile("terraform.tfstate")
	if errors.Is(err, os.ErrNotExist) || (err == nil && strings.TrimSpace(raw) == "") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st struct {
		Resources []struct {
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				Status     string         `json:"status"`
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return nil, fmt.Errorf("terraform.tfstate: %w", err)
	}
	var out []stateInstance
	for _, r := range st.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, in := range r.Instances {
			id, _ := in.Attributes["id"].(string)
			out = append(out, stateInstance{Address: r.Type + "." + r.Name, Status: in.Status, ID: id})
		}
	}
	return out, nil
}

// tail returns the end of a long output, for failure messages.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// envInt reads a whole-number setting from the environment.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s must be a positive whole number, got %q", name, v)
	}
	return n
}

// envFloat reads a positive number from the environment.
func envFloat(t *testing.T, name string, def float64) float64 {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		t.Fatalf("%s must be a positive number, got %q", name, v)
	}
	return f
}

// secs formats a duration in seconds with one decimal.
func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }
