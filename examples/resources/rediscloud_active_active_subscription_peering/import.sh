# A peering is imported by "<subscription_id>/<peering_id>".
terraform import rediscloud_active_active_subscription_peering.example 2001/500
