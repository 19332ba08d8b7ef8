package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/collectors/fileio"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// BaselineError is a baseline file that cannot be used. It names the file
// and, where known, the line or the JSON path of the bad part.
type BaselineError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *BaselineError) Error() string { return snapshot.ErrorText(e.File, e.Line, e.Field, e.Msg) }

// LoadBaseline reads an earlier trailgate result, in the JSON format or in
// SARIF, and returns the set of fingerprints it holds. A file that is not
// one of these (malformed JSON, a SARIF log from another tool, a trailgate
// finding without a fingerprint) is an error naming the file: a baseline that
// silently matched nothing would let every known finding fail the build, and
// one that silently matched everything would hide new ones.
func LoadBaseline(path string) (map[string]bool, error) {
	data, err := fileio.ReadFile(context.Background(), path, fileio.MaxResultBytes, "a baseline result")
	if err != nil {
		return nil, err
	}
	return ParseBaseline(path, data)
}

// ParseBaseline is LoadBaseline on bytes already read; name is used in errors.
func ParseBaseline(name string, data []byte) (map[string]bool, error) {
	data = fileio.TrimBOM(data)
	var head map[string]json.RawMessage
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, jsonError(name, data, err)
	}
	_, isSARIF := head["runs"]
	_, isResult := head["findings"]
	switch {
	case isSARIF:
		return sarifBaseline(name, data)
	case isResult:
		return jsonBaseline(name, data)
	}
	return nil, &BaselineError{File: name, Msg: "not a trailgate result: expected a JSON result (with \"findings\") or a SARIF log (with \"runs\")"}
}

func jsonBaseline(name string, data []byte) (map[string]bool, error) {
	var doc struct {
		Tool     Tool `json:"tool"`
		Findings []struct {
			RuleID      string `json:"rule_id"`
			Fingerprint string `json:"fingerprint"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(name, data, err)
	}
	if doc.Tool.Name != ToolName {
		return nil, &BaselineError{File: name, Field: "tool.name", Msg: fmt.Sprintf("written by %q, not %s", doc.Tool.Name, ToolName)}
	}
	set := make(map[string]bool, len(doc.Findings))
	for i, f := range doc.Findings {
		if f.Fingerprint == "" {
			return nil, &BaselineError{File: name, Field: fmt.Sprintf("findings[%d].fingerprint", i), Msg: "missing"}
		}
		set[f.Fingerprint] = true
	}
	return set, nil
}

func sarifBaseline(name string, data []byte) (map[string]bool, error) {
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(name, data, err)
	}
	if doc.Version != "2.1.0" {
		return nil, &BaselineError{File: name, Field: "version", Msg: fmt.Sprintf("SARIF version %q is not 2.1.0", doc.Version)}
	}
	set := map[string]bool{}
	runs := 0
	for i, run := range doc.Runs {
		// A SARIF file may merge several tools' runs (e.g. uploaded
		// together); only trailgate's results are a trailgate baseline.
		if run.Tool.Driver.Name != ToolName {
			continue
		}
		runs++
		for j, r := range run.Results {
			fp := r.PartialFingerprints[FingerprintKey]
			if fp == "" {
				return nil, &BaselineError{File: name, Field: fmt.Sprintf("runs[%d].results[%d].partialFingerprints[%q]", i, j, FingerprintKey), Msg: "missing"}
			}
			set[fp] = true
		}
	}
	if runs == 0 {
		return nil, &BaselineError{File: name, Field: "runs", Msg: "no run written by " + ToolName}
	}
	return set, nil
}

func jsonError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return &BaselineError{File: name, Msg: "empty file"}
	case errors.As(err, &syn):
		return &BaselineError{File: name, Line: snapshot.LineAt(data, syn.Offset), Msg: "invalid JSON: " + syn.Error()}
	case errors.As(err, &typ):
		return &BaselineError{File: name, Line: snapshot.LineAt(data, typ.Offset), Field: typ.Field, Msg: fmt.Sprintf("expected %s, found JSON %s", typ.Type, typ.Value)}
	}
	return &BaselineError{File: name, Msg: err.Error()}
}

// ApplyBaseline marks every finding whose fingerprint is in baseline as
// Baselined (reported, never failing the run) and returns how many it marked.
func ApplyBaseline(fs []findings.Finding, baseline map[string]bool) int {
	n := 0
	for i := range fs {
		if fs[i].Fingerprint != "" && baseline[fs[i].Fingerprint] {
			fs[i].Baselined = true
			n++
		}
	}
	return n
}
