package cliharness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// BuildSimulator builds the standalone simulator (internal/cmd/rediscloud-sim)
// into dir and returns the binary's path.
func BuildSimulator(ctx context.Context, dir string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "rediscloud-sim")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./internal/cmd/rediscloud-sim")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the simulator: %w\n%s", err, out)
	}
	return bin, nil
}

// Simulator is the standalone simulator running as a child process, with a
// client of its /__sim control endpoints.
type Simulator struct {
	// URL is the API base URL (http://127.0.0.1:PORT/v1).
	URL string
	// Root is where the control endpoints live (http://127.0.0.1:PORT).
	Root string
	// APIKey and SecretKey are the keys it accepts.
	APIKey, SecretKey string

	cmd  *exec.Cmd
	done chan struct{}
}

// StartSimulator runs the simulator binary with args (flags such as
// -task-latency 1s) on a free loopback port, its log going to stderr, and
// waits until it has printed its URL and keys.
func StartSimulator(ctx context.Context, bin string, stderr io.Writer, args ...string) (*Simulator, error) {
	// Cancelling ctx stops the simulator as Stop does.
	cmd := exec.CommandContext(ctx, bin, append([]string{"-listen", "127.0.0.1:0"}, args...)...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the simulator: %w", err)
	}
	s := &Simulator{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()

	// The first three lines are the URL, api_key=… and secret_key=….
	lines := make(chan []string, 1)
	go func() {
		var got []string
		sc := bufio.NewScanner(stdout)
		for len(got) < 3 && sc.Scan() {
			got = append(got, strings.TrimSpace(sc.Text()))
		}
		lines <- got
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case got := <-lines:
		if len(got) < 3 || !strings.HasSuffix(got[0], "/v1") {
			_ = s.Stop()
			return nil, fmt.Errorf("the simulator did not print its URL and keys (got %q)", got)
		}
		s.URL, s.Root = got[0], strings.TrimSuffix(got[0], "/v1")
		s.APIKey = strings.TrimPrefix(got[1], "api_key=")
		s.SecretKey = strings.TrimPrefix(got[2], "secret_key=")
	case <-s.done:
		return nil, errors.New("the simulator exited at start; see its log")
	case <-time.After(30 * time.Second):
		_ = s.Stop()
		return nil, errors.New("the simulator did not start within 30 s")
	case <-ctx.Done():
		_ = s.Stop()
		return nil, ctx.Err()
	}
	return s, nil
}

// Stop asks the simulator to shut down (SIGTERM) and kills it if it has not
// within five seconds.
func (s *Simulator) Stop() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("the simulator did not stop on SIGTERM and was killed")
	}
}

// Env is the provider's environment for this simulator: REDISCLOUD_URL and
// the two keys.
func (s *Simulator) Env() []string {
	return []string{
		"REDISCLOUD_URL=" + s.URL,
		"REDISCLOUD_ACCESS_KEY=" + s.APIKey,
		"REDISCLOUD_SECRET_KEY=" + s.SecretKey,
	}
}

// Stats reads GET /__sim/stats.
func (s *Simulator) Stats() (cloudsim.Stats, error) {
	var st cloudsim.Stats
	err := s.control(http.MethodGet, "/__sim/stats", nil, &st)
	return st, err
}

// ResetStats zeroes the counters (DELETE /__sim/stats).
func (s *Simulator) ResetStats() error {
	return s.control(http.MethodDelete, "/__sim/stats", nil, nil)
}

// SetConfig changes latencies or the rate limit at run time (PUT
// /__sim/config), e.g. {"rateLimit": 0}.
func (s *Simulator) SetConfig(patch map[string]any) error {
	return s.control(http.MethodPut, "/__sim/config", patch, nil)
}

// Peerings lists every peering (GET /__sim/peerings).
func (s *Simulator) Peerings() ([]cloudsim.PeeringInfo, error) {
	var ps []cloudsim.PeeringInfo
	err := s.control(http.MethodGet, "/__sim/peerings", nil, &ps)
	return ps, err
}

// Accept does what the AWS accepter (or the GCP reciprocal peering) does
// (POST /__sim/peerings/{id}/accept) and returns the peering as it is then.
func (s *Simulator) Accept(id int) (cloudsim.PeeringInfo, error) {
	var p cloudsim.PeeringInfo
	err := s.control(http.MethodPost, "/__sim/peerings/"+strconv.Itoa(id)+"/accept", nil, &p)
	return p, err
}

// Call sends a request to the simulator's API with its keys: path is below
// the API base URL (e.g. /subscriptions/1001/peerings), body is sent as
// JSON, and a 2xx answer is decoded into out (when not nil).
func (s *Simulator) Call(ctx context.Context, method, path string, body, out any) error {
	return s.do(ctx, time.Minute, method, s.URL, path, body, out, map[string]string{
		"x-api-key":        s.APIKey,
		"x-api-secret-key": s.SecretKey,
	})
}

// control calls a control endpoint (no keys).
func (s *Simulator) control(method, path string, body, out any) error {
	return s.do(context.Background(), 30*time.Second, method, s.Root, path, body, out, nil)
}

// do sends one JSON request to base+path, giving up after timeout.
func (s *Simulator) do(ctx context.Context, timeout time.Duration, method, base, path string, body, out any, header map[string]string) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(data)))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
