package rediscloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// wireCIDR is an element of vpcCidrs: an object {vpcCidr, status|active} in
// the documents seen, tolerated as a bare string too.
type wireCIDR struct {
	CIDR string
}

func (w *wireCIDR) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &w.CIDR)
	}
	var obj struct {
		VPCCidr json.RawMessage `json:"vpcCidr"`
		Cidr    json.RawMessage `json:"cidr"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	w.CIDR = firstNonEmpty(looseString(obj.VPCCidr), looseString(obj.Cidr))
	return nil
}

// wirePeering holds the keys of both list shapes: Pro (`vpcPeeringId`,
// `projectUid`, `networkName`) and Active-Active (`id`, `vpcProjectUid`,
// `vpcNetworkName`).
type wirePeering struct {
	VPCPeeringID      FlexInt         `json:"vpcPeeringId"`
	ID                FlexInt         `json:"id"`
	Status            string          `json:"status"`
	RegionID          FlexInt         `json:"regionId"`
	RegionName        string          `json:"regionName"`
	SourceRegion      string          `json:"sourceRegion"`
	DestinationRegion string          `json:"destinationRegion"`
	AWSAccountID      json.RawMessage `json:"awsAccountId"`
	VPCUID            string          `json:"vpcUid"`
	VPCID             string          `json:"vpcId"`
	VPCCidr           string          `json:"vpcCidr"`
	VPCCidrs          []wireCIDR      `json:"vpcCidrs"`
	AWSPeeringUID     string          `json:"awsPeeringUid"`
	ProjectUID        string          `json:"projectUid"`
	NetworkName       string          `json:"networkName"`
	VPCProjectUID     string          `json:"vpcProjectUid"`
	VPCNetworkName    string          `json:"vpcNetworkName"`
	RedisProjectUID   string          `json:"redisProjectUid"`
	RedisNetworkName  string          `json:"redisNetworkName"`
	CloudPeeringID    string          `json:"cloudPeeringId"`
	Provider          string          `json:"provider"`
}

func (w *wirePeering) toPeering(kind Kind, sub int) Peering {
	p := Peering{
		Kind:                kind,
		SubscriptionID:      sub,
		ID:                  w.VPCPeeringID.Value,
		Status:              w.Status,
		RegionID:            w.RegionID.Value,
		Region:              firstNonEmpty(w.RegionName, w.DestinationRegion),
		SourceRegion:        w.SourceRegion,
		AWSAccountID:        looseString(w.AWSAccountID),
		VPCID:               firstNonEmpty(w.VPCUID, w.VPCID),
		AWSPeeringID:        w.AWSPeeringUID,
		GCPProjectID:        firstNonEmpty(w.ProjectUID, w.VPCProjectUID),
		GCPNetworkName:      firstNonEmpty(w.NetworkName, w.VPCNetworkName),
		GCPRedisProjectID:   w.RedisProjectUID,
		GCPRedisNetworkName: w.RedisNetworkName,
		GCPPeeringID:        w.CloudPeeringID,
	}
	if !w.VPCPeeringID.Valid {
		p.ID = w.ID.Value
	}
	p.CIDRs = effectiveCIDRs(w.VPCCidr, w.VPCCidrs)
	switch {
	case strings.EqualFold(w.Provider, ProviderGCP):
		p.Provider = ProviderGCP
	case strings.EqualFold(w.Provider, ProviderAWS):
		p.Provider = ProviderAWS
	case p.VPCID != "" || p.AWSAccountID != "":
		p.Provider = ProviderAWS
	case p.GCPProjectID != "" || p.GCPNetworkName != "" || p.GCPRedisProjectID != "":
		p.Provider = ProviderGCP
	default:
		p.Provider = ProviderAWS
	}
	return p
}

// effectiveCIDRs applies the API's read-back rule: several CIDRs come in
// vpcCidrs (with vpcCidr holding one of them), a single one only in vpcCidr.
// The result is sorted and without duplicates so that it never drifts.
func effectiveCIDRs(single string, several []wireCIDR) []string {
	var out []string
	for _, c := range several {
		if c.CIDR != "" {
			out = append(out, c.CIDR)
		}
	}
	if len(out) == 0 && single != "" {
		out = []string{single}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// maxListedPeerings bounds how many peerings one list may hold. A Redis
// Cloud subscription holds a handful; the bound keeps a malformed or hostile
// answer from costing gigabytes, since elements are counted before any is
// decoded.
const maxListedPeerings = 10000

// decodePeeringList decodes the `response.resource` of a completed list task.
func decodePeeringList(kind Kind, sub int, raw json.RawMessage) ([]Peering, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, errors.New("the completed list task carries no resource")
	}
	type rawRegion struct {
		region      string
		id          int
		vpcPeerings []json.RawMessage
	}
	var groups []rawRegion
	if kind == ActiveActive {
		var w struct {
			Regions []struct {
				ID          FlexInt           `json:"id"`
				RegionID    FlexInt           `json:"regionId"`
				Region      string            `json:"region"`
				RegionName  string            `json:"regionName"`
				VPCPeerings []json.RawMessage `json:"vpcPeerings"`
			} `json:"regions"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, fmt.Errorf("decoding Active-Active peering list: %w", err)
		}
		for _, r := range w.Regions {
			groups = append(groups, rawRegion{region: firstNonEmpty(r.Region, r.RegionName), id: r.ID.Value + r.RegionID.Value, vpcPeerings: r.VPCPeerings})
		}
	} else {
		var list []json.RawMessage
		if raw[0] == '[' {
			if err := json.Unmarshal(raw, &list); err != nil {
				return nil, fmt.Errorf("decoding peering list: %w", err)
			}
		} else {
			var w struct {
				Peerings []json.RawMessage `json:"peerings"`
			}
			if err := json.Unmarshal(raw, &w); err != nil {
				return nil, fmt.Errorf("decoding peering list: %w", err)
			}
			list = w.Peerings
		}
		groups = []rawRegion{{vpcPeerings: list}}
	}
	total := 0
	for _, g := range groups {
		total += len(g.vpcPeerings)
	}
	if total > maxListedPeerings {
		return nil, fmt.Errorf("the list holds %d peerings, more than the %d a subscription can plausibly have; it was not read", total, maxListedPeerings)
	}
	var out []Peering
	if total > 0 {
		out = make([]Peering, 0, total)
	}
	for _, g := range groups {
		for _, el := range g.vpcPeerings {
			var w wirePeering
			if err := json.Unmarshal(el, &w); err != nil {
				return nil, fmt.Errorf("decoding a listed peering: %w", err)
			}
			p := w.toPeering(kind, sub)
			if kind == ActiveActive {
				if g.region != "" {
					p.SourceRegion = g.region
				}
				if p.RegionID == 0 {
					p.RegionID = g.id
				}
			}
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// body builds the wire body: AWS bodies omit `provider`, GCP bodies send
// "gcp" as the API's own clients do; one CIDR goes in vpcCidr, several in
// vpcCidrs.
func (r *CreatePeeringRequest) body(kind Kind) map[string]any {
	b := map[string]any{}
	if kind == ActiveActive {
		b["sourceRegion"] = r.SourceRegion
	}
	if r.isGCP() {
		b["provider"] = "gcp"
		b["vpcProjectUid"] = r.GCPProjectID
		b["vpcNetworkName"] = r.GCPNetworkName
		return b
	}
	if kind == ActiveActive {
		b["destinationRegion"] = r.DestinationRegion
	} else {
		b["region"] = r.Region
	}
	b["awsAccountId"] = r.AWSAccountID
	b["vpcId"] = r.VPCID
	switch len(r.CIDRs) {
	case 0:
	case 1:
		b["vpcCidr"] = r.CIDRs[0]
	default:
		b["vpcCidrs"] = r.CIDRs
	}
	return b
}

// looseString renders a JSON scalar as text: strings unquoted, numbers and
// booleans as written, anything else as its JSON.
func looseString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return string(raw)
}

// FlexInt decodes an integer sent as a number or as a numeric string.
type FlexInt struct {
	Value int
	Valid bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*f = FlexInt{}
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*f = FlexInt{}
			return nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Integers written as 1234.0 happen in loosely typed producers.
		fl, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || fl != float64(int64(fl)) {
			return fmt.Errorf("%q is not an integer", s)
		}
		n = int64(fl)
	}
	*f = FlexInt{Value: int(n), Valid: true}
	return nil
}

// MarshalJSON writes the number, or null.
func (f FlexInt) MarshalJSON() ([]byte, error) {
	if !f.Valid {
		return []byte("null"), nil
	}
	return []byte(strconv.Itoa(f.Value)), nil
}

type wireNetworking struct {
	DeploymentCIDR string `json:"deploymentCIDR"`
	// Some documents spell it deploymentCidr.
	DeploymentCidr string `json:"deploymentCidr"`
	VPCID          string `json:"vpcId"`
}

type wireSubscription struct {
	ID             FlexInt `json:"id"`
	Name           string  `json:"name"`
	Status         string  `json:"status"`
	DeploymentType string  `json:"deploymentType"`
	CloudDetails   []struct {
		Provider string `json:"provider"`
		Regions  []struct {
			Region     string           `json:"region"`
			Networking []wireNetworking `json:"networking"`
		} `json:"regions"`
	} `json:"cloudDetails"`
}

func (w *wireSubscription) toSubscription(c *Client, id int) *Subscription {
	if w.ID.Valid {
		id = w.ID.Value
	}
	s := &Subscription{ID: id, Name: w.Name, Status: w.Status, DeploymentType: w.DeploymentType}
	if c != nil {
		s.Name, s.Status, s.DeploymentType = c.redact(s.Name), c.redact(s.Status), c.redact(s.DeploymentType)
	}
	for _, cd := range w.CloudDetails {
		s.Providers = append(s.Providers, strings.ToUpper(cd.Provider))
		for _, r := range cd.Regions {
			reg := SubscriptionRegion{Region: r.Region, Provider: strings.ToUpper(cd.Provider)}
			for _, n := range r.Networking {
				reg.DeploymentCIDRs = append(reg.DeploymentCIDRs, firstNonEmpty(n.DeploymentCIDR, n.DeploymentCidr))
			}
			if len(r.Networking) > 0 {
				reg.VPCID = r.Networking[0].VPCID
			}
			s.Regions = append(s.Regions, reg)
		}
	}
	return s
}
