package rediscloud

import (
	"context"
	"slices"
	"sync"
	"time"
)

// activeSubscriptions remembers the last answer that showed a subscription
// active, so that a burst of creates on one subscription reads it once
// rather than once per peering. A create sent after the subscription has left
// active fails with SUBSCRIPTION_NOT_ACTIVE, which forgets the answer and
// waits for active again, so reusing it costs no correctness.
type activeSubscriptions struct {
	ttl  time.Duration
	mu   sync.Mutex
	seen map[int]activeSeen
	// reading serialises the reads of one subscription, so that parallel
	// creates share the first answer instead of sending one read each.
	reading map[int]*sync.Mutex
}

type activeSeen struct {
	sub *Subscription
	at  time.Time
}

func newActiveSubscriptions(ttl time.Duration) *activeSubscriptions {
	return &activeSubscriptions{ttl: ttl, seen: map[int]activeSeen{}, reading: map[int]*sync.Mutex{}}
}

func (a *activeSubscriptions) get(id int) *Subscription {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.seen[id]
	if !ok || time.Since(s.at) >= a.ttl {
		return nil
	}
	cp := *s.sub
	cp.Providers = slices.Clone(s.sub.Providers)
	cp.Regions = slices.Clone(s.sub.Regions)
	return &cp
}

func (a *activeSubscriptions) put(s *Subscription) {
	a.mu.Lock()
	defer a.mu.Unlock()
	cp := *s
	cp.Providers = slices.Clone(s.Providers)
	cp.Regions = slices.Clone(s.Regions)
	a.seen[s.ID] = activeSeen{sub: &cp, at: time.Now()}
}

func (a *activeSubscriptions) forget(id int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.seen, id)
}

// ActiveSubscription is WaitForSubscriptionActive, answered from a recent
// active answer when there is one: a caller that vets the subscription
// before CreatePeering costs no extra read, since CreatePeering asks the
// same.
func (c *Client) ActiveSubscription(ctx context.Context, id int) (*Subscription, error) {
	c.active.mu.Lock()
	m, ok := c.active.reading[id]
	if !ok {
		m = &sync.Mutex{}
		c.active.reading[id] = m
	}
	c.active.mu.Unlock()
	m.Lock()
	defer m.Unlock()
	if s := c.active.get(id); s != nil {
		return s, nil
	}
	s, err := c.WaitForSubscriptionActive(ctx, id)
	if err == nil {
		c.active.put(s)
	}
	return s, err
}

// SubscriptionLayout returns what does not change in a subscription's life:
// its kind, clouds, regions and their networking. It is read at most once
// for the client's life, shared by concurrent callers and taken from any
// earlier read (GetSubscription); the Status of the answer is the one that
// read saw. A failed read is not remembered. A plan that checks every new
// peering against its subscription thus reads each subscription once.
func (c *Client) SubscriptionLayout(ctx context.Context, id int) (*Subscription, error) {
	ctx = c.logContext(ctx)
	if s := c.layouts.get(id); s != nil {
		return s, nil
	}
	m := c.layouts.reader(id)
	m.Lock()
	defer m.Unlock()
	if s := c.layouts.get(id); s != nil {
		return s, nil
	}
	return c.GetSubscription(ctx, id)
}

// layouts remembers the subscriptions read, for SubscriptionLayout.
type layouts struct {
	mu      sync.Mutex
	seen    map[int]*Subscription
	reading map[int]*sync.Mutex
}

func newLayouts() *layouts {
	return &layouts{seen: map[int]*Subscription{}, reading: map[int]*sync.Mutex{}}
}

func (l *layouts) put(s *Subscription) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen[s.ID] = cloneSubscription(s)
}

func (l *layouts) get(id int) *Subscription {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.seen[id]; ok {
		return cloneSubscription(s)
	}
	return nil
}

func (l *layouts) reader(id int) *sync.Mutex {
	l.mu.Lock()
	defer l.mu.Unlock()
	m, ok := l.reading[id]
	if !ok {
		m = &sync.Mutex{}
		l.reading[id] = m
	}
	return m
}

func cloneSubscription(s *Subscription) *Subscription {
	cp := *s
	cp.Providers = slices.Clone(s.Providers)
	cp.Regions = slices.Clone(s.Regions)
	for i := range cp.Regions {
		cp.Regions[i].DeploymentCIDRs = slices.Clone(s.Regions[i].DeploymentCIDRs)
	}
	return &cp
}
