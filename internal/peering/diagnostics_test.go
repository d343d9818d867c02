package peering

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// The advice fits what happened: a timeout while rate-limited says so; a
// read that timed out changed nothing; an answer that cannot be decoded is
// no passing fault.
func TestDiagnosticAdvice(t *testing.T) {
	keep := func(s string) string { return s }
	read := operation{phase: reading, spec: proSpec, sub: 1001, peering: 5, timeout: 10 * time.Minute, redact: keep}
	create := operation{phase: creating, spec: proSpec, sub: 1001, timeout: 30 * time.Minute, redact: keep}
	cases := []struct {
		name       string
		op         operation
		err        error
		want, dont []string
	}{
		{
			name: "timeout while rate-limited",
			op:   create,
			err:  &rediscloud.RateLimitedError{Op: "create peering", Refusals: 7, Waited: 95 * time.Second, Err: context.DeadlineExceeded},
			want: []string{"429 Too Many Requests 7 times over 1m35s", "timeouts.create", "shared by every pipeline", "requests_per_minute"},
			dont: []string{"may still be working", "context deadline exceeded."},
		},
		{
			name: "a read that timed out",
			op:   read,
			err:  fmt.Errorf("list peerings: %w", context.DeadlineExceeded),
			want: []string{"did not finish within 10m0s (timeouts.read)", "Nothing was changed", `timeouts { read = "20m" }`},
			dont: []string{"may still be working"},
		},
		{
			name: "a create that timed out",
			op:   create,
			err:  fmt.Errorf("create peering: %w", context.DeadlineExceeded),
			want: []string{"may still be working"},
		},
		{
			name: "an answer that cannot be decoded",
			op:   read,
			err:  &rediscloud.DecodeError{Op: "list peerings", Err: errors.New("decoding peering list: unexpected end of JSON input")},
			want: []string{"could not be decoded"},
			dont: []string{"passing fault"},
		},
		{
			// net/http reports a header timeout as context.DeadlineExceeded.
			name: "headers that never come",
			op:   read,
			err: fmt.Errorf("list peerings: %w", &rediscloud.StalledError{Method: "GET", URL: "https://api.example/v1/subscriptions/1001/peerings",
				Phase: "waiting for the answer's headers", Err: fmt.Errorf("net/http: timeout awaiting response headers: %w", context.DeadlineExceeded)}),
			want: []string{"stopped answering GET https://api.example/v1/subscriptions/1001/peerings while waiting for the answer's headers", "check the network path"},
			dont: []string{"did not finish within", "timeouts.read", "passing fault"},
		},
		{
			// The body stall cancels the request's own context.
			name: "a body that stalls",
			op:   read,
			err: &rediscloud.StalledError{Method: "GET", URL: "https://api.example/v1/tasks/t", Phase: "reading the answer (23 bytes received)",
				Idle: 30 * time.Second, Err: context.Canceled},
			want: []string{"stopped answering", "nothing arrived for 30s"},
			dont: []string{"interrupted", "passing fault"},
		},
		{
			name: "a subscription status that never becomes active",
			op:   create,
			err:  &rediscloud.SubscriptionStateError{ID: 1001, Status: "error"},
			want: []string{`Subscription 1001 is "error"`, "Only a pending subscription becomes active by itself"},
			dont: []string{"passing fault"},
		},
		{
			name: "an answer too large",
			op:   read,
			err:  &rediscloud.TooLargeError{Op: "list peerings", Limit: 32 << 20, Size: 40 << 20},
			want: []string{"answer too large (41943040 bytes"},
			dont: []string{"passing fault"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			detail := tc.op.describe(tc.err, tc.op.defaultAdvice(tc.err))
			for _, w := range tc.want {
				if !strings.Contains(detail, w) {
					t.Errorf("the detail does not say %q:\n%s", w, detail)
				}
			}
			for _, d := range tc.dont {
				if strings.Contains(detail, d) {
					t.Errorf("the detail says %q:\n%s", d, detail)
				}
			}
		})
	}
}

// Diagnostics show the API's texts with the keys hidden, whatever error
// carries them; a list of unknown form says that it proves nothing and, for
// a resource, that nothing was removed from state.
func TestDiagnosticsHideKeys(t *testing.T) {
	const apiKey, secretKey = "account-key-0123456789", "secret-key-abcdefghij"
	cfg := rediscloud.DefaultConfig()
	cfg.APIKey, cfg.SecretKey = apiKey, secretKey
	c, err := rediscloud.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	echo := "echo " + apiKey + " " + secretKey
	read := operation{phase: reading, spec: activeActiveSpec, sub: 2001, peering: 5, timeout: time.Minute, redact: c.Redact}
	list := operation{phase: reading, dataSource: true, spec: proSpec, sub: 1001, timeout: time.Minute, redact: c.Redact}
	shape := &rediscloud.ListShapeError{Source: "the completed list task t-1 (GET /v1/subscriptions/2001/regions/peerings)",
		Missing: "resource.regions array", Found: `resource has only the keys "` + apiKey + `"`}
	cases := []struct {
		name string
		op   operation
		err  error
		want []string
	}{
		{"task error", read, &rediscloud.TaskError{TaskID: "t-1", Type: "GENERAL_ERROR", Status: echo, Description: echo}, []string{"GENERAL_ERROR", "Task ID: t-1"}},
		{"HTTP error", read, &rediscloud.HTTPError{Method: "GET", URL: "https://api/v1/x", StatusCode: 500, Body: echo}, []string{"HTTP 500"}},
		{"subscription state", read, &rediscloud.SubscriptionStateError{ID: 2001, Status: echo}, []string{"Subscription 2001"}},
		{"failed peering", read, &rediscloud.PeeringFailedError{Peering: rediscloud.Peering{Status: echo}}, []string{"reports the peering as"}},
		{"list of unknown form, resource", read, shape, []string{
			"not in the documented form", "GET /v1/subscriptions/2001/regions/peerings", "task t-1",
			"lacks the documented resource.regions array", "nothing was removed from state"}},
		{"list of unknown form, data source", list, shape, []string{"not in the documented form", "Only a list in that form can show that a peering is gone."}},
		{"any other error", read, errors.New(echo), []string{"echo"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.op.describe(tc.err, "")
			if strings.Contains(got, apiKey) || strings.Contains(got, secretKey) || !strings.Contains(got, "(redacted)") {
				t.Errorf("detail does not hide the keys:\n%s", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("detail lacks %q:\n%s", w, got)
				}
			}
			if tc.op.dataSource && strings.Contains(got, "state") {
				t.Errorf("a data source's detail speaks of state:\n%s", got)
			}
		})
	}
}
