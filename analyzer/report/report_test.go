package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/findings"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// sampleRules and sampleFindings exercise every branch a writer has: a live
// finding (logical location), IaC findings with and without a line and
// address, a baselined finding, a multi-line remediation, every severity,
// and a rule with no finding (which SARIF must still register).
var sampleRules = []findings.Rule{
	{ID: "S305", Severity: "critical", Title: "Reader cannot read log objects", Description: "The connector role lacks s3:GetObject on bucket/* or s3:ListBucket on the bucket.", Remediation: "Grant s3:GetObject on arn:aws:s3:::BUCKET/* and s3:ListBucket on arn:aws:s3:::BUCKET, in the role policy and the bucket policy.", Area: "bucket", RelatedResources: []string{"https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html"}},
	{ID: "CT02", Severity: "high", Title: "Trail coverage gaps", Description: "The trail misses regions, global service events or management events.", Remediation: "Set IsMultiRegionTrail and IncludeGlobalServiceEvents to true and start logging.", Area: "trail"},
	{ID: "KM01", Severity: "critical", Title: "Connector role cannot decrypt the trail's log files", Description: "The key policy or the role policy does not allow kms:Decrypt.", Remediation: "Add to the key policy a statement allowing the role kms:Decrypt.", Area: "key"},
	{ID: "NT01", Severity: "critical", Title: "Notification missing or incomplete", Description: "No S3 event notification reaches the pipeline for every created object.", Remediation: "Notify on s3:ObjectCreated:* to the pipeline's topic or queue.", Area: "notification"},
	{ID: "SQ01", Severity: "medium", Title: "Queue settings", Description: "Queue visibility or retention lets messages expire unread.", Remediation: "Raise MessageRetentionPeriod.", Area: "queue"},
	{ID: "ID01", Severity: "low", Title: "Identity hygiene", Description: "A hygiene problem.", Remediation: "Tidy up.", Area: "identity"},
}

var sampleFindings = []findings.Finding{
	{
		RuleID: "CT02", Severity: "high", Title: "Trail coverage gaps",
		Message:     "trail org-trail is single-region: events from other regions are never logged",
		Resource:    findings.Resource{ID: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", Type: "AWS::CloudTrail::Trail", Account: "111111111111", Region: "us-east-1"},
		Remediation: "Set IsMultiRegionTrail to true.",
		Fingerprint: findings.Fingerprint("CT02", "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", "IsMultiRegionTrail=false"),
	},
	{
		RuleID: "KM01", Severity: "critical", Title: "Connector role cannot decrypt the trail's log files",
		Message:     "role/ExpelRole cannot kms:Decrypt key/1234: no statement in the key policy allows it",
		Resource:    findings.Resource{ID: "arn:aws:kms:us-east-1:111111111111:key/1234", Type: "AWS::KMS::Key", Account: "111111111111", Region: "us-east-1"},
		Location:    &findings.Location{File: "templates/logging.yaml", Line: 42},
		Address:     "TrailKey",
		Remediation: "Add to the key policy:\n{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::222222222222:role/ExpelRole\"},\n \"Action\": \"kms:Decrypt\", \"Resource\": \"*\"}",
		Fingerprint: findings.Fingerprint("KM01", "arn:aws:kms:us-east-1:111111111111:key/1234", "role/ExpelRole kms:Decrypt"),
	},
	{
		RuleID: "SQ01", Severity: "medium", Title: "Queue settings",
		Message:     "queue expel-cloudtrail keeps messages 1 hour; a connector outage longer than that loses notifications",
		Resource:    findings.Resource{ID: "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail", Type: "AWS::SQS::Queue", Account: "222222222222", Region: "us-east-1"},
		Location:    &findings.Location{File: "plans/my dir/plan.json"},
		Address:     "aws_sqs_queue.expel",
		Remediation: "Raise MessageRetentionPeriod to 4 days or more.",
		Fingerprint: findings.Fingerprint("SQ01", "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail", "retention=3600"),
		Baselined:   true,
	},
	{
		RuleID: "NT01", Severity: "critical", Title: "Notification missing or incomplete",
		Message:     "bucket org-logs notifies only on s3:ObjectCreated:Put; multipart uploads are missed",
		Resource:    findings.Resource{ID: "arn:aws:s3:::org-logs", Type: "AWS::S3::Bucket", Account: "333333333333", Region: "us-east-1"},
		Remediation: "Notify on s3:ObjectCreated:*.",
		Fingerprint: findings.Fingerprint("NT01", "arn:aws:s3:::org-logs", "events=Put"),
	},
	{
		RuleID: "ID01", Severity: "low", Title: "Identity hygiene",
		Message:     "role ExpelRole <trusts> & more",
		Resource:    findings.Resource{ID: "arn:aws:iam::222222222222:role/ExpelRole", Type: "AWS::IAM::Role", Account: "222222222222"},
		Remediation: "Tidy up.",
		Fingerprint: findings.Fingerprint("ID01", "arn:aws:iam::222222222222:role/ExpelRole", "x"),
	},
	{
		RuleID: "S305", Severity: "low", Title: "Reader cannot read log objects",
		Message:     "cannot prove: whether arn:aws:iam::222222222222:role/ExpelRole may s3:GetObject on arn:aws:s3:::org-logs/AWSLogs/x: the bucket policy of org-logs holds a value the IaC collector could not resolve",
		Resource:    findings.Resource{ID: "arn:aws:s3:::org-logs", Type: "AWS::S3::Bucket"},
		Remediation: "Make the value known and check again.",
		Fingerprint: findings.Fingerprint("S305", "arn:aws:s3:::org-logs", "unproven"),
		Unproven:    true,
	},
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./analyzer/report -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// samplePaths is a delivery path through the resources of sampleFindings,
// with the findings attributed as check.Run does.
func samplePaths() []datapath.Path {
	hop := func(kind datapath.HopKind, arn string) datapath.Hop {
		return datapath.Hop{Kind: kind, Resources: []datapath.Resource{{ARN: arn}}, Status: datapath.StatusOK}
	}
	trail := "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
	p := datapath.Path{
		ID:     trail + " -> arn:aws:sns:us-east-1:222222222222:org-logs-events -> arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail",
		Source: datapath.Source{Kind: datapath.SourceCloudTrail, ARN: trail, Bucket: "org-logs", KeyPrefix: "AWSLogs/o-abc123def4/"},
		Hops: []datapath.Hop{
			hop(datapath.HopWriter, trail),
			hop(datapath.HopBucket, "arn:aws:s3:::org-logs"),
			hop(datapath.HopObjectKey, "arn:aws:kms:us-east-1:111111111111:key/1234"),
			hop(datapath.HopNotification, "arn:aws:s3:::org-logs"),
			hop(datapath.HopTopic, "arn:aws:sns:us-east-1:222222222222:org-logs-events"),
			hop(datapath.HopQueue, "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail"),
			hop(datapath.HopReader, "arn:aws:iam::222222222222:role/ExpelRole"),
			hop(datapath.HopRead, "arn:aws:s3:::org-logs"),
		},
	}
	p.Hops[7].Questions = []datapath.Question{{Principal: "arn:aws:iam::222222222222:role/ExpelRole", Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:111111111111:key/1234"}}
	hops := map[string][]datapath.HopKind{
		"CT02": {datapath.HopWriter}, "KM01": {datapath.HopRead, datapath.HopReader}, "SQ01": {datapath.HopQueue},
		"NT01": {datapath.HopNotification}, "ID01": {datapath.HopReader}, "S305": {datapath.HopRead},
	}
	return datapath.Attribute([]datapath.Path{p}, sampleFindings, hops)
}

func TestGolden(t *testing.T) {
	opts := Options{ToolVersion: "0.1.0-test", BaselineUsed: true}
	cases := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"findings.txt", func(b *bytes.Buffer) error { return WriteText(b, sampleFindings, sampleRules, opts) }},
		{"findings-color.txt", func(b *bytes.Buffer) error {
			o := opts
			o.Color = true
			return WriteText(b, sampleFindings, sampleRules, o)
		}},
		{"empty.txt", func(b *bytes.Buffer) error { return WriteText(b, nil, sampleRules, Options{}) }},
		{"paths.txt", func(b *bytes.Buffer) error {
			o := opts
			o.Paths = samplePaths()
			return WriteText(b, sampleFindings, sampleRules, o)
		}},
		{"paths.json", func(b *bytes.Buffer) error {
			o := opts
			o.Paths = samplePaths()
			return WriteJSON(b, sampleFindings, sampleRules, o)
		}},
		{"paths.sarif", func(b *bytes.Buffer) error {
			o := opts
			o.Paths = samplePaths()
			return WriteSARIF(b, sampleFindings, sampleRules, o)
		}},
		{"findings.json", func(b *bytes.Buffer) error { return WriteJSON(b, sampleFindings, sampleRules, opts) }},
		{"empty.json", func(b *bytes.Buffer) error { return WriteJSON(b, nil, sampleRules, Options{ToolVersion: "0.1.0-test"}) }},
		{"findings.sarif", func(b *bytes.Buffer) error { return WriteSARIF(b, sampleFindings, sampleRules, opts) }},
		{"empty.sarif", func(b *bytes.Buffer) error {
			return WriteSARIF(b, nil, sampleRules, Options{ToolVersion: "0.1.0-test"})
		}},
		{"rules.txt", func(b *bytes.Buffer) error { return WriteRulesText(b, sampleRules) }},
		{"rules.json", func(b *bytes.Buffer) error { return WriteRulesJSON(b, sampleRules, Options{ToolVersion: "0.1.0-test"}) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := c.write(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, b.Bytes())
		})
	}
}

// The writers must not depend on the order findings arrive in, nor reorder
// the caller's slice.
func TestWritersAreOrderIndependent(t *testing.T) {
	reversed := make([]findings.Finding, len(sampleFindings))
	for i, f := range sampleFindings {
		reversed[len(sampleFindings)-1-i] = f
	}
	before := append([]findings.Finding(nil), reversed...)
	for _, format := range Formats {
		w, err := WriterFor(format)
		if err != nil {
			t.Fatal(err)
		}
		var a, b bytes.Buffer
		if err := w(&a, sampleFindings, sampleRules, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := w(&b, reversed, sampleRules, Options{}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a.String(), b.String()); diff != "" {
			t.Errorf("%s output depends on input order (-sorted +reversed):\n%s", format, diff)
		}
	}
	if diff := cmp.Diff(before, reversed); diff != "" {
		t.Errorf("writers reordered the caller's slice:\n%s", diff)
	}
}

func TestWriterForUnknownFormat(t *testing.T) {
	if _, err := WriterFor("xml"); err == nil {
		t.Fatal("WriterFor(xml) succeeded")
	}
}

func TestColorFor(t *testing.T) {
	var b bytes.Buffer
	if ColorFor(&b) {
		t.Error("a buffer is not a terminal")
	}
	t.Setenv("NO_COLOR", "1")
	if ColorFor(os.Stdout) {
		t.Error("NO_COLOR set, yet colour chosen")
	}
}

// Notes are said once per run, in every format.
func TestNotesInEveryFormat(t *testing.T) {
	note := "SCPs and RCPs were not given"
	for _, format := range Formats {
		w, err := WriterFor(format)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := w(&b, nil, nil, Options{Notes: []string{note}}); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(b.String(), note); n != 1 {
			t.Errorf("%s output holds the note %d times, want once:\n%s", format, n, b.String())
		}
	}
}
