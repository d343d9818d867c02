package peering_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// reshapingProxy stands in front of the simulator. While reshape is set, it
// renames the list key in every completed list task ("peerings" becomes
// "vpcPeeringList", "regions" becomes "regionList"), as an API that changed
// its form would answer. It counts the lists it reshaped.
type reshapingProxy struct {
	reshape  atomic.Bool
	reshaped atomic.Int64
	url      string
}

func newReshapingProxy(t *testing.T, srv *cloudsim.Server) *reshapingProxy {
	t.Helper()
	target, err := url.Parse(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	p := &reshapingProxy{}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(resp *http.Response) error {
		if !p.reshape.Load() || !strings.HasPrefix(resp.Request.URL.Path, "/v1/tasks/") {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return err
		}
		body = p.rename(body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	front := httptest.NewServer(rp)
	t.Cleanup(front.Close)
	p.url = front.URL + "/v1"
	return p
}

func (p *reshapingProxy) rename(body []byte) []byte {
	var task map[string]json.RawMessage
	if json.Unmarshal(body, &task) != nil {
		return body
	}
	var response map[string]json.RawMessage
	if json.Unmarshal(task["response"], &response) != nil {
		return body
	}
	var resource map[string]json.RawMessage
	if json.Unmarshal(response["resource"], &resource) != nil {
		return body
	}
	for from, to := range map[string]string{"peerings": "vpcPeeringList", "regions": "regionList"} {
		if v, ok := resource[from]; ok {
			delete(resource, from)
			resource[to] = v
			p.reshaped.Add(1)
		}
	}
	response["resource"], _ = json.Marshal(resource)
	task["response"], _ = json.Marshal(response)
	out, _ := json.Marshal(task)
	return out
}

// TestAccListShape_unknownFormRemovesNothing creates a peering of each kind,
// then lets every list come back under a renamed key. A refresh, a plan, an
// import, a data source and a destroy must each fail, naming the request
// and what was missing; no step may remove the peering from state or
// delete it. With the documented form back, the peering is still in state
// under its ID and nothing is planned.
func TestAccListShape_unknownFormRemovesNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, addr, config, dataSource string
		missing                        []string
	}{
		{
			name: "Pro", addr: pro.addr("test"), config: pro.awsPeering(`vpc_cidr = "172.31.0.0/16"`),
			dataSource: `data "rediscloud_subscription_peerings" "all" { subscription_id = "1001" }`,
			missing:    []string{"GET /v1/subscriptions/1001/peerings", `lacks the documented resource.peerings array: resource has only the keys "vpcPeeringList"`},
		},
		{
			name: "Active-Active", addr: activeActive.addr("test"), config: activeActive.aws("us-east-1", testVPC, `vpc_cidr = "172.31.0.0/16"`),
			dataSource: `data "rediscloud_active_active_subscription_peerings" "all" { subscription_id = "2001" }`,
			missing:    []string{"GET /v1/subscriptions/2001/regions/peerings", `lacks the documented resource.regions array: resource has only the keys "regionList", "subscriptionId"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := acctest.NewSim(t, cloudsim.Options{})
			proxy := newReshapingProxy(t, srv)
			config := acctest.ConfigURL(proxy.url, tc.config)
			kept := acctest.Wrapped(append(tc.missing, "nothing was removed from state")...)
			failed := acctest.Wrapped(tc.missing...)
			var id string
			reshape := func(on bool) func() {
				return func() { proxy.reshape.Store(on) }
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories(),
				CheckDestroy:             acctest.CheckNoPeerings(srv),
				Steps: []resource.TestStep{
					{Config: config, Check: acctest.RecordID(tc.addr, &id)},
					// terraform refresh and apply -refresh-only.
					{PreConfig: reshape(true), RefreshState: true, ExpectError: kept},
					// terraform plan.
					{Config: config, PlanOnly: true, ExpectError: kept},
					// A data source beside the resource.
					{Config: acctest.ConfigURL(proxy.url, tc.config, tc.dataSource), ExpectError: failed},
					// terraform import of the same peering at another address.
					{
						Config: config, ResourceName: tc.addr, ImportState: true,
						ImportStateIdFunc: func(*terraform.State) (string, error) { return id, nil },
						ExpectError:       failed,
					},
					// terraform destroy.
					{Config: config, Destroy: true, ExpectError: kept},
					{
						PreConfig: reshape(false), Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						Check: func(s *terraform.State) error {
							rs, ok := s.RootModule().Resources[tc.addr]
							if !ok || rs.Primary.ID != id {
								return fmt.Errorf("state lost %s (was %s)", tc.addr, id)
							}
							if n := len(srv.Peerings()); n != 1 {
								return fmt.Errorf("the simulator holds %d peerings, want the one created", n)
							}
							if proxy.reshaped.Load() < 5 {
								return fmt.Errorf("only %d lists were reshaped: the failing steps did not all read one", proxy.reshaped.Load())
							}
							return nil
						},
					},
				},
			})
		})
	}
}
