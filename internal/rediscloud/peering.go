package rediscloud

import (
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
// it (Kind.api) and never compares kinds. path is the peerings' collection
// under /subscriptions/{id}.
type kindAPI struct {
	name, path string
	// A regional kind's requests name the subscription region under
	// sourceRegionKey, its list groups the peerings by region, and its
	// Redis-side CIDRs are those of ownRegion ("" for all regions).
	sourceRegionKey string
	listGroups      func(raw json.RawMessage) ([]listGroup, map[string]bool, error)
	networks        func(c *Client, ctx context.Context, sub int) ([]SubscriptionRegion, error)
	ownRegion       func(region string) string
	vpcRegionKey    string // the peered VPC's region
}

var kindAPIs = [...]kindAPI{
	Pro: {name: "Pro", path: "peerings", vpcRegionKey: "region",
		listGroups: proListGroups, ownRegion: func(string) string { return "" }},
	ActiveActive: {name: "Active-Active", path: "regions/peerings", vpcRegionKey: "destinationRegion",
		sourceRegionKey: "sourceRegion", listGroups: regionalListGroups,
		ownRegion: func(region string) string { return region }},
}

// The networks readers ask the kinds again: they are set once the table exists.
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
	// Region is the consumer VPC's; SourceRegion the Active-Active
	// subscription region peered from.
	Region, SourceRegion string

	AWSAccountID string
	VPCID        string
	CIDRs        []string // normalized
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

// describes reports whether p is of r's consumer network (and region): the
// API refuses a second peering of a network, so this identifies it.
func (r *CreatePeeringRequest) describes(p *Peering) bool {
	if r.SourceRegion != "" && !strings.EqualFold(p.SourceRegion, r.SourceRegion) {
		return false
	}
	c := cloudOf(r.Provider, nil)
	return p.Provider == c.name && c.matches(r, p)
}

// cloudAPI is what differs between the clouds; shared code asks it and
// never compares cloud names. owns reports whether a listed peering that
// names no provider has this cloud's keys; ready whether a pending peering
// has all the user needs to accept it.
type cloudAPI struct {
	name    string
	body    func(k Kind, r *CreatePeeringRequest) map[string]any
	owns    func(p *Peering) bool
	matches func(r *CreatePeeringRequest, p *Peering) bool
	ready   func(p *Peering) bool
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

// cloudOf is the cloud named provider (in any case), else the one whose
// keys a listed peering p has, else the API's default (AWS).
func cloudOf(provider string, p *Peering) *cloudAPI {
	for _, c := range cloudAPIs {
		if strings.EqualFold(c.name, provider) {
			return c
		}
	}
	for _, c := range cloudAPIs {
		if p != nil && c.owns(p) {
			return c
		}
	}
	return cloudAPIs[0]
}

// CreateResult is the outcome of CreatePeering. ID is set along with an
// error when the create was interrupted but the peering was found anyway: it
// exists and must be recorded. Adopted is true when an earlier attempt of
// the same call created the peering and its answer was lost.
type CreateResult struct {
	ID      int
	TaskID  string
	Adopted bool
	first   *firstList // for WaitPeeringSettled
}

// CreateOptions tunes CreatePeering: OnTask is called with each task ID as
// soon as it is known.
type CreateOptions struct {
	OnTask func(taskID string)
}
