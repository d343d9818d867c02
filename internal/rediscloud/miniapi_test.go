package rediscloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// deploymentSingleRegion is the deployment type of Pro subscriptions.
const deploymentSingleRegion = "single-region"

// miniAPI is a small stateful stand-in for the Pro peering endpoints of one
// subscription, written from the reference's wire shapes: every call answers
// with a task, effects apply when the task is first polled, and lists carry a
// snapshot in response.resource.
type miniAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	counts map[string]int
	events []string
	// subStatuses are served in order by GET /subscriptions/{id}; the last repeats.
	subStatuses []string
	peerings    map[int]map[string]any
	nextID      int
	tasks       map[string]*miniTask
	taskN       int
	// listGate, when set, keeps list tasks in progress until it is closed.
	listGate chan struct{}
	// listArrived receives a value (without blocking) per list request.
	listArrived chan struct{}
	// createErrors are the error types of the next create tasks, in order.
	createErrors []string
	// dropCreates is how many next POSTs are applied at once and then answered
	// by a dropped connection.
	dropCreates int
	// hideCreates is how long a create task answers 404 after the POST;
	// settleCreates lists new peerings pending acceptance at once.
	hideCreates   time.Duration
	settleCreates bool
}

type miniTask struct {
	at   time.Time
	cmd  string
	gate chan struct{}
	run  func() (response map[string]any, errType string)
	doc  map[string]any
}

func newMiniAPI(t *testing.T) *miniAPI {
	m := &miniAPI{
		t:           t,
		counts:      map[string]int{},
		subStatuses: []string{subscriptionActive},
		peerings:    map[int]map[string]any{},
		nextID:      100,
		tasks:       map[string]*miniTask{},
		listArrived: make(chan struct{}, 64),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/subscriptions/{sub}", m.getSubscription)
	mux.HandleFunc("GET /v1/subscriptions/{sub}/peerings", m.list)
	mux.HandleFunc("POST /v1/subscriptions/{sub}/peerings", m.create)
	mux.HandleFunc("PUT /v1/subscriptions/{sub}/peerings/{id}", m.update)
	mux.HandleFunc("DELETE /v1/subscriptions/{sub}/peerings/{id}", m.delete)
	mux.HandleFunc("GET /v1/tasks/{id}", m.getTask)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		w.WriteHeader(http.StatusNotFound)
	})
	m.srv = newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != testAPIKey || r.Header.Get("x-api-secret-key") != testSecretKey {
			writeJSON(w, http.StatusUnauthorized, `{"status":401,"error":"Unauthorized"}`)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	return m
}

func (m *miniAPI) count(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.counts[key]
}

func (m *miniAPI) eventLog() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.events...)
}

func (m *miniAPI) note(key string) {
	m.counts[key]++
	m.events = append(m.events, key)
}

func (m *miniAPI) peeringCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.peerings)
}

// addPeering stores a peering in the Pro list shape and returns its ID.
func (m *miniAPI) addPeering(vpcID string, cidrs ...string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.addLocked(map[string]any{"region": "us-east-1", "awsAccountId": "123456789012", "vpcId": vpcID, "vpcCidrs": toAny(cidrs)})
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func (m *miniAPI) addLocked(body map[string]any) int {
	id := m.nextID
	m.nextID++
	p := map[string]any{
		"vpcPeeringId": id,
		"regionName":   body["region"],
		"awsAccountId": body["awsAccountId"],
		"vpcUid":       body["vpcId"],
		"status":       StatusInitiatingRequest,
	}
	if m.settleCreates {
		p["status"], p["awsPeeringUid"] = StatusPendingAcceptance, fmt.Sprintf("pcx-%017x", id)
	}
	setCIDRs(p, body)
	m.peerings[id] = p
	return id
}

// setCIDRs writes CIDRs as the API reads them back: one in vpcCidr only,
// several as vpcCidrs objects with vpcCidr set to the first.
func setCIDRs(p, body map[string]any) {
	var cidrs []any
	if c, ok := body["vpcCidr"].(string); ok && c != "" {
		cidrs = []any{c}
	}
	if cs, ok := body["vpcCidrs"].([]any); ok && len(cs) > 0 {
		cidrs = cs
	}
	delete(p, "vpcCidrs")
	delete(p, "vpcCidr")
	if len(cidrs) == 0 {
		return
	}
	p["vpcCidr"] = cidrs[0]
	if len(cidrs) > 1 {
		objs := make([]any, len(cidrs))
		for i, c := range cidrs {
			objs[i] = map[string]any{"vpcCidr": c, "status": "active"}
		}
		p["vpcCidrs"] = objs
	}
}

func (m *miniAPI) getSubscription(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.note("subscription")
	status := m.subStatuses[0]
	if len(m.subStatuses) > 1 {
		m.subStatuses = m.subStatuses[1:]
	}
	m.mu.Unlock()
	id, _ := strconv.Atoi(r.PathValue("sub"))
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "name": "sub", "status": status, "deploymentType": deploymentSingleRegion})
}

// startTask registers a task and answers with the initial reply.
func (m *miniAPI) startTaskLocked(w http.ResponseWriter, cmd string, gate chan struct{}, run func() (map[string]any, string)) string {
	m.taskN++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", m.taskN)
	m.tasks[id] = &miniTask{at: time.Now(), cmd: cmd, gate: gate, run: run}
	writeJSON(w, http.StatusAccepted, map[string]any{
		"taskId":      id,
		"commandType": cmd,
		"status":      taskReceived,
		"description": "Task request received and is being queued for processing.",
		"timestamp":   time.Now().UTC().Format(time.RFC3339Nano),
		"links":       []any{map[string]any{"href": m.srv.URL + "/v1/tasks/" + id, "type": "GET", "rel": "task"}},
	})
	return id
}

func (m *miniAPI) list(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note("list")
	select {
	case m.listArrived <- struct{}{}:
	default:
	}
	sub, _ := strconv.Atoi(r.PathValue("sub"))
	m.startTaskLocked(w, "vpcPeeringGetRequest", m.listGate, func() (map[string]any, string) {
		ids := make([]int, 0, len(m.peerings))
		for id := range m.peerings {
			ids = append(ids, id)
		}
		sort.Ints(ids)
		list := make([]any, 0, len(ids))
		for _, id := range ids {
			cp := map[string]any{}
			for k, v := range m.peerings[id] {
				cp[k] = v
			}
			list = append(list, cp)
		}
		return map[string]any{"resourceId": sub, "resource": map[string]any{"peerings": list}}, ""
	})
}

func (m *miniAPI) create(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	m.mu.Lock()
	m.note("create")
	run := func() (map[string]any, string) {
		if len(m.createErrors) > 0 {
			e := m.createErrors[0]
			m.createErrors = m.createErrors[1:]
			if e != "" {
				return nil, e
			}
		}
		for _, p := range m.peerings {
			if p["vpcUid"] == body["vpcId"] {
				return nil, errPeeringAlreadyExists
			}
		}
		return map[string]any{"resourceId": m.addLocked(body)}, ""
	}
	if m.dropCreates > 0 {
		m.dropCreates--
		_, errType := run()
		m.mu.Unlock()
		if errType != "" {
			m.t.Errorf("dropped create failed: %s", errType)
		}
		dropConnection(m.t, w, r)
		return
	}
	defer m.mu.Unlock()
	m.startTaskLocked(w, "vpcPeeringCreateRequest", nil, run)
}

func (m *miniAPI) update(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	id, _ := strconv.Atoi(r.PathValue("id"))
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note("update")
	m.startTaskLocked(w, "vpcPeeringUpdateRequest", nil, func() (map[string]any, string) {
		p, ok := m.peerings[id]
		if !ok {
			return nil, errPeeringNotFound
		}
		setCIDRs(p, body)
		return map[string]any{"resourceId": id}, ""
	})
}

func (m *miniAPI) delete(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note("delete")
	m.startTaskLocked(w, "vpcPeeringDeleteRequest", nil, func() (map[string]any, string) {
		if _, ok := m.peerings[id]; !ok {
			return nil, errPeeringNotFound
		}
		delete(m.peerings, id)
		return map[string]any{}, ""
	})
}

func errorStatus(errType string) string {
	switch {
	case strings.HasSuffix(errType, "_NOT_FOUND"):
		return "404 NOT_FOUND"
	case strings.HasSuffix(errType, "ALREADY_EXIST"):
		return "409 CONFLICT"
	case strings.HasSuffix(errType, "NOT_ACTIVE"):
		return "403 FORBIDDEN"
	}
	return "400 BAD_REQUEST"
}

func (m *miniAPI) getTask(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts["poll"]++
	task, ok := m.tasks[id]
	if !ok || (task.cmd == "vpcPeeringCreateRequest" && time.Since(task.at) < m.hideCreates) {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if task.doc == nil {
		if task.gate != nil {
			select {
			case <-task.gate:
			default:
				writeJSON(w, http.StatusOK, map[string]any{"taskId": id, "commandType": task.cmd, "status": taskProcessing, "response": map[string]any{}})
				return
			}
		}
		resp, errType := task.run()
		doc := map[string]any{
			"taskId":      id,
			"commandType": task.cmd,
			"status":      taskProcessingCompleted,
			"description": "Request processing completed successfully and its resources are now being provisioned / de-provisioned.",
			"timestamp":   time.Now().UTC().Format(time.RFC3339Nano),
			"links":       []any{map[string]any{"href": m.srv.URL + "/v1/tasks/" + id, "type": "GET", "rel": "self"}},
		}
		if errType != "" {
			doc["status"] = taskProcessingError
			doc["description"] = "Task request failed during processing. See error information for failure details."
			resp = map[string]any{"error": map[string]any{"type": errType, "status": errorStatus(errType), "description": "refused: " + errType}}
		}
		doc["response"] = resp
		task.doc = doc
	}
	writeJSON(w, http.StatusOK, task.doc)
}
