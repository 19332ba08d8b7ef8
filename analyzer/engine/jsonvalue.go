package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// jsonValue converts a JSON document to a Rego value in one pass over its
// bytes, without the generic map[string]any document OPA's decoder builds
// first: for an organization of 10,000 accounts that document was as
// large as the Rego value itself and doubled the peak memory of a check.
// Strings and object keys that repeat (field names, regions, account IDs,
// "Allow") share one term within a document.
func jsonValue(data []byte) (ast.Value, error) {
	p := jsonParser{data: data, strs: stringTerms{}, composites: map[uint64][]composite{}, seed: maphash.MakeSeed()}
	p.space()
	t, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.data) {
		return nil, p.errorf("trailing data")
	}
	return t.Value, nil
}

type jsonParser struct {
	data []byte
	i    int
	strs stringTerms
	// composites are the objects and arrays parsed so far, by the hash of
	// their bytes (see share).
	composites map[uint64][]composite
	seed       maphash.Seed
}

// composite is an object or array of the document: its bytes and value.
type composite struct {
	start, end int
	term       *ast.Term
}

// maxShared bounds the objects and arrays share compares: larger ones
// rarely repeat, and hashing them again at each level would cost more.
const maxShared = 2048

// share returns the value of an earlier object or array with the same
// bytes as data[start:end] if there is one, else records t as it. A
// marshalled document spells equal values with equal bytes, and a Check's
// documents repeat many: the same condition, principal or request context
// in every account, the hops two delivery paths of an account share. OPA
// never modifies a ground term, so equal values can be one term, as equal
// strings already are.
func (p *jsonParser) share(start, end int, t *ast.Term) *ast.Term {
	if end-start > maxShared {
		return t
	}
	b := p.data[start:end]
	h := maphash.Bytes(p.seed, b)
	for _, c := range p.composites[h] {
		if bytes.Equal(p.data[c.start:c.end], b) {
			return c.term
		}
	}
	p.composites[h] = append(p.composites[h], composite{start: start, end: end, term: t})
	return t
}

// maxDepth bounds nesting, as encoding/json does (10,000).
const maxDepth = 10000

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("JSON at offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *jsonParser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*ast.Term, error) {
	if depth > maxDepth {
		return nil, p.errorf("nested too deeply")
	}
	if p.i >= len(p.data) {
		return nil, p.errorf("unexpected end")
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return p.intern(s), nil
	case c == 't':
		return p.literal("true", ast.InternedTerm(true))
	case c == 'f':
		return p.literal("false", ast.InternedTerm(false))
	case c == 'n':
		return p.literal("null", ast.NullTerm())
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return nil, p.errorf("unexpected %q", c)
	}
}

func (p *jsonParser) literal(word string, t *ast.Term) (*ast.Term, error) {
	if len(p.data)-p.i < len(word) || string(p.data[p.i:p.i+len(word)]) != word {
		return nil, p.errorf("invalid literal")
	}
	p.i += len(word)
	return t, nil
}

func (p *jsonParser) number() (*ast.Term, error) {
	start := p.i
	if p.data[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	switch {
	case p.i < len(p.data) && p.data[p.i] == '0':
		p.i++ // JSON allows no leading zeros: "0" is a whole integer part
	case digits() == 0:
		return nil, p.errorf("invalid number")
	}
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.errorf("invalid number")
		}
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errorf("invalid number")
		}
	}
	s := string(p.data[start:p.i])
	if t := ast.InternedIntNumberTermFromString(s); t != nil {
		return t, nil
	}
	n, err := ast.NumberChecked(s)
	if err != nil {
		return nil, p.errorf("%v", err)
	}
	return ast.NewTerm(n), nil
}

// str reads a string; the common case, without escapes, is one slice.
func (p *jsonParser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	ascii := true
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(p.data[start:p.i]) {
				return p.escaped(start)
			}
			s := string(p.data[start:p.i])
			p.i++
			return s, nil
		case c >= 0x80:
			ascii = false
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", p.errorf("control character in string")
		}
		p.i++
	}
	return "", p.errorf("unterminated string")
}

// escaped finishes a string holding escapes, from its start, with
// encoding/json's rules (invalid UTF-8 and lone surrogates become U+FFFD).
func (p *jsonParser) escaped(start int) (string, error) {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case '\\':
			p.i += 2
			continue
		case '"':
			var s string
			if err := json.Unmarshal(p.data[start-1:p.i+1], &s); err != nil {
				return "", p.errorf("invalid string: %v", err)
			}
			p.i++
			return s, nil
		}
		p.i++
	}
	return "", p.errorf("unterminated string")
}

func (p *jsonParser) intern(s string) *ast.Term {
	if len(s) > 96 {
		return ast.StringTerm(s)
	}
	return p.strs.term(s)
}

func (p *jsonParser) object(depth int) (*ast.Term, error) {
	start := p.i
	p.i++ // {
	var items [][2]*ast.Term
	p.space()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return ast.NewTerm(ast.NewObject()), nil
	}
	for {
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, p.errorf("expected an object key")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, p.errorf("expected ':'")
		}
		p.i++
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		items = append(items, [2]*ast.Term{p.intern(k), v})
		p.space()
		if p.i >= len(p.data) {
			return nil, p.errorf("unterminated object")
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return p.share(start, p.i, ast.NewTerm(objectOf(items))), nil
		default:
			return nil, p.errorf("expected ',' or '}'")
		}
	}
}

// objectOf builds an object; a key given twice keeps its last value, as
// encoding/json does (NewObject would keep both).
func objectOf(items [][2]*ast.Term) ast.Object {
	if len(items) > 16 {
		seen := make(map[string]int, len(items))
		out := items[:0]
		for _, it := range items {
			k := string(it[0].Value.(ast.String))
			if j, dup := seen[k]; dup {
				out[j][1] = it[1]
				continue
			}
			seen[k] = len(out)
			out = append(out, it)
		}
		return ast.NewObject(out...)
	}
	out := items[:0]
next:
	for _, it := range items {
		for j := range out {
			if out[j][0].Value.Compare(it[0].Value) == 0 {
				out[j][1] = it[1]
				continue next
			}
		}
		out = append(out, it)
	}
	return ast.NewObject(out...)
}

func (p *jsonParser) array(depth int) (*ast.Term, error) {
	start := p.i
	p.i++ // [
	var elems []*ast.Term
	p.space()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return ast.ArrayTerm(), nil
	}
	for {
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		elems = append(elems, v)
		p.space()
		if p.i >= len(p.data) {
			return nil, p.errorf("unterminated array")
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return p.share(start, p.i, ast.ArrayTerm(elems...)), nil
		default:
			return nil, p.errorf("expected ',' or ']'")
		}
	}
}
