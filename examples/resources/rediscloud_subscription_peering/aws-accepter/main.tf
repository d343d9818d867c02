# The whole AWS handshake in one apply: Redis Cloud requests the peering, the
# AWS provider accepts it, and each CIDR block of the Redis side, which the
# provider reads from Redis Cloud (redis_cidrs), is routed through it.
terraform {
  required_providers {
    rediscloud = {
      source = "rediscloud-community/rediscloud"
    }
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "subscription_id" {
  type        = string
  description = "The Pro subscription to peer with."
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

resource "aws_vpc" "app" {
  cidr_block = "172.31.0.0/16"
}

resource "rediscloud_subscription_peering" "redis" {
  subscription_id = var.subscription_id
  region          = data.aws_region.current.name
  aws_account_id  = data.aws_caller_identity.current.account_id
  vpc_id          = aws_vpc.app.id
  vpc_cidr        = aws_vpc.app.cidr_block
}

resource "aws_vpc_peering_connection_accepter" "redis" {
  vpc_peering_connection_id = rediscloud_subscription_peering.redis.aws_peering_id
  auto_accept               = true

  tags = {
    Name = "redis-cloud-${var.subscription_id}"
  }
}

# redis_cidrs is known when the plan is made, so for_each can use it in the
# apply that creates the peering.
resource "aws_route" "to_redis" {
  for_each = toset(rediscloud_subscription_peering.redis.redis_cidrs)

  route_table_id            = aws_vpc.app.main_route_table_id
  destination_cidr_block    = each.value
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.redis.id
}
