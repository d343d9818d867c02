package rediscloud

import (
	"context"
	"errors"
	"sync"
	"time"
)

type listKey struct {
	kind Kind
	sub  int
}

// listCache coalesces peering lists per subscription. A list is an
// asynchronous task of its own, so a plan that refreshes many peerings of one
// subscription would otherwise send one list task per peering.
//
// Each subscription has a generation, bumped by every mutation through this
// client: a list started before a mutation completed never serves a caller
// after it.
type listCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[listKey]*listEntry
	// now is the clock (time.Now; a test may set another).
	now func() time.Time
}

type listEntry struct {
	gen uint64
	// The last completed list of this generation.
	snap    *peeringList
	snapAt  time.Time // completion
	snapReq time.Time // when its task was requested
	lastUse time.Time // the last read it served
	hasSnap bool
	flight  *listCall
}

// burstFactor bounds how long a burst of reads keeps one list: a list
// serves reads for ttl after it completed, and beyond that for as long as
// reads keep coming less than ttl apart, up to burstFactor × ttl (two
// minutes with the default 5 s). A refresh of a thousand peerings is one
// burst, so it reads one list per subscription however long Terraform
// takes over it; a read after a quiet spell gets a list of its own.
const burstFactor = 24

// fresh reports whether the snapshot may serve a read at now.
func (e *listEntry) fresh(now time.Time, ttl time.Duration) bool {
	if !e.hasSnap {
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
	e.hasSnap = false
	e.snap = nil
}

// get returns a list for k that was requested no earlier than since, sharing
// a list in flight or a fresh snapshot when there is one.
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
		call := e.flight
		if call != nil && (call.gen != e.gen || call.started.Before(since)) {
			// The list in flight may miss what this caller must see. Wait
			// for it, then share the next one: the API runs an account's
			// tasks one at a time, so a list sent beside it would finish no
			// sooner, and every caller arriving meanwhile joins that next
			// list instead of sending one each.
			lc.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			continue
		}
		if call != nil {
			lc.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if call.err != nil && isContextErr(call.err) && ctx.Err() == nil {
				// The caller that ran the list gave up; this one has not.
				continue
			}
			if call.err != nil {
				return nil, call.err
			}
			return call.res.clone(), nil
		}
		call = &listCall{gen: e.gen, started: now, done: make(chan struct{})}
		e.flight = call
		lc.mu.Unlock()

		call.res, call.err = fetch(ctx)

		lc.mu.Lock()
		if e.flight == call {
			e.flight = nil
		}
		if call.err == nil && call.gen == e.gen {
			now := lc.now()
			e.snap, e.snapAt, e.snapReq, e.lastUse, e.hasSnap = call.res, now, call.started, now, true
		}
		lc.mu.Unlock()
		close(call.done)
		if call.err != nil {
			return nil, call.err
		}
		return call.res.clone(), nil
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
