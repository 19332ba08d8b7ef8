package iam

import (
	"errors"
	"strings"
	"testing"
)

// unk is an unresolved value as analyzer/authz hands it over (the token of
// collectors/snapshot.Unknown; this package must not import snapshot).
const unk = "<unknown:ImportValue LogBucketArn>"

var unknownOpts = ParseOptions{Unknown: func(s string) bool { return strings.Contains(s, "<unknown:") }}

func mustParseUnknown(t testing.TB, doc string, kind Kind) *Policy {
	t.Helper()
	p, err := ParsePolicyWith([]byte(doc), kind, unknownOpts)
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", kind, err, doc)
	}
	return p
}

// unknownSet is a PolicySet whose documents may hold unresolved values.
type unknownSet struct {
	identity []string
	resource string
	scps     []string // one level
}

func (u unknownSet) build(t testing.TB) PolicySet {
	var set PolicySet
	for _, d := range u.identity {
		set.Identity = append(set.Identity, mustParseUnknown(t, d, KindIdentity))
	}
	if u.resource != "" {
		set.Resource = mustParseUnknown(t, u.resource, KindResource)
	}
	if len(u.scps) > 0 {
		l := Level{Target: "r-root"}
		for _, d := range u.scps {
			l.Policies = append(l.Policies, mustParseUnknown(t, d, KindSCP))
		}
		set.SCPs = []Level{l}
	}
	return set
}

// TestUnknownValues: a statement holding an unresolved value may or may not
// apply; the decision is exact when both readings agree and Unknown only
// when they differ. The decision logic is AWS's
// (reference_policies_evaluation-logic_policy-eval-denyallow.html): an
// explicit deny wins, otherwise an allow is needed, so each statement can
// only move the answer one way and the two extreme readings bound every
// resolution.
func TestUnknownValues(t *testing.T) {
	known := allowS("s3:GetBucketAcl", bucket)
	maybeAllow := `{"Sid":"Maybe","Effect":"Allow","Action":"s3:PutObject","Resource":"` + unk + `/*"}`
	cases := []struct {
		name  string
		set   unknownSet
		req   Request
		want  Decision
		proof string // substring of the proof
	}{
		{
			// The audit's case: an unresolved Resource in one Allow
			// statement must not cloud an unrelated, fully known allow.
			name: "unknown Resource in one Allow: unrelated known allow", set: unknownSet{identity: id(known, maybeAllow)},
			req: r(roleA, "s3:GetBucketAcl", bucket, nil), want: Allowed, proof: "statement #0 in the identity policies allows s3:GetBucketAcl",
		},
		{
			name: "unknown Resource in one Allow: only it could allow", set: unknownSet{identity: id(known, maybeAllow)},
			req: r(roleA, "s3:PutObject", object, nil), want: Unknown,
			proof: "Allow statement 'Maybe' in the identity policies: Allowed if it applies",
		},
		{
			// Its known Action does not match: it cannot apply, whatever
			// the unresolved Resource turns out to be.
			name: "unknown Resource in one Allow: its known action does not match", set: unknownSet{identity: id(known, maybeAllow)},
			req: r(roleA, "sqs:SendMessage", queueA, nil), want: ImplicitlyDenied,
		},
		{
			name: "unknown Resource in a Deny: otherwise allowed", set: unknownSet{identity: id(allowS("s3:*", "*"), `{"Sid":"Guard","Effect":"Deny","Action":"s3:PutObject","Resource":"`+unk+`"}`)},
			req: r(roleA, "s3:PutObject", object, nil), want: Unknown,
			proof: "Deny statement 'Guard' in the identity policies: Allowed if it does not apply",
		},
		{
			name: "unknown Resource in a Deny: the deny's action does not match", set: unknownSet{identity: id(allowS("s3:*", "*"), `{"Effect":"Deny","Action":"s3:PutObject","Resource":"`+unk+`"}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Allowed,
		},
		{
			// Nothing allows: denied either way. Whether the denial is
			// explicit depends on the unresolved value, and the
			// explanation says so; the answer stays the proven one.
			name: "unknown Resource in a Deny: otherwise denied", set: unknownSet{identity: id(allowS("sqs:*", "*"), `{"Sid":"Guard","Effect":"Deny","Action":"s3:PutObject","Resource":"`+unk+`"}`)},
			req: r(roleA, "s3:PutObject", object, nil), want: ImplicitlyDenied, proof: "no statement in the identity policies allows s3:PutObject",
		},
		{
			name: "unknown Resource in a Deny: a known deny decides", set: unknownSet{identity: id(allowS("s3:*", "*"), denyS("s3:PutObject", "*"), `{"Sid":"Guard","Effect":"Deny","Action":"s3:PutObject","Resource":"`+unk+`"}`)},
			req: r(roleA, "s3:PutObject", object, nil), want: ExplicitlyDenied, proof: "statement #1 in the identity policies denies s3:PutObject",
		},
		{
			name: "unknown Condition value in an Allow", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"` + unk + `"}}}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Unknown,
		},
		{
			// docCondOps: a key absent from the request makes StringEquals
			// false, whatever a partly unresolved value resolves to.
			name: "partly unknown Condition value in an Allow, key absent", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-` + unk + `"}}}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: ImplicitlyDenied,
		},
		{
			// Another, known condition of the same statement fails: the
			// statement cannot apply.
			name: "unknown Condition value beside a failing known one", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"` + unk + `","aws:PrincipalAccount":"999999999999"}}}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: ImplicitlyDenied,
		},
		{
			name: "unknown Condition key in a Deny SCP, otherwise allowed", set: unknownSet{identity: id(allowS("*", "*")), scps: []string{fullAccessSCP, stmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"` + unk + `":"x"}}}`)}},
			req: r(roleA, "s3:GetObject", object, nil), want: Unknown, proof: "Deny statement #0 in the SCPs attached to r-root",
		},
		{
			// Cross-account (reference_policies_evaluation-logic-cross-account.html):
			// the bucket policy must allow, and its only grant names an
			// unresolved principal.
			name: "unknown Principal, cross-account", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmt(rs("Reader", "Allow", aws(unk), "s3:GetObject", bucket+"/*", ""))},
			req: r(roleB, "s3:GetObject", object, nil), want: Unknown, proof: "Allow statement 'Reader' in the resource policy",
		},
		{
			// Same account: the identity policy alone suffices
			// (reference_policies_evaluation-logic_policy-eval-basics.html).
			name: "unknown Principal, same account identity allows", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmt(rs("Reader", "Allow", aws(unk), "s3:GetObject", bucket+"/*", ""))},
			req: r(roleA, "s3:GetObject", object, nil), want: Allowed,
		},
		{
			// A known entry naming the caller decides; the unresolved one
			// can only add callers.
			name: "unknown Principal beside the caller's role", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmt(`{"Effect":"Allow","Principal":{"AWS":["` + roleB + `","` + unk + `"]},"Action":"s3:GetObject","Resource":"` + bucket + `/*"}`)},
			req: r(roleB, "s3:GetObject", object, nil), want: Allowed,
		},
		{
			// NotPrincipal (reference_policies_elements_notprincipal.html):
			// the known entries already exempt the session and its account.
			name: "unknown NotPrincipal entry, caller exempt by known entries", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`, `{"Effect":"Deny","NotPrincipal":{"AWS":["`+sessB+`","`+rootB+`","`+unk+`"]},"Action":"s3:*","Resource":"*"}`)},
			req: r(sessB, "s3:GetObject", object, nil), want: Allowed,
		},
		{
			name: "unknown NotPrincipal entry, caller not exempt by known entries", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`, `{"Effect":"Deny","NotPrincipal":{"AWS":["`+rootB+`","`+unk+`"]},"Action":"s3:*","Resource":"*"}`)},
			req: r(sessB, "s3:GetObject", object, nil), want: Unknown,
		},
		{
			// NotAction: a known entry excluding the action decides.
			name: "unknown NotAction entry, action excluded by a known one", set: unknownSet{identity: id(allowS("*", "*"), `{"Effect":"Deny","NotAction":["s3:*","`+unk+`"],"Resource":"*"}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Allowed,
		},
		{
			name: "unknown NotAction entry, action not excluded by the known ones", set: unknownSet{identity: id(allowS("*", "*"), `{"Effect":"Deny","NotAction":["s3:*","`+unk+`"],"Resource":"*"}`)},
			req: r(roleA, "sqs:SendMessage", queueA, nil), want: Unknown,
		},
		{
			name: "unknown NotResource entry, resource excluded by a known one", set: unknownSet{identity: id(allowS("*", "*"), `{"Effect":"Deny","Action":"s3:*","NotResource":["`+bucket+`/*","`+unk+`"]}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Allowed,
		},
		{
			name: "unknown Action entry beside a matching known one", set: unknownSet{identity: id(`{"Effect":"Allow","Action":["s3:GetObject","` + unk + `"],"Resource":"*"}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Allowed,
		},
		// Partly unresolved entries (partial.go): the token stands for a
		// concrete string, so the entry can match only what its known
		// pieces allow, the token read as "*" spanning any characters
		// (docResource: a resolved ARN matches field by field, hence as one
		// string too).
		{
			name: "partly unknown Resource in a Deny: a bucket-level ARN is not an object", set: unknownSet{identity: id(allowS("s3:*", "*"), `{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::`+unk+`/*"}`)},
			req: r(roleA, "s3:GetBucketAcl", bucket, nil), want: Allowed,
		},
		{
			name: "partly unknown Resource in an Allow: a bucket-level ARN is not an object", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::` + unk + `/*"}`)},
			req: r(roleA, "s3:GetBucketAcl", bucket, nil), want: ImplicitlyDenied,
		},
		{
			name: "partly unknown Resource in a Deny: an object ARN may match", set: unknownSet{identity: id(allowS("s3:*", "*"), `{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::`+unk+`/*"}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Unknown,
		},
		{
			name: "partly unknown Resource: another service's ARN", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::` + unk + `/*"}`)},
			req: r(roleA, "sqs:ReceiveMessage", queueA, nil), want: ImplicitlyDenied,
		},
		{
			// The token could hold colons: the account field may be
			// "111111111111:siem" and still not shift what the known
			// pieces require; here they require the sqs service.
			name: "partly unknown account in a Resource ARN, queue of that shape", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:` + unk + `:siem-queue"}`)},
			req: r(roleA, "sqs:ReceiveMessage", queueA, nil), want: Unknown,
		},
		{
			name: "partly unknown Resource without an ARN prefix stays undecided", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"*","Resource":"` + unk + `:s3:::b/*"}`)},
			req: r(roleA, "sqs:ReceiveMessage", queueA, nil), want: Unknown,
		},
		{
			// docAction: an action is service:name; the service is known.
			name: "partly unknown Action in a Deny: another service", set: unknownSet{identity: id(allowS("*", "*"), `{"Effect":"Deny","Action":"s3:Get`+unk+`","Resource":"*"}`)},
			req: r(roleA, "sqs:ReceiveMessage", queueA, nil), want: Allowed,
		},
		{
			name: "partly unknown Action in an Allow: another service", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:Get` + unk + `","Resource":"*"}`)},
			req: r(roleA, "sqs:ReceiveMessage", queueA, nil), want: ImplicitlyDenied,
		},
		{
			name: "partly unknown Action: a matching shape stays undecided", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:Get` + unk + `","Resource":"*"}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Unknown,
		},
		{
			// docNotAction: an entry that cannot name the action cannot
			// exclude it, so the Deny applies.
			name: "partly unknown NotAction entry cannot exclude another service", set: unknownSet{identity: id(allowS("*", "*"), `{"Effect":"Deny","NotAction":["s3:`+unk+`"],"Resource":"*"}`)},
			req: r(roleA, "sqs:ReceiveMessage", queueA, nil), want: ExplicitlyDenied,
		},
		{
			// docNotResource: likewise for NotResource.
			name: "partly unknown NotResource entry cannot exclude another service's ARN", set: unknownSet{identity: id(allowS("*", "*"), `{"Effect":"Deny","Action":"*","NotResource":["arn:aws:s3:::`+unk+`","arn:aws:s3:::`+unk+`/*"]}`)},
			req: r(roleA, "sqs:ReceiveMessage", queueA, nil), want: ExplicitlyDenied,
		},
		{
			name: "partly unknown NotResource entry may exclude an object", set: unknownSet{identity: id(allowS("*", "*"), `{"Effect":"Deny","Action":"*","NotResource":["arn:aws:s3:::`+unk+`","arn:aws:s3:::`+unk+`/*"]}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Unknown,
		},
		{
			// docCondOps: StringLike matches the value as a pattern.
			name: "StringLike value partly unknown, known prefix differs", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::999999999999:role/` + unk + `"}}}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: ImplicitlyDenied,
		},
		{
			name: "StringLike value partly unknown, known prefix matches", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/` + unk + `"}}}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Unknown,
		},
		{
			name: "StringNotLike value partly unknown in a Deny, known prefix differs", set: unknownSet{identity: id(allowS("*", "*"), `{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":["arn:aws:iam::999999999999:role/`+unk+`"]}}}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: ExplicitlyDenied,
		},
		{
			name: "ArnLike value partly unknown, another service", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/` + unk + `"}}}`)},
			req: r(roleA, "s3:GetObject", object, map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:topic"}}), want: ImplicitlyDenied,
		},
		{
			name: "ArnNotLike value partly unknown in a Deny, another service", set: unknownSet{identity: id(allowS("*", "*"), `{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:`+unk+`:trail/x"}}}`)},
			req: r(roleA, "s3:GetObject", object, map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:topic"}}), want: ExplicitlyDenied,
		},
		{
			// docPrincipal: a role ARN names the role's sessions; one in
			// another account names nobody in 222222222222.
			name: "partly unknown Principal role in another account", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmt(rs("Reader", "Allow", aws("arn:aws:iam::999999999999:role/"+unk), "s3:GetObject", bucket+"/*", ""))},
			req: r(sessB, "s3:GetObject", object, nil), want: ImplicitlyDenied,
		},
		{
			name: "partly unknown Principal role in the caller's account", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmt(rs("Reader", "Allow", aws("arn:aws:iam::222222222222:role/"+unk), "s3:GetObject", bucket+"/*", ""))},
			req: r(sessB, "s3:GetObject", object, nil), want: Unknown,
		},
		{
			// The token may hold a path: role/<unknown> may be
			// role/team/Connector.
			name: "partly unknown Principal role path", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmt(rs("Reader", "Allow", aws("arn:aws:iam::222222222222:role/"+unk+"/Connector"), "s3:GetObject", bucket+"/*", ""))},
			req: r(sessB, "s3:GetObject", object, nil), want: Unknown,
		},
		{
			name: "partly unknown Principal account root names the account", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmt(rs("Reader", "Allow", aws("arn:aws:iam::"+unk+":root"), "s3:GetObject", bucket+"/*", ""))},
			req: r(sessB, "s3:GetObject", object, nil), want: Unknown,
		},
		{
			name: "partly unknown Principal user cannot name a role session", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmt(rs("Reader", "Allow", aws("arn:aws:iam::"+unk+":user/alice"), "s3:GetObject", bucket+"/*", ""))},
			req: r(sessB, "s3:GetObject", object, nil), want: ImplicitlyDenied,
		},
		{
			// docNotPrinc: an entry that cannot name the caller or its
			// account cannot exempt it.
			name: "partly unknown NotPrincipal entry cannot exempt the caller", set: unknownSet{identity: id(allowS("s3:GetObject", "*")), resource: stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`, `{"Effect":"Deny","NotPrincipal":{"AWS":["`+rootB+`","arn:aws:iam::999999999999:role/`+unk+`"]},"Action":"s3:*","Resource":"*"}`)},
			req: r(sessB, "s3:GetObject", object, nil), want: ExplicitlyDenied,
		},
		{
			// StringEquals: the resolved value must equal the request's,
			// so it must share the known prefix and suffix.
			name: "StringEquals value partly unknown, known prefix differs", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::999999999999:role/` + unk + `"}}}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: ImplicitlyDenied,
		},
		{
			name: "StringEquals value partly unknown, known prefix matches", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/` + unk + `"}}}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Unknown,
		},
		{
			// A known "*" in StringEquals is literal: the value cannot be
			// the request's whatever the token holds.
			name: "StringEquals value partly unknown, literal star", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::*:role/` + unk + `"}}}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: ImplicitlyDenied,
		},
		{
			name: "StringNotEquals SourceArn partly unknown in a Deny, another service", set: unknownSet{identity: id(allowS("*", "*"), `{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/`+unk+`"}}}`)},
			req: r(roleA, "s3:GetObject", object, map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:topic"}}), want: ExplicitlyDenied,
		},
		{
			name: "StringEquals SourceArn partly unknown, another service", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceArn":["arn:aws:cloudtrail:us-east-1:111111111111:trail/` + unk + `"]}}}`)},
			req: r(roleA, "s3:GetObject", object, map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:topic"}}), want: ImplicitlyDenied,
		},
		{
			// IgnoreCase forms keep today's reading.
			name: "StringEqualsIgnoreCase value partly unknown stays undecided", set: unknownSet{identity: id(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalArn":"arn:aws:iam::999999999999:role/` + unk + `"}}}`)},
			req: r(roleA, "s3:GetObject", object, nil), want: Unknown,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Evaluate(c.req, c.set.build(t))
			if res.Decision != c.want {
				t.Fatalf("decision %s, want %s\nproof: %s\n%+v", res.Decision, c.want, res.Proof(), res.Explanation)
			}
			if c.proof != "" && !strings.Contains(res.Proof(), c.proof) {
				t.Errorf("proof %q does not contain %q", res.Proof(), c.proof)
			}
			if res.Deciding < 0 || res.Deciding >= len(res.Explanation) {
				t.Errorf("deciding step %d of %d", res.Deciding, len(res.Explanation))
			}
		})
	}
}

// TestUnknownDenyNote: denied either way, the explanation names the
// unresolved Deny that may make it explicit.
func TestUnknownDenyNote(t *testing.T) {
	set := unknownSet{identity: id(allowS("sqs:*", "*"), `{"Sid":"Guard","Effect":"Deny","Action":"s3:PutObject","Resource":"`+unk+`"}`)}.build(t)
	res := Evaluate(r(roleA, "s3:PutObject", object, nil), set)
	last := res.Explanation[len(res.Explanation)-1]
	want := "Deny statement 'Guard' in the identity policies may also deny it explicitly, depending on unresolved values"
	if last.Kind != StepNote || last.Reason != want {
		t.Errorf("last step %+v, want the note %q", last, want)
	}
}

// TestUnknownProofWording pins the whole sentence of an Unknown proof.
func TestUnknownProofWording(t *testing.T) {
	set := unknownSet{identity: id(`{"Sid":"Maybe","Effect":"Allow","Action":"s3:PutObject","Resource":"` + unk + `"}`)}.build(t)
	res := Evaluate(r(roleA, "s3:PutObject", object, nil), set)
	if u := res.Unresolved(); len(u) != 1 || u[0] != (UnresolvedStatement{Policy: set.Identity[0], Index: 0, Sid: "Maybe", Effect: Allow}) {
		t.Errorf("Unresolved() = %+v", u)
	}
	if !strings.HasPrefix(res.UnknownReadings(), "Allowed if it applies (") {
		t.Errorf("UnknownReadings() = %q", res.UnknownReadings())
	}
	got := res.Proof()
	want := "the decision depends on unresolved values in Allow statement 'Maybe' in the identity policies: " +
		"Allowed if it applies (statement 'Maybe' in the identity policies allows s3:PutObject if its unresolved values match for role/Reader); " +
		"ImplicitlyDenied otherwise (no statement in the identity policies allows s3:PutObject for role/Reader)"
	if got != want {
		t.Errorf("proof\n got %s\nwant %s", got, want)
	}
}

// TestParseUnknown: unresolved entries are exempt from AWS's format checks
// (AWS only ever sees the resolved value), a document whose structure is
// unresolved is still refused, and without ParseOptions nothing changes.
func TestParseUnknown(t *testing.T) {
	accepted := []struct {
		name string
		doc  string
		kind Kind
	}{
		{"whole Resource", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + unk + `"}`), KindIdentity},
		{"whole Action", stmt(`{"Effect":"Allow","Action":"` + unk + `","Resource":"*"}`), KindIdentity},
		{"AWS principal", stmt(rs("R", "Allow", aws(unk), "s3:GetObject", bucket+"/*", "")), KindResource},
		{"string principal", stmt(rs("R", "Allow", `"`+unk+`"`, "s3:GetObject", bucket+"/*", "")), KindResource},
		{"Date condition value", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"` + unk + `"}}}`), KindIdentity},
	}
	for _, c := range accepted {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePolicyWith([]byte(c.doc), c.kind, unknownOpts)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !p.HasUnknown() || !p.Statements[0].unknown {
				t.Errorf("statement not marked as holding an unknown")
			}
			if _, err := ParsePolicy([]byte(c.doc), c.kind); err == nil {
				t.Errorf("ParsePolicy without options accepted the placeholder")
			}
		})
	}
	refused := []string{
		`{"Version":"2012-10-17","Statement":"` + unk + `"}`,
		stmt(`{"Effect":"` + unk + `","Action":"s3:GetObject","Resource":"*"}`),
		`{"Version":"` + unk + `","Statement":[` + allowS("s3:GetObject", "*") + `]}`,
	}
	for _, doc := range refused {
		var pe *PolicyError
		if _, err := ParsePolicyWith([]byte(doc), KindIdentity, unknownOpts); !errors.As(err, &pe) {
			t.Errorf("%s: err %v, want a *PolicyError", doc, err)
		}
	}
	p := mustParseUnknown(t, stmt(allowS("s3:GetObject", "*")), KindIdentity)
	if p.HasUnknown() {
		t.Errorf("a fully known policy is marked as holding unknowns")
	}
}

// BenchmarkEvaluateUnknown: a set holding an unresolved statement costs
// one evaluation when the statement's known parts do not match the request
// (unrelated) and two, plus the Unknown proof, when they do (deciding).
func BenchmarkEvaluateUnknown(b *testing.B) {
	for _, c := range []struct {
		name, denied, asked string
		want                Decision
	}{{"unrelated", "s3:DeleteObject", "s3:PutObject", Allowed}, {"deciding", "s3:GetObject", "s3:GetObject", Unknown}} {
		b.Run(c.name, func(b *testing.B) {
			set := unknownSet{identity: id(allowS("s3:*", bucket+"/*"), allowS("sqs:ReceiveMessage", queueA), `{"Effect":"Deny","Action":"`+c.denied+`","Resource":"`+unk+`"}`)}.build(b)
			req := Request{Principal: roleA, Action: c.asked, Resource: object, ResourceAccount: acctA}
			if d := Evaluate(req, set).Decision; d != c.want {
				b.Fatalf("decision %s, want %s", d, c.want)
			}
			b.ReportAllocs()
			for b.Loop() {
				Evaluate(req, set)
			}
		})
	}
}

// FuzzUnknownSoundness: with unresolved values in a statement, a decision
// other than Unknown must be the decision of every resolution. Each seed
// or fuzzed statement is evaluated with its unknown tokens, then with each
// token replaced by concrete values (the request's own action, resource
// and principal, a wildcard, unrelated values); a concrete decision that
// contradicts a proven one fails. Parsing never panics, and a document it
// refuses is refused with a *PolicyError.
func FuzzUnknownSoundness(f *testing.F) {
	f.Add(`{"Effect":"Allow","Action":"s3:PutObject","Resource":"`+unk+`"}`, "s3:PutObject", uint8(0))
	f.Add(`{"Effect":"Deny","Action":"s3:*","Resource":"`+unk+`"}`, "s3:GetObject", uint8(1))
	f.Add(`{"Effect":"Deny","NotAction":["s3:*","`+unk+`"],"Resource":"*"}`, "sqs:SendMessage", uint8(2))
	f.Add(`{"Effect":"Allow","Principal":{"AWS":["`+unk+`"]},"Action":"s3:GetObject","Resource":"*"}`, "s3:GetObject", uint8(3))
	f.Add(`{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"`+unk+`"}}}`, "kms:Decrypt", uint8(4))
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"`+unk+`","NotResource":"`+unk+`"}`, "s3:GetObject", uint8(5))
	f.Add(`{"Effect":"Deny","NotPrincipal":{"AWS":["`+rootB+`","`+unk+`"]},"Action":"s3:*","Resource":"*"}`, "s3:GetObject", uint8(6))
	// Partly unresolved entries (partial.go).
	f.Add(`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::`+unk+`:role/Connector"},"Action":"s3:*","Resource":"*"}`, "s3:GetObject", uint8(1))
	f.Add(`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::222222222222:role/`+unk+`"},"Action":"*","Resource":"*"}`, "s3:GetObject", uint8(2))
	f.Add(`{"Effect":"Deny","Principal":{"AWS":["arn:aws:iam::`+unk+`:root"]},"Action":"*","Resource":"*"}`, "s3:GetObject", uint8(0))
	f.Add(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ForAllValues:StringNotEquals":{"aws:PrincipalArn":["arn:aws:iam::`+unk+`:role/*","x"]}}}`, "s3:GetObject", uint8(0))
	f.Add(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:PrincipalArn":"arn:aws:sts::222222222222:assumed-role/`+unk+`/sess"}}}`, "s3:GetObject", uint8(2))
	f.Add(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::`+unk+`:role/Connector"]},"Action":"s3:GetObject","Resource":"*"}`, "s3:GetObject", uint8(2))
	f.Add(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::`+unk+`","arn:aws:sts::222222222222:assumed-role/`+unk+`"]},"Action":"s3:*","Resource":"*"}`, "s3:GetObject", uint8(2))
	f.Add(`{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::`+unk+`/*"}`, "s3:GetObject", uint8(0))
	f.Add(`{"Effect":"Allow","Action":"s3:Get`+unk+`","Resource":"*"}`, "sqs:ReceiveMessage", uint8(2))
	f.Add(`{"Effect":"Deny","NotAction":["s3:`+unk+`"],"Resource":"*"}`, "s3:GetObject", uint8(1))
	f.Add(`{"Effect":"Deny","Action":"*","NotResource":["arn:aws:s3:::`+unk+`","arn:aws:s3:::`+unk+`/*"]}`, "s3:ListBucket", uint8(3))
	f.Add(`{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:`+unk+`:siem-queue"}`, "sqs:ReceiveMessage", uint8(2))
	f.Add(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::`+unk+`:role/R*"}}}`, "s3:GetObject", uint8(0))
	f.Add(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringNotLike":{"aws:PrincipalArn":["`+unk+`-x","arn:aws:iam::`+unk+`:*"]}}}`, "s3:GetObject", uint8(1))
	f.Add(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnNotEqualsIfExists":{"aws:PrincipalArn":"arn:aws:iam:`+unk+`:role/Reader"}}}`, "s3:GetObject", uint8(2))
	requests := []Request{
		r(roleA, "", object, nil),
		r(roleB, "", object, nil),
		r(sessB, "", queueA, nil),
		r(userA, "", bucket, nil),
	}
	f.Fuzz(func(t *testing.T, statement, action string, which uint8) {
		req := requests[int(which)%len(requests)]
		req.Action = action
		var candidates []string
		if p, ok := arnParts(req.Principal); ok {
			candidates = append(candidates, req.Principal, p[3], "arn:aws:iam::"+p[3]+":root")
		}
		candidates = append(candidates, req.Action, req.Resource, "*", "s3:*", "arn:aws:s3:::unrelated/*", "999999999999")
		// Pieces for partly unresolved entries: names, a value holding
		// colons and slashes, wildcards, the empty string, and the
		// request's own pieces.
		candidates = append(candidates, "", "x", "a:b/c", "?", "*:*", "Object", "111111111111:siem")
		for _, s := range strings.FieldsFunc(req.Resource+":"+req.Principal+":"+action, func(r rune) bool { return r == ':' || r == '/' }) {
			candidates = append(candidates, s, s+"/*", "*"+s)
		}
		identity := stmts(allowS("s3:GetObject", bucket+"/*"), statement)
		resource := stmts(rs("Known", "Allow", aws(rootB), "s3:*", "*", ""), statement)
		for _, shape := range []struct {
			doc  string
			kind Kind
		}{{identity, KindIdentity}, {resource, KindResource}} {
			p, err := ParsePolicyWith([]byte(shape.doc), shape.kind, unknownOpts)
			if err != nil {
				var pe *PolicyError
				if !errors.As(err, &pe) {
					t.Fatalf("error of type %T: %v", err, err)
				}
				continue
			}
			set := func(p *Policy) PolicySet {
				if shape.kind == KindIdentity {
					return PolicySet{Identity: []*Policy{p}}
				}
				return PolicySet{Identity: []*Policy{mustParse(t, allowAll, KindIdentity)}, Resource: p}
			}
			got := Evaluate(req, set(p))
			if got.Decision == Unknown {
				continue
			}
			for _, c := range candidates {
				q, err := ParsePolicy([]byte(strings.ReplaceAll(shape.doc, unk, c)), shape.kind)
				if err != nil {
					continue
				}
				concrete := Evaluate(req, set(q)).Decision
				if (got.Decision == Allowed) != (concrete == Allowed) || (got.Decision == ExplicitlyDenied && concrete != ExplicitlyDenied) {
					t.Fatalf("%s with %s: %s, but %s with the unknown read as %q\nproof: %s", shape.kind, statement, got.Decision, concrete, c, got.Proof())
				}
			}
		}
	})
}
