package authz

import (
	"bufio"
	"bytes"
	"os"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// TestAWSManagedDocumentsParse: every embedded document is one AWS accepts
// as an identity-based policy (managed policies are identity policies).
func TestAWSManagedDocumentsParse(t *testing.T) {
	entries, err := awsManaged.ReadDir("awsmanaged")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("no embedded AWS managed policies")
	}
	for _, e := range entries {
		data, err := awsManaged.ReadFile("awsmanaged/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := iam.ParsePolicy(data, iam.KindIdentity); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}
}

// TestAWSManagedREADME: awsmanaged/README.md records a source and version
// for exactly the embedded files, and each recorded ARN resolves to its file
// the way managedPolicy resolves it (the last path segment).
func TestAWSManagedREADME(t *testing.T) {
	readme, err := os.ReadFile("awsmanaged/README.md")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	sc := bufio.NewScanner(bytes.NewReader(readme))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 6 {
			t.Errorf("README row has %d cells, want 6: %s", len(cells), line)
			continue
		}
		file := strings.Trim(strings.TrimSpace(cells[0]), "`")
		arn := strings.Trim(strings.TrimSpace(cells[1]), "`")
		version := strings.TrimSpace(cells[2])
		name := strings.TrimSuffix(file, ".json")
		listed = append(listed, name)
		if !strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") || path.Base(arn) != name {
			t.Errorf("README row %s: ARN %s does not resolve to %s", file, arn, file)
		}
		if len(version) < 2 || version[0] != 'v' || strings.Trim(version[1:], "0123456789") != "" {
			t.Errorf("README row %s: version %q is not a policy version ID", file, version)
		}
		if strings.TrimSpace(cells[4]) == "" {
			t.Errorf("README row %s: no source", file)
		}
	}
	sort.Strings(listed)
	if diff := cmp.Diff(KnownAWSManagedPolicies(), listed); diff != "" {
		t.Errorf("embedded files vs README table (-embedded +README):\n%s", diff)
	}
}

// TestAWSManagedDecisions asks the index about a role that attaches one AWS
// managed policy by ARN, so the answer comes from the embedded document.
// Every resource lives in the role's own account, where the identity policy
// alone decides (reference_policies_evaluation-logic.html) except for KMS,
// whose key policy here delegates to the account's IAM policies.
func TestAWSManagedDecisions(t *testing.T) {
	const (
		acct     = "444455556666"
		bucket   = "arn:aws:s3:::trail-logs"
		object   = "arn:aws:s3:::trail-logs/AWSLogs/444455556666/CloudTrail/us-east-1/2026/11/22/f.json.gz"
		queue    = "arn:aws:sqs:us-east-1:444455556666:trail-events"
		topic    = "arn:aws:sns:us-east-1:444455556666:trail-topic"
		detector = "arn:aws:guardduty:us-east-1:444455556666:detector/12abc34d567e8fa901bc2d34e56789f0"
		logGroup = "arn:aws:logs:us-east-1:444455556666:log-group:aws-cloudtrail-logs:*"
		roleARN  = "arn:aws:iam::444455556666:role/Connector"
		key      = "arn:aws:kms:us-east-1:444455556666:key/0b2d4f6a-1c3e-4a5b-8d7f-9e0a1b2c3d4e"
	)
	cases := []struct {
		policy   string // ARN path after arn:aws:iam::aws:policy/
		action   string
		resource string
		ctx      map[string][]string
		want     iam.Decision
	}{
		{"SecurityAudit", "s3:GetBucketPolicy", bucket, nil, Allowed},
		{"SecurityAudit", "s3:ListBucket", bucket, nil, Allowed},
		{"SecurityAudit", "s3:GetObject", object, nil, ImplicitlyDenied},
		{"SecurityAudit", "sqs:GetQueueAttributes", queue, nil, Allowed},
		{"SecurityAudit", "sqs:ReceiveMessage", queue, nil, ImplicitlyDenied},
		{"SecurityAudit", "cloudtrail:LookupEvents", "*", nil, Allowed},
		{"ReadOnlyAccess", "s3:GetObject", object, nil, Allowed},
		{"ReadOnlyAccess", "sqs:ReceiveMessage", queue, nil, Allowed},
		// A queue reader must also delete what it read (profiles.md K4):
		// ReadOnlyAccess does not let it.
		{"ReadOnlyAccess", "sqs:DeleteMessage", queue, nil, ImplicitlyDenied},
		{"ReadOnlyAccess", "guardduty:GetFindings", detector, nil, Allowed},
		{"ReadOnlyAccess", "s3:PutObject", object, nil, ImplicitlyDenied},
		{"job-function/ViewOnlyAccess", "s3:ListBucket", bucket, nil, Allowed},
		{"job-function/ViewOnlyAccess", "s3:GetObject", object, nil, ImplicitlyDenied},
		{"AWSCloudTrail_ReadOnlyAccess", "cloudtrail:LookupEvents", "*", nil, Allowed},
		{"AWSCloudTrail_ReadOnlyAccess", "s3:GetObject", object, nil, ImplicitlyDenied},
		// The withdrawn predecessor allowed s3:GetObject on every bucket.
		{"AWSCloudTrailReadOnlyAccess", "s3:GetObject", object, nil, Allowed},
		{"AWSCloudTrailReadOnlyAccess", "cloudtrail:LookupEvents", "*", nil, Allowed},
		{"AWSCloudTrailReadOnlyAccess", "s3:ListBucket", bucket, nil, ImplicitlyDenied},
		{"AmazonGuardDutyReadOnlyAccess", "guardduty:GetFindings", detector, nil, Allowed},
		{"AmazonGuardDutyReadOnlyAccess", "guardduty:UpdateDetector", detector, nil, ImplicitlyDenied},
		{"IAMReadOnlyAccess", "iam:GetRole", roleARN, nil, Allowed},
		{"IAMReadOnlyAccess", "iam:PassRole", roleARN, nil, ImplicitlyDenied},
		{"CloudWatchLogsReadOnlyAccess", "logs:FilterLogEvents", logGroup, nil, Allowed},
		{"CloudWatchLogsReadOnlyAccess", "logs:PutLogEvents", logGroup, nil, ImplicitlyDenied},
		{"CloudWatchReadOnlyAccess", "cloudwatch:GetMetricData", "*", nil, Allowed},
		{"CloudWatchReadOnlyAccess", "cloudwatch:PutMetricAlarm", "*", nil, ImplicitlyDenied},
		{"AmazonSNSReadOnlyAccess", "sns:GetTopicAttributes", topic, nil, Allowed},
		{"AmazonSNSReadOnlyAccess", "sns:Subscribe", topic, nil, ImplicitlyDenied},
		// Its SMS statement holds only for calls SNS makes on the caller's
		// behalf (aws:CalledViaLast).
		{"AmazonSNSReadOnlyAccess", "sms-voice:DescribeAccountAttributes", "*", nil, ImplicitlyDenied},
		{"AmazonSNSReadOnlyAccess", "sms-voice:DescribeAccountAttributes", "*", map[string][]string{"aws:CalledViaLast": {"sns.amazonaws.com"}}, Allowed},
		{"AmazonSNSFullAccess", "sns:Subscribe", topic, nil, Allowed},
		{"AWSOrganizationsReadOnlyAccess", "organizations:DescribeOrganization", "*", nil, Allowed},
		{"AWSOrganizationsReadOnlyAccess", "organizations:ListPoliciesForTarget", "*", nil, Allowed},
		{"AWSOrganizationsReadOnlyAccess", "organizations:AttachPolicy", "*", nil, ImplicitlyDenied},
		{"AWSKeyManagementServicePowerUser", "kms:DescribeKey", key, nil, Allowed},
		{"AWSKeyManagementServicePowerUser", "kms:Decrypt", key, nil, ImplicitlyDenied},
		{"AmazonSQSReadOnlyAccess", "sqs:ReceiveMessage", queue, nil, ImplicitlyDenied},
		{"AmazonSQSFullAccess", "sqs:DeleteMessage", queue, nil, Allowed},
		{"AmazonS3ReadOnlyAccess", "s3:GetObject", object, nil, Allowed},
		{"AmazonS3ReadOnlyAccess", "s3:PutObject", object, nil, ImplicitlyDenied},
		{"AmazonS3FullAccess", "s3:PutObject", object, nil, Allowed},
		{"AdministratorAccess", "kms:Decrypt", key, nil, Allowed},
		// Not embedded: the index must say it cannot prove a denial.
		{"AWSNotAnEmbeddedManagedPolicy", "s3:GetObject", object, nil, Unknown},
	}

	account := snapshot.Account{
		ID:      acct,
		Buckets: []snapshot.Bucket{{Name: "trail-logs", ARN: bucket, Region: "us-east-1"}},
		Keys: []snapshot.Key{{KeyID: path.Base(key), ARN: key, Region: "us-east-1", KeyState: "Enabled", KeyManager: "CUSTOMER",
			Policy: pol(`{"Sid":"EnableIAMPolicies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:*","Resource":"*"}`)}},
	}
	roleOf := map[string]string{}
	for _, c := range cases {
		name := strings.ReplaceAll(path.Base(c.policy), "_", "-")
		if _, ok := roleOf[c.policy]; ok {
			continue
		}
		roleOf[c.policy] = "arn:aws:iam::" + acct + ":role/" + name
		account.Roles = append(account.Roles, snapshot.Role{
			Name: name, ARN: roleOf[c.policy],
			TrustPolicy:        pol(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole"}`),
			AttachedPolicyARNs: []string{"arn:aws:iam::aws:policy/" + c.policy},
		})
	}
	ix, err := NewIndex(&snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture, Accounts: []snapshot.Account{account}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(path.Base(c.policy)+"/"+c.action, func(t *testing.T) {
			a := ix.Authorize(Request{Principal: roleOf[c.policy], Action: c.action, Resource: c.resource, Context: c.ctx})
			if a.Decision != c.want {
				t.Errorf("%s %s on %s: got %s, want %s\nproof: %s\n%s", c.policy, c.action, c.resource, a.Decision, c.want, a.Proof, strings.Join(a.Explanation, "\n"))
			}
		})
	}
}

// BenchmarkParseReadOnlyAccess measures the largest embedded document, which
// every process importing this package parses once at start-up.
func BenchmarkParseReadOnlyAccess(b *testing.B) {
	data, err := awsManaged.ReadFile("awsmanaged/ReadOnlyAccess.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := iam.ParsePolicy(data, iam.KindIdentity); err != nil {
			b.Fatal(err)
		}
	}
}
