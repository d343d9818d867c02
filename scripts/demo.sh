#!/usr/bin/env bash
# Walks one VPC peering through its life: builds the provider, starts the
# Redis Cloud API simulator, applies examples/demo/main.tf with the real
# Terraform CLI, accepts the peering, refreshes, destroys, and stops the
# simulator. The steps are in internal/cmd/demo/main.go.
#
# Needs Terraform in bin/ (`make terraform`), or $TF naming a binary.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./internal/cmd/demo "$@"
