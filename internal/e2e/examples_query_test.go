package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// TestAccExamplesQueryGeneratesConfig runs the guide's `terraform query
// -generate-config-out` on an account holding one peering of every shape,
// then checks the round trip the guide promises: the generated resource
// blocks validate, the generated import blocks import every peering in one
// apply, and the plan after it is empty (Terraform 1.14 and later).
func TestAccExamplesQueryGeneratesConfig(t *testing.T) {
	acctest.PreCheck(t)
	e := cliEngine(t)
	if !terraformAtLeast(e, "1.14.0") {
		t.Skipf("terraform query needs Terraform 1.14 or later; this pass runs %s", e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	srv := acctest.NewSim(t, cloudsim.Options{})
	peerings := []cloudsim.PeeringInfo{
		{SubscriptionID: 1001, VPCID: "vpc-0a1b2c3d4e5f67890", AWSAccountID: "123456789012", Region: "us-east-1", CIDRs: []string{"172.31.0.0/16"}},
		{SubscriptionID: 1001, VPCID: "vpc-0a1b2c3d4e5f67891", AWSAccountID: "123456789012", Region: "us-west-2", CIDRs: []string{"172.32.0.0/16", "172.33.0.0/16"}, Status: "active"},
		{SubscriptionID: 1002, GCPProjectID: "my-gcp-project", GCPNetworkName: "my-gcp-vpc"},
		{SubscriptionID: 2001, SourceRegion: "eu-west-1", DestinationRegion: "us-east-1", VPCID: "vpc-0a1b2c3d4e5f67892", AWSAccountID: "123456789012", CIDRs: []string{"172.34.0.0/16"}},
		{SubscriptionID: 2002, SourceRegion: "us-central1", GCPProjectID: "my-gcp-project", GCPNetworkName: "my-gcp-vpc"},
	}
	var want []string
	for _, p := range peerings {
		id, err := srv.AddPeering(p)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprintf("%d/%d", p.SubscriptionID, id))
	}
	slices.Sort(want)

	ws := newWorkspace(t)
	query, err := os.ReadFile(filepath.Join(examplesRoot(t), "guides", "importing", "peerings.tfquery.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteFile("peerings.tfquery.hcl", string(query)); err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteFile("main.tf", ourRequirement+fmt.Sprintf(`
provider "rediscloud" {
  url        = %q
  api_key    = %q
  secret_key = %q
}
`, srv.URL(), acctest.APIKey, acctest.SecretKey)); err != nil {
		t.Fatal(err)
	}

	out := mustRun(ctx, t, ws, "query", "-no-color", "-generate-config-out=generated.tf")
	for _, id := range want {
		if !strings.Contains(out, id) {
			t.Errorf("the query's output does not name peering %s:\n%s", id, out)
		}
	}
	generated, err := os.ReadFile(filepath.Join(ws.Dir, "generated.tf"))
	if err != nil {
		t.Fatalf("no generated configuration: %v\nquery output:\n%s", err, out)
	}
	t.Logf("generated.tf:\n%s", generated)
	if n := strings.Count(string(generated), "\nimport {") + boolInt(strings.HasPrefix(string(generated), "import {")); n != len(want) {
		t.Errorf("%d import blocks generated, want %d", n, len(want))
	}
	// The query file is not part of the configuration once it is run.
	mustRun(ctx, t, ws, "validate", "-no-color")
	mustRun(ctx, t, ws, "apply", "-auto-approve", "-no-color", "-input=false")
	if out, code, err := runCode(ctx, ws, "plan", "-detailed-exitcode", "-no-color", "-input=false"); err != nil || code != 0 {
		t.Fatalf("the plan after importing the generated configuration is not empty (exit code %d, %v):\n%s", code, err, out)
	}
	raw := mustRun(ctx, t, ws, "show", "-json", "-no-color")
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(raw), &state); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range state.Values.RootModule.Resources {
		got = append(got, fmt.Sprint(r.Values["id"]))
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("state holds %v, want %v", got, want)
	}
	if n := len(srv.Peerings()); n != len(peerings) {
		t.Errorf("the simulator holds %d peerings after the import, want %d: nothing may be created or deleted", n, len(peerings))
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestAccExamplesListResource runs `terraform query` on every list-resource
// example of the documentation against an account holding a peering of
// each kind (Terraform 1.14 and later).
func TestAccExamplesListResource(t *testing.T) {
	acctest.PreCheck(t)
	e := cliEngine(t)
	if !terraformAtLeast(e, "1.14.0") {
		t.Skipf("terraform query needs Terraform 1.14 or later; this pass runs %s", e)
	}
	files, err := filepath.Glob(filepath.Join(examplesRoot(t), "list-resources", "*", "list-resource.tfquery.hcl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no list-resource example under examples/list-resources (%v)", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(filepath.Dir(file)), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			srv := acctest.NewSim(t, cloudsim.Options{})
			pro, err := srv.AddPeering(cloudsim.PeeringInfo{SubscriptionID: 1001, VPCID: "vpc-0a1b2c3d4e5f67890", AWSAccountID: "123456789012", Region: "us-east-1", CIDRs: []string{"172.31.0.0/16"}, Status: "active"})
			if err != nil {
				t.Fatal(err)
			}
			aa, err := srv.AddPeering(cloudsim.PeeringInfo{SubscriptionID: 2001, SourceRegion: "us-east-1", DestinationRegion: "us-east-1", VPCID: "vpc-0a1b2c3d4e5f67891", AWSAccountID: "123456789012", CIDRs: []string{"172.32.0.0/16"}})
			if err != nil {
				t.Fatal(err)
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ws := newWorkspace(t)
			if err := ws.WriteFile("query.tfquery.hcl", string(src)); err != nil {
				t.Fatal(err)
			}
			if err := ws.WriteFile("main.tf", ourRequirement+fmt.Sprintf("provider \"rediscloud\" {\n  url        = %q\n  api_key    = %q\n  secret_key = %q\n}\n", srv.URL(), acctest.APIKey, acctest.SecretKey)); err != nil {
				t.Fatal(err)
			}
			out := mustRun(ctx, t, ws, "query", "-no-color")
			want := fmt.Sprintf("1001/%d", pro)
			if strings.Contains(file, "active_active") {
				want = fmt.Sprintf("2001/%d", aa)
			}
			if !strings.Contains(out, want) {
				t.Errorf("the query does not name peering %s:\n%s", want, out)
			}
		})
	}
}
