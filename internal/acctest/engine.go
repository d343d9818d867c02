package acctest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	version "github.com/hashicorp/go-version"
)

// Names of the engines the acceptance passes run on (`make testacc`,
// `make testacc-latest`, `make testacc-tofu`), as their `version` command
// prints them.
const (
	Terraform = "Terraform"
	OpenTofu  = "OpenTofu"
)

// Engine is the CLI that drives this test binary's acceptance tests.
type Engine struct {
	// Path is the binary: $TF_ACC_TERRAFORM_PATH, else terraform on PATH,
	// as terraform-plugin-testing picks it.
	Path string
	// Name is Terraform or OpenTofu.
	Name string
	// Version is what the binary reports, e.g. 1.14.3 or 1.14.3-dev.
	Version *version.Version
}

// String is e.g. "OpenTofu 1.10.6".
func (e Engine) String() string {
	if e.Version == nil {
		return e.Name
	}
	return e.Name + " " + e.Version.String()
}

// AtLeast tells whether the engine is name at minVersion or later, a
// version such as "1.12" or "1.14.0". Only the core version is compared, so
// a -dev or prerelease build of 1.14.3 counts as 1.14.3.
func (e Engine) AtLeast(name, minVersion string) (bool, error) {
	want, err := version.NewVersion(minVersion)
	if err != nil {
		return false, fmt.Errorf("minimum version %q: %w", minVersion, err)
	}
	if e.Name != name || e.Version == nil {
		return false, nil
	}
	return e.Version.Core().GreaterThanOrEqual(want.Core()), nil
}

// engineVersionLine is the first line of `terraform version` and
// `tofu version`: "Terraform v1.14.3", "OpenTofu v1.10.6".
var engineVersionLine = regexp.MustCompile(`^(Terraform|OpenTofu) v(\S+)$`)

// parseEngineVersion reads the engine from the output of `<binary> version`.
// The text form is read, not `version -json`: OpenTofu's JSON names its own
// version "terraform_version", so only the text tells the engines apart.
func parseEngineVersion(out string) (name string, v *version.Version, err error) {
	first, _, _ := strings.Cut(strings.TrimLeft(out, " \t\r\n"), "\n")
	first = strings.TrimSpace(first)
	m := engineVersionLine.FindStringSubmatch(first)
	if m == nil {
		return "", nil, fmt.Errorf("unrecognised version output %q", first)
	}
	v, err = version.NewVersion(m[2])
	if err != nil {
		return "", nil, fmt.Errorf("version %q of %s: %w", m[2], m[1], err)
	}
	return m[1], v, nil
}

// enginePath is the binary terraform-plugin-testing runs (it would download
// a Terraform when there is none; this helper never does).
func enginePath() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("no engine: TF_ACC_TERRAFORM_PATH is unset and there is no terraform on PATH")
	}
	return p, nil
}

type engineResult struct {
	once   sync.Once
	engine Engine
	err    error
}

// engines caches one `version` run per binary path for the whole test
// binary.
var engines sync.Map // path -> *engineResult

// CurrentEngine identifies the engine of this run, running its `version`
// command once per binary. It does not need TF_ACC.
func CurrentEngine() (Engine, error) {
	path, err := enginePath()
	if err != nil {
		return Engine{}, err
	}
	r, _ := engines.LoadOrStore(path, &engineResult{})
	res := r.(*engineResult)
	res.once.Do(func() {
		res.engine, res.err = identifyEngine(path)
	})
	return res.engine, res.err
}

func identifyEngine(path string) (Engine, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "version")
	// No version check against the vendor's servers; stderr (e.g. CLI
	// configuration warnings) is kept apart from the version text.
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte // kept by Output when the command fails
		if ee, ok := errors.AsType[*exec.ExitError](err); ok {
			stderr = ee.Stderr
		}
		return Engine{Path: path}, fmt.Errorf("%s version: %w\n%s", path, err, stderr)
	}
	name, v, err := parseEngineVersion(string(out))
	if err != nil {
		return Engine{Path: path}, fmt.Errorf("%s version: %w", path, err)
	}
	return Engine{Path: path, Name: name, Version: v}, nil
}

// EngineName is Terraform or OpenTofu, or "" when the engine cannot be
// identified.
func EngineName() string {
	e, err := CurrentEngine()
	if err != nil {
		return ""
	}
	return e.Name
}

// EngineVersion is the engine's version, or nil when the engine cannot be
// identified.
func EngineVersion() *version.Version {
	e, err := CurrentEngine()
	if err != nil {
		return nil
	}
	return e.Version
}

// SkipUnlessTerraform skips an acceptance test of a feature that only
// Terraform minVersion or later has, e.g.
//
//	acctest.SkipUnlessTerraform(t, "1.12", "resource identity")
//
// skips with "resource identity needs Terraform 1.12 or later; this pass
// runs OpenTofu 1.10.6". Without TF_ACC it skips as PreCheck does. A test
// fails if the engine cannot be identified: a broken engine must not read
// as a skip.
func SkipUnlessTerraform(t *testing.T, minVersion, feature string) {
	t.Helper()
	SkipUnlessEngine(t, Terraform, minVersion, feature)
}

// SkipUnlessOpenTofu is SkipUnlessTerraform for a feature that only OpenTofu
// minVersion or later has.
func SkipUnlessOpenTofu(t *testing.T, minVersion, feature string) {
	t.Helper()
	SkipUnlessEngine(t, OpenTofu, minVersion, feature)
}

// SkipUnlessEngine skips the test unless the engine is name at minVersion or
// later (see SkipUnlessTerraform).
func SkipUnlessEngine(t *testing.T, name, minVersion, feature string) {
	t.Helper()
	PreCheck(t)
	e, err := CurrentEngine()
	if err != nil {
		t.Fatalf("%s needs %s %s or later; cannot tell which engine this pass runs: %v", feature, name, minVersion, err)
	}
	ok, err := e.AtLeast(name, minVersion)
	if err != nil {
		t.Fatalf("SkipUnlessEngine: %v", err)
	}
	if !ok {
		t.Skipf("%s needs %s %s or later; this pass runs %s", feature, name, minVersion, e)
	}
}
