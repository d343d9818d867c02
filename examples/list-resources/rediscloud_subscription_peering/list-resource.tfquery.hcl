# Every Pro peering of the account.
list "rediscloud_subscription_peering" "all" {
  provider = rediscloud
}

# The active peerings of one subscription.
list "rediscloud_subscription_peering" "active" {
  provider = rediscloud
  config {
    subscription_id = "1001"
    status          = "active"
  }
}
