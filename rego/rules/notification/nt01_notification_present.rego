# METADATA
# title: Log bucket does not announce new log files to the pipeline
# description: >-
#   A connector that reads an SQS queue learns of new log files only through
#   the bucket's event notifications (to an SNS topic subscribed by the queue,
#   or to the queue directly) or the trail's own SNS topic. Reported when no
#   bucket of a source the connector ingests reaches its queue, and when a
#   topic or queue configuration of a log bucket covers only some
#   s3:ObjectCreated:* event types and so can miss log files: S3 raises
#   s3:ObjectCreated:Put only for PutObject, and objects created by
#   CopyObject, POST or CompleteMultipartUpload raise their own event type.
#   AWS documents that the catalog's inferred fact does not hold for
#   CloudTrail: "when CloudTrail delivers a log file to your Amazon S3
#   bucket, it performs a PutObject API call", so a configuration with
#   s3:ObjectCreated:Put announces every CloudTrail log file and is no
#   longer reported when only trails write the files it filters; AWS does
#   not document the API GuardDuty exports with, so a Put-only configuration
#   that also filters GuardDuty findings is still reported (inferred).
#   Vendor guides (Radiant, Expel) ask for all object create events.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-enable-disable-notification-intro.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-recursive-logging.html
#     description: CloudTrail delivers each log file with a PutObject call
# custom:
#   id: NT01
#   severity: critical
#   smoke: [bucket-gone, canary-undelivered]
#   area: notification
#   hops: [notification]
#   reads:
#     - s3:GetBucketNotificationConfiguration
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Configure the log bucket's event notification for s3:ObjectCreated:* to
#     the pipeline's SNS topic (or queue). PutBucketNotificationConfiguration
#     replaces the whole configuration: merge with the existing one.
package trailgate.rules.nt01

import data.trailgate.lib
import data.trailgate.lib.datapath

object_created := {"s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload"}

# A connector's queue that no bucket of a source reaches.
deny contains f if {
	q := input.connector.queue
	q != ""
	some source in lib.connector_sources
	names := {d.bucket | some d in lib.sources; d.kind == source}
	every name in names {
		not q in lib.reach(name)
	}
	some name in names
	b := lib.bucket_named(name)
	f0 := lib.locate(
		{
			"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
			"message": sprintf("no event notification of bucket %s (%s logs) reaches the connector's queue %s: it has %s", [b.bucket.arn, source, q, describe(b.bucket)]),
			"fact": sprintf("%s unreached", [q]),
			"remediation": sprintf("Send the bucket's object-created events to the queue: subscribe %s to an SNS topic that %s notifies, or add to its notification configuration %s (PutBucketNotificationConfiguration replaces the whole configuration: merge with the existing one).", [q, b.bucket.name, lib.statement_json({"TopicConfigurations": [{"TopicArn": sprintf("arn:%s:sns:%s:%s:%s-events", [lib.partition, b.bucket.region, b.account, b.bucket.name]), "Events": ["s3:ObjectCreated:*"]}]})]),
		},
		[object.get(b.bucket, ["notification", "location"], null), object.get(b.bucket, "location", null)],
	)
	f := lib.with_fix(f0, {"also": sprintf("subscribe queue %s to a topic the bucket notifies of s3:ObjectCreated:* (a template's AWS::SNS::Subscription with Protocol sqs; Terraform's aws_sns_topic_subscription with protocol = \"sqs\"), from the queue's account, its queue policy letting sns.amazonaws.com sqs:SendMessage; or add such a topic to the bucket's notification (an entry of its NotificationConfiguration TopicConfigurations; a topic block of its aws_s3_bucket_notification), the other entries kept", [q])})
}

describe(b) := "no event notification configuration" if {
	count(lib.notification_targets(b)) == 0
} else := sprintf("notifications to %s only", [concat(", ", sort({t.cfg.arn | some t in lib.notification_targets(b)}))])

# A configuration that covers only some object-created events.
deny contains f if {
	some name in lib.log_buckets
	b := lib.bucket_named(name)
	some target in lib.notification_targets(b.bucket)
	events := {e | some e in target.cfg.events}
	not "s3:ObjectCreated:*" in events
	missing := object_created - events
	count(missing) > 0
	not put_announces_every_file(name, target.cfg, events)
	key := {"topic": "TopicArn", "queue": "QueueArn"}[target.kind]
	section := {"topic": "TopicConfigurations", "queue": "QueueConfigurations"}[target.kind]
	f := lib.with_fix(lib.locate(
		{
			"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
			"message": sprintf("the notification of bucket %s to %s covers %s but not %s: log files created that way are never announced", [b.bucket.arn, target.cfg.arn, covered(events), concat(", ", sort(missing))]),
			"fact": sprintf("%s events", [target.cfg.arn]),
			"remediation": sprintf("Set the configuration's events to s3:ObjectCreated:*: %s", [lib.statement_json({section: [object.union(
				{key: target.cfg.arn, "Events": ["s3:ObjectCreated:*"]},
				filter(target.cfg),
			)]})]),
		},
		[object.get(target.cfg, "location", null), object.get(b.bucket, ["notification", "location"], null), object.get(b.bucket, "location", null)],
	), datapath.events_fix(target.cfg, "s3:ObjectCreated:*"))
}

# put_announces_every_file holds when the configuration has
# s3:ObjectCreated:Put and every writer whose log files it filters is a
# trail: AWS documents that CloudTrail delivers each log file with PutObject
# (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-recursive-logging.html).
# GuardDuty's export API is not documented, so its files keep the check.
put_announces_every_file(name, cfg, events) if {
	"s3:ObjectCreated:Put" in events
	writers := {d.kind |
		some d in lib.sources
		d.bucket == name
		lib.filter_matches(cfg, d.sample_key)
	}
	count(writers) > 0
	every w in writers {
		w == "cloudtrail"
	}
}

covered(events) := "no object-created event" if {
	count(events & object_created) == 0
} else := concat(", ", sort(events & object_created))

filter(cfg) := {"Filter": {"Key": {"FilterRules": array.concat(
	[{"Name": "Prefix", "Value": cfg.filter_prefix} | object.get(cfg, "filter_prefix", "") != ""],
	[{"Name": "Suffix", "Value": cfg.filter_suffix} | object.get(cfg, "filter_suffix", "") != ""],
)}}} if {
	object.get(cfg, "filter_prefix", "") != ""
} else := {"Filter": {"Key": {"FilterRules": [{"Name": "Suffix", "Value": cfg.filter_suffix}]}}} if {
	object.get(cfg, "filter_suffix", "") != ""
} else := {}

# A vendor that subscribes its own queue to the source's topic (Radiant,
# R5) finds no topic to subscribe to: analyzer/datapath marks the path's
# notification hop. A trail without its SNS notification is R3's (CT05).
deny contains f if {
	some p in object.get(input, "paths", [])
	p.source.kind in lib.connector_sources
	not trail_sns_step(p.source.kind)
	some h in p.hops
	h.kind == "notification"
	some problem in object.get(h, "problems", [])
	startswith(problem, "no notification ")
	b := lib.bucket_named(p.source.bucket)
	# A topic configuration without object-created events is the events
	# check's (below): one finding per cause.
	not some_topic_configuration(b.bucket)
	f0 := lib.locate(
		{
			"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
			"message": no_topic_message(p.source.kind, problem),
			"fact": sprintf("%s no topic", [p.source.kind]),
			"remediation": sprintf("Create a Standard SNS topic in %s whose policy lets s3.amazonaws.com sns:Publish (aws:SourceAccount %s, aws:SourceArn %s), and add to the notification configuration of %s %s (PutBucketNotificationConfiguration replaces the whole configuration: merge with the existing one).", [b.bucket.region, b.account, b.bucket.arn, b.bucket.name, lib.statement_json({"TopicConfigurations": [{"TopicArn": sprintf("arn:%s:sns:%s:%s:<topic>", [lib.partition, b.bucket.region, b.account]), "Events": ["s3:ObjectCreated:*"]}]})]),
		},
		[object.get(b.bucket, ["notification", "location"], null), object.get(b.bucket, "location", null)],
	)
	f := lib.with_fix(f0, {"also": sprintf("declare a standard SNS topic in %s (AWS::SNS::Topic; aws_sns_topic) whose policy lets s3.amazonaws.com sns:Publish with aws:SourceAccount %s and aws:SourceArn %s, add it to the bucket's notification for s3:ObjectCreated:* (an entry of its NotificationConfiguration TopicConfigurations; a topic block of its aws_s3_bucket_notification), the other entries kept, and subscribe the connector's queue to it", [b.bucket.region, b.account, b.bucket.arn])})
}

some_topic_configuration(bucket) if {
	some t in lib.notification_targets(bucket)
	t.kind == "topic"
}

trail_sns_step(kind) if {
	kind == "cloudtrail"
	some s in datapath.required_steps
	s.require.trail_sns
}

# no_topic_message names the guide step that asks for the notification.
no_topic_message(kind, problem) := datapath.step_message(s.id, problem) if {
	some s in datapath.required_steps
	s.rule == "NT01"
	object.get(s.require, "source", kind) == kind
} else := problem

# The connector's vendor profile steps that name NT01 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if {
	some f in datapath.profile_findings.NT01
	not contains(f.fact, ":events:")
}

# The guides' "all object create events" (expel E8, radiant R5) is
# demanded even where the events check above lets a Put-only configuration
# pass (it announces every CloudTrail log file): the step stands, at
# medium since no file is missed; where the check above reports the same
# configuration, the step joins its critical finding.
deny contains object.union(f, {"severity": "medium"}) if {
	some f in datapath.profile_findings.NT01
	contains(f.fact, ":events:")
}
