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
	read := operation{verb: "Reading", spec: proSpec, sub: 1001, peering: 5, timeout: 10 * time.Minute, timeoutName: "read"}
	create := operation{verb: "Creating", spec: proSpec, sub: 1001, timeout: 30 * time.Minute, timeoutName: "create"}
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
