package cloudsim

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Sim is an in-memory Redis Cloud API for one account. It is an
// http.Handler serving /v1 (the API) and /__sim (control endpoints); its
// methods are the same controls for Go tests. All methods are safe for
// concurrent use.
type Sim struct {
	apiKey, secretKey string
	logf              func(format string, args ...any)
	now               func() time.Time
	control           http.Handler
	// manualClock disables the wake-up timer: tests with a fake clock drive
	// time themselves.
	manualClock bool

	mu          sync.Mutex
	rng         *rand.Rand
	profile     string
	taskLatency time.Duration
	// parallelTasks runs each task from its submission, beside the others.
	parallelTasks     bool
	transitionLatency time.Duration
	taskNotFoundFor   time.Duration
	cidrApplyLatency  time.Duration
	rateLimit         int
	// rateWindow is the window rateLimit counts in; 0 is the API's minute.
	rateWindow     time.Duration
	countRefused   bool
	omitRetryAfter bool
	changeConflict string
	tasksBareArray bool
	faults         Faults

	subs          map[int]*subscription
	peerings      map[int]*peering
	nextPeeringID int

	tasks    map[string]*task
	allTasks []*task // submission order, for GET /tasks
	queue    []*task // tasks waiting or running, FIFO; stuck tasks never enter
	lastEnd  time.Time

	limiter rateLimiter
	stats   Stats

	timer  *time.Timer
	closed bool
}

// New returns a simulator ready to serve. It panics if opts.Seed or
// opts.Profile is invalid (use ParseSeed, ProfileConfig or Start to get an
// error instead). Call Close to stop its wake-up timer when done.
func New(opts Options) *Sim {
	s, err := newSim(opts, time.Now, false)
	if err != nil {
		panic(err)
	}
	return s
}

func newSim(opts Options, now func() time.Time, manualClock bool) (*Sim, error) {
	seed := opts.Seed
	if seed == nil {
		seed = DefaultSeed()
	}
	subs, err := seed.build()
	if err != nil {
		return nil, err
	}
	if opts.ChangeConflict != "" {
		if err := checkChangeConflict(opts.ChangeConflict); err != nil {
			return nil, err
		}
	}
	if opts.Profile != "" {
		prof, err := ProfileConfig(opts.Profile)
		if err != nil {
			return nil, err
		}
		// The profile fills in what the caller left at zero.
		if opts.TaskLatency == 0 {
			opts.TaskLatency = time.Duration(prof.TaskLatency)
		}
		if opts.TransitionLatency == 0 {
			opts.TransitionLatency = time.Duration(prof.TransitionLatency)
		}
		if opts.TaskNotFoundFor == 0 {
			opts.TaskNotFoundFor = time.Duration(prof.TaskNotFoundFor)
		}
		if opts.CIDRApplyLatency == 0 {
			opts.CIDRApplyLatency = time.Duration(prof.CIDRApplyLatency)
		}
		if opts.RateLimit == 0 {
			opts.RateLimit = prof.RateLimit
		}
		if opts.ChangeConflict == "" {
			opts.ChangeConflict = prof.ChangeConflict
		}
		opts.CountRefused = opts.CountRefused || prof.CountRefused
		opts.OmitRetryAfter = opts.OmitRetryAfter || prof.OmitRetryAfter
	}
	s := &Sim{
		apiKey:            orDefault(opts.APIKey, DefaultAPIKey),
		secretKey:         orDefault(opts.SecretKey, DefaultSecretKey),
		logf:              opts.Logf,
		now:               now,
		manualClock:       manualClock,
		rng:               rand.New(rand.NewPCG(uint64(opts.RandSeed), 0x5eed)),
		profile:           opts.Profile,
		taskLatency:       max(opts.TaskLatency, 0),
		parallelTasks:     opts.ParallelTasks,
		transitionLatency: max(opts.TransitionLatency, 0),
		taskNotFoundFor:   max(opts.TaskNotFoundFor, 0),
		cidrApplyLatency:  max(opts.CIDRApplyLatency, 0),
		rateLimit:         max(opts.RateLimit, 0),
		countRefused:      opts.CountRefused,
		omitRetryAfter:    opts.OmitRetryAfter,
		changeConflict:    orDefault(opts.ChangeConflict, ChangeConflictOff),
		tasksBareArray:    opts.TasksBareArray,
		faults:            opts.Faults.clamped(),
		subs:              subs,
		peerings:          map[int]*peering{},
		nextPeeringID:     firstPeeringID,
		tasks:             map[string]*task{},
		limiter:           rateLimiter{windows: map[string][]time.Time{}},
	}
	s.stats = newStats()
	s.control = s.controlMux()
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	return s, nil
}

// orDefault returns v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Close stops the wake-up timer. The simulator still answers afterwards, but
// state then only moves when something calls it.
func (s *Sim) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
}

// lock takes the state lock and brings the state up to date, which every
// entry point must do before it looks at anything.
func (s *Sim) lock() {
	s.mu.Lock()
	s.advance()
}

// ---- the clock ----

// advance brings the state up to the present: it completes, in submission
// order, every task whose end time has passed, applying each one's effects
// against the state of that moment, and moves peerings whose
// initiating-request phase is over. Everything is derived from the clock,
// so the result is the same whether the state is looked at often or not at
// all; the wake-up timer only makes sure effects also happen unobserved.
func (s *Sim) advance() {
	now := s.now()
	for len(s.queue) > 0 {
		head := s.queue[0]
		if head.start.IsZero() {
			head.start = head.submitted
			if s.lastEnd.After(head.start) {
				head.start = s.lastEnd
			}
			head.end = head.start.Add(s.taskLatency)
		}
		// Parallel tasks were timed when submitted (submit); with one
		// latency for all they end in submission order.
		if head.end.After(now) {
			break
		}
		s.applyTransitions(head.end)
		s.complete(head)
		s.queue[0] = nil
		s.queue = s.queue[1:]
		s.lastEnd = head.end
	}
	s.applyTransitions(now)
	s.rearm()
}

// rearm points the wake-up timer at the next moment something changes by
// itself: the running task's end, a peering's transition or new CIDRs
// taking effect. A timer that
// fires exactly then (instead of a fixed-period ticker) keeps effects
// precise and leaves no goroutine behind between events.
func (s *Sim) rearm() {
	if s.closed || s.manualClock {
		return
	}
	var next time.Time
	if len(s.queue) > 0 && !s.queue[0].end.IsZero() {
		next = s.queue[0].end
	}
	for _, p := range s.peerings {
		if p.pendingCIDRs != nil && (next.IsZero() || p.cidrsDue.Before(next)) {
			next = p.cidrsDue
		}
	}
	if !s.faults.HoldTransitions {
		for _, p := range s.peerings {
			if p.status != StatusInitiatingRequest || p.forced {
				continue
			}
			if due := p.created.Add(s.transitionLatency); next.IsZero() || due.Before(next) {
				next = due
			}
		}
	}
	if next.IsZero() {
		if s.timer != nil {
			s.timer.Stop()
		}
		return
	}
	d := max(next.Sub(s.now()), 0)
	if s.timer == nil {
		s.timer = time.AfterFunc(d, s.wake)
	} else {
		s.timer.Reset(d)
	}
}

func (s *Sim) wake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.advance()
	}
}
