package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/check"
	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/report"
)

// Where the SARIF, Markdown and HTML writers point: every file relative to
// the repository root, and a place for findings about snapshot resources.

// placeOutput prepares what the SARIF, Markdown and HTML writers need:
// locations relative to the repository root, and a location for findings
// about snapshot resources (the snapshot file at the resource's object;
// else the connector file or the first IaC input).
func placeOutput(o *checkOptions, opts *report.Options, fs *[]findings.Finding, res *check.Result) error {
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
	snapshotFile := ""
	switch {
	case o.snapshotData != nil:
		// demo: the embedded snapshot's name is already relative to
		// trailgate's repository root.
		snapshotFile = o.snapshotName
		opts.Fallback = snapshotFallback(snapshotFile, res.ResourceLines)
	case o.snapshot != "":
		snapshotFile = rootRelative(root, o.snapshot)
		opts.Fallback = snapshotFallback(snapshotFile, res.ResourceLines)
	case o.connector != "":
		opts.Fallback = fileFallback(rootRelative(root, o.connector))
	case len(o.iac) > 0:
		opts.Fallback = fileFallback(rootRelative(root, o.iac[0]))
	}
	opts.Places = resourcePlaces(root, snapshotFile, res)
	return nil
}

// resourcePlaces maps each resource ID to where the input declares it,
// relative to root, as findings are placed: the IaC file and line (IaC
// laid over a snapshot wins, as its findings' locations do), else the
// line of the resource's object in the snapshot file. Built once per run
// for every hop of every code flow.
func resourcePlaces(root, snapshotFile string, res *check.Result) map[string]findings.Location {
	places := make(map[string]findings.Location, len(res.ResourceLines)+len(res.Locations))
	if snapshotFile != "" {
		for id, line := range res.ResourceLines {
			places[id] = findings.Location{File: snapshotFile, Line: line}
		}
	}
	files := map[string]string{} // IaC file → relative to root, computed once
	for id, l := range res.Locations {
		if l.File == "" {
			continue
		}
		rel, ok := files[l.File]
		if !ok {
			rel = rootRelative(root, l.File)
			files[l.File] = rel
		}
		places[id] = findings.Location{File: rel, Line: l.Line}
	}
	return places
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

// placeFindings returns copies of fs whose locations (and changes) are
// relative to root, for the writers that link files.
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
func snapshotFallback(file string, lines map[string]int) func(findings.Finding) *findings.Location {
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
