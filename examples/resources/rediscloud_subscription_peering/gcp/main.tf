# The whole GCP handshake in one apply: Redis Cloud peers its network with
# yours, and google_compute_network_peering peers yours back. No route is
# needed: peered GCP networks exchange their subnet routes, so the Redis side
# (redis_cidrs) is reachable as soon as both peerings are active.
terraform {
  required_providers {
    rediscloud = {
      source = "rediscloud-community/rediscloud"
    }
    google = {
      source = "hashicorp/google"
    }
  }
}

variable "subscription_id" {
  type        = string
  description = "The Pro GCP subscription to peer with."
}

variable "project" {
  type        = string
  description = "Your GCP project."
}

resource "google_compute_network" "app" {
  project                 = var.project
  name                    = "app-network"
  auto_create_subnetworks = false
}

resource "rediscloud_subscription_peering" "redis" {
  subscription_id  = var.subscription_id
  provider_name    = "GCP"
  gcp_project_id   = var.project
  gcp_network_name = google_compute_network.app.name
}

resource "google_compute_network_peering" "redis" {
  name         = "redis-cloud-${var.subscription_id}"
  network      = google_compute_network.app.self_link
  peer_network = rediscloud_subscription_peering.redis.gcp_redis_network_path

  # Redis Cloud's documentation asks for custom routes to be exchanged both
  # ways, so that the peering carries traffic for routes other than the
  # subnets' own.
  import_custom_routes = true
  export_custom_routes = true
}
