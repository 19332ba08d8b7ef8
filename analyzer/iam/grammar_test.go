package iam

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

type grammarCase struct {
	ID       string          `json:"id"`
	Valid    bool            `json:"valid"`
	Document json.RawMessage `json:"document"`
	AWSError string          `json:"aws_error"`
}

func loadGrammarCorpus(t testing.TB) []grammarCase {
	t.Helper()
	data, err := os.ReadFile("testdata/iam-policy-grammar.json")
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct {
		Cases []grammarCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &corpus); err != nil {
		t.Fatal(err)
	}
	return corpus.Cases
}

// documentBytes: a case whose document is a JSON string holds the raw
// (possibly non-JSON) policy text.
func (c grammarCase) documentBytes() []byte {
	var s string
	if json.Unmarshal(c.Document, &s) == nil {
		return []byte(s)
	}
	return c.Document
}

// TestGrammarCorpus asserts agreement with every document of the corpus
// (AWS IAM CreatePolicy, identity-policy context): each valid document
// parses, each invalid one fails with exactly the message AWS returns.
func TestGrammarCorpus(t *testing.T) {
	cases := loadGrammarCorpus(t)
	if len(cases) != 129 {
		t.Fatalf("corpus has %d cases, want 129", len(cases))
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			_, err := ParsePolicy(c.documentBytes(), KindIdentity)
			if c.Valid {
				if err != nil {
					t.Fatalf("AWS accepts this document; got %v", err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("AWS rejects this document with %q; got err=%v", c.AWSError, err)
			}
			if pe.Msg != c.AWSError {
				t.Fatalf("message differs from AWS:\n got %q\nwant %q", pe.Msg, c.AWSError)
			}
		})
	}
}
