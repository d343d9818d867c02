package rediscloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recordedRequest is what a test server saw.
type recordedRequest struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// TestRequestHeadersAndBodies checks the wire form of every call against the
// reference's examples: authentication and content headers on every request,
// the create bodies of both clouds and both kinds, update bodies, and
// bodiless deletes.
func TestRequestHeadersAndBodies(t *testing.T) {
	type call struct {
		name       string
		run        func(ctx context.Context, c *Client) error
		wantMethod string
		wantPath   string
		wantBody   string // "" means no body at all
		noKeys     []string
	}
	aws1 := CreatePeeringRequest{Region: "us-east-1", AWSAccountID: "098765", VPCID: "17", CIDRs: []string{"192.168.0.0/24"}}
	awsN := CreatePeeringRequest{Provider: "AWS", Region: "eu-west-1", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f", CIDRs: []string{"10.10.0.0/16", "10.20.0.0/16"}}
	gcp := CreatePeeringRequest{Provider: "GCP", GCPProjectID: "my-gcp-project", GCPNetworkName: "my-vpc"}
	aaAWS := CreatePeeringRequest{SourceRegion: "us-east-1", Region: "eu-west-2", AWSAccountID: "123456789012", VPCID: "vpc-01234567890", CIDRs: []string{"10.0.10.0/24"}}
	aaGCP := CreatePeeringRequest{Provider: "gcp", SourceRegion: "us-central1", GCPProjectID: "my-gcp-project", GCPNetworkName: "my-gcp-vpc"}
	create := func(kind Kind, r CreatePeeringRequest) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			res, err := c.CreatePeering(ctx, kind, 1, r, CreateOptions{})
			if err == nil && res.ID != 1235 {
				return fmt.Errorf("created ID %d, want 1235", res.ID)
			}
			return err
		}
	}
	cases := []call{
		{
			name: "Pro AWS one CIDR goes in vpcCidr", run: create(Pro, aws1),
			wantMethod: "POST", wantPath: "/v1/subscriptions/1/peerings",
			wantBody: `{ "region": "us-east-1", "awsAccountId": "098765", "vpcId": "17", "vpcCidr": "192.168.0.0/24" }`,
			noKeys:   []string{"provider", "vpcCidrs"},
		},
		{
			name: "Pro AWS several CIDRs go in vpcCidrs", run: create(Pro, awsN),
			wantMethod: "POST", wantPath: "/v1/subscriptions/1/peerings",
			wantBody: `{ "region": "eu-west-1", "awsAccountId": "123456789012", "vpcId": "vpc-0a1b2c3d4e5f", "vpcCidrs": ["10.10.0.0/16", "10.20.0.0/16"] }`,
			noKeys:   []string{"provider", "vpcCidr"},
		},
		{
			name: "Pro GCP", run: create(Pro, gcp),
			wantMethod: "POST", wantPath: "/v1/subscriptions/1/peerings",
			wantBody: `{ "provider": "gcp", "vpcProjectUid": "my-gcp-project", "vpcNetworkName": "my-vpc" }`,
		},
		{
			name: "Active-Active AWS", run: create(ActiveActive, aaAWS),
			wantMethod: "POST", wantPath: "/v1/subscriptions/1/regions/peerings",
			wantBody: `{ "sourceRegion": "us-east-1", "destinationRegion": "eu-west-2", "awsAccountId": "123456789012",
  "vpcId": "vpc-01234567890", "vpcCidr": "10.0.10.0/24" }`,
			noKeys: []string{"provider", "region"},
		},
		{
			name: "Active-Active GCP", run: create(ActiveActive, aaGCP),
			wantMethod: "POST", wantPath: "/v1/subscriptions/1/regions/peerings",
			wantBody: `{ "provider": "gcp", "sourceRegion": "us-central1", "vpcProjectUid": "my-gcp-project", "vpcNetworkName": "my-gcp-vpc" }`,
		},
		{
			name: "update several CIDRs",
			run: func(ctx context.Context, c *Client) error {
				return c.UpdatePeeringCIDRs(ctx, Pro, 1, 5, []string{"10.10.10.0/24", "10.10.20.0/24"})
			},
			wantMethod: "PUT", wantPath: "/v1/subscriptions/1/peerings/5",
			wantBody: `{"vpcCidrs": ["10.10.10.0/24", "10.10.20.0/24"]}`,
		},
		{
			name: "update one CIDR",
			run: func(ctx context.Context, c *Client) error {
				return c.UpdatePeeringCIDRs(ctx, ActiveActive, 1, 5, []string{"10.10.10.0/24"})
			},
			wantMethod: "PUT", wantPath: "/v1/subscriptions/1/regions/peerings/5",
			wantBody: `{"vpcCidr": "10.10.10.0/24"}`,
		},
		{
			name:       "delete Pro",
			run:        func(ctx context.Context, c *Client) error { return c.DeletePeering(ctx, Pro, 1, 5) },
			wantMethod: "DELETE", wantPath: "/v1/subscriptions/1/peerings/5",
		},
		{
			name:       "delete Active-Active",
			run:        func(ctx context.Context, c *Client) error { return c.DeletePeering(ctx, ActiveActive, 1, 5) },
			wantMethod: "DELETE", wantPath: "/v1/subscriptions/1/regions/peerings/5",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []recordedRequest
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				seen = append(seen, recordedRequest{r.Method, r.URL.Path, r.Header.Clone(), body})
				mu.Unlock()
				switch {
				case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/tasks/"):
					writeJSON(w, http.StatusOK, refCreateCompleted)
				case r.Method == http.MethodGet && r.URL.Path == "/v1/subscriptions/1":
					writeJSON(w, http.StatusOK, refSubscription)
				case r.Method == http.MethodGet:
					t.Errorf("unexpected GET %s", r.URL.Path)
					w.WriteHeader(http.StatusNotFound)
				default:
					writeJSON(w, http.StatusAccepted, refInitialReply)
				}
			}))
			c := newTestClient(t, srv, nil)
			if err := tc.run(context.Background(), c); err != nil {
				t.Fatalf("call failed: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			var mutation *recordedRequest
			for i := range seen {
				r := &seen[i]
				for name, want := range map[string]string{
					"x-api-key":        testAPIKey,
					"x-api-secret-key": testSecretKey,
					"Content-Type":     "application/json",
					"Accept":           "application/json",
					"User-Agent":       testUserAgent,
				} {
					if got := r.Header.Get(name); got != want {
						t.Errorf("%s %s: header %s = %q, want %q", r.Method, r.Path, name, got, want)
					}
				}
				if r.Method == tc.wantMethod {
					if mutation != nil {
						t.Errorf("%s sent twice", tc.wantMethod)
					}
					mutation = r
				} else if len(r.Body) != 0 {
					t.Errorf("%s %s carries a body %q", r.Method, r.Path, r.Body)
				}
			}
			if mutation == nil {
				t.Fatalf("no %s request among %d", tc.wantMethod, len(seen))
			}
			if mutation.Path != tc.wantPath {
				t.Errorf("path %s, want %s", mutation.Path, tc.wantPath)
			}
			if tc.wantBody == "" {
				if len(mutation.Body) != 0 {
					t.Errorf("body %q, want none", mutation.Body)
				}
				return
			}
			if !jsonEqual(t, mutation.Body, tc.wantBody) {
				t.Errorf("body %s\nwant %s", mutation.Body, tc.wantBody)
			}
			for _, k := range tc.noKeys {
				if strings.Contains(string(mutation.Body), `"`+k+`"`) {
					t.Errorf("body %s has key %q", mutation.Body, k)
				}
			}
		})
	}
}

func TestParseBaseURL(t *testing.T) {
	cases := []struct {
		raw     string
		want    string // the normalised URL, when accepted
		wantErr string // a fragment of the error, when refused
	}{
		{raw: "https://api.redislabs.com/v1", want: "https://api.redislabs.com/v1"},
		{raw: " https://api.redislabs.com/v1/ ", want: "https://api.redislabs.com/v1"},
		// A query string or fragment may carry keys: refused, never shown.
		{raw: "https://api.redislabs.com/v1?x=1#f", wantErr: "query string"},
		{raw: "https://api.redislabs.com/v1?api_key=sekret", wantErr: "not shown"},
		{raw: "https://api.redislabs.com/v1#frag", wantErr: "fragment"},
		{raw: "https://api.redislabs.com/v1?", wantErr: "query string"},
		{raw: "https://api.redislabs.com/v1//", want: "https://api.redislabs.com/v1"},
		{raw: "http://[::1]://", want: "http://[::1]:"},
		{raw: "http://127.0.0.1:8080/v1", want: "http://127.0.0.1:8080/v1"},
		{raw: "http://localhost:8080/v1", want: "http://localhost:8080/v1"},
		{raw: "http://LOCALHOST/v1", want: "http://LOCALHOST/v1"},
		{raw: "http://[::1]:9000/v1", want: "http://[::1]:9000/v1"},
		{raw: "http://127.0.0.2/v1", want: "http://127.0.0.2/v1"},
		{raw: "http://api.redislabs.com/v1", wantErr: "loopback"},
		{raw: "http://10.0.0.1/v1", wantErr: "loopback"},
		{raw: "http://localhost.example.com/v1", wantErr: "loopback"},
		{raw: "http://[::2]/v1", wantErr: "loopback"},
		{raw: "https://user:pass@api.redislabs.com/v1", wantErr: "credentials"},
		{raw: "http://user@localhost/v1", wantErr: "credentials"},
		{raw: "api.redislabs.com/v1", wantErr: "absolute"},
		{raw: "/v1", wantErr: "absolute"},
		{raw: "", wantErr: "absolute"},
		{raw: "ftp://api.redislabs.com/v1", wantErr: "https://"},
		{raw: "https://api.redislabs.com/%zz", wantErr: "not a valid URL"},
		{raw: "https://key:pass@api.redislabs.com/%zz", wantErr: "not a valid URL"},
		{raw: "key:pass@api.redislabs.com/v1", wantErr: "not an absolute URL"},
	}
	for _, tc := range cases {
		u, err := ParseBaseURL(tc.raw)
		if tc.wantErr != "" {
			if err == nil {
				t.Errorf("%q accepted as %v", tc.raw, u)
			} else if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %q does not mention %q", tc.raw, err, tc.wantErr)
			}
			if err != nil && (strings.Contains(err.Error(), "pass") || strings.Contains(err.Error(), "sekret")) {
				t.Errorf("%q: error %q repeats the password", tc.raw, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q refused: %v", tc.raw, err)
			continue
		}
		if u.String() != tc.want {
			t.Errorf("%q parsed as %q, want %q", tc.raw, u, tc.want)
		}
	}
	if _, err := New(Config{BaseURL: "http://api.redislabs.com/v1", APIKey: "a", SecretKey: "b"}); err == nil {
		t.Error("New accepted plain http to a remote host")
	}
	if _, err := New(Config{APIKey: "a"}); err == nil {
		t.Error("New accepted a missing secret key")
	}
	for _, keys := range [][2]string{{"AKEY9f3\n", "SKEY77b"}, {"AKEY9f3", "SKEY77b\r"}, {"AKE\x00Y9f3", "SKEY77b"}, {"AKEY9f3", "SKE\tY77b"}} {
		_, err := New(Config{APIKey: keys[0], SecretKey: keys[1]})
		if err == nil || !strings.Contains(err.Error(), "control character") {
			t.Errorf("New accepted keys %q: %v", keys, err)
		} else if strings.Contains(err.Error(), "9f3") || strings.Contains(err.Error(), "77b") {
			t.Errorf("the error repeats a key: %v", err)
		}
	}
}

// trackedBody records whether a response body was closed.
type trackedBody struct {
	io.ReadCloser
	closed *atomic.Bool
}

func (b trackedBody) Close() error {
	b.closed.Store(true)
	return b.ReadCloser.Close()
}

// cancelOnResponse ends the request's context just after its answer arrived.
type cancelOnResponse struct {
	next   http.RoundTripper
	cancel context.CancelFunc
	closed atomic.Bool
}

func (c *cancelOnResponse) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		resp.Body = trackedBody{resp.Body, &c.closed}
	}
	c.cancel()
	return resp, err
}

func (c *cancelOnResponse) CloseIdleConnections() {
	c.next.(*http.Transport).CloseIdleConnections()
}

// TestResponseReleasedWhenContextEndsAfterAnswer: the retrying client hands
// back the last response together with the context's error; its body must
// still be closed, or its connection stays busy.
func TestResponseReleasedWhenContextEndsAfterAnswer(t *testing.T) {
	for _, status := range []int{200, 503} {
		srv, _ := scriptedServer(t, []step{{status: status, body: `{"id":1}`}})
		ctx, cancel := context.WithCancel(context.Background())
		rt := &cancelOnResponse{next: newTransport(30 * time.Second), cancel: cancel}
		c := newTestClient(t, srv, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: rt} })
		err := c.do(ctx, request{method: http.MethodGet, path: "/subscriptions/1", op: "get subscription"}, &map[string]any{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("status %d: error %v, want context.Canceled", status, err)
		}
		if !rt.closed.Load() {
			t.Errorf("status %d: the response body was left open", status)
		}
	}
}

// A zero limit and zero retries mean what a user means by them; negative
// values are refused; DefaultConfig holds the defaults.
func TestConfigZeroValues(t *testing.T) {
	def := DefaultConfig()
	if def.RequestsPerMinute != DefaultRequestsPerMinute || def.MaxRetries != DefaultMaxRetries || def.PollFirst != time.Second {
		t.Errorf("DefaultConfig = %+v", def)
	}
	cfg := DefaultConfig()
	cfg.APIKey, cfg.SecretKey = "a", "b"
	c, err := New(cfg)
	if err != nil || c.limiter == nil || c.safe.RetryMax != DefaultMaxRetries {
		t.Fatalf("defaults: %v, limiter %v, retries %d", err, c.limiter != nil, c.safe.RetryMax)
	}
	cfg.RequestsPerMinute, cfg.MaxRetries = 0, 0
	c, err = New(cfg)
	if err != nil || c.limiter != nil || c.safe.RetryMax != 0 || c.unsafe.RetryMax != 0 {
		t.Fatalf("zeros: %v, limiter %v, retries %d", err, c.limiter != nil, c.safe.RetryMax)
	}
	for _, bad := range []Config{{RequestsPerMinute: -1}, {MaxRetries: -1}} {
		bad.APIKey, bad.SecretKey = "a", "b"
		if _, err := New(bad); err == nil || !strings.Contains(err.Error(), "0 or more") {
			t.Errorf("New(%+v) = %v, want a refusal", bad, err)
		}
	}
}
