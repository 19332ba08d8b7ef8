package remedy

import (
	"strings"
	"testing"

	"github.com/trailgate/trailgate/analyzer/findings"
)

const tfRoleWithPolicy = `resource "aws_iam_role" "firehose" {
  name               = "FirehosetoS3Role"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "write" {
  name = "write"
  role = aws_iam_role.firehose.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "arn:aws:s3:::logs/*"
    }]
  })
}
`

var putFix = &findings.Fix{Policy: "identity", AddStatement: map[string]any{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"}}

// A role with one inline policy gains the statement there, exactly.
func TestTerraformRoleOnlyInlinePolicy(t *testing.T) {
	got, edited := apply(t, findings.Finding{RuleID: "EK03", Address: "aws_iam_role.firehose", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: putFix}, "main.tf", tfRoleWithPolicy)
	if got.Change == nil || len(got.Change.Edits) != 1 || !strings.Contains(got.Remediation, "add to the Statement list of aws_iam_role_policy.write's policy (the one inline policy of aws_iam_role.firehose)") {
		t.Fatalf("change %+v", got.Change)
	}
	if !strings.Contains(edited, "    }, {\n      Effect = \"Allow\"\n      Action = \"s3:PutObject\"\n      Resource = \"arn:aws:s3:::logs/*\"\n    }]\n") {
		t.Errorf("edited configuration:\n%s", edited)
	}
}

// With two inline policies (or one named by a literal role name of
// another role), which one gains the statement is the author's choice:
// the text says the role's identity policy, no edit.
func TestTerraformRoleSeveralInlinePolicies(t *testing.T) {
	tf := tfRoleWithPolicy + strings.Replace(strings.Replace(tfRoleWithPolicy[strings.Index(tfRoleWithPolicy, "resource \"aws_iam_role_policy\""):], "\"write\"", "\"write2\"", 2), "role = aws_iam_role.firehose.id", "role = \"FirehosetoS3Role\"", 1)
	got, edited := apply(t, findings.Finding{RuleID: "EK03", Address: "aws_iam_role.firehose", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: putFix}, "main.tf", tf)
	if edited != tf || got.Change == nil || !strings.Contains(got.Remediation, "(an aws_iam_role_policy of the role, or an aws_iam_policy attached to it)") {
		t.Errorf("change %+v", got.Change)
	}
}
