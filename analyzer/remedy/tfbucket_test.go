package remedy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/analyzer/findings"
)

const tfBucket = `resource "aws_s3_bucket" "logs" {
  provider = aws.log_archive
  bucket   = "org-logs"
}

resource "aws_sns_topic" "t" {
  name = "t"
}
`

var ownershipFix = &findings.Fix{Set: map[string]any{"OwnershipControls": map[string]any{"Rules": []any{map[string]any{"ObjectOwnership": "BucketOwnerEnforced"}}}}}

// S301 in a configuration: the AWS provider (v4 and later) holds a
// bucket's ownership controls in aws_s3_bucket_ownership_controls, so the
// fix declares that resource after the bucket, with the bucket's provider.
func TestTerraformBucketOwnershipResource(t *testing.T) {
	got, edited := apply(t, findings.Finding{RuleID: "S301", Address: "aws_s3_bucket.logs", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: ownershipFix}, "main.tf", tfBucket)
	block := `resource "aws_s3_bucket_ownership_controls" "logs" {
  provider = aws.log_archive
  bucket   = aws_s3_bucket.logs.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}
`
	want := strings.Replace(tfBucket, "}\n\nresource \"aws_sns_topic\"", "}\n\n"+block+"\nresource \"aws_sns_topic\"", 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited configuration (-want +got):\n%s", diff)
	}
	if _, diags := hclsyntax.ParseConfig([]byte(edited), "main.tf", hcl.InitialPos); diags.HasErrors() {
		t.Errorf("the edit does not parse: %v", diags)
	}
	if !strings.Contains(got.Remediation, "main.tf:1, declare beside aws_s3_bucket.logs:") {
		t.Errorf("remediation %q", got.Remediation)
	}
}

// A configuration that already has the bucket's ownership controls (with
// another value) is told to change that resource: a second one would
// fight the first.
func TestTerraformBucketOwnershipExisting(t *testing.T) {
	tf := tfBucket + `
resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    object_ownership = "ObjectWriter"
  }
}
`
	got, edited := apply(t, findings.Finding{RuleID: "S301", Address: "aws_s3_bucket.logs", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: ownershipFix}, "main.tf", tf)
	if edited != tf || len(got.Change.Edits) != 0 {
		t.Errorf("edits %+v", got.Change.Edits)
	}
	if !strings.Contains(got.Remediation, "aws_s3_bucket_ownership_controls.logs, at main.tf:10, already configures this bucket") {
		t.Errorf("remediation %q", got.Remediation)
	}
}

// S302's key is the user's to name: the encryption resource is written
// out, and no edit is made.
func TestTerraformBucketEncryptionTextOnly(t *testing.T) {
	fx := &findings.Fix{Set: map[string]any{"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{map[string]any{
		"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-east-1:222222222222:key/<customer managed key ID>"},
		"BucketKeyEnabled":              true,
	}}}}}
	got, edited := apply(t, findings.Finding{RuleID: "S302", Address: "aws_s3_bucket.logs", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: fx}, "main.tf", tfBucket)
	if edited != tfBucket {
		t.Errorf("a fix with a value to fill in edited the configuration")
	}
	want := `  resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
    provider = aws.log_archive
    bucket   = aws_s3_bucket.logs.id
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = "arn:aws:kms:us-east-1:222222222222:key/<customer managed key ID>"
      }
      bucket_key_enabled = true
    }
  }`
	if !strings.Contains(got.Remediation, want) {
		t.Errorf("remediation %q lacks\n%s", got.Remediation, want)
	}
}

var payerFix = &findings.Fix{Set: map[string]any{"RequestPaymentConfiguration": map[string]any{"Payer": "BucketOwner"}}}

// S303: Terraform sets the payer with its own resource; CloudFormation has
// no property for it (cloudformation-coverage-roadmap#123), so the
// template's change says the fix is outside it.
func TestRequestPayment(t *testing.T) {
	got, edited := apply(t, findings.Finding{RuleID: "S303", Address: "aws_s3_bucket.logs", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: payerFix}, "main.tf", tfBucket)
	if !strings.Contains(edited, "resource \"aws_s3_bucket_request_payment_configuration\" \"logs\" {\n  provider = aws.log_archive\n  bucket   = aws_s3_bucket.logs.id\n  payer    = \"BucketOwner\"\n}\n") {
		t.Errorf("edited configuration:\n%s", edited)
	}
	yaml := "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: org-logs\n"
	got, edited = apply(t, findings.Finding{RuleID: "S303", Address: "Logs", Location: &findings.Location{File: "t.yaml", Line: 2}, Remediation: "aws s3api put-bucket-request-payment --bucket org-logs --request-payment-configuration Payer=BucketOwner", Fix: payerFix}, "t.yaml", yaml)
	if edited != yaml || got.Change == nil || len(got.Change.Edits) != 0 {
		t.Fatalf("change %+v", got.Change)
	}
	if want := "No change to this template (t.yaml:2) fixes this: AWS::S3::Bucket has no request payment property"; !strings.HasPrefix(got.Remediation, want) || !strings.HasSuffix(got.Remediation, "Instead: aws s3api put-bucket-request-payment --bucket org-logs --request-payment-configuration Payer=BucketOwner") {
		t.Errorf("remediation %q", got.Remediation)
	}
}
