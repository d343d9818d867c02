package cloudsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestEndpoints(t *testing.T) {
	h := newHarness(t, Options{})
	// Peerings for the update and delete rows.
	proID := h.createPro(1001, awsBody)
	aaID := h.createAA(2001, aaAWSBody)
	if proID != 500 || aaID != 501 {
		t.Fatalf("peering IDs come from one counter starting at 500, got %d and %d", proID, aaID)
	}

	tests := []struct {
		name    string
		method  string
		path    string
		body    string
		code    int
		command string // async calls: the task's commandType
	}{
		{"subscriptions", "GET", "/v1/subscriptions", "", 200, ""},
		{"subscriptions trailing slash", "GET", "/v1/subscriptions/", "", 200, ""},
		{"subscriptions wrong method", "POST", "/v1/subscriptions", "{}", 405, ""},
		{"subscription", "GET", "/v1/subscriptions/1001", "", 200, ""},
		{"subscription trailing slash", "GET", "/v1/subscriptions/1001/", "", 200, ""},
		{"regions", "GET", "/v1/subscriptions/2001/regions", "", 200, ""},
		{"pro create", "POST", "/v1/subscriptions/1001/peerings", `{"region":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-2","vpcCidr":"192.168.9.0/24"}`, 202, "vpcPeeringCreateRequest"},
		{"pro list", "GET", "/v1/subscriptions/1001/peerings", "", 202, "vpcPeeringGetRequest"},
		{"pro list trailing slash", "GET", "/v1/subscriptions/1001/peerings/", "", 202, "vpcPeeringGetRequest"},
		{"pro update", "PUT", "/v1/subscriptions/1001/peerings/500", `{"vpcCidrs":["192.168.1.0/24","192.168.2.0/24"]}`, 202, "vpcPeeringUpdateRequest"},
		{"aa create", "POST", "/v1/subscriptions/2001/regions/peerings", `{"sourceRegion":"eu-west-1","destinationRegion":"eu-west-2","awsAccountId":"123456789012","vpcId":"vpc-3","vpcCidr":"192.168.0.0/24"}`, 200, "activeActiveVpcPeeringCreateRequest"},
		{"aa create trailing slash", "POST", "/v1/subscriptions/2002/regions/peerings/", aaGCPBody, 200, "activeActiveVpcPeeringCreateRequest"},
		{"aa list", "GET", "/v1/subscriptions/2001/regions/peerings", "", 200, "activeActiveVpcPeeringGetRequest"},
		{"aa list trailing slash", "GET", "/v1/subscriptions/2001/regions/peerings/", "", 200, "activeActiveVpcPeeringGetRequest"},
		{"aa update", "PUT", "/v1/subscriptions/2001/regions/peerings/501", `{"vpcCidr":"192.168.7.0/24"}`, 200, "activeActiveVpcPeeringUpdateRequest"},
		{"aa delete", "DELETE", "/v1/subscriptions/2001/regions/peerings/501", "", 200, "activeActiveVpcPeeringDeleteRequest"},
		{"pro delete", "DELETE", "/v1/subscriptions/1001/peerings/500", "", 202, "vpcPeeringDeleteRequest"},
		{"pro delete of unknown peering is still a task", "DELETE", "/v1/subscriptions/1001/peerings/999", "", 202, "vpcPeeringDeleteRequest"},
		{"tasks", "GET", "/v1/tasks", "", 200, ""},
		{"unknown subscription", "GET", "/v1/subscriptions/9999", "", 404, ""},
		{"unknown subscription regions", "GET", "/v1/subscriptions/9999/regions", "", 404, ""},
		{"unknown subscription pro list", "GET", "/v1/subscriptions/9999/peerings", "", 404, ""},
		{"unknown subscription pro create", "POST", "/v1/subscriptions/9999/peerings", awsBody, 404, ""},
		{"unknown subscription aa create", "POST", "/v1/subscriptions/9999/regions/peerings/", aaAWSBody, 404, ""},
		{"unknown subscription aa delete", "DELETE", "/v1/subscriptions/9999/regions/peerings/5", "", 404, ""},
		{"subscription id not an int", "GET", "/v1/subscriptions/abc", "", 400, ""},
		{"subscription id beyond int32", "GET", "/v1/subscriptions/3000000000/peerings", "", 400, ""},
		{"peering id not an int", "DELETE", "/v1/subscriptions/1001/peerings/x1", "", 400, ""},
		{"aa peering id not an int", "PUT", "/v1/subscriptions/2001/regions/peerings/1.5", `{}`, 400, ""},
		{"unknown route", "GET", "/v1/nothing/here", "", 404, ""},
		{"wrong method", "PATCH", "/v1/subscriptions/1001/peerings", "{}", 405, ""},
	}
	hrefRE := regexp.MustCompile(`^http://sim\.test/v1/tasks/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			r := h.request(tc.method, tc.path, tc.body)
			if r.code != tc.code {
				t.Fatalf("status %d, want %d; body %s", r.code, tc.code, r.body)
			}
			switch {
			case tc.command != "":
				var task refTask
				strictDecode(t, r.body, &task)
				if task.CommandType != tc.command || task.Status != "received" || task.Description != descReceived {
					t.Errorf("first reply: %+v", task)
				}
				if task.Response != nil {
					t.Errorf("first reply must not carry a response: %s", r.body)
				}
				if len(task.Links) != 1 || task.Links[0].Rel != "task" || task.Links[0].Type != "GET" || !hrefRE.MatchString(task.Links[0].Href) ||
					!strings.HasSuffix(task.Links[0].Href, task.TaskID) {
					t.Errorf("links: %+v", task.Links)
				}
				// Every async call, even one doomed to fail, completes.
				if done := h.task(task.TaskID); done.Status != taskCompleted && done.Status != taskError {
					t.Errorf("task did not finish with zero latency: %+v", done)
				}
			case tc.code >= 400:
				var e refSpringError
				strictDecode(t, r.body, &e)
				if e.Status != tc.code || e.Error != http.StatusText(tc.code) || e.Path != tc.path || e.Timestamp == "" {
					t.Errorf("spring body: %+v", e)
				}
				if ct := r.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("content type %q", ct)
				}
			}
		})
	}
}

func TestAuth(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		headers map[string]string
		code    int
	}{
		{"default keys", Options{}, map[string]string{"x-api-key": "sim-access-key", "x-api-secret-key": "sim-secret-key"}, 200},
		{"header names are case-insensitive", Options{}, map[string]string{"X-Api-Key": "sim-access-key", "X-API-SECRET-KEY": "sim-secret-key"}, 200},
		{"no headers", Options{}, nil, 401},
		{"no secret", Options{}, map[string]string{"x-api-key": "sim-access-key"}, 401},
		{"wrong key", Options{}, map[string]string{"x-api-key": "nope", "x-api-secret-key": "sim-secret-key"}, 401},
		{"wrong secret", Options{}, map[string]string{"x-api-key": "sim-access-key", "x-api-secret-key": "nope"}, 401},
		{"custom keys", Options{APIKey: "k", SecretKey: "s"}, map[string]string{"x-api-key": "k", "x-api-secret-key": "s"}, 200},
		{"defaults refused when custom keys set", Options{APIKey: "k", SecretKey: "s"}, map[string]string{"x-api-key": "sim-access-key", "x-api-secret-key": "sim-secret-key"}, 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts)
			for _, path := range []string{"/v1/subscriptions/1001", "/v1/tasks"} {
				r := h.requestWith("GET", path, "", tc.headers)
				if r.code != tc.code {
					t.Fatalf("%s: status %d, want %d", path, r.code, tc.code)
				}
				if tc.code == 401 {
					var e refSpringError
					strictDecode(t, r.body, &e)
					if e.Status != 401 || e.Error != "Unauthorized" || e.Path != path {
						t.Errorf("401 body: %+v", e)
					}
				}
			}
			// A refused call has no effect.
			h.requestWith("POST", "/v1/subscriptions/1001/peerings", awsBody, tc.headers)
			if got, want := h.sim.Stats().TasksCreated, map[bool]int{true: 1, false: 0}[tc.code == 200]; got != want {
				t.Errorf("tasks created: %d, want %d", got, want)
			}
		})
	}
}

func TestControlAndRootPathsOutsideV1(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.request("GET", "/", "")
	if r.code != 404 {
		t.Errorf("GET /: %d", r.code)
	}
	// Control endpoints need no credentials.
	r = h.requestWith("GET", "/__sim/peerings", "", nil)
	if r.code != 200 || strings.TrimSpace(string(r.body)) != "[]" {
		t.Errorf("GET /__sim/peerings: %d %s", r.code, r.body)
	}
	if st := h.sim.Stats(); st.TotalRequests != 0 {
		t.Errorf("control and non-API requests must not count as API requests: %+v", st)
	}
}

// refSubscriptionList is GET /subscriptions as reference 5.7 describes it.
type refSubscriptionList struct {
	AccountID     int               `json:"accountId"`
	Subscriptions []refSubscription `json:"subscriptions"`
}

func TestListSubscriptions(t *testing.T) {
	// Seeded out of order: the list is ordered by ID.
	seed, err := ParseSeed([]byte(`{"subscriptions":[
		{"id":30,"deploymentType":"active-active","provider":"GCP","regions":[{"region":"us-central1","deploymentCIDR":"10.3.0.0/24"},{"region":"europe-west1","deploymentCIDR":"10.4.0.0/24"}]},
		{"id":10,"name":"ten","regions":[{"region":"us-east-1","deploymentCIDR":"10.1.0.0/24"}]},
		{"id":20,"status":"pending","regions":[{"region":"eu-west-1","deploymentCIDR":"10.2.0.0/24"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Seed: seed, RateLimit: 100})
	for _, path := range []string{"/v1/subscriptions", "/v1/subscriptions/"} {
		r := h.request("GET", path, "")
		if r.code != http.StatusOK || r.header.Get("Content-Type") != "application/json" || r.header.Get("X-Rate-Limit-Remaining") == "" {
			t.Fatalf("%s: %d %v", path, r.code, r.header)
		}
		var list refSubscriptionList
		strictDecode(t, r.body, &list)
		if list.AccountID != AccountID || len(list.Subscriptions) != 3 {
			t.Fatalf("%s: %s", path, r.body)
		}
		// Each element is exactly what GET /subscriptions/{id} returns.
		var raw struct {
			Subscriptions []json.RawMessage `json:"subscriptions"`
		}
		_ = json.Unmarshal(r.body, &raw)
		for i, id := range []int{10, 20, 30} {
			one := h.request("GET", "/v1/subscriptions/"+itoa(id), "").body
			if !bytes.Equal(raw.Subscriptions[i], one) {
				t.Errorf("element %d\n got %s\nwant %s", i, raw.Subscriptions[i], one)
			}
		}
		if s := list.Subscriptions; s[0].Name != "ten" || s[1].Status != "pending" || s[2].DeploymentType != "active-active" || len(s[2].CloudDetails[0].Regions) != 2 {
			t.Errorf("elements %+v", s)
		}
	}
	// A deleted subscription leaves the list; a status change shows at once.
	_ = h.sim.SetSubscriptionStatus(20, "deleted")
	_ = h.sim.SetSubscriptionStatus(30, "deleting")
	var list refSubscriptionList
	strictDecode(t, h.request("GET", "/v1/subscriptions", "").body, &list)
	if len(list.Subscriptions) != 2 || list.Subscriptions[0].ID != 10 || list.Subscriptions[1].ID != 30 || list.Subscriptions[1].Status != "deleting" {
		t.Errorf("after changes: %+v", list.Subscriptions)
	}
	// Like every /v1 route: auth, faults, stats, rate limit.
	if r := h.requestWith("GET", "/v1/subscriptions", "", nil); r.code != http.StatusUnauthorized {
		t.Errorf("no keys: %d", r.code)
	}
	h.sim.SetFaults(Faults{Error5xxRate: 1})
	if r := h.request("GET", "/v1/subscriptions", ""); r.code < 500 {
		t.Errorf("5xx fault: %d", r.code)
	}
	h.sim.SetFaults(Faults{})
	st := h.sim.Stats()
	if st.Requests["GET /v1/subscriptions"] != 5 || st.InjectedFaults != 1 || st.TasksCreated != 0 {
		t.Errorf("stats %+v", st)
	}
	h.sim.SetRateLimit(1)
	if r := h.request("GET", "/v1/subscriptions", ""); r.code != http.StatusTooManyRequests {
		t.Errorf("rate limit: %d", r.code)
	}
}
