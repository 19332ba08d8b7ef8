package datapath

import (
	"slices"

	"github.com/trailgate/trailgate/analyzer/authz"
)

// SourceKind names the kind of log source a path starts from.
type SourceKind string

// Log sources a path can start from.
const (
	SourceCloudTrail SourceKind = "cloudtrail"
	SourceGuardDuty  SourceKind = "guardduty"
)

// HopKind names one hop of a delivery path, in pipeline order.
type HopKind string

// Hops of a path, in the order data flows through them.
const (
	// HopWriter is the service that writes log files (the trail or the
	// GuardDuty detector acting through its service principal).
	HopWriter HopKind = "writer"
	// HopBucket is the destination bucket and prefix: can the writer put
	// its objects there?
	HopBucket HopKind = "bucket"
	// HopObjectKey is the KMS key that encrypts the log objects: can the
	// writer generate data keys with it?
	HopObjectKey HopKind = "object-key"
	// HopNotification is what announces a new object: an S3 event
	// notification or a trail's SNS notification.
	HopNotification HopKind = "notification"
	// HopTopic is the SNS topic the notification publishes to.
	HopTopic HopKind = "topic"
	// HopTopicKey is the KMS key that encrypts the topic (SSE).
	HopTopicKey HopKind = "topic-key"
	// HopSubscription is the topic's SQS subscription to the queue.
	HopSubscription HopKind = "subscription"
	// HopQueue is the SQS queue that receives the notification.
	HopQueue HopKind = "queue"
	// HopQueueKey is the KMS key that encrypts the queue (SSE-KMS).
	HopQueueKey HopKind = "queue-key"
	// HopReader is the connector's role: can it be assumed, and can it
	// receive and delete messages?
	HopReader HopKind = "reader"
	// HopRead is what the reader must open: the log objects and the keys
	// that encrypt them.
	HopRead HopKind = "read"
)

// HopKinds are every hop kind, in delivery order. A rule's METADATA
// declares the kinds it judges (custom.hops) from these.
var HopKinds = []HopKind{HopWriter, HopBucket, HopObjectKey, HopNotification, HopEventRule, HopTopic, HopTopicKey,
	HopSubscription, HopQueue, HopQueueKey, HopReader, HopRead}

// IsHopKind says whether s names a hop kind.
func IsHopKind(s string) bool { return slices.Contains(HopKinds, HopKind(s)) }

// Status is the state of a hop or of a whole path.
type Status string

// Hop and path states.
const (
	// StatusPending: the questions have not been answered yet (Build only).
	StatusPending Status = "pending"
	// StatusOK: every question is allowed and nothing structural is wrong.
	StatusOK Status = "ok"
	// StatusBroken: a question is denied or the hop has a problem.
	StatusBroken Status = "broken"
	// StatusUnknown: nothing is denied, but some answer cannot be proven
	// (unknown IaC value, partial snapshot).
	StatusUnknown Status = "unknown"
	// StatusDegraded: the hop delivers, but a finding that does not stop
	// the pipeline is about it (a coverage gap, queue tuning, a vendor
	// guide's requirement).
	StatusDegraded Status = "degraded"
)

// Path is the delivery path of one log source to one queue (or, for a
// source without notification, to the bucket's readers).
type Path struct {
	// ID is stable across runs: the source ARN and the queue ARN.
	ID     string `json:"id"`
	Source Source `json:"source"`
	Hops   []Hop  `json:"hops"`
	// Status is the worst hop status (broken before unknown before pending).
	Status Status `json:"status"`
	// FirstBroken is the index in Hops of the first broken hop, -1 if none.
	FirstBroken int `json:"first_broken"`
}

// Source is the log source a path starts from.
type Source struct {
	Kind SourceKind `json:"kind"`
	// ARN is the trail ARN or the GuardDuty detector ARN.
	ARN     string `json:"arn"`
	Account string `json:"account"`
	Region  string `json:"region"`
	// Bucket is the destination bucket's name.
	Bucket string `json:"bucket"`
	// Prefix is the configured prefix (trail S3KeyPrefix, or the GuardDuty
	// destination folder), without trailing slash.
	Prefix string `json:"prefix,omitempty"`
	// KeyPrefix is where the source's log objects land in the bucket,
	// ending in "/": what notification filters and reader grants must
	// cover.
	KeyPrefix string `json:"key_prefix"`
	// KeySuffix is how the source's log object keys end.
	KeySuffix string `json:"key_suffix"`
	// SampleKey is a representative log object key, the object every
	// question about the source's files asks about (a real request names
	// one object).
	SampleKey string `json:"sample_key"`
	// WriteKeys are the objects the writer must be able to put: the sample
	// and, for an organization trail, the management account's own path.
	WriteKeys []string `json:"write_keys"`
	// Writer is the service principal that writes the files (GuardDuty's
	// is regional in opt-in regions), and WriterContext the request
	// context it sends.
	Writer        string              `json:"writer"`
	WriterContext map[string][]string `json:"writer_context"`
	// KMSKey is the key the source names to encrypt its files (a trail's
	// KmsKeyId, a destination's KmsKeyArn), as written; empty when none.
	KMSKey string `json:"kms_key"`
	// Implied: no source of the snapshot writes the bucket, but its
	// new-object notification reaches a queue someone reads (the
	// connector's, or one a Lambda event source mapping polls): a vendor
	// stack whose trail lives elsewhere. The path starts at the bucket,
	// with an unknown writer (no ARN, no writer questions).
	Implied bool `json:"implied,omitempty"`
}

// pathID is the start of the ID of the source's paths: its ARN, or the
// bucket's for an implied source.
func (s Source) pathID(partition string) string {
	if s.ARN != "" {
		return s.ARN
	}
	return "arn:" + partition + ":s3:::" + s.Bucket
}

// Hop is one step of a path.
type Hop struct {
	Kind      HopKind    `json:"kind"`
	Resources []Resource `json:"resources"`
	// Questions are the authorization questions AWS asks on this hop.
	Questions []Question `json:"questions,omitempty"`
	// Problems are structural defects found while building the path (a
	// missing notification, a FIFO destination, a pending subscription),
	// each naming what is wrong in one sentence.
	Problems []string `json:"problems,omitempty"`
	Status   Status   `json:"status"`
	// Findings are the fingerprints of the findings that explain the hop
	// (Attribute).
	Findings []string `json:"findings,omitempty"`
}

// Resource identifies an AWS resource on a hop.
type Resource struct {
	ARN     string `json:"arn"`
	Type    string `json:"type"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
}

// Question is one authorization question: may Principal perform Action on
// Resource with Context? Context holds the request context keys AWS sends
// for this call, each with its values.
type Question struct {
	// ID is stable within the hop ("put-object", "decrypt").
	ID string `json:"id"`
	// Why says in words what the call is for.
	Why       string `json:"why"`
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	// ResourceAccount owns Resource; cross-account requests need both the
	// identity side and the resource side to allow.
	ResourceAccount string              `json:"resource_account"`
	Context         map[string][]string `json:"context,omitempty"`
	// ReaderKind is set on the questions of a queue's known readers (the
	// connector's queue reader, a Lambda event source mapping's role):
	// "role", or "lambda-esm" for a function's execution role polling
	// for an event source mapping, which needs sqs:GetQueueAttributes too.
	// Readers only inferred from the policies (no connector file) have
	// none: they are who could read, not who is known to.
	ReaderKind string `json:"reader_kind,omitempty"`
	// Answer is nil until Evaluate.
	Answer *Answer `json:"answer,omitempty"`
}

// Answer is the answer to a Question: analyzer/authz's, with the
// decision, the proof, the explanation, the statements that decided (or
// nearly did) and what each policy kind said. A hop's question and a
// rule's trailgate.authz call answer in the same shape.
type Answer = authz.Answer
