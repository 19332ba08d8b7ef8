package trailgate.rules.sq03_test

import data.trailgate.rules.sq03

snap(queue, region, partition) := {
	"connector": {"profile": "generic", "role": "arn:aws:iam::222222222222:role/Reader", "queue": queue, "region": region},
	"snapshot": {"partition": partition, "accounts": []},
}

facts(queue, region, partition) := {f.fact | some f in fs} if {
	fs := sq03.deny with input as snap(queue, region, partition)
}

test_pass if {
	facts("arn:aws:sqs:us-east-1:222222222222:q", "us-east-1", "aws") == set()
}

test_fail_region if {
	facts("arn:aws:sqs:eu-west-1:222222222222:q", "us-east-1", "aws") == {"region us-east-1"}
}

test_fail_partition if {
	fs := sq03.deny with input as snap("arn:aws:sqs:us-gov-west-1:222222222222:q", "us-gov-west-1", "aws-us-gov")
	{f.fact | some f in fs} == {"partition aws"}
	some f in fs
	contains(f.remediation, "arn:aws-us-gov:sqs:us-gov-west-1:222222222222:q")
}

# Near miss: a connector file that does not give a region is not judged on it.
test_near_miss_no_region if {
	facts("arn:aws:sqs:eu-west-1:222222222222:q", "", "aws") == set()
}
