package tfvalues

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var objType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name": types.StringType, "count": types.Int64Type, "cidrs": types.SetType{ElemType: types.StringType},
}}

// A value loaded and turned back is the value it came from; a null object
// loads as null attributes, every one of them there.
func TestLoadRaw(t *testing.T) {
	ctx := context.Background()
	typ := TypeOf(ctx, objType)
	var diags diag.Diagnostics
	empty := typ.Load(ctx, tftypes.NewValue(objType.TerraformType(ctx), nil), &diags)
	if len(empty) != 3 || !empty["name"].IsNull() || !empty["count"].IsNull() || !empty["cidrs"].IsNull() {
		t.Fatalf("null object loaded as %v", empty)
	}
	empty["name"] = types.StringValue("a")
	empty["count"] = types.Int64Unknown()
	empty["cidrs"] = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("10.0.0.0/16"), types.StringUnknown()})
	raw, ok := typ.Raw(ctx, empty).(tftypes.Value)
	if !ok {
		t.Fatalf("Raw did not convert %v", empty)
	}
	back := typ.Load(ctx, raw, &diags)
	if diags.HasError() || !back["name"].Equal(empty["name"]) || !back["count"].IsUnknown() || !back["cidrs"].Equal(empty["cidrs"]) {
		t.Fatalf("round trip: %v -> %v (%v)", empty, back, diags)
	}
	if got := back.Strings("cidrs"); !slices.Equal(got, []string{"10.0.0.0/16"}) {
		t.Errorf("Strings skips unknown elements: got %v", got)
	}
	if back.ValueString("name") != "a" || back.ValueString("count") != "" || back.ValueString("missing") != "" {
		t.Errorf("ValueString: %q %q %q", back.ValueString("name"), back.ValueString("count"), back.ValueString("missing"))
	}
	back.NullUnknowns(ctx)
	if !back["count"].IsNull() || back["count"].IsUnknown() || back.ValueString("name") != "a" {
		t.Errorf("NullUnknowns: %v", back)
	}
}

// Values that do not fit the type are handed back as they are, for the
// framework to report on.
func TestRawMismatch(t *testing.T) {
	ctx := context.Background()
	typ := TypeOf(ctx, objType)
	m := Values{"name": types.Int64Value(1), "count": types.Int64Value(1), "cidrs": types.SetNull(types.StringType)}
	if _, ok := typ.Raw(ctx, m).(Values); !ok {
		t.Errorf("a mismatched value converted")
	}
	if !OptionalString("").IsNull() || OptionalString("x").ValueString() != "x" {
		t.Errorf("OptionalString")
	}
	if els := Elements([]string{"a", "b"}); len(els) != 2 || !els[1].Equal(types.StringValue("b")) {
		t.Errorf("Elements: %v", els)
	}
}
