# METADATA
# title: The trail logs data events of its own log bucket
# description: >-
#   A trail that logs S3 data events for all buckets, or for its own log
#   bucket, records its own deliveries: CloudTrail's PutObject of each log
#   file is itself a data event, delivered to the bucket, generating another
#   event, and every GetObject a connector makes is logged and billed too.
#   Exclude the log bucket with an advanced event selector (resources.ARN
#   NotStartsWith the bucket ARN). AWS documents the loop, so the catalog's
#   inferred fact holds: a delivery "performs a PutObject API call" which,
#   when the trail logs S3 data events, "is recorded as an event" (recursive
#   events); the trail setting RecursiveLogging=false suppresses only
#   CloudTrail's own deliveries, not the connector's reads.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-recursive-logging.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html
# custom:
#   id: CT07
#   severity: low
#   area: trail
#   hops: [writer]
#   reads:
#     - cloudtrail:DescribeTrails
#     - cloudtrail:GetEventSelectors
#     - ec2:DescribeRegions
#     - sts:AssumeRole
#   remediation: >-
#     Use advanced event selectors for S3 data events with a resources.ARN
#     NotStartsWith condition naming the trail's own bucket.
package trailgate.rules.ct07

import data.trailgate.lib
import data.trailgate.lib.datapath

log_arn(e) := sprintf("arn:%s:s3:::%s/%s", [lib.partition, e.trail.s3_bucket_name, lib.with_slash(trim(object.get(e.trail, "s3_key_prefix", ""), "/"))])

# basic selectors: a data resource value is an ARN prefix.
logs_own_bucket(e) if {
	some s in object.get(e.trail, "event_selectors", [])
	some r in object.get(s, "data_resources", [])
	r.type == "AWS::S3::Object"
	some v in object.get(r, "values", [])
	datapath.prefixes_overlap(v, log_arn(e))
}

field(s, name) := fs if {
	some fs in s.field_selectors
	fs.field == name
}

s3_data_selector(s) if "AWS::S3::Object" in object.get(field(s, "resources.type"), "equals", [])

logs_own_bucket(e) if {
	some s in object.get(e.trail, "advanced_event_selectors", [])
	s3_data_selector(s)
	arn_admits(s, log_arn(e))
}

arn_admits(s, arn) if {
	not field(s, "resources.ARN")
}

arn_admits(s, arn) if {
	f := field(s, "resources.ARN")
	not excluded(f, arn)
	included(f, arn)
}

excluded(f, arn) if {
	some v in object.get(f, "not_starts_with", [])
	startswith(arn, v)
}

included(f, _) if {
	count(object.get(f, "starts_with", [])) == 0
	count(object.get(f, "equals", [])) == 0
}

included(f, arn) if {
	some v in object.get(f, "starts_with", [])
	datapath.prefixes_overlap(v, arn)
}

included(f, arn) if {
	some v in object.get(f, "equals", [])
	startswith(v, arn)
}

deny contains f if {
	some e in lib.trails
	logs_own_bucket(e)
	bucket_arn := sprintf("arn:%s:s3:::%s/", [lib.partition, e.trail.s3_bucket_name])
	f := lib.with_fix(lib.with_location({
		"resource": lib.resource(e.trail.arn, "AWS::CloudTrail::Trail", lib.source(e.trail.arn).account, e.trail.home_region),
		"message": sprintf("trail %s logs S3 data events of its own log bucket %s: each log file delivery and each connector read is logged again (recursive events)", [e.trail.arn, e.trail.s3_bucket_name]),
		"fact": "data-events-on-log-bucket",
		# put-event-selectors replaces every selector of the trail
		# (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html):
		# the management events the connector reads are kept by a selector
		# of their own, or the fix would stop them.
		"remediation": sprintf("Replace the trail's event selectors (put-event-selectors replaces all of them: add any other data-event selectors the trail has to this list): aws cloudtrail put-event-selectors --region %s --trail-name %s --advanced-event-selectors '%s'", [e.trail.home_region, e.trail.arn, json.marshal([{
			"Name": "Management events",
			"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
		}, {
			"Name": "S3 data events except the trail's own bucket",
			"FieldSelectors": [
				{"Field": "eventCategory", "Equals": ["Data"]},
				{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
				{"Field": "resources.ARN", "NotStartsWith": [bucket_arn]},
			],
		}])]),
	}, e.trail), selectors_fix(e, bucket_arn))
}

# selectors_fix: a trail with advanced selectors keeps them all, the S3
# data selectors that admit its own log files gaining resources.ARN
# NotStartsWith the bucket (AWS::CloudTrail::Trail AdvancedEventSelectors,
# whose list replaces the trail's selectors as put-event-selectors does).
# A trail with basic selectors cannot exclude a bucket: it changes to
# advanced ones, the management events kept and its other data-event
# selectors the user's to carry over, and EventSelectors removed (a trail
# has one kind or the other), which the text says.
selectors_fix(e, bucket_arn) := lib.set_fix({"AdvancedEventSelectors": [cfn_selector(s, e, bucket_arn) | some s in e.trail.advanced_event_selectors]}) if {
	count(object.get(e.trail, "advanced_event_selectors", [])) > 0
	# A value known only after apply is no literal to write back.
	not contains(json.marshal(e.trail.advanced_event_selectors), "<@")
} else := object.union(lib.set_fix({"AdvancedEventSelectors": [
	{"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
	{"Name": "S3 data events except the trail's own bucket", "FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Data"]},
		{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
		{"Field": "resources.ARN", "NotStartsWith": [bucket_arn]},
	]},
]}), {"also": "remove the trail's basic selectors (in a template its EventSelectors, in Terraform its event_selector blocks: a trail has basic or advanced selectors, not both), and add its other data-event selectors to the advanced ones (AdvancedEventSelectors; advanced_event_selector blocks)"}) if {
	count(object.get(e.trail, "event_selectors", [])) > 0
} else := null

# cfn_selector writes an advanced selector in CloudFormation's names, an S3
# data selector admitting the log files gaining the exclusion.
cfn_selector(s, e, bucket_arn) := object.union(name_of(s), {"FieldSelectors": fields}) if {
	s3_data_selector(s)
	arn_admits(s, log_arn(e))
	field(s, "resources.ARN")
	fields := [excluding(cfn_field(f), f.field, bucket_arn) | some f in s.field_selectors]
} else := object.union(name_of(s), {"FieldSelectors": array.concat([cfn_field(f) | some f in s.field_selectors], [{"Field": "resources.ARN", "NotStartsWith": [bucket_arn]}])}) if {
	s3_data_selector(s)
	arn_admits(s, log_arn(e))
} else := object.union(name_of(s), {"FieldSelectors": [cfn_field(f) | some f in s.field_selectors]})

name_of(s) := {"Name": s.name} if s.name != ""

else := {}

excluding(cf, name, bucket_arn) := object.union(cf, {"NotStartsWith": array.concat(object.get(cf, "NotStartsWith", []), [bucket_arn])}) if {
	name == "resources.ARN"
}

else := cf

operators := {"equals": "Equals", "not_equals": "NotEquals", "starts_with": "StartsWith", "not_starts_with": "NotStartsWith", "ends_with": "EndsWith", "not_ends_with": "NotEndsWith"}

cfn_field(f) := object.union({"Field": f.field}, {name: vals |
	some op, name in operators
	vals := object.get(f, op, [])
	count(vals) > 0
})
