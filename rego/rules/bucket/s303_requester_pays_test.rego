package trailgate.rules.s303_test

import data.trailgate.rules.s303

snap(payer, reader_account) := {
	"connector": {"profile": "rapid7", "role": sprintf("arn:aws:iam::%s:role/Reader", [reader_account]), "sources": ["cloudtrail"]},
	"snapshot": {"accounts": [{
		"id": "222222222222",
		"trails": [{
			"name": "t", "arn": "arn:aws:cloudtrail:us-east-1:222222222222:trail/t", "home_region": "us-east-1",
			"s3_bucket_name": "logs", "is_multi_region_trail": true, "include_global_service_events": true,
		}],
		"buckets": [{"name": "logs", "arn": "arn:aws:s3:::logs", "region": "us-east-1", "request_payer": payer}],
	}]},
}

test_pass if {
	count(s303.deny) == 0 with input as snap("BucketOwner", "012345678901")
}

test_fail_requester_pays_cross_account if {
	fs := s303.deny with input as snap("Requester", "012345678901")
	count(fs) == 1
	some f in fs
	contains(f.remediation, "Payer=BucketOwner")
	f.fix == {"set": {"RequestPaymentConfiguration": {"Payer": "BucketOwner"}}}
}

# Near miss: the bucket owner's own principals never pay as requesters.
test_near_miss_same_account if {
	count(s303.deny) == 0 with input as snap("Requester", "222222222222")
}
