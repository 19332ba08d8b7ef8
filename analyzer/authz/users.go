package authz

import (
	"cmp"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// userEntry is an IAM user of the snapshot with its identity policies
// compiled: a connector may authenticate as a user with its access key
// (SkyFormation "Basic", K2), or a user may be the principal that assumes
// the connector's role.
type userEntry struct {
	user    *snapshot.User
	account string
	inline  []*document
}

// indexUsers compiles the users of account a (called from NewIndex after
// the account's managed policies are indexed).
func (ix *Index) indexUsers(a *snapshot.Account) {
	for i := range a.Users {
		u := &a.Users[i]
		e := &userEntry{user: u, account: a.ID}
		for j := range u.InlinePolicies {
			ip := &u.InlinePolicies[j]
			e.inline = append(e.inline, ix.compile(cmp.Or(u.ARN, u.Name), "inline policy "+ip.Name+" of user "+u.Name, iam.KindInline, &ip.Policy, u.Location))
		}
		if ix.users == nil {
			ix.users = map[string]*userEntry{}
		}
		ix.users[roleKey(a.ID, u.Name)] = e
	}
}

// addUserIdentity consults a user's identity policies as a role's are
// (addIdentity), and its groups'. The snapshot does not model groups: a
// user in groups has policies the input does not hold, so a denial of it
// cannot be proven
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html:
// a group's policies are identity-based policies of its members).
func (ix *Index) addUserIdentity(q *question, p caller) {
	e := ix.users[roleKey(p.account, p.roleName)]
	if e == nil {
		ix.absentPrincipal(q, p, "user", "")
		return
	}
	for _, g := range e.user.Groups {
		what := "the policies of group " + g + " (user " + e.user.Name + " is a member)"
		q.missing = append(q.missing, what)
		q.addCauses(what, Cause{Key: "missing:group/" + p.account + "/" + g, At: e.user.ARN,
			What: what + " are not in " + ix.inputName})
	}
	ix.addIdentity(q, p, e.user.ARN, e.inline, e.user.InlinePolicies, e.user.AttachedPolicyARNs, e.user.PermissionsBoundaryARN)
}

// addIdentity consults the identity policies of a role or user of the
// snapshot: its inline policies (compiled, named as inlineNames), the
// managed policies attached (missing when the input lacks their
// document), its permissions boundary, and the SCPs of its account.
func (ix *Index) addIdentity(q *question, p caller, principal string, inline []*document, inlineNames []snapshot.NamedPolicy, attached []string, boundary string) {
	for i, d := range inline {
		name := inlineNames[i].Name
		if pol := q.add(d, kindIdentity, name); pol != nil {
			q.set.Identity = append(q.set.Identity, pol)
			q.identityRefs = append(q.identityRefs, name)
		}
	}
	for _, arn := range attached {
		d := ix.managedPolicy(arn)
		if d == nil {
			q.missing = append(q.missing, "managed policy "+arn)
			q.addCauses("managed policy "+arn, Cause{Key: "missing:" + arn, Resource: arn, At: principal,
				What: "the managed policy " + arn + " is not in " + ix.inputName + "; pass --snapshot of its account or add it"})
			continue
		}
		if pol := q.add(d, kindIdentity, arn); pol != nil {
			q.set.Identity = append(q.set.Identity, pol)
			q.identityRefs = append(q.identityRefs, arn)
		}
	}
	if b := boundary; b != "" {
		d := ix.managedPolicy(b)
		switch {
		case d == nil:
			// A boundary only takes away: without its document a
			// denial stays a denial, and only an allow is unknown.
			q.boundaryMissing = "the permissions boundary " + b + " is not in " + ix.inputName + "; pass --snapshot of its account or add it"
			q.addCauses(q.boundaryMissing, Cause{Key: "missing:" + b, What: q.boundaryMissing, Resource: b, At: principal})
		case q.add(d, kindBoundary, b) != nil:
			q.set.Boundaries = []*iam.Policy{d.policy}
			q.boundaryRefs = []string{b}
		}
	}
	ix.addAccountSCPs(q, p.account)
}

// addAccountSCPs adds the SCPs on the path of a member account: they bind
// every principal of the account, roles and users alike, whether or not the
// input describes the principal
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
func (ix *Index) addAccountSCPs(q *question, account string) {
	if ix.scpOn && ix.members[account] {
		q.set.SCPs = ix.path(account, iam.StepSCP, ix.scps, q)
		q.set.PrincipalInManagementAccount = account == ix.org.ManagementAccountID
	}
}
