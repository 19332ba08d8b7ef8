package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

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
// reports exactly what one cache per rule reports.
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
	for _, in := range inputs {
		e.unshared = false
		shared, err := e.Check(context.Background(), in.snap, in.conn)
		if err != nil {
			t.Fatalf("%s: %v", in.name, err)
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
