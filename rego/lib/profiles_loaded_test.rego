package trailgate.lib.profiles_loaded_test

# These tests read the vendor profiles the engine loads from
# rego/profiles/*.json (data.trailgate.profiles, analyzer/engine.Store),
# never a stand-in: each vendor's guide must fire its failing step under
# the catalog rule the step names.

import data.trailgate.lib.datapath
import data.trailgate.lib.datapath_test

facts(s, c) := {[rule, f.fact] | some rule, fs in datapath.profile_findings with input as {"snapshot": s, "connector": c}; some f in fs}

test_every_vendor_profile_is_loaded if {
	{"expel", "generic", "radiant", "rapid7", "skyformation"} == {name | some name, _ in data.trailgate.profiles}
}

# expel E3: BucketOwnerPreferred or BucketOwnerEnforced, reported as S301.
test_expel_object_ownership_step if {
	s := json.patch(datapath_test.snap, [{"op": "replace", "path": "/accounts/1/buckets/0/object_ownership", "value": "ObjectWriter"}])
	["S301", "expel-E3:object_ownership"] in facts(s, datapath_test.conn)
	not ["S301", "expel-E3:object_ownership"] in facts(datapath_test.snap, datapath_test.conn)
}

# radiant R6: the vendor assumes only radiant-aws-access-role (ID01).
test_radiant_role_name_step if {
	c := object.union(datapath_test.conn, {"profile": "radiant", "trusted_principal": "arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security"})
	["ID01", "radiant-R6:role_name"] in facts(datapath_test.snap, c)
}

# rapid7 P2: the role lives in the bucket's account (ID01).
test_rapid7_role_account_step if {
	c := object.union(datapath_test.conn, {"profile": "rapid7", "role": "arn:aws:iam::333333333333:role/Rapid7"})
	["ID01", "rapid7-P2:role_account=222222222222"] in facts(datapath_test.snap, c)
}

# skyformation K3: CloudTrail read-only access for CloudTrail (S305),
# judged by permissions; K4 never demands sqs:DeleteMessageBatch.
test_skyformation_read_only_step if {
	c := object.union(datapath_test.conn, {"profile": "skyformation"})
	["S305", "skyformation-K3:cloudtrail:DescribeTrails:*,cloudtrail:GetTrailStatus:*,cloudtrail:LookupEvents:*"] in facts(datapath_test.snap, c)
	s := json.patch(datapath_test.snap, [{"op": "add", "path": "/accounts/1/roles/0/attached_policy_arns", "value": ["arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"]}])
	count(facts(s, c)) == 0
}

# generic demands only a working path: no step of its own.
test_generic_has_no_step if {
	c := object.union(datapath_test.conn, {"profile": "generic"})
	count(facts(datapath_test.snap, c)) == 0
}
