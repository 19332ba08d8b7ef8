package datapath

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const (
	cwTrail = "arn:aws:cloudtrail:eu-central-1:111111111111:trail/organization-trail"
	cwRole  = "arn:aws:iam::111111111111:role/cloudtrail-to-cloudwatch"
	cwGroup = "arn:aws:logs:eu-central-1:111111111111:log-group:/org/cloudtrail"
)

// cloudWatchSnapshot is an organization trail delivering to CloudWatch
// Logs with the role of the CloudTrail User Guide
// (cloudtrail-required-policy-for-cloudwatch-logs.html); edit changes the
// trail, trust the role's trust policy.
func cloudWatchSnapshot(edit func(*snapshot.Trail), trust string) *snapshot.Snapshot {
	if trust == "" {
		trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	}
	t := snapshot.Trail{Name: "organization-trail", ARN: cwTrail, HomeRegion: "eu-central-1", S3BucketName: "org-cloudtrail",
		IsOrganizationTrail: true, CloudWatchLogsLogGroupARN: cwGroup + ":*", CloudWatchLogsRoleARN: cwRole}
	if edit != nil {
		edit(&t)
	}
	deliver := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"` + cwGroup + `:log-stream:*"}]}`
	trustPolicy := snapshot.Policy{Document: json.RawMessage(trust)}
	snap := &snapshot.Snapshot{SchemaVersion: "1", Source: "fixture",
		Organization: &snapshot.Organization{ID: "o-a1b2c3d4e5", ManagementAccountID: "111111111111", RootID: "r-a1b2",
			Members: []snapshot.OrgAccount{{ID: "111111111111", ParentID: "r-a1b2"}}},
		Accounts: []snapshot.Account{{ID: "111111111111", Trails: []snapshot.Trail{t},
			Roles: []snapshot.Role{{Name: "cloudtrail-to-cloudwatch", ARN: cwRole, TrustPolicy: &trustPolicy,
				InlinePolicies: []snapshot.NamedPolicy{{Name: "deliver", Policy: snapshot.Policy{Document: json.RawMessage(deliver)}}}}},
			LogGroups: []snapshot.LogGroup{{Name: "/org/cloudtrail", ARN: cwGroup + ":*", Region: "eu-central-1"}}}},
	}
	snap.Sort()
	return snap
}

// cloudWatchPathOf builds and answers snap's paths and returns the
// trail's CloudWatch Logs path.
func cloudWatchPathOf(t *testing.T, snap *snapshot.Snapshot) Path {
	t.Helper()
	ix, err := authz.NewIndex(snap)
	if err != nil {
		t.Fatal(err)
	}
	var found []Path
	for _, p := range Evaluate(BuildFor(snap, nil, ix), AuthzAsker(ix)) {
		if p.Source.Kind == SourceCloudWatchLogs {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("got %d CloudWatch Logs paths, want 1", len(found))
	}
	return found[0]
}

type hopSummary struct {
	Kind      HopKind
	Status    Status
	Problems  []string
	Questions []string // "principal action resource decision"
}

func summarizeHops(p Path) []hopSummary {
	var out []hopSummary
	for _, h := range p.Hops {
		s := hopSummary{Kind: h.Kind, Status: h.Status, Problems: h.Problems}
		for _, q := range h.Questions {
			s.Questions = append(s.Questions, q.Principal+" "+q.Action+" "+q.Resource+" "+string(q.Answer.Decision))
		}
		out = append(out, s)
	}
	return out
}

// The trail → role → log group path: CloudTrail assumes the role, the
// role creates and writes the trail's streams, its own account's and, for
// an organization trail, the organization's.
func TestCloudWatchPath(t *testing.T) {
	p := cloudWatchPathOf(t, cloudWatchSnapshot(nil, ""))
	if want := cwTrail + " -> " + cwGroup; p.ID != want {
		t.Errorf("ID %q, want %q", p.ID, want)
	}
	own, org := cwGroup+":log-stream:111111111111_CloudTrail_eu-central-1", cwGroup+":log-stream:o-a1b2c3d4e5_111111111111_CloudTrail_eu-central-1"
	want := []hopSummary{
		{Kind: HopWriter, Status: StatusOK},
		{Kind: HopDeliveryRole, Status: StatusOK, Questions: []string{"cloudtrail.amazonaws.com sts:AssumeRole " + cwRole + " Allowed"}},
		{Kind: HopLogGroup, Status: StatusOK, Questions: []string{
			cwRole + " logs:CreateLogStream " + own + " Allowed", cwRole + " logs:PutLogEvents " + own + " Allowed",
			cwRole + " logs:CreateLogStream " + org + " Allowed", cwRole + " logs:PutLogEvents " + org + " Allowed",
		}},
	}
	if diff := cmp.Diff(want, summarizeHops(p)); diff != "" {
		t.Errorf("hops (-want +got):\n%s", diff)
	}
	// CloudTrail sends no aws:SourceArn nor aws:SourceAccount when it
	// assumes this role (cloudtrail-required-policy-for-cloudwatch-logs.html).
	ctx := p.Hops[1].Questions[0].Context
	if _, ok := ctx["aws:SourceArn"]; ok {
		t.Errorf("assume context names aws:SourceArn: %v", ctx)
	}
	if _, ok := ctx["aws:SourceAccount"]; ok {
		t.Errorf("assume context names aws:SourceAccount: %v", ctx)
	}
}

// Each break shows on the hop it breaks.
func TestCloudWatchPathBreaks(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(*snapshot.Trail)
		trust string
		hop   int
		want  Status
	}{
		{name: "no role", edit: func(t *snapshot.Trail) { t.CloudWatchLogsRoleARN = "" }, hop: 1, want: StatusBroken},
		{name: "no group", edit: func(t *snapshot.Trail) { t.CloudWatchLogsLogGroupARN = "" }, hop: 2, want: StatusBroken},
		{name: "group missing", edit: func(t *snapshot.Trail) {
			t.CloudWatchLogsLogGroupARN = "arn:aws:logs:eu-central-1:111111111111:log-group:/gone:*"
		}, hop: 2, want: StatusBroken},
		{name: "trust names another service", trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, hop: 1, want: StatusBroken},
		{name: "trust conditions on aws:SourceArn", trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceArn":"` + cwTrail + `"}}}]}`, hop: 1, want: StatusBroken},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := cloudWatchPathOf(t, cloudWatchSnapshot(c.edit, c.trust))
			for i, h := range p.Hops {
				want := StatusOK
				if i == c.hop {
					want = c.want
				}
				if h.Status != want {
					t.Errorf("%s hop is %s, want %s (%v)", h.Kind, h.Status, want, h.Problems)
				}
			}
		})
	}
}

// IaC declares only its own log groups: a group it does not declare is no
// problem.
func TestCloudWatchPathGroupElsewhere(t *testing.T) {
	snap := cloudWatchSnapshot(nil, "")
	snap.Source = "cloudformation"
	snap.Accounts[0].LogGroups = nil
	if p := cloudWatchPathOf(t, snap); p.Status != StatusOK {
		t.Errorf("path is %s, want ok: %+v", p.Status, summarizeHops(p))
	}
}

func TestParseLogGroupARN(t *testing.T) {
	sym := snapshot.Symbol("t.yaml", "Group", "Name")
	for _, tc := range []struct {
		in   string
		want logGroupARN
		ok   bool
	}{
		{"arn:aws:logs:eu-central-1:111111111111:log-group:/org/cloudtrail", logGroupARN{"eu-central-1", "111111111111", "/org/cloudtrail"}, true},
		{"arn:aws:logs:eu-central-1:111111111111:log-group:/org/cloudtrail:*", logGroupARN{"eu-central-1", "111111111111", "/org/cloudtrail"}, true},
		{"arn:aws:logs:us-east-1:111111111111:log-group:" + sym + ":*", logGroupARN{"us-east-1", "111111111111", sym}, true},
		{"arn:*:logs:*:*:log-group:*", logGroupARN{"*", "*", "*"}, true},
		{"arn:aws:logs:eu-central-1:111111111111:log-group", logGroupARN{}, false},
		{"arn:aws:logs:eu-central-1:111111111111:destination:d", logGroupARN{}, false},
		{"arn:aws:s3:::bucket/key:with:colons", logGroupARN{}, false},
		{"arn:aws:logs:eu-central-1", logGroupARN{}, false},
		{snapshot.Unknown("known after apply: a:b:c:d:log-group:e"), logGroupARN{}, false},
		{"*", logGroupARN{}, false},
	} {
		got, ok := parseLogGroupARN(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseLogGroupARN(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
