package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
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

// requireAcc skips the test unless acceptance tests are on, and fails it if
// the provider was not built.
func requireAcc(t *testing.T) {
	t.Helper()
	acctest.PreCheck(t)
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

// workspace is a directory where the CLI runs with the provider TestMain built.
type workspace = cliharness.Workspace

// engine is the CLI this pass runs (TF_ACC_TERRAFORM_PATH): Terraform or
// OpenTofu.
type engine = acctest.Engine

// cliEngine identifies the CLI of this pass.
func cliEngine(t *testing.T) engine {
	t.Helper()
	e, err := acctest.CurrentEngine()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// ourProvider is this provider's full address for the engine: OpenTofu
// resolves unqualified sources against its own registry host.
func ourProvider(e engine) string {
	host := "registry.terraform.io"
	if e.Name == acctest.OpenTofu {
		host = "registry.opentofu.org"
	}
	return host + "/" + cliharness.ProviderSource
}

// terraformAtLeast reports whether the engine is Terraform (not OpenTofu)
// at minVersion or later.
func terraformAtLeast(e engine, minVersion string) bool {
	ok, err := e.AtLeast(acctest.Terraform, minVersion)
	return err == nil && ok
}

// newWorkspace is an empty workspace for this pass's CLI with the provider
// TestMain built; env is added to every command's environment (the
// provider's URL and keys, for configurations that leave them out).
func newWorkspace(t *testing.T, env ...string) *workspace {
	t.Helper()
	requireAcc(t)
	ws, err := cliharness.NewWorkspace(t.TempDir(), cliEngine(t).Path, providerDir)
	if err != nil {
		t.Fatal(err)
	}
	ws.Env = append(ws.Env, env...)
	return ws
}

// simEnv is the provider's environment for an in-process simulator at url
// with the default keys.
func simEnv(url string) []string {
	return []string{
		"REDISCLOUD_URL=" + url,
		"REDISCLOUD_ACCESS_KEY=" + acctest.APIKey,
		"REDISCLOUD_SECRET_KEY=" + acctest.SecretKey,
	}
}

// writeFile writes a file (a configuration, a state) into the workspace.
func writeFile(t *testing.T, ws *workspace, name, content string) {
	t.Helper()
	if err := ws.WriteFile(name, content); err != nil {
		t.Fatal(err)
	}
}

// runCode runs the CLI and returns its output and exit code; err is set only
// when the CLI could not be run at all.
func runCode(ctx context.Context, ws *workspace, args ...string) (string, int, error) {
	out, err := ws.Command(ctx, nil, args...).CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode(), nil
	}
	return string(out), 0, err
}

// mustRun runs the CLI and fails the test on a non-zero exit.
func mustRun(ctx context.Context, t *testing.T, ws *workspace, args ...string) string {
	t.Helper()
	out, err := ws.Run(ctx, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
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
func startTF(t *testing.T, ws *workspace, timeout time.Duration, args ...string) *tfRun {
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
func runTF(t *testing.T, ws *workspace, timeout time.Duration, args ...string) *tfRun {
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

// procStat reads a process's parent, process group and state from
// /proc/<pid>/stat.
func procStat(pid int) (ppid, pgrp int, state string, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, "", false
	}
	// pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, "", false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 3 {
		return 0, 0, "", false
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgrp, err2 := strconv.Atoi(f[2])
	return ppid, pgrp, f[0], err1 == nil && err2 == nil
}

// processes lists the live (not zombie) processes that match.
func processes(match func(pid, ppid, pgrp int) bool) []int {
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
		ppid, pgrp, state, ok := procStat(pid)
		if ok && state != "Z" && state != "X" && match(pid, ppid, pgrp) {
			out = append(out, pid)
		}
	}
	return out
}

// groupAlive lists the live processes of a process group.
func groupAlive(pgid int) []int {
	return processes(func(_, _, pgrp int) bool { return pgrp == pgid })
}

// waitGroupGone waits up to d for every process of the group to end.
func waitGroupGone(pgid int, d time.Duration) bool {
	return waitFor(d, func() bool { return len(groupAlive(pgid)) == 0 })
}

// processGone reports whether pid has ended (or is a zombie awaiting its
// reaper).
func processGone(pid int) bool {
	_, _, state, ok := procStat(pid)
	return !ok || state == "Z" || state == "X"
}

// providerPIDs lists the provider processes the CLI process pid started.
func providerPIDs(pid int) []int {
	want := filepath.Join(providerDir, "terraform-provider-rediscloud")
	return processes(func(child, ppid, _ int) bool {
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", child))
		return ppid == pid && err == nil && exe == want
	})
}

// waitFor polls cond every 20 ms until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stateInstance is one managed resource instance of terraform.tfstate.
type stateInstance struct {
	Address    string // type.name
	Status     string // "tainted" or ""
	ID         string // the id attribute, sub/peering
	Attributes map[string]any
}

// readState reads the workspace's terraform.tfstate; a missing or empty file
// (Terraform creates it empty when it takes the lock) is an empty state.
func readState(t *testing.T, ws *workspace) []stateInstance {
	t.Helper()
	raw, err := ws.ReadFile("terraform.tfstate")
	if errors.Is(err, os.ErrNotExist) || (err == nil && strings.TrimSpace(raw) == "") {
		return nil
	}
	if err != nil {
		t.Fatal(err)
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
		t.Fatalf("terraform.tfstate: %v\n%s", err, raw)
	}
	var out []stateInstance
	for _, r := range st.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, in := range r.Instances {
			id, _ := in.Attributes["id"].(string)
			out = append(out, stateInstance{Address: r.Type + "." + r.Name, Status: in.Status, ID: id, Attributes: in.Attributes})
		}
	}
	return out
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

// sortedKeys lists a map's keys in order, for stable reports.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
