package trailgate.lib.eks_test

import data.trailgate.lib.eks

cluster := "arn:aws:eks:us-east-1:111111111111:cluster/prod"

reader := "arn:aws:iam::111111111111:role/Harvester"

key := "arn:aws:kms:us-east-1:111111111111:key/k1"

snap := {"accounts": [{
	"id": "111111111111",
	"roles": [{"name": "Harvester", "arn": reader, "location": {"file": "t.yaml", "line": 7}}],
	"buckets": [{"name": "logs", "arn": "arn:aws:s3:::logs", "region": "us-east-1"}],
	"keys": [{"arn": key, "key_id": "k1", "region": "us-east-1", "key_state": "Enabled", "key_manager": "CUSTOMER", "policy": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}]}}}],
}]}

question(id, action, resource, ctx) := {"id": id, "why": "the reader", "principal": reader, "action": action, "resource": resource, "context": ctx,
	"answer": {"decision": "ImplicitlyDenied", "proof": "no statement allows it", "statements": [], "kinds": []}}

path(qs) := {"id": "p", "source": {"kind": "eks", "arn": cluster, "account": "111111111111", "key_prefix": "EKSLogs/111111111111/prod/"}, "hops": [{
	"kind": "read", "status": "broken",
	"resources": [{"arn": "arn:aws:s3:::logs", "type": "AWS::S3::Bucket", "account": "111111111111", "region": "us-east-1"}, {"arn": key, "type": "AWS::KMS::Key", "account": "111111111111", "region": "us-east-1"}],
	"questions": qs,
}]}

list_q := question("list-bucket (Harvester)", "s3:ListBucket", "arn:aws:s3:::logs", {"s3:prefix": ["EKSLogs/111111111111/prod/"]})

decrypt_q := question("decrypt-object (Harvester)", "kms:Decrypt", key, {"kms:ViaService": ["s3.us-east-1.amazonaws.com"]})

rapid7 := {"profile": "rapid7", "role": reader, "sources": ["eks"]}

# The reader's list of EKSLogs/ is S305's (on the bucket), its decrypt
# KM01's (on the key); both name the guide step, as step findings.
test_fail_reader_list_and_decrypt if {
	doc := {"snapshot": snap, "connector": rapid7, "paths": [path([list_q, decrypt_q])]}
	rf := eks.read_findings with input as doc
	df := eks.decrypt_findings with input as doc
	count(rf) == 1
	count(df) == 1
	some r in rf
	r.resource.id == "arn:aws:s3:::logs"
	startswith(r.step, "rapid7 step P5")
	contains(r.remediation, "EKSLogs/111111111111/prod/*")
	r.location.line == 7
	some d in df
	d.resource.id == key
}

# Without the rapid7 profile the findings name no step.
test_near_miss_no_profile_no_step if {
	rf := eks.read_findings with input as {"snapshot": snap, "connector": null, "paths": [path([list_q])]}
	some r in rf
	not r.step
	not startswith(r.message, "rapid7")
}

# The vendor's assume-role is ID01's, not the EKS reader's.
test_pass_assume_role_not_repeated if {
	q := object.union(question("assume-role (Harvester)", "sts:AssumeRole", reader, {}), {"principal": "arn:aws:iam::012345678901:root"})
	count(eks.read_findings) == 0 with input as {"snapshot": snap, "connector": rapid7, "paths": [path([q])]}
}
