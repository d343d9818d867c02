package cloudsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// ---- strict reference types ----
//
// These are written from the API reference, not from the simulator's own
// wire types, and are decoded with unknown fields refused: a key the
// simulator invents, misspells or puts at the wrong level fails the tests.

type refLink struct {
	Rel  string `json:"rel"`
	Type string `json:"type"`
	Href string `json:"href"`
}

type refTask struct {
	TaskID      string           `json:"taskId"`
	CommandType string           `json:"commandType"`
	Status      string           `json:"status"`
	Description string           `json:"description"`
	Timestamp   string           `json:"timestamp"`
	Response    *refTaskResponse `json:"response"`
	Links       []refLink        `json:"links"`
}

type refTaskResponse struct {
	ResourceID           *int            `json:"resourceId"`
	AdditionalResourceID *int            `json:"additionalResourceId"`
	Resource             json.RawMessage `json:"resource"`
	Error                *refTaskError   `json:"error"`
	AdditionalInfo       string          `json:"additionalInfo"`
}

type refTaskError struct {
	Type        string `json:"type"`
	Status      string `json:"status"`
	Description string `json:"description"`
}

type refTasks struct {
	Tasks []refTask `json:"tasks"`
}

type refCIDR struct {
	VPCCidr string `json:"vpcCidr"`
	Status  string `json:"status"`
}

type refProPeering struct {
	VPCPeeringID     int       `json:"vpcPeeringId"`
	Status           string    `json:"status"`
	RegionName       string    `json:"regionName"`
	AWSAccountID     string    `json:"awsAccountId"`
	VPCUID           string    `json:"vpcUid"`
	VPCCidr          string    `json:"vpcCidr"`
	VPCCidrs         []refCIDR `json:"vpcCidrs"`
	AWSPeeringUID    string    `json:"awsPeeringUid"`
	ProjectUID       string    `json:"projectUid"`
	NetworkName      string    `json:"networkName"`
	RedisProjectUID  string    `json:"redisProjectUid"`
	RedisNetworkName string    `json:"redisNetworkName"`
	CloudPeeringID   string    `json:"cloudPeeringId"`
}

type refProList struct {
	Peerings []refProPeering `json:"peerings"`
}

type refAAPeering struct {
	ID               int       `json:"id"`
	Status           string    `json:"status"`
	RegionID         int       `json:"regionId"`
	RegionName       string    `json:"regionName"`
	AWSAccountID     string    `json:"awsAccountId"`
	AWSPeeringUID    string    `json:"awsPeeringUid"`
	VPCUID           string    `json:"vpcUid"`
	VPCCidr          string    `json:"vpcCidr"`
	VPCCidrs         []refCIDR `json:"vpcCidrs"`
	VPCProjectUID    string    `json:"vpcProjectUid"`
	VPCNetworkName   string    `json:"vpcNetworkName"`
	RedisProjectUID  string    `json:"redisProjectUid"`
	RedisNetworkName string    `json:"redisNetworkName"`
	CloudPeeringID   string    `json:"cloudPeeringId"`
}

type refAARegion struct {
	ID          int            `json:"id"`
	Region      string         `json:"region"`
	VPCPeerings []refAAPeering `json:"vpcPeerings"`
}

type refAAList struct {
	SubscriptionID int           `json:"subscriptionId"`
	Regions        []refAARegion `json:"regions"`
}

type refSubscription struct {
	ID                int       `json:"id"`
	Name              string    `json:"name"`
	Status            string    `json:"status"`
	DeploymentType    string    `json:"deploymentType"`
	PaymentMethodID   int       `json:"paymentMethodId"`
	PaymentMethodType string    `json:"paymentMethodType"`
	MemoryStorage     string    `json:"memoryStorage"`
	StorageEncryption bool      `json:"storageEncryption"`
	NumberOfDatabases int       `json:"numberOfDatabases"`
	Links             []refLink `json:"links"`
	CloudDetails      []struct {
		Provider       string  `json:"provider"`
		CloudAccountID int     `json:"cloudAccountId"`
		AWSAccountID   string  `json:"awsAccountId"`
		TotalSizeInGB  float64 `json:"totalSizeInGb"`
		Regions        []struct {
			Region     string `json:"region"`
			Networking []struct {
				DeploymentCIDR string `json:"deploymentCIDR"`
				VPCID          string `json:"vpcId"`
				SubnetID       string `json:"subnetId"`
			} `json:"networking"`
			PreferredAvailabilityZones []string `json:"preferredAvailabilityZones"`
			MultipleAvailabilityZones  bool     `json:"multipleAvailabilityZones"`
		} `json:"regions"`
	} `json:"cloudDetails"`
}

type refRegions struct {
	SubscriptionID int `json:"subscriptionId"`
	Regions        []struct {
		RegionID       int               `json:"regionId"`
		Region         string            `json:"region"`
		DeploymentCidr string            `json:"deploymentCidr"`
		VPCID          string            `json:"vpcId"`
		Databases      []json.RawMessage `json:"databases"`
		Links          []refLink         `json:"links"`
	} `json:"regions"`
	Links []refLink `json:"links"`
}

type refSpringError struct {
	Timestamp string `json:"timestamp"`
	Status    int    `json:"status"`
	Error     string `json:"error"`
	Message   string `json:"message"`
	Path      string `json:"path"`
}

// strictDecode fails the test if data is not exactly one JSON value that
// fits v without unknown keys.
func strictDecode(t testing.TB, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("strict decode into %T: %v\nbody: %s", v, err, data)
	}
	if dec.More() {
		t.Fatalf("trailing data after JSON value: %s", data)
	}
	// encoding/json matches keys case-insensitively; the wire does not.
	if err := exactKeys(data, reflect.TypeOf(v)); err != nil {
		t.Fatalf("strict decode into %T: %v\nbody: %s", v, err, data)
	}
}

// ---- harness ----

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// harness drives a simulator on a fake clock through its HTTP handler.
type harness struct {
	t     testing.TB
	sim   *Sim
	clock *fakeClock
}

func newHarness(t testing.TB, opts Options) *harness {
	t.Helper()
	clock := &fakeClock{t: epoch}
	sim, err := newSim(opts, clock.Now, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	return &harness{t: t, sim: sim, clock: clock}
}

type resp struct {
	code   int
	header http.Header
	body   []byte
}

// request sends a request with the default credentials.
func (h *harness) request(method, path, body string) resp {
	return h.requestWith(method, path, body, map[string]string{
		"x-api-key":        DefaultAPIKey,
		"x-api-secret-key": DefaultSecretKey,
	})
}

func (h *harness) requestWith(method, path, body string, headers map[string]string) resp {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, "http://sim.test"+path, rd)
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.sim.ServeHTTP(rec, req)
	return resp{code: rec.Code, header: rec.Result().Header, body: rec.Body.Bytes()}
}

// submit sends an async call and returns its first reply, checked against
// the reference: received, no response, a task link.
func (h *harness) submit(method, path, body string) refTask {
	h.t.Helper()
	r := h.request(method, path, body)
	if r.code != http.StatusOK && r.code != http.StatusAccepted {
		h.t.Fatalf("%s %s: status %d, body %s", method, path, r.code, r.body)
	}
	var task refTask
	strictDecode(h.t, r.body, &task)
	if task.Status != taskReceived || task.Response != nil {
		h.t.Fatalf("%s %s: first reply should be received without response, got %s", method, path, r.body)
	}
	return task
}

// task polls GET /tasks/{id} once.
func (h *harness) task(id string) refTask {
	h.t.Helper()
	r := h.request(http.MethodGet, "/v1/tasks/"+id, "")
	if r.code != http.StatusOK {
		h.t.Fatalf("GET task %s: status %d, body %s", id, r.code, r.body)
	}
	var task refTask
	strictDecode(h.t, r.body, &task)
	return task
}

// exec submits a call and returns the finished task; the simulator must
// have no task latency, so the task is done as soon as it is created.
func (h *harness) exec(method, path, body string) refTask {
	h.t.Helper()
	first := h.submit(method, path, body)
	done := h.task(first.TaskID)
	if done.Status != taskCompleted && done.Status != taskError {
		h.t.Fatalf("%s %s: task not finished: %+v", method, path, done)
	}
	return done
}

// mustComplete is exec that also requires success.
func (h *harness) mustComplete(method, path, body string) refTask {
	h.t.Helper()
	task := h.exec(method, path, body)
	if task.Status != taskCompleted {
		h.t.Fatalf("%s %s: %s: %+v", method, path, task.Status, task.Response.Error)
	}
	return task
}

func (h *harness) createPro(sub int, body string) int {
	h.t.Helper()
	task := h.mustComplete(http.MethodPost, fmt.Sprintf("/v1/subscriptions/%d/peerings", sub), body)
	return *task.Response.ResourceID
}

func (h *harness) createAA(sub int, body string) int {
	h.t.Helper()
	task := h.mustComplete(http.MethodPost, fmt.Sprintf("/v1/subscriptions/%d/regions/peerings", sub), body)
	return *task.Response.ResourceID
}

func (h *harness) listPro(sub int) (refProList, json.RawMessage) {
	h.t.Helper()
	task := h.mustComplete(http.MethodGet, fmt.Sprintf("/v1/subscriptions/%d/peerings", sub), "")
	var list refProList
	strictDecode(h.t, task.Response.Resource, &list)
	return list, task.Response.Resource
}

func (h *harness) listAA(sub int) (refAAList, json.RawMessage) {
	h.t.Helper()
	task := h.mustComplete(http.MethodGet, fmt.Sprintf("/v1/subscriptions/%d/regions/peerings", sub), "")
	var list refAAList
	strictDecode(h.t, task.Response.Resource, &list)
	return list, task.Response.Resource
}

func (h *harness) proPeering(sub, id int) refProPeering {
	h.t.Helper()
	list, _ := h.listPro(sub)
	for _, p := range list.Peerings {
		if p.VPCPeeringID == id {
			return p
		}
	}
	h.t.Fatalf("peering %d not in the list of subscription %d", id, sub)
	return refProPeering{}
}

func (h *harness) aaPeering(sub, id int) (refAARegion, refAAPeering) {
	h.t.Helper()
	list, _ := h.listAA(sub)
	for _, r := range list.Regions {
		for _, p := range r.VPCPeerings {
			if p.ID == id {
				return r, p
			}
		}
	}
	h.t.Fatalf("peering %d not in the list of subscription %d", id, sub)
	return refAARegion{}, refAAPeering{}
}

const (
	awsBody   = `{"region":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-0a1b2c3d4e5f","vpcCidr":"192.168.0.0/24"}`
	gcpBody   = `{"provider":"gcp","vpcProjectUid":"my-project","vpcNetworkName":"my-vpc"}`
	aaAWSBody = `{"sourceRegion":"us-east-1","destinationRegion":"eu-west-2","awsAccountId":"123456789012","vpcId":"vpc-0a1b2c3d4e5f","vpcCidr":"192.168.0.0/24"}`
	aaGCPBody = `{"provider":"gcp","sourceRegion":"us-central1","vpcProjectUid":"my-project","vpcNetworkName":"my-vpc"}`
)

func ptr[T any](v T) *T { return &v }
