package datapath

import (
	"slices"

	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// impliedSources are the log sources a path can start from although no
// source of the snapshot writes their bucket: a vendor or platform stack
// whose trail or detector lives elsewhere (not in the input) is still
// judged from the bucket onward. A bucket no snapshot source writes, whose
// new-object notification reaches a queue someone is known to read (the
// connector's, or one a Lambda event source mapping polls), is a log
// bucket: one source per such notification, of the connector's first
// source read from S3 (CloudTrail without a connector), its files where
// the notification's filter admits them.
func (b *builder) impliedSources(written map[string]bool) []Source {
	var out []Source
	for account, bucket := range ofAccounts(b.ix.snap, func(a *snapshot.Account) []snapshot.Bucket { return a.Buckets }) {
		if written[bucket.Name] || bucket.Notification == nil {
			continue
		}
		n := bucket.Notification
		topics := len(n.TopicConfigurations)
		for i, t := range slices.Concat(n.TopicConfigurations, n.QueueConfigurations) {
			if !createsObjects(t.Events) || !slices.ContainsFunc(b.targetQueues(t, i < topics), b.readQueue) {
				continue
			}
			src := Source{Kind: b.impliedKind(), Account: account, Region: bucket.Region, Bucket: bucket.Name,
				KeyPrefix: t.FilterPrefix, KeySuffix: t.FilterSuffix, Implied: true}
			if src.KeySuffix == "" {
				src.KeySuffix = cloudTrailSuffix
			}
			// CloudTrail's and GuardDuty's files end in .gz.
			src.SampleKey = t.FilterPrefix + "AWSLogs/trailgate-sample-log-file" + src.KeySuffix
			if !slices.ContainsFunc(out, func(o Source) bool {
				return o.Bucket == src.Bucket && o.KeyPrefix == src.KeyPrefix && o.KeySuffix == src.KeySuffix
			}) {
				out = append(out, src)
			}
		}
	}
	return out
}

// targetQueues are the queues a notification reaches: its queue, or its
// topic's SQS subscriptions.
func (b *builder) targetQueues(t snapshot.NotificationTarget, topic bool) []string {
	if !topic {
		return []string{t.ARN}
	}
	return b.ix.sqsEndpoints(t.ARN)
}

// sqsEndpoints are the endpoints of the SQS subscriptions of topic (none
// when the topic is not in the snapshot).
func (ix *index) sqsEndpoints(topic string) []string {
	tp := ix.topics[topic]
	if tp == nil {
		return nil
	}
	var out []string
	for _, s := range tp.V.Subscriptions {
		if s.Protocol == "sqs" {
			out = append(out, s.Endpoint)
		}
	}
	return out
}

// readQueue: someone is known to read queue.
func (b *builder) readQueue(queue string) bool {
	return (b.conn != nil && b.conn.Queue == queue) || len(b.ix.mappingRoles(queue)) > 0
}

// impliedKind is the kind of an implied source: the connector's first
// source it reads from S3, else CloudTrail.
func (b *builder) impliedKind() SourceKind {
	if b.conn != nil && b.conn.Role != "" {
		srcs := b.conn.Sources
		if len(srcs) == 0 {
			srcs = []string{string(SourceCloudTrail), string(SourceGuardDuty)}
		}
		api := profiles.APISources(b.conn.Profile)
		for _, s := range srcs {
			if !slices.Contains(api, s) {
				return SourceKind(s)
			}
		}
	}
	return SourceCloudTrail
}

// impliedPaths are an implied source's paths: from its bucket (the writer
// is unknown) through its notifications to the readers.
func (b *builder) impliedPaths(src Source) []Path {
	bucket := b.ix.bucket(src.Bucket)
	head := []Hop{{Kind: HopBucket, Resources: []Resource{{ARN: "arn:" + b.ix.partition + ":s3:::" + src.Bucket,
		Type: "AWS::S3::Bucket", Account: src.Account, Region: src.Region}}}}
	objKey, _ := b.bucketDefaultKey(bucket)
	return b.assemble(src, head, b.notificationBranches(src, bucket), bucket, objKey, src.SampleKey, "")
}
