package cloudsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// refSimPeering is the documented GET /__sim/peerings element.
type refSimPeering struct {
	ID                int      `json:"id"`
	SubscriptionID    int      `json:"subscriptionId"`
	Kind              string   `json:"kind"`
	Provider          string   `json:"provider"`
	Status            string   `json:"status"`
	VPCID             string   `json:"vpcId"`
	AWSAccountID      string   `json:"awsAccountId"`
	Region            string   `json:"region"`
	SourceRegion      string   `json:"sourceRegion"`
	DestinationRegion string   `json:"destinationRegion"`
	CIDRs             []string `json:"cidrs"`
	GCPProjectID      string   `json:"gcpProjectId"`
	GCPNetworkName    string   `json:"gcpNetworkName"`
	AWSPeeringUID     string   `json:"awsPeeringUid"`
	RedisProjectUID   string   `json:"redisProjectUid"`
	RedisNetworkName  string   `json:"redisNetworkName"`
	CloudPeeringID    string   `json:"cloudPeeringId"`
}

func (h *harness) control(method, path, body string) resp {
	h.t.Helper()
	return h.requestWith(method, path, body, nil)
}

func TestControlPeerings(t *testing.T) {
	h := newHarness(t, Options{TransitionLatency: time.Hour})
	aws := h.createPro(1001, `{"region":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-1","vpcCidrs":["192.168.1.0/24","192.168.2.0/24"]}`)
	gcp := h.createAA(2002, aaGCPBody)

	var list []refSimPeering
	strictDecode(t, h.control("GET", "/__sim/peerings", "").body, &list)
	want := []refSimPeering{
		{ID: aws, SubscriptionID: 1001, Kind: "pro", Provider: "AWS", Status: "initiating-request", VPCID: "vpc-1",
			AWSAccountID: "123456789012", Region: "us-east-1", CIDRs: []string{"192.168.1.0/24", "192.168.2.0/24"}},
		{ID: gcp, SubscriptionID: 2002, Kind: "active-active", Provider: "GCP", Status: "initiating-request",
			SourceRegion: "us-central1", CIDRs: []string{}, GCPProjectID: "my-project", GCPNetworkName: "my-vpc"},
	}
	if got, _ := json.Marshal(list); !bytes.Equal(got, mustJSON(want)) {
		t.Errorf("peerings\n got %s\nwant %s", got, mustJSON(want))
	}
	raw := string(h.control("GET", "/__sim/peerings", "").body)
	for _, key := range []string{`"sourceRegion":""`, `"destinationRegion":""`, `"gcpProjectId":""`, `"cidrs":[]`} {
		if !strings.Contains(raw, key) {
			t.Errorf("documented key %s missing: %s", key, raw)
		}
	}

	// Accept.
	r := h.control("POST", "/__sim/peerings/"+itoa(aws)+"/accept", "")
	var p refSimPeering
	strictDecode(t, r.body, &p)
	if r.code != 200 || p.Status != "active" || !pcxRE.MatchString(p.AWSPeeringUID) {
		t.Errorf("accept: %d %+v", r.code, p)
	}
	// Force a status.
	r = h.control("PUT", "/__sim/peerings/"+itoa(gcp), `{"status":"failed"}`)
	strictDecode(t, r.body, &p)
	if r.code != 200 || p.Status != "failed" || p.CloudPeeringID == "" {
		t.Errorf("force: %d %+v", r.code, p)
	}
	if _, ap := h.aaPeering(2002, gcp); ap.Status != "failed" {
		t.Errorf("API does not show the forced status: %+v", ap)
	}
	// Accepting a failed peering is a conflict.
	if r = h.control("POST", "/__sim/peerings/"+itoa(gcp)+"/accept", ""); r.code != 409 {
		t.Errorf("accept failed: %d %s", r.code, r.body)
	}
	// Delete out of band.
	if r = h.control("DELETE", "/__sim/peerings/"+itoa(aws), ""); r.code != 204 {
		t.Errorf("delete: %d", r.code)
	}
	if pl, _ := h.listPro(1001); len(pl.Peerings) != 0 {
		t.Errorf("still listed: %+v", pl)
	}

	for _, tc := range []struct {
		method, path, body string
		code               int
	}{
		{"POST", "/__sim/peerings/999/accept", "", 404},
		{"PUT", "/__sim/peerings/999", `{"status":"failed"}`, 404},
		{"DELETE", "/__sim/peerings/999", "", 404},
		{"PUT", "/__sim/peerings/abc", `{"status":"failed"}`, 400},
		{"PUT", "/__sim/peerings/" + itoa(gcp), `{"state":"failed"}`, 400},
		{"PUT", "/__sim/peerings/" + itoa(gcp), `{"status":""}`, 400},
		{"PUT", "/__sim/peerings/" + itoa(gcp), `not json`, 400},
		{"GET", "/__sim/nothing", "", 404},
	} {
		if r := h.control(tc.method, tc.path, tc.body); r.code != tc.code {
			t.Errorf("%s %s: %d, want %d (%s)", tc.method, tc.path, r.code, tc.code, r.body)
		}
	}
}

func TestControlSubscriptions(t *testing.T) {
	h := newHarness(t, Options{})
	if r := h.control("PUT", "/__sim/subscriptions/1001", `{"status":"pending"}`); r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	var sub refSubscription
	strictDecode(t, h.request("GET", "/v1/subscriptions/1001", "").body, &sub)
	if sub.Status != "pending" {
		t.Errorf("status %s", sub.Status)
	}
	if e := h.exec("POST", "/v1/subscriptions/1001/peerings", awsBody).Response.Error; e.Type != "SUBSCRIPTION_NOT_ACTIVE" {
		t.Errorf("%+v", e)
	}
	h.control("PUT", "/__sim/subscriptions/1001", `{"status":"active"}`)
	h.mustComplete("POST", "/v1/subscriptions/1001/peerings", awsBody)

	if r := h.control("PUT", "/__sim/subscriptions/1001", `{"status":"deleted"}`); r.code != 200 {
		t.Fatalf("%d", r.code)
	}
	if r := h.request("GET", "/v1/subscriptions/1001/peerings", ""); r.code != 404 {
		t.Errorf("deleted subscription: %d", r.code)
	}
	if len(h.sim.Peerings()) != 0 {
		t.Error("peerings of a deleted subscription remain")
	}
	for _, tc := range []struct {
		path, body string
		code       int
	}{
		{"/__sim/subscriptions/1001", `{"status":"active"}`, 404},
		{"/__sim/subscriptions/x", `{"status":"active"}`, 400},
		{"/__sim/subscriptions/2001", `{}`, 400},
	} {
		if r := h.control("PUT", tc.path, tc.body); r.code != tc.code {
			t.Errorf("%s %s: %d, want %d", tc.path, tc.body, r.code, tc.code)
		}
	}
}

func TestControlFaultsAndConfig(t *testing.T) {
	h := newHarness(t, Options{RateLimit: 5})
	r := h.control("PUT", "/__sim/faults", `{"error5xxRate":0.2,"error429Rate":0.1,"taskNotFoundPolls":3,"dropConnectionRate":0.05,"latency":"20ms"}`)
	if r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	want := Faults{Error5xxRate: 0.2, Error429Rate: 0.1, TaskNotFoundPolls: 3, DropConnectionRate: 0.05, Latency: Duration(20 * time.Millisecond)}
	if got := h.sim.Faults(); got != want {
		t.Errorf("faults %+v", got)
	}
	var f map[string]any
	strictDecode(t, h.control("GET", "/__sim/faults", "").body, &f)
	if len(f) != 9 || f["latency"] != "20ms" || f["taskNotFoundPolls"] != 3.0 || f["stuckTasks"] != false || f["taskNotFoundFor"] != "0s" {
		t.Errorf("GET faults %v", f)
	}
	// PUT replaces everything.
	h.control("PUT", "/__sim/faults", `{"stuckTasks":true}`)
	if got := h.sim.Faults(); got != (Faults{StuckTasks: true}) {
		t.Errorf("not replaced: %+v", got)
	}
	for _, bad := range []string{`{"error5xx":1}`, `{"error5xxRate":2}`, `{"latency":5}`} {
		if r := h.control("PUT", "/__sim/faults", bad); r.code != 400 {
			t.Errorf("%s: %d", bad, r.code)
		}
	}

	// Config: any subset, changed at run time.
	r = h.control("PUT", "/__sim/config", `{"taskLatency":"1s","transitionLatency":"3s"}`)
	var cfg Config
	strictDecode(t, r.body, &cfg)
	if r.code != 200 || cfg != (Config{TaskLatency: Duration(time.Second), TransitionLatency: Duration(3 * time.Second), RateLimit: 5, ChangeConflict: ChangeConflictOff}) {
		t.Errorf("config %d %+v", r.code, cfg)
	}
	h.control("PUT", "/__sim/config", `{"rateLimit":400}`)
	strictDecode(t, h.control("GET", "/__sim/config", "").body, &cfg)
	if cfg.RateLimit != 400 || cfg.TaskLatency != Duration(time.Second) {
		t.Errorf("config %+v", cfg)
	}
	for _, bad := range []string{`{"taskLatency":"x"}`, `{"rateLimit":-1}`, `{"ratelimit":1}`, `{"transitionLatency":"-2s"}`,
		`{"cidrApplyLatency":"-1s"}`, `{"changeConflict":"409"}`, `{"changeConflict":""}`, `{"countRefused":"yes"}`} {
		if r := h.control("PUT", "/__sim/config", bad); r.code != 400 {
			t.Errorf("%s: %d", bad, r.code)
		}
	}
	// The new latency applies to the next task.
	h.sim.SetFaults(Faults{})
	task := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	h.clock.Advance(999 * time.Millisecond)
	if got := h.task(task.TaskID).Status; got != taskInProgress {
		t.Errorf("%s", got)
	}
	h.clock.Advance(time.Millisecond)
	if got := h.task(task.TaskID).Status; got != taskCompleted {
		t.Errorf("%s", got)
	}
}

func TestControlStats(t *testing.T) {
	h := newHarness(t, Options{RateLimit: 100})
	h.mustComplete("POST", "/v1/subscriptions/1001/peerings", awsBody)    // POST + GET task
	h.mustComplete("GET", "/v1/subscriptions/1001/peerings/", "")         // trailing slash
	h.mustComplete("GET", "/v1/subscriptions/2001/regions/peerings/", "") // trailing slash
	h.mustComplete("DELETE", "/v1/subscriptions/1001/peerings/500", "")
	h.request("GET", "/v1/subscriptions/1001", "")
	h.request("GET", "/v1/subscriptions/1001/regions", "")
	h.request("GET", "/v1/tasks", "")
	h.request("PATCH", "/v1/tasks", "")
	h.requestWith("GET", "/v1/tasks", "", nil) // 401 still counts
	h.sim.SetRateLimit(1)
	h.request("GET", "/v1/tasks", "") // throttled
	h.sim.SetFaults(Faults{Error5xxRate: 1})
	h.sim.SetRateLimit(0)
	h.request("GET", "/v1/subscriptions/2002", "") // injected
	h.sim.SetFaults(Faults{})
	_, _ = h.sim.AddPeering(PeeringInfo{SubscriptionID: 1002, GCPProjectID: "p", GCPNetworkName: "n"})
	_, _ = h.sim.AddPeering(PeeringInfo{SubscriptionID: 1002, GCPProjectID: "p", GCPNetworkName: "n"})

	type refStats struct {
		TotalRequests               int            `json:"totalRequests"`
		Requests                    map[string]int `json:"requests"`
		Throttled                   int            `json:"throttled"`
		ChangesRefused              int            `json:"changesRefused"`
		ListsRefused                int            `json:"listsRefused"`
		InjectedFaults              int            `json:"injectedFaults"`
		TasksCreated                int            `json:"tasksCreated"`
		TasksByCommand              map[string]int `json:"tasksByCommand"`
		PeeringsCreated             int            `json:"peeringsCreated"`
		PeeringsDeleted             int            `json:"peeringsDeleted"`
		MaxConcurrentPeeringsPerVpc int            `json:"maxConcurrentPeeringsPerVpc"`
		PeakRequestsPerMinute       int            `json:"peakRequestsPerMinute"`
		FirstRequest                time.Time      `json:"firstRequest"`
		LastRequest                 time.Time      `json:"lastRequest"`
		FirstTask                   time.Time      `json:"firstTask"`
	}
	var st refStats
	strictDecode(t, h.control("GET", "/__sim/stats", "").body, &st)
	wantReq := map[string]int{
		"POST /v1/subscriptions/{subscriptionId}/peerings":               1,
		"GET /v1/subscriptions/{subscriptionId}/peerings":                1,
		"GET /v1/subscriptions/{subscriptionId}/regions/peerings":        1,
		"DELETE /v1/subscriptions/{subscriptionId}/peerings/{peeringId}": 1,
		"GET /v1/tasks/{taskId}":                                         4,
		"GET /v1/subscriptions/{subscriptionId}":                         2,
		"GET /v1/subscriptions/{subscriptionId}/regions":                 1,
		"GET /v1/tasks":   3,
		"PATCH /v1/tasks": 1,
	}
	if got, want := mustJSON(st.Requests), mustJSON(wantReq); !bytes.Equal(got, want) {
		t.Errorf("requests\n got %s\nwant %s", got, want)
	}
	if st.TotalRequests != 15 || st.Throttled != 1 || st.InjectedFaults != 1 || st.TasksCreated != 4 ||
		st.PeeringsCreated != 1 || st.PeeringsDeleted != 1 || st.MaxConcurrentPeeringsPerVpc != 2 ||
		st.TasksByCommand["vpcPeeringGetRequest"] != 1 || st.PeakRequestsPerMinute != 15 || !st.FirstRequest.Equal(epoch) ||
		st.FirstTask.IsZero() || st.FirstTask.Before(st.FirstRequest) {
		t.Errorf("stats %+v", st)
	}

	if r := h.control("DELETE", "/__sim/stats", ""); r.code != 204 {
		t.Fatalf("reset: %d", r.code)
	}
	st = refStats{}
	strictDecode(t, h.control("GET", "/__sim/stats", "").body, &st)
	// The high-water mark restarts from what exists now: two on one network.
	if st.TotalRequests != 0 || len(st.Requests) != 0 || st.TasksCreated != 0 || st.MaxConcurrentPeeringsPerVpc != 2 {
		t.Errorf("after reset %+v", st)
	}
	for _, p := range h.sim.Peerings() {
		_ = h.sim.DeletePeering(p.ID)
	}
	h.sim.ResetStats()
	if st := h.sim.Stats(); st.MaxConcurrentPeeringsPerVPC != 0 {
		t.Errorf("%+v", st)
	}
}

func TestControlLoopbackOnly(t *testing.T) {
	h := newHarness(t, Options{})
	for _, addr := range []string{"10.1.2.3:5555", "[2001:db8::1]:80", "192.0.2.1:1234"} {
		req := httptest.NewRequest(http.MethodGet, "/__sim/peerings", nil)
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		h.sim.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s: %d", addr, rec.Code)
		}
	}
	for _, addr := range []string{"127.0.0.1:5555", "[::1]:80", "@"} {
		req := httptest.NewRequest(http.MethodGet, "/__sim/peerings", nil)
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		h.sim.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d", addr, rec.Code)
		}
	}
}

func TestAddPeering(t *testing.T) {
	h := newHarness(t, Options{TransitionLatency: time.Second})
	tests := []struct {
		name    string
		in      PeeringInfo
		status  string
		wantErr bool
	}{
		{"pro aws defaults", PeeringInfo{SubscriptionID: 1001, VPCID: "vpc-a", AWSAccountID: "123456789012", CIDRs: []string{"192.168.0.0/24"}}, StatusPendingAcceptance, false},
		{"pro gcp defaults", PeeringInfo{SubscriptionID: 1002, GCPProjectID: "p", GCPNetworkName: "n"}, StatusInactive, false},
		{"aa aws with status", PeeringInfo{SubscriptionID: 2001, Kind: "active-active", Provider: "aws", SourceRegion: "eu-west-1", DestinationRegion: "us-west-2",
			VPCID: "vpc-b", AWSAccountID: "123456789012", CIDRs: []string{"192.168.0.0/24", "192.168.1.0/24"}, Status: "active"}, StatusActive, false},
		{"aa gcp explicit ids", PeeringInfo{ID: 900, SubscriptionID: 2002, SourceRegion: "europe-west1", GCPProjectID: "p", GCPNetworkName: "n",
			RedisProjectUID: "rp", RedisNetworkName: "rn", CloudPeeringID: "cp"}, StatusInactive, false},
		{"initiating transitions", PeeringInfo{SubscriptionID: 1001, VPCID: "vpc-c", AWSAccountID: "123456789012", CIDRs: []string{"192.168.0.0/24"}, Status: StatusInitiatingRequest}, StatusInitiatingRequest, false},
		{"unknown subscription", PeeringInfo{SubscriptionID: 5}, "", true},
		{"wrong kind", PeeringInfo{SubscriptionID: 1001, Kind: "active-active", VPCID: "v", AWSAccountID: "1", CIDRs: []string{"1.2.3.0/24"}}, "", true},
		{"wrong provider", PeeringInfo{SubscriptionID: 1001, Provider: "GCP", GCPProjectID: "p", GCPNetworkName: "n"}, "", true},
		{"aws without cidr", PeeringInfo{SubscriptionID: 1001, VPCID: "v", AWSAccountID: "1"}, "", true},
		{"aws bad cidr", PeeringInfo{SubscriptionID: 1001, VPCID: "v", AWSAccountID: "1", CIDRs: []string{"x"}}, "", true},
		{"gcp without network", PeeringInfo{SubscriptionID: 1002, GCPProjectID: "p"}, "", true},
		{"aa unknown region", PeeringInfo{SubscriptionID: 2002, SourceRegion: "mars", GCPProjectID: "p", GCPNetworkName: "n"}, "", true},
		{"id taken", PeeringInfo{ID: 900, SubscriptionID: 1002, GCPProjectID: "p", GCPNetworkName: "n"}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := h.sim.AddPeering(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("accepted as %d", id)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p, _ := h.sim.Peering(id)
			if p.Status != tc.status || (tc.in.ID != 0 && id != tc.in.ID) {
				t.Fatalf("%+v", p)
			}
			switch {
			case p.Provider == "AWS" && p.Status != StatusInitiatingRequest && !pcxRE.MatchString(p.AWSPeeringUID):
				t.Errorf("no pcx: %+v", p)
			case p.Provider == "GCP" && (p.RedisNetworkName == "" || p.CloudPeeringID == ""):
				t.Errorf("no redis ids: %+v", p)
			}
		})
	}
	// Added peerings show in the API lists exactly like created ones.
	pl, _ := h.listPro(1001)
	if len(pl.Peerings) != 2 || pl.Peerings[0].VPCPeeringID != 500 || pl.Peerings[0].RegionName != "us-east-1" {
		t.Errorf("pro list %+v", pl)
	}
	if _, p := h.aaPeering(2002, 900); p.RedisProjectUID != "rp" || p.RedisNetworkName != "rn" || p.CloudPeeringID != "cp" {
		t.Errorf("explicit ids lost: %+v", p)
	}
	if region, p := h.aaPeering(2001, 502); region.Region != "eu-west-1" || p.RegionName != "us-west-2" || len(p.VPCCidrs) != 2 {
		t.Errorf("aa: %+v %+v", region, p)
	}
	// The counter continues after an explicit ID.
	id, err := h.sim.AddPeering(PeeringInfo{SubscriptionID: 1002, GCPProjectID: "q", GCPNetworkName: "n"})
	if err != nil || id != 902 {
		t.Errorf("next id %d %v", id, err)
	}
	// One added in initiating-request transitions like a created one.
	h.clock.Advance(time.Second)
	if p, _ := h.sim.Peering(901); p.Status != StatusPendingAcceptance {
		t.Errorf("%+v", p)
	}
	if _, err := h.sim.Peering(12345); !errors.Is(err, ErrNotFound) {
		t.Errorf("%v", err)
	}
}

// POST /__sim/peerings adds a peering that exists already, as one made in
// the console, for practising an import; its input is checked, strictly.
func TestControlAddPeering(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.control("POST", "/__sim/peerings", `{"subscriptionId":1001,"vpcId":"vpc-0a1b2c3d4e5f67890","awsAccountId":"123456789012","region":"us-east-1","cidrs":["172.31.0.0/16"]}`)
	var p refSimPeering
	strictDecode(t, r.body, &p)
	if r.code != 200 || p.ID == 0 || p.SubscriptionID != 1001 || p.Status != "pending-acceptance" || !pcxRE.MatchString(p.AWSPeeringUID) {
		t.Fatalf("add: %d %+v", r.code, p)
	}
	var list []refSimPeering
	strictDecode(t, h.control("GET", "/__sim/peerings", "").body, &list)
	if len(list) != 1 || list[0].ID != p.ID {
		t.Errorf("peerings after the add: %+v", list)
	}
	for body, code := range map[string]int{
		`{"subscriptionId":9999,"vpcId":"vpc-1"}`: 404,
		`{"subscriptionId":1001,"vpcID":"vpc-1"}`: 400,
	} {
		if r := h.control("POST", "/__sim/peerings", body); r.code != code {
			t.Errorf("add %s: %d, want %d: %s", body, r.code, code, r.body)
		}
	}
}
