package datapath

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// This file builds the second GuardDuty path: findings sent as events to
// the default EventBridge bus of the detector's account and Region, a rule
// whose pattern matches them, its SNS topic target, and the topic's
// subscriptions to queues and their readers. The message carries the
// finding itself, so the path has no bucket or object to read.

// HopEventRule is an EventBridge rule that matches GuardDuty findings and
// routes them to an SNS topic target.
const HopEventRule HopKind = "event-rule"

// principalEvents is EventBridge's service principal: it publishes to SNS
// targets under the topic's resource policy (and uses the topic's key).
const principalEvents = "events.amazonaws.com"

// GuardDuty sends each finding to EventBridge as an event with this source
// and detail-type, on the default bus of the detector's account and
// Region: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-guardduty.html
const (
	guardDutyEventSource     = "aws.guardduty"
	guardDutyEventDetailType = "GuardDuty Finding"
)

// eventPaths returns the EventBridge paths of every enabled detector.
func (b *builder) eventPaths() []Path {
	var out []Path
	for ai := range b.ix.snap.Accounts {
		a := &b.ix.snap.Accounts[ai]
		for di := range a.Detectors {
			d := &a.Detectors[di]
			if d.Status == "DISABLED" {
				continue
			}
			for ri := range a.EventRules {
				r := &a.EventRules[ri]
				if r.Region == d.Region && routesGuardDutyFindings(r.EventPattern) {
					out = append(out, b.eventRulePaths(a.ID, d, r)...)
				}
			}
		}
	}
	return out
}

// eventRulePaths follows one rule's SNS targets to their queues. Branches
// are kept as assemble keeps them: with a connector, only those reaching
// its queue (or, when it has none, the vendor's queues).
func (b *builder) eventRulePaths(account string, d *snapshot.Detector, r *snapshot.EventRule) []Path {
	src := Source{Kind: SourceGuardDuty, ARN: d.ARN, Account: account, Region: d.Region,
		Writer: principalGuardDuty, WriterContext: map[string][]string{}}
	writer := Hop{Kind: HopWriter, Resources: []Resource{{ARN: d.ARN, Type: "AWS::GuardDuty::Detector", Account: account, Region: d.Region}}}
	rule := Hop{Kind: HopEventRule, Resources: []Resource{{ARN: r.ARN, Type: "AWS::Events::Rule", Account: account, Region: r.Region}}}
	rule.Problems = eventRuleProblems(r, account, d.Region)
	// EventBridge sends the rule's ARN and account with each invocation:
	// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
	ctx := serviceContext(principalEvents, r.ARN, account)
	var branches []branch
	for _, t := range r.Targets {
		ta, ok := parseARN(t.ARN)
		if !ok || ta.Service != "sns" {
			continue
		}
		h := cloneHops([]Hop{rule})[0]
		if ta.Region != r.Region && !snapshot.IsUnknown(ta.Region) {
			// "The targets you associate with a rule must be in the same
			// Region as the rule."
			// (https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification)
			h.Problems = append(h.Problems, "target "+t.ARN+" is in "+ta.Region+", not in the rule's Region "+r.Region)
		}
		branches = append(branches, b.topicBranches(h, t.ARN, principalEvents, ctx)...)
	}
	var out []Path
	for _, br := range b.connectorBranches(branches) {
		hops := append(cloneHops([]Hop{writer}), cloneHops(br.hops)...)
		id := d.ARN + " -> " + r.ARN + " -> " + br.via
		if br.queue != "" {
			id += " -> " + br.queue
			var q *snapshot.Queue
			if o := b.ix.queues[br.queue]; o != nil {
				q = o.V
			}
			// The reader receives the finding in the message: its reader
			// hop, not the read hop of an object.
			if rh := b.readerHops(q, readSpec{}); len(rh) > 0 {
				hops = append(hops, rh[0])
			}
		}
		out = append(out, Path{ID: id, Source: src, Hops: hops})
	}
	return out
}

// connectorBranches keeps the branches a connector reads: those reaching
// its queue, or, for a connector without a queue of its own, those
// reaching a vendor's queue (outside the snapshot's accounts). Without a
// connector every branch is kept.
func (b *builder) connectorBranches(branches []branch) []branch {
	if b.conn == nil {
		return branches
	}
	var kept []branch
	for _, br := range branches {
		if b.conn.Queue != "" && br.queue == b.conn.Queue {
			kept = append(kept, br)
		}
		if a, ok := parseARN(br.queue); ok && b.conn.Queue == "" && b.ix.accounts[a.Account] == nil {
			kept = append(kept, br)
		}
	}
	return kept
}

// eventRuleProblems are why a rule meant for GuardDuty findings routes
// none: disabled, on another bus than the default one GuardDuty sends to,
// or a pattern that no finding of the detector matches.
func eventRuleProblems(r *snapshot.EventRule, account, region string) []string {
	var out []string
	if r.State != "" && r.State != "ENABLED" && !snapshot.IsUnknown(r.State) {
		out = append(out, "rule is "+r.State)
	}
	if bus := r.EventBusName; bus != "" && bus != "default" && !strings.HasSuffix(bus, ":event-bus/default") && !snapshot.IsUnknown(bus) {
		out = append(out, "rule is on event bus "+bus+"; GuardDuty sends findings to the default bus")
	}
	if snapshot.IsUnknown(string(r.EventPattern)) {
		return append(out, unknownProblem("event pattern of "+r.ARN+" is not known"))
	}
	event := map[string]string{"source": guardDutyEventSource, "detail-type": guardDutyEventDetailType, "account": account, "region": region}
	var pattern map[string]json.RawMessage
	if json.Unmarshal(r.EventPattern, &pattern) != nil {
		return append(out, unknownProblem("event pattern of "+r.ARN+" is not a JSON object"))
	}
	switch m := matchPattern(pattern, event); m {
	case matchNo:
		out = append(out, "event pattern "+compactJSON(r.EventPattern)+" matches no GuardDuty finding of account "+account+" in "+region+
			" (source "+guardDutyEventSource+", detail-type \""+guardDutyEventDetailType+"\")")
	case matchUnknown:
		out = append(out, unknownProblem("event pattern "+compactJSON(r.EventPattern)+" uses a filter trailgate does not evaluate"))
	}
	return out
}

func compactJSON(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// routesGuardDutyFindings says whether a rule is meant to route GuardDuty
// findings: its pattern selects source aws.guardduty and no detail-type,
// or a detail-type naming findings (a typo such as "GuardDuty Findings"
// included, so that it is reported). Rules for GuardDuty's other events
// (malware scan results, runtime agent health) are not finding routes.
func routesGuardDutyFindings(raw json.RawMessage) bool {
	var p map[string]json.RawMessage
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	if !strings.Contains(string(p["source"]), guardDutyEventSource) {
		return false
	}
	dt, ok := p["detail-type"]
	return !ok || strings.Contains(strings.ToLower(string(dt)), "finding")
}

type match int

const (
	matchNo match = iota
	matchYes
	matchUnknown
)

// matchPattern matches the top-level fields of an EventBridge pattern
// against an event's (source, detail-type, account, region). Fields of
// detail select some findings by content (severity, type): a deliberate
// subset, matched. Every field must match, and one branch of $or.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
func matchPattern(p map[string]json.RawMessage, event map[string]string) match {
	res := matchYes
	for field, raw := range p {
		var m match
		switch {
		case field == "$or":
			m = matchOr(raw, event)
		case field == "detail":
			continue
		default:
			v, known := event[field]
			if !known {
				// Other envelope fields (id, time, resources, version)
				// differ per finding.
				continue
			}
			m = matchValue(raw, v)
		}
		if m == matchNo {
			return matchNo
		}
		if m == matchUnknown {
			res = matchUnknown
		}
	}
	return res
}

func matchOr(raw json.RawMessage, event map[string]string) match {
	var alts []map[string]json.RawMessage
	if json.Unmarshal(raw, &alts) != nil {
		return matchUnknown
	}
	res := matchNo
	for _, a := range alts {
		switch matchPattern(a, event) {
		case matchYes:
			return matchYes
		case matchUnknown:
			res = matchUnknown
		}
	}
	return res
}

// matchValue matches one field's array of values and content filters.
func matchValue(raw json.RawMessage, v string) match {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return matchUnknown
	}
	res := matchNo
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) == nil {
			if s == v {
				return matchYes
			}
			continue
		}
		var f map[string]json.RawMessage
		if json.Unmarshal(it, &f) != nil || len(f) != 1 {
			res = matchUnknown
			continue
		}
		switch matchFilter(f, v) {
		case matchYes:
			return matchYes
		case matchUnknown:
			res = matchUnknown
		}
	}
	return res
}

// matchFilter evaluates the string content filters: prefix, suffix,
// equals-ignore-case, wildcard, exists and anything-but.
func matchFilter(f map[string]json.RawMessage, v string) match {
	for op, arg := range f {
		var s string
		isString := json.Unmarshal(arg, &s) == nil
		switch op {
		case "prefix":
			if isString {
				return boolMatch(strings.HasPrefix(v, s))
			}
		case "suffix":
			if isString {
				return boolMatch(strings.HasSuffix(v, s))
			}
		case "equals-ignore-case":
			if isString {
				return boolMatch(strings.EqualFold(v, s))
			}
		case "wildcard":
			if isString {
				return boolMatch(wildcardMatch(s, v))
			}
		case "exists":
			var e bool
			if json.Unmarshal(arg, &e) == nil {
				return boolMatch(e)
			}
		case "anything-but":
			if isString {
				return boolMatch(v != s)
			}
			var list []string
			if json.Unmarshal(arg, &list) == nil {
				for _, x := range list {
					if x == v {
						return matchNo
					}
				}
				return matchYes
			}
		}
	}
	return matchUnknown
}

func boolMatch(ok bool) match {
	if ok {
		return matchYes
	}
	return matchNo
}

// wildcardMatch is EventBridge's wildcard filter: * matches any run of
// characters, \* a literal star and \\ a literal backslash; ? is an
// ordinary character
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-wildcard-matching).
func wildcardMatch(pattern, s string) bool {
	var re strings.Builder
	re.WriteString("^")
	var lit strings.Builder
	flush := func() {
		re.WriteString(regexp.QuoteMeta(lit.String()))
		lit.Reset()
	}
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '\\' && i+1 < len(pattern) && (pattern[i+1] == '*' || pattern[i+1] == '\\'):
			lit.WriteByte(pattern[i+1])
			i++
		case c == '*':
			flush()
			re.WriteString("(?s:.*)")
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	re.WriteString("$")
	ok, err := regexp.MatchString(re.String(), s)
	return err == nil && ok
}
