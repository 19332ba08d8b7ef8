# METADATA
# title: Reader cannot read or list the log bucket
# description: >-
#   The connector's object reader (object_role, else role; without a
#   connector file, every role that can receive from a pipeline queue) must
#   be allowed s3:GetObject on the log objects. s3:ListBucket on the bucket
#   ARN is demanded only where the connector's vendor guide demands it
#   (rapid7 P1, radiant R7); elsewhere its absence is a low "recommended"
#   finding: a GetObject of a missing key then answers 403 AccessDenied
#   instead of 404 NoSuchKey, and delivery of notified files is unaffected.
#   Each is asked of the authorization evaluator on a real log-file key, so
#   swapped resource types (GetObject on the bucket ARN, ListBucket on
#   bucket/*) fail as they do in AWS. Across accounts both the role's
#   identity policy and the bucket policy must allow; one side alone is not
#   enough. Only implicit denials are reported here: an explicit Deny is
#   S304 (bucket policy), OR01 (SCP) or OR02 (RCP).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
#   - ref: https://repost.aws/knowledge-center/s3-cross-account-access-denied
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
#     description: without s3:ListBucket a missing key answers 403, with it 404
# custom:
#   id: S305
#   severity: critical
#   smoke: [object-read-refused]
#   area: bucket
#   hops: [read]
#   reads:
#     - iam:GetAccountAuthorizationDetails
#     - s3:GetBucketPolicy
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Allow the reader s3:GetObject on arn:aws:s3:::BUCKET/* (and
#     s3:ListBucket on arn:aws:s3:::BUCKET where its guide asks for it) in
#     its identity policy and, across accounts, in the bucket policy too.
package trailgate.rules.s305

import data.trailgate.lib
import data.trailgate.lib.eks
import data.trailgate.lib.redshift
import data.trailgate.lib.datapath
import data.trailgate.lib.needs

# reads are the (reader, bucket) pairs to judge.
reads contains {"reader": r, "bucket": b} if {
	some r in lib.readers
	some name in r.buckets
	not redshift.audit_bucket_only(name)
	b := lib.bucket_named(name)
}

sample_object(b) := concat("/", [b.bucket.arn, lib.sample_key(b)])

target("s3:GetObject", b) := sample_object(b)

target("s3:ListBucket", b) := b.bucket.arn

# missing are the actions among actions the reader is implicitly denied on
# the bucket, in table order.
missing(x, actions) := [a |
	some a in actions
	answer := lib.reader_answer(x.reader.role, a, target(a, x.bucket))
	answer.decision == "ImplicitlyDenied"
	not lib.org_policy_blocks(answer)
]

generic contains f if {
	some x in reads
	gone := missing(x, needs.demanded("S305", "role"))
	count(gone) > 0
	also := missing(x, needs.recommended("S305", "role"))
	answer := lib.reader_answer(x.reader.role, gone[0], target(gone[0], x.bucket))
	c := {"reader": x.reader, "bucket": x.bucket, "action": gone[0], "actions": array.concat(gone, also)}
	f := lib.with_fix(located({
		"resource": lib.resource(x.bucket.bucket.arn, "AWS::S3::Bucket", x.bucket.account, x.bucket.bucket.region),
		"message": sprintf("%s cannot %s on %s%s: %s", [x.reader.role, concat(", ", gone), target(gone[0], x.bucket), needs.guide_note(gone), answer.proof]),
		"fact": sprintf("%s %s", [x.reader.role, concat(",", sort(gone))]),
		"remediation": fix(c, answer),
	}, c, answer), fix_data(c, answer))
}

# A reader that can read every log file but not list the bucket works: a
# low finding says what is different.
generic contains f if {
	some x in reads
	count(missing(x, needs.demanded("S305", "role"))) == 0
	rec := missing(x, needs.recommended("S305", "role"))
	count(rec) > 0
	answer := lib.reader_answer(x.reader.role, rec[0], target(rec[0], x.bucket))
	c := {"reader": x.reader, "bucket": x.bucket, "action": rec[0], "actions": rec}
	f := lib.with_fix(located({
		"resource": lib.resource(x.bucket.bucket.arn, "AWS::S3::Bucket", x.bucket.account, x.bucket.bucket.region),
		"message": sprintf("%s may read the log files of %s but not %s (recommended, not needed): %s", [x.reader.role, x.bucket.bucket.name, concat(", ", rec), needs.recommended_text(rec)]),
		"fact": sprintf("%s recommended %s", [x.reader.role, concat(",", sort(rec))]),
		"remediation": fix(c, answer),
		"severity": "low",
	}, c, answer), fix_data(c, answer))
}

# located points at the reader's identity policy when that is what lacks
# the grant (same account, or the bucket policy already allows), else at
# the bucket policy (the statement the answer or the reader's grant names,
# else the document).
located(f, c, answer) := lib.with_identity_location(f, c.reader.role, c.action, target(c.action, c.bucket), [object.get(c.bucket.bucket, "location", null)]) if {
	identity_side(c, answer)
} else := lib.with_grant_location(f, c.bucket.bucket, object.get(c.bucket.bucket, "policy", {}), answer, c.reader.role, c.action)

# identity_side: the reader's identity policy lacks the grant (not a
# permissions boundary, which ID03 reports), and it is the side to fix.
identity_side(c, answer) if {
	lib.account_of_arn(c.reader.role) == c.bucket.account
	not lib.identity_allows(answer)
}

identity_side(_, answer) if {
	lib.resource_allows(answer)
	not lib.identity_allows(answer)
}

role_location(arn) := lib.role_arn(arn).role.location if {
	lib.role_arn(arn).role.location.file
} else := null

grant_resource(c) := r if {
	rs := [resource_of(a, c.bucket) | some a in c.actions]
	count(rs) == 1
	r := rs[0]
} else := [resource_of(a, c.bucket) | some a in c.actions]

resource_of("s3:GetObject", b) := concat("", [b.bucket.arn, "/*"])

resource_of("s3:ListBucket", b) := b.bucket.arn

grant_action(c) := c.actions[0] if count(c.actions) == 1

else := c.actions

identity_statement(c) := {
	"Sid": "ReadSecurityLogs",
	"Effect": "Allow",
	"Action": grant_action(c),
	"Resource": grant_resource(c),
}

bucket_statement(c) := {
	"Sid": "AllowLogReader",
	"Effect": "Allow",
	"Principal": {"AWS": c.reader.role},
	"Action": grant_action(c),
	"Resource": grant_resource(c),
}

identity_fix(c) := sprintf("Add to an identity policy of %s: %s", [c.reader.role, lib.statement_json(identity_statement(c))])

bucket_fix(c) := sprintf("Add to the bucket policy of %s: %s", [c.bucket.bucket.name, lib.statement_json(bucket_statement(c))])

# fix_data is fix as data when one side alone lacks the grant (the side
# the finding points at); two sides to change stay prose. A locked bucket
# policy (an SCP denies s3:PutBucketPolicy, as Control Tower's guardrail
# does on its log bucket) is changed by no edit of its declaration: the
# fix is a role in the bucket's account, which the prose says.
fix_data(c, answer) := lib.outside_fix(sprintf("an SCP denies s3:PutBucketPolicy on bucket %s, so a change to its policy fails to deploy; the reader needs a role in account %s, declared by a stack or configuration deployed there, that the connector assumes", [c.bucket.bucket.name, c.bucket.account])) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
	lib.bucket_policy_lock(c.bucket)
} else := lib.grant_fix(answer, bucket_statement(c)) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
	lib.identity_allows(answer)
} else := lib.statement_fix("identity", identity_statement(c)) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
	lib.resource_allows(answer)
} else := null if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
} else := lib.statement_fix("identity", identity_statement(c))

# fix names only the side that does not allow yet: across accounts both
# must, in the same account the identity policy is enough. Where an SCP
# forbids bucket-policy changes (Control Tower), it advises a role in the
# bucket's account instead (OR01 reports the SCP).
fix(c, answer) := lib.log_archive_fix(c.reader.role, c.bucket) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
	lib.bucket_policy_lock(c.bucket)
} else := bucket_fix(c) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
	lib.identity_allows(answer)
} else := identity_fix(c) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
	lib.resource_allows(answer)
} else := concat(". ", [identity_fix(c), bucket_fix(c)]) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
} else := identity_fix(c)

# The EKS audit-log path's reader (rapid7 step P5): the harvesting role
# lists and reads EKSLogs/<account>/<cluster>/ (rego/lib/eks.rego).
deny contains f if some f in eks.read_findings

# The Redshift audit-log path's reader: the connector lists and gets the
# audit logs under <prefix>/AWSLogs/<account>/redshift/<region>/
# (skyformation step K5, rego/lib/redshift.rego).
deny contains f if some f in redshift.read_findings

# The connector's vendor profile steps that name S305 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in generic

deny contains f if {
	some f in datapath.profile_findings.S305
	not repeats_generic(f)
}

# A guide step demanding the bucket-policy grant (rapid7 P1) says nothing
# new where the read itself is already reported denied on that bucket.
repeats_generic(pf) if {
	endswith(pf.fact, ":bucket_policy_grant")
	some g in generic
	g.resource.id == pf.resource.id
}
