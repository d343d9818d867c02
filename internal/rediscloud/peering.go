package rediscloud

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
)

// Kind tells the two peering APIs apart.
type Kind int

const (
	// Pro is a peering of a single-region (Pro) subscription.
	Pro Kind = iota
	// ActiveActive is a peering of one region of an Active-Active subscription.
	ActiveActive
)

// kindAPI is what differs between the two peering APIs; shared code asks
// it (Kind.api) and never compares kinds.
type kindAPI struct {
	name string
	// path is the peerings' collection under /subscriptions/{id}.
	path string
	// A regional kind's peering belongs to one region of the subscription:
	// its requests name that region under sourceRegionKey ("" for a kind
	// whose subscriptions have one region), its list groups the peerings by
	// region (listGroups), so a list proves a peering absent only when it
	// shows the peering's region, and its Redis-side CIDRs are that region's:
	// networks reads the subscription's regions, ownRegion is the region
	// whose CIDRs a peering of region reaches ("" for all of them).
	sourceRegionKey string
	listGroups      func(raw json.RawMessage) ([]listGroup, map[string]bool, error)
	networks        func(c *Client, ctx context.Context, sub int) ([]SubscriptionRegion, error)
	ownRegion       func(region string) string
	// vpcRegionKey is the request key of the peered VPC's region.
	vpcRegionKey string
}

var kindAPIs = [...]kindAPI{
	Pro: {name: "Pro", path: "peerings", vpcRegionKey: "region",
		listGroups: proListGroups, ownRegion: func(string) string { return "" }},
	ActiveActive: {name: "Active-Active", path: "regions/peerings", vpcRegionKey: "destinationRegion",
		sourceRegionKey: "sourceRegion", listGroups: regionalListGroups,
		ownRegion: func(region string) string { return region }},
}

// The readers of networks reach the API through code that asks the kinds
// again, so they are set once the table exists.
func init() {
	kindAPIs[Pro].networks = (*Client).subscriptionNetworks
	kindAPIs[ActiveActive].networks = (*Client).listRegions
}

func (k Kind) api() *kindAPI { return &kindAPIs[k] }

func (k Kind) String() string { return k.api().name }

func (k Kind) collection(sub int) string {
	return fmt.Sprintf("/subscriptions/%d/%s", sub, k.api().path)
}

const (
	StatusInitiatingRequest = "initiating-request"
	StatusPendingAcceptance = "pending-acceptance"
	StatusActive            = "active"
	StatusInactive          = "inactive"
	StatusFailed            = "failed"
)

const (
	ProviderAWS = "AWS"
	ProviderGCP = "GCP"
)

// Peering is a peering of either kind, in the provider's terms.
type Peering struct {
	ID             int
	SubscriptionID int
	Kind           Kind
	Status         string
	Provider       string
	// Region is the consumer VPC's region: Pro `regionName`, or the
	// Active-Active destination region.
	Region string
	// SourceRegion is the Active-Active subscription region peered from.
	SourceRegion string

	AWSAccountID string
	VPCID        string
	// CIDRs are sorted and without duplicates (NormalizeCIDRs).
	CIDRs        []string
	AWSPeeringID string

	GCPProjectID        string
	GCPNetworkName      string
	GCPRedisProjectID   string
	GCPRedisNetworkName string
	GCPPeeringID        string
}

// CreatePeeringRequest is the input of CreatePeering.
type CreatePeeringRequest struct {
	Provider       string // AWS (default) or GCP
	Region         string // AWS: the consumer VPC's region
	SourceRegion   string // Active-Active: the subscription's region
	AWSAccountID   string
	VPCID          string
	CIDRs          []string
	GCPProjectID   string
	GCPNetworkName string
}

// describes reports whether p is the peering r describes: the same consumer
// network (and, for Active-Active, the same subscription region). The API
// refuses a second peering of the same network, so this identifies it.
func (r *CreatePeeringRequest) describes(p *Peering) bool {
	if r.SourceRegion != "" && !strings.EqualFold(p.SourceRegion, r.SourceRegion) {
		return false
	}
	c := cloudNamed(r.Provider)
	return p.Provider == c.name && c.matches(r, p)
}

// cloudAPI is what differs between the clouds in the API. Shared code asks
// it (cloudNamed) and never compares cloud names.
type cloudAPI struct {
	name string
	// body is the cloud's fields of a create request of kind k.
	body func(k Kind, r *CreatePeeringRequest) map[string]any
	// owns reports whether a listed peering that does not name its
	// provider has this cloud's keys.
	owns func(p *Peering) bool
	// matches reports whether p is the peering of r's network.
	matches func(r *CreatePeeringRequest, p *Peering) bool
	// ready reports whether a pending-acceptance peering has all the user
	// needs to accept it.
	ready func(p *Peering) bool
}

var cloudAPIs = [...]*cloudAPI{
	{
		name: ProviderAWS,
		body: func(k Kind, r *CreatePeeringRequest) map[string]any {
			b := map[string]any{k.api().vpcRegionKey: r.Region, "awsAccountId": r.AWSAccountID, "vpcId": r.VPCID}
			maps.Copy(b, cidrFields(r.CIDRs))
			return b
		},
		owns: func(p *Peering) bool { return p.VPCID != "" || p.AWSAccountID != "" },
		matches: func(r *CreatePeeringRequest, p *Peering) bool {
			return p.VPCID == r.VPCID && (p.AWSAccountID == "" || p.AWSAccountID == r.AWSAccountID)
		},
		// Accepting it on AWS takes its pcx ID.
		ready: func(p *Peering) bool { return p.AWSPeeringID != "" },
	},
	{
		name: ProviderGCP,
		// GCP bodies name the provider, in lower case as the API's own
		// clients send it; AWS ones leave it out.
		body: func(_ Kind, r *CreatePeeringRequest) map[string]any {
			return map[string]any{"provider": "gcp", "vpcProjectUid": r.GCPProjectID, "vpcNetworkName": r.GCPNetworkName}
		},
		owns: func(p *Peering) bool {
			return p.GCPProjectID != "" || p.GCPNetworkName != "" || p.GCPRedisProjectID != ""
		},
		matches: func(r *CreatePeeringRequest, p *Peering) bool {
			return p.GCPProjectID == r.GCPProjectID && p.GCPNetworkName == r.GCPNetworkName
		},
		ready: func(*Peering) bool { return true },
	},
}

// cloudNamed is the cloud of a provider name, in any case; the first
// (AWS, the API's default) when it names none.
func cloudNamed(name string) *cloudAPI { return cmp.Or(cloudByName(name), cloudAPIs[0]) }

// cloudByName is the cloud of a provider name, in any case, or nil.
func cloudByName(name string) *cloudAPI {
	for _, c := range cloudAPIs {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

// cloudOfListed is the cloud of a listed peering: the one it names, else
// the one whose keys it has, else the API's default.
func cloudOfListed(provider string, p *Peering) *cloudAPI {
	if c := cloudByName(provider); c != nil {
		return c
	}
	for _, c := range cloudAPIs {
		if c.owns(p) {
			return c
		}
	}
	return cloudAPIs[0]
}

// CreateResult is the outcome of CreatePeering.
type CreateResult struct {
	// ID is the new peering's ID. It is set along with an error when the
	// create was interrupted but the peering was found anyway (see
	// CreateIncompleteError): it exists and must be recorded.
	ID     int
	TaskID string
	// Adopted is true when an earlier attempt of this same call created the
	// peering and its answer was lost (a dropped connection or a 5xx).
	Adopted bool
}

// CreateOptions tunes CreatePeering.
type CreateOptions struct {
	// OnTask is called with each task ID as soon as it is known.
	OnTask func(taskID string)
}
