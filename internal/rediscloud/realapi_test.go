package rediscloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// lateAPI is a stand-in for the Pro peering endpoints of subscription 1 that
// behaves as the reference says the real API may: the task service learns of
// a task only some time after the answer that names it, and a create takes
// effect as soon as it is accepted, whether or not anyone sees its task.
type lateAPI struct {
	mu sync.Mutex
	// hideFor is how long a new task answers 404 (create tasks only when
	// onlyCreates is set).
	hideFor time.Duration
	// stuck create tasks stay processing-in-progress.
	stuck       bool
	onlyCreates bool
	// applyCreates makes an accepted POST create its peering at once.
	applyCreates bool
	// createResourceID, when set, replaces the resourceId of create tasks.
	createResourceID string
	// subs is what GET /v1/subscriptions lists.
	subs     []int
	tasks    map[string]lateTask
	peerings []map[string]any
	requests map[string]int
}

type lateTask struct {
	born     time.Time
	response string
	create   bool
}

func (a *lateAPI) count(key string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.requests[key]
}

func (a *lateAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := r.Method + " " + r.URL.Path
	if strings.HasPrefix(r.URL.Path, "/v1/tasks/") {
		key = "GET task"
	}
	a.requests[key]++
	newTask := func(response string) {
		id := fmt.Sprintf("task-%d", len(a.tasks)+1)
		a.tasks[id] = lateTask{born: time.Now(), response: response, create: r.Method == http.MethodPost}
		writeJSON(w, http.StatusAccepted, `{"taskId":"`+id+`","status":"received"}`)
	}
	switch {
	case key == "GET /v1/subscriptions":
		var b strings.Builder
		for i, id := range a.subs {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":%d,"status":"active","deploymentType":"single-region"}`, id)
		}
		writeJSON(w, http.StatusOK, `{"accountId":7,"subscriptions":[`+b.String()+`]}`)
	case key == "GET /v1/subscriptions/1":
		writeJSON(w, http.StatusOK, `{"id":1,"status":"active","deploymentType":"single-region"}`)
	case key == "GET /v1/subscriptions/1/peerings":
		doc, _ := json.Marshal(map[string]any{"peerings": a.peerings})
		newTask(`{"resourceId":1,"resource":` + string(doc) + `}`)
	case key == "POST /v1/subscriptions/1/peerings":
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		id := 500 + len(a.peerings)
		if a.applyCreates {
			a.peerings = append(a.peerings, map[string]any{
				"vpcPeeringId": id, "status": "initiating-request", "regionName": body["region"],
				"awsAccountId": body["awsAccountId"], "vpcUid": body["vpcId"], "vpcCidr": body["vpcCidr"],
			})
		}
		rid := fmt.Sprint(id)
		if a.createResourceID != "" {
			rid = a.createResourceID
		}
		newTask(`{"resourceId":` + rid + `}`)
	case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/v1/subscriptions/1/peerings/"):
		// Accepted and completed, but never applied.
		newTask(`{}`)
	case key == "GET task":
		t, ok := a.tasks[strings.TrimPrefix(r.URL.Path, "/v1/tasks/")]
		if !ok || ((t.create || !a.onlyCreates) && time.Since(t.born) < a.hideFor) {
			a.requests["GET task 404"]++
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if a.stuck && t.create {
			writeJSON(w, http.StatusOK, `{"taskId":"x","status":"processing-in-progress","response":{}}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"taskId":"x","status":"processing-completed","response":`+t.response+`}`)
	default:
		writeJSON(w, http.StatusNotFound, `{"status":404,"error":"Not Found","path":"`+r.URL.Path+`"}`)
	}
}

var lateCreate = CreatePeeringRequest{Region: "us-east-1", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d", CIDRs: []string{"10.1.0.0/24"}}

// A task the task service learns of seconds late must not fail a create:
// the tolerance is counted in time, not in polls.
func TestCreateWithLateTaskService(t *testing.T) {
	a := &lateAPI{hideFor: 400 * time.Millisecond, applyCreates: true, subs: []int{1}, tasks: map[string]lateTask{}, requests: map[string]int{}}
	srv := newServer(t, a)
	c := newTestClient(t, srv, func(c *Config) { c.TaskNotFoundWindow = 2 * time.Second })
	res, err := c.CreatePeering(t.Context(), Pro, 1, lateCreate, CreateOptions{})
	if err != nil {
		t.Fatalf("create failed: %v", err)
	}
	if res.ID != 500 {
		t.Errorf("ID %d, want 500", res.ID)
	}
	// Polls every 20 ms at most for 400 ms: far more than the ten 404s a
	// count-based tolerance allowed. Fewer would not show that the
	// tolerance is counted in time.
	n := a.count("GET task 404")
	if n <= 10 {
		t.Errorf("the create task answered 404 to %d polls: the window was not exercised beyond a count of 10", n)
	} else {
		t.Logf("the create task answered 404 to %d polls", n)
	}
}

// The shipped defaults tolerate at least the 31 s of 404s that Redis's own
// client does, and never poll a task sooner than a second.
func TestShippedTaskDefaults(t *testing.T) {
	c, err := New(Config{APIKey: "k", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.TaskNotFoundWindow < 31*time.Second {
		t.Errorf("task 404 window %v, want at least 31s", c.cfg.TaskNotFoundWindow)
	}
	if first := c.newTaskSchedule(time.Now()).next(false); first < 900*time.Millisecond {
		t.Errorf("first task poll after %v, want about 1s", first)
	}
}

// An interrupted create looks its peering up, on a context of its own, so
// that what it created can be recorded.
func TestCreateRecoversAfterFailedTaskWait(t *testing.T) {
	cases := []struct {
		name string
		// setup adjusts the API; ctx makes the create's context.
		setup func(a *lateAPI)
		ctx   func() (context.Context, context.CancelFunc)
		cfg   func(c *Config)
		// wantID is the peering the lookup finds, 0 for none.
		wantID    int
		wantCause error
	}{
		{
			name: "task unknown beyond the window",
			setup: func(a *lateAPI) {
				a.hideFor, a.onlyCreates = 300*time.Millisecond, true
			},
			cfg:    func(c *Config) { c.TaskNotFoundWindow = 100 * time.Millisecond },
			wantID: 500,
		},
		{
			name:  "timeout while the task runs",
			setup: func(a *lateAPI) { a.stuck = true },
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 150*time.Millisecond)
			},
			wantID:    500,
			wantCause: context.DeadlineExceeded,
		},
		{
			name:  "interrupted (SIGINT) while the task runs",
			setup: func(a *lateAPI) { a.stuck = true },
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(150*time.Millisecond, cancel)
				return ctx, cancel
			},
			wantID:    500,
			wantCause: context.Canceled,
		},
		{
			name: "nothing created: the error names the task",
			setup: func(a *lateAPI) {
				a.stuck = true
				a.applyCreates = false
			},
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 150*time.Millisecond)
			},
			wantCause: context.DeadlineExceeded,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := &lateAPI{applyCreates: true, subs: []int{1}, tasks: map[string]lateTask{}, requests: map[string]int{}}
			tc.setup(a)
			srv := newServer(t, a)
			c := newTestClient(t, srv, tc.cfg)
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tc.ctx != nil {
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			start := time.Now()
			res, err := c.CreatePeering(ctx, Pro, 1, lateCreate, CreateOptions{})
			var ie *CreateIncompleteError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T) is not a CreateIncompleteError", err, err)
			}
			if res.ID != tc.wantID || ie.PeeringID != tc.wantID {
				t.Errorf("found peering %d (error says %d), want %d", res.ID, ie.PeeringID, tc.wantID)
			}
			if ie.TaskID != "task-1" || !strings.Contains(err.Error(), "task-1") {
				t.Errorf("the error does not name the create task: %v", err)
			}
			if tc.wantCause != nil && !errors.Is(err, tc.wantCause) {
				t.Errorf("error %v does not wrap %v", err, tc.wantCause)
			}
			if a.count("GET /v1/subscriptions/1/peerings") == 0 && tc.wantID != 0 && a.count("GET task") == 0 {
				t.Error("no lookup was made")
			}
			if took := time.Since(start); took > c.cfg.CreateLookupTimeout+5*time.Second {
				t.Errorf("the create took %v, beyond the lookup's bound", took)
			}
		})
	}
}

// A 404 is evidence of absence only when the account's own subscription
// list, read with the same URL and keys, confirms it.
func TestNotFoundNeedsEvidence(t *testing.T) {
	cases := []struct {
		name string
		// base is appended to the server's URL.
		base string
		subs []int
		// sub is the subscription read.
		sub   int
		check func(t *testing.T, err error)
	}{
		{
			name: "url without /v1",
			base: "", sub: 1, subs: []int{1},
			check: func(t *testing.T, err error) {
				var ue *UnexpectedNotFoundError
				if !errors.As(err, &ue) || IsNotFound(err) {
					t.Fatalf("error %v (%T): want an unexplained 404, not evidence of absence", err, err)
				}
				if !strings.Contains(err.Error(), "/subscriptions/1/peerings") || !strings.Contains(ue.Hint, "/v1") {
					t.Errorf("the error names neither the URL called nor the /v1 base: %v", err)
				}
			},
		},
		{
			name: "proxy path with a typo",
			base: "/v1/typo", sub: 1, subs: []int{1},
			check: func(t *testing.T, err error) {
				var ue *UnexpectedNotFoundError
				if !errors.As(err, &ue) || IsNotFound(err) {
					t.Fatalf("error %v (%T): want an unexplained 404", err, err)
				}
				if !strings.Contains(err.Error(), "/v1/typo/subscriptions/1/peerings") {
					t.Errorf("the error does not name the URL called: %v", err)
				}
			},
		},
		{
			name: "subscription absent from the account",
			base: "/v1", sub: 2, subs: []int{1},
			check: func(t *testing.T, err error) {
				var se *SubscriptionNotFoundError
				if !IsNotFound(err) || !errors.As(err, &se) || se.ID != 2 {
					t.Fatalf("error %v (%T): want SubscriptionNotFoundError", err, err)
				}
			},
		},
		{
			name: "subscription listed, yet its peerings answer 404",
			base: "/v1", sub: 3, subs: []int{1, 3},
			check: func(t *testing.T, err error) {
				var ue *UnexpectedNotFoundError
				if !errors.As(err, &ue) || IsNotFound(err) {
					t.Fatalf("error %v (%T): want an unexplained 404", err, err)
				}
				if !strings.Contains(ue.Reason, "subscription 3 exists") {
					t.Errorf("reason %q", ue.Reason)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := &lateAPI{applyCreates: true, subs: tc.subs, tasks: map[string]lateTask{}, requests: map[string]int{}}
			srv := newServer(t, a)
			cfg := testConfig(srv.URL + tc.base)
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { closeIdle(c) })
			_, err = c.GetPeering(context.Background(), Pro, tc.sub, 500, "")
			tc.check(t, err)
			// The same holds for a delete: a wrong URL must not pass for
			// "already gone".
			if tc.base != "/v1" {
				if derr := c.DeletePeering(context.Background(), Pro, tc.sub, 500); IsNotFound(derr) {
					t.Errorf("delete through a wrong URL taken as already deleted: %v", derr)
				}
			}
		})
	}
}

// A list task that was seen and then answers 404 says nothing about the
// peering.
func TestForgottenListTaskIsNoEvidence(t *testing.T) {
	var mu sync.Mutex
	polls := 0
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/subscriptions/1/peerings":
			writeJSON(w, http.StatusAccepted, `{"taskId":"t1","status":"received"}`)
		case "/v1/tasks/t1":
			mu.Lock()
			polls++
			n := polls
			mu.Unlock()
			if n == 1 {
				writeJSON(w, http.StatusOK, `{"taskId":"t1","status":"processing-in-progress","response":{}}`)
				return
			}
			w.WriteHeader(http.StatusNotFound)
		default:
			writeJSON(w, http.StatusOK, `{"accountId":1,"subscriptions":[]}`)
		}
	}))
	c := newTestClient(t, srv, nil)
	_, err := c.GetPeering(context.Background(), Pro, 1, 500, "")
	if err == nil || IsNotFound(err) {
		t.Fatalf("a forgotten list task was taken as evidence of absence: %v", err)
	}
}

// Only a pending subscription is waited for; any other status ends the wait
// at once with the status named.
func TestSubscriptionStatusesNotWaitedFor(t *testing.T) {
	for _, status := range []string{"deleting", "error", "encryption_key_pending", "frozen", ""} {
		t.Run(status, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusOK, `{"id":1,"status":"`+status+`"}`)
			}))
			c := newTestClient(t, srv, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := c.waitForSubscriptionActive(ctx, 1)
			var se *SubscriptionStateError
			if !errors.As(err, &se) || se.Status != status {
				t.Fatalf("error %v: want a SubscriptionStateError naming %q", err, status)
			}
			if ctx.Err() != nil {
				t.Error("the wait ran until its deadline")
			}
		})
	}
}

// A CIDR update the API completes but never applies ends the wait with an
// error instead of spinning until the timeout.
func TestCIDRUpdateNeverApplied(t *testing.T) {
	a := &lateAPI{applyCreates: true, subs: []int{1}, tasks: map[string]lateTask{}, requests: map[string]int{}}
	a.peerings = []map[string]any{{"vpcPeeringId": 500, "status": "active", "vpcUid": "vpc-1", "awsAccountId": "123456789012", "vpcCidr": "10.1.0.0/24"}}
	srv := newServer(t, a)
	c := newTestClient(t, srv, nil)
	c.cidrGrace = 100 * time.Millisecond
	want := []string{"10.2.0.0/24"}
	if err := c.UpdatePeeringCIDRs(context.Background(), Pro, 1, 500, want); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.WaitPeeringCIDRs(ctx, Pro, 1, 500, time.Now(), want)
	var ne *cidrsNotAppliedError
	if !errors.As(err, &ne) {
		t.Fatalf("error %v: want CIDRsNotAppliedError", err)
	}
	if ctx.Err() != nil {
		t.Error("the wait ran until its deadline")
	}
	if !strings.Contains(err.Error(), "10.1.0.0/24") || !strings.Contains(err.Error(), "10.2.0.0/24") {
		t.Errorf("the error names neither the listed nor the wanted CIDRs: %v", err)
	}
	if n := a.count("GET /v1/subscriptions/1/peerings"); n < cidrGraceLists {
		t.Errorf("gave up after %d lists, want at least %d", n, cidrGraceLists)
	}
}

// A create task that answers a resourceId that is no peering ID (0, a
// negative number, nothing) must not put it in state: it is refused as a
// malformed answer, and the peering is looked up by its network.
func TestCreateWithMalformedResourceID(t *testing.T) {
	for _, rid := range []string{"0", "-7", "null", `"abc"`} {
		t.Run(rid, func(t *testing.T) {
			t.Parallel()
			a := &lateAPI{applyCreates: true, createResourceID: rid, subs: []int{1}, tasks: map[string]lateTask{}, requests: map[string]int{}}
			srv := newServer(t, a)
			c := newTestClient(t, srv, nil)
			res, err := c.CreatePeering(t.Context(), Pro, 1, lateCreate, CreateOptions{})
			var ie *CreateIncompleteError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T): want a CreateIncompleteError", err, err)
			}
			if res.ID != 500 || ie.PeeringID != 500 {
				t.Errorf("recorded ID %d (error says %d), want 500, the peering found by its VPC", res.ID, ie.PeeringID)
			}
			// A task that cannot be decoded at all fails its wait instead.
			if want := map[bool]string{true: "could not be decoded", false: "MISSING_RESOURCE_ID"}[rid == `"abc"`]; !strings.Contains(err.Error(), want) {
				t.Errorf("the error does not say the answer was malformed (%q): %v", want, err)
			}
		})
	}
}
