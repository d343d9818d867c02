package peering_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// TestAccSubscriptionPeering_updateBeforeSetUp: Redis Cloud refuses to change
// the CIDRs of a peering it has not set up yet (VPC_PEERING_NOT_ACTIVE). The
// refusal says what to do, and the same update goes through once the
// peering is set up.
func TestAccSubscriptionPeering_updateBeforeSetUp(t *testing.T) {
	srv := acctest.NewSim(t, cloudsim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(),
		CheckDestroy:             acctest.CheckNoPeerings(srv),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(srv, pro.awsPeering(`vpc_cidr = "172.31.0.0/16"`)),
				Check: func(*terraform.State) error {
					// Back to the set-up phase, as right after a create.
					return srv.SetPeeringStatus(acctest.OnlyPeering(t, srv).ID, "initiating-request")
				},
			},
			{
				Config: acctest.Config(srv, pro.awsPeering(`vpc_cidr = "172.32.0.0/16"`)),
				ExpectError: acctest.Wrapped(`Updating Pro peering 1001/`, `VPC_PEERING_NOT_ACTIVE`,
					`Redis Cloud changes a peering's CIDRs only once it has set the peering up. Wait until its status is pending-acceptance or active`),
			},
			{
				PreConfig: func() {
					if err := srv.SetPeeringStatus(acctest.OnlyPeering(t, srv).ID, "pending-acceptance"); err != nil {
						t.Fatal(err)
					}
				},
				Config: acctest.Config(srv, pro.awsPeering(`vpc_cidr = "172.32.0.0/16"`)),
				Check: func(*terraform.State) error {
					if got := strings.Join(acctest.OnlyPeering(t, srv).CIDRs, ","); got != "172.32.0.0/16" {
						return fmt.Errorf("the API holds CIDRs %s", got)
					}
					return nil
				},
			},
		},
	})
}
