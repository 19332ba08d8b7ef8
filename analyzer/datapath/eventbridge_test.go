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
	ebAccount = "111111111111"
	ebRule    = "arn:aws:events:us-east-1:111111111111:rule/guardduty-findings"
	ebTopic   = "arn:aws:sns:us-east-1:111111111111:guardduty-findings"
	ebQueue   = "arn:aws:sqs:us-east-1:111111111111:siem-guardduty"
)

// ebSnapshot is a detector whose findings a rule routes to a topic a
// queue subscribes to.
func ebSnapshot(pattern string, edit func(*snapshot.Account)) *snapshot.Snapshot {
	a := snapshot.Account{
		ID: ebAccount, Regions: []string{"us-east-1"},
		Detectors: []snapshot.Detector{{ID: "d1", Region: "us-east-1", Status: "ENABLED",
			ARN: "arn:aws:guardduty:us-east-1:111111111111:detector/d1", FindingPublishingFrequency: "FIFTEEN_MINUTES"}},
		EventRules: []snapshot.EventRule{{Name: "guardduty-findings", ARN: ebRule, Region: "us-east-1", State: "ENABLED",
			EventBusName: "default", EventPattern: json.RawMessage(pattern),
			Targets: []snapshot.EventTarget{{ID: "sns", ARN: ebTopic}}}},
		Topics: []snapshot.Topic{{Name: "guardduty-findings", ARN: ebTopic, Region: "us-east-1",
			Subscriptions: []snapshot.Subscription{{ARN: ebTopic + ":1", Protocol: "sqs", Endpoint: ebQueue}}}},
		Queues: []snapshot.Queue{{Name: "siem-guardduty", ARN: ebQueue, Region: "us-east-1"}},
	}
	if edit != nil {
		edit(&a)
	}
	return &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Accounts: []snapshot.Account{a}}
}

const findingsPattern = `{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}`

func eventPath(t *testing.T, s *snapshot.Snapshot, conn *connector.Connector) *Path {
	t.Helper()
	for _, p := range Build(s, conn) {
		if strings.Contains(p.ID, ebRule) {
			return &p
		}
	}
	return nil
}

func hopOf(p *Path, k HopKind) *Hop {
	for i := range p.Hops {
		if p.Hops[i].Kind == k {
			return &p.Hops[i]
		}
	}
	return nil
}

// GuardDuty → EventBridge rule → SNS → SQS: EventBridge publishes with the
// rule as aws:SourceArn (eb-use-resource-based.html#eb-sns-permissions).
func TestEventBridgePath(t *testing.T) {
	p := eventPath(t, ebSnapshot(findingsPattern, nil), nil)
	if p == nil {
		t.Fatal("no EventBridge path")
	}
	var kinds []HopKind
	for _, h := range p.Hops {
		kinds = append(kinds, h.Kind)
	}
	if want := []HopKind{HopWriter, HopEventRule, HopTopic, HopSubscription, HopQueue}; !slices.Equal(kinds, want) {
		t.Errorf("hops %v, want %v", kinds, want)
	}
	if want := "arn:aws:guardduty:us-east-1:111111111111:detector/d1 -> " + ebRule + " -> " + ebTopic + " -> " + ebQueue; p.ID != want {
		t.Errorf("ID %q, want %q", p.ID, want)
	}
	q := hopOf(p, HopTopic).Questions[0]
	if q.Principal != "events.amazonaws.com" || q.Action != "sns:Publish" || q.Context["aws:SourceArn"][0] != ebRule || q.Context["aws:SourceAccount"][0] != ebAccount {
		t.Errorf("publish question %+v", q)
	}
	if pr := hopOf(p, HopEventRule).Problems; len(pr) != 0 {
		t.Errorf("problems %v", pr)
	}
}

// An encrypted topic: EventBridge needs kms:GenerateDataKey and kms:Decrypt
// on its key (sns-not-getting-eventbridge-notification).
func TestEventBridgeTopicKey(t *testing.T) {
	key := "arn:aws:kms:us-east-1:111111111111:key/k1"
	p := eventPath(t, ebSnapshot(findingsPattern, func(a *snapshot.Account) {
		a.Topics[0].KmsMasterKeyID = key
		a.Keys = []snapshot.Key{{KeyID: "k1", ARN: key, Region: "us-east-1", KeyState: "Enabled", KeyManager: "CUSTOMER"}}
	}), nil)
	h := hopOf(p, HopTopicKey)
	if h == nil || len(h.Questions) != 2 || h.Questions[0].Principal != "events.amazonaws.com" {
		t.Fatalf("topic key hop %+v", h)
	}
}

func TestEventRuleProblems(t *testing.T) {
	for _, c := range []struct {
		name, pattern string
		edit          func(*snapshot.Account)
		want          string
	}{
		{"disabled", findingsPattern, func(a *snapshot.Account) { a.EventRules[0].State = "DISABLED" }, "rule is DISABLED"},
		{"custom bus", findingsPattern, func(a *snapshot.Account) { a.EventRules[0].EventBusName = "security" }, "on event bus security"},
		{"typo", `{"source":["aws.guardduty"],"detail-type":["GuardDuty Findings"]}`, nil, "matches no GuardDuty finding"},
		{"other account", `{"source":["aws.guardduty"],"account":["222222222222"]}`, nil, "matches no GuardDuty finding"},
		{"other region", findingsPattern, func(a *snapshot.Account) {
			a.EventRules[0].Targets[0].ARN = "arn:aws:sns:eu-west-1:111111111111:guardduty-findings"
		}, "not in the rule's Region"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := eventPath(t, ebSnapshot(c.pattern, c.edit), nil)
			if p == nil {
				t.Fatal("no EventBridge path")
			}
			pr := hopOf(p, HopEventRule).Problems
			if len(pr) != 1 || !strings.Contains(pr[0], c.want) {
				t.Errorf("problems %q, want one with %q", pr, c.want)
			}
		})
	}
}

// Patterns that route findings: the documented one, source alone, content
// filters, $or, and detail filters (a chosen subset of findings).
func TestMatchPattern(t *testing.T) {
	event := map[string]string{"source": "aws.guardduty", "detail-type": "GuardDuty Finding", "account": ebAccount, "region": "us-east-1"}
	for pattern, want := range map[string]match{
		`{"source":["aws.guardduty"]}`: matchYes,
		findingsPattern:                matchYes,
		`{"source":["aws.guardduty"],"detail-type":[{"prefix":"GuardDuty"}]}`:                        matchYes,
		`{"source":["aws.guardduty"],"detail-type":[{"equals-ignore-case":"guardduty finding"}]}`:    matchYes,
		`{"source":["aws.guardduty"],"detail-type":[{"wildcard":"GuardDuty *"}]}`:                    matchYes,
		`{"source":["aws.guardduty"],"detail-type":[{"anything-but":"GuardDuty Finding"}]}`:          matchNo,
		`{"source":["aws.guardduty"],"detail":{"severity":[{"numeric":[">=",7]}]}}`:                  matchYes,
		`{"source":["aws.guardduty"],"$or":[{"region":["eu-west-1"]},{"account":["111111111111"]}]}`: matchYes,
		`{"source":["aws.guardduty"],"$or":[{"region":["eu-west-1"]},{"account":["222222222222"]}]}`: matchNo,
		`{"source":["aws.securityhub"]}`:                                matchNo,
		`{"source":["aws.guardduty"],"region":[{"cidr":"10.0.0.0/8"}]}`: matchUnknown,
	} {
		var p map[string]json.RawMessage
		if err := json.Unmarshal([]byte(pattern), &p); err != nil {
			t.Fatal(err)
		}
		if got := matchPattern(p, event); got != want {
			t.Errorf("%s: got %d, want %d", pattern, got, want)
		}
	}
}

// Rules for GuardDuty's other events are not finding routes.
func TestRoutesGuardDutyFindings(t *testing.T) {
	got := map[string]bool{}
	for _, p := range []string{findingsPattern, `{"source":["aws.guardduty"]}`, `{"source":["aws.guardduty"],"detail-type":["GuardDuty Malware Protection Object Scan Result"]}`, `{"source":["aws.s3"]}`} {
		got[p] = routesGuardDutyFindings(json.RawMessage(p))
	}
	want := map[string]bool{findingsPattern: true, `{"source":["aws.guardduty"]}`: true,
		`{"source":["aws.guardduty"],"detail-type":["GuardDuty Malware Protection Object Scan Result"]}`: false, `{"source":["aws.s3"]}`: false}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
}

// With a connector, only branches to its queue are its path.
func TestEventBridgeConnectorQueue(t *testing.T) {
	s := ebSnapshot(findingsPattern, nil)
	if eventPath(t, s, &connector.Connector{Role: "r", Queue: ebQueue}) == nil {
		t.Error("the connector's queue is reached: want its path")
	}
	if p := eventPath(t, s, &connector.Connector{Role: "r", Queue: "arn:aws:sqs:us-east-1:111111111111:other"}); p != nil {
		t.Errorf("another queue's connector got %s", p.ID)
	}
	if p := eventPath(t, s, &connector.Connector{Role: "r", Queue: ebQueue, Sources: []string{"cloudtrail"}}); p != nil {
		t.Errorf("a CloudTrail-only connector got %s", p.ID)
	}
}

// A vendor that subscribes its own queue (Radiant): a GuardDuty bucket that
// notifies no topic breaks the notification hop (nobody lists the bucket);
// a template's topic without the vendor's subscription ends the path at
// the topic, since the vendor subscribes through the API.
func TestVendorSubscribesTopics(t *testing.T) {
	key := "arn:aws:kms:us-east-1:111111111111:key/k1"
	s := ebSnapshot(findingsPattern, func(a *snapshot.Account) {
		a.EventRules = nil
		a.Detectors[0].PublishingDestinations = []snapshot.PublishingDestination{{DestinationType: "S3", DestinationARN: "arn:aws:s3:::findings", KmsKeyARN: key}}
		a.Buckets = []snapshot.Bucket{{Name: "findings", ARN: "arn:aws:s3:::findings", Region: "us-east-1"}}
		a.Topics[0].Subscriptions = nil
	})
	conn := &connector.Connector{Profile: "radiant", Role: "arn:aws:iam::111111111111:role/radiant-aws-access-role", Sources: []string{"guardduty"}}
	paths := Build(s, conn)
	if len(paths) != 1 {
		t.Fatalf("%d paths", len(paths))
	}
	n := hopOf(&paths[0], HopNotification)
	if n == nil || len(n.Problems) != 1 || !strings.HasPrefix(n.Problems[0], NoTopicProblem) {
		t.Fatalf("notification hop %+v", n)
	}
	s.Accounts[0].Buckets[0].Notification = &snapshot.NotificationConfiguration{TopicConfigurations: []snapshot.NotificationTarget{{ARN: ebTopic, Events: []string{"s3:ObjectCreated:*"}}}}
	for _, c := range []struct {
		source string
		last   HopKind
	}{{snapshot.SourceCloudFormation, HopTopic}, {snapshot.SourceLive, HopSubscription}} {
		s.Source = c.source
		p := Build(s, conn)[0]
		if got := p.Hops[len(p.Hops)-1].Kind; got != c.last {
			t.Errorf("%s: path ends at %s, want %s", c.source, got, c.last)
		}
	}
}
