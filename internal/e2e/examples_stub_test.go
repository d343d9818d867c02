package e2e_test

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// stubConfiguration turns a folder that also needs other providers into one
// that needs only this provider, so that the CLI can validate what concerns
// this provider: its blocks are kept with every argument, and every
// reference to one of its objects is kept where it is used. Any expression
// that refers to another provider's objects or to a module becomes an unset
// variable (unknown to validate); another provider's resource or data
// source becomes a terraform_data resource whose input holds its arguments,
// with the same count or for_each. Variables are copied; the folder's
// terraform and provider blocks are replaced by this provider's
// requirement.
func stubConfiguration(f *folder) string { return stubbedWith(f, nil) }

// stubbedWith is stubConfiguration, with the foreign expressions literal
// gives a value for (an HCL expression, from the expression's source text)
// replaced by it instead of a variable: a configuration that can be applied.
func stubbedWith(f *folder, literal func(src string) string) string {
	var out strings.Builder
	out.WriteString(ourRequirement)
	stubs := 0
	expr := func(sf *sourceFile, e hclsyntax.Expression) string {
		src := string(e.Range().SliceBytes(sf.src))
		if foreign(e) {
			if literal != nil {
				if v := literal(src); v != "" {
					return v
				}
			}
			stubs++
			return fmt.Sprintf("var.stub_%d", stubs)
		}
		return src
	}
	for _, b := range f.blocks() {
		switch b.Type {
		case "variable":
			out.WriteString("\n" + string(b.Range().SliceBytes(b.file.src)) + "\n")
		case "locals":
			out.WriteString("\nlocals {\n")
			for _, a := range sortedAttributes(b.Body) {
				fmt.Fprintf(&out, "  %s = %s\n", a.Name, expr(b.file, a.Expr))
			}
			out.WriteString("}\n")
		case "output":
			fmt.Fprintf(&out, "\noutput %q {\n", b.Labels[0])
			for _, a := range sortedAttributes(b.Body) {
				if a.Name != "depends_on" {
					fmt.Fprintf(&out, "  %s = %s\n", a.Name, expr(b.file, a.Expr))
				}
			}
			out.WriteString("}\n")
		case "resource", "data":
			if strings.HasPrefix(b.Labels[0], ourPrefix) {
				fmt.Fprintf(&out, "\n%s %q %q ", b.Type, b.Labels[0], b.Labels[1])
				writeBody(&out, b.file, b.Body, "", true, expr)
				continue
			}
			// Another provider's object: a terraform_data of the same
			// name pattern, instances and arguments.
			fmt.Fprintf(&out, "\nresource \"terraform_data\" %q {\n", b.Type+"_"+b.Labels[0]+"_"+b.Labels[1])
			for _, meta := range []string{"count", "for_each"} {
				if a, ok := b.Body.Attributes[meta]; ok {
					fmt.Fprintf(&out, "  %s = %s\n", meta, expr(b.file, a.Expr))
				}
			}
			out.WriteString("  input = {\n")
			for _, kv := range flattenArguments(b.Body, "") {
				fmt.Fprintf(&out, "    %q = %s\n", kv.key, expr(b.file, kv.attr.Expr))
			}
			out.WriteString("  }\n}\n")
		}
	}
	// Stubs are variables of any type, left unset: validate sees unknowns.
	for i := 1; i <= stubs; i++ {
		fmt.Fprintf(&out, "\nvariable \"stub_%d\" {\n  type = any\n}\n", i)
	}
	return out.String()
}

// writeBody writes a block body of this provider, dropping what refers to
// the configuration's structure rather than values (depends_on, provider,
// lifecycle and the like).
func writeBody(out *strings.Builder, sf *sourceFile, body *hclsyntax.Body, indent string, top bool, expr func(*sourceFile, hclsyntax.Expression) string) {
	out.WriteString("{\n")
	for _, a := range sortedAttributes(body) {
		if top && (a.Name == "depends_on" || a.Name == "provider") {
			continue
		}
		fmt.Fprintf(out, "%s  %s = %s\n", indent, a.Name, expr(sf, a.Expr))
	}
	for _, nb := range body.Blocks {
		if top && metaBlocks[nb.Type] {
			continue
		}
		fmt.Fprintf(out, "%s  %s ", indent, strings.Join(append([]string{nb.Type}, quoteAll(nb.Labels)...), " "))
		writeBody(out, sf, nb.Body, indent+"  ", false, expr)
	}
	out.WriteString(indent + "}\n")
}

type flatArgument struct {
	key  string
	attr *hclsyntax.Attribute
}

// flattenArguments lists the arguments of another provider's block, nested
// blocks included under dotted keys, without the meta-arguments.
func flattenArguments(body *hclsyntax.Body, prefix string) []flatArgument {
	var out []flatArgument
	for _, a := range sortedAttributes(body) {
		if prefix == "" && metaArguments[a.Name] {
			continue
		}
		out = append(out, flatArgument{prefix + a.Name, a})
	}
	for i, nb := range body.Blocks {
		if prefix == "" && metaBlocks[nb.Type] {
			continue
		}
		out = append(out, flattenArguments(nb.Body, fmt.Sprintf("%s%s.%d.", prefix, nb.Type, i))...)
	}
	return out
}

// sortedAttributes lists a body's attributes in source order.
func sortedAttributes(body *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte })
	return out
}

func quoteAll(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = fmt.Sprintf("%q", l)
	}
	return out
}
