package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/fixtures"
)

func demo(t testing.TB) (*snapshot.Snapshot, *connector.Connector) {
	t.Helper()
	snap, err := snapshot.Parse(fixtures.DemoSnapshotName, fixtures.Demo())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := connector.Parse(fixtures.DemoConnectorName, fixtures.DemoConnector())
	if err != nil {
		t.Fatal(err)
	}
	return snap, conn
}

// TestCheckUsesTheBoundIndex: the built-in must answer from the index
// Check built, never rebuild one from the Rego value.
func TestCheckUsesTheBoundIndex(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	snap, conn := demo(t)
	before := indexBuilds.Load()
	fs, err := e.Check(context.Background(), snap, conn)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		t.Fatal("the demo yields no findings")
	}
	if n := indexBuilds.Load() - before; n != 0 {
		t.Errorf("Check rebuilt the authorization index %d times from Rego values", n)
	}
}

func TestCheckFindingShape(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	snap, conn := demo(t)
	fs, err := e.Check(context.Background(), snap, conn)
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]findings.Rule{}
	for _, r := range e.Rules() {
		rules[r.ID] = r
	}
	sorted := append([]findings.Finding(nil), fs...)
	findings.Sort(sorted)
	if diff := cmp.Diff(sorted, fs); diff != "" {
		t.Errorf("Check output not sorted:\n%s", diff)
	}
	seen := map[string]bool{}
	for _, f := range fs {
		r, ok := rules[f.RuleID]
		if !ok {
			t.Errorf("finding for unknown rule %s", f.RuleID)
			continue
		}
		// A finding may lower its rule's severity (a guide step whose
		// failure leaves delivery working), never raise it.
		if f.Severity.Rank() > r.Severity.Rank() || f.Title != r.Title {
			t.Errorf("%s: severity/title not from METADATA: %q %q", f.RuleID, f.Severity, f.Title)
		}
		if f.Message == "" || f.Remediation == "" || f.Resource.ID == "" || f.Resource.Type == "" {
			t.Errorf("%s: incomplete finding %+v", f.RuleID, f)
		}
		if seen[f.Fingerprint] {
			t.Errorf("%s: duplicate fingerprint %s", f.RuleID, f.Fingerprint)
		}
		seen[f.Fingerprint] = true
	}
	// Deterministic: a second run gives the same findings.
	again, err := e.Check(context.Background(), snap, conn)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fs, again); diff != "" {
		t.Errorf("second run differs:\n%s", diff)
	}
}

// A finding without a location takes the resource's IaC location.
func TestCheckDerivesLocation(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	snap, conn := demo(t)
	for i := range snap.Accounts {
		for j := range snap.Accounts[i].Keys {
			snap.Accounts[i].Keys[j].Location = &snapshot.Location{File: "templates/logging.yaml", Line: 42, Address: "TrailKey"}
		}
	}
	fs, err := e.Check(context.Background(), snap, conn)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fs {
		if f.RuleID == "KM01" {
			found = true
			want := &findings.Location{File: "templates/logging.yaml", Line: 42}
			if diff := cmp.Diff(want, f.Location); diff != "" || f.Address != "TrailKey" {
				t.Errorf("KM01 location (-want +got):\n%s address %q", diff, f.Address)
			}
		}
	}
	if !found {
		t.Fatal("no KM01 finding in the demo")
	}
}

// A rule that emits a finding without its required fields is an engine
// error, not a silent drop.
func TestCheckRejectsMalformedFinding(t *testing.T) {
	fsys := fstest.MapFS{
		"catalog_ids.txt": {Data: []byte("CT02\n")},
		"rules/trail/ct02_bad.rego": {Data: []byte(strings.Replace(goodRule, "deny contains 1 if false",
			`deny contains {"resource": {"id": "x", "type": "AWS::CloudTrail::Trail"}, "message": "m"} if true`, 1))},
		"rules/trail/ct02_bad_test.rego": {Data: []byte("package trailgate.rules.ct02_test\n\ntest_x if true\n")},
	}
	e, err := NewFromFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Check(context.Background(), &snapshot.Snapshot{SchemaVersion: "1", Source: "fixture"}, nil)
	if err == nil || !strings.Contains(err.Error(), "without fact") {
		t.Fatalf("got %v, want an error naming the missing fact", err)
	}
}

// The built-in answers from Rego, converting context values that are not
// strings (numbers, as AWS sends them) to their JSON spelling.
func TestAuthzBuiltinFromRegoValue(t *testing.T) {
	fsys := fstest.MapFS{
		"catalog_ids.txt": {Data: []byte("CT02\n")},
		"rules/trail/ct02_probe.rego": {Data: []byte(strings.Replace(goodRule, "deny contains 1 if false",
			`deny contains {"resource": {"id": "r", "type": "T"}, "message": a.decision, "fact": a.proof} if {
	a := trailgate.authz(input.snapshot, {"principal": "cloudtrail.amazonaws.com", "action": "s3:PutObject", "resource": "arn:aws:s3:::b/k", "context": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "n": 1}})
}`, 1))},
		"rules/trail/ct02_probe_test.rego": {Data: []byte("package trailgate.rules.ct02_test\n\ntest_x if true\n")},
	}
	e, err := NewFromFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var snap snapshot.Snapshot
	if err := json.Unmarshal([]byte(`{"schema_version":"1","source":"fixture","accounts":[{"id":"111111111111","buckets":[{"name":"b","arn":"arn:aws:s3:::b","region":"us-east-1",
		"policy":{"document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/t"}}}]}}}]}]}`), &snap); err != nil {
		t.Fatal(err)
	}
	fs, err := e.Check(context.Background(), &snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Message != "Allowed" {
		t.Fatalf("got %+v, want one Allowed answer", fs)
	}
}

func BenchmarkCheck(b *testing.B) {
	e, err := New()
	if err != nil {
		b.Fatal(err)
	}
	snap, conn := demo(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Check(context.Background(), snap, conn); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEngineNew is the start-up of every check: load, validate and
// compile the embedded rules, prepare one query per rule.
func BenchmarkEngineNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckLargeOrg checks the demo organization grown to 1,000 roles
// in the Log Archive account, without a connector file, so that every role
// is asked whether it reads the pipeline's queue.
func BenchmarkCheckLargeOrg(b *testing.B) {
	e, err := New()
	if err != nil {
		b.Fatal(err)
	}
	snap, _ := demo(b)
	for i := range snap.Accounts {
		if snap.Accounts[i].ID != "222222222222" {
			continue
		}
		base := snap.Accounts[i].Roles[0]
		for n := 0; n < 1000; n++ {
			r := base
			r.Name = fmt.Sprintf("Workload%04d", n)
			r.ARN = "arn:aws:iam::222222222222:role/" + r.Name
			r.InlinePolicies = []snapshot.NamedPolicy{{Name: "app", Policy: snapshot.Policy{Document: json.RawMessage(
				fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app-%d/*"}]}`, n))}}}
			snap.Accounts[i].Roles = append(snap.Accounts[i].Roles, r)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Check(context.Background(), snap, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// oddStatements are valid policy statements in every shape AWS accepts
// (string or list elements, Principal "*", NotPrincipal, NotAction,
// condition values that are lists, booleans or numbers). Rules read raw
// documents for their explanations and must not fail on any of them.
var oddStatements = []string{
	`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`,
	`{"Effect":"Allow","Principal":"*","Action":["s3:*","sns:Publish","sqs:SendMessage","kms:*","sts:AssumeRole"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceArn":["a","b"],"aws:SourceAccount":"111111111111","sts:ExternalId":["x"]},"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":10}}}`,
	`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::222222222222:root"]},"NotAction":"s3:GetObject","NotResource":"arn:aws:s3:::x/*"}`,
	`{"Sid":"S","Effect":"Allow","Principal":{"Service":["s3.amazonaws.com","sns.amazonaws.com","cloudtrail.amazonaws.com"],"AWS":"*"},"Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"*"}}}`,
	`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::222222222222:oidc-provider/example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`,
}

func TestCheckOddPolicies(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range oddStatements {
		for _, single := range []bool{false, true} {
			snap, conn := demo(t)
			doc := `{"Version":"2012-10-17","Statement":[` + st + `]}`
			if single {
				doc = `{"Version":"2012-10-17","Statement":` + st + `}`
			}
			setAllPolicies(snap, json.RawMessage(doc))
			if _, err := e.Check(context.Background(), snap, conn); err != nil {
				t.Errorf("statement %d (single=%v): %v", i, single, err)
			}
		}
	}
}

func setAllPolicies(s *snapshot.Snapshot, doc json.RawMessage) {
	p := &snapshot.Policy{Document: doc}
	for i := range s.Accounts {
		a := &s.Accounts[i]
		for j := range a.Buckets {
			a.Buckets[j].Policy = p
		}
		for j := range a.Topics {
			a.Topics[j].Policy = p
		}
		for j := range a.Queues {
			a.Queues[j].Policy = p
		}
		for j := range a.Keys {
			a.Keys[j].Policy = p
		}
		for j := range a.Roles {
			a.Roles[j].TrustPolicy = p
			a.Roles[j].InlinePolicies = []snapshot.NamedPolicy{{Name: "p", Policy: *p}}
		}
	}
}

// FuzzCheckPolicies: whatever statement sits in every policy slot of the
// demo organization, Check answers without an evaluation error.
func FuzzCheckPolicies(f *testing.F) {
	for _, st := range oddStatements {
		f.Add(st)
	}
	e, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, statement string) {
		doc := json.RawMessage(`{"Version":"2012-10-17","Statement":[` + statement + `]}`)
		if !json.Valid(doc) {
			return
		}
		snap, conn := demo(t)
		setAllPolicies(snap, doc)
		if _, err := e.Check(context.Background(), snap, conn); err != nil {
			t.Fatalf("%s: %v", statement, err)
		}
	})
}

// TestCheckReportsUnknownStatementAsUnproven: a bucket policy whose whole
// Statement Terraform knows only after apply makes the answers that depend
// on it Unknown; Check neither fails nor calls the policy malformed, and
// reports what it could not prove.
func TestCheckReportsUnknownStatementAsUnproven(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	snap, conn := demo(t)
	doc := json.RawMessage(`{"Version":"2012-10-17","Statement":"\u003cunknown:known after apply: data.aws_iam_policy_document.logs.json\u003e"}`)
	n := 0
	for i := range snap.Accounts {
		for j := range snap.Accounts[i].Buckets {
			snap.Accounts[i].Buckets[j].Policy = &snapshot.Policy{Document: doc}
			n++
		}
	}
	if n == 0 {
		t.Fatal("the demo has no bucket")
	}
	fs, err := e.Check(context.Background(), snap, conn)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	unproven := 0
	seen := map[string]bool{}
	for _, f := range fs {
		if strings.Contains(f.Message, "malformed") {
			t.Errorf("%s calls an unknown policy malformed: %s", f.RuleID, f.Message)
		}
		if !f.Unproven {
			continue
		}
		unproven++
		key := f.RuleID + " " + f.Resource.ID
		if seen[key] {
			t.Errorf("two unproven findings for %s", key)
		}
		seen[key] = true
		if f.Severity != findings.Low || !strings.HasPrefix(f.Message, "cannot prove: ") {
			t.Errorf("unproven finding shape: %+v", f)
		}
	}
	if unproven == 0 {
		t.Fatal("no unproven finding for the bucket policy known only after apply")
	}
	if !findings.FailOnUnproven(fs) {
		t.Error("FailOnUnproven is false with unproven findings")
	}
}

// TestCheckReportsCollectionErrors: every rule depending on a failed read
// gets an unproven finding naming the read; none fails --fail-on low.
func TestCheckReportsCollectionErrors(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	snap := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture,
		Accounts: []snapshot.Account{{ID: "222222222222"}},
		CollectionErrors: []snapshot.CollectionError{
			{Account: "222222222222", Region: "us-east-1", Service: "kms", Operation: "ListGrants", Code: "AccessDenied"},
			{Account: "222222222222", Region: "us-east-1", Service: "kms", Operation: "ListGrants", Code: "AccessDenied"},
		}}
	fs, err := e.Check(context.Background(), snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []findings.Finding{{
		RuleID: "KM01", Severity: findings.Low, Title: ruleTitle(t, e, "KM01"),
		Message:     "cannot prove: could not read the kms:ListGrants data (AccessDenied on kms:ListGrants in 222222222222/us-east-1), so rules KM01 cannot be proven",
		Resource:    findings.Resource{ID: "arn:aws:iam::222222222222:root", Type: "AWS::Account", Account: "222222222222", Region: "us-east-1"},
		Remediation: "Let the collection role call kms:ListGrants in 222222222222/us-east-1 (the IAM policy trailgate collect documents), then collect and check again.",
		Fingerprint: findings.Fingerprint("unproven", "arn:aws:iam::222222222222:root", "unread:kms:ListGrants:us-east-1"),
		Unproven:    true,
		Blocks:      []findings.Blocked{{RuleID: "KM01", Resource: "arn:aws:iam::222222222222:root"}},
	}}
	if d := cmp.Diff(want, fs); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	if findings.FailOn(fs, "low") {
		t.Error("an unproven finding failed --fail-on low")
	}
	if !findings.FailOnUnproven(fs) {
		t.Error("FailOnUnproven is false")
	}
}

func ruleTitle(t *testing.T, e *Engine, id string) string {
	for _, r := range e.Rules() {
		if r.ID == id {
			return r.Title
		}
	}
	t.Fatalf("no rule %s", id)
	return ""
}
