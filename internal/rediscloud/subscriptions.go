package rediscloud

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Subscription statuses.
const (
	SubscriptionActive   = "active"
	SubscriptionPending  = "pending"
	SubscriptionDeleting = "deleting"
	SubscriptionError    = "error"
)

// Deployment types.
const (
	DeploymentSingleRegion = "single-region"
	DeploymentActiveActive = "active-active"
)

// Subscription is what the provider needs of a subscription.
type Subscription struct {
	ID             int
	Name           string
	Status         string
	DeploymentType string
	// Providers lists the cloud providers of cloudDetails (AWS, GCP).
	Providers []string
	Regions   []SubscriptionRegion
}

// SubscriptionRegion is a region of a subscription with its Redis-side network.
type SubscriptionRegion struct {
	ID             int
	Region         string
	Provider       string
	DeploymentCIDR string
	// VPCID is the Redis VPC (AWS) or network name (GCP), when published.
	VPCID string
}

// IsActiveActive reports an Active-Active subscription.
func (s *Subscription) IsActiveActive() bool {
	return strings.EqualFold(s.DeploymentType, DeploymentActiveActive)
}

type wireNetworking struct {
	DeploymentCIDR string `json:"deploymentCIDR"`
	// Some documents spell it deploymentCidr.
	DeploymentCidr string `json:"deploymentCidr"`
	VPCID          string `json:"vpcId"`
}

type wireSubscription struct {
	ID             FlexInt `json:"id"`
	Name           string  `json:"name"`
	Status         string  `json:"status"`
	DeploymentType string  `json:"deploymentType"`
	CloudDetails   []struct {
		Provider string `json:"provider"`
		Regions  []struct {
			Region     string           `json:"region"`
			Networking []wireNetworking `json:"networking"`
		} `json:"regions"`
	} `json:"cloudDetails"`
}

// GetSubscription reads a subscription (a synchronous call).
func (c *Client) GetSubscription(ctx context.Context, id int) (*Subscription, error) {
	var w wireSubscription
	err := c.do(ctx, request{method: http.MethodGet, path: fmt.Sprintf("/subscriptions/%d", id), op: "get subscription"}, &w)
	if err != nil {
		return nil, err
	}
	s := &Subscription{ID: id, Name: w.Name, Status: w.Status, DeploymentType: w.DeploymentType}
	for _, cd := range w.CloudDetails {
		s.Providers = append(s.Providers, strings.ToUpper(cd.Provider))
		for _, r := range cd.Regions {
			reg := SubscriptionRegion{Region: r.Region, Provider: strings.ToUpper(cd.Provider)}
			if len(r.Networking) > 0 {
				reg.DeploymentCIDR = firstNonEmpty(r.Networking[0].DeploymentCIDR, r.Networking[0].DeploymentCidr)
				reg.VPCID = r.Networking[0].VPCID
			}
			s.Regions = append(s.Regions, reg)
		}
	}
	return s, nil
}

// ListRegions reads the regions of an Active-Active subscription.
func (c *Client) ListRegions(ctx context.Context, id int) ([]SubscriptionRegion, error) {
	var w struct {
		Regions []struct {
			RegionID       FlexInt `json:"regionId"`
			Region         string  `json:"region"`
			DeploymentCidr string  `json:"deploymentCidr"`
			DeploymentCIDR string  `json:"deploymentCIDR"`
			VPCID          string  `json:"vpcId"`
		} `json:"regions"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: fmt.Sprintf("/subscriptions/%d/regions", id), op: "list subscription regions"}, &w)
	if err != nil {
		return nil, err
	}
	out := make([]SubscriptionRegion, 0, len(w.Regions))
	for _, r := range w.Regions {
		out = append(out, SubscriptionRegion{ID: r.RegionID.Value, Region: r.Region, DeploymentCIDR: firstNonEmpty(r.DeploymentCidr, r.DeploymentCIDR), VPCID: r.VPCID})
	}
	return out, nil
}

// SubscriptionStateError says a subscription is in a state that no wait will
// change into active.
type SubscriptionStateError struct {
	ID     int
	Status string
}

func (e *SubscriptionStateError) Error() string {
	return fmt.Sprintf("subscription %d is %q, not active", e.ID, e.Status)
}

// WaitForSubscriptionActive returns once the subscription is active. It waits
// while it is pending (or in another transitional state) and fails at once
// when it is deleting or in error.
func (c *Client) WaitForSubscriptionActive(ctx context.Context, id int) (*Subscription, error) {
	ctx = c.logContext(ctx)
	poller := c.NewPoller("subscription-active")
	for {
		sub, err := c.GetSubscription(ctx, id)
		if err != nil {
			if !isTransient(err) || ctx.Err() != nil {
				return nil, err
			}
		} else {
			switch strings.ToLower(sub.Status) {
			case SubscriptionActive:
				if poller.Elapsed() > 0 && poller.Elapsed() > c.pollMin {
					poller.Done()
				}
				return sub, nil
			case SubscriptionDeleting, SubscriptionError:
				return sub, &SubscriptionStateError{ID: id, Status: sub.Status}
			}
		}
		next := poller.Next()
		status := ""
		if sub != nil {
			status = sub.Status
		}
		tflog.SubsystemDebug(ctx, logSubsystem, "waiting for subscription to be active", map[string]any{
			"subscription_id": id,
			"status":          status,
			"elapsed_ms":      poller.Elapsed().Milliseconds(),
			"next_poll":       next.String(),
		})
		if err := sleep(ctx, next); err != nil {
			return sub, fmt.Errorf("waiting for subscription %d to become active (last status %q): %w", id, status, err)
		}
	}
}

// activeSubscriptions remembers the last answer that showed a subscription
// active, so that a burst of creates on one subscription reads it once
// rather than once per peering. A create sent after the subscription has left
// active fails with SUBSCRIPTION_NOT_ACTIVE, which forgets the answer and
// waits for active again, so reusing it costs no correctness.
type activeSubscriptions struct {
	ttl  time.Duration
	mu   sync.Mutex
	seen map[int]activeSeen
}

type activeSeen struct {
	sub *Subscription
	at  time.Time
}

func newActiveSubscriptions(ttl time.Duration) *activeSubscriptions {
	return &activeSubscriptions{ttl: ttl, seen: map[int]activeSeen{}}
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

// activeSubscription is WaitForSubscriptionActive, answered from a recent
// active answer when there is one.
func (c *Client) activeSubscription(ctx context.Context, id int) (*Subscription, error) {
	if s := c.active.get(id); s != nil {
		return s, nil
	}
	s, err := c.WaitForSubscriptionActive(ctx, id)
	if err == nil {
		c.active.put(s)
	}
	return s, err
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
