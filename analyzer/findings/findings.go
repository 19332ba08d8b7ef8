package findings

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Severity is how much a finding costs, from the catalog: critical
// (pipeline dead), high (large silent loss), medium (partial or latent),
// low (hygiene or cost). It is parsed once (ParseSeverity, from a rule's
// METADATA or a flag); a Severity held anywhere else is one of the four.
type Severity string

// The fixed severities.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Severities lists the severities from most to least severe.
var Severities = []Severity{Critical, High, Medium, Low}

// ParseSeverity returns the severity spelled s (lower case, as the catalog
// writes it), or an error naming the fixed list.
func ParseSeverity(s string) (Severity, error) {
	if sev := Severity(s); sev.Rank() > 0 {
		return sev, nil
	}
	names := make([]string, len(Severities))
	for i, sev := range Severities {
		names[i] = string(sev)
	}
	return "", fmt.Errorf("severity %q is not one of %s", s, strings.Join(names, ", "))
}

// UnmarshalText parses a severity read from JSON (a report, a baseline), so
// that a decoded Severity is one of the four too.
func (s *Severity) UnmarshalText(b []byte) error {
	sev, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = sev
	return nil
}

// Rank orders severities: critical is 4, low is 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Rule describes one catalog rule, decoded from its Rego METADATA.
type Rule struct {
	ID          string   `json:"id"`
	Severity    Severity `json:"severity"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Remediation string   `json:"remediation"`
	// Area is the part of the pipeline the rule is about, the folder its
	// file is in (trail, bucket, …).
	Area string `json:"area,omitempty"`
	// Hops are the delivery-path hop kinds the rule judges (writer,
	// bucket, object-key, …, read): its findings explain those hops.
	Hops []string `json:"hops,omitempty"`
	// Reads are the collector calls (service:Operation) the rule needs: a
	// snapshot's failed read of one makes the rule unproven.
	Reads []string `json:"reads,omitempty"`
	// Smoke are the smoke-test symptoms (smoke.Symptoms) the rule
	// explains: a smoke step that observes one names this rule.
	Smoke []string `json:"smoke,omitempty"`
	// RelatedResources are documentation links behind the rule.
	RelatedResources []string `json:"related_resources,omitempty"`
	// Needed are the actions the rule demands of every reader; Recommended
	// those it demands only when the connector's vendor guide does, and
	// otherwise reports as a low "recommended" finding
	// (rego/profiles.ReaderActions).
	Needed      []string `json:"needed,omitempty"`
	Recommended []string `json:"recommended,omitempty"`
	// NeededBy lists, per reader kind (lambda-esm), recommended actions
	// that kind of reader needs.
	NeededBy map[string][]string `json:"needed_by,omitempty"`
}

// Resource identifies what a finding is about.
type Resource struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
}

// Location is where the resource (or statement) is declared in IaC.
type Location struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
}

// Finding is one result of one rule, in the contract's JSON shape.
type Finding struct {
	RuleID      string    `json:"rule_id"`
	Severity    Severity  `json:"severity"`
	Title       string    `json:"title"`
	Message     string    `json:"message"`
	Resource    Resource  `json:"resource"`
	Location    *Location `json:"location,omitempty"`
	Remediation string    `json:"remediation"`
	Fingerprint string    `json:"fingerprint"`
	// Address is the Terraform address or CloudFormation logical ID of an
	// IaC resource; SARIF uses it as a logical location.
	Address string `json:"address,omitempty"`
	// Baselined marks a finding already present in the --baseline file: it
	// is reported but never fails the run.
	Baselined bool `json:"baselined,omitempty"`
	// Unproven marks a finding that says the rule could not be proven
	// rather than that it failed: a read the collector could not make, or
	// a policy that depends on a value IaC leaves unknown until apply. Its
	// message starts "cannot prove:". It never fails the run through
	// FailOn; FailOnUnproven decides for the --fail-on-unproven flag.
	Unproven bool `json:"unproven,omitempty"`
	// Fix is the rule's remedy as data (nil when the rule gives prose
	// only); Change is that remedy written in the input's language.
	Fix    *Fix    `json:"fix,omitempty"`
	Change *Change `json:"change,omitempty"`
	// Blocks lists, for an unproven finding, every rule and resource
	// whose question its cause leaves open, RuleID's first among them:
	// one finding per cause (a missing document, an unresolved value, a
	// failed read), however many rules and resources it blocks.
	Blocks []Blocked `json:"blocks,omitempty"`
}

// Blocked is a rule's question about a resource that an unproven
// finding's cause leaves open.
type Blocked struct {
	RuleID   string `json:"rule_id"`
	Resource string `json:"resource"`
}

// Judges reports whether the finding is about rule's question on the
// resource: its own rule and resource, or one it blocks.
func (f Finding) Judges(rule string) bool {
	if f.RuleID == rule {
		return true
	}
	for _, b := range f.Blocks {
		if b.RuleID == rule {
			return true
		}
	}
	return false
}

// Fix is a remedy as data, in CloudFormation's vocabulary (the names AWS's
// APIs use too), so that it can be written for any input: the template's
// property, the Terraform attribute, the CLI call.
type Fix struct {
	// Set gives properties of the finding's resource the values they
	// must have: {"MessageRetentionPeriod": 604800}.
	Set map[string]any `json:"set,omitempty"`
	// SetAt gives properties of the entry the finding points into (a
	// notification configuration, a statement) the values they must have.
	SetAt map[string]any `json:"set_at,omitempty"`
	// AddStatement is a statement the policy must gain; Policy says which
	// policy of the resource: "resource" (its key, bucket, topic or queue
	// policy), "trust" (a role's trust policy) or "identity" (an identity
	// policy of a role: its inline policy, or the IAM policy resource the
	// finding points at).
	AddStatement map[string]any `json:"add_statement,omitempty"`
	Policy       string         `json:"policy,omitempty"`
	// Outside says why no change to an IaC input fixes the cause: what
	// must change is not declared in a template or configuration (an SCP
	// attached in AWS Organizations, a vendor console setting, a
	// GuardDuty setting). The remediation is then the organization-level,
	// console or API change, for IaC findings too.
	Outside string `json:"outside,omitempty"`
	// Remove says the finding's resource must not be declared in the
	// input at all (a Control Tower trail only Control Tower may
	// change): the change's text says to delete its declaration, and
	// what names it.
	Remove bool `json:"remove,omitempty"`
	// Also is a further change the fix needs and does not write (the
	// reader's grant on a key the fix names): the change's text says it,
	// and the fix is not exact.
	Also string `json:"also,omitempty"`
	// Companion is a resource to declare beside the finding's resource
	// (a dead-letter queue), which Set's values refer to as
	// {"Fn::GetAtt": ["$companion", "Arn"]}. Without Set, the fix is
	// the declaration alone (a subscription of the finding's topic), whose
	// properties refer to the finding's resource as {"Ref": "$self"}.
	Companion *Companion `json:"companion,omitempty"`
}

// Companion is a new resource a Fix declares, named after the finding's
// resource with Suffix.
type Companion struct {
	Suffix     string         `json:"suffix"`
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties,omitempty"`
}

// Change is a Fix written for the input the finding came from.
type Change struct {
	// Language is cloudformation-yaml, cloudformation-json or terraform.
	Language string `json:"language"`
	// File and Line are where the change goes.
	File string `json:"file"`
	Line int    `json:"line"`
	// Text is the change to make, in the file's language and style.
	Text string `json:"text"`
	// Edits, when set, are the exact edits of File that make the change:
	// each replaces a span (an empty span inserts). Where the input does
	// not let the change be placed exactly (a value computed by an
	// intrinsic function, a policy built by a data source), Text alone says
	// what to change.
	Edits []Replacement `json:"edits,omitempty"`
}

// Replacement is an exact edit of a file: lines and columns are 1-based,
// columns count characters, and the end is exclusive (SARIF's region).
type Replacement struct {
	StartLine   int    `json:"start_line"`
	StartColumn int    `json:"start_column"`
	EndLine     int    `json:"end_line"`
	EndColumn   int    `json:"end_column"`
	Text        string `json:"text"`
}

// Fingerprint is a stable identity for a finding: the rule, the resource and
// the fact that failed. It deliberately leaves out the file and line, so that
// moving unrelated resources in a template does not make a known finding new.
func Fingerprint(ruleID, resourceID, fact string) string {
	h := sha256.Sum256([]byte(ruleID + "\x00" + resourceID + "\x00" + fact))
	return hex.EncodeToString(h[:16])
}

// Sort orders findings deterministically: most severe first, then rule,
// resource, location and message.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if ra, rb := a.Severity.Rank(), b.Severity.Rank(); ra != rb {
			return ra > rb
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		if a.Resource.ID != b.Resource.ID {
			return a.Resource.ID < b.Resource.ID
		}
		if la, lb := a.Location.String(), b.Location.String(); la != lb {
			return la < lb
		}
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		return a.Fingerprint < b.Fingerprint
	})
}

func (l *Location) String() string {
	if l == nil {
		return ""
	}
	return fmt.Sprintf("%s:%09d", l.File, l.Line)
}

// Summary counts findings per severity, in the contract's shape.
type Summary struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
}

// Summarize counts findings per severity.
func Summarize(fs []Finding) Summary {
	var s Summary
	for _, f := range fs {
		switch f.Severity {
		case Critical:
			s.Critical++
		case High:
			s.High++
		case Medium:
			s.Medium++
		case Low:
			s.Low++
		}
	}
	return s
}

// FailOn reports whether any proven finding not in the baseline is at or
// above threshold; the empty threshold (--fail-on none) never fails.
func FailOn(fs []Finding, threshold Severity) bool {
	t := threshold.Rank()
	if t == 0 {
		return false
	}
	for _, f := range fs {
		if !f.Baselined && !f.Unproven && f.Severity.Rank() >= t {
			return true
		}
	}
	return false
}

// FailOnUnproven reports whether any finding not in the baseline says a
// rule could not be proven.
func FailOnUnproven(fs []Finding) bool {
	for _, f := range fs {
		if !f.Baselined && f.Unproven {
			return true
		}
	}
	return false
}
