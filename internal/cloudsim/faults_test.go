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
	f, err := ParseFaults([]byte(`{"error5xxRate":0.2,"error429Rate":0.1,"taskNotFoundPolls":3,"dropConnectionRate":0.05,"dropAfterRate":0.01,"latency":"20ms","stuckTasks":true,"holdTransitions":true}`))
	want := Faults{Error5xxRate: 0.2, Error429Rate: 0.1, TaskNotFoundPolls: 3, DropConnectionRate: 0.05, DropAfterRate: 0.01,
		Latency: Duration(20 * time.Millisecond), StuckTasks: true, HoldTransitions: true}
	if err != nil || f != want {
		t.Fatalf("%+v %v", f, err)
	}
	b, _ := json.Marshal(f)
	if !strings.Contains(string(b), `"latency":"20ms"`) {
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
		`{} {}`,
	} {
		if _, err := ParseFaults([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	// SetFaults cannot fail: it clamps.
	h := newHarness(t, Options{})
	h.sim.SetFaults(Faults{Error5xxRate: 7, TaskNotFoundPolls: -3, Latency: -1})
	if got := h.sim.Faults(); got.Error5xxRate != 1 || got.TaskNotFoundPolls != 0 || got.Latency != 0 {
		t.Errorf("clamped: %+v", got)
	}
}
