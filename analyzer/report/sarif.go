package report

import (
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// FingerprintKey names trailgate's fingerprint in a result's
// partialFingerprints. The "/v1" lets a future fingerprint scheme coexist
// with old baselines instead of silently matching nothing.
const FingerprintKey = "trailgate/v1"

// SecuritySeverity maps a severity to the numeric `security-severity` that
// GitHub code scanning reads from a rule's properties: over 9.0 is critical,
// 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low
// (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#reportingdescriptor-object).
var SecuritySeverity = map[findings.Severity]string{
	findings.Critical: "9.5",
	findings.High:     "8.0",
	findings.Medium:   "5.5",
	findings.Low:      "3.0",
}

// Level maps a severity to a SARIF level (§3.27.10): a dead or leaking
// pipeline is an error, a latent problem a warning, hygiene a note.
func Level(severity findings.Severity) string {
	switch severity {
	case findings.Critical, findings.High:
		return "error"
	case findings.Medium:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes a SARIF 2.1.0 log with one run. Every rule is a
// reportingDescriptor whether or not it produced a result, so that a code
// scanning tool can tell "checked and passed" from "never checked". Findings
// from IaC carry a physicalLocation (file, line); findings about live
// resources carry a logicalLocation naming the ARN. The fingerprint goes into
// partialFingerprints under FingerprintKey.
func WriteSARIF(w io.Writer, fs []findings.Finding, rules []findings.Rule, opts Options) error {
	doc, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	driver := sarif.NewDriver(ToolName)
	if opts.ToolVersion != "" {
		driver.WithVersion(opts.ToolVersion)
	}
	index := map[string]int{}
	for _, r := range sortedRules(rules) {
		if _, dup := index[r.ID]; dup {
			continue
		}
		index[r.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, descriptor(r))
	}
	fs = sorted(fs)
	// A finding whose rule was not passed in still needs a descriptor for
	// its ruleIndex to point at; build one from what the finding carries.
	for _, f := range fs {
		if _, ok := index[f.RuleID]; !ok {
			index[f.RuleID] = len(driver.Rules)
			driver.Rules = append(driver.Rules, descriptor(findings.Rule{ID: f.RuleID, Severity: f.Severity, Title: f.Title, Remediation: f.Remediation}))
		}
	}
	run := sarif.NewRun(*sarif.NewTool(driver))
	// Columns (of fixes' edits) count characters, not the UTF-16 code
	// units SARIF assumes by default (§3.14.17).
	run.WithColumnKind("unicodeCodePoints")
	if opts.SourceRoot != "" {
		root := filepath.ToSlash(opts.SourceRoot)
		if !strings.HasPrefix(root, "/") {
			root = "/" + root
		}
		if !strings.HasSuffix(root, "/") {
			root += "/" // a base URI must end with a slash (SARIF 2.1.0 §3.14.14)
		}
		base := sarif.NewArtifactLocation().WithUri((&url.URL{Scheme: "file", Path: root}).String()).
			WithDescription(sarif.NewMessage().WithText("the repository root"))
		run.OriginalUriBaseIDs = map[string]*sarif.ArtifactLocation{SRCROOT: base}
	}
	for _, f := range fs {
		run.AddResult(result(f, index[f.RuleID], opts))
	}
	if len(opts.Notes) > 0 {
		run.Properties = sarif.Properties{"notes": opts.Notes}
	}
	if len(opts.Unjudged) > 0 || len(opts.NotModeled) > 0 {
		// The run succeeded for what it judged; each file it could not
		// judge is an error-level notification at the file and line, each
		// resource type no rule models a warning naming how many the
		// input declares.
		inv := run.AddInvocation(true)
		for _, u := range opts.Unjudged {
			phys := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(artifactURI(u.File)))
			if u.Line > 0 {
				phys.WithRegion(sarif.NewRegion().WithStartLine(u.Line))
			}
			inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("error").
				WithTextMessage("not judged: " + u.Reason).
				WithLocations([]*sarif.Location{sarif.NewLocation().WithPhysicalLocation(phys)}))
		}
		for _, n := range opts.NotModeled {
			inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("warning").
				WithTextMessage("not judged: " + n.String()))
		}
	}
	doc.AddRun(run)
	return writeIndented(w, doc)
}

func descriptor(r findings.Rule) *sarif.ReportingDescriptor {
	title := r.Title
	if title == "" {
		title = r.ID
	}
	d := sarif.NewRule(r.ID).
		WithShortDescription(sarif.NewMultiformatMessageString(title)).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(Level(r.Severity)))
	if r.Description != "" {
		d.WithFullDescription(sarif.NewMultiformatMessageString(r.Description))
	}
	if r.Remediation != "" || len(r.RelatedResources) > 0 {
		help := sarif.NewMultiformatMessageString(r.Remediation)
		var md strings.Builder
		if r.Remediation != "" {
			md.WriteString("**Remediation.** " + r.Remediation + "\n")
		}
		if len(r.RelatedResources) > 0 {
			md.WriteString("\n**References**\n\n")
			for _, u := range r.RelatedResources {
				md.WriteString("- <" + u + ">\n")
			}
		}
		help.WithMarkdown(md.String())
		d.WithHelp(help)
	}
	for _, u := range r.RelatedResources {
		if pu, err := url.Parse(u); err == nil && pu.IsAbs() {
			d.WithHelpURI(u)
			break
		}
	}
	props := sarif.Properties{"tags": tags(r)}
	if s, ok := SecuritySeverity[r.Severity]; ok {
		props["security-severity"] = s
	}
	d.WithProperties(props)
	return d
}

func tags(r findings.Rule) []string {
	t := []string{"security", "aws", "logging"}
	if r.Area != "" {
		t = append(t, r.Area)
	}
	return t
}

func result(f findings.Finding, ruleIndex int, opts Options) *sarif.Result {
	msg := f.Message
	if msg == "" {
		msg = f.Title
	}
	r := sarif.NewRuleResult(f.RuleID).
		WithRuleIndex(ruleIndex).
		WithLevel(Level(f.Severity)).
		WithMessage(sarif.NewTextMessage(msg))
	if f.Unproven {
		// "open": the tool could not determine whether the rule was
		// satisfied (SARIF 2.1.0 §3.27.9); a kind other than "fail" must
		// carry level "none" (§3.27.10).
		r.WithKind("open").WithLevel("none")
	}
	loc := sarif.NewLocation()
	if l := locate(f, opts); l != nil {
		loc.WithPhysicalLocation(physicalAt(*l, opts))
	}
	// The template address (logical ID, Terraform address) is the IaC
	// resource's name, the ARN a live one's; keep it beside the file
	// position.
	name := f.Address
	if name == "" {
		name = f.Resource.ID
	}
	if name != "" {
		loc.AddLogicalLocations(sarif.NewLogicalLocation().WithFullyQualifiedName(name).WithKind("resource"))
	}
	if loc.PhysicalLocation != nil || len(loc.LogicalLocations) > 0 {
		r.AddLocation(loc)
	}
	if c := f.Change; c != nil && len(c.Edits) > 0 {
		// The exact edit of the input (SARIF 2.1.0 §3.55 fix): a viewer
		// can offer to apply it.
		art := sarif.NewSimpleArtifactLocation(artifactURI(c.File))
		if opts.SourceRoot != "" && !isAbs(c.File) {
			art.WithUriBaseId(SRCROOT)
		}
		change := sarif.NewArtifactChange(art)
		for _, e := range c.Edits {
			region := sarif.NewRegion().WithStartLine(e.StartLine).WithStartColumn(e.StartColumn).
				WithEndLine(e.EndLine).WithEndColumn(e.EndColumn)
			change.WithReplacement(sarif.NewReplacement(region).WithInsertedContent(sarif.NewArtifactContent().WithText(e.Text)))
		}
		desc, _, _ := strings.Cut(c.Text, "\n")
		r.AddFix(sarif.NewFix().WithDescriptionText(strings.TrimSuffix(desc, ":")).WithArtifactChanges([]*sarif.ArtifactChange{change}))
	}
	if f.Fingerprint != "" {
		r.WithPartialFingerPrints(map[string]any{FingerprintKey: f.Fingerprint})
		if flows := codeFlows(f.Fingerprint, opts); len(flows) > 0 {
			r.WithCodeFlows(flows)
		}
	}
	switch {
	case f.Baselined:
		r.WithBaselineState("unchanged")
	case opts.BaselineUsed:
		r.WithBaselineState("new")
	}
	props := sarif.Properties{}
	for k, v := range map[string]string{
		"resourceId":   f.Resource.ID,
		"resourceType": f.Resource.Type,
		"account":      f.Resource.Account,
		"region":       f.Resource.Region,
		"remediation":  f.Remediation,
	} {
		if v != "" {
			props[k] = v
		}
	}
	if f.Unproven {
		props["unproven"] = true
	}
	if len(f.Blocks) > 0 {
		props["blocks"] = f.Blocks
	}
	if len(props) > 0 {
		r.Properties = props
	}
	return r
}

// physicalAt is the physicalLocation of a file and line: the file relative
// to %SRCROOT% (or an absolute file: URI), the region its line, since
// GitHub code scanning places an alert by its region; a whole-file
// location starts at line 1.
func physicalAt(l findings.Location, opts Options) *sarif.PhysicalLocation {
	art := sarif.NewSimpleArtifactLocation(artifactURI(l.File))
	if opts.SourceRoot != "" && !isAbs(l.File) {
		art.WithUriBaseId(SRCROOT)
	}
	return sarif.NewPhysicalLocation().WithArtifactLocation(art).
		WithRegion(sarif.NewRegion().WithStartLine(max(l.Line, 1)))
}

// artifactURI turns a file path into a URI: a relative reference for a
// relative path (forward slashes, percent-encoded where a URI needs it, "./"
// prefixed when the first segment holds a colon so it is not read as a
// scheme), and a file: URI for an absolute one, since SARIF readers resolve
// relative references against the source root and "/abs/x.yaml" would
// name a different file (SARIF 2.1.0 §3.4.3, §3.10.3).
func artifactURI(file string) string {
	p := filepath.ToSlash(file)
	if isAbs(file) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x on Windows → file:///C:/x
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	p = strings.TrimPrefix(p, "./")
	return (&url.URL{Path: p}).String()
}

func isAbs(file string) bool {
	return filepath.IsAbs(file) || strings.HasPrefix(filepath.ToSlash(file), "/")
}
