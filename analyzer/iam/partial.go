package iam

import "strings"

// Entries only partly unresolved.
//
// An IaC tool often leaves one piece of an entry unresolved:
// "arn:aws:s3:::<unknown:ImportValue LogBucket>/*", "s3:<unknown:Ref Op>".
// AWS will see the resolved value, a concrete string put in the token's
// place, so the entry can match only what its known pieces allow. Reading
// the token as "*" (any run of characters, colons and slashes included)
// gives a pattern that matches every request some resolution matches: a
// request that this widened pattern does not match is one no resolution
// matches, and the entry takes no part in it. A request the widened
// pattern matches stays undecided, as for a wholly unresolved entry.
//
// The reasoning assumes a resolved value is a plain string (a name, an
// ARN, an account ID): wildcards in it are covered by the "*", but a
// policy variable (${…}) in it would be resolved per request by AWS, which
// no pattern of the known pieces can bound. Entries whose known pieces
// hold a policy variable are therefore not widened at all.

// unknownOpen opens the token collectors/snapshot.Unknown writes; the token
// ends at the first '>' (the reason never holds one). This package must not
// import snapshot, so it repeats the convention: a value ParseOptions.Unknown
// recognises without holding such a token is read as wholly unresolved.
const unknownOpen = "<unknown:"

// widenUnknown returns entry with each unresolved token replaced by "*". ok
// is false when the entry cannot be read that way: it holds no complete
// token, or a known piece is not plainly known (see knownPiece).
func widenUnknown(entry string, unknown func(string) bool) (wide string, ok bool) {
	return widen(entry, unknown, func(s string) string { return s })
}

// widen is widenUnknown with esc applied to the known pieces.
func widen(entry string, unknown func(string) bool, esc func(string) string) (wide string, ok bool) {
	var b strings.Builder
	rest := entry
	tokens := 0
	for {
		i := strings.Index(rest, unknownOpen)
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			return "", false
		}
		if !knownPiece(rest[:i], unknown) {
			return "", false
		}
		b.WriteString(esc(rest[:i]))
		b.WriteByte('*')
		tokens++
		rest = rest[i+j+1:]
	}
	if tokens == 0 || !knownPiece(rest, unknown) {
		return "", false
	}
	b.WriteString(esc(rest))
	return b.String(), true
}

// knownPiece: a piece between tokens is known, holds no policy variable
// and no backslash (which the action matcher reads as an escape that could
// pair with a token's first character).
func knownPiece(s string, unknown func(string) bool) bool {
	return s == "" || !unknown(s) && !strings.Contains(s, "${") && !strings.Contains(s, `\`)
}

// widenARN is widenUnknown for an entry read as an ARN (Resource,
// NotResource, ArnLike values). The widened pattern is matched against the
// whole ARN with globMatch, its wildcards spanning colons: a resolved
// pattern that matches an ARN field by field (arnMatch) also matches it as
// one string, so the widened one does too. That holds only when the
// resolved pattern is read field by field from "arn:" on, which its known
// pieces guarantee when they start with "arn:" and hold the five colons
// themselves (a token adds characters, never removes a colon); otherwise
// AWS pads or skips fields (padARNPattern) and the entry is not widened.
func widenARN(entry string, unknown func(string) bool) (glob string, ok bool) {
	wide, ok := widenUnknown(entry, unknown)
	if !ok || !strings.HasPrefix(wide, "arn:") || strings.Count(wide, ":") < 5 {
		return "", false
	}
	return wide, true
}

// widenCondition returns the block operator/key/vals with each unresolved
// value widened, for the operators whose values are patterns: StringLike
// and the ARN operators (ArnEquals matches like ArnLike), with their Not
// forms, qualifiers and IfExists. Widening only adds strings a value
// matches, and each of these operators, under every qualifier, is true
// more often as its values match more (the Not forms less often), while a
// missing key decides it whatever the values are. So the widened block
// being false proves a Like block false for every resolution, and being
// true proves a NotLike block true.
//
// StringEquals and StringNotEquals are evaluated exactly as StringLike and
// StringNotLike are (condition.eval; only the per-value test differs), and
// "equals R" holds for a subset of what the pattern made of R's known
// pieces, taken literally, with each token read as "*", matches. So such
// a block is widened into the Like form with those patterns, and the same
// bounds hold: a request value differing from the known prefix or suffix
// is a definite no.
//
// Nil when the operator is another one, or a value cannot be widened, is
// wholly unresolved (kept as before: such a block stays undecided even
// where a missing key would decide it), or holds a policy variable (whose
// resolution could fail differently per reading).
func widenCondition(operator, key string, vals []string, unknown func(string) bool) *condition {
	base, _, _ := splitOperator(operator)
	fam := operators[base].fam
	if fam == famString {
		return widenEquals(operator, base, key, vals, unknown)
	}
	if fam != famStringLike && fam != famArn {
		return nil
	}
	wide := make([]string, len(vals))
	widened := make([]bool, len(vals))
	for i, v := range vals {
		if strings.Contains(v, "${") {
			return nil
		}
		wide[i] = v
		if !unknown(v) {
			continue
		}
		var ok bool
		if fam == famArn {
			wide[i], ok = widenARN(v, unknown)
		} else {
			wide[i], ok = widenUnknown(v, unknown)
		}
		if !ok || strings.Trim(wide[i], "*") == "" {
			return nil
		}
		widened[i] = true
	}
	c := compileCondition(operator, key, wide, false)
	if fam == famArn {
		for i := range c.values {
			c.values[i].wideGlob = widened[i]
		}
	}
	return &c
}

// widenEquals is widenCondition for StringEquals and StringNotEquals.
func widenEquals(operator, base, key string, vals []string, unknown func(string) bool) *condition {
	like := "StringLike"
	if operators[base].negated {
		like = "StringNotLike"
	}
	globs := make([]string, len(vals))
	for i, v := range vals {
		if strings.Contains(v, "${") {
			return nil
		}
		globs[i] = escapeLiteral(v)
		if !unknown(v) {
			continue
		}
		var ok bool
		if globs[i], ok = widen(v, unknown, escapeLiteral); !ok || strings.Trim(globs[i], "*") == "" {
			return nil
		}
	}
	c := compileCondition(strings.Replace(operator, base, like, 1), key, vals, false)
	for i := range c.values {
		c.values[i].t.glob = globs[i]
	}
	c.operator = operator
	return &c
}
