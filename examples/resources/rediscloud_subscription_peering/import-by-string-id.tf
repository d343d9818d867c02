# Terraform 1.5 and later, and OpenTofu: import a peering by "<subscription_id>/<peering_id>".
import {
  to = rediscloud_subscription_peering.example
  id = "1001/500"
}
