package e2e_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
)

// ourPrefix starts the type of every resource and data source of this
// provider.
const ourPrefix = "rediscloud_"

// folder is one example folder: a root module of its own.
type folder struct {
	dir   string // absolute
	rel   string // relative to examples/, with slashes
	files []*sourceFile
	// others lists what makes the folder need more than this provider
	// (other providers' resources, data sources, requirements or modules);
	// empty when it needs only this one.
	others []string
	// hasRequirement: required_providers declares rediscloud.
	hasRequirement bool
	// hasProviderBlock: a provider "rediscloud" block exists.
	hasProviderBlock bool
}

type sourceFile struct {
	name string
	src  []byte
	body *hclsyntax.Body
}

// block is a top-level block with the file it is in.
type block struct {
	*hclsyntax.Block
	file *sourceFile
}

func (f *folder) blocks() []block {
	var out []block
	for _, sf := range f.files {
		for _, b := range sf.body.Blocks {
			out = append(out, block{b, sf})
		}
	}
	return out
}

// resourceBlock finds a managed resource block by type and name.
func (f *folder) resourceBlock(typ, name string) *block {
	for _, b := range f.blocks() {
		if b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0] == typ && b.Labels[1] == name {
			return &b
		}
	}
	return nil
}

func (f *folder) onlyOurs() bool { return len(f.others) == 0 }

// examplesRoot is the module's examples/ folder.
func examplesRoot(t *testing.T) string {
	t.Helper()
	root, err := cliharness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "examples")
}

// loadFolders parses every folder under examples/ that holds .tf files.
func loadFolders(t *testing.T) []*folder {
	t.Helper()
	return loadFoldersIn(t, examplesRoot(t))
}

// loadFoldersIn parses every folder under root that holds .tf files.
func loadFoldersIn(t *testing.T, root string) []*folder {
	t.Helper()
	byDir := map[string]*folder{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || filepath.Ext(path) != ".tf" {
			return nil
		}
		dir := filepath.Dir(path)
		f := byDir[dir]
		if f == nil {
			rel, _ := filepath.Rel(root, dir)
			f = &folder{dir: dir, rel: filepath.ToSlash(rel)}
			byDir[dir] = f
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		file, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
		if diags.HasErrors() {
			return fmt.Errorf("%s: %s", path, diags.Error())
		}
		f.files = append(f.files, &sourceFile{name: d.Name(), src: src, body: file.Body.(*hclsyntax.Body)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(byDir) == 0 {
		t.Fatalf("no .tf file under %s", root)
	}
	var out []*folder
	for _, f := range byDir {
		classifyFolder(t, f)
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return out
}

// classify finds what, if anything, the folder needs besides this provider.
func classifyFolder(t *testing.T, f *folder) {
	t.Helper()
	for _, b := range f.blocks() {
		switch b.Type {
		case "resource", "data":
			typ := b.Labels[0]
			if !strings.HasPrefix(typ, ourPrefix) && typ != "terraform_data" {
				f.others = append(f.others, b.Type+" "+typ)
			}
		case "module":
			f.others = append(f.others, "module "+b.Labels[0])
		case "provider":
			if b.Labels[0] == "rediscloud" {
				f.hasProviderBlock = true
			} else {
				f.others = append(f.others, "provider "+b.Labels[0])
			}
		case "terraform":
			for _, rp := range b.Body.Blocks {
				if rp.Type != "required_providers" {
					continue
				}
				for name, attr := range rp.Body.Attributes {
					v, diags := attr.Expr.Value(nil)
					if diags.HasErrors() || !v.Type().IsObjectType() || !v.Type().HasAttribute("source") {
						t.Fatalf("%s: required_providers.%s is not an object with a source", f.rel, name)
					}
					source := strings.ToLower(v.GetAttr("source").AsString())
					if name == "rediscloud" && isOurSource(source) {
						f.hasRequirement = true
						continue
					}
					f.others = append(f.others, "required provider "+name+" = "+source)
				}
			}
		}
	}
	slices.Sort(f.others)
	f.others = slices.Compact(f.others)
}

func isOurSource(source string) bool {
	return source == cliharness.ProviderSource ||
		strings.HasSuffix(source, "/"+cliharness.ProviderSource) && strings.Count(source, "/") == 2
}

// attrLiteral evaluates an attribute of a block that must be a literal.
func attrLiteral(t *testing.T, b *hclsyntax.Block, name string) (string, bool) {
	t.Helper()
	a, ok := b.Body.Attributes[name]
	if !ok {
		return "", false
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		t.Fatalf("%s: %s is not a literal", b.DefRange(), name)
	}
	switch v.Type() {
	case cty.Number:
		return v.AsBigFloat().String(), true
	case cty.String:
		return v.AsString(), true
	}
	t.Fatalf("%s: %s is not a single value", b.DefRange(), name)
	return "", false
}

// attrLiterals evaluates a list or set of strings.
func attrLiterals(t *testing.T, b *hclsyntax.Block, name string) []string {
	t.Helper()
	a, ok := b.Body.Attributes[name]
	if !ok {
		return nil
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.CanIterateElements() {
		t.Fatalf("%s: %s is not a literal list", b.DefRange(), name)
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e.AsString())
	}
	return out
}

// metaArguments are the arguments every resource and data block takes.
var metaArguments = map[string]bool{"count": true, "for_each": true, "depends_on": true, "provider": true}

// metaBlocks are the nested blocks every resource block takes.
var metaBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}

// allowedRoots are the reference roots that need no object of the folder.
var allowedRoots = map[string]bool{"var": true, "local": true, "each": true, "count": true, "path": true, "terraform": true, "self": true}

// isOurs reports whether a traversal refers to a resource or data source of
// this provider.
func isOurs(tr hcl.Traversal) bool {
	root := tr.RootName()
	if strings.HasPrefix(root, ourPrefix) {
		return true
	}
	if root == "data" && len(tr) > 1 {
		if a, ok := tr[1].(hcl.TraverseAttr); ok && strings.HasPrefix(a.Name, ourPrefix) {
			return true
		}
	}
	return false
}

// foreign reports whether an expression refers to anything this provider
// alone cannot evaluate: another provider's objects, or modules.
func foreign(expr hclsyntax.Expression) bool {
	for _, tr := range hclsyntax.Variables(expr) {
		if !allowedRoots[tr.RootName()] && !isOurs(tr) {
			return true
		}
	}
	return false
}
