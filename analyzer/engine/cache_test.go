package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/fixtures"
)

// sharingTree has two rules that read the same two library values: one
// whose authorization answer is known (the role's identity policies allow
// nothing, so the answer is ImplicitlyDenied), one whose answer is Unknown
// (the bucket policy holds a value IaC knows only after apply).
func sharingTree() fstest.MapFS {
	rule := func(id string) string {
		r := strings.ReplaceAll(strings.ReplaceAll(goodRule, "CT02", id), "ct02", strings.ToLower(id))
		return strings.Replace(r, "deny contains 1 if false", `import data.trailgate.lib

deny contains {"resource": {"id": "arn:aws:s3:::unknown", "type": "AWS::S3::Bucket"}, "message": "proven denial", "fact": "f"} if {
	lib.known.decision != "Unknown"
	lib.unknown.decision == "ImplicitlyDenied"
}`, 1)
	}
	ask := func(bucket string) string {
		return `trailgate.authz(input.snapshot, {"principal": "arn:aws:iam::111111111111:role/Reader", "action": "s3:GetObject", "resource": "arn:aws:s3:::` + bucket + `/k"})`
	}
	return fstest.MapFS{
		"catalog_ids.txt":                  {Data: []byte("CT02\nCT03\n")},
		"lib/lib.rego":                     {Data: []byte("package trailgate.lib\n\nknown := " + ask("known") + "\n\nunknown := " + ask("unknown") + "\n")},
		"rules/trail/ct02_share.rego":      {Data: []byte(rule("CT02"))},
		"rules/trail/ct02_share_test.rego": {Data: []byte("package trailgate.rules.ct02_test\n\ntest_x if true\n")},
		"rules/trail/ct03_share.rego":      {Data: []byte(rule("CT03"))},
		"rules/trail/ct03_share_test.rego": {Data: []byte("package trailgate.rules.ct03_test\n\ntest_x if true\n")},
	}
}

const sharingSnapshot = `{"schema_version":"1","source":"fixture","accounts":[{"id":"111111111111",
	"roles":[{"name":"Reader","arn":"arn:aws:iam::111111111111:role/Reader"}],
	"buckets":[
		{"name":"known","arn":"arn:aws:s3:::known","region":"us-east-1"},
		{"name":"unknown","arn":"arn:aws:s3:::unknown","region":"us-east-1",
			"policy":{"document":{"Version":"2012-10-17","Statement":"\u003cunknown:known after apply: aws_iam_policy_document.logs\u003e"}}}]}]}`

// TestSharedCacheKeepsUnknownAnswersPerRule: the rules of a Check share a
// library value whose answer is known (the built-in answers it once), but
// not one whose answer is Unknown: each rule asks again, and the one
// unproven finding of the cause (the bucket policy's unresolved value)
// names both rules' questions, as with one cache per rule.
func TestSharedCacheKeepsUnknownAnswersPerRule(t *testing.T) {
	e, err := NewFromFS(sharingTree())
	if err != nil {
		t.Fatal(err)
	}
	var snap snapshot.Snapshot
	if err := json.Unmarshal([]byte(sharingSnapshot), &snap); err != nil {
		t.Fatal(err)
	}
	calls := func(unshared bool) ([]string, int64) {
		e.unshared = unshared
		before := authzCalls.Load()
		fs, err := e.Check(context.Background(), &snap, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, fmt.Sprint(f.RuleID, " ", f.Resource.ID, " ", f.Blocks, " ", f.Message))
		}
		return got, authzCalls.Load() - before
	}
	shared, sharedCalls := calls(false)
	unshared, unsharedCalls := calls(true)
	want := []string{
		"CT02 arn:aws:s3:::unknown [{CT02 arn:aws:s3:::unknown} {CT03 arn:aws:s3:::unknown}] cannot prove: the value known after apply: aws_iam_policy_document.logs, in the bucket policy of unknown; so CT02, CT03 cannot be proven (whether arn:aws:iam::111111111111:role/Reader may s3:GetObject on arn:aws:s3:::unknown/k)",
	}
	if diff := cmp.Diff(want, shared); diff != "" {
		t.Errorf("shared cache: want one unproven finding blocking both rules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(unshared, shared); diff != "" {
		t.Errorf("findings differ (-unshared +shared):\n%s", diff)
	}
	// Unshared: both questions per rule. Shared: the known answer once,
	// the Unknown one per rule.
	if unsharedCalls != 4 || sharedCalls != 3 {
		t.Errorf("built-in calls: %d shared, %d unshared; want 3 and 4", sharedCalls, unsharedCalls)
	}
}

// TestSharedCacheSameFindings: on every scenario, and on the demo with
// bucket policies known only after apply, Check with the shared cache
// reports exactly what one cache per rule reports, whether it keeps each
// shared value to the end or drops it after the last rule that may read
// it (sharedCache).
func TestSharedCacheSameFindings(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	type input struct {
		name string
		snap *snapshot.Snapshot
		conn *connector.Connector
	}
	var inputs []input
	dirs, err := fs.ReadDir(fixtures.Scenarios, "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		dir := path.Join("scenarios", d.Name())
		data, err := fs.ReadFile(fixtures.Scenarios, path.Join(dir, "snapshot.json"))
		if err != nil {
			continue // a scenario given as IaC only
		}
		snap, err := snapshot.Parse(dir+"/snapshot.json", data)
		if err != nil {
			t.Fatal(err)
		}
		var conn *connector.Connector
		if data, err := fs.ReadFile(fixtures.Scenarios, path.Join(dir, "connector.yaml")); err == nil {
			if conn, err = connector.Parse(dir+"/connector.yaml", data); err != nil {
				t.Fatal(err)
			}
		}
		inputs = append(inputs, input{d.Name(), snap, conn})
	}
	snap, conn := demo(t)
	doc := json.RawMessage(`{"Version":"2012-10-17","Statement":"\u003cunknown:known after apply: data.aws_iam_policy_document.logs.json\u003e"}`)
	for i := range snap.Accounts {
		for j := range snap.Accounts[i].Buckets {
			snap.Accounts[i].Buckets[j].Policy = &snapshot.Policy{Document: doc}
		}
	}
	inputs = append(inputs, input{"demo with unknown bucket policies", snap, conn})
	if len(inputs) < 10 {
		t.Fatalf("%d scenarios with a snapshot, want the fixtures' scenarios", len(inputs))
	}
	unproven := 0
	defer func(n int) { expireFromAccounts = n }(expireFromAccounts)
	for _, in := range inputs {
		e.unshared = false
		expireFromAccounts = 0 // each value dropped after its last rule
		shared, err := e.Check(context.Background(), in.snap, in.conn)
		if err != nil {
			t.Fatalf("%s: %v", in.name, err)
		}
		expireFromAccounts = math.MaxInt // every value kept to the end
		kept, err := e.Check(context.Background(), in.snap, in.conn)
		if err != nil {
			t.Fatalf("%s: %v", in.name, err)
		}
		if diff := cmp.Diff(kept, shared); diff != "" {
			t.Errorf("%s: findings differ (-kept to the end +dropped after the last rule):\n%s", in.name, diff)
		}
		e.unshared = true
		unshared, err := e.Check(context.Background(), in.snap, in.conn)
		if err != nil {
			t.Fatalf("%s: %v", in.name, err)
		}
		if diff := cmp.Diff(unshared, shared); diff != "" {
			t.Errorf("%s: findings differ (-unshared +shared):\n%s", in.name, diff)
		}
		for _, f := range shared {
			if f.Unproven {
				unproven++
			}
		}
	}
	if unproven == 0 {
		t.Error("no scenario yields an unproven finding: the comparison does not reach the Unknown answers")
	}
}

// TestSharedValuesExpireAfterTheirLastRule: a library value is kept for
// the rules that may read it, directly, through another library rule or
// as a function's result, and dropped after the last of them; a value the
// rule tree does not place is kept to the end.
func TestSharedValuesExpireAfterTheirLastRule(t *testing.T) {
	rule := func(id, body string) string {
		r := strings.ReplaceAll(strings.ReplaceAll(goodRule, "CT02", id), "ct02", strings.ToLower(id))
		return strings.Replace(r, "deny contains 1 if false", "import data.trailgate.lib\n\ndeny contains 1 if {\n\t"+body+"\n}", 1)
	}
	e, err := NewFromFS(fstest.MapFS{
		"catalog_ids.txt": {Data: []byte("CT02\nCT03\nCT04\n")},
		"lib/lib.rego": {Data: []byte(`package trailgate.lib

both := 1

first_only := 2

via := both + 1

twice(x) := x * 2
`)},
		"rules/trail/ct02_x.rego":      {Data: []byte(rule("CT02", "lib.first_only == 2\n\tlib.twice(1) == 2"))},
		"rules/trail/ct02_x_test.rego": {Data: []byte("package trailgate.rules.ct02_test\n\ntest_x if true\n")},
		"rules/trail/ct03_x.rego":      {Data: []byte(rule("CT03", "lib.via == 2"))},
		"rules/trail/ct03_x_test.rego": {Data: []byte("package trailgate.rules.ct03_test\n\ntest_x if true\n")},
		"rules/trail/ct04_x.rego":      {Data: []byte(rule("CT04", "true"))},
		"rules/trail/ct04_x_test.rego": {Data: []byte("package trailgate.rules.ct04_test\n\ntest_x if true\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	x := e.ruleExpiry()
	for ref, want := range map[string]int{
		"data.trailgate.lib.first_only":    0,
		"data.trailgate.lib.both":          1, // CT03, through lib.via
		"data.trailgate.lib.via":           1,
		"data.trailgate.lib.twice":         0,
		"data.trailgate.rules.ct04.deny":   2,
		"data.trailgate.profiles.anything": 3, // not a rule: kept to the end
	} {
		if got := x.last(ast.MustParseRef(ref)); got != want {
			t.Errorf("last(%s) = %d, want %d", ref, got, want)
		}
	}
	// A function's value is cached under its ref and arguments.
	if got := x.last(ast.MustParseRef("data.trailgate.lib.twice").Append(ast.IntNumberTerm(1))); got != 0 {
		t.Errorf("last(twice(1)) = %d, want 0", got)
	}
	c := newSharedCache(x)
	first := ast.MustParseRef("data.trailgate.lib.first_only")
	if !c.put(first, ast.IntNumberTerm(2), 0) {
		t.Fatal("put during the first rule: not shared")
	}
	if v, _ := c.get(first, 0); v == nil {
		t.Error("value missing during the rule that reads it")
	}
	c.done(0)
	if v, _ := c.get(first, 1); v != nil {
		t.Error("value kept after the last rule that reads it")
	}
	if c.put(first, ast.IntNumberTerm(2), 1) {
		t.Error("a value no later rule reads was shared")
	}
}
