package iam

import "strings"

// Policy variables (${aws:username}, ${aws:PrincipalTag/team}, the special
// ${*}, ${?}, ${$}, and a default ${key, 'value'}) are replaced in Resource,
// NotResource and condition values at evaluation time. Version 2008-10-17
// does not support them: the text is taken literally.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

// tmplPart is one piece of a policy string: literal text, a special
// character, or a variable.
type tmplPart struct {
	lit     string // literal text (isVar false)
	special bool   // lit is one of "*", "?", "$" from ${*}, ${?}, ${$}
	isVar   bool
	key     string // condition key named by the variable
	def     string // default value
	hasDef  bool
}

// template is a compiled policy string. When it has no variables, exact
// holds the text and glob the wildcard pattern, both ready to use.
type template struct {
	raw   string
	parts []tmplPart
	exact string
	glob  string
	vars  bool
}

func compileTemplate(s string, variables bool) template {
	t := template{raw: s}
	if !variables || !strings.Contains(s, "${") {
		t.exact = s
		t.glob = escapeBackslash(s)
		return t
	}
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tmplPart{lit: rest[:i]})
		}
		body := rest[i+2 : i+j]
		t.parts = append(t.parts, parseVariable(body))
		rest = rest[i+j+1:]
	}
	if rest != "" {
		t.parts = append(t.parts, tmplPart{lit: rest})
	}
	for _, p := range t.parts {
		if p.isVar {
			t.vars = true
		}
	}
	if !t.vars {
		t.exact, _ = t.resolve(nil, false)
		t.glob, _ = t.resolve(nil, true)
		t.parts = nil
	}
	return t
}

// parseVariable reads the inside of ${...}.
func parseVariable(body string) tmplPart {
	trimmed := strings.TrimSpace(body)
	switch trimmed {
	case "*", "?", "$":
		return tmplPart{lit: trimmed, special: true}
	}
	key, def, hasDef := trimmed, "", false
	if k, d, ok := strings.Cut(trimmed, ","); ok {
		d = strings.TrimSpace(d)
		if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
			key, def, hasDef = strings.TrimSpace(k), d[1:len(d)-1], true
		}
	}
	return tmplPart{isVar: true, key: key, def: def, hasDef: hasDef}
}

func escapeBackslash(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.ReplaceAll(s, `\`, `\\`)
}

// resolve substitutes variables. glob escapes the result for globMatch. ok
// is false when a variable has no single value and no default: AWS then
// treats the policy element as not matching.
func (t *template) resolve(ctx *evalContext, glob bool) (string, bool) {
	if !t.vars && t.parts == nil {
		if glob {
			return t.glob, true
		}
		return t.exact, true
	}
	var b strings.Builder
	for i := range t.parts {
		p := &t.parts[i]
		switch {
		case p.special:
			if glob && p.lit != "$" {
				b.WriteByte('\\')
			}
			b.WriteString(p.lit)
		case p.isVar:
			v, ok := "", false
			if ctx != nil {
				vals, found := ctx.lookup(p.key)
				// Multivalued keys cannot be used as variables.
				if found && len(vals) == 1 {
					v, ok = vals[0], true
				}
			}
			if !ok {
				if !p.hasDef {
					return "", false
				}
				v = p.def
			}
			if glob {
				v = escapeLiteral(v)
			}
			b.WriteString(v)
		default:
			if glob {
				b.WriteString(escapeBackslash(p.lit))
			} else {
				b.WriteString(p.lit)
			}
		}
	}
	return b.String(), true
}
