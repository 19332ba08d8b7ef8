package stssrv

import (
	"fmt"
	"strings"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// adminPolicy is the identity policy of a caller the snapshot does not
// describe: the test's own administrator (the principal that collects the
// world). Its requests are then decided by the trust policy, SCPs and RCPs.
const adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// decide evaluates AssumeRole as AWS does
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html):
// the role's trust policy must allow the caller (with sts:ExternalId in the
// request context when one is passed), the caller's own identity policies
// and permissions boundary must allow sts:AssumeRole on the role, and the
// SCPs above the caller's account must not forbid it.
func decide(w *awstest.World, role snapshot.Role, c awstest.Caller, externalID string) (bool, error) {
	trust, err := iam.ParsePolicy(role.TrustPolicy.Document, iam.KindTrust)
	if err != nil {
		return false, fmt.Errorf("trust policy of %s: %w", role.ARN, err)
	}
	req := iam.Request{Principal: c.PrincipalARN, Action: "sts:AssumeRole", Resource: role.ARN,
		ResourceAccount: awstest.AccountOfARN(role.ARN), Context: map[string][]string{}}
	if externalID != "" {
		req.Context["sts:ExternalId"] = []string{externalID}
	}
	set := iam.PolicySet{Resource: trust, ResourceType: iam.ResourceRoleTrust}
	if caller := callerRole(w, c.PrincipalARN); caller != nil {
		set.Identity, set.Boundaries, err = identityPolicies(w, caller)
		if err != nil {
			return false, err
		}
	} else {
		admin, err := iam.ParsePolicy([]byte(adminPolicy), iam.KindIdentity)
		if err != nil {
			return false, err
		}
		set.Identity = []*iam.Policy{admin}
	}
	if org := w.Snapshot.Organization; org != nil {
		// AWS sets the organization keys of principals and resources that
		// belong to an organization; data-perimeter SCPs and RCPs test them
		// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid).
		if path := orgPath(org, c.Account); path != "" {
			req.Context["aws:PrincipalOrgID"] = []string{org.ID}
			req.Context["aws:PrincipalOrgPaths"] = []string{path}
		}
		if path := orgPath(org, req.ResourceAccount); path != "" {
			req.Context["aws:ResourceOrgID"] = []string{org.ID}
			req.Context["aws:ResourceOrgPaths"] = []string{path}
		}
		set.PrincipalInManagementAccount = c.Account == org.ManagementAccountID
		set.ResourceInManagementAccount = req.ResourceAccount == org.ManagementAccountID
		if set.SCPs, err = levels(org, c.Account, snapshot.PolicyTypeSCP); err != nil {
			return false, err
		}
		if set.RCPs, err = levels(org, req.ResourceAccount, snapshot.PolicyTypeRCP); err != nil {
			return false, err
		}
	}
	return iam.Evaluate(req, set).Decision == iam.Allowed, nil
}

// callerRole finds the role behind a role or assumed-role session ARN.
func callerRole(w *awstest.World, principal string) *snapshot.Role {
	account := awstest.AccountOfARN(principal)
	name := ""
	res := principal[strings.LastIndex(principal, ":")+1:]
	switch {
	case strings.HasPrefix(res, "assumed-role/"):
		name = strings.Split(res, "/")[1]
	case strings.HasPrefix(res, "role/"):
		name = res[strings.LastIndex(res, "/")+1:]
	default:
		return nil
	}
	a := w.Account(account)
	if a == nil {
		return nil
	}
	for i := range a.Roles {
		if a.Roles[i].Name == name {
			return &a.Roles[i]
		}
	}
	return nil
}

func identityPolicies(w *awstest.World, r *snapshot.Role) (identity, boundaries []*iam.Policy, err error) {
	a := w.Account(awstest.AccountOfARN(r.ARN))
	managed := func(arn string) (*iam.Policy, error) {
		for _, m := range a.ManagedPolicies {
			if m.ARN == arn {
				return iam.ParsePolicy(m.Document, iam.KindIdentity)
			}
		}
		return nil, fmt.Errorf("managed policy %s of %s is not in the snapshot", arn, r.ARN)
	}
	for _, p := range r.InlinePolicies {
		pol, err := iam.ParsePolicy(p.Document, iam.KindIdentity)
		if err != nil {
			return nil, nil, fmt.Errorf("inline policy %s of %s: %w", p.Name, r.ARN, err)
		}
		identity = append(identity, pol)
	}
	for _, arn := range r.AttachedPolicyARNs {
		pol, err := managed(arn)
		if err != nil {
			return nil, nil, err
		}
		identity = append(identity, pol)
	}
	if r.PermissionsBoundaryARN != "" {
		pol, err := managed(r.PermissionsBoundaryARN)
		if err != nil {
			return nil, nil, err
		}
		boundaries = append(boundaries, pol)
	}
	return identity, boundaries, nil
}

// levels is the path from the root to account, each with the policies of
// the given type attached to it; every level must allow.
func levels(o *snapshot.Organization, account, typ string) ([]iam.Level, error) {
	parent := map[string]string{}
	for _, ou := range o.OrganizationalUnits {
		parent[ou.ID] = ou.ParentID
	}
	found := false
	for _, m := range o.Members {
		if m.ID == account {
			parent[account] = m.ParentID
			found = true
		}
	}
	if !found {
		return nil, nil // not governed by this organization
	}
	var path []string
	for t := account; t != ""; t = parent[t] {
		path = append([]string{t}, path...)
		if t == o.RootID {
			break
		}
	}
	var out []iam.Level
	for _, target := range path {
		lvl := iam.Level{Target: target}
		for _, p := range o.Policies {
			if p.Type != typ {
				continue
			}
			for _, t := range p.Targets {
				if t == target {
					kind := iam.KindSCP
					if typ == snapshot.PolicyTypeRCP {
						kind = iam.KindRCP
					}
					pol, err := iam.ParsePolicy(p.Document.Document, kind)
					if err != nil {
						return nil, fmt.Errorf("%s %s: %w", typ, p.ID, err)
					}
					lvl.Policies = append(lvl.Policies, pol)
				}
			}
		}
		out = append(out, lvl)
	}
	// With a policy type not enabled, nothing of that type applies.
	enabled := false
	for _, t := range o.EnabledPolicyTypes {
		enabled = enabled || t == typ
	}
	if !enabled {
		return nil, nil
	}
	return out, nil
}

// orgPath is the aws:PrincipalOrgPaths value of an account
// (o-id/r-root/ou-…/), "" when it is not a member.
func orgPath(o *snapshot.Organization, account string) string {
	parent := map[string]string{}
	for _, ou := range o.OrganizationalUnits {
		parent[ou.ID] = ou.ParentID
	}
	p, member := "", false
	for _, m := range o.Members {
		if m.ID == account {
			p, member = m.ParentID, true
		}
	}
	if !member {
		return ""
	}
	var ids []string
	for ; p != "" && len(ids) < 10; p = parent[p] {
		ids = append([]string{p}, ids...)
		if p == o.RootID {
			break
		}
	}
	return o.ID + "/" + strings.Join(ids, "/") + "/"
}
