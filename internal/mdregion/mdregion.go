// Package mdregion rewrites the generated regions of Markdown files: what
// lies between the lines <!-- NAME:begin --> and <!-- NAME:end -->. The
// figures the README and BENCHMARKS.md show are measured by a tool in this
// repository (the bench command, the pipelines trial), which writes them
// into its own region through this package; nothing in a region is typed by
// hand.
package mdregion

import (
	"fmt"
	"os"
	"strings"
)

// Markers returns the comments that open and close the region name.
func Markers(name string) (begin, end string) {
	return "<!-- " + name + ":begin -->", "<!-- " + name + ":end -->"
}

// Replace returns doc with the region name holding content, which gets a
// final newline if it lacks one. The region must appear exactly once, its
// opening marker before its closing one.
func Replace(doc, name, content string) (string, error) {
	begin, end := Markers(name)
	if n, m := strings.Count(doc, begin), strings.Count(doc, end); n != 1 || m != 1 {
		return "", fmt.Errorf("want one %s … %s region, found %d opening and %d closing markers", begin, end, n, m)
	}
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if j < i {
		return "", fmt.Errorf("%s comes before %s", end, begin)
	}
	if content != "" && !strings.HasSuffix(content, "\n") {
		content += "\n"
	}
	return doc[:i+len(begin)] + "\n" + content + doc[j:], nil
}

// Update rewrites the region name of the file at path to hold content.
func Update(path, name, content string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := Replace(string(data), name, content)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// The path is a Markdown file of this repository that a developer's
	// command names (make bench, make pipelines), read just above.
	return os.WriteFile(path, []byte(out), 0o600) //nolint:gosec // G703: a file the developer's own command names
}
