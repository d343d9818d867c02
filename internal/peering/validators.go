package peering

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	canonicalIDRe  = regexp.MustCompile(`^[1-9][0-9]{0,9}$`)
	awsAccountRe   = regexp.MustCompile(`^[0-9]{12}$`)
	vpcIDRe        = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	awsRegionRe    = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$`)
	gcpRegionRe    = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)
	gcpProjectRe   = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	gcpNetworkRe   = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	anyRegionRe    = regexp.MustCompile(awsRegionRe.String() + `|` + gcpRegionRe.String())
	maxCIDRsPerVPC = 5
)

func subscriptionIDValidators() []validator.String {
	return []validator.String{idValidator{}}
}

// idValidator accepts an API ID as the API writes it: digits without
// leading zeros, within the API's 32-bit range. "01234" would be sent as
// 1234 and read back as "1234", a change Terraform refuses after the apply.
type idValidator struct{}

const idRule = `must be the subscription's numeric ID, for example "1234": digits without leading zeros, at most 2147483647`

func (idValidator) Description(context.Context) string { return idRule }

func (v idValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (idValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v := req.ConfigValue.ValueString(); !validID(v) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value Match", fmt.Sprintf("Attribute %s %s, got: %s", req.Path, idRule, v))
	}
}

// validID reports whether s is a positive 32-bit ID written canonically.
func validID(s string) bool {
	if !canonicalIDRe.MatchString(s) {
		return false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n <= math.MaxInt32
}

func awsAccountValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(awsAccountRe, `must be a 12-digit AWS account ID, for example "123456789012"`)}
}

func vpcIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(vpcIDRe, `must be an AWS VPC ID: "vpc-" followed by 8 or 17 lowercase hexadecimal digits, for example "vpc-0a1b2c3d4e5f67890"`)}
}

func awsRegionValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(awsRegionRe, `must be an AWS region name such as "us-east-1" or "eu-west-2"`)}
}

func anyRegionValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(anyRegionRe, `must be a cloud region name such as "us-east-1" (AWS) or "us-central1" (GCP)`)}
}

func gcpProjectValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(gcpProjectRe, `must be a GCP project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen`)}
}

func gcpNetworkValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(gcpNetworkRe, `must be a GCP VPC network name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen`)}
}

// cidrValidator accepts an IPv4 network in canonical form ("10.0.0.0/16"):
// the API keys peerings by these strings, so a host address with a prefix
// ("10.0.0.1/16") would read back differently and churn every plan.
type cidrValidator struct{}

func (cidrValidator) Description(context.Context) string {
	return "must be an IPv4 network in CIDR notation, such as 10.0.0.0/16"
}

func (v cidrValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (cidrValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkCIDR(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CIDR block", fmt.Sprintf("Attribute %s %s", req.Path, msg))
	}
}

// checkCIDR returns what is wrong with s as a consumer CIDR, or "".
func checkCIDR(s string) string {
	prefix, err := netip.ParsePrefix(s)
	if err != nil {
		return fmt.Sprintf("must be an IPv4 network in CIDR notation such as 10.0.0.0/16, got %q", s)
	}
	if !prefix.Addr().Is4() {
		return fmt.Sprintf("must be an IPv4 network (Redis Cloud peering does not route IPv6), got %q", s)
	}
	if masked := prefix.Masked(); masked != prefix {
		return fmt.Sprintf("must be a network address: %q has host bits set; did you mean %q?", s, masked.String())
	}
	return ""
}
