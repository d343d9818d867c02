// Command hostile measures, end to end through the Terraform CLI, how a
// provider binary meets broken and hostile servers and careless input: a
// server that stalls, a huge list, a server that echoes the API keys, a url
// with a query string, a key with a trailing newline, out-of-range IDs, a
// malformed resourceId, a timeout while rate-limited, a timed-out read and
// an undecodable list. Each case starts its own server on 127.0.0.1, writes
// a tiny configuration into a fresh directory with a dev_overrides CLI
// configuration that points at the binary, runs one Terraform command with
// a cap on its time (then kills it), and reports one row of a Markdown
// table: wall time, peak memory, exit code, the first lines of the error
// diagnostic (keys shown as <api-key> and <secret-key>) and whether a key
// appeared in the output or the TF_LOG=INFO log.
//
//	go build -o /tmp/provider-new . && go run ./internal/cmd/hostile -provider /tmp/provider-new -terraform bin/terraform [-cap 150s] [-only 1a,2,5] [-keep DIR]
//
// Peak memory is given twice: the Maxrss of the Terraform process's rusage,
// which the kernel takes over the process and every descendant it reaped
// (the provider processes included, unless the run was killed), and the
// largest VmHWM of the provider processes, sampled from /proc every 50 ms.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/procmem"
)

func main() {
	provider := flag.String("provider", "", "provider binary to measure (required)")
	tf := flag.String("terraform", "bin/terraform", "Terraform CLI")
	capFlag := flag.Duration("cap", 150*time.Second, "per-case limit; a command still running then is killed")
	only := flag.String("only", "", "comma-separated case IDs to run (default: all)")
	keep := flag.String("keep", "", "directory to keep each case's output and log in (keys replaced)")
	flag.Parse()
	if *provider == "" {
		fmt.Fprintln(os.Stderr, "hostile: -provider is required")
		os.Exit(2)
	}
	if err := run(*provider, *tf, *capFlag, *only, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

// result is one measured run.
type result struct {
	c        testCase
	wall     time.Duration
	killed   bool
	exit     int
	maxrss   int64 // bytes, rusage of the Terraform process
	hwm      int64 // bytes, largest sampled VmHWM of a provider process
	tfHWM    int64 // bytes, sampled VmHWM of the Terraform process
	procs    int   // provider processes seen
	diag     string
	shownOut bool
	shownLog bool
	stateIDs []string
	requests int
}

func run(providerBin, tf string, limit time.Duration, only, keep string) error {
	providerBin, err := filepath.Abs(providerBin)
	if err != nil {
		return err
	}
	if tf, err = filepath.Abs(tf); err != nil {
		return err
	}
	// dev_overrides looks for terraform-provider-<type> in a directory.
	pdir, err := os.MkdirTemp("", "hostile-provider-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(pdir) }()
	if err := copyFile(providerBin, filepath.Join(pdir, "terraform-provider-rediscloud")); err != nil {
		return err
	}
	if keep != "" {
		if err := os.MkdirAll(keep, 0o755); err != nil {
			return err
		}
	}
	want := map[string]bool{}
	for _, id := range strings.Split(only, ",") {
		if id = strings.TrimSpace(id); id != "" {
			want[id] = true
		}
	}
	started := time.Now()
	var results []result
	for _, c := range cases() {
		if len(want) > 0 && !want[c.id] {
			continue
		}
		r, err := runCase(c, tf, pdir, limit, keep)
		if err != nil {
			return fmt.Errorf("case %s: %w", c.id, err)
		}
		fmt.Fprintf(os.Stderr, "%s  %-45s %8s exit %d\n", c.id, c.title, fmtWall(r, limit), r.exit)
		results = append(results, r)
	}
	printTable(os.Stdout, providerBin, tf, limit, results, time.Since(started))
	return nil
}

func runCase(c testCase, tf, pdir string, limit time.Duration, keep string) (result, error) {
	k := newKeys()
	a, err := newAPI(c.server)
	if err != nil {
		return result{}, err
	}
	defer a.close()

	dir, err := os.MkdirTemp("", "hostile-"+c.id+"-")
	if err != nil {
		return result{}, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ws, err := cliharness.NewWorkspace(dir, tf, pdir)
	if err != nil {
		return result{}, err
	}
	if err := ws.WriteFile("main.tf", configFor(c, a.url)); err != nil {
		return result{}, err
	}
	logPath := filepath.Join(dir, "terraform.log")
	env := []string{"TF_LOG=INFO", "TF_LOG_PATH=" + logPath}
	if c.env != nil {
		env = append(env, c.env(k, a.url)...)
	} else {
		env = append(env, "REDISCLOUD_ACCESS_KEY="+k.api, "REDISCLOUD_SECRET_KEY="+k.secret)
	}

	cmd := ws.Command(context.Background(), env, c.args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own process group, so that a kill at the cap ends the provider
	// processes Terraform started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	sampler := procmem.Start(cmd.Process.Pid, 50*time.Millisecond)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	r := result{c: c}
	var waitErr error
	if a.bigList != "" {
		r.c.title += fmt.Sprintf(", a %d-byte answer", a.bigListSize)
	}
	select {
	case waitErr = <-waited:
	case <-time.After(limit):
		r.killed = true
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		sampler.KillProviders()
		waitErr = <-waited
	}
	// A non-zero exit is a result; anything else is a failure to run.
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		return result{}, waitErr
	}
	r.wall = time.Since(start)
	r.hwm, r.procs, r.tfHWM = sampler.Finish()
	r.exit = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxrss = ru.Maxrss * 1024 // KiB on Linux
	}
	r.requests = a.requests()

	text := out.String()
	logData, _ := os.ReadFile(logPath)
	r.shownOut, r.shownLog = k.shownIn(text), k.shownIn(string(logData))
	r.diag = firstDiagnostic(k.hide(text))
	if st, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate")); err == nil {
		r.stateIDs = stateIDs(st)
		if k.shownIn(string(st)) {
			r.shownOut = true
		}
	}
	if keep != "" {
		base := filepath.Join(keep, c.id)
		_ = os.WriteFile(base+".out", []byte(k.hide(text)), 0o600)
		_ = os.WriteFile(base+".log", []byte(k.hide(string(logData))), 0o600)
		_ = os.WriteFile(base+".tf", []byte(k.hide(configFor(c, a.url))), 0o600)
	}
	return r, nil
}

// copyFile copies a file through a small buffer: reading a 27 MB binary
// whole would raise this program's RSS, which every child inherits as its
// starting Maxrss (see printTable).
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
