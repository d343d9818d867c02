package cloudsim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"time"
)

// RunCommand is the standalone simulator (internal/cmd/rediscloud-sim): it
// parses args, serves until ctx is cancelled, then shuts down. The API base
// URL is the first line written to stdout, followed by api_key=... and
// secret_key=... lines, so scripts can read them; logs go to stderr.
func RunCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rediscloud-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on; loopback only unless -allow-remote")
	allowRemote := fs.Bool("allow-remote", false, "allow a non-loopback -listen address (the control endpoints still answer loopback clients only)")
	profile := fs.String("profile", ProfileInstant, "set of defaults for the eight flags below: "+strings.Join(Profiles(), " or ")+"; those flags, when given, override it")
	taskLatency := fs.Duration("task-latency", 0, "time each task spends in processing-in-progress; tasks run one at a time (realistic: 2s)")
	parallelTasks := fs.Bool("parallel-tasks", false, "run every task from the answer that named it, beside the others, rather than one at a time per account (both profiles: false)")
	transitionLatency := fs.Duration("transition-latency", 0, "time a new peering stays initiating-request (realistic: 20s)")
	taskNotFoundFor := fs.Duration("task-not-found-for", 0, "time a new task answers 404 and is missing from GET /tasks after the answer that named it (realistic: 3s)")
	cidrApplyLatency := fs.Duration("cidr-apply-latency", 0, "time after its update task completes before a peering's new CIDRs show in lists (realistic: 10s)")
	rateLimit := fs.Int("rate-limit", DocumentedRateLimit, "requests per sliding minute per API key; 0 turns the limit off")
	countRefused := fs.Bool("count-refused", false, "count the requests the rate limit refuses in its window too (realistic: true)")
	omitRetryAfter := fs.Bool("omit-retry-after", false, "send 429 answers without a Retry-After header (realistic: true)")
	changeConflict := fs.String("change-conflict", ChangeConflictOff, "what a peering change sent while another change of its subscription runs meets: "+
		strings.Join(ChangeConflicts(), ", ")+" (429: HTTP 429; task: the subscription shows pending and the change's task fails SUBSCRIPTION_NOT_ACTIVE) (realistic: 429)")
	seedFile := fs.String("seed", "", "JSON file replacing the default subscriptions")
	faultsJSON := fs.String("faults", "", `faults to inject, as JSON, e.g. {"error5xxRate":0.1,"latency":"20ms","taskNotFoundFor":"3s"}`)
	apiKey := fs.String("api-key", DefaultAPIKey, "accepted x-api-key")
	secretKey := fs.String("secret-key", DefaultSecretKey, "accepted x-api-secret-key")
	randSeed := fs.Int64("rand-seed", 0, "seed of every random choice (IDs, faults)")
	bareTasks := fs.Bool("tasks-bare-array", false, `answer GET /tasks with a bare JSON array instead of {"tasks":[...]}`)
	quiet := fs.Bool("quiet", false, "do not log each request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := checkListen(*listen, *allowRemote); err != nil {
		return err
	}
	// The profile is applied first; the flags given explicitly override
	// it, exactly as the other fields of a PUT /__sim/config body do.
	patch := configPatch{Profile: profile}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "task-latency":
			patch.TaskLatency = ptrTo(Duration(*taskLatency))
		case "parallel-tasks":
			patch.ParallelTasks = parallelTasks
		case "transition-latency":
			patch.TransitionLatency = ptrTo(Duration(*transitionLatency))
		case "task-not-found-for":
			patch.TaskNotFoundFor = ptrTo(Duration(*taskNotFoundFor))
		case "cidr-apply-latency":
			patch.CIDRApplyLatency = ptrTo(Duration(*cidrApplyLatency))
		case "rate-limit":
			patch.RateLimit = rateLimit
		case "count-refused":
			patch.CountRefused = countRefused
		case "omit-retry-after":
			patch.OmitRetryAfter = omitRetryAfter
		case "change-conflict":
			patch.ChangeConflict = changeConflict
		}
	})
	if *taskLatency < 0 || *transitionLatency < 0 || *taskNotFoundFor < 0 || *cidrApplyLatency < 0 || *rateLimit < 0 {
		return errors.New("latencies and the rate limit must not be negative")
	}
	if err := checkChangeConflict(*changeConflict); err != nil {
		return fmt.Errorf("-change-conflict: %w", err)
	}
	if err := patch.validate(); err != nil {
		return fmt.Errorf("-profile: %w", err)
	}
	logger := log.New(stderr, "rediscloud-sim: ", log.LstdFlags|log.Lmicroseconds)
	opts := Options{
		APIKey:         *apiKey,
		SecretKey:      *secretKey,
		RandSeed:       *randSeed,
		TasksBareArray: *bareTasks,
	}
	if !*quiet {
		opts.Logf = logger.Printf
	}
	if *seedFile != "" {
		seed, err := LoadSeed(*seedFile)
		if err != nil {
			return err
		}
		opts.Seed = seed
	}
	if *faultsJSON != "" {
		f, err := ParseFaults([]byte(*faultsJSON))
		if err != nil {
			return err
		}
		opts.Faults = f
	}
	sim, err := newSim(opts, time.Now, false)
	if err != nil {
		return err
	}
	// Configured before listening, so no request sees the defaults.
	cfg := sim.applyConfig(patch)
	srv, err := serve(*listen, sim)
	if err != nil {
		return err
	}
	// The URL must be the first line: scripts read it to find the port.
	if _, err := fmt.Fprintf(stdout, "%s\napi_key=%s\nsecret_key=%s\n", srv.URL(), opts.APIKey, opts.SecretKey); err != nil {
		_ = srv.Close()
		return err
	}
	logger.Printf("serving the API at %s, control endpoints at %s/__sim", srv.URL(), srv.Addr())
	logger.Printf("profile %s: task latency %s (parallel: %v), transition latency %s, tasks unknown for %s, CIDRs in effect after %s, "+
		"rate limit %d/min (refused requests counted: %v), Retry-After on 429: %v, change conflicts: %s",
		cfg.Profile, time.Duration(cfg.TaskLatency), cfg.ParallelTasks, time.Duration(cfg.TransitionLatency), time.Duration(cfg.TaskNotFoundFor),
		time.Duration(cfg.CIDRApplyLatency), cfg.RateLimit, cfg.CountRefused, !cfg.OmitRetryAfter, cfg.ChangeConflict)
	<-ctx.Done()
	logger.Printf("shutting down")
	return srv.Close()
}

func ptrTo[T any](v T) *T { return &v }

// checkListen refuses addresses reachable from other machines unless
// allowed: the simulator has fixed, well-known credentials.
func checkListen(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if allowRemote || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-listen %q is not a loopback address; pass -allow-remote to listen on it anyway", addr)
}
