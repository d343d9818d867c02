package peering

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// The data sources' state is typed: each kind's element struct embeds
// peeringElement, the list data sources' models embed peeringListModel, and
// the lookup's model holds Pro's element at its root. Converting a listed
// peering into them is here, apart from the plumbing, so that the rules
// (which attributes a cloud leaves null, how CIDRs read, which peerings a
// filter or a lookup keeps, the IDs) are unit-tested.

// peeringElement is what every peering shows in the data sources, of
// either kind: a list element, or the root attributes of the single lookup.
// Attributes that do not apply to the peering's cloud are null, as in the
// resources' state; vpc_cidrs is an empty list rather than null for GCP, so
// that expressions such as flatten(peerings[*].vpc_cidrs) need no null
// checks.
type peeringElement struct {
	PeeringID           types.Int64  `tfsdk:"peering_id"`
	ProviderName        types.String `tfsdk:"provider_name"`
	Status              types.String `tfsdk:"status"`
	AWSAccountID        types.String `tfsdk:"aws_account_id"`
	AWSPeeringID        types.String `tfsdk:"aws_peering_id"`
	VPCID               types.String `tfsdk:"vpc_id"`
	VPCCidr             types.String `tfsdk:"vpc_cidr"`
	VPCCidrs            types.List   `tfsdk:"vpc_cidrs"`
	GCPProjectID        types.String `tfsdk:"gcp_project_id"`
	GCPNetworkName      types.String `tfsdk:"gcp_network_name"`
	GCPRedisProjectID   types.String `tfsdk:"gcp_redis_project_id"`
	GCPRedisNetworkName types.String `tfsdk:"gcp_redis_network_name"`
	GCPPeeringID        types.String `tfsdk:"gcp_peering_id"`
	RedisCIDRs          types.List   `tfsdk:"redis_cidrs"`
}

// element is what the shared data source code needs of either kind's
// element struct (proPeeringElement, activeActivePeeringElement).
type element interface {
	base() *peeringElement
	// setRegions fills the region attributes from the API.
	setRegions(p *rediscloud.Peering)
}

// base is promoted to both kinds' elements.
func (e *peeringElement) base() *peeringElement { return e }

// setElement fills e from p; redis is the peering's redis_cidrs.
func setElement(e element, p *rediscloud.Peering, redis types.List) {
	b := e.base()
	var cidrs []string
	if cloudOf(p.Provider).routed {
		cidrs = p.CIDRs
	}
	elems := stringValues(cidrs)
	b.VPCCidr = singleCIDR(elems)
	b.VPCCidrs = types.ListValueMust(types.StringType, elems)
	b.PeeringID = types.Int64Value(int64(p.ID))
	b.ProviderName = optionalString(p.Provider)
	b.Status = optionalString(p.Status)
	setCloudStrings(stringFields(e), p, false)
	b.RedisCIDRs = redis
	e.setRegions(p)
}

// routedOnly is v for a peering of a routed cloud (the peered network's
// region), and null for another.
func routedOnly(p *rediscloud.Peering, v string) types.String {
	if !cloudOf(p.Provider).routed {
		return types.StringNull()
	}
	return optionalString(v)
}

// elements converts peerings into a kind's element structs E, ordered by
// peering ID so that outputs built from them do not churn; redis gives each
// peering's redis_cidrs. No peerings make an empty list, not a null one.
func elements[E any, P interface {
	*E
	element
}](peerings []rediscloud.Peering, redis func(*rediscloud.Peering) types.List) []E {
	sorted := slices.Clone(peerings)
	slices.SortStableFunc(sorted, func(a, b rediscloud.Peering) int { return a.ID - b.ID })
	out := make([]E, len(sorted))
	for i := range sorted {
		setElement(P(&out[i]), &sorted[i], redis(&sorted[i]))
	}
	return out
}

// peeringListModel is what both list data sources' state holds besides
// their peerings (and, Active-Active, the source_region filter).
type peeringListModel struct {
	ID             types.String   `tfsdk:"id"`
	SubscriptionID types.String   `tfsdk:"subscription_id"`
	Status         types.String   `tfsdk:"status"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

// listModel is what the shared list data source code needs of either
// kind's state struct (proPeeringListModel, activeActivePeeringListModel).
type listModel interface {
	base() *peeringListModel
	// filter is the configured filters.
	filter() peeringFilter
	// setPeerings sets the peerings attribute; see elements.
	setPeerings(peerings []rediscloud.Peering, redis func(*rediscloud.Peering) types.List)
}

// base is promoted to both kinds' list models.
func (m *peeringListModel) base() *peeringListModel { return m }

// filter is the status filter; a kind with more filters has its own.
func (m *peeringListModel) filter() peeringFilter {
	return peeringFilter{status: m.Status.ValueString()}
}

// peeringLookupModel is the state of the single lookup data source: the
// peering's attributes at the root, the lookup's inputs among them. Only Pro
// subscriptions have a lookup data source, so its element is Pro's.
type peeringLookupModel struct {
	proPeeringElement
	ID             types.String   `tfsdk:"id"`
	SubscriptionID types.String   `tfsdk:"subscription_id"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

// query is what the configuration looks the peering up by.
func (m *peeringLookupModel) query() peeringQuery {
	return peeringQuery{
		peeringID:      int(m.PeeringID.ValueInt64()),
		vpcID:          m.VPCID.ValueString(),
		gcpNetworkName: m.GCPNetworkName.ValueString(),
		awsAccountID:   m.AWSAccountID.ValueString(),
		gcpProjectID:   m.GCPProjectID.ValueString(),
	}
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
		if value(p, "vpc_id") != q.vpcID {
			return false
		}
	case q.gcpNetworkName != "":
		if value(p, "gcp_network_name") != q.gcpNetworkName {
			return false
		}
	default:
		if p.ID != q.peeringID {
			return false
		}
	}
	if q.awsAccountID != "" && value(p, "aws_account_id") != q.awsAccountID {
		return false
	}
	return q.gcpProjectID == "" || value(p, "gcp_project_id") == q.gcpProjectID
}

// maxDescribedPeerings bounds how many peerings an error message lists.
const maxDescribedPeerings = 20

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
	parts := make([]string, 0, min(len(peerings), maxDescribedPeerings)+1)
	for i, p := range peerings {
		if i == maxDescribedPeerings {
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
	fmt.Fprintf(&b, ", %s", cloudOf(p.Provider).describe(p))
	if p.Status != "" {
		fmt.Fprintf(&b, ", %s", p.Status)
	}
	b.WriteString(")")
	return b.String()
}
