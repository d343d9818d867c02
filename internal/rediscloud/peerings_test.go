package rediscloud

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestListPeeringsTaskShapes: a list task completed without a response or a
// resource is an error, not an empty list.
func TestListPeeringsTaskShapes(t *testing.T) {
	cases := []struct {
		name    string
		kind    Kind
		doc     string
		wantErr string
		wantIDs []int
	}{
		{name: "reference GCP list", kind: Pro, doc: refGCPListTask, wantIDs: []int{11}},
		{name: "reference AWS list", kind: Pro, doc: completedTask("l", refAWSListResponse), wantIDs: []int{123, 124}},
		{name: "Active-Active list", kind: ActiveActive, doc: completedTask("l", `{"resourceId":1986,"resource":`+refAAListResource+`}`), wantIDs: []int{77, 78}},
		{name: "no response", kind: Pro, doc: `{"taskId":"l","status":"processing-completed"}`,
			wantErr: "the completed list task l (GET /v1/subscriptions/1986/peerings) lacks the documented resource"},
		{name: "no resource", kind: Pro, doc: completedTask("l", `{"resourceId":1}`), wantErr: "the response has no resource"},
		{name: "Pro list under another key", kind: Pro, doc: `{"taskId":"l","commandType":"vpcPeeringsGetRequest","status":"processing-completed","response":{"resourceId":1986,"resource":{"items":[]}}}`,
			wantErr: `the completed list task l (GET /v1/subscriptions/1986/peerings, vpcPeeringsGetRequest) lacks the documented resource.peerings array: resource has only the keys "items"`},
		{name: "Active-Active list without regions", kind: ActiveActive, doc: completedTask("l", `{"resourceId":1986,"resource":{"subscriptionId":1986}}`),
			wantErr: `(GET /v1/subscriptions/1986/regions/peerings, vpcPeeringGetRequest) lacks the documented resource.regions array: resource has only the keys "subscriptionId"`},
		{name: "wrong kind of subscription", kind: Pro, doc: `{"taskId":"l","status":"processing-error","response":{"error":{"type":"GETTING_SINGLE_REGION_VPC_PEERINGS_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION","status":"400 BAD_REQUEST"}}}`, wantErr: "ACTIVE_ACTIVE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var paths []string
			var mu sync.Mutex
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				paths = append(paths, r.Method+" "+r.URL.Path)
				mu.Unlock()
				if r.URL.Path == "/v1/tasks/l" {
					writeJSON(w, http.StatusOK, tc.doc)
					return
				}
				writeJSON(w, http.StatusOK, `{"taskId":"l","status":"received"}`)
			}))
			c := newTestClient(t, srv, nil)
			list, err := c.ListPeerings(context.Background(), tc.kind, 1986)
			wantList := "GET /v1/subscriptions/1986/peerings"
			if tc.kind == ActiveActive {
				wantList = "GET /v1/subscriptions/1986/regions/peerings"
			}
			mu.Lock()
			if len(paths) < 2 || paths[0] != wantList || paths[1] != "GET /v1/tasks/l" {
				t.Errorf("requests %v", paths)
			}
			mu.Unlock()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				if tc.name == "wrong kind of subscription" && !IsWrongSubscriptionKind(err) {
					t.Error("IsWrongSubscriptionKind false")
				}
				if IsNotFound(err) {
					t.Error("IsNotFound true: a list of unknown form proves nothing")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []int
			for _, p := range list {
				ids = append(ids, p.ID)
				if p.SubscriptionID != 1986 || p.Kind != tc.kind {
					t.Errorf("peering %+v", p)
				}
			}
			if !slices.Equal(ids, tc.wantIDs) {
				t.Errorf("IDs %v, want %v", ids, tc.wantIDs)
			}
		})
	}
}

func TestCreatePeering(t *testing.T) {
	req := CreatePeeringRequest{Region: "us-east-1", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f", CIDRs: []string{"10.10.0.0/16"}}
	cases := []struct {
		name  string
		setup func(m *miniAPI)
		check func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string)
	}{
		{
			name: "plain create reports its task",
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if err != nil {
					t.Fatal(err)
				}
				if res.Adopted || res.ID != 100 || len(tasks) != 1 || tasks[0] != res.TaskID {
					t.Errorf("result %+v, onTask %v", res, tasks)
				}
				if m.count("create") != 1 {
					t.Errorf("%d POSTs", m.count("create"))
				}
			},
		},
		{
			name: "pending subscription is waited for before the POST",
			setup: func(m *miniAPI) {
				m.subStatuses = []string{subscriptionPending, subscriptionPending, subscriptionActive}
			},
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if err != nil {
					t.Fatal(err)
				}
				ev := m.eventLog()
				if len(ev) < 4 || !slices.Equal(ev[:4], []string{"subscription", "subscription", "subscription", "create"}) {
					t.Errorf("events %v", ev)
				}
			},
		},
		{
			name: "SUBSCRIPTION_NOT_ACTIVE: wait for active, send again",
			setup: func(m *miniAPI) {
				m.createErrors = []string{errSubscriptionNotActive}
				m.subStatuses = []string{subscriptionActive, subscriptionPending, subscriptionPending, subscriptionActive}
			},
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if err != nil {
					t.Fatal(err)
				}
				ev := m.eventLog()
				want := []string{"subscription", "create", "subscription", "subscription", "subscription", "create"}
				if !slices.Equal(ev, want) {
					t.Errorf("events %v, want %v", ev, want)
				}
				if len(tasks) != 2 || tasks[1] != res.TaskID || tasks[0] == tasks[1] {
					t.Errorf("onTask %v, result %+v", tasks, res)
				}
				if res.Adopted || m.peeringCount() != 1 {
					t.Errorf("result %+v with %d peerings", res, m.peeringCount())
				}
			},
		},
		{
			name:  "a lost answer, then ALREADY_EXIST: the peering is adopted, no duplicate",
			setup: func(m *miniAPI) { m.dropCreates = 1 },
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if err != nil {
					t.Fatal(err)
				}
				if !res.Adopted || res.ID != 100 {
					t.Errorf("result %+v", res)
				}
				if m.count("create") != 2 || m.peeringCount() != 1 || m.count("list") != 1 {
					t.Errorf("%d POSTs, %d peerings, %d lists", m.count("create"), m.peeringCount(), m.count("list"))
				}
				if len(tasks) != 1 || res.TaskID != tasks[0] {
					t.Errorf("onTask %v, result %+v", tasks, res)
				}
			},
		},
		{
			name: "ALREADY_EXIST without a lost answer is an error",
			setup: func(m *miniAPI) {
				m.addPeering("vpc-0a1b2c3d4e5f", "10.10.0.0/16")
			},
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if !IsAlreadyExists(err) || res.Adopted || res.ID != 0 {
					t.Fatalf("result %+v, error %v", res, err)
				}
				if TaskID(err) == "" || len(tasks) != 1 || TaskID(err) != tasks[0] {
					t.Errorf("TaskID %q, onTask %v", TaskID(err), tasks)
				}
				if m.count("create") != 1 || m.count("list") != 0 {
					t.Errorf("%d POSTs, %d lists", m.count("create"), m.count("list"))
				}
			},
		},
		{
			name:  "a subscription being deleted fails at once",
			setup: func(m *miniAPI) { m.subStatuses = []string{"deleting"} },
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				var se *SubscriptionStateError
				if !errors.As(err, &se) || se.Status != "deleting" {
					t.Fatalf("error %v", err)
				}
				if m.count("create") != 0 {
					t.Error("POST sent")
				}
			},
		},
		{
			name:  "a task error is final",
			setup: func(m *miniAPI) { m.createErrors = []string{"VPC_PEERING_CIDR_OVERLAP"} },
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if errorType(err) != "VPC_PEERING_CIDR_OVERLAP" || m.count("create") != 1 {
					t.Fatalf("error %v after %d POSTs", err, m.count("create"))
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMiniAPI(t)
			if tc.setup != nil {
				tc.setup(m)
			}
			c := newTestClient(t, m.srv, nil)
			var mu sync.Mutex
			var tasks []string
			res, err := c.CreatePeering(context.Background(), Pro, 1, req, CreateOptions{OnTask: func(id string) {
				mu.Lock()
				defer mu.Unlock()
				tasks = append(tasks, id)
			}})
			mu.Lock()
			defer mu.Unlock()
			tc.check(t, m, res, err, tasks)
		})
	}
}

func TestDeleteAndUpdateUnknownPeering(t *testing.T) {
	m := newMiniAPI(t)
	c := newTestClient(t, m.srv, nil)
	ctx := context.Background()
	err := c.DeletePeering(ctx, Pro, 1, 4242)
	if !IsNotFound(err) || !isPeeringNotFound(err) {
		t.Errorf("delete of an unknown peering: %v (IsNotFound %v, isPeeringNotFound %v)", err, IsNotFound(err), isPeeringNotFound(err))
	}
	if TaskID(err) == "" {
		t.Error("the task ID is lost")
	}
	err = c.UpdatePeeringCIDRs(ctx, Pro, 1, 4242, []string{"10.0.0.0/24"})
	if !isPeeringNotFound(err) {
		t.Errorf("update of an unknown peering: %v", err)
	}
	if m.count("delete") != 1 || m.count("update") != 1 {
		t.Errorf("sent %d deletes, %d updates", m.count("delete"), m.count("update"))
	}
	// The subscription's own 404 is not a peering's.
	if isPeeringNotFound(&TaskError{Type: errSubscriptionNotFound, Status: "404 NOT_FOUND"}) {
		t.Error("SUBSCRIPTION_NOT_FOUND taken for a missing peering")
	}
	if !IsNotFound(&TaskError{Type: errActiveActivePeeringNotFound}) || !isPeeringNotFound(&TaskError{Type: errActiveActivePeeringNotFound}) {
		t.Error("Active-Active not-found not recognised")
	}
}

// TestUpdateAfterLostAnswer: a PUT whose answer is lost is checked against
// the list; when the CIDRs are already the wanted ones, it is done.
func TestUpdateAfterLostAnswer(t *testing.T) {
	m := newMiniAPI(t)
	id := m.addPeering("vpc-a", "10.1.0.0/24")
	var puts counter
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v1/subscriptions/1/peerings/{id}", func(w http.ResponseWriter, r *http.Request) {
		if puts.inc("put") == 1 {
			// Applied, then the answer is lost.
			m.mu.Lock()
			setCIDRs(m.peerings[id], map[string]any{"vpcCidrs": []any{"10.4.0.0/24", "10.3.0.0/24"}})
			m.mu.Unlock()
			dropConnection(t, w, r)
			return
		}
		t.Error("the update was sent again")
	})
	mux.Handle("/", m.srv.Config.Handler)
	srv := newServer(t, mux)
	c := newTestClient(t, srv, nil)
	if err := c.UpdatePeeringCIDRs(context.Background(), Pro, 1, id, []string{"10.3.0.0/24", "10.4.0.0/24"}); err != nil {
		t.Fatalf("update: %v", err)
	}
	if puts.get("put") != 1 || m.count("list") != 1 {
		t.Errorf("%d PUTs, %d lists", puts.get("put"), m.count("list"))
	}
}

// An Active-Active peering is proved absent only by a list that shows its
// source region: one whose regions leave it out says nothing about it.
func TestGetPeeringActiveActiveNeedsItsRegion(t *testing.T) {
	resource := `{"subscriptionId":1986,"regions":[{"id":1,"region":"us-east-1","vpcPeerings":[{"id":77,"status":"active","vpcUid":"vpc-1"}]}]}`
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/tasks/l" {
			writeJSON(w, http.StatusOK, completedTask("l", `{"resourceId":1986,"resource":`+resource+`}`))
			return
		}
		writeJSON(w, http.StatusOK, `{"taskId":"l","status":"received"}`)
	}))
	c := newTestClient(t, srv, nil)
	ctx := context.Background()
	if p, err := c.GetPeering(ctx, ActiveActive, 1986, 77, "US-EAST-1"); err != nil || p.ID != 77 {
		t.Fatalf("listed peering: %+v, %v", p, err)
	}
	for _, region := range []string{"us-east-1", ""} {
		if _, err := c.GetPeering(ctx, ActiveActive, 1986, 78, region); !IsNotFound(err) {
			t.Errorf("peering 78 of region %q, missing from a list that shows its region: %v, want not found", region, err)
		}
	}
	_, err := c.GetPeering(ctx, ActiveActive, 1986, 79, "eu-west-1")
	if IsNotFound(err) || !isListShape(err) {
		t.Fatalf("peering 79 of eu-west-1, a region the list does not show: %v, want a ListShapeError", err)
	}
	if want := `lacks the documented entry for region "eu-west-1", where peering 1986/79 is, in resource.regions: the list shows regions "us-east-1"`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to contain %q", err, want)
	}
}

// A first list sent while the create task was still unknown, that does
// not show the new peering, proves nothing about it: the wait lists again.
func TestCreateFirstListWithoutThePeering(t *testing.T) {
	m := newMiniAPI(t)
	m.hideCreates, m.settleCreates = 100*time.Millisecond, true
	c := newTestClient(t, m.srv, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := c.CreatePeering(ctx, Pro, 1001, CreatePeeringRequest{Region: "us-east-1", AWSAccountID: "123456789012",
		VPCID: "vpc-0123456789abcdef0", CIDRs: []string{"10.0.0.0/24"}}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.WaitPeeringSettled(ctx, Pro, 1001, res, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != res.ID || p.Status != StatusPendingAcceptance {
		t.Errorf("settled as %+v, want peering %d pending acceptance", p, res.ID)
	}
	if got := m.count("list"); got != 2 {
		t.Errorf("%d lists, want the first one sent while the task was unknown and one after: %v", got, m.eventLog())
	}
}
