package rediscloud

import (
	"context"
	"slices"
	"sync"
	"time"
)

// memo remembers a value per key, and lets one caller read a value it does
// not hold while the other callers of the same key wait for that answer:
// parallel creates on one subscription, or a plan checking many new
// peerings, then read it once. ttl bounds how long a value serves (0: the
// client's life). Values go in and out through clone, so that no caller can
// change another's copy. A failed read is not remembered.
//
// The client's subscription answers (an active one, a layout, the account's
// list) and Active-Active networking are memos; the peering lists, which
// mutations invalidate and waits ask for by age, are a listCache.
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

// get returns k's value if one serves.
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

// put remembers v as k's value from now.
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

// load returns k's value, calling read when none serves; one read of a key
// runs at a time, and the callers waiting for it take its answer.
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

// cloneSubscription is the one copy rule of a Subscription: every slice is
// its own.
func cloneSubscription(s *Subscription) *Subscription {
	cp := *s
	cp.Providers = slices.Clone(s.Providers)
	cp.Regions = slices.Clone(s.Regions)
	for i := range cp.Regions {
		cp.Regions[i].DeploymentCIDRs = slices.Clone(s.Regions[i].DeploymentCIDRs)
	}
	return &cp
}

func cloneSubscriptions(list []Subscription) []Subscription {
	out := make([]Subscription, len(list))
	for i := range list {
		out[i] = *cloneSubscription(&list[i])
	}
	return out
}

func cloneNetworkRegions(regions []networkRegion) []networkRegion {
	out := slices.Clone(regions)
	for i := range out {
		out[i].cidrs = slices.Clone(regions[i].cidrs)
	}
	return out
}
