package authz

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// The answer says what each policy kind decided, level by level, so that
// rules ask "did the identity side allow?" or "which kind denied?" without
// parsing the explanation.
func TestAnswerKinds(t *testing.T) {
	const (
		vpce    = "the request does not use a VPC endpoint"
		noBound = "no permissions boundary"
		noSess  = "no session policy"
	)
	scp := func(target string, outcome iam.Outcome, reason string) KindOutcome {
		return KindOutcome{Kind: "scp", Target: target, Outcome: outcome, Reason: reason}
	}
	rcpAllows := func(action string) []KindOutcome {
		var ks []KindOutcome
		for _, target := range []string{"r-a1b2", "ou-a1b2-sec", logArc} {
			ks = append(ks, KindOutcome{Kind: "rcp", Target: target, Outcome: iam.OutcomeAllow, Reason: "statement #0 in the RCPs attached to " + target + " allows " + action})
		}
		return ks
	}
	tail := func(resource, identity KindOutcome) []KindOutcome {
		return []KindOutcome{
			{Kind: "vpcEndpoint", Outcome: iam.OutcomeSkipped, Reason: vpce},
			resource, identity,
			{Kind: "boundary", Outcome: iam.OutcomeSkipped, Reason: noBound},
			{Kind: "session", Outcome: iam.OutcomeSkipped, Reason: noSess},
		}
	}
	join := func(parts ...[]KindOutcome) []KindOutcome {
		var ks []KindOutcome
		for _, p := range parts {
			ks = append(ks, p...)
		}
		return ks
	}
	noResourceGrant := KindOutcome{Kind: "resource", Outcome: iam.OutcomeNoMatch, Reason: "no statement in the resource policy allows s3:GetObject"}
	identityAllows := KindOutcome{Kind: "identity", Outcome: iam.OutcomeAllow, Reason: "statement #0 in the identity policies allows s3:GetObject"}
	cases := []struct {
		name                        string
		mutate                      func(*snapshot.Snapshot)
		principal, action, resource string
		ctx                         map[string][]string
		decision                    iam.Decision
		want                        []KindOutcome
	}{{
		name:      "allowed in the same account: the identity side allows, the bucket policy grants nothing",
		principal: reader, action: "s3:GetObject", resource: object,
		decision: Allowed,
		want: join([]KindOutcome{
			scp("r-a1b2", iam.OutcomeAllow, "statement #0 in the SCPs attached to r-a1b2 allows s3:GetObject"),
			scp("ou-a1b2-sec", iam.OutcomeAllow, "statement #0 in the SCPs attached to ou-a1b2-sec allows s3:GetObject"),
			scp(logArc, iam.OutcomeAllow, "statement #0 in the SCPs attached to "+logArc+" allows s3:GetObject"),
		}, rcpAllows("s3:GetObject"), tail(noResourceGrant, identityAllows)),
	}, {
		// An SCP level must allow: one that allows nothing denies
		// implicitly (AWS Organizations, "SCP evaluation").
		name: "an OU without FullAWSAccess: that level is implicit, the rest allow",
		mutate: func(s *snapshot.Snapshot) {
			s.Organization.Policies[0].Targets = []string{"r-a1b2", mgmt, logArc, audit}
		},
		principal: reader, action: "s3:GetObject", resource: object,
		decision: ImplicitlyDenied,
		want: join([]KindOutcome{
			scp("r-a1b2", iam.OutcomeAllow, "statement #0 in the SCPs attached to r-a1b2 allows s3:GetObject"),
			scp("ou-a1b2-sec", iam.OutcomeNoMatch, "no statement in the SCPs attached to ou-a1b2-sec allows s3:GetObject"),
			scp(logArc, iam.OutcomeAllow, "statement #0 in the SCPs attached to "+logArc+" allows s3:GetObject"),
		}, rcpAllows("s3:GetObject"), tail(noResourceGrant, identityAllows)),
	}, {
		name:      "a service principal: no SCPs, no identity policies; the bucket policy allows",
		principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object,
		ctx:      map[string][]string{"aws:SourceArn": {ctTrail}},
		decision: Allowed,
		want: join([]KindOutcome{
			{Kind: "scp", Outcome: iam.OutcomeSkipped, Reason: "no SCPs govern the principal's account"},
		}, rcpAllows("s3:PutObject"), tail(
			KindOutcome{Kind: "resource", Outcome: iam.OutcomeAllow, Reason: "statement 'CloudTrailWrite' in the resource policy allows s3:PutObject to the principal"},
			KindOutcome{Kind: "identity", Outcome: iam.OutcomeSkipped, Reason: "the caller has no identity-based policies (service principal cloudtrail.amazonaws.com)"},
		)),
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ask(t, org(c.mutate), c.principal, c.action, c.resource, c.ctx)
			if a.Decision != c.decision {
				t.Fatalf("decision %s, want %s (%s)", a.Decision, c.decision, a.Proof)
			}
			if diff := cmp.Diff(c.want, a.Kinds); diff != "" {
				t.Errorf("kinds (-want +got):\n%s\nexplanation: %q", diff, a.Explanation)
			}
			kindsMatchExplanation(t, a)
		})
	}
}

// A denial names the kind that denied, with the sentence a message quotes.
func TestAnswerKindsDeny(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*snapshot.Snapshot)
		want   KindOutcome
	}{{
		name: "an SCP at an OU",
		mutate: func(s *snapshot.Snapshot) {
			addSCP(s, "ou-a1b2-sec", `{"Sid":"DenyReads","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)
		},
		want: KindOutcome{Kind: "scp", Target: "ou-a1b2-sec", Outcome: iam.OutcomeDeny},
	}, {
		name: "an RCP at the root",
		mutate: func(s *snapshot.Snapshot) {
			addRCP(s, "r-a1b2", `{"Sid":"Perimeter","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}`)
		},
		want: KindOutcome{Kind: "rcp", Target: "r-a1b2", Outcome: iam.OutcomeDeny},
	}, {
		name: "the bucket policy",
		mutate: func(s *snapshot.Snapshot) {
			s.Accounts[1].Buckets[0].Policy = pol(`{"Sid":"NoReads","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::org-logs/*"}`)
		},
		want: KindOutcome{Kind: "resource", Outcome: iam.OutcomeDeny},
	}, {
		name: "the permissions boundary",
		mutate: func(s *snapshot.Snapshot) {
			s.Accounts[1].ManagedPolicies = append(s.Accounts[1].ManagedPolicies, snapshot.ManagedPolicy{ARN: boundaryARN, Name: "boundary",
				Policy: *pol(fullAccess, `{"Sid":"NoReads","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)})
			s.Accounts[1].Roles[0].PermissionsBoundaryARN = boundaryARN
		},
		// A boundary step's target is its index, not an SCP level.
		want: KindOutcome{Kind: "boundary", Outcome: iam.OutcomeDeny},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ask(t, org(c.mutate), reader, "s3:GetObject", object, nil)
			if a.Decision != ExplicitlyDenied {
				t.Fatalf("decision %s, want %s (%s)", a.Decision, ExplicitlyDenied, a.Proof)
			}
			kindsMatchExplanation(t, a)
			var got []KindOutcome
			for _, k := range a.Kinds {
				if k.Outcome == iam.OutcomeDeny {
					if !strings.Contains(k.Reason, " denies s3:GetObject") {
						t.Errorf("reason %q does not say what it denies", k.Reason)
					}
					k.Reason = ""
					got = append(got, k)
				}
			}
			if diff := cmp.Diff([]KindOutcome{c.want}, got); diff != "" {
				t.Errorf("denying kinds (-want +got):\n%s\nexplanation: %q", diff, a.Explanation)
			}
		})
	}
}

// kindsMatchExplanation checks that Kinds says, step for step, what the
// explanation's lines "<step kind> <outcome> (<target>) '<sid>': <reason>"
// say: rules that moved from those lines to Kinds decide the same.
func kindsMatchExplanation(t *testing.T, a Answer) {
	t.Helper()
	stepKinds := map[string]string{"scp": "scp", "rcp": "rcp", "resource": "resourcePolicy", "identity": "identityPolicy",
		"boundary": "permissionsBoundary", "session": "sessionPolicy", "vpcEndpoint": "vpcEndpointPolicy"}
	outcomes := map[iam.Outcome]string{iam.OutcomeAllow: "allow", iam.OutcomeDeny: "deny", iam.OutcomeNoMatch: "implicit", iam.OutcomeSkipped: "skipped"}
	var lines []string
	for _, l := range a.Explanation {
		for _, k := range stepKinds {
			if strings.HasPrefix(l, k+" ") {
				lines = append(lines, l)
				break
			}
		}
	}
	if len(lines) != len(a.Kinds) {
		t.Fatalf("%d kinds for %d step lines: %q", len(a.Kinds), len(lines), a.Explanation)
	}
	for i, k := range a.Kinds {
		prefix := stepKinds[k.Kind] + " " + outcomes[k.Outcome]
		if k.Target != "" {
			prefix += " (" + k.Target + ")"
		}
		if !strings.HasPrefix(lines[i], prefix) || !strings.HasSuffix(lines[i], ": "+k.Reason) {
			t.Errorf("kind %+v does not say what line %q says", k, lines[i])
		}
	}
}
