package snapshot

import (
	"encoding/json"
	"testing"
)

func TestLineAt(t *testing.T) {
	data := []byte("{\n  \"a\": 1,\n  \"b\": x\n}")
	for _, c := range []struct {
		off  int64
		want int
	}{
		{-5, 1}, // clamped to the start
		{0, 1},  // the first byte
		{1, 1},  // the newline itself belongs to line 1
		{2, 2},  // first byte after it
		{19, 3}, // the x
		{int64(len(data)), 4},
		{1 << 40, 4}, // clamped to the end: a truncated document names its last line
	} {
		if got := LineAt(data, c.off); got != c.want {
			t.Errorf("LineAt(%d) = %d, want %d", c.off, got, c.want)
		}
	}
	if got := LineAt(nil, 3); got != 1 {
		t.Errorf("LineAt(nil) = %d, want 1", got)
	}
}

// The offsets encoding/json reports are what LineAt is given.
func TestLineAtJSONSyntaxError(t *testing.T) {
	data := []byte("{\n  \"a\": 1,\n  \"b\": x\n}")
	var v any
	err := json.Unmarshal(data, &v)
	syn, ok := err.(*json.SyntaxError)
	if !ok {
		t.Fatalf("got %v, want a *json.SyntaxError", err)
	}
	if got := LineAt(data, syn.Offset); got != 3 {
		t.Errorf("line = %d, want 3", got)
	}
}

func TestErrorText(t *testing.T) {
	for _, c := range []struct {
		line        int
		where, want string
	}{
		{0, "", "f.json: bad"},
		{7, "", "f.json:7: bad"},
		{0, "accounts[0].id", "f.json: accounts[0].id: bad"},
		{7, "aws_s3_bucket.logs", "f.json:7: aws_s3_bucket.logs: bad"},
	} {
		if got := ErrorText("f.json", c.line, c.where, "bad"); got != c.want {
			t.Errorf("ErrorText(%d, %q) = %q, want %q", c.line, c.where, got, c.want)
		}
	}
}

// The default key policy is the document KMS writes: valid JSON naming the
// account root of the partition given.
func TestDefaultKeyPolicy(t *testing.T) {
	var doc struct {
		Statement []struct {
			Effect    string
			Principal struct{ AWS string }
			Action    string
			Resource  string
		}
	}
	if err := json.Unmarshal(DefaultKeyPolicy("aws-us-gov", "111122223333"), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 1 {
		t.Fatalf("%d statements, want 1", len(doc.Statement))
	}
	s := doc.Statement[0]
	if s.Effect != "Allow" || s.Principal.AWS != "arn:aws-us-gov:iam::111122223333:root" || s.Action != "kms:*" || s.Resource != "*" {
		t.Errorf("statement = %+v", s)
	}
}
