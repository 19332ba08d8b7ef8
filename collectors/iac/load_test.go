package iac

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/cfn"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/collectors/terraform"
)

// inventory lists a snapshot's resources as "account kind id file address",
// sorted: enough to see which file each resource came from.
func inventory(s *snapshot.Snapshot) []string {
	var out []string
	loc := func(l *snapshot.Location) string {
		if l == nil {
			return "-"
		}
		return filepath.ToSlash(l.File) + " " + l.Address
	}
	for _, a := range s.Accounts {
		add := func(kind, id string, l *snapshot.Location) {
			out = append(out, fmt.Sprintf("%s %s %s %s", a.ID, kind, id, loc(l)))
		}
		for _, x := range a.Roles {
			add("role", x.ARN, x.Location)
		}
		for _, x := range a.Buckets {
			add("bucket", x.ARN, x.Location)
		}
		for _, x := range a.Keys {
			add("key", x.ARN, x.Location)
		}
		for _, x := range a.Topics {
			add("topic", x.ARN, x.Location)
		}
		for _, x := range a.Queues {
			add("queue", x.ARN, x.Location)
		}
	}
	sort.Strings(out)
	return out
}

func TestLoadTree(t *testing.T) {
	s, skipped, err := Load([]string{"testdata/tree"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantSkipped := []Skipped{
		{Path: "testdata/tree/.terraform", Reason: "hidden directory"},
		{Path: "testdata/tree/network/main.tf", Reason: "Terraform configuration, not a plan: pass the output of `terraform show -json PLANFILE`"},
		{Path: "testdata/tree/network/terraform.tfstate.json", Reason: "Terraform state, not a plan"},
		{Path: "testdata/tree/stacks/empty.yaml", Reason: "empty file"},
		{Path: "testdata/tree/stacks/logging/README.md", Reason: "extension .md is not read (templates are .yaml, .yml, .json or .template; plans .json)"},
		{Path: "testdata/tree/stacks/node_modules", Reason: "dependencies directory"},
		{Path: "testdata/tree/stacks/package.json", Reason: "JSON without CloudFormation Resources or Terraform plan keys"},
	}
	if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	// The plan creates the key: its ID is a symbol, its ARN formed from it.
	key := "arn:aws:kms:us-east-1:222222222222:key/" + snapshot.Symbol("pipeline.plan.json", "aws_kms_key.pipe", "key_id")
	acct := snapshot.Symbol("queue.yaml", "AWS", "AccountId")
	want := []string{
		"222222222222 bucket arn:aws:s3:::aws-controltower-logs-222222222222-us-east-1 testdata/tree/pipeline.plan.json aws_s3_bucket.logs",
		"222222222222 key " + key + " testdata/tree/pipeline.plan.json aws_kms_key.pipe",
		"222222222222 queue arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail testdata/tree/pipeline.plan.json aws_sqs_queue.logs",
		"222222222222 queue arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail-dlq testdata/tree/pipeline.plan.json aws_sqs_queue.dlq",
		"222222222222 role arn:aws:iam::222222222222:role/ExpelRole testdata/tree/network/connector-plan.json aws_iam_role.expel",
		"222222222222 topic arn:aws:sns:us-east-1:222222222222:log-archive-events testdata/tree/pipeline.plan.json aws_sns_topic.logs",
		// queue.yaml says nothing of its account: it stays a symbol.
		acct + " queue arn:aws:sqs:us-east-1:" + acct + ":siem-cloudtrail testdata/tree/stacks/logging/queue.yaml SiemQueue",
	}
	if diff := cmp.Diff(want, inventory(s)); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("merged snapshot invalid: %v", err)
	}
	if len(s.Unknowns) == 0 {
		t.Errorf("the plans' unknowns were lost in the merge")
	}
}

// TestLoadDeterministic: the same inputs in another order, or named twice,
// give the same bytes.
func TestLoadDeterministic(t *testing.T) {
	a, _, err := Load([]string{"testdata/tree/stacks", "testdata/tree/pipeline.plan.json"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Load([]string{"testdata/tree/pipeline.plan.json", "testdata/tree/stacks", "testdata/tree/stacks/logging/queue.yaml"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := snapshot.Marshal(a)
	jb, _ := snapshot.Marshal(b)
	if diff := cmp.Diff(string(ja), string(jb)); diff != "" {
		t.Errorf("order of paths changed the result (-first +second):\n%s", diff)
	}
}

func TestLoadOptions(t *testing.T) {
	s, _, err := Load([]string{"testdata/tree/stacks/logging/queue.yaml"}, Options{AccountID: "999999999999", Region: "eu-west-1",
		Params: map[string]string{"QueueName": "other"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"999999999999 queue arn:aws:sqs:eu-west-1:999999999999:other testdata/tree/stacks/logging/queue.yaml SiemQueue"}
	if diff := cmp.Diff(want, inventory(s)); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badPlan := write("bad/plan.json", "{\n \"format_version\": \"1.2\",\n \"resource_changes\": [,]\n}\n")
	badYAML := write("badyaml/t.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n   Properties: {}\n")
	notIaC := write("notes/notes.json", `{"hello": "world"}`)
	write("empty/README.md", "nothing here")

	t.Run("malformed plan in a directory", func(t *testing.T) {
		_, _, err := Load([]string{filepath.Join(dir, "bad")}, Options{})
		var e *terraform.Error
		if !errors.As(err, &e) || e.File != badPlan || e.Line != 3 {
			t.Errorf("err = %v, want a *terraform.Error at %s:3", err, badPlan)
		}
	})
	t.Run("malformed template", func(t *testing.T) {
		_, _, err := Load([]string{badYAML}, Options{})
		var e *cfn.Error
		if !errors.As(err, &e) || e.File != badYAML || e.Line == 0 {
			t.Errorf("err = %v, want a *cfn.Error naming %s and a line", err, badYAML)
		}
	})
	t.Run("named file that is not IaC", func(t *testing.T) {
		_, _, err := Load([]string{notIaC}, Options{})
		want := &Error{Path: notIaC, Msg: "neither a CloudFormation template nor a Terraform plan: JSON without CloudFormation Resources or Terraform plan keys"}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("err = %v, want *iac.Error", err)
		}
		if diff := cmp.Diff(want, e); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
	t.Run("directory without IaC", func(t *testing.T) {
		_, skipped, err := Load([]string{filepath.Join(dir, "empty")}, Options{})
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, "no CloudFormation template or Terraform plan found") {
			t.Errorf("err = %v, want no IaC found", err)
		}
		if len(skipped) != 1 {
			t.Errorf("skipped = %v, want the README", skipped)
		}
	})
	t.Run("missing path", func(t *testing.T) {
		_, _, err := Load([]string{filepath.Join(dir, "nope")}, Options{})
		var e *Error
		if !errors.As(err, &e) || e.Msg != "cannot read: no such file or directory" {
			t.Errorf("err = %v, want cannot read", err)
		}
	})
}

const benchTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: kms:*
            Resource: "*"
          - Effect: Allow
            Principal: {Service: s3.amazonaws.com}
            Action: [kms:GenerateDataKey*, kms:Decrypt]
            Resource: "*"
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "logs-${Env}-%03d-${AWS::AccountId}"
      OwnershipControls: {Rules: [{ObjectOwnership: BucketOwnerEnforced}]}
      NotificationConfiguration:
        TopicConfigurations:
          - Event: s3:ObjectCreated:*
            Topic: !Ref Topic
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub "logs-${Env}-%03d"
      KmsMasterKeyId: !GetAtt Key.Arn
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "logs-${Env}-%03d"
      KmsMasterKeyId: !Ref Key
      VisibilityTimeout: 300
  Subscription:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Topic
      Protocol: sqs
      Endpoint: !GetAtt Queue.Arn
      RawMessageDelivery: true
`

// BenchmarkLoadTemplate loads one typical template through the walker.
func BenchmarkLoadTemplate(b *testing.B) {
	dir := b.TempDir()
	p := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(benchTemplate, "%03d", "001")), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := Load([]string{p}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDir200 walks a directory of 200 files: 100 CloudFormation
// templates and 100 Terraform plans, each declaring distinct resources.
func BenchmarkLoadDir200(b *testing.B) {
	dir := b.TempDir()
	plan, err := os.ReadFile("testdata/tree/pipeline.plan.json")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		tpl := strings.ReplaceAll(benchTemplate, "%03d", fmt.Sprintf("%03d", i))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("stack-%03d.yaml", i)), []byte(tpl), 0o644); err != nil {
			b.Fatal(err)
		}
		p := strings.ReplaceAll(string(plan), "expel-cloudtrail", fmt.Sprintf("expel-cloudtrail-%03d", i))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("plan-%03d.json", i)), []byte(p), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		s, _, err := Load([]string{dir}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if n := len(s.Accounts); n != 2 {
			b.Fatalf("%d accounts", n)
		}
	}
}

// A file past the size limit is an error when it is IaC, a skip otherwise;
// either way it is not read whole.
func TestLoadLargeFile(t *testing.T) {
	dir := t.TempDir()
	big := func(name, head string) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(head); err != nil {
			t.Fatal(err)
		}
		// A sparse file: the size without the bytes.
		if err := f.Truncate(maxFileBytes + 1); err != nil {
			t.Fatal(err)
		}
	}
	big("data.json", `{"rows": [`)
	write := filepath.Join(dir, "ok.json")
	if err := os.WriteFile(write, []byte(`{"format_version":"1.2","planned_values":{"root_module":{}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, skipped, err := Load([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Skipped{{Path: filepath.Join(dir, "data.json"), Reason: fmt.Sprintf("%d bytes, more than the %d read, and its start is not IaC", maxFileBytes+1, maxFileBytes)}}
	if diff := cmp.Diff(want, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	big("huge-plan.json", `{"format_version":"1.2","resource_changes":[`)
	_, skipped, err = Load([]string{dir}, Options{})
	if err != nil {
		t.Fatalf("a huge plan in a walk hides the rest: %v", err)
	}
	var refused bool
	for _, s := range skipped {
		refused = refused || s.Fault && s.Path == filepath.Join(dir, "huge-plan.json") && strings.Contains(s.Reason, "more than the")
	}
	if !refused {
		t.Errorf("skipped = %v, want the huge plan listed as refused", skipped)
	}
	_, _, err = Load([]string{filepath.Join(dir, "huge-plan.json")}, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Path != filepath.Join(dir, "huge-plan.json") {
		t.Errorf("err = %v, want the huge plan refused when named", err)
	}
}

// TestReadHonoursCancellation: a walk ends with the context (a walk of a
// large tree once ran on for 30 s after Ctrl-C).
func TestReadHonoursCancellation(t *testing.T) {
	dir := t.TempDir()
	for i := range 50 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("t%d.yaml", i)), []byte("Resources:\n  T:\n    Type: AWS::SNS::Topic\n"), 0o644)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadContext(ctx, []string{dir}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := ReadContext(context.Background(), []string{dir}, Options{}); err != nil {
		t.Errorf("uncancelled: %v", err)
	}
}

// TestPlanDuplicateKeyWarns: a plan with a duplicate key (Terraform never
// writes one) is judged as read, last value, with a warning naming the
// key and its line.
func TestPlanDuplicateKeyWarns(t *testing.T) {
	plan := "{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":{\"resources\":[\n" +
		"{\"address\":\"aws_sns_topic.t\",\"mode\":\"managed\",\"type\":\"aws_sns_topic\",\"name\":\"t\",\n" +
		"\"values\":{\"name\":\"a\",\"arn\":\"arn:aws:sns:us-east-1:123456789012:a\",\n\"name\":\"b\"}}]}}}"
	path := filepath.Join(t.TempDir(), "plan.json")
	os.WriteFile(path, []byte(plan), 0o644)
	res, err := Read([]string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Line != 4 || !strings.Contains(res.Warnings[0].Msg, "duplicate key planned_values.root_module.resources.0.values.name") {
		t.Errorf("warnings = %+v", res.Warnings)
	}
}

// TestSymbolScopes: a file is named in its symbols by the shortest part of
// its path no other input shares.
func TestSymbolScopes(t *testing.T) {
	files := []file{{path: "stacks/dev/template.yaml"}, {path: "stacks/prod/template.yaml"}, {path: "plan.json"}, {path: "other/plan.json"}, {path: "a/b.yaml"}}
	want := []string{"dev/template.yaml", "prod/template.yaml", "plan.json", "other/plan.json", "b.yaml"}
	if diff := cmp.Diff(want, symbolScopes(files)); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}
}

// TestAdoptAccount: IaC that does not say its account takes the account of
// the one-account snapshot it is laid over; with several accounts it keeps
// its symbol.
func TestAdoptAccount(t *testing.T) {
	snap, _, err := Load([]string{"testdata/tree/stacks/logging/queue.yaml"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	one := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceLive, Accounts: []snapshot.Account{{ID: "333333333333"}}}
	got, err := AdoptAccount(snap, one)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Accounts) != 1 || got.Accounts[0].ID != "333333333333" || got.Accounts[0].Queues[0].ARN != "arn:aws:sqs:us-east-1:333333333333:siem-cloudtrail" {
		t.Errorf("adopted: %+v", got.Accounts)
	}
	two := &snapshot.Snapshot{Accounts: []snapshot.Account{{ID: "333333333333"}, {ID: "444444444444"}}}
	if got, _ := AdoptAccount(snap, two); !snapshot.IsSymbol(got.Accounts[0].ID) {
		t.Errorf("with two accounts the symbol was replaced: %s", got.Accounts[0].ID)
	}
}
