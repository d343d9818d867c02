package cloudsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// apiClient is a minimal client for end-to-end tests over real HTTP.
type apiClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func (c *apiClient) do(method, path, body string) (int, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("x-api-key", DefaultAPIKey)
	req.Header.Set("x-api-secret-key", DefaultSecretKey)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Error(err)
		return 0, nil
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// wait follows a task's link until it finishes.
func (c *apiClient) wait(body []byte) refTask {
	c.t.Helper()
	var task refTask
	if err := json.Unmarshal(body, &task); err != nil {
		c.t.Fatalf("%v: %s", err, body)
	}
	href := task.Links[0].Href
	for range 500 {
		req, _ := http.NewRequest(http.MethodGet, href, nil)
		req.Header.Set("x-api-key", DefaultAPIKey)
		req.Header.Set("x-api-secret-key", DefaultSecretKey)
		res, err := c.http.Do(req)
		if err != nil {
			c.t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if res.StatusCode == http.StatusOK {
			task = refTask{}
			strictDecode(c.t, b, &task)
			if task.Status == taskCompleted || task.Status == taskError {
				return task
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	c.t.Fatalf("task %s never finished", task.TaskID)
	return task
}

func TestServerEndToEnd(t *testing.T) {
	srv, err := Start(Options{TaskLatency: 5 * time.Millisecond, TransitionLatency: 10 * time.Millisecond, RateLimit: 1000,
		Faults: Faults{TaskNotFoundPolls: 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") || srv.URL() != srv.Addr()+"/v1" || srv.Sim() == nil {
		t.Fatalf("URL %s Addr %s", srv.URL(), srv.Addr())
	}
	c := &apiClient{t: t, base: srv.URL(), http: &http.Client{Transport: &http.Transport{}}}
	defer c.http.CloseIdleConnections()

	code, body := c.do("POST", "/subscriptions/1001/peerings", awsBody)
	if code != 202 {
		t.Fatalf("%d %s", code, body)
	}
	task := c.wait(body)
	id := *task.Response.ResourceID
	if !strings.HasPrefix(task.Links[0].Href, srv.URL()+"/tasks/") {
		t.Errorf("link %s", task.Links[0].Href)
	}
	// Wait for pending-acceptance through the API, then accept through the
	// control endpoint, as the demo does.
	for status := ""; status != StatusPendingAcceptance; {
		_, body = c.do("GET", "/subscriptions/1001/peerings", "")
		var pl refProList
		strictDecode(t, c.wait(body).Response.Resource, &pl)
		status = pl.Peerings[0].Status
	}
	res, err := c.http.Post(fmt.Sprintf("%s/__sim/peerings/%d/accept", srv.Addr(), id), "application/json", nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("accept: %v %v", err, res)
	}
	_ = res.Body.Close()
	if p, _ := srv.Peering(id); p.Status != StatusActive {
		t.Errorf("%+v", p)
	}

	// The Sim's Go controls are callable on the server.
	srv.SetTaskLatency(0)
	srv.SetTransitionLatency(time.Hour)
	srv.SetRateLimit(0)
	srv.SetFaults(Faults{})
	if err := srv.SetPeeringStatus(id, StatusFailed); err != nil {
		t.Fatal(err)
	}
	if err := srv.AcceptPeering(id); err == nil {
		t.Error("accepted a failed peering")
	}
	id2, err := srv.AddPeering(PeeringInfo{SubscriptionID: 2002, GCPProjectID: "p", GCPNetworkName: "n"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.DeletePeering(id); err != nil {
		t.Fatal(err)
	}
	if ps := srv.Peerings(); len(ps) != 1 || ps[0].ID != id2 {
		t.Errorf("%+v", ps)
	}
	if err := srv.SetSubscriptionStatus(2002, "pending"); err != nil {
		t.Fatal(err)
	}
	_, body = c.do("GET", "/subscriptions/2002/regions/peerings/", "")
	if e := c.wait(body).Response.Error; e == nil || e.Type != "SUBSCRIPTION_NOT_ACTIVE" {
		t.Errorf("%+v", e)
	}
	if st := srv.Stats(); st.PeeringsCreated != 1 || st.InjectedFaults < 2 || st.Requests["GET /v1/tasks/{taskId}"] == 0 {
		t.Errorf("stats %+v", st)
	}
	srv.ResetStats()
	if st := srv.Stats(); st.TotalRequests != 0 {
		t.Errorf("%+v", st)
	}
	if got := srv.Sim().Config(); got.TransitionLatency != Duration(time.Hour) {
		t.Errorf("%+v", got)
	}
}

// TestConcurrentClients hammers one simulator from many goroutines while
// its timer runs, for the race detector, and checks the serial queue and
// the duplicate guard still hold.
func TestConcurrentClients(t *testing.T) {
	sim := New(Options{TaskLatency: time.Millisecond, TransitionLatency: 2 * time.Millisecond})
	defer sim.Close()
	ts := httptest.NewServer(sim)
	defer ts.Close()
	c := &apiClient{t: t, base: ts.URL + "/v1", http: &http.Client{Transport: &http.Transport{}}}
	defer c.http.CloseIdleConnections()

	var wg sync.WaitGroup
	const workers = 8
	results := make(chan string, workers)
	for i := range workers {
		wg.Go(func() {
			// Every worker creates the same VPC: exactly one may win.
			_, body := c.do("POST", "/subscriptions/1001/peerings", awsBody)
			task := c.wait(body)
			if task.Status == taskCompleted {
				results <- "ok"
			} else {
				results <- task.Response.Error.Type
			}
			_, body = c.do("GET", "/subscriptions/2001/regions/peerings", "")
			c.wait(body)
			_, _ = sim.AddPeering(PeeringInfo{SubscriptionID: 1002, GCPProjectID: fmt.Sprint("p", i), GCPNetworkName: "n"})
			_ = sim.Stats()
		})
	}
	wg.Wait()
	close(results)
	won := 0
	for r := range results {
		switch r {
		case "ok":
			won++
		case "VPC_PEERING_ALREADY_EXIST":
		default:
			t.Errorf("unexpected result %s", r)
		}
	}
	st := sim.Stats()
	if won != 1 || st.MaxConcurrentPeeringsPerVPC != 1 || len(sim.Peerings()) != workers+1 {
		t.Errorf("won %d, stats %+v", won, st)
	}
}

// TestSerialProcessingRealClock checks the queue on the wall clock: the
// second of two tasks submitted together completes one latency after the
// first (exactly, unless the client was slower than a latency between the
// two calls).
func TestSerialProcessingRealClock(t *testing.T) {
	const lat = 30 * time.Millisecond
	srv, err := Start(Options{TaskLatency: lat})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	c := &apiClient{t: t, base: srv.URL(), http: &http.Client{Transport: &http.Transport{}}}
	defer c.http.CloseIdleConnections()
	_, first := c.do("POST", "/subscriptions/1001/peerings", awsBody)
	_, second := c.do("GET", "/subscriptions/1001/peerings", "")
	a, b := c.wait(first), c.wait(second)
	ta, _ := time.Parse(time.RFC3339Nano, a.Timestamp)
	tb, _ := time.Parse(time.RFC3339Nano, b.Timestamp)
	if gap := tb.Sub(ta); gap < lat {
		t.Errorf("second task completed %s after the first, want at least %s", gap, lat)
	}
	var pl refProList
	strictDecode(t, b.Response.Resource, &pl)
	if len(pl.Peerings) != 1 {
		t.Errorf("the list ran before the create finished: %+v", pl)
	}
}
