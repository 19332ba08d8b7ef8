package engine

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

func at(file string, line int, addr string) *snapshot.Location {
	return &snapshot.Location{File: file, Line: line, Address: addr}
}

// Every resource kind a rule reports on maps to its IaC declaration, so
// that findings on Terraform plans (GD01, GD02 on detectors, NT05 on
// subscriptions) carry a location even when the rule names none.
func TestResourceLocationsMapsEveryKind(t *testing.T) {
	policy := func(l *snapshot.Location) *snapshot.Policy {
		return &snapshot.Policy{Document: json.RawMessage(`{}`), Location: l}
	}
	s := &snapshot.Snapshot{
		Partition: "aws-us-gov",
		Organization: &snapshot.Organization{
			ID: "o-abc", ARN: "arn:aws:organizations::111111111111:organization/o-abc", Location: at("org.tf.json", 0, "aws_organizations_organization.org"),
			Policies: []snapshot.OrgPolicy{{
				ID: "p-1", ARN: "arn:aws:organizations::111111111111:policy/o-abc/service_control_policy/p-1", Type: snapshot.PolicyTypeSCP,
				Document: snapshot.Policy{Document: json.RawMessage(`{}`), Location: at("plan.json", 0, "aws_organizations_policy.deny")},
			}},
		},
		Accounts: []snapshot.Account{{
			ID: "222222222222",
			Roles: []snapshot.Role{
				{ARN: "arn:aws-us-gov:iam::222222222222:role/Reader", Location: at("t.yaml", 40, "ReaderRole")},
				// Partial: only its trust policy is declared.
				{ARN: "arn:aws-us-gov:iam::222222222222:role/Other", TrustPolicy: policy(at("t.yaml", 70, "OtherTrust")), Partial: true},
			},
			Buckets: []snapshot.Bucket{
				{ARN: "arn:aws-us-gov:s3:::logs", Location: at("t.yaml", 10, "LogBucket"), Policy: policy(at("t.yaml", 20, "LogBucketPolicy"))},
				// Partial: only its notification is declared.
				{ARN: "arn:aws-us-gov:s3:::other", Notification: &snapshot.NotificationConfiguration{Location: at("plan.json", 0, "aws_s3_bucket_notification.other")}, Partial: true},
			},
			Trails: []snapshot.Trail{{ARN: "arn:aws-us-gov:cloudtrail:us-gov-west-1:222222222222:trail/t", Location: at("t.yaml", 5, "Trail")}},
			Keys:   []snapshot.Key{{ARN: "arn:aws-us-gov:kms:us-gov-west-1:222222222222:key/k", Policy: policy(at("plan.json", 0, "aws_kms_key_policy.k")), Partial: true}},
			Topics: []snapshot.Topic{{
				ARN: "arn:aws-us-gov:sns:us-gov-west-1:222222222222:events", Location: at("t.yaml", 90, "Topic"),
				Subscriptions: []snapshot.Subscription{
					{ARN: "arn:aws-us-gov:sns:us-gov-west-1:222222222222:events:s1", Location: at("t.yaml", 99, "Sub")},
					{ARN: "arn:aws-us-gov:sns:us-gov-west-1:222222222222:events:s2"},
					// Pending: named by topic and endpoint, as its hop is.
					{ARN: "PendingConfirmation", Endpoint: "arn:aws-us-gov:sqs:us-gov-west-1:999999999999:v", Location: at("t.yaml", 101, "PendingSub")},
				},
			}},
			Queues:      []snapshot.Queue{{ARN: "arn:aws-us-gov:sqs:us-gov-west-1:222222222222:q", Location: at("t.yaml", 80, "Queue"), Policy: policy(at("t.yaml", 88, "QueuePolicy"))}},
			Users:       []snapshot.User{{ARN: "arn:aws-us-gov:iam::222222222222:user/u", Location: at("t.yaml", 120, "User")}},
			EKSClusters: []snapshot.EKSCluster{{ARN: "arn:aws-us-gov:eks:us-gov-west-1:222222222222:cluster/c", Location: at("t.yaml", 130, "Cluster")}},
			LogGroups: []snapshot.LogGroup{{
				ARN: "arn:aws-us-gov:logs:us-gov-west-1:222222222222:log-group:g:*", Location: at("t.yaml", 140, "Group"),
				SubscriptionFilters: []snapshot.SubscriptionFilter{{Name: "f", Location: at("t.yaml", 145, "Filter")}, {Name: "h"}},
			}},
			DeliveryStreams:         []snapshot.DeliveryStream{{ARN: "arn:aws-us-gov:firehose:us-gov-west-1:222222222222:deliverystream/s", Location: at("t.yaml", 150, "Stream")}},
			EventRules:              []snapshot.EventRule{{ARN: "arn:aws-us-gov:events:us-gov-west-1:222222222222:rule/r", Location: at("t.yaml", 160, "Rule")}},
			RedshiftClusters:        []snapshot.RedshiftCluster{{ARN: "arn:aws-us-gov:redshift:us-gov-west-1:222222222222:cluster:rc", Location: at("t.yaml", 170, "Redshift")}},
			RedshiftParameterGroups: []snapshot.RedshiftParameterGroup{{Name: "pg", Region: "us-gov-west-1", Location: at("t.yaml", 180, "ParamGroup")}},
			Detectors: []snapshot.Detector{
				{ID: "d1", Region: "us-gov-west-1", Location: at("plan.json", 0, "aws_guardduty_detector.d1")},
				// Partial: only a publishing destination is declared.
				{ID: "d2", Region: "us-gov-east-1", Partial: true, PublishingDestinations: []snapshot.PublishingDestination{{Location: at("plan.json", 0, "aws_guardduty_publishing_destination.d2")}}},
				// Nothing declared: no location rather than a wrong one.
				{ID: "d3", Region: "us-gov-east-1"},
			},
		}},
	}
	want := map[string]string{
		"arn:aws:organizations::111111111111:organization/o-abc": "aws_organizations_organization.org",
		"o-abc": "aws_organizations_organization.org",
		"p-1":   "aws_organizations_policy.deny",
		"arn:aws:organizations::111111111111:policy/o-abc/service_control_policy/p-1":                             "aws_organizations_policy.deny",
		"arn:aws-us-gov:iam::222222222222:role/Reader":                                                            "ReaderRole",
		"arn:aws-us-gov:iam::222222222222:role/Other":                                                             "OtherTrust",
		"arn:aws-us-gov:s3:::logs":                                                                                "LogBucket",
		"arn:aws-us-gov:s3:::other":                                                                               "aws_s3_bucket_notification.other",
		"arn:aws-us-gov:cloudtrail:us-gov-west-1:222222222222:trail/t":                                            "Trail",
		"arn:aws-us-gov:kms:us-gov-west-1:222222222222:key/k":                                                     "aws_kms_key_policy.k",
		"arn:aws-us-gov:sns:us-gov-west-1:222222222222:events":                                                    "Topic",
		"arn:aws-us-gov:sns:us-gov-west-1:222222222222:events:s1":                                                 "Sub",
		"arn:aws-us-gov:sns:us-gov-west-1:222222222222:events:s2":                                                 "Topic",
		"arn:aws-us-gov:sqs:us-gov-west-1:222222222222:q":                                                         "Queue",
		"arn:aws-us-gov:sns:us-gov-west-1:222222222222:events -> arn:aws-us-gov:sqs:us-gov-west-1:999999999999:v": "PendingSub",
		"arn:aws-us-gov:eks:us-gov-west-1:222222222222:cluster/c":                                                 "Cluster",
		"arn:aws-us-gov:logs:us-gov-west-1:222222222222:log-group:g":                                              "Group",
		"arn:aws-us-gov:logs:us-gov-west-1:222222222222:log-group:g:*":                                            "Group",
		"arn:aws-us-gov:logs:us-gov-west-1:222222222222:log-group:g:subscription-filter:f":                        "Filter",
		"arn:aws-us-gov:logs:us-gov-west-1:222222222222:log-group:g:subscription-filter:h":                        "Group",
		"arn:aws-us-gov:firehose:us-gov-west-1:222222222222:deliverystream/s":                                     "Stream",
		"arn:aws-us-gov:events:us-gov-west-1:222222222222:rule/r":                                                 "Rule",
		"arn:aws-us-gov:redshift:us-gov-west-1:222222222222:cluster:rc":                                           "Redshift",
		"arn:aws-us-gov:redshift:us-gov-west-1:222222222222:parametergroup:pg":                                    "ParamGroup",
		"arn:aws-us-gov:guardduty:us-gov-west-1:222222222222:detector/d1":                                         "aws_guardduty_detector.d1",
		"arn:aws-us-gov:guardduty:us-gov-east-1:222222222222:detector/d2":                                         "aws_guardduty_publishing_destination.d2",
	}
	got := map[string]string{}
	s.Sort() // derives the detector ARNs, as every producer of a snapshot does
	for id, l := range ResourceLocations(s) {
		got[id] = l.Address
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ResourceLocations (-want +got):\n%s", diff)
	}
	// Hops also step to a user's declaration; findings never land there.
	want["arn:aws-us-gov:iam::222222222222:user/u"] = "User"
	got = map[string]string{}
	for id, l := range HopLocations(s) {
		got[id] = l.Address
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HopLocations (-want +got):\n%s", diff)
	}
}

// A finding whose rule names a location keeps it; one without takes its
// resource's declaration.
func TestDecodeFindingLocation(t *testing.T) {
	rule := findings.Rule{ID: "GD01", Severity: findings.High, Title: "t"}
	detector := "arn:aws:guardduty:eu-west-1:333333333333:detector/a1"
	locs := map[string]*snapshot.Location{detector: at("plan.json", 0, "aws_guardduty_detector.eu")}
	emit := func(loc any) map[string]any {
		f := map[string]any{
			"resource": map[string]any{"id": detector, "type": "AWS::GuardDuty::Detector"},
			"message":  "m", "fact": "f",
		}
		if loc != nil {
			f["location"] = loc
		}
		return f
	}
	for _, tc := range []struct {
		name     string
		emitted  any
		want     *findings.Location
		wantAddr string
	}{
		{"resource fallback", nil, &findings.Location{File: "plan.json"}, "aws_guardduty_detector.eu"},
		{"rule's statement", map[string]any{"file": "t.yaml", "line": 50, "address": "ReaderRole"}, &findings.Location{File: "t.yaml", Line: 50}, "ReaderRole"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, err := decodeFinding(rule, emit(tc.emitted), locs)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, f.Location); diff != "" || f.Address != tc.wantAddr {
				t.Errorf("location (-want +got):\n%s address %q, want %q", diff, f.Address, tc.wantAddr)
			}
		})
	}
}
