package rediscloud

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

func peeringIDs(list []Peering) []int {
	ids := make([]int, 0, len(list))
	for _, p := range list {
		ids = append(ids, p.ID)
	}
	return ids
}

// clockWatch stands in for a memo's clock and counts its reads. load
// reads the clock once, under the cache's lock, each time it looks for a
// list to share: while a list is in flight, each read is a caller that has
// found that list and waits for it (or, the first, started it).
type clockWatch struct {
	mu    sync.Mutex
	reads int
	read  chan struct{}
}

func watchClock(lc *memo[listKey, *peeringList]) *clockWatch {
	w := &clockWatch{read: make(chan struct{}, 1)}
	lc.now = func() time.Time {
		w.mu.Lock()
		w.reads++
		w.mu.Unlock()
		select {
		case w.read <- struct{}{}:
		default:
		}
		return time.Now()
	}
	return w
}

func (w *clockWatch) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reads
}

// waitReads waits until the clock has been read n times in all. The
// deadline only keeps a broken cache from hanging the test.
func (w *clockWatch) waitReads(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if got := w.count(); got >= n {
			return
		}
		select {
		case <-w.read:
		case <-deadline:
			t.Fatalf("the cache's clock was read %d times, want %d: not every caller reached the cache", w.count(), n)
		}
	}
}

// TestListPeeringsCoalesces: concurrent readers of one subscription share
// one list task, and later readers share its snapshot while it is fresh.
func TestListPeeringsCoalesces(t *testing.T) {
	m := newMiniAPI(t)
	a := m.addPeering("vpc-a", "10.1.0.0/24")
	b := m.addPeering("vpc-b", "10.2.0.0/24", "10.3.0.0/24")
	m.listGate = make(chan struct{})
	c := newTestClient(t, m.srv, func(cfg *Config) { cfg.SnapshotTTL = time.Minute })
	clock := watchClock(c.lists)

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
	// Every reader has found the list in flight: the one that sent it, and
	// the others waiting for it.
	clock.waitReads(t, readers)
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
	for range 2 {
		// The first peering read is changed by its caller; the second
		// read must not see it.
		p, err := c.GetPeering(context.Background(), Pro, 1, b, "")
		if err != nil || !slices.Equal(p.CIDRs, []string{"10.2.0.0/24", "10.3.0.0/24"}) || p.Status != StatusInitiatingRequest {
			t.Fatalf("GetPeering: %+v, %v", p, err)
		}
		p.CIDRs[0], p.Status = "mutated", "mutated"
	}
	if n := m.count("list"); n != 1 {
		t.Errorf("%d list tasks after cached reads, want 1", n)
	}

	// A peering missing from the list is "not found".
	_, err = c.GetPeering(context.Background(), Pro, 1, 999, "")
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
			c.lists.forget(listKey{Pro, 1})
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
	clock := watchClock(c.lists)

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
	clock.waitReads(t, 1+followers)
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

	// A follower whose own context ends stops waiting at once, while the
	// list it joined is still held.
	m.mu.Lock()
	m.listGate = make(chan struct{})
	m.mu.Unlock()
	c.lists.forget(listKey{Pro, 1})
	lctx, lcancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	before := clock.count()
	go func() { _, err := c.ListPeerings(lctx, Pro, 1); leaderDone <- err }()
	<-m.listArrived
	fctx, fcancel := context.WithCancel(context.Background())
	defer fcancel()
	followerDone := make(chan error, 1)
	go func() { _, err := c.ListPeerings(fctx, Pro, 1); followerDone <- err }()
	clock.waitReads(t, before+2)
	fcancel()
	select {
	case err := <-followerDone:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("follower error %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("the follower whose context ended still waits for the held list")
	}
	select {
	case err := <-leaderDone:
		t.Errorf("the second leader returned (%v) while its list was held", err)
	default:
	}
	lcancel()
	if err := <-leaderDone; !errors.Is(err, context.Canceled) {
		t.Errorf("second leader error %v", err)
	}
	close(m.listGate)
}

// A list serves a burst of reads, each less than the TTL after the last,
// beyond the TTL, up to burstFactor × TTL; after a quiet spell of a TTL, or
// past that bound, a read gets a new list. (A fake clock: the test is about
// the rule, not the scheduler.)
func TestListSnapshotServesABurst(t *testing.T) {
	ttl := 5 * time.Second
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lc := newMemo[listKey](ttl, burstFactor, sharedList)
	lc.now = func() time.Time { return clock }
	k := listKey{Pro, 1}
	fetches := 0
	fetch := func(context.Context, listKey) (*peeringList, error) {
		fetches++
		return &peeringList{peerings: []Peering{{ID: fetches}}}, nil
	}
	read := func() int {
		t.Helper()
		list, err := lc.load(context.Background(), k, time.Time{}, fetch)
		if err != nil {
			t.Fatal(err)
		}
		return list.peerings[0].ID
	}
	read()
	// Reads every 3 s for 60 s: one list serves them all.
	for range 20 {
		clock = clock.Add(3 * time.Second)
		if got := read(); got != 1 {
			t.Fatalf("a read within the burst, %s after the list, got list %d, want 1", clock.Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), got)
		}
	}
	// A quiet spell longer than the TTL ends the burst.
	clock = clock.Add(ttl + time.Second)
	if got := read(); got != 2 {
		t.Fatalf("the read after a quiet spell got list %d, want a new one (2)", got)
	}
	// A burst never keeps a list past burstFactor × TTL.
	start := clock
	for clock.Sub(start) < burstFactor*ttl {
		clock = clock.Add(ttl / 2)
		read()
	}
	if fetches != 3 {
		t.Errorf("a burst of %s read %d lists in all, want 3: a new one past the bound of %s", clock.Sub(start), fetches, burstFactor*ttl)
	}
}

// TestMemoFailedRead: the callers waiting for a read share its error, and
// the next caller reads again: a failure is not remembered. A forget while
// a read is in flight keeps that read's value from serving.
func TestMemoFailedRead(t *testing.T) {
	m := newMemo[int](0, 1, func(v int) int { return v })
	ctx := context.Background()
	release, reads := make(chan struct{}), 0
	failing := func(context.Context, int) (int, error) {
		reads++
		<-release
		return 0, errors.New("boom")
	}
	var mu sync.Mutex
	looks, looked := 0, make(chan struct{}, 3)
	m.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if looks++; looks <= 3 {
			looked <- struct{}{}
		}
		return time.Now()
	}
	errs := make(chan error, 3)
	for range 3 {
		go func() { _, err := m.load(ctx, 1, time.Time{}, failing); errs <- err }()
	}
	// Each caller reads the clock once when it looks: the first starts the
	// read, the others find it in flight.
	for range 3 {
		<-looked
	}
	close(release)
	for range 3 {
		if err := <-errs; err == nil || err.Error() != "boom" {
			t.Errorf("error %v, want the read's", err)
		}
	}
	if reads != 1 {
		t.Errorf("%d reads for three callers, want 1", reads)
	}
	v, err := m.load(ctx, 1, time.Time{}, func(context.Context, int) (int, error) {
		m.forget(1)
		return 7, nil
	})
	if v != 7 || err != nil {
		t.Fatalf("read after a failure: %d, %v", v, err)
	}
	v, err = m.load(ctx, 1, time.Time{}, func(context.Context, int) (int, error) { return 8, nil })
	if v != 8 || err != nil {
		t.Errorf("a value read across a forget served: got %d, %v, want 8", v, err)
	}
}
