package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
)

// keys are the two API keys of a run: random, so that no text holds them by
// chance.
type keys struct{ api, secret string }

func newKeys() keys {
	r := func(prefix string) string {
		b := make([]byte, 20)
		_, _ = rand.Read(b)
		return prefix + hex.EncodeToString(b)
	}
	return keys{api: r("ak"), secret: r("sk")}
}

// forms are the strings that would reveal key: itself, its base64 form and
// every 16-character piece.
func forms(key string) []string {
	out := []string{key, base64.StdEncoding.EncodeToString([]byte(key))}
	for i := 0; i+16 <= len(key); i++ {
		out = append(out, key[i:i+16])
	}
	return out
}

func (k keys) shownIn(text string) bool {
	for _, key := range []string{k.api, k.secret} {
		for _, f := range forms(key) {
			if strings.Contains(text, f) {
				return true
			}
		}
	}
	return false
}

// hide replaces the keys (whole) with placeholders.
func (k keys) hide(text string) string {
	return strings.NewReplacer(k.api, "<api-key>", k.secret, "<secret-key>").Replace(text)
}

// A case is one hostile situation and the command that meets it.
type testCase struct {
	id, title string
	server    string // the server's behaviour, see api.ServeHTTP
	config    string // "ds" (data source and output), "ds-bare" (data source alone) or "res" (resource), see configFor
	dsTimeout string // timeouts block of the data source
	resTmo    string // timeouts block of the resource
	subID     string // subscription_id of the resource (default 1001)
	args      []string
	env       func(k keys, url string) []string // replaces the default key settings
}

var plan = []string{"plan", "-no-color", "-input=false"}

var apply = []string{"apply", "-auto-approve", "-no-color", "-input=false"}

func cases() []testCase {
	return []testCase{
		{id: "1a", title: "headers, then the body stalls", server: "stall-body", config: "ds", args: plan},
		{id: "1b", title: "headers never come", server: "stall-headers", config: "ds", args: plan},
		// No output: Terraform's own work on 160,000 strings would be
		// measured, not the provider's.
		{id: "2", title: "valid list of 160,000 peerings (data source, no output)", server: "big-list", config: "ds-bare", args: plan},
		{id: "3a", title: "echo: task error description", server: "echo-task-error", config: "res", args: apply},
		{id: "3b", title: "echo: unknown task status", server: "echo-task-status", config: "res", args: apply},
		{id: "3c", title: "echo: unparsable resourceId", server: "echo-resource-id", config: "res", args: apply},
		{id: "3d", title: "echo: fields of listed peerings", server: "echo-listed", config: "ds", args: plan},
		{id: "3e", title: "echo: subscription status", server: "echo-sub-status", config: "res", args: apply},
		{id: "4", title: "url with ?api_key=<api-key> (REDISCLOUD_URL)", server: "plain", config: "ds", args: plan,
			env: func(k keys, url string) []string {
				return []string{"REDISCLOUD_URL=" + url + "?api_key=" + k.api, "REDISCLOUD_ACCESS_KEY=" + k.api, "REDISCLOUD_SECRET_KEY=" + k.secret}
			}},
		{id: "5", title: "secret key with a trailing newline", server: "plain", config: "ds", args: plan,
			env: func(k keys, _ string) []string {
				return []string{"REDISCLOUD_ACCESS_KEY=" + k.api, "REDISCLOUD_SECRET_KEY=" + k.secret + "\n"}
			}},
		{id: "6a", title: `subscription_id = "99999999999999999999"`, server: "plain", config: "res", subID: "99999999999999999999", args: plan},
		{id: "6b", title: `subscription_id = "0"`, server: "plain", config: "res", subID: "0", args: plan},
		{id: "6c", title: "import ID 99999999999999999999/5", server: "plain", config: "res",
			args: []string{"import", "-no-color", "-input=false", "rediscloud_subscription_peering.aws", "99999999999999999999/5"}},
		{id: "6d", title: "import ID 0/5", server: "plain", config: "res",
			args: []string{"import", "-no-color", "-input=false", "rediscloud_subscription_peering.aws", "0/5"}},
		{id: "7a", title: "create task answers resourceId 0, timeouts.create 60s", server: "rid-0", config: "res", resTmo: `timeouts { create = "60s" }`, args: apply},
		{id: "7b", title: "create task answers resourceId -7, timeouts.create 60s", server: "rid--7", config: "res", resTmo: `timeouts { create = "60s" }`, args: apply},
		{id: "8a", title: "429 to everything, timeouts.create 20s", server: "429", config: "res", resTmo: `timeouts { create = "20s" }`, args: apply},
		{id: "8b", title: "list task never completes, timeouts.read 10s", server: "list-pending", config: "ds", dsTimeout: `timeouts { read = "10s" }`, args: plan},
		{id: "8c", title: "list that cannot be decoded", server: "list-undecodable", config: "ds", args: plan},
	}
}

const configHead = `terraform {
  required_providers {
    rediscloud = { source = %q }
  }
}

provider "rediscloud" {%s}
`

func configFor(c testCase, url string) string {
	block := ""
	if c.env == nil || !strings.Contains(strings.Join(c.env(keys{}, ""), " "), "REDISCLOUD_URL=") {
		block = fmt.Sprintf("\n  url = %q\n", url)
	}
	s := fmt.Sprintf(configHead, cliharness.ProviderSource, block)
	if strings.HasPrefix(c.config, "ds") {
		s += fmt.Sprintf(`
data "rediscloud_subscription_peerings" "all" {
  subscription_id = "1001"
  %s
}
`, c.dsTimeout)
		if c.config == "ds-bare" {
			return s
		}
		return s + `
output "listed" {
  value = [for p in data.rediscloud_subscription_peerings.all.peerings : "${p.peering_id} ${p.status} ${p.aws_peering_id}"]
}
`
	}
	sub := c.subID
	if sub == "" {
		sub = "1001"
	}
	return s + fmt.Sprintf(`
resource "rediscloud_subscription_peering" "aws" {
  subscription_id = %q
  region          = "us-east-1"
  aws_account_id  = "123456789012"
  vpc_id          = "vpc-0a1b2c3d4e5f67890"
  vpc_cidr        = "172.31.0.0/16"
  %s
}
`, sub, c.resTmo)
}
