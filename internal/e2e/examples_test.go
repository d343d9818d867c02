package e2e_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/acctest"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// TestAccExamplesFormatted runs `fmt -check` over every example.
func TestAccExamplesFormatted(t *testing.T) {
	acctest.PreCheck(t)
	e := cliEngine(t)
	ws := newWorkspace(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, code, err := runCode(ctx, ws, "fmt", "-check", "-recursive", "-diff", "-no-color", examplesRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("%s fmt -check -recursive examples/ failed (exit code %d); run `terraform fmt -recursive examples`:\n%s", e, code, out)
	}
}

// TestAccExamplesMatchTheSchema checks every folder against this provider's
// schema as the CLI reports it: the types it uses exist, their arguments
// exist, and every reference to their attributes resolves. A folder that
// also needs other providers is then validated by the CLI in a stubbed form
// that needs only this provider (see stubConfiguration).
func TestAccExamplesMatchTheSchema(t *testing.T) {
	acctest.PreCheck(t)
	e := cliEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s := loadSchema(ctx, t, e)
	for _, f := range loadFolders(t) {
		t.Run(f.rel, func(t *testing.T) {
			for _, p := range checkFolderAgainstSchema(t, f, s) {
				t.Error(p)
			}
			if f.onlyOurs() {
				return // validated as it is by TestAccExamplesApply
			}
			t.Logf("also needs %s: validating a stub of the other providers' objects", strings.Join(f.others, ", "))
			ws := newWorkspace(t)
			stub := stubConfiguration(f)
			if err := ws.WriteFile("main.tf", stub); err != nil {
				t.Fatal(err)
			}
			if out, code, err := runCode(ctx, ws, "validate", "-no-color"); err != nil || code != 0 {
				t.Fatalf("validate of the stubbed %s (exit code %d, %v):\n%s\n--- stubbed configuration:\n%s", f.rel, code, err, out, stub)
			}
		})
	}
}

// TestAccExamplesApply validates, applies and destroys every folder that needs
// only this provider, against a simulator holding the fixture, and checks
// that every output has a value, that a second plan has nothing to do, and
// that destroy leaves nothing behind. Every resource and data source of the
// provider must have its documentation example among them.
func TestAccExamplesApply(t *testing.T) {
	acctest.PreCheck(t)
	e := cliEngine(t)
	t.Logf("engine: %s (%s)", e, e.Path)
	folders := loadFolders(t)

	ran := map[string]bool{}
	for _, f := range folders {
		if f.onlyOurs() {
			ran[f.rel] = true
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := loadSchema(ctx, t, e)
	for typ := range s.Resources {
		if !ran["resources/"+typ] {
			t.Errorf("resource %s has no example in examples/resources/%s that runs with this provider alone", typ, typ)
		}
	}
	for typ := range s.DataSources {
		if !ran["data-sources/"+typ] {
			t.Errorf("data source %s has no example in examples/data-sources/%s that runs with this provider alone", typ, typ)
		}
	}

	for _, f := range folders {
		if !f.onlyOurs() {
			continue
		}
		t.Run(f.rel, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			srv, fixture := fixtureSim(t)
			ws := newWorkspace(t)
			copyFolder(t, f, ws)
			pointAtSim(t, f, ws, srv)

			mustRun(ctx, t, ws, "validate", "-no-color")
			mustRun(ctx, t, ws, "apply", "-auto-approve", "-no-color", "-input=false")
			checkOutputs(ctx, t, ws)
			if out, code, err := runCode(ctx, ws, "plan", "-detailed-exitcode", "-no-color", "-input=false"); err != nil || code != 0 {
				t.Fatalf("the plan after apply is not empty (exit code %d, %v):\n%s", code, err, out)
			}
			mustRun(ctx, t, ws, "destroy", "-auto-approve", "-no-color", "-input=false")
			for _, p := range srv.Peerings() {
				if !fixture[p.ID] {
					t.Errorf("peering %d/%d is left after destroy", p.SubscriptionID, p.ID)
				}
			}
		})
	}
}

// checkOutputs wants every output to have a value that is not empty: an
// example whose output is null or empty shows nothing useful.
func checkOutputs(ctx context.Context, t *testing.T, ws *workspace) {
	t.Helper()
	raw := mustRun(ctx, t, ws, "output", "-json", "-no-color")
	var outputs map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(raw), &outputs); err != nil {
		t.Fatalf("decoding output -json: %v\n%s", err, raw)
	}
	for name, o := range outputs {
		v := reflect.ValueOf(o.Value)
		if o.Value == nil || (v.Kind() == reflect.String || v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 {
			t.Errorf("output %s is empty: %#v", name, o.Value)
		}
	}
	t.Logf("outputs: %s", strings.Join(strings.Fields(raw), " "))
}

// importLine is `terraform import <address> <id>`, the only command the
// import scripts hold.
var importLine = regexp.MustCompile(`^terraform import ([a-z0-9_]+)\.([A-Za-z0-9_-]+) (\S+)$`)

// importID is the form our import accepts.
var importID = regexp.MustCompile(`^([1-9][0-9]*)/([1-9][0-9]*)$`)

// TestAccExampleImports runs every import.sh command against a simulator that
// holds the peering the folder's example describes, under the ID the
// command names, and checks that the imported peering plans no replacement
// and, once the configuration's timeouts are applied, no change at all.
func TestAccExampleImports(t *testing.T) {
	acctest.PreCheck(t)
	e := cliEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := loadSchema(ctx, t, e)
	scripts := 0
	for _, f := range loadFolders(t) {
		script := filepath.Join(f.dir, "import.sh")
		if _, err := os.Stat(script); err != nil {
			continue
		}
		scripts++
		for n, cmd := range importScriptCommands(t, script) {
			t.Run(fmt.Sprintf("%s/%d", f.rel, n+1), func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				m := importLine.FindStringSubmatch(cmd)
				if m == nil {
					t.Fatalf("%s: %q is not `terraform import <type>.<name> <id>`", script, cmd)
				}
				typ, name, id := m[1], m[2], m[3]
				if _, ok := s.Resources[typ]; !ok {
					t.Fatalf("%s: this provider has no resource %s", script, typ)
				}
				ids := importID.FindStringSubmatch(id)
				if ids == nil {
					t.Fatalf("%s: import ID %q is not <subscription_id>/<peering_id>", script, id)
				}
				sub, _ := strconv.Atoi(ids[1])
				peeringID, _ := strconv.Atoi(ids[2])
				runImport(ctx, t, e, f, script, typ, name, sub, peeringID, func(ws *workspace) {
					mustRun(ctx, t, ws, append([]string{"import", "-no-color", "-input=false"}, typ+"."+name, id)...)
				})
			})
		}
	}
	if scripts == 0 {
		t.Fatal("no import.sh under examples/")
	}
}

// importBlockExample is the literal content of an import example.
var (
	importTo       = regexp.MustCompile(`(?m)^\s*to\s*=\s*([a-z0-9_]+)\.([A-Za-z0-9_-]+)\s*$`)
	importBlockID  = regexp.MustCompile(`(?m)^\s*id\s*=\s*"([^"]+)"\s*$`)
	importIdentSub = regexp.MustCompile(`(?m)^\s*subscription_id\s*=\s*"([0-9]+)"\s*$`)
	importIdentID  = regexp.MustCompile(`(?m)^\s*peering_id\s*=\s*([0-9]+)\s*$`)
)

// TestAccExampleImportBlocks applies every import-block example of the
// documentation (by ID on every engine, by identity on Terraform 1.12 and
// later) against a simulator that holds the peering the folder's example
// describes, and checks that nothing but the import is planned.
func TestAccExampleImportBlocks(t *testing.T) {
	acctest.PreCheck(t)
	e := cliEngine(t)
	ran := 0
	for _, f := range loadFolders(t) {
		for _, name := range []string{"import-by-string-id.tf", "import-by-identity.tf"} {
			path := filepath.Join(f.dir, name)
			src, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			ran++
			t.Run(f.rel+"/"+name, func(t *testing.T) {
				if name == "import-by-identity.tf" && !terraformAtLeast(e, "1.12.0") {
					t.Skipf("import by identity needs Terraform 1.12 or later; this pass runs %s", e)
				}
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				to := importTo.FindStringSubmatch(string(src))
				if to == nil {
					t.Fatalf("%s: no `to = <type>.<name>`", path)
				}
				typ, rname := to[1], to[2]
				var sub, peeringID int
				if m := importBlockID.FindStringSubmatch(string(src)); m != nil {
					ids := importID.FindStringSubmatch(m[1])
					if ids == nil {
						t.Fatalf("%s: import ID %q is not <subscription_id>/<peering_id>", path, m[1])
					}
					sub, _ = strconv.Atoi(ids[1])
					peeringID, _ = strconv.Atoi(ids[2])
				} else {
					ms, mi := importIdentSub.FindStringSubmatch(string(src)), importIdentID.FindStringSubmatch(string(src))
					if ms == nil || mi == nil {
						t.Fatalf("%s: neither an id nor an identity with subscription_id and peering_id", path)
					}
					sub, _ = strconv.Atoi(ms[1])
					peeringID, _ = strconv.Atoi(mi[1])
				}
				// The import block itself is the import.
				runImport(ctx, t, e, f, path, typ, rname, sub, peeringID, func(ws *workspace) {
					if err := ws.WriteFile(name, string(src)); err != nil {
						t.Fatal(err)
					}
				})
			})
		}
	}
	if ran == 0 {
		t.Fatal("no import-block example under examples/")
	}
}

// runImport imports peering sub/peeringID, as the example folder f declares
// it in typ.name, into a workspace of f against a simulator holding it:
// importIt runs the import (a command, or an import block it writes), and
// the plan that follows must import it and change nothing else, the apply
// must create nothing, and the plan after it must be empty.
func runImport(ctx context.Context, t *testing.T, e engine, f *folder, source, typ, name string, sub, peeringID int, importIt func(ws *workspace)) {
	t.Helper()
	b := f.resourceBlock(typ, name)
	if b == nil {
		t.Fatalf("%s: %s.%s is not declared in %s", source, typ, name, f.rel)
	}
	p := peeringFromBlock(t, typ, b)
	if p.SubscriptionID != sub {
		t.Fatalf("%s: the import's subscription %d is not the example's (%d)", source, sub, p.SubscriptionID)
	}
	p.ID = peeringID
	srv := acctest.NewSim(t, cloudsim.Options{})
	if _, err := srv.AddPeering(p); err != nil {
		t.Fatal(err)
	}
	ws := newWorkspace(t)
	copyFolder(t, f, ws)
	pointAtSim(t, f, ws, srv)
	importIt(ws)
	mustRun(ctx, t, ws, "plan", "-out=import.tfplan", "-no-color", "-input=false")
	checkImportPlan(ctx, t, ws, typ+"."+name)
	mustRun(ctx, t, ws, "apply", "-no-color", "-input=false", "import.tfplan")
	if n := len(srv.Peerings()); n != 1 {
		t.Fatalf("the simulator holds %d peerings after the import, want 1", n)
	}
	if out, code, err := runCode(ctx, ws, "plan", "-detailed-exitcode", "-no-color", "-input=false"); err != nil || code != 0 {
		t.Fatalf("the plan after import and apply is not empty (exit code %d, %v):\n%s", code, err, out)
	}
}

// importCommands reads the commands of an import script, without comments
// and blank lines.
func importScriptCommands(t *testing.T, path string) []string {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var out []string
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no command", path)
	}
	return out
}

// checkImportPlan wants the plan after an import to keep the peering: no
// create or delete, and an update only of the timeouts the configuration
// sets (an import cannot know them).
func checkImportPlan(ctx context.Context, t *testing.T, ws *workspace, addr string) {
	t.Helper()
	raw := mustRun(ctx, t, ws, "show", "-json", "-no-color", "import.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string       `json:"actions"`
				Before  map[string]any `json:"before"`
				After   map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(raw), &plan); err != nil {
		t.Fatalf("decoding the plan: %v", err)
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Address != addr {
			continue
		}
		switch strings.Join(rc.Change.Actions, ",") {
		case "no-op":
			return
		case "update":
			for k, before := range rc.Change.Before {
				if after, ok := rc.Change.After[k]; ok && k != "timeouts" && !reflect.DeepEqual(before, after) {
					t.Errorf("%s: the plan after import changes %s from %v to %v", addr, k, before, after)
				}
			}
			return
		default:
			t.Fatalf("%s: the plan after import wants %v:\n%s", addr, rc.Change.Actions, mustRun(ctx, t, ws, "show", "-no-color", "import.tfplan"))
		}
	}
	t.Fatalf("%s is not in the plan after import", addr)
}

// peeringFromBlock is the peering an example's resource block describes,
// from its literal arguments.
func peeringFromBlock(t *testing.T, typ string, b *block) cloudsim.PeeringInfo {
	t.Helper()
	lit := func(name string) string {
		v, _ := attrLiteral(t, b.Block, name)
		return v
	}
	sub, err := strconv.Atoi(lit("subscription_id"))
	if err != nil {
		t.Fatalf("%s: subscription_id: %v", b.DefRange(), err)
	}
	p := cloudsim.PeeringInfo{
		SubscriptionID: sub,
		Provider:       lit("provider_name"),
		AWSAccountID:   lit("aws_account_id"),
		VPCID:          lit("vpc_id"),
		CIDRs:          attrLiterals(t, b.Block, "vpc_cidrs"),
		GCPProjectID:   lit("gcp_project_id"),
		GCPNetworkName: lit("gcp_network_name"),
	}
	if c := lit("vpc_cidr"); c != "" {
		p.CIDRs = []string{c}
	}
	if typ == "rediscloud_active_active_subscription_peering" {
		p.Kind = cloudsim.KindActiveActive
		p.SourceRegion = lit("source_region")
		p.DestinationRegion = lit("destination_region")
	} else {
		p.Kind = cloudsim.KindPro
		p.Region = lit("region")
	}
	return p
}
