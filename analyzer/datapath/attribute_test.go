package datapath

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// A finding explains the hops its rule judges on the paths it is about,
// and decides their status: the path view never shows ✓ beside it.
func TestAttribute(t *testing.T) {
	p := Path{ID: "p", Source: Source{ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/t"}, Hops: []Hop{
		{Kind: HopWriter, Resources: []Resource{{ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/t"}}, Status: StatusOK},
		{Kind: HopBucket, Resources: []Resource{{ARN: "arn:aws:s3:::logs"}}, Status: StatusOK},
		{Kind: HopQueue, Resources: []Resource{{ARN: "arn:aws:sqs:us-east-1:222222222222:q"}}, Status: StatusOK},
		{Kind: HopRead, Resources: []Resource{{ARN: "arn:aws:s3:::logs"}}, Status: StatusOK,
			Questions: []Question{{Principal: "arn:aws:iam::222222222222:role/r", Resource: "arn:aws:s3:::logs/AWSLogs/x.json.gz"}}},
	}}
	fs := []findings.Finding{
		{RuleID: "CT02", Severity: findings.High, Resource: findings.Resource{ID: p.Source.ARN}, Fingerprint: "ct02"},
		{RuleID: "SQ04", Severity: findings.Medium, Resource: findings.Resource{ID: "arn:aws:sqs:us-east-1:222222222222:q"}, Fingerprint: "sq04"},
		{RuleID: "S305", Severity: findings.Critical, Resource: findings.Resource{ID: "arn:aws:s3:::logs"}, Fingerprint: "s305"},
		{RuleID: "CT03", Severity: findings.Critical, Resource: findings.Resource{ID: "arn:aws:s3:::logs"}, Fingerprint: "ct03", Unproven: true},
		// About another queue: not on this path.
		{RuleID: "SQ01", Severity: findings.Critical, Resource: findings.Resource{ID: "arn:aws:sqs:us-east-1:222222222222:other"}, Fingerprint: "sq01"},
	}
	hops := map[string][]HopKind{
		"CT02": {HopWriter}, "SQ04": {HopQueue}, "S305": {HopRead}, "CT03": {HopBucket}, "SQ01": {HopQueue},
	}
	got := Attribute([]Path{p}, fs, hops)[0]
	type hopView struct {
		Kind     HopKind
		Status   Status
		Findings []string
	}
	var view []hopView
	for _, h := range got.Hops {
		view = append(view, hopView{h.Kind, h.Status, h.Findings})
	}
	want := []hopView{
		{HopWriter, StatusDegraded, []string{"ct02"}},
		{HopBucket, StatusUnknown, []string{"ct03"}},
		{HopQueue, StatusDegraded, []string{"sq04"}},
		{HopRead, StatusBroken, []string{"s305"}},
	}
	if d := cmp.Diff(want, view); d != "" {
		t.Errorf("hops (-want +got):\n%s", d)
	}
	if got.Status != StatusBroken || got.FirstBroken != 3 {
		t.Errorf("path status %s, first broken %d; want broken at 3", got.Status, got.FirstBroken)
	}
	if p.Hops[0].Status != StatusOK || p.Hops[0].Findings != nil {
		t.Error("Attribute modified its input")
	}
}
