package remedy

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/trailgate/trailgate/analyzer/findings"
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
		if f.Fix == nil || f.Location == nil || f.Location.File == "" {
			continue
		}
		file := f.Location.File
		data, ok := cache[file]
		if !ok {
			data, _ = read(file)
			cache[file] = data
		}
		if data == nil {
			continue
		}
		var c *findings.Change
		switch {
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
		if c != nil {
			f.Change = c
			f.Remediation = c.Text
		}
	}
}

// isPlan tells a Terraform plan (terraform show -json) from a JSON template.
func isPlan(data []byte) bool {
	d := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(d) > 0 && d[0] == '{' && bytes.Contains(data, []byte(`"format_version"`)) && !bytes.Contains(data, []byte(`"Resources"`))
}

// props returns a Set's property names sorted, for deterministic output.
func props(set map[string]any) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
