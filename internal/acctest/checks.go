package acctest

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// Str is a state value that must be exactly s.
func Str(s string) knownvalue.Check { return knownvalue.StringExact(s) }

// StrSet is a set of strings that must be exactly vs, in any order.
func StrSet(vs ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(vs))
	for _, v := range vs {
		checks = append(checks, Str(v))
	}
	return knownvalue.SetExact(checks)
}

// StrList is a list of strings that must be exactly vs, in this order.
func StrList(vs ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(vs))
	for _, v := range vs {
		checks = append(checks, Str(v))
	}
	return knownvalue.ListExact(checks)
}

// Expect checks the value in state of the top-level attribute attr of addr.
func Expect(addr, attr string, c knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), c)
}

// ExpectMap checks several top-level attributes of addr (attribute ->
// exact value).
func ExpectMap(addr string, want map[string]string) []statecheck.StateCheck {
	out := make([]statecheck.StateCheck, 0, len(want))
	for attr, v := range want {
		out = append(out, Expect(addr, attr, Str(v)))
	}
	return out
}

// Nulls checks that attributes are present and null in state, as Redis's
// own provider leaves the attributes a peering does not use.
func Nulls(addr string, attrs ...string) []statecheck.StateCheck {
	out := make([]statecheck.StateCheck, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, Expect(addr, a, knownvalue.Null()))
	}
	return out
}

// StateID is the id in state of addr, for import steps.
func StateID(addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s is not in state", addr)
		}
		return rs.Primary.ID, nil
	}
}

// ImportStep imports addr by command and checks every attribute against
// the state the apply left.
func ImportStep(addr string) resource.TestStep {
	return resource.TestStep{
		ResourceName:            addr,
		ImportState:             true,
		ImportStateVerify:       true,
		ImportStateVerifyIgnore: []string{"timeouts"},
	}
}

// ImportSteps import addr by command (ImportStep) and by an import block
// (the plan must be a no-op).
func ImportSteps(addr string) []resource.TestStep {
	return []resource.TestStep{
		ImportStep(addr),
		{
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
			}},
			ImportStateIdFunc:                    StateID(addr),
			ImportStateVerifyIdentifierAttribute: "id",
		},
	}
}

// RecordID stores the id in state of addr, which must have the form
// <subscription_id>/<peering_id>, into *id.
func RecordID(addr string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		got, err := StateID(addr)(s)
		if err != nil {
			return err
		}
		if !peeringIDRe.MatchString(got) {
			return fmt.Errorf("%s has ID %q", addr, got)
		}
		*id = got
		return nil
	}
}

var peeringIDRe = regexp.MustCompile(`^[0-9]+/[0-9]+$`)

// Peering is the simulator's only peering, or an error saying what it
// holds instead.
func Peering(srv *cloudsim.Server) (cloudsim.PeeringInfo, error) {
	ps := srv.Peerings()
	if len(ps) != 1 {
		return cloudsim.PeeringInfo{}, fmt.Errorf("the simulator holds %d peerings, want 1: %+v", len(ps), ps)
	}
	return ps[0], nil
}

// CheckOnePeering is a check that the simulator holds exactly one peering.
func CheckOnePeering(srv *cloudsim.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := Peering(srv)
		return err
	}
}

// OnlyPeering is the simulator's only peering; the test stops if there is
// not exactly one.
func OnlyPeering(t *testing.T, srv *cloudsim.Server) cloudsim.PeeringInfo {
	t.Helper()
	p, err := Peering(srv)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// NothingCreated fails the test if anything asked the simulator to create a
// peering.
func NothingCreated(t *testing.T, srv *cloudsim.Server) {
	t.Helper()
	if ps := srv.Peerings(); len(ps) != 0 {
		t.Errorf("the simulator holds %d peerings, want none: %+v", len(ps), ps)
	}
	st := srv.Stats()
	for cmd, n := range st.TasksByCommand {
		if strings.Contains(cmd, "Create") {
			t.Errorf("%d %s tasks were submitted, want none (tasks: %v)", n, cmd, st.TasksByCommand)
		}
	}
	if st.PeeringsCreated != 0 {
		t.Errorf("the simulator created %d peerings, want none", st.PeeringsCreated)
	}
}

// Different is a compare.ValueComparer that wants two values to differ.
type Different struct{}

// CompareValues implements compare.ValueComparer.
func (Different) CompareValues(values ...any) error {
	if len(values) == 2 && fmt.Sprint(values[0]) == fmt.Sprint(values[1]) {
		return fmt.Errorf("both values are %v", values[0])
	}
	return nil
}

// ProxyTo forwards a request to target (a simulator's address), for test
// servers that stand between the provider and the simulator.
func ProxyTo(t *testing.T, target string, w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), r.Body)
	if err != nil {
		t.Error(err)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer func() { _ = resp.Body.Close() }()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
