package reliability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// newCLIWorkspace prepares a workspace for the real CLI with the provider
// TestMain built, holding the given resource blocks and a provider block
// pointing at srv.
func newCLIWorkspace(t *testing.T, srv *cloudsim.Server, blocks ...string) *cliharness.Workspace {
	t.Helper()
	acctest.PreCheck(t)
	if providerDir == "" {
		t.Fatal("the provider was not built (TestMain builds it when TF_ACC is set)")
	}
	tf, err := cliharness.TerraformPath()
	if err != nil {
		t.Fatal(err)
	}
	ws, err := cliharness.NewWorkspace(t.TempDir(), tf, providerDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteFile("main.tf", acctest.Config(srv, blocks...)); err != nil {
		t.Fatal(err)
	}
	return ws
}

// syncBuffer is an output buffer that may be read while a process writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cliRun is a CLI command running in the background.
type cliRun struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error // valid once done is closed
}

// startCLI starts a CLI command; the test's end kills it and its provider
// if they still run.
func startCLI(t *testing.T, ws *cliharness.Workspace, args ...string) *cliRun {
	t.Helper()
	r := &cliRun{out: &syncBuffer{}, done: make(chan struct{})}
	r.cmd = ws.Command(context.Background(), nil, args...)
	r.cmd.Stdout = r.out
	r.cmd.Stderr = r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		r.err = r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
			return
		default:
		}
		for _, pid := range childPIDs(r.cmd.Process.Pid) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		_ = r.cmd.Process.Kill()
		<-r.done
	})
	return r
}

// exited reports whether the command has ended.
func (r *cliRun) exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// wait waits up to d for the command to end and reports whether it did.
func (r *cliRun) wait(d time.Duration) bool {
	select {
	case <-r.done:
		return true
	case <-time.After(d):
		return false
	}
}

// exitCode is the command's exit code, or -1 if a signal ended it.
func (r *cliRun) exitCode() int {
	return r.cmd.ProcessState.ExitCode()
}

// childPIDs lists the processes whose parent is pid.
func childPIDs(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, _, ok := procStat(child); ok && ppid == pid {
			out = append(out, child)
		}
	}
	return out
}

// procStat reads a process's parent and state from /proc/<pid>/stat.
func procStat(pid int) (ppid int, state string, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, "", false
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, "", false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, "", false
	}
	ppid, err = strconv.Atoi(f[1])
	return ppid, f[0], err == nil
}

// processGone reports whether pid has ended (or is a zombie awaiting its
// reaper).
func processGone(pid int) bool {
	_, state, ok := procStat(pid)
	return !ok || state == "Z" || state == "X"
}

// providerPIDs lists the provider processes the CLI process pid started.
func providerPIDs(pid int) []int {
	want := filepath.Join(providerDir, "terraform-provider-rediscloud")
	var out []int
	for _, child := range childPIDs(pid) {
		if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", child)); err == nil && exe == want {
			out = append(out, child)
		}
	}
	return out
}

// stateInstance is one resource instance of a state file.
type stateInstance struct {
	Type       string
	Name       string
	Status     string // "tainted" or ""
	Attributes map[string]any
}

// readState reads the workspace's terraform.tfstate; a missing or empty file
// (Terraform creates it empty when it takes the lock) is an empty state.
func readState(t *testing.T, ws *cliharness.Workspace) []stateInstance {
	t.Helper()
	raw, err := ws.ReadFile("terraform.tfstate")
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(raw) == "" {
		return nil
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
			out = append(out, stateInstance{Type: r.Type, Name: r.Name, Status: in.Status, Attributes: in.Attributes})
		}
	}
	return out
}
