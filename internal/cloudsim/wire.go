package cloudsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// The types in this file are the simulator's own rendering of the wire
// format (reference sections 2 to 6). Keys are camelCase and empty fields
// are omitted, as the real API does.

type wireLink struct {
	Rel  string `json:"rel"`
	Type string `json:"type"`
	Href string `json:"href"`
}

type wireTask struct {
	TaskID      string            `json:"taskId"`
	CommandType string            `json:"commandType"`
	Status      string            `json:"status"`
	Description string            `json:"description,omitempty"`
	Timestamp   string            `json:"timestamp"`
	Response    *wireTaskResponse `json:"response,omitempty"`
	Links       []wireLink        `json:"links"`
}

type wireTaskResponse struct {
	ResourceID           *int            `json:"resourceId,omitempty"`
	AdditionalResourceID *int            `json:"additionalResourceId,omitempty"`
	Resource             json.RawMessage `json:"resource,omitempty"`
	Error                *wireTaskError  `json:"error,omitempty"`
}

type wireTaskError struct {
	Type        string `json:"type"`
	Status      string `json:"status"`
	Description string `json:"description"`
}

// wireCIDR is one element of vpcCidrs in a list. The per-CIDR status key is
// not known for certain; "status" is the likely one.
type wireCIDR struct {
	VPCCidr string `json:"vpcCidr"`
	Status  string `json:"status"`
}

// wireProPeering is an element of resource.peerings in a Pro list. Note the
// response names differ from the request names (regionName, vpcUid,
// projectUid, networkName).
type wireProPeering struct {
	VPCPeeringID  int        `json:"vpcPeeringId"`
	RegionName    string     `json:"regionName,omitempty"`
	AWSAccountID  string     `json:"awsAccountId,omitempty"`
	VPCUID        string     `json:"vpcUid,omitempty"`
	VPCCidr       string     `json:"vpcCidr,omitempty"`
	VPCCidrs      []wireCIDR `json:"vpcCidrs,omitempty"`
	AWSPeeringUID string     `json:"awsPeeringUid,omitempty"`
	ProjectUID    string     `json:"projectUid,omitempty"`
	NetworkName   string     `json:"networkName,omitempty"`
	wireGCPRedisSide
	Status string `json:"status"`
}

// wireGCPRedisSide are the keys of Redis's side of a GCP peering, alike in
// both list shapes (embedded, so they stay where they stand in each).
type wireGCPRedisSide struct {
	RedisProjectUID  string `json:"redisProjectUid,omitempty"`
	RedisNetworkName string `json:"redisNetworkName,omitempty"`
	CloudPeeringID   string `json:"cloudPeeringId,omitempty"`
}

type wireProList struct {
	Peerings []wireProPeering `json:"peerings"`
}

// wireAAPeering is an element of regions[].vpcPeerings in an Active-Active
// list: "id" instead of vpcPeeringId, regionName is the destination region,
// and the GCP consumer keys carry a vpc prefix.
type wireAAPeering struct {
	ID             int        `json:"id"`
	Status         string     `json:"status"`
	RegionID       int        `json:"regionId"`
	RegionName     string     `json:"regionName,omitempty"`
	AWSAccountID   string     `json:"awsAccountId,omitempty"`
	AWSPeeringUID  string     `json:"awsPeeringUid,omitempty"`
	VPCUID         string     `json:"vpcUid,omitempty"`
	VPCCidr        string     `json:"vpcCidr,omitempty"`
	VPCCidrs       []wireCIDR `json:"vpcCidrs,omitempty"`
	VPCProjectUID  string     `json:"vpcProjectUid,omitempty"`
	VPCNetworkName string     `json:"vpcNetworkName,omitempty"`
	wireGCPRedisSide
}

type wireAARegion struct {
	ID          int             `json:"id"`
	Region      string          `json:"region"`
	VPCPeerings []wireAAPeering `json:"vpcPeerings"`
}

type wireAAList struct {
	SubscriptionID int            `json:"subscriptionId"`
	Regions        []wireAARegion `json:"regions"`
}

// cidrFields renders the consumer CIDRs with the read-back quirk: one CIDR
// appears as vpcCidr alone; several appear as vpcCidrs objects, with
// vpcCidr repeating the first.
func cidrFields(cidrs []string) (string, []wireCIDR) {
	switch len(cidrs) {
	case 0:
		return "", nil
	case 1:
		return cidrs[0], nil
	}
	list := make([]wireCIDR, len(cidrs))
	for i, c := range cidrs {
		list[i] = wireCIDR{VPCCidr: c, Status: StatusActive}
	}
	return cidrs[0], list
}

func (p *peering) wireGCPRedisSide() wireGCPRedisSide {
	return wireGCPRedisSide{RedisProjectUID: p.redisProjectUID, RedisNetworkName: p.redisNetworkName, CloudPeeringID: p.cloudPeeringID}
}

func (p *peering) wirePro() wireProPeering {
	w := wireProPeering{VPCPeeringID: p.id, Status: p.status}
	if p.provider == ProviderGCP {
		w.ProjectUID = p.gcpProject
		w.NetworkName = p.gcpNetwork
		w.wireGCPRedisSide = p.wireGCPRedisSide()
		return w
	}
	w.RegionName = p.region
	w.AWSAccountID = p.awsAccountID
	w.VPCUID = p.vpcID
	w.VPCCidr, w.VPCCidrs = cidrFields(p.cidrs)
	w.AWSPeeringUID = p.awsPeeringUID
	return w
}

func (p *peering) wireAA() wireAAPeering {
	w := wireAAPeering{ID: p.id, Status: p.status, RegionID: p.regionID}
	if p.provider == ProviderGCP {
		w.VPCProjectUID = p.gcpProject
		w.VPCNetworkName = p.gcpNetwork
		w.wireGCPRedisSide = p.wireGCPRedisSide()
		return w
	}
	w.RegionName = p.destinationRegion
	w.AWSAccountID = p.awsAccountID
	w.AWSPeeringUID = p.awsPeeringUID
	w.VPCUID = p.vpcID
	w.VPCCidr, w.VPCCidrs = cidrFields(p.cidrs)
	return w
}

// ---- synchronous resources ----

type wireSubscription struct {
	ID             int    `json:"id"`
	Name           string `json:"name"`
	Status         string `json:"status"`
	DeploymentType string `json:"deploymentType"`
	wireBilling
	CloudDetails []wireCloudDetail `json:"cloudDetails"`
	Links        []wireLink        `json:"links"`
}

// AccountID is the simulated account's ID, as GET /subscriptions reports
// it.
const AccountID = 40000

// wireSubscriptions is GET /subscriptions (reference 5.7).
type wireSubscriptions struct {
	AccountID     int                `json:"accountId"`
	Subscriptions []wireSubscription `json:"subscriptions"`
}

type wireCloudDetail struct {
	Provider       string            `json:"provider"`
	CloudAccountID int               `json:"cloudAccountId"`
	AWSAccountID   string            `json:"awsAccountId,omitempty"`
	TotalSizeInGB  float64           `json:"totalSizeInGb"`
	Regions        []wireCloudRegion `json:"regions"`
}

type wireCloudRegion struct {
	Region                     string           `json:"region"`
	Networking                 []wireNetworking `json:"networking"`
	PreferredAvailabilityZones []string         `json:"preferredAvailabilityZones"`
	MultipleAvailabilityZones  bool             `json:"multipleAvailabilityZones"`
}

type wireNetworking struct {
	DeploymentCIDR string `json:"deploymentCIDR"`
	VPCID          string `json:"vpcId,omitempty"`
}

// redisAWSAccount is the Redis-internal AWS account that hosts subscription
// VPCs; the value only needs to look real.
const redisAWSAccount = "123456789012"

// wire renders the subscription as it shows with the given status.
func (sub *subscription) wire(base, status string) wireSubscription {
	cd := wireCloudDetail{Provider: sub.provider, CloudAccountID: 1}
	if sub.provider == ProviderAWS {
		cd.AWSAccountID = redisAWSAccount
	}
	for _, r := range sub.regions {
		zone := r.name + "a"
		if sub.provider == ProviderGCP {
			zone = r.name + "-a"
		}
		cd.Regions = append(cd.Regions, wireCloudRegion{
			Region:                     r.name,
			Networking:                 []wireNetworking{{DeploymentCIDR: r.deploymentCIDR.String(), VPCID: r.vpcID}},
			PreferredAvailabilityZones: []string{zone},
		})
	}
	return wireSubscription{
		ID:             sub.id,
		Name:           sub.name,
		Status:         status,
		DeploymentType: sub.deploymentType,
		wireBilling:    wireBilling{PaymentMethodID: 1, PaymentMethodType: "credit-card", MemoryStorage: "ram"},
		CloudDetails:   []wireCloudDetail{cd},
		Links:          []wireLink{{Rel: "self", Type: "GET", Href: fmt.Sprintf("%s/subscriptions/%d", base, sub.id)}},
	}
}

// wireBilling are a subscription's fields of payment and sizing, which a
// peering client has no use for: they are there as the API sends them, so
// that a client decoding the whole object meets them.
type wireBilling struct {
	PaymentMethodID   int    `json:"paymentMethodId"`
	PaymentMethodType string `json:"paymentMethodType"`
	MemoryStorage     string `json:"memoryStorage"`
	StorageEncryption bool   `json:"storageEncryption"`
	NumberOfDatabases int    `json:"numberOfDatabases"`
}

// wireRegions is GET /subscriptions/{id}/regions. Note deploymentCidr here
// against deploymentCIDR in the subscription object.
type wireRegions struct {
	SubscriptionID int              `json:"subscriptionId"`
	Regions        []wireRegionInfo `json:"regions"`
	Links          []wireLink       `json:"links"`
}

type wireRegionInfo struct {
	RegionID       int               `json:"regionId"`
	Region         string            `json:"region"`
	DeploymentCidr string            `json:"deploymentCidr"`
	VPCID          string            `json:"vpcId"`
	Databases      []json.RawMessage `json:"databases"`
	Links          []wireLink        `json:"links"`
}

func (sub *subscription) wireRegions(base string) wireRegions {
	w := wireRegions{
		SubscriptionID: sub.id,
		Links:          []wireLink{{Rel: "self", Type: "GET", Href: fmt.Sprintf("%s/subscriptions/%d/regions", base, sub.id)}},
	}
	for _, r := range sub.regions {
		w.Regions = append(w.Regions, wireRegionInfo{
			RegionID:       r.id,
			Region:         r.name,
			DeploymentCidr: r.deploymentCIDR.String(),
			VPCID:          r.vpcID,
			Databases:      []json.RawMessage{},
			Links:          []wireLink{},
		})
	}
	return w
}

// ---- Spring-style error bodies ----

// springError is the Spring Boot error body the API's synchronous errors
// carry.
type springError struct {
	Timestamp string `json:"timestamp"`
	Status    int    `json:"status"`
	Error     string `json:"error"`
	Message   string `json:"message,omitempty"`
	Path      string `json:"path"`
}

func springBody(now time.Time, code int, message, path string) []byte {
	b, _ := json.Marshal(springError{
		// Spring's own timestamp layout, with a numeric zone offset.
		Timestamp: now.UTC().Format("2006-01-02T15:04:05.000+00:00"),
		Status:    code,
		Error:     http.StatusText(code),
		Message:   message,
		Path:      path,
	})
	return b
}

// decodeStrict decodes exactly one JSON value and refuses unknown keys,
// including keys that differ from a known one only by case (which
// encoding/json would otherwise accept).
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return exactKeys(data, reflect.TypeOf(v))
}

// exactKeys checks that every object key in data is spelt exactly as a
// json tag of the matching struct in t.
func exactKeys(data []byte, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
			return nil //nolint:nilerr // not an object (e.g. null): Decode already judged it
		}
		fields := map[string]reflect.Type{}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			fields[name] = f.Type
		}
		for k, raw := range obj {
			ft, ok := fields[k]
			if !ok {
				return fmt.Errorf("json: unknown field %q", k)
			}
			if err := exactKeys(raw, ft); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if err := json.Unmarshal(data, &items); err != nil {
			return nil //nolint:nilerr // not an array: Decode already judged it
		}
		for _, raw := range items {
			if err := exactKeys(raw, t.Elem()); err != nil {
				return err
			}
		}
	}
	return nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the simulator's own types are marshalled here.
		panic(err)
	}
	return b
}
