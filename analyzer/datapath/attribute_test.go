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

// A rule judging several kinds of hop (EB01) marks only the hops its
// finding is about: those unsound by their own answers (a subscription
// that does not exist, though the finding names the topic), else the
// hops naming its resource; the others show their own status.
func TestAttributeOneCauseOneHop(t *testing.T) {
	const (
		rule  = "arn:aws:events:us-east-1:111111111111:rule/r"
		topic = "arn:aws:sns:us-east-1:111111111111:t"
		queue = "arn:aws:sqs:us-east-1:111111111111:q"
	)
	path := func(topicStatus, subStatus Status, sub []Resource) Path {
		return Path{ID: "p", Source: Source{ARN: "arn:aws:guardduty:us-east-1:111111111111:detector/d"}, Hops: []Hop{
			{Kind: HopEventRule, Resources: []Resource{{ARN: rule}}, Status: StatusOK},
			{Kind: HopTopic, Resources: []Resource{{ARN: topic}}, Status: topicStatus,
				Questions: []Question{{Principal: "events.amazonaws.com", Resource: topic}}},
			{Kind: HopSubscription, Resources: sub, Status: subStatus},
			{Kind: HopQueue, Resources: []Resource{{ARN: queue}}, Status: StatusOK},
		}}
	}
	hops := map[string][]HopKind{"EB01": {HopEventRule, HopTopic, HopSubscription, HopQueue}}
	statuses := func(p Path) []Status {
		var out []Status
		for _, h := range p.Hops {
			out = append(out, h.Status)
		}
		return out
	}
	eb01 := func(resource string) []findings.Finding {
		return []findings.Finding{{RuleID: "EB01", Severity: findings.Critical, Resource: findings.Resource{ID: resource}, Fingerprint: "eb01"}}
	}
	for _, c := range []struct {
		name string
		p    Path
		fs   []findings.Finding
		want []Status
	}{
		{"topic policy", path(StatusBroken, StatusOK, []Resource{{ARN: topic + ":1"}}), eb01(topic),
			[]Status{StatusOK, StatusBroken, StatusOK, StatusOK}},
		{"no subscription", path(StatusOK, StatusBroken, nil), eb01(topic),
			[]Status{StatusOK, StatusOK, StatusBroken, StatusOK}},
		// Nothing unsound by its own answers (a policy the rule reads
		// itself): the hop naming the resource.
		{"named only", path(StatusOK, StatusOK, []Resource{{ARN: topic + ":1"}}), eb01(queue),
			[]Status{StatusOK, StatusOK, StatusOK, StatusBroken}},
		// About the path's source only: every hop the rule judges.
		{"source only", path(StatusOK, StatusOK, []Resource{{ARN: topic + ":1"}}), eb01("arn:aws:guardduty:us-east-1:111111111111:detector/d"),
			[]Status{StatusBroken, StatusBroken, StatusBroken, StatusBroken}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if d := cmp.Diff(c.want, statuses(Attribute([]Path{c.p}, c.fs, hops)[0])); d != "" {
				t.Errorf("hop statuses (-want +got):\n%s", d)
			}
		})
	}
}
