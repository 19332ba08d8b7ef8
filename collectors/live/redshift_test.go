package live

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// redshiftWorld is one account with the Redshift setups K5 tells apart:
// audit logging to S3 with a group turning on the user activity log,
// logging to CloudWatch, logging off on the default group, and a group
// holding the parameter's engine default.
func redshiftWorld(t *testing.T) *awstest.World {
	const acct = "111111111111"
	arn := func(region, id string) string { return "arn:aws:redshift:" + region + ":" + acct + ":cluster:" + id }
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture, Accounts: []snapshot.Account{{
		ID: acct, Regions: []string{"us-east-1"},
		RedshiftClusters: []snapshot.RedshiftCluster{
			{Identifier: "analytics", ARN: arn("us-east-1", "analytics"), Region: "us-east-1", ParameterGroups: []string{"audit"},
				Logging: &snapshot.RedshiftLogging{Enabled: true, DestinationType: "s3", BucketName: "audit-logs", S3KeyPrefix: "redshift/",
					LastFailureMessage: "Access denied for bucket audit-logs"}},
			{Identifier: "reporting", ARN: arn("us-east-1", "reporting"), Region: "us-east-1", ParameterGroups: []string{"plain"},
				Logging: &snapshot.RedshiftLogging{Enabled: true, DestinationType: "cloudwatch", LogExports: []string{"connectionlog", "useractivitylog"}}},
			{Identifier: "scratch", ARN: arn("us-east-1", "scratch"), Region: "us-east-1", ParameterGroups: []string{"default.redshift-1.0"},
				Logging: &snapshot.RedshiftLogging{}},
		},
		RedshiftParameterGroups: []snapshot.RedshiftParameterGroup{
			{Name: "audit", Region: "us-east-1", Parameters: map[string]string{"enable_user_activity_logging": "true"}},
			// Sets another parameter only: the collector reads the
			// engine default of the one the rules read.
			{Name: "plain", Region: "us-east-1", Parameters: map[string]string{"require_ssl": "true"}},
		},
	}}}
	w := awstest.NewWorld(s)
	w.Identities.Add(adminKey, adminSecret, "", "arn:aws:iam::"+acct+":user/auditor")
	w.PageSize = 1 // DescribeClusters and DescribeClusterParameters page by page
	return w
}

// Clusters, their logging status and their groups' parameter read back as
// served, through every page; a default group is not read.
func TestCollectRedshift(t *testing.T) {
	w := redshiftWorld(t)
	got, st := collect(t, w, Options{Accounts: []string{"111111111111"}, Regions: []string{"us-east-1"}})
	if len(got.CollectionErrors) > 0 {
		t.Fatalf("collection errors: %+v", got.CollectionErrors)
	}
	a, want := got.Accounts[0], w.Snapshot.Accounts[0]
	if diff := cmp.Diff(want.RedshiftClusters, a.RedshiftClusters); diff != "" {
		t.Errorf("clusters (-served +collected):\n%s", diff)
	}
	wantGroups := []snapshot.RedshiftParameterGroup{
		{Name: "audit", Region: "us-east-1", Parameters: map[string]string{"enable_user_activity_logging": "true"}},
		{Name: "plain", Region: "us-east-1", Parameters: map[string]string{"enable_user_activity_logging": "false"}},
	}
	if diff := cmp.Diff(wantGroups, a.RedshiftParameterGroups); diff != "" {
		t.Errorf("parameter groups (-want +collected):\n%s", diff)
	}
	if n := st.Operations["Redshift:DescribeClusters"]; n != 3 {
		t.Errorf("DescribeClusters called %d times for three clusters one per page, want 3", n)
	}
	if n := st.Operations["Redshift:DescribeLoggingStatus"]; n != 3 {
		t.Errorf("DescribeLoggingStatus called %d times, want 3", n)
	}
	// Two groups of three parameters each (their values and the engine
	// defaults of the rest), one per page; the default group is not read.
	if n := st.Operations["Redshift:DescribeClusterParameters"]; n != 6 {
		t.Errorf("DescribeClusterParameters called %d times, want 6", n)
	}
	for _, c := range w.Calls.All() {
		if c.Operation == "DescribeClusterParameters" && c.Resource == "default.redshift-1.0" {
			t.Error("the default parameter group was read")
		}
	}
}

// A refused DescribeLoggingStatus is a collection error and leaves the
// cluster's logging unknown (nil), never "not logging".
func TestCollectRedshiftLoggingDenied(t *testing.T) {
	w := redshiftWorld(t)
	w.Faults.Add(awstest.Fault{Service: "redshift", Operation: "DescribeLoggingStatus", Kind: awstest.Deny, Times: 1})
	got, _ := collect(t, w, Options{Accounts: []string{"111111111111"}, Regions: []string{"us-east-1"}})
	if len(got.CollectionErrors) != 1 {
		t.Fatalf("collection errors = %+v", got.CollectionErrors)
	}
	e := got.CollectionErrors[0]
	if e.Service != "redshift" || e.Operation != "DescribeLoggingStatus" || e.Code != "AccessDenied" || e.Resource == "" {
		t.Errorf("collection error = %+v", e)
	}
	unread := 0
	for _, c := range got.Accounts[0].RedshiftClusters {
		if c.Logging == nil {
			unread++
			if c.ARN != e.Resource {
				t.Errorf("cluster %s has no logging, but the error names %s", c.ARN, e.Resource)
			}
		}
	}
	if unread != 1 {
		t.Errorf("%d clusters without logging status, want 1", unread)
	}
}

// A refused DescribeClusters is one collection error and no cluster.
func TestCollectRedshiftDescribeClustersDenied(t *testing.T) {
	w := redshiftWorld(t)
	w.Faults.Add(awstest.Fault{Service: "redshift", Operation: "DescribeClusters", Kind: awstest.Deny})
	got, _ := collect(t, w, Options{Accounts: []string{"111111111111"}, Regions: []string{"us-east-1"}})
	if len(got.CollectionErrors) != 1 || got.CollectionErrors[0].Operation != "DescribeClusters" {
		t.Fatalf("collection errors = %+v", got.CollectionErrors)
	}
	if n := len(got.Accounts[0].RedshiftClusters); n != 0 {
		t.Errorf("%d clusters collected", n)
	}
}
