package trailgate.rules.rs02_test

import data.trailgate.rules.rs02

cluster := "arn:aws:redshift:us-east-1:111111111111:cluster:analytics"

bucket := "arn:aws:s3:::redshift-audit-111111111111"

object := concat("", [bucket, "/redshift/AWSLogs/111111111111/redshift/us-east-1/2026/01/01/111111111111_redshift_us-east-1_analytics_useractivitylog_2026-01-01T00:00.gz"])

grant := {"Version": "2012-10-17", "Statement": [{
	"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"},
	"Action": ["s3:PutObject", "s3:GetBucketAcl"],
	"Resource": [bucket, concat("", [bucket, "/*"])],
	"Condition": {"StringEquals": {"aws:SourceArn": cluster}},
}]}

other := {"Version": "2012-10-17", "Statement": [{
	"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "s3:PutObject", "Resource": concat("", [bucket, "/*"]),
}]}

snap(doc) := {"accounts": [{
	"id": "111111111111",
	"redshift_clusters": [{"identifier": "analytics", "arn": cluster, "region": "us-east-1", "logging": {"enabled": true, "bucket_name": "redshift-audit-111111111111", "s3_key_prefix": "redshift"}}],
	"buckets": [{"name": "redshift-audit-111111111111", "arn": bucket, "region": "us-east-1",
		"policy": {"document": doc, "location": {"file": "t.yaml", "line": 40}, "statement_locations": [{"file": "t.yaml", "line": 44}]},
		"location": {"file": "t.yaml", "line": 12}}],
}]}

ctx := {"aws:SourceArn": [cluster], "aws:SourceAccount": ["111111111111"], "aws:PrincipalIsAWSService": ["true"], "aws:PrincipalServiceName": ["redshift.amazonaws.com"]}

answer(decision) := {"decision": decision, "proof": "no statement allows it", "statements": [], "kinds": []}

path(decision, problems) := {"id": "p", "source": {
	"kind": "redshift", "arn": cluster, "account": "111111111111", "region": "us-east-1",
	"bucket": "redshift-audit-111111111111", "key_prefix": "redshift/AWSLogs/111111111111/redshift/us-east-1/",
	"writer": "redshift.amazonaws.com",
}, "hops": [
	{"kind": "writer", "status": "ok", "resources": [{"arn": cluster, "type": "AWS::Redshift::Cluster"}]},
	{"kind": "bucket", "status": status(decision, problems), "problems": problems,
		"resources": [{"arn": bucket, "type": "AWS::S3::Bucket", "account": "111111111111", "region": "us-east-1"}],
		"questions": [
			{"id": "bucket-check", "why": "Redshift checks the bucket's owner", "principal": "redshift.amazonaws.com", "action": "s3:GetBucketAcl", "resource": bucket, "context": ctx, "answer": answer(decision)},
			{"id": "put-object", "why": "Redshift uploads an audit log file", "principal": "redshift.amazonaws.com", "action": "s3:PutObject", "resource": object, "context": ctx, "answer": answer(decision)},
		]},
]}

status(decision, problems) := "broken" if {
	count(problems) + count({1 | decision != "Allowed"}) > 0
} else := "ok"

skyformation := {"profile": "skyformation", "role": "arn:aws:iam::111111111111:role/sky", "sources": ["redshift"]}

test_pass_bucket_policy_grants_redshift if {
	count(rs02.deny) == 0 with input as {"snapshot": snap(grant), "paths": [path("Allowed", [])], "connector": skyformation}
}

# No statement for Redshift: both questions are denied, one finding (one
# missing grant), naming K5, with the documented statement as the fix.
test_fail_policy_without_redshift_one_finding if {
	fs := rs02.deny with input as {"snapshot": snap(other), "paths": [path("ImplicitlyDenied", [])], "connector": skyformation}
	count(fs) == 1
	some f in fs
	f.resource.id == bucket
	startswith(f.message, "skyformation step K5 not met")
	contains(f.message, "s3:PutObject")
	contains(f.message, "s3:GetBucketAcl")
	contains(f.remediation, "\"Service\":\"redshift.amazonaws.com\"")
	contains(f.remediation, cluster)
	f.location.line == 40
	f.fix.add_statement.Principal.Service == "redshift.amazonaws.com"
}

test_fail_bucket_in_other_region if {
	pr := "bucket redshift-audit-111111111111 is in eu-west-1, cluster analytics in us-east-1: Redshift writes audit logs only to a bucket in the cluster's Region"
	fs := rs02.deny with input as {"snapshot": snap(grant), "paths": [path("Allowed", [pr])], "connector": null}
	count(fs) == 1
	some f in fs
	contains(f.message, "only to a bucket in the cluster's Region")
	f.location.line == 12
}

# A cannot-prove problem is not a break.
test_near_miss_unknown_bucket_not_reported if {
	count(rs02.deny) == 0 with input as {"snapshot": snap(grant), "paths": [path("Allowed", ["cannot prove: bucket x is not in the snapshot"])], "connector": null}
}
