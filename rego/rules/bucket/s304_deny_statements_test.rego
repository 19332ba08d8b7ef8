package trailgate.rules.s304_test

import data.trailgate.rules.s304

role := "arn:aws:iam::012345678901:role/Rapid7Harvester"

grant := {"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": role}, "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"]}

snap(statements) := {
	"connector": {"profile": "rapid7", "role": role, "sources": ["cloudtrail"]},
	"snapshot": {
		"organization": {"id": "o-a1b2c3d4e5", "management_account_id": "111111111111", "root_id": "r-a1b2", "members": [{"id": "222222222222", "parent_id": "r-a1b2"}]},
		"accounts": [
			{"id": "111111111111", "trails": [{
				"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
				"home_region": "us-east-1", "s3_bucket_name": "org-logs", "is_organization_trail": true,
				"is_multi_region_trail": true, "include_global_service_events": true,
			}]},
			{"id": "222222222222", "buckets": [{
				"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": "us-east-1",
				"policy": {"document": {"Version": "2012-10-17", "Statement": statements}},
			}]},
		],
	},
}

facts(statements) := {f.fact | some f in fs} if {
	fs := s304.deny with input as snap(statements)
}

test_pass if {
	facts([grant]) == set()
}

test_fail_org_perimeter if {
	perimeter := {
		"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
		"Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}, "Bool": {"aws:PrincipalIsAWSService": "false"}},
	}
	fs := s304.deny with input as snap([grant, perimeter])
	{f.fact | some f in fs} == {concat(" ", [role, "s3:GetObject"]), concat(" ", [role, "s3:ListBucket"])}
	some f in fs
	contains(f.message, "DenyOutsideOrg")
	contains(f.remediation, `{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::012345678901:role/Rapid7Harvester"}}`)
	f.fix == {"set_at": {"Condition": {"ArnNotEquals": {"aws:PrincipalArn": role}}}}
}

# A Deny that already exempts other principals keeps them and gains the
# reader.
test_fail_perimeter_exempting_others if {
	other := "arn:aws:iam::222222222222:role/Admin"
	perimeter := {
		"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::org-logs/*",
		"Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}, "ArnNotEquals": {"aws:PrincipalArn": other}},
	}
	some f in s304.deny with input as snap([grant, perimeter])
	f.fix == {"set_at": {"Condition": {"ArnNotEquals": {"aws:PrincipalArn": [other, role]}}}}
}

test_fail_vpce_allow_list if {
	vpce := {
		"Sid": "OnlyFromVpce", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::org-logs/*",
		"Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}},
	}
	facts([grant, vpce]) == {concat(" ", [role, "s3:GetObject"])}
}

# Near miss: a Deny for non-TLS requests does not touch a connector, which
# always calls over TLS.
test_near_miss_deny_insecure_transport if {
	tls := {
		"Sid": "AllowSSLRequestsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
		"Condition": {"Bool": {"aws:SecureTransport": "false"}},
	}
	facts([grant, tls]) == set()
}

# Near miss: a perimeter that exempts the reader's role.
test_near_miss_exempted_reader if {
	perimeter := {
		"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
		"Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}, "ArnNotEquals": {"aws:PrincipalArn": role}},
	}
	# The reader passes; the same Deny still stops CloudTrail (no
	# aws:PrincipalIsAWSService exemption), reported as a writer fact.
	{x | some x in facts([grant, perimeter]); not startswith(x, "writer ")} == set()
}

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"

writer_allow := {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::org-logs/*", "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}

# Catalog scenario 8: an aws:PrincipalOrgID perimeter without an
# aws:PrincipalIsAWSService exemption stops CloudTrail's writes.
test_fail_org_perimeter_blocks_writer if {
	perimeter := {
		"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
		"Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
	}
	fs := s304.deny with input as snap([grant, writer_allow, perimeter])
	concat(" ", ["writer cloudtrail.amazonaws.com", trail_arn]) in {f.fact | some f in fs}
	some f in fs
	startswith(f.fact, "writer ")
	contains(f.message, "DenyOutsideOrg")
	contains(f.message, "without exempting aws:PrincipalIsAWSService")
	contains(f.remediation, `"aws:PrincipalIsAWSService":"false"`)
	f.fix == {"set_at": {"Condition": {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}}
}

# Near miss: the same perimeter exempting AWS services lets the writer in.
test_near_miss_perimeter_exempts_services if {
	perimeter := {
		"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
		"Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}},
	}
	fs := s304.deny with input as snap([grant, writer_allow, perimeter])
	count({f | some f in fs; startswith(f.fact, "writer ")}) == 0
}

# A Deny of every trail's writes but one named by an earlier name: the
# writer's aws:SourceArn joins the StringNotEquals values (a condition that
# no longer matches keeps the Deny from applying).
test_fail_other_trails_deny_admits_writer if {
	deny := {
		"Sid": "DenyOtherTrails", "Effect": "Deny", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
		"Resource": "arn:aws:s3:::org-logs/*",
		"Condition": {"StringNotEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/old-trail"}},
	}
	fs := s304.deny with input as snap([grant, writer_allow, deny])
	some f in fs
	startswith(f.fact, "writer ")
	f.fix == {"set_at": {"Condition": {"StringNotEquals": {"aws:SourceArn": ["arn:aws:cloudtrail:us-east-1:111111111111:trail/old-trail", trail_arn]}}}}
}

# Near miss: a Deny whose condition the writer's request matches by a
# positive operator (Bool aws:SecureTransport false is not it: the writer
# sends true) gives no narrowing, and one testing a key the writer does
# not send (the SSE header of a trail without a key) is left to the prose.
test_near_miss_writer_deny_without_sent_key if {
	deny := {
		"Sid": "DenyUnencrypted", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
		"Resource": "arn:aws:s3:::org-logs/*",
		"Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
	}
	fs := s304.deny with input as snap([grant, writer_allow, deny])
	some f in fs
	startswith(f.fact, "writer ")
	not f.fix
}
