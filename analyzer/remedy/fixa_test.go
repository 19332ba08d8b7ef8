package remedy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// An SCP a template declares (AWS::Organizations::Policy) gains the
// reader's exemption in the Condition of the statement the finding points
// at (OR01), its other operators kept: an exact edit of the YAML.
func TestOrganizationsPolicyStatementExemption(t *testing.T) {
	const tmpl = `Resources:
  DenyOutsideVpce:
    Type: AWS::Organizations::Policy
    Properties:
      Name: deny-object-reads-outside-vpce
      Type: SERVICE_CONTROL_POLICY
      TargetIds: [r-a1b2]
      Content:
        Version: "2012-10-17"
        Statement:
          - Sid: DenyObjectReadsOutsideVpce
            Effect: Deny
            Action: s3:GetObject
            Resource: "*"
            Condition:
              StringNotEquals:
                aws:SourceVpce: vpce-0a1b2c3d4e5f60718
`
	fx := &findings.Fix{SetAt: map[string]any{"Condition": map[string]any{"ArnNotLike": map[string]any{"aws:PrincipalARN": "arn:aws:iam::222222222222:role/ExpelRole"}}}}
	got, edited := apply(t, findings.Finding{RuleID: "OR01", Address: "DenyOutsideVpce", Location: &findings.Location{File: "scp.yaml", Line: 11}, Fix: fx}, "scp.yaml", tmpl)
	want := strings.Replace(tmpl, "            Condition:\n", "            Condition:\n              ArnNotLike:\n                aws:PrincipalARN: arn:aws:iam::222222222222:role/ExpelRole\n", 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited template (-want +got):\n%s\nchange: %+v", diff, got.Change)
	}
}

// A lifecycle rule is scoped to a prefix exactly: a rule's filter gains
// it, a filter's prefix is replaced, a v3 lifecycle_rule's prefix
// argument set; and an entry that is one line says why it is text.
func TestTerraformLifecycleRulePrefix(t *testing.T) {
	fx := &findings.Fix{SetAt: map[string]any{"Prefix": "guardduty/AWSLogs/"}}
	cases := []struct{ name, tf, want string }{
		{"no filter", `resource "aws_s3_bucket_lifecycle_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    id     = "ExpireEverything"
    status = "Enabled"
    expiration {
      days = 90
    }
  }
}
`, `    expiration {
      days = 90
    }
    filter {
      prefix = "guardduty/AWSLogs/"
    }
  }`},
		{"filter prefix", `resource "aws_s3_bucket_lifecycle_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    id     = "ExpireEverything"
    status = "Enabled"
    filter {
      prefix = ""
    }
  }
}
`, `      prefix = "guardduty/AWSLogs/"`},
		{"v3 lifecycle_rule", `resource "aws_s3_bucket" "b" {
  bucket = "findings"
  lifecycle_rule {
    id      = "ExpireEverything"
    enabled = true
  }
}
`, `    enabled = true
    prefix  = "guardduty/AWSLogs/"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr := "aws_s3_bucket_lifecycle_configuration.b"
			if strings.Contains(c.tf, "lifecycle_rule") {
				addr = "aws_s3_bucket.b"
			}
			got, edited := tfEdited(t, findings.Finding{RuleID: "GD05", Address: addr, Location: &findings.Location{File: "main.tf", Line: 3}, Fix: fx}, c.tf)
			if got.Change == nil || len(got.Change.Edits) == 0 {
				t.Fatalf("no exact edit: %+v", got.Change)
			}
			if !strings.Contains(edited, c.want) {
				t.Errorf("edited configuration lacks %q:\n%s", c.want, edited)
			}
		})
	}
	oneLine := "resource \"aws_s3_bucket_lifecycle_configuration\" \"b\" {\n  bucket = aws_s3_bucket.b.id\n  rule {\n    id     = \"ExpireEverything\"\n    status = \"Enabled\"\n    filter {}\n  }\n}\n"
	got, _ := tfEdited(t, findings.Finding{RuleID: "GD05", Address: "aws_s3_bucket_lifecycle_configuration.b", Location: &findings.Location{File: "main.tf", Line: 3}, Fix: fx}, oneLine)
	if got.Change == nil || len(got.Change.Edits) > 0 || !strings.Contains(got.Change.Text, "(No exact edit: ") {
		t.Errorf("a one-line filter: want text with its reason, got %+v", got.Change)
	}
}

// A value AWS assigns at apply is written in a template as the template
// refers to it (!Sub with the pseudo parameter), so the statement is an
// exact edit with no raw token in it.
func TestTemplateSymbolAsSub(t *testing.T) {
	st := map[string]any{"Sid": "AllowCloudTrailDescribeKey", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:DescribeKey", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:<@template.yaml#AWS.AccountId>:trail/main"}}}
	got, edited := apply(t, findings.Finding{RuleID: "CT04", Address: "KeyPolicyKey", Location: &findings.Location{File: "template.yaml", Line: 7}, Fix: &findings.Fix{AddStatement: st, Policy: "resource"}}, "template.yaml", yamlTemplate)
	if got.Change == nil || len(got.Change.Edits) == 0 {
		t.Fatalf("no exact edit: %+v", got.Change)
	}
	if strings.Contains(edited, "<@") || !strings.Contains(edited, `aws:SourceArn: !Sub "arn:aws:cloudtrail:us-east-1:${AWS::AccountId}:trail/main"`) {
		t.Errorf("edited template:\n%s", edited)
	}
}

// A fix that is only a further change, and an unproven finding without
// fix data, are said at the finding's line in the input's language, with
// no edit.
func TestSaidChanges(t *testing.T) {
	got, _ := apply(t, findings.Finding{RuleID: "GD01", Address: "Detector", Location: &findings.Location{File: "t.yaml", Line: 4}, Fix: &findings.Fix{Also: "enable S3_DATA_EVENTS"}}, "t.yaml", "Resources:\n  Detector:\n    Type: AWS::GuardDuty::Detector\n    Properties: {Enable: true}\n")
	if got.Change == nil || got.Change.Language != "cloudformation-yaml" || len(got.Change.Edits) > 0 || !strings.HasPrefix(got.Change.Text, "In t.yaml:4 (Detector), enable S3_DATA_EVENTS.") || strings.Contains(got.Change.Text, "Also:") {
		t.Errorf("also only: %+v", got.Change)
	}
	got, _ = apply(t, findings.Finding{RuleID: "CT03", Unproven: true, Remediation: "Give the .tf files.", Location: &findings.Location{File: "plan.json", Line: 9}}, "plan.json", `{"format_version": "1.2"}`)
	if got.Change == nil || got.Change.Language != "terraform" || got.Remediation != got.Change.Text || !strings.HasSuffix(got.Change.Text, "To settle it: Give the .tf files.") {
		t.Errorf("unproven: %+v", got.Change)
	}
}
