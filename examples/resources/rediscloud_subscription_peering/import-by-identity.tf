# Terraform 1.12 and later: import a peering by its identity.
import {
  to = rediscloud_subscription_peering.example
  identity = {
    subscription_id = "1001"
    peering_id      = 500
  }
}
