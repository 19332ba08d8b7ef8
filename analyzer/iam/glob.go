package iam

// Wildcard matching for actions, resources, ArnLike and StringLike.
//
// AWS wildcards are '*' (any run of characters, including none) and '?'
// (exactly one character); nothing else is special
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards).
// Policy variables ${*}, ${?} and ${$} stand for the literal characters,
// so a compiled pattern escapes a literal '*', '?' or '\' with a backslash
// (see vars.go); plain policy text never needs escaping except for '\'.
//
// The matcher is iterative: one pass with a single remembered star
// position, so a pattern of m bytes against a subject of n bytes costs
// O(n·m) in the worst case and O(n+m) in the common one. It never
// recurses and cannot backtrack exponentially, whatever the input.

import "strings"

// globMatch reports whether s matches pattern p. fold makes the comparison
// ASCII case-insensitive (actions are case-insensitive; resources are not).
func globMatch(p, s string, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			c := p[pi]
			switch c {
			case '*':
				starP, starS = pi, si
				pi++
				continue
			case '?':
				pi++
				si++
				continue
			case '\\':
				if pi+1 < len(p) {
					if c := p[pi+1]; c == s[si] || (fold && lower(c) == lower(s[si])) {
						pi += 2
						si++
						continue
					}
				} else if s[si] == '\\' {
					pi++
					si++
					continue
				}
			default:
				if c == s[si] || (fold && lower(c) == lower(s[si])) {
					pi++
					si++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		// Let the last star absorb one more byte and retry after it.
		starS++
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// hasWildcard reports whether an escaped pattern has an unescaped '*' or
// '?'.
func hasWildcard(p string) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		}
	}
	return false
}

// unescape turns an escaped pattern without wildcards back into the text it
// stands for.
func unescape(p string) string {
	if !strings.Contains(p, `\`) {
		return p
	}
	b := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			i++
		}
		b = append(b, p[i])
	}
	return string(b)
}

// escapeLiteral escapes text so that globMatch treats every byte of it
// literally.
func escapeLiteral(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '\\':
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+n)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '\\':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// equalFold is an ASCII case-insensitive comparison without allocation.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

// fieldStar, in the second pattern of globsIntersect, matches any run of
// bytes without a colon: one ARN field. (No policy or ARN text holds a NUL.)
const fieldStar = 0

// globsIntersect reports whether some string matches both patterns
// (case-sensitive; '\' escapes the next byte as in globMatch; b may also
// hold fieldStar). It walks the
// product of the two patterns' positions, (len(a)+1)·(len(b)+1) states at
// most, so it costs O(len(a)·len(b)) whatever the input.
func globsIntersect(a, b string) bool {
	n := len(b) + 1
	seen := make([]bool, (len(a)+1)*n)
	stack := []int{0}
	seen[0] = true
	push := func(i, j int) {
		if k := i*n + j; !seen[k] {
			seen[k] = true
			stack = append(stack, k)
		}
	}
	// tok reads the token of p at i: a star, any one byte, or a literal
	// byte, and the position after it.
	tok := func(p string, i int) (star, any bool, lit byte, next int) {
		switch c := p[i]; c {
		case fieldStar:
			return true, false, fieldStar, i + 1
		case '*':
			return true, false, '*', i + 1
		case '?':
			return false, true, '?', i + 1
		case '\\':
			if i+1 < len(p) {
				return false, false, p[i+1], i + 2
			}
			return false, false, '\\', i + 1
		default:
			return false, false, c, i + 1
		}
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j := k/n, k%n
		if i == len(a) && j == len(b) {
			return true
		}
		var aStar, aAny, bStar, bAny bool
		var aLit, bLit byte
		ai, bj := i, j
		if i < len(a) {
			aStar, aAny, aLit, ai = tok(a, i)
			if aStar {
				push(ai, j) // the star matches nothing
			}
		}
		if j < len(b) {
			bStar, bAny, bLit, bj = tok(b, j)
			if bStar {
				push(i, bj)
			}
		}
		if i == len(a) || j == len(b) {
			continue
		}
		// Both consume one common byte.
		aWild, bWild := aStar || aAny, bStar || bAny
		switch {
		case bStar && bLit == fieldStar && !aWild && aLit == ':':
			continue // a field holds no colon
		case !aWild && !bWild && aLit != bLit:
			continue
		}
		ni, nj := ai, bj
		if aStar {
			ni = i
		}
		if bStar {
			nj = j
		}
		push(ni, nj)
	}
	return false
}
