package engine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// A hop the input cannot decide (a role or stream referred to but not
// declared) is one unproven finding per cause, under the rule that judges
// its kind of hop, of the path's own area when several do; never when a
// finding already explains the hop.
func TestUnprovenHops(t *testing.T) {
	const (
		cluster = "arn:aws:eks:us-east-1:111111111111:cluster/prod"
		filter  = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/eks/prod/cluster:subscription-filter:f"
		role    = "arn:aws:iam::111111111111:role/shared"
		bucket  = "arn:aws:s3:::logs"
	)
	rules := []findings.Rule{
		{ID: "CT03", Title: "trail bucket", Area: "trail", Hops: []string{"bucket"}},
		{ID: "EK02", Title: "subscription", Area: "eks", Hops: []string{"log-subscription"}},
		{ID: "EK03", Title: "firehose", Area: "eks", Hops: []string{"delivery-stream", "bucket"}},
	}
	path := func(stream string) datapath.Path {
		return datapath.Path{ID: cluster + " -> " + stream, Source: datapath.Source{Kind: datapath.SourceEKSAudit, ARN: cluster}, Hops: []datapath.Hop{
			{Kind: datapath.HopLogSubscription, Status: datapath.StatusUnknown,
				Resources: []datapath.Resource{{ARN: filter, Type: "AWS::Logs::SubscriptionFilter"}, {ARN: role, Type: "AWS::IAM::Role", Account: "111111111111"}},
				Problems:  []string{"cannot prove: role " + role + " is not in the snapshot"}},
			{Kind: datapath.HopBucket, Status: datapath.StatusUnknown, Resources: []datapath.Resource{{ARN: bucket, Type: "AWS::S3::Bucket"}},
				Problems: []string{"cannot prove: bucket logs is not in the snapshot"}},
		}}
	}
	paths := []datapath.Path{path("s1"), path("s2")}
	locs := map[string]*snapshot.Location{filter: {File: "template.yaml", Line: 12, Address: "Filter"}}
	got := unprovenHops(rules, &snapshot.Snapshot{}, paths, nil, locs)
	type view struct {
		Rule, Resource string
		Blocks         []findings.Blocked
		Line           int
	}
	var have []view
	for _, f := range got {
		if !f.Unproven || f.Severity != findings.Low || !strings.HasPrefix(f.Message, "cannot prove: ") {
			t.Errorf("not an unproven finding: %+v", f)
		}
		line := 0
		if f.Location != nil {
			line = f.Location.Line
		}
		have = append(have, view{f.RuleID, f.Resource.ID, f.Blocks, line})
	}
	want := []view{
		// The bucket hop of an EKS path is EK03's, not CT03's.
		{"EK03", bucket, []findings.Blocked{{RuleID: "EK03", Resource: bucket}}, 0},
		// One cause on two paths: one finding, at the filter that names it.
		{"EK02", role, []findings.Blocked{{RuleID: "EK02", Resource: role}}, 12},
	}
	if d := cmp.Diff(want, have); d != "" {
		t.Errorf("unproven hops (-want +got):\n%s", d)
	}
	if len(got) == 2 && !strings.Contains(got[1].Message, "and 1 more hop(s)") {
		t.Errorf("message %q does not count the second path", got[1].Message)
	}
	// A hop a finding already explains says nothing more.
	explained := []findings.Finding{{RuleID: "EK02", Severity: findings.Critical, Resource: findings.Resource{ID: filter}, Fingerprint: "ek02"}}
	for _, f := range unprovenHops(rules, &snapshot.Snapshot{}, paths, explained, locs) {
		if f.RuleID == "EK02" {
			t.Errorf("hop explained by EK02's finding, yet: %s", f.Message)
		}
	}
}
