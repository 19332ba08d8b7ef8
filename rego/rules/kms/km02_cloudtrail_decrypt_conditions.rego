# METADATA
# title: CloudTrail decrypt grant is conditioned on the wrong account or trails
# description: >-
#   A key-policy statement that grants the reader kms:Decrypt on the trail's
#   key often carries conditions copied from single-account samples:
#   kms:CallerAccount set to the key owner, and
#   kms:EncryptionContext:aws:cloudtrail:arn set to the reader's own trails.
#   Under Control Tower the key sits in the management account and the reader
#   in Log Archive, so CallerAccount must be the reader's account and the
#   context must cover the management account's trails; Radiant's "cross
#   account" statement repeats its own account. Reported when the decrypt is
#   denied and such a statement is the reason. AWS does not document the
#   combination (the catalog's fact stays inferred from the vendor guides):
#   it documents each part on its own - kms:CallerAccount is the account of
#   the caller, and the decrypt statement CloudTrail's key-policy page gives
#   sets both kms:CallerAccount and kms:EncryptionContext:aws:cloudtrail:arn
#   - and the rule applies them through the key-policy evaluation.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
# custom:
#   id: KM02
#   severity: high
#   area: kms
#   hops: [read]
#   reads:
#     - cloudtrail:DescribeTrails
#     - ec2:DescribeRegions
#     - kms:DescribeKey
#     - kms:GetKeyPolicy
#     - kms:ListKeys
#     - sts:AssumeRole
#   remediation: >-
#     In the reader's decrypt statement, set kms:CallerAccount to the reader's
#     account and the aws:cloudtrail:arn encryption context to
#     arn:aws:cloudtrail:*:<trail owner account>:trail/*.
package trailgate.rules.km02

import data.trailgate.lib

deny contains f if {
	some p in lib.reader_keys
	problems := lib.decrypt_misconditions(p)
	count(problems) > 0
	answer := lib.path_answer(p)
	answer.decision == "ImplicitlyDenied"
	not lib.org_policy_blocks(answer)
	f := with_condition_fix(lib.with_grant_location(
		{
			"resource": lib.resource(p.key.key.arn, "AWS::KMS::Key", p.key.account, p.key.key.region),
			"message": sprintf("%s cannot kms:Decrypt the log files of %s with %s: %s", [p.reader.role, p.trail, p.key.key.arn, concat("; ", sort(problems))]),
			"fact": sprintf("%s %s", [p.reader.role, p.trail]),
			"remediation": sprintf("In the key policy of %s, make the reader's decrypt statement read: %s", [p.key.key.arn, lib.statement_json({
				"Sid": "AllowLogReaderDecrypt",
				"Effect": "Allow",
				"Principal": {"AWS": p.reader.role},
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {"kms:CallerAccount": lib.account_of_arn(p.reader.role)},
					"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": sprintf("arn:%s:cloudtrail:*:%s:trail/*", [lib.partition, lib.account_of_arn(p.trail)])},
				},
			})]),
		},
		p.key.key, object.get(p.key.key, "policy", {}), answer, p.reader.role, "kms:Decrypt",
	), p)
}

# with_condition_fix points the finding at the one key-policy statement
# whose conditions cannot hold for the reader, and fixes it there: the
# keys that cannot hold get the values CloudTrail's decrypt statement
# gives (create-kms-key-policy-for-cloudtrail.html), under the operator
# and spelling the statement already uses, in the value's shape (a list
# stays a list); its other conditions stay. With several such statements
# (or one the input does not place), the prose says what to change.
with_condition_fix(f, p) := lib.with_fix(lib.locate(f, [loc]), {"set_at": {"Condition": conditions_fix(st, p)}}) if {
	is := [i |
		some i, st in lib.statements(p.key.key.policy.document)
		decrypts_for_reader(st, p)
		count(conditions_fix(st, p)) > 0
	]
	count(is) == 1
	st := lib.statements(p.key.key.policy.document)[is[0]]
	loc := p.key.key.policy.statement_locations[is[0]]
	object.get(loc, "file", "") != ""
} else := f

decrypts_for_reader(st, p) if {
	st.Effect == "Allow"
	lib.grants_decrypt(st)
	lib.names_reader(st, p.reader.role)
}

conditions_fix(st, p) := {op: keys |
	some op, conds in object.get(st, "Condition", {})
	is_object(conds)
	keys := {k: shaped(vals, wanted(lower(k), op, p)) |
		some k, vals in conds
		lib.miscondition(lower(k), lib.as_list(vals), p)
	}
	count(keys) > 0
}

wanted("kms:calleraccount", _, p) := lib.account_of_arn(p.reader.role)

# A Like operator takes CloudTrail's pattern for every trail of the
# owner's account; an Equals one the trail's ARN itself.
wanted("kms:encryptioncontext:aws:cloudtrail:arn", op, p) := sprintf("arn:%s:cloudtrail:*:%s:trail/*", [lib.partition, lib.account_of_arn(p.trail)]) if {
	contains(lower(op), "like")
} else := p.trail

shaped(vals, v) := [v] if is_array(vals)

else := v
