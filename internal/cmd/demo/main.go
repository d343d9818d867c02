// Command demo walks one VPC peering through its whole life with the real
// Terraform CLI, the provider built from this checkout and the Redis Cloud
// API simulator, explaining each step as it goes:
//
//  1. build the provider and the simulator;
//  2. start the simulator, with the latencies of a (fast) real API;
//  3. prepare a working directory whose CLI configuration points Terraform at
//     the local provider build (your own ~/.terraformrc is never read);
//  4. terraform apply examples/demo/main.tf: a Pro AWS peering, which ends
//     pending-acceptance with its pcx ID;
//  5. accept it, as aws_vpc_peering_connection_accepter would;
//  6. terraform apply -refresh-only: Terraform now sees it active;
//  7. terraform destroy;
//  8. stop the simulator.
//
// Run it with `make demo`, or `go run ./internal/cmd/demo` once Terraform is
// in bin/ (`make terraform`) or named by $TF or $TF_ACC_TERRAFORM_PATH.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
)

func main() {
	keep := flag.Bool("keep", false, "keep the working directory (configuration, state, CLI configuration, simulator log) afterwards")
	tfFlag := flag.String("terraform", "", "Terraform binary (default: $TF, then $TF_ACC_TERRAFORM_PATH, then bin/terraform, then PATH)")
	flag.Parse()

	if err := runWithSignals(*tfFlag, *keep); err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo failed: %v\n", err)
		os.Exit(1)
	}
}

// runWithSignals runs the demo until done or interrupted (Ctrl-C).
func runWithSignals(tf string, keep bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, tf, keep)
}

// d prints the demo's own narration, set apart from the tools' output.
type d struct {
	color bool
	step  int
}

func (n *d) title(format string, args ...any) {
	n.step++
	t := fmt.Sprintf("Step %d: %s", n.step, fmt.Sprintf(format, args...))
	if n.color {
		t = "\033[1;36m" + t + "\033[0m"
	}
	fmt.Printf("\n%s\n", t)
}

func (n *d) say(format string, args ...any) {
	fmt.Printf("   %s\n", fmt.Sprintf(format, args...))
}

func run(ctx context.Context, tfFlag string, keep bool) error {
	n := &d{color: isTerminal(os.Stdout)}
	root, err := cliharness.ModuleRoot()
	if err != nil {
		return err
	}
	tf, err := terraformPath(tfFlag)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "rediscloud-demo-")
	if err != nil {
		return err
	}
	if keep {
		defer fmt.Printf("\nThe working directory is kept: %s\n", dir)
	} else {
		defer func() { _ = os.RemoveAll(dir) }()
	}

	n.title("build the provider and the Redis Cloud API simulator")
	binDir := filepath.Join(dir, "bin")
	providerBin, err := cliharness.BuildProvider(ctx, binDir, "0.0.0-demo")
	if err != nil {
		return err
	}
	simBin, err := cliharness.BuildSimulator(ctx, binDir)
	if err != nil {
		return err
	}
	n.say("provider:  %s", providerBin)
	n.say("simulator: %s", simBin)
	n.say("Terraform: %s", tf)

	n.title("start the simulator")
	simLog, err := os.Create(filepath.Join(dir, "simulator.log"))
	if err != nil {
		return err
	}
	defer func() { _ = simLog.Close() }()
	const taskLatency, transitionLatency = "1s", "3s"
	sim, err := cliharness.StartSimulator(ctx, simBin, simLog, "-task-latency", taskLatency, "-transition-latency", transitionLatency)
	if err != nil {
		return err
	}
	defer func() {
		// Also reached on failure or Ctrl-C: never leave it running.
		if sim != nil {
			_ = sim.Stop()
		}
	}()
	n.say("The simulator answers like the Redis Cloud API at %s (keys %s / %s).", sim.URL, sim.APIKey, sim.SecretKey)
	n.say("Every call starts an asynchronous task that takes %s here, and a new peering stays", taskLatency)
	n.say("initiating-request for %s before it waits for you to accept it. Its log: %s", transitionLatency, simLog.Name())

	n.title("prepare a Terraform working directory")
	work := filepath.Join(dir, "work")
	ws, err := cliharness.NewWorkspace(work, tf, binDir)
	if err != nil {
		return err
	}
	ws.Env = append(ws.Env, sim.Env()...)
	config, err := os.ReadFile(filepath.Join(root, "examples", "demo", "main.tf"))
	if err != nil {
		return err
	}
	if err := ws.WriteFile("main.tf", string(config)); err != nil {
		return err
	}
	cliConfig, err := ws.ReadFile(".terraformrc")
	if err != nil {
		return err
	}
	n.say("%s holds examples/demo/main.tf, one rediscloud_subscription_peering of subscription 1001.", work)
	n.say("Its CLI configuration (TF_CLI_CONFIG_FILE; your ~/.terraformrc is not used) tells Terraform")
	n.say("to take the provider from %s instead of the registry:", binDir)
	fmt.Print(indent(cliConfig, "      "))
	n.say("With such a dev_overrides block `terraform init` is not needed, and Terraform prints a")
	n.say("warning about it on each command: that is expected. The provider finds the simulator")
	n.say("through REDISCLOUD_URL, REDISCLOUD_ACCESS_KEY and REDISCLOUD_SECRET_KEY.")

	n.title("terraform apply: create the peering")
	n.say("Redis Cloud creates the peering, then needs a few seconds to request it from AWS; the")
	n.say("provider waits for that, so aws_peering_id is known when apply returns.")
	start := time.Now()
	if err := tfRun(ctx, ws, n, "apply", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	out, err := outputs(ctx, ws)
	if err != nil {
		return err
	}
	n.say("Done in %.1f s: peering %s, aws_peering_id = %s, status = %s.",
		time.Since(start).Seconds(), out["peering_id"], out["aws_peering_id"], out["status"])
	if out["status"] != "pending-acceptance" {
		return fmt.Errorf("status %q after apply, want pending-acceptance", out["status"])
	}

	n.title("accept the peering on the AWS side")
	n.say("In a real setup aws_vpc_peering_connection_accepter (or the AWS console) accepts %s.", out["aws_peering_id"])
	n.say("Here the simulator's control endpoint does it: POST %s/__sim/peerings/%s/accept", sim.Root, out["peering_id"])
	var id int
	if _, err := fmt.Sscan(out["peering_id"], &id); err != nil {
		return fmt.Errorf("peering_id %q: %w", out["peering_id"], err)
	}
	p, err := sim.Accept(id)
	if err != nil {
		return err
	}
	n.say("The API now reports peering %d as %s; Terraform's state still says %s.", p.ID, p.Status, out["status"])

	n.title("terraform apply -refresh-only: read the new status")
	if err := tfRun(ctx, ws, n, "apply", "-refresh-only", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	if out, err = outputs(ctx, ws); err != nil {
		return err
	}
	n.say("status = %s", out["status"])
	if out["status"] != "active" {
		return fmt.Errorf("status %q after the refresh, want active", out["status"])
	}

	n.title("terraform destroy")
	if err := tfRun(ctx, ws, n, "destroy", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	left, err := sim.Peerings()
	if err != nil {
		return err
	}
	n.say("Peerings left in the simulator: %d.", len(left))
	if len(left) != 0 {
		return fmt.Errorf("%d peerings left after destroy", len(left))
	}

	n.title("stop the simulator")
	st, err := sim.Stats()
	if err != nil {
		return err
	}
	n.say("The whole walk cost %d API requests and %d tasks, with %d refused for the rate limit.", st.TotalRequests, st.TasksCreated, st.Throttled)
	err = sim.Stop()
	sim = nil
	if err != nil {
		return err
	}
	n.say("Stopped. Next: examples/resources/ for real configurations, `make test` for the tests,")
	n.say("and the README for pointing your own modules at the simulator.")
	return nil
}

// tfRun runs a Terraform command in the workspace, showing its output
// indented as it comes.
func tfRun(ctx context.Context, ws *cliharness.Workspace, n *d, args ...string) error {
	if !n.color {
		args = append(args, "-no-color")
	}
	fmt.Printf("   $ terraform %s\n", strings.Join(args, " "))
	cmd := ws.Command(ctx, nil, args...)
	w := &indenter{w: os.Stdout, prefix: "   │ "}
	cmd.Stdout, cmd.Stderr = w, w
	err := cmd.Run()
	w.flush()
	if err != nil {
		return fmt.Errorf("terraform %s: %w", args[0], err)
	}
	return nil
}

// outputs reads the root module's outputs as strings.
func outputs(ctx context.Context, ws *cliharness.Workspace) (map[string]string, error) {
	var stdout, stderr bytes.Buffer
	cmd := ws.Command(ctx, nil, "output", "-json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("terraform output: %w\n%s", err, stderr.String())
	}
	var raw map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &raw); err != nil {
		return nil, fmt.Errorf("terraform output: %w", err)
	}
	out := map[string]string{}
	for k, v := range raw {
		out[k] = fmt.Sprint(v.Value)
	}
	return out, nil
}

func terraformPath(flagValue string) (string, error) {
	for _, p := range []string{flagValue, os.Getenv("TF")} {
		if p != "" {
			return filepath.Abs(p)
		}
	}
	p, err := cliharness.TerraformPath()
	if err != nil {
		return "", errors.New("no Terraform CLI found: run `make terraform` first (it builds Terraform 1.5.7 into bin/), or set TF")
	}
	return p, nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix) + "\n"
}

// indenter prefixes every line written through it.
type indenter struct {
	w       io.Writer
	prefix  string
	partial []byte
}

func (i *indenter) Write(p []byte) (int, error) {
	i.partial = append(i.partial, p...)
	for {
		nl := bytes.IndexByte(i.partial, '\n')
		if nl < 0 {
			return len(p), nil
		}
		if _, err := fmt.Fprintf(i.w, "%s%s\n", i.prefix, i.partial[:nl]); err != nil {
			return 0, err
		}
		i.partial = i.partial[nl+1:]
	}
}

func (i *indenter) flush() {
	if len(i.partial) > 0 {
		_, _ = fmt.Fprintf(i.w, "%s%s\n", i.prefix, i.partial)
		i.partial = nil
	}
}
