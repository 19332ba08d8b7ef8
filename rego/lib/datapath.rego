# METADATA
# title: Data-path helpers for the delivery and profile rules
# description: >-
#   Which notifications admit a source's log files, which topics carry them,
#   and the vendor profile (data.trailgate.profiles) of
#   the connector being checked. Shared by GD*, NT02-NT05, SN02-SN03, CT06,
#   CT07, S306, ID02 and ID03.
package trailgate.lib.datapath

import data.trailgate.lib

# ---------------------------------------------------------------------------
# Where log files land. The log sources (lib.sources), their publishers
# (input.publishers) and the delivery paths (input.paths) are built once in
# Go (analyzer/datapath): where each source's files land (key_prefix,
# key_suffix, sample_key), who writes them (writer) and the request context
# AWS sends (writer_context). Rules judge them; they do not rebuild them.

# prefixes_overlap holds when some key can start with both a and b.
prefixes_overlap(a, b) if startswith(a, b)

prefixes_overlap(a, b) if startswith(b, a)

# filter_admits holds when a notification's key filter lets the source's
# log files through: the filter prefix and the log prefix overlap, and the
# log suffix ends with the filter suffix
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html).
filter_admits(cfg, src) if {
	prefixes_overlap(object.get(cfg, "filter_prefix", ""), src.key_prefix)
	endswith(src.key_suffix, object.get(cfg, "filter_suffix", ""))
}

# creates_objects holds when the events include new-object events.
creates_objects(events) if {
	some e in events
	startswith(e, "s3:ObjectCreated:")
}

# object_targets are a bucket's topic and queue configurations that fire on
# new objects.
object_targets(b) := [t | some t in lib.notification_targets(b); creates_objects(object.get(t.cfg, "events", []))]

# publishers are the (topic, publisher) pairs of the pipeline: a log bucket's
# S3 notification to a topic, and a trail's SNS notification, each with the
# context the service sends.
publishers := lib.publishers

pipeline_topics contains p.topic if some p in publishers

# aws_managed_key holds when a key reference is an AWS managed key
# (alias/aws/…), whose policy cannot be edited.
aws_managed_key(ref, _, _) if startswith(ref, "alias/aws/")

aws_managed_key(ref, _, _) if {
	startswith(ref, "arn:")
	contains(ref, ":alias/aws/")
}

aws_managed_key(ref, account, region) if {
	lib.key_ref(ref, account, region).key.key_manager == "AWS"
}

# ---------------------------------------------------------------------------
# The connector and its vendor profile.

connector := input.connector if input.connector != null

profile_name := input.connector.profile

# profile is the vendor profile (rego/profiles/<vendor>.json, loaded by the
# engine as data.trailgate.profiles.<vendor>).
profile := data.trailgate.profiles[profile_name]

# step returns a profile step by ID.
step(id) := s if {
	some s in profile.steps
	s.id == id
}

# step_message prefixes a message with the guide step it fails.
step_message(id, msg) := sprintf("%s step %s not met (%s): %s", [profile_name, id, step(id).title, msg])

# connector_role is the connector's role entry, when it is in the snapshot.
connector_role := lib.role_arn(input.connector.role)

# policies_of lists a role's identity policy documents (inline and attached
# managed ones the snapshot holds).
policies_of(role) := array.concat(
	[p.document | some p in object.get(role, "inline_policies", [])],
	[mp.document |
		some arn in object.get(role, "attached_policy_arns", [])
		mp := managed_policy(arn)
	],
)

# managed_policy is a managed policy the snapshot holds, by ARN.
managed_policy(arn) := mp if {
	some mp in managed_policy_index[arn]
}

# managed_policy_index holds them by ARN, built once: a scan of every
# account per call made S306 (a lookup per reader's policy) quadratic in
# the organization. A complete rule, because OPA evaluates a partial
# rule's body again for each key it is asked; a set per ARN, so that an
# ARN two accounts list answers as the scan did.
managed_policy_index := {arn: mps | some arn, mps in managed_policies_by_arn}

managed_policies_by_arn[mp.arn] contains mp if {
	some a in input.snapshot.accounts
	some mp in object.get(a, "managed_policies", [])
}

# statements of a policy document, always as a list.
statements(doc) := doc.Statement if is_array(doc.Statement)

statements(doc) := [doc.Statement] if is_object(doc.Statement)

# as_list turns a string-or-list policy value into a list.
as_list(v) := v if is_array(v)

as_list(v) := [v] if is_string(v)

as_list(v) := [] if v == null

# action_matches is IAM's case-insensitive wildcard match of actions.
action_matches(pattern, action) if glob.match(lower(pattern), null, lower(action))

# statement_covers holds when an Allow statement names the action (by Action
# or NotAction) on any resource.
statement_covers(st, action) if {
	st.Effect == "Allow"
	some p in as_list(object.get(st, "Action", null))
	action_matches(p, action)
}

statement_covers(st, action) if {
	st.Effect == "Allow"
	nots := as_list(object.get(st, "NotAction", null))
	count(nots) > 0
	not any_action_matches(nots, action)
}

any_action_matches(patterns, action) if {
	some p in patterns
	action_matches(p, action)
}

# ---------------------------------------------------------------------------
# Profile checks. Each non-optional step of the connector's profile whose
# requirement is not met yields a finding under the catalog rule the step
# names (step.rule, or action.rule for one action), with a message naming
# the step: "expel step E1 not met (…): …". The rule owning that ID includes
# them with: deny contains f if some f in datapath.profile_findings["ID01"].

required_steps contains s if {
	some s in profile.steps
	not s.optional
}

role_arn_parts := split(input.connector.role, ":")

connector_role_account := role_arn_parts[4] if {
	count(role_arn_parts) == 6
} else := ""

connector_role_name := n if {
	count(role_arn_parts) == 6
	parts := split(role_arn_parts[5], "/")
	n := parts[count(parts) - 1]
}

# connector_deliveries are the log sources the connector reads.
connector_deliveries contains d if {
	some d in lib.sources
	d.kind in lib.connector_sources
}

profile_finding(s, rule, res, fact, msg, fix) := {
	"rule": rule,
	"finding": {
		"resource": res,
		"message": step_message(s.id, msg),
		"fact": sprintf("%s-%s:%s", [profile_name, s.id, fact]),
		"remediation": fix,
		"step": step_name(s),
	},
}

# step_name names a guide step for a rule's finding that the step repeats
# (the engine folds the two into one finding naming both).
step_name(s) := sprintf("%s step %s (%s)", [profile_name, s.id, s.title])

role_resource := lib.resource(input.connector.role, connector_principal_type, connector_role_account, "")

profile_results contains r if {
	some s in required_steps
	want := s.require.role_name
	connector_role_name != want
	r := profile_finding(s, s.rule, role_resource, "role_name", sprintf("the connector role is named %s; the vendor only assumes a role named %s", [connector_role_name, want]), sprintf("Create the role as arn:%s:iam::%s:role/%s (the vendor enforces the name) with the same trust and permissions", [lib.partition, connector_role_account, want]))
}

profile_results contains r if {
	some s in required_steps
	want := s.require.trusted_principal
	got := object.get(input.connector, "trusted_principal", "")
	got != ""
	got != want
	r := profile_finding(s, s.rule, role_resource, "trusted_principal", sprintf("the connector file names trusted principal %s; the guide's principal is %s", [got, want]), sprintf("Trust {\"AWS\": \"%s\"} in the role's trust policy and set trusted_principal to it", [want]))
}

profile_results contains r if {
	some s in required_steps
	s.require.external_id == true
	e := connector_role
	not trust_has_external_id(e.role)
	r := profile_finding(s, s.rule, role_resource, "external_id", sprintf("the trust policy of %s has no sts:ExternalId condition; the guide requires the vendor-issued external ID", [e.role.arn]), sprintf("Add to the trust statement: {\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"%s\"}}}", [object.get(input.connector, "external_id", "<vendor external ID>")]))
}

trust_has_external_id(role) if {
	some st in statements(role.trust_policy.document)
	st.Effect == "Allow"
	some _, block in object.get(st, "Condition", {})
	some k, _ in block
	lower(k) == "sts:externalid"
}

profile_results contains r if {
	some s in required_steps
	s.require.role_account == "bucket"
	some d in connector_deliveries
	b := lib.bucket_named(d.bucket)
	connector_role_account != b.account
	f := profile_finding(s, s.rule, role_resource, sprintf("role_account=%s", [b.account]), sprintf("the connector role is in account %s, but the guide puts it in the account of log bucket %s (%s)", [connector_role_account, d.bucket, b.account]), sprintf("Create the connector role in account %s (the bucket's account) and point the connector at it", [b.account]))
	r := object.union(f, {"finding": lib.with_fix(f.finding, role_account_fix(b.account))})
}

# role_account_fix: a role cannot move between accounts, so no edit of
# the declared role fixes P2: the guide's role is a new one, deployed in
# the bucket's account, and the vendor's console names it.
role_account_fix(account) := lib.outside_fix(sprintf("a role cannot move to another account: the guide's connector role is a new role in account %s (the bucket's account), declared by a stack or configuration deployed there, and the connector (the vendor's console and the connector file) must name it", [account]))

profile_results contains r if {
	some s in required_steps
	allowed := s.require.object_ownership
	some d in connector_deliveries
	b := lib.bucket_named(d.bucket)
	got := object.get(b.bucket, "object_ownership", "")
	not got in allowed
	shown := object.get({"": "none (ObjectWriter)"}, got, got)
	r := profile_finding(s, s.rule, lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region), "object_ownership", sprintf("bucket %s has Object Ownership %s; the guide requires one of %s", [d.bucket, shown, concat(", ", allowed)]), sprintf("aws s3api put-bucket-ownership-controls --bucket %s --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'", [d.bucket]))
}

connector_queue := lib.queue_arn(input.connector.queue)

profile_results contains r if {
	some s in required_steps
	s.require.queue_region == "bucket"
	some d in connector_deliveries
	b := lib.bucket_named(d.bucket)
	region := lib.region_of_arn(input.connector.queue)
	region != b.bucket.region
	r := profile_finding(s, s.rule, lib.resource(input.connector.queue, "AWS::SQS::Queue", lib.account_of_arn(input.connector.queue), region), "queue_region", sprintf("queue %s is in %s; the guide puts it in the bucket's Region %s", [input.connector.queue, region, b.bucket.region]), sprintf("Create the queue in %s", [b.bucket.region]))
}

profile_results contains r if {
	some s in required_steps
	s.require.queue_type == "standard"
	connector_queue.queue.fifo_queue
	q := connector_queue.queue
	f := profile_finding(s, s.rule, lib.resource(q.arn, "AWS::SQS::Queue", connector_queue.account, q.region), "queue_type", sprintf("queue %s is a FIFO queue; the guide requires a Standard queue", [q.arn]), sprintf("Create a Standard queue in %s and point the subscription and the connector at it", [q.region]))
	r := object.union(f, {"finding": lib.with_fix(f.finding, standard_queue_fix(q))})
}

# standard_queue_fix: the declared queue becomes a Standard one, named
# without .fifo (a Standard queue's name may not end in it). SQS cannot
# change a queue's type (FifoQueue is set at creation only:
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html),
# so the change replaces the queue, and the FIFO-only settings, the
# connector's queue URL and a FIFO topic feeding it are further changes,
# which also says.
standard_queue_fix(q) := object.union(lib.set_fix({"QueueName": trim_suffix(q.name, ".fifo")}), {"also": "remove the queue's FifoQueue and ContentBasedDeduplication (Terraform: fifo_queue, content_based_deduplication), which only a FIFO queue has; SQS cannot change a queue's type, so this replaces the queue: point the connector (the vendor's console and the connector file's queue) at the new queue, fed by a Standard topic (a FIFO topic delivers to FIFO queues only)"})

# Queue attributes: visibility and retention are minimums, delay and
# receive wait maximums (the guide's values are what its reader expects).
at_most := {"delay_seconds", "receive_wait_time_seconds"}

attribute_off(name, got, want) if {
	name in at_most
	got > want
}

attribute_off(name, got, want) if {
	not name in at_most
	got < want
}

attribute_names := {
	"visibility_timeout": "VisibilityTimeout", "message_retention_period": "MessageRetentionPeriod",
	"delay_seconds": "DelaySeconds", "receive_wait_time_seconds": "ReceiveMessageWaitTimeSeconds",
}

profile_results contains r if {
	some s in required_steps
	some name, want in s.require.queue_attributes
	q := connector_queue.queue
	got := object.get(q, name, 0)
	attribute_off(name, got, want)
	r := object.union(
		profile_finding(s, s.rule, lib.resource(q.arn, "AWS::SQS::Queue", connector_queue.account, q.region), sprintf("%s=%d", [name, got]), sprintf("queue %s has %s=%d; the guide sets %d", [q.arn, attribute_names[name], got, want]), sprintf("aws sqs set-queue-attributes --region %s --queue-url %s --attributes %s=%d", [q.region, object.get(q, "url", q.arn), attribute_names[name], want])),
		{"finding": {"fix": {"set": {attribute_names[name]: want}}}},
	)
}

profile_results contains r if {
	some s in required_steps
	wanted := s.require.notification_events
	some d in connector_deliveries
	d.kind == object.get(s.require, "source", d.kind)
	b := lib.bucket_named(d.bucket)
	some t in lib.notification_targets(b.bucket)
	some w in wanted
	not events_cover(object.get(t.cfg, "events", []), w)
	f := profile_finding(s, s.rule, lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region), sprintf("events:%s", [t.cfg.arn]), sprintf("the notification of bucket %s to %s sends %s; the guide requires %s", [d.bucket, t.cfg.arn, concat(", ", object.get(t.cfg, "events", [])), w]), sprintf("Set the notification's Events to [\"%s\"]", [w]))
	r := object.union(f, {"finding": lib.with_fix(f.finding, events_fix(t.cfg, w))})
}

# events_fix: where IaC declares the notification entry, its Event becomes
# w (a CloudFormation NotificationConfiguration entry has one Event;
# remedy writes it there). NT01 writes the same change, so a step folded
# into NT01's finding adds no second one (engine mergeSteps).
events_fix(cfg, w) := {"set_at": {"Event": w}} if {
	object.get(cfg, ["location", "file"], "") != ""
} else := null

profile_results contains r if {
	some s in required_steps
	s.require.organization_trail == true
	"cloudtrail" in lib.connector_sources
	# A standalone account has no organization to cover: its own trail is
	# all the guide can ask for.
	input.snapshot.organization
	count(lib.trails) > 0
	not some_org_trail
	r := profile_finding(s, s.rule, lib.resource(input.connector.role, "AWS::IAM::Role", connector_role_account, ""), "organization_trail", "no trail of the snapshot is an organization trail; the guide requires one covering every account", "Create the trail as an organization trail (IsOrganizationTrail=true) from the management account or a delegated administrator")
}

some_org_trail if {
	some e in lib.trails
	e.trail.is_organization_trail
}

profile_results contains r if {
	some s in required_steps
	s.require.trail_sns == true
	some d in connector_deliveries
	d.kind == "cloudtrail"
	not startswith(d.trail.name, "aws-controltower-") # CT06 reports those
	object.get(d.trail, "sns_topic_arn", "") == ""
	r := profile_finding(s, s.rule, lib.resource(d.arn, "AWS::CloudTrail::Trail", d.account, d.region), "trail_sns", sprintf("trail %s sends no SNS notification; the guide subscribes to the trail's topic", [d.arn]), sprintf("aws cloudtrail update-trail --region %s --name %s --sns-topic-name <topic in %s whose policy lets cloudtrail.amazonaws.com SNS:Publish>", [d.region, d.arn, d.region]))
}

# step_requests are, by step ID, the authorization questions the
# connector's guide steps ask, built and answered once in Go
# (analyzer/datapath.NewSteps, input.path_index.steps) with the request
# context AWS sends: each action a step demands of the connector's
# principal on its path's resources (kind: the action's on), the denies it
# forbids (no_deny), how the vendor authenticates (assume,
# instance_profile) and the trust of the role's replicas (replica):
# {kind, rule, severity, reader, action, resource, context, on, answer}.
# The rules read the answers (lib.path_answer), asking nothing. A Rego unit
# test that overrides the profile gets them built in Go for its profile
# (trailgate.step_requests), or gives them as input.step_requests.
step_requests := input.step_requests if {
	input.step_requests
} else := object.get(input.path_index, "steps", {}) if {
	input.path_index
} else := trailgate.step_requests(input.snapshot, input.connector, profile)

# step_asks are the questions of step s of a kind.
step_asks(s, kind) := [x |
	some x in object.get(step_requests, s.id, [])
	x.kind == kind
]

source_of(p, d) if p.source_arn == d.arn

source_of(p, d) if p.source_arn == sprintf("arn:%s:s3:::%s", [lib.partition, d.bucket])

# The connector-role actions S305, KM01 and SQ06 ask whatever the profile
# (s3:GetObject, s3:ListBucket, kms:Decrypt and the queue actions) are no
# step's question on the path's resources (analyzer/datapath genericCheck,
# from the reader table): the step would only repeat their finding, so it
# reports the other actions only.

# One finding per step and rule: every action of the step the role is
# denied (K3's three CloudTrail read actions are one missing policy). An
# action with a lower severity (rego/profiles Action.Severity: the guide
# asks for it, logs flow without it) joins the rule's finding when another
# action of the rule is denied too, and is reported alone at its severity
# otherwise.
profile_results contains r if {
	some s in required_steps
	some rule in {x.rule | some x in object.get(step_requests, s.id, []); x.kind in action_kinds}
	full := denied_step_actions(s, rule, false)
	lowered := denied_step_actions(s, rule, true)
	ds := array.concat(full, lowered)
	count(ds) > 0
	severity := step_severity(full, lowered)
	f := with_severity(severity, profile_finding(s, rule, role_resource, concat(",", [sprintf("%s:%s", [d.action, d.resource]) | some d in ds]), concat("; ", [sprintf("role %s cannot %s on %s: %s", [input.connector.role, d.action, d.resource, d.proof]) | some d in ds]), concat(" ", [action_fix(d.action, d.resource) | some d in ds])))
	r := object.union(f, {"finding": lib.with_fix(user_located(f.finding, ds[0].action), step_actions_fix(s, ds))})
}

# user_located points a finding about the connector's actions at the
# identity policy of the IAM user it signs as (Basic authentication),
# where its fix goes; a role's findings are located by the engine.
user_located(f, action) := lib.locate(f, principal_policy_locations(input.connector.role, action)) if {
	snapshot_user(input.connector.role)
} else := f

# action_kinds are the targets of the actions denied_step_actions reports
# (the Macie queue's actions are K4's own finding, guide_steps.rego).
action_kinds := {"queue", "api", "objects", "bucket", "topics", "object_key"}

# step_actions_fix is the statement the connector role's identity policy
# must gain for a step's denied actions, as data (findings.Fix): only when
# the identity policy alone grants them (each denial implicit, on one
# resource that is "*" or in the role's account and no key, which a key
# policy must admit too), so that adding it fixes the cause; else null,
# and the prose says both grants.
step_actions_fix(s, ds) := lib.statement_fix("identity", {
	"Sid": step_sid(s),
	"Effect": "Allow",
	"Action": sort({d.action | some d in ds}),
	"Resource": ds[0].resource,
}) if {
	every d in ds {
		d.decision == "ImplicitlyDenied"
		d.resource == ds[0].resource
		identity_alone(d.resource)
	}
} else := object.union(lib.statement_fix("identity", {
	"Sid": step_sid(s),
	"Effect": "Allow",
	"Action": sort({d.action | some d in ds}),
	"Resource": one_or_list(sort({d.resource | some d in ds})),
}), also_resource_grants(ds)) if {
	# Several resources (radiant R7: both topics), or one a resource
	# policy must admit too: the step demands every action on every
	# target, so one statement grants them all; what the resource
	# policies must add is a further change, which also says.
	every d in ds {
		d.decision == "ImplicitlyDenied"
	}
} else := null

step_sid(s) := regex.replace(sprintf("%s%s%s", [upper(substring(profile_name, 0, 1)), substring(profile_name, 1, -1), s.id]), "[^A-Za-z0-9]", "")

one_or_list(l) := l[0] if count(l) == 1

else := l

# also_resource_grants says the grants the resource policies (of another
# account's resources, or keys) must add for the step's actions, or is
# empty when the identity policy alone grants them.
also_resource_grants(ds) := {"also": concat("; ", [sprintf("add to the resource policy of %s: %s", [r, lib.statement_json({"Effect": "Allow", "Principal": {"AWS": input.connector.role}, "Action": sort({d.action | some d in ds; d.resource == r}), "Resource": resource_pattern(r)})]) | some r in others])} if {
	others := sort({d.resource | some d in ds; not identity_alone(d.resource)})
	count(others) > 0
} else := {}

identity_alone("*")

identity_alone(r) if {
	r != "*"
	not contains(r, ":kms:")
	lib.account_of_arn(r) == connector_role_account
}

severity_rank := {"high": 3, "medium": 2, "low": 1}

# step_severity is "" (the rule's) when an action without a lower severity
# is denied, else the highest of the lowered ones.
step_severity(full, lowered) := "" if count(full) > 0

else := sev if {
	ranks := {severity_rank[d.severity] | some d in lowered}
	some sev, rank in severity_rank
	rank == max(ranks)
}

# with_severity lowers a profile finding to the severity its actions carry.
with_severity(severity, r) := r if severity == ""

else := object.union(r, {"finding": {"severity": severity}})

# denied_step_actions are the actions of step s reported under rule that
# the connector's role is denied, sorted by action and resource: those
# with a lower severity (lowered), or the others.
denied_step_actions(s, rule, lowered) := [d | some [_, _, d] in sort([[x.action, x.resource, d] |
	some x in object.get(step_requests, s.id, [])
	x.kind in action_kinds
	x.rule == rule
	severity := object.get(x, "severity", "")
	(severity != "") == lowered
	answer := lib.path_answer(x)
	lib.denied(answer)
	d := {"action": x.action, "resource": x.resource, "proof": answer.proof, "severity": severity, "decision": answer.decision}
])]

profile_results contains r if {
	some s in required_steps
	some x in step_asks(s, "no_deny")
	answer := lib.path_answer(x)
	answer.decision == "ExplicitlyDenied"
	# S304 already reports the bucket policy's own denies; the step adds
	# the others (SCP, RCP, boundary, identity policy).
	not denied_by_bucket_policy(answer)
	r := profile_finding(s, s.rule, role_resource, sprintf("deny:%s", [x.action]), sprintf("a policy explicitly denies %s %s on %s: %s", [input.connector.role, x.action, x.resource, answer.proof]), "Remove the deny statement named above (the guide requires that no policy denies the harvesting role its S3 actions)")
}

# denied_by_bucket_policy: a statement of the bucket policy (the resource
# policy of the S3 request) explicitly denies it.
denied_by_bucket_policy(answer) if lib.answer_names(answer, "resource", "deny")

# profile_findings groups the profile results by catalog rule ID.
profile_findings[rule] contains r.finding if {
	some r in profile_results
	rule := r.rule
}

# connector_topics are the pipeline topics that carry the connector's
# sources' notifications.
connector_topics contains t if {
	some p in publishers
	some d in connector_deliveries
	source_of(p, d)
	t := lib.topic_arn(p.topic)
}

profile_results contains r if {
	some s in required_steps
	s.require.topic_region == "bucket"
	some d in connector_deliveries
	b := lib.bucket_named(d.bucket)
	some t in connector_topics
	t.topic.region != b.bucket.region
	r := profile_finding(s, s.rule, lib.resource(t.topic.arn, "AWS::SNS::Topic", t.account, t.topic.region), "topic_region", sprintf("topic %s is in %s; the guide puts it in the bucket's Region %s", [t.topic.arn, t.topic.region, b.bucket.region]), sprintf("Create the topic in %s", [b.bucket.region]))
}

profile_results contains r if {
	some s in required_steps
	s.require.topic_type == "standard"
	some t in connector_topics
	t.topic.fifo_topic
	r := profile_finding(s, s.rule, lib.resource(t.topic.arn, "AWS::SNS::Topic", t.account, t.topic.region), "topic_type", sprintf("topic %s is a FIFO topic; the guide requires a Standard topic", [t.topic.arn]), sprintf("Create a Standard topic in %s", [t.topic.region]))
}

# bucket_policy_grant: the bucket policy itself must name the reader (the
# guide grants through the bucket policy, not only the identity policy).
profile_results contains r if {
	some s in required_steps
	s.require.bucket_policy_grant == true
	some d in connector_deliveries
	b := lib.bucket_named(d.bucket)
	not bucket_policy_names(b.bucket, input.connector.role)
	f := profile_finding(s, s.rule, lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region), "bucket_policy_grant", sprintf("the bucket policy of %s does not grant %s s3:GetObject", [d.bucket, input.connector.role]), bucket_grant_fix(b))
	r := object.union(f, {"finding": lib.with_fix(lib.locate(f.finding, [object.get(b.bucket, ["policy", "location"], null)]), bucket_grant_fix_data(b))})
}

# bucket_grant_fix_data is bucket_grant_fix as data: the statement the
# bucket policy (where the finding points) gains, or, where an SCP locks
# the policy, the reason no edit of it deploys.
bucket_grant_fix_data(b) := lib.outside_fix(sprintf("an SCP denies s3:PutBucketPolicy on bucket %s, so a change to its policy fails to deploy; the reader needs a role in account %s, declared by a stack or configuration deployed there, that the connector assumes", [b.bucket.name, b.account])) if {
	lib.bucket_policy_lock(b)
} else := lib.statement_fix("resource", bucket_grant_statement(b))

bucket_grant_statement(b) := {
	"Sid": "AllowHarvestingRole", "Effect": "Allow", "Principal": {"AWS": input.connector.role},
	"Action": ["s3:GetObject", "s3:ListBucket"],
	"Resource": [b.bucket.arn, sprintf("%s/*", [b.bucket.arn])],
}

# Where an SCP forbids changing the bucket policy (Control Tower), the
# grant cannot be added; OR01 reports the SCP and both advise a role in the
# bucket's account.
bucket_grant_fix(b) := lib.log_archive_fix(input.connector.role, b) if {
	lib.bucket_policy_lock(b)
} else := sprintf("Add to the bucket policy of %s: %s", [b.bucket.name, lib.statement_json(bucket_grant_statement(b))])

bucket_policy_names(bucket, role) if {
	some st in statements(bucket.policy.document)
	st.Effect == "Allow"
	statement_covers(st, "s3:GetObject")
	some p in principal_values(st)
	p in {role, sprintf("arn:%s:iam::%s:root", [lib.partition, connector_role_account]), connector_role_account, "*"}
}

principal_values(st) := ["*"] if st.Principal == "*"

principal_values(st) := as_list(object.get(st.Principal, "AWS", null)) if is_object(st.Principal)

# action_fix spells both grants a cross-account or KMS request needs: the
# identity policy's, and the resource policy's naming the role.
action_fix(action, resource) := sprintf("Add to the policy of %s: %s", [
	input.connector.role,
	lib.statement_json({"Effect": "Allow", "Action": action, "Resource": resource}),
]) if {
	# "*" names no resource: there is no resource policy to add to.
	resource == "*"
} else := sprintf("Add to the policy of %s: %s; and to the resource policy of %s: %s", [
	input.connector.role,
	lib.statement_json({"Effect": "Allow", "Action": action, "Resource": resource}),
	resource,
	lib.statement_json({"Effect": "Allow", "Principal": {"AWS": input.connector.role}, "Action": action, "Resource": resource_pattern(resource)}),
])

# In a key policy the Resource is "*" (the key itself).
resource_pattern(r) := "*" if contains(r, ":kms:")

else := r

# ---------------------------------------------------------------------------
# rapid7: an encrypted bucket forces the harvesting role into the bucket's
# account (P1), and the storage region entered in the console is the
# bucket's (P4).

# read_buckets are the buckets the connector's role reads: its sources'
# log buckets and, for an EKS audit-log path, the stream's bucket.
read_buckets contains [b, encrypted] if {
	some d in connector_deliveries
	b := lib.bucket_named(d.bucket)
	encrypted := sse_kms(b.bucket, object.get(d, "kms_key", ""))
}

read_buckets contains [b, encrypted] if {
	some p in object.get(input, "paths", [])
	p.source.kind == "eks"
	p.source.bucket != ""
	b := lib.bucket_named(p.source.bucket)
	encrypted := sse_kms(b.bucket, object.get(p.source, "kms_key", ""))
}

sse_kms(_, key) if key != ""

sse_kms(bucket, _) if startswith(object.get(bucket, ["encryption", "sse_algorithm"], ""), "aws:kms")

# In the guide's cross-account setup (P2) the connector's role is in the
# bucket's account and trusted by the primary harvesting role, which the
# connector file names as trusted_principal; in the same-account setup the
# connector's role is the primary harvesting role itself. An encrypted
# bucket is read in the same-account setup only.
profile_results contains r if {
	some s in required_steps
	s.require.same_account_if_encrypted == true
	some [b, true] in read_buckets
	reads_from := cross_account_reader(b)
	f := profile_finding(s, s.rule, lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region), "encrypted_cross_account", sprintf("bucket %s is encrypted with SSE-KMS and is read from account %s (%s), not from its own account %s: the guide reads an encrypted bucket with the primary harvesting role in the bucket's account only", [b.bucket.name, reads_from[0], reads_from[1], b.account]), sprintf("Use the same-account setup for bucket %s: the primary harvesting role in account %s reads it (bucket policy s3:GetObject and s3:ListBucket, key policy kms:Decrypt)", [b.bucket.name, b.account]))
	r := object.union(f, {"finding": lib.with_fix(f.finding, lib.outside_fix(sprintf("the setup (same-account or cross-account) is chosen in the vendor's console: the harvesting role that reads the bucket must be one of account %s, which the connector names, not a setting of the bucket", [b.account])))})
}

# cross_account_reader is the account reading b from outside it and what
# says so: the primary harvesting role (trusted_principal) in the
# cross-account setup, or the connector's role itself where P2 does not
# already report the role's account (the bucket of an EKS path).
cross_account_reader(b) := [a, sprintf("primary harvesting role %s", [tp])] if {
	tp := object.get(input.connector, "trusted_principal", "")
	a := lib.account_of_arn(tp)
	a != ""
	a != b.account
} else := [connector_role_account, sprintf("connector role %s", [input.connector.role])] if {
	connector_role_account != ""
	connector_role_account != b.account
	not role_account_step_covers(b)
}

role_account_step_covers(b) if {
	some s in required_steps
	s.require.role_account == "bucket"
	some d in connector_deliveries
	d.bucket == b.bucket.name
}

profile_results contains r if {
	some s in required_steps
	s.require.storage_region == "bucket"
	want := object.get(input.connector, "region", "")
	want != ""
	# The storage region is the CloudTrail bucket's (the console asks it
	# with the bucket); the EKS bucket is not configured there.
	some d in connector_deliveries
	b := lib.bucket_named(d.bucket)
	got := object.get(b.bucket, "region", "")
	got != ""
	got != want
	r := with_step_fix(profile_finding(s, "SQ03", lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, got), "storage_region", sprintf("the connector's storage region is %s, but bucket %s is in %s: the harvester looks for the bucket in the wrong region", [want, b.bucket.name, got]), sprintf("Set the storage region in InsightCloudSec (and region: in the connector file) to %s", [got])), lib.outside_fix("the storage region is a setting of the connector (InsightCloudSec's console and the connector file), not of the bucket, which is where the logs are"))
}
