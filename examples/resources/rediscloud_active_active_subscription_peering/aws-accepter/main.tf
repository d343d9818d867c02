# The whole AWS handshake in one apply, for every region of an Active-Active
# subscription: Redis Cloud requests one peering per region, the AWS provider
# accepts each and routes the region's deployment CIDR through it.
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
  type        = map(string)
  description = "The subscription's regions to peer with, each mapped to its deployment CIDR (the destination of the route)."
  default = {
    "us-east-1" = "10.0.0.0/24"
    "eu-west-1" = "10.1.0.0/24"
  }
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

resource "aws_route" "to_redis" {
  for_each = aws_vpc_peering_connection_accepter.redis

  route_table_id            = aws_vpc.app.main_route_table_id
  destination_cidr_block    = var.redis_regions[each.key]
  vpc_peering_connection_id = each.value.id
}
