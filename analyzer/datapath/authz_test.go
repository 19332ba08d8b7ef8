package datapath

import (
	"encoding/json"
	"testing"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/iam"
)

// The Control Tower scenario through the real evaluator: every hop is
// granted except the queue key, whose policy lets S3 but not SNS use it
// (catalog SQ02), so SNS cannot encrypt the message for the queue.
func TestEvaluateWithAuthzControlTower(t *testing.T) {
	snap := load(t, "controltower.json")
	ix, err := authz.NewIndex(snap)
	if err != nil {
		t.Fatal(err)
	}
	paths := Evaluate(Build(snap, conn(t, expelConnector)), AuthzAsker(ix))
	if len(paths) != 1 {
		t.Fatalf("paths = %d", len(paths))
	}
	p := paths[0]
	out, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "controltower.authz.json", append(out, '\n'))
	if p.FirstBroken < 0 || p.Hops[p.FirstBroken].Kind != HopQueueKey {
		t.Fatalf("first broken hop = %d, want the queue key:\n%s", p.FirstBroken, string(out))
	}
	for _, q := range p.Hops[p.FirstBroken].Questions {
		if q.Principal != "sns.amazonaws.com" || q.Answer.Decision != iam.ImplicitlyDenied {
			t.Errorf("queue key question %s: %s %s", q.ID, q.Principal, q.Answer.Decision)
		}
	}
	for i, h := range p.Hops[:p.FirstBroken] {
		if h.Status != StatusOK {
			t.Errorf("hop %d (%s) = %s before the break", i, h.Kind, h.Status)
		}
	}
}
