package rediscloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"
)

const (
	subscriptionActive     = "active"
	subscriptionPending    = "pending"
	deploymentActiveActive = "active-active"
)

// Subscription is what the provider needs of a subscription.
type Subscription struct {
	ID             int
	Status         string
	DeploymentType string
	Providers      []string // of cloudDetails (AWS, GCP)
	Regions        []SubscriptionRegion
}

// SubscriptionRegion is a region of a subscription with its Redis-side CIDR
// blocks, one for each networking entry, in the API's order.
type SubscriptionRegion struct {
	Region          string
	DeploymentCIDRs []string
}

func (s *Subscription) IsActiveActive() bool {
	return strings.EqualFold(s.DeploymentType, deploymentActiveActive)
}

// GetSubscription reads a subscription (see explainNotFound for a 404).
func (c *Client) GetSubscription(ctx context.Context, id int) (*Subscription, error) {
	var w wireSubscription
	err := c.do(ctx, request{method: http.MethodGet, path: fmt.Sprintf("/subscriptions/%d", id), op: "get subscription"}, &w)
	if err != nil {
		return nil, c.explainNotFound(ctx, Pro, id, 0, err)
	}
	s := w.toSubscription(id)
	// Every read serves SubscriptionLayout, and a create right after need
	// not read it again to know it active.
	c.layouts.put(s.ID, s)
	if strings.EqualFold(s.Status, subscriptionActive) {
		c.active.put(s.ID, s)
	}
	return s, nil
}

// ListSubscriptions returns the account's subscriptions, one read shared for
// the snapshot lifetime.
func (c *Client) ListSubscriptions(ctx context.Context) ([]Subscription, error) {
	return c.account.load(ctx, struct{}{}, time.Time{}, func(ctx context.Context, _ struct{}) ([]Subscription, error) {
		var raw json.RawMessage
		if err := c.do(ctx, request{method: http.MethodGet, path: "/subscriptions", op: "list subscriptions"}, &raw); err != nil {
			return nil, err
		}
		list, err := decodeSubscriptionList(raw)
		if err != nil {
			return nil, c.listFailed("list subscriptions", "the answer to GET "+c.base.JoinPath("subscriptions").Path, err)
		}
		return list, nil
	})
}

// explainNotFound turns a synchronous HTTP 404 about subscription sub (and
// peering, when not 0) into what it proves. A 404 alone proves nothing (a
// url without /v1 answers 404 to everything), so the account's subscription
// list, read with the same URL and keys, decides, then the peering list.
func (c *Client) explainNotFound(ctx context.Context, kind Kind, sub, peering int, err error) error {
	he, ok := asA[*HTTPError](err)
	if isA[*waitError](err) || !ok || he.StatusCode != http.StatusNotFound {
		return err
	}
	subs, lerr := c.ListSubscriptions(ctx)
	if lerr != nil {
		return &UnexpectedNotFoundError{HTTP: he, Reason: fmt.Sprintf("the account's subscription list (GET %s/subscriptions) could not be read either: %v", c.base, lerr), Hint: c.urlHint()}
	}
	if !slices.ContainsFunc(subs, func(s Subscription) bool { return s.ID == sub }) {
		return &SubscriptionNotFoundError{ID: sub, wrapped: wrapped{err}}
	}
	if peering != 0 {
		list, lerr := c.listPeeringsSince(ctx, kind, sub, time.Now())
		if lerr != nil {
			return lerr
		}
		if list.find(peering) == nil {
			return &peeringNotFoundError{SubscriptionID: sub, ID: peering}
		}
	}
	return &UnexpectedNotFoundError{HTTP: he, Reason: fmt.Sprintf("subscription %d exists in the account's subscription list", sub), Hint: c.urlHint()}
}

// urlHint suggests a fix of the url setting: the API's paths start with /v1.
func (c *Client) urlHint() string {
	p := c.base.Path
	switch {
	case strings.HasSuffix(p, "/v1"):
		return fmt.Sprintf("Check that url (%s) is the Redis Cloud API's base URL, such as %s, and that no proxy in between rewrites paths", c.base, DefaultBaseURL)
	case p == "":
		return fmt.Sprintf("The Redis Cloud API's paths start with /v1: url is %s, did you mean %s/v1", c.base, c.base)
	default:
		root := *c.base
		root.Path, root.RawPath = "", ""
		return fmt.Sprintf("The Redis Cloud API's base URL ends in /v1, such as %s: url is %s; check its path (%s/v1 directly, or the path a proxy serves the API under)", DefaultBaseURL, c.base, root.String())
	}
}

// listRegions reads the regions of an Active-Active subscription once for
// the client's life.
func (c *Client) listRegions(ctx context.Context, id int) ([]SubscriptionRegion, error) {
	return c.networks.load(ctx, id, time.Time{}, func(ctx context.Context, id int) ([]SubscriptionRegion, error) {
		var w wireRegions
		err := c.do(ctx, request{method: http.MethodGet, path: fmt.Sprintf("/subscriptions/%d/regions", id), op: "list subscription regions"}, &w)
		if err != nil {
			return nil, c.explainNotFound(ctx, ActiveActive, id, 0, err)
		}
		return w.toRegions(), nil
	})
}

// waitForSubscriptionActive returns once the subscription is active. Only
// pending is known to end in active by itself: any other status fails at
// once, where a wait would last until the timeout.
func (c *Client) waitForSubscriptionActive(ctx context.Context, id int) (*Subscription, error) {
	return awaitStatus(ctx, c, waitSubscriptionActive, wait[*Subscription]{
		message: "waiting for subscription to be active",
		retry:   "reading the subscription failed; will read it again",
		fields:  map[string]any{"subscription_id": id},
		look:    func(ctx context.Context) (*Subscription, error) { return c.GetSubscription(ctx, id) },
		status:  func(s *Subscription) string { return s.Status },
		settle: func(s *Subscription) (bool, error) {
			switch strings.ToLower(s.Status) {
			case subscriptionActive:
				return true, nil
			case subscriptionPending:
				return false, nil
			}
			return true, &SubscriptionStateError{ID: id, Status: s.Status}
		},
		interrupted: func(last string, err error) error {
			return fmt.Errorf("waiting for subscription %d to become active (last status %q): %w", id, last, err)
		},
	})
}

// RedisCIDRs returns the CIDR blocks of the Redis Cloud side of a peering:
// for Pro every deploymentCIDR of the subscription (region is ignored), for
// Active-Active those of its region named region.
func (c *Client) RedisCIDRs(ctx context.Context, kind Kind, sub int, region string) ([]string, error) {
	ctx = c.logContext(ctx)
	regions, err := kind.api().networks(c, ctx, sub)
	if err != nil {
		return nil, err
	}
	own := kind.api().ownRegion(region)
	var out, names []string
	for _, r := range regions {
		names = append(names, r.Region)
		if own != "" && !strings.EqualFold(r.Region, own) {
			continue
		}
		for _, cidr := range r.DeploymentCIDRs {
			// Only what parses as a CIDR is kept, in its canonical form:
			// whatever else a server sends never reaches state or a log.
			p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
			if err == nil && !slices.Contains(out, p.Masked().String()) {
				out = append(out, p.Masked().String())
			}
		}
	}
	if len(out) == 0 {
		return nil, &noRedisCIDRsError{SubscriptionID: sub, Region: own, Regions: names}
	}
	return out, nil
}

func (c *Client) subscriptionNetworks(ctx context.Context, sub int) ([]SubscriptionRegion, error) {
	s, err := c.SubscriptionLayout(ctx, sub)
	if err != nil || s.IsActiveActive() {
		return nil, err
	}
	return s.Regions, nil
}
