package synth

import (
	"encoding/json"
	"fmt"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Options shape a generated organization.
type Options struct {
	// Accounts is the number of accounts, the management account included
	// (at least 1).
	Accounts int
	// Region is where every account's pipeline lives (default us-east-1).
	Region string
	// OUs is the number of workload OUs under the root (default 10); each
	// has one child OU, and accounts are spread over the child OUs.
	OUs int
}

// ManagementAccount is the management account's ID; member accounts follow
// it (AccountID).
const ManagementAccount = "100000000000"

// OrgID and RootID name the generated organization.
const (
	OrgID  = "o-synth00001"
	RootID = "r-syn1"
)

// AccountID is the ID of the i-th account (0 is the management account).
func AccountID(i int) string { return fmt.Sprintf("%012d", 100000000000+i) }

// Org generates an organization of o.Accounts accounts.
func Org(o Options) *snapshot.Snapshot {
	if o.Accounts < 1 {
		o.Accounts = 1
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.OUs <= 0 {
		o.OUs = 10
	}
	org := &snapshot.Organization{
		ID: OrgID, ARN: "arn:aws:organizations::" + ManagementAccount + ":organization/" + OrgID,
		ManagementAccountID: ManagementAccount, RootID: RootID, FeatureSet: "ALL",
		EnabledPolicyTypes:       []string{snapshot.PolicyTypeSCP},
		EnabledServicePrincipals: []string{"cloudtrail.amazonaws.com"},
	}
	full := snapshot.OrgPolicy{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Type: snapshot.PolicyTypeSCP, AWSManaged: true,
		ARN:      "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
		Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
		Targets:  []string{RootID}}
	// Guardrails as organizations write them: no one but the security
	// team's deployer stops or deletes trails, and no one leaves.
	guard := snapshot.OrgPolicy{ID: "p-synthguard1", Name: "ProtectLogging", Type: snapshot.PolicyTypeSCP,
		ARN: "arn:aws:organizations::" + ManagementAccount + ":policy/" + OrgID + "/service_control_policy/p-synthguard1",
		Document: doc(`{"Version":"2012-10-17","Statement":[` +
			`{"Sid":"ProtectTrails","Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail","cloudtrail:UpdateTrail"],"Resource":"*",` +
			`"Condition":{"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/security-deployer"}}},` +
			`{"Sid":"NoLeaving","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)}
	region := snapshot.OrgPolicy{ID: "p-synthregn1", Name: "AllowedRegions", Type: snapshot.PolicyTypeSCP,
		ARN: "arn:aws:organizations::" + ManagementAccount + ":policy/" + OrgID + "/service_control_policy/p-synthregn1",
		Document: doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Regions","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*","cloudfront:*","route53:*","support:*"],"Resource":"*",` +
			`"Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-east-2","us-west-2","eu-west-1"]}}}]}`)}
	var leaves []string
	for i := range o.OUs {
		ou := fmt.Sprintf("ou-syn1-%08d", i)
		leaf := fmt.Sprintf("ou-syn1-%08d", 1000+i)
		org.OrganizationalUnits = append(org.OrganizationalUnits,
			snapshot.OrganizationalUnit{ID: ou, Name: fmt.Sprintf("Workloads%d", i), ParentID: RootID},
			snapshot.OrganizationalUnit{ID: leaf, Name: fmt.Sprintf("Prod%d", i), ParentID: ou})
		full.Targets = append(full.Targets, ou, leaf)
		guard.Targets = append(guard.Targets, ou)
		region.Targets = append(region.Targets, leaf)
		leaves = append(leaves, leaf)
	}
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture, Organization: org}
	for i := range o.Accounts {
		id := AccountID(i)
		parent := RootID
		if i > 0 {
			parent = leaves[(i-1)%len(leaves)]
		}
		org.Members = append(org.Members, snapshot.OrgAccount{ID: id, Name: "synth-" + id, Status: "ACTIVE", ParentID: parent})
		full.Targets = append(full.Targets, id)
		s.Accounts = append(s.Accounts, account(id, o.Region))
	}
	org.Policies = []snapshot.OrgPolicy{full, guard, region}
	s.Sort()
	return s
}

func doc(s string) snapshot.Policy {
	if !json.Valid([]byte(s)) {
		panic("synth: invalid policy JSON: " + s)
	}
	return snapshot.Policy{Document: json.RawMessage(s)}
}

// account is one account with its own pipeline in region r.
func account(id, r string) snapshot.Account {
	bucket := "cloudtrail-logs-" + id
	bucketARN := "arn:aws:s3:::" + bucket
	trailARN := "arn:aws:cloudtrail:" + r + ":" + id + ":trail/management-events"
	keyID := "5e1f0000-0000-4000-8000-" + id
	keyARN := "arn:aws:kms:" + r + ":" + id + ":key/" + keyID
	topicARN := "arn:aws:sns:" + r + ":" + id + ":cloudtrail-log-delivery"
	queueARN := "arn:aws:sqs:" + r + ":" + id + ":cloudtrail-log-events"
	reader := "arn:aws:iam::" + id + ":role/log-reader"
	root := "arn:aws:iam::" + id + ":root"
	f := func(format string, args ...any) snapshot.Policy { return doc(fmt.Sprintf(format, args...)) }

	a := snapshot.Account{ID: id, Name: "synth-" + id, Regions: []string{r}}
	a.Trails = []snapshot.Trail{{
		Name: "management-events", ARN: trailARN, HomeRegion: r, S3BucketName: bucket, SnsTopicARN: topicARN, KmsKeyID: keyARN,
		IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, LogFileValidationEnabled: true,
		Status:         &snapshot.TrailStatus{IsLogging: true},
		EventSelectors: []snapshot.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}},
	}}
	bp := f(`{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"AWSCloudTrailAclCheck20150319","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":%[1]q,"Condition":{"StringEquals":{"aws:SourceArn":%[2]q}}},`+
		`{"Sid":"AWSCloudTrailWrite20150319","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"%[1]s/AWSLogs/%[3]s/*","Condition":{"StringEquals":{"aws:SourceArn":%[2]q,"s3:x-amz-acl":"bucket-owner-full-control"}}},`+
		`{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":[%[1]q,"%[1]s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
		bucketARN, trailARN, id)
	a.Buckets = []snapshot.Bucket{{
		Name: bucket, ARN: bucketARN, Region: r, Policy: &bp, ObjectOwnership: snapshot.OwnershipBucketOwnerEnforced,
		Encryption:   &snapshot.BucketEncryption{SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyARN, BucketKeyEnabled: true},
		RequestPayer: "BucketOwner",
		Lifecycle:    []snapshot.LifecycleRule{{ID: "expire", Status: "Enabled", ExpirationDays: 400}},
	}}
	kp := f(`{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"EnableIAM","Effect":"Allow","Principal":{"AWS":%[1]q},"Action":"kms:*","Resource":"*"},`+
		`{"Sid":"AllowCloudTrailEncrypt","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringEquals":{"aws:SourceArn":%[2]q},"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:%[3]s:trail/*"}}},`+
		`{"Sid":"AllowCloudTrailDescribe","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:DescribeKey","Resource":"*"},`+
		`{"Sid":"AllowSNSAndSQS","Effect":"Allow","Principal":{"Service":["sns.amazonaws.com","sqs.amazonaws.com"]},"Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"*"},`+
		`{"Sid":"AllowReaderDecrypt","Effect":"Allow","Principal":{"AWS":%[4]q},"Action":"kms:Decrypt","Resource":"*"}]}`,
		root, trailARN, id, reader)
	a.Keys = []snapshot.Key{{KeyID: keyID, ARN: keyARN, Region: r, Aliases: []string{"alias/cloudtrail"}, Policy: &kp, KeyState: "Enabled", KeyManager: "CUSTOMER"}}
	tp := f(`{"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailSNSPolicy20150319","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"SNS:Publish","Resource":%[1]q,"Condition":{"StringEquals":{"aws:SourceArn":%[2]q}}}]}`,
		topicARN, trailARN)
	a.Topics = []snapshot.Topic{{Name: "cloudtrail-log-delivery", ARN: topicARN, Region: r, Policy: &tp,
		Subscriptions: []snapshot.Subscription{{ARN: topicARN + ":0a1b2c3d-0000-4000-8000-" + id, Protocol: "sqs", Endpoint: queueARN, Owner: id, RawMessageDelivery: true}}}}
	qp := f(`{"Version":"2012-10-17","Statement":[{"Sid":"AllowTopic","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":%[1]q,"Condition":{"ArnEquals":{"aws:SourceArn":%[2]q}}}]}`,
		queueARN, topicARN)
	a.Queues = []snapshot.Queue{
		{Name: "cloudtrail-log-events", ARN: queueARN, URL: "https://sqs." + r + ".amazonaws.com/" + id + "/cloudtrail-log-events", Region: r, Policy: &qp,
			KmsMasterKeyID: keyARN, VisibilityTimeout: 300, MessageRetentionPeriod: 1209600, ReceiveWaitTimeSeconds: 20,
			RedrivePolicy: &snapshot.RedrivePolicy{DeadLetterTargetARN: queueARN + "-dlq", MaxReceiveCount: 5}},
		{Name: "cloudtrail-log-events-dlq", ARN: queueARN + "-dlq", URL: "https://sqs." + r + ".amazonaws.com/" + id + "/cloudtrail-log-events-dlq", Region: r,
			KmsMasterKeyID: keyARN, VisibilityTimeout: 300, MessageRetentionPeriod: 1209600},
	}
	trustMgmt := f(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, ManagementAccount)
	readerPolicy := f(`{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"Queue","Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","sqs:ChangeMessageVisibility"],"Resource":%[1]q},`+
		`{"Sid":"Logs","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","s3:GetBucketLocation"],"Resource":[%[2]q,"%[2]s/*"]},`+
		`{"Sid":"Key","Effect":"Allow","Action":"kms:Decrypt","Resource":%[3]q}]}`,
		queueARN, bucketARN, keyARN)
	role := func(name string, trust snapshot.Policy, inline []snapshot.NamedPolicy, attached ...string) snapshot.Role {
		return snapshot.Role{Name: name, ARN: "arn:aws:iam::" + id + ":role/" + name, Path: "/",
			RoleID: "AROA" + id + fmt.Sprintf("%08X", len(name)*7919), TrustPolicy: &trust, InlinePolicies: inline, AttachedPolicyARNs: attached}
	}
	a.Roles = []snapshot.Role{
		// The role Organizations creates in each account, whose inline
		// policy is AdministratorAccess's document: a collector entering
		// the account reads with it.
		role("OrganizationAccountAccessRole", trustMgmt, []snapshot.NamedPolicy{{Name: "AdministratorAccess", Policy: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}}),
		role("log-reader", trustMgmt, []snapshot.NamedPolicy{{Name: "ReadLogs", Policy: readerPolicy}}),
		role("security-deployer", trustMgmt, nil, "arn:aws:iam::aws:policy/AdministratorAccess"),
		role("auditor", trustMgmt, nil, "arn:aws:iam::aws:policy/SecurityAudit"),
	}
	return a
}
