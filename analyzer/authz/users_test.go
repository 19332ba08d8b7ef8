package authz

import (
	"strings"
	"testing"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// A connector authenticating as an IAM user (SkyFormation "Basic", or the
// user that calls sts:AssumeRole for "STSAssumeRole") is judged by the
// user's own identity policies, its boundary and the SCPs of its account,
// as a role is
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
func TestUserIdentity(t *testing.T) {
	const user = "arn:aws:iam::222222222222:user/integrations/skyformation"
	withUser := func(u snapshot.User) *snapshot.Snapshot {
		return org(func(s *snapshot.Snapshot) {
			s.Accounts[1].Users = []snapshot.User{u}
			s.Accounts[1].ManagedPolicies = append(s.Accounts[1].ManagedPolicies, snapshot.ManagedPolicy{
				ARN: "arn:aws:iam::222222222222:policy/assume", Name: "assume",
				Policy: *pol(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222222222222:role/Reader"}`)})
		})
	}
	base := snapshot.User{Name: "skyformation", ARN: user, Path: "/integrations/",
		InlinePolicies: []snapshot.NamedPolicy{inline("read", `{"Effect":"Allow","Action":"cloudtrail:LookupEvents","Resource":"*"}`)}}
	cases := []struct {
		name     string
		user     snapshot.User
		action   string
		resource string
		want     iam.Decision
		proof    string
	}{
		{"inline policy allows", base, "cloudtrail:LookupEvents", "*", Allowed, ""},
		{"nothing allows", base, "guardduty:ListFindings", "*", ImplicitlyDenied, ""},
		{"attached policy allows AssumeRole", func() snapshot.User {
			u := base
			u.AttachedPolicyARNs = []string{"arn:aws:iam::222222222222:policy/assume"}
			return u
		}(), "sts:AssumeRole", "arn:aws:iam::222222222222:role/Reader", ImplicitlyDenied, "trust policy"},
		{"AWS managed policy from the embedded set", func() snapshot.User {
			u := base
			u.AttachedPolicyARNs = []string{"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}
			return u
		}(), "iam:ListUsers", "*", Allowed, ""},
		{"group policies are not in the input", func() snapshot.User {
			u := base
			u.Groups = []string{"readers"}
			return u
		}(), "guardduty:ListFindings", "*", Unknown, "group readers"},
		{"boundary denies", func() snapshot.User {
			u := base
			u.PermissionsBoundaryARN = "arn:aws:iam::222222222222:policy/assume"
			return u
		}(), "cloudtrail:LookupEvents", "*", ImplicitlyDenied, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ix, err := NewIndex(withUser(c.user))
			if err != nil {
				t.Fatal(err)
			}
			a := ix.Authorize(Request{Principal: user, Action: c.action, Resource: c.resource})
			if a.Decision != c.want || !strings.Contains(a.Proof, c.proof) {
				t.Fatalf("%s on %s: got %s (%s), want %s containing %q", c.action, c.resource, a.Decision, a.Proof, c.want, c.proof)
			}
		})
	}
}
