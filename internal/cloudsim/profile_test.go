package cloudsim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestProfileConfig(t *testing.T) {
	// The documented values (package doc, README): a change here is a
	// change of what benchmarks compute their floors from.
	want := map[string]Config{
		ProfileInstant: {Profile: "instant", RateLimit: 400, ChangeConflict: "off"},
		ProfileRealistic: {Profile: "realistic", TaskLatency: Duration(2 * time.Second), TransitionLatency: Duration(20 * time.Second),
			TaskNotFoundFor: Duration(3 * time.Second), CIDRApplyLatency: Duration(10 * time.Second), RateLimit: 400, CountRefused: true,
			OmitRetryAfter: true, ChangeConflict: "429"},
	}
	if got := Profiles(); len(got) != len(want) {
		t.Errorf("profiles %v", got)
	}
	for _, name := range Profiles() {
		got, err := ProfileConfig(name)
		if err != nil || got != want[name] {
			t.Errorf("%s: %+v %v, want %+v", name, got, err, want[name])
		}
	}
	if RealisticProfile() != want[ProfileRealistic] || InstantProfile() != want[ProfileInstant] {
		t.Errorf("RealisticProfile %+v, InstantProfile %+v", RealisticProfile(), InstantProfile())
	}
	for _, bad := range []string{"", "Realistic", "slow"} {
		if _, err := ProfileConfig(bad); err == nil || !strings.Contains(err.Error(), "profile") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestOptionsProfile(t *testing.T) {
	realistic := RealisticProfile()
	tests := []struct {
		name string
		opts Options
		want Config
	}{
		{"no profile: fields as given", Options{TaskLatency: time.Second}, Config{TaskLatency: Duration(time.Second), ChangeConflict: ChangeConflictOff}},
		{"no profile: strict fields as given", Options{ChangeConflict: ChangeConflictTask, CountRefused: true, CIDRApplyLatency: time.Second},
			Config{ChangeConflict: ChangeConflictTask, CountRefused: true, CIDRApplyLatency: Duration(time.Second)}},
		{"realistic with the other form of change conflicts", Options{Profile: ProfileRealistic, ChangeConflict: ChangeConflictTask},
			func() Config { c := realistic; c.ChangeConflict = ChangeConflictTask; return c }()},
		{"realistic without change conflicts", Options{Profile: ProfileRealistic, ChangeConflict: ChangeConflictOff},
			func() Config { c := realistic; c.ChangeConflict = ChangeConflictOff; return c }()},
		{"instant", Options{Profile: ProfileInstant}, InstantProfile()},
		{"realistic", Options{Profile: ProfileRealistic}, realistic},
		{"realistic keeps bare arrays", Options{Profile: ProfileRealistic, TasksBareArray: true},
			func() Config { c := realistic; c.TasksBareArray = true; return c }()},
		{"set fields override the profile", Options{Profile: ProfileRealistic, TaskLatency: time.Second, TransitionLatency: 5 * time.Second,
			TaskNotFoundFor: time.Minute, RateLimit: 10},
			Config{Profile: "realistic", TaskLatency: Duration(time.Second), TransitionLatency: Duration(5 * time.Second),
				TaskNotFoundFor: Duration(time.Minute), CIDRApplyLatency: realistic.CIDRApplyLatency, RateLimit: 10, CountRefused: true,
				OmitRetryAfter: true, ChangeConflict: ChangeConflict429}},
		{"instant with omitted Retry-After", Options{Profile: ProfileInstant, OmitRetryAfter: true},
			Config{Profile: "instant", RateLimit: 400, OmitRetryAfter: true, ChangeConflict: ChangeConflictOff}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts)
			if got := h.sim.Config(); got != tc.want {
				t.Errorf("config %+v, want %+v", got, tc.want)
			}
		})
	}
	if _, err := Start(Options{Profile: "fast"}); err == nil || !strings.Contains(err.Error(), `"fast"`) {
		t.Errorf("unknown profile: %v", err)
	}
	if _, err := Start(Options{ChangeConflict: "409"}); err == nil || !strings.Contains(err.Error(), `"409"`) {
		t.Errorf("unknown change conflict: %v", err)
	}
}

func TestControlProfile(t *testing.T) {
	h := newHarness(t, Options{TasksBareArray: true})
	put := func(body string) Config {
		t.Helper()
		r := h.control("PUT", "/__sim/config", body)
		if r.code != http.StatusOK {
			t.Fatalf("%s: %d %s", body, r.code, r.body)
		}
		var cfg Config
		strictDecode(t, r.body, &cfg)
		return cfg
	}
	withBare := func(c Config) Config { c.TasksBareArray = true; return c }

	if got := put(`{"profile":"realistic"}`); got != withBare(RealisticProfile()) {
		t.Errorf("realistic: %+v", got)
	}
	var cfg Config
	strictDecode(t, h.control("GET", "/__sim/config", "").body, &cfg)
	if cfg != withBare(RealisticProfile()) {
		t.Errorf("GET config %+v", cfg)
	}
	// Fields in the same body override the profile, whatever their order.
	want := withBare(RealisticProfile())
	want.TaskLatency, want.RateLimit, want.OmitRetryAfter = Duration(time.Second), 0, false
	if got := put(`{"taskLatency":"1s","rateLimit":0,"profile":"realistic","omitRetryAfter":false}`); got != want {
		t.Errorf("realistic with overrides: %+v, want %+v", got, want)
	}
	// A later change without a profile keeps the others, and the name.
	want.TransitionLatency = Duration(time.Minute)
	if got := put(`{"transitionLatency":"1m"}`); got != want {
		t.Errorf("later change: %+v", got)
	}
	if got := put(`{"profile":"instant"}`); got != withBare(InstantProfile()) {
		t.Errorf("back to instant: %+v", got)
	}
	for _, bad := range []string{`{"profile":"fast"}`, `{"profile":""}`, `{"profile":1}`, `{"Profile":"realistic"}`, `{"taskNotFoundFor":"-1s"}`} {
		if r := h.control("PUT", "/__sim/config", bad); r.code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, r.code)
		}
	}
	if got := h.sim.Config(); got != withBare(InstantProfile()) {
		t.Errorf("a refused body changed the config: %+v", got)
	}
	// The Go method does the same.
	if err := h.sim.ApplyProfile(ProfileRealistic); err != nil || h.sim.Config() != withBare(RealisticProfile()) {
		t.Errorf("ApplyProfile: %v %+v", err, h.sim.Config())
	}
	if err := h.sim.ApplyProfile("nope"); err == nil {
		t.Error("ApplyProfile accepted an unknown name")
	}
}

// TestRealisticProfileTimeline walks a create, an early update and a
// later one through the realistic profile on the fake clock, checking each
// documented value takes effect.
func TestRealisticProfileTimeline(t *testing.T) {
	h := newHarness(t, Options{Profile: ProfileRealistic})
	const (
		lat   = RealisticTaskLatency
		hide  = RealisticTaskNotFoundFor
		trans = RealisticTransitionLatency
	)
	create := h.submit("POST", "/v1/subscriptions/1001/peerings", awsBody)
	list := h.submit("GET", "/v1/subscriptions/1001/peerings", "")

	// Unknown to the task service for 3 s, though the create completes at 2 s.
	h.hiddenPoll(create.TaskID, "create at once")
	h.clock.Advance(lat - time.Nanosecond)
	if len(h.sim.Peerings()) != 0 {
		t.Fatal("the create completed before the task latency")
	}
	h.clock.Advance(time.Nanosecond)
	if ps := h.sim.Peerings(); len(ps) != 1 || ps[0].Status != StatusInitiatingRequest {
		t.Fatalf("after %s: %+v", lat, ps)
	}
	h.hiddenPoll(create.TaskID, "create before 3s")
	h.clock.Advance(hide - lat)
	if got := h.task(create.TaskID); got.Status != taskCompleted || *got.Response.ResourceID != 500 {
		t.Fatalf("create: %+v", got)
	}
	// One task at a time: the list, queued behind the create, runs 2-4 s.
	if got := h.task(list.TaskID); got.Status != taskInProgress {
		t.Errorf("list at 3s: %s", got.Status)
	}
	h.clock.Advance(lat - (hide - lat))
	if got := h.task(list.TaskID); got.Status != taskCompleted {
		t.Errorf("list at 4s: %s", got.Status)
	}

	// The create's change runs until its peering leaves initiating-request:
	// an update sent meanwhile is refused with 429, without Retry-After.
	early := h.request("PUT", "/v1/subscriptions/1001/peerings/500", `{"vpcCidr":"192.168.9.0/24"}`)
	if _, ok := early.header["Retry-After"]; early.code != http.StatusTooManyRequests || ok {
		t.Fatalf("early update: %d %v %s", early.code, early.header, early.body)
	}

	// The peering leaves initiating-request 20 s after its create completed.
	h.clock.Set(epoch.Add(lat + trans - time.Nanosecond))
	if p, _ := h.sim.Peering(500); p.Status != StatusInitiatingRequest {
		t.Fatalf("transitioned early: %s", p.Status)
	}
	h.clock.Advance(time.Nanosecond)
	if p, _ := h.sim.Peering(500); p.Status != StatusPendingAcceptance || !pcxRE.MatchString(p.AWSPeeringUID) {
		t.Fatalf("after %s: %+v", trans, p)
	}
	late := h.submit("PUT", "/v1/subscriptions/1001/peerings/500", `{"vpcCidr":"192.168.9.0/24"}`)
	h.clock.Advance(hide)
	if got := h.task(late.TaskID); got.Status != taskCompleted {
		t.Fatalf("late update: %+v", got.Response)
	}
	// Its CIDRs take effect 10 s after its task completed (at 2 s).
	updated := h.clock.Now().Add(-(hide - lat))
	h.clock.Set(updated.Add(RealisticCIDRApplyLatency - time.Nanosecond))
	if p, _ := h.sim.Peering(500); p.CIDRs[0] != "192.168.0.0/24" || len(p.PendingCIDRs) != 1 {
		t.Fatalf("CIDRs in effect early: %+v", p)
	}
	h.clock.Advance(time.Nanosecond)
	if p, _ := h.sim.Peering(500); p.CIDRs[0] != "192.168.9.0/24" || p.PendingCIDRs != nil {
		t.Fatalf("CIDRs after %s: %+v", RealisticCIDRApplyLatency, p)
	}

	// 400 requests a minute, and a 429 without Retry-After.
	h.clock.Advance(time.Minute)
	for i := range RealisticRateLimit {
		if r := h.request("GET", "/v1/subscriptions/1001", ""); r.code != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, r.code)
		}
	}
	r := h.request("GET", "/v1/subscriptions/1001", "")
	if _, ok := r.header["Retry-After"]; r.code != http.StatusTooManyRequests || ok || r.header.Get("X-Rate-Limit-Remaining") != "0" {
		t.Errorf("request 401: %d %v", r.code, r.header)
	}
}
