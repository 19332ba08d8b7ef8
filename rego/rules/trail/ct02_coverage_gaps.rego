# METADATA
# title: Trail does not cover every region, global service or management event
# description: >-
#   A trail that is single-region, leaves out global service events (IAM, STS,
#   CloudFront are logged in us-east-1 as global events), is not logging, or
#   whose event selectors drop management events (only ReadOnly or WriteOnly,
#   excluded event sources such as kms.amazonaws.com or rdsdata.amazonaws.com,
#   or no management events at all) gives the connector a silent gap: nothing
#   fails, the events simply never arrive. A trail without selectors logs all
#   management events, read and write, which is what vendor guides require.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html
# custom:
#   id: CT02
#   severity: high
#   area: trail
#   hops: [writer]
#   reads:
#     - cloudtrail:DescribeTrails
#     - cloudtrail:GetEventSelectors
#     - cloudtrail:GetTrailStatus
#     - ec2:DescribeRegions
#     - sts:AssumeRole
#   remediation: >-
#     Make the trail multi-region with global service events, turn logging on,
#     and log all management events (ReadWriteType All, no excluded sources).
package trailgate.rules.ct02

import data.trailgate.lib
import data.trailgate.lib.datapath
import data.trailgate.lib.landingzone

deny contains f if {
	some e in lib.trails
	not e.trail.is_multi_region_trail
	f := lib.with_fix(finding(
		e, "is_multi_region_trail=false", sprintf(
			"trail %s is single-region (IsMultiRegionTrail=false): only %s is logged, events in every other region are lost",
			[e.trail.arn, e.trail.home_region],
		),
		sprintf("aws cloudtrail update-trail --region %s --name %s --is-multi-region-trail --include-global-service-events", [e.trail.home_region, e.trail.arn]),
	), {"set": {"IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": true}})
}

deny contains f if {
	some e in lib.trails
	not e.trail.include_global_service_events
	f := lib.with_fix(finding(
		e, "include_global_service_events=false", sprintf(
			"trail %s excludes global service events (IncludeGlobalServiceEvents=false): IAM, STS and CloudFront events are not logged",
			[e.trail.arn],
		),
		sprintf("aws cloudtrail update-trail --region %s --name %s --include-global-service-events", [e.trail.home_region, e.trail.arn]),
	), {"set": {"IncludeGlobalServiceEvents": true}})
}

deny contains f if {
	some e in lib.trails
	e.trail.status.is_logging == false
	f := lib.with_fix(finding(e, "is_logging=false", sprintf("trail %s is not logging (GetTrailStatus IsLogging=false): no events are delivered", [e.trail.arn]), sprintf("aws cloudtrail start-logging --region %s --name %s", [e.trail.home_region, e.trail.arn])), {"set": {"IsLogging": true}})
}

# --- basic event selectors -------------------------------------------------

basic(t) := object.get(t, "event_selectors", [])

advanced(t) := object.get(t, "advanced_event_selectors", [])

management_selectors(t) := [s | some s in basic(t); s.include_management_events]

deny contains f if {
	some e in lib.trails
	count(basic(e.trail)) > 0
	count(management_selectors(e.trail)) == 0
	f := lib.with_fix(finding(e, "management_events=none", sprintf("trail %s logs no management events: no event selector has IncludeManagementEvents=true", [e.trail.arn]), all_management_fix(e)), basic_fix(e.trail))
}

deny contains f if {
	some e in lib.trails
	sels := management_selectors(e.trail)
	count(sels) > 0
	rw := {s.read_write_type | some s in sels}
	not "All" in rw
	not covers_both(rw)
	f := lib.with_fix(finding(
		e, sprintf("read_write_type=%s", [concat(",", sort(rw))]), sprintf(
			"trail %s logs only %s management events (ReadWriteType=%s): the other half of the management events is not logged",
			[e.trail.arn, concat(" and ", sort(rw)), concat(",", sort(rw))],
		),
		all_management_fix(e),
	), basic_fix(e.trail))
}

# basic_fix is the trail's EventSelectors (CloudFormation's shape) logging
# every management event: each management selector reads and writes all
# of them, data-event selectors are kept, and a trail with none gains one.
basic_fix(t) := lib.set_fix({"EventSelectors": array.concat(
	[cfn_selector(s) | some s in basic(t)],
	[{"ReadWriteType": "All", "IncludeManagementEvents": true} | count(management_selectors(t)) == 0],
)})

cfn_selector(s) := object.union(
	{"ReadWriteType": "All", "IncludeManagementEvents": true},
	data_resources(s),
) if s.include_management_events

else := object.union({"ReadWriteType": s.read_write_type, "IncludeManagementEvents": false}, data_resources(s))

data_resources(s) := {"DataResources": [object.union({"Type": d.type}, values(d)) | some d in s.data_resources]} if {
	count(object.get(s, "data_resources", [])) > 0
} else := {}

values(d) := {"Values": d.values} if count(object.get(d, "values", [])) > 0

else := {}

covers_both(rw) if {
	"ReadOnly" in rw
	"WriteOnly" in rw
}

deny contains f if {
	some e in lib.trails
	some s in management_selectors(e.trail)
	excluded := object.get(s, "exclude_management_event_sources", [])
	count(excluded) > 0
	f := lib.with_fix(finding(
		e, sprintf("exclude_management_event_sources=%s", [concat(",", sort(excluded))]), sprintf(
			"trail %s excludes management events from %s (ExcludeManagementEventSources)",
			[e.trail.arn, concat(", ", sort(excluded))],
		),
		all_management_fix(e),
	), basic_fix(e.trail))
}

# --- advanced event selectors ----------------------------------------------

field(s, name) := fs if {
	some fs in s.field_selectors
	fs.field == name
}

management_advanced(t) := [s |
	some s in advanced(t)
	"Management" in object.get(field(s, "eventCategory"), "equals", [])
]

deny contains f if {
	some e in lib.trails
	count(basic(e.trail)) == 0
	count(advanced(e.trail)) > 0
	count(management_advanced(e.trail)) == 0
	f := finding(e, "management_events=none", sprintf("trail %s logs no management events: no advanced event selector has eventCategory = Management", [e.trail.arn]), all_management_fix(e))
}

# readonly_values is the set of readOnly values a management selector logs:
# {"true"}, {"false"} or both when the selector does not filter on readOnly.
readonly_values(s) := {v | some v in field(s, "readOnly").equals} if {
	field(s, "readOnly")
} else := {"true", "false"}

deny contains f if {
	some e in lib.trails
	sels := management_advanced(e.trail)
	count(sels) > 0
	logged := {v | some s in sels; some v in readonly_values(s)}
	count(logged) == 1
	some only in logged
	kind := {"true": "read-only", "false": "write"}[only]
	f := finding(
		e, sprintf("readOnly=%s", [only]), sprintf(
			"trail %s logs only %s management events (advanced selector readOnly = %s)",
			[e.trail.arn, kind, only],
		),
		all_management_fix(e),
	)
}

deny contains f if {
	some e in lib.trails
	sels := management_advanced(e.trail)
	count(sels) > 0
	every s in sels {
		field(s, "eventSource")
	}
	excluded := {src | some s in sels; some src in object.get(field(s, "eventSource"), "not_equals", [])}
	count(excluded) > 0
	f := finding(
		e, sprintf("eventSource!=%s", [concat(",", sort(excluded))]), sprintf(
			"trail %s excludes management events from %s (advanced selector eventSource NotEquals)",
			[e.trail.arn, concat(", ", sort(excluded))],
		),
		all_management_fix(e),
	)
}

all_management_fix(e) := sprintf(
	"aws cloudtrail put-event-selectors --region %s --trail-name %s --advanced-event-selectors '[{\"Name\":\"Management events\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]}]}]' (keep any data-event selectors you have)",
	[e.trail.home_region, e.trail.arn],
)

finding(e, fact, message, fix) := {
	"resource": lib.resource(e.trail.arn, "AWS::CloudTrail::Trail", e.account, e.trail.home_region),
	"message": message,
	"fact": fact,
	"remediation": fix,
}

# The connector's vendor profile steps that name CT02 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.CT02

# The org-formation landing-zone guide's steps that name CT02
# (rego/lib/landing_zone.rego).
deny contains f if some f in landingzone.findings.CT02
