# Find the peering of an AWS VPC, for example one created in the Redis Cloud
# console, to accept it without importing it: feed aws_peering_id to
# aws_vpc_peering_connection_accepter.
data "rediscloud_subscription_peering" "app_vpc" {
  subscription_id = "1001"
  vpc_id          = "vpc-0a1b2c3d4e5f67892"
}

output "aws_peering_id" {
  value = data.rediscloud_subscription_peering.app_vpc.aws_peering_id
}

# GCP network names such as "default" repeat across projects: narrow the
# lookup with gcp_project_id, then peer back to the Redis Cloud network with
# google_compute_network_peering.
data "rediscloud_subscription_peering" "gcp_default" {
  subscription_id  = "1002"
  gcp_network_name = "default"
  gcp_project_id   = "my-gcp-project"
}

output "gcp_peer_network" {
  value = data.rediscloud_subscription_peering.gcp_default.gcp_redis_network_path
}

# Or look a peering up by its ID.
data "rediscloud_subscription_peering" "by_id" {
  subscription_id = "1001"
  peering_id      = 501
}
