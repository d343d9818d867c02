// Package reliability holds the tests that prove the provider survives what
// an unattended pipeline meets: API faults (5xx, 429, dropped connections,
// answers lost after the API acted, tasks the API does not know yet),
// interruptions (Ctrl-C, a hard kill), timeouts, and goroutines that must
// end with their contexts.
//
// The fault suite and the timeout tests run real Terraform through
// terraform-plugin-testing against an in-process simulator; the interruption
// tests run the real CLI with a provider binary built once for the package,
// since only a real process can be sent a signal or killed.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=/path/to/terraform go test ./internal/reliability/... -count=1 -v
package reliability
