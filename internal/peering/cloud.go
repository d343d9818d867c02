package peering

import (
	"cmp"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/validate"
)

// cloudSpec is everything that differs between the clouds a peering can
// reach: awsCloud and gcpCloud.
type cloudSpec struct {
	name    string      // provider_name
	strings []attribute // their cloud is left out: see cloudStrings
	// routed: Redis Cloud routes to the peered network by its CIDR blocks
	// (vpc_cidr, vpc_cidrs: set at create, updated in place).
	routed bool
	failed string // what commonly makes a peering of the cloud fail
	// broken says what an inactive peering of the cloud means when that
	// is not a normal step of its handshake; "" when it is.
	broken string
	// describe tells a peering apart in a message by its peered network.
	describe func(p *rediscloud.Peering) string
	// network and owner are the inputs naming the peered network and who
	// owns it: the lookup data source finds a peering by network, narrowed
	// by owner (ownerNoun, with ownerNote on why it may be needed).
	network, owner, ownerNoun, ownerNote string
}

// attribute is a string attribute of a peering, of a cloud
// (cloudSpec.strings) or a kind's region (kindSpec.regions).
type attribute struct {
	name string
	// field is the rediscloud.Peering field that holds it, and for an
	// input the rediscloud.CreatePeeringRequest field too.
	field string
	// cloud is the only cloud whose peerings have it (null for another's,
	// and a configuration must not set it); nil for every cloud.
	cloud *cloudSpec
	// input: set by the configuration (required for its cloud); otherwise
	// answered by Redis Cloud.
	input bool
	// doc is what it holds; dataSource when the data sources word it otherwise.
	doc, dataSource string
	need            string // what a missing input is, in its error
	validators      []validator.String
	// derive computes an output from other fields, in place of field.
	derive func(p *rediscloud.Peering) string
}

func (a attribute) get(p *rediscloud.Peering) string {
	if a.derive != nil {
		return a.derive(p)
	}
	return reflect.ValueOf(p).Elem().FieldByName(a.field).String()
}

func (a attribute) set(r *rediscloud.CreatePeeringRequest, v string) {
	reflect.ValueOf(r).Elem().FieldByName(a.field).SetString(v)
}

var awsCloud = &cloudSpec{
	name: rediscloud.ProviderAWS, routed: true, network: "vpc_id", owner: "aws_account_id", ownerNoun: "account",
	strings: []attribute{
		{name: "aws_account_id", field: "AWSAccountID", input: true, validators: validate.AWSAccountID,
			doc: "the 12-digit ID of the AWS account that owns the VPC.", dataSource: "the ID of the AWS account that owns the peered VPC.",
			need: "the 12-digit ID of the AWS account that owns the VPC"},
		{name: "vpc_id", field: "VPCID", input: true, validators: validate.VPCID,
			doc: "ID of the VPC to peer with (`vpc-…`).", dataSource: "the ID of the peered VPC (`vpc-…`).",
			need: "the ID of the VPC to peer with, such as vpc-0a1b2c3d4e5f67890"},
		{name: "aws_peering_id", field: "AWSPeeringID",
			doc: "the VPC peering connection ID (`pcx-…`) to accept, for example with `aws_vpc_peering_connection_accepter`."},
	},
	failed: "Common causes are a wrong AWS account ID, VPC ID or region, a VPC CIDR that overlaps the subscription's deployment CIDR, " +
		"or a peering request that was rejected, or expired before it was accepted (after 7 days).",
	broken: "the VPC peering connection was deleted or rejected on the AWS side, so it carries no traffic",
	describe: func(p *rediscloud.Peering) string {
		s := fmt.Sprintf("%s of account %s", cmp.Or(p.VPCID, "?"), cmp.Or(p.AWSAccountID, "?"))
		if p.Region != "" {
			s += " in " + p.Region
		}
		return s
	},
}

var gcpCloud = &cloudSpec{
	name: rediscloud.ProviderGCP, network: "gcp_network_name", owner: "gcp_project_id", ownerNoun: "project",
	ownerNote: " (network names such as `default` repeat across projects)",
	strings: []attribute{
		{name: "gcp_project_id", field: "GCPProjectID", input: true, validators: validate.GCPProject,
			doc: "ID of the GCP project that owns the VPC network to peer with.", dataSource: "the ID of the GCP project that owns the peered network.",
			need: "the ID of the GCP project that owns the network"},
		{name: "gcp_network_name", field: "GCPNetworkName", input: true, validators: validate.GCPNetwork,
			doc: "name of the VPC network to peer with.", dataSource: "the name of the peered VPC network.",
			need: "the name of the VPC network to peer with"},
		{name: "gcp_redis_project_id", field: "GCPRedisProjectID",
			doc: "the Redis Cloud project to peer back to from your network (`google_compute_network_peering`)."},
		{name: "gcp_redis_network_name", field: "GCPRedisNetworkName", doc: "the Redis Cloud VPC network to peer back to from your network."},
		{name: "gcp_redis_network_path", derive: gcpNetworkPath,
			doc: "the Redis Cloud VPC network as `projects/<project>/global/networks/<network>`, the form `google_compute_network_peering`'s `peer_network` takes."},
		{name: "gcp_peering_id", field: "GCPPeeringID", doc: "the name of the peering on the Redis Cloud side."},
	},
	failed: "Check that the GCP project and network exist and that Redis Cloud may peer with them.",
	describe: func(p *rediscloud.Peering) string {
		return fmt.Sprintf("network %s of project %s", cmp.Or(p.GCPNetworkName, "?"), cmp.Or(p.GCPProjectID, "?"))
	},
}

// gcpNetworkPath is "" until Redis Cloud has named its network.
func gcpNetworkPath(p *rediscloud.Peering) string {
	if p.GCPRedisProjectID == "" || p.GCPRedisNetworkName == "" {
		return ""
	}
	return "projects/" + p.GCPRedisProjectID + "/global/networks/" + p.GCPRedisNetworkName
}

// clouds are every cloud, the default (provider_name's) first.
var clouds = [...]*cloudSpec{awsCloud, gcpCloud}

// cloudStrings are every cloud's attributes, each naming its cloud.
var cloudStrings = func() (out []attribute) {
	for _, c := range clouds {
		for _, a := range c.strings {
			a.cloud = c
			out = append(out, a)
		}
	}
	return out
}()

// cloudOf is the spec of a provider_name; the default cloud when it is
// empty or unknown.
func cloudOf(name string) *cloudSpec {
	for _, c := range clouds {
		if c.name == name {
			return c
		}
	}
	return clouds[0]
}

// value is attribute name of p, "" when it is another cloud's.
func value(p *rediscloud.Peering, name string) string {
	for _, a := range cloudOf(p.Provider).strings {
		if a.name == name {
			return a.get(p)
		}
	}
	return ""
}

// describePeering: "7 (AWS from us-east-1, vpc-1 of account 1 in eu-west-1, active)".
func describePeering(p *rediscloud.Peering) string {
	s := fmt.Sprintf("%d (%s", p.ID, cmp.Or(p.Provider, "unknown cloud"))
	if p.SourceRegion != "" {
		s += " from " + p.SourceRegion
	}
	s += ", " + cloudOf(p.Provider).describe(p)
	if p.Status != "" {
		s += ", " + p.Status
	}
	return s + ")"
}

// maxCIDRsPerVPC is how many CIDR blocks of a VPC a peering may route to.
const maxCIDRsPerVPC = 5
