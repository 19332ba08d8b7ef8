package iam

import "strings"

// Principal and NotPrincipal in resource-based, trust and RCP policies.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html

type awsPrincipalKind int

const (
	awsPrincipalAccount awsPrincipalKind = iota
	awsPrincipalUser
	awsPrincipalRole
	awsPrincipalSession
	awsPrincipalFederatedUser
	awsPrincipalOther // a unique ID (AROA…, AIDA…) left by a deleted entity, or another ARN
)

type awsPrincipal struct {
	raw     string
	kind    awsPrincipalKind
	account string
	name    string // role name (last path segment) or session's role name
}

// principalSet is a compiled Principal or NotPrincipal element.
type principalSet struct {
	wildcard bool
	// unknown: some entry is an unresolved value, left out of the lists
	// below; it may name any caller.
	unknown bool
	// wideAWS: AWS entries only partly unresolved, each token read as "*"
	// (widenUnknown); such an entry may name only the callers mayName
	// finds for it.
	wideAWS   []string
	aws       []awsPrincipal
	services  []string
	federated []string
	canonical []string
}

func compileAWSPrincipal(s string) awsPrincipal {
	p := awsPrincipal{raw: s, kind: awsPrincipalOther}
	if isAccountID(s) {
		p.kind, p.account = awsPrincipalAccount, s
		return p
	}
	parts, ok := arnParts(s)
	if !ok {
		return p
	}
	p.account = parts[3]
	res := parts[4]
	switch {
	case parts[1] == "iam" && res == "root":
		p.kind = awsPrincipalAccount
	case parts[1] == "iam" && strings.HasPrefix(res, "user/"):
		p.kind = awsPrincipalUser
	case parts[1] == "iam" && strings.HasPrefix(res, "role/"):
		p.kind = awsPrincipalRole
		p.name = res[strings.LastIndexByte(res, '/')+1:]
	case parts[1] == "sts" && strings.HasPrefix(res, "assumed-role/"):
		p.kind = awsPrincipalSession
		p.name, _, _ = strings.Cut(res[len("assumed-role/"):], "/")
	case parts[1] == "sts" && strings.HasPrefix(res, "federated-user/"):
		p.kind = awsPrincipalFederatedUser
	}
	return p
}

// principalMatch is how a Principal element names the caller. The
// difference matters for same-account decisions: a grant to the account
// delegates to the account's identity policies, a grant to a role ARN is
// still limited by the role's boundary and session policy, and a grant to
// the exact user or session ARN (or to everyone) stands alone
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
type principalMatch int

const (
	matchNone principalMatch = iota
	matchAccount
	matchRole
	matchDirect
)

func (m principalMatch) String() string {
	switch m {
	case matchAccount:
		return "the principal's account"
	case matchRole:
		return "the principal's role"
	case matchDirect:
		return "the principal"
	}
	return "nothing"
}

// match returns the strongest way the set names the caller.
func (ps *principalSet) match(c *caller) principalMatch {
	if ps.wildcard {
		return matchDirect
	}
	best := matchNone
	switch c.kind {
	case callerService:
		// Web identity providers (cognito-identity.amazonaws.com,
		// accounts.google.com) are named under Federated.
		if containsFold(ps.services, c.service) || containsFold(ps.federated, c.service) {
			return matchDirect
		}
		return matchNone
	case callerAnonymous:
		return matchNone
	}
	for _, f := range ps.federated {
		if f == c.arn {
			return matchDirect
		}
	}
	for _, cu := range ps.canonical {
		if cu == c.arn {
			return matchDirect
		}
	}
	for i := range ps.aws {
		p := &ps.aws[i]
		m := matchNone
		switch p.kind {
		case awsPrincipalAccount:
			if p.account == c.account && c.account != "" {
				m = matchAccount
				if c.kind == callerRoot {
					m = matchDirect
				}
			}
		case awsPrincipalUser, awsPrincipalFederatedUser, awsPrincipalOther:
			if p.raw == c.arn {
				m = matchDirect
			}
		case awsPrincipalRole:
			switch c.kind {
			case callerRole:
				if p.raw == c.arn || (p.account == c.account && p.name == c.name) {
					m = matchRole
				}
			case callerSession:
				// A role ARN matches every session of the role.
				if p.account == c.account && p.name == c.name {
					m = matchRole
				}
			}
		case awsPrincipalSession:
			// A session ARN matches only that session.
			if p.raw == c.arn {
				m = matchDirect
			}
		}
		if m > best {
			best = m
		}
	}
	return best
}

// containsFold reports whether list holds s, ignoring ASCII case.
func containsFold(list []string, s string) bool {
	for _, e := range list {
		if equalFold(e, s) {
			return true
		}
	}
	return false
}

// notPrincipalExcludes reports whether a NotPrincipal element exempts the
// caller. AWS checks every identity of the caller: the exact user or
// session ARN and its account must both be listed for the caller to be
// exempt (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
func (ps *principalSet) notPrincipalExcludes(c *caller) bool {
	if ps.wildcard {
		return true
	}
	switch c.kind {
	case callerService:
		return containsFold(ps.services, c.service)
	case callerAnonymous:
		return false
	}
	listedSelf, listedAccount := false, false
	for i := range ps.aws {
		p := &ps.aws[i]
		if p.kind == awsPrincipalAccount && p.account == c.account && c.account != "" {
			listedAccount = true
		}
		if p.raw == c.arn {
			listedSelf = true
		}
	}
	for _, f := range ps.federated {
		if f == c.arn {
			listedSelf = true
		}
	}
	if c.kind == callerRoot {
		return listedAccount
	}
	return listedSelf && listedAccount
}

// mayName reports whether an unresolved entry of the set may name the
// caller, or its account or role: a wholly unresolved one always may, a
// partly unresolved AWS entry only when some string its widened pattern
// matches is an entry match would take as naming the caller: "*", the
// caller's ARN, its account ID or root ARN, or (for a role or session) an
// ARN of its role, with any path. The candidates below match every such
// entry (any partition, region and path), so a "no" holds for every
// resolution.
func (ps *principalSet) mayName(c *caller) bool {
	if ps.unknown {
		return true
	}
	for _, w := range ps.wideAWS {
		if widePrincipalMayName(w, c) {
			return true
		}
	}
	return false
}

func widePrincipalMayName(w string, c *caller) bool {
	if globMatch(w, "*", false) {
		return true
	}
	switch c.kind {
	case callerService, callerAnonymous:
		return false
	}
	if c.arn != "" && globMatch(w, c.arn, false) {
		return true
	}
	if c.account == "" {
		return false
	}
	// Partition and region are single fields match does not compare.
	acct := escapeLiteral(c.account)
	iam := "arn:" + string(rune(fieldStar)) + ":iam:" + string(rune(fieldStar)) + ":" + acct + ":"
	if globMatch(w, c.account, false) || globsIntersect(w, iam+"root") {
		return true
	}
	if (c.kind == callerRole || c.kind == callerSession) && c.name != "" {
		role := iam + "role/"
		name := escapeLiteral(c.name)
		return globsIntersect(w, role+name) || globsIntersect(w, role+"*/"+name)
	}
	return false
}

// PrincipalAccounts lists the accounts whose principals the policy's Allow
// statements can name, for pruning cross-account questions: a principal of
// another account than the resource's is allowed only when the resource
// policy allows it (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html),
// so a role of an account not listed here is never allowed across
// accounts. anyone is true when an Allow statement may name principals of
// any account: a wildcard, NotPrincipal, a pattern or unique ID whose
// account is not spelled out, or an unresolved value.
func (p *Policy) PrincipalAccounts() (accounts []string, anyone bool) {
	if p == nil {
		return nil, false
	}
	if p.unknown {
		return nil, true
	}
	seen := map[string]bool{}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != Allow {
			continue
		}
		ps := &st.principals
		if !st.hasPrincipal || st.notPrincipal || ps.wildcard || ps.unknown || len(ps.wideAWS) > 0 {
			return nil, true
		}
		for _, a := range ps.aws {
			if a.kind == awsPrincipalOther || !isAccountID(a.account) {
				return nil, true
			}
			if !seen[a.account] {
				seen[a.account] = true
				accounts = append(accounts, a.account)
			}
		}
	}
	return accounts, false
}
