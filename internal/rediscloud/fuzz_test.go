package rediscloud

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// The fuzz targets below are seeded with the reference's wire examples and
// check that decoding never panics and keeps its promises on any input.

func FuzzDecodeTask(f *testing.F) {
	for _, seed := range []string{
		refInitialReply, refCreateCompleted, refGCPListTask, refTaskError,
		completedTask("l", refAWSListResponse),
		`{"taskId":"a","status":"processing-error","response":{"error":"VPC_PEERING_INVALID_CIDR"}}`,
		`{"taskId":"a","status":"processing-completed","response":{"resourceId":"12","error":null}}`,
		`{"taskId":"a","status":"processing-completed","timestamp":"2023-06-21T13:51:50.571+0000","response":{"resourceId":1.0}}`,
		`{"taskId":"a","status":"cancelled"}`,
		`null`, `{}`, `[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		task, err := decodeTask(b)
		if err != nil {
			if task != nil {
				t.Fatal("a task returned with an error")
			}
			return
		}
		body := task.Response.Error
		for _, k := range []Kind{Pro, ActiveActive} {
			_, _ = decodePeeringList(k, 1, task.Response.Resource)
		}
		if isPending(task.Status) && body == nil {
			return
		}
		got, ferr := finishTask(task)
		if got != task {
			t.Fatal("finishTask did not return its task")
		}
		if ferr == nil {
			if task.Status != taskProcessingCompleted || body != nil {
				t.Fatalf("status %q with error %+v accepted", task.Status, body)
			}
			return
		}
		var te *TaskError
		if !errors.As(ferr, &te) || te.TaskID != task.ID || TaskID(ferr) != task.ID {
			t.Fatalf("failure %v is not a TaskError for %q", ferr, task.ID)
		}
		if body != nil && te.Type != body.Type {
			t.Fatalf("type %q lost (%q)", body.Type, te.Type)
		}
		_ = ferr.Error()
		_ = te.statusCode()
		_ = IsNotFound(ferr)
		_ = IsTransient(ferr)
	})
}

func FuzzDecodePeeringList(f *testing.F) {
	f.Add(false, []byte(resourceOfDoc(refGCPListTask)))
	f.Add(false, []byte(resourceOfDoc(`{"response":`+refAWSListResponse+`}`)))
	f.Add(true, []byte(refAAListResource))
	f.Add(false, []byte(`{"peerings":[{"vpcPeeringId":"1","vpcUid":"vpc-1","awsAccountId":12,"vpcCidrs":[{"vpcCidr":"10.1.0.0/16","active":true},"10.0.0.0/16",{"vpcCidr":"10.2.0.0/16","status":"active"}]}]}`))
	f.Add(false, []byte(`[{"vpcPeeringId":3,"provider":"gcp","projectUid":"p","networkName":"n"}]`))
	f.Add(true, []byte(`{"regions":[{"regionId":4,"regionName":"eu-west-1","vpcPeerings":[{"id":"12","vpcNetworkName":"n"}]}]}`))
	f.Add(true, []byte(`null`))
	f.Fuzz(func(t *testing.T, aa bool, raw []byte) {
		kind := Pro
		if aa {
			kind = ActiveActive
		}
		list, err := decodePeeringList(kind, 7, raw)
		if err != nil {
			if list != nil {
				t.Fatal("a list returned with an error")
			}
			return
		}
		for i, p := range list.peerings {
			if p.Kind != kind || p.SubscriptionID != 7 {
				t.Fatalf("peering %+v of the wrong kind or subscription", p)
			}
			if p.Provider != ProviderAWS && p.Provider != ProviderGCP {
				t.Fatalf("provider %q", p.Provider)
			}
			if !slices.IsSorted(p.CIDRs) || len(slices.Compact(slices.Clone(p.CIDRs))) != len(p.CIDRs) || slices.Contains(p.CIDRs, "") {
				t.Fatalf("CIDRs %q not sorted, unique and non-empty", p.CIDRs)
			}
			if i > 0 && list.peerings[i-1].ID > p.ID {
				t.Fatal("list not sorted by ID")
			}
		}
	})
}

// resourceOfDoc extracts response.resource without a testing.T.
func resourceOfDoc(doc string) string {
	var w struct {
		Response struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"response"`
	}
	_ = json.Unmarshal([]byte(doc), &w)
	return string(w.Response.Resource)
}

func FuzzTaskErrorBody(f *testing.F) {
	for _, seed := range []string{
		`{ "type": "SUBSCRIPTION_NOT_ACTIVE", "status": "403 FORBIDDEN", "description": "Cannot preform any actions for subscription that is not in an active state" }`,
		`"VPC_PEERING_NOT_FOUND"`,
		`{"type":"X","status":404,"description":null}`,
		`null`, `{}`, `""`, `42`, `[]`,
		refSpringError,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var e taskErrorBody
		err := json.Unmarshal(b, &e)
		var s string
		if err == nil && json.Unmarshal(b, &s) == nil && e.Type != s {
			t.Fatalf("string error %q decoded as type %q", s, e.Type)
		}
		var wrapper struct {
			Error *taskErrorBody `json:"error"`
		}
		_ = json.Unmarshal(append(append([]byte(`{"error":`), b...), '}'), &wrapper)
		te := &TaskError{Type: e.Type, Status: e.Status, Description: e.Description}
		_ = te.Error()
		_ = te.statusCode()
	})
}

func FuzzFlexInt(f *testing.F) {
	for _, seed := range []string{`1235`, `"1235"`, `12356`, `1235.0`, `" 7 "`, `null`, `""`, `-1`, `1e3`, `"x"`, `true`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v flexInt
		if err := v.UnmarshalJSON(b); err != nil {
			return
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var back flexInt
		if err := json.Unmarshal(out, &back); err != nil || back != v {
			t.Fatalf("%s decoded as %+v, which round-trips as %s → %+v (%v)", b, v, out, back, err)
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"", "0", "1", "120", "300", "9223372037", "-5", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT",
		time.Now().Add(time.Minute).UTC().Format(http.TimeFormat), "Mon, 01 Jan 9999 00:00:00 GMT"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v)
		if !ok {
			if d != 0 {
				t.Fatalf("%q: not ok but %v", v, d)
			}
			return
		}
		if d < 0 || d > maxRetryAfter {
			t.Fatalf("%q gives %v, outside [0, %v]", v, d, maxRetryAfter)
		}
	})
}

func FuzzParseBaseURL(f *testing.F) {
	for _, seed := range []string{DefaultBaseURL, "https://api.redislabs.com/v1/", "http://127.0.0.1:8080/v1", "http://localhost/v1",
		"http://[::1]:9000/v1", "http://api.redislabs.com/v1", "https://user:pass@api.redislabs.com/v1", "api.redislabs.com/v1",
		"key:pass@api.redislabs.com", "https://k:p@h/%zz", "", "ftp://x", "http://0x7f.1/v1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseBaseURL(raw)
		if err != nil {
			if u != nil {
				t.Fatal("a URL returned with an error")
			}
			if strings.Contains(raw, "@") && len(raw) > 3 && strings.Contains(err.Error(), raw) {
				t.Fatalf("error %q repeats a URL that may hold credentials", err)
			}
			return
		}
		if u.User != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(u.Path, "/") {
			t.Fatalf("%q accepted as %#v", raw, u)
		}
		switch u.Scheme {
		case "https":
		case "http":
			if !isLoopbackHost(u.Hostname()) {
				t.Fatalf("plain http to %q accepted", u.Hostname())
			}
		default:
			t.Fatalf("scheme %q accepted", u.Scheme)
		}
		if _, err := url.Parse(u.String()); err != nil {
			t.Fatalf("accepted URL %q does not parse again: %v", u, err)
		}
	})
}
