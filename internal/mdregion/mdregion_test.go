package mdregion

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplace(t *testing.T) {
	doc := "# Title\n\n<!-- a:begin -->\nold a\n<!-- a:end -->\n\ntext\n\n<!-- b:begin -->\nold b\n<!-- b:end -->\n"
	got, err := Replace(doc, "a", "| new | a |")
	if err != nil {
		t.Fatal(err)
	}
	want := "# Title\n\n<!-- a:begin -->\n| new | a |\n<!-- a:end -->\n\ntext\n\n<!-- b:begin -->\nold b\n<!-- b:end -->\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Replacing again with the same content changes nothing.
	if again, err := Replace(got, "a", "| new | a |\n"); err != nil || again != got {
		t.Errorf("not idempotent: %v\n%s", err, again)
	}
}

func TestReplaceRefusesBadMarkers(t *testing.T) {
	for name, doc := range map[string]string{
		"missing":   "no markers here\n",
		"no end":    "<!-- a:begin -->\n",
		"twice":     "<!-- a:begin -->\n<!-- a:end -->\n<!-- a:begin -->\n<!-- a:end -->\n",
		"reversed":  "<!-- a:end -->\n<!-- a:begin -->\n",
		"other one": "<!-- b:begin -->\n<!-- b:end -->\n",
	} {
		if _, err := Replace(doc, "a", "x"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte("x\n<!-- r:begin -->\n<!-- r:end -->\ny\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Update(path, "r", "figures"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "x\n<!-- r:begin -->\nfigures\n<!-- r:end -->\ny\n" {
		t.Errorf("file holds %q", b)
	}
	if err := Update(path, "other", "z"); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("missing region: %v", err)
	}
}
