package datapath

import (
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// ServiceAnswers are the answers to the calls the services of the delivery
// side make for a source (aws:SourceArn), by ServiceKey: S3 and CloudTrail
// publishing to a topic, SNS and S3 sending to a queue, each with the
// topic's or queue's key, asked once with the context the service sends
// (serviceContext). A question a path asks is answered as the path asked
// it, with the path's full context (a writer's hop adds the call's own
// keys); the delivery side beyond the paths (a notification, topic or
// queue that is not the connector's) is asked here. The rules judging
// those calls read these answers (input.path_index.service_answers)
// instead of asking again with a context of their own.
type ServiceAnswers map[string]Question

// ServiceKey is how ServiceAnswers is keyed: the calling service, the
// action, the resource and the source the service acts for.
func ServiceKey(principal, action, resource, source string) string {
	return principal + " " + action + " " + resource + " " + source
}

// NewServiceAnswers collects the service questions of the answered paths
// and asks asker what no path asks: the writes of every source (srcs), as
// a path's writer hops ask them, and, with serviceContext, each feed's sqs:SendMessage (d.Feeds), each publisher's
// sns:Publish (pubs), each topic notification of a log bucket, and the
// sender's kms:GenerateDataKey and kms:Decrypt on an encrypted topic's or
// queue's customer managed key (an AWS managed key is never usable by a
// service: sseKeyHop).
func NewServiceAnswers(snap *snapshot.Snapshot, paths []Path, srcs []LogSource, pubs []Publisher, d Delivery, asker Asker) ServiceAnswers {
	out := ServiceAnswers{}
	// put keeps the first question asked of each call; a question not yet
	// answered is asked.
	put := func(q Question) {
		src := q.Context["aws:SourceArn"]
		if len(src) != 1 {
			return
		}
		k := ServiceKey(q.Principal, q.Action, q.Resource, src[0])
		if has(out, k) {
			return
		}
		if q.Answer == nil {
			a := asker.Ask(q)
			q.Answer = &a
		}
		out[k] = q
	}
	for _, p := range paths {
		for _, h := range p.Hops {
			for _, q := range h.Questions {
				if q.Answer != nil {
					put(q)
				}
			}
		}
	}
	if snap == nil {
		return out
	}
	ix := newIndex(snap)
	// Every source's writes, as its paths' writer hops ask them.
	b := &builder{ix: ix}
	for _, s := range srcs {
		for _, h := range b.writerHops(s) {
			for _, q := range h.Questions {
				put(q)
			}
		}
	}
	ask := func(principal, action, resource, source, account string) {
		put(Question{Principal: principal, Action: action, Resource: resource, Context: serviceContext(principal, source, account)})
	}
	// sseKey asks for a sender's use of the key of a topic or queue (ref,
	// resolved where the topic or queue lives).
	sseKey := func(ref, account, region, principal, source, sourceAccount string) {
		if ref == "" {
			return
		}
		if k := ix.resolveKey(ref, account, region); k.Key != nil && !k.AWSManaged {
			for _, act := range []string{"kms:GenerateDataKey", "kms:Decrypt"} {
				ask(principal, act, k.Key.ARN, source, sourceAccount)
			}
		}
	}
	for _, f := range d.Feeds {
		ask(f.Service, "sqs:SendMessage", f.Queue, f.Source, f.Account)
		if q := ix.queues[f.Queue]; q != nil {
			sseKey(q.V.KmsMasterKeyID, q.Account, q.V.Region, f.Service, f.Source, f.Account)
		}
	}
	publish := func(topic, principal, source, account string) {
		ask(principal, "sns:Publish", topic, source, account)
		if t := ix.topics[topic]; t != nil {
			sseKey(t.V.KmsMasterKeyID, t.Account, t.V.Region, principal, source, account)
		}
	}
	for _, p := range pubs {
		publish(p.Topic, p.Principal, p.SourceARN, p.SourceAccount)
	}
	for _, name := range d.LogBuckets {
		b := ix.buckets[name]
		if b == nil || b.V.Notification == nil {
			continue
		}
		for _, c := range b.V.Notification.TopicConfigurations {
			publish(c.ARN, principalS3, b.V.ARN, b.Account)
		}
	}
	return out
}

func has[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}
