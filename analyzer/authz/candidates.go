package authz

import (
	"slices"
	"sync"
)

// rolesByAccount lists the indexed role ARNs per account, sorted, built on
// first use (Candidates).
type rolesByAccount struct {
	once sync.Once
	arns map[string][]string
	all  []string
}

// Candidates lists the roles of the snapshot that may be allowed to act on
// resource, sorted: the roles of the resource's own account, and the roles
// of the accounts its resource policy can name (PrincipalAccounts). Every
// other role is implicitly denied on it whatever its own policies say, so
// a question about it need not be asked: this keeps "who may read this
// queue" linear in the roles that matter instead of in the organization.
// A resource the snapshot does not hold, or whose policy may name any
// account (a wildcard principal, an unresolved value), gets every role.
func (ix *Index) Candidates(resource string) []string {
	ix.byAccount.once.Do(func() {
		ix.byAccount.arns = map[string][]string{}
		for _, e := range ix.roles {
			ix.byAccount.arns[e.account] = append(ix.byAccount.arns[e.account], e.role.ARN)
			ix.byAccount.all = append(ix.byAccount.all, e.role.ARN)
		}
		for _, arns := range ix.byAccount.arns {
			slices.Sort(arns)
		}
		slices.Sort(ix.byAccount.all)
	})
	res, _ := ix.resource("", resource)
	if res == nil {
		return ix.byAccount.all
	}
	var named []string
	if res.policy != nil && res.policy.policy != nil {
		var anyone bool
		named, anyone = res.policy.policy.PrincipalAccounts()
		if anyone {
			return ix.byAccount.all
		}
	} else if res.policy != nil && res.policy.unknown {
		return ix.byAccount.all
	}
	out := slices.Clone(ix.byAccount.arns[res.account])
	for _, a := range named {
		if a != res.account {
			out = append(out, ix.byAccount.arns[a]...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
