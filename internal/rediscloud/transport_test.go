package rediscloud_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// TestSecret_errorBodyEchoingKeys: an answer that repeats the request's
// headers (a misconfigured gateway, a debugging proxy) must not carry the
// keys into an error message.
func TestSecret_errorBodyEchoingKeys(t *testing.T) {
	t.Parallel()
	apiKey, secretKey := acctest.RandomKey(t, "ak"), acctest.RandomKey(t, "sk")
	leaks := acctest.NewSecretChecker(t, map[string]string{"API key": apiKey, "secret key": secretKey})
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest, http.StatusInternalServerError} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"error":"invalid credentials x-api-key=%s x-api-secret-key=%s"}`, r.Header.Get("x-api-key"), r.Header.Get("x-api-secret-key"))
		}))
		c, err := rediscloud.New(rediscloud.Config{
			BaseURL: srv.URL + "/v1", APIKey: apiKey, SecretKey: secretKey,
			MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetSubscription(context.Background(), 1001)
		srv.Close()
		if err == nil {
			t.Fatalf("HTTP %d: no error", status)
		}
		if !strings.Contains(err.Error(), "invalid credentials") {
			t.Errorf("HTTP %d: the error lost the API's message: %v", status, err)
		}
		leaks.Check(fmt.Sprintf("the error of an HTTP %d answer", status), err.Error())
	}
}

// TestTransport_parseBaseURL: https anywhere, http only to a loopback host.
func TestTransport_parseBaseURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		url  string
		want string // "" accepts; otherwise part of the error
	}{
		{"https://api.redislabs.com/v1", ""},
		{"https://api.example.com:8443/v1/", ""},
		{"https://10.0.0.1/v1", ""},
		{"http://127.0.0.1:8080/v1", ""},
		{"http://localhost:8080/v1", ""},
		{"http://LOCALHOST/v1", ""},
		{"http://[::1]:8080/v1", ""},
		{"http://127.9.9.9/v1", ""},
		{"http://api.redislabs.com/v1", `plain http:// is accepted only for a loopback host (a local simulator), not "api.redislabs.com": use https://`},
		{"HTTP://api.redislabs.com/v1", `not "api.redislabs.com": use https://`},
		{"http://example.com:80/v1", `not "example.com"`},
		{"http://10.0.0.1/v1", `not "10.0.0.1"`},
		{"http://192.168.0.10/v1", `not "192.168.0.10"`},
		{"http://0.0.0.0:8080/v1", `not "0.0.0.0"`},
		{"http://[::]:8080/v1", `not "::"`},
		{"http://127.0.0.1.nip.io/v1", `not "127.0.0.1.nip.io"`},
		{"http://localhost.example.com/v1", `not "localhost.example.com"`},
		{"http://127.1/v1", `not "127.1"`},
		{"ftp://api.redislabs.com/v1", `scheme "ftp" is not supported: use https://`},
		{"ws://localhost/v1", `scheme "ws" is not supported`},
		{"//api.redislabs.com/v1", `scheme "" is not supported`},
		{"api.redislabs.com/v1", `is not an absolute URL`},
		{"https://user:pass@api.redislabs.com/v1", `the URL must not contain credentials`},
		{"http://user@localhost/v1", `the URL must not contain credentials`},
	} {
		_, err := rediscloud.ParseBaseURL(c.url)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("ParseBaseURL(%q): %v", c.url, err)
		case c.want != "" && err == nil:
			t.Errorf("ParseBaseURL(%q) accepted it, want an error with %q", c.url, c.want)
		case c.want != "" && !strings.Contains(err.Error(), c.want):
			t.Errorf("ParseBaseURL(%q) = %q, want it to contain %q", c.url, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "pass@") {
			t.Errorf("ParseBaseURL(%q) repeats the credentials: %v", c.url, err)
		}
		// The client applies the same rule.
		_, nerr := rediscloud.New(rediscloud.Config{BaseURL: c.url, APIKey: "a", SecretKey: "b"})
		if (nerr == nil) != (err == nil) {
			t.Errorf("New with %q: %v, ParseBaseURL: %v", c.url, nerr, err)
		}
	}
}

// countingTLSServer is a TLS test server that counts connections and
// requests that reached the handler.
type countingTLSServer struct {
	*httptest.Server
	conns, requests atomic.Int32
}

func newCountingTLSServer(t *testing.T) *countingTLSServer {
	t.Helper()
	s := &countingTLSServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"status":404,"error":"Not Found"}`))
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// TestTransport_tlsVerificationOn: the client refuses a server whose
// certificate it cannot verify (httptest's self-signed one), sends it no
// request (so no key), and does not retry: no retry can fix a certificate.
func TestTransport_tlsVerificationOn(t *testing.T) {
	t.Parallel()
	srv := newCountingTLSServer(t)
	c, err := rediscloud.New(rediscloud.Config{
		BaseURL: srv.URL + "/v1", APIKey: "k", SecretKey: "s",
		MaxRetries: 5, RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = c.GetSubscription(ctx, 1001)
	if err == nil {
		t.Fatal("the client accepted a self-signed certificate")
	}
	var unknownAuthority x509.UnknownAuthorityError
	if !errors.As(err, &unknownAuthority) && !strings.Contains(err.Error(), "certificate") {
		t.Errorf("the error does not say the certificate is not trusted: %v", err)
	}
	if n := srv.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the untrusted server", n)
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("%d connections to the untrusted server, want 1 (no retry)", n)
	}

	// Control: the same server through a client that trusts its
	// certificate is reached, so the refusal above was the verification.
	trusting, err := rediscloud.New(rediscloud.Config{
		BaseURL: srv.URL + "/v1", APIKey: "k", SecretKey: "s", HTTPClient: srv.Client(), MaxRetries: 0,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = trusting.GetSubscription(ctx, 1001)
	if !isHTTP404(err) {
		t.Errorf("through a trusting client: %v, want the server's 404", err)
	}
	// The subscription's 404 and the account list read to explain it.
	if n := srv.requests.Load(); n != 2 {
		t.Errorf("through a trusting client: %d requests, want 2", n)
	}
}

// TestTransport_tlsHostnameChecked: a certificate trusted but issued for
// another name is refused too, without retry.
func TestTransport_tlsHostnameChecked(t *testing.T) {
	t.Parallel()
	srv := newCountingTLSServer(t)
	cert := srv.Certificate()
	for _, name := range cert.DNSNames {
		if name == "localhost" {
			t.Skip("httptest's certificate covers localhost")
		}
	}
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	c, err := rediscloud.New(rediscloud.Config{
		BaseURL: "https://localhost:" + port + "/v1", APIKey: "k", SecretKey: "s", HTTPClient: srv.Client(),
		MaxRetries: 5, RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetSubscription(context.Background(), 1001)
	var hostErr x509.HostnameError
	if !errors.As(err, &hostErr) && !strings.Contains(fmt.Sprint(err), "certificate") {
		t.Fatalf("a certificate for another name: %v, want a hostname error", err)
	}
	if n := srv.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
	if n := srv.conns.Load(); n > 2 {
		t.Errorf("%d connections, want no retry", n)
	}
}

// TestTransport_redirectsStayOnTheAPIHost: net/http copies every custom
// header, the keys included, to wherever a redirect points. A redirect to
// another host (or to plain http) is not followed; one within the API host
// is.
func TestTransport_redirectsStayOnTheAPIHost(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		if r.Header.Get("x-api-key") != "" || r.Header.Get("x-api-secret-key") != "" {
			t.Errorf("the keys were sent to %s", r.Host)
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/subscriptions/1":
			http.Redirect(w, r, other.URL+"/v1/subscriptions/1", http.StatusTemporaryRedirect)
		case "/v1/subscriptions/2":
			http.Redirect(w, r, "/v1/subscriptions/3", http.StatusFound)
		default:
			if r.Header.Get("x-api-key") != "k" {
				t.Errorf("a redirect within the API host lost the key")
			}
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status":404}`))
		}
	}))
	defer api.Close()
	c, err := rediscloud.New(rediscloud.Config{BaseURL: api.URL + "/v1", APIKey: "k", SecretKey: "s", MaxRetries: 2, RetryWaitMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetSubscription(context.Background(), 1)
	if err == nil {
		t.Fatal("a redirect to another host ended without an error")
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the client followed a redirect to another host (%d requests)", n)
	}
	_, err = c.GetSubscription(context.Background(), 2)
	if !isHTTP404(err) {
		t.Errorf("a redirect within the API host: %v, want the 404 it leads to", err)
	}
}

// isHTTP404 reports an error carrying the server's HTTP 404.
func isHTTP404(err error) bool {
	var he *rediscloud.HTTPError
	return errors.As(err, &he) && he.StatusCode == http.StatusNotFound
}

// TestTransport_noTLSVerificationSwitch: no code of the module can turn TLS
// verification off.
func TestTransport_noTLSVerificationSwitch(t *testing.T) {
	t.Parallel()
	root, err := cliharness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		found++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(data), "InsecureSkipVerify") {
			t.Errorf("%s mentions InsecureSkipVerify", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 10 {
		t.Fatalf("only %d Go files under %s", found, root)
	}
}
