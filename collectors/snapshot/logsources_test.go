package snapshot

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// IaC that only attaches a subscription filter, a user policy or an access
// key to resources that live elsewhere adds to them; IaC that declares a
// resource replaces it; counts of types no rule models add up per type.
func TestOverlayLogSources(t *testing.T) {
	group := "arn:aws:logs:us-east-1:111111111111:log-group:/aws/eks/prod/cluster:*"
	user := "arn:aws:iam::111111111111:user/sky"
	base := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceLive, NotModeled: []NotModeled{{Type: "AWS::IAM::Group", Count: 1}},
		Accounts: []Account{{ID: "111111111111",
			LogGroups: []LogGroup{{Name: "/aws/eks/prod/cluster", ARN: group, Region: "us-east-1", RetentionInDays: 30,
				SubscriptionFilters: []SubscriptionFilter{{Name: "old", DestinationARN: "arn:aws:firehose:us-east-1:111111111111:deliverystream/a"}}}},
			Users: []User{{Name: "sky", ARN: user, AccessKeys: []AccessKey{{ID: "AKIAOLD", Status: "Active"}}}},
			EKSClusters: []EKSCluster{{Name: "prod", ARN: "arn:aws:eks:us-east-1:111111111111:cluster/prod", Region: "us-east-1",
				EnabledLogTypes: []string{"api"}}},
		}}}
	over := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceCloudFormation, NotModeled: []NotModeled{{Type: "AWS::IAM::Group", Count: 2}, {Type: "AWS::Kinesis::Stream", Count: 1}},
		Accounts: []Account{{ID: "111111111111",
			LogGroups: []LogGroup{{Name: "/aws/eks/prod/cluster", ARN: group, Region: "us-east-1", Partial: true,
				SubscriptionFilters: []SubscriptionFilter{{Name: "audit", DestinationARN: "arn:aws:firehose:us-east-1:111111111111:deliverystream/b"}}}},
			Users: []User{{Name: "sky", ARN: user, Partial: true, AttachedPolicyARNs: []string{"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}},
			EKSClusters: []EKSCluster{{Name: "prod", ARN: "arn:aws:eks:us-east-1:111111111111:cluster/prod", Region: "us-east-1",
				EnabledLogTypes: []string{"api", "audit"}}},
		}}}
	got := Overlay(base, over)
	a := got.Accounts[0]
	if g := a.LogGroups; len(g) != 1 || g[0].RetentionInDays != 30 || len(g[0].SubscriptionFilters) != 2 {
		t.Errorf("log group = %+v, want the live group with both filters", g)
	}
	if u := a.Users; len(u) != 1 || len(u[0].AccessKeys) != 1 || len(u[0].AttachedPolicyARNs) != 1 {
		t.Errorf("user = %+v, want the live user with the policy attached", u)
	}
	if c := a.EKSClusters; len(c) != 1 || !cmp.Equal(c[0].EnabledLogTypes, []string{"api", "audit"}) {
		t.Errorf("cluster = %+v, want the template's", c)
	}
	if diff := cmp.Diff([]NotModeled{{Type: "AWS::IAM::Group", Count: 3}, {Type: "AWS::Kinesis::Stream", Count: 1}}, got.NotModeled); diff != "" {
		t.Errorf("not modeled (-want +got):\n%s", diff)
	}
}
