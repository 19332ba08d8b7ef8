# METADATA
# title: CloudTrail cannot deliver the trail's events to CloudWatch Logs
# description: >-
#   A trail with a CloudWatch Logs log group delivers its events there by
#   assuming the role it is given (CloudWatchLogsRoleArn): CloudTrail needs
#   both the group and the role, the role's trust policy must let
#   cloudtrail.amazonaws.com sts:AssumeRole, and the role must allow
#   logs:CreateLogStream and logs:PutLogEvents on the log streams CloudTrail
#   writes in that group (ACCOUNT_CloudTrail_REGION, and for an organization
#   trail ORGID_ACCOUNT_CloudTrail_REGION for each member). Reported when one
#   of the two settings is missing, when the log group does not exist in a
#   collected account, when the role does not exist or CloudTrail cannot
#   assume it, and when it lacks either action on the streams. Symptom:
#   InvalidCloudWatchLogsLogGroupArnException or
#   InvalidCloudWatchLogsRoleArnException on CreateTrail/UpdateTrail, and
#   LatestCloudWatchLogsDeliveryError on a trail that was changed after.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
#     description: the role's policy, log-stream ARNs for trails and organization trails
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
# custom:
#   id: CW01
#   severity: high
#   area: cloudwatch
#   hops: [delivery-role, log-group]
#   reads:
#     - cloudtrail:DescribeTrails
#     - iam:GetAccountAuthorizationDetails
#     - logs:DescribeLogGroups
#     - sts:AssumeRole
#   remediation: >-
#     Give the trail both CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn;
#     let cloudtrail.amazonaws.com assume the role, and allow the role
#     logs:CreateLogStream and logs:PutLogEvents on
#     arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:log-stream:* .
package trailgate.rules.cw01

import data.trailgate.lib
import data.trailgate.lib.landingzone

# delivering are the trails that send events to CloudWatch Logs, each
# once, as its owner (a log source, input.sources: an organization trail
# listed in a member account is the same trail).
delivering contains e if {
	some s in lib.sources
	s.kind == "cloudtrail"
	e := {"trail": s.trail, "account": s.account}
	some setting in ["cloudwatch_logs_log_group_arn", "cloudwatch_logs_role_arn"]
	object.get(e.trail, setting, "") != ""
}

trail_resource(e) := lib.resource(e.trail.arn, "AWS::CloudTrail::Trail", e.account, e.trail.home_region)

finding(e, fact, message, fix) := lib.locate(
	{"resource": trail_resource(e), "message": message, "fact": fact, "remediation": fix},
	[object.get(e.trail, "location", null)],
)

# CreateTrail refuses one setting without the other.
deny contains f if {
	some e in delivering
	some [have, missing] in [["cloudwatch_logs_log_group_arn", "CloudWatchLogsRoleArn"], ["cloudwatch_logs_role_arn", "CloudWatchLogsLogGroupArn"]]
	object.get(e.trail, have, "") != ""
	object.get(e.trail, lower_name[missing], "") == ""
	f := lib.with_fix(finding(e, sprintf("missing %s", [missing]), sprintf("trail %s sets %s but not %s: CloudTrail needs both to deliver to CloudWatch Logs", [e.trail.arn, setting_name[have], missing]), sprintf("Set %s on trail %s", [missing, e.trail.arn])), lib.set_fix({missing: landingzone.cloudwatch_placeholders[missing]}))
}

lower_name := {"CloudWatchLogsRoleArn": "cloudwatch_logs_role_arn", "CloudWatchLogsLogGroupArn": "cloudwatch_logs_log_group_arn"}

setting_name := {"cloudwatch_logs_log_group_arn": "CloudWatchLogsLogGroupArn", "cloudwatch_logs_role_arn": "CloudWatchLogsRoleArn"}

# group_parts splits arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*].
group_parts(arn) := {"region": p[3], "account": p[4], "name": p[6]} if {
	p := split(arn, ":")
	count(p) >= 7
	p[5] == "log-group"
}

# The group must exist where the account's log groups were read (a
# collected account lists every group a trail writes to; IaC declares only
# its own).
deny contains f if {
	some e in delivering
	arn := e.trail.cloudwatch_logs_log_group_arn
	g := group_parts(arn)
	some a in input.snapshot.accounts
	a.id == g.account
	input.snapshot.source in {"live", "fixture"}
	not group_exists(a, g)
	f := finding(e, "log group missing", sprintf("trail %s delivers to log group %s, which does not exist in account %s (%s)%s", [e.trail.arn, g.name, g.account, g.region, landingzone.step_note("O3")]), sprintf("aws logs create-log-group --region %s --log-group-name %s", [g.region, g.name]))
}

group_exists(a, g) if {
	some lg in object.get(a, "log_groups", [])
	lg.name == g.name
	lg.region == g.region
}

# delivery is the trail's path to CloudWatch Logs (analyzer/datapath
# cloudwatch.go, input.paths), whose hops ask, with the context CloudTrail
# sends, whether it can assume the role (delivery-role) and whether the
# role can create and write the trail's log streams in the group
# (log-group).
delivery := {p.source.arn: p | some p in lib.paths; p.source.kind == "cloudwatch-logs"}

questions(e, kind) := [q | some h in delivery[e.trail.arn].hops; h.kind == kind; some q in h.questions]

# cannot_write are the role's calls on the trail's streams that are
# denied, each "ACTION on STREAM", sorted.
cannot_write(e) := sort({sprintf("%s on %s", [q.action, q.resource]) |
	some q in questions(e, "log-group")
	lib.denied(lib.path_answer(q))
})

role_of(e) := lib.role_arn(e.trail.cloudwatch_logs_role_arn)

deny contains f if {
	some e in delivering
	arn := object.get(e.trail, "cloudwatch_logs_role_arn", "")
	arn != ""
	lib.account_of_arn(arn) in {a.id | some a in input.snapshot.accounts}
	not role_of(e)
	not lib.is_unknown(arn)
	lib.principals_complete(lib.account_of_arn(arn))
	f := finding(e, "role missing", sprintf("trail %s delivers to CloudWatch Logs as role %s, which does not exist%s", [e.trail.arn, arn, landingzone.step_note("O3")]), sprintf("Create role %s trusting cloudtrail.amazonaws.com, with logs:CreateLogStream and logs:PutLogEvents on the trail's log group", [arn]))
}

deny contains f if {
	some e in delivering
	r := role_of(e)
	some q in questions(e, "delivery-role")
	q.action == "sts:AssumeRole"
	answer := lib.path_answer(q)
	lib.denied(answer)
	f0 := lib.locate(
		{
			"resource": lib.resource(r.role.arn, "AWS::IAM::Role", r.account, ""),
			"message": sprintf("CloudTrail cannot assume %s to deliver trail %s to CloudWatch Logs%s: %s", [r.role.arn, e.trail.arn, landingzone.step_note("O3"), answer.proof]),
			"fact": sprintf("%s trust", [e.trail.arn]),
			"remediation": sprintf("Add to the trust policy of %s: %s", [r.role.arn, lib.statement_json(trust_statement)]),
		},
		[object.get(r.role, ["trust_policy", "location"], null), object.get(r.role, "location", null)],
	)
	f := lib.with_fix(f0, lib.grant_fix_in(answer, "trust", trust_statement))
}

trust_statement := {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}

# A role absent from an input that does not list its account's principals
# whole (a template: the role may live in another stack) may exist: its
# permissions are asked all the same, which the index answers Unknown
# (one unproven finding naming the role) or a denial by the other layers.
deny contains f if {
	some e in delivering
	arn := object.get(e.trail, "cloudwatch_logs_role_arn", "")
	arn != ""
	not role_of(e)
	not lib.is_unknown(arn)
	not lib.principals_complete(lib.account_of_arn(arn))
	g := group_parts(e.trail.cloudwatch_logs_log_group_arn)
	missing := cannot_write(e)
	count(missing) > 0
	f := finding(e, "role cannot write", sprintf("role %s, which CloudTrail assumes for trail %s%s, cannot %s", [arn, e.trail.arn, landingzone.step_note("O3"), concat("; ", missing)]), sprintf("Add to an identity policy of %s: %s", [arn, lib.statement_json({
		"Sid": "AWSCloudTrailDeliverToCloudWatchLogs", "Effect": "Allow",
		"Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
		"Resource": sprintf("arn:%s:logs:%s:%s:log-group:%s:log-stream:*", [lib.partition, g.region, g.account, g.name]),
	})]))
}

deny contains f if {
	some e in delivering
	r := role_of(e)
	group_parts(e.trail.cloudwatch_logs_log_group_arn)
	missing := cannot_write(e)
	count(missing) > 0
	g := group_parts(e.trail.cloudwatch_logs_log_group_arn)
	f0 := lib.locate(
		{
			"resource": lib.resource(r.role.arn, "AWS::IAM::Role", r.account, ""),
			"message": sprintf("role %s, which CloudTrail assumes for trail %s%s, cannot %s", [r.role.arn, e.trail.arn, landingzone.step_note("O3"), concat("; ", missing)]),
			"fact": sprintf("%s logs", [e.trail.arn]),
			"remediation": sprintf("Add to an identity policy of %s: %s", [r.role.arn, lib.statement_json({
				"Sid": "AWSCloudTrailDeliverToCloudWatchLogs", "Effect": "Allow",
				"Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
				"Resource": sprintf("arn:%s:logs:%s:%s:log-group:%s:log-stream:*", [lib.partition, g.region, g.account, g.name]),
			})]),
		},
		write_locations(r.role.arn, first_denied(e)),
	)
	f := lib.with_fix(f0, logs_fix(e, g))
}

# first_denied is the first of the role's calls on the trail's streams
# that is denied (CreateLogStream before PutLogEvents).
first_denied(e) := qs[0] if {
	qs := [q | some q in questions(e, "log-group"); lib.denied(lib.path_answer(q))]
	count(qs) > 0
}

# write_locations: where the role's missing call on the stream q asks
# about is fixed. The statement that grants q's action on other
# resources comes first (a stream pattern naming another group, to
# correct), unlike lib.with_identity_location's order for readers, which
# would point at the statement granting the other logs action on the
# stream; then a statement granting logs actions on the stream (the one
# to add the action to), the role's policy, the role.
write_locations(role, q) := [
	lib.identity_action_location(role, q.action),
	lib.identity_statement_location(role, q.action, q.resource),
	lib.identity_document_location(role),
	object.get(lib.role_arn(role).role, "location", null),
]

# logs_fix is the role's statement for CloudTrail's writes, where every
# denial of the path's log-group hop is implicit (an Allow cannot lift an
# explicit one).
logs_fix(e, g) := lib.statement_fix("identity", {
	"Sid": "AWSCloudTrailDeliverToCloudWatchLogs", "Effect": "Allow",
	"Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
	"Resource": sprintf("arn:%s:logs:%s:%s:log-group:%s:log-stream:*", [lib.partition, g.region, g.account, g.name]),
}) if {
	every q in questions(e, "log-group") {
		lib.path_answer(q).decision != "ExplicitlyDenied"
	}
} else := null

# The org-formation landing-zone guide's steps that name CW01
# (rego/lib/landing_zone.rego).
deny contains f if some f in landingzone.findings.CW01
