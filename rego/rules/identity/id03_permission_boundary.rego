# METADATA
# title: The reader's permissions boundary leaves out the actions it needs
# description: >-
#   A permissions boundary caps what a role's identity policies can grant:
#   an action the boundary does not allow is implicitly denied, however
#   broad the role's own policies are. A reader role (the connector's, or
#   a role that receives from a pipeline queue) needs s3:GetObject,
#   kms:Decrypt, and for queue-based readers sqs:ReceiveMessage and
#   sqs:DeleteMessage, inside its boundary. The boundary document must be in
#   the snapshot; AWS managed boundaries not collected are not judged.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
#   - ref: https://github.com/awsdocs/iam-user-guide/issues/257
# custom:
#   id: ID03
#   severity: high
#   smoke: [denied-by-boundary]
#   area: identity
#   hops: [reader, read]
#   reads:
#     - iam:GetAccountAuthorizationDetails
#     - sts:AssumeRole
#   remediation: >-
#     Add the reader's actions (s3:GetObject, kms:Decrypt, sqs:ReceiveMessage,
#     sqs:DeleteMessage) to the permissions boundary, or remove the boundary.
package trailgate.rules.id03

import data.trailgate.lib
import data.trailgate.lib.datapath

needed(r) := {"s3:GetObject", "kms:Decrypt", "sqs:ReceiveMessage", "sqs:DeleteMessage"} if {
	r.queue != ""
} else := {"s3:GetObject", "kms:Decrypt"}

within(doc, action) if {
	some st in datapath.statements(doc)
	datapath.statement_covers(st, action)
	not denied_everywhere(doc, action)
}

# denied_everywhere: an unconditional Deny of the action on every resource.
denied_everywhere(doc, action) if {
	some st in datapath.statements(doc)
	st.Effect == "Deny"
	not st.Condition
	some a in datapath.as_list(object.get(st, "Action", null))
	datapath.action_matches(a, action)
	"*" in datapath.as_list(object.get(st, "Resource", null))
}

deny contains f if {
	some r in lib.readers
	e := lib.role_arn(r.role)
	boundary := e.role.permissions_boundary_arn
	mp := datapath.managed_policy(boundary)
	missing := sort([a | some a in needed(r); not within(mp.document, a)])
	count(missing) > 0
	f := boundary_fix({
		"resource": lib.resource(e.role.arn, "AWS::IAM::Role", e.account, ""),
		"message": sprintf("the permissions boundary %s of reader role %s does not allow %s: they are implicitly denied whatever the role's policies grant", [boundary, e.role.arn, concat(", ", missing)]),
		"fact": sprintf("boundary-missing=%s", [concat(",", missing)]),
		"remediation": sprintf("Add to the boundary policy %s: %s", [boundary, lib.statement_json(boundary_statement(missing))]),
	}, mp, missing)
}

boundary_statement(missing) := {"Sid": "AllowLogReader", "Effect": "Allow", "Action": missing, "Resource": "*"}

# boundary_fix: where IaC declares the boundary policy, the finding points
# at it and carries the statement to add as data; otherwise (a boundary
# managed elsewhere) the role stays the finding's place and the fix prose.
boundary_fix(f, mp, missing) := lib.with_fix(lib.locate(f, [mp.location]), lib.statement_fix("identity", boundary_statement(missing))) if {
	object.get(mp, ["location", "file"], "") != ""
} else := f
