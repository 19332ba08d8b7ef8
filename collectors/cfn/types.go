package cfn

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// otherTypes are resource types trailgate does not model but that log
// delivery stacks commonly declare, so that a near miss of one of them is
// recognised too (CloudFormation resource type reference).
var otherTypes = []string{
	"AWS::CloudFormation::Stack", "AWS::CloudFormation::StackSet", "AWS::CloudFormation::WaitConditionHandle",
	"AWS::CloudFormation::CustomResource", "AWS::CloudWatch::Alarm", "AWS::Events::Rule", "AWS::Events::EventBus",
	"AWS::Events::EventBusPolicy", "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::InstanceProfile",
	"AWS::IAM::AccessKey", "AWS::IAM::OIDCProvider", "AWS::IAM::RolePolicy", "AWS::IAM::UserToGroupAddition",
	"AWS::KinesisFirehose::DeliveryStream", "AWS::Kinesis::Stream", "AWS::Lambda::Function",
	"AWS::Lambda::EventSourceMapping", "AWS::Lambda::Permission", "AWS::Lambda::LayerVersion",
	"AWS::Logs::LogGroup", "AWS::Logs::SubscriptionFilter", "AWS::Logs::MetricFilter", "AWS::Logs::Destination",
	"AWS::S3::AccessPoint", "AWS::SSM::Parameter", "AWS::SecretsManager::Secret", "AWS::SNS::TopicInlinePolicy",
	"AWS::SQS::QueueInlinePolicy", "AWS::SecurityHub::Hub", "AWS::Config::ConfigurationRecorder",
	"AWS::Config::DeliveryChannel", "AWS::GuardDuty::Member", "AWS::GuardDuty::Master", "AWS::GuardDuty::IPSet",
	"AWS::GuardDuty::ThreatIntelSet", "AWS::Organizations::Account", "AWS::Organizations::OrganizationalUnit",
	"AWS::Organizations::Organization", "AWS::StepFunctions::StateMachine", "AWS::EC2::VPCEndpoint",
	"AWS::Serverless::Function", "AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::Serverless::SimpleTable",
	"AWS::Serverless::LayerVersion", "AWS::Serverless::Application", "AWS::Serverless::StateMachine",
	"AWS::CloudTrail::EventDataStore", "AWS::CloudTrail::Channel", "AWS::CloudTrail::ResourcePolicy",
}

// knownTypes is every type checkType compares with, sorted.
var knownTypes = func() []string {
	set := map[string]bool{}
	for t := range knownProperties {
		set[t] = true
	}
	for t := range nameProperty {
		set[t] = true
	}
	for _, t := range otherTypes {
		set[t] = true
	}
	return slices.Sorted(maps.Keys(set))
}()

// checkType warns about a resource type that is a near miss of a known
// one (AWS::S3::BucketPolicyy, AWS::SQS::queue): CloudFormation refuses it
// at deploy time ("Unrecognized resource types"), and until then the
// resource it meant is silently missing from what is judged. A type far
// from every known one is left alone: the reference has more than a
// thousand types, and a new one is no mistake.
func (t *template) checkType(r *resource, typeLine int) {
	if strings.HasPrefix(r.typ, "Custom::") || t.typeKnown(r.typ) {
		return
	}
	for _, k := range knownTypes {
		if strings.EqualFold(k, r.typ) || within2(r.typ, k) {
			t.warn(typeLine, r.id, fmt.Sprintf("unknown resource type %s; did you mean %s? (it is not judged)", r.typ, k))
			return
		}
	}
}

func (t *template) typeKnown(typ string) bool {
	_, found := slices.BinarySearch(knownTypes, typ)
	return found
}

func (t *template) warn(line int, addr, msg string) {
	t.warnings = append(t.warnings, snapshot.Warning{File: t.file, Line: line, Address: addr, Msg: msg})
}
