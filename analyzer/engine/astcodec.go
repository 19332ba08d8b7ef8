package engine

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
)

// astcodec is a compact binary form of compiled Rego modules: what the
// rules compile to is fixed when trailgate is built, so New decodes it
// (compiled.go) instead of parsing and compiling the sources at every
// start. OPA's own JSON form of compiled modules does not decode back
// ("unable to unmarshal term") and is 1.8 MB; this one is a walk of the
// AST with strings interned once, and decodes in a few milliseconds.
//
// It keeps what evaluation reads: every value, expression, rule head and
// body, and each node's location (file, row, column: what OPA's errors
// print; not the source text). It drops what only the parser or the
// compiler's stages read (comments, annotations, which keyword a rule head
// was written with). The encoder refuses any node it does not know, so a
// construct a rule starts to use fails `go generate`, never silently.

// Tags of the values and expression terms.
const (
	tagNilTerm byte = iota
	tagNull
	tagFalse
	tagTrue
	tagNumber
	tagString
	tagVar
	tagRef
	tagArray
	tagSet
	tagObject
	tagArrayCompr
	tagSetCompr
	tagObjectCompr
	tagCall
)

const (
	exprTerm byte = iota
	exprCall
	exprSome
	exprEvery
)

// astEncoder appends the encoding of modules to buf; strings go to a table
// written once before the modules (see encodeModules).
type astEncoder struct {
	buf     []byte
	strings map[string]int
	table   []string
	err     error
}

func (e *astEncoder) uint(n int) {
	if n < 0 {
		e.fail("negative number %d", n)
		n = 0
	}
	e.buf = binary.AppendUvarint(e.buf, uint64(n))
}

func (e *astEncoder) bool(b bool) {
	if b {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

func (e *astEncoder) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf(format, args...)
	}
}

func (e *astEncoder) str(s string) {
	i, ok := e.strings[s]
	if !ok {
		i = len(e.table)
		e.strings[s] = i
		e.table = append(e.table, s)
	}
	e.uint(i)
}

func (e *astEncoder) loc(l *ast.Location) {
	if l == nil {
		e.uint(0)
		return
	}
	e.uint(1)
	e.str(l.File)
	e.uint(l.Row)
	e.uint(l.Col)
}

// terms writes a list of terms, keeping nil apart from empty (a rule
// head's Args are empty, not nil, after compiling).
func (e *astEncoder) terms(ts []*ast.Term) {
	if ts == nil {
		e.uint(0)
		return
	}
	e.uint(len(ts) + 1)
	for _, t := range ts {
		e.term(t)
	}
}

func (e *astEncoder) term(t *ast.Term) {
	if t == nil {
		e.buf = append(e.buf, tagNilTerm)
		return
	}
	switch v := t.Value.(type) {
	case ast.Null:
		e.buf = append(e.buf, tagNull)
	case ast.Boolean:
		if v {
			e.buf = append(e.buf, tagTrue)
		} else {
			e.buf = append(e.buf, tagFalse)
		}
	case ast.Number:
		e.buf = append(e.buf, tagNumber)
		e.str(string(v))
	case ast.String:
		e.buf = append(e.buf, tagString)
		e.str(string(v))
	case ast.Var:
		e.buf = append(e.buf, tagVar)
		e.str(string(v))
	case ast.Ref:
		e.buf = append(e.buf, tagRef)
		e.terms(v)
	case *ast.Array:
		e.buf = append(e.buf, tagArray)
		elems := make([]*ast.Term, v.Len())
		for i := range elems {
			elems[i] = v.Elem(i)
		}
		e.terms(elems)
	case ast.Set:
		e.buf = append(e.buf, tagSet)
		e.terms(v.Slice())
	case ast.Object:
		e.buf = append(e.buf, tagObject)
		e.uint(v.Len())
		v.Foreach(func(k, x *ast.Term) {
			e.term(k)
			e.term(x)
		})
	case *ast.ArrayComprehension:
		e.comprehension(tagArrayCompr, v.Body, v.Term)
	case *ast.SetComprehension:
		e.comprehension(tagSetCompr, v.Body, v.Term)
	case *ast.ObjectComprehension:
		e.comprehension(tagObjectCompr, v.Body, v.Key, v.Value)
	case ast.Call:
		e.buf = append(e.buf, tagCall)
		e.terms(v)
	default:
		e.fail("%v: a term of type %T, which the compiled-rules encoding does not know", t.Location, t.Value)
		e.buf = append(e.buf, tagNilTerm)
		return
	}
	e.loc(t.Location)
}

// comprehension writes a comprehension of the kind tag: its head terms
// (the term, or an object's key and value), then its body, the order
// the decoder reads them in.
func (e *astEncoder) comprehension(tag byte, body ast.Body, head ...*ast.Term) {
	e.buf = append(e.buf, tag)
	for _, t := range head {
		e.term(t)
	}
	e.body(body)
}

func (e *astEncoder) body(b ast.Body) {
	e.uint(len(b))
	for _, x := range b {
		e.expr(x)
	}
}

func (e *astEncoder) expr(x *ast.Expr) {
	e.uint(x.Index)
	e.bool(x.Negated)
	e.bool(x.Generated)
	e.loc(x.Location)
	switch ts := x.Terms.(type) {
	case *ast.Term:
		e.buf = append(e.buf, exprTerm)
		e.term(ts)
	case []*ast.Term:
		e.buf = append(e.buf, exprCall)
		e.terms(ts)
	case *ast.SomeDecl:
		e.buf = append(e.buf, exprSome)
		e.terms(ts.Symbols)
		e.loc(ts.Location)
	case *ast.Every:
		e.buf = append(e.buf, exprEvery)
		e.term(ts.Key)
		e.term(ts.Value)
		e.term(ts.Domain)
		e.body(ts.Body)
		e.loc(ts.Location)
	default:
		e.fail("%v: an expression of type %T, which the compiled-rules encoding does not know", x.Location, x.Terms)
	}
	e.uint(len(x.With))
	for _, w := range x.With {
		e.term(w.Target)
		e.term(w.Value)
		e.loc(w.Location)
	}
}

func (e *astEncoder) rule(r *ast.Rule) {
	e.bool(r.Default)
	h := r.Head
	e.str(string(h.Name))
	e.terms(h.Reference)
	e.terms(h.Args)
	e.term(h.Key)
	e.term(h.Value)
	e.bool(h.Assign)
	e.loc(h.Location)
	e.body(r.Body)
	e.loc(r.Location)
	if r.Else == nil {
		e.bool(false)
		return
	}
	e.bool(true)
	e.rule(r.Else)
}

func (e *astEncoder) module(m *ast.Module) {
	if v := m.RegoVersion(); v != ast.RegoV1 {
		e.fail("module %v is Rego %v; the compiled-rules encoding holds Rego v1 only", m.Package, v)
	}
	e.terms(m.Package.Path)
	e.loc(m.Package.Location)
	e.uint(len(m.Imports))
	for _, im := range m.Imports {
		e.term(im.Path)
		e.str(string(im.Alias))
		e.loc(im.Location)
		e.loc(im.AliasLocation)
	}
	e.uint(len(m.Rules))
	for _, r := range m.Rules {
		e.rule(r)
	}
}

// astDecoder reads what astEncoder wrote. Terms and locations come from
// slabs: a compiled rule tree is a few hundred thousand of them, and one
// allocation per node was most of decoding.
type astDecoder struct {
	buf      []byte
	pos      int
	strings  []string
	err      error
	elems    int            // elements of lists allocated so far (countOf)
	boxed    [3][]ast.Value // numbers, strings and variables by string index
	termSlab []ast.Term
	locSlab  []ast.Location
}

var errTruncated = errors.New("compiled rules: truncated or corrupt encoding")

func (d *astDecoder) uint() int {
	n, k := binary.Uvarint(d.buf[d.pos:])
	if k <= 0 {
		d.err = errTruncated
		d.pos = len(d.buf)
		return 0
	}
	d.pos += k
	return int(n)
}

func (d *astDecoder) byte() byte {
	if d.pos >= len(d.buf) {
		d.err = errTruncated
		return 0
	}
	b := d.buf[d.pos]
	d.pos++
	return b
}

func (d *astDecoder) bool() bool { return d.byte() == 1 }

func (d *astDecoder) str() string {
	i := d.uint()
	if i >= len(d.strings) {
		d.err = errTruncated
		return ""
	}
	return d.strings[i]
}

// scalar returns the value of a number, string or variable. Values are
// immutable, so every term of the same one shares one boxed value: a
// variable's name repeats in every expression that uses it.
func (d *astDecoder) scalar(tag byte) ast.Value {
	i := d.uint()
	if i >= len(d.strings) {
		d.err = errTruncated
		return ast.Null{}
	}
	boxed := &d.boxed[tag-tagNumber]
	if *boxed == nil {
		*boxed = make([]ast.Value, len(d.strings))
	}
	if v := (*boxed)[i]; v != nil {
		return v
	}
	var v ast.Value
	switch s := d.strings[i]; tag {
	case tagNumber:
		v = ast.Number(s)
	case tagString:
		v = ast.String(s)
	default:
		v = ast.Var(s)
	}
	(*boxed)[i] = v
	return v
}

const slabSize = 4096

func (d *astDecoder) newTerm(v ast.Value) *ast.Term {
	if len(d.termSlab) == 0 {
		d.termSlab = make([]ast.Term, slabSize)
	}
	t := &d.termSlab[0]
	d.termSlab = d.termSlab[1:]
	t.Value = v
	return t
}

func (d *astDecoder) loc() *ast.Location {
	if d.uint() == 0 {
		return nil
	}
	if len(d.locSlab) == 0 {
		d.locSlab = make([]ast.Location, slabSize)
	}
	l := &d.locSlab[0]
	d.locSlab = d.locSlab[1:]
	l.File = d.str()
	l.Row = d.uint()
	l.Col = d.uint()
	return l
}

// count reads a length and checks it against what is left, so that a
// corrupt length cannot ask for a huge allocation.
func (d *astDecoder) count() int { return d.countOf(1) }

// countOf is count for elements of at least size bytes each. Every
// element of every list is encoded by bytes of its own (a tag at least),
// so a valid encoding never has more elements in all than it has bytes:
// the budget keeps nested corrupt lengths from allocating more.
func (d *astDecoder) countOf(size int) int {
	n := d.uint()
	d.elems += n
	if n > (len(d.buf)-d.pos)/size || d.elems > len(d.buf) {
		d.err = errTruncated
		d.pos = len(d.buf)
		return 0
	}
	return n
}

func (d *astDecoder) terms() []*ast.Term {
	n := d.uint()
	if n == 0 {
		return nil
	}
	d.elems += n - 1
	if n-1 > len(d.buf)-d.pos || d.elems > len(d.buf) {
		d.err = errTruncated
		d.pos = len(d.buf)
		return nil
	}
	ts := make([]*ast.Term, n-1)
	for i := range ts {
		if ts[i] = d.term(); ts[i] == nil && d.err == nil {
			d.err = fmt.Errorf("compiled rules: a nil term in a list")
		}
		if d.err != nil {
			return nil // no half-made list reaches NewArray or NewSet
		}
	}
	return ts
}

func (d *astDecoder) term() *ast.Term {
	var v ast.Value
	switch tag := d.byte(); tag {
	case tagNilTerm:
		return nil
	case tagNull:
		v = ast.Null{}
	case tagFalse:
		v = ast.Boolean(false)
	case tagTrue:
		v = ast.Boolean(true)
	case tagNumber, tagString, tagVar:
		v = d.scalar(tag)
	case tagRef:
		v = ast.Ref(d.terms())
	case tagArray:
		v = ast.NewArray(d.terms()...)
	case tagSet:
		v = ast.NewSet(d.terms()...)
	case tagObject:
		n := d.count()
		pairs := make([][2]*ast.Term, n)
		for i := range pairs {
			if pairs[i] = [2]*ast.Term{d.term(), d.term()}; pairs[i][0] == nil || pairs[i][1] == nil {
				if d.err == nil {
					d.err = fmt.Errorf("compiled rules: a nil key or value in an object")
				}
				return nil
			}
		}
		v = ast.NewObject(pairs...)
	case tagArrayCompr:
		v = &ast.ArrayComprehension{Term: d.must(), Body: d.body()}
	case tagSetCompr:
		v = &ast.SetComprehension{Term: d.must(), Body: d.body()}
	case tagObjectCompr:
		v = &ast.ObjectComprehension{Key: d.must(), Value: d.must(), Body: d.body()}
	case tagCall:
		v = ast.Call(d.terms())
	default:
		d.err = fmt.Errorf("compiled rules: unknown term tag %d", tag)
		d.pos = len(d.buf)
		return nil
	}
	t := d.newTerm(v)
	t.Location = d.loc()
	return t
}

// must is term where the AST has no nil term (a comprehension's, an
// expression's): a corrupt encoding is an error here, not a nil that OPA
// dereferences later.
func (d *astDecoder) must() *ast.Term {
	t := d.term()
	if t == nil && d.err == nil {
		d.err = errTruncated
	}
	if d.err != nil {
		return ast.NullTerm()
	}
	return t
}

func (d *astDecoder) body() ast.Body {
	n := d.countOf(6) // index, negated, generated, location, kind, with
	b := make(ast.Body, n)
	exprs := make([]ast.Expr, n)
	for i := range b {
		b[i] = &exprs[i]
		if d.expr(b[i]); d.err != nil {
			return nil
		}
	}
	return b
}

func (d *astDecoder) expr(x *ast.Expr) {
	x.Index = d.uint()
	x.Negated = d.bool()
	x.Generated = d.bool()
	x.Location = d.loc()
	switch kind := d.byte(); kind {
	case exprTerm:
		x.Terms = d.must()
	case exprCall:
		x.Terms = d.terms()
	case exprSome:
		x.Terms = &ast.SomeDecl{Symbols: d.terms(), Location: d.loc()}
	case exprEvery:
		x.Terms = &ast.Every{Key: d.term(), Value: d.must(), Domain: d.must(), Body: d.body(), Location: d.loc()}
	default:
		d.err = fmt.Errorf("compiled rules: unknown expression kind %d", kind)
		d.pos = len(d.buf)
	}
	if n := d.count(); n > 0 {
		x.With = make([]*ast.With, n)
		for i := range x.With {
			x.With[i] = &ast.With{Target: d.must(), Value: d.must(), Location: d.loc()}
			if d.err != nil {
				return
			}
		}
	}
}

func (d *astDecoder) rule(m *ast.Module) *ast.Rule {
	r := &ast.Rule{Module: m, Default: d.bool(), Head: &ast.Head{}}
	r.Head.Name = ast.Var(d.str())
	r.Head.Reference = d.terms()
	r.Head.Args = d.terms()
	r.Head.Key = d.term()
	r.Head.Value = d.term()
	r.Head.Assign = d.bool()
	r.Head.Location = d.loc()
	r.Body = d.body()
	r.Location = d.loc()
	if d.bool() && d.err == nil {
		r.Else = d.rule(m)
	}
	return r
}

func (d *astDecoder) module() *ast.Module {
	m := &ast.Module{Package: &ast.Package{}}
	m.Package.Path = d.terms()
	m.Package.Location = d.loc()
	if n := d.count(); n > 0 {
		m.Imports = make([]*ast.Import, n)
		for i := range m.Imports {
			m.Imports[i] = &ast.Import{Path: d.must(), Alias: ast.Var(d.str()), Location: d.loc(), AliasLocation: d.loc()}
			if d.err != nil {
				return m
			}
		}
	}
	n := d.count()
	m.Rules = make([]*ast.Rule, 0, n)
	for range n {
		if d.err != nil {
			break
		}
		m.Rules = append(m.Rules, d.rule(m))
	}
	m.SetRegoVersion(ast.RegoV1)
	return m
}
