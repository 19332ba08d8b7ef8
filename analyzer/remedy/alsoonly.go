package remedy

import (
	"fmt"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/iacref"
)

// alsoOnly reports whether a fix is a change trailgate can only say (Also
// and nothing else): a resource of another type to declare or edit, a
// list entry to keep beside others, a setting a template and a Terraform
// configuration spell differently. The rule writes it naming both
// spellings; the change places it at the finding's line.
func alsoOnly(fx *findings.Fix) bool {
	return fx.Also != "" && fx.Outside == "" && !fx.Remove && fx.Companion == nil &&
		len(fx.Set) == 0 && len(fx.SetAt) == 0 && len(fx.AddStatement) == 0
}

// alsoOnlyChange is the change of an alsoOnly fix: the rule's words, in
// the input's language where it names both, at the line the finding
// points at; never an edit.
func alsoOnlyChange(f findings.Finding, data []byte) *findings.Change {
	lang, what := inputLanguage(f.Location.File, data)
	subject := f.Address
	if subject == "" {
		subject = f.Resource.ID
	}
	return &findings.Change{Language: lang, File: f.Location.File, Line: f.Location.Line,
		Text: fmt.Sprintf("In %s (%s), %s.\n\n(No exact edit: where in %s this goes is the author's choice, a resource of its own or an entry among others.)", where(f.Location.File, f.Location.Line), iacref.Text(subject), iacref.Remediation(f.Fix.Also), what)}
}
