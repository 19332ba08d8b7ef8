package cfn

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Resources a template only attaches something to are partial, and every
// location says the stack creates what it declares.
func TestPartialAndChange(t *testing.T) {
	src := `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: shared-logs
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: cloudtrail.amazonaws.com}
            Action: s3:GetBucketAcl
            Resource: arn:aws:s3:::shared-logs
  Alias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/trail
      TargetKeyId: arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: q
`
	s, err := Parse("t.yaml", []byte(src), Options{AccountID: "222222222222", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Kind, ID string
		Partial  bool
		Line     int
		Change   string
	}
	var all []got
	for _, a := range s.Accounts {
		for _, b := range a.Buckets {
			all = append(all, got{"bucket", b.ARN, b.Partial, b.Location.Line, b.Location.Change})
		}
		for _, k := range a.Keys {
			all = append(all, got{"key " + k.Aliases[0], k.ARN, k.Partial, k.Location.Line, k.Location.Change})
			if !snapshot.IsUnknown(k.KeyState) {
				t.Errorf("partial key state = %q, want unknown", k.KeyState)
			}
		}
		for _, q := range a.Queues {
			all = append(all, got{"queue", q.ARN, q.Partial, q.Location.Line, q.Location.Change})
		}
	}
	want := []got{
		{"key alias/trail", "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", true, 17, "create"},
		{"bucket", "arn:aws:s3:::shared-logs", true, 3, "create"},
		{"queue", "arn:aws:sqs:us-east-1:222222222222:q", false, 18, "create"},
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
}
