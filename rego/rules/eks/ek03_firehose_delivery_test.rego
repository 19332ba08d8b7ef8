package trailgate.rules.ek03_test

import data.trailgate.rules.ek03

cluster := "arn:aws:eks:us-east-1:111111111111:cluster/prod"

role := "arn:aws:iam::111111111111:role/FirehosetoS3Role"

stream := "arn:aws:firehose:us-east-1:111111111111:deliverystream/eks-audit-logs"

bucket := "arn:aws:s3:::security-logs-111111111111"

snap := {"accounts": [{
	"id": "111111111111",
	"delivery_streams": [{"name": "eks-audit-logs", "arn": stream, "region": "us-east-1", "s3": {"bucket_arn": bucket, "role_arn": role}, "location": {"file": "t.yaml", "line": 30}}],
	"roles": [{"name": "FirehosetoS3Role", "arn": role, "location": {"file": "t.yaml", "line": 20}}],
	"buckets": [{"name": "security-logs-111111111111", "arn": bucket, "region": "us-east-1"}],
}]}

answer(decision) := {"decision": decision, "proof": "no statement allows it", "statements": [], "kinds": []}

hops(stream_problems, put, bucket_account) := [
	{"kind": "delivery-stream", "status": status(stream_problems, "Allowed"), "problems": stream_problems,
		"resources": [{"arn": stream, "type": "AWS::KinesisFirehose::DeliveryStream", "account": "111111111111", "region": "us-east-1"}, {"arn": role, "type": "AWS::IAM::Role"}]},
	{"kind": "bucket", "status": status([], put), "resources": [{"arn": bucket, "type": "AWS::S3::Bucket", "account": bucket_account, "region": "us-east-1"}],
		"questions": [{"id": "put-object", "why": "Firehose delivers a batch of audit log events", "principal": role, "action": "s3:PutObject",
			"resource": concat("", [bucket, "/EKSLogs/111111111111/prod/2026/01/01/00/x"]), "context": {}, "answer": answer(put)}]},
]

status(problems, put) := "broken" if {
	count(problems) + count({1 | put != "Allowed"}) > 0
} else := "ok"

input_of(hs, conn) := {"snapshot": snap, "connector": conn, "paths": [{"id": "p", "source": {"kind": "eks", "arn": cluster, "account": "111111111111", "key_prefix": "EKSLogs/111111111111/prod/"}, "hops": hs}]}

rapid7 := {"profile": "rapid7", "role": "arn:aws:iam::111111111111:role/r", "sources": ["eks"]}

test_pass_delivers if {
	count(ek03.deny) == 0 with input as input_of(hops([], "Allowed", "111111111111"), rapid7)
}

test_fail_put_object_denied if {
	fs := ek03.deny with input as input_of(hops([], "ImplicitlyDenied", "111111111111"), rapid7)
	count(fs) == 1
	some f in fs
	f.resource.id == stream
	f.location.line == 20
	startswith(f.message, "rapid7 step P5 not met")
}

test_fail_wrong_prefix if {
	pr := "Firehose stream eks-audit-logs writes under eks/, not under EKSLogs/111111111111/prod/ where the reader looks for the cluster's audit logs"
	fs := ek03.deny with input as input_of(hops([pr], "Allowed", "111111111111"), null)
	count(fs) == 1
	some f in fs
	f.location.line == 30
	contains(f.remediation, "Prefix to EKSLogs/111111111111/prod/")
}

# The guide prefers the cluster's account: a low note, for rapid7 only.
test_fail_bucket_in_other_account_low if {
	fs := ek03.deny with input as input_of(hops([], "Allowed", "222222222222"), rapid7)
	count(fs) == 1
	some f in fs
	f.severity == "low"
}

# Without the guide's preference, a bucket in another account is fine.
test_near_miss_bucket_in_other_account_without_rapid7 if {
	count(ek03.deny) == 0 with input as input_of(hops([], "Allowed", "222222222222"), null)
}

assume_hops(decision) := [{"kind": "delivery-stream", "status": "broken", "problems": [],
	"resources": [{"arn": stream, "type": "AWS::KinesisFirehose::DeliveryStream", "account": "111111111111", "region": "us-east-1"}, {"arn": role, "type": "AWS::IAM::Role"}],
	"questions": [{"id": "assume-role", "why": "Firehose assumes the stream's role", "principal": "firehose.amazonaws.com", "action": "sts:AssumeRole",
		"resource": role, "context": {"sts:ExternalId": ["111111111111"]}, "answer": answer(decision)}]}]

# The role's missing trust statement is the fix, as data.
test_fail_assume_role_fix if {
	fs := ek03.deny with input as input_of(assume_hops("ImplicitlyDenied"), rapid7)
	count(fs) == 1
	some f in fs
	f.fix == {"policy": "trust", "add_statement": {"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"}, "Action": "sts:AssumeRole",
		"Condition": {"StringEquals": {"sts:ExternalId": "111111111111"}}}}
}

# A denied put names one sample object; the fix grants the role
# s3:PutObject on the bucket's objects, as AWS's Firehose role policy does.
test_fail_put_object_fix if {
	fs := ek03.deny with input as input_of(hops([], "ImplicitlyDenied", "111111111111"), rapid7)
	some f in fs
	f.fix == {"policy": "identity", "add_statement": {"Effect": "Allow", "Action": "s3:PutObject", "Resource": concat("", [bucket, "/*"])}}
}

# The bucket of another account (here one the input does not hold) must
# grant the role too: the fix says so as a further change.
test_fail_put_object_other_account_also if {
	other := json.patch(snap, [{"op": "replace", "path": "/accounts/0/buckets", "value": []}])
	fs := ek03.deny with input as object.union(input_of(hops([], "ImplicitlyDenied", "222222222222"), rapid7), {"snapshot": other})
	some f in fs
	f.fix.add_statement.Action == "s3:PutObject"
	contains(f.fix.also, "add to the bucket policy of arn:aws:s3:::security-logs-111111111111 the same grant")
}

# An explicit deny is lifted by no Allow: prose only.
test_fail_put_object_explicit_no_fix if {
	fs := ek03.deny with input as input_of(hops([], "ExplicitlyDenied", "111111111111"), rapid7)
	some f in fs
	f.fact == concat(" ", ["put-object", role, "s3:PutObject"])
	not f.fix
}

# The prefix the reader reads is the fix, as the stream's property.
test_fail_wrong_prefix_fix if {
	pr := "Firehose stream eks-audit-logs writes under eks/, not under EKSLogs/111111111111/prod/ where the reader looks for the cluster's audit logs"
	fs := ek03.deny with input as input_of(hops([pr], "Allowed", "111111111111"), null)
	some f in fs
	f.fix == {"set": {"ExtendedS3DestinationConfiguration": {"Prefix": "EKSLogs/111111111111/prod/"}}}
}

key := "arn:aws:kms:us-east-1:111111111111:key/k1"

key_hops(ans) := array.concat(hops([], "Allowed", "111111111111"), key_hop(ans))

key_hop(ans) := [{"kind": "object-key", "status": "broken", "problems": [],
	"resources": [{"arn": key, "type": "AWS::KMS::Key", "account": "111111111111", "region": "us-east-1"}],
	"questions": [{"id": "generate-data-key", "why": "Firehose encrypts the objects with the stream's key", "principal": role, "action": "kms:GenerateDataKey",
		"resource": key, "context": {}, "answer": ans}]}]

# The role's identity policy lacks kms:GenerateDataKey on the stream's key,
# whose policy admits the account's IAM policies: the identity statement
# is the fix.
test_fail_generate_data_key_identity_fix if {
	ans := object.union(answer("ImplicitlyDenied"), {"statements": [{"kind": "resource", "role": "allow", "sid": "EnableIAMPolicies"}]})
	fs := ek03.deny with input as input_of(key_hops(ans), rapid7)
	some f in fs
	f.fix == {"policy": "identity", "add_statement": {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": key}}
}

# A key policy that admits neither the role nor the account's IAM
# policies must change too: also says so.
test_fail_generate_data_key_key_policy_also if {
	fs := ek03.deny with input as input_of(key_hops(answer("ImplicitlyDenied")), rapid7)
	some f in fs
	contains(f.fix.also, "the key policy of arn:aws:kms:us-east-1:111111111111:key/k1 must admit the role too")
}

# Near miss: the identity policy allows it and the key policy does not:
# the key policy is the one to change, not the role the finding points
# at, so no fix as data.
test_near_miss_generate_data_key_identity_allows if {
	ans := object.union(answer("ImplicitlyDenied"), {"statements": [{"kind": "identity", "role": "allow", "sid": "Write"}]})
	fs := ek03.deny with input as input_of(key_hops(ans), rapid7)
	some f in fs
	startswith(f.fact, "generate-data-key ")
	not f.fix
}
