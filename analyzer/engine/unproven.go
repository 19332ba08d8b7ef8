package engine

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/iacref"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Unproven findings. A rule that asks an authorization question and gets
// Unknown reports nothing (lib.denied holds only for proven denials), and a
// rule over data the collector could not read sees nothing to judge. Both
// would pass silently; Check reports them instead, as findings with
// Unproven set, severity low and a message starting "cannot prove:".
//
// Severity low, whatever the rule's own severity: the finding says the
// check is incomplete, not that the pipeline is broken, so it must not
// fail a CI run on --fail-on alone (findings.FailOn skips it); users who
// want an incomplete check to fail pass --fail-on-unproven. The rule ID is
// the rule that could not be proven, so that SARIF and JSON consumers can
// group and suppress by rule as for any other finding.

// unprovenSeverity is the severity of every unproven finding.
const unprovenSeverity = findings.Low

type unknownLogKey struct{}

// unknownLog collects the Unknown answers of one rule's evaluation.
type unknownLog struct {
	mu      sync.Mutex
	answers []unknownAnswer
}

type unknownAnswer struct {
	req    authz.Request
	answer authz.Answer
}

// empty reports whether no Unknown answer was recorded yet.
func (l *unknownLog) empty() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.answers) == 0
}

func withUnknownLog(ctx context.Context, l *unknownLog) context.Context {
	return context.WithValue(ctx, unknownLogKey{}, l)
}

// recordUnknown notes an Unknown answer for the rule being evaluated.
func recordUnknown(ctx context.Context, req authz.Request, a authz.Answer) {
	if ctx == nil || a.Decision != authz.Unknown {
		return
	}
	if l, ok := ctx.Value(unknownLogKey{}).(*unknownLog); ok {
		l.mu.Lock()
		l.answers = append(l.answers, unknownAnswer{req: req, answer: a})
		l.mu.Unlock()
	}
}

// ruleUnknowns is what one rule's evaluation left unknown.
type ruleUnknowns struct {
	rule    findings.Rule
	answers []unknownAnswer
	// reported holds the resources the rule already reports on: an
	// unknown answer about them adds nothing.
	reported map[string]bool
}

// causeGroup gathers, for one cause, every rule and question it leaves
// open.
type causeGroup struct {
	cause     authz.Cause
	wheres    []string
	blocks    []findings.Blocked
	questions []string
}

// unprovenAnswers turns the Unknown answers of every rule into one finding
// per cause (authz.Cause: a document outside the input, an unresolved
// value, a wildcard a value AWS assigns meets), attached to the rules
// whose questions it leaves open (Finding.Blocks) and naming the exact
// missing thing. One missing boundary blocks KM01, S305 and SQ06 on
// several resources: that is one finding, not one per rule and resource.
func unprovenAnswers(logs []ruleUnknowns, snap *snapshot.Snapshot, locs map[string]*snapshot.Location) []findings.Finding {
	groups := map[string]*causeGroup{}
	titles := map[string]string{}
	for _, l := range logs {
		titles[l.rule.ID] = l.rule.Title
		for _, a := range l.answers {
			res := resourceOf(a.req.Resource)
			if l.reported[res] {
				continue
			}
			causes := a.answer.Causes
			if len(causes) == 0 {
				// Every Unknown answer names its causes; should one not,
				// its proof is the cause, so it is still said.
				causes = []authz.Cause{{Key: "question:" + a.answer.Proof, What: reason(a.answer.Proof)}}
			}
			for _, c := range causes {
				g := groups[c.Key]
				if g == nil {
					g = &causeGroup{cause: c}
					groups[c.Key] = g
				}
				if c.Where != "" && !slices.Contains(g.wheres, c.Where) {
					g.wheres = append(g.wheres, c.Where)
				}
				b := findings.Blocked{RuleID: l.rule.ID, Resource: res}
				if !slices.Contains(g.blocks, b) {
					g.blocks = append(g.blocks, b)
				}
				if q := questionText(a.req); !slices.Contains(g.questions, q) {
					g.questions = append(g.questions, q)
				}
			}
		}
	}
	tokens := map[string]*snapshot.Location{}
	for _, u := range snap.Unknowns {
		if u.Location != nil && u.Location.File != "" {
			tokens[u.Token] = u.Location
		}
	}
	var out []findings.Finding
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		g := groups[key]
		rules := blockedRules(g.blocks)
		slices.Sort(g.wheres)
		slices.Sort(g.questions)
		first := g.blocks[0]
		id := cmp.Or(g.cause.Resource, first.Resource)
		msg := "cannot prove: " + g.cause.What
		if len(g.wheres) > 0 {
			msg += ", in " + strings.Join(g.wheres, " and ")
		}
		msg += fmt.Sprintf("; so %s cannot be proven (whether %s", strings.Join(rules, ", "), g.questions[0])
		if n := len(g.questions) - 1; n > 0 {
			msg += fmt.Sprintf(", and %d more question(s)", n)
		}
		msg += ")"
		f := findings.Finding{
			RuleID:      first.RuleID,
			Severity:    unprovenSeverity,
			Title:       titles[first.RuleID],
			Message:     msg,
			Resource:    findings.Resource{ID: id, Type: resourceType(id)},
			Remediation: iacref.Remediation(causeRemediation(g.cause)),
			Fingerprint: findings.Fingerprint("unproven", "", key),
			Unproven:    true,
			Blocks:      g.blocks,
		}
		loc := tokens[g.cause.Token]
		if loc == nil {
			loc = firstLocation(locs, g.cause.At, id, first.Resource)
		}
		place(&f, loc)
		out = append(out, f)
	}
	return out
}

// blockedRules sorts blocks by rule and resource and lists their rules,
// each once, in that order: the first is the unproven finding's rule_id.
func blockedRules(blocks []findings.Blocked) []string {
	slices.SortFunc(blocks, func(a, b findings.Blocked) int {
		return cmp.Or(strings.Compare(a.RuleID, b.RuleID), strings.Compare(a.Resource, b.Resource))
	})
	var rules []string
	for _, b := range blocks {
		if !slices.Contains(rules, b.RuleID) {
			rules = append(rules, b.RuleID)
		}
	}
	return rules
}

// firstLocation is the location of the first of the resources that has one.
func firstLocation(locs map[string]*snapshot.Location, at ...string) *snapshot.Location {
	for _, a := range at {
		if l := locs[a]; a != "" && l != nil {
			return l
		}
	}
	return nil
}

// place sets a finding's location from where the input declares it.
func place(f *findings.Finding, loc *snapshot.Location) {
	if loc != nil && loc.File != "" {
		f.Location = &findings.Location{File: loc.File, Line: loc.Line}
		f.Address = loc.Address
	}
}

// causeRemediation says how to supply what a cause is missing.
func causeRemediation(c authz.Cause) string {
	switch {
	case strings.Contains(c.Token, snapshot.ReasonAfterApply):
		// collectors/terraform: an attribute the plan leaves to apply
		// whose expression the .tf text was not there to evaluate.
		return "Give the Terraform configuration beside the plan (or pass --tf-dir DIR) so the value's expression is read from the .tf files (references, string templates, jsonencode, format, join, concat, locals and variables are evaluated; conditionals and for expressions are not), or check the applied stack (trailgate collect, then --snapshot), and check again."
	case strings.Contains(c.Token, snapshot.ReasonNotInPlan):
		return "Supply what the plan does not declare: pass --snapshot from trailgate collect of the account that holds it, or add it to the configuration, and check again."
	case c.Token != "":
		return "Give the value: pass the missing parameter (--param NAME=VALUE), or check the applied stack (trailgate collect, then --snapshot), and check again."
	case c.Resource != "":
		return "Supply " + c.Resource + ": pass --snapshot from trailgate collect of the account that holds it, or add it to the input, and check again."
	case strings.HasPrefix(c.Key, "wildcard:"):
		return "Name the resource the input creates by its reference (!GetAtt, !Ref, a Terraform attribute) rather than a wildcard that matches only some of the values AWS may assign, or check the applied stack (trailgate collect)."
	}
	return "Make the value known and check again: run the check on the applied stack (trailgate collect), or pass the missing parameter (--param) or the missing policy documents."
}

func questionText(r authz.Request) string {
	return fmt.Sprintf("%s may %s on %s", r.Principal, r.Action, r.Resource)
}

// reason is the answer's proof without its own "cannot prove" lead-in.
func reason(proof string) string {
	for _, p := range []string{"cannot prove a denial: ", "cannot prove: "} {
		proof = strings.TrimPrefix(proof, p)
	}
	return proof
}

// resourceOf folds an object ARN into its bucket: one finding per bucket.
func resourceOf(s string) string {
	if a, err := arn.Parse(s); err == nil && a.Service == "s3" {
		if i := strings.IndexByte(a.Resource, '/'); i >= 0 {
			return s[:len(s)-len(a.Resource)+i]
		}
	}
	return s
}

func resourceType(s string) string {
	a, err := arn.Parse(s)
	if err != nil {
		return "AWS::Resource"
	}
	switch {
	case a.Service == "s3":
		return "AWS::S3::Bucket"
	case a.Service == "kms":
		return "AWS::KMS::Key"
	case a.Service == "sqs":
		return "AWS::SQS::Queue"
	case a.Service == "sns":
		return "AWS::SNS::Topic"
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		return "AWS::IAM::Role"
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "policy/"):
		return "AWS::IAM::ManagedPolicy"
	}
	return "AWS::Resource"
}

// unprovenReads turns each collection error into one finding, attached to
// every rule that depends on the failed read (custom.reads).
func unprovenReads(rules []findings.Rule, snap *snapshot.Snapshot) []findings.Finding {
	byID := map[string]findings.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	partition := snap.Partition
	if partition == "" {
		partition = "aws"
	}
	var out []findings.Finding
	seen := map[string]bool{}
	for _, ce := range snap.CollectionErrors {
		id, rtype := ce.Resource, "AWS::Resource"
		if id == "" || !strings.HasPrefix(id, "arn:") {
			switch {
			case ce.Account != "":
				id, rtype = fmt.Sprintf("arn:%s:iam::%s:root", partition, ce.Account), "AWS::Account"
			case snap.Organization != nil && snap.Organization.ManagementAccountID != "":
				id, rtype = fmt.Sprintf("arn:%s:iam::%s:root", partition, snap.Organization.ManagementAccountID), "AWS::Account"
			default:
				id, rtype = "organization", "AWS::Organizations::Organization"
			}
			if ce.Resource != "" {
				id += "/" + ce.Resource
			}
		} else {
			rtype = resourceType(id)
		}
		op := ce.Service + ":" + ce.Operation
		what := "the " + op + " data"
		if ce.Resource != "" {
			what = ce.Resource
		}
		where := ce.Account
		if ce.Region != "" {
			where += "/" + ce.Region
		}
		if where == "" {
			where = "the organization"
		}
		code := ce.Code
		if code == "" {
			code = "an error"
		}
		// The rules whose METADATA declares the read (custom.reads), sorted.
		var dependents []string
		needs := snapshot.ReadDependency(op)
		for _, r := range rules {
			if slices.Contains(r.Reads, needs) {
				dependents = append(dependents, r.ID)
			}
		}
		slices.Sort(dependents)
		if len(dependents) == 0 {
			continue
		}
		fact := "unread:" + op + ":" + ce.Region
		key := id + "\x00" + fact
		if seen[key] {
			continue // the same read failing twice says nothing new
		}
		seen[key] = true
		// One finding per failed read, attached to every rule that needs it.
		blocks := make([]findings.Blocked, 0, len(dependents))
		for _, ruleID := range dependents {
			blocks = append(blocks, findings.Blocked{RuleID: ruleID, Resource: id})
		}
		out = append(out, findings.Finding{
			RuleID:   dependents[0],
			Severity: unprovenSeverity,
			Title:    byID[dependents[0]].Title,
			Message: fmt.Sprintf("cannot prove: could not read %s (%s on %s in %s), so rules %s cannot be proven",
				what, code, op, where, strings.Join(dependents, ", ")),
			Resource:    findings.Resource{ID: id, Type: rtype, Account: ce.Account, Region: ce.Region},
			Remediation: fmt.Sprintf("Let the collection role call %s in %s (the IAM policy trailgate collect documents), then collect and check again.", op, where),
			Fingerprint: findings.Fingerprint("unproven", id, fact),
			Unproven:    true,
			Blocks:      blocks,
		})
	}
	return out
}

// orgRuleWithoutOrg: OR01 and OR02 ask whether an SCP or RCP denies the
// pipeline. Without organization data (IaC alone) there are none to ask
// about, so an Unknown answer (a boundary not in the template, say) says
// nothing about them: that other cause is reported under the rules whose
// question it blocks, not copied under OR01 and OR02 for every resource.
func orgRuleWithoutOrg(ruleID string, snap *snapshot.Snapshot) bool {
	return (ruleID == "OR01" || ruleID == "OR02") && snap.Organization == nil
}

// Notes are what the whole check could not cover, said once rather than as
// a finding per resource: without organization data (a template or plan
// checked alone) no SCP or RCP was judged, so OR01 and OR02 cannot fire.
func Notes(snap *snapshot.Snapshot) []string {
	if snap == nil || snap.Organization != nil {
		return nil
	}
	return []string{"SCPs and RCPs were not given (no organization data): OR01 and OR02 were not checked; pass --snapshot from trailgate collect to judge them"}
}
