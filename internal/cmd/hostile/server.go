package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// api is a loopback server that speaks enough of the Redis Cloud API for
// Pro subscription 1001, and misbehaves as its mode says.
type api struct {
	mode    string
	url     string // base URL, with /v1
	srv     *http.Server
	release chan struct{}
	// bigList is a file holding the big list task, served from disk so
	// that this program's own memory stays small (see printTable).
	bigList     string
	bigListSize int64

	mu   sync.Mutex
	seen map[string]int
}

func newAPI(mode string) (*api, error) {
	a := &api{mode: mode, release: make(chan struct{}), seen: map[string]int{}}
	if mode == "big-list" {
		if err := a.writeBigList(160000); err != nil {
			return nil, err
		}
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	a.url = "http://" + ln.Addr().String() + "/v1"
	a.srv = &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = a.srv.Serve(ln) }()
	return a, nil
}

func (a *api) close() {
	close(a.release)
	_ = a.srv.Close()
	if a.bigList != "" {
		_ = os.Remove(a.bigList)
	}
}

func (a *api) requests() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, v := range a.seen {
		n += v
	}
	return n
}

// writeBigList writes a completed list task of n peerings, about 190
// bytes each, to a temporary file.
func (a *api) writeBigList(n int) error {
	f, err := os.CreateTemp("", "hostile-list-*.json")
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	w := bufio.NewWriter(f)
	_, _ = w.WriteString(`{"taskId":"t-list","commandType":"vpcPeeringGetRequest","status":"processing-completed","timestamp":"2025-01-01T00:00:00Z","response":{"resourceId":1001,"resource":{"peerings":[`)
	for i := range n {
		if i > 0 {
			_ = w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"vpcPeeringId":%d,"status":"active","regionName":"us-east-1","awsAccountId":"123456789012","vpcUid":"vpc-%017x","vpcCidr":"10.%d.%d.%d/32","awsPeeringUid":"pcx-%017x"}`,
			i+1, i, i>>16, (i>>8)&255, i&255, i)
	}
	_, _ = w.WriteString(`]}}}`)
	if err := w.Flush(); err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	a.bigList, a.bigListSize = f.Name(), st.Size()
	return nil
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.seen[r.Method+" "+r.URL.Path]++
	a.mu.Unlock()
	write := func(code int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
	wait := func() {
		select {
		case <-a.release:
		case <-r.Context().Done():
		}
	}
	switch a.mode {
	case "stall-headers":
		wait()
		return
	case "stall-body":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"taskId":"t-list","sta`)
		w.(http.Flusher).Flush()
		wait()
		return
	case "429":
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		write(http.StatusTooManyRequests, `{"status":429,"error":"Too Many Requests"}`)
		return
	}

	echo := "x-api-key=" + r.Header.Get("x-api-key") + " x-api-secret-key=" + r.Header.Get("x-api-secret-key")
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	status := `"active"`
	if a.mode == "echo-sub-status" {
		status = q(echo)
	}
	sub := `{"id":1001,"name":"hostile","status":` + status + `,"deploymentType":"single-region",` +
		`"cloudDetails":[{"provider":"AWS","regions":[{"region":"us-east-1","networking":[{"deploymentCIDR":"10.0.0.0/24"}]}]}]}`
	task := func(id, status, response string) string {
		s := `{"taskId":"` + id + `","commandType":"vpcPeeringRequest","status":` + status + `,"timestamp":"2025-01-01T00:00:00Z"`
		if response != "" {
			s += `,"response":` + response
		}
		return s + "}"
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case r.Method == http.MethodGet && path == "/v1/subscriptions":
		write(http.StatusOK, `{"accountId":1,"subscriptions":[`+sub+`]}`)
	case r.Method == http.MethodGet && path == "/v1/subscriptions/1001":
		write(http.StatusOK, sub)
	case r.Method == http.MethodPost && path == "/v1/subscriptions/1001/peerings":
		write(http.StatusAccepted, task("t-create", `"received"`, ""))
	case r.Method == http.MethodGet && path == "/v1/subscriptions/1001/peerings":
		write(http.StatusAccepted, task("t-list", `"received"`, ""))
	case r.Method == http.MethodGet && path == "/v1/tasks/t-create":
		switch a.mode {
		case "echo-task-error":
			write(http.StatusOK, task("t-create", `"processing-error"`,
				`{"error":{"type":"VPC_PEERING_INVALID_CIDR","status":"400 BAD_REQUEST","description":`+q("request refused, "+echo)+`}}`))
		case "echo-task-status":
			write(http.StatusOK, task("t-create", q(echo), `{}`))
		case "echo-resource-id":
			write(http.StatusOK, task("t-create", `"processing-completed"`, `{"resourceId":`+q(echo)+`}`))
		case "rid-0":
			write(http.StatusOK, task("t-create", `"processing-completed"`, `{"resourceId":0}`))
		case "rid--7":
			write(http.StatusOK, task("t-create", `"processing-completed"`, `{"resourceId":-7}`))
		default:
			write(http.StatusOK, task("t-create", `"processing-completed"`, `{"resourceId":500}`))
		}
	case r.Method == http.MethodGet && path == "/v1/tasks/t-list":
		switch a.mode {
		case "big-list":
			f, err := os.Open(a.bigList)
			if err != nil {
				write(http.StatusInternalServerError, `{"status":500}`)
				return
			}
			defer func() { _ = f.Close() }()
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.FormatInt(a.bigListSize, 10))
			w.WriteHeader(http.StatusOK)
			_, _ = io.Copy(w, f)
			return
		case "list-pending":
			write(http.StatusOK, task("t-list", `"processing-in-progress"`, `{}`))
			return
		case "list-undecodable":
			write(http.StatusOK, task("t-list", `"processing-completed"`, `{"resourceId":1001,"resource":{"peerings":7}}`))
			return
		}
		var peerings []string
		switch a.mode {
		case "echo-listed":
			peerings = append(peerings, `{"vpcPeeringId":5,"status":`+q(echo)+`,"regionName":"us-east-1","awsAccountId":"123456789012",`+
				`"vpcUid":"vpc-0a1b2c3d4e5f67890","vpcCidr":"172.31.0.0/16","awsPeeringUid":`+q("pcx-"+echo)+`}`)
		case "rid-0", "rid--7":
			// The create did happen: the orphan lookup can find it.
			if a.count("POST /v1/subscriptions/1001/peerings") > 0 {
				peerings = append(peerings, `{"vpcPeeringId":500,"status":"pending-acceptance","regionName":"us-east-1","awsAccountId":"123456789012",`+
					`"vpcUid":"vpc-0a1b2c3d4e5f67890","vpcCidr":"172.31.0.0/16","awsPeeringUid":"pcx-0123456789abcdef0"}`)
			}
		}
		write(http.StatusOK, task("t-list", `"processing-completed"`, `{"resourceId":1001,"resource":{"peerings":[`+strings.Join(peerings, ",")+`]}}`))
	default:
		write(http.StatusNotFound, `{"status":404,"error":"Not Found","path":`+q(r.URL.Path)+`}`)
	}
}

func (a *api) count(key string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.seen[key]
}
