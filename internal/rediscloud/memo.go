package rediscloud

import (
	"context"
	"slices"
	"sync"
	"time"
)

// memo remembers a value per key for ttl (0: the client's life), and lets
// one caller read a missing value while the others of its key wait for that
// answer: parallel creates on one subscription read it once. Values go in
// and out through clone, so that no caller changes another's copy. A failed
// read is not remembered.
type memo[K comparable, V any] struct {
	ttl   time.Duration
	clone func(V) V

	mu      sync.Mutex
	seen    map[K]memoValue[V]
	reading map[K]*sync.Mutex
}

type memoValue[V any] struct {
	v  V
	at time.Time
}

func newMemo[K comparable, V any](ttl time.Duration, clone func(V) V) *memo[K, V] {
	return &memo[K, V]{ttl: ttl, clone: clone, seen: map[K]memoValue[V]{}, reading: map[K]*sync.Mutex{}}
}

func (m *memo[K, V]) get(k K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.seen[k]
	if !ok || (m.ttl > 0 && time.Since(e.at) >= m.ttl) {
		var zero V
		return zero, false
	}
	return m.clone(e.v), true
}

func (m *memo[K, V]) put(k K, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen[k] = memoValue[V]{v: m.clone(v), at: time.Now()}
}

func (m *memo[K, V]) forget(k K) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.seen, k)
}

// load returns k's value, calling read when none serves, one read of a key
// at a time.
func (m *memo[K, V]) load(ctx context.Context, k K, read func(context.Context) (V, error)) (V, error) {
	if v, ok := m.get(k); ok {
		return v, nil
	}
	m.mu.Lock()
	r, ok := m.reading[k]
	if !ok {
		r = &sync.Mutex{}
		m.reading[k] = r
	}
	m.mu.Unlock()
	r.Lock()
	defer r.Unlock()
	if v, ok := m.get(k); ok {
		return v, nil
	}
	v, err := read(ctx)
	if err != nil {
		var zero V
		return zero, err
	}
	m.put(k, v)
	return m.clone(v), nil
}

// The one copy rule of what the client shares between callers (memos,
// list snapshots, Shown): a copy owns every slice, down to its elements'.
func cloneEach[T any](s []T, own func(*T)) []T {
	out := slices.Clone(s)
	for i := range out {
		own(&out[i])
	}
	return out
}

func ownSubscription(s *Subscription) {
	s.Providers = slices.Clone(s.Providers)
	s.Regions = cloneRegions(s.Regions)
}

func cloneRegions(regions []SubscriptionRegion) []SubscriptionRegion {
	return cloneEach(regions, func(r *SubscriptionRegion) { r.DeploymentCIDRs = slices.Clone(r.DeploymentCIDRs) })
}

func ownPeering(p *Peering) { p.CIDRs = slices.Clone(p.CIDRs) }

func cloneSubscription(s *Subscription) *Subscription {
	cp := *s
	ownSubscription(&cp)
	return &cp
}

func cloneSubscriptions(list []Subscription) []Subscription { return cloneEach(list, ownSubscription) }

func (l *peeringList) clone() *peeringList {
	return &peeringList{peerings: cloneEach(l.peerings, ownPeering), regions: l.regions}
}

type listKey struct {
	kind Kind
	sub  int
}

// listCache coalesces peering lists per subscription: a refresh of many
// peerings of one subscription sends one list task. Every mutation through
// this client bumps the subscription's generation: a list started before a
// mutation completed never serves after it.
type listCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[listKey]*listEntry
	now     func() time.Time
}

// listEntry holds the last completed list of its generation (snap), when it
// completed and when its task was requested, and the last read it served.
type listEntry struct {
	gen                      uint64
	snap                     *peeringList
	snapAt, snapReq, lastUse time.Time
	flight                   *listCall
}

// burstFactor bounds how long a burst of reads keeps one list: a list
// serves for ttl after it completed, and while reads keep coming less than
// ttl apart, up to burstFactor × ttl. A refresh of a thousand peerings costs
// one list per subscription; a read after a quiet spell gets its own.
const burstFactor = 24

func (e *listEntry) fresh(now time.Time, ttl time.Duration) bool {
	if e.snap == nil {
		return false
	}
	age := now.Sub(e.snapAt)
	return age < ttl || (now.Sub(e.lastUse) < ttl && age < burstFactor*ttl)
}

type listCall struct {
	gen     uint64
	started time.Time
	done    chan struct{}
	res     *peeringList
	err     error
}

func newListCache(ttl time.Duration) *listCache {
	return &listCache{ttl: ttl, entries: map[listKey]*listEntry{}, now: time.Now}
}

func (lc *listCache) entry(k listKey) *listEntry {
	e, ok := lc.entries[k]
	if !ok {
		e = &listEntry{}
		lc.entries[k] = e
	}
	return e
}

func (lc *listCache) invalidate(k listKey) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	e := lc.entry(k)
	e.gen++
	e.snap = nil
}

// get returns a list for k requested no earlier than since, sharing a list
// in flight or a fresh snapshot.
func (lc *listCache) get(ctx context.Context, k listKey, since time.Time, fetch func(context.Context) (*peeringList, error)) (*peeringList, error) {
	for {
		lc.mu.Lock()
		e := lc.entry(k)
		now := lc.now()
		if e.fresh(now, lc.ttl) && !e.snapReq.Before(since) {
			e.lastUse = now
			res := e.snap.clone()
			lc.mu.Unlock()
			return res, nil
		}
		if call := e.flight; call != nil {
			// A list in flight that may miss what this caller must see is
			// waited for, and the next one shared: the API runs an
			// account's tasks one at a time, so one sent beside it would
			// finish no sooner.
			stale := call.gen != e.gen || call.started.Before(since)
			lc.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			// Nor is a list whose caller gave up the answer for one that has not.
			if stale || (call.err != nil && isContextErr(call.err) && ctx.Err() == nil) {
				continue
			}
			return call.result()
		}
		call := &listCall{gen: e.gen, started: now, done: make(chan struct{})}
		e.flight = call
		lc.mu.Unlock()

		call.res, call.err = fetch(ctx)

		lc.mu.Lock()
		if e.flight == call {
			e.flight = nil
		}
		if call.err == nil && call.gen == e.gen {
			now := lc.now()
			e.snap, e.snapAt, e.snapReq, e.lastUse = call.res, now, call.started, now
		}
		lc.mu.Unlock()
		close(call.done)
		return call.result()
	}
}

func (c *listCall) result() (*peeringList, error) {
	if c.err != nil {
		return nil, c.err
	}
	return c.res.clone(), nil
}

// ActiveSubscription is waitForSubscriptionActive answered by a read that
// showed the subscription active within the snapshot lifetime, so that
// vetting it before CreatePeering, or a burst of creates, costs no read.
func (c *Client) ActiveSubscription(ctx context.Context, id int) (*Subscription, error) {
	return c.active.load(ctx, id, func(ctx context.Context) (*Subscription, error) {
		return c.waitForSubscriptionActive(ctx, id)
	})
}

// SubscriptionLayout returns what does not change in a subscription's life
// (kind, clouds, regions, networking), read once for the client's life or
// taken from any earlier GetSubscription; its Status is that read's.
func (c *Client) SubscriptionLayout(ctx context.Context, id int) (*Subscription, error) {
	return c.layouts.load(c.logContext(ctx), id, func(ctx context.Context) (*Subscription, error) {
		return c.GetSubscription(ctx, id)
	})
}
