package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
)

// brokenExample uses an AWS accepter the way the examples do, with one
// mistake of each kind the checks must catch.
const brokenExample = `terraform {
  required_providers {
    rediscloud = {
      source = "rediscloud-community/rediscloud"
    }
    aws = {
      source = "hashicorp/aws"
    }
  }
}

resource "aws_vpc" "app" {
  cidr_block = "172.31.0.0/16"
}

resource "rediscloud_subscription_peering" "redis" {
  subscription_id = "1001"
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = aws_vpc.app.id
  vpc_cidr_block  = aws_vpc.app.cidr_block
}

resource "rediscloud_active_active_subscription_peering" "regions" {
  for_each = toset(["us-east-1"])

  subscription_id    = "2001"
  source_region      = each.key
  destination_region = "us-east-1"
  aws_account_id     = "123456789012"
  vpc_id             = aws_vpc.app.id
  vpc_cidr           = aws_vpc.app.cidr_block
}

resource "aws_vpc_peering_connection_accepter" "redis" {
  vpc_peering_connection_id = rediscloud_subscription_peering.redis.aws_peering
  auto_accept               = true
}

resource "aws_vpc_peering_connection_accepter" "regions" {
  for_each = rediscloud_active_active_subscription_peering.regions

  vpc_peering_connection_id = each.value.pcx_id
  auto_accept               = true
}

data "rediscloud_peerings" "all" {
  subscription_id = "1001"
}

output "other" {
  value = rediscloud_subscription_peering.other.id
}
`

// TestAccExamplesChecksCatchBroken feeds the checks an example with a wrong
// argument, wrong attribute references (direct and through each.value), a
// type that does not exist and an undeclared resource, and wants each one
// reported; the stubbed validate must fail too.
func TestAccExamplesChecksCatchBroken(t *testing.T) {
	acctest.PreCheck(t)
	e := cliEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := loadSchema(ctx, t, e)

	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "broken"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "broken", "main.tf"), []byte(brokenExample), 0o600); err != nil {
		t.Fatal(err)
	}
	folders := loadFoldersIn(t, root)
	if len(folders) != 1 || folders[0].onlyOurs() {
		t.Fatalf("want one folder needing other providers, got %+v", folders)
	}
	problems := strings.Join(checkFolderAgainstSchema(t, folders[0], s), "\n")
	for _, want := range []string{
		`no argument "vpc_cidr_block"`,
		`rediscloud_subscription_peering.redis.aws_peering: no attribute "aws_peering"`,
		`each.value.pcx_id: no attribute "pcx_id"`,
		`no such data`,
		`rediscloud_subscription_peering.other is not declared`,
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("the checks did not report %q; they reported:\n%s", want, problems)
		}
	}

	// The CLI reports an invalid reference to a resource only once the
	// resource's own arguments are valid: validate each mistake alone.
	fixedArgument := strings.Replace(brokenExample, "vpc_cidr_block  =", "vpc_cidr        =", 1)
	for _, c := range []struct{ config, want string }{
		{brokenExample, `An argument named "vpc_cidr_block" is not expected here`},
		{fixedArgument, `This object has no argument, nested block, or exported attribute named "aws_peering"`},
		{fixedArgument, `does not support data source "rediscloud_peerings"`},
		{fixedArgument, `"rediscloud_subscription_peering" "other" has not been declared`},
	} {
		dir := filepath.Join(t.TempDir(), "broken")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(c.config), 0o600); err != nil {
			t.Fatal(err)
		}
		ws := newWorkspace(t)
		if err := ws.WriteFile("main.tf", stubConfiguration(loadFoldersIn(t, filepath.Dir(dir))[0])); err != nil {
			t.Fatal(err)
		}
		out, code, err := runCode(ctx, ws, "validate", "-no-color")
		if err != nil {
			t.Fatal(err)
		}
		if code == 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), c.want) {
			t.Errorf("validate of the stubbed broken example (exit code %d) does not say %q:\n%s", code, c.want, out)
		}
	}
}
