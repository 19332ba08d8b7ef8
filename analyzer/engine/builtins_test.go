package engine

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/iam"
	policyfs "github.com/trailgate/trailgate/rego"
)

// The built-in hands rules the answer's structured parts, statements and
// kinds, with every key present, so that rules never parse explanation text.
func TestAnswerValue(t *testing.T) {
	a := authz.Answer{
		Decision:    authz.ExplicitlyDenied,
		Proof:       "denied",
		Explanation: []string{"scp deny (ou-a1b2-sec) 'DenyReads': statement 'DenyReads' in the SCPs attached to ou-a1b2-sec denies s3:GetObject"},
		Statements:  []authz.Statement{{Kind: "scp", Policy: "p-1", Target: "ou-a1b2-sec", Index: 0, Sid: "DenyReads", Effect: "Deny", Role: authz.RoleDeny}},
		Kinds: []authz.KindOutcome{
			{Kind: "scp", Target: "ou-a1b2-sec", Outcome: iam.OutcomeDeny, Reason: "statement 'DenyReads' in the SCPs attached to ou-a1b2-sec denies s3:GetObject"},
			{Kind: "identity", Outcome: iam.OutcomeAllow, Reason: "statement #0 in the identity policies allows s3:GetObject"},
		},
	}
	got, err := ast.JSON(answerValue(a))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"decision":    "ExplicitlyDenied",
		"proof":       "denied",
		"explanation": []any{a.Explanation[0]},
		"statements": []any{map[string]any{
			"kind": "scp", "policy": "p-1", "target": "ou-a1b2-sec", "index": json.Number("0"), "sid": "DenyReads", "effect": "Deny", "role": "deny",
		}},
		"kinds": []any{
			map[string]any{"kind": "scp", "target": "ou-a1b2-sec", "outcome": "deny", "reason": a.Kinds[0].Reason},
			map[string]any{"kind": "identity", "target": "", "outcome": "allow", "reason": a.Kinds[1].Reason},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answer value (-want +got):\n%s", diff)
	}

	// An answer without statements or kinds still has both lists.
	got, err = ast.JSON(answerValue(authz.Answer{Decision: authz.Unknown}))
	if err != nil {
		t.Fatal(err)
	}
	m := got.(map[string]any)
	for _, key := range []string{"explanation", "statements", "kinds"} {
		if l, ok := m[key].([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %#v, want []", key, m[key])
		}
	}
}

// The rules' helpers decide from the answer's structured parts: which side
// allows (statements), which kind denies and why (statements, kinds). Each
// case holds the answer's text to a wording the helpers must not read.
func TestLibReadsStructuredAnswer(t *testing.T) {
	p, err := LoadPolicy(policyfs.FS)
	if err != nil {
		t.Fatal(err)
	}
	store, err := Store()
	if err != nil {
		t.Fatal(err)
	}
	opts := append(regoBuiltins(), rego.Store(store), rego.SetRegoVersion(ast.RegoV1))
	for _, m := range p.Modules {
		opts = append(opts, rego.ParsedModule(m))
	}
	// A helper that does not hold is undefined: count its proofs.
	const query = `a := input.answer
identity := count([1 | data.trailgate.lib.identity_allows(a)]) > 0
resource := count([1 | data.trailgate.lib.resource_allows(a)]) > 0
scp := count([1 | data.trailgate.lib.blocked_by(a, "scp")]) > 0
rcp := count([1 | data.trailgate.lib.blocked_by(a, "rcp")]) > 0
bucket := count([1 | data.trailgate.lib.blocked_by(a, "resourcePolicy")]) > 0
bucketDeny := count([1 | data.trailgate.lib.datapath.denied_by_bucket_policy(a)]) > 0
scpReason := data.trailgate.lib.blocking_reason(a, "scp")
bucketReason := data.trailgate.lib.blocking_reason(a, "resourcePolicy")`
	pq, err := rego.New(append(opts, rego.Query(query))...).PrepareForEval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stmt := func(kind, role string) authz.Statement {
		effect := "Allow"
		if role == authz.RoleDeny {
			effect = "Deny"
		}
		return authz.Statement{Kind: kind, Policy: "p", Role: role, Effect: effect}
	}
	kind := func(kind, target string, outcome iam.Outcome, reason string) authz.KindOutcome {
		return authz.KindOutcome{Kind: kind, Target: target, Outcome: outcome, Reason: reason}
	}
	type verdict struct {
		Identity, Resource, SCP, RCP, Bucket, BucketDeny bool
		SCPReason, BucketReason                          string
	}
	cases := []struct {
		name   string
		answer authz.Answer
		want   verdict
	}{{
		name: "the identity side allows, the bucket policy grants nothing",
		answer: authz.Answer{Decision: authz.ImplicitlyDenied, Proof: "proof",
			Statements: []authz.Statement{stmt("identity", authz.RoleAllow), stmt("resource", authz.RoleNearMiss)},
			Kinds:      []authz.KindOutcome{kind("identity", "", iam.OutcomeAllow, "r1"), kind("resource", "", iam.OutcomeNoMatch, "r2")}},
		want: verdict{Identity: true, SCPReason: "proof", BucketReason: "r2"},
	}, {
		name: "the bucket policy allows, the identity side does not",
		answer: authz.Answer{Decision: authz.ImplicitlyDenied, Proof: "proof",
			Statements: []authz.Statement{stmt("resource", authz.RoleAllow), stmt("identity", authz.RoleNearMiss)},
			Kinds:      []authz.KindOutcome{kind("resource", "", iam.OutcomeAllow, "r1"), kind("identity", "", iam.OutcomeNoMatch, "r2")}},
		want: verdict{Resource: true, SCPReason: "proof", BucketReason: "proof"},
	}, {
		name: "the bucket policy denies: the first deny's reason, trimmed",
		answer: authz.Answer{Decision: authz.ExplicitlyDenied, Proof: "proof",
			Statements: []authz.Statement{stmt("resource", authz.RoleDeny), stmt("identity", authz.RoleAllow)},
			Kinds:      []authz.KindOutcome{kind("resource", "", iam.OutcomeDeny, " statement 'A' denies "), kind("identity", "", iam.OutcomeAllow, "r2")}},
		want: verdict{Identity: true, Bucket: true, BucketDeny: true, SCPReason: "proof", BucketReason: "statement 'A' denies"},
	}, {
		name: "an SCP level allows nothing: blocked (implicitly) by scp, quoting that level",
		answer: authz.Answer{Decision: authz.ImplicitlyDenied, Proof: "proof",
			Kinds: []authz.KindOutcome{kind("scp", "r-1", iam.OutcomeAllow, "root allows"), kind("scp", "ou-1", iam.OutcomeNoMatch, "ou allows nothing"), kind("rcp", "r-1", iam.OutcomeAllow, "r")}},
		want: verdict{SCP: true, SCPReason: "ou allows nothing", BucketReason: "proof"},
	}, {
		name: "an SCP level allows nothing but the answer is Unknown: not blocked, the level still quoted",
		answer: authz.Answer{Decision: authz.Unknown, Proof: "proof",
			Kinds: []authz.KindOutcome{kind("scp", "ou-1", iam.OutcomeNoMatch, "ou allows nothing")}},
		want: verdict{SCPReason: "ou allows nothing", BucketReason: "proof"},
	}, {
		name: "an SCP denies at one level and allows nothing at another: the deny is quoted",
		answer: authz.Answer{Decision: authz.ExplicitlyDenied, Proof: "proof",
			Statements: []authz.Statement{stmt("scp", authz.RoleDeny)},
			Kinds:      []authz.KindOutcome{kind("scp", "r-1", iam.OutcomeNoMatch, "root allows nothing"), kind("scp", "ou-1", iam.OutcomeDeny, "ou denies")}},
		want: verdict{SCP: true, SCPReason: "ou denies", BucketReason: "proof"},
	}, {
		name: "an RCP level allows nothing",
		answer: authz.Answer{Decision: authz.ImplicitlyDenied, Proof: "proof",
			Kinds: []authz.KindOutcome{kind("rcp", "r-1", iam.OutcomeNoMatch, "nothing")}},
		want: verdict{RCP: true, SCPReason: "proof", BucketReason: "proof"},
	}, {
		name: "a malformed bucket policy statement is no deny; not-applicable kinds decide nothing",
		answer: authz.Answer{Decision: authz.ImplicitlyDenied, Proof: "proof",
			Explanation: []string{"resourcePolicy deny: wording the helpers must not read", "identityPolicy allow: nor this"},
			Statements:  []authz.Statement{stmt("resource", authz.RoleMalformed)},
			Kinds:       []authz.KindOutcome{kind("scp", "", iam.OutcomeSkipped, "no SCPs"), kind("resource", "", iam.OutcomeSkipped, "none")}},
		want: verdict{SCPReason: "proof", BucketReason: "proof"},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			input, err := ast.JSON(answerValue(c.answer))
			if err != nil {
				t.Fatal(err)
			}
			rs, err := pq.Eval(context.Background(), rego.EvalInput(map[string]any{"answer": input}))
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 {
				t.Fatalf("%d results", len(rs))
			}
			b := rs[0].Bindings
			got := verdict{Identity: b["identity"] == true, Resource: b["resource"] == true, SCP: b["scp"] == true, RCP: b["rcp"] == true,
				Bucket: b["bucket"] == true, BucketDeny: b["bucketDeny"] == true}
			got.SCPReason, _ = b["scpReason"].(string)
			got.BucketReason, _ = b["bucketReason"].(string)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
