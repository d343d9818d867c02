package e2e_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// officialStateFile is a state file written by RedisLabs/rediscloud v2.11.0
// with Terraform 1.5.7, kept byte for byte: every state the tests write is
// derived from its entries, so the layout (schema version 0, SDKv2 private
// timeouts, null and empty values, vpc_cidr beside vpc_cidrs) is the real one.
const officialStateFile = "testdata/migration/official-provider-state.tfstate.json"

// officialProvider is the provider address Redis's provider has in state.
const officialProvider = "registry.terraform.io/redislabs/rediscloud"

// sdkTimeoutsKey is the private-state key under which terraform-plugin-sdk/v2
// keeps a resource's timeouts, in nanoseconds.
const sdkTimeoutsKey = "e2bfb730-ecaa-11e6-8f88-34363bc7c4c0"

// stateFile is the JSON layout of a Terraform state file, version 4, with
// its fields in the order Terraform writes them.
type stateFile struct {
	Version          int                 `json:"version"`
	TerraformVersion string              `json:"terraform_version"`
	Serial           int                 `json:"serial"`
	Lineage          string              `json:"lineage"`
	Outputs          map[string]any      `json:"outputs"`
	Resources        []stateFileResource `json:"resources"`
	CheckResults     any                 `json:"check_results"`
}

type stateFileResource struct {
	Mode      string              `json:"mode"`
	Type      string              `json:"type"`
	Name      string              `json:"name"`
	Provider  string              `json:"provider"`
	Instances []stateFileInstance `json:"instances"`
}

type stateFileInstance struct {
	SchemaVersion int `json:"schema_version"`
	// Attributes marshal with sorted keys, as Terraform writes them.
	Attributes          map[string]any `json:"attributes"`
	SensitiveAttributes []any          `json:"sensitive_attributes"`
	Private             string         `json:"private,omitempty"`
	// Terraform 1.12 and later write the resource identity beside the
	// attributes (and its schema version, even for resources without one).
	IdentitySchemaVersion *int           `json:"identity_schema_version,omitempty"`
	Identity              map[string]any `json:"identity,omitempty"`
}

// decodeState reads a state file, keeping numbers as written.
func decodeState(data []byte) (*stateFile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var s stateFile
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	return &s, nil
}

// encode writes the state as Terraform does: two-space indentation, no HTML
// escaping.
func (s *stateFile) encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// clone is a deep copy.
func (s *stateFile) clone() *stateFile {
	b, err := s.encode()
	if err != nil {
		panic(err)
	}
	c, err := decodeState(b)
	if err != nil {
		panic(err)
	}
	return c
}

func loadOfficialState(t *testing.T) *stateFile {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(officialStateFile))
	if err != nil {
		t.Fatal(err)
	}
	s, err := decodeState(data)
	if err != nil {
		t.Fatalf("decoding %s: %v", officialStateFile, err)
	}
	return s
}

// resource returns the entry of the given mode and name.
func (s *stateFile) resource(t *testing.T, mode, name string) stateFileResource {
	t.Helper()
	for _, r := range s.Resources {
		if r.Mode == mode && r.Name == name {
			return r
		}
	}
	t.Fatalf("the official state has no %s resource %q", mode, name)
	return stateFileResource{}
}

// sdkTimeoutsPrivate is the private blob terraform-plugin-sdk/v2 saves for a
// resource with create, read and delete timeouts.
func sdkTimeoutsPrivate(create, read, del time.Duration) string {
	b, _ := json.Marshal(map[string]map[string]int64{sdkTimeoutsKey: {
		"create": create.Nanoseconds(), "delete": del.Nanoseconds(), "read": read.Nanoseconds(),
	}})
	return base64.StdEncoding.EncodeToString(b)
}

// attrString reads a string attribute; null reads as "".
func attrString(attrs map[string]any, name string) string {
	s, _ := attrs[name].(string)
	return s
}

// attrStrings reads a list or set of strings.
func attrStrings(attrs map[string]any, name string) []string {
	list, _ := attrs[name].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		out = append(out, v.(string))
	}
	return out
}

// peeringInfo is the peering the simulator must hold for a managed instance
// of Redis's provider to describe it: the same subscription, cloud, status,
// customer network, CIDRs and Redis-side identifiers.
func peeringInfo(t *testing.T, typ string, attrs map[string]any) cloudsim.PeeringInfo {
	t.Helper()
	sub, err := strconv.Atoi(attrString(attrs, "subscription_id"))
	if err != nil {
		t.Fatalf("subscription_id: %v", err)
	}
	p := cloudsim.PeeringInfo{
		SubscriptionID:   sub,
		Kind:             cloudsim.KindPro,
		Provider:         attrString(attrs, "provider_name"),
		Status:           attrString(attrs, "status"),
		AWSAccountID:     attrString(attrs, "aws_account_id"),
		VPCID:            attrString(attrs, "vpc_id"),
		CIDRs:            attrStrings(attrs, "vpc_cidrs"),
		GCPProjectID:     attrString(attrs, "gcp_project_id"),
		GCPNetworkName:   attrString(attrs, "gcp_network_name"),
		AWSPeeringUID:    attrString(attrs, "aws_peering_id"),
		RedisProjectUID:  attrString(attrs, "gcp_redis_project_id"),
		RedisNetworkName: attrString(attrs, "gcp_redis_network_name"),
		CloudPeeringID:   attrString(attrs, "gcp_peering_id"),
	}
	switch typ {
	case "rediscloud_subscription_peering":
		p.Region = attrString(attrs, "region")
	case "rediscloud_active_active_subscription_peering":
		p.Kind = cloudsim.KindActiveActive
		p.SourceRegion = attrString(attrs, "source_region")
		p.DestinationRegion = attrString(attrs, "destination_region")
	default:
		t.Fatalf("unexpected resource type %s", typ)
	}
	return p
}

// TestStateWriterKeepsTheOfficialLayout checks that decoding and encoding the
// official state file gives it back byte for byte, so that the states the
// migration tests derive from it differ only where they are changed.
func TestStateWriterKeepsTheOfficialLayout(t *testing.T) {
	want, err := os.ReadFile(filepath.FromSlash(officialStateFile))
	if err != nil {
		t.Fatal(err)
	}
	s, err := decodeState(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		t.Fatalf("re-encoded state differs from %s:\n%s", officialStateFile, got)
	}
	// The private blob is the SDK's default timeouts (10 minutes each).
	r := s.resource(t, "managed", "aws_one_cidr")
	if p := sdkTimeoutsPrivate(10*time.Minute, 10*time.Minute, 10*time.Minute); r.Instances[0].Private != p {
		t.Fatalf("private = %s, want %s", r.Instances[0].Private, p)
	}
}

// TestOfficialStateShapes checks the facts about the official layout that the
// migration relies on, so that a change of the reference file is noticed.
func TestOfficialStateShapes(t *testing.T) {
	s := loadOfficialState(t)
	for _, r := range s.Resources {
		if r.Provider != fmt.Sprintf("provider[%q]", officialProvider) {
			t.Errorf("%s.%s: provider %s", r.Type, r.Name, r.Provider)
		}
		for _, in := range r.Instances {
			if in.SchemaVersion != 0 {
				t.Errorf("%s.%s: schema_version %d", r.Type, r.Name, in.SchemaVersion)
			}
			if r.Mode != "managed" {
				continue
			}
			if v, ok := in.Attributes["timeouts"]; !ok || v != nil {
				t.Errorf("%s.%s: timeouts = %v, want null", r.Type, r.Name, v)
			}
			if _, ok := in.Attributes["peering_id"]; ok {
				t.Errorf("%s.%s: unexpected peering_id", r.Type, r.Name)
			}
			id := attrString(in.Attributes, "id")
			if !strings.HasPrefix(id, attrString(in.Attributes, "subscription_id")+"/") {
				t.Errorf("%s.%s: id %q", r.Type, r.Name, id)
			}
		}
	}
	two := s.resource(t, "managed", "aws_two_cidrs").Instances[0].Attributes
	if cidrs := attrStrings(two, "vpc_cidrs"); len(cidrs) != 2 || attrString(two, "vpc_cidr") != cidrs[1] {
		t.Errorf("aws_two_cidrs: vpc_cidr %v, vpc_cidrs %v", two["vpc_cidr"], two["vpc_cidrs"])
	}
	gcp := s.resource(t, "managed", "gcp").Instances[0].Attributes
	if cidrs, ok := gcp["vpc_cidrs"].([]any); !ok || len(cidrs) != 0 || gcp["vpc_cidr"] != nil {
		t.Errorf("gcp: vpc_cidr %v, vpc_cidrs %v", gcp["vpc_cidr"], gcp["vpc_cidrs"])
	}
}
