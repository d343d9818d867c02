// Package examples tests the configurations under examples/, which the
// documentation is generated from, with the real CLI (Terraform or OpenTofu)
// and the in-process simulator: every folder is formatted, every folder that
// needs only this provider is validated, applied and destroyed, the others
// are checked against this provider's schema, and every import command is
// run. Its tests need TF_ACC.
package examples
