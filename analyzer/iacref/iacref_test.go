package iacref

import (
	"encoding/json"
	"reflect"
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
// template becomes a YAML flow mapping, whose symbol values are the
// intrinsic functions (never a tag inside JSON text); for a JSON template
// it stays JSON.
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
	want := `Add to an identity policy of arn:aws:iam::{AWS::AccountId}:role/{ReaderRole.Name}: {Action: 'kms:Decrypt', Effect: Allow, Resource: !GetAtt TrailKey.Arn}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(got[strings.LastIndex(got, ": {")+2:]), &node); err != nil {
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

// TestRemediationLongStatement: a statement with several symbols, a
// condition and lists stays on the remediation's one line, in YAML flow
// style (no JSON key with a tag after it), and reads back as the same
// statement with its intrinsics.
func TestRemediationLongStatement(t *testing.T) {
	acct := snapshot.Symbol("t.yaml", "AWS", "AccountId")
	topic := snapshot.Symbol("t.yaml", "ReportsTopic", "Name")
	bucket := snapshot.Symbol("t.yaml", "LogBucket", "Name")
	stmt, _ := json.Marshal(map[string]any{
		"Sid": "AllowS3PublishLogEvents", "Effect": "Allow", "Principal": map[string]any{"Service": "s3.amazonaws.com"},
		"Action": "SNS:Publish", "Resource": "arn:aws:sns:us-east-1:" + acct + ":" + topic,
		"Condition": map[string]any{"ArnLike": map[string]any{"aws:SourceArn": "arn:aws:s3:::" + bucket}, "StringEquals": map[string]any{"aws:SourceAccount": acct}},
	})
	got := Remediation("Add to the topic policy: " + string(stmt) + " (and keep the others)")
	if strings.Contains(got, `":!`) || strings.Contains(got, "\n") || snapshot.IsSymbol(got) {
		t.Fatalf("not one line of YAML: %s", got)
	}
	body := strings.TrimSuffix(strings.TrimPrefix(got, "Add to the topic policy: "), " (and keep the others)")
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(body), &node); err != nil {
		t.Fatalf("%s: no YAML: %v", body, err)
	}
	want := map[string]string{"Resource": "!Ref ReportsTopic", "aws:SourceArn": "!GetAtt LogBucket.Arn", "aws:SourceAccount": "!Ref AWS::AccountId"}
	seen := map[string]string{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if v := n.Content[i+1]; v.Kind == yaml.ScalarNode && strings.HasPrefix(v.Tag, "!") && !strings.HasPrefix(v.Tag, "!!") {
					seen[n.Content[i].Value] = v.Tag + " " + v.Value
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&node)
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("intrinsics %v, want %v (%s)", seen, want, got)
	}
	// encoding/json sorts a map's keys; the statement keeps that order.
	if !strings.HasPrefix(body, "{Action: 'SNS:Publish', Condition: {ArnLike: ") {
		t.Errorf("keys out of order: %s", body)
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

// TestRemediationTerraformStatement: a JSON statement holding a
// Terraform symbol becomes an HCL object (the jsonencode argument a
// configuration writes): keys in their order, names with a colon quoted,
// the symbol a reference, no JSON key before a bare reference.
func TestRemediationTerraformStatement(t *testing.T) {
	key := snapshot.Symbol("plan.json", "aws_kms_key.trail", "key_id")
	acct := snapshot.Symbol("plan.json", "provider", "account_id")
	stmt, _ := json.Marshal(map[string]any{
		"Action": "kms:Decrypt", "Effect": "Allow", "Resource": "arn:aws:kms:us-east-1:" + acct + ":key/" + key,
		"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": []any{"s3.us-east-1.amazonaws.com"}}},
	})
	got := Remediation("Add to an identity policy of arn:aws:iam::1:role/r: " + string(stmt))
	want := `Add to an identity policy of arn:aws:iam::1:role/r: { Action = "kms:Decrypt", Condition = { StringEquals = { "kms:ViaService" = ["s3.us-east-1.amazonaws.com"] } }, Effect = "Allow", Resource = aws_kms_key.trail.arn }`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
