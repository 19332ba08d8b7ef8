package remedy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// A Deny statement's Condition gains an operator (S304's exemption): the
// new key goes into the mapping the template has, in JSON as in YAML, and
// its other keys stay.
func TestSetAtMergesIntoCondition(t *testing.T) {
	const tpl = `{
  "Resources": {
    "Policy": {
      "Type": "AWS::S3::BucketPolicy",
      "Properties": {
        "Bucket": "logs",
        "PolicyDocument": {
          "Statement": [
            {
              "Effect": "Deny",
              "Principal": "*",
              "Action": "s3:GetObject",
              "Resource": "*",
              "Condition": {
                "StringNotEquals": {"aws:SourceVpce": "vpce-1"}
              }
            }
          ]
        }
      }
    }
  }
}
`
	f := findings.Finding{Address: "Policy", Location: &findings.Location{File: "t.json", Line: 9},
		Fix: &findings.Fix{SetAt: map[string]any{"Condition": map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": "arn:aws:iam::1:role/R"}}}}}
	got, edited := apply(t, f, "t.json", tpl)
	want := strings.Replace(tpl, `              "Condition": {
                "StringNotEquals"`, `              "Condition": {
                "ArnNotEquals": {
                  "aws:PrincipalArn": "arn:aws:iam::1:role/R"
                },
                "StringNotEquals"`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited template (-want +got):\n%s", diff)
	}
	if !strings.Contains(got.Remediation, "(In Condition, only the keys shown are added or changed: keep the others.)") {
		t.Errorf("remediation %q", got.Remediation)
	}

	// A long-form intrinsic is not a mapping to merge into.
	intrinsic := strings.Replace(tpl, `"StringNotEquals": {"aws:SourceVpce": "vpce-1"}`, `"Fn::If": ["Strict", {"Bool": {"aws:SecureTransport": "false"}}, {"Ref": "AWS::NoValue"}]`, 1)
	got, edited = apply(t, f, "t.json", intrinsic)
	if edited != intrinsic || len(got.Change.Edits) != 0 {
		t.Errorf("merged into an intrinsic: %+v", got.Change.Edits)
	}
}

// SN03: a subscription declared beside its topic, named after it, its
// $self reference the topic's logical ID.
func TestDeclareCompanion(t *testing.T) {
	const tpl = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
	f := findings.Finding{Address: "Topic", Location: &findings.Location{File: "t.yaml", Line: 2},
		Fix: &findings.Fix{Companion: &findings.Companion{Suffix: "ConnectorSubscription", Type: "AWS::SNS::Subscription",
			Properties: map[string]any{"TopicArn": map[string]any{"Ref": "$self"}, "Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:1:q"}}}}
	_, edited := apply(t, f, "t.yaml", tpl)
	want := "Resources:\n  TopicConnectorSubscription:\n    Type: AWS::SNS::Subscription\n    Properties:\n      Endpoint: arn:aws:sqs:us-east-1:1:q\n      Protocol: sqs\n      TopicArn: !Ref Topic\n  Topic:\n    Type: AWS::SNS::Topic\n"
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited template (-want +got):\n%s", diff)
	}
}

// NT02: the notification entry's filter rules are replaced whole, at the
// indentation the template uses.
func TestSetAtReplacesBlockSequence(t *testing.T) {
	const tpl = `Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        TopicConfigurations:
          - Topic: !Ref Topic
            Event: s3:ObjectCreated:*
            Filter:
              S3Key:
                Rules:
                  - Name: suffix
                    Value: .json
  Topic:
    Type: AWS::SNS::Topic
`
	rules := []any{map[string]any{"Name": "prefix", "Value": "AWSLogs/"}, map[string]any{"Name": "suffix", "Value": ".json.gz"}}
	f := findings.Finding{Address: "Bucket", Location: &findings.Location{File: "t.yaml", Line: 7},
		Fix: &findings.Fix{SetAt: map[string]any{"Filter": map[string]any{"S3Key": map[string]any{"Rules": rules}}}}}
	_, edited := apply(t, f, "t.yaml", tpl)
	want := strings.Replace(tpl, `                  - Name: suffix
                    Value: .json
`, `                  - Name: prefix
                    Value: AWSLogs/
                  - Name: suffix
                    Value: .json.gz
`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited template (-want +got):\n%s", diff)
	}
}
