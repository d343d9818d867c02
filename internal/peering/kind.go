package peering

import (
	"fmt"
	"strconv"
	"strings"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// kindSpec is everything that differs between the Pro and the Active-Active
// peerings; all their logic is shared and asks the spec, never the kind.
// proSpec (kind_pro.go) and activeActiveSpec (kind_active_active.go) are the
// two values.
type kindSpec struct {
	kind     rediscloud.Kind // for the API client
	typeName string          // of the resource, without the provider prefix
	// multiRegion: the kind's subscriptions are the Active-Active ones,
	// which run in several regions. A peering then belongs to one of them,
	// its source_region: the list data source and the list resource filter
	// by it, the list data source's ID holds it, a create checks that the
	// subscription has it, and redis_cidrs is that region's. Otherwise the
	// subscription's own answer holds its Redis-side CIDRs.
	multiRegion bool

	subscriptionNoun    string // "Pro": "Reading Pro peering 1001/5 failed"
	article             string // of subscriptionNoun, to start a sentence: "A"
	subscriptionPhrase  string // what a subscription of the kind is: "a Pro (single-region)"
	exampleSubscription string
	awsRegionAttribute  string // the attribute holding the peered VPC's AWS region

	resourceDescription string
	listDescription     string // of the list data source
	listIDDescription   string // of the list data source's id
	redisCIDRsSource    string // where redis_cidrs comes from, in a sentence

	// regionAttributes are the resource's region attributes, and
	// elementRegionAttributes the data sources'; the kind's model and
	// element structs hold them (model.setRegions, element.setRegions).
	regionAttributes        func() map[string]schema.Attribute
	elementRegionAttributes func() map[string]dsschema.Attribute

	newModel     func() model     // resource state
	newListModel func() listModel // list data source state
}

// kindSpecs are both kinds, each the other's alternative.
var kindSpecs = [...]*kindSpec{proSpec, activeActiveSpec}

// other is the spec of the other kind: what to use for a subscription that
// is not of this kind.
func (s *kindSpec) other() *kindSpec {
	if s == kindSpecs[0] {
		return kindSpecs[1]
	}
	return kindSpecs[0]
}

// owns reports whether sub is a subscription of this kind.
func (s *kindSpec) owns(sub *rediscloud.Subscription) bool {
	return sub.IsActiveActive() == s.multiRegion
}

// aNoun is the kind's noun with its article, to start a sentence.
func (s *kindSpec) aNoun() string { return s.article + " " + s.subscriptionNoun }

// resourceTypeName is the full type name of the kind's resource.
func (s *kindSpec) resourceTypeName() string { return "rediscloud_" + s.typeName }

// listTypeName is the full type name of the kind's list data source.
func (s *kindSpec) listTypeName() string { return s.resourceTypeName() + "s" }

// wrongKind says that subscription sub belongs to the other kind, and which
// resource to use for it.
func (s *kindSpec) wrongKind(sub int) string {
	o := s.other()
	return fmt.Sprintf("Subscription %d is %s subscription: use the %s resource for it.", sub, o.subscriptionPhrase, o.resourceTypeName())
}

// listID is the ID of a list data source: the subscription, then the
// filters. Pro: "<sub>" or "<sub>/<status>". Active-Active:
// "<sub>[/<source_region>[/<status>]]", with "*" standing for any source
// region when only the status is filtered ("2001/*/active").
func (s *kindSpec) listID(sub int, f peeringFilter) string {
	parts := []string{strconv.Itoa(sub)}
	if s.multiRegion && (f.sourceRegion != "" || f.status != "") {
		parts = append(parts, firstNonEmpty(f.sourceRegion, "*"))
	}
	if f.status != "" {
		parts = append(parts, f.status)
	}
	return strings.Join(parts, "/")
}
