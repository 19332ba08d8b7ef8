package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A resource type no rule models is named once per type, with its count,
// in every format: never dropped silently.
func TestNotModeledTypesInEveryFormat(t *testing.T) {
	nm := []NotModeled{{Type: "AWS::IAM::Group", Count: 2}, {Type: "AWS::Kinesis::Stream", Count: 1}}
	opts := Options{ToolVersion: "0.1.0", NotModeled: nm}

	var text bytes.Buffer
	if err := WriteText(&text, nil, sampleRules, opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "\n  not judged: AWS::IAM::Group ×2, AWS::Kinesis::Stream ×1") {
		t.Errorf("text summary does not name the types:\n%s", text.String())
	}

	var js bytes.Buffer
	if err := WriteJSON(&js, nil, sampleRules, opts); err != nil {
		t.Fatal(err)
	}
	var doc Result
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(nm, doc.NotJudged); diff != "" {
		t.Errorf("JSON not_judged (-want +got):\n%s", diff)
	}

	var sb bytes.Buffer
	if err := WriteSARIF(&sb, nil, sampleRules, opts); err != nil {
		t.Fatal(err)
	}
	if err := validate(t, sarifSchema(t), sb.Bytes()); err != nil {
		t.Errorf("SARIF does not validate: %v", err)
	}
	for _, want := range []string{`"not judged: AWS::IAM::Group ×2"`, `"not judged: AWS::Kinesis::Stream ×1"`, `"level": "warning"`} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("SARIF lacks %s:\n%s", want, sb.String())
		}
	}
}
