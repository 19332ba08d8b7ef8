package remedy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// tfStream is a Firehose stream as the EKS audit-log guides write it, its
// S3 destination in an extended_s3_configuration block.
const tfStream = `resource "aws_kinesis_firehose_delivery_stream" "eks_audit" {
  name        = "eks-audit-logs"
  destination = "extended_s3"

  extended_s3_configuration {
    role_arn           = aws_iam_role.firehose.arn
    bucket_arn         = aws_s3_bucket.logs.arn
    prefix             = "eks/prod/"
    compression_format = "GZIP"
  }
}
`

var prefixFix = &findings.Fix{Set: map[string]any{"ExtendedS3DestinationConfiguration": map[string]any{"Prefix": "EKSLogs/111111111111/prod/"}}}

// EK03 in a configuration: the stream's Prefix is the prefix argument of
// its extended_s3_configuration block, replaced there, the block's other
// arguments kept.
func TestTerraformNestedBlockArgument(t *testing.T) {
	got, edited := apply(t, findings.Finding{RuleID: "EK03", Address: "aws_kinesis_firehose_delivery_stream.eks_audit", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: prefixFix}, "main.tf", tfStream)
	want := strings.Replace(tfStream, `"eks/prod/"`, `"EKSLogs/111111111111/prod/"`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited configuration (-want +got):\n%s", diff)
	}
	if got.Change == nil || got.Change.Line != 5 || !strings.Contains(got.Remediation, "set in aws_kinesis_firehose_delivery_stream.eks_audit in its extended_s3_configuration block (keeping the block's other arguments):\n\n  extended_s3_configuration {\n    prefix = \"EKSLogs/111111111111/prod/\"\n  }") {
		t.Errorf("change %+v", got.Change)
	}
}

// A block without the argument gains it before its closing brace,
// aligned as terraform fmt aligns it.
func TestTerraformNestedBlockArgumentInserted(t *testing.T) {
	tf := strings.Replace(tfStream, "    prefix             = \"eks/prod/\"\n", "", 1)
	_, edited := apply(t, findings.Finding{RuleID: "EK03", Address: "aws_kinesis_firehose_delivery_stream.eks_audit", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: prefixFix}, "main.tf", tf)
	if !strings.Contains(edited, "    compression_format = \"GZIP\"\n    prefix             = \"EKSLogs/111111111111/prod/\"\n  }\n") {
		t.Errorf("edited configuration:\n%s", edited)
	}
	if _, diags := hclsyntax.ParseConfig([]byte(edited), "main.tf", hcl.InitialPos); diags.HasErrors() {
		t.Errorf("the edit does not parse: %v", diags)
	}
}

// A stream whose destination block the configuration builds with a
// dynamic block (or does not have) gets the text alone: there is no
// written block to edit.
func TestTerraformNestedBlockMissing(t *testing.T) {
	tf := "resource \"aws_kinesis_firehose_delivery_stream\" \"eks_audit\" {\n  name        = \"eks-audit-logs\"\n  destination = \"extended_s3\"\n}\n"
	got, edited := apply(t, findings.Finding{RuleID: "EK03", Address: "aws_kinesis_firehose_delivery_stream.eks_audit", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: prefixFix}, "main.tf", tf)
	if edited != tf || got.Change == nil || len(got.Change.Edits) != 0 || !strings.Contains(got.Remediation, "extended_s3_configuration {\n    prefix = ") {
		t.Errorf("change %+v, edited:\n%s", got.Change, edited)
	}
}

// Without the configuration (a plan alone), the text names the block.
func TestPlanNestedBlockArgument(t *testing.T) {
	f := findings.Finding{RuleID: "EK03", Address: "aws_kinesis_firehose_delivery_stream.eks_audit", Location: &findings.Location{File: "plan.json", Line: 40}, Fix: prefixFix}
	c := planChange(f)
	if c == nil || len(c.Edits) != 0 || !strings.Contains(c.Text, "give --tf-dir to point at its block), set in its extended_s3_configuration block") {
		t.Errorf("change %+v", c)
	}
}

// A CloudFormation stream written with the older S3DestinationConfiguration
// gets its Prefix there: a second destination beside it would be refused.
func TestCloudFormationStreamPrefixAlias(t *testing.T) {
	const tmpl = `Resources:
  Stream:
    Type: AWS::KinesisFirehose::DeliveryStream
    Properties:
      DeliveryStreamName: eks-audit-logs
      S3DestinationConfiguration:
        BucketARN: arn:aws:s3:::logs
        Prefix: eks/prod/
        RoleARN: arn:aws:iam::111111111111:role/firehose
`
	got, edited := apply(t, findings.Finding{RuleID: "EK03", Address: "Stream", Location: &findings.Location{File: "t.yaml", Line: 2}, Fix: prefixFix}, "t.yaml", tmpl)
	want := strings.Replace(tmpl, "Prefix: eks/prod/", "Prefix: EKSLogs/111111111111/prod/", 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited template (-want +got):\n%s\n%s", diff, got.Remediation)
	}
	// The Extended one is edited in place, as any object property.
	ext := strings.Replace(tmpl, "S3DestinationConfiguration:", "ExtendedS3DestinationConfiguration:", 1)
	_, edited = apply(t, findings.Finding{RuleID: "EK03", Address: "Stream", Location: &findings.Location{File: "t.yaml", Line: 2}, Fix: prefixFix}, "t.yaml", ext)
	if want := strings.Replace(ext, "Prefix: eks/prod/", "Prefix: EKSLogs/111111111111/prod/", 1); edited != want {
		t.Errorf("edited template:\n%s", edited)
	}
}

// filterFix is EK02's declaration of a cluster's missing subscription
// filter, its role given (the rule gives a value to fill in there).
func filterFix(role string) *findings.Fix {
	return &findings.Fix{Companion: &findings.Companion{Suffix: "AuditLogSubscription", Type: "AWS::Logs::SubscriptionFilter", Properties: map[string]any{
		"FilterName": "prod-audit-to-firehose", "LogGroupName": "/aws/eks/prod/cluster", "FilterPattern": "",
		"DestinationArn": "arn:aws:firehose:us-east-1:111111111111:deliverystream/eks-audit-logs", "RoleArn": role,
	}}}
}

const tfCluster = `resource "aws_eks_cluster" "prod" {
  name     = "prod"
  role_arn = aws_iam_role.cluster.arn
}
`

// EK02 in a configuration: the filter is an
// aws_cloudwatch_log_subscription_filter declared after the cluster; with
// the role still to fill in, the text alone says it.
func TestTerraformSubscriptionFilterDeclared(t *testing.T) {
	decl := `resource "aws_cloudwatch_log_subscription_filter" "prod_audit_log_subscription" {
  destination_arn = "arn:aws:firehose:us-east-1:111111111111:deliverystream/eks-audit-logs"
  name            = "prod-audit-to-firehose"
  filter_pattern  = ""
  log_group_name  = "/aws/eks/prod/cluster"
  role_arn        = "arn:aws:iam::111111111111:role/CWLtoKinesisFirehoseRole"
}`
	f := findings.Finding{RuleID: "EK02", Address: "aws_eks_cluster.prod", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: filterFix("arn:aws:iam::111111111111:role/CWLtoKinesisFirehoseRole")}
	got, edited := apply(t, f, "main.tf", tfCluster)
	if want := tfCluster + "\n" + decl + "\n"; edited != want {
		t.Errorf("edited configuration:\n%s\nwant:\n%s", edited, want)
	}
	if !strings.Contains(got.Remediation, "declare beside aws_eks_cluster.prod:\n\n  resource \"aws_cloudwatch_log_subscription_filter\"") {
		t.Errorf("remediation %q", got.Remediation)
	}
	f.Fix = filterFix("<a role that logs.us-east-1.amazonaws.com may assume>")
	got, edited = apply(t, f, "main.tf", tfCluster)
	if edited != tfCluster || got.Change == nil || !strings.Contains(got.Change.Text, `role_arn        = "<a role that logs.us-east-1.amazonaws.com may assume>"`) {
		t.Errorf("change %+v", got.Change)
	}
}
