package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/fixtures"
)

// malformedTemplate has two statements AWS refuses (MalformedPolicyDocument):
// Effect Allw in the statement starting on line 19, and Actio for Action in
// the statement starting on line 35.
const malformedTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: logs-bucket
  LogsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Logs
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: AclCheck
            Effect: Allow
            Principal: {Service: cloudtrail.amazonaws.com}
            Action: s3:GetBucketAcl
            Resource: arn:aws:s3:::logs-bucket
          - Sid: Write
            Effect: Allw
            Principal: {Service: cloudtrail.amazonaws.com}
            Action: s3:PutObject
            Resource: arn:aws:s3:::logs-bucket/*
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: log-events
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: s3.amazonaws.com}
            Actio: sns:Publish
            Resource: arn:aws:sns:us-east-1:123456789012:log-events
`

// A policy AWS would refuse, written in a template, is bad input: the
// deploy would fail. Exit 2, one line per document naming file, line,
// logical ID and statement; nothing on stdout.
func TestCheckMalformedPolicyInTemplate(t *testing.T) {
	tmpl := writeFile(t, "template.yaml", malformedTemplate)
	code, out, errs := trailgate(t, "check", "--iac", tmpl)
	if code != exitUsage || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 2 and no result", code, out, errs)
	}
	for _, want := range []string{
		"trailgate check: " + tmpl + `:19: LogsPolicy: statement 1 (Sid "Write"): `,
		"trailgate check: " + tmpl + `:35: TopicPolicy: statement 0: `,
		"2 malformed policy documents in the IaC input",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q does not contain %q", errs, want)
		}
	}
	// Laid over a live snapshot, the template's document still fails.
	code, _, errs = trailgate(t, "check", "--snapshot", demoFile(t), "--iac", tmpl)
	if code != exitUsage || !strings.Contains(errs, tmpl+":19: LogsPolicy: ") {
		t.Errorf("over the demo snapshot: exit %d, stderr %q", code, errs)
	}
}

// The same in a Terraform plan: file, the line of the resource's object in
// the plan, and its address.
func TestCheckMalformedPolicyInPlan(t *testing.T) {
	plan := writeFile(t, "plan.json", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_s3_bucket.logs","mode":"managed","type":"aws_s3_bucket","name":"logs","values":{"bucket":"logs-bucket"}},
{"address":"aws_s3_bucket_policy.logs","mode":"managed","type":"aws_s3_bucket_policy","name":"logs","values":{"bucket":"logs-bucket",
 "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Write\",\"Effect\":\"Allw\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::logs-bucket/*\"}]}"}}
]}}}`)
	code, out, errs := trailgate(t, "check", "--iac", plan)
	want := "trailgate check: " + plan + `:3: aws_s3_bucket_policy.logs: statement 0 (Sid "Write"): `
	if code != exitUsage || out != "" || !strings.Contains(errs, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errs, want)
	}
}

// A collected document AWS accepted is not the user's input: where the
// evaluator refuses it, the audit goes on with a warning.
func TestCheckMalformedLivePolicyWarns(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(fixtures.Demo(), &doc); err != nil {
		t.Fatal(err)
	}
	name := ""
	for _, a := range doc["accounts"].([]any) {
		buckets, _ := a.(map[string]any)["buckets"].([]any)
		for _, b := range buckets {
			bucket := b.(map[string]any)
			pol, ok := bucket["policy"].(map[string]any)
			if !ok || name != "" {
				continue
			}
			st := pol["document"].(map[string]any)["Statement"].([]any)
			st[0].(map[string]any)["Effect"] = "Allw"
			name = bucket["name"].(string)
		}
	}
	if name == "" {
		t.Fatal("the demo snapshot has no bucket policy")
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := trailgate(t, "check", "--snapshot", writeFile(t, "live.json", string(data)), "--fail-on", "none")
	want := "trailgate: warning: the collected bucket policy of " + name + ", which AWS accepted, does not parse here (statement 0"
	if code != exitOK || out == "" || !strings.Contains(errs, want) {
		t.Errorf("exit %d, stderr %q; want 0, a result and %q", code, errs, want)
	}
}

// A connector role that is not an ARN names a role only in the IaC that
// declares it: without --iac it is refused at its line; with the template
// that declares the logical ID it is judged. A role of the wrong YAML type
// is refused too.
func TestCheckConnectorRole(t *testing.T) {
	dir := filepath.Join(scenarioDir, "single-account-trail-sns")
	conn, err := os.ReadFile(filepath.Join(dir, "connector.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const arn = "arn:aws:iam::444444444444:role/RadiantSecurityRole"
	if !strings.Contains(string(conn), "role: "+arn+"\n") {
		t.Fatalf("the scenario's connector no longer names %s", arn)
	}
	logical := writeFile(t, "connector.yaml", strings.Replace(string(conn), arn, "RadiantRole", 1))
	snap := filepath.Join(dir, "snapshot.json")
	code, out, errs := trailgate(t, "check", "--snapshot", snap, "--connector", logical)
	want := logical + `:2: role: "RadiantRole" is not a role ARN`
	if code != exitUsage || out != "" || !strings.Contains(errs, want) || !strings.Contains(errs, "--iac") {
		t.Errorf("logical ID without --iac: exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errs, want)
	}
	tmpl := filepath.Join(dir, "template.yaml")
	code, out, errs = trailgate(t, "check", "--iac", tmpl, "--connector", logical, "--format", "json", "--fail-on", "none")
	if code != exitOK || strings.Contains(errs, "is not a role ARN") {
		t.Fatalf("logical ID with --iac: exit %d, stderr %q", code, errs)
	}
	if len(ruleIDs(t, out)) == 0 {
		t.Error("logical ID with --iac: no findings; the scenario template has some")
	}
	// Naming the role by logical ID or by ARN is the same connector: the
	// same findings, the same fingerprints.
	_, byARN, _ := trailgate(t, "check", "--iac", tmpl, "--connector", filepath.Join(dir, "connector.yaml"), "--format", "json", "--fail-on", "none")
	if d := cmp.Diff(byARN, out); d != "" {
		t.Errorf("logical ID and ARN give different results (-ARN +logical ID):\n%s", d)
	}
	code, _, errs = trailgate(t, "check", "--iac", tmpl, "--connector", writeFile(t, "c2.yaml", strings.Replace(string(conn), arn, "NoSuchRole", 1)))
	if code != exitUsage || !strings.Contains(errs, `role: "NoSuchRole" is neither a role ARN nor the logical ID`) {
		t.Errorf("undeclared logical ID: exit %d, stderr %q; want 2", code, errs)
	}

	for name, content := range map[string]string{
		"number.json": `{"profile": "radiant",` + "\n" + `"role": 5}`,
		"user.yaml":   "profile: radiant\nrole: arn:aws:iam::444444444444:user/alice\n",
	} {
		path := writeFile(t, name, content)
		code, _, errs := trailgate(t, "check", "--snapshot", snap, "--connector", path)
		if code != exitUsage || !strings.Contains(errs, path+":2: role: ") {
			t.Errorf("%s: exit %d, stderr %q; want 2 naming %s:2", name, code, errs, path)
		}
	}
}

func ruleIDs(t *testing.T, result string) []string {
	t.Helper()
	var doc struct {
		Findings []findings.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(result), &doc); err != nil {
		t.Fatalf("%v: %q", err, result)
	}
	var ids []string
	for _, f := range doc.Findings {
		ids = append(ids, f.RuleID+" "+f.Resource.ID)
	}
	return ids
}

// A Terraform plan with a value of the wrong type is refused, naming the
// file, the resource address and the attribute.
func TestCheckPlanWrongType(t *testing.T) {
	plan := writeFile(t, "plan.json", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_s3_bucket.logs","mode":"managed","type":"aws_s3_bucket","name":"logs","values":{"bucket":5}}]}}}`)
	code, out, errs := trailgate(t, "check", "--iac", plan)
	want := plan + ": aws_s3_bucket.logs: bucket: must be a string; got the number 5"
	if code != exitUsage || out != "" || !strings.Contains(errs, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errs, want)
	}
}

// Fingerprints do not depend on lines: a resource inserted at the top of the
// template moves every finding, yet the earlier result baselines them all.
func TestFingerprintsStableAcrossLineMoves(t *testing.T) {
	dir := filepath.Join(scenarioDir, "single-account-trail-sns")
	src, err := os.ReadFile(filepath.Join(dir, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	conn := filepath.Join(dir, "connector.yaml")
	work := t.TempDir()
	tmpl := filepath.Join(work, "template.yaml")
	if err := os.WriteFile(tmpl, src, 0o644); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(work, "base.json")
	if code, _, errs := trailgate(t, "check", "--iac", tmpl, "--connector", conn, "--format", "json", "--output", base, "--fail-on", "none"); code != exitOK {
		t.Fatalf("first run: exit %d, stderr %q", code, errs)
	}
	before := readFindings(t, base)
	if len(before) == 0 {
		t.Fatal("the scenario template yields no findings: nothing to baseline")
	}

	// An unrelated resource first under Resources: every resource, and so
	// every finding, moves down by its number of lines.
	const unrelated = "  UnrelatedLogGroup:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 30\n"
	moved := strings.Replace(string(src), "\nResources:\n", "\nResources:\n"+unrelated, 1)
	if moved == string(src) {
		t.Fatal("the template has no Resources: line")
	}
	if err := os.WriteFile(tmpl, []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := trailgate(t, "check", "--iac", tmpl, "--connector", conn, "--format", "json", "--baseline", base)
	if code != exitOK {
		t.Errorf("with the baseline: exit %d, want 0 (stderr %q)", code, errs)
	}
	var after struct {
		Findings []findings.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &after); err != nil {
		t.Fatal(err)
	}
	if len(after.Findings) != len(before) {
		t.Fatalf("%d findings after the move, %d before", len(after.Findings), len(before))
	}
	lineOf := map[string]int{}
	for _, f := range before {
		if f.Location != nil {
			lineOf[f.Fingerprint] = f.Location.Line
		}
	}
	for _, f := range after.Findings {
		if !f.Baselined {
			t.Errorf("%s %s (fingerprint %s) not baselined", f.RuleID, f.Resource.ID, f.Fingerprint)
		}
		if f.Location == nil || f.Location.Line != lineOf[f.Fingerprint]+4 {
			t.Errorf("%s %s: location %+v, want line %d+4: the test must move every finding", f.RuleID, f.Resource.ID, f.Location, lineOf[f.Fingerprint])
		}
	}

	code, out, errs = trailgate(t, "check", "--iac", tmpl, "--connector", conn, "--format", "sarif", "--baseline", base)
	if code != exitOK {
		t.Errorf("SARIF with the baseline: exit %d (stderr %q)", code, errs)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID        string `json:"ruleId"`
				BaselineState string `json:"baselineState"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) != len(before) {
		t.Fatalf("SARIF: %d runs, want 1 with %d results", len(log.Runs), len(before))
	}
	for _, r := range log.Runs[0].Results {
		if r.BaselineState != "unchanged" {
			t.Errorf("SARIF result %s: baselineState %q, want unchanged", r.RuleID, r.BaselineState)
		}
	}
}

func readFindings(t *testing.T, path string) []findings.Finding {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []findings.Finding `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Findings
}
