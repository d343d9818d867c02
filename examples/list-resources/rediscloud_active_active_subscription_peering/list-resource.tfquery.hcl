# Every Active-Active peering of the account.
list "rediscloud_active_active_subscription_peering" "all" {
  provider = rediscloud
}

# The peerings of one region of one subscription.
list "rediscloud_active_active_subscription_peering" "us_east_1" {
  provider = rediscloud
  config {
    subscription_id = "2001"
    source_region   = "us-east-1"
  }
}
