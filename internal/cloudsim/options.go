package cloudsim

import (
	"encoding/json"
	"fmt"
	"time"
)

// Default credentials accepted when Options leaves them empty.
const (
	DefaultAPIKey    = "sim-access-key"
	DefaultSecretKey = "sim-secret-key"
)

// Options configures a simulator. The zero value is usable: default keys, the
// default seed, no latency, no rate limit and no faults.
//
// Profile names a set of values (see ProfileConfig) that fills in every one
// of TaskLatency, TransitionLatency, TaskNotFoundFor, CIDRApplyLatency,
// RateLimit, CountRefused, OmitRetryAfter and ChangeConflict left at its
// zero value; the fields that are set win. With no Profile every field is
// taken as given.
type Options struct {
	// APIKey and SecretKey are the only credentials accepted in the
	// x-api-key / x-api-secret-key headers (defaults sim-access-key /
	// sim-secret-key).
	APIKey, SecretKey string
	// TaskLatency is how long one task spends in processing-in-progress.
	// Tasks run one at a time, so N queued tasks take N*TaskLatency,
	// unless ParallelTasks.
	TaskLatency time.Duration
	// ParallelTasks runs every task from the answer that named it, beside
	// the others, instead of one at a time per account: an API whose
	// processing is not serial (no source says it is not; this tests a
	// client that would assume it is).
	ParallelTasks bool
	// TransitionLatency is how long a new peering stays initiating-request
	// after its create task completed.
	TransitionLatency time.Duration
	// TaskNotFoundFor is how long every new task stays unknown to the task
	// service (GET /tasks/{id} answers 404, GET /tasks leaves it out) after
	// the answer that named it: the API's eventual consistency, as a
	// standing behaviour rather than an injected fault (Faults has the same
	// knob; the longer of the two applies).
	TaskNotFoundFor time.Duration
	// CIDRApplyLatency is how long after its update task completes a
	// peering's new CIDRs take effect: until then lists show the old ones.
	CIDRApplyLatency time.Duration
	// RateLimit is the number of /v1 requests one API key may make in any
	// sliding 60-second window; 0 turns the limit off.
	RateLimit int
	// CountRefused counts the requests the rate limit refuses in the
	// window too, as a strict server does: a client that keeps sending
	// while refused stays refused.
	CountRefused bool
	// OmitRetryAfter sends every 429 (the rate limit's and injected ones)
	// without a Retry-After header, as no source says the real API sends
	// one.
	OmitRetryAfter bool
	// ChangeConflict is what a change of a peering (create, update or
	// delete) sent while another change of the same subscription runs
	// meets: ChangeConflictOff (nothing: changes overlap freely),
	// ChangeConflict429 or ChangeConflictTask; "" takes the profile's, or
	// off. See the package documentation.
	ChangeConflict string
	// Profile is "", ProfileInstant or ProfileRealistic; see above.
	Profile string
	// Seed holds the subscriptions; nil means DefaultSeed().
	Seed *Seed
	// Faults are injected from the start; change them with SetFaults.
	Faults Faults
	// RandSeed seeds every random choice (task IDs, pcx IDs, faults), so a
	// run is reproducible for a given sequence of requests.
	RandSeed int64
	// TasksBareArray makes GET /tasks answer a bare JSON array instead of
	// the spec's {"tasks":[...]}, a form some clients expect.
	TasksBareArray bool
	// Logf, when set, receives one line per API request, task completion
	// and control action.
	Logf func(format string, args ...any)
}

// Faults are the failure modes the simulator can inject into /v1 traffic.
// Rates are probabilities in [0,1], rolled independently per request.
type Faults struct {
	// Error5xxRate answers 500, 502 or 503 with an empty, HTML or Spring
	// JSON body, before the request has any effect.
	Error5xxRate float64 `json:"error5xxRate"`
	// Error429Rate answers 429 before the request has any effect, with
	// Retry-After: 1 on about half of them.
	Error429Rate float64 `json:"error429Rate"`
	// TaskNotFoundPolls makes the first N GET /tasks/{id} of every task
	// created while it is set answer 404 with an empty body, the eventual
	// consistency the real API shows right after a task is created.
	TaskNotFoundPolls int `json:"taskNotFoundPolls"`
	// TaskNotFoundFor models the same eventual consistency in time, as the
	// real API shows it: every task created while it is set answers
	// GET /tasks/{id} with 404 and an empty body, and is missing from
	// GET /tasks, until this long after the answer that named it. The task
	// itself runs on schedule; only the task service's view is late. Polls
	// answered 404 this way also count towards TaskNotFoundPolls.
	TaskNotFoundFor Duration `json:"taskNotFoundFor"`
	// DropConnectionRate closes the connection without an answer before the
	// request has any effect.
	DropConnectionRate float64 `json:"dropConnectionRate"`
	// DropAfterRate applies to POST, PUT and DELETE only: the request is
	// processed (its task is created) and then the connection is closed
	// without an answer, so the client cannot know whether it happened.
	DropAfterRate float64 `json:"dropAfterRate"`
	// Latency is added to every /v1 response.
	Latency Duration `json:"latency"`
	// StuckTasks makes tasks created while it is set stay
	// processing-in-progress forever; they do not block the queue.
	StuckTasks bool `json:"stuckTasks"`
	// HoldTransitions keeps peerings in initiating-request while it is set;
	// once cleared they transition as usual.
	HoldTransitions bool `json:"holdTransitions"`
}

// validate reports the first out-of-range value, for the control endpoint
// and the -faults flag, which should refuse a typo rather than clamp it.
func (f Faults) validate() error {
	rates := []struct {
		name string
		v    float64
	}{
		{"error5xxRate", f.Error5xxRate},
		{"error429Rate", f.Error429Rate},
		{"dropConnectionRate", f.DropConnectionRate},
		{"dropAfterRate", f.DropAfterRate},
	}
	for _, r := range rates {
		if r.v < 0 || r.v > 1 {
			return fmt.Errorf("%s must be between 0 and 1, got %v", r.name, r.v)
		}
	}
	if f.TaskNotFoundPolls < 0 {
		return fmt.Errorf("taskNotFoundPolls must not be negative, got %d", f.TaskNotFoundPolls)
	}
	if f.TaskNotFoundFor < 0 {
		return fmt.Errorf("taskNotFoundFor must not be negative, got %s", time.Duration(f.TaskNotFoundFor))
	}
	if f.Latency < 0 {
		return fmt.Errorf("latency must not be negative, got %s", time.Duration(f.Latency))
	}
	return nil
}

// clamped forces every value into range; SetFaults has no error result.
func (f Faults) clamped() Faults {
	clamp := func(v float64) float64 { return min(max(v, 0), 1) }
	f.Error5xxRate = clamp(f.Error5xxRate)
	f.Error429Rate = clamp(f.Error429Rate)
	f.DropConnectionRate = clamp(f.DropConnectionRate)
	f.DropAfterRate = clamp(f.DropAfterRate)
	f.TaskNotFoundPolls = max(f.TaskNotFoundPolls, 0)
	f.TaskNotFoundFor = max(f.TaskNotFoundFor, 0)
	f.Latency = max(f.Latency, 0)
	return f
}

// ParseFaults decodes the faults JSON used by PUT /__sim/faults and the
// -faults flag. Unknown keys are an error, so a misspelt fault is not
// silently ignored.
func ParseFaults(data []byte) (Faults, error) {
	var f Faults
	if err := decodeStrict(data, &f); err != nil {
		return Faults{}, fmt.Errorf("faults: %w", err)
	}
	if err := f.validate(); err != nil {
		return Faults{}, fmt.Errorf("faults: %w", err)
	}
	return f, nil
}

// Duration is a time.Duration that reads and writes JSON as a Go duration
// string such as "20ms" or "1s".
type Duration time.Duration

// MarshalJSON writes the duration as a string, e.g. "20ms".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a Go duration string. Bare numbers are refused: it is
// never clear whether they mean seconds or nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"20ms\", got %s", b)
	}
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Config is the run-time configuration read by GET /__sim/config.
type Config struct {
	// Profile is the profile applied last ("" when none was): the other
	// fields show the values in force, which later changes may have moved
	// away from the profile's.
	Profile           string   `json:"profile"`
	TaskLatency       Duration `json:"taskLatency"`
	ParallelTasks     bool     `json:"parallelTasks"`
	TransitionLatency Duration `json:"transitionLatency"`
	TaskNotFoundFor   Duration `json:"taskNotFoundFor"`
	CIDRApplyLatency  Duration `json:"cidrApplyLatency"`
	RateLimit         int      `json:"rateLimit"`
	// RateWindow is the sliding window RateLimit counts in; 0 is the API's
	// minute. A shorter one scales the limit with the latencies, for
	// trials that run the realistic profile faster than life.
	RateWindow     Duration `json:"rateWindow,omitzero"`
	CountRefused   bool     `json:"countRefused"`
	OmitRetryAfter bool     `json:"omitRetryAfter"`
	ChangeConflict string   `json:"changeConflict"`
	TasksBareArray bool     `json:"tasksBareArray"`
}

// configPatch is the body of PUT /__sim/config: any subset of Config. A
// profile is applied first, so the other fields of the same body override
// its values.
type configPatch struct {
	Profile           *string   `json:"profile"`
	TaskLatency       *Duration `json:"taskLatency"`
	ParallelTasks     *bool     `json:"parallelTasks"`
	TransitionLatency *Duration `json:"transitionLatency"`
	TaskNotFoundFor   *Duration `json:"taskNotFoundFor"`
	CIDRApplyLatency  *Duration `json:"cidrApplyLatency"`
	RateLimit         *int      `json:"rateLimit"`
	RateWindow        *Duration `json:"rateWindow"`
	CountRefused      *bool     `json:"countRefused"`
	OmitRetryAfter    *bool     `json:"omitRetryAfter"`
	ChangeConflict    *string   `json:"changeConflict"`
	TasksBareArray    *bool     `json:"tasksBareArray"`
}

func (p configPatch) validate() error {
	if p.Profile != nil {
		if _, err := ProfileConfig(*p.Profile); err != nil {
			return err
		}
	}
	if p.TaskLatency != nil && *p.TaskLatency < 0 {
		return fmt.Errorf("taskLatency must not be negative")
	}
	if p.TransitionLatency != nil && *p.TransitionLatency < 0 {
		return fmt.Errorf("transitionLatency must not be negative")
	}
	if p.TaskNotFoundFor != nil && *p.TaskNotFoundFor < 0 {
		return fmt.Errorf("taskNotFoundFor must not be negative")
	}
	if p.CIDRApplyLatency != nil && *p.CIDRApplyLatency < 0 {
		return fmt.Errorf("cidrApplyLatency must not be negative")
	}
	if p.ChangeConflict != nil {
		if err := checkChangeConflict(*p.ChangeConflict); err != nil {
			return err
		}
	}
	if p.RateLimit != nil && *p.RateLimit < 0 {
		return fmt.Errorf("rateLimit must not be negative (0 turns it off)")
	}
	if p.RateWindow != nil && *p.RateWindow < 0 {
		return fmt.Errorf("rateWindow must not be negative (0 is a minute)")
	}
	return nil
}
