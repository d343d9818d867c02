package rediscloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The subscription statuses a wait tells apart (any other, such as deleting,
// error or encryption_key_pending, ends it) and the Active-Active deployment type.
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
	// Providers lists the cloud providers of cloudDetails (AWS, GCP).
	Providers []string
	Regions   []SubscriptionRegion
}

// SubscriptionRegion is a region of a subscription with its Redis-side network.
type SubscriptionRegion struct {
	Region string
	// DeploymentCIDRs are the Redis side's CIDR blocks in this region,
	// one for each networking entry, in the API's order.
	DeploymentCIDRs []string
}

// IsActiveActive reports an Active-Active subscription.
func (s *Subscription) IsActiveActive() bool {
	return strings.EqualFold(s.DeploymentType, deploymentActiveActive)
}

// GetSubscription reads a subscription (a synchronous call). A 404 is
// checked against the account's subscription list before it is reported
// as the subscription's absence.
func (c *Client) GetSubscription(ctx context.Context, id int) (*Subscription, error) {
	var w wireSubscription
	err := c.do(ctx, request{method: http.MethodGet, path: fmt.Sprintf("/subscriptions/%d", id), op: "get subscription"}, &w)
	if err != nil {
		return nil, c.explainNotFound(ctx, Pro, id, 0, err)
	}
	s := w.toSubscription(id)
	// Every read serves SubscriptionLayout (and so the Redis-side CIDRs of
	// Pro peerings) for the client's life.
	c.layouts.put(s.ID, s)
	if strings.EqualFold(s.Status, subscriptionActive) {
		// And a create right after (a plan's read, then the create of the
		// same apply) need not read it again to know it active.
		c.active.put(s.ID, s)
	}
	return s, nil
}

// ListSubscriptions returns the account's Pro and Active-Active
// subscriptions (GET /subscriptions, a synchronous call). Concurrent callers
// share one read, which serves later callers for the snapshot lifetime.
func (c *Client) ListSubscriptions(ctx context.Context) ([]Subscription, error) {
	return c.account.load(ctx, struct{}{}, func(ctx context.Context) ([]Subscription, error) {
		var raw json.RawMessage
		if err := c.do(ctx, request{method: http.MethodGet, path: "/subscriptions", op: "list subscriptions"}, &raw); err != nil {
			return nil, err
		}
		list, err := decodeSubscriptionList(raw)
		if le, ok := asA[*ListShapeError](err); ok {
			le.Source = "the answer to GET " + c.base.JoinPath("subscriptions").Path
		}
		return list, err
	})
}

// explainNotFound turns a synchronous HTTP 404 about subscription sub (and
// peering, when not 0) into what it proves. A 404 alone proves nothing: a
// url without /v1 or a proxy path with a typo answers 404 to everything.
// So the account's subscription list is read with the same URL and keys:
//
//   - it answers and lacks sub: the subscription does not exist;
//   - it holds sub and a peering is addressed: the peering list decides;
//   - otherwise the 404 stays unexplained, and the error says which URL
//     answered it and what to check.
//
// Any other error is returned as it is.
func (c *Client) explainNotFound(ctx context.Context, kind Kind, sub, peering int, err error) error {
	he, ok := asA[*HTTPError](err)
	if isA[*waitError](err) || !ok || he.StatusCode != http.StatusNotFound {
		return err
	}
	// The list is memoised: however many 404s need it, it is read once.
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

// urlHint suggests a fix of the url setting: the API's paths start with
// /v1, so a base without it, or with more after it, is the likely cause.
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

// listRegions reads the regions of an Active-Active subscription
// (GET /subscriptions/{id}/regions, a synchronous call), once for the
// client's life.
func (c *Client) listRegions(ctx context.Context, id int) ([]SubscriptionRegion, error) {
	return c.networks.load(ctx, id, func(ctx context.Context) ([]SubscriptionRegion, error) {
		var w wireRegions
		err := c.do(ctx, request{method: http.MethodGet, path: fmt.Sprintf("/subscriptions/%d/regions", id), op: "list subscription regions"}, &w)
		if err != nil {
			return nil, c.explainNotFound(ctx, ActiveActive, id, 0, err)
		}
		return w.toRegions(), nil
	})
}

// waitForSubscriptionActive returns once the subscription is active. It waits
// while it is pending and fails at once in any other status.
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
			// Only pending is known to end in active by itself; deleting,
			// error, a pending encryption key or a status this client does
			// not know would keep the wait going until the timeout.
			return true, &SubscriptionStateError{ID: id, Status: s.Status}
		},
		interrupted: func(last string, err error) error {
			return fmt.Errorf("waiting for subscription %d to become active (last status %q): %w", id, last, err)
		},
	})
}
