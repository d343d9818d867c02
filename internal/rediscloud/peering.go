package rediscloud

import (
	"fmt"
	"strings"
)

// Kind tells the two peering APIs apart.
type Kind int

const (
	// Pro is a peering of a single-region (Pro) subscription:
	// /subscriptions/{id}/peerings.
	Pro Kind = iota
	// ActiveActive is a peering of one region of an Active-Active
	// subscription: /subscriptions/{id}/regions/peerings.
	ActiveActive
)

func (k Kind) String() string {
	if k == ActiveActive {
		return "Active-Active"
	}
	return "Pro"
}

func (k Kind) collection(sub int) string {
	if k == ActiveActive {
		return fmt.Sprintf("/subscriptions/%d/regions/peerings", sub)
	}
	return fmt.Sprintf("/subscriptions/%d/peerings", sub)
}

// Peering statuses.
const (
	StatusInitiatingRequest = "initiating-request"
	StatusPendingAcceptance = "pending-acceptance"
	StatusActive            = "active"
	StatusInactive          = "inactive"
	StatusFailed            = "failed"
)

// Cloud providers.
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
	RegionID     int

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
	Provider          string // AWS (default) or GCP
	Region            string // Pro, AWS: the consumer VPC's region
	SourceRegion      string // Active-Active: the subscription's region
	DestinationRegion string // Active-Active, AWS: the consumer VPC's region
	AWSAccountID      string
	VPCID             string
	CIDRs             []string
	GCPProjectID      string
	GCPNetworkName    string
}

func (r *CreatePeeringRequest) isGCP() bool { return strings.EqualFold(r.Provider, ProviderGCP) }

// Matches reports whether p is the peering r describes: the same consumer
// network (and, for Active-Active, the same subscription region). The API
// refuses a second peering of the same network, so this identifies it.
func (r *CreatePeeringRequest) Matches(p *Peering) bool {
	if r.SourceRegion != "" && !strings.EqualFold(p.SourceRegion, r.SourceRegion) {
		return false
	}
	if r.isGCP() {
		return p.Provider == ProviderGCP && p.GCPProjectID == r.GCPProjectID && p.GCPNetworkName == r.GCPNetworkName
	}
	return p.Provider == ProviderAWS && p.VPCID == r.VPCID && (p.AWSAccountID == "" || p.AWSAccountID == r.AWSAccountID)
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
