# Profile steps of the SkyFormation and Expel guides beyond the SQS path:
# how the connector authenticates (SkyFormation K2: an IAM user's access
# key, a role the vendor's user assumes, or an instance profile), the
# Region of the trail's bucket without a queue (K1), the Macie alert queue
# (K4), Expel's role replicated to the other accounts (E1), the 256 KB
# message size (E5) and SNS and SQS encrypted with a customer managed key
# (E7). Each yields a profile result, as lib/datapath.rego's checks do, so
# a failure is reported under the step's catalog rule with the step named.
package trailgate.lib.datapath

import data.trailgate.lib

# ---------------------------------------------------------------------------
# Who the connector is.

is_user_arn(arn) if {
	parts := split(arn, ":")
	count(parts) == 6
	parts[2] == "iam"
	startswith(parts[5], "user/")
}

# connector_principal_type is the resource type of the connector's
# principal: an IAM user signing with its access key (Basic), else a role.
connector_principal_type := "AWS::IAM::User" if is_user_arn(input.connector.role)

else := "AWS::IAM::Role"

# auth_method is SkyFormation's authentication method (K2): the connector
# file's authentication, else Basic for a user ARN, else STSAssumeRole.
auth_method := m if {
	m := object.get(input.connector, "authentication", "")
	m != ""
} else := "Basic" if {
	is_user_arn(input.connector.role)
} else := "STSAssumeRole"

# signing_users are the IAM users whose access key the connector signs
# with: the user itself (Basic), or the user that assumes the role.
signing_users contains input.connector.role if auth_method == "Basic"

signing_users contains p if {
	auth_method == "STSAssumeRole"
	p := object.get(input.connector, "trusted_principal", "")
	is_user_arn(p)
}

snapshot_user(arn) := {"user": u, "account": a.id} if {
	some a in input.snapshot.accounts
	some u in object.get(a, "users", [])
	u.arn == arn
}

# keys_known: the input says which access keys the user has. A collected
# account lists them all (ListAccessKeys); IaC lists only the keys it
# declares, and a key is often made in the console.
keys_known(u) if input.snapshot.source in {"live", "fixture"}

keys_known(u) if count(object.get(u, "access_keys", [])) > 0

user_resource(e) := lib.resource(e.user.arn, "AWS::IAM::User", e.account, "")

# K2: the user signs with an access key, so it must have an active one
# (the key's secret is never read, only its status).
profile_results contains r if {
	some s in required_steps
	s.require.authentication == true
	some arn in signing_users
	e := snapshot_user(arn)
	not object.get(e.user, "partial", false)
	keys_known(e.user)
	not some_active_key(e.user)
	keys := object.get(e.user, "access_keys", [])
	r := profile_finding(s, s.rule, user_resource(e), "active_access_key", sprintf("user %s has no active access key (%s); the connector authenticates with the user's access key", [arn, key_summary(keys)]), sprintf("aws iam create-access-key --user-name %s (or aws iam update-access-key --status Active), and enter the key in the vendor's console", [e.user.name]))
}

some_active_key(u) if {
	some k in object.get(u, "access_keys", [])
	k.status == "Active"
}

key_summary(keys) := "it has none" if {
	count(keys) == 0
} else := sprintf("its keys: %s", [concat(", ", sort([key_text(k) | some k in keys]))])

# key_text names a key by its ID when the input gives it (an ID AWS
# assigns at apply is left out) and its status.
key_text(k) := sprintf("%s %s", [k.id, k.status]) if {
	startswith(object.get(k, "id", ""), "AKIA")
} else := k.status

# K2, STSAssumeRole: the user needs sts:AssumeRole on the role, by its own
# policies and by the role's trust policy, asked in Go with the external ID
# (step_requests kind assume). ID01 asks the same question of
# trusted_principal; the step joins its finding.
profile_results contains r if {
	some s in required_steps
	s.require.authentication == true
	auth_method == "STSAssumeRole"
	e := connector_role
	some x in step_asks(s, "assume")
	x.reader in signing_users
	answer := lib.path_answer(x)
	lib.denied(answer)
	not lib.org_policy_blocks(answer)
	r := profile_finding(s, s.rule, role_resource, sprintf("%s sts:AssumeRole", [x.reader]), sprintf("user %s cannot sts:AssumeRole %s: %s", [x.reader, e.role.arn, answer.proof]), sprintf("Add to an identity policy of %s: %s; and trust it in the trust policy of %s", [x.reader, lib.statement_json({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": e.role.arn}), e.role.arn]))
}

# K2, InstanceProfile: the EC2 host acts as the role through an instance
# profile of the role's account, and EC2 may assume the role
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html).
profile_results contains r if {
	some s in required_steps
	s.require.authentication == true
	auth_method == "InstanceProfile"
	e := connector_role
	some a in input.snapshot.accounts
	a.id == e.account
	profiles_known(a)
	not some_profile_holds(a, e.role.arn)
	r := with_step_fix(profile_finding(s, s.rule, role_resource, "instance_profile", sprintf("no instance profile of account %s holds role %s; the connector's EC2 host acts as the role through one", [e.account, e.role.arn]), sprintf("aws iam create-instance-profile --instance-profile-name %s && aws iam add-role-to-instance-profile --instance-profile-name %s --role-name %s, then attach it to the host", [e.role.name, e.role.name, e.role.name])), instance_profile_fix)
}

# instance_profile_fix declares an instance profile holding the role
# beside it (AWS::IAM::InstanceProfile Roles; aws_iam_instance_profile
# role): unnamed, so that it takes no name another profile has. Which
# host it is attached to is the host's launch setting.
instance_profile_fix := {"companion": {"suffix": "InstanceProfile", "type": "AWS::IAM::InstanceProfile", "properties": {"Roles": [{"Ref": "$self"}]}}}

profiles_known(a) if input.snapshot.source in {"live", "fixture"}

profiles_known(a) if count(object.get(a, "instance_profiles", [])) > 0

some_profile_holds(a, role) if {
	some p in object.get(a, "instance_profiles", [])
	role in object.get(p, "role_arns", [])
}

profile_results contains r if {
	some s in required_steps
	s.require.authentication == true
	auth_method == "InstanceProfile"
	e := connector_role
	some x in step_asks(s, "instance_profile")
	answer := lib.path_answer(x)
	lib.denied(answer)
	r := with_step_fix(profile_finding(s, s.rule, role_resource, "ec2.amazonaws.com sts:AssumeRole", sprintf("ec2.amazonaws.com cannot sts:AssumeRole %s, so no instance can act as it: %s", [e.role.arn, answer.proof]), sprintf("Add to the trust policy of %s: %s", [e.role.arn, lib.statement_json(ec2_trust_statement)])), lib.grant_fix_in(answer, "trust", ec2_trust_statement))
}

ec2_trust_statement := {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}

# ---------------------------------------------------------------------------
# K1: without a queue the vendor reads the trail's bucket in the Region
# entered in its console. (With a queue NT04 keeps the queue in the
# bucket's Region and SQ03 compares the queue's with the connector's.)
profile_results contains r if {
	some s in required_steps
	s.require.connector_region == "bucket"
	want := object.get(input.connector, "region", "")
	want != ""
	object.get(input.connector, "queue", "") == ""
	some d in connector_deliveries
	d.kind == "cloudtrail"
	b := lib.bucket_named(d.bucket)
	b.bucket.region != want
	r := with_step_fix(with_severity("high", profile_finding(s, s.rule, lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region), sprintf("connector_region=%s", [want]), sprintf("the connector's region is %s, but bucket %s of trail %s is in %s", [want, d.bucket, d.arn, b.bucket.region]), sprintf("Enter %s as the Region in the vendor's console and set region: %s in the connector file", [b.bucket.region, b.bucket.region]))), connector_region_fix)
}

# connector_region_fix: the Region the vendor reads in is the
# connector's setting; the bucket is where it should be.
connector_region_fix := lib.outside_fix("the region is a setting of the connector (the vendor's console and the connector file), not of the bucket, which is where the logs are")

# ---------------------------------------------------------------------------
# K4: the Macie alert queue, a second queue of the same connector. SQ06
# judges the connector's queue; this one is the step's alone (step_requests
# kind macie_queue, asked when the connector reads macie).
profile_results contains r if {
	some s in required_steps
	q := input.connector.macie_queue
	xs := step_asks(s, "macie_queue")
	some rule in {x.rule | some x in xs}
	ds := [d |
		some x in xs
		x.rule == rule
		answer := lib.path_answer(x)
		lib.denied(answer)
		d := {"action": x.action, "proof": answer.proof}
	]
	count(ds) > 0
	st := {"Effect": "Allow", "Action": [d.action | some d in ds], "Resource": q}
	r0 := profile_finding(s, rule, lib.resource(q, "AWS::SQS::Queue", lib.account_of_arn(q), lib.region_of_arn(q)), sprintf("macie_queue:%s", [concat(",", [d.action | some d in ds])]), concat("; ", [sprintf("%s cannot %s on Macie queue %s: %s", [input.connector.role, d.action, q, d.proof]) | some d in ds]), sprintf("Add to an identity policy of %s: %s", [input.connector.role, lib.statement_json(st)]))
	r := macie_queue_fixed(r0, [lib.path_answer(x) | some x in xs; x.rule == rule], st)
}

# macie_queue_fixed points a K4 finding at the connector's identity
# policy (the statement meant for the queue, else the policy, else the
# principal) and gives it the statement that policy must gain, when
# every denial is implicit (an Allow lifts no explicit deny).
macie_queue_fixed(r, answers, st) := with_step_fix(object.union(r, {"finding": lib.locate(r.finding, principal_policy_locations(input.connector.role, "sqs:ReceiveMessage"))}), {"add_statement": st, "policy": "identity"}) if {
	every a in answers {
		a.decision != "ExplicitlyDenied"
	}
} else := r

# principal_policy_locations are where the identity policy of a role or
# user (by ARN) is written, best first: the statement allowing action's
# service, the first inline policy, the principal.
principal_policy_locations(arn, action) := [
	lib.identity_document_location(arn),
	object.get(lib.role_arn(arn).role, "location", null),
] if {
	lib.role_arn(arn)
} else := locs if {
	u := snapshot_user(arn).user
	service := split(lower(action), ":")[0]
	sts := [l |
		some p in object.get(u, "inline_policies", [])
		some i, st in lib.statements(p.document)
		st.Effect == "Allow"
		some a in lib.as_list(object.get(st, "Action", []))
		startswith(lower(a), concat("", [service, ":"]))
		l := object.get(p, ["statement_locations", i], null)
	]
	docs := [object.get(p, "location", null) | some p in object.get(u, "inline_policies", [])]
	locs := array.concat(array.concat(sts, docs), [object.get(u, "location", null)])
} else := []

# ---------------------------------------------------------------------------
# E1: the role is replicated to the other accounts of the organization the
# snapshot holds, each trusting the vendor with the external ID.
profile_results contains r if {
	some s in required_steps
	s.require.role_replicated == true
	e := connector_role
	input.snapshot.organization
	some a in input.snapshot.accounts
	a.id != e.account
	iam_read(a.id)
	not has_role_named(a, e.role.name)
	arn := sprintf("arn:%s:iam::%s:role/%s", [lib.partition, a.id, e.role.name])
	r := with_severity("medium", profile_finding(s, s.rule, lib.resource(arn, "AWS::IAM::Role", a.id, ""), sprintf("replica:%s", [a.id]), sprintf("account %s has no role %s; the guide replicates the connector role to every other account, where the vendor reads through it", [a.id, e.role.name]), sprintf("Create %s in account %s with the trust policy of %s (its S3 permissions may be left out there)", [arn, a.id, e.role.arn])))
}

iam_read(account) if {
	not some_iam_error(account)
}

some_iam_error(account) if {
	some ce in object.get(input.snapshot, "collection_errors", [])
	ce.account == account
	ce.service in {"iam", "sts", "trailgate"}
}

has_role_named(a, name) if {
	some x in object.get(a, "roles", [])
	lower(x.name) == lower(name)
}

# The replicas' trust: the vendor assumes each role of the connector
# role's name in another account with the external ID (step_requests kind
# replica).
profile_results contains r if {
	some s in required_steps
	s.require.role_replicated == true
	e := connector_role
	some x in step_asks(s, "replica")
	answer := lib.path_answer(x)
	lib.denied(answer)
	not lib.org_policy_blocks(answer)
	m := x.on
	r := with_severity("medium", profile_finding(s, s.rule, lib.resource(m.id, "AWS::IAM::Role", m.account, ""), sprintf("replica_trust:%s", [m.account]), sprintf("the replicated role %s does not let %s assume it with the external ID: %s", [m.id, x.reader, answer.proof]), sprintf("Give %s the trust policy of %s", [m.id, e.role.arn])))
}

# ---------------------------------------------------------------------------
# E5: messages up to 256 KB. Unset, the queue has the default, which is
# at least that (262,144 bytes; SQS raised the maximum to 1 MiB in 2025).
profile_results contains r if {
	some s in required_steps
	want := s.require.queue_maximum_message_size
	q := connector_queue.queue
	got := object.get(q, "maximum_message_size", 0)
	got != 0
	got < want
	r := object.union(
		profile_finding(s, s.rule, lib.resource(q.arn, "AWS::SQS::Queue", connector_queue.account, q.region), sprintf("maximum_message_size=%d", [got]), sprintf("queue %s has MaximumMessageSize=%d; the guide sets %d (256 KB): larger notifications are refused", [q.arn, got, want]), sprintf("aws sqs set-queue-attributes --region %s --queue-url %s --attributes MaximumMessageSize=%d", [q.region, object.get(q, "url", q.arn), want])),
		{"finding": {"fix": {"set": {"MaximumMessageSize": want}}, "severity": "medium"}},
	)
}

# ---------------------------------------------------------------------------
# E7: the topic and the queue encrypted with a customer managed key (the
# key policy's grants to s3 and sns are SN02's and SQ02's, which break
# delivery whatever the guide).
profile_results contains r if {
	some s in required_steps
	s.require.cmk_encrypted == true
	some t in notified_topics
	ref := object.get(t.topic, "kms_master_key_id", "")
	not customer_key(ref, t.account, t.topic.region)
	r := object.union(
		with_severity("medium", profile_finding(s, "SN02", lib.resource(t.topic.arn, "AWS::SNS::Topic", t.account, t.topic.region), "topic_cmk", sprintf("topic %s is %s; the guide encrypts it with a customer managed key that s3 and sns may use", [t.topic.arn, encryption_phrase(ref)]), sprintf("Set the topic's KmsMasterKeyId to a customer managed key whose policy lets s3.amazonaws.com and sns.amazonaws.com kms:GenerateDataKey* and kms:Decrypt: aws sns set-topic-attributes --topic-arn %s --attribute-name KmsMasterKeyId --attribute-value <key ARN>", [t.topic.arn]))),
		{"finding": {"fix": cmk_fix({}, sprintf("create the key in %s (or name one) whose key policy lets s3.amazonaws.com and sns.amazonaws.com kms:GenerateDataKey* and kms:Decrypt", [t.topic.region]))}},
	)
}

profile_results contains r if {
	some s in required_steps
	s.require.cmk_encrypted == true
	q := connector_queue.queue
	ref := object.get(q, "kms_master_key_id", "")
	not customer_key(ref, connector_queue.account, q.region)
	r := object.union(
		with_severity("medium", profile_finding(s, "SQ02", lib.resource(q.arn, "AWS::SQS::Queue", connector_queue.account, q.region), "queue_cmk", sprintf("queue %s is %s; the guide encrypts it with a customer managed key that s3 and sns may use", [q.arn, queue_encryption_phrase(q, ref)]), sprintf("Set the queue's KmsMasterKeyId to a customer managed key whose policy lets sns.amazonaws.com kms:GenerateDataKey* and kms:Decrypt: aws sqs set-queue-attributes --region %s --queue-url %s --attributes KmsMasterKeyId=<key ARN>", [q.region, object.get(q, "url", q.arn)]))),
		{"finding": {"fix": cmk_fix(sse_sqs_off(q), sprintf("create the key in %s (or name one) whose key policy lets sns.amazonaws.com kms:GenerateDataKey* and kms:Decrypt, and give the connector's role kms:Decrypt on it", [q.region]))}},
	)
}

# cmk_fix sets KmsMasterKeyId to a customer managed key the user names
# (a placeholder: which key, and the grants on it, are the user's; also
# says what the key must allow), with extra properties set beside it.
cmk_fix(extra, also) := object.union(lib.set_fix(object.union(extra, {"KmsMasterKeyId": "<customer managed key ARN>"})), {"also": also})

# sse_sqs_off turns SSE-SQS off where the queue has it: a queue holds one
# server-side encryption option (AWS::SQS::Queue SqsManagedSseEnabled).
sse_sqs_off(q) := {"SqsManagedSseEnabled": false} if object.get(q, "sqs_managed_sse_enabled", false)

else := {}

# notified_topics are the topics the connector's log buckets notify (the
# guide's topic; a trail's own SNS topic is not E7's).
notified_topics contains t if {
	some p in publishers
	some d in connector_deliveries
	p.source_arn == sprintf("arn:%s:s3:::%s", [lib.partition, d.bucket])
	t := lib.topic_arn(p.topic)
}

customer_key(ref, account, region) if {
	ref != ""
	not aws_managed_key(ref, account, region)
}

encryption_phrase(ref) := "not encrypted" if ref == ""

else := sprintf("encrypted with the AWS managed key %s", [ref])

queue_encryption_phrase(q, ref) := "encrypted with SQS-managed keys (SSE-SQS)" if {
	ref == ""
	object.get(q, "sqs_managed_sse_enabled", false)
} else := encryption_phrase(ref)

# ---------------------------------------------------------------------------
# E2: KM01 reports a reader's missing kms:Decrypt on the log files' key;
# object_key_step_note names the guide step that demands it there.
object_key_step_note(whys) := sprintf(" (%s demands it)", [concat(", ", ids)]) if {
	some w in whys
	not startswith(w, "the key of queue ")
	ids := sort({step_name_short(s) |
		some s in required_steps
		some a in object.get(s.require, "actions", [])
		lower(a.action) == "kms:decrypt"
		a.on == "object_key"
	})
	count(ids) > 0
} else := ""

step_name_short(s) := sprintf("%s step %s", [profile_name, s.id])


# events_cover holds when a notification's events include the wanted one:
# the four object-created types listed one by one are s3:ObjectCreated:*
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html).
events_cover(events, wanted) if wanted in events

events_cover(events, "s3:ObjectCreated:*") if {
	every e in {"s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload"} {
		e in events
	}
}
