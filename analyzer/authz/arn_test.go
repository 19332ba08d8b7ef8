package authz

import (
	"testing"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

func TestARNAccount(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"arn:aws:sqs:us-east-1:222222222222:q", "222222222222"},
		{"arn:aws:iam::222222222222:role/path/R", "222222222222"},
		{"arn:aws:s3:::bucket/key:with:colons", ""},
		{"arn:aws:sqs:us-east-1:*:q", "*"},
		{"arn:aws:sqs:us-east-1:222222222222", ""},
		{"aws:sqs:us-east-1:222222222222:q:x", ""},
		{"*", ""},
		{"", ""},
		{snapshot.Unknown("known after apply: a:b:c:d:e:f"), ""},
	} {
		if got := arnAccount(tc.in); got != tc.want {
			t.Errorf("arnAccount(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
