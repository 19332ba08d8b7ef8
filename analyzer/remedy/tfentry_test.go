package remedy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const tfNotification = `resource "aws_s3_bucket_notification" "logs" {
  bucket = aws_s3_bucket.logs.id
  topic {
    topic_arn     = aws_sns_topic.other.arn
    events        = ["s3:ObjectRemoved:*"]
  }
  topic {
    topic_arn     = aws_sns_topic.logs.arn
    events        = ["s3:ObjectCreated:Post"]
    filter_prefix = "CloudTrail/"
    filter_suffix = ".json"
  }
}
`

// tfEdited applies f's fix to content as main.tf and checks that the
// result still parses.
func tfEdited(t *testing.T, f findings.Finding, content string) (findings.Finding, string) {
	t.Helper()
	got, edited := apply(t, f, "main.tf", content)
	if _, diags := hclsyntax.ParseConfig([]byte(edited), "main.tf", hcl.InitialPos); diags.HasErrors() {
		t.Fatalf("the edited configuration does not parse: %v\n%s", diags, edited)
	}
	return got, edited
}

// The entry a finding points at, of several topic blocks, is the one
// edited; a filter rule the fix leaves out is an argument removed.
func TestTerraformNotificationEntry(t *testing.T) {
	fx := &findings.Fix{SetAt: map[string]any{"Event": "s3:ObjectCreated:*", "Filter": map[string]any{"S3Key": map[string]any{"Rules": []any{map[string]any{"Name": "prefix", "Value": "AWSLogs/"}}}}}}
	got, edited := tfEdited(t, findings.Finding{RuleID: "NT01", Address: "aws_s3_bucket_notification.logs", Location: &findings.Location{File: "main.tf", Line: 7}, Fix: fx}, tfNotification)
	want := strings.Replace(tfNotification, `    events        = ["s3:ObjectCreated:Post"]
    filter_prefix = "CloudTrail/"
    filter_suffix = ".json"
`, `    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "AWSLogs/"
`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited configuration (-want +got):\n%s", diff)
	}
	if !strings.Contains(got.Remediation, "main.tf:7, set in the topic block of aws_s3_bucket_notification.logs:\n\n  events = [\"s3:ObjectCreated:*\"]\n  filter_prefix = \"AWSLogs/\"\n\nand remove its filter_suffix.") {
		t.Errorf("remediation %q", got.Remediation)
	}
	// Pointed at the resource, of two entries: which one is the
	// author's call, and the HCL is text only.
	got, _ = apply(t, findings.Finding{RuleID: "NT01", Address: "aws_s3_bucket_notification.logs", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: fx}, "main.tf", tfNotification)
	if got.Change == nil || len(got.Change.Edits) > 0 || !strings.Contains(got.Change.Text, "In main.tf:1 (aws_s3_bucket_notification.logs), set in the notification's block (topic, queue or lambda_function) the finding names:") {
		t.Errorf("an entry the finding does not name: want the text alone, got %+v", got.Change)
	}
}

const tfStatements = `resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyOutsideVpce"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::logs/*"
        Condition = {
          StringNotEquals = { "aws:SourceVpce" = "vpce-1" }
          ArnNotEquals    = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/backup" }
        }
      },
      { Sid = "OneLine", Effect = "Deny", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::logs/*", Condition = { Bool = { "aws:SecureTransport" = "false" } } },
    ]
  })
}
`

// A key the Deny already tests keeps the author's value and gains the
// reader's, as a list; a statement written on one line gets the text
// only.
func TestTerraformStatementCondition(t *testing.T) {
	fx := &findings.Fix{SetAt: map[string]any{"Condition": map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": []any{"arn:aws:iam::111122223333:role/backup", "arn:aws:iam::111122223333:role/reader"}}}}}
	got, edited := tfEdited(t, findings.Finding{RuleID: "S304", Address: "aws_s3_bucket_policy.logs", Location: &findings.Location{File: "main.tf", Line: 6}, Fix: fx}, tfStatements)
	want := strings.Replace(tfStatements, `"arn:aws:iam::111122223333:role/backup" }`, `["arn:aws:iam::111122223333:role/backup", "arn:aws:iam::111122223333:role/reader"] }`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited configuration (-want +got):\n%s", diff)
	}
	if !strings.Contains(got.Remediation, "add to the Condition of the statement of aws_s3_bucket_policy.logs's policy (keeping the conditions it has)") {
		t.Errorf("remediation %q", got.Remediation)
	}
	fx = &findings.Fix{SetAt: map[string]any{"Condition": map[string]any{"BoolIfExists": map[string]any{"aws:PrincipalIsAWSService": "false"}}}}
	got, _ = apply(t, findings.Finding{RuleID: "S304", Address: "aws_s3_bucket_policy.logs", Location: &findings.Location{File: "main.tf", Line: 17}, Fix: fx}, "main.tf", tfStatements)
	if got.Change == nil || len(got.Change.Edits) > 0 || !strings.Contains(got.Change.Text, "BoolIfExists = {\n      \"aws:PrincipalIsAWSService\" = \"false\"") {
		t.Errorf("one-line statement: want the text alone, got %+v", got.Change)
	}
}

// A value AWS assigns to a module's resource has no reference the edited
// file could write: the text names it, and no edit is made. One of the
// root module is written as its reference.
func TestTerraformSymbolReferences(t *testing.T) {
	for _, c := range []struct {
		owner, ref string
		exact      bool
	}{
		{"aws_iam_role.reader", "aws_iam_role.reader.arn", true},
		{"module.m.aws_iam_role.reader", "module.m.aws_iam_role.reader.arn", false},
	} {
		arn := "arn:aws:iam::111122223333:role/" + snapshot.Symbol("plan.json", c.owner, "name")
		fx := &findings.Fix{SetAt: map[string]any{"Condition": map[string]any{"StringNotLike": map[string]any{"aws:PrincipalArn": arn}}}}
		got, edited := tfEdited(t, findings.Finding{RuleID: "S304", Address: "aws_s3_bucket_policy.logs", Location: &findings.Location{File: "main.tf", Line: 6}, Fix: fx}, tfStatements)
		if got.Change == nil || (len(got.Change.Edits) > 0) != c.exact || !strings.Contains(got.Change.Text, `"aws:PrincipalArn" = `+c.ref) {
			t.Errorf("%s: change %+v", c.owner, got.Change)
		}
		if c.exact && !strings.Contains(edited, "          StringNotLike   = {\n            \"aws:PrincipalArn\" = aws_iam_role.reader.arn\n          }\n        }\n      },") {
			t.Errorf("%s: edited\n%s", c.owner, edited)
		}
	}
}

const tfTopic = `resource "aws_sns_topic" "logs" {
  provider = aws.log_archive
  name     = "logs"
}

resource "aws_sqs_queue" "reader" {
  provider = aws.log_archive
  name     = "reader-queue"
}
`

var subscriptionFix = &findings.Fix{Companion: &findings.Companion{Suffix: "ConnectorSubscription", Type: "AWS::SNS::Subscription", Properties: map[string]any{
	"TopicArn": map[string]any{"Ref": "$self"}, "Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:111122223333:reader-queue", "RawMessageDelivery": true}}}

// SN03: the subscription is declared after the topic, with its provider,
// referring to the topic and to the queue the file declares.
func TestTerraformSubscriptionDeclared(t *testing.T) {
	_, edited := tfEdited(t, findings.Finding{RuleID: "SN03", Address: "aws_sns_topic.logs", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: subscriptionFix}, tfTopic)
	want := strings.Replace(tfTopic, "}\n\nresource \"aws_sqs_queue\"", `}

resource "aws_sns_topic_subscription" "logs_connector_subscription" {
  provider             = aws.log_archive
  endpoint             = aws_sqs_queue.reader.arn
  protocol             = "sqs"
  raw_message_delivery = true
  topic_arn            = aws_sns_topic.logs.arn
}

resource "aws_sqs_queue"`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited configuration (-want +got):\n%s", diff)
	}
	// A queue of that name under another provider (another account or
	// region) is not the one the ARN names.
	other := strings.Replace(tfTopic, "  provider = aws.log_archive\n  name     = \"reader-queue\"", "  provider = aws.other\n  name     = \"reader-queue\"", 1)
	_, edited = tfEdited(t, findings.Finding{RuleID: "SN03", Address: "aws_sns_topic.logs", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: subscriptionFix}, other)
	if !strings.Contains(edited, `endpoint             = "arn:aws:sqs:us-east-1:111122223333:reader-queue"`) {
		t.Errorf("another provider's queue: edited\n%s", edited)
	}
	// A topic declared with count: its instances need an index.
	counted := strings.Replace(tfTopic, "  name     = \"logs\"\n", "  name     = \"logs\"\n  count    = 1\n", 1)
	got, _ := apply(t, findings.Finding{RuleID: "SN03", Address: "aws_sns_topic.logs[0]", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: subscriptionFix}, "main.tf", counted)
	if got.Change == nil || len(got.Change.Edits) > 0 || !strings.Contains(got.Change.Text, `resource "aws_sns_topic_subscription" "logs_connector_subscription"`) {
		t.Errorf("count: want the text alone, got %+v", got.Change)
	}
}

const tfTrail = `resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "logs"

  event_selector {
    read_write_type           = "WriteOnly"
    include_management_events = true
  }
  event_selector {
    read_write_type           = "All"
    include_management_events = false
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3:::data/"]
    }
  }
}
`

// CT02: a trail's EventSelectors are its event_selector blocks, replaced
// whole as the property is: the first block's text gives way to the
// fix's blocks, the others are removed. A dynamic block gets the text
// alone.
func TestTerraformEventSelectors(t *testing.T) {
	fx := &findings.Fix{Set: map[string]any{"IsMultiRegionTrail": true, "EventSelectors": []any{
		map[string]any{"ReadWriteType": "All", "IncludeManagementEvents": true},
		map[string]any{"ReadWriteType": "All", "IncludeManagementEvents": false, "DataResources": []any{map[string]any{"Type": "AWS::S3::Object", "Values": []any{"arn:aws:s3:::data/"}}}},
	}}}
	got, edited := tfEdited(t, findings.Finding{RuleID: "CT02", Address: "aws_cloudtrail.main", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: fx}, tfTrail)
	want := `resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "logs"

  event_selector {
    include_management_events = true
    read_write_type           = "All"
  }
  event_selector {
    include_management_events = false
    read_write_type           = "All"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3:::data/"]
    }
  }
  is_multi_region_trail = true
}
`
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited configuration (-want +got):\n%s", diff)
	}
	if !strings.Contains(got.Remediation, "set in aws_cloudtrail.main (its event_selector blocks are replaced by these):\n\n  is_multi_region_trail = true\n  event_selector {") {
		t.Errorf("remediation %q", got.Remediation)
	}
	dynamic := strings.Replace(tfTrail, "  event_selector {\n    read_write_type           = \"WriteOnly\"", "  dynamic \"event_selector\" {\n    for_each = var.selectors\n    content {}\n  }\n  event_selector {\n    read_write_type           = \"WriteOnly\"", 1)
	got, _ = apply(t, findings.Finding{RuleID: "CT02", Address: "aws_cloudtrail.main", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: fx}, "main.tf", dynamic)
	if got.Change == nil || len(got.Change.Edits) > 0 {
		t.Errorf("dynamic block: want the text alone, got %+v", got.Change)
	}
}

// TestTerraformRemove: a Fix's Remove replaces the resource block with a
// removed block that keeps the resource (lifecycle { destroy = false },
// developer.hashicorp.com/terraform/language/state/remove); a block
// another block refers to gets the text only, as deleting it alone would
// leave a dangling reference.
func TestTerraformRemove(t *testing.T) {
	const tf = `resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}

resource "aws_cloudtrail" "ct" {
  name           = "aws-controltower-BaselineCloudTrail"
  s3_bucket_name = aws_s3_bucket.logs.id
}
`
	f := findings.Finding{RuleID: "CT06", Address: "aws_cloudtrail.ct", Location: &findings.Location{File: "main.tf", Line: 5},
		Fix: &findings.Fix{Remove: true}, Remediation: "Do not modify the trail"}
	got, edited := tfEdited(t, f, tf)
	want := `resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}

removed {
  from = aws_cloudtrail.ct
  lifecycle {
    destroy = false
  }
}
`
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited (-want +got):\n%s", diff)
	}
	if !strings.Contains(got.Change.Text, "terraform state rm aws_cloudtrail.ct") {
		t.Errorf("the text lacks the state rm way:\n%s", got.Change.Text)
	}
	// Referred to by another block: text only.
	ref := tf + "\nresource \"aws_sns_topic\" \"t\" {\n  name = aws_cloudtrail.ct.name\n}\n"
	got, _ = apply(t, f, "main.tf", ref)
	if got.Change == nil || len(got.Change.Edits) > 0 {
		t.Errorf("a referred-to block wants the text only, got %+v", got.Change)
	}
}

// TestTerraformGuardDutyAndKeys: the fix data of GD01, GD02, CT04 and
// SQ02 in a .tf file, mapped to the provider's arguments: exact where the
// value is known, text only (no edit) with a value to fill in.
func TestTerraformGuardDutyAndKeys(t *testing.T) {
	const tf = `resource "aws_guardduty_detector" "main" {
  enable                       = true
  finding_publishing_frequency = "SIX_HOURS"
}

resource "aws_guardduty_publishing_destination" "s3" {
  detector_id     = aws_guardduty_detector.main.id
  destination_arn = aws_s3_bucket.logs.arn
  kms_key_arn     = aws_kms_key.other_region.arn
}

resource "aws_sqs_queue" "logs" {
  sqs_managed_sse_enabled = true
}
`
	for _, c := range []struct {
		name, addr string
		line       int
		fix        findings.Fix
		edited     string // "" for text only
		text       []string
	}{
		{"frequency", "aws_guardduty_detector.main", 1, findings.Fix{Set: map[string]any{"FindingPublishingFrequency": "FIFTEEN_MINUTES"}},
			strings.Replace(tf, `"SIX_HOURS"`, `"FIFTEEN_MINUTES"`, 1), nil},
		{"destination key", "aws_guardduty_publishing_destination.s3", 6, findings.Fix{Set: map[string]any{"DestinationProperties": map[string]any{"KmsKeyArn": "<a key in eu-west-1>"}}},
			"", []string{`kms_key_arn = "<a key in eu-west-1>"`}},
		{"destination declared", "aws_guardduty_detector.main", 1, findings.Fix{Companion: &findings.Companion{Suffix: "PublishingDestination", Type: "AWS::GuardDuty::PublishingDestination",
			Properties: map[string]any{"DetectorId": map[string]any{"Ref": "$self"}, "DestinationType": "S3", "DestinationProperties": map[string]any{"DestinationArn": "arn:aws:s3:::<findings bucket>", "KmsKeyArn": "<key ARN>"}}}},
			"", []string{`resource "aws_guardduty_publishing_destination" "main_publishing_destination" {`, "detector_id      = aws_guardduty_detector.main.id", `destination_arn  = "arn:aws:s3:::<findings bucket>"`}},
		{"queue key", "aws_sqs_queue.logs", 12, findings.Fix{Set: map[string]any{"KmsMasterKeyId": "<customer managed key ARN>", "SqsManagedSseEnabled": false}},
			"", []string{`kms_master_key_id = "<customer managed key ARN>"`, "and remove its sqs_managed_sse_enabled."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := findings.Finding{Address: c.addr, Location: &findings.Location{File: "main.tf", Line: c.line}, Fix: &c.fix, Remediation: "prose"}
			got, edited := tfEdited(t, f, tf)
			if got.Change == nil {
				t.Fatal("no change")
			}
			if c.edited == "" {
				if len(got.Change.Edits) > 0 {
					t.Errorf("want text only, got edits %+v", got.Change.Edits)
				}
			} else if diff := cmp.Diff(c.edited, edited); diff != "" {
				t.Errorf("edited (-want +got):\n%s", diff)
			}
			for _, w := range c.text {
				if !strings.Contains(got.Change.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, got.Change.Text)
				}
			}
		})
	}
}

// An EKS cluster's CloudFormation Logging.ClusterLogging.EnabledTypes is the
// provider's enabled_cluster_log_types, a list of the type names
// (registry.terraform.io/providers/hashicorp/aws, aws_eks_cluster); a
// Logging of another shape has no argument trailgate knows.
func TestTfSetReshapesEKSLogging(t *testing.T) {
	set := map[string]any{"Logging": map[string]any{"ClusterLogging": map[string]any{"EnabledTypes": []any{
		map[string]any{"Type": "api"}, map[string]any{"Type": "audit"}}}}}
	names, values, _, ok := tfSet("aws_eks_cluster", set)
	if !ok || len(names) != 1 || names[0] != "enabled_cluster_log_types" || values[0] != `["api", "audit"]` {
		t.Fatalf("tfSet = %q %q %v", names, values, ok)
	}
	odd := map[string]any{"Logging": map[string]any{"ClusterLogging": map[string]any{"EnabledTypes": []any{"audit"}}}}
	if _, _, _, ok := tfSet("aws_eks_cluster", odd); ok {
		t.Fatal("a list of strings is not CloudFormation's EnabledTypes")
	}
}
