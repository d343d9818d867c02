# The configuration `make demo` applies against the Redis Cloud API simulator.
#
# It is an ordinary configuration: the demo only sets REDISCLOUD_URL,
# REDISCLOUD_ACCESS_KEY and REDISCLOUD_SECRET_KEY to the simulator's address
# and keys, and points Terraform at the locally built provider with a
# dev_overrides block, which needs no `init` and ignores `version`. To install
# that build from the filesystem mirror of `make mirror` instead, add
# version = "0.1.0-dev" next to source: `init` selects a pre-release only when
# it is named exactly.

terraform {
  required_providers {
    rediscloud = {
      source = "rediscloud-community/rediscloud"
    }
  }
}

provider "rediscloud" {}

# Peer the VPC of Pro subscription 1001 (AWS, us-east-1) with a VPC of yours.
resource "rediscloud_subscription_peering" "demo" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = "172.31.0.0/16"
}

output "peering_id" {
  description = "The peering's ID in Redis Cloud."
  value       = rediscloud_subscription_peering.demo.peering_id
}

output "aws_peering_id" {
  description = "The VPC peering connection to accept on the AWS side."
  value       = rediscloud_subscription_peering.demo.aws_peering_id
}

output "status" {
  description = "pending-acceptance until the AWS side accepts, then active."
  value       = rediscloud_subscription_peering.demo.status
}
