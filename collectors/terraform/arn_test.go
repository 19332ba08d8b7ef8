package terraform

import (
	"testing"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

func TestUnqualifiedFunction(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"arn:aws:lambda:us-east-1:111122223333:function:f", "arn:aws:lambda:us-east-1:111122223333:function:f"},
		{"arn:aws:lambda:us-east-1:111122223333:function:f:live", "arn:aws:lambda:us-east-1:111122223333:function:f"},
		{"arn:aws:lambda:us-east-1:111122223333:function:f:7", "arn:aws:lambda:us-east-1:111122223333:function:f"},
		{"arn:aws:lambda:us-east-1:111122223333:function:f:a:b", "arn:aws:lambda:us-east-1:111122223333:function:f"},
		{"arn:*:lambda:*:*:function:*:*", "arn:*:lambda:*:*:function:*"},
		{"arn:aws:lambda:us-east-1:111122223333", "arn:aws:lambda:us-east-1:111122223333"},
		{"f", "f"},
		{snapshot.Unknown("known after apply: a:b:c:d:e:f:g:h"), snapshot.Unknown("known after apply: a:b:c:d:e:f:g:h")},
	} {
		if got := unqualifiedFunction(tc.in); got != tc.want {
			t.Errorf("unqualifiedFunction(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestARNAccountID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"arn:aws:sqs:us-east-1:111122223333:q", "111122223333", true},
		{"arn:aws-us-gov:sns:us-gov-west-1:111122223333:t:sub-id", "111122223333", true},
		{"arn:aws:s3:::bucket/key:with:colons", "", false},
		{"arn:aws:sqs:us-east-1:*:q", "", false},
		{"arn:aws:sqs:us-east-1:" + snapshot.Symbol("main.tf", "aws_sqs_queue.q", "account") + ":q", "", false},
		{snapshot.Unknown("known after apply: aws_sqs_queue.q.arn"), "", false},
		{"arn:aws:sqs:us-east-1:111122223333", "", false},
		{"aws:sqs:us-east-1:111122223333:q:x", "", false},
		{"https://example.com/hook", "", false},
		{"", "", false},
	} {
		got, ok := arnAccountID(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("arnAccountID(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
