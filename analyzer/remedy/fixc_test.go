package remedy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

var publish = map[string]any{"Sid": "AllowS3Publish", "Effect": "Allow", "Principal": map[string]any{"Service": "s3.amazonaws.com"}, "Action": "SNS:Publish", "Resource": "*"}

// A topic's policy is a resource of its own (AWS::SNS::TopicPolicy): a
// statement for the topic goes into the one naming it by Ref, and a topic
// without one gains its declaration, exactly.
func TestTopicPolicyResource(t *testing.T) {
	const withPolicy = `Resources:
  Topic:
    Type: AWS::SNS::Topic
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: Other
            Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sns:Publish
            Resource: "*"
`
	f := findings.Finding{RuleID: "SN01", Address: "Topic", Location: &findings.Location{File: "t.yaml", Line: 2},
		Fix: &findings.Fix{AddStatement: publish, Policy: "resource"}}
	got, edited := apply(t, f, "t.yaml", withPolicy)
	want := withPolicy + `          - Sid: AllowS3Publish
            Effect: Allow
            Principal:
              Service: s3.amazonaws.com
            Action: SNS:Publish
            Resource: '*'
`
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("appended statement (-want +got):\n%s\n%s", diff, got.Remediation)
	}

	const bare = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
	got, edited = apply(t, f, "t.yaml", bare)
	want = `Resources:
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: AllowS3Publish
            Effect: Allow
            Principal:
              Service: s3.amazonaws.com
            Action: SNS:Publish
            Resource: '*'
      Topics:
        - !Ref Topic
  Topic:
    Type: AWS::SNS::Topic
`
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("declared policy (-want +got):\n%s\n%s", diff, got.Remediation)
	}

	// Two fixes of one file declaring the same policy: the second is text.
	fs := []findings.Finding{f, f}
	Apply(fs, func(string) ([]byte, error) { return []byte(bare), nil })
	if len(fs[0].Change.Edits) != 1 || len(fs[1].Change.Edits) != 0 || !strings.Contains(fs[1].Change.Text, "(No exact edit: another fix of this file declares TopicPolicy already") {
		t.Errorf("second declaration: %+v", fs[1].Change)
	}
}

// An identity statement for a user goes into the inline policy the
// finding points into; a role with managed policies only gains an inline
// policy holding it.
func TestIdentityStatementUserAndNoInlinePolicy(t *testing.T) {
	const user = `Resources:
  Connector:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: Alerts
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sqs:ReceiveMessage
                Resource: arn:aws:sqs:us-east-1:111111111111:other
`
	st := map[string]any{"Effect": "Allow", "Action": []any{"sqs:ReceiveMessage"}, "Resource": "arn:aws:sqs:us-east-1:111111111111:alerts"}
	f := findings.Finding{RuleID: "SQ06", Location: &findings.Location{File: "t.yaml", Line: 10}, Fix: &findings.Fix{AddStatement: st, Policy: "identity"}}
	got, edited := apply(t, f, "t.yaml", user)
	want := user + `              - Effect: Allow
                Action:
                  - sqs:ReceiveMessage
                Resource: arn:aws:sqs:us-east-1:111111111111:alerts
`
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("user statement (-want +got):\n%s\n%s", diff, got.Remediation)
	}

	const role = `Resources:
  Reader:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess
`
	st = map[string]any{"Sid": "ReadTrails", "Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}
	f = findings.Finding{RuleID: "S305", Address: "Reader", Location: &findings.Location{File: "t.yaml", Line: 2}, Fix: &findings.Fix{AddStatement: st, Policy: "identity"}}
	got, edited = apply(t, f, "t.yaml", role)
	want = `Resources:
  Reader:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: ReadTrails
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Sid: ReadTrails
                Effect: Allow
                Action: cloudtrail:LookupEvents
                Resource: '*'
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess
`
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("new inline policy (-want +got):\n%s\n%s", diff, got.Remediation)
	}
}

// A further change (Also) or a reason the change is outside the template
// names a value AWS assigns at apply as a readable name, never the raw
// token.
func TestAlsoAndOutsideRenderSymbols(t *testing.T) {
	topic := "arn:aws:sns:us-east-1:111111111111:" + snapshot.Symbol("t.yaml", "Topic", "Name")
	for _, fx := range []*findings.Fix{
		{Set: map[string]any{"DelaySeconds": 0}, Also: "remove topic " + topic},
		{Also: "subscribe the queue to " + topic},
		{Outside: "topic " + topic + " is another stack's"},
	} {
		f := findings.Finding{RuleID: "X", Address: "Q", Location: &findings.Location{File: "t.yaml", Line: 2}, Fix: fx, Remediation: "prose"}
		got, _ := apply(t, f, "t.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 5\n")
		if got.Change == nil || snapshot.IsSymbol(got.Change.Text) || !strings.Contains(got.Change.Text, "{Topic.Name}") {
			t.Errorf("%+v: change %+v", fx, got.Change)
		}
	}
}

// A topic policy naming its topics by a parameter may be this topic's:
// the declaration is text, saying so, never a second policy by edit.
func TestTopicPolicyMaybeDeclared(t *testing.T) {
	const tmpl = `Parameters:
  TopicArn:
    Type: String
Resources:
  Topic:
    Type: AWS::SNS::Topic
  SharedPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref TopicArn]
      PolicyDocument:
        Statement: []
`
	f := findings.Finding{RuleID: "SN01", Address: "Topic", Location: &findings.Location{File: "t.yaml", Line: 5},
		Fix: &findings.Fix{AddStatement: publish, Policy: "resource"}}
	got, edited := apply(t, f, "t.yaml", tmpl)
	if edited != tmpl || got.Change == nil || !strings.Contains(got.Change.Text, "(No exact edit: SharedPolicy (AWS::SNS::TopicPolicy) names its Topics by a value trailgate does not tie to Topic") {
		t.Errorf("change %+v", got.Change)
	}
}

// In a JSON template the declared topic policy is JSON, its reference the
// long form, and the edited template is still JSON.
func TestTopicPolicyDeclaredJSON(t *testing.T) {
	const tmpl = "{\n  \"Resources\": {\n    \"Topic\": {\n      \"Type\": \"AWS::SNS::Topic\"\n    }\n  }\n}\n"
	f := findings.Finding{RuleID: "SN01", Address: "Topic", Location: &findings.Location{File: "t.json", Line: 3},
		Fix: &findings.Fix{AddStatement: publish, Policy: "resource"}}
	got, edited := apply(t, f, "t.json", tmpl)
	var v map[string]map[string]map[string]any
	if err := json.Unmarshal([]byte(edited), &v); err != nil || len(got.Change.Edits) != 1 {
		t.Fatalf("edited template is no JSON (%v):\n%s", err, edited)
	}
	p := v["Resources"]["TopicPolicy"]
	if p["Type"] != "AWS::SNS::TopicPolicy" || !strings.Contains(strings.Join(strings.Fields(edited), ""), `"Topics":[{"Ref":"Topic"}]`) {
		t.Errorf("declared policy:\n%s", edited)
	}
}

// A role no instance profile holds (skyformation K2): the configuration
// gains an aws_iam_instance_profile of the role, by reference.
func TestTerraformInstanceProfileDeclared(t *testing.T) {
	const tf = `resource "aws_iam_role" "host" {
  name               = "skyformation-host"
  assume_role_policy = "{}"
}
`
	fx := &findings.Fix{Companion: &findings.Companion{Suffix: "InstanceProfile", Type: "AWS::IAM::InstanceProfile", Properties: map[string]any{"Roles": []any{map[string]any{"Ref": "$self"}}}}}
	_, edited := apply(t, findings.Finding{RuleID: "ID01", Address: "aws_iam_role.host", Location: &findings.Location{File: "main.tf", Line: 1}, Fix: fx}, "main.tf", tf)
	want := tf + `
resource "aws_iam_instance_profile" "host_instance_profile" {
  role = aws_iam_role.host.name
}
`
	if diff := cmp.Diff(want, edited); diff != "" {
		t.Errorf("edited configuration (-want +got):\n%s", diff)
	}
}
