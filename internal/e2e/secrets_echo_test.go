package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
)

// echoAPI speaks enough of the Redis Cloud API for a create, an import, a
// refresh and a data source read of Pro subscription 1001, and repeats the
// request's key headers in one text of a 2xx answer, chosen by echo: what a
// gateway or a debugging server that echoes headers would do.
type echoAPI struct {
	echo string // one of the echo* constants

	mu   sync.Mutex
	seen map[string]int // "GET /v1/tasks/t-create" -> count
}

const (
	echoTaskError      = "task error description"
	echoTaskStatus     = "unknown task status"
	echoResourceID     = "resourceId that does not parse"
	echoListedPeering  = "fields of listed peerings"
	echoSubscriptionSt = "subscription status"
)

func (a *echoAPI) saw(key string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.seen[key]
}

func (a *echoAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.seen[r.Method+" "+r.URL.Path]++
	a.mu.Unlock()
	// What the server echoes: the key headers as it received them.
	keys := "x-api-key=" + r.Header.Get("x-api-key") + " x-api-secret-key=" + r.Header.Get("x-api-secret-key")
	quoted := func(s string) string { b, _ := json.Marshal(s); return string(b) }

	subStatus := `"active"`
	if a.echo == echoSubscriptionSt {
		subStatus = quoted(keys)
	}
	subscription := `{"id":1001,"name":"echo","status":` + subStatus + `,"deploymentType":"single-region",` +
		`"cloudDetails":[{"provider":"AWS","regions":[{"region":"us-east-1","networking":[{"deploymentCIDR":"10.0.0.0/24"}]}]}]}`
	task := func(id, status, response string) string {
		s := `{"taskId":"` + id + `","commandType":"vpcPeeringRequest","status":` + status + `,"timestamp":"2025-01-01T00:00:00Z"`
		if response != "" {
			s += `,"response":` + response
		}
		return s + "}"
	}
	write := func(code int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}

	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v1/subscriptions":
		write(http.StatusOK, `{"accountId":1,"subscriptions":[`+subscription+`]}`)
	case r.Method == http.MethodGet && r.URL.Path == "/v1/subscriptions/1001":
		write(http.StatusOK, subscription)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/subscriptions/1001/peerings":
		write(http.StatusAccepted, task("t-create", `"received"`, ""))
	case r.Method == http.MethodGet && strings.TrimSuffix(r.URL.Path, "/") == "/v1/subscriptions/1001/peerings":
		write(http.StatusAccepted, task("t-list", `"received"`, ""))
	case r.Method == http.MethodGet && r.URL.Path == "/v1/tasks/t-create":
		switch a.echo {
		case echoTaskError:
			write(http.StatusOK, task("t-create", `"processing-error"`,
				`{"error":{"type":"VPC_PEERING_INVALID_CIDR","status":"400 BAD_REQUEST","description":`+quoted("request refused, "+keys)+`}}`))
		case echoTaskStatus:
			write(http.StatusOK, task("t-create", quoted(keys), `{}`))
		case echoResourceID:
			write(http.StatusOK, task("t-create", `"processing-completed"`, `{"resourceId":`+quoted(keys)+`}`))
		default:
			write(http.StatusOK, task("t-create", `"processing-completed"`, `{"resourceId":5}`))
		}
	case r.Method == http.MethodGet && r.URL.Path == "/v1/tasks/t-list":
		peerings := ""
		if a.echo == echoListedPeering {
			peerings = `{"vpcPeeringId":5,"status":` + quoted(keys) + `,"regionName":"us-east-1","awsAccountId":"123456789012",` +
				`"vpcUid":"vpc-0a1b2c3d4e5f67890","vpcCidr":"172.31.0.0/16","awsPeeringUid":` + quoted("pcx-"+keys) + `}`
		}
		write(http.StatusOK, task("t-list", `"processing-completed"`, `{"resourceId":1001,"resource":{"peerings":[`+peerings+`]}}`))
	default:
		write(http.StatusNotFound, `{"status":404,"error":"Not Found","path":"`+r.URL.Path+`"}`)
	}
}

const echoConfig = `
terraform {
  required_providers {
    rediscloud = { source = %q }
  }
}

provider "rediscloud" {
  url = %q
}

resource "rediscloud_subscription_peering" "aws" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = "172.31.0.0/16"
}
%s`

const echoDataSource = `
data "rediscloud_subscription_peerings" "all" {
  subscription_id = "1001"
}

output "listed" {
  value = [for p in data.rediscloud_subscription_peerings.all.peerings : "${p.status} ${p.aws_peering_id}"]
}
`

// TestAccSecret_echoingServer: a server that repeats the request's key
// headers inside its 2xx answers (a task's error description, a task status
// it does not document, a resourceId that is no number, the fields of a
// listed peering, a subscription's status) must not carry the keys to the
// terminal, the TRACE log, or the state. Each echo is reached through the
// real CLI, and the server and the user's output prove it was.
func TestAccSecret_echoingServer(t *testing.T) {
	acctest.PreCheck(t)
	type step struct {
		args   []string
		wantOK bool
	}
	apply := step{args: []string{"apply", "-auto-approve", "-no-color"}}
	for _, tc := range []struct {
		echo  string
		extra string // configuration added to the resource
		steps []step
		// reached must each have been requested; want must each appear in
		// the output of a step.
		reached []string
		want    []string
		// inState must appear in terraform show -json.
		inState []string
	}{
		{
			echo:    echoTaskError,
			steps:   []step{apply},
			reached: []string{"GET /v1/subscriptions/1001", "POST /v1/subscriptions/1001/peerings", "GET /v1/tasks/t-create"},
			want:    []string{"VPC_PEERING_INVALID_CIDR", "request refused, x-api-key=(redacted) x-api-secret-key=(redacted)"},
		},
		{
			echo:    echoTaskStatus,
			steps:   []step{apply},
			reached: []string{"POST /v1/subscriptions/1001/peerings", "GET /v1/tasks/t-create"},
			want:    []string{"UNKNOWN_STATUS", "x-api-key=(redacted) x-api-secret-key=(redacted)"},
		},
		{
			echo:    echoResourceID,
			steps:   []step{apply},
			reached: []string{"POST /v1/subscriptions/1001/peerings", "GET /v1/tasks/t-create", "GET /v1/subscriptions/1001/peerings", "GET /v1/tasks/t-list"},
			want:    []string{"could not be decoded", "x-api-key=(redacted) x-api-secret-key=(redacted)"},
		},
		{
			echo:  echoListedPeering,
			extra: echoDataSource,
			steps: []step{
				{args: []string{"import", "-no-color", "rediscloud_subscription_peering.aws", "1001/5"}, wantOK: true},
				{args: []string{"apply", "-refresh-only", "-auto-approve", "-no-color"}, wantOK: true},
				{args: []string{"plan", "-no-color"}, wantOK: true},
				{args: []string{"output", "-no-color"}, wantOK: true},
			},
			reached: []string{"GET /v1/subscriptions/1001/peerings", "GET /v1/tasks/t-list"},
			want:    []string{"x-api-key=(redacted) x-api-secret-key=(redacted)"},
			inState: []string{`"aws_peering_id":"pcx-x-api-key=(redacted) x-api-secret-key=(redacted)"`, `"status":"x-api-key=(redacted) x-api-secret-key=(redacted)"`},
		},
		{
			echo:    echoSubscriptionSt,
			steps:   []step{apply},
			reached: []string{"GET /v1/subscriptions/1001"},
			want:    []string{"x-api-key=(redacted) x-api-secret-key=(redacted)"},
		},
	} {
		t.Run(tc.echo, func(t *testing.T) {
			t.Parallel()
			apiKey, secretKey := acctest.RandomKey(t, "ak"), acctest.RandomKey(t, "sk")
			leaks := acctest.NewSecretChecker(t, map[string]string{"API key": apiKey, "secret key": secretKey})
			api := &echoAPI{echo: tc.echo, seen: map[string]int{}}
			srv := httptest.NewServer(api) // 127.0.0.1
			defer srv.Close()

			ws := newWorkspace(t)
			if err := ws.WriteFile("main.tf", fmt.Sprintf(echoConfig, cliharness.ProviderSource, srv.URL+"/v1", tc.extra)); err != nil {
				t.Fatal(err)
			}
			logPath := filepath.Join(t.TempDir(), "terraform.log")
			env := []string{
				"TF_LOG=TRACE", "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH=" + logPath,
				"REDISCLOUD_ACCESS_KEY=" + apiKey, "REDISCLOUD_SECRET_KEY=" + secretKey,
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()

			var outs []string
			for _, s := range tc.steps {
				out, err := ws.RunEnv(ctx, env, s.args...)
				outs = append(outs, out)
				what := "the output of terraform " + strings.Join(s.args, " ")
				leaks.Check(what, out)
				switch {
				case s.wantOK && err != nil:
					t.Fatalf("terraform %s: %v", strings.Join(s.args, " "), err)
				case !s.wantOK && err == nil:
					t.Fatalf("terraform %s succeeded, want an error:\n%s", strings.Join(s.args, " "), out)
				}
			}
			for _, r := range tc.reached {
				if api.saw(r) == 0 {
					t.Errorf("the server never saw %s: the echo was not reached", r)
				}
			}
			out := strings.Join(outs, "\n")
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, "(redacted)") {
					t.Logf("the user saw: %s", strings.TrimSpace(line))
					break
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("the output does not say %q, so the echo's text did not reach the user redacted:\n%s", w, out)
				}
			}

			showOut, err := ws.RunEnv(ctx, env, "show", "-json")
			if err != nil {
				t.Fatal(err)
			}
			leaks.Check("terraform show -json", showOut)
			for _, w := range tc.inState {
				if !strings.Contains(showOut, w) {
					t.Errorf("terraform show -json does not hold %s:\n%s", w, showOut)
				}
			}
			logData, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			leaks.Check("the TF_LOG_PATH file", string(logData))
			for _, w := range []string{"[TRACE]", "@module=rediscloud", "sending request"} {
				if !strings.Contains(string(logData), w) {
					t.Errorf("the log (%d bytes) has no %q: it was not written at TRACE level by core and provider", len(logData), w)
				}
			}
			// terraform.tfstate, its backup, and anything else the runs left.
			err = filepath.WalkDir(ws.Dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				leaks.Check("the file "+p, string(data))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if tc.inState != nil {
				if _, err := ws.ReadFile("terraform.tfstate"); err != nil {
					t.Errorf("no terraform.tfstate: %v", err)
				}
			}
		})
	}
}
