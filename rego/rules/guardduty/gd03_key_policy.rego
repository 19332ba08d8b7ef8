# METADATA
# title: GuardDuty cannot use the export key
# description: >-
#   GuardDuty needs kms:GenerateDataKey on the destination key, granted to
#   its service principal in the key policy. In opt-in Regions the principal
#   is the regional guardduty.<region>.amazonaws.com; a policy that names
#   only guardduty.amazonaws.com does not admit those detectors. A policy
#   that pins aws:SourceArn to a list of detectors breaks every detector
#   left off the list. The question is asked of the IAM evaluator with the
#   context GuardDuty sends (aws:SourceArn = the detector, aws:SourceAccount).
#   Symptom: "The command does not have proper permissions for the given KMS
#   or destination".
# related_resources:
#   - ref: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
# custom:
#   id: GD03
#   severity: critical
#   area: guardduty
#   hops: [object-key]
#   reads:
#     - ec2:DescribeRegions
#     - guardduty:DescribePublishingDestination
#     - guardduty:ListDetectors
#     - guardduty:ListPublishingDestinations
#     - kms:DescribeKey
#     - kms:GetKeyPolicy
#     - kms:ListKeys
#     - sts:AssumeRole
#   remediation: >-
#     Add a key policy statement allowing the GuardDuty service principal
#     (regional in opt-in Regions) kms:GenerateDataKey, conditioned on
#     aws:SourceAccount and aws:SourceArn of every exporting detector.
package trailgate.rules.gd03

import data.trailgate.lib
import data.trailgate.lib.datapath

deny contains f if {
	lib.source_judged("guardduty")
	some s in lib.sources
	s.kind == "guardduty"
	key := lib.key_ref(s.destination.kms_key_arn, s.account, s.region).key
	principal := s.writer
	answer := lib.service_answer(principal, "kms:GenerateDataKey", key.arn, s.arn)
	lib.denied(answer)
	f := lib.with_fix(lib.with_grant_location({
		"resource": lib.resource(key.arn, "AWS::KMS::Key", lib.account_of_arn(key.arn), key.region),
		"message": sprintf("%s (detector %s) cannot kms:GenerateDataKey with key %s: %s", [principal, s.arn, key.arn, answer.proof]),
		"fact": sprintf("%s:%s", [principal, s.arn]),
		"remediation": sprintf("Add to the key policy of %s: %s", [key.arn, lib.statement_json(export_statement(s, key, principal))]),
	}, key, object.get(key, "policy", {}), answer, principal, "kms:GenerateDataKey"), lib.grant_fix(answer, export_statement(s, key, principal)))
}

export_statement(s, key, principal) := {
	"Sid": "AllowGuardDutyExport",
	"Effect": "Allow",
	"Principal": {"Service": principal},
	"Action": "kms:GenerateDataKey",
	"Resource": key.arn,
	"Condition": {"StringEquals": {"aws:SourceAccount": s.account, "aws:SourceArn": s.arn}},
}
