package trailgate.rules.id03_test

import data.trailgate.rules.id03

role_arn := "arn:aws:iam::222222222222:role/ExpelRole"

boundary_arn := "arn:aws:iam::222222222222:policy/DeveloperBoundary"

snap(boundary_statements) := {"accounts": [{
	"id": "222222222222",
	"roles": [{"name": "ExpelRole", "arn": role_arn, "permissions_boundary_arn": boundary_arn}],
	"managed_policies": [{"arn": boundary_arn, "name": "DeveloperBoundary", "document": {"Version": "2012-10-17", "Statement": boundary_statements}}],
}]}

facts(statements, queue) := {f.fact | some f in fs} if {
	fs := id03.deny with input as {"snapshot": snap(statements), "connector": {"profile": "expel", "role": role_arn, "queue": queue}}
}

queue := "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail"

test_pass_boundary_allows_reader_actions if {
	facts([{"Effect": "Allow", "Action": ["s3:*", "kms:Decrypt", "sqs:*"], "Resource": "*"}], queue) == set()
}

test_fail_boundary_without_sqs_and_kms if {
	facts([{"Effect": "Allow", "Action": ["s3:*", "ec2:*"], "Resource": "*"}], queue) == {"boundary-missing=kms:Decrypt,sqs:DeleteMessage,sqs:ReceiveMessage"}
}

test_fail_boundary_denies_kms if {
	facts([{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}], queue) == {"boundary-missing=kms:Decrypt"}
}

# Near miss: a bucket-polling reader (no queue) needs no sqs actions.
test_near_miss_polling_reader_without_sqs if {
	facts([{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "kms:Decrypt"], "Resource": "*"}], "") == set()
}

test_pass_not_action_boundary if {
	facts([{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}], queue) == set()
}
