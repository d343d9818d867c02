package validate

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCheckCIDR(t *testing.T) {
	for in, wantSubstr := range map[string]string{
		"10.0.0.0/16":    "",
		"10.0.0.1/16":    `did you mean "10.0.0.0/16"`,
		"10.0.0.0":       "CIDR notation",
		"fd00::/8":       "IPv4",
		"300.0.0.0/8":    "CIDR notation",
		"10.0.0.0/33":    "CIDR notation",
		"192.168.1.0/24": "",
	} {
		got := CheckCIDR(in)
		if (wantSubstr == "") != (got == "") || !strings.Contains(got, wantSubstr) {
			t.Errorf("CheckCIDR(%q) = %q; want %q", in, got, wantSubstr)
		}
	}
}

// An ID is refused in any form the API would write back otherwise.
func TestID(t *testing.T) {
	for in, want := range map[string]bool{
		"1": true, "1234": true, "2147483647": true,
		"": false, "0": false, "01234": false, "+1": false, "-1": false, "1.0": false, "2147483648": false, "99999999999": false,
	} {
		if got := ID(in); got != want {
			t.Errorf("ID(%q) = %v; want %v", in, got, want)
		}
	}
}

func TestOverlap(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"10.0.0.0/16", "10.0.128.0/24", true},
		{"10.0.0.0/24", "10.0.0.0/16", true},
		{"10.0.0.0/16", "10.1.0.0/16", false},
		{"10.0.0.0/16", "not a cidr", false},
	} {
		if got := Overlap(tc.a, tc.b); got != tc.want {
			t.Errorf("Overlap(%q, %q) = %v; want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// Every overlapping pair is reported on the attribute, and unknown
// elements are left to the apply.
func TestDisjointCIDRs(t *testing.T) {
	ctx := context.Background()
	set := func(cidrs ...attr.Value) types.Set { return types.SetValueMust(types.StringType, cidrs) }
	s := types.StringValue
	for name, tc := range map[string]struct {
		value types.Set
		want  []string
	}{
		"disjoint":      {set(s("10.0.0.0/16"), s("10.1.0.0/16")), nil},
		"nested":        {set(s("10.0.0.0/16"), s("10.0.1.0/24"), s("10.2.0.0/16")), []string{"10.0.0.0/16 and 10.0.1.0/24 overlap"}},
		"two pairs":     {set(s("10.0.0.0/8"), s("10.1.0.0/16"), s("10.2.0.0/16")), []string{"10.0.0.0/8 and 10.1.0.0/16", "10.0.0.0/8 and 10.2.0.0/16"}},
		"unknown":       {set(s("10.0.0.0/16"), types.StringUnknown()), nil},
		"null set":      {types.SetNull(types.StringType), nil},
		"invalid block": {set(s("10.0.0.0/16"), s("nonsense")), nil},
	} {
		t.Run(name, func(t *testing.T) {
			var resp validator.SetResponse
			DisjointCIDRs.ValidateSet(ctx, validator.SetRequest{Path: path.Root("vpc_cidrs"), ConfigValue: tc.value}, &resp)
			if len(resp.Diagnostics) != len(tc.want) {
				t.Fatalf("got %d diagnostics, want %d: %v", len(resp.Diagnostics), len(tc.want), resp.Diagnostics)
			}
			for i, d := range resp.Diagnostics {
				if !strings.Contains(d.Detail(), tc.want[i]) || !strings.Contains(d.Detail(), "each CIDR block of vpc_cidrs") {
					t.Errorf("diagnostic %d: %q, want it to contain %q", i, d.Detail(), tc.want[i])
				}
			}
		})
	}
}
