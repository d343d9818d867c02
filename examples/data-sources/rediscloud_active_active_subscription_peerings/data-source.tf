# Every peering of an Active-Active subscription, in all of its regions.
data "rediscloud_active_active_subscription_peerings" "all" {
  subscription_id = "2001"
}

# The active peerings of one region of the subscription.
data "rediscloud_active_active_subscription_peerings" "us_east_active" {
  subscription_id = "2001"
  source_region   = "us-east-1"
  status          = "active"
}

# Peering IDs grouped by the subscription's region they peer from.
output "peerings_by_region" {
  value = {
    for p in data.rediscloud_active_active_subscription_peerings.all.peerings :
    p.source_region => p.peering_id...
  }
}

output "us_east_active_vpcs" {
  value = data.rediscloud_active_active_subscription_peerings.us_east_active.peerings[*].vpc_id
}
