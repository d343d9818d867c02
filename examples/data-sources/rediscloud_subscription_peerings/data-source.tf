# Every peering of a Pro subscription, AWS or GCP, ordered by peering ID.
data "rediscloud_subscription_peerings" "all" {
  subscription_id = "1001"
}

# Only the peerings still waiting to be accepted on the AWS side.
data "rediscloud_subscription_peerings" "pending" {
  subscription_id = "1001"
  status          = "pending-acceptance"
}

# The pcx-… connections to accept, keyed by peering ID.
output "connections_to_accept" {
  value = { for p in data.rediscloud_subscription_peerings.pending.peerings : p.peering_id => p.aws_peering_id }
}

# Every CIDR routed through the subscription's peerings; vpc_cidrs holds them
# all, also for peerings with several CIDRs.
output "peered_cidrs" {
  value = distinct(flatten(data.rediscloud_subscription_peerings.all.peerings[*].vpc_cidrs))
}
