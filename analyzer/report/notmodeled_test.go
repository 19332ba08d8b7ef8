package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A resource type no rule models is named once per type, with its count,
// in every format: never dropped silently.
func TestNotModeledTypesInEveryFormat(t *testing.T) {
	nm := []NotModeled{{Type: "AWS::IAM::Group", Count: 2}, {Type: "AWS::Kinesis::Stream", Count: 1}}
	text, doc, sarif := writeEveryFormat(t, Options{ToolVersion: "0.1.0", NotModeled: nm})
	if !strings.Contains(text, "\n  not judged: AWS::IAM::Group ×2, AWS::Kinesis::Stream ×1") {
		t.Errorf("text summary does not name the types:\n%s", text)
	}
	if diff := cmp.Diff(nm, doc.NotJudged); diff != "" {
		t.Errorf("JSON not_judged (-want +got):\n%s", diff)
	}
	for _, want := range []string{`"not judged: AWS::IAM::Group ×2"`, `"not judged: AWS::Kinesis::Stream ×1"`, `"level": "warning"`} {
		if !strings.Contains(string(sarif), want) {
			t.Errorf("SARIF lacks %s:\n%s", want, sarif)
		}
	}
}
