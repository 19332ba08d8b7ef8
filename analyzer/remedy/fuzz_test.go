package remedy

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// Any file a finding points at must yield a change or none, never a panic,
// and the edits of a change must apply to the file they were made for.
func FuzzChange(f *testing.F) {
	f.Add([]byte(yamlTemplate), "Queue", 2, true)
	f.Add([]byte(yamlTemplate), "KeyPolicyKey", 13, false)
	f.Add([]byte(jsonTemplate), "Trail", 3, true)
	f.Add([]byte(jsonTemplate), "BucketPolicy", 16, false)
	f.Add([]byte(tf), "aws_sqs_queue.logs", 1, true)
	f.Add([]byte("Resources:\n\tQ:\n  Type: AWS::SQS::Queue\n"), "Q", 2, true)
	f.Add([]byte(tfPolicies), "aws_sqs_queue.q", 1, false)
	f.Add([]byte(tfPolicies), "aws_iam_role.r", 17, false)
	f.Add([]byte(tfNotification), "aws_s3_bucket_notification.logs", 7, false)
	f.Add([]byte(tfStatements), "aws_s3_bucket_policy.logs", 6, false)
	f.Add([]byte(tfTopic), "aws_sns_topic.logs", 1, false)
	f.Fuzz(func(t *testing.T, data []byte, addr string, line int, set bool) {
		statement := map[string]any{"Sid": "S", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::1:root"}, "Action": "sqs:SendMessage",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "1"}}}
		fixes := []*findings.Fix{
			{Policy: "resource", AddStatement: statement},
			{Policy: "trust", AddStatement: statement},
			{Policy: "identity", AddStatement: statement},
			{SetAt: map[string]any{"Event": "s3:ObjectCreated:*"}},
			{SetAt: map[string]any{"Filter": map[string]any{"S3Key": map[string]any{"Rules": []any{map[string]any{"Name": "suffix", "Value": ".gz"}}}}}},
			{SetAt: map[string]any{"Condition": map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": []any{"arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"}}}}},
			subscriptionFix,
		}
		if set {
			fixes = []*findings.Fix{
				{Set: map[string]any{"MessageRetentionPeriod": 604800, "IsMultiRegionTrail": true}},
				{Set: map[string]any{"RedrivePolicy": map[string]any{"deadLetterTargetArn": map[string]any{"Fn::GetAtt": []any{"$companion", "Arn"}}}},
					Companion: &findings.Companion{Suffix: "DLQ", Type: "AWS::SQS::Queue", Properties: map[string]any{"QueueName": "q-dlq"}}},
				{Outside: "why"},
			}
		}
		for _, fix := range fixes {
			fuzzOne(t, data, addr, line, fix)
		}
	})
}

// fuzzOne applies one fix to data as a template and as a .tf file.
func fuzzOne(t *testing.T, data []byte, addr string, line int, fix *findings.Fix) {
	for _, file := range []string{"t.yaml", "main.tf"} {
		fs := []findings.Finding{{Address: addr, Location: &findings.Location{File: file, Line: line}, Fix: fix}}
		Apply(fs, func(string) ([]byte, error) { return data, nil })
		if c := fs[0].Change; c != nil && len(c.Edits) > 0 {
			edited, err := Edit(data, c.Edits)
			if err != nil {
				t.Errorf("%s: edits %+v do not apply: %v", file, c.Edits, err)
			}
			// An exact edit of valid HCL leaves valid HCL.
			if _, diags := hclsyntax.ParseConfig(data, file, hcl.InitialPos); err == nil && file == "main.tf" && !diags.HasErrors() {
				if _, diags := hclsyntax.ParseConfig(edited, file, hcl.InitialPos); diags.HasErrors() {
					t.Errorf("%s: edits %+v break the configuration: %v", file, c.Edits, diags)
				}
			}
		}
	}
}
