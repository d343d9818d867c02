package cloudsim

import (
	"fmt"
	"time"
)

// Profile names, for Options.Profile, the -profile flag and the "profile"
// key of PUT /__sim/config.
const (
	// ProfileInstant is the simulator as fast as it goes: tasks finish,
	// peerings transition and CIDRs change at once, every task is visible
	// at once, changes of one subscription may overlap, and the rate limit
	// answers 429 with a Retry-After header.
	ProfileInstant = "instant"
	// ProfileRealistic is slower than the real API is known to be at its
	// fastest, so that a client's waits and retries are exercised; see the
	// Realistic* constants.
	ProfileRealistic = "realistic"
)

// DocumentedRateLimit is the API's documented limit: 400 requests per
// minute per API key (reference section 8). Both profiles use it.
const DocumentedRateLimit = 400

// The values of ProfileRealistic, exported so that tests and benchmarks can
// compute the least time a scenario can take against it. The package
// documentation says where each comes from.
const (
	// RealisticTaskLatency is how long each task runs; the account's tasks
	// run one at a time, so N queued tasks take N times this.
	RealisticTaskLatency = 2 * time.Second
	// RealisticTaskNotFoundFor is how long a new task answers 404 after
	// the answer that named it.
	RealisticTaskNotFoundFor = 3 * time.Second
	// RealisticTransitionLatency is how long a new peering stays
	// initiating-request before it turns pending-acceptance (AWS) or
	// inactive (GCP).
	RealisticTransitionLatency = 20 * time.Second
	// RealisticCIDRApplyLatency is how long after its update task
	// completes a peering's new CIDRs take effect.
	RealisticCIDRApplyLatency = 10 * time.Second
	// RealisticRateLimit is the requests allowed per sliding minute and
	// API key.
	RealisticRateLimit = DocumentedRateLimit
	// RealisticCountRefused: the requests the rate limit refuses count in
	// its window too.
	RealisticCountRefused = true
	// RealisticOmitRetryAfter: every 429 comes without Retry-After.
	RealisticOmitRetryAfter = true
	// RealisticChangeConflict: a change sent while another change of its
	// subscription runs is refused with 429, the API's documented
	// concurrency answer.
	RealisticChangeConflict = ChangeConflict429
)

// Profiles lists the profile names ProfileConfig accepts.
func Profiles() []string { return []string{ProfileInstant, ProfileRealistic} }

// InstantProfile returns the values of ProfileInstant: no latency, tasks
// visible at once, the documented rate limit, 429s with Retry-After, no
// change conflicts.
func InstantProfile() Config {
	return Config{Profile: ProfileInstant, RateLimit: DocumentedRateLimit, ChangeConflict: ChangeConflictOff}
}

// RealisticProfile returns the values of ProfileRealistic.
func RealisticProfile() Config {
	return Config{
		Profile:           ProfileRealistic,
		TaskLatency:       Duration(RealisticTaskLatency),
		TransitionLatency: Duration(RealisticTransitionLatency),
		TaskNotFoundFor:   Duration(RealisticTaskNotFoundFor),
		CIDRApplyLatency:  Duration(RealisticCIDRApplyLatency),
		RateLimit:         RealisticRateLimit,
		CountRefused:      RealisticCountRefused,
		OmitRetryAfter:    RealisticOmitRetryAfter,
		ChangeConflict:    RealisticChangeConflict,
	}
}

// ProfileConfig returns the values of the named profile. TasksBareArray is
// not part of any profile: applying one leaves it as it is.
func ProfileConfig(name string) (Config, error) {
	switch name {
	case ProfileInstant:
		return InstantProfile(), nil
	case ProfileRealistic:
		return RealisticProfile(), nil
	default:
		return Config{}, fmt.Errorf("profile must be %q or %q, got %q", ProfileInstant, ProfileRealistic, name)
	}
}

// applyProfileLocked sets every value of a profile; the caller holds the
// lock and calls advance afterwards.
func (s *Sim) applyProfileLocked(c Config) {
	s.profile = c.Profile
	s.taskLatency = time.Duration(c.TaskLatency)
	s.parallelTasks = c.ParallelTasks
	s.transitionLatency = time.Duration(c.TransitionLatency)
	s.taskNotFoundFor = time.Duration(c.TaskNotFoundFor)
	s.cidrApplyLatency = time.Duration(c.CIDRApplyLatency)
	s.rateLimit = c.RateLimit
	s.rateWindow = time.Duration(c.RateWindow)
	s.countRefused = c.CountRefused
	s.omitRetryAfter = c.OmitRetryAfter
	s.changeConflict = c.ChangeConflict
}

// ApplyProfile sets every value of the named profile at once, as
// PUT /__sim/config {"profile":name} does. Tasks already running keep the
// latency they started with; peerings still initiating-request follow the
// new transition latency.
func (s *Sim) ApplyProfile(name string) error {
	c, err := ProfileConfig(name)
	if err != nil {
		return err
	}
	s.lock()
	defer s.mu.Unlock()
	s.applyProfileLocked(c)
	s.advance()
	return nil
}
