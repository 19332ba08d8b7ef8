package datapath

import (
	"cmp"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// LogSource is a log source with the snapshot entries it comes from, as
// the rules read it (input.sources): the facts of where and how its files
// are written are computed here once, and the rules judge them.
type LogSource struct {
	Source
	// Trail is set for a CloudTrail source.
	Trail *snapshot.Trail `json:"trail,omitempty"`
	// Detector and Destination are set for a GuardDuty export.
	Detector    *snapshot.Detector              `json:"detector,omitempty"`
	Destination *snapshot.PublishingDestination `json:"destination,omitempty"`
}

// Sources returns every log source of snap, whatever a connector reads:
// each trail once (an organization trail shows in member accounts too),
// and each GuardDuty publishing destination, in snapshot order.
func Sources(snap *snapshot.Snapshot) []LogSource {
	if snap == nil {
		return nil
	}
	return sources(newIndex(snap), nil)
}

func sources(ix *index, wants func(SourceKind) bool) []LogSource {
	var out []LogSource
	seen := map[string]bool{}
	for ai := range ix.snap.Accounts {
		a := &ix.snap.Accounts[ai]
		if wants == nil || wants(SourceCloudTrail) {
			for ti := range a.Trails {
				t := &a.Trails[ti]
				if seen[t.ARN] {
					continue
				}
				seen[t.ARN] = true
				out = append(out, LogSource{Source: ix.trailSource(a.ID, t), Trail: t})
			}
		}
		if wants == nil || wants(SourceGuardDuty) {
			for di := range a.Detectors {
				d := &a.Detectors[di]
				for i := range d.PublishingDestinations {
					dest := &d.PublishingDestinations[i]
					out = append(out, LogSource{Source: ix.guardDutySource(a.ID, d, *dest), Detector: d, Destination: dest})
				}
			}
		}
	}
	return out
}

func (ix *index) trailSource(holder string, t *snapshot.Trail) Source {
	owner := holder
	if a, ok := parseARN(t.ARN); ok && a.Account != "" {
		owner = a.Account
	}
	prefix := strings.Trim(t.S3KeyPrefix, "/")
	base := ""
	if prefix != "" {
		base = prefix + "/"
	}
	src := Source{
		Kind: SourceCloudTrail, ARN: t.ARN, Account: owner, Region: t.HomeRegion,
		Bucket: t.S3BucketName, Prefix: prefix, KeySuffix: cloudTrailSuffix,
		Writer: principalCloudTrail, WriterContext: serviceContext(principalCloudTrail, t.ARN, owner),
		KMSKey: t.KmsKeyID,
	}
	// Organization trails write every account's files under the
	// organization ID: <prefix>/AWSLogs/<o-id>/<account>/CloudTrail/…
	// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html),
	// other trails <prefix>/AWSLogs/<account>/CloudTrail/…
	// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html).
	accountPath := base + "AWSLogs/" + owner + "/"
	switch {
	case t.IsOrganizationTrail && ix.orgID != "":
		src.KeyPrefix = base + "AWSLogs/" + ix.orgID + "/"
		src.SampleKey = src.KeyPrefix + owner + "/" + trailObject(owner, t.HomeRegion)
	case t.IsOrganizationTrail:
		src.KeyPrefix = base + "AWSLogs/"
	default:
		src.KeyPrefix = accountPath
	}
	if src.SampleKey == "" {
		src.SampleKey = accountPath + trailObject(owner, t.HomeRegion)
	}
	// The management account's own path must be writable too: CloudTrail
	// checks it when an organization trail is created or updated (catalog
	// CT03, create-s3-bucket-policy-for-cloudtrail.html).
	src.WriteKeys = []string{src.SampleKey}
	if own := accountPath + trailObject(owner, t.HomeRegion); own != src.SampleKey {
		src.WriteKeys = append(src.WriteKeys, own)
	}
	return src
}

// trailObject is a representative CloudTrail log file under an account's
// path: CloudTrail/<region>/…/<account>_CloudTrail_<region>_….json.gz.
func trailObject(account, region string) string {
	return "CloudTrail/" + region + "/" + account + "_CloudTrail_" + region + "_file" + cloudTrailSuffix
}

// guardDutyObject is a representative exported findings file under an
// export's key prefix: GuardDuty writes
// <prefix>/AWSLogs/<account>/GuardDuty/<region>/YYYY/MM/DD/<uuid>.jsonl.gz
// (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html).
// A fixed date and UUID keep the output deterministic.
const guardDutyObject = "2026/01/01/00000000-0000-4000-8000-000000000000" + guardDutySuffix

func (ix *index) guardDutySource(account string, d *snapshot.Detector, dest snapshot.PublishingDestination) Source {
	bucketName, prefix := splitBucketARN(dest.DestinationARN)
	base := ""
	if prefix != "" {
		base = prefix + "/"
	}
	principal := GuardDutyPrincipal(d.Region)
	src := Source{
		Kind: SourceGuardDuty, ARN: d.ARN, Account: account, Region: d.Region,
		Bucket: bucketName, Prefix: prefix, KeySuffix: guardDutySuffix,
		KeyPrefix: base + "AWSLogs/" + account + "/GuardDuty/" + d.Region + "/",
		Writer:    principal, WriterContext: serviceContext(principal, d.ARN, account),
		KMSKey: dest.KmsKeyARN,
	}
	src.SampleKey = src.KeyPrefix + guardDutyObject
	src.WriteKeys = []string{src.SampleKey}
	return src
}

// Publisher is a service that publishes log notifications to an SNS
// topic: S3 for a log bucket's event notification, CloudTrail for a
// trail's SNS notification, with the request context it sends.
type Publisher struct {
	Topic         string              `json:"topic"`
	Principal     string              `json:"principal"`
	SourceARN     string              `json:"source_arn"`
	SourceAccount string              `json:"source_account"`
	Context       map[string][]string `json:"context"`
}

// Publishers returns the publishers of the log sources' notifications, one
// per (topic, source), sorted.
func Publishers(snap *snapshot.Snapshot, srcs []LogSource) []Publisher {
	if snap == nil {
		return nil
	}
	ix := newIndex(snap)
	seen := map[[2]string]bool{}
	var out []Publisher
	add := func(topic, principal, sourceARN, account string) {
		if seen[[2]string{topic, sourceARN}] {
			return
		}
		seen[[2]string{topic, sourceARN}] = true
		out = append(out, Publisher{Topic: topic, Principal: principal, SourceARN: sourceARN, SourceAccount: account,
			Context: serviceContext(principal, sourceARN, account)})
	}
	for _, s := range srcs {
		if s.Trail != nil && s.Trail.SnsTopicARN != "" {
			add(s.Trail.SnsTopicARN, principalCloudTrail, s.ARN, s.Account)
		}
		o := ix.buckets[s.Bucket]
		if o == nil || o.V.Notification == nil {
			continue
		}
		for _, t := range o.V.Notification.TopicConfigurations {
			if createsObjects(t.Events) {
				add(t.ARN, principalS3, "arn:"+ix.partition+":s3:::"+s.Bucket, o.Account)
			}
		}
	}
	slices.SortFunc(out, func(a, b Publisher) int {
		return cmp.Or(strings.Compare(a.Topic, b.Topic), strings.Compare(a.SourceARN, b.SourceARN))
	})
	return out
}
