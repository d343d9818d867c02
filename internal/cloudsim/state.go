package cloudsim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"
)

// Peering statuses the simulator produces by itself. Any other string can be
// forced with SetPeeringStatus.
const (
	StatusInitiatingRequest = "initiating-request"
	StatusPendingAcceptance = "pending-acceptance"
	StatusActive            = "active"
	StatusInactive          = "inactive"
	StatusFailed            = "failed"
)

// Peering kinds, as GET /__sim/peerings reports them.
const (
	KindPro          = "pro"
	KindActiveActive = "active-active"
)

// subscriptionStatusDeleted is accepted by SetSubscriptionStatus to make a
// subscription vanish (404 everywhere), as a deleted one does.
const subscriptionStatusDeleted = "deleted"

const maxInt32 = 1<<31 - 1

// firstPeeringID is where the single peering-ID counter (Pro and
// Active-Active alike) starts.
const firstPeeringID = 500

type subscription struct {
	id             int
	name           string
	status         string
	deploymentType string
	provider       string
	regions        []*region
}

func (sub *subscription) activeActive() bool { return sub.deploymentType == DeploymentActiveActive }

func (sub *subscription) region(name string) *region {
	for _, r := range sub.regions {
		if r.name == name {
			return r
		}
	}
	return nil
}

type region struct {
	id              int
	name            string
	deploymentCIDR  netip.Prefix
	vpcID           string // Redis VPC (AWS) or Redis network name (GCP)
	redisProjectUID string // GCP only
}

type peering struct {
	id           int
	subID        int
	activeActive bool
	provider     string
	status       string
	// forced is set once a status was imposed through the control API: from
	// then on the simulator no longer moves the peering by itself.
	forced bool
	// created is when the create task completed (or AddPeering ran); the
	// initiating-request phase is measured from it.
	created time.Time

	region            string // Pro AWS: the consumer VPC's region
	sourceRegion      string // Active-Active: the Redis region
	destinationRegion string // Active-Active AWS: the consumer VPC's region
	regionID          int    // Active-Active: ID of the source region

	awsAccountID string
	vpcID        string
	cidrs        []string
	gcpProject   string
	gcpNetwork   string

	awsPeeringUID    string
	redisProjectUID  string
	redisNetworkName string
	cloudPeeringID   string
}

// vpcKey identifies the consumer network a peering connects, used for the
// duplicate check and maxConcurrentPeeringsPerVpc. Active-Active peerings
// of one network to two Redis regions are distinct, so the source region is
// part of the key.
func (p *peering) vpcKey() string {
	var k string
	if p.provider == ProviderGCP {
		k = fmt.Sprintf("%d|gcp|%s|%s", p.subID, p.gcpProject, p.gcpNetwork)
	} else {
		k = fmt.Sprintf("%d|aws|%s|%s", p.subID, p.awsAccountID, p.vpcID)
	}
	if p.activeActive {
		k += "|" + p.sourceRegion
	}
	return k
}

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

	mu                sync.Mutex
	rng               *rand.Rand
	profile           string
	taskLatency       time.Duration
	transitionLatency time.Duration
	taskNotFoundFor   time.Duration
	rateLimit         int
	omitRetryAfter    bool
	tasksBareArray    bool
	faults            Faults

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
		if opts.RateLimit == 0 {
			opts.RateLimit = prof.RateLimit
		}
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
		transitionLatency: max(opts.TransitionLatency, 0),
		taskNotFoundFor:   max(opts.TaskNotFoundFor, 0),
		rateLimit:         max(opts.RateLimit, 0),
		omitRetryAfter:    opts.OmitRetryAfter,
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

// ---- peering lifecycle ----

// transitionDue reports whether p should leave initiating-request at t.
func (s *Sim) transitionDue(p *peering, t time.Time) bool {
	return p.status == StatusInitiatingRequest && !p.forced && !p.created.Add(s.transitionLatency).After(t)
}

// applyTransitions moves every peering whose initiating-request phase ended
// by t. It runs before each task completion so a list sees exactly the
// statuses of its completion time.
func (s *Sim) applyTransitions(t time.Time) {
	if s.faults.HoldTransitions {
		return
	}
	var due []*peering
	for _, p := range s.peerings {
		if s.transitionDue(p, t) {
			due = append(due, p)
		}
	}
	// A fixed order keeps the random pcx IDs reproducible.
	slices.SortFunc(due, func(a, b *peering) int { return a.id - b.id })
	for _, p := range due {
		s.transition(p)
	}
}

// transition completes the Redis side of a peering: AWS waits for the
// customer to accept the pcx, GCP waits for the reciprocal peering.
func (s *Sim) transition(p *peering) {
	s.fillProviderIDs(p)
	if p.provider == ProviderGCP {
		p.status = StatusInactive
	} else {
		p.status = StatusPendingAcceptance
	}
	s.logf("peering %d: %s", p.id, p.status)
}

// fillProviderIDs sets the identifiers the Redis side creates: the pcx ID
// for AWS, the Redis project, network and peering name for GCP.
func (s *Sim) fillProviderIDs(p *peering) {
	if p.provider == ProviderGCP {
		r := s.peeringRegion(p)
		if p.redisProjectUID == "" && r != nil {
			p.redisProjectUID = r.redisProjectUID
		}
		if p.redisNetworkName == "" && r != nil {
			p.redisNetworkName = r.vpcID
		}
		if p.cloudPeeringID == "" {
			h := s.hex(11)
			p.cloudPeeringID = "redislabs-peering-" + h[:8] + "-" + h[8:]
		}
		return
	}
	if p.awsPeeringUID == "" {
		p.awsPeeringUID = "pcx-" + s.hex(17)
	}
}

// peeringRegion is the Redis-side region a peering attaches to.
func (s *Sim) peeringRegion(p *peering) *region {
	sub := s.subs[p.subID]
	if sub == nil {
		return nil
	}
	if p.activeActive {
		return sub.region(p.sourceRegion)
	}
	return sub.regions[0]
}

func (s *Sim) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[s.rng.IntN(16)]
	}
	return string(b)
}

// insertPeering stores a new peering and records the per-VPC high-water
// mark, the number that reveals duplicate creates.
func (s *Sim) insertPeering(p *peering) {
	s.peerings[p.id] = p
	if p.id >= s.nextPeeringID {
		s.nextPeeringID = p.id + 1
	}
	s.stats.MaxConcurrentPeeringsPerVPC = max(s.stats.MaxConcurrentPeeringsPerVPC, s.peeringsOnVPC(p.vpcKey()))
}

func (s *Sim) peeringsOnVPC(key string) int {
	n := 0
	for _, q := range s.peerings {
		if q.vpcKey() == key {
			n++
		}
	}
	return n
}

// maxPeeringsPerVPC is the current highest count, the starting point after
// a stats reset.
func (s *Sim) maxPeeringsPerVPC() int {
	counts := map[string]int{}
	m := 0
	for _, p := range s.peerings {
		k := p.vpcKey()
		counts[k]++
		m = max(m, counts[k])
	}
	return m
}

func (s *Sim) sortedPeerings(filter func(*peering) bool) []*peering {
	var out []*peering
	for _, p := range s.peerings {
		if filter == nil || filter(p) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *peering) int { return a.id - b.id })
	return out
}

// ---- Go control API ----

// PeeringInfo is one peering as GET /__sim/peerings shows it, and the input
// of AddPeering.
type PeeringInfo struct {
	ID             int    `json:"id"`
	SubscriptionID int    `json:"subscriptionId"`
	Kind           string `json:"kind"`     // "pro" or "active-active"
	Provider       string `json:"provider"` // "AWS" or "GCP"
	Status         string `json:"status"`
	// AWS consumer side.
	VPCID        string `json:"vpcId"`
	AWSAccountID string `json:"awsAccountId"`
	// Region is the consumer VPC's region of a Pro AWS peering.
	Region string `json:"region"`
	// SourceRegion (the Redis region) and DestinationRegion (the consumer
	// VPC's region, AWS only) belong to Active-Active peerings.
	SourceRegion      string   `json:"sourceRegion"`
	DestinationRegion string   `json:"destinationRegion"`
	CIDRs             []string `json:"cidrs"`
	// GCP consumer side.
	GCPProjectID   string `json:"gcpProjectId"`
	GCPNetworkName string `json:"gcpNetworkName"`
	// Identifiers the Redis side assigns once the peering leaves
	// initiating-request.
	AWSPeeringUID    string `json:"awsPeeringUid,omitempty"`
	RedisProjectUID  string `json:"redisProjectUid,omitempty"`
	RedisNetworkName string `json:"redisNetworkName,omitempty"`
	CloudPeeringID   string `json:"cloudPeeringId,omitempty"`
}

func (p *peering) info() PeeringInfo {
	kind := KindPro
	if p.activeActive {
		kind = KindActiveActive
	}
	return PeeringInfo{
		ID:                p.id,
		SubscriptionID:    p.subID,
		Kind:              kind,
		Provider:          p.provider,
		Status:            p.status,
		VPCID:             p.vpcID,
		AWSAccountID:      p.awsAccountID,
		Region:            p.region,
		SourceRegion:      p.sourceRegion,
		DestinationRegion: p.destinationRegion,
		CIDRs:             append([]string{}, p.cidrs...),
		GCPProjectID:      p.gcpProject,
		GCPNetworkName:    p.gcpNetwork,
		AWSPeeringUID:     p.awsPeeringUID,
		RedisProjectUID:   p.redisProjectUID,
		RedisNetworkName:  p.redisNetworkName,
		CloudPeeringID:    p.cloudPeeringID,
	}
}

// Peerings returns every peering, ordered by ID.
func (s *Sim) Peerings() []PeeringInfo {
	s.lock()
	defer s.mu.Unlock()
	out := []PeeringInfo{}
	for _, p := range s.sortedPeerings(nil) {
		out = append(out, p.info())
	}
	return out
}

// Peering returns one peering.
func (s *Sim) Peering(id int) (PeeringInfo, error) {
	s.lock()
	defer s.mu.Unlock()
	p := s.peerings[id]
	if p == nil {
		return PeeringInfo{}, errNoPeering(id)
	}
	return p.info(), nil
}

// DeploymentCIDRs returns a subscription's deployment CIDR in each of its
// regions, by region name: the Redis side a peering of that region reaches.
func (s *Sim) DeploymentCIDRs(sub int) (map[string]string, error) {
	s.lock()
	defer s.mu.Unlock()
	ss := s.subs[sub]
	if ss == nil {
		return nil, fmt.Errorf("%w: subscription %d", ErrNotFound, sub)
	}
	out := make(map[string]string, len(ss.regions))
	for _, r := range ss.regions {
		out[r.name] = r.deploymentCIDR.String()
	}
	return out, nil
}

func errNoPeering(id int) error { return fmt.Errorf("%w: peering %d", ErrNotFound, id) }

// ErrNotFound is wrapped by control methods given an unknown ID.
var ErrNotFound = errors.New("not found")

// ErrConflict is wrapped by control methods asked for an impossible change,
// such as accepting a failed peering.
var ErrConflict = errors.New("conflict")

// AcceptPeering does what the customer does on their side: accepting the
// AWS pcx, or creating the reciprocal GCP peering. A peering still in
// initiating-request first completes its transition. Accepting an active
// peering is a no-op; a failed (or other forced) status cannot be accepted.
func (s *Sim) AcceptPeering(id int) error {
	s.lock()
	defer s.mu.Unlock()
	p := s.peerings[id]
	if p == nil {
		return errNoPeering(id)
	}
	switch p.status {
	case StatusInitiatingRequest:
		s.fillProviderIDs(p)
	case StatusPendingAcceptance, StatusInactive, StatusActive:
	default:
		return fmt.Errorf("%w: peering %d is %s and cannot be accepted", ErrConflict, id, p.status)
	}
	p.status = StatusActive
	p.forced = false
	s.logf("peering %d: accepted, active", id)
	return nil
}

// SetPeeringStatus forces a status (e.g. "failed"); the peering then keeps
// it until changed again through the control API.
func (s *Sim) SetPeeringStatus(id int, status string) error {
	if status == "" {
		return errors.New("status must not be empty")
	}
	s.lock()
	defer s.mu.Unlock()
	p := s.peerings[id]
	if p == nil {
		return errNoPeering(id)
	}
	if status != StatusInitiatingRequest {
		// Past initiating-request the Redis side exists, so lists must
		// show its identifiers whatever the status.
		s.fillProviderIDs(p)
	}
	p.status = status
	p.forced = true
	s.logf("peering %d: status forced to %s", id, status)
	return nil
}

// DeletePeering removes a peering at once, as if deleted out of band (in the
// console or on the cloud side).
func (s *Sim) DeletePeering(id int) error {
	s.lock()
	defer s.mu.Unlock()
	if s.peerings[id] == nil {
		return errNoPeering(id)
	}
	delete(s.peerings, id)
	s.logf("peering %d: deleted out of band", id)
	return nil
}

// SetSubscriptionStatus sets a subscription's status (pending, active,
// deleting, error, ...). The status "deleted" removes the subscription and
// its peerings, so it answers 404 from then on.
func (s *Sim) SetSubscriptionStatus(id int, status string) error {
	if status == "" {
		return errors.New("status must not be empty")
	}
	s.lock()
	defer s.mu.Unlock()
	sub := s.subs[id]
	if sub == nil {
		return fmt.Errorf("%w: subscription %d", ErrNotFound, id)
	}
	if status == subscriptionStatusDeleted {
		delete(s.subs, id)
		for pid, p := range s.peerings {
			if p.subID == id {
				delete(s.peerings, pid)
			}
		}
		s.logf("subscription %d: deleted", id)
		return nil
	}
	sub.status = status
	s.logf("subscription %d: status %s", id, status)
	return nil
}

// SetFaults replaces every fault. Out-of-range values are clamped.
func (s *Sim) SetFaults(f Faults) {
	s.lock()
	defer s.mu.Unlock()
	s.faults = f.clamped()
	// Clearing HoldTransitions may make transitions due at once.
	s.advance()
}

// Faults returns the faults in force.
func (s *Sim) Faults() Faults {
	s.lock()
	defer s.mu.Unlock()
	return s.faults
}

// SetTaskLatency changes how long each task takes from its start. Tasks
// already running keep the latency they started with.
func (s *Sim) SetTaskLatency(d time.Duration) {
	s.lock()
	defer s.mu.Unlock()
	s.taskLatency = max(d, 0)
}

// SetTransitionLatency changes how long new peerings stay
// initiating-request, measured from their creation; it applies to peerings
// still waiting too.
func (s *Sim) SetTransitionLatency(d time.Duration) {
	s.lock()
	defer s.mu.Unlock()
	s.transitionLatency = max(d, 0)
	s.advance()
}

// SetRateLimit changes the per-key limit per sliding minute; 0 turns it off.
func (s *Sim) SetRateLimit(n int) {
	s.lock()
	defer s.mu.Unlock()
	s.rateLimit = max(n, 0)
}

// Config returns the run-time configuration.
func (s *Sim) Config() Config {
	s.lock()
	defer s.mu.Unlock()
	return s.configLocked()
}

func (s *Sim) configLocked() Config {
	return Config{
		Profile:           s.profile,
		TaskLatency:       Duration(s.taskLatency),
		TransitionLatency: Duration(s.transitionLatency),
		TaskNotFoundFor:   Duration(s.taskNotFoundFor),
		RateLimit:         s.rateLimit,
		OmitRetryAfter:    s.omitRetryAfter,
		TasksBareArray:    s.tasksBareArray,
	}
}

// AddPeering inserts a peering directly, without a task, for tests of
// import and data sources. Kind and Provider default to the subscription's;
// Status defaults to pending-acceptance (AWS) or inactive (GCP), and the
// Redis-side identifiers are generated unless given. An explicit ID is used
// if free; otherwise the next ID is taken. "initiating-request" makes the
// peering transition as a new one would.
func (s *Sim) AddPeering(in PeeringInfo) (int, error) {
	s.lock()
	defer s.mu.Unlock()
	sub := s.subs[in.SubscriptionID]
	if sub == nil {
		return 0, fmt.Errorf("%w: subscription %d", ErrNotFound, in.SubscriptionID)
	}
	kind := KindPro
	if sub.activeActive() {
		kind = KindActiveActive
	}
	if in.Kind != "" && in.Kind != kind {
		return 0, fmt.Errorf("subscription %d takes %s peerings, not %s", sub.id, kind, in.Kind)
	}
	provider := strings.ToUpper(orDefault(in.Provider, sub.provider))
	if provider != sub.provider {
		return 0, fmt.Errorf("subscription %d is on %s, not %s", sub.id, sub.provider, provider)
	}
	p := &peering{
		subID:             sub.id,
		activeActive:      sub.activeActive(),
		provider:          provider,
		status:            in.Status,
		created:           s.now(),
		region:            in.Region,
		sourceRegion:      in.SourceRegion,
		destinationRegion: in.DestinationRegion,
		awsAccountID:      in.AWSAccountID,
		vpcID:             in.VPCID,
		gcpProject:        in.GCPProjectID,
		gcpNetwork:        in.GCPNetworkName,
		awsPeeringUID:     in.AWSPeeringUID,
		redisProjectUID:   in.RedisProjectUID,
		redisNetworkName:  in.RedisNetworkName,
		cloudPeeringID:    in.CloudPeeringID,
	}
	if p.activeActive {
		if p.sourceRegion == "" {
			p.sourceRegion = sub.regions[0].name
		}
		r := sub.region(p.sourceRegion)
		if r == nil {
			return 0, fmt.Errorf("subscription %d has no region %q", sub.id, p.sourceRegion)
		}
		p.regionID = r.id
	}
	if provider == ProviderAWS {
		if p.vpcID == "" || p.awsAccountID == "" {
			return 0, fmt.Errorf("an AWS peering needs vpcId and awsAccountId")
		}
		if len(in.CIDRs) == 0 {
			return 0, fmt.Errorf("an AWS peering needs at least one CIDR")
		}
		for _, c := range in.CIDRs {
			if _, err := parseCIDR(c); err != nil {
				return 0, fmt.Errorf("CIDR %q: %w", c, err)
			}
		}
		p.cidrs = append([]string{}, in.CIDRs...)
		if !p.activeActive && p.region == "" {
			p.region = sub.regions[0].name
		}
		if p.activeActive && p.destinationRegion == "" {
			p.destinationRegion = p.sourceRegion
		}
	} else if p.gcpProject == "" || p.gcpNetwork == "" {
		return 0, fmt.Errorf("a GCP peering needs gcpProjectId and gcpNetworkName")
	}
	switch {
	case p.status == "" && provider == ProviderGCP:
		p.status = StatusInactive
	case p.status == "":
		p.status = StatusPendingAcceptance
	}
	if p.status != StatusInitiatingRequest {
		s.fillProviderIDs(p)
	}
	if in.ID != 0 {
		if in.ID < 0 || in.ID > maxInt32 {
			return 0, fmt.Errorf("peering id %d is out of range", in.ID)
		}
		if s.peerings[in.ID] != nil {
			return 0, fmt.Errorf("%w: peering %d already exists", ErrConflict, in.ID)
		}
		p.id = in.ID
	} else {
		p.id = s.allocPeeringID()
	}
	s.insertPeering(p)
	s.logf("peering %d: added directly (%s)", p.id, p.status)
	// A peering added in initiating-request needs the timer armed.
	s.rearm()
	return p.id, nil
}

func (s *Sim) allocPeeringID() int {
	for s.peerings[s.nextPeeringID] != nil {
		s.nextPeeringID++
	}
	id := s.nextPeeringID
	s.nextPeeringID++
	return id
}
