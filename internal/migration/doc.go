// Package migration proves that state written by Redis's own provider
// (RedisLabs/rediscloud, a terraform-plugin-sdk/v2 provider) moves to this
// provider with `terraform state replace-provider` and plans no change. Its
// tests write state files in that provider's exact layout, run the real CLI
// (Terraform or OpenTofu) against the in-process simulator, and need TF_ACC.
package migration
