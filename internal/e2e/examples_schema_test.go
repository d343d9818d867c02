package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// schemaBlock is a block of `providers schema -json`.
type schemaBlock struct {
	Attributes map[string]*schemaAttribute `json:"attributes"`
	BlockTypes map[string]*schemaBlockType `json:"block_types"`
}

type schemaBlockType struct {
	NestingMode string      `json:"nesting_mode"`
	Block       schemaBlock `json:"block"`
	MinItems    int         `json:"min_items"`
}

type schemaAttribute struct {
	Type       json.RawMessage `json:"type"`
	NestedType *struct {
		Attributes  map[string]*schemaAttribute `json:"attributes"`
		NestingMode string                      `json:"nesting_mode"`
	} `json:"nested_type"`
	Required bool `json:"required"`
	Optional bool `json:"optional"`
	Computed bool `json:"computed"`
}

type schemaEntry struct {
	Block schemaBlock `json:"block"`
}

// providerSchema is this provider's resource and data source schemas.
type providerSchema struct {
	Resources   map[string]schemaEntry `json:"resource_schemas"`
	DataSources map[string]schemaEntry `json:"data_source_schemas"`
}

// loadSchema asks the CLI for this provider's schema, in a workspace that
// requires only this provider (no init needed with dev_overrides).
func loadSchema(ctx context.Context, t *testing.T, e engine) *providerSchema {
	t.Helper()
	ws := newWorkspace(t)
	if err := ws.WriteFile("main.tf", ourRequirement); err != nil {
		t.Fatal(err)
	}
	out, err := ws.Command(ctx, nil, "providers", "schema", "-json").Output()
	if err != nil {
		t.Fatalf("providers schema -json: %v", err)
	}
	var all struct {
		ProviderSchemas map[string]*providerSchema `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &all); err != nil {
		t.Fatalf("decoding providers schema -json: %v", err)
	}
	s := all.ProviderSchemas[ourProvider(e)]
	if s == nil || len(s.Resources) == 0 {
		t.Fatalf("no schema for %s in:\n%s", ourProvider(e), out)
	}
	return s
}

// entry finds the schema of a resource ("resource") or data source ("data").
func (s *providerSchema) entry(mode, typ string) (*schemaBlock, bool) {
	m := s.Resources
	if mode == "data" {
		m = s.DataSources
	}
	e, ok := m[typ]
	return &e.Block, ok
}

// ctyType is the type of an attribute.
func (a *schemaAttribute) ctyType() (cty.Type, error) {
	if a.NestedType == nil {
		return ctyjson.UnmarshalType(a.Type)
	}
	attrs := map[string]cty.Type{}
	for name, na := range a.NestedType.Attributes {
		ty, err := na.ctyType()
		if err != nil {
			return cty.NilType, err
		}
		attrs[name] = ty
	}
	return nest(a.NestedType.NestingMode, cty.Object(attrs)), nil
}

// ctyType is the object type of a block's value.
func (b *schemaBlock) ctyType() (cty.Type, error) {
	attrs := map[string]cty.Type{}
	for name, a := range b.Attributes {
		ty, err := a.ctyType()
		if err != nil {
			return cty.NilType, fmt.Errorf("%s: %w", name, err)
		}
		attrs[name] = ty
	}
	for name, bt := range b.BlockTypes {
		ty, err := bt.Block.ctyType()
		if err != nil {
			return cty.NilType, fmt.Errorf("%s: %w", name, err)
		}
		attrs[name] = nest(bt.NestingMode, ty)
	}
	return cty.Object(attrs), nil
}

func nest(mode string, ty cty.Type) cty.Type {
	switch mode {
	case "list":
		return cty.List(ty)
	case "set":
		return cty.Set(ty)
	case "map":
		return cty.Map(ty)
	}
	return ty
}

// walk follows traversal steps through a type, as expressions would.
func walk(ty cty.Type, steps hcl.Traversal) error {
	for i, step := range steps {
		switch s := step.(type) {
		case hcl.TraverseAttr:
			switch {
			case ty.IsObjectType():
				if !ty.HasAttribute(s.Name) {
					return fmt.Errorf("no attribute %q (has %s)", s.Name, strings.Join(attributeNames(ty), ", "))
				}
				ty = ty.AttributeType(s.Name)
			case ty.IsMapType():
				ty = ty.ElementType()
			case ty == cty.DynamicPseudoType:
				return nil
			default:
				return fmt.Errorf("step %d: .%s on a %s", i, s.Name, ty.FriendlyName())
			}
		case hcl.TraverseIndex:
			switch {
			case ty.IsListType(), ty.IsMapType(), ty.IsSetType():
				ty = ty.ElementType()
			case ty.IsObjectType() && s.Key.Type() == cty.String:
				if !ty.HasAttribute(s.Key.AsString()) {
					return fmt.Errorf("no attribute %q", s.Key.AsString())
				}
				ty = ty.AttributeType(s.Key.AsString())
			case ty == cty.DynamicPseudoType:
				return nil
			default:
				return fmt.Errorf("step %d: index on a %s", i, ty.FriendlyName())
			}
		default:
			return fmt.Errorf("step %d: unexpected %T", i, step)
		}
	}
	return nil
}

func attributeNames(ty cty.Type) []string {
	var out []string
	for name := range ty.AttributeTypes() {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// checkArguments checks a block of this provider against its schema: every
// argument and nested block exists and can be set, every required one is
// set.
func checkArguments(where string, body *hclsyntax.Body, sb *schemaBlock, top bool) []string {
	var problems []string
	for name := range body.Attributes {
		if top && metaArguments[name] {
			continue
		}
		a, ok := sb.Attributes[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s: no argument %q in the schema", where, name))
		case !a.Required && !a.Optional:
			problems = append(problems, fmt.Sprintf("%s: %q is read-only", where, name))
		}
	}
	for name, a := range sb.Attributes {
		if _, set := body.Attributes[name]; a.Required && !set {
			problems = append(problems, fmt.Sprintf("%s: required argument %q is missing", where, name))
		}
	}
	for _, nb := range body.Blocks {
		if top && metaBlocks[nb.Type] {
			continue
		}
		if nb.Type == "dynamic" && len(nb.Labels) == 1 {
			if _, ok := sb.BlockTypes[nb.Labels[0]]; !ok {
				problems = append(problems, fmt.Sprintf("%s: no block %q in the schema", where, nb.Labels[0]))
			}
			continue
		}
		bt, ok := sb.BlockTypes[nb.Type]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: no block %q in the schema", where, nb.Type))
			continue
		}
		problems = append(problems, checkArguments(where+"."+nb.Type, nb.Body, &bt.Block, false)...)
	}
	return problems
}

// checkFolderAgainstSchema checks, without running anything, that every
// type of this provider a folder uses exists, that its blocks set only
// arguments that exist, and that every reference to an object of this
// provider names attributes that exist, including through each.value of a
// for_each over such an object. It returns the problems found.
func checkFolderAgainstSchema(t *testing.T, f *folder, s *providerSchema) []string {
	t.Helper()
	var problems []string
	types := map[string]cty.Type{} // "resource.T" / "data.T" -> object type
	typeOf := func(mode, typ string) (cty.Type, bool) {
		key := mode + "." + typ
		if ty, ok := types[key]; ok {
			return ty, true
		}
		sb, ok := s.entry(mode, typ)
		if !ok {
			return cty.NilType, false
		}
		ty, err := sb.ctyType()
		if err != nil {
			t.Fatalf("schema of %s: %v", key, err)
		}
		types[key] = ty
		return ty, true
	}
	// declared: "resource.T.N" / "data.T.N" -> whether it has count or for_each.
	declared := map[string]bool{}
	for _, b := range f.blocks() {
		if (b.Type != "resource" && b.Type != "data") || !strings.HasPrefix(b.Labels[0], ourPrefix) {
			continue
		}
		where := fmt.Sprintf("%s/%s: %s %s.%s", f.rel, b.file.name, b.Type, b.Labels[0], b.Labels[1])
		sb, ok := s.entry(b.Type, b.Labels[0])
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: this provider has no such %s", where, b.Type))
			continue
		}
		_, hasCount := b.Body.Attributes["count"]
		_, hasForEach := b.Body.Attributes["for_each"]
		declared[b.Type+"."+b.Labels[0]+"."+b.Labels[1]] = hasCount || hasForEach
		problems = append(problems, checkArguments(where, b.Body, sb, true)...)
	}

	// checkRef checks one traversal to an object of this provider.
	checkRef := func(where string, tr hcl.Traversal) {
		mode, steps := "resource", tr
		if tr.RootName() == "data" {
			mode, steps = "data", tr[1:]
		}
		typ := rootOrAttr(steps[0])
		if len(steps) < 2 {
			problems = append(problems, fmt.Sprintf("%s: %s refers to a type, not an object", where, typ))
			return
		}
		name, ok := steps[1].(hcl.TraverseAttr)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: malformed reference to %s", where, typ))
			return
		}
		ty, ok := typeOf(mode, typ)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: this provider has no %s type %s", where, mode, typ))
			return
		}
		multi, ok := declared[mode+"."+typ+"."+name.Name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: %s %s.%s is not declared in the folder", where, mode, typ, name.Name))
			return
		}
		rest := steps[2:]
		if multi {
			if len(rest) == 0 {
				return
			}
			if _, ok := rest[0].(hcl.TraverseIndex); !ok {
				problems = append(problems, fmt.Sprintf("%s: %s.%s has count or for_each and needs an instance key", where, typ, name.Name))
				return
			}
			rest = rest[1:]
		}
		if err := walk(ty, rest); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s: %v", where, traversalString(tr), err))
		}
	}

	for _, b := range f.blocks() {
		where := fmt.Sprintf("%s/%s: %s", f.rel, b.file.name, strings.Join(append([]string{b.Type}, b.Labels...), "."))
		// each.value of a for_each over an object of this provider is
		// that object.
		var eachType *cty.Type
		if fe, ok := b.Body.Attributes["for_each"]; ok {
			if st, ok := fe.Expr.(*hclsyntax.ScopeTraversalExpr); ok && isOurs(st.Traversal) {
				mode, steps := "resource", st.Traversal
				if st.Traversal.RootName() == "data" {
					mode, steps = "data", steps[1:]
				}
				if len(steps) == 2 {
					if ty, ok := typeOf(mode, rootOrAttr(steps[0])); ok {
						eachType = &ty
					}
				}
			}
		}
		for _, expr := range expressions(b.Body) {
			for _, tr := range hclsyntax.Variables(expr) {
				switch {
				case isOurs(tr):
					checkRef(where, tr)
				case eachType != nil && tr.RootName() == "each" && len(tr) > 1 && rootOrAttr(tr[1]) == "value":
					if err := walk(*eachType, tr[2:]); err != nil {
						problems = append(problems, fmt.Sprintf("%s: %s: %v", where, traversalString(tr), err))
					}
				}
			}
		}
	}
	return problems
}

// expressions lists every expression of a body, nested blocks included.
func expressions(body *hclsyntax.Body) []hclsyntax.Expression {
	var out []hclsyntax.Expression
	for _, a := range body.Attributes {
		out = append(out, a.Expr)
	}
	for _, b := range body.Blocks {
		out = append(out, expressions(b.Body)...)
	}
	return out
}

func rootOrAttr(tr hcl.Traverser) string {
	switch s := tr.(type) {
	case hcl.TraverseRoot:
		return s.Name
	case hcl.TraverseAttr:
		return s.Name
	}
	return ""
}

func traversalString(tr hcl.Traversal) string {
	var b strings.Builder
	for i, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			if i > 0 {
				b.WriteString(".")
			}
			b.WriteString(s.Name)
		case hcl.TraverseIndex:
			b.WriteString("[…]")
		}
	}
	return b.String()
}
