package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// awsSideValues stand for what the AWS provider would give the Redis side
// of the aws-accepter examples; everything else of AWS stays a stub.
var awsSideValues = map[string]string{
	"data.aws_region.current.name":                `"us-east-1"`,
	"data.aws_caller_identity.current.account_id": `"123456789012"`,
	"aws_vpc.app.id":                              `"vpc-0a1b2c3d4e5f67890"`,
	"aws_vpc.app.cidr_block":                      `"172.31.0.0/16"`,
}

// TestAccExamplesAWSHandshakeRoutesRedisCIDRs applies the Redis side of each
// aws-accepter example against the simulator, with the AWS objects
// replaced by stand-ins that keep their arguments, count and for_each (see
// stubbedWith): every peering's redis_cidrs must equal the simulator's
// deployment CIDR of its subscription's region, and the route stand-ins
// must be exactly one per Redis-side CIDR, to it. That the apply plans at
// all proves redis_cidrs is known at plan time, since the routes for_each
// over it. No example may ask for a Redis CIDR as input.
func TestAccExamplesAWSHandshakeRoutesRedisCIDRs(t *testing.T) {
	acctest.PreCheck(t)
	cases := []struct {
		rel, peering string
		sub          int
		regions      []string // "" for Pro
	}{
		{"resources/rediscloud_subscription_peering/aws-accepter", "rediscloud_subscription_peering", 1001, []string{""}},
		{"resources/rediscloud_active_active_subscription_peering/aws-accepter", "rediscloud_active_active_subscription_peering", 2001, []string{"us-east-1", "eu-west-1"}},
	}
	folders := map[string]*folder{}
	for _, f := range loadFolders(t) {
		folders[f.rel] = f
		for _, b := range f.blocks() {
			if b.Type == "variable" && len(b.Labels) == 1 && slices.Contains([]string{"subscription_deployment_cidr", "redis_cidr", "redis_cidrs", "deployment_cidr"}, b.Labels[0]) {
				t.Errorf("%s asks for a Redis CIDR as input (variable %q): read redis_cidrs instead", f.rel, b.Labels[0])
			}
		}
	}
	for _, tc := range cases {
		t.Run(tc.rel, func(t *testing.T) {
			t.Parallel()
			f := folders[tc.rel]
			if f == nil {
				t.Fatalf("no example folder %s", tc.rel)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			srv := acctest.NewSim(t, cloudsim.Options{})
			ws := newWorkspace(t)
			config := stubbedWith(f, func(src string) string {
				if v, ok := awsSideValues[src]; ok {
					return v
				}
				return `"stub"`
			})
			if err := ws.WriteFile("main.tf", config); err != nil {
				t.Fatal(err)
			}
			pointAtSim(t, &folder{hasRequirement: true}, ws, srv)
			subVar := fmt.Sprintf("-var=subscription_id=%d", tc.sub)
			mustRun(ctx, t, ws, "apply", "-auto-approve", "-no-color", "-input=false", subVar)

			cidrs, err := srv.DeploymentCIDRs(tc.sub)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, r := range tc.regions {
				if r == "" {
					for _, c := range cidrs {
						want = append(want, c)
					}
				} else {
					want = append(want, cidrs[r])
				}
			}
			sort.Strings(want)

			resources := shownResources(ctx, t, ws)
			var peerings, routes []string
			for _, r := range resources {
				switch {
				case r.Type == tc.peering:
					var got []string
					if err := json.Unmarshal(r.Values["redis_cidrs"], &got); err != nil {
						t.Fatalf("%s.redis_cidrs: %v", r.Address, err)
					}
					wantHere := want
					if src, ok := r.Values["source_region"]; ok {
						var region string
						_ = json.Unmarshal(src, &region)
						wantHere = []string{cidrs[region]}
					}
					if !slices.Equal(got, wantHere) {
						t.Errorf("%s.redis_cidrs = %v, want the simulator's deployment CIDR %v", r.Address, got, wantHere)
					}
					peerings = append(peerings, got...)
				case r.Type == "terraform_data" && r.Name == "resource_aws_route_to_redis":
					var input map[string]string
					if err := json.Unmarshal(r.Values["input"], &input); err != nil {
						t.Fatalf("%s.input: %v", r.Address, err)
					}
					routes = append(routes, input["destination_cidr_block"])
				}
			}
			sort.Strings(peerings)
			sort.Strings(routes)
			if !slices.Equal(peerings, want) {
				t.Errorf("the peerings' redis_cidrs are %v, want %v", peerings, want)
			}
			if !slices.Equal(routes, want) {
				t.Errorf("the routes go to %v, want one to each of %v\n--- configuration:\n%s", routes, want, config)
			}
			if out, code, err := runCode(ctx, ws, "plan", "-detailed-exitcode", "-no-color", "-input=false", subVar); err != nil || code != 0 {
				t.Fatalf("the plan after apply is not empty (exit code %d, %v):\n%s", code, err, out)
			}

			// Every peering fails (its request rejected or expired): the
			// next apply replaces each, and each accepter accepts its new
			// peering's aws_peering_id in that same apply.
			failed := map[int]bool{}
			for _, p := range srv.Peerings() {
				failed[p.ID] = true
				if err := srv.SetPeeringStatus(p.ID, "failed"); err != nil {
					t.Fatal(err)
				}
			}
			mustRun(ctx, t, ws, "apply", "-auto-approve", "-no-color", "-input=false", subVar)
			if ps := srv.Peerings(); len(ps) != len(failed) {
				t.Errorf("%d peerings after the replacement, want %d: %+v", len(ps), len(failed), ps)
			}
			var pcxs, accepted []string
			for _, r := range shownResources(ctx, t, ws) {
				switch {
				case r.Type == tc.peering:
					var id int
					var pcx string
					_ = json.Unmarshal(r.Values["peering_id"], &id)
					_ = json.Unmarshal(r.Values["aws_peering_id"], &pcx)
					if failed[id] {
						t.Errorf("%s is still the failed peering %d", r.Address, id)
					}
					pcxs = append(pcxs, pcx)
				case r.Type == "terraform_data" && strings.HasPrefix(r.Name, "resource_aws_vpc_peering_connection_accepter_"):
					var input struct {
						PCX string `json:"vpc_peering_connection_id"`
					}
					if err := json.Unmarshal(r.Values["input"], &input); err != nil {
						t.Fatalf("%s.input: %v", r.Address, err)
					}
					accepted = append(accepted, input.PCX)
				}
			}
			sort.Strings(pcxs)
			sort.Strings(accepted)
			if len(pcxs) == 0 || !slices.Equal(pcxs, accepted) {
				t.Errorf("the accepters accept %v, want the new peerings' %v", accepted, pcxs)
			}
			if out, code, err := runCode(ctx, ws, "plan", "-detailed-exitcode", "-no-color", "-input=false", subVar); err != nil || code != 0 {
				t.Fatalf("the plan after the replacement is not empty (exit code %d, %v):\n%s", code, err, out)
			}
			mustRun(ctx, t, ws, "destroy", "-auto-approve", "-no-color", "-input=false", subVar)
			if ps := srv.Peerings(); len(ps) != 0 {
				t.Errorf("peerings left after destroy: %+v", ps)
			}
		})
	}
}

type shownResource struct {
	Address string                     `json:"address"`
	Type    string                     `json:"type"`
	Name    string                     `json:"name"`
	Values  map[string]json.RawMessage `json:"values"`
}

// shownResources lists the root module's resources from `show -json`.
func shownResources(ctx context.Context, t *testing.T, ws *workspace) []shownResource {
	t.Helper()
	raw := mustRun(ctx, t, ws, "show", "-json", "-no-color")
	var st struct {
		Values struct {
			RootModule struct {
				Resources []shownResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		t.Fatalf("decoding show -json: %v\n%s", err, raw)
	}
	return st.Values.RootModule.Resources
}
