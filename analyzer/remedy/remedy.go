package remedy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/iacref"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Apply writes the Fix of every finding that has one and points into an
// input file as a Change in that file's language, and makes that change
// the finding's remediation: a CloudFormation property or statement in the
// template's own YAML or JSON style, a Terraform attribute or statement in
// HCL. read returns a file's content; a file it cannot read, or a fix the
// file does not let trailgate place, keeps the rule's prose. Findings
// without a location (live resources) keep the rule's console, CLI or API
// remediation.
func Apply(fs []findings.Finding, read func(file string) ([]byte, error)) {
	cache := map[string][]byte{}
	// A template is parsed once for all its findings: a stack has several
	// findings with fixes, and parsing it per finding was most of Apply.
	templates := map[string]*template{}
	// Statement IDs must be unique within a policy (IAM JSON policy
	// elements: Sid): two fixes adding the same Sid to one statement list
	// get numbered ones, so that applying both still gives a valid policy.
	sids := map[string]int{}
	for i := range fs {
		f := &fs[i]
		if f.Location == nil || f.Location.File == "" || f.Fix == nil && !f.Unproven {
			continue
		}
		file := f.Location.File
		data, ok := cache[file]
		if !ok {
			data, _ = read(file)
			cache[file] = data
		}
		if f.Fix == nil {
			f.Change = unprovenChange(*f, data)
			f.Remediation = f.Change.Text
			continue
		}
		if data == nil {
			continue
		}
		var c *findings.Change
		switch {
		case f.Fix.Outside != "":
			c = outsideChange(*f, data)
		case alsoOnly(f.Fix):
			c = alsoOnlyChange(*f, data)
		case strings.EqualFold(filepath.Ext(file), ".tf"):
			c = terraformChange(*f, data)
		case isPlan(data):
			c = planChange(*f)
		default:
			t, ok := templates[file]
			if !ok {
				t = readTemplate(data)
				templates[file] = t
			}
			c = cloudFormationChange(*f, t, sids)
		}
		// A value AWS assigns at apply is no placeholder: both languages
		// write it as a reference (HCL's aws_iam_role.reader.arn, a
		// template's !GetAtt or !Sub), and one they cannot write is
		// caught below (quotesSymbol).
		var strs []string
		if c != nil {
			strs = fixStrings(f.Fix)
		}
		if c != nil && hasPlaceholder(strs) {
			// A value the user must fill in (the external ID, a key to
			// create) makes the edit inexact: the text says what to write.
			c.Edits = nil
		}
		if c != nil && len(c.Edits) > 0 && (quotesSymbol(c.Edits) || c.Language == "terraform" && moduleSymbol(strs)) {
			// A value AWS assigns at apply that the language could not
			// write as a reference would be pasted as a literal no
			// resource has.
			c.Edits = nil
			c.Text += symbolReason
		}
		if c != nil {
			// A vendor guide step folded into the finding (engine's
			// mergeSteps: " Also: …") is a second change the fix does not
			// make: its prose stays, and the edits alone would not clear
			// the finding, so they are left out.
			if i := strings.Index(f.Remediation, " Also: "); i >= 0 {
				c.Edits = nil
				c.Text += "\n\nAlso: " + f.Remediation[i+len(" Also: "):]
			}
			if f.Fix.Also != "" && f.Fix.Outside == "" && !alsoOnly(f.Fix) {
				c.Edits = nil
				c.Text += "\n\nAlso: " + iacref.Remediation(f.Fix.Also)
			}
			f.Change = c
			f.Remediation = c.Text
		}
	}
}

// outsideChange is the change of a finding whose cause no edit of the
// input fixes (findings.Fix.Outside): it says so, at the line the finding
// points at, and gives the rule's organization-level, console or API
// change, so that nobody edits the template in vain.
func outsideChange(f findings.Finding, data []byte) *findings.Change {
	lang, what := inputLanguage(f.Location.File, data)
	// A folded guide step (" Also: …") is added once, by Apply.
	instead, _, _ := strings.Cut(f.Remediation, " Also: ")
	return &findings.Change{Language: lang, File: f.Location.File, Line: f.Location.Line,
		Text: fmt.Sprintf("No change to %s (%s) fixes this: %s\n\nInstead: %s", what, where(f.Location.File, f.Location.Line), iacref.Remediation(f.Fix.Outside), instead)}
}

var placeholderRe = regexp.MustCompile(`<[^<>]+>`)

// fixStrings are the strings a fix holds, wherever they are.
func fixStrings(fx *findings.Fix) []string {
	data, _ := json.Marshal(fx)
	var v any
	_ = json.Unmarshal(data, &v)
	var out []string
	rewrite(v, func(v any) (any, bool) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
		return nil, false
	})
	return out
}

// hasPlaceholder reports whether a fix's strings (fixStrings) hold a value
// to fill in, written <like this>. A value AWS assigns at apply (a symbol,
// <@…>) is not one: the language writes it as a reference (HCL's
// aws_iam_role.reader.arn).
func hasPlaceholder(strs []string) bool {
	for _, s := range strs {
		for _, sp := range slices.Backward(snapshot.FindSymbols(s)) {
			s = s[:sp[0]] + s[sp[1]:]
		}
		if placeholderRe.MatchString(s) {
			return true
		}
	}
	return false
}

// moduleSymbol reports whether a fix's strings (fixStrings) hold a value
// AWS assigns to a resource of a Terraform module: its reference
// (module.m.aws_x.y.arn) is valid in no file (the root sees a module's
// outputs only, the module its own resources unprefixed), so an edit
// cannot write it.
func moduleSymbol(strs []string) bool {
	for _, s := range strs {
		for _, sp := range snapshot.FindSymbols(s) {
			if _, owner, _, ok := snapshot.ParseSymbol(s[sp[0]:sp[1]]); ok && strings.HasPrefix(owner, "module.") {
				return true
			}
		}
	}
	return false
}

// quotesSymbol reports whether an edit's text holds a symbol's raw token.
func quotesSymbol(edits []findings.Replacement) bool {
	for _, e := range edits {
		if snapshot.IsSymbol(e.Text) {
			return true
		}
	}
	return false
}

// isPlan tells a Terraform plan (terraform show -json) from a JSON template.
func isPlan(data []byte) bool {
	d := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(d) > 0 && d[0] == '{' && bytes.Contains(data, []byte(`"format_version"`)) && !bytes.Contains(data, []byte(`"Resources"`))
}

// props returns a Set's property names sorted, for deterministic output.
func props(set map[string]any) []string {
	return slices.Sorted(maps.Keys(set))
}

// where is "file:line" for a change's text.
func where(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", filepath.ToSlash(file), line)
	}
	return filepath.ToSlash(file)
}

// indentText prefixes every line of s with pad.
func indentText(s, pad string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = pad + lines[i]
	}
	return strings.Join(lines, "\n")
}
