package rediscloud

import "context"

// ActiveSubscription is WaitForSubscriptionActive, answered from a recent
// answer that showed the subscription active (c.active, kept for the
// snapshot lifetime): a caller that vets the subscription before
// CreatePeering costs no extra read, since CreatePeering asks the same, and
// a burst of creates on one subscription reads it once. A create sent after
// the subscription has left active fails with SUBSCRIPTION_NOT_ACTIVE,
// which forgets the answer and waits for active again, so reusing it costs
// no correctness.
func (c *Client) ActiveSubscription(ctx context.Context, id int) (*Subscription, error) {
	return c.active.load(ctx, id, func(ctx context.Context) (*Subscription, error) {
		return c.waitForSubscriptionActive(ctx, id)
	})
}

// SubscriptionLayout returns what does not change in a subscription's life:
// its kind, clouds, regions and their networking. It is read at most once
// for the client's life, shared by concurrent callers and taken from any
// earlier read (GetSubscription); the Status of the answer is the one that
// read saw. A plan that checks every new peering against its subscription
// thus reads each subscription once.
func (c *Client) SubscriptionLayout(ctx context.Context, id int) (*Subscription, error) {
	return c.layouts.load(c.logContext(ctx), id, func(ctx context.Context) (*Subscription, error) {
		return c.GetSubscription(ctx, id)
	})
}
