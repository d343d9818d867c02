# Two pipelines, two states. The network team's pipeline creates the peering
# (rediscloud_subscription_peering) and the application team's accepts it and
# routes to Redis. This is the second one: it finds the peering by its VPC,
# accepts it, and waits until Redis Cloud reports it active before anything
# that needs the connection (here, a route).
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
  description = "The Pro subscription the other pipeline peers with."
}

variable "vpc_id" {
  type        = string
  description = "This pipeline's VPC, which the other pipeline peered."
}

variable "route_table_id" {
  type        = string
  description = "The route table that reaches Redis."
}

# The peering as the other pipeline left it, pending-acceptance.
data "rediscloud_subscription_peering" "requested" {
  subscription_id = var.subscription_id
  vpc_id          = var.vpc_id
}

resource "aws_vpc_peering_connection_accepter" "redis" {
  vpc_peering_connection_id = data.rediscloud_subscription_peering.requested.aws_peering_id
  auto_accept               = true
}

# Read again once the accepter exists, waiting for Redis Cloud to see the
# acceptance: only peering lists requested after this read began count.
data "rediscloud_subscription_peering" "active" {
  subscription_id = var.subscription_id
  peering_id      = data.rediscloud_subscription_peering.requested.peering_id
  wait_for_status = "active"
  depends_on      = [aws_vpc_peering_connection_accepter.redis]

  timeouts {
    read = "15m"
  }
}

resource "aws_route" "to_redis" {
  for_each                  = toset(data.rediscloud_subscription_peering.active.redis_cidrs)
  route_table_id            = var.route_table_id
  destination_cidr_block    = each.value
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.redis.id
}
