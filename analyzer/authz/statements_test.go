package authz

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const (
	denyManaged = "arn:aws:iam::222222222222:policy/deny-reads"
	boundaryARN = "arn:aws:iam::222222222222:policy/boundary"
	ctTrail     = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org"
)

// The answer names the statements that decided or nearly decided by
// policy and index, as rules need them to point a finding at a statement.
func TestAnswerStatements(t *testing.T) {
	withManaged := func(s *snapshot.Snapshot, arn string, statements ...string) {
		s.Accounts[1].ManagedPolicies = append(s.Accounts[1].ManagedPolicies, snapshot.ManagedPolicy{ARN: arn, Name: arn, Policy: *pol(statements...)})
	}
	cases := []struct {
		name                        string
		mutate                      func(*snapshot.Snapshot)
		principal, action, resource string
		ctx                         map[string][]string
		decision                    iam.Decision
		want                        []Statement
	}{{
		name:      "allowed: every SCP and RCP level, and the inline policy",
		principal: reader, action: "s3:GetObject", resource: object,
		decision: Allowed,
		want: []Statement{
			{Kind: "scp", Policy: "p-FullAWSAccess", Target: "r-a1b2", Index: 0, Effect: "Allow", Role: RoleAllow},
			{Kind: "scp", Policy: "p-FullAWSAccess", Target: "ou-a1b2-sec", Index: 0, Effect: "Allow", Role: RoleAllow},
			{Kind: "scp", Policy: "p-FullAWSAccess", Target: logArc, Index: 0, Effect: "Allow", Role: RoleAllow},
			{Kind: "rcp", Policy: "p-RCPFullAWSAccess", Target: "r-a1b2", Index: 0, Effect: "Allow", Role: RoleAllow},
			{Kind: "rcp", Policy: "p-RCPFullAWSAccess", Target: "ou-a1b2-sec", Index: 0, Effect: "Allow", Role: RoleAllow},
			{Kind: "rcp", Policy: "p-RCPFullAWSAccess", Target: logArc, Index: 0, Effect: "Allow", Role: RoleAllow},
			{Kind: "identity", Policy: "read", Index: 0, Effect: "Allow", Role: RoleAllow},
		},
	}, {
		name: "an SCP at an OU denies: its ID and the level",
		mutate: func(s *snapshot.Snapshot) {
			addSCP(s, "ou-a1b2-sec", `{"Sid":"DenyReads","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)
		},
		principal: reader, action: "s3:GetObject", resource: object,
		decision: ExplicitlyDenied,
		want:     []Statement{{Kind: "scp", Policy: "p-testou-a1b2-sec", Target: "ou-a1b2-sec", Index: 0, Sid: "DenyReads", Effect: "Deny", Role: RoleDeny}},
	}, {
		name: "a managed policy denies: its ARN, the statement by index",
		mutate: func(s *snapshot.Snapshot) {
			withManaged(s, denyManaged, `{"Sid":"Other","Effect":"Deny","Action":"ec2:*","Resource":"*"}`, `{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)
			s.Accounts[1].Roles[0].AttachedPolicyARNs = []string{denyManaged}
		},
		principal: reader, action: "s3:GetObject", resource: object,
		decision: ExplicitlyDenied,
		want:     []Statement{{Kind: "identity", Policy: denyManaged, Index: 1, Effect: "Deny", Role: RoleDeny}},
	}, {
		name: "the permissions boundary denies: its ARN",
		mutate: func(s *snapshot.Snapshot) {
			withManaged(s, boundaryARN, fullAccess, `{"Sid":"NoReads","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)
			s.Accounts[1].Roles[0].PermissionsBoundaryARN = boundaryARN
		},
		principal: reader, action: "s3:GetObject", resource: object,
		decision: ExplicitlyDenied,
		want:     []Statement{{Kind: "boundary", Policy: boundaryARN, Index: 1, Sid: "NoReads", Effect: "Deny", Role: RoleDeny}},
	}, {
		name:      "a bucket policy statement fails its condition: the near miss, named by the bucket's ARN",
		principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object,
		ctx:      map[string][]string{"aws:SourceArn": {ctTrail + "-other"}},
		decision: ImplicitlyDenied,
		want:     []Statement{{Kind: "resource", Policy: bucket, Index: 0, Sid: "CloudTrailWrite", Effect: "Allow", Role: RoleNearMiss}},
	}, {
		name: "a malformed bucket policy: the statement AWS rejects",
		mutate: func(s *snapshot.Snapshot) {
			s.Accounts[1].Buckets[0].Policy = pol(`{"Sid":"Fine","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:*","Resource":"*"}`,
				`{"Sid":"NoPrincipal","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::org-logs/*"}`)
		},
		principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object,
		ctx:      map[string][]string{"aws:SourceArn": {ctTrail}},
		decision: ImplicitlyDenied,
		want:     []Statement{{Kind: "resource", Policy: bucket, Index: 1, Sid: "NoPrincipal", Effect: "Allow", Role: RoleMalformed}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ask(t, org(c.mutate), c.principal, c.action, c.resource, c.ctx)
			if a.Decision != c.decision {
				t.Fatalf("decision %s, want %s (%s)", a.Decision, c.decision, a.Proof)
			}
			got := a.Statements
			if c.decision != Allowed {
				got = nil
				for _, s := range a.Statements {
					if s.Role != RoleAllow {
						got = append(got, s)
					}
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("statements (-want +got):\n%s\nexplanation: %q", diff, a.Explanation)
			}
		})
	}
}
