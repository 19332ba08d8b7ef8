package datapath

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const (
	rsCluster = "arn:aws:redshift:eu-west-1:111111111111:cluster:analytics"
	rsReader  = "arn:aws:iam::111111111111:role/SkyFormation"
)

// redshiftSnapshot is one cluster logging to S3 under prefix "redshift/",
// its parameter group, and the audit bucket with the given policy.
func redshiftSnapshot(logging *snapshot.RedshiftLogging, groups []string, param string, bucketRegion, policy string) *snapshot.Snapshot {
	a := snapshot.Account{
		ID: "111111111111",
		RedshiftClusters: []snapshot.RedshiftCluster{{Identifier: "analytics", ARN: rsCluster, Region: "eu-west-1",
			Logging: logging, ParameterGroups: groups}},
		RedshiftParameterGroups: []snapshot.RedshiftParameterGroup{{Name: "audit", Region: "eu-west-1",
			Parameters: map[string]string{snapshot.RedshiftUserActivityParameter: param}}},
		Buckets: []snapshot.Bucket{{Name: "audit-logs", ARN: "arn:aws:s3:::audit-logs", Region: bucketRegion}},
		Roles:   []snapshot.Role{{Name: "SkyFormation", ARN: rsReader}},
	}
	if policy != "" {
		a.Buckets[0].Policy = &snapshot.Policy{Document: json.RawMessage(policy)}
	}
	return &snapshot.Snapshot{Accounts: []snapshot.Account{a}}
}

func s3Logging() *snapshot.RedshiftLogging {
	return &snapshot.RedshiftLogging{Enabled: true, DestinationType: "s3", BucketName: "audit-logs", S3KeyPrefix: "redshift/"}
}

var skyRedshift = &connector.Connector{Profile: "skyformation", Role: rsReader, Sources: []string{"redshift"}}

func redshiftPathOf(t *testing.T, paths []Path) Path {
	t.Helper()
	var out []Path
	for _, p := range paths {
		if p.Source.Kind == SourceRedshift {
			out = append(out, p)
		}
	}
	if len(out) != 1 {
		t.Fatalf("%d redshift paths, want 1", len(out))
	}
	return out[0]
}

// Redshift writes as redshift.amazonaws.com with the cluster as
// aws:SourceArn, checks the bucket (GetBucketAcl) and puts
// <prefix>/AWSLogs/<account>/redshift/<region>/YYYY/MM/DD/<account>_redshift_<region>_<cluster>_<logtype>_<timestamp>.gz
// (db-auditing.html, "Bucket structure"); the connector lists the prefix
// up to AWSLogs/ and gets the file.
func TestRedshiftPathQuestions(t *testing.T) {
	p := redshiftPathOf(t, Build(redshiftSnapshot(s3Logging(), []string{"audit"}, "true", "eu-west-1", ""), skyRedshift))
	if p.ID != rsCluster+" -> audit-logs" {
		t.Errorf("id %q", p.ID)
	}
	wantKey := "redshift/AWSLogs/111111111111/redshift/eu-west-1/2026/01/01/111111111111_redshift_eu-west-1_analytics_useractivitylog_2026-01-01T00:00.gz"
	if p.Source.SampleKey != wantKey || p.Source.KeyPrefix != "redshift/AWSLogs/111111111111/redshift/eu-west-1/" {
		t.Errorf("sample key %q, key prefix %q", p.Source.SampleKey, p.Source.KeyPrefix)
	}
	var kinds []HopKind
	for _, h := range p.Hops {
		kinds = append(kinds, h.Kind)
		if len(h.Problems) > 0 {
			t.Errorf("%s hop problems: %v", h.Kind, h.Problems)
		}
	}
	if diff := cmp.Diff([]HopKind{HopWriter, HopBucket, HopReader, HopRead}, kinds); diff != "" {
		t.Errorf("hops (-want +got):\n%s", diff)
	}
	bq := questionsOf(p, HopBucket)
	put, check := bq["put-object"], bq["bucket-check"]
	if put.Principal != "redshift.amazonaws.com" || put.Action != "s3:PutObject" || put.Resource != "arn:aws:s3:::audit-logs/"+wantKey {
		t.Errorf("put-object question %+v", put)
	}
	if got := put.Context["aws:SourceArn"]; len(got) != 1 || got[0] != rsCluster {
		t.Errorf("aws:SourceArn %v, want the cluster", got)
	}
	if check.Action != "s3:GetBucketAcl" || check.Resource != "arn:aws:s3:::audit-logs" {
		t.Errorf("bucket-check question %+v", check)
	}
	rq := questionsOf(p, HopRead)
	if g := rq["get-object (SkyFormation)"]; g.Action != "s3:GetObject" || g.Resource != "arn:aws:s3:::audit-logs/"+wantKey {
		t.Errorf("get-object question %+v (have %v)", g, rq)
	}
	if l := rq["list-bucket (SkyFormation)"]; l.Action != "s3:ListBucket" || l.Context["s3:prefix"][0] != "redshift/AWSLogs/" {
		t.Errorf("list-bucket question %+v", l)
	}
}

// Each requirement broken alone is the writer's or the bucket's problem.
func TestRedshiftPathProblems(t *testing.T) {
	for _, tc := range []struct {
		name    string
		logging *snapshot.RedshiftLogging
		groups  []string
		param   string
		region  string
		kind    HopKind
		want    string // "" means no problem at all
	}{
		{"guide-exact", s3Logging(), []string{"audit"}, "true", "eu-west-1", "", ""},
		{"logging off", &snapshot.RedshiftLogging{}, []string{"audit"}, "true", "eu-west-1", HopWriter, "does not have audit logging enabled"},
		{"cloudwatch", &snapshot.RedshiftLogging{Enabled: true, DestinationType: "cloudwatch"}, []string{"audit"}, "true", "eu-west-1", HopWriter, "log destination type cloudwatch"},
		{"parameter false", s3Logging(), []string{"audit"}, "false", "eu-west-1", HopWriter, "has enable_user_activity_logging false"},
		{"parameter unset", s3Logging(), []string{"audit"}, "", "eu-west-1", HopWriter, "unset (default false)"},
		{"default group", s3Logging(), []string{"default.redshift-1.0"}, "true", "eu-west-1", HopWriter, "default parameter group default.redshift-1.0 "},
		{"no group is the default", s3Logging(), nil, "true", "eu-west-1", HopWriter, "default parameter group default.redshift-1.0 "},
		{"group not in snapshot", s3Logging(), []string{"elsewhere"}, "true", "eu-west-1", HopWriter, "cannot prove: parameter group elsewhere"},
		{"logging not read", nil, []string{"audit"}, "true", "eu-west-1", HopWriter, "cannot prove: the audit logging of cluster analytics was not read"},
		{"bucket in another region", s3Logging(), []string{"audit"}, "true", "us-east-1", HopBucket, "only to a bucket in the cluster's Region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := redshiftPathOf(t, Build(redshiftSnapshot(tc.logging, tc.groups, tc.param, tc.region, ""), skyRedshift))
			var got []string
			for _, h := range p.Hops {
				for _, pr := range h.Problems {
					got = append(got, string(h.Kind)+": "+pr)
				}
			}
			if tc.want == "" {
				if len(got) > 0 {
					t.Errorf("problems %v", got)
				}
				return
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], string(tc.kind)+": ") || !strings.Contains(got[0], tc.want) {
				t.Errorf("problems %v, want one %s problem saying %q", got, tc.kind, tc.want)
			}
		})
	}
}

// The user activity log is the SkyFormation guide's demand: another
// reader is not asked for it; a connector not reading redshift follows no
// cluster; without a connector a cluster logging to S3 is followed, one
// that does not log is not.
func TestRedshiftPathWanted(t *testing.T) {
	s := redshiftSnapshot(s3Logging(), []string{"audit"}, "false", "eu-west-1", "")
	generic := &connector.Connector{Profile: "generic", Role: rsReader, Sources: []string{"redshift"}}
	p := redshiftPathOf(t, Build(s, generic))
	for _, h := range p.Hops {
		if len(h.Problems) > 0 {
			t.Errorf("generic reader: %s problems %v", h.Kind, h.Problems)
		}
	}
	for _, sources := range [][]string{{"cloudtrail"}, nil} {
		for _, p := range Build(s, &connector.Connector{Profile: "skyformation", Role: rsReader, Sources: sources}) {
			if p.Source.Kind == SourceRedshift {
				t.Errorf("a connector reading %v follows %s", sources, p.ID)
			}
		}
	}
	if p := redshiftPathOf(t, Build(s, nil)); len(questionsOf(p, HopRead)) != 0 {
		t.Errorf("without a connector the path has readers: %+v", p.Hops)
	}
	off := redshiftSnapshot(&snapshot.RedshiftLogging{}, []string{"audit"}, "true", "eu-west-1", "")
	for _, p := range Build(off, nil) {
		if p.Source.Kind == SourceRedshift {
			t.Errorf("without a connector a cluster that does not log is followed: %s", p.ID)
		}
	}
}

// A bucket policy naming only the Regional principal of an opt-in Region
// is asked as that principal; otherwise as redshift.amazonaws.com.
func TestRedshiftPrincipal(t *testing.T) {
	regional := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.eu-west-1.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::audit-logs/*"}]}`
	p := redshiftPathOf(t, Build(redshiftSnapshot(s3Logging(), []string{"audit"}, "true", "eu-west-1", regional), skyRedshift))
	if got := questionsOf(p, HopBucket)["put-object"].Principal; got != "redshift.eu-west-1.amazonaws.com" {
		t.Errorf("principal %q", got)
	}
	global := strings.ReplaceAll(regional, "redshift.eu-west-1.amazonaws.com", "redshift.amazonaws.com")
	p = redshiftPathOf(t, Build(redshiftSnapshot(s3Logging(), []string{"audit"}, "true", "eu-west-1", global), skyRedshift))
	if got := questionsOf(p, HopBucket)["put-object"].Principal; got != "redshift.amazonaws.com" {
		t.Errorf("principal %q", got)
	}
}
