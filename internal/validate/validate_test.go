package validate

import (
	"strings"
	"testing"
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
		"": false, "0": false, "01234": false, "+1": false, "-1": false, " 1": false, "2147483648": false, "99999999999": false,
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
