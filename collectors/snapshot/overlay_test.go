package snapshot

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func doc(s string) Policy { return Policy{Document: json.RawMessage(s)} }

func pdoc(s string) *Policy { p := doc(s); return &p }

func liveSnapshot() *Snapshot {
	return &Snapshot{
		SchemaVersion: SchemaVersion, Source: SourceLive,
		Organization: &Organization{ID: "o-a1b2c3d4e5", ManagementAccountID: "111111111111", RootID: "r-ab12",
			FeatureSet: "ALL", EnabledServicePrincipals: []string{"cloudtrail.amazonaws.com"},
			Policies: []OrgPolicy{
				{ID: "p-FullAWSAccess", Type: PolicyTypeSCP, AWSManaged: true, Document: doc(`{"Statement":[]}`), Targets: []string{"r-ab12"}},
				{ID: "p-guard", Name: "guard", Type: PolicyTypeSCP, Document: doc(`{"v":"live"}`), Targets: []string{"r-ab12"}},
			}},
		Accounts: []Account{
			{ID: "222222222222", Name: "Log Archive", Regions: []string{"us-east-1"},
				Buckets: []Bucket{
					{Name: "logs", ARN: "arn:aws:s3:::logs", Region: "us-east-1", ObjectOwnership: OwnershipObjectWriter, Policy: pdoc(`{"v":"live"}`)},
					{Name: "other", ARN: "arn:aws:s3:::other", Region: "us-east-1"},
				},
				Keys: []Key{{KeyID: "k1", ARN: "arn:aws:kms:us-east-1:222222222222:key/k1", Region: "us-east-1", KeyState: "Enabled", KeyManager: "CUSTOMER"}},
				Roles: []Role{{Name: "ExpelRole", ARN: "arn:aws:iam::222222222222:role/ExpelRole",
					AttachedPolicyARNs: []string{"arn:aws:iam::aws:policy/SecurityAudit", "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"}}},
				Detectors: []Detector{{ID: "d-live", Region: "us-east-1", Status: "ENABLED", FindingPublishingFrequency: "SIX_HOURS"}},
			},
		},
		CollectionErrors: []CollectionError{{Account: "222222222222", Service: "sqs", Operation: "ListQueues", Code: "AccessDenied"}},
	}
}

func iacSnapshot() *Snapshot {
	tok := Unknown("known after apply: aws_organizations_policy.perimeter.id")
	gd := Unknown("known after apply: aws_guardduty_detector.main.id")
	loc := &Location{File: "plan.json", Address: "aws_s3_bucket.logs"}
	return &Snapshot{
		SchemaVersion: SchemaVersion, Source: SourceTerraform,
		Organization: &Organization{ID: Unknown("not in plan: organization ID"), ManagementAccountID: Unknown("not in plan: organization management account"),
			RootID: Unknown("not in plan: organization root ID"),
			Policies: []OrgPolicy{
				{ID: "p-guard", Name: "guard", Type: PolicyTypeSCP, Document: doc(`{"v":"iac"}`), Targets: []string{"r-ab12", "ou-ab12-x"}},
				{ID: tok, Name: "perimeter", Type: PolicyTypeRCP, Document: doc(`{"v":"rcp"}`), Targets: []string{"ou-ab12-x"}},
			}},
		Accounts: []Account{
			{ID: "222222222222", Regions: []string{"us-east-1", "eu-west-1"},
				Buckets: []Bucket{{Name: "logs", ARN: "arn:aws:s3:::logs", Region: "us-east-1",
					ObjectOwnership: OwnershipBucketOwnerEnforced, Policy: pdoc(`{"v":"iac"}`), Location: loc}},
				Queues:    []Queue{{Name: "q", ARN: "arn:aws:sqs:us-east-1:222222222222:q", Region: "us-east-1", VisibilityTimeout: 300}},
				Detectors: []Detector{{ID: gd, Region: "us-east-1", Status: "ENABLED", FindingPublishingFrequency: "FIFTEEN_MINUTES"}},
			},
			{ID: "333333333333", Trails: []Trail{{Name: "t", ARN: "arn:aws:cloudtrail:us-east-2:333333333333:trail/t", HomeRegion: "us-east-2", S3BucketName: "logs"}}},
		},
		Unknowns: []UnknownValue{{Token: tok, Reason: "known after apply: aws_organizations_policy.perimeter.id"},
			{Token: gd, Reason: "known after apply: aws_guardduty_detector.main.id"}},
	}
}

func TestOverlay(t *testing.T) {
	base, over := liveSnapshot(), iacSnapshot()
	baseBefore, overBefore := clone(base), clone(over)

	got := Overlay(base, over)

	want := liveSnapshot()
	iac := iacSnapshot()
	want.Organization.Policies = []OrgPolicy{want.Organization.Policies[0], iac.Organization.Policies[0], iac.Organization.Policies[1]}
	a := &want.Accounts[0]
	a.Regions = []string{"eu-west-1", "us-east-1"}
	a.Buckets[0] = iac.Accounts[0].Buckets[0]
	a.Queues = iac.Accounts[0].Queues
	a.Detectors = iac.Accounts[0].Detectors
	want.Accounts = append(want.Accounts, iac.Accounts[1])
	want.Unknowns = iac.Unknowns
	want.Sort()

	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Overlay (-want +got):\n%s", diff)
	}
	if got.Source != SourceLive {
		t.Errorf("source = %q, want the base's %q", got.Source, SourceLive)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("overlay is not a valid snapshot: %v", err)
	}
	if diff := cmp.Diff(baseBefore, base); diff != "" {
		t.Errorf("Overlay modified base (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(overBefore, over); diff != "" {
		t.Errorf("Overlay modified overlay (-before +after):\n%s", diff)
	}
	// The result shares no memory with the inputs.
	got.Accounts[0].Roles[0].AttachedPolicyARNs[0] = "changed"
	got.Organization.Policies[0].Targets[0] = "changed"
	if diff := cmp.Diff(baseBefore, base); diff != "" {
		t.Errorf("result aliases base (-before +after):\n%s", diff)
	}
}

func TestOverlayOrganization(t *testing.T) {
	// No live organization: the overlay's is taken whole.
	base := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceLive, Accounts: []Account{}}
	got := Overlay(base, iacSnapshot())
	if got.Organization == nil || len(got.Organization.Policies) != 2 {
		t.Fatalf("organization = %+v, want the overlay's", got.Organization)
	}
	// An IaC organization resource that states trusted services and
	// enabled policy types replaces the live lists; identity stays live.
	over := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceTerraform, Accounts: []Account{},
		Organization: &Organization{ID: "o-a1b2c3d4e5", ManagementAccountID: "111111111111", RootID: Unknown("x"),
			EnabledServicePrincipals: []string{"cloudtrail.amazonaws.com", "guardduty.amazonaws.com"}}}
	got = Overlay(liveSnapshot(), over)
	if diff := cmp.Diff([]string{"cloudtrail.amazonaws.com", "guardduty.amazonaws.com"}, got.Organization.EnabledServicePrincipals); diff != "" {
		t.Errorf("service principals (-want +got):\n%s", diff)
	}
	if got.Organization.RootID != "r-ab12" {
		t.Errorf("root = %q, want the live r-ab12", got.Organization.RootID)
	}
	if Overlay(nil, nil) != nil {
		t.Errorf("Overlay(nil, nil) != nil")
	}
}

func TestMergeLaterWins(t *testing.T) {
	mk := func(src, vis string) *Snapshot {
		return &Snapshot{SchemaVersion: SchemaVersion, Source: src, Accounts: []Account{{ID: "222222222222",
			Queues: []Queue{{Name: "q", ARN: "arn:aws:sqs:us-east-1:222222222222:q", Region: "us-east-1", VisibilityTimeout: len(vis)}}}}}
	}
	got := Merge(mk(SourceTerraform, "a"), mk(SourceCloudFormation, "bb"), mk(SourceTerraform, "ccc"))
	if got.Source != SourceTerraform || len(got.Accounts[0].Queues) != 1 || got.Accounts[0].Queues[0].VisibilityTimeout != 3 {
		t.Errorf("Merge = %+v, want the last queue and the first source", got)
	}
}

func TestMergeUnknownARNsNeverMatch(t *testing.T) {
	tok := Unknown("known after apply: aws_kms_key.trail.arn")
	mk := func(file string) *Snapshot {
		return &Snapshot{SchemaVersion: SchemaVersion, Source: SourceTerraform, Accounts: []Account{{ID: "222222222222",
			Keys: []Key{{KeyID: tok, ARN: tok, Region: "us-east-1", KeyState: "Enabled", KeyManager: "CUSTOMER", Location: &Location{File: file}}}}}}
	}
	got := Merge(mk("a.json"), mk("b.json"))
	if n := len(got.Accounts[0].Keys); n != 2 {
		t.Errorf("Merge kept %d keys, want both keys with unknown ARNs", n)
	}
}

func BenchmarkOverlay(b *testing.B) {
	base, over := liveSnapshot(), iacSnapshot()
	for b.Loop() {
		Overlay(base, over)
	}
}
