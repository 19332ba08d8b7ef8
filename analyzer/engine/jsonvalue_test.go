package engine

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/collectors/synth"
)

// opaValue is the conversion jsonValue replaces: OPA's decoder to a
// generic document, then to a Rego value (trailing data refused, as
// json.Unmarshal does).
func opaValue(data []byte) (ast.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, io.ErrUnexpectedEOF
	}
	return ast.InterfaceToValue(x)
}

// Every fixture snapshot and a synthetic organization convert to the value
// OPA's own conversion gives.
func TestJSONValueMatchesOPA(t *testing.T) {
	files, err := filepath.Glob("../../fixtures/scenarios/*/snapshot.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var docs [][]byte
	for _, f := range files {
		s, err := snapshot.LoadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, data)
	}
	data, err := json.Marshal(synth.Org(synth.Options{Accounts: 20}))
	if err != nil {
		t.Fatal(err)
	}
	docs = append(docs, data,
		[]byte(`{"a":"\u00e9\ud83d\ude00 \"q\" \\ \/","b":[1,-2.5e3,0.25,true,false,null,{}],"c":{"x":1,"x":2},"d":"caf`+"\xc3\xa9 \xff"+`"}`))
	for i, d := range docs {
		want, err := opaValue(d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := jsonValue(d)
		if err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		if got.Compare(want) != 0 {
			t.Errorf("document %d converts to a different value", i)
		}
	}
}

func FuzzJSONValue(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,2,{"b":null}]}`, `"x\u0041"`, `1e5`, `-0.5`, `{"a":1,"a":2}`, `[1,]`, `{"a" 1}`, "\"\xff\"", `1e999999999`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, werr := opaValue(data)
		got, gerr := jsonValue(data)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: OPA's conversion says %v, jsonValue %v", data, werr, gerr)
		}
		if werr == nil && got.Compare(want) != 0 {
			t.Fatalf("%q: values differ: %v vs %v", data, got, want)
		}
	})
}

// Equal objects and arrays of a document are one term (share), and the
// value is still OPA's; objects that differ in one byte are not shared.
func TestJSONValueSharesEqualComposites(t *testing.T) {
	data := []byte(`{"a":{"ctx":{"k":["true"]},"n":1},"b":{"ctx":{"k":["true"]},"n":1},"c":{"ctx":{"k":["false"]},"n":1},"d":[["true"],["true"]]}`)
	got, err := jsonValue(data)
	if err != nil {
		t.Fatal(err)
	}
	want, err := opaValue(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Compare(want) != 0 {
		t.Fatalf("jsonValue = %v, want %v", got, want)
	}
	obj := got.(ast.Object)
	get := func(k string) *ast.Term { return obj.Get(ast.StringTerm(k)) }
	if get("a") != get("b") {
		t.Error("two equal objects are two terms")
	}
	if get("a") == get("c") {
		t.Error("two different objects are one term")
	}
	d := get("d").Value.(*ast.Array)
	inner := get("a").Value.(ast.Object).Get(ast.StringTerm("ctx")).Value.(ast.Object).Get(ast.StringTerm("k"))
	if d.Elem(0) != d.Elem(1) || d.Elem(0) != inner {
		t.Error(`equal arrays ["true"] are several terms`)
	}
}

// The input's values converted a part at a time with one parser
// (snapshotValue, arrayValue, marshal) are the values of the whole
// documents, and share their equal composites across documents.
func TestPartsConvertAsWholeDocuments(t *testing.T) {
	snap := synth.Org(synth.Options{Accounts: 4})
	s, err := NewSubject(snap, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := toValue(snap)
	if err != nil {
		t.Fatal(err)
	}
	if s.snap.Compare(want) != 0 {
		t.Fatalf("snapshot value differs from the whole document's")
	}
	jp := newJSONParser()
	got, err := arrayValue(jp, s.Paths)
	if err != nil {
		t.Fatal(err)
	}
	if want, err := toValue(s.Paths); err != nil || got.Value.Compare(want) != 0 {
		t.Fatalf("paths value differs from the whole document's (%v)", err)
	}
	if nilPaths, err := arrayValue[datapath.Path](jp, nil); err != nil || nilPaths.Value.Compare(ast.Null{}) != 0 {
		t.Errorf("nil list: %v, %v; want null as json.Marshal", nilPaths, err)
	}
	// Equal values of two documents of one parser are one term.
	again, err := arrayValue(jp, s.Paths)
	if err != nil {
		t.Fatal(err)
	}
	source := func(paths *ast.Term) *ast.Term {
		return paths.Value.(*ast.Array).Elem(0).Value.(ast.Object).Get(ast.StringTerm("source"))
	}
	if source(again) != source(got) {
		t.Error("a path's source converted twice with one parser is two terms")
	}
	// A snapshot without accounts converts whole.
	empty := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion}
	e, err := snapshotValue(newJSONParser(), empty)
	if want, _ := toValue(empty); err != nil || e.Value.Compare(want) != 0 {
		t.Errorf("empty snapshot: %v (%v), want %v", e, err, want)
	}
}
