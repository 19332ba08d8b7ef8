# METADATA
# title: A key on the log path is disabled or pending deletion
# description: >-
#   A KMS key whose KeyState is Disabled or PendingDeletion refuses every
#   cryptographic operation: CloudTrail or GuardDuty can no longer encrypt
#   new log files, and nobody can decrypt the existing ones. Checked for the
#   trail and GuardDuty export keys, the log buckets' default keys and the
#   keys of pipeline queues and topics. The catalog's second case (an IAM
#   Resource naming the key ARN of the wrong Region) is reported by KM01,
#   which evaluates the reader's kms:Decrypt against the exact key ARN; AWS
#   documents the fact behind it, so it holds: KMS keys are Regional
#   resources and a key ARN contains its Region.
# related_resources:
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN
#     description: a key ARN names the key's Region
# custom:
#   id: KM03
#   severity: critical
#   area: kms
#   hops: [object-key, topic-key, queue-key, read]
#   reads:
#     - ec2:DescribeRegions
#     - kms:DescribeKey
#     - kms:ListAliases
#     - kms:ListKeys
#     - sts:AssumeRole
#   remediation: >-
#     Enable the key (aws kms enable-key) or cancel its deletion (aws kms
#     cancel-key-deletion, then enable-key).
package trailgate.rules.km03

import data.trailgate.lib

bad_states := {"Disabled", "PendingDeletion", "PendingReplicaDeletion", "Unavailable"}

# path_keys are the keys a log file meets on its way, with the reason.
path_keys contains {"key": k, "why": sprintf("the %s key of %s", [d.kind, d.arn])} if {
	some d in lib.sources
	d.kms_key != ""
	k := lib.key_ref(d.kms_key, d.account, d.region)
}

path_keys contains {"key": k, "why": sprintf("the default encryption key of bucket %s", [name])} if {
	some name in lib.log_buckets
	b := lib.bucket_named(name)
	startswith(b.bucket.encryption.sse_algorithm, "aws:kms")
	k := lib.key_ref(b.bucket.encryption.kms_master_key_id, b.account, b.bucket.region)
}

path_keys contains {"key": k, "why": sprintf("the key of queue %s", [q])} if {
	some q in lib.pipeline_queues
	e := lib.queue_arn(q)
	k := lib.key_ref(e.queue.kms_master_key_id, e.account, e.queue.region)
}

deny contains f if {
	some p in path_keys
	p.key.key.key_state in bad_states
	f := lib.with_location(
		lib.with_fix({
			"resource": lib.resource(p.key.key.arn, "AWS::KMS::Key", p.key.account, p.key.key.region),
			"message": sprintf("key %s (%s) is %s: it can neither encrypt new log files nor decrypt existing ones", [p.key.key.arn, p.why, p.key.key.key_state]),
			"fact": sprintf("key_state=%s", [p.key.key.key_state]),
			"remediation": fix(p.key),
		}, fix_data(p.key)),
		p.key.key,
	)
}

# fix_data: a disabled key is enabled by its Enabled property; a key
# pending deletion has no template spelling (the deletion is an API call),
# so its fix is the CLI, and the change says why.
fix_data(k) := {"set": {"Enabled": true}} if {
	k.key.key_state == "Disabled"
} else := lib.outside_fix("a key's deletion is scheduled by an API call (ScheduleKeyDeletion, or removing the key from its stack), not by a property: only CancelKeyDeletion, in the key's account, undoes it") if {
	k.key.key_state == "PendingDeletion"
} else := null

fix(k) := sprintf("aws kms cancel-key-deletion --region %s --key-id %s && aws kms enable-key --region %s --key-id %s", [k.key.region, k.key.arn, k.key.region, k.key.arn]) if {
	k.key.key_state == "PendingDeletion"
} else := sprintf("aws kms enable-key --region %s --key-id %s", [k.key.region, k.key.arn])
