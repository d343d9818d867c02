package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/procmem"
)

// firstDiagnostic is the summary of the first error and its detail, from
// -no-color output, on one line (paragraphs joined by ¶). Without an error,
// it is the first line that shows a key or a redaction, if any.
func firstDiagnostic(out string) string {
	trim := func(l string) string { return strings.TrimSpace(strings.TrimLeft(l, "│╷╵ ")) }
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		l = trim(l)
		if !strings.HasPrefix(l, "Error: ") {
			continue
		}
		// The detail follows the "with …" and "on …" lines and the quoted
		// source line.
		var b strings.Builder
		b.WriteString(l)
		sep := " — "
		started := false
		for _, d := range lines[i+1:] {
			d = trim(d)
			if strings.HasPrefix(d, "Error: ") || strings.HasPrefix(d, "Warning: ") {
				break
			}
			if d == "" {
				if started {
					sep = " ¶ "
				}
				continue
			}
			if !started && (strings.HasPrefix(d, "with ") || strings.HasPrefix(d, "on ") || sourceLine.MatchString(d)) {
				continue
			}
			b.WriteString(sep)
			b.WriteString(d)
			sep, started = " ", true
		}
		return b.String()
	}
	for _, l := range lines {
		if strings.Contains(l, "<api-key>") || strings.Contains(l, "<secret-key>") || strings.Contains(l, "(redacted)") {
			return "(no error) " + strings.TrimSpace(l)
		}
	}
	return "(no error)"
}

var sourceLine = regexp.MustCompile(`^\d+:`)

// stateIDs lists the id of every resource instance in a state file.
func stateIDs(st []byte) []string {
	var s struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				Status     string         `json:"status"`
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if json.Unmarshal(st, &s) != nil {
		return nil
	}
	var out []string
	for _, r := range s.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, in := range r.Instances {
			id := fmt.Sprint(in.Attributes["id"])
			if in.Status != "" {
				id += " (" + in.Status + ")"
			}
			out = append(out, id)
		}
	}
	return out
}

func fmtWall(r result, limit time.Duration) string {
	if r.killed {
		return fmt.Sprintf("> %s, killed", limit.Round(time.Second))
	}
	return fmt.Sprintf("%.1f s", r.wall.Seconds())
}

func mib(bytes int64) string {
	if bytes == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(bytes)/(1<<20))
}

func printTable(w io.Writer, providerBin, tf string, limit time.Duration, results []result, total time.Duration) {
	fmt.Fprintf(w, "Provider %s, %s, cap %s per case, %s in all.\n\n", providerBin, tf, limit, total.Round(time.Second))
	own, _ := procmem.PeakRSS(os.Getpid())
	fmt.Fprintf(w, "Maxrss is the rusage of the Terraform process: the largest of it and the descendants it reaped. On Linux a child also inherits, "+
		"at exec, the high-water RSS of the process that forked it, so it is never below this program's own peak (%s); "+
		"the VmHWM columns are sampled from /proc every 50 ms.\n\n", mib(own))
	fmt.Fprintln(w, "| case | situation | wall time | peak RSS: rusage Maxrss | terraform VmHWM | provider VmHWM | exit | API requests | error diagnostic (summary — detail, first 500 characters) | key shown? (output or state / TF_LOG) | resource IDs in state |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	yes := map[bool]string{true: "yes", false: "no"}
	for _, r := range results {
		hwm := mib(r.hwm)
		if r.procs > 1 {
			hwm += fmt.Sprintf(" (max of %d)", r.procs)
		}
		exit := strconv.Itoa(r.exit)
		if r.killed {
			exit = "killed"
		}
		ids := strings.Join(r.stateIDs, ", ")
		if ids == "" {
			ids = "–"
		}
		diag := r.diag
		if r := []rune(diag); len(r) > 500 {
			diag = string(r[:500]) + "…"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %d | %s | %s / %s | %s |\n", r.c.id, cell(r.c.title), fmtWall(r, limit), mib(r.maxrss), mib(r.tfHWM), hwm, exit,
			r.requests, cell(diag), yes[r.shownOut], yes[r.shownLog], cell(ids))
	}
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
