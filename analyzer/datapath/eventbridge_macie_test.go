package datapath

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const (
	macieRuleARN  = "arn:aws:events:us-east-1:222222222222:rule/macie-findings"
	macieQueueARN = "arn:aws:sqs:us-east-1:222222222222:skyformation-macie-alerts"
	// Macie's finding events: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-macie.html
	maciePattern = `{"source":["aws.macie"],"detail-type":["Macie Finding"]}`
)

var macieConn = &connector.Connector{Profile: "skyformation", Role: "arn:aws:iam::222222222222:user/skyformation-connector",
	Sources: []string{"cloudtrail", "macie"}, MacieQueue: macieQueueARN}

// macieSnapshot is a rule sending Macie findings to the Macie queue.
func macieSnapshot(pattern string, edit func(*snapshot.Account)) *snapshot.Snapshot {
	a := snapshot.Account{
		ID: "222222222222", Regions: []string{"us-east-1"},
		EventRules: []snapshot.EventRule{{Name: "macie-findings", ARN: macieRuleARN, Region: "us-east-1", State: "ENABLED",
			EventBusName: "default", EventPattern: json.RawMessage(pattern),
			Targets: []snapshot.EventTarget{{ID: "q", ARN: macieQueueARN}}}},
		Queues: []snapshot.Queue{{Name: "skyformation-macie-alerts", ARN: macieQueueARN, Region: "us-east-1"}},
	}
	if edit != nil {
		edit(&a)
	}
	return &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Accounts: []snapshot.Account{a}}
}

func maciePathsOf(t *testing.T, s *snapshot.Snapshot, conn *connector.Connector) []Path {
	t.Helper()
	var out []Path
	for _, p := range Build(s, conn) {
		if p.Source.Kind == SourceMacie {
			out = append(out, p)
		}
	}
	return out
}

// The rule's queue target is reached by EventBridge under the queue
// policy, with the rule as aws:SourceArn
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions);
// an encrypted queue's key must let events.amazonaws.com
// kms:GenerateDataKey and kms:Decrypt.
func TestMaciePath(t *testing.T) {
	s := macieSnapshot(maciePattern, func(a *snapshot.Account) {
		a.Queues[0].KmsMasterKeyID = "arn:aws:kms:us-east-1:222222222222:key/k1"
		a.Keys = []snapshot.Key{{ARN: "arn:aws:kms:us-east-1:222222222222:key/k1", KeyID: "k1", Region: "us-east-1", KeyState: "Enabled"}}
	})
	ps := maciePathsOf(t, s, macieConn)
	if len(ps) != 1 {
		t.Fatalf("%d Macie paths, want 1", len(ps))
	}
	p := ps[0]
	if want := macieRuleARN + " -> " + macieQueueARN; p.ID != want {
		t.Errorf("ID %q, want %q", p.ID, want)
	}
	var kinds []HopKind
	for _, h := range p.Hops {
		kinds = append(kinds, h.Kind)
		if len(h.Problems) > 0 {
			t.Errorf("%s hop problems: %v", h.Kind, h.Problems)
		}
	}
	if want := []HopKind{HopEventRule, HopQueue, HopQueueKey}; !slices.Equal(kinds, want) {
		t.Errorf("hops %v, want %v", kinds, want)
	}
	q := hopOf(&p, HopQueue).Questions[0]
	if q.Principal != principalEvents || q.Action != "sqs:SendMessage" || q.Resource != macieQueueARN {
		t.Errorf("queue question %+v", q)
	}
	if got := q.Context["aws:SourceArn"]; !cmp.Equal(got, []string{macieRuleARN}) {
		t.Errorf("aws:SourceArn %v, want the rule", got)
	}
	var acts []string
	for _, kq := range hopOf(&p, HopQueueKey).Questions {
		acts = append(acts, kq.Principal+" "+kq.Action)
	}
	if want := []string{"events.amazonaws.com kms:GenerateDataKey", "events.amazonaws.com kms:Decrypt"}; !cmp.Equal(acts, want) {
		t.Errorf("key questions %v, want %v", acts, want)
	}
}

func TestMaciePathProblems(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pattern string
		edit    func(*snapshot.Account)
		want    []string // problems of the event-rule hop
	}{
		{name: "source only", pattern: `{"source":["aws.macie"]}`},
		// API_Rule.html: this state is enabled, management events included.
		{name: "enabled with management events", pattern: maciePattern, edit: func(a *snapshot.Account) {
			a.EventRules[0].State = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
		}},
		{name: "disabled", pattern: maciePattern, edit: func(a *snapshot.Account) { a.EventRules[0].State = "DISABLED" },
			want: []string{"rule is DISABLED"}},
		{name: "custom bus", pattern: maciePattern, edit: func(a *snapshot.Account) { a.EventRules[0].EventBusName = "security" },
			want: []string{"rule is on event bus security; Macie sends findings to the default bus"}},
		{name: "detail-type typo", pattern: `{"source":["aws.macie"],"detail-type":["Macie Findings"]}`,
			want: []string{`event pattern {"detail-type":["Macie Findings"],"source":["aws.macie"]} matches no Macie finding of account 222222222222 in us-east-1 (source aws.macie, detail-type "Macie Finding")`}},
		{name: "another account's findings", pattern: `{"source":["aws.macie"],"account":["333333333333"]}`,
			want: []string{`event pattern {"account":["333333333333"],"source":["aws.macie"]} matches no Macie finding of account 222222222222 in us-east-1 (source aws.macie, detail-type "Macie Finding")`}},
		{name: "no rule", pattern: maciePattern, edit: func(a *snapshot.Account) { a.EventRules = nil },
			want: []string{`no EventBridge rule routes Macie findings (source aws.macie, detail-type "Macie Finding") to queue ` + macieQueueARN}},
		// Macie's API calls through CloudTrail are source aws.macie2
		// (events-ref-macie2.html): not its findings.
		{name: "macie2 API calls", pattern: `{"source":["aws.macie2"]}`,
			want: []string{`no EventBridge rule routes Macie findings (source aws.macie, detail-type "Macie Finding") to queue ` + macieQueueARN +
				`; the rules targeting it match other events: ` + macieRuleARN + ` (pattern {"source":["aws.macie2"]})`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := maciePathsOf(t, macieSnapshot(tc.pattern, tc.edit), macieConn)
			if len(ps) != 1 {
				t.Fatalf("%d Macie paths, want 1", len(ps))
			}
			got := hopOf(&ps[0], HopEventRule).Problems
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("event-rule problems (-want +got):\n%s", diff)
			}
		})
	}
}

// A rule for another source on the same queue, beside the Macie rule, is
// not judged: only the Macie route is.
func TestMaciePathIgnoresOtherRules(t *testing.T) {
	s := macieSnapshot(maciePattern, func(a *snapshot.Account) {
		r := a.EventRules[0]
		r.Name, r.ARN, r.EventPattern = "inspector", "arn:aws:events:us-east-1:222222222222:rule/inspector", json.RawMessage(`{"source":["aws.inspector2"]}`)
		a.EventRules = append(a.EventRules, r)
	})
	ps := maciePathsOf(t, s, macieConn)
	if len(ps) != 1 || !strings.HasPrefix(ps[0].ID, macieRuleARN) {
		t.Errorf("Macie paths %v, want the Macie rule's only", ps)
	}
}

// Without source macie or a macie_queue, no Macie route is demanded.
func TestMaciePathNeedsSourceAndQueue(t *testing.T) {
	s := macieSnapshot(maciePattern, func(a *snapshot.Account) { a.EventRules = nil })
	noSource := *macieConn
	noSource.Sources = []string{"cloudtrail"}
	noQueue := *macieConn
	noQueue.MacieQueue = ""
	for _, c := range []*connector.Connector{nil, &noSource, &noQueue} {
		if ps := maciePathsOf(t, s, c); len(ps) != 0 {
			t.Errorf("connector %+v: %d Macie paths, want none", c, len(ps))
		}
	}
}

// What the input does not hold is not a missing rule: the queue not
// declared (a template for the connector's user only), or the rules not
// read.
func TestMacieMissingRuleUnknown(t *testing.T) {
	for name, edit := range map[string]func(*snapshot.Account){
		"queue not in the input": func(a *snapshot.Account) { a.EventRules, a.Queues = nil, nil },
		"queue only referred to": func(a *snapshot.Account) { a.EventRules = nil; a.Queues[0].Partial = true },
	} {
		t.Run(name, func(t *testing.T) {
			ps := maciePathsOf(t, macieSnapshot(maciePattern, edit), macieConn)
			if len(ps) != 1 || ps[0].Status != StatusUnknown {
				t.Fatalf("paths %+v, want one path that cannot be proven", ps)
			}
		})
	}
	s := macieSnapshot(maciePattern, func(a *snapshot.Account) { a.EventRules = nil })
	s.CollectionErrors = []snapshot.CollectionError{{Account: "222222222222", Region: "us-east-1", Service: "events", Operation: "ListRules", Code: "AccessDenied"}}
	ps := maciePathsOf(t, s, macieConn)
	if len(ps) != 1 || ps[0].Status != StatusUnknown {
		t.Fatalf("paths %+v, want one path that cannot be proven", ps)
	}
	if want := unknownProblem("EventBridge rules could not be read (ListRules: AccessDenied)"); !cmp.Equal(hopOf(&ps[0], HopEventRule).Problems, []string{want}) {
		t.Errorf("problems %v, want %q", hopOf(&ps[0], HopEventRule).Problems, want)
	}
}
