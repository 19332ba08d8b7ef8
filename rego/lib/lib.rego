# METADATA
# title: Shared helpers for trailgate rules
# description: >-
#   Lookups over input.snapshot (resources with the account that owns them),
#   the log sources, publishers and paths analyzer/datapath builds
#   (input.sources, input.publishers, input.paths), where their notifications
#   go and who reads, with every reader request and its answer
#   (input.path_index), and the authorization built-in. Facts about AWS
#   (where files land, the context a service sends) and the joins of the
#   pipeline live in Go; these helpers only look them up.
package trailgate.lib

# partition is the snapshot's AWS partition (aws when unset).
default partition := "aws"

partition := p if {
	p := input.snapshot.partition
	p != ""
}

org_id := input.snapshot.organization.id

management_account := input.snapshot.organization.management_account_id

# org_members lists the organization's account IDs (members and management).
org_members contains m.id if some m in input.snapshot.organization.members

org_members contains management_account

# ---------------------------------------------------------------------------
# Authorization.

# authz asks the analyzer's authorization index (analyzer/authz through the
# trailgate.authz built-in) whether principal may perform action on resource
# with the condition keys in ctx. The answer is
# {"decision": "Allowed"|"ImplicitlyDenied"|"ExplicitlyDenied"|"Unknown",
#  "proof": "...", "explanation": [...], "statements": [...],
#  "kinds": [...]}, statements naming the statements that decided or nearly
# decided:
# {"kind": "resource"|"identity"|"boundary"|"scp"|"rcp"|..., "policy": the
# resource ARN, inline policy name, managed policy ARN or organization
# policy ID, "target": the SCP/RCP level, "index": N, "sid": "...",
# "effect": "Allow"|"Deny", "role": "deny"|"allow"|"near_miss"|"malformed"},
# and kinds saying, in the explanation's order, what each policy kind
# consulted decided (one per SCP/RCP level and per boundary):
# {"kind": as in statements, "target": the SCP/RCP level, "outcome":
# "allow"|"deny"|"implicit"|"skipped", "reason": the sentence to
# quote} (analyzer/engine AuthzBuiltin). Rules decide from statements and
# kinds, never from the explanation's wording.
#
# A call AWS makes on the delivery path is never asked here: Go asks it
# once, with the context the real call sends, and the rules read its answer
# (the hops of input.paths, input.path_index: service_answers,
# member_writes, requests, assume, member_assumes, steps) through
# path_answer. What may still ask directly are probes, questions no real
# call on the path makes, each asked to see what a counterfactual request
# would get: ID01's confused-deputy probes (the vendor's assume without an
# external ID, and with another customer's), S306's MFA probe
# (s3:DeleteObject without MFA) and bucket_policy_lock (who may change a
# bucket policy).
authz(principal, action, resource, ctx) := trailgate.authz(
	input.snapshot,
	{"principal": principal, "action": action, "resource": resource, "context": ctx},
)

# denied holds for a proven denial. Unknown (a policy that cannot be read or
# evaluated offline) is never reported as a denial.
denied(answer) if answer.decision in {"ImplicitlyDenied", "ExplicitlyDenied"}

allowed(answer) if answer.decision == "Allowed"

# identity_allows and resource_allows say which side of a denied request
# already allows it (a statement of that kind allows it, answer.statements
# role "allow"): remediations then name only the missing side.
identity_allows(answer) if answer_names(answer, "identity", "allow")

resource_allows(answer) if answer_names(answer, "resource", "allow")

# answer_names holds when the answer names a statement of kind (as
# answer.statements names kinds) in role.
answer_names(answer, kind, role) if {
	some s in object.get(answer, "statements", [])
	s.kind == kind
	s.role == role
}

# kind_outcomes are, in the explanation's order, the outcomes (answer.kinds)
# of the policies of a step kind rules name (statement_kinds).
kind_outcomes(answer, kind, outcome) := [k |
	some k in object.get(answer, "kinds", [])
	k.kind == statement_kinds[kind]
	k.outcome == outcome
]

# is_unknown holds for a value an IaC collector could not resolve (an
# ImportValue, a value known only after apply): the collectors write it as
# "<unknown:reason>" (collectors/snapshot.Unknown), possibly inside a
# longer string. A rule must not judge such a value's shape.
is_unknown(v) if contains(v, "<unknown:")

# bucket_policy_lock is the answer proving that an SCP denies
# s3:PutBucketPolicy on the bucket to the principals of the bucket's account
# (Control Tower's GRAUDITBUCKETPOLICYCHANGESPROHIBITED on aws-controltower*
# buckets exempts only AWSControlTowerExecution): a cross-account reader
# cannot be granted through the bucket policy there, and remediations must
# not advise it
# (https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html).
bucket_policy_lock(b) := answer if {
	# A probe of who may change the policy, which no delivery or reading call makes.
	answer := authz(sprintf("arn:%s:iam::%s:root", [partition, b.account]), "s3:PutBucketPolicy", b.bucket.arn, {})
	answer.decision == "ExplicitlyDenied"
	blocked_by(answer, "scp")
}

# log_archive_fix is the remediation for a cross-account reader of a bucket
# whose policy cannot change: a role in the bucket's account (Log Archive)
# that the connector assumes, reading with its identity policy.
log_archive_fix(reader, b) := sprintf("The bucket policy of %s cannot change (an SCP denies s3:PutBucketPolicy): create a role in account %s (the bucket's account) trusted by %s, with the identity policy %s, and point the connector at that role.", [b.bucket.name, b.account, reader, statement_json({
	"Sid": "ReadSecurityLogs",
	"Effect": "Allow",
	"Action": ["s3:GetObject", "s3:ListBucket"],
	"Resource": [b.bucket.arn, sprintf("%s/*", [b.bucket.arn])],
})])

# ---------------------------------------------------------------------------
# Resources with the account that owns them.

trails contains {"trail": t, "account": a.id} if {
	some a in input.snapshot.accounts
	some t in a.trails
}

buckets contains {"bucket": b, "account": a.id} if {
	some a in input.snapshot.accounts
	some b in a.buckets
}

keys contains {"key": k, "account": a.id} if {
	some a in input.snapshot.accounts
	some k in a.keys
}

topics contains {"topic": t, "account": a.id} if {
	some a in input.snapshot.accounts
	some t in a.topics
}

queues contains {"queue": q, "account": a.id} if {
	some a in input.snapshot.accounts
	some q in a.queues
}

roles contains {"role": r, "account": a.id} if {
	some a in input.snapshot.accounts
	some r in a.roles
}

detectors contains {"detector": d, "account": a.id} if {
	some a in input.snapshot.accounts
	some d in a.detectors
}

# sources are the log sources (analyzer/datapath.LogSource): each trail
# once and each GuardDuty publishing destination, with where its files land
# (key_prefix, key_suffix, sample_key), who writes them (writer) and the
# request context AWS sends (writer_context). publishers are the services
# that publish their notifications to SNS topics (datapath.Publisher).
# Both are built once in Go and passed as input; a Rego test that brings
# only input.snapshot gets the same from the trailgate.sources built-in.
sources := input.sources if {
	input.sources
} else := trailgate.sources(input.snapshot).sources

publishers := input.publishers if {
	input.publishers
} else := trailgate.sources(input.snapshot).publishers

# paths are the delivery paths analyzer/datapath builds once and answers
# (input.paths: each question with its answer's decision and ref); a Rego
# test that brings only input.snapshot and input.connector gets the same
# from the trailgate.paths built-in (answers inline), and one that brings
# its own paths gets the index from it.
paths := input.paths if {
	input.paths
} else := path_model.paths

# path_index holds the lookups the rules make, built once in Go
# (analyzer/engine indexValue): the delivery side of every log source
# (delivery), the reader side of the paths (readers, queue_readers, keys,
# requests, assume) and answers ("principal action resource" -> the
# answer of a reader's request).
path_index := input.path_index if {
	input.path_index
} else := path_model.index

path_model := trailgate.paths(input.snapshot, object.get(input, "connector", null))

# source is the log source of a trail or GuardDuty detector ARN.
source(arn) := s if {
	some s in sources
	s.arn == arn
}

# Lookups by name or ARN read indexes built once per evaluation (an object
# per kind, keyed as the rules look resources up) instead of scanning every
# resource of the organization on each call. Names and ARNs are unique
# (bucket names globally, ARNs by construction), as the scans these
# replaced already required: a second resource under one key would make
# them answer twice.
buckets_by_name := {e.bucket.name: e | some e in buckets}

topics_by_arn := {e.topic.arn: e | some e in topics}

queues_by_arn := {e.queue.arn: e | some e in queues}

keys_by_arn := {e.key.arn: e | some e in keys}

keys_by_id := {e.key.key_id: e | some e in keys; e.key.key_id != ""}

# keys_by_alias_arn: alias names are unique per account and region.
keys_by_alias_arn := {sprintf("%s:%s:%s", [e.account, e.key.region, al]): e |
	some e in keys
	some al in object.get(e.key, "aliases", [])
}

bucket_named(name) := buckets_by_name[name]

topic_arn(arn) := topics_by_arn[arn]

queue_arn(arn) := queues_by_arn[arn]

role_arn(arn) := roles_by_arn[arn]

# roles_by_arn indexes the roles by ARN, as above.
roles_by_arn := {e.role.arn: e | some e in roles}

# key_ref resolves a KMS key reference as AWS stores it (key ARN, key ID,
# alias name or alias ARN) to the key, looking in the given account and
# region for the forms that carry neither.
key_ref(ref, _, _) := keys_by_arn[ref] if {
	keys_by_arn[ref]
} else := keys_by_id[ref] if {
	not startswith(ref, "arn:")
	not startswith(ref, "alias/")
	keys_by_id[ref]
} else := e if {
	startswith(ref, "alias/")
	some e in keys
	ref in e.key.aliases
} else := e if {
	startswith(ref, "arn:")
	contains(ref, ":alias/")
	parts := split(ref, ":")
	e := keys_by_alias_arn[sprintf("%s:%s:%s", [parts[4], parts[3], parts[5]])]
}

# account_of_arn is the account field of an ARN.
account_of_arn(arn) := split(arn, ":")[4]

# principals_complete holds when the input lists every role and user of
# account (a live or fixture snapshot whose IAM listing succeeded): there a
# principal absent from the input does not exist. A template or plan
# declares some of an account's principals only, and a failed listing is a
# gap: input.principal_gaps (analyzer/authz) names those accounts, where a
# rule must not report a principal missing.
principals_complete(account) if not principal_gap(account)

principal_gap(account) if _ = input.principal_gaps[account]

region_of_arn(arn) := split(arn, ":")[3]

# resource builds a finding's resource object.
resource(id, typ, account, region) := {"id": id, "type": typ, "account": account, "region": region}

# statement_json spells a policy statement for a remediation.
statement_json(s) := json.marshal(s)

# with_fix adds a remedy as data beside the prose remediation (findings.Fix:
# {"set": {Property: value}} in CloudFormation's names, or {"add_statement":
# statement, "policy": "resource"|"trust"}), so that trailgate can write
# it in the input's language; a fix that is not an object is left out.
with_fix(f, fx) := object.union(f, {"fix": fx}) if is_object(fx)

else := f

# grant_fix is the fix of a missing grant: add statement to the resource's
# policy. Only for an implicit deny: an Allow cannot lift an explicit deny,
# so there the prose (narrow or remove the Deny) is the whole remedy.
grant_fix(answer, statement) := {"add_statement": statement, "policy": "resource"} if {
	answer.decision == "ImplicitlyDenied"
} else := null

# ---------------------------------------------------------------------------
# The log pipeline.

# The delivery side of every log source, whatever the connector reads,
# is built once in Go (analyzer/datapath.Delivery, input.path_index
# .delivery): the rules judge it; they do not rebuild it. A path can start
# at any hop the input names: a bucket no writer of the snapshot writes,
# whose new-object notifications reach the connector's queue (or a queue a
# Lambda event source mapping polls), is a log bucket too (an implied
# source of the paths). Writers are judged on sources only.
delivery := path_index.delivery

with_slash(p) := "" if p == ""

with_slash(p) := p if {
	p != ""
	endswith(p, "/")
}

with_slash(p) := concat("", [p, "/"]) if {
	p != ""
	not endswith(p, "/")
}

# log_buckets are the buckets some writer delivers to, by name.
log_buckets := {name | some name in delivery.log_buckets}

# notification_targets are a bucket's topic and queue configurations.
notification_targets(b) := array.concat(
	[{"kind": "topic", "cfg": c} | some c in object.get(object.get(b, "notification", {}), "topic_configurations", [])],
	[{"kind": "queue", "cfg": c} | some c in object.get(object.get(b, "notification", {}), "queue_configurations", [])],
)

# sqs_subscriptions are a topic's SQS subscriptions.
sqs_subscriptions(topic) := [s | some s in object.get(topic, "subscriptions", []); s.protocol == "sqs"]

# reach lists the queues a log bucket's files are announced to: through a
# bucket notification (directly or via an SNS topic), or through the SNS
# topic of a trail that writes the bucket (datapath.Delivery.Reach).
reach(bucket_name) := {q | some q in object.get(delivery.reach, bucket_name, [])}

# queue_buckets: queue ARN -> the log buckets that reach it.
queue_buckets := delivery.queue_buckets

# pipeline_queues are every queue some log bucket reaches.
pipeline_queues := {q | some q, _ in queue_buckets}

# queue_sources: queue ARN -> the kinds of the log sources whose files are
# announced to it (through a notification whose filter admits them, or the
# trail's topic).
queue_sources := delivery.queue_sources

# queue_feeds are the (producer service, source ARN, source account, queue
# ARN) edges of the pipeline.
queue_feeds := {f | some f in delivery.feeds}

# sample_key is a log file the bucket holds (the least sample key of its
# sources).
sample_key(b) := delivery.sample_keys[b.bucket.name]

# bucket_sources: bucket name -> the log sources that write it.
bucket_sources := sources_by_bucket

sources_by_bucket[name] contains d if {
	some d in sources
	name := d.bucket
}

# bucket_readers: bucket name -> the readers that read it.
bucket_readers := readers_by_bucket

readers_by_bucket[name] contains r if {
	some r in readers
	some name in r.buckets
}

filter_matches(cfg, key) if {
	startswith(key, object.get(cfg, "filter_prefix", ""))
	endswith(key, object.get(cfg, "filter_suffix", ""))
}

connector_sources := s if {
	s := input.connector.sources
	count(s) > 0
} else := ["cloudtrail", "guardduty"]

# api_sources are the connector's sources its vendor reads through the
# service's API (CloudTrail LookupEvents, GuardDuty GetFindings: the
# profile's delivery.api_sources) rather than from S3.
api_sources := {s |
	some s in data.trailgate.profiles[input.connector.profile].delivery.api_sources
	s in connector_sources
}

# s3_sources are the connector's sources it reads from S3.
s3_sources := {s | some s in connector_sources; not s in api_sources}

# source_judged holds when the S3 export of a log source matters: always
# without a connector file; with one, when the connector reads that source
# from S3 (a source it does not list, or reads through the API, is not
# judged: shared/profiles.md, "Across profiles").
source_judged(_) if not input.connector.role

source_judged(kind) if {
	kind in s3_sources
	not events_fed(kind)
}

# events_fed holds when the connector's queue receives GuardDuty findings
# through an EventBridge rule (analyzer/datapath's event-rule paths): the
# connector reads them from the messages, not from an S3 export.
events_fed("guardduty") if {
	q := input.connector.queue
	q != ""
	some p in object.get(input, "paths", [])
	some h in p.hops
	h.kind == "event-rule"
	some hq in p.hops
	hq.kind == "queue"
	hq.resources[0].arn == q
}

# The reader side of the paths is built once in Go too
# (analyzer/datapath.Reads, input.path_index): who reads, every request a
# reader makes with the context AWS sends and its answer, and the answers
# to the actions the reader table only recommends.

# readers are who reads the logs, with the buckets they read. With a
# connector: its object reader (object_role, else role), reading the
# buckets of the paths' read hops where it downloads log files
# (analyzer/datapath: the buckets its queue announces, or, when none is
# announced, every bucket of a source it reads from S3); otherwise the
# roles the paths show allowed to receive from a queue (analyzer/datapath
# inferredReaders), each reading the buckets whose paths reach that queue.
# Who polls the queue is queue_readers.
readers := {r | some r in path_index.readers}

# queue_readers are the principals that poll a queue, with their kind
# (role, or lambda-esm for a Lambda function's execution role behind an
# event source mapping, which needs sqs:GetQueueAttributes too): the
# reader-hop questions of the paths (analyzer/datapath queueReaders) that
# name a known reader. With a connector: its queue_role, else the roles of
# the event source mappings on its queue, else its role. Without one: the
# roles of event source mappings on the queues the paths reach.
queue_readers := {r | some r in path_index.queue_readers}

# path_answer is the full answer to a question of the paths (or to a
# request of path_index), by the ref input.paths gives it (inline in Rego
# unit tests, trailgate.paths): an Unknown answer is logged for the rule
# that reads it, as authz's are.
path_answer(q) := q.answer if {
	q.answer.proof
} else := trailgate.path_answer(q.answer.ref)

# reader_answer is the answer to a reader's request as its path asked it
# (with the request context the path built), else, for a request no path
# asks (an action only recommended), as asked without context: both asked
# in Go (path_index.answers) for every action of the reader table a reader
# may call.
reader_answer(role, action, resource) := path_answer({"answer": path_index.answers[concat(" ", [role, action, resource])]})

# service_answer is the answer to a service's call for a source (S3 or
# CloudTrail publishing to a topic, SNS or S3 sending to a queue, the
# sender's kms:GenerateDataKey and kms:Decrypt on the topic's or queue's
# key), asked once in Go with the context the service sends, as the path
# asked it where a path does (datapath.ServiceAnswers,
# path_index.service_answers).
service_answer(principal, action, resource, source) := path_answer({"answer": path_index.service_answers[concat(" ", [principal, action, resource, source])]})

# reader_requests are every request a reader makes to read the logs: the
# log objects, the bucket listing where the connector's guide demands it
# (elsewhere s3:ListBucket is only recommended, and a policy denying it
# breaks nothing), each key on the path with the context its decrypt
# carries, and its queue, each with its answer ({reader, action, resource,
# context, on, answer}).
reader_requests := {x | some x in path_index.requests}

# request_answer is the answer to one of reader_requests.
request_answer(x) := path_answer(x)

# reader_keys are the keys a reader meets on its way to the log files,
# with the context the decrypt carries (S3 or SQS calling on the reader's
# behalf, the object's encryption context) and its answer:
# {reader, key: {key, account}, why, context, trail, answer}.
reader_keys := {object.union(k, {"key": keys_by_arn[k.key]}) | some k in path_index.keys}

# ---------------------------------------------------------------------------
# Findings.

# A finding points at what it is about (issue 4: a finding about one
# statement points at that statement, so that SARIF lands on the right line
# of a pull request):
#   - an attribute of a resource (ownership, encryption, a queue's redrive
#     policy): the resource, with_location;
#   - a grant a policy lacks: the policy document, else the resource,
#     with_policy_location;
#   - a statement that denies, or an allow statement that nearly matches
#     (the authorization answer names it): that statement, else the
#     document, else the resource, with_statement_location.
# The engine falls back to the resource's declaration for findings that
# carry no location (analyzer/engine/location.go).

# locate adds the first of locs that names a file; null entries are skipped.
locate(f, locs) := object.union(f, {"location": ls[0]}) if {
	ls := [l | some l in locs; is_object(l); object.get(l, "file", "") != ""]
	count(ls) > 0
} else := f

# grant_fix is the fix of a missing grant: add statement to the resource's
# policy. Only for an implicit deny: an Allow cannot lift an explicit deny,
# so there the prose (narrow or remove the Deny) is the whole remedy.
grant_fix(answer, statement) := {"add_statement": statement, "policy": "resource"} if {
	answer.decision == "ImplicitlyDenied"
} else := null

# with_location: the finding is about the resource itself.
with_location(f, res) := locate(f, [object.get(res, "location", null)])

# with_policy_location: the finding is about a grant missing from
# res.policy.
with_policy_location(f, res) := locate(f, [
	object.get(res, ["policy", "location"], null),
	object.get(res, "location", null),
])

# with_statement_location: the finding is about the statement of policy
# (res.policy, or a role's trust_policy) that answer names for kind
# (resourcePolicy, identityPolicy, scp, ...; see statement_index): the
# statement that denies, or the near-miss allow statement. Without one, the
# document, then the resource.
with_statement_location(f, res, policy, answer, kind) := locate(f, [
	statement_location(policy, answer, kind),
	object.get(policy, "location", null),
	object.get(res, "location", null),
])

# with_grant_location: the finding is about a grant of action to principal
# (a service principal or an ARN) that res's policy lacks. It points at the
# statement the answer names (a deny, a near miss), else at the Allow
# statement that already names principal and action but does not match the
# request (a resource path or condition to widen: the statement to edit),
# else the document, else the resource.
with_grant_location(f, res, policy, answer, principal, action) := locate(f, [
	statement_location(policy, answer, "resourcePolicy"),
	granting_location(policy, principal, action),
	object.get(policy, "location", null),
	object.get(res, "location", null),
])

# granting_location is where the first Allow statement of policy naming
# principal and an action pattern matching action is written, or null.
granting_location(policy, principal, action) := policy.statement_locations[is[0]] if {
	is := [i |
		some i, s in statements(policy.document)
		s.Effect == "Allow"
		names_principal(s, principal)
		some a in as_list(object.get(s, "Action", []))
		glob.match(lower(a), null, lower(action))
	]
	count(is) > 0
	object.get(policy.statement_locations[is[0]], "file", "") != ""
} else := null

names_principal(s, p) if {
	is_object(s.Principal)
	some field in ["Service", "AWS", "Federated"]
	p in as_list(object.get(s.Principal, field, []))
}

# A bare string Principal is malformed, but it is the statement meant for p.
names_principal(s, p) if s.Principal == p

# with_identity_location: the finding is about a grant of action on
# resource that the reader's own identity policy lacks (the resource side
# already allows, or needs not): it points at the Allow statement of the
# role's inline or customer managed policies that already grants the same
# service on that resource (where the action belongs), else at the one that
# grants the action on other resources (the one to widen), else at the
# role's first policy document, else at the role, else keeps the
# fallbacks.
with_identity_location(f, role, action, resource, fallbacks) := locate(f, array.concat([
	identity_statement_location(role, action, resource),
	identity_action_location(role, action),
	identity_document_location(role),
	object.get(role_arn(role).role, "location", null),
], fallbacks))

identity_documents(role) := array.concat(
	[p | some p in object.get(role_arn(role).role, "inline_policies", [])],
	[mp |
		some arn in object.get(role_arn(role).role, "attached_policy_arns", [])
		some a in input.snapshot.accounts
		some mp in object.get(a, "managed_policies", [])
		mp.arn == arn
	],
)

identity_statement_location(role, action, resource) := ls[0] if {
	service := split(lower(action), ":")[0]
	ls := [l |
		some p in identity_documents(role)
		some i, s in statements(p.document)
		s.Effect == "Allow"
		some r in as_list(object.get(s, "Resource", []))
		glob.match(r, null, resource)
		some a in as_list(object.get(s, "Action", []))
		startswith(lower(a), concat("", [service, ":"]))
		l := object.get(p, ["statement_locations", i], null)
		is_object(l)
		object.get(l, "file", "") != ""
	]
	count(ls) > 0
} else := null

identity_action_location(role, action) := ls[0] if {
	ls := [l |
		some p in identity_documents(role)
		some i, s in statements(p.document)
		s.Effect == "Allow"
		some a in as_list(object.get(s, "Action", []))
		glob.match(lower(a), null, lower(action))
		l := object.get(p, ["statement_locations", i], null)
		is_object(l)
		object.get(l, "file", "") != ""
	]
	count(ls) > 0
} else := null

identity_document_location(role) := ls[0] if {
	ls := [l |
		some p in identity_documents(role)
		l := object.get(p, "location", null)
		is_object(l)
		object.get(l, "file", "") != ""
	]
	count(ls) > 0
} else := null

# with_org_statement_location: the finding is about the SCP or RCP (kind
# "scp" or "rcp") statement that denies the request. The answer names the
# policy (its ID) and the level it is attached to (answer.statements); the
# finding points at the statement, else at its policy (a Terraform plan
# places the policy resource, not its statements). Without either, the
# finding keeps the engine's fallback (its resource).
with_org_statement_location(f, answer, kind) := locate(f, [org_statement_location(answer, kind)])

org_statement_location(answer, kind) := l if {
	denies := [s |
		some s in object.get(answer, "statements", [])
		s.kind == kind
		s.role == "deny"
	]
	count(denies) > 0
	s := denies[0]
	type := {"scp": "SERVICE_CONTROL_POLICY", "rcp": "RESOURCE_CONTROL_POLICY"}[kind]
	ls := [l |
		some p in object.get(input.snapshot, ["organization", "policies"], [])
		p.id == s.policy
		p.type == type
		s.target in object.get(p, "targets", [])
		some l in [object.get(p.document, ["statement_locations", s.index], null), object.get(p.document, "location", null)]
		is_object(l)
		object.get(l, "file", "") != ""
	]
	count(ls) > 0
	l := ls[0]
} else := null

# statement_location is where the statement the answer names for kind is
# written in policy, or null.
statement_location(policy, answer, kind) := policy.statement_locations[i] if {
	i := statement_index(policy.document, answer, kind)
	object.get(policy.statement_locations[i], "file", "") != ""
} else := null

# statement_kinds maps the explanation's step kinds, which rules name, to
# the kinds of answer.statements (analyzer/authz.Statement).
statement_kinds := {
	"resourcePolicy": "resource",
	"identityPolicy": "identity",
	"permissionsBoundary": "boundary",
	"sessionPolicy": "session",
	"vpcEndpointPolicy": "vpcEndpoint",
	"scp": "scp",
	"rcp": "rcp",
}

# statement_index is the index in doc of the statement the answer names
# for kind: the one that denies, else the one that allows, else the near
# miss (an Allow statement that matched but for a condition). Else, for a
# resource policy AWS would reject, the statement that makes it malformed
# (it grants nothing, analyzer/iam PolicyError). An index outside doc
# names another document: none.
statement_index(doc, answer, kind) := i if {
	s := named_statement(answer, kind)
	s.index < count(statements(doc))
	i := s.index
} else := i if {
	kind == "resourcePolicy"
	is := [s.index |
		some s in object.get(answer, "statements", [])
		s.kind == "resource"
		s.role == "malformed"
	]
	count(is) > 0
	i := is[0]
	i < count(statements(doc))
}

# named_statement is the first statement of answer.statements of kind, by
# role: deny, then allow, then near miss.
named_statement(answer, kind) := ss[0] if {
	k := statement_kinds[kind]
	ss := [s |
		some role in ["deny", "allow", "near_miss"]
		some s in object.get(answer, "statements", [])
		s.kind == k
		s.role == role
	]
	count(ss) > 0
}

# condition_values lists the values an Allow statement of a policy
# conditions on key (any operator), for statements that name the service
# principal and allow action: used to explain why a grant does not match.
condition_values(doc, service, action, key) := {v |
	some s in statements(doc)
	s.Effect == "Allow"
	is_object(s.Principal)
	service in as_list(object.get(s.Principal, "Service", []))
	some a in as_list(object.get(s, "Action", []))
	glob.match(lower(a), null, lower(action))
	some _, conds in object.get(s, "Condition", {})
	is_object(conds)
	some k, vals in conds
	lower(k) == lower(key)
	some v in as_list(vals)
}

statements(doc) := doc.Statement if is_array(doc.Statement)

statements(doc) := [doc.Statement] if is_object(doc.Statement)

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

bucket_resource(b) := resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region)

# blocked_by holds when a denial comes from policies of one kind (scp, rcp,
# resourcePolicy, identityPolicy, permissionsBoundary): an explicit deny
# there, or, for an implicit denial, a level of that kind that allows
# nothing.
blocked_by(answer, kind) if answer_names(answer, statement_kinds[kind], "deny")

blocked_by(answer, kind) if {
	answer.decision == "ImplicitlyDenied"
	kind in {"scp", "rcp"}
	count(kind_outcomes(answer, kind, "implicit")) > 0
}

# blocking_reason is the reason (answer.kinds) of the first policy of that
# kind that denies, else of the first that allows nothing, else the proof,
# for messages that should quote only the decisive policy.
blocking_reason(answer, kind) := trim_space(ks[0].reason) if {
	ks := kind_outcomes(answer, kind, "deny")
	count(ks) > 0
} else := trim_space(ks[0].reason) if {
	ks := kind_outcomes(answer, kind, "implicit")
	count(ks) > 0
} else := answer.proof

# org_policy_blocks: an SCP or RCP decides the denial (OR01, OR02), so the
# rules about identity and resource policies leave it to them.
org_policy_blocks(answer) if blocked_by(answer, "scp")

org_policy_blocks(answer) if blocked_by(answer, "rcp")

# decrypt_misconditions lists, for a CloudTrail log-file key on a reader's
# path, the conditions of key-policy statements that grant the reader
# kms:Decrypt but cannot hold for its requests: kms:CallerAccount pinned to
# another account, or an aws:cloudtrail:arn encryption context that does not
# cover the trail (KM02). KM01 leaves those denials to KM02.
decrypt_misconditions(p) := {m |
	p.trail != ""
	some s in statements(p.key.key.policy.document)
	s.Effect == "Allow"
	grants_decrypt(s)
	names_reader(s, p.reader.role)
	some op, conds in object.get(s, "Condition", {})
	is_object(conds)
	some k, vals in conds
	m := miscondition(lower(k), as_list(vals), p)
}

grants_decrypt(s) if {
	some a in as_list(object.get(s, "Action", []))
	glob.match(lower(a), null, "kms:decrypt")
}

names_reader(s, role) if {
	is_object(s.Principal)
	some v in as_list(object.get(s.Principal, "AWS", []))
	v in {role, account_of_arn(role), sprintf("arn:%s:iam::%s:root", [partition, account_of_arn(role)])}
}

miscondition("kms:calleraccount", vals, p) := sprintf("kms:CallerAccount is %s, but %s calls from %s", [concat(", ", sort(vals)), p.reader.role, account_of_arn(p.reader.role)]) if {
	not account_of_arn(p.reader.role) in vals
}

miscondition("kms:encryptioncontext:aws:cloudtrail:arn", vals, p) := sprintf("the aws:cloudtrail:arn encryption context must match %s, but the log files carry %s", [concat(", ", sort(vals)), p.trail]) if {
	every v in vals {
		not glob.match(v, null, p.trail)
	}
}
