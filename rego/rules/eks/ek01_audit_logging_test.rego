package trailgate.rules.ek01_test

import data.trailgate.rules.ek01

cluster := "arn:aws:eks:us-east-1:111111111111:cluster/prod"

snap := {"accounts": [{"id": "111111111111", "eks_clusters": [{
	"name": "prod", "arn": cluster, "region": "us-east-1",
	"location": {"file": "t.yaml", "line": 9},
}]}]}

path(status, problems) := {"id": cluster, "source": {"kind": "eks", "arn": cluster, "account": "111111111111", "region": "us-east-1", "key_prefix": "EKSLogs/111111111111/prod/"}, "hops": [
	{"kind": "writer", "status": status, "problems": problems, "resources": [{"arn": cluster, "type": "AWS::EKS::Cluster"}]},
	{"kind": "log-group", "status": "ok", "resources": [{"arn": "arn:aws:logs:us-east-1:111111111111:log-group:/aws/eks/prod/cluster"}]},
]}

off := "cluster prod does not send its audit log to CloudWatch Logs (logging type audit is not enabled)"

test_pass_audit_on if {
	count(ek01.deny) == 0 with input as {"snapshot": snap, "paths": [path("ok", [])], "connector": null}
}

test_fail_audit_off if {
	fs := ek01.deny with input as {"snapshot": snap, "paths": [path("broken", [off])], "connector": null}
	count(fs) == 1
	some f in fs
	f.resource.id == cluster
	f.location.line == 9
	f.message == off
}

test_fail_audit_off_names_rapid7_step if {
	fs := ek01.deny with input as {"snapshot": snap, "paths": [path("broken", [off])], "connector": {"profile": "rapid7", "role": "arn:aws:iam::111111111111:role/r", "sources": ["eks"]}}
	some f in fs
	startswith(f.message, "rapid7 step P5 not met")
}

# A cannot-prove problem is not a break.
test_near_miss_unknown_not_reported if {
	count(ek01.deny) == 0 with input as {"snapshot": snap, "paths": [path("broken", ["cannot prove: x"])], "connector": null}
}

# Other sources' writer hops are not EK01's.
test_near_miss_other_sources_ignored if {
	p := object.union(path("broken", [off]), {"source": {"kind": "cloudtrail", "arn": cluster}})
	count(ek01.deny) == 0 with input as {"snapshot": snap, "paths": [p], "connector": null}
}

# The fix is CloudFormation's whole EnabledTypes list: the types the
# cluster sends, and audit.
test_fix_keeps_enabled_types if {
	c := object.union(snap.accounts[0].eks_clusters[0], {"enabled_log_types": ["api", "authenticator"]})
	s := {"accounts": [object.union(snap.accounts[0], {"eks_clusters": [c]})]}
	fs := ek01.deny with input as {"snapshot": s, "paths": [path("broken", [off])], "connector": null}
	some f in fs
	f.fix == {"set": {"Logging": {"ClusterLogging": {"EnabledTypes": [{"Type": "api"}, {"Type": "authenticator"}, {"Type": "audit"}]}}}}
}

test_fix_no_types_yet if {
	fs := ek01.deny with input as {"snapshot": snap, "paths": [path("broken", [off])], "connector": null}
	some f in fs
	f.fix.set.Logging.ClusterLogging.EnabledTypes == [{"Type": "audit"}]
}
