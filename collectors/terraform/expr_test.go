package terraform

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// exprPlan is the plan of testdata/config/expressions/main.tf as
// `terraform show -json` writes it: the bucket, queue and topic names are
// generated, so every policy is known only after apply and the plan keeps
// only its references.
func exprPlan(t testing.TB) []byte {
	t.Helper()
	var changes, config []any
	add := func(typ, name string, index any, after, unknown map[string]any, exprs map[string]any) {
		addr := typ + "." + name
		switch k := index.(type) {
		case int:
			addr += "[" + itoa(k) + "]"
		case string:
			addr += `["` + k + `"]`
		}
		rc := map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
			"change": map[string]any{"actions": []string{"create"}, "before": nil, "after": after, "after_unknown": unknown}}
		if index != nil {
			rc["index"] = index
		}
		changes = append(changes, rc)
		if index == nil || index == 0 || index == "splunk" {
			config = append(config, map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
				"provider_config_key": "aws", "expressions": exprs, "schema_version": 0})
		}
	}
	refs := func(r ...string) map[string]any { return map[string]any{"references": r} }
	for i := range 2 {
		add("aws_s3_bucket", "b", i, map[string]any{"force_destroy": false}, map[string]any{"bucket": true, "arn": true, "id": true, "bucket_prefix": true},
			map[string]any{"bucket_prefix": refs("local.prefix", "count.index")})
		add("aws_s3_bucket_policy", "b", i, map[string]any{}, map[string]any{"bucket": true, "id": true, "policy": true},
			map[string]any{"bucket": refs("aws_s3_bucket.b", "count.index"), "policy": refs("local.account", "aws_s3_bucket.b", "count.index", "aws_s3_bucket.b[0].arn", "aws_s3_bucket.b[0]", "aws_s3_bucket.b", "aws_s3_bucket.b[1].arn", "aws_s3_bucket.b[1]", "aws_s3_bucket.b")})
	}
	for _, k := range []string{"splunk", "sumo"} {
		add("aws_sqs_queue", "q", k, map[string]any{"name_prefix": k + "-", "max_message_size": 262144}, map[string]any{"name": true, "arn": true, "id": true, "url": true},
			map[string]any{"name_prefix": refs("each.key")})
		add("aws_sqs_queue_policy", "q", k, map[string]any{}, map[string]any{"queue_url": true, "id": true, "policy": true},
			map[string]any{"queue_url": refs("aws_sqs_queue.q", "each.key"), "policy": refs("each.key", "each.value", "aws_sqs_queue.q", "each.key", "local.account")})
	}
	add("aws_sns_topic", "t", nil, map[string]any{"name_prefix": "t-"}, map[string]any{"name": true, "arn": true, "id": true},
		map[string]any{"name_prefix": map[string]any{"constant_value": "t-"}})
	add("aws_sns_topic_policy", "t", nil, map[string]any{}, map[string]any{"arn": true, "id": true, "policy": true},
		map[string]any{"arn": refs("aws_sns_topic.t.arn", "aws_sns_topic.t"), "policy": refs("var.env", "aws_sns_topic.t.arn", "aws_sns_topic.t")})
	plan := map[string]any{"format_version": "1.2", "terraform_version": "1.10.5",
		"variables":        map[string]any{"env": map[string]any{"value": "prod"}, "queues": map[string]any{"value": map[string]any{"splunk": "siem", "sumo": "archive"}}},
		"resource_changes": changes,
		"prior_state": map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": []any{
			map[string]any{"address": "data.aws_caller_identity.current", "mode": "data", "type": "aws_caller_identity", "name": "current",
				"values": map[string]any{"account_id": "111122223333", "id": "111122223333"}}}}}},
		"configuration": map[string]any{"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "expressions": map[string]any{"region": map[string]any{"constant_value": "us-east-1"}}}},
			"root_module": map[string]any{"resources": config}},
	}
	data, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// statements decodes a policy's statements.
func statements(t *testing.T, p *snapshot.Policy) []map[string]any {
	t.Helper()
	if p == nil {
		t.Fatal("no policy")
	}
	var doc struct{ Statement any }
	if err := json.Unmarshal(p.Document, &doc); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	switch s := doc.Statement.(type) {
	case []any:
		for _, e := range s {
			out = append(out, e.(map[string]any))
		}
	case map[string]any:
		out = append(out, s)
	default:
		t.Fatalf("statement %v", s)
	}
	return out
}

// TestExpressionsFromConfiguration: the .tf text of policies the plan
// knows only after apply is evaluated; each generated name is the symbol
// its resource gets (count and for_each instances each their own), and
// an expression outside the subset stays unknown.
func TestExpressionsFromConfiguration(t *testing.T) {
	dir := t.TempDir()
	tf, err := os.ReadFile("testdata/config/expressions/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), tf, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Parse("plan.json", exprPlan(t), Options{ConfigDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	sym := func(owner, attr string) string { return snapshot.Symbol("plan.json", owner, attr) }
	bucketARN := func(i string) string { return "arn:aws:s3:::" + sym("aws_s3_bucket.b["+i+"]", "bucket") }
	a := s.Accounts[0]
	if a.ID != "111122223333" {
		t.Errorf("account %s", a.ID)
	}
	var buckets []string
	for _, b := range a.Buckets {
		buckets = append(buckets, b.ARN)
		st := statements(t, b.Policy)
		i := strings.TrimSuffix(strings.TrimPrefix(b.Location.Address, "aws_s3_bucket.b["), "]")
		want := []map[string]any{
			{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": bucketARN(i) + "/*"},
			{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": []any{bucketARN("0"), bucketARN("1") + "/*"},
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}},
		}
		if diff := cmp.Diff(want, st); diff != "" {
			t.Errorf("%s policy (-want +got):\n%s", b.Name, diff)
		}
		// Each statement is placed on the line that opens it.
		if got := []int{b.Policy.StatementLocations[0].Line, b.Policy.StatementLocations[1].Line}; !cmp.Equal(got, []int{31, 37}) {
			t.Errorf("statement lines %v, want [31 37]", got)
		}
	}
	if diff := cmp.Diff([]string{bucketARN("0"), bucketARN("1")}, buckets); diff != "" {
		t.Errorf("buckets (-want +got):\n%s", diff)
	}
	if len(a.Queues) != 2 {
		t.Fatalf("queues: %+v", a.Queues)
	}
	for _, q := range a.Queues {
		k := strings.TrimSuffix(strings.TrimPrefix(q.Location.Address, `aws_sqs_queue.q["`), `"]`)
		value := map[string]string{"splunk": "siem", "sumo": "archive"}[k]
		want := []map[string]any{{"Sid": k + value, "Effect": "Allow", "Principal": map[string]any{"Service": "sns.amazonaws.com"},
			"Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:" + sym(`aws_sqs_queue.q["`+k+`"]`, "name"),
			"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"},
				// The plan's number stays a number in the document.
				"NumericLessThanEquals": map[string]any{"sqs:MessageSize": float64(262144)}}}}
		if diff := cmp.Diff(want, statements(t, q.Policy)); diff != "" {
			t.Errorf("%s policy (-want +got):\n%s", k, diff)
		}
	}
	if len(a.Topics) != 1 || !snapshot.IsUnknown(string(a.Topics[0].Policy.Document)) {
		t.Errorf("a conditional must leave the topic policy unknown: %+v", a.Topics)
	}
}

// FuzzConfigExpressions: whatever the .tf text beside a plan says (the
// expression evaluator reads it), Parse returns a valid snapshot or an
// *Error, never panics or loops.
func FuzzConfigExpressions(f *testing.F) {
	tf, err := os.ReadFile("testdata/config/expressions/main.tf")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(tf))
	f.Add(`locals { a = local.b, b = local.a }
resource "aws_s3_bucket_policy" "b" {
  count  = 2
  policy = jsonencode({ Statement = [{ Resource = local.a }] })
}`)
	f.Add(`resource "aws_sqs_queue_policy" "q" {
  for_each = var.queues
  policy   = format("%d%s", each.value, aws_sqs_queue.q[each.key].arn, join("", [aws_s3_bucket.b[9].arn]))
}`)
	plan := exprPlan(f)
	f.Fuzz(func(t *testing.T, tf string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Parse("plan.json", plan, Options{ConfigDir: dir})
		validOrError(t, s, err)
	})
}

// TestExpressionsBounded: locals that each name the one before twice
// would, evaluated naively, take 2^n steps or hold 2^n bytes; a cycle
// would never end. Each is evaluated once, a value past maxExprBytes or a
// cycle is unknown, and the run ends at once.
func TestExpressionsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("locals {\n  l0 = \"xx\"\n")
	for i := 1; i <= 40; i++ {
		b.WriteString("  l" + itoa(i) + " = \"${local.l" + itoa(i-1) + "}${local.l" + itoa(i-1) + "}\"\n")
	}
	b.WriteString("  c1 = [local.c2, local.c2]\n  c2 = [local.c1, local.c1]\n}\n")
	for _, name := range []string{"l40", "c1"} {
		tf := b.String() + `resource "aws_sns_topic_policy" "t" {
  arn    = aws_sns_topic.t.arn
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sns:Publish", Principal = "*", Resource = local.` + name + ` }] })
}
`
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Parse("plan.json", exprPlan(t), Options{ConfigDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if p := s.Accounts[0].Topics[0].Policy; p == nil || !snapshot.IsUnknown(string(p.Document)) {
			t.Errorf("local.%s: want the policy unknown", name)
		}
	}
}

// BenchmarkParsePlanWithConfig: a plan whose policies are all evaluated
// from the .tf text beside it.
func BenchmarkParsePlanWithConfig(b *testing.B) {
	plan := exprPlan(b)
	b.SetBytes(int64(len(plan)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("plan.json", plan, Options{ConfigDir: "testdata/config/expressions"}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestExpressionsInModules: a module instance's policy names what its
// call passes (an argument built from each.key and each.value, the root
// topic's ARN), and each generated name is the symbol of its full
// address, module path included.
func TestExpressionsInModules(t *testing.T) {
	refs := func(r ...string) map[string]any { return map[string]any{"references": r} }
	rc := func(addr, module, typ, name string, after, unknown map[string]any) map[string]any {
		out := map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name,
			"change": map[string]any{"actions": []string{"create"}, "before": nil, "after": after, "after_unknown": unknown}}
		if module != "" {
			out["module_address"] = module
		}
		return out
	}
	module := map[string]any{"resources": []any{
		map[string]any{"address": "aws_sqs_queue.this", "mode": "managed", "type": "aws_sqs_queue", "name": "this",
			"expressions": map[string]any{"name_prefix": refs("var.name")}},
		map[string]any{"address": "aws_sqs_queue_policy.this", "mode": "managed", "type": "aws_sqs_queue_policy", "name": "this",
			"expressions": map[string]any{"queue_url": refs("aws_sqs_queue.this.id", "aws_sqs_queue.this"),
				"policy": refs("var.name", "aws_sqs_queue.this.arn", "aws_sqs_queue.this", "var.topic_arn")}},
	}}
	const m, m2 = `module.queue["splunk"]`, `module.archive`
	plan := map[string]any{"format_version": "1.2",
		"resource_changes": []any{
			rc("aws_sns_topic.t", "", "aws_sns_topic", "t", map[string]any{"name_prefix": "t-"}, map[string]any{"name": true, "arn": true, "id": true}),
			rc(m+".aws_sqs_queue.this", m, "aws_sqs_queue", "this", map[string]any{"name_prefix": "splunk-siem-"}, map[string]any{"name": true, "arn": true, "id": true, "url": true}),
			rc(m+".aws_sqs_queue_policy.this", m, "aws_sqs_queue_policy", "this", map[string]any{}, map[string]any{"queue_url": true, "id": true, "policy": true}),
			rc(m2+".aws_sqs_queue.this", m2, "aws_sqs_queue", "this", map[string]any{"name_prefix": "archive-"}, map[string]any{"name": true, "arn": true, "id": true, "url": true}),
			rc(m2+".aws_sqs_queue_policy.this", m2, "aws_sqs_queue_policy", "this", map[string]any{}, map[string]any{"queue_url": true, "id": true, "policy": true}),
		},
		"configuration": map[string]any{"root_module": map[string]any{
			"resources": []any{map[string]any{"address": "aws_sns_topic.t", "mode": "managed", "type": "aws_sns_topic", "name": "t",
				"expressions": map[string]any{"name_prefix": map[string]any{"constant_value": "t-"}}}},
			"module_calls": map[string]any{
				"queue": map[string]any{"source": "./modules/queue", "module": module,
					"expressions": map[string]any{"name": refs("each.key", "each.value"), "topic_arn": refs("aws_sns_topic.t.arn", "aws_sns_topic.t")}},
				"archive": map[string]any{"source": "./modules/queue", "module": module,
					"expressions": map[string]any{"name": map[string]any{"constant_value": "archive"}, "topic_arn": refs("aws_sns_topic.t.arn", "aws_sns_topic.t")}},
			}}},
	}
	data, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("plan.json", data, Options{ConfigDir: "testdata/config/expressions_module", AccountID: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	sym := func(owner, attr string) string { return snapshot.Symbol("plan.json", owner, attr) }
	qs := s.Accounts[0].Queues
	if len(qs) != 2 {
		t.Fatalf("queues: %+v", qs)
	}
	for _, q := range qs {
		module, sid := m, "splunk-siem"
		if strings.HasPrefix(q.Location.Address, m2) {
			module, sid = m2, "archive"
		}
		want := []map[string]any{{"Sid": sid, "Effect": "Allow", "Principal": map[string]any{"Service": "sns.amazonaws.com"},
			"Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:" + sym(module+".aws_sqs_queue.this", "name"),
			"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:" + sym("aws_sns_topic.t", "name")}}}}
		if diff := cmp.Diff(want, statements(t, q.Policy)); diff != "" {
			t.Errorf("%s policy (-want +got):\n%s", module, diff)
		}
		if l := q.Policy.StatementLocations[0]; filepath.ToSlash(l.File) != "testdata/config/expressions_module/modules/queue/main.tf" || l.Line != 17 {
			t.Errorf("%s statement at %s:%d", module, l.File, l.Line)
		}
	}
}

// TestEvaluable: the subset evaluated is what policies are written with;
// any form that could compare, compute or iterate over a value AWS has
// not assigned yet is left unknown.
func TestEvaluable(t *testing.T) {
	for src, want := range map[string]bool{
		`"${aws_s3_bucket.b.arn}/*"`:                  true,
		`jsonencode({ A = [local.a, "x"], "B" = 1 })`: true,
		`format("%s:%s", var.a, each.key)`:            true,
		`join(",", concat([var.a], ["b"]))`:           true,
		`aws_s3_bucket.b[count.index].arn`:            true,
		`(var.m)["k"]`:                                true,
		`var.a == "x" ? "y" : "z"`:                    false,
		`[for s in var.l : s]`:                        false,
		`aws_s3_bucket.b[*].arn`:                      false,
		`upper(var.a)`:                                false,
		`1 + var.n`:                                   false,
		`join(",", var.l...)`:                         false,
		`"%{if var.a != ""}x%{endif}"`:                false,
		`jsonencode(merge(local.a, { B = "b" }))`:     false,
		`templatefile("${path.module}/p.json", {})`:   false,
	} {
		e, diags := hclsyntax.ParseExpression([]byte(src), "x.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", src, diags)
		}
		if got := evaluable(e); got != want {
			t.Errorf("evaluable(%s) = %v, want %v", src, got, want)
		}
	}
}

// TestModuleCycle: a module whose source leads back to itself (Terraform
// refuses it) is read to maxModuleDepth, not without end.
func TestModuleCycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "x")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tf := "module \"again\" {\n  source = \"../x\"\n}\nresource \"aws_sns_topic\" \"t\" {\n  name = \"t\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := configBlocks(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(src.blocks); n != 2*(maxModuleDepth+1) {
		t.Errorf("%d blocks, want %d", n, 2*(maxModuleDepth+1))
	}
}

// TestDeferredCallerIdentity: a caller identity read during apply (its
// module has depends_on) names the account the plan's resources are in:
// the one given, else the one the plan's ARNs agree on, else the plan's
// account symbol, the same as in the resources' ARNs.
func TestDeferredCallerIdentity(t *testing.T) {
	dir := t.TempDir()
	tf := `data "aws_caller_identity" "current" {}
resource "aws_sns_topic" "t" {
  name = "t"
}
resource "aws_sns_topic_policy" "t" {
  arn    = aws_sns_topic.t.arn
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }, Action = "sns:Publish", Resource = aws_sns_topic.t.arn }] })
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := `{"format_version":"1.2","resource_changes":[
	 {"address":"data.aws_caller_identity.current","mode":"data","type":"aws_caller_identity","name":"current","change":{"actions":["read"],"before":null,"after":{},"after_unknown":{"account_id":true,"arn":true,"id":true,"user_id":true}},"action_reason":"read_because_dependency_pending"},
	 {"address":"aws_sns_topic.t","mode":"managed","type":"aws_sns_topic","name":"t","change":{"actions":["create"],"before":null,"after":{"name":"t"},"after_unknown":{"arn":true,"id":true}}},
	 {"address":"aws_sns_topic_policy.t","mode":"managed","type":"aws_sns_topic_policy","name":"t","change":{"actions":["create"],"before":null,"after":{},"after_unknown":{"arn":true,"id":true,"policy":true}}}],
	 "configuration":{"root_module":{"resources":[
	  {"address":"aws_sns_topic.t","mode":"managed","type":"aws_sns_topic","name":"t","expressions":{"name":{"constant_value":"t"}}},
	  {"address":"aws_sns_topic_policy.t","mode":"managed","type":"aws_sns_topic_policy","name":"t","expressions":{"arn":{"references":["aws_sns_topic.t.arn","aws_sns_topic.t"]},"policy":{"references":["data.aws_caller_identity.current.account_id","data.aws_caller_identity.current","aws_sns_topic.t.arn","aws_sns_topic.t"]}}}]}}}`
	for _, acct := range []string{"111122223333", ""} {
		s, err := Parse("plan.json", []byte(plan), Options{ConfigDir: dir, AccountID: acct})
		if err != nil {
			t.Fatal(err)
		}
		want := acct
		if acct == "" {
			want = snapshot.Symbol("plan.json", "provider", "account_id")
		}
		tp := s.Accounts[0].Topics[0]
		st := statements(t, tp.Policy)
		if got := st[0]["Principal"].(map[string]any)["AWS"]; got != "arn:aws:iam::"+want+":root" || st[0]["Resource"] != tp.ARN || s.Accounts[0].ID != want {
			t.Errorf("--account %q: principal %v, resource %v, topic %s in account %s", acct, got, st[0]["Resource"], tp.ARN, s.Accounts[0].ID)
		}
	}
}
