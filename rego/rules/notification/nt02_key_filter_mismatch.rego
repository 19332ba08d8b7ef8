# METADATA
# title: Notification key filter misses the log files
# description: >-
#   S3 matches a notification's filter prefix against the start of the
#   object key and its suffix against the end. Organization trails write
#   <prefix>/AWSLogs/<org-id>/<account>/CloudTrail/…, Control Tower adds an
#   o-xxx/ top-level prefix, S3KeyPrefix and GuardDuty destination folders
#   shift keys too; CloudTrail files end in .json.gz and GuardDuty exports in
#   .jsonl.gz. When no topic or queue notification of the bucket admits a
#   source's keys, its files are written but never announced. With the
#   rapid7 profile, the default read prefix AWSLogs/<account> misses an
#   organization trail's AWSLogs/<org-id>/ layout (rapid7 step P4).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
#   - ref: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
# custom:
#   id: NT02
#   severity: high
#   smoke: [object-not-log]
#   area: notification
#   hops: [notification]
#   reads:
#     - cloudtrail:DescribeTrails
#     - s3:GetBucketNotificationConfiguration
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Set the notification's filter prefix to the source's real log prefix
#     (or remove it) and its suffix to .gz, .json.gz for CloudTrail or
#     .jsonl.gz for GuardDuty (or remove it).
package trailgate.rules.nt02

import data.trailgate.lib
import data.trailgate.lib.datapath

deny contains f if {
	some s in lib.sources
	# Only the sources someone reads: with a connector, its sources (a bucket
	# that also holds GuardDuty findings nobody reads through a queue needs no
	# notification for them); without one, every source.
	s.kind in lib.connector_sources
	b := lib.bucket_named(s.bucket)
	targets := datapath.object_targets(b.bucket)
	count(targets) > 0
	not admitted(targets, s)
	filters := sort([sprintf("%s %s (prefix %q, suffix %q)", [t.kind, t.cfg.arn, object.get(t.cfg, "filter_prefix", ""), object.get(t.cfg, "filter_suffix", "")]) | some t in targets])
	f := filter_fix(targets, s, {
		"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
		"message": sprintf("no notification of bucket %s admits the log files of %s, written under %s…%s: %s", [s.bucket, s.arn, s.key_prefix, s.key_suffix, concat("; ", filters)]),
		"fact": sprintf("filter-misses=%s", [s.arn]),
		"remediation": sprintf("Set the notification filter of bucket %s to {\"Key\":{\"FilterRules\":[{\"Name\":\"prefix\",\"Value\":\"%s\"},{\"Name\":\"suffix\",\"Value\":\"%s\"}]}} (or remove the filter)", [s.bucket, s.key_prefix, s.key_suffix]),
	})
}

# filter_fix: where the bucket has one notification and IaC declares it,
# the finding points at that entry and its filter becomes the source's
# key prefix and suffix (CloudFormation's Filter.S3Key.Rules). With
# several, which one should carry the logs is the user's call.
# filter_fix sets the filter of the one entry to change: the bucket's only
# entry, or, among several, the only one that reaches the connector's
# queue (the others feed other consumers, whose filters are theirs).
filter_fix(targets, s, f) := lib.with_fix(lib.locate(f, [t.cfg.location]), {"set_at": {"Filter": {"S3Key": {"Rules": rules}}}}) if {
	ts := fix_targets(targets)
	count(ts) == 1
	some t in ts
	object.get(t.cfg, ["location", "file"], "") != ""
	rules := [{"Name": n, "Value": v} |
		some [n, v] in [["prefix", s.key_prefix], ["suffix", s.key_suffix]]
		v != ""
	]
	count(rules) > 0
} else := f

fix_targets(targets) := targets if count(targets) == 1

else := [t |
	some t in targets
	reaches_connector(t)
]

reaches_connector(t) if {
	t.kind == "queue"
	t.cfg.arn == input.connector.queue
}

reaches_connector(t) if {
	t.kind == "topic"
	some sub in lib.sqs_subscriptions(lib.topic_arn(t.cfg.arn).topic)
	sub.endpoint == input.connector.queue
}

admitted(targets, s) if {
	some t in targets
	datapath.filter_admits(t.cfg, s)
}

# A profile step with default_prefix (rapid7 step P4: the storage prefix
# defaults to AWSLogs/<account-number>) misses a trail whose files land
# elsewhere: an organization trail (AWSLogs/<org-id>/<account>/), a trail
# with an S3KeyPrefix. The connector file's prefix, once the customer
# changed it in the console, replaces the default: the reader lists under
# it, so it must lead to the trail's key prefix.
deny contains f if {
	some step in datapath.required_steps
	step.require.default_prefix
	"cloudtrail" in lib.connector_sources
	some s in lib.sources
	s.kind == "cloudtrail"
	reads := reader_prefix(step, s)
	not startswith(s.key_prefix, lib.with_slash(reads))
	b := lib.bucket_named(s.bucket)
	f := lib.with_fix({
		"resource": lib.resource(s.arn, "AWS::CloudTrail::Trail", s.account, s.region),
		"message": datapath.step_message(step.id, sprintf("the reader's %s %s misses the %s %s, which writes under %s", [prefix_origin, reads, trail_kind(s), s.arn, s.key_prefix])),
		"fact": sprintf("%s-prefix=%s", [datapath.profile_name, s.arn]),
		"remediation": sprintf("In InsightCloudSec, set the CloudTrail storage prefix of bucket %s to %s (the %s's layout)", [b.bucket.name, s.key_prefix, trail_kind(s)]),
	}, lib.outside_fix("the storage prefix is a setting of the reader (InsightCloudSec), not of the trail or the bucket"))
}

connector_prefix := p if {
	p := object.get(input.connector, "prefix", "")
	p != ""
}

reader_prefix(step, s) := p if {
	p := connector_prefix
} else := replace(step.require.default_prefix, "<account>", s.account)

prefix_origin := o if {
	connector_prefix
	o := "storage prefix"
} else := "default storage prefix"

trail_kind(s) := k if {
	s.trail.is_organization_trail
	k := "organization trail"
} else := "trail"
