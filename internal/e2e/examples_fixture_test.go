package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// ourRequirement is this provider's requirement, for configurations that do
// not declare it.
var ourRequirement = fmt.Sprintf(`terraform {
  required_providers {
    rediscloud = {
      source = %q
    }
  }
}
`, cliharness.ProviderSource)

// copyFolder copies a folder's configuration files into the workspace.
func copyFolder(t *testing.T, f *folder, ws *workspace) {
	t.Helper()
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		// Import examples are run by TestAccExampleImportBlocks, one at a time.
		if e.IsDir() || isImportExample(e.Name()) {
			continue
		}
		switch filepath.Ext(e.Name()) {
		case ".tf", ".tfvars":
			b, err := os.ReadFile(filepath.Join(f.dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := ws.WriteFile(e.Name(), string(b)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// pointAtSim adds what a copied folder needs to run against srv: this
// provider's requirement when the folder does not declare it, and the
// simulator's URL and keys, as an override of the folder's provider block
// when it has one.
func pointAtSim(t *testing.T, f *folder, ws *workspace, srv *cloudsim.Server) {
	t.Helper()
	if !f.hasRequirement {
		if err := ws.WriteFile("zz_sim_terraform.tf", ourRequirement); err != nil {
			t.Fatal(err)
		}
	}
	block := fmt.Sprintf(`provider "rediscloud" {
  url        = %q
  api_key    = %q
  secret_key = %q
}
`, srv.URL(), acctest.APIKey, acctest.SecretKey)
	name := "zz_sim_provider.tf"
	if f.hasProviderBlock {
		// Merged into the folder's own provider block.
		name = "provider_override.tf"
	}
	if err := ws.WriteFile(name, block); err != nil {
		t.Fatal(err)
	}
}

// fixturePeerings exist before an example runs, on the simulator's own
// subscriptions, which the examples name: the peerings the data source
// examples look up (by ID, VPC and GCP network), and some of every kind and
// status so that their outputs are not empty.
var fixturePeerings = []cloudsim.PeeringInfo{
	{ID: 501, SubscriptionID: 1001, Region: "us-east-1", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67892",
		CIDRs: []string{"172.31.0.0/16"}, Status: "pending-acceptance"},
	{SubscriptionID: 1001, Region: "us-west-2", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f67891",
		CIDRs: []string{"172.32.0.0/16", "172.33.0.0/16"}, Status: "active"},
	{SubscriptionID: 1002, GCPProjectID: "my-gcp-project", GCPNetworkName: "default", Status: "inactive"},
	{SubscriptionID: 1002, GCPProjectID: "other-project", GCPNetworkName: "default", Status: "active"},
	{SubscriptionID: 2001, SourceRegion: "us-east-1", DestinationRegion: "us-east-1", AWSAccountID: "123456789012",
		VPCID: "vpc-0b1c2d3e4f5a67890", CIDRs: []string{"172.40.0.0/16"}, Status: "active"},
	{SubscriptionID: 2001, SourceRegion: "eu-west-1", DestinationRegion: "eu-west-1", AWSAccountID: "123456789012",
		VPCID: "vpc-0b1c2d3e4f5a67891", CIDRs: []string{"172.41.0.0/16"}, Status: "pending-acceptance"},
	{SubscriptionID: 2002, SourceRegion: "europe-west1", GCPProjectID: "my-gcp-project", GCPNetworkName: "app", Status: "active"},
}

// fixtureSim starts a simulator holding the fixture and returns the IDs of
// the fixture's peerings.
func fixtureSim(t *testing.T) (*cloudsim.Server, map[int]bool) {
	t.Helper()
	srv := acctest.NewSim(t, cloudsim.Options{})
	ids := map[int]bool{}
	for _, p := range fixturePeerings {
		id, err := srv.AddPeering(p)
		if err != nil {
			t.Fatalf("adding fixture peering %+v: %v", p, err)
		}
		ids[id] = true
	}
	return srv, ids
}

// isImportExample reports the import-block examples that tfplugindocs puts
// in a resource's documentation.
func isImportExample(name string) bool {
	return name == "import-by-string-id.tf" || name == "import-by-identity.tf"
}
