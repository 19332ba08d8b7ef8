# METADATA
# title: Trail bucket policy does not let CloudTrail write
# description: >-
#   CloudTrail needs, in the bucket policy, s3:GetBucketAcl on the bucket ARN
#   and s3:PutObject on <S3KeyPrefix>/AWSLogs/<account>/* (and, for an
#   organization trail, on <S3KeyPrefix>/AWSLogs/<org-id>/* for every member
#   account), with aws:SourceArn equal to the trail's ARN when the policy
#   conditions on it. Each grant is checked by asking the authorization
#   evaluator whether cloudtrail.amazonaws.com may perform the action with the
#   context CloudTrail sends (aws:SourceArn, aws:SourceAccount and
#   s3:x-amz-acl=bucket-owner-full-control), so a grant on the wrong prefix,
#   a SourceArn naming another trail, an ACL condition other than
#   bucket-owner-full-control, or a Deny all count. A policy that grants
#   PutObject without the s3:x-amz-acl condition still lets CloudTrail write
#   and is not reported. A live trail's LatestDeliveryError is reported too.
#   Symptom: InsufficientS3BucketPolicyException.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html
# custom:
#   id: CT03
#   severity: critical
#   area: trail
#   hops: [bucket]
#   reads:
#     - cloudtrail:DescribeTrails
#     - cloudtrail:GetTrailStatus
#     - ec2:DescribeRegions
#     - s3:GetBucketPolicy
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Add to the bucket policy the AWSCloudTrailAclCheck (s3:GetBucketAcl on
#     the bucket) and AWSCloudTrailWrite (s3:PutObject on the AWSLogs paths)
#     statements for cloudtrail.amazonaws.com, conditioned on the trail's ARN.
package trailgate.rules.ct03

import data.trailgate.lib

# writing are the trails, each once, as their owner writes them (a log
# source, input.sources: an organization trail listed in a member account
# is the same trail).
writing contains {"trail": s.trail, "account": s.account} if {
	some s in lib.sources
	s.kind == "cloudtrail"
}

# checks are the grants each trail needs in its bucket's policy.
checks contains c if {
	some e in writing
	b := lib.bucket_named(e.trail.s3_bucket_name)
	c := {"trail": e, "bucket": b, "action": "s3:GetBucketAcl", "resource": b.bucket.arn, "path": "", "group": "acl"}
}

checks contains c if {
	some e in writing
	b := lib.bucket_named(e.trail.s3_bucket_name)
	path := sprintf("%sAWSLogs/%s/", [prefix(e.trail), e.account])
	c := {"trail": e, "bucket": b, "action": "s3:PutObject", "resource": object_arn(b, path, e), "path": path, "group": "account"}
}

# An organization trail writes every member account's files under
# AWSLogs/<org-id>/<member>/: asked once in Go for every member and
# grouped by cause (input.path_index.member_writes), each group with the
# question of its least path and how many members it holds.
checks contains c if {
	some e in writing
	e.trail.is_organization_trail
	b := lib.bucket_named(e.trail.s3_bucket_name)
	some g in member_writes[e.trail.arn].groups
	c := {"trail": e, "bucket": b, "action": "s3:PutObject", "resource": g.question.resource, "path": g.first, "group": "org", "count": g.count, "question": g.question}
}

member_writes := {w.trail: w | some w in lib.path_index.member_writes}

prefix(t) := lib.with_slash(object.get(t, "s3_key_prefix", ""))

object_arn(b, path, e) := sprintf("%s/%sCloudTrail/%s/%s_CloudTrail_%s_file.json.gz", [b.bucket.arn, path, e.trail.home_region, e.account, e.trail.home_region])

failures contains {"check": c, "answer": a} if {
	some c in checks
	a := answer(c)
	lib.denied(a)
}

# answer is the answer to a check, asked once in Go with the context
# CloudTrail sends (aws:SourceArn, aws:SourceAccount, s3:x-amz-acl): the
# trail's writer hop asks the bucket check and the trail owner's own
# paths (service answers), member_writes every member's.
answer(c) := lib.path_answer(c.question) if {
	c.group == "org"
} else := lib.service_answer("cloudtrail.amazonaws.com", c.action, c.resource, c.trail.trail.arn)

deny contains f if {
	some x in failures
	x.check.group == "acl"
	f := finding(x.check, x.answer, "s3:GetBucketAcl", sprintf(
		"CloudTrail cannot s3:GetBucketAcl on %s for trail %s: %s%s",
		[x.check.bucket.bucket.arn, x.check.trail.trail.arn, x.answer.proof, source_arn_hint(x.check)],
	))
}

deny contains f if {
	some x in failures
	x.check.group == "account"
	not same_cause(x.check.trail.trail.arn)
	f := finding(x.check, x.answer, sprintf("s3:PutObject %s", [x.check.path]), sprintf(
		"CloudTrail cannot s3:PutObject under %s/%s* for trail %s: %s%s",
		[x.check.bucket.bucket.arn, x.check.path, x.check.trail.trail.arn, x.answer.proof, source_arn_hint(x.check)],
	))
}

# One finding per cause: when the trail owner's path and the organization
# path are denied by the same statements (or both lack a grant), one
# finding names both paths.
deny contains f if {
	some x in failures
	x.check.group == "account"
	trail := x.check.trail.trail.arn
	same_cause(trail)
	y := org_first_failure(trail)
	f := finding(x.check, x.answer, sprintf("s3:PutObject %s", [x.check.path]), sprintf(
		"CloudTrail cannot s3:PutObject under %s/%s* nor the organization trail %s's logs under %s/%s (%d of %d member accounts, first path %s): %s%s",
		[x.check.bucket.bucket.arn, x.check.path, trail, x.check.bucket.bucket.arn, org_path(x.check.trail.trail), org_failed_count(trail), member_writes[trail].members, y.check.path, x.answer.proof, source_arn_hint(x.check)],
	))
}

# org_failures are the groups of member accounts of trail whose paths
# CloudTrail cannot write; org_first_failure the one holding the least
# path, org_failed_count how many members they hold.
org_failures(trail) := [y | some y in failures; y.check.group == "org"; y.check.trail.trail.arn == trail]

org_first_failure(trail) := y if {
	failed := org_failures(trail)
	some y in failed
	y.check.path == min({z.check.path | some z in failed})
}

org_failed_count(trail) := sum([y.check.count | some y in org_failures(trail)])

org_path(t) := concat("", [prefix(t), "AWSLogs/", lib.org_id, "/"])

# same_cause holds when trail's own path and its first failing
# organization path fail for one cause: the same decision, decided by the
# same statements.
same_cause(trail) if {
	some x in failures
	x.check.group == "account"
	x.check.trail.trail.arn == trail
	y := org_first_failure(trail)
	cause(x.answer) == cause(y.answer)
}

cause(a) := {"decision": a.decision, "statements": {[s.kind, s.policy, s.target, s.index, s.role] | some s in object.get(a, "statements", [])}}

# Organization paths are reported once per trail, naming the accounts whose
# logs cannot be written (within the trail owner's finding when one cause
# denies both).
deny contains f if {
	some x in failures
	x.check.group == "org"
	trail := x.check.trail.trail.arn
	not same_cause(trail)
	x == org_first_failure(trail)
	f := finding(x.check, x.answer, sprintf("s3:PutObject %sAWSLogs/%s/", [prefix(x.check.trail.trail), lib.org_id]), sprintf(
		"CloudTrail cannot s3:PutObject the organization trail %s's logs under %s/%s (%d of %d member accounts, first path %s): %s%s",
		[trail, x.check.bucket.bucket.arn, org_path(x.check.trail.trail), org_failed_count(trail), member_writes[trail].members, x.check.path, x.answer.proof, source_arn_hint(x.check)],
	))
}

# source_arn_hint explains a SourceArn condition that names another trail.
source_arn_hint(c) := sprintf(" (the policy's aws:SourceArn condition names %s, not %s)", [concat(", ", sort(values)), c.trail.trail.arn]) if {
	values := lib.condition_values(c.bucket.bucket.policy.document, "cloudtrail.amazonaws.com", c.action, "aws:SourceArn")
	count(values) > 0
	not c.trail.trail.arn in values
	every v in values {
		not contains(v, "*")
	}
} else := ""

deny contains f if {
	some e in lib.trails
	err := e.trail.status.latest_delivery_error
	err != ""
	f := {
		"resource": lib.resource(e.trail.arn, "AWS::CloudTrail::Trail", e.account, e.trail.home_region),
		"message": sprintf("trail %s reports LatestDeliveryError %q: CloudTrail could not deliver log files to bucket %s", [e.trail.arn, err, e.trail.s3_bucket_name]),
		"fact": "latest_delivery_error",
		"remediation": sprintf("Fix the bucket policy of %s (and the key policy, if the trail uses SSE-KMS) so cloudtrail.amazonaws.com can write, then check aws cloudtrail get-trail-status --name %s.", [e.trail.s3_bucket_name, e.trail.arn]),
	}
}

finding(c, answer, fact, message) := lib.with_grant_location(
	lib.with_fix({
		"resource": lib.resource(c.bucket.bucket.arn, "AWS::S3::Bucket", c.bucket.account, c.bucket.bucket.region),
		"message": message,
		"fact": sprintf("%s %s", [c.trail.trail.arn, fact]),
		"remediation": sprintf("Add to the bucket policy of %s: %s", [c.bucket.bucket.name, fix(c)]),
	}, writer_fix(c, answer)),
	c.bucket.bucket, object.get(c.bucket.bucket, "policy", {}), answer, "cloudtrail.amazonaws.com", c.action,
)

# writer_fix is the missing statement for an implicit deny; for a Deny of
# the bucket policy, its exemption of AWS services (lib.service_deny_fix).
writer_fix(c, answer) := lib.grant_fix(answer, statement(c)) if {
	answer.decision == "ImplicitlyDenied"
} else := lib.service_deny_fix(object.get(c.bucket.bucket, "policy", {}), answer, "resourcePolicy", sprintf("cloudtrail.amazonaws.com %s", [c.action]))

fix(c) := lib.statement_json(statement(c))

statement(c) := {
	"Sid": "AWSCloudTrailAclCheck",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "s3:GetBucketAcl",
	"Resource": c.bucket.bucket.arn,
	"Condition": {"StringEquals": {"aws:SourceArn": c.trail.trail.arn}},
} if {
	c.group == "acl"
} else := {
	"Sid": "AWSCloudTrailWrite",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "s3:PutObject",
	"Resource": write_resources(c),
	"Condition": {"StringEquals": {
		"s3:x-amz-acl": "bucket-owner-full-control",
		"aws:SourceArn": c.trail.trail.arn,
	}},
}

write_resources(c) := [
	sprintf("%s/%sAWSLogs/%s/*", [c.bucket.bucket.arn, prefix(c.trail.trail), c.trail.account]),
	sprintf("%s/%sAWSLogs/%s/*", [c.bucket.bucket.arn, prefix(c.trail.trail), lib.org_id]),
] if {
	c.trail.trail.is_organization_trail
} else := sprintf("%s/%sAWSLogs/%s/*", [c.bucket.bucket.arn, prefix(c.trail.trail), c.trail.account])
