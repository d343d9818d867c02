package peering

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/validate"
)

// Every type's schema is built here, the attributes of a cloud or a kind's
// regions from their attribute table.

const (
	statusDoc = "Status of the peering: `initiating-request`, `pending-acceptance` (AWS: accept `aws_peering_id` on your side), " +
		"`inactive` (GCP: create the reciprocal peering), `active`, or `failed`."
	statusFilterDoc = "Lists only the peerings with this status: `initiating-request`, `pending-acceptance`, `active`, `inactive` or `failed`."
	regionFilterDoc = "Lists only the peerings of this region of the subscription, such as `us-east-1`"
)

// cloudNames are the values provider_name may take.
var cloudNames = func() (names []string) {
	for _, c := range clouds {
		names = append(names, c.name)
	}
	return names
}()

// lookupBy says which inputs the lookup data source finds a peering by.
var lookupBy = func() string {
	names := []string{"`peering_id`"}
	for _, c := range clouds {
		names = append(names, "`"+c.network+"`")
	}
	return "Set exactly one of " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " to look the peering up by."
}()

var (
	replaceString = []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keepString    = []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	statusFilter  = []validator.String{stringvalidator.OneOf(
		rediscloud.StatusInitiatingRequest, rediscloud.StatusPendingAcceptance, rediscloud.StatusActive,
		rediscloud.StatusInactive, rediscloud.StatusFailed)}
)

// describe is the attribute's description: in a data source, or in a
// resource (where changing an input creates a new peering).
func (a attribute) describe(dataSource bool) string {
	required, doc := "", a.doc
	switch {
	case dataSource:
		doc = cmp.Or(a.dataSource, a.doc)
	case a.input:
		required, doc = ", required", doc+" Changing it creates a new peering."
	}
	if a.cloud != nil {
		return a.cloud.name + " only" + required + ": " + doc
	}
	return doc
}

func (s *kindSpec) subscriptionIDDoc(what string) string {
	return fmt.Sprintf("ID of the %s subscription %s, as digits (for example `%q`).", s.subscriptionNoun, what, s.exampleSubscription)
}

func (s *kindSpec) redisCIDRsDoc() string {
	return fmt.Sprintf("The Redis Cloud side's CIDR blocks for this peering: %s. These are the destinations to route "+
		"through the peering on your side, one `aws_route` per block; GCP needs no route, as peered networks exchange subnet routes.", s.redisCIDRsSource)
}

// resourceSchema is the schema of either peering resource.
func (s *kindSpec) resourceSchema(ctx context.Context) schema.Schema {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "`<subscription_id>/<peering_id>`, also the import ID.",
			Computed:            true,
			PlanModifiers:       keepString,
		},
		"peering_id": schema.Int64Attribute{
			MarkdownDescription: "The peering's numeric ID in Redis Cloud.",
			Computed:            true,
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		},
		"subscription_id": schema.StringAttribute{
			MarkdownDescription: s.subscriptionIDDoc("whose VPC is peered") + " Changing it creates a new peering.",
			Required:            true,
			Validators:          validate.SubscriptionID,
			PlanModifiers:       replaceString,
		},
		"provider_name": schema.StringAttribute{
			MarkdownDescription: "Cloud provider of the subscription and of the VPC peered with it: `AWS` (default) or `GCP`. Changing it creates a new peering.",
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString(clouds[0].name),
			Validators:          []validator.String{stringvalidator.OneOf(cloudNames...)},
			PlanModifiers:       replaceString,
		},
		"vpc_cidr": schema.StringAttribute{
			MarkdownDescription: "AWS only: the VPC's CIDR block that Redis Cloud routes to, such as `10.0.0.0/16`. Set this or `vpc_cidrs`, not both. " +
				"When `vpc_cidrs` is set, this holds its single CIDR if it has exactly one, and is null otherwise " +
				"(state moved over from Redis's own provider keeps the one CIDR it stored here until the CIDRs change). Changed in place.",
			Optional:   true,
			Computed:   true,
			Validators: []validator.String{validate.CIDR, stringvalidator.ConflictsWith(path.MatchRoot("vpc_cidrs"))},
		},
		"vpc_cidrs": schema.SetAttribute{
			MarkdownDescription: fmt.Sprintf("AWS only: the VPC's CIDR blocks that Redis Cloud routes to, 1 to %d of them. Set this or `vpc_cidr`, not both. "+
				"When `vpc_cidr` is set, this holds that one CIDR. Changed in place.", maxCIDRsPerVPC),
			ElementType: types.StringType,
			Optional:    true,
			Computed:    true,
			Validators:  []validator.Set{setvalidator.SizeBetween(1, maxCIDRsPerVPC), setvalidator.ValueStringsAre(validate.CIDR), validate.DisjointCIDRs},
		},
		"status": schema.StringAttribute{MarkdownDescription: statusDoc, Computed: true},
		"redis_cidrs": schema.ListAttribute{
			MarkdownDescription: s.redisCIDRsDoc() + " Known at plan time: planning new peerings reads it with one request per subscription, " +
				"shared by all of them (if that read fails, the plan warns and it is known after apply). " +
				"A refresh reads it only while state lacks it, as after a move from Redis's own provider.",
			ElementType:   types.StringType,
			Computed:      true,
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
		},
	}
	for _, a := range s.strings() {
		attr := schema.StringAttribute{MarkdownDescription: a.describe(false), Computed: true, PlanModifiers: keepString}
		if a.input {
			attr = schema.StringAttribute{MarkdownDescription: a.describe(false), Required: a.cloud == nil, Optional: a.cloud != nil,
				Validators: a.validators, PlanModifiers: replaceString}
		}
		attrs[a.name] = attr
	}
	return schema.Schema{
		MarkdownDescription: s.resourceDescription,
		Attributes:          attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (s *kindSpec) identitySchema() identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"subscription_id": identityschema.StringAttribute{
			RequiredForImport: true,
			Description:       fmt.Sprintf("ID of the %s subscription, as digits (for example \"%s\").", s.subscriptionNoun, s.exampleSubscription),
		},
		"peering_id": identityschema.Int64Attribute{RequiredForImport: true, Description: "The peering's numeric ID in Redis Cloud."},
	}}
}

// peeringAttributes are the attributes describing one peering in a data
// source, all computed: the list elements, and the root of the lookup.
func (s *kindSpec) peeringAttributes() map[string]dsschema.Attribute {
	attrs := map[string]dsschema.Attribute{
		"peering_id": dsschema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("The peering's numeric ID in Redis Cloud. `<subscription_id>/<peering_id>` imports it into `%s`.", s.resourceTypeName()),
			Computed:            true,
		},
		"provider_name": computed("Cloud provider of the peering: `AWS` or `GCP`."),
		"status":        computed(statusDoc),
		"vpc_cidr": computed("AWS only: the peered VPC's CIDR block when the peering has exactly one. " +
			"Null when it has several: read them all from `vpc_cidrs`."),
		"vpc_cidrs": dsschema.ListAttribute{
			MarkdownDescription: "AWS only: every CIDR block of the peered VPC that Redis Cloud routes to, sorted. An empty list for GCP peerings.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"redis_cidrs": dsschema.ListAttribute{
			MarkdownDescription: s.redisCIDRsDoc() + " Read with one request per subscription, shared by every peering listed.",
			ElementType:         types.StringType,
			Computed:            true,
		},
	}
	for _, a := range s.strings() {
		attrs[a.name] = computed(a.describe(true))
	}
	return attrs
}

func computed(description string) dsschema.StringAttribute {
	return dsschema.StringAttribute{MarkdownDescription: description, Computed: true}
}

// lookupSchema is the schema of the single lookup data source: a peering's
// attributes at the root, with what it is looked up by.
func (s *kindSpec) lookupSchema(ctx context.Context) dsschema.Schema {
	attrs := s.peeringAttributes()
	attrs["id"] = computed("`<subscription_id>/<peering_id>`, the import ID of the peering's resource.")
	attrs["subscription_id"] = dsschema.StringAttribute{
		MarkdownDescription: s.subscriptionIDDoc("the peering belongs to"), Required: true, Validators: validate.SubscriptionID,
	}
	attrs["peering_id"] = dsschema.Int64Attribute{
		MarkdownDescription: "The peering's numeric ID in Redis Cloud. " + lookupBy,
		Optional:            true, Computed: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
	}
	attrs["wait_for_status"] = dsschema.StringAttribute{
		MarkdownDescription: "Waits, within `timeouts.read`, until the peering has this status: `pending-acceptance`, `active` or `inactive`. " +
			"For a pipeline that reads a peering which another pipeline creates or accepts: every look reads a peering list requested " +
			"after the read began, and the read fails if the peering becomes `failed`, or when time runs out, naming the status it was in.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.OneOf(rediscloud.StatusPendingAcceptance, rediscloud.StatusActive, rediscloud.StatusInactive)},
	}
	for _, a := range cloudStrings {
		c, doc, validators := a.cloud, a.cloud.name+": "+a.dataSource+" ", a.validators
		switch a.name {
		case c.network:
			doc += lookupBy
		case c.owner:
			doc += "Optional: when set, only a peering of this " + c.ownerNoun + " matches" + c.ownerNote + "."
			var others []path.Expression
			for _, o := range clouds {
				if o != c {
					others = append(others, path.MatchRoot(o.network), path.MatchRoot(o.owner))
				}
			}
			validators = append(slices.Clip(validators), stringvalidator.ConflictsWith(others...))
		default:
			continue
		}
		attrs[a.name] = dsschema.StringAttribute{MarkdownDescription: doc, Optional: true, Computed: true, Validators: validators}
	}
	return dsschema.Schema{
		MarkdownDescription: fmt.Sprintf("Looks up one VPC peering of a Redis Cloud **%s** subscription, by `peering_id` or by the peered network: "+
			"`vpc_id` (AWS) or `gcp_network_name` (GCP), optionally narrowed by `aws_account_id` or `gcp_project_id`.\n\n"+
			"Use it to complete a peering created elsewhere (another workspace, the Redis Cloud console) without importing it, for example by feeding "+
			"`aws_peering_id` to `aws_vpc_peering_connection_accepter`. The read fails, listing the subscription's peerings, when no peering matches, "+
			"and when several do. To list peerings, use `%s`; for an Active-Active subscription, `%s`.",
			s.subscriptionNoun, s.listTypeName(), s.other().listTypeName()),
		Attributes: attrs,
		Blocks:     map[string]dsschema.Block{"timeouts": dstimeouts.Block(ctx)},
	}
}

// listSchema is the schema of the kind's list data source.
func (s *kindSpec) listSchema(ctx context.Context) dsschema.Schema {
	attrs := map[string]dsschema.Attribute{
		"id":              computed(s.listIDDescription),
		"subscription_id": dsschema.StringAttribute{MarkdownDescription: s.subscriptionIDDoc("whose peerings to list"), Required: true, Validators: validate.SubscriptionID},
		"status":          dsschema.StringAttribute{MarkdownDescription: statusFilterDoc + " Leave it out to list every peering.", Optional: true, Validators: statusFilter},
		"peerings": dsschema.ListNestedAttribute{
			MarkdownDescription: "The peerings, ordered by `peering_id`. Attributes that do not apply to a peering's cloud are null.",
			Computed:            true,
			NestedObject:        dsschema.NestedAttributeObject{Attributes: s.peeringAttributes()},
		},
	}
	if s.peeredRegion != "" {
		attrs[s.peeredRegion] = dsschema.StringAttribute{
			MarkdownDescription: regionFilterDoc + " (AWS) or `us-central1` (GCP). " +
				"It must be one of the subscription's regions. Leave it out to list the peerings of every region.",
			Optional:   true,
			Validators: validate.AnyRegion,
		}
	}
	return dsschema.Schema{
		MarkdownDescription: s.listDescription,
		Attributes:          attrs,
		Blocks:              map[string]dsschema.Block{"timeouts": dstimeouts.Block(ctx)},
	}
}

// querySchema is the configuration schema of the kind's list resource.
func (s *kindSpec) querySchema() listschema.Schema {
	attrs := map[string]listschema.Attribute{
		"subscription_id": listschema.StringAttribute{
			MarkdownDescription: s.subscriptionIDDoc("whose peerings to list") +
				fmt.Sprintf(" Leave it out to list the peerings of every %s subscription of the account.", s.subscriptionNoun),
			Optional:   true,
			Validators: validate.SubscriptionID,
		},
		"status": listschema.StringAttribute{MarkdownDescription: statusFilterDoc, Optional: true, Validators: statusFilter},
	}
	if s.peeredRegion != "" {
		attrs[s.peeredRegion] = listschema.StringAttribute{MarkdownDescription: regionFilterDoc + ".", Optional: true, Validators: validate.AnyRegion}
	}
	return listschema.Schema{
		MarkdownDescription: fmt.Sprintf("Finds existing %s peerings, to import them: `terraform query -generate-config-out=FILE` writes a resource block "+
			"and an import block for each. Needs Terraform 1.14 or later.", s.subscriptionNoun),
		Attributes: attrs,
	}
}
