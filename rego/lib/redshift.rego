# METADATA
# title: Redshift audit-log path helpers (RS01-RS02, skyformation step K5)
# description: >-
#   The Redshift audit-log paths analyzer/datapath builds (input.paths
#   whose source kind is redshift): cluster with audit logging to S3 (and
#   the parameter group's enable_user_activity_logging where the guide asks
#   for the user activity log) → bucket under
#   <prefix>/AWSLogs/<account>/redshift/<region>/, written by
#   redshift.amazonaws.com → the reader listing and getting the log files.
#   Go asks every hop's questions with the request context AWS sends; the
#   rules report the broken hops, one finding per cause, naming
#   skyformation step K5 when the connector's profile has it.
package trailgate.lib.redshift

import data.trailgate.lib
import data.trailgate.lib.datapath
import data.trailgate.lib.eks

paths := [p | some p in object.get(input, "paths", []); p.source.kind == "redshift"]

# broken_hops are the hops of kind on the Redshift paths that are not
# proven (broken or unknown).
broken_hops(kinds) := {[p, h] |
	some p in paths
	some h in p.hops
	h.kind in kinds
	h.status in {"broken", "unknown"}
}

# k5 is the guide step the Redshift audit-log path fulfils in the
# connector's profile.
k5 := s if {
	some s in datapath.profile.steps
	s.require.redshift == true
}

# message names the guide step when the connector's profile has one.
message(msg) := m if {
	m := datapath.step_message(k5.id, msg)
} else := msg

step_field := {"step": datapath.step_name(k5)} if k5

else := {}

# cluster and parameter group entries of the snapshot, with where IaC
# declares them.
cluster(arn) := c if {
	some a in input.snapshot.accounts
	some c in object.get(a, "redshift_clusters", [])
	c.arn == arn
}

parameter_group(account, region, name) := g if {
	some a in input.snapshot.accounts
	a.id == account
	some g in object.get(a, "redshift_parameter_groups", [])
	g.name == name
	object.get(g, "region", region) == region
}

# audit_bucket_only holds for a bucket the connector reads only for
# Redshift audit logs: read_findings judge its reads (what the guide
# grants: s3:ListBucket on the bucket, s3:GetObject on the logs), not the
# generic reader of notified log files.
audit_bucket_only(name) if {
	some p in paths
	p.source.bucket == name
	not name in {p.source.bucket | some p in lib.paths; p.source.kind != "redshift"}
}

# read_findings are the Redshift audit-log path's reader failures: the
# connector may not list the bucket or get the log files under
# <prefix>/AWSLogs/<account>/redshift/<region>/ (S305 reports them; the
# role's trust is ID01's). They name the guide step K5, so that a rule
# reporting the same read on the same bucket folds them into its own
# finding.
read_findings contains f if {
	some p in paths
	some h in p.hops
	h.kind == "read"
	h.status in {"broken", "unknown"}
	some q in eks.denials(h)
	b := h.resources[0]
	f0 := object.union(eks.with_location({
		"resource": lib.resource(b.arn, "AWS::S3::Bucket", b.account, b.region),
		"message": message(sprintf("the reader cannot read the audit logs of %s under %s: %s", [p.source.arn, p.source.key_prefix, eks.denial_text(q)])),
		"fact": sprintf("redshift-%s %s %s", [q.id, p.source.arn, q.action]),
		"remediation": read_fix(q, p),
	}, eks.question_location(q)), step_field)
	f := lib.with_fix(f0, lib.reader_grant_fix(q, read_statement(q, p), b.account, sprintf("the policy of bucket %s", [b.arn])))
}

# read_statement grants what the guide lists: s3:ListBucket on the audit
# bucket and s3:GetObject on its objects.
read_statement(q, p) := {"Effect": "Allow", "Action": q.action, "Resource": q.resource} if {
	q.action == "s3:ListBucket"
} else := {"Effect": "Allow", "Action": q.action, "Resource": sprintf("arn:%s:s3:::%s/%s*", [lib.partition, p.source.bucket, p.source.key_prefix])}

read_fix(q, p) := sprintf("Add to the policy of %s: %s (and, across accounts, the same grant to the role in the bucket policy)", [q.principal, lib.statement_json(read_statement(q, p))])
