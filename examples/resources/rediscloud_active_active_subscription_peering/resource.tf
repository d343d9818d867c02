# Peer the us-east-1 region of an Active-Active subscription with an AWS VPC.
resource "rediscloud_active_active_subscription_peering" "example" {
  subscription_id    = "2001"
  source_region      = "us-east-1"
  destination_region = "us-east-1"
  aws_account_id     = "123456789012"
  vpc_id             = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr           = "172.31.0.0/16"

  timeouts {
    create = "45m"
  }
}

output "aws_peering_id" {
  description = "The VPC peering connection to accept on the AWS side."
  value       = rediscloud_active_active_subscription_peering.example.aws_peering_id
}
