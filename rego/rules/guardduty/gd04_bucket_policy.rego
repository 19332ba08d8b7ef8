# METADATA
# title: GuardDuty cannot write to the export bucket
# description: >-
#   GuardDuty needs s3:GetBucketLocation on the bucket ARN itself (the
#   Radiant sample grants it on bucket/* where it matches nothing) and
#   s3:PutObject on <prefix>/*. The optional "deny incorrect encryption
#   header" and "deny unencrypted object uploads" statements of the AWS
#   sample deny GuardDuty as soon as they name a key that is no longer the
#   destination's key. Each answer is the path writer hop's, asked with the
#   context GuardDuty sends: aws:SourceArn (the detector),
#   aws:SourceAccount, and the SSE-KMS headers naming the destination key.
#   Symptom: "InvalidInputException: The request failed because you do not
#   have the required permissions for the s3:GetObject or s3:ListBucket
#   actions."
# related_resources:
#   - ref: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
# custom:
#   id: GD04
#   severity: critical
#   area: guardduty
#   hops: [bucket]
#   reads:
#     - ec2:DescribeRegions
#     - guardduty:DescribePublishingDestination
#     - guardduty:ListDetectors
#     - guardduty:ListPublishingDestinations
#     - s3:GetBucketPolicy
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Grant the GuardDuty service principal s3:GetBucketLocation on the
#     bucket ARN and s3:PutObject on <bucket>/<prefix>/*, conditioned on
#     aws:SourceAccount and aws:SourceArn, and make any encryption-header
#     deny name the destination's current key.
package trailgate.rules.gd04

import data.trailgate.lib
import data.trailgate.lib.datapath

questions(s) := [
	{
		"id": "GetBucketLocation",
		"action": "s3:GetBucketLocation",
		"resource": sprintf("arn:%s:s3:::%s", [lib.partition, s.bucket]),
		"grant": sprintf("arn:%s:s3:::%s", [lib.partition, s.bucket]),
	},
	{
		"id": "PutObject",
		"action": "s3:PutObject",
		"resource": sprintf("arn:%s:s3:::%s/%s", [lib.partition, s.bucket, s.sample_key]),
		"grant": sprintf("arn:%s:s3:::%s/%s*", [lib.partition, s.bucket, lib.with_slash(s.prefix)]),
	},
]

deny contains f if {
	lib.source_judged("guardduty")
	some s in lib.sources
	s.kind == "guardduty"
	b := lib.bucket_named(s.bucket)
	principal := s.writer
	some q in questions(s)

	# The writer hop's answer (datapath guardDutyHead), asked once in Go
	# with the context GuardDuty sends: aws:SourceArn, aws:SourceAccount
	# and, for s3:PutObject, the SSE-KMS headers naming the destination key.
	answer := lib.service_answer(principal, q.action, q.resource, s.arn)
	lib.denied(answer)
	f := lib.with_fix(lib.with_grant_location({
		"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
		"message": sprintf("%s (detector %s) cannot %s on %s: %s", [principal, s.arn, q.action, q.resource, answer.proof]),
		"fact": sprintf("%s:%s:%s", [q.id, principal, s.arn]),
		"remediation": remediation(s, q, principal, answer),
	}, b.bucket, object.get(b.bucket, "policy", {}), answer, principal, q.action), fix(s, b, q, principal, answer))
}

# fix is GuardDuty's statement for an implicit deny. For a Deny, whether
# the Deny or the detector's key is wrong is the user's call, unless the
# Deny is a data perimeter that forgot AWS services (lib.service_deny_fix).
fix(s, b, q, principal, answer) := lib.grant_fix(answer, grant(s, q, principal)) if {
	answer.decision == "ImplicitlyDenied"
} else := lib.service_deny_fix(object.get(b.bucket, "policy", {}), answer, "resourcePolicy", request_text(s, q, principal))

request_text(s, q, principal) := sprintf("%s %s with SSE-KMS key %s", [principal, q.action, s.destination.kms_key_arn]) if {
	q.action == "s3:PutObject"
} else := sprintf("%s %s", [principal, q.action])

# grant is the bucket policy statement GuardDuty's guide gives for the
# request q. (An explicit Deny keeps the prose: whether the Deny or the
# detector's key is wrong is the user's call.)
grant(s, q, principal) := {
	"Sid": sprintf("AllowGuardDuty%s", [q.id]),
	"Effect": "Allow",
	"Principal": {"Service": principal},
	"Action": q.action,
	"Resource": q.grant,
	"Condition": {"StringEquals": {"aws:SourceAccount": s.account, "aws:SourceArn": s.arn}},
}

remediation(s, q, principal, answer) := sprintf("Remove or correct the denying statement of the bucket policy of %s (it must not deny GuardDuty writing with key %s): %s", [s.bucket, s.destination.kms_key_arn, answer.proof]) if {
	answer.decision == "ExplicitlyDenied"
} else := sprintf("Add to the bucket policy of %s: %s", [s.bucket, lib.statement_json(grant(s, q, principal))])
