package iam

import (
	"errors"
	"strings"
	"testing"
)

// TestDuplicateKeysRefused: a statement with two Effect keys was read as
// its last one (Allow here) while AWS may read it otherwise; any duplicate
// key makes the policy ambiguous, and it is refused with the statement
// named.
func TestDuplicateKeysRefused(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		stmt      int
		sid, path string
	}{
		{"effect", `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"s3:GetObject","Effect":"Allow","Resource":"*"}]}`,
			1, "B", "Statement.1.Effect"},
		{"single statement", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Resource":"arn:aws:s3:::b/*"}}`,
			0, "", "Statement.Resource"},
		{"condition operator", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"},"StringEquals":{"aws:SourceAccount":"1"}}}]}`,
			0, "", "Statement.0.Condition.StringEquals"},
		{"top level", `{"Version":"2012-10-17","Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
			-1, "", "Version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tc.doc), KindIdentity)
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *PolicyError", err)
			}
			if pe.Statement != tc.stmt || pe.Sid != tc.sid || !strings.Contains(pe.Msg, "duplicate key "+tc.path) {
				t.Errorf("err = %+v, want statement %d (Sid %q) and duplicate key %s", pe, tc.stmt, tc.sid, tc.path)
			}
		})
	}
	// The same keys in different objects are not duplicates.
	ok := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
	if _, err := ParsePolicy([]byte(ok), KindIdentity); err != nil {
		t.Errorf("distinct statements: %v", err)
	}
}
