# Terraform 1.5 and later, and OpenTofu: import a peering by "<subscription_id>/<peering_id>".
import {
  to = rediscloud_active_active_subscription_peering.example
  id = "2001/500"
}
