package rediscloud

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// resourceOf extracts response.resource from a task or a response document.
func resourceOf(t *testing.T, doc string) json.RawMessage {
	t.Helper()
	var w struct {
		Resource json.RawMessage `json:"resource"`
		Response struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"response"`
	}
	if err := json.Unmarshal([]byte(doc), &w); err != nil {
		t.Fatal(err)
	}
	if w.Response.Resource != nil {
		return w.Response.Resource
	}
	return w.Resource
}

func TestDecodePeeringList(t *testing.T) {
	pro := func(body string) string { return `{"peerings":[` + body + `]}` }
	cases := []struct {
		name    string
		kind    Kind
		raw     json.RawMessage
		want    []Peering
		wantErr string
	}{
		{
			name: "Pro GCP list of the reference (projectUid, networkName)", kind: Pro, raw: resourceOf(t, refGCPListTask),
			want: []Peering{{ID: 11, SubscriptionID: 7, Kind: Pro, Status: StatusInactive, Provider: ProviderGCP,
				GCPProjectID: "cloud-api-123456", GCPNetworkName: "cloud-api-vpc-peering-test",
				GCPRedisProjectID: "v00d1c1f22233333f-tp", GCPRedisNetworkName: "c12345-us-east1-2-rlrcp",
				GCPPeeringID: "redislabs-peering-f123abc4-d56"}},
		},
		{
			name: "Pro AWS list of the reference (one CIDR in vpcCidr)", kind: Pro, raw: resourceOf(t, refAWSListResponse),
			want: []Peering{
				{ID: 123, SubscriptionID: 7, Kind: Pro, Status: StatusPendingAcceptance, Provider: ProviderAWS, AWSAccountID: "9876432154",
					VPCID: "vpc-08d9875454cb9e2", CIDRs: []string{"192.168.202.10/28"}, AWSPeeringID: "pcx-05b5646545439"},
				{ID: 124, SubscriptionID: 7, Kind: Pro, Status: StatusActive, Provider: ProviderAWS, AWSAccountID: "9876432154",
					VPCID: "vpc-08d9878787b9e2", CIDRs: []string{"192.168.203.10/28"}, AWSPeeringID: "pcx-05b59876542"},
			},
		},
		{
			name: "Active-Active list of the reference (regions, id, vpcProjectUid, region = source, regionName = destination)",
			kind: ActiveActive, raw: json.RawMessage(refAAListResource),
			want: []Peering{
				{ID: 77, SubscriptionID: 7, Kind: ActiveActive, Status: StatusPendingAcceptance, Provider: ProviderAWS,
					Region: "eu-west-2", SourceRegion: "us-east-1", RegionID: 1, AWSAccountID: "123456789012",
					VPCID: "vpc-01234567890", CIDRs: []string{"10.0.10.0/24"}, AWSPeeringID: "pcx-0abc1234def567890"},
				{ID: 78, SubscriptionID: 7, Kind: ActiveActive, Status: StatusInactive, Provider: ProviderGCP,
					SourceRegion: "us-central1", RegionID: 2, GCPProjectID: "my-gcp-project", GCPNetworkName: "my-gcp-vpc",
					GCPRedisProjectID: "v00d1c1f22233333f-tp", GCPRedisNetworkName: "c1986-us-central1-1-rlrcp",
					GCPPeeringID: "redislabs-peering-0123abcd-e45"},
			},
		},
		{
			name: "vpcCidrs as {vpcCidr,status} objects, sorted", kind: Pro,
			raw:  json.RawMessage(pro(`{"vpcPeeringId":1,"vpcUid":"vpc-1","vpcCidr":"10.2.0.0/16","vpcCidrs":[{"vpcCidr":"10.2.0.0/16","status":"active"},{"vpcCidr":"10.1.0.0/16","status":"pending"}]}`)),
			want: []Peering{{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-1", CIDRs: []string{"10.1.0.0/16", "10.2.0.0/16"}}},
		},
		{
			name: `vpcCidrs as {vpcCidr,active:"active"} objects`, kind: Pro,
			raw:  json.RawMessage(pro(`{"vpcPeeringId":1,"vpcUid":"vpc-1","vpcCidrs":[{"vpcCidr":"10.1.0.0/16","active":"active"},{"vpcCidr":"10.3.0.0/16","active":"pending-acceptance"}]}`)),
			want: []Peering{{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-1", CIDRs: []string{"10.1.0.0/16", "10.3.0.0/16"}}},
		},
		{
			name: "vpcCidrs as {vpcCidr,active:true} objects", kind: Pro,
			raw:  json.RawMessage(pro(`{"vpcPeeringId":1,"vpcUid":"vpc-1","vpcCidrs":[{"vpcCidr":"10.1.0.0/16","active":true},{"vpcCidr":"10.3.0.0/16","active":false}]}`)),
			want: []Peering{{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-1", CIDRs: []string{"10.1.0.0/16", "10.3.0.0/16"}}},
		},
		{
			name: "vpcCidrs as bare strings, duplicates dropped", kind: Pro,
			raw:  json.RawMessage(pro(`{"vpcPeeringId":1,"vpcUid":"vpc-1","vpcCidrs":["10.3.0.0/16","10.1.0.0/16","10.3.0.0/16",""]}`)),
			want: []Peering{{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-1", CIDRs: []string{"10.1.0.0/16", "10.3.0.0/16"}}},
		},
		{
			name: "one CIDR only in vpcCidr, empty or null vpcCidrs", kind: Pro,
			raw: json.RawMessage(pro(`{"vpcPeeringId":1,"vpcUid":"vpc-1","vpcCidr":"10.9.0.0/24","vpcCidrs":[]},` +
				`{"vpcPeeringId":2,"vpcUid":"vpc-2","vpcCidr":"10.8.0.0/24","vpcCidrs":null}`)),
			want: []Peering{
				{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-1", CIDRs: []string{"10.9.0.0/24"}},
				{ID: 2, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-2", CIDRs: []string{"10.8.0.0/24"}},
			},
		},
		{
			name: "awsAccountId as a number, IDs as strings, regionName", kind: Pro,
			raw:  json.RawMessage(pro(`{"vpcPeeringId":"5","regionId":"3","regionName":"us-east-1","awsAccountId":123456789012,"vpcUid":"vpc-5"}`)),
			want: []Peering{{ID: 5, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, Region: "us-east-1", RegionID: 3, AWSAccountID: "123456789012", VPCID: "vpc-5"}},
		},
		{
			name: "provider inference: explicit values win, then AWS keys, then GCP keys, else AWS", kind: Pro,
			raw: json.RawMessage(pro(`{"vpcPeeringId":1,"provider":"gcp","vpcUid":"vpc-x"},` +
				`{"vpcPeeringId":2,"provider":"AWS","projectUid":"p"},` +
				`{"vpcPeeringId":3,"awsAccountId":"1"},` +
				`{"vpcPeeringId":4,"networkName":"n"},` +
				`{"vpcPeeringId":5,"redisProjectUid":"rp"},` +
				`{"vpcPeeringId":6,"status":"failed"},` +
				`{"vpcPeeringId":7,"vpcId":"vpc-7"}`)),
			want: []Peering{
				{ID: 1, SubscriptionID: 7, Kind: Pro, Provider: ProviderGCP, VPCID: "vpc-x"},
				{ID: 2, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, GCPProjectID: "p"},
				{ID: 3, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, AWSAccountID: "1"},
				{ID: 4, SubscriptionID: 7, Kind: Pro, Provider: ProviderGCP, GCPNetworkName: "n"},
				{ID: 5, SubscriptionID: 7, Kind: Pro, Provider: ProviderGCP, GCPRedisProjectID: "rp"},
				{ID: 6, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, Status: StatusFailed},
				{ID: 7, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-7"},
			},
		},
		{
			name: "Pro list as a bare array, sorted by ID", kind: Pro,
			raw: json.RawMessage(`[{"vpcPeeringId":9,"projectUid":"p","networkName":"n"},{"vpcPeeringId":3,"vpcUid":"vpc-3"}]`),
			want: []Peering{
				{ID: 3, SubscriptionID: 7, Kind: Pro, Provider: ProviderAWS, VPCID: "vpc-3"},
				{ID: 9, SubscriptionID: 7, Kind: Pro, Provider: ProviderGCP, GCPProjectID: "p", GCPNetworkName: "n"},
			},
		},
		{
			name: "Active-Active: regionName at region level, peering's own source and destination", kind: ActiveActive,
			raw: json.RawMessage(`{"regions":[{"regionId":4,"regionName":"eu-west-1","vpcPeerings":[` +
				`{"id":"12","regionId":9,"destinationRegion":"us-west-2","sourceRegion":"ignored","vpcUid":"vpc-12","vpcCidrs":[{"vpcCidr":"10.0.0.0/8","active":true}]}]},` +
				`{"id":5,"vpcPeerings":[{"id":13,"sourceRegion":"ap-south-1","vpcNetworkName":"net"}]}]}`),
			want: []Peering{
				{ID: 12, SubscriptionID: 7, Kind: ActiveActive, Provider: ProviderAWS, Region: "us-west-2", SourceRegion: "eu-west-1", RegionID: 9, VPCID: "vpc-12", CIDRs: []string{"10.0.0.0/8"}},
				{ID: 13, SubscriptionID: 7, Kind: ActiveActive, Provider: ProviderGCP, SourceRegion: "ap-south-1", RegionID: 5, GCPNetworkName: "net"},
			},
		},
		{name: "empty Pro list", kind: Pro, raw: json.RawMessage(`{"peerings":[]}`), want: nil},
		{name: "empty Active-Active list", kind: ActiveActive, raw: json.RawMessage(`{"subscriptionId":1,"regions":[{"id":1,"region":"us-east-1","vpcPeerings":[]}]}`), want: nil},
		{name: "missing resource", kind: Pro, raw: nil, wantErr: "no resource"},
		{name: "null resource", kind: ActiveActive, raw: json.RawMessage(` null `), wantErr: "no resource"},
		{name: "Pro list of the wrong type", kind: Pro, raw: json.RawMessage(`{"peerings":{"a":1}}`), wantErr: "decoding peering list"},
		{name: "Active-Active list of the wrong type", kind: ActiveActive, raw: json.RawMessage(`[1]`), wantErr: "Active-Active"},
		{name: "vpcCidrs element of the wrong type", kind: Pro, raw: json.RawMessage(pro(`{"vpcPeeringId":1,"vpcCidrs":[5]}`)), wantErr: "decoding"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodePeeringList(tc.kind, 7, tc.raw)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

// TestListPeeringsTaskShapes: a list task completed without a response or a
// resource is an error, not an empty list.
func TestListPeeringsTaskShapes(t *testing.T) {
	cases := []struct {
		name    string
		kind    Kind
		doc     string
		wantErr string
		wantIDs []int
	}{
		{name: "reference GCP list", kind: Pro, doc: refGCPListTask, wantIDs: []int{11}},
		{name: "reference AWS list", kind: Pro, doc: completedTask("l", refAWSListResponse), wantIDs: []int{123, 124}},
		{name: "Active-Active list", kind: ActiveActive, doc: completedTask("l", `{"resourceId":1986,"resource":`+refAAListResource+`}`), wantIDs: []int{77, 78}},
		{name: "no response", kind: Pro, doc: `{"taskId":"l","status":"processing-completed"}`, wantErr: "EMPTY_RESPONSE"},
		{name: "no resource", kind: Pro, doc: completedTask("l", `{"resourceId":1}`), wantErr: "no resource"},
		{name: "wrong kind of subscription", kind: Pro, doc: `{"taskId":"l","status":"processing-error","response":{"error":{"type":"GETTING_SINGLE_REGION_VPC_PEERINGS_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION","status":"400 BAD_REQUEST"}}}`, wantErr: "ACTIVE_ACTIVE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var paths []string
			var mu sync.Mutex
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				paths = append(paths, r.Method+" "+r.URL.Path)
				mu.Unlock()
				if r.URL.Path == "/v1/tasks/l" {
					writeJSON(w, http.StatusOK, tc.doc)
					return
				}
				writeJSON(w, http.StatusOK, `{"taskId":"l","status":"received"}`)
			}))
			c := newTestClient(t, srv, nil)
			list, err := c.ListPeerings(context.Background(), tc.kind, 1986)
			wantList := "GET /v1/subscriptions/1986/peerings"
			if tc.kind == ActiveActive {
				wantList = "GET /v1/subscriptions/1986/regions/peerings"
			}
			mu.Lock()
			if len(paths) < 2 || paths[0] != wantList || paths[1] != "GET /v1/tasks/l" {
				t.Errorf("requests %v", paths)
			}
			mu.Unlock()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				if tc.name == "wrong kind of subscription" && !IsWrongSubscriptionKind(err) {
					t.Error("IsWrongSubscriptionKind false")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []int
			for _, p := range list {
				ids = append(ids, p.ID)
				if p.SubscriptionID != 1986 || p.Kind != tc.kind {
					t.Errorf("peering %+v", p)
				}
			}
			if !slices.Equal(ids, tc.wantIDs) {
				t.Errorf("IDs %v, want %v", ids, tc.wantIDs)
			}
		})
	}
}

func peeringIDs(list []Peering) []int {
	ids := make([]int, 0, len(list))
	for _, p := range list {
		ids = append(ids, p.ID)
	}
	return ids
}

// TestListPeeringsCoalesces: concurrent readers of one subscription share
// one list task, and later readers share its snapshot while it is fresh.
func TestListPeeringsCoalesces(t *testing.T) {
	m := newMiniAPI(t)
	a := m.addPeering("vpc-a", "10.1.0.0/24")
	b := m.addPeering("vpc-b", "10.2.0.0/24", "10.3.0.0/24")
	m.listGate = make(chan struct{})
	c := newTestClient(t, m.srv, func(cfg *Config) { cfg.SnapshotTTL = time.Minute })

	const readers = 10
	var wg sync.WaitGroup
	results := make([][]Peering, readers)
	errs := make([]error, readers)
	var returned sync.WaitGroup
	returned.Add(readers)
	done := make(chan struct{})
	for i := 0; i < readers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = c.ListPeerings(context.Background(), Pro, 1)
			returned.Done()
		}(i)
	}
	go func() { returned.Wait(); close(done) }()
	<-m.listArrived
	time.Sleep(60 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("readers returned before the list task completed")
	default:
	}
	if n := m.count("list"); n != 1 {
		t.Fatalf("%d list tasks while the first was running, want 1", n)
	}
	close(m.listGate)
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("reader %d: %v", i, errs[i])
		}
		if !slices.Equal(peeringIDs(results[i]), []int{a, b}) {
			t.Errorf("reader %d got %v", i, peeringIDs(results[i]))
		}
	}
	// Each reader owns its copy.
	results[0][0].CIDRs[0] = "mutated"
	if results[1][0].CIDRs[0] == "mutated" {
		t.Error("readers share the same slice")
	}
	if n := m.count("list"); n != 1 {
		t.Errorf("%d list tasks, want 1", n)
	}

	// A later read within the snapshot's lifetime reuses it.
	list, err := c.ListPeerings(context.Background(), Pro, 1)
	if err != nil || len(list) != 2 {
		t.Fatalf("cached read: %v, %v", list, err)
	}
	if list[0].CIDRs[0] != "10.1.0.0/24" {
		t.Errorf("the snapshot was altered through a reader's copy: %v", list[0].CIDRs)
	}
	if p, err := c.GetPeering(context.Background(), Pro, 1, b); err != nil || !slices.Equal(p.CIDRs, []string{"10.2.0.0/24", "10.3.0.0/24"}) {
		t.Errorf("GetPeering: %+v, %v", p, err)
	}
	if n := m.count("list"); n != 1 {
		t.Errorf("%d list tasks after cached reads, want 1", n)
	}

	// A peering missing from the list is "not found".
	_, err = c.GetPeering(context.Background(), Pro, 1, 999)
	if !IsNotFound(err) || !isPeeringNotFound(err) {
		t.Errorf("GetPeering of an unknown ID: %v (IsNotFound %v)", err, IsNotFound(err))
	}

	// A list requested after a given time is not served from an older snapshot.
	since := time.Now()
	if _, err := c.listPeeringsSince(context.Background(), Pro, 1, since); err != nil {
		t.Fatal(err)
	}
	if n := m.count("list"); n != 2 {
		t.Errorf("%d list tasks after listPeeringsSince, want 2", n)
	}
	// ...but that newer snapshot serves the same since.
	if _, err := c.listPeeringsSince(context.Background(), Pro, 1, since); err != nil {
		t.Fatal(err)
	}
	if n := m.count("list"); n != 2 {
		t.Errorf("%d list tasks after a second listPeeringsSince, want 2", n)
	}

	// Another subscription has its own list.
	if _, err := c.ListPeerings(context.Background(), Pro, 2); err != nil {
		t.Fatal(err)
	}
	if n := m.count("list"); n != 3 {
		t.Errorf("%d list tasks after another subscription's, want 3", n)
	}
}

// TestMutationsInvalidateSnapshot: after each change made through the
// client the next read lists again and sees the change.
func TestMutationsInvalidateSnapshot(t *testing.T) {
	m := newMiniAPI(t)
	keep := m.addPeering("vpc-keep", "10.1.0.0/24")
	gone := m.addPeering("vpc-gone", "10.2.0.0/24")
	c := newTestClient(t, m.srv, func(cfg *Config) { cfg.SnapshotTTL = time.Hour })
	ctx := context.Background()
	read := func() []Peering {
		t.Helper()
		list, err := c.ListPeerings(ctx, Pro, 1)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	if got := peeringIDs(read()); !slices.Equal(got, []int{keep, gone}) {
		t.Fatalf("initial list %v", got)
	}

	var created int
	steps := []struct {
		name   string
		mutate func() error
		check  func(list []Peering) bool
	}{
		{"delete", func() error { return c.DeletePeering(ctx, Pro, 1, gone) },
			func(list []Peering) bool { return slices.Equal(peeringIDs(list), []int{keep}) }},
		{"create", func() error {
			res, err := c.CreatePeering(ctx, Pro, 1, CreatePeeringRequest{Region: "us-east-1", AWSAccountID: "123456789012", VPCID: "vpc-new", CIDRs: []string{"10.5.0.0/24"}}, CreateOptions{})
			created = res.ID
			return err
		}, func(list []Peering) bool { return slices.Equal(peeringIDs(list), []int{keep, created}) }},
		{"update", func() error { return c.UpdatePeeringCIDRs(ctx, Pro, 1, keep, []string{"10.7.0.0/24", "10.6.0.0/24"}) },
			func(list []Peering) bool { return slices.Equal(list[0].CIDRs, []string{"10.6.0.0/24", "10.7.0.0/24"}) }},
		{"invalidate after an outside change", func() error {
			m.addPeering("vpc-outside", "10.8.0.0/24")
			c.invalidatePeerings(Pro, 1)
			return nil
		}, func(list []Peering) bool { return len(list) == 3 }},
	}
	for i, s := range steps {
		before := m.count("list")
		if err := s.mutate(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		// The mutation itself lists nothing, the next read lists once.
		if n := m.count("list"); n != before {
			t.Errorf("%s listed %d times", s.name, n-before)
		}
		list := read()
		if !s.check(list) {
			t.Errorf("%s: list after it %+v", s.name, list)
		}
		read()
		if n := m.count("list"); n != before+1 {
			t.Errorf("step %d (%s): %d list tasks, want %d", i, s.name, n, before+1)
		}
	}
}

// TestListLeaderCancelled: when the caller whose list is in flight gives
// up, the callers waiting for that list get a list of their own.
func TestListLeaderCancelled(t *testing.T) {
	m := newMiniAPI(t)
	id := m.addPeering("vpc-a", "10.1.0.0/24")
	m.listGate = make(chan struct{})
	c := newTestClient(t, m.srv, nil)

	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	defer cancelLeader()
	leaderErr := make(chan error, 1)
	go func() {
		_, err := c.ListPeerings(leaderCtx, Pro, 1)
		leaderErr <- err
	}()
	<-m.listArrived

	const followers = 5
	var wg sync.WaitGroup
	errs := make([]error, followers)
	lists := make([][]Peering, followers)
	for i := 0; i < followers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			lists[i], errs[i] = c.ListPeerings(context.Background(), Pro, 1)
		}(i)
	}
	time.Sleep(40 * time.Millisecond)
	if n := m.count("list"); n != 1 {
		t.Fatalf("followers did not join the leader's list: %d lists", n)
	}
	cancelLeader()
	select {
	case err := <-leaderErr:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("leader error %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("the cancelled leader did not return")
	}
	// A follower took over with a new list task; let it complete.
	<-m.listArrived
	close(m.listGate)
	wg.Wait()
	for i := range errs {
		if errs[i] != nil {
			t.Errorf("follower %d failed: %v", i, errs[i])
		} else if !slices.Equal(peeringIDs(lists[i]), []int{id}) {
			t.Errorf("follower %d got %v", i, peeringIDs(lists[i]))
		}
	}
	if n := m.count("list"); n != 2 {
		t.Errorf("%d list tasks, want 2 (the cancelled one and one for the followers)", n)
	}

	// A follower whose own context ends stops waiting at once.
	m.mu.Lock()
	m.listGate = make(chan struct{})
	m.mu.Unlock()
	c.invalidatePeerings(Pro, 1)
	lctx, lcancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() { _, err := c.ListPeerings(lctx, Pro, 1); leaderDone <- err }()
	<-m.listArrived
	fctx, fcancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer fcancel()
	start := time.Now()
	if _, err := c.ListPeerings(fctx, Pro, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("follower error %v", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("follower returned after %v", d)
	}
	lcancel()
	if err := <-leaderDone; !errors.Is(err, context.Canceled) {
		t.Errorf("second leader error %v", err)
	}
	close(m.listGate)
}

func TestCreatePeering(t *testing.T) {
	req := CreatePeeringRequest{Region: "us-east-1", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f", CIDRs: []string{"10.10.0.0/16"}}
	cases := []struct {
		name  string
		setup func(m *miniAPI)
		check func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string)
	}{
		{
			name: "plain create reports its task",
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if err != nil {
					t.Fatal(err)
				}
				if res.Adopted || res.ID != 100 || len(tasks) != 1 || tasks[0] != res.TaskID {
					t.Errorf("result %+v, onTask %v", res, tasks)
				}
				if m.count("create") != 1 {
					t.Errorf("%d POSTs", m.count("create"))
				}
			},
		},
		{
			name: "pending subscription is waited for before the POST",
			setup: func(m *miniAPI) {
				m.subStatuses = []string{SubscriptionPending, SubscriptionPending, SubscriptionActive}
			},
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if err != nil {
					t.Fatal(err)
				}
				ev := m.eventLog()
				if len(ev) < 4 || !slices.Equal(ev[:4], []string{"subscription", "subscription", "subscription", "create"}) {
					t.Errorf("events %v", ev)
				}
			},
		},
		{
			name: "SUBSCRIPTION_NOT_ACTIVE: wait for active, send again",
			setup: func(m *miniAPI) {
				m.createErrors = []string{ErrSubscriptionNotActive}
				m.subStatuses = []string{SubscriptionActive, SubscriptionPending, SubscriptionPending, SubscriptionActive}
			},
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if err != nil {
					t.Fatal(err)
				}
				ev := m.eventLog()
				want := []string{"subscription", "create", "subscription", "subscription", "subscription", "create"}
				if !slices.Equal(ev, want) {
					t.Errorf("events %v, want %v", ev, want)
				}
				if len(tasks) != 2 || tasks[1] != res.TaskID || tasks[0] == tasks[1] {
					t.Errorf("onTask %v, result %+v", tasks, res)
				}
				if res.Adopted || m.peeringCount() != 1 {
					t.Errorf("result %+v with %d peerings", res, m.peeringCount())
				}
			},
		},
		{
			name:  "a lost answer, then ALREADY_EXIST: the peering is adopted, no duplicate",
			setup: func(m *miniAPI) { m.dropCreates = 1 },
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if err != nil {
					t.Fatal(err)
				}
				if !res.Adopted || res.ID != 100 {
					t.Errorf("result %+v", res)
				}
				if m.count("create") != 2 || m.peeringCount() != 1 || m.count("list") != 1 {
					t.Errorf("%d POSTs, %d peerings, %d lists", m.count("create"), m.peeringCount(), m.count("list"))
				}
				if len(tasks) != 1 || res.TaskID != tasks[0] {
					t.Errorf("onTask %v, result %+v", tasks, res)
				}
			},
		},
		{
			name: "ALREADY_EXIST without a lost answer is an error",
			setup: func(m *miniAPI) {
				m.addPeering("vpc-0a1b2c3d4e5f", "10.10.0.0/16")
			},
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if !IsAlreadyExists(err) || res.Adopted || res.ID != 0 {
					t.Fatalf("result %+v, error %v", res, err)
				}
				if TaskID(err) == "" || len(tasks) != 1 || TaskID(err) != tasks[0] {
					t.Errorf("TaskID %q, onTask %v", TaskID(err), tasks)
				}
				if m.count("create") != 1 || m.count("list") != 0 {
					t.Errorf("%d POSTs, %d lists", m.count("create"), m.count("list"))
				}
			},
		},
		{
			name:  "a subscription being deleted fails at once",
			setup: func(m *miniAPI) { m.subStatuses = []string{"deleting"} },
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				var se *SubscriptionStateError
				if !errors.As(err, &se) || se.Status != "deleting" {
					t.Fatalf("error %v", err)
				}
				if m.count("create") != 0 {
					t.Error("POST sent")
				}
			},
		},
		{
			name:  "a task error is final",
			setup: func(m *miniAPI) { m.createErrors = []string{"VPC_PEERING_CIDR_OVERLAP"} },
			check: func(t *testing.T, m *miniAPI, res CreateResult, err error, tasks []string) {
				if errorType(err) != "VPC_PEERING_CIDR_OVERLAP" || m.count("create") != 1 {
					t.Fatalf("error %v after %d POSTs", err, m.count("create"))
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMiniAPI(t)
			if tc.setup != nil {
				tc.setup(m)
			}
			c := newTestClient(t, m.srv, nil)
			var mu sync.Mutex
			var tasks []string
			res, err := c.CreatePeering(context.Background(), Pro, 1, req, CreateOptions{OnTask: func(id string) {
				mu.Lock()
				defer mu.Unlock()
				tasks = append(tasks, id)
			}})
			mu.Lock()
			defer mu.Unlock()
			tc.check(t, m, res, err, tasks)
		})
	}
}

func TestDeleteAndUpdateUnknownPeering(t *testing.T) {
	m := newMiniAPI(t)
	c := newTestClient(t, m.srv, nil)
	ctx := context.Background()
	err := c.DeletePeering(ctx, Pro, 1, 4242)
	if !IsNotFound(err) || !isPeeringNotFound(err) {
		t.Errorf("delete of an unknown peering: %v (IsNotFound %v, isPeeringNotFound %v)", err, IsNotFound(err), isPeeringNotFound(err))
	}
	if TaskID(err) == "" {
		t.Error("the task ID is lost")
	}
	err = c.UpdatePeeringCIDRs(ctx, Pro, 1, 4242, []string{"10.0.0.0/24"})
	if !isPeeringNotFound(err) {
		t.Errorf("update of an unknown peering: %v", err)
	}
	if m.count("delete") != 1 || m.count("update") != 1 {
		t.Errorf("sent %d deletes, %d updates", m.count("delete"), m.count("update"))
	}
	// The subscription's own 404 is not a peering's.
	if isPeeringNotFound(&TaskError{Type: ErrSubscriptionNotFound, Status: "404 NOT_FOUND"}) {
		t.Error("SUBSCRIPTION_NOT_FOUND taken for a missing peering")
	}
	if !IsNotFound(&TaskError{Type: ErrActiveActivePeeringNotFound}) || !isPeeringNotFound(&TaskError{Type: ErrActiveActivePeeringNotFound}) {
		t.Error("Active-Active not-found not recognised")
	}
}

// TestUpdateAfterLostAnswer: a PUT whose answer is lost is checked against
// the list; when the CIDRs are already the wanted ones, it is done.
func TestUpdateAfterLostAnswer(t *testing.T) {
	m := newMiniAPI(t)
	id := m.addPeering("vpc-a", "10.1.0.0/24")
	var puts counter
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v1/subscriptions/1/peerings/{id}", func(w http.ResponseWriter, r *http.Request) {
		if puts.inc("put") == 1 {
			// Applied, then the answer is lost.
			m.mu.Lock()
			setCIDRs(m.peerings[id], map[string]any{"vpcCidrs": []any{"10.4.0.0/24", "10.3.0.0/24"}})
			m.mu.Unlock()
			dropConnection(t, w, r)
			return
		}
		t.Error("the update was sent again")
	})
	mux.Handle("/", m.srv.Config.Handler)
	srv := newServer(t, mux)
	c := newTestClient(t, srv, nil)
	if err := c.UpdatePeeringCIDRs(context.Background(), Pro, 1, id, []string{"10.3.0.0/24", "10.4.0.0/24"}); err != nil {
		t.Fatalf("update: %v", err)
	}
	if puts.get("put") != 1 || m.count("list") != 1 {
		t.Errorf("%d PUTs, %d lists", puts.get("put"), m.count("list"))
	}
}

func TestMatches(t *testing.T) {
	aws := CreatePeeringRequest{AWSAccountID: "1", VPCID: "vpc-1"}
	gcp := CreatePeeringRequest{Provider: "gcp", GCPProjectID: "p", GCPNetworkName: "n"}
	aa := CreatePeeringRequest{SourceRegion: "us-east-1", AWSAccountID: "1", VPCID: "vpc-1"}
	cases := []struct {
		name string
		r    CreatePeeringRequest
		p    Peering
		want bool
	}{
		{"same AWS VPC", aws, Peering{Provider: ProviderAWS, AWSAccountID: "1", VPCID: "vpc-1"}, true},
		{"account not listed", aws, Peering{Provider: ProviderAWS, VPCID: "vpc-1"}, true},
		{"other account", aws, Peering{Provider: ProviderAWS, AWSAccountID: "2", VPCID: "vpc-1"}, false},
		{"other VPC", aws, Peering{Provider: ProviderAWS, AWSAccountID: "1", VPCID: "vpc-2"}, false},
		{"GCP peering for an AWS request", aws, Peering{Provider: ProviderGCP, VPCID: "vpc-1"}, false},
		{"same GCP network", gcp, Peering{Provider: ProviderGCP, GCPProjectID: "p", GCPNetworkName: "n"}, true},
		{"other GCP network", gcp, Peering{Provider: ProviderGCP, GCPProjectID: "p", GCPNetworkName: "m"}, false},
		{"AA same source region", aa, Peering{Provider: ProviderAWS, SourceRegion: "US-EAST-1", VPCID: "vpc-1"}, true},
		{"AA other source region", aa, Peering{Provider: ProviderAWS, SourceRegion: "eu-west-1", VPCID: "vpc-1"}, false},
	}
	for _, tc := range cases {
		if got := tc.r.Matches(&tc.p); got != tc.want {
			t.Errorf("%s: Matches = %v", tc.name, got)
		}
	}
}

func TestSubscriptionReads(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/subscriptions/1":
			writeJSON(w, http.StatusOK, refSubscription)
		case "/v1/subscriptions/1986/regions":
			writeJSON(w, http.StatusOK, refRegions)
		case "/v1/subscriptions":
			writeJSON(w, http.StatusOK, `{"accountId":40,"subscriptions":[`+refSubscription+`]}`)
		default:
			writeJSON(w, http.StatusNotFound, refSpringError25)
		}
	}))
	c := newTestClient(t, srv, nil)
	ctx := context.Background()
	sub, err := c.GetSubscription(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := &Subscription{ID: 1, Name: "Get-test", Status: "active", Providers: []string{"AWS"},
		Regions: []SubscriptionRegion{{Region: "eu-west-1", Provider: "AWS", DeploymentCIDRs: []string{"10.0.0.0/24"}}}}
	if !reflect.DeepEqual(sub, want) {
		t.Errorf("subscription %+v", sub)
	}
	if sub.IsActiveActive() {
		t.Error("single-region taken for Active-Active")
	}
	regions, err := c.listRegions(ctx, 1986)
	if err != nil {
		t.Fatal(err)
	}
	if want := []SubscriptionRegion{{ID: 1, Region: "us-east-1", DeploymentCIDRs: []string{"192.169.0.0/24"}, VPCID: "vpc-0e828cd5c0c580389"}}; !reflect.DeepEqual(regions, want) {
		t.Errorf("regions %+v", regions)
	}
	_, err = c.WaitForSubscriptionActive(ctx, 2)
	var se *SubscriptionNotFoundError
	if !IsNotFound(err) || !errors.As(err, &se) || se.ID != 2 {
		t.Errorf("unknown subscription: %v", err)
	}
	subs, err := c.ListSubscriptions(ctx)
	if err != nil || len(subs) != 1 || subs[0].ID != 1 || subs[0].Status != "active" {
		t.Errorf("ListSubscriptions = %+v, %v", subs, err)
	}
}
