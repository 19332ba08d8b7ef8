package engine

import (
	"testing"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

func TestResourceOf(t *testing.T) {
	unknown := snapshot.Unknown("not in plan: arn:aws:s3:::b/k")
	for _, tc := range []struct{ in, want string }{
		{"arn:aws:s3:::bucket/AWSLogs/111122223333/CloudTrail/x.json.gz", "arn:aws:s3:::bucket"},
		{"arn:aws:s3:::bucket/key:with:colons", "arn:aws:s3:::bucket"},
		{"arn:aws:s3:::bucket", "arn:aws:s3:::bucket"},
		{"arn:*:s3:::*/*", "arn:*:s3:::*"},
		{"arn:aws:s3:::" + snapshot.Symbol("t.yaml", "Logs", "Name") + "/AWSLogs/*", "arn:aws:s3:::" + snapshot.Symbol("t.yaml", "Logs", "Name")},
		{"arn:aws:sqs:us-east-1:111122223333:q/x", "arn:aws:sqs:us-east-1:111122223333:q/x"},
		{"arn:aws:s3", "arn:aws:s3"},
		{"*", "*"},
		{unknown, unknown},
	} {
		if got := resourceOf(tc.in); got != tc.want {
			t.Errorf("resourceOf(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestResourceType(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"arn:aws:s3:::bucket/key:with:colons", "AWS::S3::Bucket"},
		{"arn:aws:kms:us-east-1:111122223333:key/k", "AWS::KMS::Key"},
		{"arn:aws:sqs:us-east-1:111122223333:q", "AWS::SQS::Queue"},
		{"arn:aws:sns:us-east-1:111122223333:t", "AWS::SNS::Topic"},
		{"arn:aws:iam::111122223333:role/path/R", "AWS::IAM::Role"},
		{"arn:aws:iam::111122223333:policy/P", "AWS::IAM::ManagedPolicy"},
		{"arn:aws:iam::111122223333:root", "AWS::Resource"},
		{"arn:*:sqs:*:*:*", "AWS::SQS::Queue"},
		{"arn:aws:sqs:us-east-1", "AWS::Resource"},
		{"*", "AWS::Resource"},
		{snapshot.Unknown("known after apply: a:s3:c:d:e"), "AWS::Resource"},
	} {
		if got := resourceType(tc.in); got != tc.want {
			t.Errorf("resourceType(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
