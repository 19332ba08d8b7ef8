package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/report"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// What the Markdown, HTML and SARIF writers need beyond the findings: the
// delivery paths as pictures, where a finding about a snapshot resource
// points, and every file relative to the repository root.

// deliveryPaths turns the analyzer's paths into what the Markdown and HTML
// reports draw, linking each finding to the hops it is about: a hop of a
// kind its rule judges that carries the finding's resource, or, when no hop
// carries it, that is broken or unproven on a path that does.
func deliveryPaths(paths []datapath.Path, fs []findings.Finding) []report.DeliveryPath {
	out := make([]report.DeliveryPath, len(paths))
	for i, p := range paths {
		dp := report.DeliveryPath{ID: p.ID, Source: string(p.Source.Kind) + " " + shortARN(p.Source.ARN), Status: string(p.Status)}
		for j, h := range p.Hops {
			dh := report.DeliveryHop{Kind: string(h.Kind), Status: string(h.Status), FirstBroken: j == p.FirstBroken, Explain: hopExplain(h)}
			for _, r := range h.Resources {
				dh.Resources = append(dh.Resources, r.ARN)
			}
			if len(h.Resources) > 0 {
				dh.Name = shortARN(h.Resources[0].ARN)
				if len(h.Resources) > 1 {
					dh.Name += fmt.Sprintf(" (+%d)", len(h.Resources)-1)
				}
			}
			dp.Hops = append(dp.Hops, dh)
		}
		for _, f := range fs {
			kinds := datapath.HopsForRule(f.RuleID)
			judged := func(h datapath.Hop) bool { return len(kinds) == 0 || slices.Contains(kinds, h.Kind) }
			carries := func(h datapath.Hop) bool {
				return slices.ContainsFunc(h.Resources, func(r datapath.Resource) bool { return r.ARN == f.Resource.ID })
			}
			linked := false
			for j, h := range p.Hops {
				if carries(h) && judged(h) {
					dp.Hops[j].Findings = append(dp.Hops[j].Findings, f.Fingerprint)
					linked = true
				}
			}
			if linked || len(kinds) == 0 || !slices.ContainsFunc(p.Hops, carries) {
				continue
			}
			for j, h := range p.Hops {
				if slices.Contains(kinds, h.Kind) && (h.Status == datapath.StatusBroken || h.Status == datapath.StatusUnknown) {
					dp.Hops[j].Findings = append(dp.Hops[j].Findings, f.Fingerprint)
				}
			}
		}
		out[i] = dp
	}
	return out
}

// hopExplain is a hop's explanation, one line per problem, question,
// decision and deciding statement (what --explain prints for it).
func hopExplain(h datapath.Hop) []string {
	var lines []string
	for _, pr := range h.Problems {
		lines = append(lines, "problem: "+pr)
	}
	for _, q := range h.Questions {
		lines = append(lines, fmt.Sprintf("may %s %s on %s? (%s)", q.Principal, q.Action, q.Resource, q.Why))
		keys := make([]string, 0, len(q.Context))
		for k := range q.Context {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			lines = append(lines, fmt.Sprintf("  %s = %s", k, strings.Join(q.Context[k], ", ")))
		}
		if q.Answer == nil {
			lines = append(lines, "  decision: not evaluated")
			continue
		}
		d := "  decision: " + string(q.Answer.Decision)
		if q.Answer.Reason != "" {
			d += ": " + q.Answer.Reason
		}
		lines = append(lines, d)
		for _, st := range q.Answer.Deciding {
			lines = append(lines, "  decided by: "+st.String())
		}
	}
	return lines
}

// shortARN drops an ARN's arn:partition:service:region:account: head.
func shortARN(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[5] != "" {
		return parts[5]
	}
	return s
}

// sourceRoot is the repository root locations are written relative to:
// --source-root, else the nearest directory above the working directory
// holding .git (a directory, or a file in a worktree or submodule), else
// the working directory.
func sourceRoot(flag string) (string, error) {
	if flag != "" {
		abs, err := filepath.Abs(flag)
		if err != nil {
			return "", err
		}
		info, err := os.Stat(abs)
		if err != nil {
			return "", usagef("--source-root: %v", err)
		}
		if !info.IsDir() {
			return "", usagef("--source-root: %s is not a directory", flag)
		}
		return abs, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd, nil
		}
		dir = parent
	}
}

// rootRelative rewrites a path given relative to the working directory (or
// absolute) as relative to root; a path outside root stays absolute, so
// that it is never mistaken for a file of the repository.
func rootRelative(root, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return file
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs
	}
	return filepath.ToSlash(rel)
}

// placeFindings returns copies of fs whose locations are relative to root,
// for the writers that link files (SARIF, Markdown, HTML).
func placeFindings(fs []findings.Finding, root string) []findings.Finding {
	out := slices.Clone(fs)
	for i := range out {
		if l := out[i].Location; l != nil && l.File != "" {
			c := *l
			c.File = rootRelative(root, l.File)
			out[i].Location = &c
		}
		if ch := out[i].Change; ch != nil {
			c := *ch
			c.File = rootRelative(root, ch.File)
			c.Text = strings.ReplaceAll(c.Text, ch.File, c.File)
			out[i].Remediation = strings.ReplaceAll(out[i].Remediation, ch.File, c.File)
			out[i].Change = &c
		}
	}
	return out
}

// snapshotFallback places a finding about a snapshot resource at the line
// of the resource's object in the snapshot file (or its first line, when
// the finding names no resource the snapshot holds). file is already
// relative to the repository root.
func snapshotFallback(file string, data []byte) func(findings.Finding) *findings.Location {
	lines := snapshot.ResourceLines(data)
	return func(f findings.Finding) *findings.Location {
		line := lines[f.Resource.ID]
		if line == 0 {
			line = 1
		}
		return &findings.Location{File: file, Line: line}
	}
}

// fileFallback places every finding at the first line of file: the
// connector file or an IaC input, when no resource location is known.
func fileFallback(file string) func(findings.Finding) *findings.Location {
	return func(findings.Finding) *findings.Location { return &findings.Location{File: file, Line: 1} }
}

// maskExternalID replaces the connector's external ID wherever a finding
// quotes it, in every output: it is a shared secret of sorts, and results
// end up in CI logs, pull-request comments and code-scanning alerts.
func maskExternalID(fs []findings.Finding, conn *connector.Connector) {
	// A very short ID would be replaced inside unrelated words; AWS's
	// minimum is 2 characters, vendors issue long ones.
	if conn == nil || len(conn.ExternalID) < 6 {
		return
	}
	r := strings.NewReplacer(conn.ExternalID, conn.MaskedExternalID())
	for i := range fs {
		fs[i].Message = r.Replace(fs[i].Message)
		fs[i].Remediation = r.Replace(fs[i].Remediation)
		if c := fs[i].Change; c != nil {
			m := *c
			m.Text = r.Replace(c.Text)
			m.Edits = slices.Clone(c.Edits)
			for j := range m.Edits {
				m.Edits[j].Text = r.Replace(m.Edits[j].Text)
			}
			fs[i].Change = &m
		}
		// The structured fix is data a tool may apply: its strings are
		// masked through a JSON round trip, which keeps its shape.
		if fx := fs[i].Fix; fx != nil {
			if data, err := json.Marshal(fx); err == nil && strings.Contains(string(data), conn.ExternalID) {
				var m findings.Fix
				if json.Unmarshal([]byte(r.Replace(string(data))), &m) == nil {
					fs[i].Fix = &m
				}
			}
		}
	}
}

// maskText masks the connector's external ID in s (see maskExternalID).
func maskText(conn *connector.Connector, s string) string {
	if conn == nil || len(conn.ExternalID) < 6 {
		return s
	}
	return strings.ReplaceAll(s, conn.ExternalID, conn.MaskedExternalID())
}

// maskPathsExternalID does the same for the paths' explanations, whose
// AssumeRole questions carry sts:ExternalId in their context.
func maskPathsExternalID(ps []report.DeliveryPath, conn *connector.Connector) {
	if conn == nil || len(conn.ExternalID) < 6 {
		return
	}
	r := strings.NewReplacer(conn.ExternalID, conn.MaskedExternalID())
	for i := range ps {
		for j := range ps[i].Hops {
			for k, l := range ps[i].Hops[j].Explain {
				ps[i].Hops[j].Explain[k] = r.Replace(l)
			}
		}
	}
}

// placeOutput prepares what the SARIF, Markdown and HTML writers need:
// locations relative to the repository root, a location for findings
// about snapshot resources (the snapshot file at the resource's object;
// else the connector file or the first IaC input), and the paths drawn.
func placeOutput(o *checkOptions, opts *report.Options, fs *[]findings.Finding, paths []datapath.Path) error {
	root, err := sourceRoot(o.sourceRoot)
	if err != nil {
		return err
	}
	opts.SourceRoot = root
	opts.LinkBase = o.linkBase
	*fs = placeFindings(*fs, root)
	opts.Unjudged = slices.Clone(opts.Unjudged)
	for i := range opts.Unjudged {
		opts.Unjudged[i].File = rootRelative(root, opts.Unjudged[i].File)
	}
	switch {
	case o.snapshotData != nil:
		// demo: the embedded snapshot's name is already relative to
		// trailgate's repository root.
		opts.Fallback = snapshotFallback(o.snapshotName, o.snapshotData)
	case o.snapshot != "":
		opts.Fallback = snapshotFallback(rootRelative(root, o.snapshot), o.snapshotBytes)
	case o.connector != "":
		opts.Fallback = fileFallback(rootRelative(root, o.connector))
	case len(o.iac) > 0:
		opts.Fallback = fileFallback(rootRelative(root, o.iac[0]))
	}
	opts.Delivery = deliveryPaths(paths, *fs)
	maskPathsExternalID(opts.Delivery, o.conn)
	return nil
}
