package datapath

import (
	"encoding/json"
	"slices"
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
	for account, d := range ofAccounts(b.ix.snap, func(a *snapshot.Account) []snapshot.Detector { return a.Detectors }) {
		if d.Status == "DISABLED" {
			continue
		}
		rules := b.ix.accounts[account].EventRules
		for ri := range rules {
			if r := &rules[ri]; r.Region == d.Region && routesGuardDutyFindings(r.EventPattern) {
				out = append(out, b.eventRulePaths(account, d, r)...)
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
	return eventPatternProblems(r, account, region, guardDutyEventSource, guardDutyEventDetailType, "GuardDuty")
}

// eventPatternProblems are why a rule routes none of a service's findings
// (events of source and detailType on the default bus of account and
// region): disabled, on another bus, or a pattern that matches none.
func eventPatternProblems(r *snapshot.EventRule, account, region, source, detailType, service string) []string {
	var out []string
	// ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled too (it also
	// matches read-only management events):
	// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Rule.html
	if r.State != "" && r.State != "ENABLED" && r.State != "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" && !snapshot.IsUnknown(r.State) {
		out = append(out, "rule is "+r.State)
	}
	if bus := r.EventBusName; bus != "" && bus != "default" && !strings.HasSuffix(bus, ":event-bus/default") && !snapshot.IsUnknown(bus) {
		out = append(out, "rule is on event bus "+bus+"; "+service+" sends findings to the default bus")
	}
	if snapshot.IsUnknown(string(r.EventPattern)) {
		return append(out, unknownProblem("event pattern of "+r.ARN+" is not known"))
	}
	event := map[string]string{"source": source, "detail-type": detailType, "account": account, "region": region}
	var pattern map[string]json.RawMessage
	if json.Unmarshal(r.EventPattern, &pattern) != nil {
		return append(out, unknownProblem("event pattern of "+r.ARN+" is not a JSON object"))
	}
	switch m := matchPattern(pattern, event); m {
	case matchNo:
		out = append(out, "event pattern "+compactJSON(r.EventPattern)+" matches no "+service+" finding of account "+account+" in "+region+
			" (source "+source+", detail-type \""+detailType+"\")")
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
	// The pattern is literal segments joined by unescaped stars: the first
	// segment starts s, the last ends it, and the ones between occur in
	// order, each taken at its leftmost place (which leaves the most room
	// for the rest).
	var segs []string
	var lit strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '\\' && i+1 < len(pattern) && (pattern[i+1] == '*' || pattern[i+1] == '\\'):
			lit.WriteByte(pattern[i+1])
			i++
		case c == '*':
			segs = append(segs, lit.String())
			lit.Reset()
		default:
			lit.WriteByte(c)
		}
	}
	segs = append(segs, lit.String())
	if len(segs) == 1 {
		return s == segs[0]
	}
	first, last := segs[0], segs[len(segs)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	rest := s[len(first) : len(s)-len(last)]
	for _, seg := range segs[1 : len(segs)-1] {
		i := strings.Index(rest, seg)
		if i < 0 {
			return false
		}
		rest = rest[i+len(seg):]
	}
	return true
}

// SourceMacie is Macie's findings, sent as events to the default
// EventBridge bus of Macie's account and Region, routed by a rule to the
// connector's Macie queue (connector key macie_queue, SkyFormation K4).
const SourceMacie SourceKind = "macie"

// Macie publishes each finding to EventBridge with this source and
// detail-type: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-macie.html
// (and https://docs.aws.amazon.com/macie/latest/user/findings-publish-event-schemas.html).
const (
	macieEventSource     = "aws.macie"
	macieEventDetailType = "Macie Finding"
)

// maciePaths are the paths of Macie findings to the connector's Macie
// queue, built when the connector lists source macie and names the queue.
// Each rule of the snapshot that targets the queue with a pattern meant
// for Macie findings is a path: rule → queue (→ queue key). A rule on the
// queue whose pattern selects another source is not a Macie route; when
// no rule routes Macie findings to the queue, one path says so, naming
// the rules that do target it.
func (b *builder) maciePaths() []Path {
	if b.conn == nil || b.conn.MacieQueue == "" || !slices.Contains(b.conn.Sources, string(SourceMacie)) {
		return nil
	}
	queue := b.conn.MacieQueue
	qa, _ := parseARN(queue)
	var out []Path
	var others []string
	for account, r := range ofAccounts(b.ix.snap, func(a *snapshot.Account) []snapshot.EventRule { return a.EventRules }) {
		if !slices.ContainsFunc(r.Targets, func(t snapshot.EventTarget) bool { return t.ARN == queue }) {
			continue
		}
		if !routesMacieFindings(r.EventPattern) {
			others = append(others, r.ARN+" (pattern "+compactJSON(r.EventPattern)+")")
			continue
		}
		out = append(out, b.macieRulePath(account, r, queue))
	}
	if len(out) > 0 {
		return out
	}
	// Macie sends to the default bus of its own account and Region, and a
	// rule's targets are in the rule's Region: the rule belongs in the
	// queue's Region.
	problem := "no EventBridge rule routes Macie findings (source " + macieEventSource + ", detail-type \"" + macieEventDetailType + "\") to queue " + queue
	if len(others) > 0 {
		slices.Sort(others)
		problem += "; the rules targeting it match other events: " + strings.Join(others, ", ")
	}
	if why := b.macieRulesUnknown(queue); why != "" {
		problem = unknownProblem(why)
	}
	rule := Hop{Kind: HopEventRule, Problems: []string{problem}}
	src := Source{Kind: SourceMacie, Account: qa.Account, Region: qa.Region, Writer: principalMacie, WriterContext: map[string][]string{}}
	src.ARN = queue
	return []Path{{ID: "macie -> none -> " + queue, Source: src, Hops: []Hop{rule}}}
}

// macieRulesUnknown says why the input cannot show that no rule sends
// Macie findings to the queue: the queue is not declared in it (a template
// for the connector's role only, or a queue only referred to), or reading
// the rules of the queue's Region failed.
func (b *builder) macieRulesUnknown(queue string) string {
	if q := b.ix.queues[queue]; q == nil || q.V.Partial {
		return "queue " + queue + " and the rules that target it are not in the input"
	}
	qa, _ := parseARN(queue)
	for _, e := range b.ix.snap.CollectionErrors {
		if e.Service == "events" && (e.Region == "" || e.Region == qa.Region) {
			return "EventBridge rules could not be read (" + e.Operation + ": " + e.Code + ")"
		}
	}
	return ""
}

// principalMacie publishes the findings; EventBridge, not Macie, sends them
// to the queue.
const principalMacie = "macie.amazonaws.com"

// macieRulePath judges one rule meant for Macie findings: enabled on the
// default bus with a pattern that matches them, its queue target in the
// rule's Region, a queue policy that lets events.amazonaws.com
// sqs:SendMessage with the rule as aws:SourceArn
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions),
// and a customer managed queue key events.amazonaws.com may use
// (kms:GenerateDataKey, kms:Decrypt: https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification
// and https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
func (b *builder) macieRulePath(account string, r *snapshot.EventRule, queue string) Path {
	src := Source{Kind: SourceMacie, ARN: r.ARN, Account: account, Region: r.Region, Writer: principalMacie, WriterContext: map[string][]string{}}
	rule := Hop{Kind: HopEventRule, Resources: []Resource{{ARN: r.ARN, Type: "AWS::Events::Rule", Account: account, Region: r.Region}}}
	rule.Problems = eventPatternProblems(r, account, r.Region, macieEventSource, macieEventDetailType, "Macie")
	if qa, ok := parseARN(queue); ok && qa.Region != r.Region && !snapshot.IsUnknown(qa.Region) {
		rule.Problems = append(rule.Problems, "target "+queue+" is in "+qa.Region+", not in the rule's Region "+r.Region)
	}
	ctx := serviceContext(principalEvents, r.ARN, account)
	br := b.queueBranch([]Hop{rule}, r.ARN, queue, principalEvents, ctx)
	return Path{ID: r.ARN + " -> " + queue, Source: src, Hops: br.hops}
}

// routesMacieFindings says whether a rule's pattern is meant for Macie
// findings: it selects source aws.macie (not aws.macie2, Macie's API calls
// through CloudTrail) and no detail-type, or one naming findings.
func routesMacieFindings(raw json.RawMessage) bool {
	var p map[string]json.RawMessage
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	var sources []any
	if json.Unmarshal(p["source"], &sources) != nil || !slices.Contains(sources, any(macieEventSource)) {
		return false
	}
	dt, ok := p["detail-type"]
	return !ok || strings.Contains(strings.ToLower(string(dt)), "finding")
}
