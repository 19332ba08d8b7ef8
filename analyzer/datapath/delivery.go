package datapath

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Delivery is the delivery side of every log source of a snapshot,
// whatever a connector reads: which buckets hold log files, which queues
// their notifications reach and who sends to those queues. Paths follow
// only the connector's sources and queue; the rules that judge every
// delivery (a notification, a topic or a queue that is not the
// connector's) read this instead (input.path_index.delivery), so that each
// join is made once, here, and not again in Rego.
type Delivery struct {
	// LogBuckets are the names of the buckets a path source writes: a
	// source of the snapshot, or one a path implies (Source.Implied), sorted.
	LogBuckets []string `json:"log_buckets"`
	// Reach maps a log bucket to the queues its files are announced to,
	// sorted: its queue notifications, the SQS subscriptions of the topics
	// it notifies, and those of the SNS topics of the trails writing it.
	// Every configuration counts, whatever its events and filters (a
	// notification that misses some events is the rules' to judge).
	Reach map[string][]string `json:"reach"`
	// QueueBuckets is Reach inverted: queue ARN → the log buckets that
	// reach it, sorted. Its keys are the pipeline's queues.
	QueueBuckets map[string][]string `json:"queue_buckets"`
	// QueueSources maps a queue to the kinds of the snapshot's log sources
	// whose files it is told about: bucket notifications whose filter
	// admits the source's sample key, and the SNS topic of the trail.
	QueueSources map[string][]SourceKind `json:"queue_sources"`
	// Feeds are the services that send the pipeline's queues their
	// messages, one per (service, source, queue), sorted.
	Feeds []Feed `json:"feeds"`
	// SampleKeys maps a log bucket to the log file every question about
	// its objects names: the least sample key of its path sources.
	SampleKeys map[string]string `json:"sample_keys"`
}

// Feed is a producer of a pipeline queue's messages: SNS for a topic's
// SQS subscription, S3 for a bucket's queue notification. Account owns
// Source, as the request's aws:SourceAccount says.
type Feed struct {
	Service string `json:"service"`
	Source  string `json:"source"`
	Account string `json:"account"`
	Queue   string `json:"queue"`
}

// NewDelivery builds the delivery side of snap's log sources (Sources)
// and of the sources the paths imply.
func NewDelivery(snap *snapshot.Snapshot, srcs []LogSource, paths []Path) Delivery {
	d := Delivery{Reach: map[string][]string{}, QueueBuckets: map[string][]string{},
		QueueSources: map[string][]SourceKind{}, SampleKeys: map[string]string{}, Feeds: []Feed{}}
	if snap == nil {
		d.LogBuckets = []string{}
		return d
	}
	ix := newIndex(snap)
	sample := func(bucket, key string) {
		if old, ok := d.SampleKeys[bucket]; !ok || key < old {
			d.SampleKeys[bucket] = key
		}
	}
	for _, s := range srcs {
		sample(s.Bucket, s.SampleKey)
	}
	for _, p := range paths {
		if p.Source.Implied && p.Source.Bucket != "" {
			sample(p.Source.Bucket, p.Source.SampleKey)
		}
	}
	d.LogBuckets = slices.Sorted(maps.Keys(d.SampleKeys))

	// The trails that write each bucket, whatever account lists them.
	trailTopics := map[string][]string{}
	var trails []*owned[snapshot.Trail]
	for account, t := range ofAccounts(snap, func(a *snapshot.Account) []snapshot.Trail { return a.Trails }) {
		trails = append(trails, &owned[snapshot.Trail]{account, t})
		trailTopics[t.S3BucketName] = append(trailTopics[t.S3BucketName], t.SnsTopicARN)
	}
	feeds := map[Feed]bool{}
	topicFeeds := func(topic string) {
		t := ix.topics[topic]
		for _, q := range ix.sqsEndpoints(topic) {
			feeds[Feed{Service: principalSNS, Source: t.V.ARN, Account: t.Account, Queue: q}] = true
		}
	}
	for _, name := range d.LogBuckets {
		queues := map[string]bool{}
		if b := ix.buckets[name]; b != nil && b.V.Notification != nil {
			n := b.V.Notification
			for _, c := range n.QueueConfigurations {
				queues[c.ARN] = true
				feeds[Feed{Service: principalS3, Source: b.V.ARN, Account: b.Account, Queue: c.ARN}] = true
			}
			for _, c := range n.TopicConfigurations {
				for _, q := range ix.sqsEndpoints(c.ARN) {
					queues[q] = true
				}
				topicFeeds(c.ARN)
			}
		}
		for _, topic := range trailTopics[name] {
			for _, q := range ix.sqsEndpoints(topic) {
				queues[q] = true
			}
		}
		d.Reach[name] = append([]string{}, slices.Sorted(maps.Keys(queues))...)
		for q := range queues {
			d.QueueBuckets[q] = append(d.QueueBuckets[q], name)
		}
	}
	// Every trail's topic feeds its queues, whether or not its bucket is
	// in the input.
	for _, t := range trails {
		topicFeeds(t.V.SnsTopicARN)
	}
	d.Feeds = slices.SortedFunc(maps.Keys(feeds), func(a, b Feed) int {
		return cmp.Or(strings.Compare(a.Queue, b.Queue), strings.Compare(a.Service, b.Service),
			strings.Compare(a.Source, b.Source), strings.Compare(a.Account, b.Account))
	})

	kinds := map[string]map[SourceKind]bool{}
	for _, s := range srcs {
		for _, q := range deliveryQueues(ix, s) {
			if kinds[q] == nil {
				kinds[q] = map[SourceKind]bool{}
			}
			kinds[q][s.Kind] = true
		}
	}
	for q, ks := range kinds {
		d.QueueSources[q] = slices.Sorted(maps.Keys(ks))
	}
	return d
}

// deliveryQueues are the queues told about one source's files: the
// bucket's notifications whose prefix and suffix filters match its sample
// key (directly or through a topic's SQS subscriptions), and the SNS
// topic of the trail.
func deliveryQueues(ix *index, s LogSource) []string {
	var out []string
	if b := ix.buckets[s.Bucket]; b != nil && b.V.Notification != nil {
		admits := func(c snapshot.NotificationTarget) bool {
			return strings.HasPrefix(s.SampleKey, c.FilterPrefix) && strings.HasSuffix(s.SampleKey, c.FilterSuffix)
		}
		for _, c := range b.V.Notification.TopicConfigurations {
			if admits(c) {
				out = append(out, ix.sqsEndpoints(c.ARN)...)
			}
		}
		for _, c := range b.V.Notification.QueueConfigurations {
			if admits(c) {
				out = append(out, c.ARN)
			}
		}
	}
	if s.Trail != nil {
		out = append(out, ix.sqsEndpoints(s.Trail.SnsTopicARN)...)
	}
	return out
}
