package report

import (
	"encoding/json"
	"io"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// Result is check's JSON document (`--format json`, README "Output"). LoadBaseline reads it back.
type Result struct {
	Tool     Tool               `json:"tool"`
	Findings []findings.Finding `json:"findings"`
	Summary  Summary            `json:"summary"`
	// Paths are the delivery paths, hop by hop (README, "JSON paths").
	Paths []PathView `json:"paths"`
	// Unjudged lists input files the run could not judge (Options.Unjudged).
	Unjudged []Unjudged `json:"unjudged,omitempty"`
	// NotJudged lists resource types not modeled (Options.NotModeled).
	NotJudged []NotModeled `json:"not_judged,omitempty"`
}

// Summary is the JSON summary: counts per severity, and the run's notes
// (Options.Notes) when there are any.
type Summary struct {
	findings.Summary
	Notes []string `json:"notes,omitempty"`
}

// Tool identifies the program that wrote a Result.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// WriteJSON writes the contract's JSON result. findings is always an array
// (never null), so that consumers can iterate without a nil check; rules are
// not part of this format and are ignored.
func WriteJSON(w io.Writer, fs []findings.Finding, _ []findings.Rule, opts Options) error {
	fs = sorted(fs)
	if fs == nil {
		fs = []findings.Finding{}
	}
	doc := Result{
		Tool:      Tool{Name: ToolName, Version: opts.ToolVersion},
		Findings:  fs,
		Summary:   Summary{Summary: findings.Summarize(fs), Notes: opts.Notes},
		Paths:     pathViews(opts.Paths),
		Unjudged:  opts.Unjudged,
		NotJudged: opts.NotModeled,
	}
	return writeIndented(w, doc)
}

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Remediations quote policy statements with <, > and &; keep them
	// readable instead of \u003c-escaped.
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
