package iacref

import (
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

func TestValue(t *testing.T) {
	acct := snapshot.Symbol("t.yaml", "AWS", "AccountId")
	key := snapshot.Symbol("t.yaml", "TrailKey", "KeyId")
	topic := snapshot.Symbol("t.yaml", "LogTopic", "Name")
	queue := snapshot.Symbol("t.yaml", "LogQueue", "Name")
	bucket := snapshot.Symbol("t.yaml", "LogBucket", "Name")
	det := snapshot.Symbol("t.yaml", "Detector", "DetectorId")
	jkey := snapshot.Symbol("t.json", "TrailKey", "KeyId")
	jacct := snapshot.Symbol("t.json", "AWS", "AccountId")
	tfKey := snapshot.Symbol("plan.json", "module.logs.aws_kms_key.this", "key_id")
	tfAcct := snapshot.Symbol("plan.json", "provider", "account_id")
	tfBucket := snapshot.Symbol("plan.json", `module.q["a"].aws_s3_bucket.this`, "bucket")
	for _, c := range []struct{ in, want string }{
		// A resource's whole ARN is its Arn attribute (a topic's Ref).
		{"arn:aws:kms:us-east-1:" + acct + ":key/" + key, "!GetAtt TrailKey.Arn"},
		{"arn:aws:sns:us-east-1:" + acct + ":" + topic, "!Ref LogTopic"},
		{"arn:aws:sqs:us-east-1:" + acct + ":" + queue, "!GetAtt LogQueue.Arn"},
		{"arn:aws:s3:::" + bucket, "!GetAtt LogBucket.Arn"},
		{"arn:aws:kms:us-east-1:" + jacct + ":key/" + jkey, `{"Fn::GetAtt": ["TrailKey", "Arn"]}`},
		{"arn:aws:kms:us-east-1:" + tfAcct + ":key/" + tfKey, "module.logs.aws_kms_key.this.arn"},
		// Anything else is a !Sub (Ref gives a key's and detector's ID,
		// a bucket's name; a queue's name is an attribute).
		{"arn:aws:s3:::" + bucket + "/AWSLogs/" + acct + "/*", `!Sub "arn:aws:s3:::${LogBucket}/AWSLogs/${AWS::AccountId}/*"`},
		{"arn:aws:guardduty:us-east-1:" + acct + ":detector/" + det, `!Sub "arn:aws:guardduty:us-east-1:${AWS::AccountId}:detector/${Detector}"`},
		{"arn:aws:sqs:us-east-1:" + acct + ":" + queue + "-dlq", `!Sub "arn:aws:sqs:us-east-1:${AWS::AccountId}:${LogQueue.QueueName}-dlq"`},
		{acct, "!Ref AWS::AccountId"},
		{key, "!Ref TrailKey"},
		{"arn:aws:iam::" + jacct + ":root", `{"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}`},
		{"arn:aws:s3:::" + tfBucket + "/${aws:username}/*", `"arn:aws:s3:::${module.q["a"].aws_s3_bucket.this.bucket}/$${aws:username}/*"`},
		{tfAcct, "data.aws_caller_identity.current.account_id"},
	} {
		got, ok := Value(c.in)
		if !ok || got != c.want {
			t.Errorf("Value(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	if _, ok := Value("arn:aws:s3:::plain"); ok {
		t.Error("a value without a symbol has no expression")
	}
	if _, ok := Value("x-" + queue); ok {
		t.Error("a generated name outside an ARN has no one expression (Ref differs by type)")
	}
	if _, ok := Value(key + tfKey); ok {
		t.Error("symbols of two inputs have no one expression")
	}
}

// TestRemediationPastes: a JSON statement in a remediation for a YAML
// template stays a YAML flow mapping, whose symbol values are the
// intrinsic functions; for a JSON template it stays JSON.
func TestRemediationPastes(t *testing.T) {
	acct := snapshot.Symbol("t.yaml", "AWS", "AccountId")
	key := snapshot.Symbol("t.yaml", "TrailKey", "KeyId")
	role := snapshot.Symbol("t.yaml", "ReaderRole", "Name")
	stmt, err := json.Marshal(map[string]any{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:" + acct + ":key/" + key})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(stmt), `\u003c@`) {
		t.Fatalf("encoding/json no longer escapes '<': %s", stmt)
	}
	got := Remediation("Add to an identity policy of arn:aws:iam::" + acct + ":role/" + role + ": " + string(stmt))
	want := `Add to an identity policy of arn:aws:iam::{AWS::AccountId}:role/{ReaderRole.Name}: {"Action":"kms:Decrypt","Effect":"Allow","Resource":!GetAtt TrailKey.Arn}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(got[strings.Index(got, "{\""):]), &node); err != nil {
		t.Fatalf("the statement is no YAML: %v", err)
	}
	m := node.Content[0]
	if v := m.Content[5]; v.Tag != "!GetAtt" || v.Value != "TrailKey.Arn" {
		t.Errorf("Resource is %s %q, want !GetAtt TrailKey.Arn", v.Tag, v.Value)
	}

	jkey := snapshot.Symbol("t.json", "TrailKey", "KeyId")
	jacct := snapshot.Symbol("t.json", "AWS", "AccountId")
	stmt, _ = json.Marshal(map[string]any{"Resource": "arn:aws:kms:us-east-1:" + jacct + ":key/" + jkey})
	got = Remediation("Add: " + string(stmt))
	var v map[string]any
	if err := json.Unmarshal([]byte(strings.TrimPrefix(got, "Add: ")), &v); err != nil {
		t.Fatalf("%s: the statement is no JSON: %v", got, err)
	}
	if snapshot.IsSymbol(got) {
		t.Errorf("a symbol token is left: %s", got)
	}
}

func TestParseSymbolRoundTrip(t *testing.T) {
	for _, c := range [][3]string{
		{"dir/t.yaml", "Key", "KeyId"},
		{"plan.json", `module.q["a.b"].aws_sqs_queue.this`, "name"},
		{"a b#c.json", "provider", "account_id"},
	} {
		f, o, a, ok := snapshot.ParseSymbol(snapshot.Symbol(c[0], c[1], c[2]))
		if !ok || f != c[0] || o != c[1] || a != c[2] {
			t.Errorf("ParseSymbol(Symbol(%q)) = %q %q %q %v", c, f, o, a, ok)
		}
	}
}

func TestServiceOf(t *testing.T) {
	sym := snapshot.Symbol("t.yaml", "Queue", "Name")
	for _, tc := range []struct{ in, want string }{
		{"arn:aws:sqs:us-east-1:111122223333:" + sym, "sqs"},
		{"arn:aws:s3:::" + sym + "/key:with:colons", "s3"},
		{"arn:*:sns:*:*:*", "sns"},
		{"arn:aws:iam::" + sym + ":role/R", "iam"},
		{"arn:aws:sqs:us-east-1", ""},
		{"aws:sqs:us-east-1:111122223333:q:x", ""},
		{sym, ""},
		{"*", ""},
	} {
		if got := serviceOf(tc.in); got != tc.want {
			t.Errorf("serviceOf(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
