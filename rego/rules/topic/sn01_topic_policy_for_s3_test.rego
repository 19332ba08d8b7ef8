package trailgate.rules.sn01_test

import data.trailgate.rules.sn01

topic_arn := "arn:aws:sns:us-east-1:222222222222:org-logs-events"

publish_stmt := {
	"Sid": "AllowS3Publish",
	"Effect": "Allow",
	"Principal": {"Service": "s3.amazonaws.com"},
	"Action": "SNS:Publish",
	"Resource": topic_arn,
	"Condition": {
		"ArnLike": {"aws:SourceArn": "arn:aws:s3:::org-logs"},
		"StringEquals": {"aws:SourceAccount": "222222222222"},
	},
}

snap(statements, bucket_account) := {"snapshot": {"accounts": [
	{"id": "111111111111", "trails": [{
		"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
		"home_region": "us-east-1", "s3_bucket_name": "org-logs",
		"is_multi_region_trail": true, "include_global_service_events": true,
	}]},
	{"id": bucket_account, "buckets": [{
		"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": "us-east-1",
		"notification": {"topic_configurations": [{"arn": topic_arn, "events": ["s3:ObjectCreated:*"]}]},
	}]},
	{"id": "222222222222", "topics": [{
		"name": "org-logs-events", "arn": topic_arn, "region": "us-east-1",
		"policy": {"document": {"Version": "2012-10-17", "Statement": statements}},
	}]},
]}}

findings(statements, bucket_account) := fs if {
	fs := sn01.deny with input as snap(statements, bucket_account)
}

test_pass if {
	count(findings([publish_stmt], "222222222222")) == 0
}

test_fail_no_statement_for_s3 if {
	other := object.union(publish_stmt, {"Principal": {"Service": "cloudtrail.amazonaws.com"}})
	fs := findings([other], "222222222222")
	count(fs) == 1
	some f in fs
	f.fact == "arn:aws:s3:::org-logs"
	f.resource.id == topic_arn
	contains(f.remediation, `"aws:SourceArn":"arn:aws:s3:::org-logs"`)
}

test_fail_source_account_pinned_to_topic_owner if {
	# The bucket lives in 333333333333; the policy pins the topic owner.
	fs := findings([publish_stmt], "333333333333")
	count(fs) == 1
	some f in fs
	contains(f.message, "pins aws:SourceAccount to 222222222222, but the bucket is owned by 333333333333")
	contains(f.remediation, `"aws:SourceAccount":"333333333333"`)
}

test_fail_source_arn_other_bucket if {
	other := json.patch(publish_stmt, [{"op": "replace", "path": "/Condition/ArnLike/aws:SourceArn", "value": "arn:aws:s3:::other-logs"}])
	fs := findings([other], "222222222222")
	count(fs) == 1
	some f in fs
	contains(f.message, "aws:SourceArn condition names arn:aws:s3:::other-logs")
}

test_fail_no_policy if {
	count(sn01.deny) == 1 with input as json.patch(snap([], "222222222222"), [{"op": "remove", "path": "/snapshot/accounts/2/topics/0/policy"}])
}

# Near miss: a Deny that applies only to principals outside the
# organization does not match a service principal carrying no PrincipalOrgID
# when it exempts AWS services.
test_near_miss_org_deny_exempts_services if {
	deny := {
		"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "SNS:Publish", "Resource": topic_arn,
		"Condition": {
			"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
			"Bool": {"aws:PrincipalIsAWSService": "false"},
		},
	}
	count(findings([publish_stmt, deny], "222222222222")) == 0
}

test_fail_org_deny_without_service_exemption if {
	deny := {
		"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "SNS:Publish", "Resource": topic_arn,
		"Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
	}
	fs := findings([publish_stmt, deny], "222222222222")
	count(fs) == 1
	some f in fs
	contains(f.message, "statement 'DenyOutsideOrg' in the topic policy of arn:aws:sns:us-east-1:222222222222:org-logs-events denies sns:Publish")
}
