package e2e_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// Settings of the chaos trial, from the environment.
const (
	envChaosSeed      = "REDISCLOUD_CHAOS_SEED"
	envChaosRounds    = "REDISCLOUD_CHAOS_ROUNDS"
	envChaosTimescale = "REDISCLOUD_CHAOS_TIMESCALE"

	defaultChaosSeed      = 1
	defaultChaosRounds    = 10
	defaultChaosTimescale = 0.1
)

// chaosFaults are injected into every request of the trial.
var chaosFaults = cloudsim.Faults{
	Error5xxRate:       0.10,
	Error429Rate:       0.05,
	DropConnectionRate: 0.05,
	DropAfterRate:      0.10,
}

// Bounds on every command of the trial: guards against hangs, not
// performance goals.
const (
	maxRecoveryApplies = 3
	applyTimeout       = 15 * time.Minute
	planTimeout        = 10 * time.Minute
	importTimeout      = 5 * time.Minute
	// sigtermBound is how long Terraform may take to exit after SIGTERM:
	// the provider's lookup of an interrupted create takes up to 15 s.
	sigtermBound = 90 * time.Second
	// groupBound is how long the provider may outlive Terraform.
	groupBound = 15 * time.Second
)

// The resource types.
const (
	proType = "rediscloud_subscription_peering"
	aaType  = "rediscloud_active_active_subscription_peering"
)

// chaosSlot is one peering the trial's configuration may hold.
type chaosSlot struct {
	name string // resource name
	typ  string
	aws  bool
	// multi gives it vpc_cidrs of two or three CIDRs instead of vpc_cidr.
	multi bool
	// octet is the second octet of its CIDRs (172.<octet>.x.0/24), so no
	// two peerings ever share one.
	octet int
	// hcl holds its arguments other than the CIDRs.
	hcl string
}

// chaosSlots are the six peerings: Pro AWS with one CIDR and with several
// (two VPCs of subscription 1001), Pro GCP (1002), Active-Active AWS in both
// regions of 2001 and Active-Active GCP (2002).
var chaosSlots = []*chaosSlot{
	{name: "pro_aws_one", typ: proType, aws: true, octet: 16, hcl: `
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-00000000000000001"`},
	{name: "pro_aws_multi", typ: proType, aws: true, multi: true, octet: 17, hcl: `
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-00000000000000002"`},
	{name: "pro_gcp", typ: proType, hcl: `
  subscription_id  = "1002"
  provider_name    = "GCP"
  gcp_project_id   = "chaos-project"
  gcp_network_name = "chaos-network-pro"`},
	{name: "aa_aws_us", typ: aaType, aws: true, octet: 18, hcl: `
  subscription_id    = "2001"
  source_region      = "us-east-1"
  destination_region = "us-east-1"
  aws_account_id     = "123456789012"
  vpc_id             = "vpc-00000000000000003"`},
	{name: "aa_aws_eu", typ: aaType, aws: true, multi: true, octet: 19, hcl: `
  subscription_id    = "2001"
  source_region      = "eu-west-1"
  destination_region = "eu-west-1"
  aws_account_id     = "123456789012"
  vpc_id             = "vpc-00000000000000004"`},
	{name: "aa_gcp", typ: aaType, hcl: `
  subscription_id  = "2002"
  provider_name    = "GCP"
  source_region    = "us-central1"
  gcp_project_id   = "chaos-project"
  gcp_network_name = "chaos-network-aa"`},
}

// chaosConfig maps the name of each peering present to its CIDRs (empty for
// GCP).
type chaosConfig map[string][]string

func (c chaosConfig) render() string {
	var b strings.Builder
	b.WriteString(providerBlock)
	for _, s := range chaosSlots {
		cidrs, ok := c[s.name]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "\nresource %q %q {%s\n", s.typ, s.name, s.hcl)
		switch {
		case !s.aws:
		case s.multi:
			quoted := make([]string, len(cidrs))
			for i, c := range cidrs {
				quoted[i] = strconv.Quote(c)
			}
			fmt.Fprintf(&b, "  vpc_cidrs = [%s]\n", strings.Join(quoted, ", "))
		default:
			fmt.Fprintf(&b, "  vpc_cidr = %q\n", cidrs[0])
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// Kinds of change a round makes.
const (
	changeAdd    = "add"
	changeRemove = "remove"
	changeCIDRs  = "change CIDRs"
)

type chaosChange struct {
	kind  string
	slot  *chaosSlot
	cidrs []string // the new CIDRs of an add or a change
}

func (c chaosChange) String() string {
	if c.kind == changeRemove || !c.slot.aws {
		return c.kind + " " + c.slot.name
	}
	return fmt.Sprintf("%s %s %v", c.kind, c.slot.name, c.cidrs)
}

func (c chaosChange) apply(cfg chaosConfig) {
	if c.kind == changeRemove {
		delete(cfg, c.slot.name)
		return
	}
	cfg[c.slot.name] = c.cidrs
}

// candidates are the slots a change of kind can be made to in cfg: a
// missing peering to add, a present one to remove, a present AWS one whose
// CIDRs to change.
func candidates(kind string, cfg chaosConfig) []*chaosSlot {
	var out []*chaosSlot
	for _, s := range chaosSlots {
		_, present := cfg[s.name]
		switch {
		case kind == changeAdd && !present,
			kind == changeRemove && present,
			kind == changeCIDRs && present && s.aws:
			out = append(out, s)
		}
	}
	return out
}

// pickChange draws a change of kind: which peering, and its new CIDRs. cfg
// must allow one (see candidates).
func pickChange(rng *rand.Rand, cfg chaosConfig, kind string) chaosChange {
	slots := candidates(kind, cfg)
	s := slots[rng.IntN(len(slots))]
	ch := chaosChange{kind: kind, slot: s}
	if kind != changeRemove {
		ch.cidrs = randomCIDRs(rng, s, cfg[s.name])
	}
	return ch
}

// randomCIDRs draws CIDRs for an AWS slot, different from old.
func randomCIDRs(rng *rand.Rand, s *chaosSlot, old []string) []string {
	if !s.aws {
		return []string{}
	}
	n := 1
	if s.multi {
		n = 2 + rng.IntN(2)
	}
	for {
		var out []string
		for len(out) < n {
			c := fmt.Sprintf("172.%d.%d.0/24", s.octet, rng.IntN(256))
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
		slices.Sort(out)
		if !slices.Equal(out, old) {
			return out
		}
	}
}

// Phases a kill can land in, told from the simulator's counters at the
// kill moment against those at the round's start: phases as the API saw
// them. The provider learns that a task completed at its next poll, so
// its own task wait runs a little into what is counted here as the status
// wait.
const (
	phaseBeforePOST   = "before the POST"
	phaseCreateTask   = "during the create task wait"
	phaseStatusWait   = "during the status wait"
	phaseDelete       = "during delete"
	phaseBeforeDelete = "before the DELETE"
	phaseBeforePUT    = "before the PUT"
	phaseUpdate       = "during the update"
	phaseFinished     = "none: the apply had finished (no signal)"
)

var phases = []string{phaseBeforePOST, phaseCreateTask, phaseStatusWait, phaseBeforeDelete, phaseDelete, phaseBeforePUT, phaseUpdate, phaseFinished}

// phaseRank orders the phases of one kind of change as an apply passes
// them.
var phaseRank = map[string]int{
	phaseBeforePOST: 0, phaseCreateTask: 1, phaseStatusWait: 2,
	phaseBeforeDelete: 0, phaseDelete: 1,
	phaseBeforePUT: 0, phaseUpdate: 1,
}

// chaosAim is a phase a round aims its kill at, and the kind of change
// whose apply passes through it.
type chaosAim struct{ kind, phase string }

// chaosAims are the phases the rounds aim at, a turn of them in order:
// every phase a kill can land in. Adds come first and alternate with
// changes and removes, so that an aim mostly finds a peering to act on;
// a turn adds one peering more than it removes, so the configuration
// fills up over a long trial.
var chaosAims = []chaosAim{
	{changeAdd, phaseBeforePOST},
	{changeAdd, phaseCreateTask},
	{changeCIDRs, phaseBeforePUT},
	{changeRemove, phaseBeforeDelete},
	{changeAdd, phaseStatusWait},
	{changeCIDRs, phaseUpdate},
	{changeRemove, phaseDelete},
}

// chaosDraw is what a round does, drawn before anything runs, so that the
// sequence does not depend on timing.
type chaosDraw struct {
	aim    chaosAim
	change chaosChange
	// at places the kill within the aimed phase (see killOffset), in [0, 1).
	at  float64
	sig syscall.Signal
}

// drawRound draws a round's aim, change and signal. owed holds the aims of
// the current turn not yet taken; the first that cfg allows is taken, and
// a new turn starts when none is left. When cfg allows none of them (no AWS
// peering to change, say), the round takes the first aim of a whole turn
// that cfg allows, and the owed ones wait for a later round.
func drawRound(rng *rand.Rand, cfg chaosConfig, owed []chaosAim) (chaosDraw, []chaosAim) {
	if len(owed) == 0 {
		owed = slices.Clone(chaosAims)
	}
	aim, i := chaosAim{}, -1
	for j, a := range owed {
		if len(candidates(a.kind, cfg)) > 0 {
			aim, i = a, j
			break
		}
	}
	if i >= 0 {
		owed = slices.Delete(slices.Clone(owed), i, i+1)
	} else {
		// Some peering is missing or some is present: an add or a remove
		// is always possible.
		for _, a := range chaosAims {
			if len(candidates(a.kind, cfg)) > 0 {
				aim = a
				break
			}
		}
	}
	d := chaosDraw{aim: aim, change: pickChange(rng, cfg, aim.kind), at: rng.Float64(), sig: syscall.SIGTERM}
	if rng.IntN(2) == 0 {
		d.sig = syscall.SIGKILL
	}
	return d, owed
}

var signalNames = map[syscall.Signal]string{syscall.SIGKILL: "SIGKILL", syscall.SIGTERM: "SIGTERM"}

// tasksOf counts the tasks of one verb (Create, Update, Delete), Pro and
// Active-Active.
func tasksOf(st cloudsim.Stats, verb string) int {
	return st.TasksByCommand["vpcPeering"+verb+"Request"] + st.TasksByCommand["activeActiveVpcPeering"+verb+"Request"]
}

// classify tells the phase of a kill. A create task counts from the moment
// the API processed the POST (its answer may have been lost); the status
// wait starts when the task's peering exists.
func classify(kind string, start, at cloudsim.Stats) string {
	switch kind {
	case changeAdd:
		switch {
		case tasksOf(at, "Create") == tasksOf(start, "Create"):
			return phaseBeforePOST
		case at.PeeringsCreated == start.PeeringsCreated:
			return phaseCreateTask
		default:
			return phaseStatusWait
		}
	case changeRemove:
		if tasksOf(at, "Delete") == tasksOf(start, "Delete") {
			return phaseBeforeDelete
		}
		return phaseDelete
	default:
		if tasksOf(at, "Update") == tasksOf(start, "Update") {
			return phaseBeforePUT
		}
		return phaseUpdate
	}
}

var (
	// importRe matches an import command with a real ID; the name may be
	// the <name> placeholder.
	importRe = regexp.MustCompile(`terraform import (rediscloud_[a-z_]+)\.(<name>|[A-Za-z0-9_-]+) ([0-9]+/[0-9]+)\b`)
	// importAnyRe matches any import command, placeholders included.
	importAnyRe = regexp.MustCompile(`terraform import rediscloud_[a-z_]+\.\S+ \S+`)
	// withRe matches the line naming the resource of a diagnostic.
	withRe      = regexp.MustCompile(`(?m)^\s*with (rediscloud_[a-z_]+)\.([A-Za-z0-9_-]+),`)
	diagStartRe = regexp.MustCompile(`(?m)^[│╷\s]*(Error|Warning): `)
	framingRe   = regexp.MustCompile(`(?m)^[│╷╵] ?`)
	// taintedRe matches the provider's word that an interrupted create's
	// peering was saved in state; Terraform wraps diagnostics.
	taintedRe = acctest.Wrapped("saved in state, marked tainted")
	// incompleteRe matches a create whose task wait was cut short, after
	// which the provider looked for the peering (CreateIncompleteError).
	incompleteRe = acctest.Wrapped("but waiting for it failed")
	// crashRe matches signs of a provider crash.
	crashRe = regexp.MustCompile(`panic: |Plugin did not respond|plugin exited unexpectedly`)
)

// importCmd is an import command an output gave, with <name> replaced.
type importCmd struct{ address, id string }

func (c importCmd) String() string { return "terraform import " + c.address + " " + c.id }

// importCommands finds the runnable import commands of an output, one per
// diagnostic at most, replacing a <name> placeholder by the name of the
// resource the diagnostic is about. It also counts import commands that
// cannot be run as printed (a <peering_id> placeholder).
func importCommands(out string) (cmds []importCmd, unrunnable int, err error) {
	out = framingRe.ReplaceAllString(out, "")
	starts := diagStartRe.FindAllStringIndex(out, -1)
	seen := map[string]bool{}
	for i, s := range starts {
		end := len(out)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		block := out[s[0]:end]
		with := withRe.FindStringSubmatch(block)
		runnable := importRe.FindAllStringSubmatch(block, -1)
		unrunnable += len(importAnyRe.FindAllString(block, -1)) - len(runnable)
		for _, m := range runnable {
			typ, name, id := m[1], m[2], m[3]
			if name == "<name>" {
				if len(with) < 3 || with[1] != typ {
					return nil, 0, fmt.Errorf("an import command for %s.<name> in a diagnostic about %v:\n%s", typ, with, block)
				}
				name = with[2]
			}
			c := importCmd{address: typ + "." + name, id: id}
			if !seen[c.address] {
				seen[c.address] = true
				cmds = append(cmds, c)
			}
		}
	}
	return cmds, unrunnable, nil
}

// chaosTally is what the trial counts.
type chaosTally struct {
	kills map[string]map[string]int // phase -> signal -> count
	aimed map[string]int            // phase -> rounds that aimed at it
	// taintedSaved counts the killed creates whose peering the provider
	// saved in state, tainted, by phase; lookupSaved those of them it
	// found by its lookup after the task wait was cut short, the others
	// having their ID already (the status wait). lookupMissed counts the
	// lookups that found nothing.
	taintedSaved map[string]int
	lookupSaved  int
	lookupMissed int
	// orphaned counts the peerings a killed run left in no state, by
	// phase; the recovery either imported them or, when its own POST's
	// answer was lost, adopted them.
	orphaned          map[string]int
	orphansImported   int
	orphansAdopted    int
	imports           int
	importsFailed     int
	unrunnableImports int
	recoveryApplies   int
	roundsByApplies   map[int]int
	sigtermExitMax    time.Duration
	sigtermHangs      int
	providerOutlived  int
}

// chaosTrial holds the trial's moving parts.
type chaosTrial struct {
	t     *testing.T
	sim   *simProcess
	ws    *cliharness.Workspace
	cfg   chaosConfig
	tally chaosTally
	// owed are the aims of the current turn that no round took yet.
	owed []chaosAim
	// settle is how long the API takes to finish what a killed run queued.
	settle time.Duration
	// taskLatency and transitionLatency are the simulator's, which bound
	// how long a kill may wait into its phase.
	taskLatency, transitionLatency time.Duration
	history                        []string // one line per round, for failure reports
}

// TestAccChaos_killedAnywhereConverges kills applies in each phase, at
// random moments within it, and checks that one uninterrupted apply, plus only the import commands the
// provider itself prints, always brings Terraform and Redis Cloud back
// together: no orphaned peering, no duplicate, no state entry without its
// peering, and an empty plan.
//
// The simulator runs the realistic profile, its timings scaled by
// REDISCLOUD_CHAOS_TIMESCALE (default 0.1: tasks 200 ms, unknown to the task
// service for 300 ms, transitions 2 s, CIDRs in effect 1 s after their
// update; 1 is the profile itself; one change per subscription at a time,
// another refused with 429, as the profile has it), with 10 %
// 5xx, 5 % 429, 5 % dropped connections and 10 % answers lost after the API
// acted. One configuration holds up to six peerings (Pro AWS with one CIDR
// and with several, Pro GCP, Active-Active AWS in two regions,
// Active-Active GCP). Each of REDISCLOUD_CHAOS_ROUNDS rounds (default 10)
// aims at a phase of an apply, the seven phases in turn (chaosAims: before
// the POST, the create task wait, the status wait, before the DELETE,
// during delete, before the PUT, during the update), makes a change that
// passes through it (add, remove, or change an AWS peering's CIDRs) to a
// peering drawn at random, starts `terraform apply`, watches the
// simulator's counters until the apply reaches the phase, and at a random
// moment early in it sends SIGTERM to Terraform, which stops the provider,
// or SIGKILL to Terraform's process group, provider included. Then it
// applies again, running any import command that apply prints, at most
// three applies, and checks. The summary table counts kills by phase and
// signal, the peerings saved tainted (by the lookup after a cut task wait,
// or with the ID known), the orphans a kill left and how they came back (a
// printed import command, or adopted by a create whose own POST's answer
// was lost), and the import commands run. The trial fails when no kill
// landed, when an aimed phase got no kill, and, from a whole turn of
// rounds on, when a phase was never aimed at.
//
// The harness's choices come from REDISCLOUD_CHAOS_SEED (default 1), which
// also seeds the simulator's random source; which request meets which fault
// still depends on timing, so a seed repeats the trial's choices exactly
// (aims, changes, signals, and each kill's moment within its phase) and its
// faults only in distribution. Terraform's local state lock is left on: the
// kernel releases it when a killed Terraform dies.
func TestAccChaos_killedAnywhereConverges(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	seed := int64(defaultChaosSeed)
	if v := os.Getenv(envChaosSeed); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("%s must be a whole number, got %q", envChaosSeed, v)
		}
		seed = n
	}
	rounds := envInt(t, envChaosRounds, defaultChaosRounds)
	scale := envFloat(t, envChaosTimescale, defaultChaosTimescale)
	began := time.Now()

	sim := startSimulator(t, simSpec{
		args:   []string{"-profile", cloudsim.ProfileRealistic, "-rand-seed", strconv.FormatInt(seed, 10)},
		faults: chaosFaults,
	})
	scaled := func(d time.Duration) string { return time.Duration(float64(d) * scale).String() }
	// The profile first, then its latencies scaled, in one change.
	if err := sim.SetConfig(map[string]any{
		"profile":           cloudsim.ProfileRealistic,
		"taskLatency":       scaled(cloudsim.RealisticTaskLatency),
		"transitionLatency": scaled(cloudsim.RealisticTransitionLatency),
		"taskNotFoundFor":   scaled(cloudsim.RealisticTaskNotFoundFor),
		"cidrApplyLatency":  scaled(cloudsim.RealisticCIDRApplyLatency),
	}); err != nil {
		t.Fatal(err)
	}
	simCfg, err := sim.config()
	if err != nil {
		t.Fatal(err)
	}
	timings := fmt.Sprintf("realistic profile × %g: tasks %s one at a time, unknown to the task service for %s, transitions %s, CIDRs in effect after %s, "+
		"%d requests/min, 429 without Retry-After: %v, a change sent while another of its subscription runs: %s",
		scale, time.Duration(simCfg.TaskLatency), time.Duration(simCfg.TaskNotFoundFor), time.Duration(simCfg.TransitionLatency),
		time.Duration(simCfg.CIDRApplyLatency), simCfg.RateLimit, simCfg.OmitRetryAfter, simCfg.ChangeConflict)
	t.Logf("seed %d, %d rounds; %s", seed, rounds, timings)

	c := &chaosTrial{
		t: t, sim: sim, ws: newWorkspace(t, sim.Env()...), cfg: chaosConfig{},
		tally: chaosTally{
			kills: map[string]map[string]int{}, aimed: map[string]int{},
			taintedSaved: map[string]int{}, orphaned: map[string]int{}, roundsByApplies: map[int]int{},
		},
		settle:            max(500*time.Millisecond, 4*time.Duration(simCfg.TaskLatency)),
		taskLatency:       time.Duration(simCfg.TaskLatency),
		transitionLatency: time.Duration(simCfg.TransitionLatency),
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("rounds so far:\n%s", strings.Join(c.history, "\n"))
		}
	})
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	for round := 1; round <= rounds; round++ {
		c.round(round, rng)
	}

	// The converged configuration must also come down cleanly.
	destroy := runTF(t, c.ws, applyTimeout, "destroy", "-auto-approve", "-input=false", "-no-color")
	if destroy.exitCode() != 0 {
		t.Errorf("the final destroy failed: %s\n%s", destroy, tail(destroy.out.String(), 6000))
	}
	if left, err := sim.Peerings(); err != nil || len(left) != 0 {
		t.Errorf("after the final destroy the simulator holds %+v (%v)", left, err)
	}
	st, err := sim.Stats()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", c.table(seed, rounds, timings, time.Since(began), st))
	for _, msg := range c.tally.coverage(rounds) {
		t.Error(msg)
	}
}

// coverage says how the kills of a trial of rounds rounds fall short: no
// kill landed at all, an aimed phase got no kill, or, from a whole turn of
// rounds on, a phase was never aimed at.
func (tl *chaosTally) coverage(rounds int) []string {
	var out []string
	landed := func(phase string) int { return tl.kills[phase]["SIGKILL"] + tl.kills[phase]["SIGTERM"] }
	total := 0
	for _, p := range phases {
		total += landed(p)
	}
	if total == 0 {
		out = append(out, fmt.Sprintf("no kill landed in %d rounds: every apply finished first, and the trial proved nothing about interrupted applies", rounds))
	}
	for _, a := range chaosAims {
		switch {
		case tl.aimed[a.phase] > 0 && landed(a.phase) == 0:
			out = append(out, fmt.Sprintf("%d rounds aimed at %q, and no kill landed there", tl.aimed[a.phase], a.phase))
		case tl.aimed[a.phase] == 0 && rounds >= len(chaosAims):
			out = append(out, fmt.Sprintf("no round aimed at %q in %d rounds", a.phase, rounds))
		}
	}
	return out
}

func (c *chaosTrial) writeConfig() {
	if err := c.ws.WriteFile("main.tf", c.cfg.render()); err != nil {
		c.t.Fatal(err)
	}
}

// round makes one change, kills its apply in the phase it aims at,
// recovers and checks.
func (c *chaosTrial) round(n int, rng *rand.Rand) {
	t := c.t
	var d chaosDraw
	d, c.owed = drawRound(rng, c.cfg, c.owed)
	ch := d.change
	ch.apply(c.cfg)
	c.writeConfig()
	label := fmt.Sprintf("round %d: %s", n, ch)
	c.tally.aimed[d.aim.phase]++

	start, err := c.sim.Stats()
	if err != nil {
		t.Fatal(err)
	}
	apply := startTF(t, c.ws, applyTimeout, "apply", "-auto-approve", "-input=false", "-no-color")
	at, finished := c.awaitPhase(apply, d.aim, start, c.killOffset(d.aim.phase, d.at))
	killedAfter := time.Since(apply.started)
	phase := phaseFinished
	signal := "none"
	if !finished {
		phase = classify(ch.kind, start, at)
		signal = signalNames[d.sig]
		c.kill(apply, d.sig, label)
	} else {
		<-apply.done
	}
	if c.tally.kills[phase] == nil {
		c.tally.kills[phase] = map[string]int{}
	}
	c.tally.kills[phase][signal]++
	killed := apply.out.String()
	saved, lookedUp := taintedRe.MatchString(killed), incompleteRe.MatchString(killed)
	switch {
	case saved && lookedUp:
		c.tally.lookupSaved++
	case lookedUp:
		c.tally.lookupMissed++
	}
	if saved {
		c.tally.taintedSaved[phase]++
	}
	if crashRe.MatchString(killed) {
		t.Errorf("%s: the killed apply's output shows a provider crash:\n%s", label, tail(killed, 6000))
	}

	// Let the API finish the tasks the killed run left queued, then see
	// which peerings the run left in no state.
	time.Sleep(c.settle)
	orphans := c.orphans()
	c.tally.orphaned[phase] += len(orphans)

	applies, imported := c.converge(label, apply)
	c.check(label)
	insts := readState(t, c.ws)
	for _, id := range orphans {
		switch {
		case imported[id]:
			c.tally.orphansImported++
		case slices.ContainsFunc(insts, func(in stateInstance) bool { return in.ID == id }):
			c.tally.orphansAdopted++
		}
	}
	line := fmt.Sprintf("%s; aimed %s; %s at %s (%s; since the round's start: %d requests, create/update/delete tasks +%d/+%d/+%d, peerings created +%d), %s; orphans %v → %d recovery applies, imports %v",
		label, d.aim.phase, signal, secs(killedAfter), phase, at.TotalRequests-start.TotalRequests,
		tasksOf(at, "Create")-tasksOf(start, "Create"), tasksOf(at, "Update")-tasksOf(start, "Update"), tasksOf(at, "Delete")-tasksOf(start, "Delete"),
		at.PeeringsCreated-start.PeeringsCreated, apply, orphans, applies, slices.Sorted(maps.Keys(imported)))
	c.history = append(c.history, line)
	t.Log(line)
}

// killPoll is how often the harness reads the simulator's counters while it
// waits for an apply to reach the aimed phase.
const killPoll = 20 * time.Millisecond

// awaitPhase waits until the apply has reached the aimed phase, or a later
// one of its change, as the simulator's counters tell it, and then for
// offset more. The phases before the change's request begin when Terraform
// starts, so for them it also waits for the apply's first request: the kill
// then meets the provider at work. It returns the counters at that moment,
// and finished when the apply ended first.
func (c *chaosTrial) awaitPhase(apply *tfRun, aim chaosAim, start cloudsim.Stats, offset time.Duration) (cloudsim.Stats, bool) {
	stats := func() cloudsim.Stats {
		st, err := c.sim.Stats()
		if err != nil {
			c.t.Fatal(err)
		}
		return st
	}
	for {
		at := stats()
		if at.TotalRequests > start.TotalRequests && phaseRank[classify(aim.kind, start, at)] >= phaseRank[aim.phase] {
			break
		}
		select {
		case <-apply.done:
			return at, true
		case <-time.After(killPoll):
		}
	}
	if apply.wait(offset) {
		return stats(), true
	}
	at := stats()
	return at, apply.exited()
}

// killOffset is how far into its phase a kill lands, for at in [0, 1): up to
// a quarter of a task's run in a task's phase and half the transition in
// the status wait, so that it lands in the phase whatever the harness's own
// delays; at once in a phase before the change's request, whose length
// nothing bounds from below.
func (c *chaosTrial) killOffset(phase string, at float64) time.Duration {
	switch phase {
	case phaseCreateTask, phaseDelete, phaseUpdate:
		return time.Duration(at * float64(c.taskLatency) / 4)
	case phaseStatusWait:
		return time.Duration(at * float64(c.transitionLatency) / 2)
	default:
		return 0
	}
}

// orphans lists the simulator's peerings that the state does not hold.
func (c *chaosTrial) orphans() []string {
	insts := readState(c.t, c.ws)
	peerings, err := c.sim.Peerings()
	if err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for _, p := range peerings {
		id := fmt.Sprintf("%d/%d", p.SubscriptionID, p.ID)
		if !slices.ContainsFunc(insts, func(in stateInstance) bool { return in.ID == id }) {
			out = append(out, id)
		}
	}
	return out
}

// kill sends sig: SIGTERM to Terraform alone (it stops its provider),
// SIGKILL to the process group, provider included. It then waits for
// every process of the group to end.
func (c *chaosTrial) kill(r *tfRun, sig syscall.Signal, label string) {
	t := c.t
	sent := time.Now()
	if sig == syscall.SIGKILL {
		_ = syscall.Kill(-r.pgid(), syscall.SIGKILL)
	} else {
		_ = r.cmd.Process.Signal(sig)
	}
	if !r.wait(sigtermBound) {
		c.tally.sigtermHangs++
		t.Errorf("%s: terraform did not exit within %s of %s; killing its group. Output:\n%s", label, sigtermBound, sig, tail(r.out.String(), 6000))
		_ = syscall.Kill(-r.pgid(), syscall.SIGKILL)
		<-r.done
	}
	if sig == syscall.SIGTERM {
		c.tally.sigtermExitMax = max(c.tally.sigtermExitMax, time.Since(sent))
	}
	if !waitGroupGone(r.pgid(), groupBound) {
		c.tally.providerOutlived++
		t.Errorf("%s: processes %v of terraform's group outlived it by %s after %s", label, groupAlive(r.pgid()), groupBound, sig)
		_ = syscall.Kill(-r.pgid(), syscall.SIGKILL)
	}
}

// converge applies until an apply succeeds, running the import commands
// the failed ones print, at most maxRecoveryApplies applies. prev is the
// run before (killed, or a failed uninterrupted apply). It returns the
// applies it ran and the IDs it imported.
func (c *chaosTrial) converge(label string, prev *tfRun) (applies int, imported map[string]bool) {
	imported = map[string]bool{}
	t := c.t
	outputs := []string{fmt.Sprintf("--- %s\n%s", prev, tail(prev.out.String(), 4000))}
	for applies < maxRecoveryApplies {
		applies++
		c.tally.recoveryApplies++
		r := runTF(t, c.ws, applyTimeout, "apply", "-auto-approve", "-input=false", "-no-color")
		out := r.out.String()
		outputs = append(outputs, fmt.Sprintf("--- recovery %s\n%s", r, tail(out, 6000)))
		if crashRe.MatchString(out) {
			t.Errorf("%s: the recovery apply's output shows a provider crash", label)
		}
		if r.exitCode() == 0 {
			c.tally.roundsByApplies[applies]++
			return applies, imported
		}
		cmds, unrunnable, err := importCommands(out)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		c.tally.unrunnableImports += unrunnable
		for _, cmd := range cmds {
			imported[cmd.id] = true
			c.tally.imports++
			// Exactly the printed command, <name> replaced.
			ir := runTF(t, c.ws, importTimeout, "import", cmd.address, cmd.id)
			outputs = append(outputs, fmt.Sprintf("--- %s\n%s", ir, tail(ir.out.String(), 3000)))
			if ir.exitCode() != 0 {
				c.tally.importsFailed++
			}
		}
	}
	t.Fatalf("%s: no convergence after %d recovery applies:\n%s", label, maxRecoveryApplies, strings.Join(outputs, "\n"))
	return applies, imported
}

// check asserts that Terraform and the simulator agree: an empty plan, no
// orphan, no duplicate, no state entry without its peering.
func (c *chaosTrial) check(label string) {
	t := c.t
	plan := runTF(t, c.ws, planTimeout, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if plan.exitCode() != 0 {
		t.Fatalf("%s: the plan after recovery is not empty: %s\n%s", label, plan, tail(plan.out.String(), 6000))
	}
	insts := readState(t, c.ws)
	peerings, err := c.sim.Peerings()
	if err != nil {
		t.Fatal(err)
	}
	inState := map[string]string{}
	for _, in := range insts {
		if in.Status == "tainted" {
			t.Errorf("%s: %s (%s) is still tainted after an empty plan", label, in.Address, in.ID)
		}
		inState[in.ID] = in.Address
	}
	if len(insts) != len(c.cfg) {
		t.Errorf("%s: the state holds %d instances, the configuration %d peerings: %+v", label, len(insts), len(c.cfg), insts)
	}
	inSim := map[string]bool{}
	byNetwork := map[string][]int{}
	for _, p := range peerings {
		id := fmt.Sprintf("%d/%d", p.SubscriptionID, p.ID)
		inSim[id] = true
		if _, ok := inState[id]; !ok {
			t.Errorf("%s: orphan: peering %s (%s %s) is in no state", label, id, p.Kind, p.Provider)
		}
		key := fmt.Sprintf("%d|%s|%s|%s|%s|%s|%s", p.SubscriptionID, p.Provider, p.AWSAccountID, p.VPCID, p.GCPProjectID, p.GCPNetworkName, p.SourceRegion)
		byNetwork[key] = append(byNetwork[key], p.ID)
	}
	for key, ids := range byNetwork {
		if len(ids) > 1 {
			t.Errorf("%s: duplicate: peerings %v connect the same network (%s)", label, ids, key)
		}
	}
	for id, addr := range inState {
		if !inSim[id] {
			t.Errorf("%s: %s points at %s, which the simulator does not hold", label, addr, id)
		}
	}
	st, err := c.sim.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.MaxConcurrentPeeringsPerVPC > 1 {
		t.Errorf("%s: at some moment %d peerings connected one network", label, st.MaxConcurrentPeeringsPerVPC)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// table renders the trial's summary.
func (c *chaosTrial) table(seed int64, rounds int, timings string, wall time.Duration, st cloudsim.Stats) string {
	var b strings.Builder
	tl := &c.tally
	fmt.Fprintf(&b, "Chaos trial: seed %d, %d rounds, wall time %s\n", seed, rounds, wall.Round(time.Second))
	fmt.Fprintf(&b, "Timings: %s\n", timings)
	fmt.Fprintf(&b, "Faults: %.0f %% 5xx, %.0f %% 429, %.0f %% dropped connections, %.0f %% answers lost after the API acted\n",
		100*chaosFaults.Error5xxRate, 100*chaosFaults.Error429Rate, 100*chaosFaults.DropConnectionRate, 100*chaosFaults.DropAfterRate)
	b.WriteString("\n")
	fmt.Fprintf(&b, "| %-44s | %5s | %7s | %7s | %5s | %-14s |\n", "kill phase", "aimed", "SIGKILL", "SIGTERM", "total", "saved tainted")
	fmt.Fprintf(&b, "|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 46), strings.Repeat("-", 7), strings.Repeat("-", 9), strings.Repeat("-", 9), strings.Repeat("-", 7), strings.Repeat("-", 16))
	var aimed, kills, terms, total, tainted int
	for _, p := range phases {
		k := c.tally.kills[p]
		n := k["SIGKILL"] + k["SIGTERM"] + k["none"]
		fmt.Fprintf(&b, "| %-44s | %5d | %7d | %7d | %5d | %14d |\n", p, tl.aimed[p], k["SIGKILL"], k["SIGTERM"], n, tl.taintedSaved[p])
		aimed += tl.aimed[p]
		kills += k["SIGKILL"]
		terms += k["SIGTERM"]
		total += n
		tainted += tl.taintedSaved[p]
	}
	fmt.Fprintf(&b, "| %-44s | %5d | %7d | %7d | %5d | %14d |\n\n", "all rounds", aimed, kills, terms, total, tainted)
	fmt.Fprintf(&b, "| %-62s | %8s |\n|%s|%s|\n", "outcome", "count", strings.Repeat("-", 64), strings.Repeat("-", 10))
	row := func(name string, v any) { fmt.Fprintf(&b, "| %-62s | %8v |\n", name, v) }
	row("killed creates whose peering was saved in state, tainted", tainted)
	row("  of which found by the lookup after the task wait (by lookup)", tl.lookupSaved)
	row("  of which with the ID already known (status wait)", tainted-tl.lookupSaved)
	row("lookups after a cut task wait that found nothing", tl.lookupMissed)
	orphaned := 0
	for _, n := range tl.orphaned {
		orphaned += n
	}
	row("peerings a killed run left in no state (orphans)", orphaned)
	for _, p := range phases {
		if tl.orphaned[p] > 0 {
			row("  of which killed "+p, tl.orphaned[p])
		}
	}
	row("  brought under management by a printed import command", tl.orphansImported)
	row("  adopted by the next create (its POST's answer lost)", tl.orphansAdopted)
	row("import commands used (printed by a recovery apply, run as is)", tl.imports)
	row("import commands that failed", tl.importsFailed)
	row("import commands not runnable as printed (<peering_id>)", tl.unrunnableImports)
	row("recovery applies", tl.recoveryApplies)
	for _, n := range []int{1, 2, 3} {
		row(fmt.Sprintf("rounds converged by recovery apply #%d", n), tl.roundsByApplies[n])
	}
	row("slowest exit after SIGTERM", secs(tl.sigtermExitMax))
	row("terraform hangs after a signal", tl.sigtermHangs)
	row("provider processes outliving terraform", tl.providerOutlived)
	row("API requests (all)", st.TotalRequests)
	row("injected faults (incl. hidden task polls)", st.InjectedFaults)
	row("peak requests in a minute", st.PeakRequestsPerMinute)
	row("peerings created / deleted by API tasks", fmt.Sprintf("%d / %d", st.PeeringsCreated, st.PeeringsDeleted))
	row("most peerings of one network at once", st.MaxConcurrentPeeringsPerVPC)
	return b.String()
}

// TestChaosAims checks that the trial aims at every phase, in the default
// run and in the full one (make chaos), whatever the configuration each
// seed's draws lead to: the draws depend on nothing else, so this replays
// them.
func TestChaosAims(t *testing.T) {
	for _, seed := range []uint64{defaultChaosSeed, 2, 3} {
		for _, rounds := range []int{defaultChaosRounds, 50} {
			rng := rand.New(rand.NewPCG(seed, 0x5eed))
			cfg := chaosConfig{}
			var owed []chaosAim
			aimed := map[string]int{}
			var seq []string
			for range rounds {
				var d chaosDraw
				d, owed = drawRound(rng, cfg, owed)
				d.change.apply(cfg)
				aimed[d.aim.phase]++
				seq = append(seq, d.aim.phase+": "+d.change.String())
			}
			for _, a := range chaosAims {
				if aimed[a.phase] == 0 {
					t.Errorf("seed %d, %d rounds: no round aims at %q:\n%s", seed, rounds, a.phase, strings.Join(seq, "\n"))
				}
			}
		}
	}
}

// TestChaosCoverage checks what the trial reports when its kills fall
// short.
func TestChaosCoverage(t *testing.T) {
	none := chaosTally{kills: map[string]map[string]int{phaseFinished: {"none": 10}}, aimed: map[string]int{}}
	for _, a := range chaosAims {
		none.aimed[a.phase]++
	}
	if got := none.coverage(10); len(got) != 1+len(chaosAims) || !strings.HasPrefix(got[0], "no kill landed in 10 rounds") {
		t.Errorf("no kill landed: got %q", got)
	}

	all := chaosTally{kills: map[string]map[string]int{}, aimed: map[string]int{}}
	for _, a := range chaosAims {
		all.aimed[a.phase]++
		all.kills[a.phase] = map[string]int{"SIGTERM": 1}
	}
	if got := all.coverage(10); len(got) != 0 {
		t.Errorf("every phase hit: got %q", got)
	}

	// A kill that landed elsewhere does not cover the aimed phase, and a
	// whole turn must aim at every phase.
	short := chaosTally{kills: map[string]map[string]int{phaseStatusWait: {"SIGKILL": 1}}, aimed: map[string]int{phaseCreateTask: 1}}
	got := short.coverage(len(chaosAims))
	want := []string{`1 rounds aimed at "during the create task wait", and no kill landed there`, `no round aimed at "before the POST" in 7 rounds`}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("got %q, want it to hold %q", got, w)
		}
	}
	if got := short.coverage(len(chaosAims) - 1); len(got) != 1 {
		t.Errorf("a trial shorter than a turn need not aim at every phase: got %q", got)
	}
}

// TestImportCommands checks the reading of the provider's advice: the
// duplicate error's exact command, its <name> placeholder replaced by the
// resource the diagnostic is about, and the interrupted create's command,
// which cannot be run as printed.
func TestImportCommands(t *testing.T) {
	// Terraform 1.5.7's -no-color rendering of a duplicate create.
	const duplicate = `rediscloud_subscription_peering.pro_aws_one: Creating...

Error: Creating Pro peering on subscription 1001 failed

  with rediscloud_subscription_peering.pro_aws_one,
  on main.tf line 7, in resource "rediscloud_subscription_peering" "pro_aws_one":
   7: resource "rediscloud_subscription_peering" "pro_aws_one" {

The Redis Cloud API reported VPC_PEERING_ALREADY_EXIST (409 CONFLICT): A VPC
peering with VPC vpc-00000000000000001 of AWS account 123456789012 already
exists for subscription 1001.
Task ID: 47be6c87-a817-448a-9162-939765aa33f9.

Peering 1001/500 (status "pending-acceptance") already connects this network,
probably created by an interrupted apply. Bring it under management instead
of creating another:

  terraform import rediscloud_subscription_peering.<name> 1001/500

or, with Terraform 1.5 or later, an import block:

  import {
    to = rediscloud_subscription_peering.<name>
    id = "1001/500"
  }
`
	const incomplete = `
Error: Creating Active-Active peering on subscription 2001 failed

  with rediscloud_active_active_subscription_peering.aa_aws_us,
  on main.tf line 20, in resource "rediscloud_active_active_subscription_peering" "aa_aws_us":
  20: resource "rediscloud_active_active_subscription_peering" "aa_aws_us" {

No peering was saved in state, and none of this network was found on the
subscription. Redis Cloud may still complete task 1b2c and create it:

  terraform import rediscloud_active_active_subscription_peering.<name> 2001/<peering_id>
`
	cmds, unrunnable, err := importCommands(duplicate + incomplete)
	if err != nil {
		t.Fatal(err)
	}
	want := []importCmd{{address: "rediscloud_subscription_peering.pro_aws_one", id: "1001/500"}}
	if !slices.Equal(cmds, want) || unrunnable != 1 {
		t.Errorf("importCommands = %v, %d unrunnable; want %v, 1", cmds, unrunnable, want)
	}

	// A placeholder in a diagnostic about another resource type is a
	// harness error, not something to guess.
	wrong := strings.Replace(duplicate, "with rediscloud_subscription_peering.pro_aws_one", "with rediscloud_active_active_subscription_peering.x", 1)
	if _, _, err := importCommands(wrong); err == nil {
		t.Error("importCommands accepted a <name> it could not resolve")
	}
}
