package datapath

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

var update = flag.Bool("update", false, "rewrite golden files")

func load(t testing.TB, name string) *snapshot.Snapshot {
	t.Helper()
	s, err := snapshot.LoadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, d)
	}
}

const expelConnector = `profile: expel
role: arn:aws:iam::222222222222:role/ExpelRole
trusted_principal: arn:aws:iam::012345678901:root
external_id: "8d3c0c6e-example"
queue: arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail
region: us-east-1
sources: [cloudtrail]
`

func conn(t testing.TB, text string) *connector.Connector {
	t.Helper()
	c, err := connector.Parse("connector.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The whole path of the Control Tower scenario, without a connector: the
// org trail reaches the Expel queue through the bucket's SNS notification,
// and the GuardDuty export has no notification.
func TestBuildControlTowerGolden(t *testing.T) {
	paths := Build(load(t, "controltower.json"), nil)
	got, err := json.MarshalIndent(paths, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "controltower.paths.json", append(got, '\n'))
}

func findPath(t *testing.T, paths []Path, kind SourceKind) Path {
	t.Helper()
	for _, p := range paths {
		if p.Source.Kind == kind {
			return p
		}
	}
	t.Fatalf("no %s path in %d paths", kind, len(paths))
	return Path{}
}

func hop(t *testing.T, p Path, kind HopKind) Hop {
	t.Helper()
	for _, h := range p.Hops {
		if h.Kind == kind {
			return h
		}
	}
	t.Fatalf("path %s has no %s hop", p.ID, kind)
	return Hop{}
}

func question(t *testing.T, h Hop, id string) Question {
	t.Helper()
	for _, q := range h.Questions {
		if q.ID == id {
			return q
		}
	}
	t.Fatalf("hop %s has no question %q", h.Kind, id)
	return Question{}
}

func TestTrailPathHopsAndContext(t *testing.T) {
	p := findPath(t, Build(load(t, "controltower.json"), nil), SourceCloudTrail)
	var kinds []HopKind
	for _, h := range p.Hops {
		kinds = append(kinds, h.Kind)
	}
	want := []HopKind{HopWriter, HopBucket, HopObjectKey, HopNotification, HopTopic, HopTopicKey, HopSubscription, HopQueue, HopQueueKey, HopReader, HopRead}
	if d := cmp.Diff(want, kinds); d != "" {
		t.Fatalf("hops (-want +got):\n%s", d)
	}
	trail := "arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail"
	// Organization trail: the org-ID path and the management account path
	// (create-s3-bucket-policy-for-cloudtrail.html).
	put := question(t, hop(t, p, HopBucket), "put-object")
	if !strings.Contains(put.Resource, "/o-abc123def4/AWSLogs/o-abc123def4/111111111111/CloudTrail/us-east-1/") {
		t.Errorf("org put-object resource = %s", put.Resource)
	}
	if d := cmp.Diff([]string{"bucket-owner-full-control"}, put.Context["s3:x-amz-acl"]); d != "" {
		t.Errorf("s3:x-amz-acl: %s", d)
	}
	if d := cmp.Diff([]string{trail}, put.Context["aws:SourceArn"]); d != "" {
		t.Errorf("aws:SourceArn: %s", d)
	}
	acct := question(t, hop(t, p, HopBucket), "put-object-account-path")
	if !strings.Contains(acct.Resource, "/o-abc123def4/AWSLogs/111111111111/CloudTrail/") {
		t.Errorf("management path resource = %s", acct.Resource)
	}
	gdk := question(t, hop(t, p, HopObjectKey), "generate-data-key")
	if d := cmp.Diff([]string{trail}, gdk.Context["kms:EncryptionContext:aws:cloudtrail:arn"]); d != "" {
		t.Errorf("encryption context: %s", d)
	}
	// The topic and the queue are encrypted by alias: resolved in their
	// own account and region to the key ARN.
	tk := hop(t, p, HopTopicKey)
	if tk.Resources[0].ARN != "arn:aws:kms:us-east-1:222222222222:key/7a6b5c4d-2222-4e3f-8a9b-222222222222" {
		t.Errorf("topic key = %s", tk.Resources[0].ARN)
	}
	if q := question(t, tk, "generate-data-key"); q.Principal != "s3.amazonaws.com" || q.Context["aws:SourceArn"][0] != "arn:aws:s3:::aws-controltower-logs-222222222222-us-east-1" {
		t.Errorf("topic key question = %+v", q)
	}
	send := question(t, hop(t, p, HopQueue), "send-message")
	if send.Principal != "sns.amazonaws.com" || send.Context["aws:SourceArn"][0] != "arn:aws:sns:us-east-1:222222222222:expel-cloudtrail" {
		t.Errorf("send-message = %+v", send)
	}
	// Without a connector the readers are inferred: every role the index
	// allows to receive from the queue (ExpelRole by its policy,
	// AWSControlTowerExecution by AdministratorAccess), as the rules
	// judge them.
	r := hop(t, p, HopReader)
	var readers []string
	for _, res := range r.Resources {
		readers = append(readers, res.ARN)
	}
	if d := cmp.Diff([]string{"arn:aws:iam::222222222222:role/AWSControlTowerExecution", "arn:aws:iam::222222222222:role/ExpelRole"}, readers); d != "" {
		t.Errorf("readers (-want +got):\n%s", d)
	}
	dec := question(t, hop(t, p, HopRead), "decrypt-object (ExpelRole)")
	if dec.Context["kms:ViaService"][0] != "s3.us-east-1.amazonaws.com" || dec.Context["kms:CallerAccount"][0] != "222222222222" ||
		dec.ResourceAccount != "111111111111" || dec.Context["aws:PrincipalOrgID"][0] != "o-abc123def4" {
		t.Errorf("decrypt-object = %+v", dec)
	}
	if p.Status != StatusPending || p.FirstBroken != -1 {
		t.Errorf("unevaluated path: status %s first broken %d", p.Status, p.FirstBroken)
	}
}

func TestGuardDutyPathProblems(t *testing.T) {
	p := findPath(t, Build(load(t, "controltower.json"), nil), SourceGuardDuty)
	if p.Source.KeyPrefix != "guardduty/AWSLogs/333333333333/GuardDuty/eu-west-1/" {
		t.Errorf("key prefix = %v", p.Source.KeyPrefix)
	}
	// GD02: the key is in us-east-1, the bucket in eu-west-1.
	k := hop(t, p, HopObjectKey)
	if d := cmp.Diff([]string{"key region us-east-1 differs from bucket region eu-west-1"}, k.Problems); d != "" {
		t.Errorf("key problems: %s", d)
	}
	if p.FirstBroken != 2 || p.Hops[2].Status != StatusBroken {
		t.Errorf("first broken = %d, want the object-key hop (2)", p.FirstBroken)
	}
	// Without a connector nobody is known to wait for a notification: the
	// path ends where the files land.
	if last := p.Hops[len(p.Hops)-1].Kind; last != HopObjectKey {
		t.Errorf("path without notification nor connector ends at %s, want %s", last, HopObjectKey)
	}
	loc := question(t, hop(t, p, HopBucket), "bucket-check")
	if loc.Action != "s3:GetBucketLocation" || loc.Resource != "arn:aws:s3:::gd-findings-222222222222" {
		t.Errorf("bucket-check = %+v", loc)
	}
}

func TestGuardDutyOptInRegionPrincipal(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":  "guardduty.amazonaws.com",
		"af-south-1": "guardduty.af-south-1.amazonaws.com",
		"me-south-1": "guardduty.me-south-1.amazonaws.com",
	} {
		if got := GuardDutyPrincipal(region); got != want {
			t.Errorf("GuardDutyPrincipal(%s) = %s, want %s", region, got, want)
		}
	}
}

func TestConnectorSelectsSourcesQueueAndRole(t *testing.T) {
	paths := Build(load(t, "controltower.json"), conn(t, expelConnector))
	if len(paths) != 1 || paths[0].Source.Kind != SourceCloudTrail {
		t.Fatalf("paths = %d, want the cloudtrail path only", len(paths))
	}
	r := hop(t, paths[0], HopReader)
	as := question(t, r, "assume-role (ExpelRole)")
	if as.Principal != "arn:aws:iam::012345678901:root" || as.Context["sts:ExternalId"][0] != "8d3c0c6e-example" || as.Context["aws:PrincipalAccount"][0] != "012345678901" {
		t.Errorf("assume-role = %+v", as)
	}
	question(t, r, "decrypt-queue (ExpelRole)")
}

func TestConnectorQueueNotReached(t *testing.T) {
	c := conn(t, strings.Replace(expelConnector, "queue: arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail", "queue: arn:aws:sqs:us-east-1:222222222222:other", 1))
	paths := Build(load(t, "controltower.json"), c)
	if len(paths) != 1 {
		t.Fatalf("paths = %d", len(paths))
	}
	n := hop(t, paths[0], HopNotification)
	if d := cmp.Diff([]string{"no notification of this source reaches the connector's queue arn:aws:sqs:us-east-1:222222222222:other"}, n.Problems); d != "" {
		t.Error(d)
	}
}

func TestConnectorRoleMissingIsUnknown(t *testing.T) {
	c := conn(t, strings.Replace(expelConnector, "role/ExpelRole", "role/Nope", 1))
	p := Build(load(t, "controltower.json"), c)[0]
	r := hop(t, p, HopReader)
	if r.Status != StatusUnknown {
		t.Errorf("reader status = %s, want unknown", r.Status)
	}
}

// NT02: Control Tower writes under the o-xxx/ top-level prefix; a filter on
// AWSLogs/ misses every log file.
func TestFilterProblems(t *testing.T) {
	src := Source{KeyPrefix: "o-abc123def4/AWSLogs/o-abc123def4/", KeySuffix: ".json.gz"}
	for _, tc := range []struct {
		prefix, suffix string
		problems       int
	}{
		{"", "", 0},
		{"o-abc123def4/", ".gz", 0},
		{"o-abc123def4/AWSLogs/o-abc123def4/222222222222/", ".json.gz", 0},
		{"AWSLogs/", "", 1},
		{"o-abc123def4/AWSLogs/", ".jsonl.gz", 1},
		{"AWSLogs/111111111111", ".csv", 2},
	} {
		got := filterProblems(src, snapshot.NotificationTarget{FilterPrefix: tc.prefix, FilterSuffix: tc.suffix})
		if len(got) != tc.problems {
			t.Errorf("prefix %q suffix %q: problems %v, want %d", tc.prefix, tc.suffix, got, tc.problems)
		}
	}
}

// An asker that denies exactly one action, explicitly, and allows the rest.
func denying(action string) Asker {
	return AskerFunc(func(q Question) Answer {
		if q.Action == action {
			return Answer{Decision: iam.ExplicitlyDenied, Proof: "explicit deny in the key policy",
				Statements: []authz.Statement{{Kind: "resource", Policy: q.Resource, Sid: "DenyOutsideOrg", Index: 3, Effect: "Deny", Role: authz.RoleDeny}}}
		}
		return Answer{Decision: iam.Allowed, Statements: []authz.Statement{{Kind: "resource", Policy: "test", Index: 0, Effect: "Allow", Role: authz.RoleAllow}}}
	})
}

func TestEvaluateMarksFirstBrokenHop(t *testing.T) {
	paths := Build(load(t, "controltower.json"), conn(t, expelConnector))
	got := Evaluate(paths, denying("kms:Decrypt"))
	p := got[0]
	if p.Status != StatusBroken {
		t.Fatalf("status = %s", p.Status)
	}
	// The topic key is the first hop that asks for kms:Decrypt.
	if p.Hops[p.FirstBroken].Kind != HopTopicKey {
		t.Errorf("first broken = %s", p.Hops[p.FirstBroken].Kind)
	}
	if paths[0].Hops[1].Questions[0].Answer != nil {
		t.Error("Evaluate modified its input")
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "controltower.explain.json", append(data, '\n'))

	ok := Evaluate(paths, denying("none"))[0]
	if ok.Status != StatusOK || ok.FirstBroken != -1 {
		t.Errorf("all allowed: status %s first broken %d", ok.Status, ok.FirstBroken)
	}
	unk := Evaluate(paths, AskerFunc(func(Question) Answer { return Answer{Decision: iam.Unknown} }))[0]
	if unk.Status != StatusUnknown || unk.FirstBroken != -1 {
		t.Errorf("all unknown: status %s first broken %d", unk.Status, unk.FirstBroken)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	s := load(t, "controltower.json")
	a, _ := json.Marshal(Build(s, nil))
	for range 5 {
		b, _ := json.Marshal(Build(s, nil))
		if !bytes.Equal(a, b) {
			t.Fatal("Build output differs between runs")
		}
	}
}

func BenchmarkBuildAndEvaluate(b *testing.B) {
	s := load(b, "controltower.json")
	allow := AskerFunc(func(Question) Answer { return Answer{Decision: iam.Allowed} })
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(Build(s, nil), allow)
	}
}

// A connector without a queue (Rapid7's harvester) polls the bucket: its
// path has no notification hops and it must list the bucket.
func TestPollingConnectorPath(t *testing.T) {
	c := conn(t, `profile: rapid7
role: arn:aws:iam::222222222222:role/ExpelRole
sources: [cloudtrail]
`)
	p := Build(load(t, "controltower.json"), c)
	if len(p) != 1 {
		t.Fatalf("paths = %d", len(p))
	}
	var kinds []HopKind
	for _, h := range p[0].Hops {
		kinds = append(kinds, h.Kind)
	}
	if d := cmp.Diff([]HopKind{HopWriter, HopBucket, HopObjectKey, HopReader, HopRead}, kinds); d != "" {
		t.Errorf("hops (-want +got):\n%s", d)
	}
	list := question(t, hop(t, p[0], HopRead), "list-bucket (ExpelRole)")
	if d := cmp.Diff([]string{"o-abc123def4/AWSLogs/"}, list.Context["s3:prefix"]); d != "" {
		t.Errorf("s3:prefix: %s", d)
	}
}

// A vendor that reads a source through its API without a queue
// (skyformation: CloudTrail LookupEvents) reads no bucket: its paths end at
// the bucket, with no reader or read hop to judge. A polling reader of
// another profile still reads the bucket.
func TestAPISourceEndsAtBucket(t *testing.T) {
	s := load(t, "controltower.json")
	hasRead := func(profile string) bool {
		conn := &connector.Connector{Profile: profile, Role: "arn:aws:iam::222222222222:role/Reader", Sources: []string{"cloudtrail"}}
		for _, p := range Build(s, conn) {
			for _, h := range p.Hops {
				if h.Kind == HopRead || h.Kind == HopReader {
					return true
				}
			}
		}
		return false
	}
	if hasRead("skyformation") {
		t.Error("skyformation without a queue: a path reads the bucket")
	}
	if !hasRead("rapid7") {
		t.Error("rapid7 without a queue: no path reads the bucket")
	}
}
