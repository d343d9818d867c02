package cloudsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestFault5xx(t *testing.T) {
	h := newHarness(t, Options{Faults: Faults{Error5xxRate: 1}})
	codes := map[int]bool{}
	kinds := map[string]bool{}
	const n = 40
	for range n {
		r := h.request("POST", "/v1/subscriptions/1001/peerings", awsBody)
		codes[r.code] = true
		switch {
		case len(r.body) == 0:
			kinds["empty"] = true
		case strings.HasPrefix(string(r.body), "<html>"):
			kinds["html"] = r.header.Get("Content-Type") == "text/html" && strings.Contains(string(r.body), "nginx")
		default:
			var e refSpringError
			strictDecode(t, r.body, &e)
			kinds["json"] = e.Status == r.code
		}
	}
	for _, c := range []int{500, 502, 503} {
		if !codes[c] {
			t.Errorf("status %d never injected: %v", c, codes)
		}
	}
	if len(codes) != 3 || !kinds["empty"] || !kinds["html"] || !kinds["json"] {
		t.Errorf("codes %v bodies %v", codes, kinds)
	}
	if st := h.sim.Stats(); st.TasksCreated != 0 || st.InjectedFaults != n || len(h.sim.Peerings()) != 0 {
		t.Errorf("an injected 5xx must have no effect: %+v", st)
	}
}

func TestFault429(t *testing.T) {
	h := newHarness(t, Options{Faults: Faults{Error429Rate: 1}})
	with, without := 0, 0
	for range 30 {
		r := h.request("DELETE", "/v1/subscriptions/1001/peerings/500", "")
		if r.code != 429 {
			t.Fatalf("status %d", r.code)
		}
		var e refSpringError
		strictDecode(t, r.body, &e)
		switch r.header.Get("Retry-After") {
		case "1":
			with++
		case "":
			without++
		default:
			t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	if with == 0 || without == 0 {
		t.Errorf("Retry-After should be sometimes present, sometimes absent: %d/%d", with, without)
	}
	if st := h.sim.Stats(); st.TasksCreated != 0 || st.InjectedFaults != 30 || st.Throttled != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestFaultTaskNotFoundPolls(t *testing.T) {
	h := newHarness(t, Options{})
	before := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	h.sim.SetFaults(Faults{TaskNotFoundPolls: 2})
	task := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	for i := range 2 {
		r := h.request("GET", "/v1/tasks/"+task.TaskID, "")
		if r.code != 404 || len(r.body) != 0 {
			t.Fatalf("poll %d: %d %q", i, r.code, r.body)
		}
	}
	if got := h.task(task.TaskID); got.Status != taskCompleted {
		t.Errorf("third poll: %+v", got)
	}
	// Tasks created before the fault are not hidden; an unknown task looks
	// exactly like a hidden one.
	h.task(before.TaskID)
	if r := h.request("GET", "/v1/tasks/00000000-0000-4000-8000-000000000000", ""); r.code != 404 || len(r.body) != 0 {
		t.Errorf("unknown task: %d %q", r.code, r.body)
	}
	if st := h.sim.Stats(); st.InjectedFaults != 2 {
		t.Errorf("injected %d", st.InjectedFaults)
	}
}

// listedTasks returns the IDs GET /tasks reports.
func (h *harness) listedTasks() map[string]bool {
	h.t.Helper()
	var obj refTasks
	strictDecode(h.t, h.request("GET", "/v1/tasks", "").body, &obj)
	ids := map[string]bool{}
	for _, t := range obj.Tasks {
		ids[t.TaskID] = true
	}
	return ids
}

// hiddenPoll requires GET /tasks/{id} to answer 404 with an empty body, as
// for an unknown task.
func (h *harness) hiddenPoll(id, when string) {
	h.t.Helper()
	if r := h.request("GET", "/v1/tasks/"+id, ""); r.code != 404 || len(r.body) != 0 {
		h.t.Fatalf("%s: %d %q, want an empty 404", when, r.code, r.body)
	}
}

func TestFaultTaskNotFoundFor(t *testing.T) {
	const (
		window  = 3 * time.Second
		latency = time.Second
	)
	tests := []struct {
		name, method, path, body string
		setup                    func(h *harness)
		// effect reports whether the task's effect is in the state.
		effect func(h *harness) bool
	}{
		{"list", "GET", "/v1/subscriptions/1001/peerings", "", nil, nil},
		{"create", "POST", "/v1/subscriptions/1001/peerings", awsBody, nil,
			func(h *harness) bool { return len(h.sim.Peerings()) == 1 }},
		{"update", "PUT", "/v1/subscriptions/1001/peerings/500", `{"vpcCidr":"192.168.7.0/24"}`,
			func(h *harness) { h.createPeeringFor(1001) },
			func(h *harness) bool { p, _ := h.sim.Peering(500); return p.CIDRs[0] == "192.168.7.0/24" }},
		{"aa delete", "DELETE", "/v1/subscriptions/2001/regions/peerings/500", "",
			func(h *harness) { h.createPeeringFor(2001) },
			func(h *harness) bool { return len(h.sim.Peerings()) == 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{TaskLatency: latency})
			if tc.setup != nil {
				tc.setup(h)
			}
			h.sim.SetFaults(Faults{TaskNotFoundFor: Duration(window)})
			task := h.submit(tc.method, tc.path, tc.body)
			h.hiddenPoll(task.TaskID, "at once")
			if h.listedTasks()[task.TaskID] {
				t.Fatal("GET /tasks lists a task the task service does not know yet")
			}
			// The task runs on schedule: its effect is there after the task
			// latency, while the task is still unknown.
			h.clock.Advance(latency)
			if tc.effect != nil && !tc.effect(h) {
				t.Fatalf("effect not applied at +%s: %+v", latency, h.sim.Peerings())
			}
			h.clock.Advance(window - latency - time.Nanosecond)
			h.hiddenPoll(task.TaskID, "just before the window ends")
			if h.listedTasks()[task.TaskID] {
				t.Fatal("listed before the window ended")
			}
			// Measured from the answer that named the task, not from a poll.
			h.clock.Advance(time.Nanosecond)
			if got := h.task(task.TaskID); got.Status != taskCompleted || got.TaskID != task.TaskID {
				t.Fatalf("after the window: %+v", got)
			}
			if !h.listedTasks()[task.TaskID] {
				t.Error("not listed after the window")
			}
			if st := h.sim.Stats(); st.InjectedFaults != 2 {
				t.Errorf("injected %d, want the 2 hidden polls", st.InjectedFaults)
			}
		})
	}
}

func TestTaskNotFoundForScope(t *testing.T) {
	h := newHarness(t, Options{TaskNotFoundFor: time.Second})
	const list = "/v1/subscriptions/1001/peerings"

	// The standing window (Options, /__sim/config) applies by itself.
	a := h.submit("GET", list, "")
	h.hiddenPoll(a.TaskID, "config window")
	h.clock.Advance(time.Second)
	h.task(a.TaskID)

	// With the fault as well, the longer window applies.
	h.sim.SetFaults(Faults{TaskNotFoundFor: Duration(2 * time.Second)})
	b := h.submit("GET", list, "")
	h.clock.Advance(time.Second)
	h.hiddenPoll(b.TaskID, "fault window longer than the config one")
	// The deadline is fixed at submission: clearing the fault does not
	// reveal the task early, and tasks visible before stay visible.
	h.sim.SetFaults(Faults{})
	h.hiddenPoll(b.TaskID, "after the fault was cleared")
	h.task(a.TaskID)
	h.clock.Advance(time.Second)
	h.task(b.TaskID)

	// Polls hidden by time count towards taskNotFoundPolls.
	h.sim.SetFaults(Faults{TaskNotFoundPolls: 2})
	c := h.submit("GET", list, "")
	h.hiddenPoll(c.TaskID, "first poll, in the window")
	h.clock.Advance(time.Second)
	h.hiddenPoll(c.TaskID, "second poll, after the window")
	h.task(c.TaskID)

	// A window set at run time through /__sim/config applies to new tasks.
	h.sim.SetFaults(Faults{})
	if r := h.control("PUT", "/__sim/config", `{"taskNotFoundFor":"0s"}`); r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	h.task(h.submit("GET", list, "").TaskID)
	if st := h.sim.Stats(); st.InjectedFaults != 5 {
		t.Errorf("injected %d, want 5 hidden polls", st.InjectedFaults)
	}
}

func TestOmitRetryAfter(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		// rateLimited: Retry-After of the rate limiter's 429; injected: of
		// the injected ones ("" never, "1" sometimes).
		rateLimited, injected string
	}{
		{"default", Options{RateLimit: 1}, "60", "1"},
		{"omitted", Options{RateLimit: 1, OmitRetryAfter: true}, "", ""},
		{"realistic profile", Options{RateLimit: 1, Profile: ProfileRealistic}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts)
			h.request("GET", "/v1/subscriptions/1001", "")
			r := h.request("GET", "/v1/subscriptions/1001", "")
			if r.code != 429 || r.header.Get("X-Rate-Limit-Remaining") != "0" {
				t.Fatalf("rate limit: %d %v", r.code, r.header)
			}
			if got, ok := r.header["Retry-After"]; (tc.rateLimited == "") == ok || r.header.Get("Retry-After") != tc.rateLimited {
				t.Errorf("rate limit Retry-After %q, want %q", got, tc.rateLimited)
			}
			h.sim.SetRateLimit(0)
			h.sim.SetFaults(Faults{Error429Rate: 1})
			seen := map[string]int{}
			for range 30 {
				r := h.request("GET", "/v1/tasks", "")
				if r.code != 429 {
					t.Fatalf("injected: %d", r.code)
				}
				seen[r.header.Get("Retry-After")]++
			}
			if tc.injected == "" && len(seen) != 1 || seen[tc.injected] == 0 {
				t.Errorf("injected Retry-After values %v, want %q", seen, tc.injected)
			}
		})
	}
	// The switch works at run time.
	h := newHarness(t, Options{RateLimit: 1})
	if r := h.control("PUT", "/__sim/config", `{"omitRetryAfter":true}`); r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	h.request("GET", "/v1/tasks", "")
	if r := h.request("GET", "/v1/tasks", ""); r.code != 429 || r.header.Get("Retry-After") != "" {
		t.Errorf("after PUT omitRetryAfter: %d %v", r.code, r.header)
	}
}

// serve runs a harness's simulator behind a real HTTP server, for faults
// that act on the connection.
func (h *harness) serve(t *testing.T) (*httptest.Server, func(method, path, body string) (int, error)) {
	srv := httptest.NewServer(h.sim)
	t.Cleanup(srv.Close)
	// A fresh connection per request, so a drop is seen as such rather
	// than retried on another pooled connection.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	t.Cleanup(client.CloseIdleConnections)
	return srv, func(method, path, body string) (int, error) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("x-api-key", DefaultAPIKey)
		req.Header.Set("x-api-secret-key", DefaultSecretKey)
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer func() { _ = res.Body.Close() }()
		_, err = io.Copy(io.Discard, res.Body)
		return res.StatusCode, err
	}
}

func TestFaultDropConnection(t *testing.T) {
	h := newHarness(t, Options{Faults: Faults{DropConnectionRate: 1}})
	_, do := h.serve(t)
	for _, c := range []struct{ m, p, b string }{
		{"POST", "/v1/subscriptions/1001/peerings", awsBody},
		{"GET", "/v1/subscriptions/1001/peerings", ""},
		{"GET", "/v1/subscriptions/1001", ""},
	} {
		if code, err := do(c.m, c.p, c.b); err == nil {
			t.Errorf("%s %s: got an answer %d", c.m, c.p, code)
		}
	}
	if st := h.sim.Stats(); st.TasksCreated != 0 || st.InjectedFaults != 3 || st.TotalRequests != 3 {
		t.Errorf("a dropped request must not be processed: %+v", st)
	}
}

func TestFaultDropAfter(t *testing.T) {
	h := newHarness(t, Options{Faults: Faults{DropAfterRate: 1}})
	_, do := h.serve(t)
	if _, err := do("POST", "/v1/subscriptions/1001/peerings", awsBody); err == nil {
		t.Fatal("POST answered")
	}
	// Processed all the same: the task exists and the peering was created.
	if st := h.sim.Stats(); st.TasksCreated != 1 || st.InjectedFaults != 1 || len(h.sim.Peerings()) != 1 {
		t.Fatalf("stats %+v peerings %v", st, h.sim.Peerings())
	}
	// GETs are never dropped after processing.
	if code, err := do("GET", "/v1/subscriptions/1001/peerings", ""); err != nil || code != 202 {
		t.Fatalf("GET: %v", err)
	}
	if _, err := do("DELETE", "/v1/subscriptions/1001/peerings/500", ""); err == nil {
		t.Fatal("DELETE answered")
	}
	if len(h.sim.Peerings()) != 0 {
		t.Error("DELETE was not processed")
	}
	// Failures before processing are answered normally.
	if code, err := do("PUT", "/v1/subscriptions/9999/peerings/1", "{}"); err != nil || code != 404 {
		t.Errorf("unknown subscription: %v", err)
	}
}

func TestFaultLatency(t *testing.T) {
	srv, err := Start(Options{Faults: Faults{Latency: Duration(40 * time.Millisecond)}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for _, path := range []string{"/subscriptions/1001", "/tasks"} {
		start := time.Now()
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+path, nil)
		req.Header.Set("x-api-key", DefaultAPIKey)
		req.Header.Set("x-api-secret-key", DefaultSecretKey)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if el := time.Since(start); el < 40*time.Millisecond {
			t.Errorf("%s answered in %s", path, el)
		}
	}
	// Control endpoints are not slowed down.
	start := time.Now()
	res, err := client.Get(srv.Addr() + "/__sim/faults")
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	_ = json.NewDecoder(res.Body).Decode(&f)
	_ = res.Body.Close()
	if el := time.Since(start); el >= 40*time.Millisecond || f["latency"] != "40ms" {
		t.Errorf("control: %s %v", el, f)
	}
}

func TestFaultsAreReproducible(t *testing.T) {
	run := func() (string, []string) {
		h := newHarness(t, Options{RandSeed: 42, Faults: Faults{Error5xxRate: 0.3, Error429Rate: 0.3}})
		var codes []string
		for range 30 {
			codes = append(codes, itoa(h.request("GET", "/v1/subscriptions/1001/peerings", "").code))
		}
		var ids []string
		h.sim.SetFaults(Faults{})
		for range 3 {
			ids = append(ids, h.submit("GET", "/v1/subscriptions/1001/peerings", "").TaskID)
		}
		return strings.Join(codes, ","), ids
	}
	c1, ids1 := run()
	c2, ids2 := run()
	if c1 != c2 || strings.Join(ids1, ",") != strings.Join(ids2, ",") {
		t.Errorf("same seed, different runs:\n%s\n%s\n%v\n%v", c1, c2, ids1, ids2)
	}
	if !strings.Contains(c1, "202") || !strings.Contains(c1, "429") || !strings.Contains(c1, "50") {
		t.Errorf("rates not applied: %s", c1)
	}
}

func TestParseFaults(t *testing.T) {
	f, err := ParseFaults([]byte(`{"error5xxRate":0.2,"error429Rate":0.1,"taskNotFoundPolls":3,"taskNotFoundFor":"3s","dropConnectionRate":0.05,"dropAfterRate":0.01,"latency":"20ms","stuckTasks":true,"holdTransitions":true}`))
	want := Faults{Error5xxRate: 0.2, Error429Rate: 0.1, TaskNotFoundPolls: 3, TaskNotFoundFor: Duration(3 * time.Second), DropConnectionRate: 0.05, DropAfterRate: 0.01,
		Latency: Duration(20 * time.Millisecond), StuckTasks: true, HoldTransitions: true}
	if err != nil || f != want {
		t.Fatalf("%+v %v", f, err)
	}
	b, _ := json.Marshal(f)
	if !strings.Contains(string(b), `"latency":"20ms"`) || !strings.Contains(string(b), `"taskNotFoundFor":"3s"`) {
		t.Errorf("marshal: %s", b)
	}
	for _, bad := range []string{
		`{"error5xxrate":0.2}`, // keys are exact
		`{"error5xxRate":1.5}`,
		`{"dropAfterRate":-0.1}`,
		`{"taskNotFoundPolls":-1}`,
		`{"latency":20}`,
		`{"latency":"soon"}`,
		`{"latency":"-1s"}`,
		`{"taskNotFoundFor":"-1s"}`,
		`{"taskNotFoundFor":3}`,
		`{"taskNotFoundFor":"3 s"}`,
		`{} {}`,
	} {
		if _, err := ParseFaults([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	// SetFaults cannot fail: it clamps.
	h := newHarness(t, Options{})
	h.sim.SetFaults(Faults{Error5xxRate: 7, TaskNotFoundPolls: -3, TaskNotFoundFor: -1, Latency: -1})
	if got := h.sim.Faults(); got.Error5xxRate != 1 || got.TaskNotFoundPolls != 0 || got.TaskNotFoundFor != 0 || got.Latency != 0 {
		t.Errorf("clamped: %+v", got)
	}
}
