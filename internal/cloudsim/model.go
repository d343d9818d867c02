package cloudsim

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// PeeringStatus is a peering's status as the simulator writes it on the
// wire: one of the constants below, which it produces by itself, or any
// string forced with SetPeeringStatus. They are spelt here apart from the
// client's constants, so that a misspelling cannot pass in both.
type PeeringStatus = string

const (
	// StatusInitiatingRequest: from the create until the transition latency
	// has passed.
	StatusInitiatingRequest PeeringStatus = "initiating-request"
	// StatusPendingAcceptance: an AWS peering after the transition, with its
	// pcx ID, until AcceptPeering.
	StatusPendingAcceptance PeeringStatus = "pending-acceptance"
	// StatusActive: after AcceptPeering.
	StatusActive PeeringStatus = "active"
	// StatusInactive: a GCP peering after the transition, until AcceptPeering.
	StatusInactive PeeringStatus = "inactive"
	// StatusFailed: never by itself; SetPeeringStatus forces it, as the
	// API would report a network it refused.
	StatusFailed PeeringStatus = "failed"
)

// Peering kinds, as GET /__sim/peerings reports them.
const (
	KindPro          = "pro"
	KindActiveActive = "active-active"
)

// subscriptionStatusDeleted is accepted by SetSubscriptionStatus to make a
// subscription vanish (404 everywhere), as a deleted one does.
const subscriptionStatusDeleted = "deleted"

const maxInt32 = 1<<31 - 1

// firstPeeringID is where the single peering-ID counter (Pro and
// Active-Active alike) starts.
const firstPeeringID = 500

type subscription struct {
	id             int
	name           string
	status         string
	deploymentType string
	provider       string
	regions        []*region
	// change is the last change accepted while changes conflict (see
	// changeRunning); nil when none runs.
	change *task
}

func (sub *subscription) activeActive() bool { return sub.deploymentType == DeploymentActiveActive }

func (sub *subscription) region(name string) *region {
	for _, r := range sub.regions {
		if r.name == name {
			return r
		}
	}
	return nil
}

type region struct {
	id              int
	name            string
	deploymentCIDR  netip.Prefix
	vpcID           string // Redis VPC (AWS) or Redis network name (GCP)
	redisProjectUID string // GCP only
}

type peering struct {
	id           int
	subID        int
	activeActive bool
	provider     string
	status       PeeringStatus
	// forced is set once a status was imposed through the control API: from
	// then on the simulator no longer moves the peering by itself.
	forced bool
	// created is when the create task completed (or AddPeering ran); the
	// initiating-request phase is measured from it.
	created time.Time

	region            string // Pro AWS: the consumer VPC's region
	sourceRegion      string // Active-Active: the Redis region
	destinationRegion string // Active-Active AWS: the consumer VPC's region
	regionID          int    // Active-Active: ID of the source region

	awsAccountID string
	vpcID        string
	cidrs        []string
	// pendingCIDRs replace cidrs at cidrsDue: an update's effect comes
	// after its task (cidrApplyLatency). nil when none is pending.
	pendingCIDRs []string
	cidrsDue     time.Time
	gcpProject   string
	gcpNetwork   string

	awsPeeringUID    string
	redisProjectUID  string
	redisNetworkName string
	cloudPeeringID   string
}

// vpcKey identifies the consumer network a peering connects, used for the
// duplicate check and maxConcurrentPeeringsPerVpc. Active-Active peerings
// of one network to two Redis regions are distinct, so the source region is
// part of the key.
func (p *peering) vpcKey() string {
	var k string
	if p.provider == ProviderGCP {
		k = fmt.Sprintf("%d|gcp|%s|%s", p.subID, p.gcpProject, p.gcpNetwork)
	} else {
		k = fmt.Sprintf("%d|aws|%s|%s", p.subID, p.awsAccountID, p.vpcID)
	}
	if p.activeActive {
		k += "|" + p.sourceRegion
	}
	return k
}

// PeeringInfo is one peering as GET /__sim/peerings shows it, and the input
// of AddPeering.
type PeeringInfo struct {
	ID             int    `json:"id"`
	SubscriptionID int    `json:"subscriptionId"`
	Kind           string `json:"kind"`     // "pro" or "active-active"
	Provider       string `json:"provider"` // "AWS" or "GCP"
	Status         string `json:"status"`
	// AWS consumer side.
	VPCID        string `json:"vpcId"`
	AWSAccountID string `json:"awsAccountId"`
	// Region is the consumer VPC's region of a Pro AWS peering.
	Region string `json:"region"`
	// SourceRegion (the Redis region) and DestinationRegion (the consumer
	// VPC's region, AWS only) belong to Active-Active peerings.
	SourceRegion      string   `json:"sourceRegion"`
	DestinationRegion string   `json:"destinationRegion"`
	CIDRs             []string `json:"cidrs"`
	// PendingCIDRs are CIDRs an update set that have not taken effect yet;
	// lists still show CIDRs. Ignored by AddPeering.
	PendingCIDRs []string `json:"pendingCidrs,omitempty"`
	// GCP consumer side.
	GCPProjectID   string `json:"gcpProjectId"`
	GCPNetworkName string `json:"gcpNetworkName"`
	// Identifiers the Redis side assigns once the peering leaves
	// initiating-request.
	AWSPeeringUID    string `json:"awsPeeringUid,omitempty"`
	RedisProjectUID  string `json:"redisProjectUid,omitempty"`
	RedisNetworkName string `json:"redisNetworkName,omitempty"`
	CloudPeeringID   string `json:"cloudPeeringId,omitempty"`
}

func (p *peering) info() PeeringInfo {
	kind := KindPro
	if p.activeActive {
		kind = KindActiveActive
	}
	return PeeringInfo{
		ID:                p.id,
		SubscriptionID:    p.subID,
		Kind:              kind,
		Provider:          p.provider,
		Status:            p.status,
		VPCID:             p.vpcID,
		AWSAccountID:      p.awsAccountID,
		Region:            p.region,
		SourceRegion:      p.sourceRegion,
		DestinationRegion: p.destinationRegion,
		CIDRs:             append([]string{}, p.cidrs...),
		PendingCIDRs:      slices.Clone(p.pendingCIDRs),
		GCPProjectID:      p.gcpProject,
		GCPNetworkName:    p.gcpNetwork,
		AWSPeeringUID:     p.awsPeeringUID,
		RedisProjectUID:   p.redisProjectUID,
		RedisNetworkName:  p.redisNetworkName,
		CloudPeeringID:    p.cloudPeeringID,
	}
}
