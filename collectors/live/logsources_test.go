package live

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// logSourcesWorld is one account with every resource of issue 17's paths:
// an EKS cluster logging audit to its group, the subscription filter to a
// Firehose stream writing to S3, a GuardDuty rule routing findings to SNS,
// an IAM user with an access key, an instance profile, a trail delivering
// to CloudWatch Logs, a detector with S3 protection, and a bucket with its
// public access block and versioning.
func logSourcesWorld(t *testing.T) *awstest.World {
	const acct = "111111111111"
	trust := json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"firehose.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture, Accounts: []snapshot.Account{{
		ID: acct, Regions: []string{"us-east-1"},
		Roles: []snapshot.Role{{Name: "firehose-to-s3", ARN: "arn:aws:iam::" + acct + ":role/firehose-to-s3", Path: "/",
			TrustPolicy: &snapshot.Policy{Document: trust}}},
		InstanceProfiles: []snapshot.InstanceProfile{{Name: "connector-host", ARN: "arn:aws:iam::" + acct + ":instance-profile/connector-host",
			RoleARNs: []string{"arn:aws:iam::" + acct + ":role/firehose-to-s3"}}},
		Users: []snapshot.User{{Name: "skyformation", ARN: "arn:aws:iam::" + acct + ":user/skyformation", Path: "/",
			AttachedPolicyARNs: []string{"arn:aws:iam::aws:policy/IAMReadOnlyAccess"},
			AccessKeys:         []snapshot.AccessKey{{ID: "AKIAEXAMPLE000000001", Status: "Active"}, {ID: "AKIAEXAMPLE000000002", Status: "Inactive"}}}},
		Buckets: []snapshot.Bucket{{Name: "eks-audit", ARN: "arn:aws:s3:::eks-audit", Region: "us-east-1", Versioning: "Enabled",
			PublicAccessBlock: &snapshot.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true}}},
		Trails: []snapshot.Trail{{Name: "org", ARN: "arn:aws:cloudtrail:us-east-1:" + acct + ":trail/org", HomeRegion: "us-east-1",
			S3BucketName: "eks-audit", IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, LogFileValidationEnabled: true,
			CloudWatchLogsLogGroupARN: "arn:aws:logs:us-east-1:" + acct + ":log-group:trail:*",
			CloudWatchLogsRoleARN:     "arn:aws:iam::" + acct + ":role/cloudtrail-to-cwl",
			Status:                    &snapshot.TrailStatus{IsLogging: true},
			EventSelectors:            []snapshot.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}}},
		Detectors: []snapshot.Detector{{ID: "d1", Region: "us-east-1", Status: "ENABLED", FindingPublishingFrequency: "FIFTEEN_MINUTES",
			Features: []snapshot.DetectorFeature{{Name: "S3_DATA_EVENTS", Status: "ENABLED"}, {Name: "EKS_AUDIT_LOGS", Status: "DISABLED"}}}},
		EKSClusters: []snapshot.EKSCluster{{Name: "prod", ARN: "arn:aws:eks:us-east-1:" + acct + ":cluster/prod", Region: "us-east-1",
			EnabledLogTypes: []string{"api", "audit"}}},
		LogGroups: []snapshot.LogGroup{
			{Name: "/aws/eks/prod/cluster", ARN: "arn:aws:logs:us-east-1:" + acct + ":log-group:/aws/eks/prod/cluster:*", Region: "us-east-1",
				RetentionInDays: 7, SubscriptionFilters: []snapshot.SubscriptionFilter{{Name: "audit", FilterPattern: "",
					DestinationARN: "arn:aws:firehose:us-east-1:" + acct + ":deliverystream/eks-audit",
					RoleARN:        "arn:aws:iam::" + acct + ":role/cwl-to-firehose", Distribution: "ByLogStream"}}},
			{Name: "trail", ARN: "arn:aws:logs:us-east-1:" + acct + ":log-group:trail:*", Region: "us-east-1"},
			// Neither subscribed nor read by a trail or cluster: not collected.
			{Name: "/aws/lambda/other", ARN: "arn:aws:logs:us-east-1:" + acct + ":log-group:/aws/lambda/other:*", Region: "us-east-1"},
		},
		DeliveryStreams: []snapshot.DeliveryStream{{Name: "eks-audit", ARN: "arn:aws:firehose:us-east-1:" + acct + ":deliverystream/eks-audit",
			Region: "us-east-1", Type: "DirectPut", Status: "ACTIVE", S3: &snapshot.FirehoseS3Destination{BucketARN: "arn:aws:s3:::eks-audit",
				Prefix: "EKSLogs/" + acct + "/prod/", RoleARN: "arn:aws:iam::" + acct + ":role/firehose-to-s3", CompressionFormat: "GZIP",
				KMSKeyARN: "arn:aws:kms:us-east-1:" + acct + ":key/k1"}},
			{Name: "other", ARN: "arn:aws:firehose:us-east-1:" + acct + ":deliverystream/other", Region: "us-east-1", Type: "DirectPut", Status: "ACTIVE"}},
		EventRules: []snapshot.EventRule{{Name: "guardduty-findings", ARN: "arn:aws:events:us-east-1:" + acct + ":rule/guardduty-findings",
			EventBusName: "default", Region: "us-east-1", State: "ENABLED",
			EventPattern: json.RawMessage(`{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}`),
			Targets:      []snapshot.EventTarget{{ID: "sns", ARN: "arn:aws:sns:us-east-1:" + acct + ":guardduty-findings"}}}},
		MacieExports: []snapshot.MacieExport{{Region: "us-east-1", BucketName: "macie-results", KeyPrefix: "findings/",
			KmsKeyARN: "arn:aws:kms:us-east-1:" + acct + ":key/k2"}},
	}}}
	w := awstest.NewWorld(s)
	w.Identities.Add(adminKey, adminSecret, "", "arn:aws:iam::"+acct+":user/auditor")
	w.PageSize = 1 // every paginated path, Firehose's by name too
	return w
}

// The new sources read back as served, through every page.
func TestCollectLogSources(t *testing.T) {
	w := logSourcesWorld(t)
	got, st := collect(t, w, Options{Accounts: []string{"111111111111"}})
	if len(got.CollectionErrors) > 0 {
		t.Fatalf("collection errors: %+v", got.CollectionErrors)
	}
	if len(got.Accounts) != 1 {
		t.Fatalf("accounts = %d", len(got.Accounts))
	}
	a, want := got.Accounts[0], w.Snapshot.Accounts[0]
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"users", a.Users, want.Users},
		{"instance profiles", a.InstanceProfiles, want.InstanceProfiles},
		{"eks clusters", a.EKSClusters, want.EKSClusters},
		// The unrelated group is left out.
		{"log groups", a.LogGroups, want.LogGroups[:2]},
		{"delivery streams", a.DeliveryStreams, want.DeliveryStreams},
		{"event rules", a.EventRules, want.EventRules},
		{"macie exports", a.MacieExports, want.MacieExports},
		{"bucket public access block", a.Buckets[0].PublicAccessBlock, want.Buckets[0].PublicAccessBlock},
		{"bucket versioning", a.Buckets[0].Versioning, want.Buckets[0].Versioning},
		{"detector features", a.Detectors[0].Features, want.Detectors[0].Features},
		{"trail log group", a.Trails[0].CloudWatchLogsLogGroupARN, want.Trails[0].CloudWatchLogsLogGroupARN},
		{"trail log role", a.Trails[0].CloudWatchLogsRoleARN, want.Trails[0].CloudWatchLogsRoleARN},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-served +collected):\n%s", c.name, diff)
		}
	}
	for _, op := range []string{"EKS:DescribeCluster", "CloudWatch Logs:DescribeSubscriptionFilters", "Firehose:DescribeDeliveryStream",
		"EventBridge:ListTargetsByRule", "IAM:ListAccessKeys", "S3:GetPublicAccessBlock", "S3:GetBucketVersioning"} {
		if st.Operations[op] == 0 {
			t.Errorf("%s never called", op)
		}
	}
	if st.Operations["Macie2:GetClassificationExportConfiguration"] == 0 {
		t.Error("GetClassificationExportConfiguration never called")
	}
	if n := st.Operations["Firehose:ListDeliveryStreams"]; n != 2 {
		t.Errorf("ListDeliveryStreams called %d times for two streams one per page, want 2", n)
	}
}

// A refused read of a new service is a collection error, never a silent
// gap.
func TestCollectLogSourcesDenied(t *testing.T) {
	w := logSourcesWorld(t)
	w.Faults.Add(awstest.Fault{Service: "firehose", Operation: "DescribeDeliveryStream", Kind: awstest.Deny})
	got, _ := collect(t, w, Options{Accounts: []string{"111111111111"}})
	var codes []string
	for _, e := range got.CollectionErrors {
		codes = append(codes, e.Service+":"+e.Operation+":"+e.Code)
	}
	if len(codes) != 2 || codes[0] != "firehose:DescribeDeliveryStream:AccessDeniedException" {
		t.Errorf("collection errors = %v", codes)
	}
	if !slices.Contains(snapshot.ReadsNotJudged, "firehose:DescribeDeliveryStream") && !slices.Contains(snapshot.Reads, "firehose:DescribeDeliveryStream") {
		t.Error("firehose:DescribeDeliveryStream is listed as no read")
	}
}

// Macie not enabled in a region is no export and no error; a real deny of
// the same call is a collection error.
func TestCollectMacieNotEnabledIsNoError(t *testing.T) {
	w := logSourcesWorld(t)
	w.Snapshot.Accounts[0].MacieExports = nil
	got, _ := collect(t, w, Options{Accounts: []string{"111111111111"}})
	if len(got.CollectionErrors) > 0 || len(got.Accounts[0].MacieExports) > 0 {
		t.Errorf("errors %+v, exports %+v", got.CollectionErrors, got.Accounts[0].MacieExports)
	}
	w = logSourcesWorld(t)
	w.Faults.Add(awstest.Fault{Service: "macie2", Kind: awstest.Deny})
	got, _ = collect(t, w, Options{Accounts: []string{"111111111111"}})
	if len(got.CollectionErrors) != 1 || got.CollectionErrors[0].Operation != "GetClassificationExportConfiguration" {
		t.Errorf("errors = %+v, want the refused read", got.CollectionErrors)
	}
}
