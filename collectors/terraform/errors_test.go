package terraform

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// TestBadInput checks that every malformed plan is refused with an *Error
// naming the file and, where the fault is in the JSON text, its line.
func TestBadInput(t *testing.T) {
	deep := `{"format_version":"1.2","planned_values":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "}"
	tests := []struct {
		name string
		data string
		opts Options
		want Error
	}{
		{"truncated", "{\n \"format_version\": \"1.2\",\n \"planned_values\": {\n", Options{},
			Error{File: "plan.json", Line: 4, Msg: "invalid JSON: unexpected end of JSON input"}},
		{"syntax error on line 3", "{\n \"format_version\": \"1.2\",\n \"planned_values\": {,}\n}", Options{},
			Error{File: "plan.json", Line: 3, Msg: "invalid JSON: invalid character ',' looking for beginning of object key string"}},
		{"resource_changes not a list", "{\n \"format_version\": \"1.2\",\n \"planned_values\": {},\n \"resource_changes\": {}\n}", Options{},
			Error{File: "plan.json", Line: 4, Msg: "resource_changes: expected []*tfjson.ResourceChange, found JSON object"}},
		{"actions not a list", "{\n \"format_version\": \"1.2\",\n \"resource_changes\": [\n  {\"address\": \"aws_s3_bucket.a\",\n   \"change\": {\"actions\": \"create\"}}\n ]\n}", Options{},
			Error{File: "plan.json", Line: 5, Msg: "resource_changes.change.actions: expected tfjson.Actions, found JSON string"}},
		{"unsupported format version", "{\n \"format_version\": \"2.0\",\n \"planned_values\": {}\n}", Options{},
			Error{File: "plan.json", Line: 2, Msg: `unsupported plan format version: "2.0.0" does not satisfy ">= 0.1, < 2.0"`}},
		{"a state, not a plan", "{\n \"format_version\": \"1.0\",\n \"values\": {}\n}", Options{},
			Error{File: "plan.json", Line: 1, Msg: "not a Terraform plan: neither planned_values nor resource_changes is present (use `terraform show -json PLANFILE`)"}},
		{"too large", `{"format_version":"1.2","planned_values":{}}`, Options{MaxBytes: 16},
			Error{File: "plan.json", Msg: "plan is 44 bytes, more than the 16 accepted"}},
		{"nested beyond the decoder's depth limit", deep, Options{},
			Error{File: "plan.json", Line: 1, Msg: "invalid JSON: invalid character '[' exceeded max depth"}},
		{"policy that is not JSON", `{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bucket_policy.p","mode":"managed","type":"aws_s3_bucket_policy","name":"p",
"change":{"actions":["create"],"after":{"bucket":"b","policy":"Version: 2012-10-17"},"after_unknown":{}}}]}`, Options{},
			Error{File: "plan.json", Address: "aws_s3_bucket_policy.p", Msg: "policy: not a JSON policy document: invalid character 'V' looking for beginning of value"}},
		{"redrive policy that is not JSON", `{"format_version":"1.2","resource_changes":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q",
"change":{"actions":["create"],"after":{"name":"q","redrive_policy":"dlq"},"after_unknown":{}}}]}`, Options{},
			Error{File: "plan.json", Address: "aws_sqs_queue.q", Msg: "redrive_policy is not a JSON redrive policy: invalid character 'd' looking for beginning of value"}},
		// terraform show -json writes each attribute with its schema type:
		// a number where a string belongs is not a plan Terraform wrote.
		{"string attribute holding a number (planned_values)", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_s3_bucket.logs","mode":"managed","type":"aws_s3_bucket","name":"logs","values":{"bucket":5}}]}}}`, Options{},
			Error{File: "plan.json", Address: "aws_s3_bucket.logs", Msg: "bucket: must be a string; got the number 5"}},
		{"string attribute holding an object (resource_changes)", `{"format_version":"1.2","resource_changes":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q",
"change":{"actions":["create"],"after":{"name":{"n":"q"}},"after_unknown":{}}}]}`, Options{},
			Error{File: "plan.json", Address: "aws_sqs_queue.q", Msg: "name: must be a string; got an object"}},
		{"nested string attribute holding a boolean", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_s3_bucket_lifecycle_configuration.l","mode":"managed","type":"aws_s3_bucket_lifecycle_configuration","name":"l","values":{"bucket":"b","rule":[{"id":"r","status":true}]}}]}}}`, Options{},
			Error{File: "plan.json", Address: "aws_s3_bucket_lifecycle_configuration.l", Msg: "rule[0].status: must be a string; got the boolean true"}},
		{"list of strings holding a number", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_organizations_organization.o","mode":"managed","type":"aws_organizations_organization","name":"o","values":{"feature_set":"ALL","enabled_policy_types":["SERVICE_CONTROL_POLICY",7]}}]}}}`, Options{},
			Error{File: "plan.json", Address: "aws_organizations_organization.o", Msg: "enabled_policy_types[1]: must be a string; got the number 7"}},
		{"list of strings holding a string", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_organizations_organization.o","mode":"managed","type":"aws_organizations_organization","name":"o","values":{"feature_set":"ALL","enabled_policy_types":"SERVICE_CONTROL_POLICY"}}]}}}`, Options{},
			Error{File: "plan.json", Address: "aws_organizations_organization.o", Msg: "enabled_policy_types: must be a list of strings; got a string"}},
		{"boolean attribute holding a string", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_cloudtrail.t","mode":"managed","type":"aws_cloudtrail","name":"t","values":{"name":"t","s3_bucket_name":"b","is_multi_region_trail":"yes"}}]}}}`, Options{},
			Error{File: "plan.json", Address: "aws_cloudtrail.t", Msg: "is_multi_region_trail: must be a boolean; got a string"}},
		{"number attribute holding a boolean", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q","values":{"name":"q","visibility_timeout_seconds":true}}]}}}`, Options{},
			Error{File: "plan.json", Address: "aws_sqs_queue.q", Msg: "visibility_timeout_seconds: must be a number; got the boolean true"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("plan.json", []byte(tc.data), tc.opts)
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("Parse error = %v (%T), want *Error", err, err)
			}
			if diff := cmp.Diff(tc.want, *got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(got.Error(), "plan.json") {
				t.Errorf("message %q does not start with the file name", got.Error())
			}
		})
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want bool
	}{
		{"plan", `{"format_version":"1.2","planned_values":{}}`, true},
		{"plan, changes only", "\ufeff {\"resource_changes\":[],\"format_version\":\"1.0\"}", true},
		{"state", `{"format_version":"1.0","values":{}}`, false},
		{"snapshot", `{"schema_version":"1","source":"live","accounts":[]}`, false},
		{"cloudformation", `{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}`, false},
		{"yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n", false},
		{"broken", `{"format_version":`, false},
		{"empty", ``, false},
	} {
		if got := Detect([]byte(tc.data)); got != tc.want {
			t.Errorf("Detect(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	// Small seeds keep the fuzzer's mutations meaningful; the golden plans
	// cover breadth.
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q","change":{"actions":["create"],"after":{"name":"q","redrive_policy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:1:d\",\"maxReceiveCount\":\"5\"}"},"after_unknown":{"arn":true}}}]}`))
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"module.m[\"a\"].aws_s3_bucket_policy.p","module_address":"module.m[\"a\"]","mode":"managed","type":"aws_s3_bucket_policy","name":"p","change":{"actions":["create"],"after":{"policy":"{\"Statement\":[{}]}"},"after_unknown":{"bucket":true}}}],` +
		`"configuration":{"root_module":{"module_calls":{"m":{"module":{"resources":[{"address":"aws_s3_bucket_policy.p","mode":"managed","type":"aws_s3_bucket_policy","name":"p","expressions":{"bucket":{"references":["aws_s3_bucket.b[0].id","aws_s3_bucket.b"]}}}]}}}}}}`))
	f.Add([]byte(`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_organizations_policy_attachment.a","mode":"managed","type":"aws_organizations_policy_attachment","name":"a","values":{"policy_id":"p-1","target_id":"r-1"}}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.json", data, Options{})
		validOrError(t, s, err)
	})
}

// validOrError is what a fuzz target asks of Parse: a valid snapshot or
// an *Error.
func validOrError(t *testing.T, s *snapshot.Snapshot, err error) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		return
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("invalid snapshot: %v", err)
	}
}

func BenchmarkParsePlan(b *testing.B) {
	data, err := os.ReadFile("testdata/s3_sns_sqs.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("plan.json", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestQueueWithUnknownName is a queue named by name_prefix: its name, ARN
// and URL are known only after apply. Deriving the ARN from the name once
// asked the name for itself, recursing until the stack overflowed (a fatal
// error no recover() catches); now each is an unknown value.
func TestQueueWithUnknownName(t *testing.T) {
	plan := `{"format_version":"1.2","resource_changes":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q",` +
		`"change":{"actions":["create"],"after":{"name_prefix":"logs-"},"after_unknown":{"name":true,"arn":true,"id":true,"url":true}}}]}`
	s, err := Parse("plan.json", []byte(plan), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Accounts) != 1 || len(s.Accounts[0].Queues) != 1 {
		t.Fatalf("want one queue, got %+v", s.Accounts)
	}
	q := s.Accounts[0].Queues[0]
	if !snapshot.IsUnknown(q.ARN) || !snapshot.IsUnknown(q.Name) {
		t.Errorf("queue ARN %q and name %q: want unknown tokens", q.ARN, q.Name)
	}
}

// TestSensitiveValues: values the plan marks sensitive (after_sensitive,
// a state's sensitive_values, a sensitive variable) are listed so that no
// output prints them.
func TestSensitiveValues(t *testing.T) {
	plan := `{"format_version":"1.2",
	 "variables":{"ext":{"value":"var-secret"}},
	 "configuration":{"root_module":{"variables":{"ext":{"sensitive":true}}}},
	 "planned_values":{"root_module":{"resources":[{"address":"aws_sns_topic.t","mode":"managed","type":"aws_sns_topic","name":"t",
	   "values":{"name":"t","arn":"arn:aws:sns:us-east-1:123456789012:t","kms_master_key_id":"state-secret"},"sensitive_values":{"kms_master_key_id":true}}]}},
	 "resource_changes":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q",
	   "change":{"actions":["create"],"after":{"name":"q","kms_master_key_id":"alias/after-secret","tags":{"a":"tag-secret"}},
	   "after_unknown":{"arn":true,"id":true,"url":true},"after_sensitive":{"kms_master_key_id":true,"tags":true}}}]}`
	s, err := Parse("plan.json", []byte(plan), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alias/after-secret", "state-secret", "tag-secret", "var-secret"}
	if diff := cmp.Diff(want, s.Sensitive); diff != "" {
		t.Errorf("Sensitive (-want +got):\n%s", diff)
	}
}
