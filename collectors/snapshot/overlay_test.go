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
	// Only the template holds this account: its principals are not listed.
	want.Accounts[len(want.Accounts)-1].FromIaC = true
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

// overlayAccount lays one IaC account over one live account and returns
// the merged account.
func overlayAccount(t *testing.T, live, iac Account) Account {
	t.Helper()
	base := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceLive, Accounts: []Account{live}}
	over := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceCloudFormation, Accounts: []Account{iac}}
	got := Overlay(base, over)
	if len(got.Accounts) != 1 {
		t.Fatalf("accounts = %+v, want one", got.Accounts)
	}
	return got.Accounts[0]
}

const acct = "222222222222"

// A template attaching an inline policy and a managed policy to a role it
// does not declare (by name: it cannot know the role's path) adds them to
// the live role, which keeps its trust policy, path and other policies.
func TestOverlayPartialRole(t *testing.T) {
	live := Role{Name: "Reader", ARN: "arn:aws:iam::222222222222:role/service-role/Reader", Path: "/service-role/", RoleID: "AROAEXAMPLE",
		TrustPolicy: pdoc(`{"v":"trust"}`), InlinePolicies: []NamedPolicy{{Name: "a", Policy: doc(`{"v":"a"}`)}, {Name: "b", Policy: doc(`{"v":"b-live"}`)}},
		AttachedPolicyARNs: []string{"arn:aws:iam::aws:policy/SecurityAudit"}, PermissionsBoundaryARN: "arn:aws:iam::222222222222:policy/boundary",
		Tags: map[string]string{"team": "sec"}}
	loc := &Location{File: "t.yaml", Line: 9, Address: "ReaderPolicy", Change: ChangeCreate}
	part := Role{Name: "Reader", ARN: "arn:aws:iam::222222222222:role/Reader", Partial: true, Location: loc,
		InlinePolicies:     []NamedPolicy{{Name: "b", Policy: Policy{Document: []byte(`{"v":"b-iac"}`), Location: loc}}, {Name: "c", Policy: doc(`{"v":"c"}`)}},
		AttachedPolicyARNs: []string{"arn:aws:iam::aws:policy/SecurityAudit", "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"}}
	got := overlayAccount(t, Account{ID: acct, Roles: []Role{live}}, Account{ID: acct, Roles: []Role{part}})
	want := live
	want.InlinePolicies = []NamedPolicy{{Name: "a", Policy: doc(`{"v":"a"}`)}, part.InlinePolicies[0], part.InlinePolicies[1]}
	want.AttachedPolicyARNs = []string{"arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess", "arn:aws:iam::aws:policy/SecurityAudit"} // sorted
	if diff := cmp.Diff([]Role{want}, got.Roles); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
}

// A bucket policy for a bucket the template does not declare replaces the
// live policy only; the stand-in's unknown region and unset ownership do
// not erase what the live bucket says.
func TestOverlayPartialBucket(t *testing.T) {
	live := Bucket{Name: "logs", ARN: "arn:aws:s3:::logs", Region: "eu-west-1", ObjectOwnership: OwnershipObjectWriter,
		Policy: pdoc(`{"v":"live"}`), Encryption: &BucketEncryption{SSEAlgorithm: "aws:kms", KMSMasterKeyID: "arn:aws:kms:eu-west-1:222222222222:key/k"},
		Notification: &NotificationConfiguration{QueueConfigurations: []NotificationTarget{{ARN: "arn:aws:sqs:eu-west-1:222222222222:q", Events: []string{"s3:ObjectCreated:*"}}}},
		Lifecycle:    []LifecycleRule{{ID: "expire", Status: "Enabled", ExpirationDays: 365}}, ProbedKeys: []ProbedKey{{Key: "gd/", Exists: true}}}
	loc := &Location{File: "plan.json", Address: "aws_s3_bucket_policy.logs", Change: ChangeUpdate}
	part := Bucket{Name: "logs", ARN: "arn:aws:s3:::logs", Region: Unknown("not in plan: region of bucket logs"),
		ObjectOwnership: Unknown("not in plan: object ownership of bucket logs"), Policy: &Policy{Document: []byte(`{"v":"iac"}`), Location: loc},
		Partial: true, Location: loc}
	got := overlayAccount(t, Account{ID: acct, Buckets: []Bucket{live}}, Account{ID: acct, Buckets: []Bucket{part}})
	want := live
	want.Policy = part.Policy
	if diff := cmp.Diff([]Bucket{want}, got.Buckets); diff != "" {
		t.Errorf("buckets (-want +got):\n%s", diff)
	}

	// Split resources replace what they configure, whole.
	part = Bucket{Name: "logs", ARN: "arn:aws:s3:::logs", Partial: true, Location: loc, ObjectOwnership: OwnershipBucketOwnerEnforced,
		Notification: &NotificationConfiguration{TopicConfigurations: []NotificationTarget{{ARN: "arn:aws:sns:eu-west-1:222222222222:t", Events: []string{"s3:ObjectCreated:*"}}}, Location: loc},
		Lifecycle:    []LifecycleRule{{ID: "keep", Status: "Disabled"}}, RequestPayer: "BucketOwner"}
	got = overlayAccount(t, Account{ID: acct, Buckets: []Bucket{live}}, Account{ID: acct, Buckets: []Bucket{part}})
	want = live
	want.ObjectOwnership, want.Notification, want.Lifecycle, want.RequestPayer = part.ObjectOwnership, part.Notification, part.Lifecycle, part.RequestPayer
	if diff := cmp.Diff([]Bucket{want}, got.Buckets); diff != "" {
		t.Errorf("buckets after split resources (-want +got):\n%s", diff)
	}
}

// A key policy or alias for a key managed elsewhere keeps the live key's
// state and grants.
func TestOverlayPartialKey(t *testing.T) {
	arn := "arn:aws:kms:us-east-1:222222222222:key/k1"
	live := Key{KeyID: "k1", ARN: arn, Region: "us-east-1", Aliases: []string{"alias/logs"}, Policy: pdoc(`{"v":"live"}`),
		KeyState: "PendingDeletion", KeyManager: "CUSTOMER", Grants: []KeyGrant{{GrantID: "g1", GranteePrincipal: "arn:aws:iam::222222222222:role/R", Operations: []string{"Decrypt"}}}}
	part := Key{KeyID: "k1", ARN: arn, Region: "us-east-1", Aliases: []string{"alias/trail"}, Policy: pdoc(`{"v":"iac"}`),
		KeyState: Unknown("not in plan: state of key k1"), KeyManager: "CUSTOMER", Partial: true, Location: &Location{File: "plan.json", Address: "aws_kms_key_policy.k"}}
	got := overlayAccount(t, Account{ID: acct, Keys: []Key{live}}, Account{ID: acct, Keys: []Key{part}})
	want := live
	want.Aliases = []string{"alias/logs", "alias/trail"}
	want.Policy = part.Policy
	if diff := cmp.Diff([]Key{want}, got.Keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

// A subscription to a topic managed elsewhere adds to its subscriptions
// (the same protocol and endpoint is the same subscription).
func TestOverlayPartialTopic(t *testing.T) {
	arn := "arn:aws:sns:us-east-1:222222222222:events"
	q1, q2 := "arn:aws:sqs:us-east-1:333333333333:a", "arn:aws:sqs:us-east-1:333333333333:b"
	live := Topic{Name: "events", ARN: arn, Region: "us-east-1", Policy: pdoc(`{"v":"live"}`), KmsMasterKeyID: "alias/aws/sns",
		Subscriptions: []Subscription{{ARN: arn + ":1", Protocol: "sqs", Endpoint: q1, PendingConfirmation: true}}}
	part := Topic{Name: "events", ARN: arn, Region: "us-east-1", Partial: true, Location: &Location{File: "s.yaml", Line: 3, Address: "Sub"},
		Subscriptions: []Subscription{{Protocol: "sqs", Endpoint: q1, RawMessageDelivery: true}, {Protocol: "sqs", Endpoint: q2}}}
	got := overlayAccount(t, Account{ID: acct, Topics: []Topic{live}}, Account{ID: acct, Topics: []Topic{part}})
	want := live
	want.Subscriptions = part.Subscriptions
	if diff := cmp.Diff([]Topic{want}, got.Topics); diff != "" {
		t.Errorf("topics (-want +got):\n%s", diff)
	}
}

// A queue policy names its queue by URL; a stand-in whose ARN could not be
// derived still finds the live queue by URL, and keeps its attributes.
func TestOverlayPartialQueue(t *testing.T) {
	url := "https://sqs.us-east-1.amazonaws.com/222222222222/q"
	live := Queue{Name: "q", ARN: "arn:aws:sqs:us-east-1:222222222222:q", URL: url, Region: "us-east-1", Policy: pdoc(`{"v":"live"}`),
		KmsMasterKeyID: "alias/aws/sqs", VisibilityTimeout: 300, MessageRetentionPeriod: 1209600,
		RedrivePolicy: &RedrivePolicy{DeadLetterTargetARN: "arn:aws:sqs:us-east-1:222222222222:dlq", MaxReceiveCount: 5}}
	part := Queue{Name: url, ARN: url, URL: url, Region: Unknown("not in plan: region of queue"), Policy: pdoc(`{"v":"iac"}`), Partial: true,
		Location: &Location{File: "plan.json", Address: "aws_sqs_queue_policy.q"}}
	got := overlayAccount(t, Account{ID: acct, Queues: []Queue{live}}, Account{ID: acct, Queues: []Queue{part}})
	want := live
	want.Policy = part.Policy
	if diff := cmp.Diff([]Queue{want}, got.Queues); diff != "" {
		t.Errorf("queues (-want +got):\n%s", diff)
	}
}

// A publishing destination for a detector managed elsewhere adds the
// export to the live detector and leaves its status and frequency.
func TestOverlayPartialDetector(t *testing.T) {
	live := Detector{ID: "d-live", Region: "us-east-1", Status: "ENABLED", FindingPublishingFrequency: "FIFTEEN_MINUTES",
		PublishingDestinations: []PublishingDestination{{ID: "old", DestinationType: "S3", DestinationARN: "arn:aws:s3:::old", KmsKeyARN: "arn:aws:kms:us-east-1:222222222222:key/k", Status: "PUBLISHING"}},
		Members:                []DetectorMember{{AccountID: "333333333333", RelationshipStatus: "Enabled"}}}
	dest := PublishingDestination{DestinationType: "S3", DestinationARN: "arn:aws:s3:::findings", KmsKeyARN: "arn:aws:kms:us-east-1:222222222222:key/k"}
	part := Detector{ID: "d-live", Region: "us-east-1", Status: Unknown("not in plan: status of detector d-live"),
		FindingPublishingFrequency: Unknown("not in plan: frequency"), PublishingDestinations: []PublishingDestination{dest}, Partial: true,
		Location: &Location{File: "gd.yaml", Line: 4, Address: "Export"}}
	got := overlayAccount(t, Account{ID: acct, Detectors: []Detector{live}}, Account{ID: acct, Detectors: []Detector{part}})
	want := live
	want.ARN = "arn:aws:guardduty:us-east-1:" + acct + ":detector/d-live" // Sort derives it
	// Sorted by destination ARN, as Sort leaves them.
	want.PublishingDestinations = []PublishingDestination{dest, live.PublishingDestinations[0]}
	if diff := cmp.Diff([]Detector{want}, got.Detectors); diff != "" {
		t.Errorf("detectors (-want +got):\n%s", diff)
	}
}

// A partial resource with nothing under it stays partial; one whose whole
// declaration comes later (another file) gets what it attached.
func TestMergePartialWithoutBase(t *testing.T) {
	pol := &Policy{Document: []byte(`{"v":"iac"}`), Location: &Location{File: "a.yaml", Line: 7}}
	part := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceCloudFormation, Accounts: []Account{{ID: acct,
		Buckets: []Bucket{{Name: "logs", ARN: "arn:aws:s3:::logs", Region: Unknown("region of bucket logs"), Policy: pol, Partial: true, Location: pol.Location}}}}}
	got := Overlay(&Snapshot{SchemaVersion: SchemaVersion, Source: SourceLive, Accounts: []Account{}}, part)
	if diff := cmp.Diff(part.Accounts[0].Buckets, got.Accounts[0].Buckets); diff != "" {
		t.Errorf("partial bucket without base (-want +got):\n%s", diff)
	}

	whole := Bucket{Name: "logs", ARN: "arn:aws:s3:::logs", Region: "us-east-1", ObjectOwnership: OwnershipBucketOwnerEnforced,
		Location: &Location{File: "b.yaml", Line: 2, Address: "Logs", Change: ChangeCreate}}
	decl := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceCloudFormation, Accounts: []Account{{ID: acct, Buckets: []Bucket{whole}}}}
	got = Merge(part, decl)
	want := whole
	want.Policy = pol
	if diff := cmp.Diff([]Bucket{want}, got.Accounts[0].Buckets); diff != "" {
		t.Errorf("partial then whole (-want +got):\n%s", diff)
	}
	// Two partial declarations of one bucket: both attachments, still partial.
	own := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceCloudFormation, Accounts: []Account{{ID: acct,
		Buckets: []Bucket{{Name: "logs", ARN: "arn:aws:s3:::logs", ObjectOwnership: OwnershipBucketOwnerPreferred, Partial: true}}}}}
	got = Merge(part, own)
	b := got.Accounts[0].Buckets[0]
	if !b.Partial || b.Policy == nil || b.ObjectOwnership != OwnershipBucketOwnerPreferred {
		t.Errorf("two partial buckets merged into %+v, want both settings, still partial", b)
	}
}
