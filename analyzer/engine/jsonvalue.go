package engine

import (
	"encoding/json"
	"fmt"
	"hash/maphash"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// jsonValue converts a JSON document to a Rego value in one pass over its
// bytes, without the generic map[string]any document OPA's decoder builds
// first: for an organization of 10,000 accounts that document was as
// large as the Rego value itself and doubled the peak memory of a check.
// Strings and object keys that repeat (field names, regions, account IDs,
// "Allow") share one term within a document.
func jsonValue(data []byte) (ast.Value, error) {
	t, err := newJSONParser().parse(data)
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

// newJSONParser is a parser whose documents share their equal strings,
// objects and arrays: the documents of one Check (the snapshot, its
// paths), and the parts of a document converted one at a time
// (arrayValue, snapshotValue) so that no whole document is ever spelled
// in JSON at once.
func newJSONParser() *jsonParser {
	return &jsonParser{strs: stringTerms{}, composites: map[uint64][]*ast.Term{}, seed: maphash.MakeSeed()}
}

// parse converts one JSON document.
func (p *jsonParser) parse(data []byte) (*ast.Term, error) {
	p.data, p.i = data, 0
	defer func() { p.data = nil }()
	p.space()
	t, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.data) {
		return nil, p.errorf("trailing data")
	}
	return t, nil
}

// marshal converts v through its JSON form, so that Rego sees exactly the
// field names of the contract.
func (p *jsonParser) marshal(v any) (*ast.Term, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return p.parse(data)
}

// arrayValue is the value of items, as marshal gives it, converting one
// item at a time: the JSON form of an organization's paths, all at once,
// was the largest allocation of a check (at 10,000 synthetic accounts,
// with the values built from it, 787 MB at the peak).
func arrayValue[T any](p *jsonParser, items []T) (*ast.Term, error) {
	if items == nil {
		return ast.NullTerm(), nil
	}
	terms := make([]*ast.Term, len(items))
	for i := range items {
		t, err := p.marshal(&items[i])
		if err != nil {
			return nil, err
		}
		terms[i] = t
	}
	return ast.ArrayTerm(terms...), nil
}

// snapshotValue is the value of snap, as marshal gives it, converting one
// account at a time (arrayValue).
func snapshotValue(p *jsonParser, snap *snapshot.Snapshot) (*ast.Term, error) {
	if snap.Accounts == nil {
		return p.marshal(snap)
	}
	rest := *snap
	rest.Accounts = nil
	top, err := p.marshal(&rest)
	if err != nil {
		return nil, err
	}
	accounts, err := arrayValue(p, snap.Accounts)
	if err != nil {
		return nil, err
	}
	obj, ok := top.Value.(ast.Object)
	key := ast.StringTerm("accounts")
	if !ok || obj.Get(key) == nil {
		return nil, fmt.Errorf("snapshot value: no accounts field in %v", top)
	}
	// A new object: top may be shared (share), so it is not modified.
	items := make([][2]*ast.Term, 0, obj.Len())
	obj.Foreach(func(k, v *ast.Term) {
		if k.Equal(key) {
			v = accounts
		}
		items = append(items, [2]*ast.Term{k, v})
	})
	return ast.ObjectTerm(items...), nil
}

type jsonParser struct {
	data []byte
	i    int
	strs stringTerms
	// composites are the objects and arrays parsed so far, by the hash of
	// their bytes (see share).
	composites map[uint64][]*ast.Term
	seed       maphash.Seed
}

// maxShared bounds the objects and arrays share compares: larger ones
// rarely repeat, and hashing them again at each level would cost more.
const maxShared = 2048

// share returns an earlier object or array equal to t, whose bytes
// (data[start:end], nil for a value not parsed from bytes: it is not
// shared) hash as t's did, if there is one, else records t as it. A
// marshalled document spells equal values with equal bytes, and a Check's
// documents repeat many: the same condition, principal or request context
// in every account, the hops two delivery paths of an account share. OPA
// never modifies a ground term, so equal values can be one term, as equal
// strings already are. Values are compared, not bytes, since the bytes of
// earlier documents are gone (parse).
func (p *jsonParser) share(t *ast.Term, b []byte) *ast.Term {
	if b == nil || len(b) > maxShared {
		return t
	}
	h := maphash.Bytes(p.seed, b)
	for _, c := range p.composites[h] {
		if c.Equal(t) {
			return c
		}
	}
	p.composites[h] = append(p.composites[h], t)
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
		end, err := p.next('}', "object")
		if err != nil {
			return nil, err
		}
		if end {
			return p.share(ast.NewTerm(objectOf(items)), p.data[start:p.i]), nil
		}
	}
}

// next reads what follows a member of an object or an element of an
// array (kind): a comma before the next one, or close, which ends it (end
// is true).
func (p *jsonParser) next(close byte, kind string) (end bool, err error) {
	p.space()
	if p.i >= len(p.data) {
		return false, p.errorf("unterminated %s", kind)
	}
	switch p.data[p.i] {
	case ',':
		p.i++
		return false, nil
	case close:
		p.i++
		return true, nil
	}
	return false, p.errorf("expected ',' or '%c'", close)
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
		end, err := p.next(']', "array")
		if err != nil {
			return nil, err
		}
		if end {
			return p.share(ast.ArrayTerm(elems...), p.data[start:p.i]), nil
		}
	}
}
