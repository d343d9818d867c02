package rediscloud

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// wireCIDR is an element of vpcCidrs: an object {vpcCidr, status|active},
// tolerated as a bare string too.
type wireCIDR struct{ CIDR string }

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
	w.CIDR = cmp.Or(looseString(obj.VPCCidr), looseString(obj.Cidr))
	return nil
}

// wirePeering holds the keys of both list shapes: Pro (`vpcPeeringId`,
// `projectUid`, `networkName`) and Active-Active (`id`, `vpcProjectUid`,
// `vpcNetworkName`).
type wirePeering struct {
	VPCPeeringID      flexInt         `json:"vpcPeeringId"`
	ID                flexInt         `json:"id"`
	Status            string          `json:"status"`
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
		Region:              cmp.Or(w.RegionName, w.DestinationRegion),
		SourceRegion:        w.SourceRegion,
		AWSAccountID:        looseString(w.AWSAccountID),
		VPCID:               cmp.Or(w.VPCUID, w.VPCID),
		AWSPeeringID:        w.AWSPeeringUID,
		GCPProjectID:        cmp.Or(w.ProjectUID, w.VPCProjectUID),
		GCPNetworkName:      cmp.Or(w.NetworkName, w.VPCNetworkName),
		GCPRedisProjectID:   w.RedisProjectUID,
		GCPRedisNetworkName: w.RedisNetworkName,
		GCPPeeringID:        w.CloudPeeringID,
	}
	if !w.VPCPeeringID.Valid {
		p.ID = w.ID.Value
	}
	p.CIDRs = effectiveCIDRs(w.VPCCidr, w.VPCCidrs)
	p.Provider = cloudOf(w.Provider, &p).name
	return p
}

// effectiveCIDRs applies the API's read-back rule: several CIDRs come in
// vpcCidrs (with vpcCidr holding one of them), a single one only in vpcCidr.
func effectiveCIDRs(single string, several []wireCIDR) []string {
	var out []string
	for _, c := range several {
		out = append(out, c.CIDR)
	}
	if out = NormalizeCIDRs(out); out == nil {
		out = NormalizeCIDRs([]string{single})
	}
	return out
}

// NormalizeCIDRs is the one form of a set of CIDR blocks, so that it never
// drifts by its order: a new slice, sorted, without duplicates or empty
// strings, nil when none is left.
func NormalizeCIDRs(cidrs []string) []string {
	var out []string
	for _, c := range cidrs {
		if c != "" {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// maxListedPeerings keeps a malformed or hostile list from costing
// gigabytes: elements are counted before any is decoded.
const maxListedPeerings = 10000

// peeringList is a decoded list, with the (lower-case) source regions an
// Active-Active list showed.
type peeringList struct {
	peerings []Peering
	regions  map[string]bool
}

// first is a copy of the first listed peering that match accepts, or nil.
func (l *peeringList) first(match func(p *Peering) bool) *Peering {
	for i := range l.peerings {
		if match(&l.peerings[i]) {
			return clonePeering(&l.peerings[i])
		}
	}
	return nil
}

func (l *peeringList) find(id int) *Peering {
	return l.first(func(p *Peering) bool { return p.ID == id })
}

// lookup returns the peering with this ID, a peeringNotFoundError when the
// list proves it absent, or a ListShapeError when it does not: an
// Active-Active list that lacks the peering's source region, if known.
func (l *peeringList) lookup(sub, id int, sourceRegion string) (*Peering, error) {
	if p := l.find(id); p != nil {
		return p, nil
	}
	if l.regions != nil && sourceRegion != "" && !l.regions[strings.ToLower(sourceRegion)] {
		return nil, &ListShapeError{
			Missing: fmt.Sprintf("entry for region %q, where peering %d/%d is, in resource.regions", sourceRegion, sub, id),
			Found:   fmt.Sprintf("the list shows regions %s", strings.Join(quoteAll(slices.Sorted(maps.Keys(l.regions))), ", ")),
		}
	}
	return nil, &peeringNotFoundError{SubscriptionID: sub, ID: id}
}

// decodePeeringList decodes the resource of a completed list task (reference
// §3.2 and §5.2). Any other than the documented form is a ListShapeError,
// never an empty list: an API that changed its form must fail a refresh, not
// empty the state. The key is required even for no peerings (an empty
// array), as a missing key cannot be told from a renamed one.
func decodePeeringList(kind Kind, sub int, raw json.RawMessage) (*peeringList, error) {
	if raw = bytes.TrimSpace(raw); isNull(raw) {
		return nil, &ListShapeError{Missing: "resource (an object holding the list)", Found: "the response has no resource"}
	}
	groups, regions, err := kind.api().listGroups(raw)
	if err != nil {
		return nil, err
	}
	list := &peeringList{regions: regions}
	total := 0
	for _, g := range groups {
		total += len(g.vpcPeerings)
	}
	if total > maxListedPeerings {
		return nil, fmt.Errorf("the list holds %d peerings, more than the %d a subscription can plausibly have; it was not read", total, maxListedPeerings)
	}
	list.peerings = make([]Peering, 0, total)
	for _, g := range groups {
		for _, el := range g.vpcPeerings {
			var w wirePeering
			if err := json.Unmarshal(el, &w); err != nil {
				return nil, fmt.Errorf("decoding a listed peering: %w", err)
			}
			p := w.toPeering(kind, sub)
			// A regional list's group names the peering's source region.
			p.SourceRegion = cmp.Or(g.region, p.SourceRegion)
			list.peerings = append(list.peerings, p)
		}
	}
	sort.Slice(list.peerings, func(i, j int) bool { return list.peerings[i].ID < list.peerings[j].ID })
	return list, nil
}

// listGroup is the peerings of a whole Pro list, or of one Active-Active
// region.
type listGroup struct {
	region      string
	vpcPeerings []json.RawMessage
}

func proListGroups(raw json.RawMessage) ([]listGroup, map[string]bool, error) {
	peerings, err := shapeArray(raw, "peerings", "resource")
	if err != nil {
		return nil, nil, err
	}
	return []listGroup{{vpcPeerings: peerings}}, nil, nil
}

// regionalListGroups reads an Active-Active list: resource.regions, each
// naming itself and holding its vpcPeerings.
func regionalListGroups(raw json.RawMessage) ([]listGroup, map[string]bool, error) {
	regions, err := shapeArray(raw, "regions", "resource")
	if err != nil {
		return nil, nil, err
	}
	shown := make(map[string]bool, len(regions))
	groups := make([]listGroup, 0, len(regions))
	for i, el := range regions {
		where := fmt.Sprintf("resource.regions[%d]", i)
		peerings, err := shapeArray(el, "vpcPeerings", where)
		if err != nil {
			return nil, nil, err
		}
		var r struct {
			Region     string `json:"region"`
			RegionName string `json:"regionName"`
		}
		if err := json.Unmarshal(el, &r); err != nil {
			return nil, nil, &ListShapeError{Missing: where + ".region name", Found: "a value that is not a region: " + err.Error()}
		}
		name := cmp.Or(r.Region, r.RegionName)
		if name == "" {
			return nil, nil, &ListShapeError{Missing: where + ".region name", Found: "no region name"}
		}
		shown[strings.ToLower(name)] = true
		groups = append(groups, listGroup{region: name, vpcPeerings: peerings})
	}
	return groups, shown, nil
}

// shapeArray returns the elements of obj[key], which must be a JSON array;
// where is obj's path in the answer ("" for the answer itself).
func shapeArray(obj json.RawMessage, key, where string) ([]json.RawMessage, error) {
	path, subject := key, "the answer"
	if where != "" {
		path, subject = where+"."+key, where
	}
	missing := path + " array"
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(obj, &fields); err != nil {
		return nil, &ListShapeError{Missing: missing, Found: subject + " " + describeJSON(obj)}
	}
	v, ok := fields[key]
	if !ok {
		return nil, &ListShapeError{Missing: missing, Found: subject + " " + keysOf(fields)}
	}
	v = bytes.TrimSpace(v)
	var elems []json.RawMessage
	if len(v) == 0 || v[0] != '[' {
		return nil, &ListShapeError{Missing: missing, Found: path + " " + describeJSON(v)}
	}
	if err := json.Unmarshal(v, &elems); err != nil {
		return nil, &ListShapeError{Missing: missing, Found: fmt.Sprintf("%s is not a valid array: %v", path, err)}
	}
	return elems, nil
}

var jsonTypes = map[byte]string{'{': "an object", '[': "an array", '"': "a string", 'n': "null", 't': "a boolean", 'f': "a boolean"}

// describeJSON names the type of a JSON value, never its content.
func describeJSON(v json.RawMessage) string {
	if v = bytes.TrimSpace(v); len(v) == 0 {
		return "is empty"
	}
	return "is " + cmp.Or(jsonTypes[v[0]], "a number")
}

// keysOf names an object's keys, never the values.
func keysOf(fields map[string]json.RawMessage) string {
	if len(fields) == 0 {
		return "is an empty object"
	}
	keys := slices.Sorted(maps.Keys(fields))
	const most = 8
	more := ""
	if len(keys) > most {
		more = fmt.Sprintf(" and %d more", len(keys)-most)
		keys = keys[:most]
	}
	return fmt.Sprintf("has only the keys %s%s", strings.Join(quoteAll(keys), ", "), more)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(truncate(s, 40))
	}
	return out
}

func (r *CreatePeeringRequest) body(kind Kind) map[string]any {
	b := cloudOf(r.Provider, nil).body(kind, r)
	if key := kind.api().sourceRegionKey; key != "" {
		b[key] = r.SourceRegion
	}
	return b
}

// cidrFields is the one rule for sending CIDR blocks, in a create or an
// update: one goes in vpcCidr, several in vpcCidrs, as they read back.
func cidrFields(cidrs []string) map[string]any {
	switch len(cidrs) {
	case 0:
		return nil
	case 1:
		return map[string]any{"vpcCidr": cidrs[0]}
	}
	return map[string]any{"vpcCidrs": cidrs}
}

// looseString renders a JSON string unquoted, anything else as written.
func looseString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return string(raw)
}

func isNull(b []byte) bool { return len(b) == 0 || bytes.Equal(b, []byte("null")) }

// flexInt decodes an integer sent as a number or as a numeric string.
type flexInt struct {
	Value int
	Valid bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	*f = flexInt{}
	s := strings.TrimSpace(looseString(b))
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Loosely typed producers write 1234.0.
		fl, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || fl != float64(int64(fl)) {
			return fmt.Errorf("%q is not an integer", s)
		}
		n = int64(fl)
	}
	*f = flexInt{Value: int(n), Valid: true}
	return nil
}

type wireNetworking struct {
	DeploymentCIDR string `json:"deploymentCIDR"`
	// Some documents spell it deploymentCidr.
	DeploymentCidr string `json:"deploymentCidr"`
}

type wireSubscription struct {
	ID             flexInt `json:"id"`
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

func (w *wireSubscription) toSubscription(id int) *Subscription {
	if w.ID.Valid {
		id = w.ID.Value
	}
	s := &Subscription{ID: id, Status: w.Status, DeploymentType: w.DeploymentType}
	for _, cd := range w.CloudDetails {
		s.Providers = append(s.Providers, strings.ToUpper(cd.Provider))
		for _, r := range cd.Regions {
			reg := SubscriptionRegion{Region: r.Region}
			for _, n := range r.Networking {
				reg.DeploymentCIDRs = append(reg.DeploymentCIDRs, cmp.Or(n.DeploymentCIDR, n.DeploymentCidr))
			}
			s.Regions = append(s.Regions, reg)
		}
	}
	return s
}

// decodeSubscriptionList decodes the account's subscription list (reference
// §5.7). Its answer decides whether a subscription still exists, so any
// other than the documented form is a ListShapeError.
func decodeSubscriptionList(raw json.RawMessage) ([]Subscription, error) {
	elems, err := shapeArray(bytes.TrimSpace(raw), "subscriptions", "")
	if err != nil {
		return nil, err
	}
	out := make([]Subscription, 0, len(elems))
	for i, el := range elems {
		var w wireSubscription
		if err := json.Unmarshal(el, &w); err != nil {
			return nil, err
		}
		if !w.ID.Valid || w.ID.Value <= 0 {
			return nil, &ListShapeError{Missing: fmt.Sprintf("subscriptions[%d].id", i), Found: "an element without a positive id"}
		}
		out = append(out, *w.toSubscription(0))
	}
	return out, nil
}

// wireRegions is the answer of GET /subscriptions/{id}/regions (reference
// §5.5), which spells deploymentCidr unlike the subscription object.
type wireRegions struct {
	Regions []struct {
		Region string `json:"region"`
		wireNetworking
	} `json:"regions"`
}

func (w *wireRegions) toRegions() []SubscriptionRegion {
	out := make([]SubscriptionRegion, 0, len(w.Regions))
	for _, r := range w.Regions {
		reg := SubscriptionRegion{Region: r.Region}
		if cidr := cmp.Or(r.DeploymentCidr, r.DeploymentCIDR); cidr != "" {
			reg.DeploymentCIDRs = []string{cidr}
		}
		out = append(out, reg)
	}
	return out
}

// taskState is the API's TaskStateUpdate; its links are ignored, the task
// URL is built from its ID.
type taskState struct {
	ID          string       `json:"taskId"`
	CommandType string       `json:"commandType"`
	Status      string       `json:"status"`
	Description string       `json:"description"`
	Response    taskResponse `json:"response"`
}

type taskResponse struct {
	ResourceID flexInt         `json:"resourceId"`
	Resource   json.RawMessage `json:"resource"`
	Error      *taskErrorBody  `json:"error"`
}

// taskErrorBody is `response.error`: an object {type, status, description}
// in the API's answers, a bare string (the type) in the specification.
type taskErrorBody struct{ Type, Status, Description string }

func (e *taskErrorBody) UnmarshalJSON(b []byte) error {
	switch b = bytes.TrimSpace(b); {
	case isNull(b):
		return nil
	case b[0] == '"':
		return json.Unmarshal(b, &e.Type)
	}
	var obj struct {
		Type        json.RawMessage `json:"type"`
		Status      json.RawMessage `json:"status"`
		Description json.RawMessage `json:"description"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	e.Type = looseString(obj.Type)
	e.Status = looseString(obj.Status)
	e.Description = looseString(obj.Description)
	return nil
}
