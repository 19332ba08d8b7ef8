package datapath

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// orgTrailSnapshot is an organization of n accounts whose management
// account's organization trail writes to a bucket with the documented
// policy (create-s3-bucket-policy-for-cloudtrail.html#org-trail-bucket-policy)
// plus extra statements.
func orgTrailSnapshot(n int, extra string) *snapshot.Snapshot {
	const trail = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
	org := &snapshot.Organization{ID: "o-a1b2c3d4e5", ManagementAccountID: "111111111111", RootID: "r-a1b2"}
	for i := range n {
		org.Members = append(org.Members, snapshot.OrgAccount{ID: fmt.Sprintf("%012d", 111111111111+i), ParentID: "r-a1b2"})
	}
	doc := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",` +
		`"Resource":["arn:aws:s3:::org-logs/AWSLogs/111111111111/*","arn:aws:s3:::org-logs/AWSLogs/o-a1b2c3d4e5/*"],` +
		`"Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"` + trail + `"}}}` + extra + `]}`
	policy := snapshot.Policy{Document: json.RawMessage(doc)}
	snap := &snapshot.Snapshot{Organization: org, Accounts: []snapshot.Account{{
		ID: "111111111111",
		Trails: []snapshot.Trail{{Name: "org-trail", ARN: trail, HomeRegion: "us-east-1", S3BucketName: "org-logs",
			IsOrganizationTrail: true, IsMultiRegionTrail: true}},
		Buckets: []snapshot.Bucket{{Name: "org-logs", ARN: "arn:aws:s3:::org-logs", Region: "us-east-1", Policy: &policy}},
	}}}
	snap.Sort()
	return snap
}

func memberWrites(t testing.TB, snap *snapshot.Snapshot) []MemberWrites {
	t.Helper()
	ix, err := authz.NewIndex(snap)
	if err != nil {
		t.Fatal(err)
	}
	return NewMemberWrites(snap, Sources(snap), AuthzAsker(ix))
}

type groupSummary struct {
	First, Decision, Resource string
	Count                     int
	Context                   map[string][]string
}

func summarize(w MemberWrites) []groupSummary {
	var out []groupSummary
	for _, g := range w.Groups {
		out = append(out, groupSummary{First: g.First, Decision: string(g.Question.Answer.Decision),
			Resource: g.Question.Resource, Count: g.Count, Context: g.Question.Context})
	}
	return out
}

// Ten thousand members the policy lets CloudTrail write alike are one
// group: the rules read one answer, not ten thousand.
func TestMemberWritesGroupIdenticalAnswers(t *testing.T) {
	ws := memberWrites(t, orgTrailSnapshot(10000, ""))
	if len(ws) != 1 {
		t.Fatalf("got %d member writes, want one organization trail's", len(ws))
	}
	w := ws[0]
	if w.Members != 10000 || w.Prefix != "AWSLogs/o-a1b2c3d4e5/" || w.Bucket != "org-logs" {
		t.Errorf("got members %d prefix %q bucket %q", w.Members, w.Prefix, w.Bucket)
	}
	want := []groupSummary{{
		First: "AWSLogs/o-a1b2c3d4e5/111111111111/", Decision: "Allowed", Count: 10000,
		Resource: "arn:aws:s3:::org-logs/AWSLogs/o-a1b2c3d4e5/111111111111/CloudTrail/us-east-1/111111111111_CloudTrail_us-east-1_file.json.gz",
		// The context CloudTrail sends: its writer context and the canned ACL.
		Context: map[string][]string{
			"aws:PrincipalIsAWSService": {"true"}, "aws:PrincipalServiceName": {"cloudtrail.amazonaws.com"},
			"aws:SecureTransport": {"true"}, "aws:SourceAccount": {"111111111111"},
			"aws:SourceArn": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"},
			"s3:x-amz-acl":  {"bucket-owner-full-control"},
		},
	}}
	if diff := cmp.Diff(want, summarize(w)); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}

// A Deny naming some members' folders splits them off, by cause: the
// denied members are one group (counted, its least folder first), the
// rest another, and a member with a Deny of its own a third.
func TestMemberWritesGroupByCause(t *testing.T) {
	deny := func(sid, resource string) string {
		return `,{"Sid":"` + sid + `","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":` + resource + `}`
	}
	snap := orgTrailSnapshot(5, deny("DenyTwo", `["arn:aws:s3:::org-logs/AWSLogs/o-a1b2c3d4e5/111111111113/*","arn:aws:s3:::org-logs/AWSLogs/o-a1b2c3d4e5/111111111114/*"]`)+
		deny("DenyLast", `"arn:aws:s3:::org-logs/AWSLogs/o-a1b2c3d4e5/111111111115/*"`))
	got := summarize(memberWrites(t, snap)[0])
	for i := range got {
		got[i].Context, got[i].Resource = nil, ""
	}
	want := []groupSummary{
		{First: "AWSLogs/o-a1b2c3d4e5/111111111111/", Decision: "Allowed", Count: 2},
		{First: "AWSLogs/o-a1b2c3d4e5/111111111113/", Decision: "ExplicitlyDenied", Count: 2},
		{First: "AWSLogs/o-a1b2c3d4e5/111111111115/", Decision: "ExplicitlyDenied", Count: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}

// Only organization trails write member folders, and only in an
// organization.
func TestMemberWritesOnlyOrganizationTrails(t *testing.T) {
	snap := orgTrailSnapshot(3, "")
	snap.Accounts[0].Trails[0].IsOrganizationTrail = false
	if ws := memberWrites(t, snap); len(ws) != 0 {
		t.Errorf("a single-account trail writes no member folders, got %+v", ws)
	}
	snap = orgTrailSnapshot(3, "")
	snap.Organization = nil
	if ws := memberWrites(t, snap); len(ws) != 0 {
		t.Errorf("without an organization, got %+v", ws)
	}
}

func BenchmarkMemberWrites(b *testing.B) {
	snap := orgTrailSnapshot(10000, "")
	for b.Loop() {
		memberWrites(b, snap)
	}
}
