# The whole AWS handshake in one apply, for every region of an Active-Active
# subscription: Redis Cloud requests one peering per region, the AWS provider
# accepts each, and each CIDR block of that region's Redis side, which the
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
  description = "The Active-Active subscription to peer with."
}

variable "redis_regions" {
  type        = set(string)
  description = "The subscription's regions to peer with."
  default     = ["us-east-1", "eu-west-1"]
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

resource "aws_vpc" "app" {
  cidr_block = "172.31.0.0/16"
}

resource "rediscloud_active_active_subscription_peering" "redis" {
  for_each = var.redis_regions

  subscription_id    = var.subscription_id
  source_region      = each.key
  destination_region = data.aws_region.current.name
  aws_account_id     = data.aws_caller_identity.current.account_id
  vpc_id             = aws_vpc.app.id
  vpc_cidr           = aws_vpc.app.cidr_block
}

resource "aws_vpc_peering_connection_accepter" "redis" {
  for_each = rediscloud_active_active_subscription_peering.redis

  vpc_peering_connection_id = each.value.aws_peering_id
  auto_accept               = true

  tags = {
    Name = "redis-cloud-${var.subscription_id}-${each.key}"
  }
}

# One route per region and Redis-side CIDR block. redis_cidrs is known when
# the plan is made, so for_each can use it in the apply that creates the
# peerings.
locals {
  redis_routes = merge([
    for region, peering in rediscloud_active_active_subscription_peering.redis : {
      for cidr in peering.redis_cidrs : "${region} ${cidr}" => { region = region, cidr = cidr }
    }
  ]...)
}

resource "aws_route" "to_redis" {
  for_each = local.redis_routes

  route_table_id            = aws_vpc.app.main_route_table_id
  destination_cidr_block    = each.value.cidr
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.redis[each.value.region].id
}
