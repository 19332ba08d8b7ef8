package iam

import "strings"

// Unresolved values in requests.
//
// A request value may hold an unknown token (collectors/snapshot.Unknown,
// "<unknown:REASON>", see partial.go): a piece the IaC input does not
// determine, such as the organization ID in an organization trail's object
// key "arn:aws:s3:::b/AWSLogs/<unknown:organization ID>/…". Unlike a symbol
// (symbol.go) it may be any string at all: empty, or holding '/' and ':',
// or equal to any literal the input writes. A pattern is matched against
// such a value in three values (unknownGlob):
//
//   - yes when the pattern matches with each token consumed wholly by one
//     '*' (which matches any string, so every resolution matches);
//   - no when the pattern matches no string of the value read as a pattern
//     with each token widened to '*' (globsIntersect), so no resolution
//     can match;
//   - maybe otherwise. Yes is sound but not complete: "*?" against "b" and
//     a token matches every resolution, though no '*' takes the token
//     whole; such a case stays maybe, never a wrong answer.
//
// The answer then flows where a symbol's does: a maybe makes a statement
// one that may or may not apply, decided by evaluating both readings
// (evalMode). Requests without a token never reach this code.

// hasUnknownToken reports whether a request value holds an unknown token.
func hasUnknownToken(s string) bool { return strings.Contains(s, unknownOpen) }

// hasOpaque reports whether a request value holds a symbol or an unknown
// token, the values matched in three values.
func hasOpaque(s string) bool {
	return strings.Contains(s, "<") && (hasSymbol(s) || hasUnknownToken(s))
}

// opaqueGlob is symbolGlob for a subject that may also hold unknown tokens.
func opaqueGlob(p, s string) tri {
	if hasUnknownToken(s) {
		return unknownGlob(p, s)
	}
	return symbolGlob(p, s)
}

// unknownGlob matches pattern p (escaped as for globMatch) against subject
// s holding unknown tokens (and maybe symbols), case-sensitively. A symbol
// is read as any string too: its sharper reading (symMay) only narrows
// maybe, and the wider one stays sound.
func unknownGlob(p, s string) tri {
	// symMust matches a subject token only by a '*' (a pattern never
	// holds the same token: policies with tokens take partial.go's path).
	if symMust(symElems(p, true), symElems(s, false)) {
		return triYes
	}
	if !globsIntersect(p, widenOpaque(s)) {
		return triNo
	}
	return triMaybe
}

// widenOpaque returns subject s as a pattern: its literal bytes escaped,
// each unknown token and each symbol read as '*'.
func widenOpaque(s string) string {
	var b strings.Builder
	for _, e := range symElems(s, false) {
		if e.sym != "" {
			b.WriteByte('*')
			continue
		}
		if e.lit == '*' || e.lit == '?' || e.lit == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(e.lit)
	}
	return b.String()
}

// opaqueARNParts is arnParts for a request value that may hold unknown
// tokens: a token is one element, whatever colons its reason holds, so the
// fields are split at the colons the value itself writes. ok is false
// when the known text does not hold the five colons of an ARN.
func opaqueARNParts(s string) (p [5]string, ok bool) {
	if !hasUnknownToken(s) {
		return arnParts(s)
	}
	if !strings.HasPrefix(s, "arn:") {
		return p, false
	}
	start, field := 4, 0
	for i := 4; i < len(s) && field < 4; i++ {
		switch s[i] {
		case '<':
			if strings.HasPrefix(s[i:], unknownOpen) {
				j := strings.IndexByte(s[i:], '>')
				if j < 0 {
					return p, false
				}
				i += j
			}
		case ':':
			p[field] = s[start:i]
			field++
			start = i + 1
		}
	}
	if field < 4 {
		return p, false
	}
	p[4] = s[start:]
	return p, true
}

// SplitARN splits a request value into its partition, service, region,
// account and resource fields, an unknown token counting as one element
// whatever colons its reason holds (opaqueARNParts): for a caller that
// reads a principal's account or name. ok is false when the value is not
// an ARN.
func SplitARN(s string) (fields [5]string, ok bool) { return opaqueARNParts(s) }

// UnknownOnlyInResourceID reports whether every unknown token of arn lies
// in its resource field (after the account), so that its partition,
// service, region and account are known whatever the tokens resolve to: a
// token there may hold '/' or ':' but cannot move the fields before it.
// False for an ARN with no token.
func UnknownOnlyInResourceID(arn string) bool {
	p, ok := opaqueARNParts(arn)
	if !ok || !hasUnknownToken(p[4]) {
		return false
	}
	for _, f := range p[:4] {
		if hasUnknownToken(f) {
			return false
		}
	}
	return true
}

// unknownFieldTri is arnPartsTri for an ARN whose partition, service,
// region or account holds a token: a resolution holding a colon there
// would move the fields after it, so yes is never claimed. The value is
// compared as one string with the pattern's fields joined: a pattern that
// matches an ARN field by field matches it as one string too, so an empty
// intersection proves no resolution matches.
func unknownFieldTri(pattern, v *[5]string) tri {
	p := "arn:" + strings.Join(pattern[:], ":")
	s := "arn:" + strings.Join(v[:], ":")
	if !globsIntersect(p, widenOpaque(s)) {
		return triNo
	}
	return triMaybe
}

// unknownNotARNTri matches an ARN pattern against a request value holding
// a token whose known text does not split into ARN fields: a resolution
// may still be an ARN, so only an empty intersection decides.
func unknownNotARNTri(pattern *[5]string, s string) tri {
	if !globsIntersect("arn:"+strings.Join(pattern[:], ":"), widenOpaque(s)) {
		return triNo
	}
	return triMaybe
}

// Policy variables substituted with unresolved values.
//
// A policy variable (vars.go) takes its value from the request: when that
// value holds an unknown token (aws:SourceOrgID of an organization whose ID
// the input does not give, aws:PrincipalAccount of an account created by
// the same template), the substituted text is not the text AWS will
// substitute, and matching it literally could prove a deny or an allow no
// resolution gives. The substituted token is read instead as a span that
// may be any string: the pattern, widened so (template.widen), bounds every
// resolution. When it matches no string the request value may be (read
// with its own tokens widened), no resolution matches: no; otherwise
// maybe. Yes is never claimed: the span may resolve to text that fails.
// A pattern that matches an ARN field by field matches it as one string
// too (unknownFieldTri), so the one-string test is sound for ARNs.

// varsUnknown reports whether a request value a policy variable can take
// holds an unknown token: a context value or a key derived from the
// principal or resource. Requests without one never reach template.widen.
func varsUnknown(ctx *evalContext) bool {
	for i, v := range ctx.derived {
		if ctx.derivedSet[i] && hasUnknownToken(v) {
			return true
		}
	}
	for _, vs := range ctx.req.Context {
		for _, v := range vs {
			if hasUnknownToken(v) {
				return true
			}
		}
	}
	return false
}

// substitutesUnknown reports whether resolving t in ctx puts a value
// holding an unknown token in place of a variable.
func (t *template) substitutesUnknown(ctx *evalContext) bool {
	if !t.vars || !ctx.varsUnknown {
		return false
	}
	for i := range t.parts {
		p := &t.parts[i]
		if !p.isVar {
			continue
		}
		if vals, found := ctx.lookup(p.key); found && len(vals) == 1 && hasUnknownToken(vals[0]) {
			return true
		}
	}
	return false
}

// widen resolves t as a pattern with each substituted unknown token read
// as '*' (widenOpaque). like: the policy text is a wildcard pattern
// (Resource, Like and ARN operators), else a literal (StringEquals). ok is
// false when a variable has no value, as for resolve.
func (t *template) widen(ctx *evalContext, like bool) (string, bool) {
	var b strings.Builder
	for i := range t.parts {
		p := &t.parts[i]
		switch {
		case p.special:
			if p.lit != "$" {
				b.WriteByte('\\')
			}
			b.WriteString(p.lit)
		case p.isVar:
			vals, found := ctx.lookup(p.key)
			switch {
			case found && len(vals) == 1:
				b.WriteString(widenOpaque(vals[0]))
			case p.hasDef:
				b.WriteString(escapeLiteral(p.def))
			default:
				return "", false
			}
		case like:
			b.WriteString(escapeBackslash(p.lit))
		default:
			b.WriteString(escapeLiteral(p.lit))
		}
	}
	return b.String(), true
}

// widenedTri matches t, which substitutes an unknown token, against
// request value s in three values: no when the widened pattern matches no
// string s may be, else maybe.
//
// arn: t is an ARN pattern (Resource, ArnLike), matched field by field
// after padding a pattern of fewer than six fields and ignoring a first
// field other than "arn" (splitEscapedARN). A match then implies the
// one-string match only when every resolution is a six-field "arn:"
// pattern: the widened pattern starts with "arn:" and its known text holds
// the five colons. Otherwise a resolution holding or lacking colons may
// read as another ARN: maybe.
func (t *template) widenedTri(ctx *evalContext, like, arn bool, s string) (tri, bool) {
	w, ok := t.widen(ctx, like)
	if !ok {
		return triNo, false
	}
	if arn && !(strings.HasPrefix(w, "arn:") && strings.Count(w, ":") >= 5) {
		return triMaybe, true
	}
	if !globsIntersect(w, widenOpaque(s)) {
		return triNo, true
	}
	return triMaybe, true
}
