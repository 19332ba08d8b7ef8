package iam

import (
	"fmt"
	"slices"
	"strings"
)

// evalContext is one request prepared for matching: the parsed caller, the
// split resource ARN and the derived condition keys.
type evalContext struct {
	req             *Request
	caller          caller
	resourceAccount string
	accountGuessed  bool
	resourceStar    bool
	resourceIsARN   bool
	resourceParts   [5]string
	// resourceSym: the resource ARN holds a symbol (symbol.go) or an
	// unknown token (opaque.go), so resource patterns are matched in
	// three values.
	resourceSym bool
	derived     [7]string
	derivedSet  [7]bool
	mode        evalMode
	// resourceUnknown: the resource ARN holds an unknown token.
	resourceUnknown bool
	// varsUnknown: a value a policy variable can take holds an unknown
	// token, so patterns with variables are matched in three values
	// (opaque.go).
	varsUnknown bool
	// uncertain: a statement holding unresolved values matched the
	// request on its known parts, so the other mode must be asked too.
	uncertain bool
	// maybe collects, in evaluation order, the statements holding
	// unresolved values that the mode applied; each policiesOutcome
	// counts its own. Behind a pointer: absent from the common path.
	maybe *[]maybeRef
}

// evalMode says how a statement holding unresolved values (ParseOptions)
// is read when its known parts match the request. AWS's evaluation is
// monotone in each statement: an Allow that applies can only add
// permission, a Deny only remove it. Reading every such Allow as applying
// and every such Deny as not gives the most permissive decision any
// resolution could give; the reverse gives the least. When the two agree,
// every resolution agrees.
//
// Every request is evaluated in the restrictive mode first; only when a
// statement holding unresolved values matched on its known parts
// (evalContext.uncertain) is it evaluated again in the permissive mode, so
// policies without unresolved values cost nothing more.
type evalMode uint8

const (
	// modeRestrictive: unresolved Deny statements apply, Allow ones do
	// not, and an unresolved Principal entry names nobody.
	modeRestrictive evalMode = iota
	// modePermissive: unresolved Allow statements apply, Deny ones do not,
	// and an unresolved Principal entry names the caller directly.
	modePermissive
)

// Keys AWS puts in every authenticated request context
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
var derivedKeys = [7]string{
	"aws:PrincipalArn",
	"aws:PrincipalAccount",
	"aws:PrincipalIsAWSService",
	"aws:PrincipalServiceName",
	"aws:PrincipalType",
	"aws:username",
	"aws:ResourceAccount",
}

func initEvalContext(ctx *evalContext, req *Request) {
	ctx.req, ctx.caller = req, parseCaller(req.Principal)
	c := &ctx.caller
	ctx.resourceStar = req.Resource == "*"
	ctx.resourceSym = hasOpaque(req.Resource)
	if ctx.resourceSym {
		ctx.resourceParts, ctx.resourceIsARN = opaqueARNParts(req.Resource)
		ctx.resourceUnknown = hasUnknownToken(req.Resource)
	} else {
		ctx.resourceParts, ctx.resourceIsARN = arnParts(req.Resource)
	}
	ctx.resourceAccount = req.ResourceAccount
	// The account field of an AWS-owned resource (arn:aws:iam::aws:policy/…)
	// names no account: such a resource's account is unknown.
	if ctx.resourceAccount == "" && ctx.resourceIsARN && isAccountID(ctx.resourceParts[3]) {
		ctx.resourceAccount = ctx.resourceParts[3]
	}
	if ctx.resourceAccount == "" {
		ctx.accountGuessed = true
	}
	set := func(i int, v string) { ctx.derived[i], ctx.derivedSet[i] = v, true }
	if c.kind != callerAnonymous {
		if c.principalARN != "" {
			set(0, c.principalARN)
		}
		if c.account != "" {
			set(1, c.account)
		}
		if c.kind == callerService {
			set(2, "true")
			set(3, c.service)
		} else {
			set(2, "false")
		}
	}
	if t := c.principalType(); t != "" {
		set(4, t)
	}
	if c.kind == callerUser {
		set(5, c.name)
	}
	if ctx.resourceAccount != "" {
		set(6, ctx.resourceAccount)
	}
	ctx.varsUnknown = varsUnknown(ctx)
}

// lookup finds a condition key, case-insensitively, in the request context
// and then among the keys AWS derives from the principal.
func (ctx *evalContext) lookup(key string) ([]string, bool) {
	if v, ok := ctx.req.Context[key]; ok {
		return v, true
	}
	for k, v := range ctx.req.Context {
		if equalFold(k, key) {
			return v, true
		}
	}
	for i, k := range derivedKeys {
		if ctx.derivedSet[i] && equalFold(k, key) {
			return ctx.derived[i : i+1], true
		}
	}
	return nil, false
}

// stmtMatch is how one statement relates to the request.
type stmtMatch struct {
	applies bool
	via     principalMatch // for policies with a Principal
	// unresolved: a policy variable had no value, so the statement does
	// not apply.
	unresolved bool
	// failedCond is the condition block that failed once action,
	// resource and principal matched (-1: none), for near-miss
	// explanations.
	failedCond int
	// maybe: the known parts match (applies is true) but an unresolved
	// value decides whether the statement really applies; viaMaybe: it
	// applies, and an unresolved Principal entry may name the caller more
	// directly than via says.
	maybe, viaMaybe bool
}

func (s *Statement) match(ctx *evalContext) stmtMatch {
	if s.unknown {
		return s.matchUnknown(ctx)
	}
	if !s.actionMatches(ctx.req.Action) {
		return stmtMatch{failedCond: -1}
	}
	// maybe: a wildcard may or may not match a symbol (symbol.go).
	maybe := false
	if s.hasResource {
		if ctx.resourceSym || ctx.varsUnknown {
			out, stop, m := s.resourceStep(ctx)
			if stop {
				return out
			}
			maybe = m
		} else {
			m, ok := s.resourceMatches(ctx)
			if !ok {
				return stmtMatch{unresolved: true, failedCond: -1}
			}
			if !m {
				return stmtMatch{failedCond: -1}
			}
		}
	}
	via := matchDirect
	if s.hasPrincipal {
		if s.notPrincipal {
			if s.principals.notPrincipalExcludes(&ctx.caller) {
				return stmtMatch{failedCond: -1}
			}
		} else {
			via = s.principals.match(&ctx.caller)
			if via == matchNone {
				return stmtMatch{failedCond: -1}
			}
		}
	}
	for i := range s.conditions {
		if out, stop := condStep(s.conditions[i].eval(ctx), i, &maybe); stop {
			return out
		}
	}
	return stmtMatch{applies: true, via: via, failedCond: -1, maybe: maybe}
}

// condStep folds what condition block i said into a statement's match: a
// false or unresolved block stops it (out is the match to return), a
// maybe block makes the match a maybe.
func condStep(r condResult, i int, maybe *bool) (out stmtMatch, stop bool) {
	switch r {
	case condFalse:
		return stmtMatch{failedCond: i}, true
	case condUnresolved:
		return stmtMatch{unresolved: true, failedCond: i}, true
	case condMaybe:
		*maybe = true
	}
	return stmtMatch{}, false
}

// tri is a three-valued match: an element holding unresolved values may
// match whatever its known entries say.
type tri uint8

const (
	triNo tri = iota
	triYes
	triMaybe
)

// matchUnknown is match for a statement holding unresolved values: each
// element is matched on its known entries, and an unresolved entry can only
// turn "no" into "maybe" (in Action, Resource, Principal: one more entry
// that might name the request; in NotAction, NotResource, NotPrincipal: one
// more that might exclude it; in Condition: a block that might be true or
// false). A definite "no" anywhere means the statement does not apply.
func (s *Statement) matchUnknown(ctx *evalContext) stmtMatch {
	maybe, viaMaybe := false, false
	switch s.actionTri(ctx.req.Action) {
	case triNo:
		return stmtMatch{failedCond: -1}
	case triMaybe:
		maybe = true
	}
	if s.hasResource {
		out, stop, m := s.resourceStep(ctx)
		if stop {
			return out
		}
		maybe = maybe || m
	}
	via := matchDirect
	if s.hasPrincipal {
		ps := &s.principals
		if s.notPrincipal {
			// Exclusion is monotone in the listed entries: what the known
			// ones exclude stays excluded.
			if ps.notPrincipalExcludes(&ctx.caller) {
				return stmtMatch{failedCond: -1}
			}
			maybe = maybe || ps.mayName(&ctx.caller)
		} else {
			via = ps.match(&ctx.caller)
			if via != matchDirect && ps.mayName(&ctx.caller) {
				// An unresolved entry may name the caller (more directly
				// than the known ones: the user or session itself rather
				// than its role or account). The permissive reading takes
				// it at its strongest; the restrictive one keeps what the
				// known entries say.
				switch {
				case via == matchNone:
					via, maybe = matchDirect, true
				default:
					viaMaybe = true
					if ctx.mode == modePermissive {
						via = matchDirect
					}
				}
			}
			if via == matchNone {
				return stmtMatch{failedCond: -1}
			}
		}
	}
	for i := range s.conditions {
		c := &s.conditions[i]
		if c.unknown {
			if c.wide != nil {
				// The widened block bounds every resolution (widenCondition):
				// false for a Like operator means false for all of them,
				// true for a NotLike one true for all of them.
				r := c.wide.eval(ctx)
				if !c.op.negated && r == condFalse {
					return stmtMatch{failedCond: i}
				}
				if c.op.negated && r == condTrue {
					continue
				}
			}
			maybe = true
			continue
		}
		if out, stop := condStep(c.eval(ctx), i, &maybe); stop {
			return out
		}
	}
	return stmtMatch{applies: true, via: via, failedCond: -1, maybe: maybe, viaMaybe: viaMaybe}
}

func (s *Statement) actionTri(action string) tri {
	unknown := false
	for i := range s.actions {
		a := &s.actions[i]
		if a.unknown {
			// A partly unresolved entry takes part only where its known
			// pieces allow (partial.go).
			if !a.widened || globMatch(a.wide, action, true) {
				unknown = true
			}
			continue
		}
		if a.match(action) {
			if s.notAction {
				return triNo
			}
			return triYes
		}
	}
	switch {
	case unknown:
		return triMaybe
	case s.notAction:
		return triYes
	}
	return triNo
}

// resourceStep matches the Resource or NotResource element in three
// values: stop with the statement's answer when it does not apply, else
// maybe when it may or may not.
func (s *Statement) resourceStep(ctx *evalContext) (out stmtMatch, stop, maybe bool) {
	t, ok := s.resourceTri(ctx)
	switch {
	case !ok:
		return stmtMatch{unresolved: true, failedCond: -1}, true, false
	case t == triNo:
		return stmtMatch{failedCond: -1}, true, false
	}
	return stmtMatch{}, false, t == triMaybe
}

// resourceTri: ok is false when a policy variable has no value where that
// decides the element (as resourceMatches).
func (s *Statement) resourceTri(ctx *evalContext) (tri, bool) {
	unknown := false
	for i := range s.resources {
		r := &s.resources[i]
		if r.unknown {
			// As in actionTri. A resource that is not an ARN is left
			// undecided: a resolution may read as Resource "*".
			if !r.widened || ctx.resourceStar || !ctx.resourceIsARN || triGlob(r.wide, ctx.req.Resource) != triNo {
				unknown = true
			}
			continue
		}
		m, ok := r.matchTri(ctx)
		if !ok {
			if s.notResource {
				return triNo, false
			}
			continue
		}
		switch m {
		case triYes:
			if s.notResource {
				return triNo, true
			}
			return triYes, true
		case triMaybe:
			unknown = true
		}
	}
	switch {
	case unknown:
		return triMaybe, true
	case s.notResource:
		return triYes, true
	}
	return triNo, true
}

func (s *Statement) actionMatches(action string) bool {
	for i := range s.actions {
		if s.actions[i].match(action) {
			return !s.notAction
		}
	}
	return s.notAction
}

func (s *Statement) resourceMatches(ctx *evalContext) (bool, bool) {
	for i := range s.resources {
		m, ok := s.resources[i].match(ctx)
		if !ok {
			if s.notResource {
				return false, false
			}
			continue
		}
		if m {
			return !s.notResource, true
		}
	}
	return s.notResource, true
}

// stmtRef names a statement in a list of policies.
type stmtRef struct {
	policy int
	stmt   *Statement
}

// policiesOutcome is what a list of policies of one kind says.
type policiesOutcome struct {
	allow    stmtRef
	allowVia principalMatch
	deny     stmtRef
	// nearMiss is the first Allow statement that matched action, resource
	// and principal but not its conditions; nearCond is its failed block
	// and nearUnresolved says a policy variable had no value.
	nearMiss       stmtRef
	nearCond       int
	nearUnresolved bool
	// allowMaybe and denyMaybe: allow and deny are statements holding
	// unresolved values, applied by the evaluation mode; maybeN counts the
	// such statements the mode applied (appended to evalContext.maybe).
	allowMaybe, denyMaybe bool
	maybeN                uint32
}

func (ctx *evalContext) addMaybe(p *Policy, s *Statement) {
	if ctx.maybe == nil {
		ctx.maybe = new([]maybeRef)
	}
	*ctx.maybe = append(*ctx.maybe, maybeRef{p, s})
}

// maybeRef is a statement holding unresolved values that an evaluation
// mode applied.
type maybeRef struct {
	policy *Policy
	stmt   *Statement
}

func (o *policiesOutcome) allowed() bool { return o.allow.stmt != nil }
func (o *policiesOutcome) denied() bool  { return o.deny.stmt != nil }

// appendLevels appends what an organization policy kind (SCPs or RCPs) says:
// one result per level of the organization path, each of which must allow,
// or one skipped result saying why the kind does not apply (none attached,
// or an exemption such as the management account or a service-linked role).
func appendLevels(kinds []kindResult, kind StepKind, levels []Level, none, exempt string, ctx *evalContext) []kindResult {
	switch {
	case len(levels) == 0:
		return append(kinds, kindResult{kind: kind, skipped: none})
	case exempt != "":
		return append(kinds, kindResult{kind: kind, skipped: exempt})
	}
	for _, l := range levels {
		kinds = append(kinds, kindResult{kind: kind, target: l.Target, present: true, out: evalPolicies(l.Policies, ctx)})
	}
	return kinds
}

func evalPolicies(ps []*Policy, ctx *evalContext) policiesOutcome {
	var o policiesOutcome
	for pi, p := range ps {
		if p == nil {
			continue
		}
		for si := range p.Statements {
			s := &p.Statements[si]
			m := s.match(ctx)
			if m.maybe || m.viaMaybe {
				ctx.uncertain = true
				switch {
				case m.maybe && (s.Effect == Allow) != (ctx.mode == modePermissive):
					continue
				case m.maybe || ctx.mode == modePermissive:
					ctx.addMaybe(p, s)
					o.maybeN++
				}
			}
			if !m.applies {
				if s.Effect == Allow && o.nearMiss.stmt == nil && (m.failedCond >= 0 || m.unresolved) {
					o.nearMiss, o.nearCond, o.nearUnresolved = stmtRef{pi, s}, m.failedCond, m.unresolved
				}
				continue
			}
			if s.Effect == Deny {
				// A known deny is the better proof.
				if o.deny.stmt == nil || (o.denyMaybe && !m.maybe) {
					o.deny, o.denyMaybe = stmtRef{pi, s}, m.maybe
				}
				continue
			}
			if o.allow.stmt == nil || m.via > o.allowVia || (m.via == o.allowVia && o.allowMaybe && !m.maybe) {
				o.allow, o.allowVia, o.allowMaybe = stmtRef{pi, s}, m.via, m.maybe
			}
		}
	}
	return o
}

// kindResult is the outcome of one policy kind (or one SCP/RCP level).
type kindResult struct {
	kind    StepKind
	target  string
	present bool
	// skipped: why the kind does not take part; when present is also set,
	// why it takes part with no policy and so allows nothing (a federated
	// user session without a session policy).
	skipped string
	out     policiesOutcome
}

// evaluateUncertain completes a restrictive evaluation (lo) in which
// statements holding unresolved values took part with the permissive one.
func evaluateUncertain(req *Request, set *PolicySet, lo Result) Result {
	return combine(lo, evaluate(req, set, modePermissive))
}

// combine reads the least (lo) and most (hi) permissive decisions the
// unresolved statements allow (see evalMode).
func combine(lo, hi Result) Result {
	switch {
	case lo.Decision == Allowed && hi.Decision == Allowed:
		// Allowed without the unresolved Allow statements and with the
		// unresolved Deny statements: lo's proof cites known statements.
		return lo
	case hi.Decision == ExplicitlyDenied:
		// hi applies no unresolved Deny: a known statement denies.
		return hi
	case hi.Decision == ImplicitlyDenied:
		// Nothing allows even when every unresolved Allow applies.
		if lo.Decision == ExplicitlyDenied {
			var unresolved []UnresolvedStatement
			hi.Explanation = append(hi.Explanation, Step{Kind: StepNote, Outcome: OutcomeInfo, PolicyIndex: -1, StatementIndex: -1,
				Reason: strings.Join(lo.uncertain(Deny, &unresolved), " and ") + " may also deny it explicitly, depending on unresolved values"})
			hi.unknown = &unknownInfo{maybe: hi.unknown.maybeList(), unresolved: unresolved}
		}
		return hi
	}
	// hi Allowed, lo denied: the unresolved statements decide.
	var unresolved []UnresolvedStatement
	allows, denies := hi.uncertain(Allow, &unresolved), lo.uncertain(Deny, &unresolved)
	names := append(append([]string(nil), allows...), denies...)
	var when string
	switch {
	case len(denies) == 0 && len(allows) == 1:
		when = "it applies"
	case len(denies) == 0:
		when = "they apply"
	case len(allows) == 0 && len(denies) == 1:
		when = "it does not apply"
	case len(allows) == 0:
		when = "they do not apply"
	default:
		when = "the Allow statements apply and the Deny statements do not"
	}
	res := hi
	res.Decision = Unknown
	res.Explanation = append(res.Explanation, Step{Kind: StepNote, Outcome: OutcomeInfo, PolicyIndex: -1, StatementIndex: -1,
		Reason: "the decision depends on unresolved values in " + strings.Join(names, " and ") + ": " + string(lo.Decision) + " unless " + when})
	res.Deciding = len(res.Explanation) - 1
	readings := "Allowed if " + when + " (" + hi.Proof() + "); " + string(lo.Decision) + " otherwise (" + lo.Proof() + ")"
	res.unknown = &unknownInfo{
		proof:      "the decision depends on unresolved values in " + strings.Join(names, " and ") + ": " + readings,
		readings:   readings,
		maybe:      hi.unknown.maybeList(),
		unresolved: unresolved,
	}
	return res
}

func evaluate(req *Request, set *PolicySet, mode evalMode) Result {
	var ctxStore evalContext
	ctx := &ctxStore
	initEvalContext(ctx, req)
	ctx.mode = mode
	c := &ctx.caller
	rtype := set.ResourceType
	if rtype == ResourceAuto {
		rtype = inferResourceType(req)
	}
	res := Result{Deciding: -1, action: req.Action, principal: shortPrincipal(c), rtype: rtype}

	// Gather what every kind says. Order is the order of the explanation.
	var kindBuf [12]kindResult
	kinds := kindBuf[:0]
	kinds = appendLevels(kinds, StepSCP, set.SCPs, "no SCPs govern the principal's account", scpExemption(c, set), ctx)
	kinds = appendLevels(kinds, StepRCP, set.RCPs, "no RCPs govern the resource's account", rcpExemption(c, set), ctx)
	if len(set.VPCEndpoints) == 0 {
		kinds = append(kinds, kindResult{kind: StepVPCEndpoint, skipped: "the request does not use a VPC endpoint"})
	} else {
		for i, p := range set.VPCEndpoints {
			kinds = append(kinds, kindResult{kind: StepVPCEndpoint, target: fmt.Sprintf("%d", i), present: true, out: evalPolicies([]*Policy{p}, ctx)})
		}
	}
	resourceIdx := len(kinds)
	if set.Resource == nil {
		kinds = append(kinds, kindResult{kind: StepResource, skipped: "no " + resourcePolicyName(rtype)})
	} else {
		kinds = append(kinds, kindResult{kind: StepResource, present: true, out: evalPolicies([]*Policy{set.Resource}, ctx)})
	}
	identityIdx := len(kinds)
	switch {
	case !c.identityBased():
		kinds = append(kinds, kindResult{kind: StepIdentity, skipped: "the caller has no identity-based policies (" + callerDescription(c) + ")"})
	case c.kind == callerRoot:
		kinds = append(kinds, kindResult{kind: StepIdentity, skipped: "the account root user is not limited by identity-based policies"})
	default:
		kinds = append(kinds, kindResult{kind: StepIdentity, present: true, out: evalPolicies(set.Identity, ctx)})
	}
	boundaryIdx := len(kinds)
	boundaryApplies := c.kind == callerUser || c.kind == callerRole || c.kind == callerSession
	switch {
	case len(set.Boundaries) == 0:
		kinds = append(kinds, kindResult{kind: StepBoundary, skipped: "no permissions boundary"})
	case !boundaryApplies:
		kinds = append(kinds, kindResult{kind: StepBoundary, skipped: "permissions boundaries apply only to IAM users and roles"})
	default:
		for i, p := range set.Boundaries {
			kinds = append(kinds, kindResult{kind: StepBoundary, target: fmt.Sprintf("%d", i), present: true, out: evalPolicies([]*Policy{p}, ctx)})
		}
	}
	boundaryEnd := len(kinds)
	sessionIdx := len(kinds)
	sessionApplies := c.kind == callerSession || c.kind == callerFederatedUser || c.kind == callerRole
	switch {
	case set.Session == nil && c.kind == callerFederatedUser:
		// "if you do not pass any session policies, then the resulting
		// federated user session has no permissions"; a resource policy
		// naming the session itself still grants what it says
		// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html).
		kinds = append(kinds, kindResult{kind: StepSession, present: true,
			skipped: "no session policy allows " + req.Action + ": a federated user session created without a session policy has no permissions"})
	case set.Session == nil:
		kinds = append(kinds, kindResult{kind: StepSession, skipped: "no session policy"})
	case !sessionApplies:
		kinds = append(kinds, kindResult{kind: StepSession, skipped: "session policies apply only to role and federated-user sessions"})
	default:
		kinds = append(kinds, kindResult{kind: StepSession, present: true, out: evalPolicies([]*Policy{set.Session}, ctx)})
	}

	if ctx.uncertain {
		// Also marks the result for Evaluate as needing the other mode.
		res.unknown = &unknownInfo{}
	}
	if ctx.maybe != nil {
		next := *ctx.maybe
		for i := range kinds {
			k := &kinds[i]
			mine := next[:k.out.maybeN]
			next = next[k.out.maybeN:]
			for _, m := range mine {
				res.unknown.maybe = append(res.unknown.maybe, uncertainStmt{
					UnresolvedStatement: UnresolvedStatement{Policy: m.policy, Index: m.stmt.Index, Sid: m.stmt.Sid, Effect: m.stmt.Effect},
					label:               m.stmt.Effect.String() + " statement " + m.stmt.label + " in the " + k.name(rtype),
				})
			}
		}
	}
	steps := make([]Step, 0, len(kinds)+1)
	if ctx.accountGuessed && c.account != "" {
		steps = append(steps, Step{Kind: StepNote, Outcome: OutcomeInfo, PolicyIndex: -1, StatementIndex: -1,
			Reason: "the resource's account is unknown; the request is evaluated as same-account"})
	}
	var idxBuf [12]int
	stepIdx := idxBuf[:0]
	for range kinds {
		stepIdx = append(stepIdx, 0)
	}
	for i, k := range kinds {
		stepIdx[i] = len(steps)
		steps = append(steps, k.step(req.Action, rtype))
	}
	res.Explanation = steps

	// 1. An explicit deny in any policy wins.
	for i, k := range kinds {
		if k.present && k.out.denied() {
			for _, m := range kinds {
				if m.present && !m.out.allowed() && (m.kind == StepResource || m.kind == StepIdentity) {
					res.missing = append(res.missing, fmt.Sprintf("no statement in the %s allows %s for %s", stepKindName(m.kind, rtype), req.Action, res.principal))
				}
			}
			res.Decision, res.Deciding = ExplicitlyDenied, stepIdx[i]
			return res
		}
	}
	// 2-4. Every RCP and SCP level and every endpoint policy must allow.
	for i, k := range kinds {
		if (k.kind == StepRCP || k.kind == StepSCP || k.kind == StepVPCEndpoint) && k.present && !k.out.allowed() {
			res.Decision, res.Deciding = ImplicitlyDenied, stepIdx[i]
			return res
		}
	}

	rp := &kinds[resourceIdx]
	rpAllows := rp.present && rp.out.allowed()
	via := rp.out.allowVia

	boundaryOK, boundaryFail := true, -1
	for i := boundaryIdx; i < boundaryEnd; i++ {
		if kinds[i].present && !kinds[i].out.allowed() {
			boundaryOK, boundaryFail = false, i
			break
		}
	}
	sessionOK := !kinds[sessionIdx].present || kinds[sessionIdx].out.allowed()
	id := &kinds[identityIdx]
	identityOK := c.kind == callerRoot || (id.present && id.out.allowed())

	allow := func(i int) Result {
		res.Decision, res.Deciding = Allowed, stepIdx[i]
		return res
	}
	deny := func(i int) Result {
		res.Decision, res.Deciding = ImplicitlyDenied, stepIdx[i]
		return res
	}
	// The first limit that fails among identity, boundary, session.
	principalLimit := func() int {
		switch {
		case !identityOK:
			return identityIdx
		case !boundaryOK:
			return boundaryFail
		case !sessionOK:
			return sessionIdx
		}
		return -1
	}

	// Callers without identity policies (anonymous, service principals)
	// are allowed only by a resource policy naming them.
	if !c.identityBased() {
		if rpAllows {
			return allow(resourceIdx)
		}
		return deny(resourceIdx)
	}

	// "You cannot call AssumeRole with the credentials of an AWS account
	// root user" (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
	if c.kind == callerRoot && rtype == ResourceRoleTrust {
		res.Explanation = append(res.Explanation, Step{Kind: StepNote, Outcome: OutcomeInfo, PolicyIndex: -1, StatementIndex: -1,
			Reason: "the account root user cannot assume a role"})
		res.Decision, res.Deciding = ImplicitlyDenied, len(res.Explanation)-1
		return res
	}
	sameAccount := ctx.accountGuessed || c.account == ctx.resourceAccount
	switch rtype {
	case ResourceKMSKey, ResourceRoleTrust:
		// Key policies and role trust policies must allow the principal
		// themselves; IAM policies count only when the policy delegates to
		// the account (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html,
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
		if !rpAllows {
			return deny(resourceIdx)
		}
		if !sameAccount || via == matchAccount {
			if l := principalLimit(); l >= 0 {
				return deny(l)
			}
			return allow(identityIdx)
		}
		if via == matchRole {
			if !boundaryOK {
				return deny(boundaryFail)
			}
			if !sessionOK {
				return deny(sessionIdx)
			}
		}
		return allow(resourceIdx)
	}
	if !sameAccount {
		// Cross-account: the identity side and the resource policy must
		// both allow.
		if !rpAllows {
			return deny(resourceIdx)
		}
		if l := principalLimit(); l >= 0 {
			return deny(l)
		}
		return allow(identityIdx)
	}
	// Same account: a resource policy naming the user or session itself
	// stands alone; naming the role is still limited by the boundary and
	// session policy; naming the account delegates to identity policies.
	if rpAllows && via == matchDirect {
		return allow(resourceIdx)
	}
	if rpAllows && via == matchRole {
		switch {
		case !boundaryOK:
			return deny(boundaryFail)
		case !sessionOK:
			return deny(sessionIdx)
		}
		return allow(resourceIdx)
	}
	if l := principalLimit(); l >= 0 {
		return deny(l)
	}
	return allow(identityIdx)
}

// scpExemption says why SCPs do not apply to the caller, or "".
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
func scpExemption(c *caller, set *PolicySet) string {
	switch {
	case !c.identityBased():
		return "SCPs do not apply to " + callerDescription(c)
	case set.PrincipalInManagementAccount:
		return "SCPs do not apply to the management account"
	case c.serviceLinked():
		return "SCPs do not apply to service-linked roles"
	}
	return ""
}

// rcpExemption says why RCPs do not apply, or "".
//
// Unlike SCPs, RCPs do bind AWS service principals: AWS's own perimeter
// RCPs have to exempt them explicitly with aws:PrincipalIsAWSService, or
// restrict them with aws:SourceAccount/aws:SourceOrgID
// (https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html).
// RCPs do not affect resources in the management account
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
// Service-linked roles are listed on that page among the entities RCPs do
// not restrict (section "Resources and entities not restricted by RCPs";
// AWS's RCP launch material says RCPs do not affect services using their
// service-linked roles); the page text itself could not be re-read when
// this was written, so the exemption rests on that section's title.
// AWS managed KMS keys are out of their reach too; the caller of Evaluate
// leaves RCPs out of the set for those keys.
func rcpExemption(c *caller, set *PolicySet) string {
	switch {
	case set.ResourceInManagementAccount:
		return "RCPs do not apply to resources in the management account"
	case c.serviceLinked():
		return "RCPs do not apply to service-linked roles"
	}
	return ""
}

// inferResourceType recognises KMS keys and role trust decisions.
func inferResourceType(req *Request) ResourceType {
	if p, ok := arnParts(req.Resource); ok && p[1] == "kms" && strings.HasPrefix(p[4], "key/") {
		return ResourceKMSKey
	}
	if a := req.Action; len(a) >= len("sts:assumerole") && equalFold(a[:len("sts:assumerole")], "sts:assumerole") {
		return ResourceRoleTrust
	}
	// The other actions a trust policy governs, when asked of a role.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
	if p, ok := arnParts(req.Resource); ok && p[1] == "iam" && strings.HasPrefix(p[4], "role/") {
		switch {
		case equalFold(req.Action, "sts:TagSession"), equalFold(req.Action, "sts:SetSourceIdentity"), equalFold(req.Action, "sts:SetContext"):
			return ResourceRoleTrust
		}
	}
	return ResourceGeneric
}

func resourcePolicyName(t ResourceType) string {
	switch t {
	case ResourceKMSKey:
		return "key policy"
	case ResourceRoleTrust:
		return "trust policy"
	}
	return "resource policy"
}

func callerDescription(c *caller) string {
	switch c.kind {
	case callerAnonymous:
		return "anonymous callers"
	case callerService:
		return "service principal " + c.service
	}
	return c.arn
}

// shortPrincipal names the caller the way a finding does: role/ExpelRole,
// user/alice, assumed-role/R/s, a service name, or "anonymous".
func shortPrincipal(c *caller) string {
	switch c.kind {
	case callerAnonymous:
		return "anonymous callers"
	case callerService:
		return c.service
	case callerRoot:
		return "account " + c.account
	}
	if p, ok := arnParts(c.arn); ok {
		return p[4]
	}
	return c.arn
}

// uncertainStmt is a statement holding unresolved values that an
// evaluation mode applied.
type uncertainStmt struct {
	UnresolvedStatement
	label string // "Allow statement 'S' in the identity policies"
}

// UnresolvedStatement is a statement holding unresolved values (see
// ParseOptions) that a decision depends on.
type UnresolvedStatement struct {
	Policy *Policy
	Index  int
	Sid    string
	Effect Effect
}

// Unresolved lists the statements holding unresolved values that an
// Unknown decision depends on, or that may turn an ImplicitlyDenied one
// into an explicit denial; nil otherwise.
func (r Result) Unresolved() []UnresolvedStatement {
	if r.unknown == nil {
		return nil
	}
	return r.unknown.unresolved
}

func (u *unknownInfo) maybeList() []uncertainStmt {
	if u == nil {
		return nil
	}
	return u.maybe
}

// uncertain names the statements of the given effect holding unresolved
// values that the evaluation applied, and adds them to into.
func (r *Result) uncertain(e Effect, into *[]UnresolvedStatement) []string {
	var out []string
	for _, u := range r.unknown.maybeList() {
		if u.Effect == e && !slices.Contains(out, u.label) {
			out = append(out, u.label)
			*into = append(*into, u.UnresolvedStatement)
		}
	}
	return out
}

// name is how explanations name the kind's policies ("SCPs attached to
// r-1", "permissions boundary 0").
func (k *kindResult) name(rtype ResourceType) string {
	name := stepKindName(k.kind, rtype)
	switch {
	case k.target == "" || !k.present:
	case k.kind == StepSCP || k.kind == StepRCP:
		name += " attached to " + k.target
	default:
		name += " " + k.target
	}
	return name
}

func (k *kindResult) step(action string, rtype ResourceType) Step {
	st := Step{Kind: k.kind, Target: k.target, PolicyIndex: -1, StatementIndex: -1}
	name := stepKindName(k.kind, rtype)
	if k.target != "" && k.present {
		name = k.name(rtype)
	}
	switch {
	case !k.present:
		st.Outcome, st.Reason = OutcomeSkipped, k.skipped
	case k.skipped != "":
		st.Outcome, st.Reason = OutcomeNoMatch, k.skipped
	case k.out.denied():
		st.Outcome = OutcomeDeny
		st.PolicyIndex, st.StatementIndex, st.Sid = k.out.deny.policy, k.out.deny.stmt.Index, k.out.deny.stmt.Sid
		st.Reason = "statement " + k.out.deny.stmt.label + " in the " + name + " denies " + action
		if k.out.denyMaybe {
			st.Reason += " if its unresolved values match"
		}
	case k.out.allowed():
		st.Outcome = OutcomeAllow
		st.PolicyIndex, st.StatementIndex, st.Sid = k.out.allow.policy, k.out.allow.stmt.Index, k.out.allow.stmt.Sid
		if k.kind == StepResource || k.kind == StepVPCEndpoint {
			st.Reason = "statement " + k.out.allow.stmt.label + " in the " + name + " allows " + action + " to " + k.out.allowVia.String()
		} else {
			st.Reason = "statement " + k.out.allow.stmt.label + " in the " + name + " allows " + action
		}
		if k.out.allowMaybe {
			st.Reason += " if its unresolved values match"
		}
	default:
		st.Outcome = OutcomeNoMatch
		st.Reason = "no statement in the " + name + " allows " + action
		if nm := k.out.nearMiss.stmt; nm != nil {
			st.PolicyIndex, st.StatementIndex, st.Sid = k.out.nearMiss.policy, nm.Index, nm.Sid
			switch {
			case k.out.nearUnresolved:
				st.Detail = "statement " + nm.label + " would allow it, but a policy variable in it has no value in the request"
			case k.out.nearCond >= 0:
				c := &nm.conditions[k.out.nearCond]
				st.Detail = "statement " + nm.label + " would allow it, but its condition " + c.operator + " on " + c.key + " is not met"
			}
		}
	}
	return st
}

func stepKindName(k StepKind, rtype ResourceType) string {
	switch k {
	case StepSCP:
		return "SCPs"
	case StepRCP:
		return "RCPs"
	case StepVPCEndpoint:
		return "VPC endpoint policy"
	case StepResource:
		return resourcePolicyName(rtype)
	case StepIdentity:
		return "identity policies"
	case StepBoundary:
		return "permissions boundary"
	case StepSession:
		return "session policy"
	}
	return string(k)
}
