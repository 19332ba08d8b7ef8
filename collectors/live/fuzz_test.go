package live

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// FuzzIAMDocument: decoding IAM's URL-encoded documents never panics, only
// yields JSON, and gives back any JSON document IAM encoded.
func FuzzIAMDocument(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[]}`)
	f.Add(`%7B%22a%22%3A%22b+c%22%7D`)
	f.Add(`%zz`)
	f.Fuzz(func(t *testing.T, s string) {
		if doc, ok := iamDocument(s); ok && !json.Valid(doc) {
			t.Fatalf("iamDocument(%q) = %q, not JSON", s, doc)
		}
		if json.Valid([]byte(s)) {
			enc := strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
			doc, ok := iamDocument(enc)
			want, _ := document(s)
			if !ok || string(doc) != string(want) {
				t.Fatalf("round trip of %q: got %q, %v", s, doc, ok)
			}
		}
	})
}

// FuzzQueueAttributes: any attribute values SQS might send are read
// without panicking.
func FuzzQueueAttributes(f *testing.F) {
	f.Add("https://sqs.us-east-1.amazonaws.com/1/q", `{"deadLetterTargetArn":"arn","maxReceiveCount":"5"}`, "30", `{"Statement":[]}`)
	f.Add("", `{"maxReceiveCount":5}`, "x", "not json")
	f.Fuzz(func(t *testing.T, u, redrive, vis, policy string) {
		q := queue(u, "us-east-1", map[string]string{"RedrivePolicy": redrive, "VisibilityTimeout": vis, "Policy": policy})
		if q.Policy != nil && !json.Valid(q.Policy.Document) {
			t.Fatalf("policy %q kept though not JSON", policy)
		}
	})
}
