// Package sariftest gives tests the OASIS SARIF 2.1.0 schema, compiled, so
// that every package writing SARIF validates it the same way.
package sariftest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schema compiles the schema copied from shared/schemas into
// analyzer/report/testdata (no network). The copy keeps the root
// document's constraints under definitions/Root and has no top-level $ref,
// so compiling the bare URL would accept anything; Schema compiles the
// Root definition.
func Schema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the sariftest package")
	}
	f, err := os.Open(filepath.Join(filepath.Dir(here), "..", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "file:///sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url + "#/definitions/Root")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
