package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// goreleaserConfig is the part of .goreleaser.yml this project writes.
// Decoding it with known fields only makes a misspelt key fail here, as
// `goreleaser check` would.
type goreleaserConfig struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		Env          []string   `yaml:"env"`
		ModTimestamp string     `yaml:"mod_timestamp"`
		Flags        []string   `yaml:"flags"`
		Ldflags      []string   `yaml:"ldflags"`
		Goos         []string   `yaml:"goos"`
		Goarch       []string   `yaml:"goarch"`
		Ignore       []platform `yaml:"ignore"`
		Binary       string     `yaml:"binary"`
	} `yaml:"builds"`
	Archives []struct {
		Formats      []string `yaml:"formats"`
		NameTemplate string   `yaml:"name_template"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string       `yaml:"name_template"`
		Algorithm    string       `yaml:"algorithm"`
		ExtraFiles   []extraFiles `yaml:"extra_files"`
	} `yaml:"checksum"`
	Signs []struct {
		Artifacts string   `yaml:"artifacts"`
		Args      []string `yaml:"args"`
	} `yaml:"signs"`
	Release struct {
		GitHub struct {
			Owner string `yaml:"owner"`
			Name  string `yaml:"name"`
		} `yaml:"github"`
		ExtraFiles []extraFiles `yaml:"extra_files"`
		Draft      bool         `yaml:"draft"`
	} `yaml:"release"`
	Snapshot struct {
		VersionTemplate string `yaml:"version_template"`
	} `yaml:"snapshot"`
	Changelog struct {
		Disable bool `yaml:"disable"`
	} `yaml:"changelog"`
}

type platform struct {
	Goos   string `yaml:"goos"`
	Goarch string `yaml:"goarch"`
}

type extraFiles struct {
	Glob         string `yaml:"glob"`
	NameTemplate string `yaml:"name_template"`
}

// TestReleaseConfigurationFitsTheRegistry holds .goreleaser.yml to what the
// Terraform Registry reads from a release: zips named
// NAME_VERSION_OS_ARCH.zip holding NAME_vVERSION, a SHA256SUMS file with a
// detached signature, and the manifest beside them; binaries that run
// anywhere and carry their version. `make release-snapshot` builds with it
// (and CI's release job on every push); this test keeps the fields the
// registry depends on from drifting in the meantime, in milliseconds.
func TestReleaseConfigurationFitsTheRegistry(t *testing.T) {
	raw, err := os.ReadFile(".goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var cfg goreleaserConfig
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf(".goreleaser.yml: %v", err)
	}

	want := func(field, got, expected string) {
		t.Helper()
		if got != expected {
			t.Errorf("%s = %q, want %q", field, got, expected)
		}
	}
	if cfg.Version != 2 {
		t.Errorf("version = %d, want 2 (the goreleaser v2 format)", cfg.Version)
	}
	// The registry and Terraform find the provider by this name.
	want("project_name", cfg.ProjectName, "terraform-provider-rediscloud")

	if len(cfg.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(cfg.Builds))
	}
	b := cfg.Builds[0]
	want("builds[0].binary", b.Binary, "{{ .ProjectName }}_v{{ .Version }}")
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("builds[0].env = %q, want CGO_ENABLED=0: a provider must run where no C library can be installed", b.Env)
	}
	if !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("builds[0].flags = %q, want -trimpath", b.Flags)
	}
	// main.version is what the provider reports; the reference keeps the
	// test from compiling if the variable is renamed.
	_ = version
	if !strings.Contains(strings.Join(b.Ldflags, " "), "-X main.version={{ .Version }}") {
		t.Errorf("builds[0].ldflags = %q, want -X main.version={{ .Version }}", b.Ldflags)
	}

	// Every platform built must be one Go builds, and the common ones must
	// be there.
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatalf("go tool dist list: %v", err)
	}
	known := strings.Fields(string(out))
	var platforms []string
	for _, goos := range b.Goos {
		for _, goarch := range b.Goarch {
			if slices.Contains(b.Ignore, platform{goos, goarch}) {
				continue
			}
			p := goos + "/" + goarch
			if !slices.Contains(known, p) {
				t.Errorf("builds[0] targets %s, which Go does not build (add it to ignore)", p)
			}
			platforms = append(platforms, p)
		}
	}
	for _, p := range []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"} {
		if !slices.Contains(platforms, p) {
			t.Errorf("builds[0] does not target %s", p)
		}
	}

	if len(cfg.Archives) != 1 {
		t.Fatalf("%d archives, want 1", len(cfg.Archives))
	}
	if !slices.Equal(cfg.Archives[0].Formats, []string{"zip"}) {
		t.Errorf("archives[0].formats = %q, want [zip]: the registry installs zips", cfg.Archives[0].Formats)
	}
	want("archives[0].name_template", cfg.Archives[0].NameTemplate, "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}")
	want("checksum.name_template", cfg.Checksum.NameTemplate, "{{ .ProjectName }}_{{ .Version }}_SHA256SUMS")
	want("checksum.algorithm", cfg.Checksum.Algorithm, "sha256")

	// The manifest is summed and published beside the zips, under the
	// name the registry looks for.
	manifest := extraFiles{Glob: "terraform-registry-manifest.json", NameTemplate: "{{ .ProjectName }}_{{ .Version }}_manifest.json"}
	for field, files := range map[string][]extraFiles{"checksum.extra_files": cfg.Checksum.ExtraFiles, "release.extra_files": cfg.Release.ExtraFiles} {
		if !slices.Contains(files, manifest) {
			t.Errorf("%s = %+v, want %+v", field, files, manifest)
		}
	}
	matches, err := filepath.Glob(manifest.Glob)
	if err != nil || len(matches) != 1 {
		t.Fatalf("glob %q matches %q (%v), want the one manifest", manifest.Glob, matches, err)
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if raw, err := os.ReadFile(matches[0]); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", matches[0], err)
	}
	// The provider serves protocol 6 (providerserver.NewProtocol6).
	if m.Version != 1 || !slices.Equal(m.Metadata.ProtocolVersions, []string{"6.0"}) {
		t.Errorf("%s = %+v, want version 1 and protocol_versions [6.0]", matches[0], m)
	}

	// The registry verifies a release by a detached signature of the
	// checksum file, made without a prompt.
	if len(cfg.Signs) != 1 || cfg.Signs[0].Artifacts != "checksum" {
		t.Fatalf("signs = %+v, want one that signs the checksum file", cfg.Signs)
	}
	args := strings.Join(cfg.Signs[0].Args, " ")
	for _, a := range []string{"--batch", "--detach-sign", "{{ .Env.GPG_FINGERPRINT }}", "${signature}", "${artifact}"} {
		if !strings.Contains(args, a) {
			t.Errorf("signs[0].args = %q, want %s among them", cfg.Signs[0].Args, a)
		}
	}
	if !cfg.Release.Draft {
		t.Error("release.draft is false: a release must be reviewed before the registry sees it")
	}
}
