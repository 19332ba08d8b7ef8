package trailgate.rules.rs01_test

import data.trailgate.rules.rs01

cluster := "arn:aws:redshift:us-east-1:111111111111:cluster:analytics"

group := "arn:aws:redshift:us-east-1:111111111111:parametergroup:analytics-audit"

snap := {"accounts": [{
	"id": "111111111111",
	"redshift_clusters": [{
		"identifier": "analytics", "arn": cluster, "region": "us-east-1",
		"logging": {"enabled": false, "location": {"file": "t.yaml", "line": 30}},
		"parameter_groups": ["analytics-audit"],
		"location": {"file": "t.yaml", "line": 20},
	}],
	"redshift_parameter_groups": [{"name": "analytics-audit", "region": "us-east-1", "parameters": {"enable_user_activity_logging": "false"}, "location": {"file": "t.yaml", "line": 10}}],
}]}

path(status, problems) := {"id": cluster, "source": {"kind": "redshift", "arn": cluster, "account": "111111111111", "region": "us-east-1"}, "hops": [{
	"kind": "writer", "status": status, "problems": problems,
	"resources": [
		{"arn": cluster, "type": "AWS::Redshift::Cluster", "account": "111111111111", "region": "us-east-1"},
		{"arn": group, "type": "AWS::Redshift::ClusterParameterGroup", "account": "111111111111", "region": "us-east-1"},
	],
}]}

off := "cluster analytics does not have audit logging enabled: Redshift writes no connection, user or user activity log"

param := "parameter group analytics-audit of cluster analytics has enable_user_activity_logging false: the user activity log is not written"

skyformation := {"profile": "skyformation", "role": "arn:aws:iam::111111111111:role/sky", "sources": ["redshift"]}

test_pass_logging_on if {
	count(rs01.deny) == 0 with input as {"snapshot": snap, "paths": [path("ok", [])], "connector": skyformation}
}

test_fail_logging_off_at_logging_properties if {
	fs := rs01.deny with input as {"snapshot": snap, "paths": [path("broken", [off])], "connector": null}
	count(fs) == 1
	some f in fs
	f.resource.id == cluster
	f.location.line == 30
	f.message == off
	contains(f.remediation, "aws redshift enable-logging --region us-east-1 --cluster-identifier analytics")
}

test_fail_logging_off_names_skyformation_k5 if {
	fs := rs01.deny with input as {"snapshot": snap, "paths": [path("broken", [off])], "connector": skyformation}
	some f in fs
	startswith(f.message, "skyformation step K5 not met")
	startswith(f.step, "skyformation step K5")
}

# The parameter is the parameter group's: the finding is about the group,
# where it is declared.
test_fail_parameter_off_at_group if {
	fs := rs01.deny with input as {"snapshot": snap, "paths": [path("broken", [param])], "connector": skyformation}
	count(fs) == 1
	some f in fs
	f.resource.id == group
	f.resource.type == "AWS::Redshift::ClusterParameterGroup"
	f.location.line == 10
	contains(f.remediation, "modify-cluster-parameter-group --region us-east-1 --parameter-group-name analytics-audit")
}

test_fail_default_group_cannot_change if {
	d := "cluster analytics uses the default parameter group default.redshift-1.0 (its enable_user_activity_logging is false and cannot be changed): the user activity log is not written"
	p := object.union(path("broken", [d]), {"hops": [{"kind": "writer", "status": "broken", "problems": [d], "resources": [
		{"arn": cluster, "type": "AWS::Redshift::Cluster"},
		{"arn": "arn:aws:redshift:us-east-1:111111111111:parametergroup:default.redshift-1.0", "type": "AWS::Redshift::ClusterParameterGroup", "account": "111111111111", "region": "us-east-1"},
	]}]})
	fs := rs01.deny with input as {"snapshot": snap, "paths": [p], "connector": skyformation}
	count(fs) == 1
	some f in fs
	endswith(f.resource.id, ":parametergroup:default.redshift-1.0")
	contains(f.remediation, "create-cluster-parameter-group")
}

# A cannot-prove problem is not a break.
test_near_miss_unknown_not_reported if {
	count(rs01.deny) == 0 with input as {"snapshot": snap, "paths": [path("unknown", ["cannot prove: the audit logging of cluster analytics was not read"])], "connector": null}
}

# Other sources' writer hops are not RS01's.
test_near_miss_other_sources_ignored if {
	p := object.union(path("broken", [off]), {"source": {"kind": "eks", "arn": cluster}})
	count(rs01.deny) == 0 with input as {"snapshot": snap, "paths": [p], "connector": null}
}
