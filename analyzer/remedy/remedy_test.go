package remedy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// apply runs Apply on one finding against one file and returns the
// finding and the file after its edits.
func apply(t *testing.T, f findings.Finding, file, content string) (findings.Finding, string) {
	t.Helper()
	fs := []findings.Finding{f}
	Apply(fs, func(name string) ([]byte, error) {
		if name != file {
			return nil, errors.New("no such file")
		}
		return []byte(content), nil
	})
	if fs[0].Change == nil {
		return fs[0], content
	}
	out, err := Edit([]byte(content), fs[0].Change.Edits)
	if err != nil {
		t.Fatal(err)
	}
	return fs[0], string(out)
}

const yamlTemplate = `Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: logs
      VisibilityTimeout: 30 # seconds
  KeyPolicyKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Root
            Effect: Allow
            Principal:
              AWS: !Sub arn:aws:iam::${AWS::AccountId}:root
            Action: kms:*
            Resource: "*"
`

func TestCloudFormationYAMLSet(t *testing.T) {
	f := findings.Finding{RuleID: "SQ04", Address: "Queue", Location: &findings.Location{File: "t.yaml", Line: 2},
		Remediation: "aws sqs set-queue-attributes …",
		Fix:         &findings.Fix{Set: map[string]any{"MessageRetentionPeriod": 604800, "VisibilityTimeout": 300}}}
	got, edited := apply(t, f, "t.yaml", yamlTemplate)
	want := strings.Replace(yamlTemplate, "      QueueName: logs\n      VisibilityTimeout: 30 # seconds",
		"      MessageRetentionPeriod: 604800\n      QueueName: logs\n      VisibilityTimeout: 300 # seconds", 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited template (-want +got):\n%s", diff)
	}
	if got.Change.Language != "cloudformation-yaml" || got.Remediation != got.Change.Text ||
		!strings.Contains(got.Remediation, "t.yaml:2, set in the Properties of Queue (AWS::SQS::Queue):\n\n  MessageRetentionPeriod: 604800\n  VisibilityTimeout: 300") {
		t.Errorf("change %+v", got.Change)
	}
}

func TestCloudFormationYAMLStatement(t *testing.T) {
	f := findings.Finding{RuleID: "KM01", Address: "KeyPolicyKey", Location: &findings.Location{File: "t.yaml", Line: 13},
		Fix: &findings.Fix{Policy: "resource", AddStatement: map[string]any{
			"Sid": "AllowLogReaderDecrypt", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::222222222222:role/Reader"},
			"Action": "kms:Decrypt", "Resource": "*"}}}
	_, edited := apply(t, f, "t.yaml", yamlTemplate)
	want := yamlTemplate + `          - Sid: AllowLogReaderDecrypt
            Effect: Allow
            Principal:
              AWS: arn:aws:iam::222222222222:role/Reader
            Action: kms:Decrypt
            Resource: '*'
`
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited template (-want +got):\n%s", diff)
	}
}

const jsonTemplate = `{
  "Resources": {
    "Trail": {
      "Type": "AWS::CloudTrail::Trail",
      "Properties": {
        "IsLogging": true,
        "IsMultiRegionTrail": false
      }
    },
    "BucketPolicy": {
      "Type": "AWS::S3::BucketPolicy",
      "Properties": {
        "Bucket": "logs",
        "PolicyDocument": {
          "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
          ]
        }
      }
    }
  }
}
`

func TestCloudFormationJSON(t *testing.T) {
	f := findings.Finding{Address: "Trail", Location: &findings.Location{File: "t.json", Line: 3},
		Fix: &findings.Fix{Set: map[string]any{"IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": true}}}
	got, edited := apply(t, f, "t.json", jsonTemplate)
	want := strings.Replace(jsonTemplate, `        "IsLogging": true,
        "IsMultiRegionTrail": false`, `        "IncludeGlobalServiceEvents": true,
        "IsLogging": true,
        "IsMultiRegionTrail": true`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited template (-want +got):\n%s", diff)
	}
	if got.Change.Language != "cloudformation-json" || !strings.Contains(got.Change.Text, `"IncludeGlobalServiceEvents": true,`) {
		t.Errorf("change %+v", got.Change)
	}

	f = findings.Finding{Address: "Bucket", Location: &findings.Location{File: "t.json", Line: 16},
		Fix: &findings.Fix{Policy: "resource", AddStatement: map[string]any{"Sid": "W", "Effect": "Allow", "Action": "s3:PutObject"}}}
	_, edited = apply(t, f, "t.json", jsonTemplate)
	want = strings.Replace(jsonTemplate, `"Resource": "*"}
`, `"Resource": "*"},
            {
              "Sid": "W",
              "Effect": "Allow",
              "Action": "s3:PutObject"
            }
`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited template (-want +got):\n%s", diff)
	}
}

// A value computed by an intrinsic function cannot be replaced exactly:
// the change says what to set, without edits.
func TestCloudFormationIntrinsicIsTextOnly(t *testing.T) {
	tmpl := "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: !Ref Retention\n"
	f := findings.Finding{Address: "Q", Location: &findings.Location{File: "t.yaml", Line: 2}, Fix: &findings.Fix{Set: map[string]any{"MessageRetentionPeriod": 604800}}}
	got, _ := apply(t, f, "t.yaml", tmpl)
	if got.Change == nil || len(got.Change.Edits) != 0 || !strings.Contains(got.Change.Text, "MessageRetentionPeriod: 604800") {
		t.Errorf("change %+v", got.Change)
	}
}

// A value spelled with pseudo parameters only (!Ref AWS::AccountId, a
// !Sub of ${AWS::…}) is fixed by where the stack runs, not by the
// author's parameters: a fix replaces it exactly, tag and all, keeping a
// comment after it.
func TestCloudFormationPseudoParameterIsReplaced(t *testing.T) {
	tmpl := `Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Sid: Reader
            Effect: Allow
            Condition:
              StringEquals:
                kms:CallerAccount: !Ref AWS::AccountId # the owner
              StringLike:
                kms:EncryptionContext:aws:cloudtrail:arn: !Sub "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"
                aws:SourceArn: !Sub "arn:${AWS::Partition}:cloudtrail:*:${Owner}:trail/*"
`
	f := findings.Finding{Address: "Key", Location: &findings.Location{File: "t.yaml", Line: 7}, Fix: &findings.Fix{SetAt: map[string]any{"Condition": map[string]any{
		"StringEquals": map[string]any{"kms:CallerAccount": "222222222222"},
		"StringLike":   map[string]any{"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"},
	}}}}
	_, edited := apply(t, f, "t.yaml", tmpl)
	want := strings.Replace(strings.Replace(tmpl, `!Ref AWS::AccountId # the owner`, `"222222222222" # the owner`, 1),
		`!Sub "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"`, `arn:aws:cloudtrail:*:111111111111:trail/*`, 1)
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited template (-want +got):\n%s", diff)
	}
	// A !Sub naming a template parameter is the author's design: the
	// change says what to set, without edits.
	f.Fix.SetAt = map[string]any{"Condition": map[string]any{"StringLike": map[string]any{"aws:SourceArn": "arn:aws:cloudtrail:*:111111111111:trail/*"}}}
	got, _ := apply(t, f, "t.yaml", tmpl)
	if got.Change == nil || len(got.Change.Edits) != 0 {
		t.Errorf("replaced a parameter's reference: %+v", got.Change)
	}
}

// In a JSON template a list (a filter's Rules, over lines) is replaced
// whole in the file's indentation: the edited template is valid JSON with
// the new rules and the entry's other keys.
func TestCloudFormationJSONListReplaced(t *testing.T) {
	tmpl := `{
  "Resources": {
    "Bucket": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "NotificationConfiguration": {
          "TopicConfigurations": [
            {
              "Topic": {"Ref": "Topic"},
              "Event": "s3:ObjectCreated:*",
              "Filter": {
                "S3Key": {
                  "Rules": [
                    {"Name": "suffix", "Value": ".json"}
                  ]
                }
              }
            }
          ]
        }
      }
    }
  }
}
`
	rules := []any{map[string]any{"Name": "prefix", "Value": "AWSLogs/"}, map[string]any{"Name": "suffix", "Value": ".json.gz"}}
	f := findings.Finding{Address: "Bucket", Location: &findings.Location{File: "t.json", Line: 9}, Fix: &findings.Fix{SetAt: map[string]any{"Filter": map[string]any{"S3Key": map[string]any{"Rules": rules}}}}}
	got, edited := apply(t, f, "t.json", tmpl)
	if got.Change == nil || len(got.Change.Edits) != 1 {
		t.Fatalf("change %+v", got.Change)
	}
	var doc struct {
		Resources map[string]struct {
			Properties struct {
				NotificationConfiguration struct {
					TopicConfigurations []map[string]any
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(edited), &doc); err != nil {
		t.Fatalf("edited template is not JSON: %v\n%s", err, edited)
	}
	entry := doc.Resources["Bucket"].Properties.NotificationConfiguration.TopicConfigurations[0]
	want := map[string]any{"Topic": map[string]any{"Ref": "Topic"}, "Event": "s3:ObjectCreated:*", "Filter": map[string]any{"S3Key": map[string]any{"Rules": rules}}}
	if diff := cmp.Diff(want, entry); diff != "" {
		t.Errorf("entry (-want +got):\n%s", diff)
	}
	if !strings.Contains(edited, "                  \"Rules\": [\n                    {\n                      \"Name\": \"prefix\",") {
		t.Errorf("not in the file's indentation:\n%s", edited)
	}
}

const tf = `resource "aws_sqs_queue" "logs" {
  name                      = "logs"
  message_retention_seconds = 345600
}

resource "aws_cloudtrail" "main" {
  name = "main"
}
`

func TestTerraform(t *testing.T) {
	f := findings.Finding{Address: "module.x.aws_sqs_queue.logs", Location: &findings.Location{File: "main.tf", Line: 1},
		Fix: &findings.Fix{Set: map[string]any{"MessageRetentionPeriod": 604800}}}
	got, edited := apply(t, f, "main.tf", tf)
	if want := strings.Replace(tf, "= 345600", "= 604800", 1); edited != want {
		t.Errorf("edited:\n%s", edited)
	}
	if got.Change.Language != "terraform" || !strings.Contains(got.Remediation, "message_retention_seconds = 604800") {
		t.Errorf("change %+v", got.Change)
	}
	f = findings.Finding{Address: "aws_cloudtrail.main", Location: &findings.Location{File: "main.tf", Line: 6},
		Fix: &findings.Fix{Set: map[string]any{"IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": true}}}
	_, edited = apply(t, f, "main.tf", tf)
	if want := strings.Replace(tf, "  name = \"main\"\n", "  name = \"main\"\n  include_global_service_events = true\n  is_multi_region_trail = true\n", 1); edited != want {
		t.Errorf("edited:\n%s", edited)
	}
	f = findings.Finding{Address: "aws_kms_key.k", Location: &findings.Location{File: "plan.json", Line: 40},
		Fix: &findings.Fix{Policy: "resource", AddStatement: map[string]any{"Sid": "S", "Effect": "Allow", "Resource": "arn:${x}"}}}
	got, _ = apply(t, f, "plan.json", `{"format_version":"1.2","planned_values":{}}`)
	if got.Change == nil || len(got.Change.Edits) != 0 || !strings.Contains(got.Change.Text, `Resource = "arn:$${x}"`) {
		t.Errorf("plan change %+v", got.Change)
	}
}

// Findings without a fix, a location or a readable file keep their prose.
func TestApplyLeavesProse(t *testing.T) {
	fs := []findings.Finding{
		{Remediation: "live", Fix: &findings.Fix{Set: map[string]any{"A": 1}}},
		{Remediation: "prose", Location: &findings.Location{File: "t.yaml"}},
		{Remediation: "unread", Location: &findings.Location{File: "gone.yaml"}, Fix: &findings.Fix{Set: map[string]any{"A": 1}}},
	}
	Apply(fs, func(string) ([]byte, error) { return nil, errors.New("no") })
	for _, f := range fs {
		if f.Change != nil {
			t.Errorf("%s: change %+v", f.Remediation, f.Change)
		}
	}
}

func TestEditRefusesOverlap(t *testing.T) {
	_, err := Edit([]byte("abcdef\n"), []findings.Replacement{
		{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 4, Text: "x"},
		{StartLine: 1, StartColumn: 2, EndLine: 1, EndColumn: 3, Text: "y"},
	})
	if err == nil {
		t.Error("overlapping edits accepted")
	}
}

// A statement whose Sid the policy already uses is not added twice: the
// text says to make the existing one the statement, with no edit.
func TestCloudFormationStatementSidTaken(t *testing.T) {
	f := findings.Finding{Address: "KeyPolicyKey", Location: &findings.Location{File: "t.yaml", Line: 13},
		Fix: &findings.Fix{Policy: "resource", AddStatement: map[string]any{"Sid": "Root", "Effect": "Allow"}}}
	got, edited := apply(t, f, "t.yaml", yamlTemplate)
	if edited != yamlTemplate || len(got.Change.Edits) != 0 || !strings.Contains(got.Change.Text, "already has a statement Root, at line 13") {
		t.Errorf("change %+v", got.Change)
	}
}

// Columns count characters: a value after a multibyte one on its line is
// replaced exactly, in a flow mapping.
func TestCloudFormationColumnsAreCharacters(t *testing.T) {
	tmpl := "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: \"journaux-é\", VisibilityTimeout: 30}\n"
	f := findings.Finding{Address: "Q", Location: &findings.Location{File: "t.yaml", Line: 2}, Fix: &findings.Fix{Set: map[string]any{"VisibilityTimeout": 300}}}
	_, edited := apply(t, f, "t.yaml", tmpl)
	if want := strings.Replace(tmpl, "VisibilityTimeout: 30}", "VisibilityTimeout: 300}", 1); edited != want {
		t.Errorf("edited:\n%s", edited)
	}
}

// Two fixes adding the same Sid to one policy number the second, so that
// applying both keeps Sids unique.
func TestCloudFormationStatementSidsStayUnique(t *testing.T) {
	stmt := func(action string) *findings.Fix {
		return &findings.Fix{Policy: "resource", AddStatement: map[string]any{"Sid": "AllowLogReader", "Effect": "Allow", "Action": action}}
	}
	fs := []findings.Finding{
		{Address: "KeyPolicyKey", Location: &findings.Location{File: "t.yaml", Line: 13}, Fix: stmt("kms:Decrypt")},
		{Address: "KeyPolicyKey", Location: &findings.Location{File: "t.yaml", Line: 13}, Fix: stmt("kms:DescribeKey")},
	}
	Apply(fs, func(string) ([]byte, error) { return []byte(yamlTemplate), nil })
	if !strings.Contains(fs[0].Change.Text, "Sid: AllowLogReader\n") || !strings.Contains(fs[1].Change.Text, "Sid: AllowLogReader2\n") {
		t.Errorf("changes:\n%s\n%s", fs[0].Change.Text, fs[1].Change.Text)
	}
	if fs[0].Fix.AddStatement["Sid"] != "AllowLogReader" || fs[1].Fix.AddStatement["Sid"] != "AllowLogReader" {
		t.Error("the rule's fix data was changed")
	}
}
