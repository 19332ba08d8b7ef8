package remedy

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// inputLanguage is the language of the input file a finding points into,
// and how a change's text names that input: a Terraform configuration
// (a .tf file or a plan), a JSON template, else a YAML template. data may
// be nil (a file not at hand): the name decides then.
func inputLanguage(file string, data []byte) (lang, what string) {
	d := bytes.TrimLeft(data, " \t\r\n\ufeff")
	switch {
	case strings.EqualFold(filepath.Ext(file), ".tf") || isPlan(data):
		return "terraform", "this Terraform configuration"
	case len(d) > 0 && d[0] == '{', data == nil && strings.EqualFold(filepath.Ext(file), ".json"):
		return "cloudformation-json", "this template"
	}
	return "cloudformation-yaml", "this template"
}

// unprovenChange is the change of an unproven finding whose rule gives no
// fix (the engine's "cannot prove" findings): the input does not say
// whether anything must change, so the change is the input to give
// (the configuration beside a plan, a parameter, a snapshot), which the
// finding's remediation names, at the line it points at; never an edit.
func unprovenChange(f findings.Finding, data []byte) *findings.Change {
	lang, what := inputLanguage(f.Location.File, data)
	return &findings.Change{Language: lang, File: f.Location.File, Line: f.Location.Line,
		Text: fmt.Sprintf("No change to %s (%s) is known to be needed: the input it was given does not determine this.\n\nTo settle it: %s", what, where(f.Location.File, f.Location.Line), f.Remediation)}
}

// symbolReason says why a change that names a value AWS assigns at apply
// is not an exact edit: the value has no reference trailgate can write at
// that place (a module's resource, a value the template computes), and a
// literal would name no resource.
const symbolReason = "\n\n(No exact edit: the change names a value AWS assigns at apply, which trailgate cannot write as a reference at this place: write it as the input refers to that resource.)"
