package datapath

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

const (
	stepsLog    = "111111111111" // the log archive: bucket and its key
	stepsMain   = "222222222222" // the trail, the topic, the connector role
	stepsOther  = "333333333333" // a member with a replica of the role
	stepsTrail  = "arn:aws:cloudtrail:us-east-1:222222222222:trail/org"
	stepsTopic  = "arn:aws:sns:us-east-1:222222222222:cloudtrail-events"
	stepsQueue  = "arn:aws:sqs:us-east-1:222222222222:vendor"
	stepsMacie  = "arn:aws:sqs:us-east-1:222222222222:macie-alerts"
	stepsUser   = "arn:aws:iam::222222222222:user/vendor-signer"
	stepsVendor = "arn:aws:iam::999999999999:role/VendorPrincipal"
	stepsBucket = "arn:aws:s3:::org-logs"
	stepsKey    = "arn:aws:kms:us-east-1:111111111111:key/bucket-key"
)

func stepsRole(account string) string { return "arn:aws:iam::" + account + ":role/VendorReader" }

// stepsSnapshot is an organization whose trail writes the log archive's
// bucket (encrypted by default with the archive's key) and notifies a
// topic, with the connector role in the trail's account and a replica of
// it in a member account.
func stepsSnapshot() *snapshot.Snapshot {
	return &snapshot.Snapshot{
		Organization: &snapshot.Organization{ID: "o-steps", ManagementAccountID: stepsMain,
			Members: []snapshot.OrgAccount{{ID: stepsLog}, {ID: stepsOther}}},
		Accounts: []snapshot.Account{
			{ID: stepsLog,
				Buckets: []snapshot.Bucket{{Name: "org-logs", ARN: stepsBucket, Region: "us-east-1",
					Encryption: &snapshot.BucketEncryption{SSEAlgorithm: "aws:kms", KMSMasterKeyID: stepsKey}}},
				Keys: []snapshot.Key{{KeyID: "bucket-key", ARN: stepsKey, Region: "us-east-1", KeyState: "Enabled", KeyManager: "CUSTOMER"}}},
			{ID: stepsMain,
				Trails: []snapshot.Trail{{Name: "org", ARN: stepsTrail, HomeRegion: "us-east-1", S3BucketName: "org-logs",
					SnsTopicARN: stepsTopic, IsMultiRegionTrail: true, IsOrganizationTrail: true}},
				Topics: []snapshot.Topic{{Name: "cloudtrail-events", ARN: stepsTopic, Region: "us-east-1"}},
				Queues: []snapshot.Queue{{Name: "vendor", ARN: stepsQueue, Region: "us-east-1"}, {Name: "macie-alerts", ARN: stepsMacie, Region: "us-east-1"}},
				Roles:  []snapshot.Role{{Name: "VendorReader", ARN: stepsRole(stepsMain)}},
				Users:  []snapshot.User{{Name: "vendor-signer", ARN: stepsUser}}},
			{ID: stepsOther, Roles: []snapshot.Role{{Name: "vendorreader", ARN: stepsRole(stepsOther)}}},
		},
	}
}

// stepQuestions builds the steps of profile for c over stepsSnapshot,
// answering every question Allowed, and lists each as
// "step kind rule principal action resource".
func stepQuestions(t *testing.T, c *connector.Connector, p profiles.Profile) (Steps, []string) {
	t.Helper()
	snap := stepsSnapshot()
	srcs := Sources(snap)
	allow := AskerFunc(func(Question) Answer { return Answer{Decision: iam.Allowed} })
	steps := NewSteps(snap, c, p, srcs, Publishers(snap, srcs), allow)
	var out []string
	for id, xs := range steps {
		for _, x := range xs {
			if x.Answer == nil || x.Answer.Decision != iam.Allowed {
				t.Errorf("%s %s %s: not answered", id, x.Action, x.Resource)
			}
			out = append(out, strings.Join([]string{id, x.Kind, x.Rule, x.Reader, x.Action, x.Resource}, " "))
		}
	}
	slices.Sort(out)
	return steps, out
}

func namedProfile(t *testing.T, name string) profiles.Profile {
	t.Helper()
	p, ok := profiles.Named(name)
	if !ok {
		t.Fatalf("no profile %s", name)
	}
	return p
}

// stepRequest finds the question of step id asking action on resource.
func stepRequest(t *testing.T, steps Steps, id, action, resource string) StepRequest {
	t.Helper()
	for _, x := range steps[id] {
		if x.Action == action && x.Resource == resource {
			return x
		}
	}
	t.Fatalf("step %s asks no %s on %s; it asks %+v", id, action, resource, steps[id])
	return StepRequest{}
}

// Radiant R7: the actions S305, KM01 and SQ06 ask of every reader are not
// the step's (it would repeat their findings); the topic actions are
// asked on the topic the trail notifies, the organizations: reads on "*"
// with their lower severity, each with the role session's context.
func TestStepsRadiant(t *testing.T) {
	c := &connector.Connector{Profile: "radiant", Role: stepsRole(stepsMain)}
	steps, got := stepQuestions(t, c, namedProfile(t, "radiant"))
	role := stepsRole(stepsMain)
	var want []string
	for _, a := range []string{"organizations:DescribeOrganization", "organizations:DescribePolicy", "organizations:DescribeResourcePolicy", "organizations:ListPolicies", "organizations:ListPoliciesForTarget"} {
		want = append(want, "R7 api S305 "+role+" "+a+" *")
	}
	for _, a := range []string{"sns:ConfirmSubscription", "sns:Subscribe", "sns:Unsubscribe"} {
		want = append(want, "R7 topics SN03 "+role+" "+a+" "+stepsTopic)
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("questions (-want +got):\n%s", diff)
	}
	sub := stepRequest(t, steps, "R7", "sns:Subscribe", stepsTopic)
	wantCtx := map[string][]string{
		"aws:PrincipalArn": {role}, "aws:PrincipalAccount": {stepsMain}, "aws:PrincipalIsAWSService": {"false"},
		"aws:PrincipalType": {"AssumedRole"}, "aws:SecureTransport": {"true"}, "aws:PrincipalOrgID": {"o-steps"},
	}
	if diff := cmp.Diff(wantCtx, sub.Context); diff != "" {
		t.Errorf("sns:Subscribe context (-want +got):\n%s", diff)
	}
	if sub.On != (Target{ID: stepsTopic, Type: "AWS::SNS::Topic", Account: stepsMain, Region: "us-east-1"}) {
		t.Errorf("sns:Subscribe on %+v: want the topic", sub.On)
	}
	// Organizations is served from us-east-1, whatever the connector's
	// Region: a region-restriction SCP judges the call there.
	if got := stepRequest(t, steps, "R7", "organizations:ListPolicies", "*").Context["aws:RequestedRegion"]; !slices.Equal(got, []string{"us-east-1"}) {
		t.Errorf("organizations:ListPolicies aws:RequestedRegion %v, want us-east-1", got)
	}
	if x := stepRequest(t, steps, "R7", "sns:Unsubscribe", stepsTopic); x.Severity != "medium" {
		t.Errorf("sns:Unsubscribe severity %q: want the guide's medium", x.Severity)
	}
}

// SkyFormation: K3's API reads only for the sources the connector reads
// (cloudtrail here, not guardduty or iam); K4's Macie queue asks every
// action, generic or not, only when the connector reads macie; K2's
// signing user assumes the role with the external ID.
func TestStepsSkyFormation(t *testing.T) {
	c := &connector.Connector{Profile: "skyformation", Role: stepsRole(stepsMain), Queue: stepsQueue, MacieQueue: stepsMacie,
		Authentication: "STSAssumeRole", TrustedPrincipal: stepsUser, ExternalID: "ext-123", Sources: []string{"cloudtrail", "macie"}}
	steps, got := stepQuestions(t, c, namedProfile(t, "skyformation"))
	role := stepsRole(stepsMain)
	want := []string{
		"K2 assume ID01 " + stepsUser + " sts:AssumeRole " + role,
		"K3 api S305 " + role + " cloudtrail:DescribeTrails *",
		"K3 api S305 " + role + " cloudtrail:GetTrailStatus *",
		"K3 api S305 " + role + " cloudtrail:LookupEvents *",
		"K4 macie_queue SQ06 " + role + " sqs:DeleteMessage " + stepsMacie,
		"K4 macie_queue SQ06 " + role + " sqs:ReceiveMessage " + stepsMacie,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("questions (-want +got):\n%s", diff)
	}
	// A regional API read goes to the Region of the source's trail when
	// the connector names none, else to the connector's.
	if got := stepRequest(t, steps, "K3", "cloudtrail:LookupEvents", "*").Context["aws:RequestedRegion"]; !slices.Equal(got, []string{"us-east-1"}) {
		t.Errorf("cloudtrail:LookupEvents aws:RequestedRegion %v, want the trail's us-east-1", got)
	}
	c.Region = "eu-west-1"
	inRegion, _ := stepQuestions(t, c, namedProfile(t, "skyformation"))
	if got := stepRequest(t, inRegion, "K3", "cloudtrail:LookupEvents", "*").Context["aws:RequestedRegion"]; !slices.Equal(got, []string{"eu-west-1"}) {
		t.Errorf("cloudtrail:LookupEvents aws:RequestedRegion %v, want the connector's eu-west-1", got)
	}
	c.Region = ""
	assume := stepRequest(t, steps, "K2", "sts:AssumeRole", role)
	if got := assume.Context["sts:ExternalId"]; !slices.Equal(got, []string{"ext-123"}) {
		t.Errorf("K2 sts:ExternalId %v: want the connector's external ID", got)
	}
	if got := assume.Context["aws:PrincipalType"]; !slices.Equal(got, []string{"User"}) {
		t.Errorf("K2 aws:PrincipalType %v: the user signs with its own key", got)
	}

	// Without macie among its sources the Macie queue is no step's.
	c.Sources = []string{"cloudtrail"}
	if _, got := stepQuestions(t, c, namedProfile(t, "skyformation")); slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "macie_queue") }) {
		t.Errorf("macie_queue asked without the macie source: %v", got)
	}
	// A trusted principal that is no user of the snapshot signs nothing
	// K2 can judge; an instance profile has EC2 assume the role, as
	// itself.
	c.TrustedPrincipal = stepsVendor
	if _, got := stepQuestions(t, c, namedProfile(t, "skyformation")); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "K2 ") }) {
		t.Errorf("K2 asked of a principal outside the snapshot: %v", got)
	}
	c.Authentication = "InstanceProfile"
	steps, _ = stepQuestions(t, c, namedProfile(t, "skyformation"))
	ec2 := stepRequest(t, steps, "K2", "sts:AssumeRole", role)
	if ec2.Reader != "ec2.amazonaws.com" || ec2.Kind != StepInstanceProfile || ec2.Context["aws:PrincipalIsAWSService"][0] != "true" {
		t.Errorf("InstanceProfile K2 %+v: want ec2.amazonaws.com assuming the role as a service", ec2)
	}
	// A role only named by the connector file asks no API read: nothing
	// answers for its identity policies.
	c.Role = "arn:aws:iam::222222222222:role/NotInTheSnapshot"
	if _, got := stepQuestions(t, c, namedProfile(t, "skyformation")); slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, " api ") }) {
		t.Errorf("API reads asked of a role outside the snapshot: %v", got)
	}
}

// Expel E1: the vendor assumes each replica (same name in any case, in
// another account) with the external ID, from outside the organization.
// E2 and E9 ask only what KM01, S305 and SQ06 ask already.
func TestStepsExpelReplicas(t *testing.T) {
	c := &connector.Connector{Profile: "expel", Role: stepsRole(stepsMain), Queue: stepsQueue, TrustedPrincipal: stepsVendor, ExternalID: "ext-9"}
	steps, got := stepQuestions(t, c, namedProfile(t, "expel"))
	want := []string{"E1 replica ID01 " + stepsVendor + " sts:AssumeRole " + stepsRole(stepsOther)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("questions (-want +got):\n%s", diff)
	}
	x := stepRequest(t, steps, "E1", "sts:AssumeRole", stepsRole(stepsOther))
	wantCtx := map[string][]string{"aws:PrincipalArn": {stepsVendor}, "aws:PrincipalAccount": {"999999999999"},
		"aws:SecureTransport": {"true"}, "sts:ExternalId": {"ext-9"}}
	if diff := cmp.Diff(wantCtx, x.Context); diff != "" {
		t.Errorf("replica context (-want +got):\n%s", diff)
	}
	if x.On != (Target{ID: stepsRole(stepsOther), Type: "AWS::IAM::Role", Account: stepsOther}) {
		t.Errorf("replica on %+v", x.On)
	}
}

// Rapid7 P3: no policy may deny the harvesting role s3:GetObject on the
// log files nor s3:ListBucket on the bucket, listed under the trail's
// key prefix.
func TestStepsRapid7NoDeny(t *testing.T) {
	c := &connector.Connector{Profile: "rapid7", Role: stepsRole(stepsMain), Region: "us-east-1"}
	steps, got := stepQuestions(t, c, namedProfile(t, "rapid7"))
	srcs := Sources(stepsSnapshot())
	object := stepsBucket + "/" + srcs[0].SampleKey
	want := []string{
		"P3 no_deny S304 " + stepsRole(stepsMain) + " s3:GetObject " + object,
		"P3 no_deny S304 " + stepsRole(stepsMain) + " s3:ListBucket " + stepsBucket,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("questions (-want +got):\n%s", diff)
	}
	list := stepRequest(t, steps, "P3", "s3:ListBucket", stepsBucket)
	if got := list.Context["s3:prefix"]; !slices.Equal(got, []string{srcs[0].KeyPrefix}) {
		t.Errorf("s3:prefix %v: want the trail's key prefix %s", got, srcs[0].KeyPrefix)
	}
	if list.On.Account != stepsLog || list.On.Region != "us-east-1" {
		t.Errorf("ListBucket on %+v: want the bucket in the log archive", list.On)
	}
}

// An action on the log files' key carries the decrypt's context: S3 in
// the bucket's region, the caller's account, the object's encryption
// context (the bucket's default key: no trail ARN). An optional step
// asks nothing.
func TestStepsObjectKeyContext(t *testing.T) {
	var p profiles.Profile
	if err := json.Unmarshal([]byte(`{"profile": "custom", "steps": [
		{"id": "C1", "title": "key", "rule": "KM01", "require": {"actions": [{"action": "kms:DescribeKey", "on": "object_key"}]}},
		{"id": "C2", "title": "optional", "rule": "S305", "optional": true, "require": {"actions": [{"action": "s3:GetObjectVersion", "on": "objects"}]}}
	]}`), &p); err != nil {
		t.Fatal(err)
	}
	c := &connector.Connector{Profile: "custom", Role: stepsRole(stepsMain)}
	steps, got := stepQuestions(t, c, p)
	if want := []string{"C1 object_key KM01 " + stepsRole(stepsMain) + " kms:DescribeKey " + stepsKey}; !cmp.Equal(want, got) {
		t.Fatalf("questions %v, want %v", got, want)
	}
	x := stepRequest(t, steps, "C1", "kms:DescribeKey", stepsKey)
	object := stepsBucket + "/" + Sources(stepsSnapshot())[0].SampleKey
	for k, want := range map[string]string{"kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": stepsMain,
		"kms:EncryptionContext:aws:s3:arn": object} {
		if got := x.Context[k]; !slices.Equal(got, []string{want}) {
			t.Errorf("%s = %v, want %s", k, got, want)
		}
	}
	if _, ok := x.Context["kms:EncryptionContext:aws:cloudtrail:arn"]; ok {
		t.Errorf("the bucket's default key carries no trail ARN: %v", x.Context)
	}
	if x.On != (Target{ID: stepsKey, Type: "AWS::KMS::Key", Account: stepsLog, Region: "us-east-1"}) {
		t.Errorf("on %+v: want the key", x.On)
	}
}

// No connector, no steps.
func TestStepsWithoutConnector(t *testing.T) {
	if s := NewSteps(stepsSnapshot(), nil, namedProfile(t, "radiant"), nil, nil, nil); s != nil {
		t.Errorf("steps %v without a connector", s)
	}
}

// A profile whose steps ask nothing (generic) indexes nothing.
func TestStepsGenericAsksNothing(t *testing.T) {
	c := &connector.Connector{Profile: "generic", Role: stepsRole(stepsMain), Queue: stepsQueue}
	if s := NewSteps(stepsSnapshot(), c, namedProfile(t, "generic"), nil, nil, nil); s != nil {
		t.Errorf("generic steps %v", s)
	}
}
