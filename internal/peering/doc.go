// Package peering implements the provider's types for VPC peerings of Redis
// Cloud subscriptions, on AWS or GCP: the rediscloud_subscription_peering (Pro)
// and rediscloud_active_active_subscription_peering resources; the
// rediscloud_subscription_peering data source, which looks up one Pro
// peering; the rediscloud_subscription_peerings and
// rediscloud_active_active_subscription_peerings data sources, which list
// them; and, for `terraform query`, a list resource per resource.
//
// One implementation serves both kinds of subscription. What differs
// between them (region attributes, texts, whether a peering belongs to one
// region of the subscription) is held by a kind spec, one in kind_pro.go and
// one in kind_active_active.go; the shared code asks the spec and never
// compares kinds. Every API call, retry and wait is in package rediscloud:
// this package maps Terraform's configuration, plan and state to it, and its
// errors to diagnostics. The provider registers the types through the New
// constructors.
package peering
