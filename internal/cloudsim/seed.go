package cloudsim

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"os"
	"strings"
)

// Deployment types, as GET /subscriptions/{id} reports them.
const (
	DeploymentSingleRegion = "single-region"
	DeploymentActiveActive = "active-active"
)

// Cloud providers, in the spelling the API uses in responses.
const (
	ProviderAWS = "AWS"
	ProviderGCP = "GCP"
)

// Seed is the initial state of the simulated account. Its JSON form (the
// -seed file) is:
//
//	{"subscriptions": [
//	  {"id": 1001, "name": "pro-aws", "status": "active",
//	   "deploymentType": "single-region", "provider": "AWS",
//	   "regions": [{"region": "us-east-1", "deploymentCIDR": "10.0.0.0/24"}]}
//	]}
//
// See SeedSubscription and SeedRegion for every field and its default.
type Seed struct {
	Subscriptions []SeedSubscription `json:"subscriptions"`
}

// SeedSubscription describes one subscription.
type SeedSubscription struct {
	// ID is the subscription ID (required, positive, unique).
	ID int `json:"id"`
	// Name defaults to "sim-<id>".
	Name string `json:"name,omitempty"`
	// Status defaults to "active". Peering tasks fail with
	// SUBSCRIPTION_NOT_ACTIVE on any other status.
	Status string `json:"status,omitempty"`
	// DeploymentType is "single-region" (Pro, the default) or
	// "active-active".
	DeploymentType string `json:"deploymentType,omitempty"`
	// Provider is "AWS" (default) or "GCP", case-insensitive.
	Provider string `json:"provider,omitempty"`
	// Regions lists the Redis-side regions: exactly one for single-region,
	// at least one for active-active.
	Regions []SeedRegion `json:"regions"`
}

// SeedRegion describes one Redis-side region of a subscription.
type SeedRegion struct {
	// ID is the region ID reported by Active-Active lists (regionId);
	// defaults to the 1-based position in Regions.
	ID int `json:"id,omitempty"`
	// Region is the cloud region name, e.g. "us-east-1" (required).
	Region string `json:"region"`
	// DeploymentCIDR is the Redis VPC CIDR that consumer CIDRs must not
	// overlap (required).
	DeploymentCIDR string `json:"deploymentCIDR"`
	// VPCID is the Redis-side VPC ID (AWS) or network name (GCP); generated
	// from the subscription ID and region when empty.
	VPCID string `json:"vpcId,omitempty"`
	// RedisProjectUID is the Redis-side GCP project; generated when empty.
	// Ignored for AWS.
	RedisProjectUID string `json:"redisProjectUid,omitempty"`
}

// DefaultSeed returns the seed used when Options.Seed is nil: Pro AWS 1001,
// Pro GCP 1002, Active-Active AWS 2001 and Active-Active GCP 2002, all
// active.
func DefaultSeed() *Seed {
	return &Seed{Subscriptions: []SeedSubscription{
		{ID: 1001, Name: "sim-pro-aws", Provider: ProviderAWS, DeploymentType: DeploymentSingleRegion,
			Regions: []SeedRegion{{Region: "us-east-1", DeploymentCIDR: "10.0.0.0/24"}}},
		{ID: 1002, Name: "sim-pro-gcp", Provider: ProviderGCP, DeploymentType: DeploymentSingleRegion,
			Regions: []SeedRegion{{Region: "us-central1", DeploymentCIDR: "10.1.0.0/24"}}},
		{ID: 2001, Name: "sim-aa-aws", Provider: ProviderAWS, DeploymentType: DeploymentActiveActive,
			Regions: []SeedRegion{
				{Region: "us-east-1", DeploymentCIDR: "10.10.0.0/24"},
				{Region: "eu-west-1", DeploymentCIDR: "10.11.0.0/24"},
			}},
		{ID: 2002, Name: "sim-aa-gcp", Provider: ProviderGCP, DeploymentType: DeploymentActiveActive,
			Regions: []SeedRegion{
				{Region: "us-central1", DeploymentCIDR: "10.20.0.0/24"},
				{Region: "europe-west1", DeploymentCIDR: "10.21.0.0/24"},
			}},
	}}
}

// ParseSeed decodes and checks a seed in the JSON form documented on Seed.
// Unknown keys are an error, so a misspelt field is not silently dropped.
func ParseSeed(data []byte) (*Seed, error) {
	var s Seed
	if err := decodeStrict(data, &s); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if _, err := s.build(); err != nil {
		return nil, err
	}
	return &s, nil
}

// LoadSeed reads a seed file.
func LoadSeed(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSeed(data)
}

// build checks the seed and turns it into live subscriptions with every
// default filled in.
func (sd *Seed) build() (map[int]*subscription, error) {
	if len(sd.Subscriptions) == 0 {
		return nil, fmt.Errorf("seed: no subscriptions")
	}
	subs := make(map[int]*subscription, len(sd.Subscriptions))
	for i, ss := range sd.Subscriptions {
		sub, err := ss.build()
		if err != nil {
			return nil, fmt.Errorf("seed: subscription #%d: %w", i+1, err)
		}
		if _, dup := subs[sub.id]; dup {
			return nil, fmt.Errorf("seed: subscription %d defined twice", sub.id)
		}
		subs[sub.id] = sub
	}
	return subs, nil
}

func (ss SeedSubscription) build() (*subscription, error) {
	if ss.ID <= 0 || ss.ID > maxInt32 {
		return nil, fmt.Errorf("id must be a positive 32-bit integer, got %d", ss.ID)
	}
	sub := &subscription{
		id:             ss.ID,
		name:           ss.Name,
		status:         ss.Status,
		deploymentType: ss.DeploymentType,
		provider:       strings.ToUpper(ss.Provider),
	}
	if sub.name == "" {
		sub.name = fmt.Sprintf("sim-%d", ss.ID)
	}
	if sub.status == "" {
		sub.status = "active"
	}
	if sub.deploymentType == "" {
		sub.deploymentType = DeploymentSingleRegion
	}
	if sub.provider == "" {
		sub.provider = ProviderAWS
	}
	switch sub.deploymentType {
	case DeploymentSingleRegion:
		if len(ss.Regions) != 1 {
			return nil, fmt.Errorf("subscription %d: a single-region subscription needs exactly one region, got %d", ss.ID, len(ss.Regions))
		}
	case DeploymentActiveActive:
		if len(ss.Regions) == 0 {
			return nil, fmt.Errorf("subscription %d: an active-active subscription needs at least one region", ss.ID)
		}
	default:
		return nil, fmt.Errorf("subscription %d: deploymentType must be %q or %q, got %q", ss.ID, DeploymentSingleRegion, DeploymentActiveActive, ss.DeploymentType)
	}
	if sub.provider != ProviderAWS && sub.provider != ProviderGCP {
		return nil, fmt.Errorf("subscription %d: provider must be AWS or GCP, got %q", ss.ID, ss.Provider)
	}
	seenName := map[string]bool{}
	seenID := map[int]bool{}
	for i, sr := range ss.Regions {
		if sr.Region == "" {
			return nil, fmt.Errorf("subscription %d: region #%d has no name", ss.ID, i+1)
		}
		if seenName[sr.Region] {
			return nil, fmt.Errorf("subscription %d: region %s listed twice", ss.ID, sr.Region)
		}
		seenName[sr.Region] = true
		cidr, err := netip.ParsePrefix(sr.DeploymentCIDR)
		if err != nil || !cidr.Addr().Is4() {
			return nil, fmt.Errorf("subscription %d region %s: deploymentCIDR %q is not an IPv4 CIDR", ss.ID, sr.Region, sr.DeploymentCIDR)
		}
		r := &region{
			id:              sr.ID,
			name:            sr.Region,
			deploymentCIDR:  cidr.Masked(),
			vpcID:           sr.VPCID,
			redisProjectUID: sr.RedisProjectUID,
		}
		if r.id == 0 {
			r.id = i + 1
		}
		if r.id < 0 || seenID[r.id] {
			return nil, fmt.Errorf("subscription %d region %s: region id %d is negative or used twice", ss.ID, sr.Region, r.id)
		}
		seenID[r.id] = true
		// Generated names are derived from the subscription and region, not
		// from the random source, so they stay the same across restarts.
		h := fnv.New64a()
		_, _ = fmt.Fprintf(h, "%d/%s", ss.ID, sr.Region)
		sum := fmt.Sprintf("%016x", h.Sum64())
		if r.vpcID == "" {
			if sub.provider == ProviderGCP {
				// The Redis-side network name doubles as cloudDetails'
				// vpcId and as redisNetworkName in peering lists.
				r.vpcID = fmt.Sprintf("c%d-%s-%d-rlrcp", ss.ID, sr.Region, r.id)
			} else {
				// AWS VPC IDs are vpc- followed by 17 hex digits.
				r.vpcID = "vpc-" + sum + sum[:1]
			}
		}
		if r.redisProjectUID == "" && sub.provider == ProviderGCP {
			r.redisProjectUID = "v" + sum[:15] + "-tp"
		}
		sub.regions = append(sub.regions, r)
	}
	return sub, nil
}
