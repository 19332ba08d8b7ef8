# METADATA
# title: EKS audit-log path helpers (EK01-EK03, rapid7 step P5)
# description: >-
#   The EKS audit-log paths analyzer/datapath builds (input.paths whose
#   source kind is eks): cluster → log group /aws/eks/<cluster>/cluster →
#   subscription filter → Firehose stream → bucket under
#   EKSLogs/<account>/<cluster>/ → the reader. Go asks every hop's
#   questions with the request context AWS sends; the rules report the
#   broken hops, one finding per cause, naming rapid7 step P5 when the
#   connector's profile has it.
package trailgate.lib.eks

import data.trailgate.lib
import data.trailgate.lib.datapath

paths := [p | some p in object.get(input, "paths", []); p.source.kind == "eks"]

# broken_hops are the hops of kind on the EKS paths that are not proven
# (broken or unknown), each once per distinct hop (two filters of one
# cluster share its writer hop).
broken_hops(kinds) := {[p, h] |
	some p in paths
	some h in p.hops
	h.kind in kinds
	h.status in {"broken", "unknown"}
}

# problems are a hop's structural problems (not the "cannot prove" ones).
problems(h) := [pr | some pr in object.get(h, "problems", []); not startswith(pr, "cannot prove: ")]

# denials are a hop's questions the evaluator denies, with the full answer
# Go gave each (lib.path_answer, which logs an answer the evaluator cannot
# prove as "cannot prove" for the rule, as lib.authz does).
denials(h) := [object.union(q, {"answer": a}) |
	some q in object.get(h, "questions", [])
	q.answer.decision != "Allowed"
	a := lib.path_answer(q)
	lib.denied(a)
]

# p5 is the guide step the EKS chain fulfils in the connector's profile.
p5 := s if {
	some s in datapath.profile.steps
	s.require.eks == true
}

# message names the guide step when the connector's profile has one.
message(msg) := m if {
	m := datapath.step_message(p5.id, msg)
} else := msg

# cluster, stream and role entries of the snapshot, by ARN, with where IaC
# declares them.
cluster(arn) := c if {
	some a in input.snapshot.accounts
	some c in object.get(a, "eks_clusters", [])
	c.arn == arn
}

stream(arn) := s if {
	some a in input.snapshot.accounts
	some s in object.get(a, "delivery_streams", [])
	s.arn == arn
}

role(arn) := r if {
	some a in input.snapshot.accounts
	some r in object.get(a, "roles", [])
	r.arn == arn
}

# filter is the subscription filter a hop names (its resource ARN ends in
# :subscription-filter:<name>).
filter(h) := f if {
	parts := split(h.resources[0].arn, ":subscription-filter:")
	count(parts) == 2
	some a in input.snapshot.accounts
	some g in object.get(a, "log_groups", [])
	startswith(parts[0], trim_suffix(g.arn, ":*"))
	some f in object.get(g, "subscription_filters", [])
	f.name == parts[1]
}

# question_location points a denied question at what must change: the
# statement that denies or nearly allows in the resource's policy (a trust
# policy for sts:AssumeRole), else the principal role's declaration (its
# identity policy lacks the grant), else the resource.
question_location(q) := l if {
	q.action == "sts:AssumeRole"
	r := role(q.resource)
	l := located([lib.statement_location(object.get(r, "trust_policy", {}), q.answer, "resourcePolicy"), object.get(r, ["trust_policy", "location"], null), object.get(r, "location", null)])
	l != null
} else := l if {
	lib.answer_names(q.answer, "resource", "deny")
	b := lib.bucket_named(split(split(q.resource, ":::")[1], "/")[0])
	l := located([lib.statement_location(object.get(b.bucket, "policy", {}), q.answer, "resourcePolicy"), object.get(b.bucket, "location", null)])
	l != null
} else := l if {
	r := role(q.principal)
	l := located([object.get(r, "location", null)])
} else := null

located(locs) := ls[0] if {
	ls := [l | some l in locs; is_object(l); object.get(l, "file", "") != ""]
	count(ls) > 0
} else := null

# with_location adds loc when there is one.
with_location(f, loc) := g if {
	is_object(loc)
	g := object.union(f, {"location": loc})
} else := f

# denial_text says what a denied question is: who may not do what, and why.
denial_text(q) := sprintf("%s may not %s on %s (%s): %s", [q.principal, q.action, q.resource, q.why, q.answer.proof])

# read_findings are the EKS audit-log path's reader failures: the
# harvesting role may not list EKSLogs/<account>/<cluster>/, get the
# objects or decrypt them (S305 reports them; the role's trust is ID01's).
# They name the guide step P5, so that a rule reporting the same read on
# the same bucket folds them into its own finding.
read_findings contains f if {
	some p in paths
	some h in p.hops
	h.kind in {"reader", "read"}
	h.status in {"broken", "unknown"}
	some q in denials(h)
	not startswith(q.id, "assume-role")
	q.action != "kms:Decrypt"
	b := bucket_resource(p)
	f0 := object.union(with_location({
		"resource": lib.resource(b.arn, "AWS::S3::Bucket", b.account, b.region),
		"message": message(sprintf("the reader cannot read the audit log of %s under %s: %s", [p.source.arn, p.source.key_prefix, denial_text(q)])),
		"fact": sprintf("eks-%s %s %s", [q.id, p.source.arn, q.action]),
		"remediation": read_fix(q, p),
	}, question_location(q)), step_field)
	f := lib.with_fix(f0, lib.reader_grant_fix(q, read_statement(q, p), b.account, sprintf("the policy of bucket %s", [b.arn])))
}

# decrypt_findings are the reader's kms:Decrypt denials on the EKS path,
# about the key (KM01 reports them; a KM01 finding on the same key for the
# CloudTrail path is the same missing grant and absorbs them).
decrypt_findings contains f if {
	some p in paths
	some h in p.hops
	h.kind == "read"
	h.status in {"broken", "unknown"}
	some q in denials(h)
	q.action == "kms:Decrypt"
	k := [r | some r in h.resources; r.type == "AWS::KMS::Key"][0]
	f0 := object.union(with_location({
		"resource": lib.resource(k.arn, "AWS::KMS::Key", k.account, k.region),
		"message": message(sprintf("the reader cannot decrypt the audit log of %s under %s: %s", [p.source.arn, p.source.key_prefix, denial_text(q)])),
		"fact": sprintf("eks-%s %s %s", [q.id, p.source.arn, q.action]),
		"remediation": read_fix(q, p),
	}, question_location(q)), step_field)
	f := lib.with_fix(f0, lib.reader_grant_fix(q, read_statement(q, p), k.account, sprintf("the key policy of %s", [k.arn])))
}

step_field := s if {
	s := {"step": datapath.step_name(p5)}
} else := {}

bucket_resource(p) := h.resources[0] if {
	some h in p.hops
	h.kind == "read"
}

# read_statement is what the reader's policy must allow for q: the
# listing under the cluster's prefix, the objects under it (all of them,
# not the sample object asked about), or the key.
read_statement(q, p) := {"Effect": "Allow", "Action": q.action, "Resource": q.resource, "Condition": {"StringLike": {"s3:prefix": sprintf("%s*", [q.context["s3:prefix"][0]])}}} if {
	q.action == "s3:ListBucket"
} else := {"Effect": "Allow", "Action": q.action, "Resource": sprintf("arn:%s:s3:::%s/%s*", [lib.partition, split(split(q.resource, ":::")[1], "/")[0], p.source.key_prefix])} if {
	q.action == "s3:GetObject"
} else := {"Effect": "Allow", "Action": q.action, "Resource": q.resource}

read_fix(q, p) := sprintf("Add to the policy of %s: %s", [q.principal, lib.statement_json(read_statement(q, p))]) if {
	q.action == "s3:ListBucket"
} else := sprintf("Add to the policy of %s: %s (and, across accounts, the same grant to the role in the bucket or key policy)", [q.principal, lib.statement_json(read_statement(q, p))])
