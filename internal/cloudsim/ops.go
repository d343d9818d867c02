package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// maxCIDRs is how many consumer CIDRs one peering may have (the console's
// limit).
const maxCIDRs = 5

// apiError is a task failure: the error object of a processing-error task.
type apiError struct {
	Type        string
	Description string
}

func (e *apiError) wire() *wireTaskError {
	return &wireTaskError{Type: e.Type, Status: errorStatus(e.Type), Description: e.Description}
}

func failf(typ, format string, args ...any) *apiError {
	return &apiError{Type: typ, Description: fmt.Sprintf(format, args...)}
}

// errorStatus maps an error type to the "<code> <REASON>" string of the
// error object: not-found types are 404, duplicates 409, inactive states
// 403, general errors 500 and every validation failure 400.
func errorStatus(typ string) string {
	switch {
	case typ == "GENERAL_ERROR" || typ == "VPC_PEERING_GENERAL_ERROR":
		return "500 INTERNAL_SERVER_ERROR"
	case strings.HasSuffix(typ, "_NOT_FOUND"):
		return "404 NOT_FOUND"
	case strings.HasSuffix(typ, "_ALREADY_EXIST"):
		return "409 CONFLICT"
	case typ == "SUBSCRIPTION_NOT_ACTIVE" || typ == "VPC_PEERING_NOT_ACTIVE" || typ == "VPC_PEERING_CLUSTER_NOT_ACTIVE":
		return "403 FORBIDDEN"
	default:
		return "400 BAD_REQUEST"
	}
}

// createRequest accepts both the Pro and the Active-Active create bodies,
// AWS and GCP. Unknown keys are ignored, as the API ignores them.
type createRequest struct {
	Provider          string   `json:"provider"`
	Region            string   `json:"region"`
	SourceRegion      string   `json:"sourceRegion"`
	DestinationRegion string   `json:"destinationRegion"`
	AWSAccountID      string   `json:"awsAccountId"`
	VPCID             string   `json:"vpcId"`
	VPCCidr           string   `json:"vpcCidr"`
	VPCCidrs          []string `json:"vpcCidrs"`
	VPCProjectUID     string   `json:"vpcProjectUid"`
	VPCNetworkName    string   `json:"vpcNetworkName"`
}

type updateRequest struct {
	VPCCidr  string   `json:"vpcCidr"`
	VPCCidrs []string `json:"vpcCidrs"`
}

// crossTypeGuards are the refusals of a Pro operation on an Active-Active
// subscription and the other way round, indexed by operation.
var crossTypeGuards = map[bool][4]string{
	// Pro endpoint called on an Active-Active subscription.
	false: {
		opCreate: "CREATING_A_SINGLE_REGION_VPC_PEERING_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION",
		opList:   "GETTING_SINGLE_REGION_VPC_PEERINGS_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION",
		opUpdate: "UPDATING_A_SINGLE_REGION_VPC_PEERING_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION",
		opDelete: "DELETING_SINGLE_REGION_VPC_PEERING_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION",
	},
	// Active-Active endpoint called on a single-region subscription.
	true: {
		opCreate: "CREATING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION",
		opList:   "GETTING_ACTIVE_ACTIVE_SUBSCRIPTION_VPC_PEERINGS_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION",
		opUpdate: "UPDATING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION",
		opDelete: "DELETING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION",
	},
}

// execute performs a task's operation when the task completes, against the
// state of that moment: the subscription may have changed status, and
// earlier tasks may have created or deleted peerings since submission. A
// task that finds its subscription busy with another change (see busyFor)
// fails as on a subscription that is not active.
func (s *Sim) execute(t *task) (*wireTaskResponse, *apiError) {
	sub := s.subs[t.subID]
	if sub == nil {
		return nil, failf("SUBSCRIPTION_NOT_FOUND", "Subscription was not found")
	}
	if t.activeActive != sub.activeActive() {
		kind := "an active-active"
		if t.activeActive {
			kind = "a single-region"
		}
		return nil, failf(crossTypeGuards[t.activeActive][t.op],
			"Subscription %d is %s subscription; use the %s peering endpoints", sub.id, kind, otherFamily(t.activeActive))
	}
	busy := s.busyFor(t, sub)
	if busy && t.op == opList {
		s.stats.ListsRefused++
	}
	if sub.status != "active" || busy {
		// The API's own wording, misspelling included.
		return nil, failf("SUBSCRIPTION_NOT_ACTIVE", "Cannot preform any actions for subscription that is not in an active state")
	}
	switch t.op {
	case opCreate:
		return s.createPeering(t, sub)
	case opList:
		return s.listPeerings(sub), nil
	case opUpdate:
		return s.updatePeering(t, sub)
	default:
		return s.deletePeering(t, sub)
	}
}

func otherFamily(activeActive bool) string {
	if activeActive {
		return "single-region (/peerings)"
	}
	return "active-active (/regions/peerings)"
}

func intp(v int) *int { return &v }

func badBody(err error) *apiError {
	return failf("BAD_REQUEST", "The request body could not be read: %v", err)
}

// awsRegionRE matches AWS region names such as us-east-1 or us-gov-west-1.
var awsRegionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// awsAccountRE matches a 12-digit AWS account ID.
var awsAccountRE = regexp.MustCompile(`^[0-9]{12}$`)

func (s *Sim) createPeering(t *task, sub *subscription) (*wireTaskResponse, *apiError) {
	var req createRequest
	if err := json.Unmarshal(t.body, &req); err != nil {
		return nil, badBody(err)
	}
	var provider string
	switch strings.ToUpper(req.Provider) {
	case "", ProviderAWS:
		provider = ProviderAWS
	case ProviderGCP:
		provider = ProviderGCP
	default:
		return nil, failf("VPC_PEERING_IS_NOT_KNOWN_CLOUD_PROVIDER", "Cloud provider %q is not supported for VPC peering; use AWS or GCP", req.Provider)
	}
	if provider != sub.provider {
		return nil, failf("VPC_PEERING_BELONGS_TO_DIFFERENT_CLOUD_PROVIDER",
			"Subscription %d is hosted on %s and cannot be peered with a %s network", sub.id, sub.provider, provider)
	}
	p := &peering{
		subID:        sub.id,
		activeActive: t.activeActive,
		provider:     provider,
		status:       StatusInitiatingRequest,
		created:      t.end,
	}
	reg := sub.regions[0]
	if t.activeActive {
		reg = sub.region(req.SourceRegion)
		if reg == nil {
			return nil, failf("ACTIVE_ACTIVE_VPC_PEERING_INVALID_SOURCE_REGION_NAME",
				"Source region %q is not a region of subscription %d", req.SourceRegion, sub.id)
		}
		p.sourceRegion = reg.name
		p.regionID = reg.id
	}
	if provider == ProviderGCP {
		if req.VPCProjectUID == "" || req.VPCNetworkName == "" {
			return nil, failf("VPC_PEERING_INVALID_PROJECT", "A GCP VPC peering needs both vpcProjectUid and vpcNetworkName")
		}
		p.gcpProject = req.VPCProjectUID
		p.gcpNetwork = req.VPCNetworkName
	} else {
		consumerRegion, regionKey := req.Region, "region"
		if t.activeActive {
			consumerRegion, regionKey = req.DestinationRegion, "destinationRegion"
		}
		if !awsRegionRE.MatchString(consumerRegion) {
			return nil, failf("VPC_PEERING_INVALID_REGION", "%s %q is not a valid AWS region", regionKey, consumerRegion)
		}
		if !awsAccountRE.MatchString(req.AWSAccountID) {
			typ := "VPC_PEERING_INVALID_ACCOUNT"
			if t.activeActive {
				typ = "ACTIVE_ACTIVE_VPC_PEERING_INVALID_AWS_ACCOUNT"
			}
			return nil, failf(typ, "AWS account ID %q is not valid: it must be 12 digits", req.AWSAccountID)
		}
		if req.VPCID == "" {
			return nil, failf("VPC_PEERING_INVALID_VPC", "vpcId is required for an AWS VPC peering")
		}
		cidrs, err := checkCIDRs(req.VPCCidr, req.VPCCidrs, reg)
		if err != nil {
			return nil, err
		}
		if t.activeActive {
			p.destinationRegion = consumerRegion
		} else {
			p.region = consumerRegion
		}
		p.awsAccountID = req.AWSAccountID
		p.vpcID = req.VPCID
		p.cidrs = cidrs
	}
	key := p.vpcKey()
	for _, q := range s.peerings {
		if q.vpcKey() != key {
			continue
		}
		// The existing peering's ID is deliberately not given: clients have
		// to find it in the list, as they would against the real API.
		if provider == ProviderGCP {
			return nil, failf("VPC_PEERING_ALREADY_EXIST",
				"A VPC peering with network %s of GCP project %s already exists for subscription %d", p.gcpNetwork, p.gcpProject, sub.id)
		}
		return nil, failf("VPC_PEERING_ALREADY_EXIST",
			"A VPC peering with VPC %s of AWS account %s already exists for subscription %d", p.vpcID, p.awsAccountID, sub.id)
	}
	p.id = s.allocPeeringID()
	t.peeringID = p.id
	s.insertPeering(p)
	s.stats.PeeringsCreated++
	s.logf("peering %d: created on subscription %d (%s)", p.id, sub.id, p.status)
	return &wireTaskResponse{ResourceID: intp(p.id), AdditionalResourceID: intp(sub.id)}, nil
}

// checkCIDRs validates the consumer CIDRs of a create or update. vpcCidr and
// vpcCidrs may both be given; their union, in order, is the CIDR set.
func checkCIDRs(single string, list []string, reg *region) ([]string, *apiError) {
	var all []string
	seen := map[string]bool{}
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			all = append(all, c)
		}
	}
	if single != "" {
		add(single)
	}
	for _, c := range list {
		add(c)
	}
	if len(all) == 0 {
		return nil, failf("VPC_PEERING_CIDR_IS_MISSING", "An AWS VPC peering needs vpcCidr or vpcCidrs")
	}
	if len(all) > maxCIDRs {
		return nil, failf("VPC_PEERING_TOO_MANY_CIDR_SPECIFICATIONS", "A VPC peering can have at most %d CIDRs, got %d", maxCIDRs, len(all))
	}
	for _, c := range all {
		prefix, err := parseCIDR(c)
		if err != nil {
			return nil, failf("VPC_PEERING_INVALID_CIDR", "VPC CIDR %q is not valid: %v", c, err)
		}
		if reg != nil && prefix.Overlaps(reg.deploymentCIDR) {
			return nil, failf("VPC_PEERING_CIDR_OVERLAP",
				"VPC CIDR %s overlaps the deployment CIDR %s of region %s", c, reg.deploymentCIDR, reg.name)
		}
	}
	return all, nil
}

// parseCIDR accepts an IPv4 CIDR. Host bits may be set: the API's own
// examples show such CIDRs (192.168.202.10/28).
func parseCIDR(c string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(c)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a CIDR")
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("not an IPv4 CIDR")
	}
	return p, nil
}

func notFound(t *task, sub *subscription) *apiError {
	typ := "VPC_PEERING_NOT_FOUND"
	if t.activeActive {
		typ = "ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND"
	}
	return failf(typ, "VPC peering %d was not found in subscription %d", t.peeringID, sub.id)
}

func (s *Sim) updatePeering(t *task, sub *subscription) (*wireTaskResponse, *apiError) {
	var req updateRequest
	if err := json.Unmarshal(t.body, &req); err != nil {
		return nil, badBody(err)
	}
	p := s.peerings[t.peeringID]
	if p == nil || p.subID != sub.id {
		return nil, notFound(t, sub)
	}
	if p.provider != ProviderAWS {
		return nil, failf("VPC_PEERING_BELONGS_TO_DIFFERENT_CLOUD_PROVIDER",
			"VPC peering %d is a GCP peering; only AWS peerings have CIDRs to update", p.id)
	}
	// The Redis side of the peering does not exist yet, so there is
	// nothing to update. The reference lists the type for updates (3.3)
	// but no source gives its wording; this one is made up.
	if p.status == StatusInitiatingRequest {
		return nil, failf("VPC_PEERING_NOT_ACTIVE",
			"VPC peering %d is not in an active state; wait until its status is pending-acceptance or active", p.id)
	}
	cidrs, err := checkCIDRs(req.VPCCidr, req.VPCCidrs, s.peeringRegion(p))
	if err != nil {
		return nil, err
	}
	if s.cidrApplyLatency > 0 {
		// Lists show the old CIDRs until the new ones take effect.
		p.pendingCIDRs, p.cidrsDue = cidrs, t.end.Add(s.cidrApplyLatency)
		s.logf("peering %d: CIDRs %v take effect at %s", p.id, cidrs, formatTime(p.cidrsDue))
	} else {
		p.cidrs, p.pendingCIDRs = cidrs, nil
		s.logf("peering %d: CIDRs set to %v", p.id, cidrs)
	}
	return &wireTaskResponse{ResourceID: intp(p.id), AdditionalResourceID: intp(sub.id)}, nil
}

func (s *Sim) deletePeering(t *task, sub *subscription) (*wireTaskResponse, *apiError) {
	p := s.peerings[t.peeringID]
	if p == nil || p.subID != sub.id {
		// The spec's error for an Active-Active subscription with no
		// peering at all (reference 5.4); its wording is made up.
		if t.activeActive && len(s.sortedPeerings(func(q *peering) bool { return q.subID == sub.id })) == 0 {
			return nil, failf("DELETING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_FOR_A_SUBSCRIPTION_WITH_NO_VPC_PEERINGS",
				"Subscription %d has no VPC peering to delete", sub.id)
		}
		return nil, notFound(t, sub)
	}
	delete(s.peerings, p.id)
	s.stats.PeeringsDeleted++
	s.logf("peering %d: deleted", p.id)
	return &wireTaskResponse{ResourceID: intp(p.id), AdditionalResourceID: intp(sub.id)}, nil
}

// listPeerings snapshots the subscription's peerings into the task, so the
// result reflects the moment the task completed, not the moment it is read.
func (s *Sim) listPeerings(sub *subscription) *wireTaskResponse {
	mine := s.sortedPeerings(func(p *peering) bool { return p.subID == sub.id })
	var resource any
	if sub.activeActive() {
		list := wireAAList{SubscriptionID: sub.id, Regions: []wireAARegion{}}
		for _, r := range sub.regions {
			wr := wireAARegion{ID: r.id, Region: r.name, VPCPeerings: []wireAAPeering{}}
			for _, p := range mine {
				if p.sourceRegion == r.name {
					wr.VPCPeerings = append(wr.VPCPeerings, p.wireAA())
				}
			}
			list.Regions = append(list.Regions, wr)
		}
		resource = list
	} else {
		list := wireProList{Peerings: []wireProPeering{}}
		for _, p := range mine {
			list.Peerings = append(list.Peerings, p.wirePro())
		}
		resource = list
	}
	return &wireTaskResponse{ResourceID: intp(sub.id), Resource: mustJSON(resource)}
}
