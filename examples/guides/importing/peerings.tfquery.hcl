# Every Pro and Active-Active peering of the account. Add a config block to
# narrow the search, for example:
#
#   config {
#     subscription_id = "1001"
#     status          = "active"
#   }
list "rediscloud_subscription_peering" "all" {
  provider = rediscloud
}

list "rediscloud_active_active_subscription_peering" "all" {
  provider = rediscloud
}
