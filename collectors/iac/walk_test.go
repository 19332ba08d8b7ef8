package iac

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A repository's cloudformation/ folder with one template trailgate cannot
// read: the others are judged, and the bad one is listed with its line.
func TestWalkJudgesTheRestOfADirectory(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"cloudformation/queue.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  QueueName:
    Type: String
    Default: siem-cloudtrail
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Ref QueueName
`,
		"cloudformation/broken.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !GetAtt Nowhere.TopicName
`,
		"cloudformation/bucket.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: org-logs
  LogsPolicy:
    Type: AWS::S3::BucketPolicyy
    Properties:
      Bucket: !Ref Logs
      PolicyDocument: {}
`,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Read([]string{dir}, Options{Params: map[string]string{"QueueNmae": "x", "Unrelated": "y", "AWS::AccountId": "111122223333"}})
	if err != nil {
		t.Fatalf("one bad template aborts the walk: %v", err)
	}
	broken := filepath.Join(dir, "cloudformation/broken.yaml")
	want := []Skipped{{Path: broken, Line: 6, Fault: true, Reason: `Fn::GetAtt: no resource "Nowhere"`}}
	if diff := cmp.Diff(want, res.Faults()); diff != "" {
		t.Errorf("faults (-want +got):\n%s", diff)
	}
	if got := res.Faults()[0].String(); got != broken+`:6: Fn::GetAtt: no resource "Nowhere"` {
		t.Errorf("fault reads %q", got)
	}
	var names []string
	for _, a := range res.Snapshot.Accounts {
		for _, q := range a.Queues {
			names = append(names, q.Name)
		}
		for _, b := range a.Buckets {
			names = append(names, b.Name)
		}
	}
	if diff := cmp.Diff([]string{"siem-cloudtrail", "org-logs"}, names); diff != "" {
		t.Errorf("judged resources (-want +got):\n%s", diff)
	}
	var warnings []string
	for _, w := range res.Warnings {
		warnings = append(warnings, w.String())
	}
	wantW := []string{
		filepath.Join(dir, "cloudformation/bucket.yaml") + ":8: LogsPolicy: unknown resource type AWS::S3::BucketPolicyy; did you mean AWS::S3::BucketPolicy? (it is not judged)",
		"--param QueueNmae: no template declares a parameter QueueNmae, so its value is not used; did you mean QueueName?",
		"--param Unrelated: no template declares a parameter Unrelated, so its value is not used (declared: QueueName)",
	}
	if diff := cmp.Diff(wantW, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	// Named explicitly, the bad template is the error; alone in a walk,
	// too: nothing would be judged.
	if _, err := Read([]string{broken}, Options{}); err == nil || err.Error() != broken+`:6: Fn::GetAtt: no resource "Nowhere"` {
		t.Errorf("named bad template: err = %v, want its fault", err)
	}
	only := t.TempDir()
	if err := os.WriteFile(filepath.Join(only, "t.yaml"), []byte(files["cloudformation/broken.yaml"]), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read([]string{only}, Options{}); err == nil || !strings.Contains(err.Error(), `t.yaml:6: Fn::GetAtt: no resource "Nowhere"`) {
		t.Errorf("a walk in which nothing could be read: err = %v, want the fault", err)
	}
}
