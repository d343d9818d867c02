package acctest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	version "github.com/hashicorp/go-version"
)

func TestParseEngineVersion(t *testing.T) {
	cases := []struct {
		out, name, version string
	}{
		{"Terraform v1.5.7\non linux_amd64\n", Terraform, "1.5.7"},
		{"Terraform v1.14.3\non linux_amd64\n", Terraform, "1.14.3"},
		{"Terraform v1.14.3-dev\non linux_amd64\n", Terraform, "1.14.3-dev"},
		{"OpenTofu v1.10.6\non linux_amd64\n", OpenTofu, "1.10.6"},
		{"\nTerraform v1.14.3\r\non linux_amd64\r\n\nYour version of Terraform is out of date!", Terraform, "1.14.3"},
	}
	for _, c := range cases {
		name, v, err := parseEngineVersion(c.out)
		if err != nil {
			t.Errorf("parseEngineVersion(%q): %v", c.out, err)
			continue
		}
		if name != c.name || v.String() != c.version {
			t.Errorf("parseEngineVersion(%q) = %s %s, want %s %s", c.out, name, v, c.name, c.version)
		}
	}

	for _, out := range []string{
		"",
		// `tofu version -json` names OpenTofu's version terraform_version.
		`{"terraform_version": "1.10.6", "platform": "linux_amd64"}`,
		"Terraform 1.14.3\n",
		"Terraform vnot-a-version\n",
		"Packer v1.11.0\n",
	} {
		if name, v, err := parseEngineVersion(out); err == nil {
			t.Errorf("parseEngineVersion(%q) = %s %s, want an error", out, name, v)
		}
	}
}

func TestEngineAtLeast(t *testing.T) {
	engine := func(name, v string) Engine {
		return Engine{Name: name, Version: version.Must(version.NewVersion(v))}
	}
	cases := []struct {
		engine    Engine
		name, min string
		want      bool
	}{
		{engine(Terraform, "1.14.3"), Terraform, "1.12", true},
		{engine(Terraform, "1.12.0"), Terraform, "1.12", true},
		{engine(Terraform, "1.5.7"), Terraform, "1.12", false},
		// A -dev build of the pinned version counts as that version.
		{engine(Terraform, "1.14.0-dev"), Terraform, "1.14", true},
		// OpenTofu's numbers are its own: 1.10 is not Terraform 1.10.
		{engine(OpenTofu, "1.10.6"), Terraform, "1.5", false},
		{engine(OpenTofu, "1.10.6"), OpenTofu, "1.10", true},
		{engine(OpenTofu, "1.10.6"), OpenTofu, "1.11", false},
		{Engine{Name: Terraform}, Terraform, "1.0", false},
	}
	for _, c := range cases {
		got, err := c.engine.AtLeast(c.name, c.min)
		if err != nil {
			t.Errorf("%s AtLeast(%s, %s): %v", c.engine, c.name, c.min, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s AtLeast(%s, %s) = %v, want %v", c.engine, c.name, c.min, got, c.want)
		}
	}
	if _, err := engine(Terraform, "1.14.3").AtLeast(Terraform, "latest"); err == nil {
		t.Error("AtLeast with an invalid minimum: no error")
	}
}

func TestEngineString(t *testing.T) {
	e := Engine{Name: OpenTofu, Version: version.Must(version.NewVersion("1.10.6"))}
	if got, want := e.String(), "OpenTofu 1.10.6"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// A stand-in engine: CurrentEngine runs it once per path and reads its text.
func TestCurrentEngineRunsVersionOnce(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "tofu")
	script := "#!/bin/sh\necho run >> " + filepath.Join(dir, "runs") + "\n" +
		"echo 'OpenTofu v1.10.6'\necho 'on linux_amd64'\necho 'warning' >&2\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", bin)
	for range 3 {
		e, err := CurrentEngine()
		if err != nil {
			t.Fatal(err)
		}
		if e.String() != "OpenTofu 1.10.6" || e.Path != bin {
			t.Fatalf("CurrentEngine() = %+v, want OpenTofu 1.10.6 at %s", e, bin)
		}
	}
	if EngineName() != OpenTofu || EngineVersion().String() != "1.10.6" {
		t.Errorf("EngineName(), EngineVersion() = %q, %v", EngineName(), EngineVersion())
	}
	runs, err := os.ReadFile(filepath.Join(dir, "runs"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(runs), "run"); n != 1 {
		t.Errorf("the engine's version command ran %d times, want once", n)
	}

	t.Setenv("TF_ACC_TERRAFORM_PATH", filepath.Join(dir, "missing"))
	if e, err := CurrentEngine(); err == nil {
		t.Errorf("CurrentEngine() with a missing binary = %+v, want an error", e)
	}
}

// In an acceptance pass, the engine must be identified, and the provider
// host must match it (OpenTofu rejects registry.terraform.io addresses).
func TestAccCurrentEngineOfThisPass(t *testing.T) {
	PreCheck(t)
	e, err := CurrentEngine()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("this pass runs %s (%s)", e, e.Path)
	wantTofu := os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org"
	if (e.Name == OpenTofu) != wantTofu {
		t.Errorf("%s with TF_ACC_PROVIDER_HOST=%q", e, os.Getenv("TF_ACC_PROVIDER_HOST"))
	}
}
