package iam

import "strings"

// Symbols in requests.
//
// Infrastructure as code names values AWS assigns only at apply (a key ID,
// a generated bucket or role name) by symbols: "<@…>" tokens, one per
// resource attribute (collectors/snapshot.Symbol; this package repeats the
// convention because it must not import snapshot). A symbol is not an
// unresolved value: it stands for one definite string, the same wherever
// it appears and different from every other symbol and from every literal
// the input writes (a literal ARN names a resource that exists already, a
// symbol one that does not exist yet). Its value is a plain name or ID: no
// colon, no slash, never empty.
//
// Comparing for equality is therefore comparing the texts, which the
// matchers already do. A wildcard pattern is different: "key/*" matches
// every key ID AWS could assign, "key/1*" only some of them. symbolGlob
// answers such a match in three values: yes when every value of every
// symbol matches, no when none does, maybe otherwise. A maybe makes the
// statement one that may or may not apply, decided the way statements
// holding unresolved values are (evalMode).

// symbolOpen opens a symbol; it ends at the next '>'.
const symbolOpen = "<@"

func hasSymbol(s string) bool { return strings.Contains(s, symbolOpen) }

// symElem is one element of a pattern or subject: a byte, a symbol (sym
// set), or in a pattern a '*' or '?'.
type symElem struct {
	sym       string
	lit       byte
	star, any bool
}

// symElems splits s into elements. Pattern text (pattern true) reads '*',
// '?' and '\' escapes as globMatch does; subject text (a request value)
// may also hold unknown tokens (opaque.go), each one element like a symbol.
func symElems(s string, pattern bool) []symElem {
	out := make([]symElem, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '<' && (strings.HasPrefix(s[i:], symbolOpen) || !pattern && strings.HasPrefix(s[i:], unknownOpen)) {
			if j := strings.IndexByte(s[i:], '>'); j > 0 {
				out = append(out, symElem{sym: s[i : i+j+1]})
				i += j
				continue
			}
		}
		c := s[i]
		if pattern {
			switch c {
			case '*':
				out = append(out, symElem{star: true})
				continue
			case '?':
				out = append(out, symElem{any: true})
				continue
			case '\\':
				if i+1 < len(s) {
					i++
					c = s[i]
				}
			}
		}
		out = append(out, symElem{lit: c})
	}
	return out
}

// symbolGlob matches pattern p (escaped as for globMatch) against subject
// s, which holds symbols, case-sensitively.
func symbolGlob(p, s string) tri {
	pe, se := symElems(p, true), symElems(s, false)
	if symMust(pe, se) {
		return triYes
	}
	if symMay(pe, se) {
		return triMaybe
	}
	return triNo
}

// symMust: the pattern matches whatever the symbols' values are. A symbol
// is matched only by the same symbol in the pattern or wholly by a '*'
// (which matches any value); a '?' or literal byte never matches part of
// it, since the value is unknown.
func symMust(p, s []symElem) bool {
	n := len(s) + 1
	// ok[j]: pattern prefix p[:i] matches subject prefix s[:j].
	ok := make([]bool, n)
	next := make([]bool, n)
	ok[0] = true
	for i := range p {
		e := p[i]
		for j := range next {
			next[j] = false
		}
		for j := 0; j < n; j++ {
			switch {
			case e.star:
				next[j] = ok[j] || j > 0 && next[j-1]
			case j == 0:
			case e.any:
				next[j] = ok[j-1] && s[j-1].sym == ""
			case e.sym != "":
				next[j] = ok[j-1] && s[j-1].sym == e.sym
			default:
				next[j] = ok[j-1] && s[j-1].sym == "" && s[j-1].lit == e.lit
			}
		}
		ok, next = next, ok
	}
	return ok[n-1]
}

// symMay: some values of the subject's symbols make the pattern match. A
// symbol's value is one or more bytes other than ':' and '/', and it is
// not any literal name the input writes: a pattern's literal bytes may
// match part of the value, but a wildcard must match some of it (a
// symbol in the pattern matches only the same symbol whole, never literal
// bytes or part of another symbol's value). So "key/1*" may match a key
// ID, "other-bucket/*" matches no object of a generated bucket.
func symMay(p, s []symElem) bool {
	// State (i, j, in, wild): p[:i] matched against s[:j] plus, when in,
	// a non-empty part of symbol s[j]'s value, of which a wildcard
	// matched some when wild.
	n := len(s) + 1
	idx := func(i, j int, in, wild bool) int {
		k := (i*n + j) * 4
		if in {
			k += 2
		}
		if wild {
			k++
		}
		return k
	}
	seen := make([]bool, (len(p)+1)*n*4)
	stack := []int{idx(0, 0, false, false)}
	seen[stack[0]] = true
	push := func(i, j int, in, wild bool) {
		if k := idx(i, j, in, wild); !seen[k] {
			seen[k] = true
			stack = append(stack, k)
		}
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		in, wild := k&2 != 0, k&1 != 0
		i, j := k/4/n, k/4%n
		if i == len(p) && j == len(s) && !in {
			return true
		}
		if in && wild {
			// End the symbol's value here.
			push(i, j+1, false, false)
		}
		if i == len(p) {
			continue
		}
		e := p[i]
		if e.star {
			push(i+1, j, in, wild) // the star matches nothing more
			if j < len(s) {
				if s[j].sym != "" {
					// The star takes one more byte of the value, maybe
					// its last.
					push(i, j, true, true)
				} else if !in {
					push(i, j+1, false, false)
				}
			}
			continue
		}
		if j == len(s) {
			continue
		}
		if s[j].sym != "" {
			// A byte of the symbol's value.
			if e.any || e.sym == "" && e.lit != ':' && e.lit != '/' {
				push(i+1, j, true, wild || e.any)
			}
			if !in && e.sym == s[j].sym {
				push(i+1, j+1, false, false)
			}
			continue
		}
		if in {
			continue
		}
		if e.any || e.sym == "" && e.lit == s[j].lit {
			push(i+1, j+1, false, false)
		}
	}
	return false
}

// triGlob is globMatch when the subject holds no symbol or unknown token
// and opaqueGlob when it does.
func triGlob(p, s string) tri {
	if !hasOpaque(s) {
		if globMatch(p, s, false) {
			return triYes
		}
		return triNo
	}
	return opaqueGlob(p, s)
}

// segmentTri is segmentMatch for a subject field that may hold symbols or
// unknown tokens.
func segmentTri(p, s string) tri {
	if p == "*" {
		return triYes
	}
	if hasUnknownToken(s) {
		return unknownGlob(p, s)
	}
	if !hasSymbol(s) {
		if segmentMatch(p, s) {
			return triYes
		}
		return triNo
	}
	if !hasWildcard(p) && !strings.Contains(p, `\`) {
		// A literal: equal texts are the same value; a symbol differs
		// from every other symbol and every literal.
		if p == s {
			return triYes
		}
		return triNo
	}
	return symbolGlob(p, s)
}

// arnPartsTri is arnPartsMatch for a subject ARN that may hold symbols or
// unknown tokens (split by opaqueARNParts).
func arnPartsTri(pattern, v *[5]string) tri {
	if hasUnknownToken(v[0]) || hasUnknownToken(v[1]) || hasUnknownToken(v[2]) || hasUnknownToken(v[3]) {
		return unknownFieldTri(pattern, v)
	}
	out := triYes
	for i := 0; i < 5; i++ {
		switch segmentTri(pattern[i], v[i]) {
		case triNo:
			return triNo
		case triMaybe:
			out = triMaybe
		}
	}
	return out
}
