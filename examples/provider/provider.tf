terraform {
  required_providers {
    rediscloud = {
      source = "rediscloud-community/rediscloud"
    }
  }
}

# Keys come from REDISCLOUD_ACCESS_KEY and REDISCLOUD_SECRET_KEY when they are
# not set here; keep them out of configuration files.
provider "rediscloud" {
  # url                 = "https://api.redislabs.com/v1"
  # requests_per_minute = 400
}
