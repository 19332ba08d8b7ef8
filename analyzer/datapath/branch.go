package datapath

import (
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// branch is the delivery part of a path after the writer: notification,
// topic, topic key, subscription, queue and queue key.
type branch struct {
	hops  []Hop
	via   string // topic ARN, or "direct" for S3 → SQS
	queue string // queue ARN; "" when the branch stops before a queue
}

// createsObjects reports whether a notification's events include the
// creation of new objects (s3:ObjectCreated:* or one of its kinds).
func createsObjects(events []string) bool {
	for _, e := range events {
		if strings.HasPrefix(e, "s3:ObjectCreated:") {
			return true
		}
	}
	return false
}

// filterProblems says why a notification's key filter misses the source's
// log objects. S3 matches the filter prefix against the start of the key
// and the suffix against its end:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
func filterProblems(src Source, t snapshot.NotificationTarget) []string {
	var out []string
	if t.FilterPrefix != "" && !snapshot.IsUnknown(t.FilterPrefix) {
		kp := src.KeyPrefix
		if !strings.HasPrefix(kp, t.FilterPrefix) && !strings.HasPrefix(t.FilterPrefix, kp) {
			out = append(out, "filter prefix "+quote(t.FilterPrefix)+" matches none of the log keys under "+quote(kp))
		}
	}
	if t.FilterSuffix != "" && !snapshot.IsUnknown(t.FilterSuffix) && !strings.HasSuffix(src.KeySuffix, t.FilterSuffix) {
		out = append(out, "filter suffix "+quote(t.FilterSuffix)+" does not match log keys ending in "+quote(src.KeySuffix))
	}
	return out
}

func quote(s string) string { return `"` + s + `"` }

func (b *builder) notificationBranches(src Source, bucket *snapshot.Bucket) []branch {
	if bucket == nil || bucket.Notification == nil {
		return nil
	}
	owner := b.ix.buckets[bucket.Name].Account
	bucketARN := "arn:" + b.ix.partition + ":s3:::" + bucket.Name
	ctx := serviceContext(principalS3, bucketARN, owner)
	hop := func(t snapshot.NotificationTarget) Hop {
		h := Hop{Kind: HopNotification, Resources: []Resource{{ARN: bucketARN, Type: "AWS::S3::Bucket::NotificationConfiguration", Account: owner, Region: bucket.Region}}}
		h.Problems = append(h.Problems, filterProblems(src, t)...)
		// S3 notifies only destinations in the bucket's region:
		// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
		if a, ok := parseARN(t.ARN); ok && a.Region != bucket.Region && !snapshot.IsUnknown(a.Region) {
			h.Problems = append(h.Problems, "destination "+t.ARN+" is in "+a.Region+", not in the bucket's region "+bucket.Region)
		}
		return h
	}
	var out []branch
	n := bucket.Notification
	// A configuration whose key filter selects another source's files
	// (a bucket holding CloudTrail and GuardDuty files notifies each with
	// its own prefix) is not on this source's path when another one admits
	// its files; when none does, each is shown with why it misses (NT02).
	admits := func(t snapshot.NotificationTarget) bool { return len(filterProblems(src, t)) == 0 }
	someAdmits := slices.ContainsFunc(n.TopicConfigurations, admits) || slices.ContainsFunc(n.QueueConfigurations, admits)
	skip := func(t snapshot.NotificationTarget) bool {
		return !createsObjects(t.Events) || (someAdmits && !admits(t))
	}
	for _, t := range n.TopicConfigurations {
		if skip(t) {
			continue
		}
		out = append(out, b.topicBranches(hop(t), t.ARN, principalS3, ctx)...)
	}
	for _, t := range n.QueueConfigurations {
		if skip(t) {
			continue
		}
		h := hop(t)
		if q := b.ix.queues[t.ARN]; q != nil && q.V.FifoQueue {
			// "FIFO queues are not allowed when enabling an SQS queue as the
			// event notification destination." (AWS::S3::Bucket
			// QueueConfiguration, CloudFormation reference)
			h.Problems = append(h.Problems, "queue "+t.ARN+" is a FIFO queue; S3 notifies standard queues only")
		}
		out = append(out, b.queueBranch([]Hop{h}, "direct", t.ARN, principalS3, ctx))
	}
	return out
}

// topicBranches follows a topic to each of its SQS subscriptions.
func (b *builder) topicBranches(notification Hop, topicARN, publisher string, pctx map[string][]string) []branch {
	a, _ := parseARN(topicARN)
	th := Hop{Kind: HopTopic, Resources: []Resource{{ARN: topicARN, Type: "AWS::SNS::Topic", Account: a.Account, Region: a.Region}}}
	th.Questions = []Question{{ID: "publish", Why: "the notification is published to the topic",
		Principal: publisher, Action: "sns:Publish", Resource: topicARN, ResourceAccount: a.Account, Context: clone(pctx)}}
	hops := []Hop{notification}
	t := b.ix.topics[topicARN]
	if t == nil {
		th.Problems = append(th.Problems, unknownProblem("topic "+topicARN+" is not in the snapshot"))
		return []branch{{hops: append(hops, th), via: topicARN}}
	}
	if t.V.FifoTopic && publisher == principalS3 {
		// "Currently, Standard SNS is only allowed as an S3 event
		// notification destination, whereas SNS FIFO is not allowed."
		// (notification-how-to-event-types-and-destinations.html)
		th.Problems = append(th.Problems, "topic is a FIFO topic; S3 notifies standard topics only")
	}
	hops = append(hops, th)
	if t.V.KmsMasterKeyID != "" {
		hops = append(hops, b.sseKeyHop(HopTopicKey, b.ix.resolveKey(t.V.KmsMasterKeyID, a.Account, a.Region), publisher, pctx,
			"the publisher encrypts the message for the topic"))
	}
	var out []branch
	for _, s := range t.V.Subscriptions {
		if s.Protocol != "sqs" {
			continue
		}
		sh := Hop{Kind: HopSubscription, Resources: []Resource{{ARN: snapshot.SubscriptionID(topicARN, s), Type: "AWS::SNS::Subscription", Account: a.Account, Region: a.Region}}}
		switch {
		case s.ARN == "Deleted":
			sh.Problems = append(sh.Problems, "subscription of "+s.Endpoint+" is Deleted")
		case s.PendingConfirmation || s.ARN == "PendingConfirmation":
			sh.Problems = append(sh.Problems, "subscription of "+s.Endpoint+" is pending confirmation")
		}
		sctx := serviceContext(principalSNS, topicARN, a.Account)
		sub := append(append([]Hop(nil), hops...), sh)
		out = append(out, b.queueBranch(sub, topicARN, s.Endpoint, principalSNS, sctx))
	}
	if len(out) == 0 {
		sh := Hop{Kind: HopSubscription, Problems: []string{"topic " + topicARN + " has no SQS subscription"}}
		out = append(out, branch{hops: append(hops, sh), via: topicARN})
	}
	return out
}

func (b *builder) queueBranch(hops []Hop, via, queueARN, sender string, sctx map[string][]string) branch {
	a, _ := parseARN(queueARN)
	qh := Hop{Kind: HopQueue, Resources: []Resource{{ARN: queueARN, Type: "AWS::SQS::Queue", Account: a.Account, Region: a.Region}}}
	q := b.ix.queues[queueARN]
	switch {
	case q == nil && b.ix.accounts[a.Account] == nil && !snapshot.IsUnknown(queueARN):
		// A queue in an account the snapshot does not hold is the vendor's
		// (Radiant and Expel host it): its policy and key are theirs, and
		// its subscription's confirmation (SN03) shows it accepts the
		// topic: an SQS subscription across accounts is confirmed only
		// once the queue's owner receives the confirmation message
		// (https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html).
	case q == nil:
		qh.Problems = append(qh.Problems, unknownProblem("queue "+queueARN+" is not in the snapshot"))
		fallthrough
	default:
		qh.Questions = []Question{{ID: "send-message", Why: "the notification is delivered to the queue",
			Principal: sender, Action: "sqs:SendMessage", Resource: queueARN, ResourceAccount: a.Account, Context: clone(sctx)}}
	}
	hops = append(hops, qh)
	if q != nil && q.V.KmsMasterKeyID != "" {
		hops = append(hops, b.sseKeyHop(HopQueueKey, b.ix.resolveKey(q.V.KmsMasterKeyID, a.Account, a.Region), sender, sctx,
			"the sender encrypts the message for the queue"))
	}
	return branch{hops: hops, via: via, queue: queueARN}
}

// sseKeyHop is the key of an SNS topic or SQS queue. A service that sends
// to an encrypted topic or queue needs kms:GenerateDataKey and kms:Decrypt
// on its key: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
// An AWS managed key (alias/aws/sns, alias/aws/sqs) has a policy nobody can
// change, which admits principals of its own account only, so S3,
// CloudTrail and SNS can never use it
// (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
func (b *builder) sseKeyHop(kind HopKind, k keyRef, sender string, sctx map[string][]string, why string) Hop {
	h := Hop{Kind: kind, Resources: []Resource{keyResource(k)}}
	for _, act := range []string{"kms:GenerateDataKey", "kms:Decrypt"} {
		id := "decrypt"
		if act == "kms:GenerateDataKey" {
			id = "generate-data-key"
		}
		h.Questions = append(h.Questions, Question{ID: id, Why: why,
			Principal: sender, Action: act, Resource: k.ARN, ResourceAccount: k.Account, Context: clone(sctx)})
	}
	if k.AWSManaged {
		h.Problems = append(h.Problems, "encrypted with an AWS managed key ("+k.ARN+") whose policy cannot let "+sender+" use it")
	} else if k.Key == nil {
		h.Problems = append(h.Problems, unknownProblem("key "+k.ARN+" is not in the snapshot"))
	} else if k.Key.KeyState != "" && k.Key.KeyState != "Enabled" {
		h.Problems = append(h.Problems, "key "+k.ARN+" is "+k.Key.KeyState)
	}
	return h
}
