package rediscloud_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// The realistic profile at a tenth of its pace, and a client whose
// timings are a tenth of the shipped ones: the same race between the API
// and the client's polls, in a tenth of the time, so request counts come
// out close to the realistic profile's.
const scale = 10

func scaledSim(t *testing.T, conflict string) *cloudsim.Server {
	return startSim(t, cloudsim.Options{
		Profile:           cloudsim.ProfileRealistic,
		TaskLatency:       cloudsim.RealisticTaskLatency / scale,
		TaskNotFoundFor:   cloudsim.RealisticTaskNotFoundFor / scale,
		TransitionLatency: cloudsim.RealisticTransitionLatency / scale,
		CIDRApplyLatency:  cloudsim.RealisticCIDRApplyLatency / scale,
		ChangeConflict:    conflict,
	})
}

func startSim(t *testing.T, o cloudsim.Options) *cloudsim.Server {
	t.Helper()
	srv, err := cloudsim.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// scaledClient is a client of srv with the shipped timings scaled down;
// hc, if given, carries its requests.
func scaledClient(t *testing.T, srv *cloudsim.Server, hc ...*http.Client) *rediscloud.Client {
	t.Helper()
	cfg := rediscloud.DefaultConfig()
	cfg.BaseURL, cfg.APIKey, cfg.SecretKey = srv.URL(), acctest.APIKey, acctest.SecretKey
	for _, d := range []*time.Duration{&cfg.RetryWaitMin, &cfg.RetryWaitMax, &cfg.PollFirst, &cfg.PollMin, &cfg.PollMax,
		&cfg.StatusPollMax, &cfg.CreateLookupTimeout, &cfg.TaskNotFoundWindow, &cfg.SnapshotTTL} {
		*d /= scale
	}
	for _, h := range hc {
		cfg.HTTPClient = h
	}
	c, err := rediscloud.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func vpcCreate(i int) rediscloud.CreatePeeringRequest {
	return rediscloud.CreatePeeringRequest{
		Region:       "us-east-1",
		AWSAccountID: "123456789012",
		VPCID:        fmt.Sprintf("vpc-%017x", i+1),
		CIDRs:        []string{fmt.Sprintf("172.16.%d.0/24", i)},
	}
}

// createSettled is what the create of a resource does: vet the
// subscription, wait for its turn, create, and hold the turn until the
// task completed, or the peering settled once a change was refused.
func createSettled(ctx context.Context, c *rediscloud.Client, r rediscloud.CreatePeeringRequest) (*rediscloud.Peering, error) {
	if _, err := c.ActiveSubscription(ctx, 1001); err != nil {
		return nil, err
	}
	turn, err := c.HoldSubscription(ctx, 1001)
	if err != nil {
		return nil, err
	}
	defer turn.Release()
	res, err := c.CreatePeering(ctx, rediscloud.Pro, 1001, r, rediscloud.CreateOptions{})
	turn.Sent()
	if err != nil {
		return nil, err
	}
	return c.WaitPeeringSettled(ctx, rediscloud.Pro, 1001, res, time.Now())
}

// parallelCreates creates n peerings of subscription 1001 at once, as
// Terraform does with -parallelism of n or more.
func parallelCreates(t *testing.T, c *rediscloud.Client, n int) []*rediscloud.Peering {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	got := make([]*rediscloud.Peering, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = createSettled(ctx, c, vpcCreate(i)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	return got
}

// checkCreated fails unless the simulator holds exactly the n peerings,
// each once, settled, and each change went through on its first request.
func checkCreated(t *testing.T, srv *cloudsim.Server, got []*rediscloud.Peering) cloudsim.Stats {
	t.Helper()
	st := srv.Stats()
	ids := map[int]bool{}
	for _, p := range got {
		if p == nil || p.Status != rediscloud.StatusPendingAcceptance || p.AWSPeeringID == "" {
			t.Errorf("a create ended with %+v, want a settled peering", p)
			continue
		}
		ids[p.ID] = true
	}
	if len(ids) != len(got) || len(srv.Peerings()) != len(got) || st.PeeringsCreated != len(got) || st.MaxConcurrentPeeringsPerVPC != 1 {
		t.Errorf("%d distinct peerings returned, %d in the simulator, %d created, at most %d per VPC; want %d, %d, %d, 1",
			len(ids), len(srv.Peerings()), st.PeeringsCreated, st.MaxConcurrentPeeringsPerVPC, len(got), len(got), len(got))
	}
	if n := st.TasksByCommand["vpcPeeringCreateRequest"]; n < len(got) || n > len(got)+st.ChangesRefused {
		t.Errorf("%d create tasks for %d peerings, %d creates refused", n, len(got), st.ChangesRefused)
	}
	// The client learns from the first refused change to hold each turn
	// until the change is carried out: refusals do not grow with the
	// number of creates.
	if st.ChangesRefused > maxLessonRefusals || st.Throttled != 0 {
		t.Errorf("%d changes refused, %d requests throttled: want at most %d refusals, the client's first lesson, and no throttling",
			st.ChangesRefused, st.Throttled, maxLessonRefusals)
	}
	return st
}

// officialRequestsPerCreate is what Redis's own provider spends on one Pro
// create on the realistic profile, one create after the other (it holds a
// lock per subscription through its status wait): the POST and 3 polls of
// its task, then 4 lists of the peerings until the peering left
// initiating-request and one more for the read, each list a GET and 3 polls
// (BENCHMARKS.md derives it from its documented polling).
const officialRequestsPerCreate = 24

// maxLessonRefusals bounds the refusals a client meets before it holds
// each turn until the change is carried out: those of the first change sent
// after another's task completed, a task, or a 429 and each of the
// transport's retries of it.
var maxLessonRefusals = rediscloud.DefaultConfig().MaxRetries + 1

// TestParallelCreatesTakeTurns creates peerings of one subscription at once,
// on a simulator that runs one change per subscription at a time, in both
// of its forms: none may fail or be duplicated, only the first change sent
// too early may be refused, and the requests stay under what Redis's own
// provider spends on the same work.
func TestParallelCreatesTakeTurns(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 30 s")
	}
	for _, conflict := range []string{cloudsim.ChangeConflict429, cloudsim.ChangeConflictTask} {
		for _, n := range []int{3, 10} {
			t.Run(fmt.Sprintf("%s/%d", conflict, n), func(t *testing.T) {
				t.Parallel()
				srv := scaledSim(t, conflict)
				c := scaledClient(t, srv)
				st := checkCreated(t, srv, parallelCreates(t, c, n))
				t.Logf("%d parallel creates, change conflicts %q: %d requests (%.1f a peering), %d list tasks, %d lists refused; by route %v",
					n, conflict, st.TotalRequests, float64(st.TotalRequests)/float64(n),
					st.TasksByCommand["vpcPeeringGetRequest"], st.ListsRefused, st.Requests)
				if budget := n * officialRequestsPerCreate; st.TotalRequests > budget {
					t.Errorf("%d requests for %d creates, want at most %d (Redis's provider: about %d)", st.TotalRequests, n, budget, n*officialRequestsPerCreate)
				}
			})
		}
	}
}

// TestChangesOfTwoClientsOnOneSubscription: two clients (two pipelines)
// change peerings of one subscription at once; their turns do not reach
// each other, so the API refuses some changes. Every create, update and
// delete must still end as asked, without a duplicate: the client sends a
// change refused with 429 or with SUBSCRIPTION_NOT_ACTIVE again once the
// other change is over.
func TestChangesOfTwoClientsOnOneSubscription(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 15 s")
	}
	for _, conflict := range []string{cloudsim.ChangeConflict429, cloudsim.ChangeConflictTask} {
		t.Run(conflict, func(t *testing.T) {
			t.Parallel()
			srv := scaledSim(t, conflict)
			clients := []*rediscloud.Client{scaledClient(t, srv), scaledClient(t, srv)}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			var wg sync.WaitGroup
			errs := make([]error, len(clients))
			for i, c := range clients {
				wg.Go(func() {
					errs[i] = func() error {
						p, err := createSettled(ctx, c, vpcCreate(i))
						if err != nil {
							return fmt.Errorf("create: %w", err)
						}
						want := []string{fmt.Sprintf("172.20.%d.0/24", i)}
						if err := c.UpdatePeeringCIDRs(ctx, rediscloud.Pro, 1001, p.ID, want); err != nil {
							return fmt.Errorf("update: %w", err)
						}
						if _, err := c.WaitPeeringCIDRs(ctx, rediscloud.Pro, 1001, p.ID, time.Now(), want); err != nil {
							return fmt.Errorf("update's wait: %w", err)
						}
						if err := c.DeletePeering(ctx, rediscloud.Pro, 1001, p.ID); err != nil {
							return fmt.Errorf("delete: %w", err)
						}
						return c.WaitPeeringDeleted(ctx, rediscloud.Pro, 1001, p.ID, time.Now())
					}()
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("client %d: %v", i, err)
				}
			}
			st := srv.Stats()
			if left := srv.Peerings(); len(left) != 0 || st.PeeringsCreated != 2 || st.PeeringsDeleted != 2 || st.MaxConcurrentPeeringsPerVPC != 1 {
				t.Errorf("left %+v; %d created, %d deleted, at most %d per VPC; want none, 2, 2, 1", left, st.PeeringsCreated, st.PeeringsDeleted, st.MaxConcurrentPeeringsPerVPC)
			}
			if st.ChangesRefused == 0 && st.ListsRefused == 0 {
				t.Errorf("no change or list was refused: the test does not exercise the refusals")
			}
			t.Logf("change conflicts %q: %d changes refused, %d lists refused, %d requests: %v", conflict, st.ChangesRefused, st.ListsRefused, st.TotalRequests, st.Requests)
		})
	}
}

// requestLog records each request's method, path and answer status, in
// the order the answers arrived.
type requestLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *requestLog) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		l.mu.Lock()
		l.lines = append(l.lines, fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, resp.StatusCode))
		l.mu.Unlock()
	}
	return resp, err
}

// index is the position of the first line that starts with prefix and
// ends with suffix, or -1; count is how many lines start with prefix.
func (l *requestLog) index(prefix, suffix string) (first, count int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	first = -1
	for i, line := range l.lines {
		if strings.HasPrefix(line, prefix) {
			count++
			if first < 0 && strings.HasSuffix(line, suffix) {
				first = i
			}
		}
	}
	return first, count
}

// While the task service does not know a create's task, its peering may be
// settling: the settle wait's first list is sent before the task names the
// peering, and settles the wait when it shows it. A task known within a few
// polls costs no such list.
func TestCreateListsWhileTaskUnknown(t *testing.T) {
	for _, tc := range []struct {
		name           string
		window         time.Duration
		parallel       bool // else the account's tasks run one at a time, as documented
		listBeforeTask bool
	}{
		{"long window", 2 * time.Second, false, true},
		{"long window, tasks in parallel", 2 * time.Second, true, true},
		{"short window", 50 * time.Millisecond, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSim(t, cloudsim.Options{ParallelTasks: tc.parallel, TaskLatency: 50 * time.Millisecond,
				TaskNotFoundFor: tc.window, TransitionLatency: 50 * time.Millisecond})
			log := &requestLog{}
			c := scaledClient(t, srv, &http.Client{Transport: log})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := c.CreatePeering(ctx, rediscloud.Pro, 1001, vpcCreate(0), rediscloud.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.WaitPeeringSettled(ctx, rediscloud.Pro, 1001, res, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if p.ID != res.ID || p.Status != rediscloud.StatusPendingAcceptance || p.AWSPeeringID == "" {
				t.Fatalf("settled as %+v, want peering %d pending acceptance with its AWS ID", p, res.ID)
			}
			list, lists := log.index("GET /v1/subscriptions/1001/peerings ", "")
			known, _ := log.index("GET /v1/tasks/"+res.TaskID+" ", " 200")
			if list < 0 || known < 0 || (list < known) != tc.listBeforeTask || lists != 1 {
				t.Errorf("first list at %d, create task first known at %d, %d lists; want the list before the task: %v, one list\n%s",
					list, known, lists, tc.listBeforeTask, strings.Join(log.lines, "\n"))
			}
		})
	}
}
