package live

import "testing"

// The caller ARN sts:GetCallerIdentity returns names the partition every
// other ARN of the run is built in.
func TestPartitionOf(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"arn:aws:iam::111122223333:user/alice", "aws"},
		{"arn:aws-cn:sts::111122223333:assumed-role/Audit/session", "aws-cn"},
		{"arn:aws-us-gov:iam::111122223333:root", "aws-us-gov"},
		{"arn:aws:s3:::bucket/key:with:colons", "aws"},
		{"arn::iam::111122223333:root", "aws"},
		{"arn:aws-cn:iam", "aws"},
		{"*", "aws"},
		{"", "aws"},
	} {
		if got := partitionOf(tc.in); got != tc.want {
			t.Errorf("partitionOf(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
