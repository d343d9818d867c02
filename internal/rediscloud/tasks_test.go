package rediscloud

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testTaskID = "7ba51acc-cd1d-44c7-8453-281730d214ce"

func taskDoc(status, response string) string {
	doc := `{"taskId":"` + testTaskID + `","commandType":"vpcPeeringCreateRequest","status":"` + status + `","timestamp":"2025-11-07T15:44:29.811142433Z"`
	if response != "" {
		doc += `,"response":` + response
	}
	return doc + `,"links":[{"rel":"self","type":"GET","href":"https://api.redislabs.com/v1/tasks/` + testTaskID + `"}]}`
}

// taskServer answers GET /v1/tasks/{testTaskID} with the steps in order (the
// last repeats) and fails the test on any other request.
func taskServer(t *testing.T, steps []step) (*httptest.Server, *counter) {
	var hits counter
	var mu sync.Mutex
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v1/tasks/"+testTaskID {
			t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
			w.WriteHeader(http.StatusTeapot)
			return
		}
		mu.Lock()
		n := hits.inc("poll")
		s := steps[min(n, len(steps))-1]
		mu.Unlock()
		if s.drop {
			dropConnection(t, w, r)
			return
		}
		for k, v := range s.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(s.status)
		_, _ = io.WriteString(w, s.body)
	}))
	return srv, &hits
}

func TestWaitForTask(t *testing.T) {
	running := step{status: 200, body: taskDoc(taskProcessing, `{}`)}
	received := step{status: 200, body: taskDoc(taskReceived, "")}
	notFound := step{status: 404}
	unavailable := step{status: 503, body: "<html>Service Unavailable</html>"}
	taskErr := func(typ, status, desc string) func(*testing.T, *taskState, error) {
		return func(t *testing.T, _ *taskState, err error) {
			var te *TaskError
			if !errors.As(err, &te) {
				t.Fatalf("error %v (%T) is not a *TaskError", err, err)
			}
			if te.Type != typ || te.Status != status || te.Description != desc {
				t.Errorf("TaskError{%q, %q, %q}, want {%q, %q, %q}", te.Type, te.Status, te.Description, typ, status, desc)
			}
			if errorType(err) != typ {
				t.Errorf("errorType = %q", errorType(err))
			}
			for _, part := range []string{typ, desc} {
				if part != "" && !strings.Contains(err.Error(), part) {
					t.Errorf("message %q lacks %q", err, part)
				}
			}
		}
	}
	waitErr := func(fragment string) func(*testing.T, *taskState, error) {
		return func(t *testing.T, _ *taskState, err error) {
			var we *waitError
			if !errors.As(err, &we) {
				t.Fatalf("error %v (%T) is not a *waitError", err, err)
			}
			if we.TaskID != testTaskID || TaskID(err) != testTaskID {
				t.Errorf("task ID %q / %q", we.TaskID, TaskID(err))
			}
			if !strings.Contains(err.Error(), fragment) {
				t.Errorf("message %q lacks %q", err, fragment)
			}
		}
	}
	cases := []struct {
		name     string
		steps    []step
		mod      func(*Config)
		wantPoll int // exact number of polls, or 0 to skip the check
		check    func(t *testing.T, task *taskState, err error)
	}{
		{
			name:     "success with resourceId",
			steps:    []step{received, running, {status: 200, body: taskDoc(taskProcessingCompleted, `{"resourceId":1235}`)}},
			wantPoll: 3,
			check: func(t *testing.T, task *taskState, err error) {
				if err != nil {
					t.Fatal(err)
				}
				if task.ID != testTaskID || !task.Response.ResourceID.Valid || task.Response.ResourceID.Value != 1235 {
					t.Errorf("task %+v response %+v", task, task.Response)
				}
			},
		},
		{
			name:     "the reference's task error",
			steps:    []step{running, {status: 200, body: refTaskError}},
			wantPoll: 2,
			check: func(t *testing.T, task *taskState, err error) {
				taskErr("SUBSCRIPTION_NOT_ACTIVE", "403 FORBIDDEN", "Cannot preform any actions for subscription that is not in an active state")(t, task, err)
				if TaskID(err) != "1dfd6084-21df-40c6-829c-e9b4790e207e" {
					t.Errorf("TaskID = %q", TaskID(err))
				}
				if !strings.Contains(err.Error(), "1dfd6084-21df-40c6-829c-e9b4790e207e") {
					t.Errorf("message %q lacks the task ID", err)
				}
				if !IsSubscriptionNotActive(err) || IsNotFound(err) || IsAlreadyExists(err) {
					t.Error("wrong classification")
				}
				var te *TaskError
				if errors.As(err, &te) && te.statusCode() != 403 {
					t.Errorf("StatusCode = %d", te.statusCode())
				}
				if task == nil || task.Status != taskProcessingError {
					t.Errorf("the failed task is not returned: %+v", task)
				}
			},
		},
		{
			name:  "not-found task error",
			steps: []step{{status: 200, body: taskDoc(taskProcessingError, `{"error":{"type":"VPC_PEERING_NOT_FOUND","status":"404 NOT_FOUND","description":"Peering 9 not found"}}`)}},
			check: func(t *testing.T, task *taskState, err error) {
				taskErr("VPC_PEERING_NOT_FOUND", "404 NOT_FOUND", "Peering 9 not found")(t, task, err)
				if !IsNotFound(err) || !isPeeringNotFound(err) {
					t.Error("IsNotFound / isPeeringNotFound false")
				}
				if TaskID(err) != testTaskID {
					t.Errorf("TaskID = %q", TaskID(err))
				}
			},
		},
		{
			name:  "a 404 status of another type is no evidence of absence",
			steps: []step{{status: 200, body: taskDoc(taskProcessingError, `{"error":{"type":"ENTITY_GONE","status":"404 NOT_FOUND"}}`)}},
			check: func(t *testing.T, _ *taskState, err error) {
				if IsNotFound(err) {
					t.Error("IsNotFound true for a task error that names neither the peering nor the subscription")
				}
			},
		},
		{
			name:  "error as a bare string",
			steps: []step{{status: 200, body: taskDoc(taskProcessingError, `{"error":"VPC_PEERING_CIDR_OVERLAP"}`)}},
			check: taskErr("VPC_PEERING_CIDR_OVERLAP", "", ""),
		},
		{
			name:  "completed status with an error is a failure",
			steps: []step{{status: 200, body: taskDoc(taskProcessingCompleted, `{"resourceId":5,"error":{"type":"GENERAL_ERROR","status":"500 INTERNAL_SERVER_ERROR","description":"boom"}}`)}},
			check: taskErr("GENERAL_ERROR", "500 INTERNAL_SERVER_ERROR", "boom"),
		},
		{
			name:     "pending status with an error is a failure",
			steps:    []step{{status: 200, body: taskDoc(taskProcessing, `{"error":{"type":"GENERAL_ERROR"}}`)}},
			wantPoll: 1,
			check:    taskErr("GENERAL_ERROR", "", ""),
		},
		{
			name:  "processing-error without an error object",
			steps: []step{{status: 200, body: `{"taskId":"` + testTaskID + `","status":"processing-error","description":"Task request failed during processing."}`}},
			check: taskErr("", "", "Task request failed during processing."),
		},
		{
			name:  "unknown terminal status",
			steps: []step{running, {status: 200, body: taskDoc("cancelled", `{}`)}},
			check: func(t *testing.T, _ *taskState, err error) {
				taskErr("UNKNOWN_STATUS", "", `the task ended in an unexpected status "cancelled"`)(t, nil, err)
			},
		},
		{
			name:     "404 then found is tolerated",
			steps:    []step{notFound, notFound, notFound, running, {status: 200, body: taskDoc(taskProcessingCompleted, `{"resourceId":"77"}`)}},
			wantPoll: 5,
			check: func(t *testing.T, task *taskState, err error) {
				if err != nil {
					t.Fatal(err)
				}
				if task.Response.ResourceID.Value != 77 {
					t.Errorf("resourceId %+v", task.Response.ResourceID)
				}
			},
		},
		{
			name:  "404s beyond the window end the wait",
			steps: []step{notFound},
			mod:   func(c *Config) { c.TaskNotFoundWindow = 60 * time.Millisecond },
			check: func(t *testing.T, task *taskState, err error) {
				waitErr("404")(t, task, err)
				var tu *TaskUnknownError
				if !errors.As(err, &tu) || tu.Waited < 60*time.Millisecond {
					t.Errorf("error %v: not a TaskUnknownError after the 60ms window", err)
				}
				if IsNotFound(err) {
					t.Error("an unknown task is taken for an absent peering")
				}
			},
		},
		{
			name:     "404 after the task was seen is not tolerated",
			steps:    []step{running, notFound},
			wantPoll: 2,
			check: func(t *testing.T, task *taskState, err error) {
				waitErr("processing-in-progress")(t, task, err)
				var he *HTTPError
				if !errors.As(err, &he) || he.StatusCode != http.StatusNotFound {
					t.Error("the 404 is lost")
				}
				if IsNotFound(err) {
					t.Error("a forgotten task is taken for an absent peering")
				}
			},
		},
		{
			name:  "transient 5xx outlasting the transport's retries does not fail the wait",
			steps: []step{running, unavailable, unavailable, unavailable, unavailable, unavailable, {status: 200, body: taskDoc(taskProcessingCompleted, `{"resourceId":3}`)}},
			mod:   func(c *Config) { c.MaxRetries = 1 },
			// 1 + 5 failures + 1.
			wantPoll: 7,
			check: func(t *testing.T, task *taskState, err error) {
				if err != nil {
					t.Fatalf("wait failed: %v", err)
				}
			},
		},
		{
			name:     "dropped connections and 429s while polling",
			steps:    []step{{drop: true}, {drop: true}, {status: 429}, {status: 429}, {status: 200, body: taskDoc(taskProcessingCompleted, `{}`)}},
			mod:      func(c *Config) { c.MaxRetries = 1 },
			wantPoll: 5,
			check: func(t *testing.T, _ *taskState, err error) {
				if err != nil {
					t.Fatalf("wait failed: %v", err)
				}
			},
		},
		{
			name:  "an undecodable task fails the wait",
			steps: []step{{status: 200, body: `<html>maintenance</html>`}},
			check: func(t *testing.T, _ *taskState, err error) {
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("error %v is not a decode error", err)
				}
				waitErr("decoded")(t, nil, err)
			},
		},
		{
			name:  "a task document without taskId keeps the known ID",
			steps: []step{{status: 200, body: `{"status":"processing-error","response":{"error":{"type":"X"}}}`}},
			check: func(t *testing.T, _ *taskState, err error) {
				if TaskID(err) != testTaskID {
					t.Errorf("TaskID = %q", TaskID(err))
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := taskServer(t, tc.steps)
			c := newTestClient(t, srv, tc.mod)
			task, err := c.waitForTask(context.Background(), testTaskID, "test")
			tc.check(t, task, err)
			if tc.wantPoll > 0 && hits.get("poll") != tc.wantPoll {
				t.Errorf("%d polls, want %d", hits.get("poll"), tc.wantPoll)
			}
		})
	}
}

// TestWaitForTaskCancellation: a cancelled or expired context ends a wait at
// once, whether the client is sleeping between polls or a poll is in flight.
func TestWaitForTaskCancellation(t *testing.T) {
	cases := []struct {
		name string
		// hang holds each poll until the client gives up on it.
		hang    bool
		timeout bool
	}{
		{name: "cancelled between polls"},
		{name: "cancelled during a poll", hang: true},
		{name: "deadline between polls", timeout: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var polls counter
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := polls.inc("poll")
				if tc.hang && n > 1 {
					<-r.Context().Done()
					return
				}
				writeJSON(w, http.StatusOK, taskDoc(taskProcessing, `{}`))
			}))
			c := newTestClient(t, srv, func(cfg *Config) { cfg.PollMax = 50 * time.Millisecond })
			var ctx context.Context
			var cancel context.CancelFunc
			if tc.timeout {
				ctx, cancel = context.WithTimeout(context.Background(), 120*time.Millisecond)
			} else {
				ctx, cancel = context.WithCancel(context.Background())
				time.AfterFunc(120*time.Millisecond, cancel)
			}
			defer cancel()
			start := time.Now()
			task, err := c.waitForTask(ctx, testTaskID, "test")
			elapsed := time.Since(start)
			if task != nil {
				t.Errorf("task %+v returned", task)
			}
			var we *waitError
			if !errors.As(err, &we) {
				t.Fatalf("error %v (%T) is not a *waitError", err, err)
			}
			if we.TaskID != testTaskID {
				t.Errorf("task ID %q", we.TaskID)
			}
			want := context.Canceled
			if tc.timeout {
				want = context.DeadlineExceeded
			}
			if !errors.Is(err, want) {
				t.Errorf("error %v does not wrap %v", err, want)
			}
			if we.LastStatus != taskProcessing {
				t.Errorf("last status %q", we.LastStatus)
			}
			// Not before the context ended; and not held by anything else
			// (a hung poll, the next poll's delay), with room for a loaded
			// machine.
			if elapsed < 100*time.Millisecond || elapsed > 5*time.Second {
				t.Errorf("returned after %v, want once the context ended at 120ms", elapsed)
			}
			if polls.get("poll") < 2 {
				t.Errorf("only %d polls", polls.get("poll"))
			}
			if IsTransient(err) {
				t.Error("a context end is not transient")
			}
		})
	}
}

// TestRunTaskInitialReply: an initial reply that is already terminal is not
// polled; one without a task ID is an error.
func TestRunTaskInitialReply(t *testing.T) {
	cases := []struct {
		name    string
		reply   string
		wantErr string
		wantID  int
	}{
		{name: "already completed", reply: refCreateCompleted, wantID: 1235},
		{name: "already failed", reply: refTaskError, wantErr: "SUBSCRIPTION_NOT_ACTIVE"},
		{name: "no task ID", reply: `{"status":"received"}`, wantErr: "without a task ID"},
		{name: "empty body", reply: ``, wantErr: "empty response body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hits counter
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.inc(r.Method)
				writeJSON(w, http.StatusAccepted, tc.reply)
			}))
			c := newTestClient(t, srv, nil)
			task, err := c.runTask(context.Background(), request{method: http.MethodPost, path: "/subscriptions/1/peerings", body: map[string]string{}, op: "create peering"}, "create")
			if hits.get("GET") != 0 || hits.get("POST") != 1 {
				t.Errorf("requests %v", hits.n)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if task.Response.ResourceID.Value != tc.wantID {
				t.Errorf("resourceId %+v", task.Response.ResourceID)
			}
		})
	}
}

func TestDecodeTaskLenient(t *testing.T) {
	cases := []struct {
		name       string
		doc        string
		wantID     string
		wantStatus string
		resourceID *int
		errType    string
		errStatus  string
		errDesc    string
		wantFail   bool // finishTask reports a failure
	}{
		{name: "current links array", doc: refInitialReply, wantID: "7ba51acc-cd1d-44c7-8453-281730d214ce",
			wantStatus: taskReceived},
		{name: "legacy _links object", doc: refCreateCompleted, wantID: "task-id",
			wantStatus: taskProcessingCompleted, resourceID: ptr(1235)},
		{name: "list task with _links", doc: refGCPListTask, wantID: "task", wantStatus: taskProcessingCompleted,
			resourceID: ptr(12356)},
		{name: "error object", doc: refTaskError, wantID: "1dfd6084-21df-40c6-829c-e9b4790e207e",
			wantStatus: taskProcessingError,
			errType:    "SUBSCRIPTION_NOT_ACTIVE", errStatus: "403 FORBIDDEN", errDesc: "Cannot preform any actions for subscription that is not in an active state", wantFail: true},
		{name: "resourceId as string", doc: `{"taskId":"a","status":"processing-completed","response":{"resourceId":"1235"}}`,
			wantID: "a", wantStatus: taskProcessingCompleted, resourceID: ptr(1235)},
		{name: "resourceId as float-shaped integer", doc: `{"taskId":"a","status":"processing-completed","response":{"resourceId":1235.0}}`,
			wantID: "a", wantStatus: taskProcessingCompleted, resourceID: ptr(1235)},
		{name: "resourceId null", doc: `{"taskId":"a","status":"processing-completed","response":{"resourceId":null}}`,
			wantID: "a", wantStatus: taskProcessingCompleted},
		{name: "empty response while running", doc: `{"taskId":"a","status":"processing-in-progress","response":{}}`,
			wantID: "a", wantStatus: taskProcessing},
		{name: "error as a bare string", doc: `{"taskId":"a","status":"processing-error","response":{"error":"VPC_PEERING_INVALID_CIDR"}}`,
			wantID: "a", wantStatus: taskProcessingError, errType: "VPC_PEERING_INVALID_CIDR", wantFail: true},
		{name: "error null", doc: `{"taskId":"a","status":"processing-completed","response":{"error":null,"resourceId":4}}`,
			wantID: "a", wantStatus: taskProcessingCompleted, resourceID: ptr(4)},
		{name: "error with a numeric status", doc: `{"taskId":"a","status":"processing-error","response":{"error":{"type":"X_NOT_FOUND","status":404,"description":"gone"}}}`,
			wantID: "a", wantStatus: taskProcessingError, errType: "X_NOT_FOUND", errStatus: "404", errDesc: "gone", wantFail: true},
		{name: "completed with error", doc: `{"taskId":"a","status":"processing-completed","response":{"error":{"type":"GENERAL_ERROR"}}}`,
			wantID: "a", wantStatus: taskProcessingCompleted, errType: "GENERAL_ERROR", wantFail: true},
		{name: "unknown fields are ignored", doc: `{"taskId":"a","status":"processing-completed","extra":{"x":[1,2]},"response":{"additionalResourceId":"9","additionalInfo":"i"}}`,
			wantID: "a", wantStatus: taskProcessingCompleted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			task, err := decodeTask([]byte(tc.doc))
			if err != nil {
				t.Fatalf("decodeTask: %v", err)
			}
			if task.ID != tc.wantID || task.Status != tc.wantStatus {
				t.Errorf("ID %q status %q", task.ID, task.Status)
			}
			if tc.resourceID != nil {
				if !task.Response.ResourceID.Valid || task.Response.ResourceID.Value != *tc.resourceID {
					t.Errorf("resourceId %+v, want %d", task.Response, *tc.resourceID)
				}
			} else if task.Response.ResourceID.Valid {
				t.Errorf("unexpected resourceId %+v", task.Response.ResourceID)
			}
			body := task.Response.Error
			if tc.errType == "" && body != nil {
				t.Errorf("unexpected error body %+v", body)
			}
			if tc.errType != "" && (body == nil || body.Type != tc.errType || body.Status != tc.errStatus || body.Description != tc.errDesc) {
				t.Errorf("error body %+v, want {%q %q %q}", body, tc.errType, tc.errStatus, tc.errDesc)
			}
			if isPending(task.Status) && body == nil {
				return
			}
			_, ferr := finishTask(task)
			if (ferr != nil) != tc.wantFail {
				t.Errorf("finishTask error %v, want failure %v", ferr, tc.wantFail)
			}
			if ferr != nil && TaskID(ferr) != tc.wantID {
				t.Errorf("TaskID(err) = %q", TaskID(ferr))
			}
		})
	}
	if _, err := decodeTask([]byte(`{"taskId":"a","response":{"resourceId":"abc"}}`)); err == nil {
		t.Error("a non-numeric resourceId was accepted")
	}
	if _, err := decodeTask([]byte(`[]`)); err == nil {
		t.Error("an array was accepted as a task")
	}
}

// A create task's unknown hook fires only when polls met the task service's
// window past 4×PollFirst: not when the task was shown, nor when no poll
// came yet (a first poll put off by an earlier task's time).
func TestWaitTaskUnknownHook(t *testing.T) {
	notFound := step{status: http.StatusNotFound, body: `{"status":404,"error":"Not Found"}`}
	processing := step{status: http.StatusOK, body: taskDoc(taskProcessing, "")}
	done := step{status: http.StatusOK, body: taskDoc(taskProcessingCompleted, `{"resourceId":7}`)}
	for _, tc := range []struct {
		name     string
		steps    []step
		estimate time.Duration // a task timed before, putting off the first poll
		want     bool
	}{
		{"404s past 4×PollFirst", append(slices.Repeat([]step{notFound}, 4), done), 0, true},
		{"shown, then processing", append(slices.Repeat([]step{processing}, 4), done), 0, false},
		{"first poll after 4×PollFirst", []step{done}, 200 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := taskServer(t, tc.steps)
			c := newTestClient(t, srv, func(cfg *Config) {
				cfg.PollFirst, cfg.PollMin, cfg.PollMax = 20*time.Millisecond, 20*time.Millisecond, 200*time.Millisecond
			})
			if tc.estimate > 0 {
				c.latency.observe(waitTask, tc.estimate)
			}
			var fired atomic.Bool
			task, err := c.waitTask(t.Context(), &taskState{ID: testTaskID}, "create", time.Now(), func() { fired.Store(true) })
			if err != nil || task.createdID() != 7 {
				t.Fatalf("task %+v, error %v", task, err)
			}
			if fired.Load() != tc.want {
				t.Errorf("hook called: %v, want %v", fired.Load(), tc.want)
			}
		})
	}
}
