package remedy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// A statement for the reader's identity policy goes into the role's inline
// policy the finding points into; a queue (which holds no identity policy)
// gets no change rather than a wrong one.
func TestIdentityStatement(t *testing.T) {
	tmpl := `Resources:
  Reader:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: Read
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
  Queue:
    Type: AWS::SQS::Queue
`
	fix := &findings.Fix{Policy: "identity", AddStatement: map[string]any{"Sid": "Consume", "Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "*"}}
	got, edited := apply(t, findings.Finding{Address: "Reader", Location: &findings.Location{File: "t.yaml", Line: 9}, Fix: fix}, "t.yaml", tmpl)
	want := strings.Replace(tmpl, "                Resource: \"*\"\n", "                Resource: \"*\"\n              - Sid: Consume\n                Effect: Allow\n                Action: sqs:ReceiveMessage\n                Resource: '*'\n", 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited (-want +got):\n%s", diff)
	}
	if !strings.Contains(got.Change.Text, "inline policy Read PolicyDocument") {
		t.Errorf("text %q", got.Change.Text)
	}
	got, _ = apply(t, findings.Finding{Address: "Queue", Location: &findings.Location{File: "t.yaml", Line: 12}, Fix: fix, Remediation: "prose"}, "t.yaml", tmpl)
	if got.Change != nil || got.Remediation != "prose" {
		t.Errorf("a queue got an identity-policy change: %+v", got.Change)
	}
}

// A fix whose cause no template change fixes says so at the finding's
// line, in the file's language, and keeps the organization-level change.
func TestOutside(t *testing.T) {
	for file, lang := range map[string]string{"t.yaml": "cloudformation-yaml", "t.json": "cloudformation-json", "main.tf": "terraform"} {
		content := "Resources: {}\n"
		if file == "t.json" {
			content = `{"Resources": {}}`
		}
		f := findings.Finding{Address: "aws_x.y", Location: &findings.Location{File: file, Line: 3}, Remediation: "aws organizations enable-aws-service-access …",
			Fix: &findings.Fix{Outside: "trusted access is a setting of the organization"}}
		got, _ := apply(t, f, file, content)
		if got.Change == nil || got.Change.Language != lang || len(got.Change.Edits) != 0 ||
			!strings.HasPrefix(got.Remediation, "No change to ") || !strings.Contains(got.Remediation, "Instead: aws organizations") {
			t.Errorf("%s: %+v", file, got.Change)
		}
	}
}

// A value to fill in (<like this>) makes a fix text only.
func TestPlaceholderIsTextOnly(t *testing.T) {
	f := findings.Finding{Address: "KeyPolicyKey", Location: &findings.Location{File: "t.yaml", Line: 13},
		Fix: &findings.Fix{Policy: "resource", AddStatement: map[string]any{"Sid": "X", "Effect": "Allow", "Condition": map[string]any{"StringEquals": map[string]any{"sts:ExternalId": "<external_id from the connector file>"}}}}}
	got, edited := apply(t, f, "t.yaml", yamlTemplate)
	if got.Change == nil || len(got.Change.Edits) != 0 || edited != yamlTemplate || !strings.Contains(got.Change.Text, "<external_id from the connector file>") {
		t.Errorf("change %+v", got.Change)
	}
}

// A companion resource (a dead-letter queue) is declared before the
// finding's resource, and the property refers to it, in YAML and JSON;
// whole numbers stay integers.
func TestCompanion(t *testing.T) {
	fix := &findings.Fix{
		Set:       map[string]any{"RedrivePolicy": map[string]any{"deadLetterTargetArn": map[string]any{"Fn::GetAtt": []any{"$companion", "Arn"}}, "maxReceiveCount": float64(5)}},
		Companion: &findings.Companion{Suffix: "DeadLetterQueue", Type: "AWS::SQS::Queue", Properties: map[string]any{"MessageRetentionPeriod": float64(1209600)}},
	}
	_, edited := apply(t, findings.Finding{Address: "Queue", Location: &findings.Location{File: "t.yaml", Line: 2}, Fix: fix}, "t.yaml", yamlTemplate)
	want := strings.Replace(yamlTemplate, "  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n", `  QueueDeadLetterQueue:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt QueueDeadLetterQueue.Arn
        maxReceiveCount: 5
`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("YAML (-want +got):\n%s", diff)
	}
	_, edited = apply(t, findings.Finding{Address: "Trail", Location: &findings.Location{File: "t.json", Line: 3}, Fix: fix}, "t.json", jsonTemplate)
	want = strings.Replace(jsonTemplate, `    "Trail": {
      "Type": "AWS::CloudTrail::Trail",
      "Properties": {
`, `    "TrailDeadLetterQueue": {
      "Type": "AWS::SQS::Queue",
      "Properties": {
        "MessageRetentionPeriod": 1209600
      }
    },
    "Trail": {
      "Type": "AWS::CloudTrail::Trail",
      "Properties": {
        "RedrivePolicy": {
          "deadLetterTargetArn": {
            "Fn::GetAtt": [
              "TrailDeadLetterQueue",
              "Arn"
            ]
          },
          "maxReceiveCount": 5
        },
`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

const tfPolicies = `resource "aws_sqs_queue" "q" {
  name = "q"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "Owner"
      Effect = "Allow"
    }]
  })
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
  }
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
`

// A statement goes into a jsonencode() policy as a new element, and into
// an aws_iam_policy_document as a new statement block; a Sid the policy
// already uses gives no edit.
func TestTerraformStatements(t *testing.T) {
	stmt := map[string]any{"Sid": "Send", "Effect": "Allow", "Principal": map[string]any{"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
		"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-1:1:t"}}}
	_, edited := apply(t, findings.Finding{Address: "aws_sqs_queue.q", Location: &findings.Location{File: "main.tf", Line: 1},
		Fix: &findings.Fix{Policy: "resource", AddStatement: stmt}}, "main.tf", tfPolicies)
	want := strings.Replace(tfPolicies, `      Effect = "Allow"
    }]`, `      Effect = "Allow"
    }, {
      Sid = "Send"
      Effect = "Allow"
      Principal = {
        Service = "sns.amazonaws.com"
      }
      Action = "sqs:SendMessage"
      Condition = {
        ArnEquals = {
          "aws:SourceArn" = "arn:aws:sns:us-east-1:1:t"
        }
      }
    }]`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("jsonencode (-want +got):\n%s", diff)
	}
	trust := map[string]any{"Sid": "TrustVendor", "Effect": "Allow", "Principal": map[string]any{"AWS": []any{"arn:aws:iam::1:role/v"}}, "Action": "sts:AssumeRole",
		"Condition": map[string]any{"StringEquals": map[string]any{"sts:ExternalId": "abc"}}}
	_, edited = apply(t, findings.Finding{Address: "aws_iam_role.r", Location: &findings.Location{File: "main.tf", Line: 17},
		Fix: &findings.Fix{Policy: "trust", AddStatement: trust}}, "main.tf", tfPolicies)
	want = strings.Replace(tfPolicies, `    actions = ["sts:AssumeRole"]
  }
`, `    actions = ["sts:AssumeRole"]
  }
  statement {
    sid = "TrustVendor"
    effect = "Allow"
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::1:role/v"]
    }
    actions = ["sts:AssumeRole"]
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["abc"]
    }
  }
`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("aws_iam_policy_document (-want +got):\n%s", diff)
	}
	got, edited := apply(t, findings.Finding{Address: "aws_sqs_queue.q", Location: &findings.Location{File: "main.tf", Line: 1},
		Fix: &findings.Fix{Policy: "resource", AddStatement: map[string]any{"Sid": "Owner", "Effect": "Allow"}}}, "main.tf", tfPolicies)
	if edited != tfPolicies || got.Change == nil || len(got.Change.Edits) != 0 {
		t.Errorf("a taken Sid was added: %+v", got.Change)
	}
}

// SetAt sets a property of the entry the finding points into (one
// notification configuration), not of the resource's Properties.
func TestSetAt(t *testing.T) {
	tmpl := `Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        TopicConfigurations:
          - Topic: arn:aws:sns:us-east-1:1:t
            Event: s3:ObjectCreated:Post
`
	f := findings.Finding{Address: "Bucket", Location: &findings.Location{File: "t.yaml", Line: 7}, Fix: &findings.Fix{SetAt: map[string]any{"Event": "s3:ObjectCreated:*"}}}
	got, edited := apply(t, f, "t.yaml", tmpl)
	if want := strings.Replace(tmpl, "Event: s3:ObjectCreated:Post", "Event: s3:ObjectCreated:*", 1); edited != want {
		t.Errorf("edited:\n%s", edited)
	}
	if got.Change.Line != 7 || !strings.Contains(got.Change.Text, "the entry at line 7 of Bucket") {
		t.Errorf("change %+v", got.Change)
	}
	// A line that starts no entry: no change rather than a wrong one.
	f.Location.Line = 3
	if got, _ := apply(t, f, "t.yaml", tmpl); got.Change != nil {
		t.Errorf("change %+v", got.Change)
	}
}
