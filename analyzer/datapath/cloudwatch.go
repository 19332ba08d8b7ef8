package datapath

import (
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// A trail's delivery to CloudWatch Logs
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html):
//
//	trail (CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn)
//	→ the role: cloudtrail.amazonaws.com sts:AssumeRole
//	→ the log group: the role's logs:CreateLogStream and logs:PutLogEvents
//	  on the streams CloudTrail writes there
//
// It is a path of its own, from the trail, beside the trail's S3 paths: a
// break here stops the trail's events reaching CloudWatch Logs (metric
// filters, alarms), not its log files reaching the reader. CW01 judges it.

// SourceCloudWatchLogs is a trail's delivery of its events to a CloudWatch
// Logs log group.
const SourceCloudWatchLogs SourceKind = "cloudwatch-logs"

// HopDeliveryRole is the role a service assumes to deliver: can the
// service assume it?
const HopDeliveryRole HopKind = "delivery-role"

func init() {
	HopKinds = append(HopKinds, HopDeliveryRole)
}

// cloudWatchPaths returns, for every trail of the snapshot that sets
// either CloudWatch Logs setting, whatever a connector reads (the rules
// judge every trail's), its path to the log group.
func (b *builder) cloudWatchPaths() []Path {
	var out []Path
	seen := map[string]bool{}
	for account, t := range ofAccounts(b.ix.snap, func(a *snapshot.Account) []snapshot.Trail { return a.Trails }) {
		if seen[t.ARN] || t.CloudWatchLogsLogGroupARN == "" && t.CloudWatchLogsRoleARN == "" {
			continue
		}
		seen[t.ARN] = true
		out = append(out, b.cloudWatchPath(b.ix.trailSource(account, t), t))
	}
	return out
}

// logGroupARN is a log group ARN split: arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*].
type logGroupARN struct{ region, account, name string }

func parseLogGroupARN(s string) (logGroupARN, bool) {
	a, ok := parseARN(s)
	kind, rest, named := strings.Cut(a.Resource, ":")
	if !ok || !named || kind != "log-group" {
		return logGroupARN{}, false
	}
	name, _, _ := strings.Cut(rest, ":") // a log group name holds no colon
	return logGroupARN{region: a.Region, account: a.Account, name: name}, true
}

func (b *builder) cloudWatchPath(trail Source, t *snapshot.Trail) Path {
	owner := trail.Account
	src := Source{Kind: SourceCloudWatchLogs, ARN: t.ARN, Account: owner, Region: t.HomeRegion,
		Writer: principalCloudTrail, WriterContext: cloudWatchAssumeContext()}
	writer := Hop{Kind: HopWriter, Resources: []Resource{{ARN: t.ARN, Type: "AWS::CloudTrail::Trail", Account: owner, Region: t.HomeRegion}}}
	role := Hop{Kind: HopDeliveryRole}
	group := Hop{Kind: HopLogGroup}
	roleARN, groupRef := t.CloudWatchLogsRoleARN, t.CloudWatchLogsLogGroupARN
	id := t.ARN + " -> cloudwatch-logs"
	// CreateTrail refuses one setting without the other
	// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html).
	if roleARN == "" {
		role.Problems = append(role.Problems, "trail "+t.ARN+" sets CloudWatchLogsLogGroupArn but not CloudWatchLogsRoleArn: CloudTrail needs both to deliver to CloudWatch Logs")
	} else {
		ra, _ := parseARN(roleARN)
		role.Resources = []Resource{{ARN: roleARN, Type: "AWS::IAM::Role", Account: ra.Account}}
	}
	g, parsed := parseLogGroupARN(groupRef)
	switch {
	case groupRef == "":
		group.Problems = append(group.Problems, "trail "+t.ARN+" sets CloudWatchLogsRoleArn but not CloudWatchLogsLogGroupArn: CloudTrail needs both to deliver to CloudWatch Logs")
	case parsed:
		arn := "arn:" + b.ix.partition + ":logs:" + g.region + ":" + g.account + ":log-group:" + g.name
		id = t.ARN + " -> " + arn
		group.Resources = []Resource{{ARN: arn, Type: "AWS::Logs::LogGroup", Account: g.account, Region: g.region}}
		// A collected account lists every group; IaC declares only its own.
		if a := b.ix.accounts[g.account]; a != nil && (b.ix.snap.Source == "live" || b.ix.snap.Source == "fixture") && !hasLogGroup(a, g) {
			group.Problems = append(group.Problems, "log group "+g.name+" does not exist in account "+g.account+" ("+g.region+")")
		}
	}
	if roleARN != "" && !snapshot.IsUnknown(roleARN) {
		ra, _ := parseARN(roleARN)
		role.Questions = []Question{{ID: "assume-role", Why: "CloudTrail assumes the role to deliver the trail's events to CloudWatch Logs",
			Principal: principalCloudTrail, Action: "sts:AssumeRole", Resource: roleARN, ResourceAccount: ra.Account,
			Context: cloudWatchAssumeContext()}}
		if parsed {
			group.Questions = b.cloudWatchWrites(roleARN, owner, t, g)
		}
	}
	return Path{ID: id, Source: src, Hops: []Hop{writer, role, group}}
}

// cloudWatchAssumeContext is what CloudTrail sends when it assumes the
// CloudWatch Logs role: the service principal's keys, without
// aws:SourceArn or aws:SourceAccount, which this role's trust does not
// get ("Confused deputy prevention is not applicable to the role policy
// for CloudWatch Logs monitoring. The role policy doesn't support the use
// of aws:SourceArn and aws:SourceAccount":
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html).
// A trust policy that conditions on them stops the delivery.
func cloudWatchAssumeContext() map[string][]string {
	return map[string][]string{
		"aws:PrincipalIsAWSService": {"true"},
		"aws:PrincipalServiceName":  {principalCloudTrail},
		"aws:SecureTransport":       {"true"},
	}
}

// cloudWatchWrites are the role's calls on the streams CloudTrail writes
// in group g: <account>_CloudTrail_<region>, and for an organization
// trail <org-id>_<account>_CloudTrail_<region> too
// (cloudtrail-required-policy-for-cloudwatch-logs.html).
func (b *builder) cloudWatchWrites(roleARN, owner string, t *snapshot.Trail, g logGroupARN) []Question {
	streams := []string{owner + "_CloudTrail_" + g.region}
	if t.IsOrganizationTrail && strings.HasPrefix(b.ix.orgID, "o-") {
		streams = append(streams, b.ix.orgID+"_"+owner+"_CloudTrail_"+g.region)
	}
	groupARN := "arn:" + b.ix.partition + ":logs:" + g.region + ":" + g.account + ":log-group:" + g.name
	var qs []Question
	for i, s := range streams {
		suffix := ""
		if i > 0 {
			suffix = "-organization"
		}
		resource := groupARN + ":log-stream:" + s
		for _, c := range []struct{ id, action, why string }{
			{"create-log-stream", "logs:CreateLogStream", "CloudTrail creates the trail's log stream"},
			{"put-log-events", "logs:PutLogEvents", "CloudTrail delivers the trail's events"},
		} {
			qs = append(qs, Question{ID: c.id + suffix, Why: c.why, Principal: roleARN, Action: c.action,
				Resource: resource, ResourceAccount: g.account, Context: b.ix.principalContext(roleARN)})
		}
	}
	return qs
}

func hasLogGroup(a *snapshot.Account, g logGroupARN) bool {
	for _, lg := range a.LogGroups {
		if lg.Name == g.name && lg.Region == g.region {
			return true
		}
	}
	return false
}
