// Package tfvalues reads and writes a Terraform object (a configuration, a
// plan, a state, a nested object) as its attribute values by tfsdk name.
//
// One form serves every schema: code that fills a state by attribute name
// needs no model struct per schema, and no reflection. The framework's Get
// and Set into a struct reflect anew on every call, which a refresh of many
// resources pays for each.
package tfvalues

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Values are an object's attributes by tfsdk name, as its schema's types
// read them.
type Values map[string]attr.Value

// Get is attribute name as T, T's zero value (null) when v has no such one.
func Get[T attr.Value](v Values, name string) T {
	t, _ := v[name].(T)
	return t
}

// ValueString is a string attribute's value, "" when null or unknown.
func (v Values) ValueString(name string) string { return Get[types.String](v, name).ValueString() }

// Strings are the known elements of a list or set of strings.
func (v Values) Strings(name string) []string {
	var out []string
	if c, ok := v[name].(interface{ Elements() []attr.Value }); ok {
		for _, e := range c.Elements() {
			if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
				out = append(out, s.ValueString())
			}
		}
	}
	return out
}

// NullUnknowns makes every unknown value null, as a state saved before its
// values are known must be.
func (v Values) NullUnknowns(ctx context.Context) {
	for name, val := range v {
		if val.IsUnknown() {
			v[name], _ = val.Type(ctx).ValueFromTerraform(ctx, tftypes.Value{})
		}
	}
}

// Type is the attribute types of a schema or a nested object, by which Load
// and Raw convert.
type Type struct {
	Attrs map[string]attr.Type
	tf    tftypes.Type
}

// TypeOf is the Type of t, an object type such as a schema's.
func TypeOf(ctx context.Context, t attr.Type) Type {
	return Type{t.(attr.TypeWithAttributeTypes).AttributeTypes(), t.TerraformType(ctx)}
}

// Load reads a configuration's, a plan's or a state's value; every
// attribute of a null one is null.
func (t Type) Load(ctx context.Context, v tftypes.Value, diags *diag.Diagnostics) Values {
	var obj map[string]tftypes.Value
	_ = v.As(&obj) // none when null or unknown
	m := Values{}
	for name, at := range t.Attrs {
		av, err := at.ValueFromTerraform(ctx, obj[name])
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unreadable value", err.Error())
			av, _ = at.ValueFromTerraform(ctx, tftypes.Value{}) // null: every attribute is there
		}
		m[name] = av
	}
	return m
}

// Raw is m as Terraform's value, or m itself, for the framework to report
// on, when it does not convert here.
func (t Type) Raw(ctx context.Context, m Values) any {
	obj := map[string]tftypes.Value{}
	for name, v := range m {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return m
		}
		obj[name] = tv
	}
	if tftypes.ValidateValue(t.tf, obj) != nil {
		return m
	}
	return tftypes.NewValue(t.tf, obj)
}

// Elements is ss as a list's or a set's elements.
func Elements(ss []string) []attr.Value {
	out := make([]attr.Value, 0, len(ss))
	for _, s := range ss {
		out = append(out, types.StringValue(s))
	}
	return out
}

// OptionalString is v, null when empty.
func OptionalString(v string) types.String {
	if v == "" {
		return types.StringNull()
	}
	return types.StringValue(v)
}
