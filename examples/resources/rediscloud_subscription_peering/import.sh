# A peering is imported by "<subscription_id>/<peering_id>".
terraform import rediscloud_subscription_peering.example 1001/500
