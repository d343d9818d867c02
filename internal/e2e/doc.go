// Package e2e holds the end-to-end tests: the real CLI (Terraform or
// OpenTofu) runs the provider built once by TestMain, against the Redis Cloud
// API simulator, in process or as a process of its own. Every test that
// needs TF_ACC is named TestAcc…; the files say what they hold:
//
//   - examples_*: the configurations under examples/, which the
//     documentation is generated from, are formatted, validated, applied,
//     destroyed, imported and checked against the schema; the filesystem
//     mirror and terraform query.
//   - migration_*: state written by Redis's own provider (RedisLabs/rediscloud)
//     moves to this provider with `terraform state replace-provider` or
//     import blocks and plans no change.
//   - secrets_*: the API keys never reach logs, state, plans or error text,
//     with the CLI at its most verbose.
//   - reliability_*: what an unattended pipeline meets: API faults,
//     interruptions (Ctrl-C, a hard kill), tasks the API does not know yet,
//     timeouts.
//   - chaos_test.go: applies killed at random moments on the realistic
//     profile (make chaos); pipelines_test.go: several pipelines sharing one
//     account's rate limit. Both run a short form in make testacc and in
//     full in make chaos and make pipelines.
//
// The examples and migration tests exercise the engine and run on every
// engine (make testacc-latest, make testacc-tofu); the others run on the
// Terraform pass (make testacc).
package e2e
