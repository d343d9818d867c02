package e2e_test

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// simLog receives the simulator's log lines. It counts the faults the
// simulator injected by kind and route and the answers by method and status,
// keeps the lines for a failure report, and timestamps what tests wait for.
type simLog struct {
	mu      sync.Mutex
	lines   []string
	faults  map[string]int // kind -> count
	byRoute map[string]int // "kind route" -> count
	answers map[string]int // "METHOD route -> status" -> count
	hits    map[string][]time.Time
}

func newSimLog() *simLog {
	return &simLog{faults: map[string]int{}, byRoute: map[string]int{}, answers: map[string]int{}, hits: map[string][]time.Time{}}
}

// maxKeptLines bounds the lines kept for a failure report.
const maxKeptLines = 400

var (
	numericSeg = regexp.MustCompile(`/[0-9]+(/|$)`)
	uuidSeg    = regexp.MustCompile(`/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

// route turns a request path into its pattern: /v1/subscriptions/1001/peerings/502
// becomes /v1/subscriptions/{id}/peerings/{id}.
func route(path string) string {
	path = uuidSeg.ReplaceAllString(path, "/{taskId}")
	for numericSeg.MatchString(path) {
		path = numericSeg.ReplaceAllString(path, "/{id}$1")
	}
	return path
}

// logf is the simulator's Logf. It runs under the simulator's lock, so it
// must never call back into the simulator.
func (l *simLog) logf(format string, args ...any) {
	now := time.Now()
	line := fmt.Sprintf(format, args...)
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) >= maxKeptLines {
		l.lines = l.lines[1:]
	}
	l.lines = append(l.lines, now.Format("15:04:05.000 ")+line)
	fault := func(kind, path string) {
		l.faults[kind]++
		l.byRoute[kind+" "+route(path)]++
	}
	switch format {
	case "fault: dropping connection before processing %s":
		fault("dropped before processing", args[0].(string))
	case "fault: dropping connection after processing %s %s":
		fault("dropped after processing", args[0].(string)+" "+args[1].(string))
	case "fault: 429 for %s":
		fault("429", args[0].(string))
	case "fault: %d for %s":
		fault("5xx", args[1].(string))
	case "%s %s -> %d":
		key := fmt.Sprintf("%s %s -> %d", args[0], route(args[1].(string)), args[2])
		l.answers[key]++
		l.hits[key] = append(l.hits[key], now)
	}
}

// first returns when an answer ("POST /v1/subscriptions/{id}/peerings -> 202")
// was first given.
func (l *simLog) first(key string) (time.Time, bool) {
	return l.firstAfter(key, time.Time{})
}

// firstAfter returns when an answer was first given after t.
func (l *simLog) firstAfter(key string, t time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, at := range l.hits[key] {
		if at.After(t) {
			return at, true
		}
	}
	return time.Time{}, false
}

// counts returns copies of the counters.
func (l *simLog) counts() (faults, byRoute, answers map[string]int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.faults), maps.Clone(l.byRoute), maps.Clone(l.answers)
}

// dumpOnFailure logs the simulator's last lines when t fails.
func (l *simLog) dumpOnFailure(t *testing.T) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		t.Logf("last %d simulator log lines:\n%s", len(l.lines), strings.Join(l.lines, "\n"))
	})
}

// newLoggedSim starts a simulator whose log goes to a simLog.
func newLoggedSim(t *testing.T, opts cloudsim.Options) (*cloudsim.Server, *simLog) {
	t.Helper()
	log := newSimLog()
	opts.Logf = log.logf
	srv := acctest.NewSim(t, opts)
	log.dumpOnFailure(t)
	return srv, log
}

// formatCounts renders counters one per line, indented.
func formatCounts(m map[string]int) string {
	var b strings.Builder
	for _, k := range sortedKeys(m) {
		fmt.Fprintf(&b, "    %-70s %6d\n", k, m[k])
	}
	return b.String()
}

// sum adds a counter map's values.
func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
