package snapshot

import (
	"slices"
	"strings"
)

// The organization facts every evaluation needs, decided once here: the
// analyzer's authorization index and the loopback test servers both ask
// them, so that the organization part of a policy set is assembled one way.

// PolicyTypeInForce says whether policies of typ (PolicyTypeSCP,
// PolicyTypeRCP) apply in o: only when the type is enabled at the root;
// disabling a type detaches its policies
// (https://docs.aws.amazon.com/organizations/latest/userguide/disable-policy-type.html).
// A snapshot that lists no enabled types at all predates the field; then
// any policy of the type counts as enabled.
func (o *Organization) PolicyTypeInForce(typ string) bool {
	if o == nil {
		return false
	}
	if len(o.EnabledPolicyTypes) > 0 {
		return slices.Contains(o.EnabledPolicyTypes, typ)
	}
	return slices.ContainsFunc(o.Policies, func(p OrgPolicy) bool { return p.Type == typ })
}

// Ancestors lists the root and the OUs above account, root first, and
// whether the account is in the organization at all. The management
// account belongs to it even when the snapshot leaves it out of Members,
// directly under the root. SCPs and RCPs apply along this chain, then on
// the account itself.
func (o *Organization) Ancestors(account string) (chain []string, member bool) {
	if o == nil || account == "" {
		return nil, false
	}
	p := ""
	for _, m := range o.Members {
		if m.ID == account {
			p, member = m.ParentID, true
		}
	}
	if !member && account == o.ManagementAccountID {
		p, member = o.RootID, true
	}
	if !member {
		return nil, false
	}
	return chainFrom(p, o.RootID, o.ouParents()), true
}

// AllAncestors is Ancestors of every account of the organization (its
// members and the management account), in one pass over the members:
// Ancestors scans them per call, which a caller asking for every
// question of a large organization (the authorization index) cannot
// afford. Accounts under one parent share its chain: callers must not
// modify a chain (copy it before appending).
func (o *Organization) AllAncestors() map[string][]string {
	if o == nil {
		return nil
	}
	parentOf := make(map[string]string, len(o.Members)+1)
	for _, m := range o.Members {
		if m.ID != "" {
			parentOf[m.ID] = m.ParentID // the last entry wins, as in Ancestors
		}
	}
	if _, member := parentOf[o.ManagementAccountID]; !member && o.ManagementAccountID != "" {
		parentOf[o.ManagementAccountID] = o.RootID
	}
	parents := o.ouParents()
	// Accounts under the same parent share its chain.
	byParent := map[string][]string{}
	out := make(map[string][]string, len(parentOf))
	for account, p := range parentOf {
		chain, ok := byParent[p]
		if !ok {
			chain = chainFrom(p, o.RootID, parents)
			byParent[p] = chain
		}
		out[account] = chain
	}
	return out
}

func (o *Organization) ouParents() map[string]string {
	parent := make(map[string]string, len(o.OrganizationalUnits))
	for _, ou := range o.OrganizationalUnits {
		parent[ou.ID] = ou.ParentID
	}
	return parent
}

// chainFrom lists p and the OUs above it up to root, root first.
func chainFrom(p, root string, parent map[string]string) []string {
	var chain []string
	seen := map[string]bool{}
	for ; p != "" && !seen[p]; p = parent[p] {
		seen[p] = true
		chain = append(chain, p)
		if p == root {
			break
		}
	}
	slices.Reverse(chain)
	return chain
}

// OrgPath is the aws:PrincipalOrgPaths (or aws:ResourceOrgPaths) value of
// an account: o-id/r-root/ou-…/, ending with the account's parent; "" when
// the account is not in the organization
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths).
func (o *Organization) OrgPath(account string) string {
	chain, member := o.Ancestors(account)
	if !member {
		return ""
	}
	return o.ID + "/" + strings.Join(chain, "/") + "/"
}

// OrgContext adds to ctx the organization keys AWS puts in a request by a
// principal of principalAccount ("" for a service principal or an
// anonymous caller) on a resource of resourceAccount: aws:PrincipalOrgID,
// aws:PrincipalOrgPaths, aws:ResourceOrgID and aws:ResourceOrgPaths, for
// accounts of the organization
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
// which data-perimeter SCPs and RCPs test.
func (o *Organization) OrgContext(ctx map[string][]string, principalAccount, resourceAccount string) {
	if o == nil {
		return
	}
	if path := o.OrgPath(principalAccount); path != "" {
		ctx["aws:PrincipalOrgID"] = []string{o.ID}
		ctx["aws:PrincipalOrgPaths"] = []string{path}
	}
	if path := o.OrgPath(resourceAccount); path != "" {
		ctx["aws:ResourceOrgID"] = []string{o.ID}
		ctx["aws:ResourceOrgPaths"] = []string{path}
	}
}
