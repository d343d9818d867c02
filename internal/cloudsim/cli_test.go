package cloudsim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunCommand(t *testing.T) {
	seedFile := filepath.Join(t.TempDir(), "seed.json")
	seed := `{"subscriptions":[{"id":77,"name":"mine","regions":[{"region":"us-west-2","deploymentCIDR":"172.31.0.0/24"}]}]}`
	if err := os.WriteFile(seedFile, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- RunCommand(ctx, []string{
			"-listen", "127.0.0.1:0", "-task-latency", "10ms", "-transition-latency", "20ms", "-rate-limit", "7",
			"-seed", seedFile, "-faults", `{"taskNotFoundPolls":1}`, "-api-key", "k1", "-secret-key", "s1",
		}, outW, stderr)
		_ = outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	var out []string
	for range 3 {
		if !lines.Scan() {
			t.Fatalf("stdout ended early: %v; stderr: %s", out, stderr)
		}
		out = append(out, lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/v1$`).MatchString(out[0]) || out[1] != "api_key=k1" || out[2] != "secret_key=s1" {
		t.Fatalf("stdout %q", out)
	}
	base := out[0]
	root := strings.TrimSuffix(base, "/v1")

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	get := func(url string, auth bool) (int, http.Header, []byte) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if auth {
			req.Header.Set("x-api-key", "k1")
			req.Header.Set("x-api-secret-key", "s1")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, body
	}
	code, header, body := get(base+"/subscriptions/77", true)
	var sub refSubscription
	if err := json.Unmarshal(body, &sub); err != nil || code != http.StatusOK || sub.Name != "mine" ||
		sub.CloudDetails[0].Regions[0].Networking[0].DeploymentCIDR != "172.31.0.0/24" {
		t.Fatalf("seeded subscription: %d %+v %v", code, sub, err)
	}
	if header.Get("X-Rate-Limit-Remaining") != "6" {
		t.Errorf("rate limit flag: %v", header)
	}
	if code, _, _ := get(base+"/subscriptions/1001", true); code != http.StatusNotFound {
		t.Errorf("the seed replaces the defaults: %d", code)
	}
	if code, _, _ := get(base+"/subscriptions/77", false); code != http.StatusUnauthorized {
		t.Errorf("keys: %d", code)
	}
	var cfg Config
	_, _, body = get(root+"/__sim/config", false)
	_ = json.Unmarshal(body, &cfg)
	if cfg != (Config{Profile: ProfileInstant, TaskLatency: Duration(10 * time.Millisecond), TransitionLatency: Duration(20 * time.Millisecond), RateLimit: 7,
		ChangeConflict: ChangeConflictOff}) {
		t.Errorf("config %+v", cfg)
	}
	var f Faults
	_, _, body = get(root+"/__sim/faults", false)
	_ = json.Unmarshal(body, &f)
	if f != (Faults{TaskNotFoundPolls: 1}) {
		t.Errorf("faults %+v", f)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no shutdown")
	}
	if log := stderr.String(); !strings.Contains(log, "GET /v1/subscriptions/77 -> 200") || !strings.Contains(log, "shutting down") {
		t.Errorf("stderr log: %s", log)
	}
}

// startCommand runs RunCommand with args until the test ends and returns
// the server root (where /__sim lives).
func startCommand(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- RunCommand(ctx, append([]string{"-quiet"}, args...), outW, stderr)
		_ = outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatalf("no URL on stdout; stderr: %s", stderr)
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	return strings.TrimSuffix(lines.Text(), "/v1")
}

// getJSON decodes a control endpoint's answer strictly.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	strictDecode(t, body, v)
}

func TestRunCommandProfile(t *testing.T) {
	realistic := RealisticProfile()
	tests := []struct {
		name   string
		args   []string
		want   Config
		faults Faults
	}{
		{"default is instant", nil, InstantProfile(), Faults{}},
		{"realistic", []string{"-profile", "realistic"}, realistic, Faults{}},
		{"explicit flags override the profile, zeros included",
			[]string{"-profile", "realistic", "-task-latency", "1s", "-task-not-found-for", "0s", "-cidr-apply-latency", "0s", "-rate-limit", "0",
				"-count-refused=false", "-omit-retry-after=false", "-change-conflict", "off"},
			Config{Profile: "realistic", TaskLatency: Duration(time.Second), TransitionLatency: realistic.TransitionLatency, ChangeConflict: ChangeConflictOff}, Faults{}},
		{"the other form of change conflicts", []string{"-profile", "realistic", "-change-conflict", "task"},
			func() Config { c := realistic; c.ChangeConflict = ChangeConflictTask; return c }(), Faults{}},
		{"instant with the strict settings", []string{"-change-conflict", "429", "-count-refused", "-cidr-apply-latency", "2s"},
			Config{Profile: "instant", RateLimit: 400, CountRefused: true, CIDRApplyLatency: Duration(2 * time.Second), ChangeConflict: ChangeConflict429}, Faults{}},
		{"flag order does not matter", []string{"-transition-latency", "5s", "-profile", "realistic"},
			func() Config { c := realistic; c.TransitionLatency = Duration(5 * time.Second); return c }(), Faults{}},
		{"instant with the new flags", []string{"-task-not-found-for", "3s", "-omit-retry-after", "-tasks-bare-array"},
			Config{Profile: "instant", TaskNotFoundFor: Duration(3 * time.Second), RateLimit: 400, OmitRetryAfter: true, TasksBareArray: true,
				ChangeConflict: ChangeConflictOff}, Faults{}},
		{"faults beside a profile", []string{"-profile", "realistic", "-faults", `{"taskNotFoundFor":"10s","error5xxRate":0.1}`},
			realistic, Faults{TaskNotFoundFor: Duration(10 * time.Second), Error5xxRate: 0.1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := startCommand(t, tc.args...)
			var cfg Config
			getJSON(t, root+"/__sim/config", &cfg)
			if cfg != tc.want {
				t.Errorf("config %+v, want %+v", cfg, tc.want)
			}
			var f Faults
			getJSON(t, root+"/__sim/faults", &f)
			if f != tc.faults {
				t.Errorf("faults %+v, want %+v", f, tc.faults)
			}
		})
	}
}

func TestRunCommandErrors(t *testing.T) {
	badSeed := filepath.Join(t.TempDir(), "bad.json")
	_ = os.WriteFile(badSeed, []byte(`{"subscriptions":[{"id":1,"regions":[]}]}`), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"wildcard listen", []string{"-listen", "0.0.0.0:0"}, "not a loopback"},
		{"empty host", []string{"-listen", ":0"}, "not a loopback"},
		{"lan address", []string{"-listen", "192.168.1.5:8080"}, "not a loopback"},
		{"bad listen", []string{"-listen", "nonsense"}, "-listen"},
		{"bad faults", []string{"-faults", `{"error5xxRate":3}`}, "error5xxRate"},
		{"unknown fault", []string{"-faults", `{"boom":1}`}, "unknown field"},
		{"missing seed", []string{"-seed", "/nonexistent/seed.json"}, "no such file"},
		{"bad seed", []string{"-seed", badSeed}, "exactly one region"},
		{"negative latency", []string{"-task-latency", "-1s"}, "negative"},
		{"negative task-not-found-for", []string{"-task-not-found-for", "-1s"}, "negative"},
		{"negative cidr-apply-latency", []string{"-cidr-apply-latency", "-1s"}, "negative"},
		{"unknown change conflict", []string{"-change-conflict", "409"}, `-change-conflict: changeConflict must be "off", "429" or "task", got "409"`},
		{"negative taskNotFoundFor fault", []string{"-faults", `{"taskNotFoundFor":"-3s"}`}, "taskNotFoundFor"},
		{"unknown profile", []string{"-profile", "slow"}, `profile must be "instant" or "realistic"`},
		{"empty profile", []string{"-profile", ""}, "-profile"},
		{"stray argument", []string{"extra"}, "unexpected arguments"},
		{"unknown flag", []string{"-nope"}, "not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := RunCommand(context.Background(), tc.args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to mention %q", err, tc.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout on failure: %q", stdout.String())
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if err := RunCommand(context.Background(), []string{"-h"}, &stdout, &stderr); !errors.Is(err, flag.ErrHelp) ||
		!strings.Contains(stderr.String(), "-rate-limit") ||
		!strings.Contains(stderr.String(), "-profile") || !strings.Contains(stderr.String(), "-task-not-found-for") ||
		!strings.Contains(stderr.String(), "-change-conflict") || !strings.Contains(stderr.String(), "-count-refused") ||
		!strings.Contains(stderr.String(), "-cidr-apply-latency") {
		t.Errorf("help: %v %s", err, stderr.String())
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"127.0.0.1:0", false, true},
		{"127.0.0.2:8080", false, true},
		{"localhost:9000", false, true},
		{"[::1]:0", false, true},
		{"0.0.0.0:0", false, false},
		{":8080", false, false},
		{"[::]:0", false, false},
		{"example.com:80", false, false},
		{"0.0.0.0:0", true, true},
		{":8080", true, true},
	} {
		if err := checkListen(tc.addr, tc.remote); (err == nil) != tc.ok {
			t.Errorf("%s remote=%v: %v", tc.addr, tc.remote, err)
		}
	}
}
