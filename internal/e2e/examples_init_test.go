package e2e_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cliharness"
)

// TestAccExamplesInitWithTheirVersion runs `init` on every configuration a
// user copies that requires this provider (the .tf files under examples/
// and the code blocks of README.md and docs/), with its version constraint as
// written, against a filesystem mirror holding the build the text says it is
// for, and on every `version = "…"` the prose of those files tells a user to
// write. The rule is the one the README and the migration guide state: a
// constraint that names a pre-release is for a local build of `make mirror`,
// which is 0.1.0-dev before the first tag (GNUmakefile's default VERSION);
// any other constraint, or none, is for a registry release, the version of
// CHANGELOG.md's first section. A constraint whose text speaks of a local
// build must also name the pre-release pin that one needs, which is then
// installed from the local build's mirror as well (see pinProblems).
//
// Only the requirement is kept (the required_providers entry and a bare
// provider block): init needs no API, and the other providers the examples
// use (aws, google) are out of reach of a machine without a registry.
func TestAccExamplesInitWithTheirVersion(t *testing.T) {
	requireAcc(t)
	e := cliEngine(t)
	root, err := cliharness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	builds := documentedBuilds(t, root)
	t.Logf("engine: %s; a local build is %s, a registry release %s", e, builds.local, builds.release)

	files := pinFiles(t, root)
	sites, problems := collectPinSites(t, root, files)
	for _, from := range []string{"README.md", "docs/", "examples/"} {
		if !slices.ContainsFunc(sites, func(s pinSite) bool { return strings.HasPrefix(s.where, from) }) {
			t.Errorf("no configuration requiring %s found in %s", cliharness.ProviderSource, from)
		}
	}
	cases, more := planInits(sites, builds)
	for _, p := range append(problems, more...) {
		t.Error(p)
	}

	// One mirror per build, each holding that version alone, laid out by
	// tools/mirror.sh from the binary TestMain built.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	mirrors := map[string]string{}
	for _, v := range []string{builds.local, builds.release} {
		dir := filepath.Join(t.TempDir(), "mirror")
		runMirrorScript(ctx, t, root, "--binary", filepath.Join(providerDir, "terraform-provider-rediscloud"),
			"--output", dir, "--version", v)
		mirrors[v] = dir
	}
	cancel()

	installed := regexp.MustCompile(`Installed (?:\S+/)?` + regexp.QuoteMeta(cliharness.ProviderSource) + ` v(\S+)`)
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			t.Logf("written at %s", c.whereList())
			ws, guard := mirrorWorkspace(t, e, mirrors[c.target])
			writeFile(t, ws, "main.tf", c.config)
			out, code, err := runCode(ctx, ws, "init", "-no-color", "-input=false")
			if err != nil {
				t.Fatal(err)
			}
			guard.check(t)
			if code != 0 {
				t.Fatalf("%s: %s: %s init against a mirror holding only %s %s failed (exit code %d):\n%s\n--- configuration:\n%s",
					c.whereList(), c.describe(), e.Name, c.purpose(), c.target, code, tail(out, 2000), c.config)
			}
			m := installed.FindStringSubmatch(out)
			if len(m) < 2 || m[1] != c.target {
				t.Fatalf("%s: %s: %s init did not install v%s from the mirror:\n%s", c.whereList(), c.describe(), e.Name, c.target, out)
			}
		})
	}
}

// TestExamplesInitPinRules feeds collectPinSites and planInits a document
// with a local build next to a registry constraint, a pre-release next to
// text about a registry release only, and pins that are right, and wants
// exactly the wrong ones reported.
func TestExamplesInitPinRules(t *testing.T) {
	root := t.TempDir()
	doc := "# Doc\n\n" +
		"For a local build of `make mirror`:\n\n" +
		"```terraform\n" + requirement("rediscloud", `"~> 0.1"`, "") + "```\n\n" +
		"Right:\n\n" +
		"```terraform\n" + requirement("rediscloud", `"~> 0.1"`, `# a registry release; a local build needs "0.1.0-dev"`) + "```\n\n" +
		"A registry release:\n\n" +
		"```hcl\n" + requirement("mine", `"0.1.0-dev"`, "") + "```\n\n" +
		"Then run init.\n\n" +
		"Before a release, add `version = \"~> 0.1\"` to use a local build of `make mirror`.\n"
	tf := "# The locally built provider.\n\n" + requirement("rediscloud", "", "")
	writeTestFile(t, filepath.Join(root, "doc.md"), doc)
	writeTestFile(t, filepath.Join(root, "main.tf"), tf)

	sites, problems := collectPinSites(t, root, []string{"doc.md", "main.tf"})
	cases, more := planInits(sites, builds{local: "0.1.0-dev", release: "0.1.0"})
	problems = append(problems, more...)
	for _, want := range []string{
		`doc.md:10: version "~> 0.1" is for a registry release`,
		`doc.md:40: version "0.1.0-dev" names a pre-release`,
		`doc.md:50: version "~> 0.1" is for a registry release`,
		`main.tf:5: no version is for a registry release`,
	} {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, want) }) {
			t.Errorf("not reported: %s…; reported:\n%s", want, strings.Join(problems, "\n"))
		}
	}
	if len(problems) != 4 {
		t.Errorf("want 4 problems, got %d:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	var got []string
	for _, c := range cases {
		got = append(got, c.name())
	}
	want := []string{"mine=0.1.0-dev@0.1.0-dev", "rediscloud=0.1.0-dev@0.1.0-dev", "rediscloud=none@0.1.0", "rediscloud=~>0.1@0.1.0"}
	if !slices.Equal(got, want) {
		t.Errorf("init cases: want %q, got %q", want, got)
	}
}

// requirement is a configuration requiring this provider under local name
// with the version expression given (none when empty) and a comment on that
// line.
func requirement(local, version, comment string) string {
	line := ""
	if version != "" {
		line = "      version = " + version + " " + comment + "\n"
	}
	return "terraform {\n  required_providers {\n    " + local + " = {\n      source  = \"" + cliharness.ProviderSource + "\"\n" +
		line + "    }\n  }\n}\n\nprovider \"" + local + "\" {}\n"
}

// builds are the two versions a configuration can be written for.
type builds struct {
	// local is what `make mirror` builds before the first tag.
	local string
	// release is the registry release the docs are written for.
	release string
}

// documentedBuilds reads the local build's version from GNUmakefile (its
// default VERSION, which tools/mirror.sh must share) and the release's from
// CHANGELOG.md's first section, so that neither depends on git tags.
func documentedBuilds(t *testing.T, root string) builds {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var b builds
	if m := regexp.MustCompile(`(?m)^VERSION := \$\(or \$\(shell .*\),([^,()\s]+)\)\s*$`).FindStringSubmatch(read("GNUmakefile")); m != nil {
		b.local = m[1]
	} else {
		t.Fatal("GNUmakefile: no `VERSION := $(or $(shell …),DEFAULT)` line")
	}
	if m := regexp.MustCompile(`\$\{version:-([^}]+)\}`).FindStringSubmatch(read("tools/mirror.sh")); len(m) < 2 || m[1] != b.local {
		t.Fatalf("tools/mirror.sh's default version (%q) is not GNUmakefile's %q", m, b.local)
	}
	if m := regexp.MustCompile(`(?m)^## (\d+\.\d+\.\d+)\b`).FindStringSubmatch(read("CHANGELOG.md")); m != nil {
		b.release = m[1]
	} else {
		t.Fatal("CHANGELOG.md: no `## x.y.z` section")
	}
	if !preRelease.MatchString(b.local) || preRelease.MatchString(b.release) {
		t.Fatalf("the local build %s must be a pre-release and the release %s not", b.local, b.release)
	}
	return b
}

// pinFiles lists what a user copies configurations from, relative to root:
// the .tf files under examples/, README.md, and the generated docs/ (what
// the registry shows; templates/ is their source and is not read, so that
// no text is checked twice).
func pinFiles(t *testing.T, root string) []string {
	t.Helper()
	files := []string{"README.md"}
	for _, dir := range []string{"docs", "examples"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if ext := filepath.Ext(path); ext == ".md" || ext == ".tf" {
				rel, err := filepath.Rel(root, path)
				files = append(files, filepath.ToSlash(rel))
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// pinSite is one place that tells a user which version constraint to write
// for this provider.
type pinSite struct {
	where  string // file:line, relative to the module root
	local  string // the local name in required_providers
	source string // the source as written
	// version is the constraint's value and versionSrc its expression as
	// written; both empty when there is no version.
	version, versionSrc string
	// note is the text next to the constraint: the configuration's
	// comments up to the end of its terraform block, and in a markdown
	// file the paragraphs just before and after the code block (or, for a
	// pin written in prose, its paragraph).
	note string
}

func (s pinSite) describe() string {
	if s.versionSrc == "" {
		return "no version"
	}
	return "version " + s.versionSrc
}

var (
	// preRelease matches a version with a pre-release part.
	preRelease = regexp.MustCompile(`\d+\.\d+\.\d+-[0-9A-Za-z]`)
	// localBuildWords say that a text is about a local build.
	localBuildWords = regexp.MustCompile(`(?i)\blocal(ly)?[ -]buil(d|t)|make mirror|pre-?release|filesystem mirror`)
	// registryWords say that a text is about a registry release.
	registryWords = regexp.MustCompile(`(?i)registry release|from (a|the) registry`)
	// quotedPreRelease is a quoted constraint naming a pre-release.
	quotedPreRelease = regexp.MustCompile(`"([^"\n]*\d+\.\d+\.\d+-[0-9A-Za-z.-]+[^"\n]*)"`)
	// prosePin is a `version = "…"` written in prose.
	prosePin = regexp.MustCompile("`version\\s*=\\s*(\"[^\"`]*\")`")
	// fence opens or closes a markdown code block.
	fence = regexp.MustCompile("^(\\s*)(```+|~~~+)\\s*([A-Za-z0-9_+-]*)\\s*$")
)

// collectPinSites reads every file (relative to root): a .tf file is one
// configuration; a markdown file holds configurations in code blocks, and
// pins in its prose. It returns problems for configurations that require
// this provider and do not parse.
func collectPinSites(t *testing.T, root string, files []string) ([]pinSite, []string) {
	t.Helper()
	var sites []pinSite
	var problems []string
	for _, rel := range files {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(rel, ".md") {
			s, p := markdownPinSites(rel, string(src))
			sites, problems = append(sites, s...), append(problems, p...)
			continue
		}
		s, p := configPinSites(rel, string(src), 1, "")
		sites, problems = append(sites, s...), append(problems, p...)
	}
	return sites, problems
}

// markdownPinSites collects the configurations in a markdown file's code
// blocks that mention required_providers, and its prose pins.
func markdownPinSites(rel, src string) ([]pinSite, []string) {
	lines := strings.Split(src, "\n")
	var sites []pinSite
	var problems []string
	for i := 0; i < len(lines); i++ {
		m := fence.FindStringSubmatch(lines[i])
		if m == nil {
			for _, p := range prosePin.FindAllStringSubmatch(lines[i], -1) {
				version := strings.Trim(p[1], `"`)
				sites = append(sites, pinSite{
					where: fmt.Sprintf("%s:%d", rel, i+1), local: "rediscloud", source: cliharness.ProviderSource,
					version: version, versionSrc: p[1], note: paragraph(lines, i, 0),
				})
			}
			continue
		}
		indent, marker := len(m[1]), m[2]
		end := i + 1
		for end < len(lines) && strings.TrimSpace(lines[end]) != marker {
			end++
		}
		var body strings.Builder
		for _, l := range lines[i+1 : min(end, len(lines))] {
			body.WriteString(strings.TrimPrefix(l, strings.Repeat(" ", min(indent, len(l)-len(strings.TrimLeft(l, " "))))) + "\n")
		}
		if strings.Contains(body.String(), "required_providers") {
			note := paragraph(lines, i, -1) + "\n" + paragraph(lines, end, +1)
			s, p := configPinSites(rel, body.String(), i+2, note)
			sites, problems = append(sites, s...), append(problems, p...)
		}
		i = end
	}
	return sites, problems
}

// paragraph is the prose next to line i of a markdown file: with dir -1 the
// paragraph ending just above it, +1 the one starting just below, 0 the one
// holding it. Headings, code fences and HTML comments end a paragraph.
func paragraph(lines []string, i, dir int) string {
	ends := func(l string) bool {
		s := strings.TrimSpace(l)
		return s == "" || strings.HasPrefix(s, "#") || fence.MatchString(l) || strings.HasPrefix(s, "<!--")
	}
	if dir == 0 {
		lo, hi := i, i
		for lo > 0 && !ends(lines[lo-1]) {
			lo--
		}
		for hi+1 < len(lines) && !ends(lines[hi+1]) {
			hi++
		}
		return strings.Join(lines[lo:hi+1], "\n")
	}
	j := i + dir
	for j >= 0 && j < len(lines) && strings.TrimSpace(lines[j]) == "" {
		j += dir
	}
	var out []string
	for ; j >= 0 && j < len(lines) && !ends(lines[j]); j += dir {
		out = append(out, lines[j])
	}
	if dir < 0 {
		slices.Reverse(out)
	}
	return strings.Join(out, "\n")
}

// configPinSites finds every required_providers entry for this provider in
// one configuration, which starts at line first of file rel; note is the
// prose around it.
func configPinSites(rel, src string, first int, note string) ([]pinSite, []string) {
	start := hcl.Pos{Line: first, Column: 1}
	f, diags := hclsyntax.ParseConfig([]byte(src), rel, start)
	if diags.HasErrors() {
		if strings.Contains(src, cliharness.ProviderSource) {
			return nil, []string{fmt.Sprintf("%s:%d: a configuration requiring %s does not parse: %s", rel, first, cliharness.ProviderSource, diags.Error())}
		}
		return nil, nil
	}
	tokens, _ := hclsyntax.LexConfig([]byte(src), rel, start)
	var sites []pinSite
	for _, tb := range f.Body.(*hclsyntax.Body).Blocks {
		if tb.Type != "terraform" {
			continue
		}
		var comments []string
		for _, tok := range tokens {
			if tok.Type == hclsyntax.TokenComment && tok.Range.End.Byte <= tb.Range().End.Byte {
				comments = append(comments, strings.TrimSpace(string(tok.Bytes)))
			}
		}
		blockNote := strings.Join(append(comments, note), "\n")
		for _, rp := range tb.Body.Blocks {
			if rp.Type != "required_providers" {
				continue
			}
			for _, name := range sortedKeys(rp.Body.Attributes) {
				a := rp.Body.Attributes[name]
				obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
				if !ok {
					continue
				}
				site := pinSite{local: name, note: blockNote, where: fmt.Sprintf("%s:%d", rel, a.SrcRange.Start.Line)}
				for _, item := range obj.Items {
					key, kd := item.KeyExpr.Value(nil)
					val, vd := item.ValueExpr.Value(nil)
					if kd.HasErrors() || vd.HasErrors() || key.Type() != cty.String || val.Type() != cty.String || val.IsNull() {
						continue
					}
					switch key.AsString() {
					case "source":
						site.source = val.AsString()
					case "version":
						r := item.ValueExpr.Range()
						site.version, site.versionSrc = val.AsString(), src[r.Start.Byte:r.End.Byte]
						site.where = fmt.Sprintf("%s:%d", rel, r.Start.Line)
					}
				}
				if isOurSource(site.source) {
					sites = append(sites, site)
				}
			}
		}
	}
	return sites, nil
}

// initCase is one init to run: a constraint as written, against the mirror
// of the build it is for, with every place that writes it.
type initCase struct {
	local, source, versionSrc string
	target                    string // the version the mirror holds
	forLocal                  bool   // the target is the local build
	sites                     []string
	config                    string
}

func (c *initCase) name() string {
	v := "none"
	if c.versionSrc != "" {
		v = strings.ReplaceAll(strings.Trim(c.versionSrc, `"`), " ", "")
	}
	return c.local + "=" + v + "@" + c.target
}

func (c *initCase) describe() string {
	return pinSite{versionSrc: c.versionSrc}.describe()
}

func (c *initCase) purpose() string {
	if c.forLocal {
		return "the local build"
	}
	return "the registry release"
}

func (c *initCase) whereList() string { return strings.Join(c.sites, ", ") }

// planInits applies the documented rule to every site: the build its
// constraint is for, and whether its text agrees (see pinProblems). It
// returns one init per distinct requirement and build, in name order.
func planInits(sites []pinSite, b builds) ([]*initCase, []string) {
	cases := map[string]*initCase{}
	var problems []string
	add := func(s pinSite) {
		c := &initCase{local: s.local, source: s.source, versionSrc: s.versionSrc, target: b.release}
		if preRelease.MatchString(s.version) {
			c.target, c.forLocal = b.local, true
		}
		if old, ok := cases[c.name()]; ok {
			if !slices.Contains(old.sites, s.where) {
				old.sites = append(old.sites, s.where)
			}
			return
		}
		c.sites = []string{s.where}
		version := ""
		if s.versionSrc != "" {
			version = "      version = " + s.versionSrc + "\n"
		}
		c.config = fmt.Sprintf("terraform {\n  required_providers {\n    %s = {\n      source  = %q\n%s    }\n  }\n}\n\nprovider %q {}\n",
			s.local, s.source, version, s.local)
		cases[c.name()] = c
	}
	for _, s := range sites {
		add(s)
		named, problem := pinProblems(s)
		if problem != "" {
			problems = append(problems, problem)
		}
		for _, v := range named {
			add(pinSite{where: s.where + " (named next to " + s.describe() + ")", local: s.local, source: s.source, version: v, versionSrc: `"` + v + `"`})
		}
	}
	var out []*initCase
	for _, k := range sortedKeys(cases) {
		out = append(out, cases[k])
	}
	return out, problems
}

// pinProblems checks a site's text against its constraint, and returns the
// pre-release pins the text names (each quoted), which are installed from
// the local build's mirror too:
//   - a constraint that names no pre-release (or none at all) selects only a
//     registry release: if its text speaks of a local build, it must name the
//     pre-release pin that one needs;
//   - a constraint that names a pre-release selects only a local build: its
//     text must not speak of a registry release alone.
func pinProblems(s pinSite) ([]string, string) {
	var named []string
	for _, m := range quotedPreRelease.FindAllStringSubmatch(s.note, -1) {
		if m[1] != s.version && !slices.Contains(named, m[1]) {
			named = append(named, m[1])
		}
	}
	local := localBuildWords.FindString(s.note)
	if !preRelease.MatchString(s.version) {
		if local != "" && len(named) == 0 {
			return nil, fmt.Sprintf("%s: %s is for a registry release (it cannot select the pre-release a local build is), "+
				"but the text next to it speaks of a local build (%q) without naming the exact pre-release version that one needs",
				s.where, s.describe(), local)
		}
		return named, ""
	}
	if registry := registryWords.FindString(s.note); registry != "" && local == "" {
		return named, fmt.Sprintf("%s: %s names a pre-release, which only a local build is, but the text next to it speaks of a registry release (%q) and not of a local build",
			s.where, s.describe(), registry)
	}
	return named, ""
}
