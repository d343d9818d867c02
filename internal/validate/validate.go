// Package validate checks, at plan time, the identifiers that Redis Cloud
// and the clouds it peers with write in one fixed form: subscription IDs,
// CIDR blocks, and AWS and GCP names. Each check says what it expects with
// an example, as the attribute's error.
//
// A value must be written as the API writes it back: a form the API would
// rewrite (a leading zero, host bits in a CIDR) reads back differently and
// churns every plan, so it is refused here rather than normalised.
package validate

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	canonicalIDRe = regexp.MustCompile(`^[1-9][0-9]{0,9}$`)
	awsRegionRe   = `^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$`
	gcpRegionRe   = `^[a-z]+-[a-z]+[0-9]+$`

	AWSAccountID = matches(`^[0-9]{12}$`, `must be a 12-digit AWS account ID, for example "123456789012"`)
	VPCID        = matches(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`,
		`must be an AWS VPC ID: "vpc-" followed by 8 or 17 lowercase hexadecimal digits, for example "vpc-0a1b2c3d4e5f67890"`)
	AWSRegion  = matches(awsRegionRe, `must be an AWS region name such as "us-east-1" or "eu-west-2"`)
	AnyRegion  = matches(awsRegionRe+`|`+gcpRegionRe, `must be a cloud region name such as "us-east-1" (AWS) or "us-central1" (GCP)`)
	GCPProject = matches(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`,
		`must be a GCP project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen`)
	GCPNetwork = matches(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`,
		`must be a GCP VPC network name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen`)
)

func matches(re, msg string) []validator.String {
	return []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(re), msg)}
}

// checked is a string validator from problem, which says what is wrong with
// a value, "" when nothing is.
type checked struct {
	summary, description string
	problem              func(string) string
}

func (c checked) Description(context.Context) string { return c.description }

func (c checked) MarkdownDescription(context.Context) string { return c.description }

func (c checked) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := c.problem(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, c.summary, fmt.Sprintf("Attribute %s %s", req.Path, msg))
	}
}

// IDRule is what an ID must be, as the end of a sentence naming it.
const IDRule = `must be the subscription's numeric ID, for example "1234": digits without leading zeros, at most 2147483647`

// SubscriptionID: "01234" would be sent as 1234 and read back as "1234", a
// change Terraform refuses after the apply.
var SubscriptionID = []validator.String{checked{"Invalid Attribute Value Match", IDRule, func(v string) string {
	if ID(v) {
		return ""
	}
	return IDRule + ", got: " + v
}}}

// ID reports whether s is a positive 32-bit ID written canonically.
func ID(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return canonicalIDRe.MatchString(s) && err == nil && n <= math.MaxInt32
}

// CIDR: the API keys peerings by these strings, so "10.0.0.1/16" would read
// back differently and churn every plan.
var CIDR validator.String = checked{"Invalid CIDR block", "must be an IPv4 network in CIDR notation, such as 10.0.0.0/16", CheckCIDR}

// CheckCIDR returns what is wrong with s as a consumer CIDR, or "".
func CheckCIDR(s string) string {
	prefix, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		return fmt.Sprintf("must be an IPv4 network in CIDR notation such as 10.0.0.0/16, got %q", s)
	case !prefix.Addr().Is4():
		return fmt.Sprintf("must be an IPv4 network (Redis Cloud peering does not route IPv6), got %q", s)
	case prefix.Masked() != prefix:
		return fmt.Sprintf("must be a network address: %q has host bits set; did you mean %q?", s, prefix.Masked().String())
	}
	return ""
}

// Overlap reports whether CIDR blocks a and b share addresses; false when
// either is invalid, which its own check reports.
func Overlap(a, b string) bool {
	pa, errA := netip.ParsePrefix(a)
	pb, errB := netip.ParsePrefix(b)
	return errA == nil && errB == nil && pa.Overlaps(pb)
}

// DisjointCIDRs checks that no two CIDR blocks of a set overlap: each must
// be a separate range of the network's addresses.
var DisjointCIDRs validator.Set = disjoint{}

type disjoint struct{}

func (disjoint) Description(context.Context) string {
	return "each CIDR block must be a separate range of addresses: no two may overlap"
}

func (d disjoint) MarkdownDescription(ctx context.Context) string { return d.Description(ctx) }

func (disjoint) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	var cidrs []string
	for _, e := range req.ConfigValue.Elements() {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			cidrs = append(cidrs, s.ValueString())
		}
	}
	for i, a := range cidrs {
		for _, b := range cidrs[i+1:] {
			if Overlap(a, b) {
				resp.Diagnostics.AddAttributeError(req.Path, "Overlapping CIDR blocks", fmt.Sprintf("%s and %s overlap: each CIDR block of %s must be "+
					"a separate range of the VPC's addresses. Remove one, or list the larger alone.", a, b, req.Path))
			}
		}
	}
}
