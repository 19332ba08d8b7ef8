package authz

import (
	"testing"

	"github.com/trailgate/trailgate/analyzer/iam"
)

// A parsed document drops its text unless the index may read it again:
// unresolved values to name (the token may be escaped as \u003c) or a
// statement AWS would refuse.
func TestDocumentKeepsTextOnlyWhereRead(t *testing.T) {
	for _, c := range []struct {
		name, raw string
		keep      bool
	}{
		{"plain", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, false},
		{"unknown token", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"<unknown:aws_s3_bucket.b.arn>"}]}`, true},
		{"escaped token", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"\u003cunknown:aws_s3_bucket.b.arn>"}]}`, true},
		{"malformed", `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:GetObject","Resource":"*"}]}`, true},
	} {
		d := compile(c.name, []byte(c.raw), iam.KindIdentity)
		if got := d.raw != nil; got != c.keep {
			t.Errorf("%s: text kept %v, want %v", c.name, got, c.keep)
		}
	}
}
