// Command bench measures the provider against the standalone simulator with
// the real Terraform CLI, and prints a Markdown table: for each scenario the
// wall time of the Terraform command, the API requests, peering list tasks
// and 429 answers the simulator counted, and the provider's peak memory, as
// the median of several runs. See BENCHMARKS.md for the scenarios and the
// latest results.
//
//	go run ./internal/cmd/bench [-runs 3] [-only 2,4] [-update BENCHMARKS.md,README.md]
//	go run ./internal/cmd/bench -goals -update BENCHMARKS.md
//
// Every run gets a fresh simulator process and a fresh working directory, so
// runs neither share state nor a rate-limit window.
package main

//go:generate go run . -goals -update ../../../BENCHMARKS.md

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/mdregion"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/procmem"
)

func main() {
	runs := flag.Int("runs", 3, "runs per scenario; the table shows medians")
	only := flag.String("only", "", "comma-separated scenario IDs to run (1a,1b,2,3,4,4m,5,5b,S0,S1,S1f,S2,S3,6,R1,R2,R2t,R4,R4t,R3); default all")
	tfFlag := flag.String("terraform", "", "Terraform binary (default: $TF, then $TF_ACC_TERRAFORM_PATH, then bin/terraform, then PATH)")
	update := flag.String("update", "", "also write the table into these Markdown files (comma-separated), in their generated region <!-- bench:begin --> … <!-- bench:end -->")
	keep := flag.Bool("keep", false, "keep the working directories (configurations, states, logs)")
	profileDir := flag.String("pprof", "", "write CPU and allocation profiles of every provider process of the measured commands into this folder (REDISCLOUD_PPROF_DIR; read them with go tool pprof)")
	grid := flag.Bool("grid", false, "run the pace grid (cells g1 to g18: three creates against APIs of different paces, see BENCHMARKS.md) instead of the scenarios; -update then writes its region <!-- bench-grid:begin --> … <!-- bench-grid:end -->")
	goals := flag.Bool("goals", false, "measure nothing: print the scenarios' goals and their reasons; -update then writes its region <!-- bench-goals:begin --> … <!-- bench-goals:end -->")
	providerLog := flag.Bool("provider-log", false, "write the provider's debug log of each measured command to provider.log in its working directory (implies -keep; slows the provider down a little)")
	flag.Parse()

	if *goals {
		if err := writeGoals(*update); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *profileDir != "" {
		abs, err := filepath.Abs(*profileDir)
		if err == nil {
			err = os.MkdirAll(abs, 0o755)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		*profileDir = abs
	}
	opts := options{runs: *runs, only: *only, terraform: *tfFlag, update: *update, keep: *keep || *providerLog, providerLog: *providerLog, profileDir: *profileDir, grid: *grid}
	if err := runWithSignals(opts); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// runWithSignals runs the benchmark until done or interrupted.
func runWithSignals(opts options) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, opts)
}

type options struct {
	runs              int
	only              string
	terraform, update string
	keep, providerLog bool
	profileDir        string
	grid              bool
}

func run(ctx context.Context, o options) error {
	if o.runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	tf, err := terraformPath(o.terraform)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "rediscloud-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "working directories are kept in", tmp)
	} else {
		defer func() { _ = os.RemoveAll(tmp) }()
	}

	fmt.Fprintln(os.Stderr, "building the provider and the simulator…")
	binDir := filepath.Join(tmp, "bin")
	if _, err := cliharness.BuildProvider(ctx, binDir, "0.0.0-bench"); err != nil {
		return err
	}
	simBin, err := cliharness.BuildSimulator(ctx, binDir)
	if err != nil {
		return err
	}
	tfVersion := terraformVersion(ctx, tf)

	b := &bench{tf: tf, providerDir: binDir, simBin: simBin, tmp: tmp, runs: o.runs, providerLog: o.providerLog, profileDir: o.profileDir}
	var results []*summary
	started := time.Now()
	all, render, into := scenarios(), renderTable, region
	if o.grid {
		all, render, into = gridScenarios(), renderGrid, gridRegion
	}
	for _, sc := range all {
		if o.only != "" && !slices.Contains(strings.Split(o.only, ","), sc.id) {
			continue
		}
		s, err := b.scenario(ctx, sc)
		if err != nil {
			return err
		}
		results = append(results, s)
	}
	table := render(results, o.runs, o.only, tfVersion)
	fmt.Print(table)
	fmt.Fprintf(os.Stderr, "total benchmark time %s\n", secs(time.Since(started)))
	return updateRegions(o.update, into, table)
}

// writeGoals writes the goals table into the files of update, or prints it.
func writeGoals(update string) error {
	table := renderGoals(scenarios())
	if update == "" {
		fmt.Print(table)
	}
	return updateRegions(update, goalsRegion, table)
}

// updateRegions writes content into the region of every file of the
// comma-separated list paths.
func updateRegions(paths, region, content string) error {
	for _, path := range strings.Split(paths, ",") {
		if path = strings.TrimSpace(path); path == "" {
			continue
		}
		if err := mdregion.Update(path, region, content); err != nil {
			return err
		}
	}
	return nil
}

// terraformPath picks the CLI: the flag, $TF, then what cliharness finds.
func terraformPath(flagValue string) (string, error) {
	for _, p := range []string{flagValue, os.Getenv("TF")} {
		if p != "" {
			return filepath.Abs(p)
		}
	}
	return cliharness.TerraformPath()
}

func terraformVersion(ctx context.Context, tf string) string {
	out, err := exec.CommandContext(ctx, tf, "version").Output()
	if err != nil {
		return "unknown"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first)
}

type bench struct {
	tf, providerDir, simBin, tmp string
	runs                         int
	providerLog                  bool
	profileDir                   string
}

// measurement is one run of a scenario.
type measurement struct {
	wall      time.Duration
	stats     cloudsim.Stats
	peakMem   int64
	providers int
	// providerCPU is the provider processes' CPU time, cpu that of every
	// process of the command (Terraform's and the providers' it waited for).
	providerCPU, cpu time.Duration
	err              error
}

// scenario runs sc b.runs times (once if sc.once) and summarises the runs.
func (b *bench) scenario(ctx context.Context, sc *scenario) (*summary, error) {
	var ms []measurement
	runs := b.runs
	if sc.once {
		runs = 1
	}
	for i := 1; i <= runs; i++ {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		m, err := b.once(ctx, sc, filepath.Join(b.tmp, fmt.Sprintf("scenario-%s-run-%d", sc.id, i)))
		if err != nil {
			return nil, fmt.Errorf("scenario %s, run %d: %w", sc.id, i, err)
		}
		status := "ok"
		if m.err != nil {
			status = "FAILED: " + m.err.Error()
		}
		fmt.Fprintf(os.Stderr, "scenario %-3s run %d/%d: %7s  %4d requests  %3d list tasks  %3d 429s  %3d refused  %4d peak/min  %5.1f MiB  CPU %s (provider %s)  %s\n",
			sc.id, i, runs, secs(m.wall), m.stats.TotalRequests, listTasks(m.stats), m.stats.Throttled, m.stats.ChangesRefused+m.stats.ListsRefused,
			m.stats.PeakRequestsPerMinute, mib(m.peakMem), secs(m.cpu), secs(m.providerCPU), status)
		ms = append(ms, m)
	}
	return summarise(sc, ms), nil
}

// once runs a scenario once in dir. An error is a failure of the harness; a
// failure of the measured command is recorded in the measurement.
func (b *bench) once(ctx context.Context, sc *scenario, dir string) (measurement, error) {
	ws, err := cliharness.NewWorkspace(dir, b.tf, b.providerDir)
	if err != nil {
		return measurement{}, err
	}
	if err := ws.WriteFile("main.tf", header+sc.config); err != nil {
		return measurement{}, err
	}
	seedFile := ""
	if sc.seed != "" {
		seedFile = filepath.Join(dir, "seed.json")
		if err := ws.WriteFile("seed.json", sc.seed); err != nil {
			return measurement{}, err
		}
	}
	settings := sc.sim
	if sc.setupInstant {
		settings = instant
	}
	setupEnv := []string{"REDISCLOUD_REQUESTS_PER_MINUTE=0"}
	if sc.setup && !sc.setupLimited {
		// The setup is not measured: let it go as fast as it can.
		settings.RateLimit = 0
	} else if sc.setupLimited {
		setupEnv = nil
	}
	sim, stop, err := startSim(ctx, b.simBin, dir, settings, seedFile)
	if err != nil {
		return measurement{}, err
	}
	defer stop()
	ws.Env = append(ws.Env, sim.Env()...)
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()

	if sc.setup {
		args := applyArgs
		if sc.setupArgs != nil {
			args = sc.setupArgs
		}
		if sc.importFrom != nil {
			imports, err := seedProPeerings(ctx, sim, sc.peerings, sc.importFrom)
			if err == nil {
				err = ws.WriteFile("imports.tf", imports)
			}
			if err != nil {
				return measurement{}, fmt.Errorf("setting up: %w", err)
			}
		}
		if _, err := ws.RunEnv(ctx, setupEnv, args...); err != nil {
			return measurement{}, fmt.Errorf("setting up: %w", err)
		}
		if sc.importFrom != nil {
			if err := os.Remove(filepath.Join(dir, "imports.tf")); err != nil {
				return measurement{}, err
			}
		}
		patch := map[string]any{"rateLimit": sc.sim.RateLimit}
		if sc.setupInstant {
			patch = map[string]any{"profile": sc.sim.Profile}
		}
		if err := sim.SetConfig(patch); err != nil {
			return measurement{}, err
		}
		if sc.afterSetup != nil {
			if err := sc.afterSetup(dir); err != nil {
				return measurement{}, fmt.Errorf("after the setup: %w", err)
			}
		}
	}
	if err := sim.ResetStats(); err != nil {
		return measurement{}, err
	}

	var m measurement
	var env []string
	if b.providerLog {
		env = []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + filepath.Join(dir, "provider.log")}
	}
	if b.profileDir != "" {
		env = append(env, "REDISCLOUD_PPROF_DIR="+b.profileDir)
	}
	cmd := ws.Command(ctx, env, sc.args...)
	logFile, err := os.Create(filepath.Join(dir, "terraform.log"))
	if err != nil {
		return measurement{}, err
	}
	defer func() { _ = logFile.Close() }()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	sampler := procmem.Start(cmd.Process.Pid, 5*time.Millisecond)
	m.err = cmd.Wait()
	m.wall = time.Since(start)
	m.peakMem, m.providers, _ = sampler.Finish()
	m.providerCPU = sampler.ProviderCPU()
	if cmd.ProcessState != nil {
		// wait4's usage counts the children the process itself waited for.
		m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if m.err != nil {
		out, _ := os.ReadFile(logFile.Name())
		m.err = fmt.Errorf("%s %s: %w\n%s", filepath.Base(b.tf), strings.Join(sc.args, " "), m.err, tail(string(out), 40))
	}
	if m.stats, err = sim.Stats(); err != nil {
		return measurement{}, err
	}
	if data, err := json.MarshalIndent(m.stats, "", "  "); err == nil {
		_ = ws.WriteFile("stats.json", string(data))
	}
	if m.err == nil {
		if ps, err := sim.Peerings(); err != nil {
			return measurement{}, err
		} else if len(ps) != sc.peerings {
			m.err = fmt.Errorf("the simulator holds %d peerings, want %d", len(ps), sc.peerings)
		}
	}
	return m, nil
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}
