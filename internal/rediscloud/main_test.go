package rediscloud

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain fails the package when any goroutine outlives the tests: every
// test server is closed by its test, and the client's idle connections die
// with it.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	testAPIKey    = "test-account-key-5f1d"
	testSecretKey = "test-secret-key-9c2e"
	testUserAgent = "terraform-provider-rediscloud/1.2.3 (+https://registry.terraform.io/providers/rediscloud-community/rediscloud) Terraform/1.5.7"
)

// testConfig is a Config with small timings so that retries and polls take
// milliseconds. The rate limiter is off unless a test turns it on.
func testConfig(baseURL string) Config {
	return Config{
		BaseURL:           baseURL,
		APIKey:            testAPIKey,
		SecretKey:         testSecretKey,
		UserAgent:         testUserAgent,
		RequestsPerMinute: 0,
		MaxRetries:        4,
		RetryWaitMin:      time.Millisecond,
		RetryWaitMax:      20 * time.Millisecond,
		PollFirst:         5 * time.Millisecond,
		PollMin:           5 * time.Millisecond,
		PollMax:           20 * time.Millisecond,
		StatusPollMax:     20 * time.Millisecond,
		// Long enough for the handful of 404s a test serves, short enough
		// for the tests of a task that never shows.
		TaskNotFoundWindow: 500 * time.Millisecond,
	}
}

// newTestClient returns a client of srv's /v1 API; mod adjusts its Config.
// Its idle connections are closed when the test ends.
func newTestClient(t *testing.T, srv *httptest.Server, mod func(*Config)) *Client {
	t.Helper()
	cfg := testConfig(srv.URL + "/v1")
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { closeIdle(c) })
	return c
}

func closeIdle(c *Client) {
	c.safe.HTTPClient.CloseIdleConnections()
	c.unsafe.HTTPClient.CloseIdleConnections()
}

// newServer starts a test server closed at the end of the test.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// dropConnection closes the client's connection without an answer, after
// the request has been read: what a crashing proxy does.
func dropConnection(t *testing.T, w http.ResponseWriter, r *http.Request) {
	t.Helper()
	_, _ = io.Copy(io.Discard, r.Body)
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot be hijacked")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		// Reset rather than FIN so the client sees the loss at once.
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, doc any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	switch v := doc.(type) {
	case string:
		_, _ = io.WriteString(w, v)
	case []byte:
		_, _ = w.Write(v)
	default:
		_ = json.NewEncoder(w).Encode(v)
	}
}

// counter counts server hits safely.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) inc(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[key]++
	return c.n[key]
}

func (c *counter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("body %q is not JSON: %v", got, err)
		return false
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expected JSON %q: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

// Wire examples of the API reference, verbatim where it gives them.
const (
	// A completed list task (GCP peering, Pro) with the legacy _links form.
	refGCPListTask = `{
  "taskId": "task",
  "commandType": "vpcPeeringGetRequest",
  "status": "processing-completed",
  "description": "Request processing completed successfully and its resources are now being provisioned / de-provisioned.",
  "timestamp": "2020-12-01T14:56:09.204Z",
  "response": {
    "resourceId": 12356,
    "resource": { "peerings": [ {
      "vpcPeeringId": 11,
      "projectUid": "cloud-api-123456",
      "networkName": "cloud-api-vpc-peering-test",
      "redisProjectUid": "v00d1c1f22233333f-tp",
      "redisNetworkName": "c12345-us-east1-2-rlrcp",
      "cloudPeeringId": "redislabs-peering-f123abc4-d56",
      "status": "inactive" } ] }
  },
  "_links": { "self": { "href": "https://example.com", "type": "GET" } }
}`

	// The current-format initial reply of an asynchronous call.
	refInitialReply = `{
  "taskId": "7ba51acc-cd1d-44c7-8453-281730d214ce",
  "commandType": "costReportCreateRequest",
  "status": "received",
  "description": "Task request received and is being queued for processing.",
  "timestamp": "2025-11-07T15:44:29.811142433Z",
  "links": [ { "href": "https://api.redislabs.com/v1/tasks/7ba51acc-cd1d-44c7-8453-281730d214ce", "type": "GET", "rel": "task" } ]
}`

	// A task error captured from the API.
	refTaskError = `{ "taskId": "1dfd6084-21df-40c6-829c-e9b4790e207e", "commandType": "databaseImportStatusRequest",
  "status": "processing-error",
  "description": "Task request failed during processing. See error information for failure details.",
  "timestamp": "2024-04-15T10:19:07.331898Z",
  "response": { "error": { "type": "SUBSCRIPTION_NOT_ACTIVE", "status": "403 FORBIDDEN",
     "description": "Cannot preform any actions for subscription that is not in an active state" } },
  "links": [ { "href": "https://api-staging.qa.redislabs.com/v1/tasks/1dfd6084-...", "rel": "self", "type": "GET" } ] }`

	// A completed create task: resourceId is the new peering's ID.
	refCreateCompleted = `{ "taskId": "task-id", "commandType": "peeringCreateRequest", "status": "processing-completed",
  "timestamp": "2020-10-28T09:58:16.798Z", "response": { "resourceId": 1235 },
  "_links": { "self": { "href": "https://example.com", "type": "GET" } } }`

	// The `response` of a Pro AWS list (legacy docs; 1234 stands for the
	// subscription ID).
	refAWSListResponse = `{ "resourceId": 1234, "resource": { "peerings": [
  { "vpcPeeringId": 123, "awsAccountId": "9876432154", "vpcUid": "vpc-08d9875454cb9e2",
    "vpcCidr": "192.168.202.10/28", "awsPeeringUid": "pcx-05b5646545439", "status": "pending-acceptance" },
  { "vpcPeeringId": 124, "awsAccountId": "9876432154", "vpcUid": "vpc-08d9878787b9e2",
    "vpcCidr": "192.168.203.10/28", "awsPeeringUid": "pcx-05b59876542", "status": "active" } ] } }`

	// The `response.resource` of an Active-Active list.
	refAAListResource = `{
  "subscriptionId": 1986,
  "regions": [
    { "id": 1, "region": "us-east-1",
      "vpcPeerings": [
        { "id": 77, "status": "pending-acceptance", "regionId": 1, "regionName": "eu-west-2",
          "awsAccountId": "123456789012", "vpcUid": "vpc-01234567890", "vpcCidr": "10.0.10.0/24",
          "awsPeeringUid": "pcx-0abc1234def567890" } ] },
    { "id": 2, "region": "us-central1",
      "vpcPeerings": [
        { "id": 78, "status": "inactive", "vpcProjectUid": "my-gcp-project", "vpcNetworkName": "my-gcp-vpc",
          "redisProjectUid": "v00d1c1f22233333f-tp", "redisNetworkName": "c1986-us-central1-1-rlrcp",
          "cloudPeeringId": "redislabs-peering-0123abcd-e45" } ] }
  ]
}`

	// Error bodies of synchronous HTTP errors.
	refSpringError   = `{"timestamp":"2023-06-21T13:51:50.571+0000","status":404,"error":"Not Found","message":"ACL user 40004 not found","path":"/v1/acl/users/40004"}`
	refSpringError25 = `{"timestamp":"2025-01-17T09:34:25.803+00:00","status":404,"error":"Not Found","path":"/v1/subscriptions/114019/peerings"}`
	refNginx401      = "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

	// A subscription (trimmed).
	refSubscription = `{ "id": 1, "name": "Get-test", "status": "active", "paymentMethodType": "credit-card", "paymentMethodId": 2,
  "memoryStorage": "ram", "storageEncryption": false, "numberOfDatabases": 1,
  "cloudDetails": [ { "provider": "AWS", "cloudAccountId": 3, "awsAccountId": "987654321098", "totalSizeInGb": 4,
     "regions": [ { "region": "eu-west-1",
                    "networking": [ { "deploymentCIDR": "10.0.0.0/24", "subnetId": "subnet-123456" } ],
                    "preferredAvailabilityZones": ["eu-west-1a"], "multipleAvailabilityZones": false } ] } ],
  "_links": { "self": { "href": "https://example.com", "type": "GET" } } }`

	// The regions of an Active-Active subscription.
	refRegions = `{ "subscriptionId": 1986,
  "regions": [ { "regionId": 1, "region": "us-east-1", "deploymentCidr": "192.169.0.0/24",
                 "vpcId": "vpc-0e828cd5c0c580389", "databases": [], "links": [] } ],
  "links": [ { "rel": "self", "href": "https://example.com/v1/subscriptions/1986/regions", "type": "GET" } ] }`
)

// completedTask wraps a `response` object into a completed task document.
func completedTask(id, response string) string {
	return `{"taskId":"` + id + `","commandType":"vpcPeeringGetRequest","status":"processing-completed",` +
		`"timestamp":"2024-04-15T10:19:07.331898Z","response":` + response + `}`
}

// Helpers over production code that only tests need.

// decodeTask decodes a task document leniently.
func decodeTask(b []byte) (*taskState, error) {
	var t taskState
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("decoding task: %w", err)
	}
	return &t, nil
}

// waitForTask polls a task until it completes, fails or ctx ends; label
// names the operation in log lines.
func (c *Client) waitForTask(ctx context.Context, id, label string) (*taskState, error) {
	return c.waitTask(ctx, &taskState{ID: id}, label, time.Now(), nil)
}

// isPeeringNotFound reports whether err says that a peering does not exist
// (as opposed to its subscription).
func isPeeringNotFound(err error) bool {
	return isA[*peeringNotFoundError](err) || HasErrorType(err, errPeeringNotFound, errActiveActivePeeringNotFound)
}

// isListShape reports whether err is a list answer of an unknown form.
func isListShape(err error) bool { return isA[*ListShapeError](err) }

// statusCode is the leading number of Status ("404 NOT_FOUND" gives 404), or 0.
func (e *TaskError) statusCode() int {
	fields := strings.Fields(e.Status)
	if len(fields) == 0 {
		return 0
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil {
		return 0
	}
	return n
}

// MarshalJSON writes the number, or null.
func (f flexInt) MarshalJSON() ([]byte, error) {
	if !f.Valid {
		return []byte("null"), nil
	}
	return []byte(strconv.Itoa(f.Value)), nil
}
