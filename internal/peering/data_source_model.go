package peering

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// The data sources convert listed peerings into attribute values here, apart
// from the plumbing, so that the rules (which attributes a cloud leaves null,
// how CIDRs read, which peerings a filter or a lookup keeps, the IDs) are
// unit-tested.

// peeringValues is one peering as the data sources show it: a list element,
// or the root attributes of the single lookup. Attributes that do not apply
// to the peering's cloud are null, as in the resources' state; vpc_cidrs is
// an empty list rather than null for GCP, so that expressions such as
// flatten(peerings[*].vpc_cidrs) need no null checks.
// redis is the peering's redis_cidrs.
func peeringValues(kind rediscloud.Kind, p *rediscloud.Peering, redis types.List) map[string]attr.Value {
	aws := p.Provider != rediscloud.ProviderGCP
	awsOnly := func(v string) types.String {
		if !aws {
			return types.StringNull()
		}
		return optionalString(v)
	}
	gcpOnly := func(v string) types.String {
		if aws {
			return types.StringNull()
		}
		return optionalString(v)
	}
	var cidrs []string
	if aws {
		cidrs = slices.Clone(p.CIDRs)
		slices.Sort(cidrs)
		cidrs = slices.Compact(cidrs)
	}
	cidrList := make([]attr.Value, 0, len(cidrs))
	for _, c := range cidrs {
		cidrList = append(cidrList, types.StringValue(c))
	}
	single := types.StringNull()
	if len(cidrs) == 1 {
		single = types.StringValue(cidrs[0])
	}
	v := map[string]attr.Value{
		"peering_id":             types.Int64Value(int64(p.ID)),
		"provider_name":          optionalString(p.Provider),
		"status":                 optionalString(p.Status),
		"aws_account_id":         awsOnly(p.AWSAccountID),
		"aws_peering_id":         awsOnly(p.AWSPeeringID),
		"vpc_id":                 awsOnly(p.VPCID),
		"vpc_cidr":               single,
		"vpc_cidrs":              types.ListValueMust(types.StringType, cidrList),
		"gcp_project_id":         gcpOnly(p.GCPProjectID),
		"gcp_network_name":       gcpOnly(p.GCPNetworkName),
		"gcp_redis_project_id":   gcpOnly(p.GCPRedisProjectID),
		"gcp_redis_network_name": gcpOnly(p.GCPRedisNetworkName),
		"gcp_peering_id":         gcpOnly(p.GCPPeeringID),
		"redis_cidrs":            redis,
	}
	if kind == rediscloud.ActiveActive {
		v["source_region"] = optionalString(p.SourceRegion)
		v["destination_region"] = awsOnly(p.Region)
	} else {
		v["region"] = awsOnly(p.Region)
	}
	return v
}

// peeringList builds the peerings attribute, ordered by peering ID so that
// outputs built from it do not churn; redis gives each peering's
// redis_cidrs.
func peeringList(kind rediscloud.Kind, elemTypes map[string]attr.Type, peerings []rediscloud.Peering, redis func(*rediscloud.Peering) types.List) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	objType := types.ObjectType{AttrTypes: elemTypes}
	sorted := slices.Clone(peerings)
	slices.SortStableFunc(sorted, func(a, b rediscloud.Peering) int { return a.ID - b.ID })
	elems := make([]attr.Value, 0, len(sorted))
	for i := range sorted {
		obj, d := types.ObjectValue(elemTypes, peeringValues(kind, &sorted[i], redis(&sorted[i])))
		diags.Append(d...)
		elems = append(elems, obj)
	}
	if diags.HasError() {
		return types.ListNull(objType), diags
	}
	list, d := types.ListValue(objType, elems)
	diags.Append(d...)
	return list, diags
}

// peeringFilter is the optional filters of the list data sources.
type peeringFilter struct {
	status       string
	sourceRegion string // Active-Active only
}

func (f peeringFilter) keep(p *rediscloud.Peering) bool {
	if f.status != "" && !strings.EqualFold(p.Status, f.status) {
		return false
	}
	return f.sourceRegion == "" || strings.EqualFold(p.SourceRegion, f.sourceRegion)
}

func (f peeringFilter) apply(peerings []rediscloud.Peering) []rediscloud.Peering {
	out := []rediscloud.Peering{}
	for i := range peerings {
		if f.keep(&peerings[i]) {
			out = append(out, peerings[i])
		}
	}
	return out
}

// peeringsID is the ID of a list data source: the subscription, then the
// filters. Pro: "<sub>" or "<sub>/<status>". Active-Active:
// "<sub>[/<source_region>[/<status>]]", with "*" standing for any source
// region when only the status is filtered ("2001/*/active").
func peeringsID(kind rediscloud.Kind, sub int, f peeringFilter) string {
	parts := []string{strconv.Itoa(sub)}
	if kind == rediscloud.ActiveActive && (f.sourceRegion != "" || f.status != "") {
		parts = append(parts, firstNonEmpty(f.sourceRegion, "*"))
	}
	if f.status != "" {
		parts = append(parts, f.status)
	}
	return strings.Join(parts, "/")
}

// peeringQuery is what the single lookup looks for: exactly one of the
// first three, optionally narrowed by the account or project.
type peeringQuery struct {
	peeringID      int
	vpcID          string
	gcpNetworkName string
	awsAccountID   string
	gcpProjectID   string
}

// attribute names the lookup attribute the query was made by.
func (q peeringQuery) attribute() string {
	switch {
	case q.vpcID != "":
		return "vpc_id"
	case q.gcpNetworkName != "":
		return "gcp_network_name"
	}
	return "peering_id"
}

func (q peeringQuery) String() string {
	var s string
	switch q.attribute() {
	case "vpc_id":
		s = fmt.Sprintf("vpc_id %q", q.vpcID)
	case "gcp_network_name":
		s = fmt.Sprintf("gcp_network_name %q", q.gcpNetworkName)
	default:
		s = fmt.Sprintf("peering_id %d", q.peeringID)
	}
	if q.awsAccountID != "" {
		s += fmt.Sprintf(" and aws_account_id %q", q.awsAccountID)
	}
	if q.gcpProjectID != "" {
		s += fmt.Sprintf(" and gcp_project_id %q", q.gcpProjectID)
	}
	return s
}

func (q peeringQuery) matches(p *rediscloud.Peering) bool {
	switch {
	case q.vpcID != "":
		if p.Provider != rediscloud.ProviderAWS || p.VPCID != q.vpcID {
			return false
		}
	case q.gcpNetworkName != "":
		if p.Provider != rediscloud.ProviderGCP || p.GCPNetworkName != q.gcpNetworkName {
			return false
		}
	default:
		if p.ID != q.peeringID {
			return false
		}
	}
	if q.awsAccountID != "" && p.AWSAccountID != q.awsAccountID {
		return false
	}
	return q.gcpProjectID == "" || p.GCPProjectID == q.gcpProjectID
}

// maxListedPeerings bounds how many peerings an error message lists.
const maxListedPeerings = 20

// findPeering returns the one peering of the subscription that q matches,
// or a *configError on the lookup attribute that says why there is none:
// nothing matches (listing what the subscription has), or several do.
func findPeering(sub int, q peeringQuery, peerings []rediscloud.Peering) (*rediscloud.Peering, *configError) {
	var found []*rediscloud.Peering
	for i := range peerings {
		if q.matches(&peerings[i]) {
			found = append(found, &peerings[i])
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		if len(peerings) == 0 {
			return nil, &configError{attribute: q.attribute(), msg: fmt.Sprintf("No peering of subscription %d has %s: the subscription has no peerings.", sub, q)}
		}
		all := make([]*rediscloud.Peering, len(peerings))
		for i := range peerings {
			all[i] = &peerings[i]
		}
		return nil, &configError{attribute: q.attribute(), msg: fmt.Sprintf("No peering of subscription %d has %s; its peerings are: %s.", sub, q, describePeerings(all))}
	}
	hint := ""
	switch {
	case q.vpcID != "" && q.awsAccountID == "":
		hint = ", or set aws_account_id to narrow the match"
	case q.gcpNetworkName != "" && q.gcpProjectID == "":
		hint = ", or set gcp_project_id to narrow the match"
	}
	ids := make([]string, len(found))
	for i, p := range found {
		ids[i] = strconv.Itoa(p.ID)
	}
	return nil, &configError{attribute: q.attribute(), msg: fmt.Sprintf("%d peerings of subscription %d have %s: %s. Look the one you mean up by peering_id (one of %s) instead%s.",
		len(found), sub, q, describePeerings(found), strings.Join(ids, ", "), hint)}
}

// describePeerings lists peerings in an error message, each with what tells
// it apart.
func describePeerings(peerings []*rediscloud.Peering) string {
	parts := make([]string, 0, min(len(peerings), maxListedPeerings)+1)
	for i, p := range peerings {
		if i == maxListedPeerings {
			parts = append(parts, fmt.Sprintf("and %d more", len(peerings)-i))
			break
		}
		parts = append(parts, describePeering(p))
	}
	return strings.Join(parts, "; ")
}

func describePeering(p *rediscloud.Peering) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d (%s", p.ID, firstNonEmpty(p.Provider, "unknown cloud"))
	if p.SourceRegion != "" {
		fmt.Fprintf(&b, " from %s", p.SourceRegion)
	}
	if p.Provider == rediscloud.ProviderGCP {
		fmt.Fprintf(&b, ", network %s of project %s", firstNonEmpty(p.GCPNetworkName, "?"), firstNonEmpty(p.GCPProjectID, "?"))
	} else {
		fmt.Fprintf(&b, ", %s of account %s", firstNonEmpty(p.VPCID, "?"), firstNonEmpty(p.AWSAccountID, "?"))
		if p.Region != "" {
			fmt.Fprintf(&b, " in %s", p.Region)
		}
	}
	if p.Status != "" {
		fmt.Fprintf(&b, ", %s", p.Status)
	}
	b.WriteString(")")
	return b.String()
}
