package rediscloud

import (
	"context"
	"slices"
	"sync"
	"time"
)

// memo remembers a value per key and shares its read: the callers of a key
// that find a read in flight wait for its answer, so that parallel creates
// on one subscription read it once and a refresh of many peerings of one
// subscription sends one list task. Values go in and out through clone, so
// that no caller changes another's copy.
//
// A value serves for ttl after its read completed (0: the client's life),
// and while reads keep coming less than ttl apart, up to burst × ttl. A
// failed read is not remembered. forget starts a new generation of its key:
// a read started before it never serves after it.
type memo[K comparable, V any] struct {
	ttl   time.Duration
	burst int
	clone func(V) V
	now   func() time.Time

	mu      sync.Mutex
	entries map[K]*memoEntry[V]
}

// memoEntry holds the last value read in its generation, when that read
// completed (at) and started (asked), and when the value last served.
type memoEntry[V any] struct {
	gen            uint64
	v              V
	has            bool
	at, asked, use time.Time
	flight         *memoRead[V]
}

type memoRead[V any] struct {
	gen     uint64
	started time.Time
	done    chan struct{}
	v       V
	err     error
}

func newMemo[K comparable, V any](ttl time.Duration, burst int, clone func(V) V) *memo[K, V] {
	return &memo[K, V]{ttl: ttl, burst: burst, clone: clone, now: time.Now, entries: map[K]*memoEntry[V]{}}
}

// entry is k's entry; the caller holds mu.
func (m *memo[K, V]) entry(k K) *memoEntry[V] {
	e, ok := m.entries[k]
	if !ok {
		e = &memoEntry[V]{}
		m.entries[k] = e
	}
	return e
}

func (m *memo[K, V]) fresh(e *memoEntry[V], now time.Time) bool {
	age := now.Sub(e.at)
	return e.has && (m.ttl == 0 || age < m.ttl || (now.Sub(e.use) < m.ttl && age < time.Duration(m.burst)*m.ttl))
}

// put remembers v, read just now, for k.
func (m *memo[K, V]) put(k K, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, now := m.entry(k), m.now()
	e.v, e.has, e.at, e.asked, e.use = m.clone(v), true, now, now, now
}

func (m *memo[K, V]) forget(k K) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entry(k)
	e.gen++
	var zero V
	e.v, e.has = zero, false
}

// load returns k's value from a read started no earlier than since, sharing
// a fresh value or a read in flight, else calling read.
func (m *memo[K, V]) load(ctx context.Context, k K, since time.Time, read func(context.Context, K) (V, error)) (V, error) {
	var zero V
	for {
		m.mu.Lock()
		e := m.entry(k)
		now := m.now()
		if m.fresh(e, now) && !e.asked.Before(since) {
			e.use = now
			v := m.clone(e.v)
			m.mu.Unlock()
			return v, nil
		}
		r := e.flight
		if r != nil {
			// A read in flight that may miss what this caller must see is
			// waited for, and the next one shared: the API runs an
			// account's tasks one at a time, so one sent beside it would
			// finish no sooner.
			stale := r.gen != e.gen || r.started.Before(since)
			m.mu.Unlock()
			select {
			case <-r.done:
			case <-ctx.Done():
				return zero, ctx.Err()
			}
			// Nor is a read whose caller gave up the answer for one that has not.
			if stale || (r.err != nil && isContextErr(r.err) && ctx.Err() == nil) {
				continue
			}
		} else {
			r = &memoRead[V]{gen: e.gen, started: now, done: make(chan struct{})}
			e.flight = r
			m.mu.Unlock()

			r.v, r.err = read(ctx, k)

			m.mu.Lock()
			e.flight = nil
			if r.err == nil && r.gen == e.gen {
				now := m.now()
				e.v, e.has, e.at, e.asked, e.use = r.v, true, now, r.started, now
			}
			m.mu.Unlock()
			close(r.done)
		}
		if r.err != nil {
			return zero, r.err
		}
		return m.clone(r.v), nil
	}
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

func clonePeering(p *Peering) *Peering { return cloneOne(p, ownPeering) }

func cloneSubscription(s *Subscription) *Subscription { return cloneOne(s, ownSubscription) }

func cloneOne[T any](p *T, own func(*T)) *T {
	cp := *p
	own(&cp)
	return &cp
}

func cloneSubscriptions(list []Subscription) []Subscription { return cloneEach(list, ownSubscription) }

// sharedList is the lists memo's clone: a decoded list is never changed, so
// readers share it, and the client copies only the peerings it hands out:
// a read of one peering of a thousand copies one.
func sharedList(l *peeringList) *peeringList { return l }

type listKey struct {
	kind Kind
	sub  int
}

// burstFactor bounds how long a burst of reads keeps one peering list: a
// refresh of a thousand peerings costs one list per subscription; a read
// after a quiet spell gets its own.
const burstFactor = 24

// ActiveSubscription is waitForSubscriptionActive answered by a read that
// showed the subscription active within the snapshot lifetime, so that
// vetting it before CreatePeering, or a burst of creates, costs no read.
func (c *Client) ActiveSubscription(ctx context.Context, id int) (*Subscription, error) {
	return c.active.load(ctx, id, time.Time{}, c.waitForSubscriptionActive)
}

// SubscriptionLayout returns what does not change in a subscription's life
// (kind, clouds, regions, networking), read once for the client's life or
// taken from any earlier GetSubscription; its Status is that read's.
func (c *Client) SubscriptionLayout(ctx context.Context, id int) (*Subscription, error) {
	return c.layouts.load(c.logContext(ctx), id, time.Time{}, c.GetSubscription)
}
