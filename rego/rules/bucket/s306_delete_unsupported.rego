# METADATA
# title: The connector deletes log files but cannot
# description: >-
#   Some connectors delete each object after reading it (Chronicle's source
#   deletion option, Wazuh's remove_from_bucket). A reader role whose
#   identity policy grants s3:DeleteObject on a log bucket is taken as such
#   a connector; deletion then fails when the request is denied (the
#   evaluator is asked with aws:MultiFactorAuthPresent=false, since role
#   sessions carry no MFA, so Control Tower's
#   AWS-GR_RESTRICT_S3_DELETE_WITHOUT_MFA control and any other SCP, RCP,
#   boundary or bucket-policy deny show), or when Object Lock is on (locked
#   versions cannot be deleted). The connector then re-reads or stalls.
#   The connector file has no delete option, so a connector that deletes
#   without any s3:DeleteObject grant cannot be told from a read-only one;
#   that case surfaces only in the smoke test.
# related_resources:
#   - ref: https://docs.aws.amazon.com/controltower/latest/controlreference/elective-preventive-controls.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
#   - ref: https://cloud.google.com/chronicle/docs/administration/feed-management
# custom:
#   id: S306
#   severity: medium
#   area: bucket
#   hops: [read]
#   reads:
#     - iam:GetAccountAuthorizationDetails
#     - organizations:DescribePolicy
#     - organizations:ListPolicies
#     - organizations:ListTargetsForPolicy
#     - s3:GetObjectLockConfiguration
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Turn the connector's delete-after-read option off (use lifecycle
#     expiration instead), or allow the role s3:DeleteObject without MFA on a
#     bucket without Object Lock.
package trailgate.rules.s306

import data.trailgate.lib
import data.trailgate.lib.datapath

deleting contains [r, role, b, d] if {
	some r in lib.readers
	role := lib.role_arn(r.role)
	some name in r.buckets
	b := lib.bucket_named(name)
	some doc in datapath.policies_of(role.role)
	some st in datapath.statements(doc)
	datapath.statement_covers(st, "s3:DeleteObject")
	some res in datapath.as_list(object.get(st, "Resource", null))
	glob.match(res, null, sprintf("%s/x", [b.bucket.arn]))
	some d in object.get(lib.bucket_sources, name, set())
}

deny contains f if {
	some [r, role, b, d] in deleting
	object := sprintf("%s/%s", [b.bucket.arn, d.sample_key])
	# No hop asks s3:DeleteObject (reading needs none): asked here for readers that delete.
	answer := lib.authz(r.role, "s3:DeleteObject", object, {"aws:MultiFactorAuthPresent": ["false"]})
	lib.denied(answer)
	f := lib.with_fix({
		"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
		"message": sprintf("role %s is set up to delete log files after reading, but cannot s3:DeleteObject %s: %s", [r.role, object, answer.proof]),
		# The object is part of the fact: a bucket holding CloudTrail and
		# GuardDuty files yields one finding each, with distinct fingerprints.
		"fact": sprintf("delete-denied=%s:%s", [r.role, object]),
		"remediation": sprintf("Turn off the connector's delete-after-read option and expire %s with a lifecycle rule instead; or lift the deny named above for %s", [b.bucket.name, r.role]),
	}, delete_fix)
}

deny contains f if {
	some [r, _, b, _] in deleting
	b.bucket.object_lock_enabled
	f := lib.with_fix({
		"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
		"message": sprintf("role %s is set up to delete log files after reading, but bucket %s has Object Lock: locked object versions cannot be deleted", [r.role, b.bucket.name]),
		"fact": sprintf("object-lock=%s", [r.role]),
		"remediation": sprintf("Turn off the connector's delete-after-read option for bucket %s (Object Lock is there to keep the logs)", [b.bucket.name]),
	}, lib.outside_fix("delete-after-read is an option of the connector, set in the vendor's console; the bucket's Object Lock is right to keep the logs"))
}

# delete_fix: the first remedy, turning delete-after-read off, is the
# connector's, set in the vendor's console: no edit of the bucket's
# declaration makes it. Lifting the deny instead is the other remedy the
# prose names, in whichever policy holds it (an SCP the input may not
# declare).
delete_fix := lib.outside_fix("delete-after-read is an option of the connector, set in the vendor's console; the policy that denies the delete (named above) is right to protect the logs, and lifting it instead is a change to that policy, not to the bucket")
