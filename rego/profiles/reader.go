package profiles

import (
	"slices"
)

// ReaderAction is one action a log reader calls on its path, and whether
// every SQS-driven S3 reader needs it or it is only recommended
// (shared/profiles.md, "generic"). Rules demand a recommended action only
// when the connector's profile demands it (a step's require.actions);
// otherwise they report at most a low "recommended" finding quoting
// WithoutIt.
type ReaderAction struct {
	// Rule is the catalog rule that judges the action.
	Rule   string `json:"rule"`
	Action string `json:"action"`
	// On is what the action is asked on: queue, objects, bucket, key, role.
	On string `json:"on"`
	// Needed: the reader cannot work without it.
	Needed bool `json:"needed"`
	// NeededBy lists reader kinds (lambda-esm) that need an action otherwise
	// only recommended.
	NeededBy []string `json:"needed_by,omitempty"`
	// MootFor lists reader kinds that never call the action: Lambda polls
	// for an event source mapping with ReceiveMessage, DeleteMessage and
	// GetQueueAttributes only (AWSLambdaSQSQueueExecutionRole), naming the
	// queue by ARN and leaving visibility to the queue's timeout.
	MootFor []string `json:"moot_for,omitempty"`
	// WithoutIt says what works differently, or fails, without the action.
	WithoutIt string `json:"without_it"`
}

// ReaderActions is the table the reader rules (SQ06, S305, KM01, ID01)
// read at data.trailgate.reader_actions.
var ReaderActions = []ReaderAction{
	{Rule: "SQ06", Action: "sqs:ReceiveMessage", On: "queue", Needed: true,
		WithoutIt: "no notification is ever read"},
	{Rule: "SQ06", Action: "sqs:DeleteMessage", On: "queue", Needed: true,
		WithoutIt: "every message is received again after its visibility timeout, so log files are read over and over and the oldest message keeps aging"},
	{Rule: "SQ06", Action: "sqs:ChangeMessageVisibility", On: "queue", MootFor: []string{"lambda-esm"},
		WithoutIt: "the reader cannot extend a message's visibility while it processes a large file or release it early after a failure; the queue's VisibilityTimeout alone decides when a message is retried"},
	// A Lambda event source mapping polls with the function's execution
	// role, which needs sqs:ReceiveMessage, sqs:DeleteMessage and
	// sqs:GetQueueAttributes (AWSLambdaSQSQueueExecutionRole;
	// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions).
	{Rule: "SQ06", Action: "sqs:GetQueueAttributes", On: "queue", NeededBy: []string{"lambda-esm"},
		WithoutIt: "the reader cannot read the queue's settings or backlog (health checks and dead-letter checks such as Splunk's using_dlq fail); a Lambda event source mapping cannot poll without it"},
	{Rule: "SQ06", Action: "sqs:GetQueueUrl", On: "queue", MootFor: []string{"lambda-esm"},
		WithoutIt: "the reader cannot look the queue up by name and must be given its URL"},
	{Rule: "S305", Action: "s3:GetObject", On: "objects", Needed: true,
		WithoutIt: "no log file is read"},
	// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html:
	// without s3:ListBucket a missing key answers 403 AccessDenied, with it
	// 404 NoSuchKey.
	{Rule: "S305", Action: "s3:ListBucket", On: "bucket",
		WithoutIt: "a GetObject of a key that no longer exists answers 403 AccessDenied instead of 404 NoSuchKey, and the bucket cannot be listed to backfill; delivery of notified files is unaffected"},
	{Rule: "KM01", Action: "kms:Decrypt", On: "key", Needed: true,
		WithoutIt: "no file, message or notification encrypted with the key is readable"},
	{Rule: "ID01", Action: "sts:AssumeRole", On: "role", Needed: true,
		WithoutIt: "a cross-account reader cannot obtain the role's credentials at all"},
}

// RuleNeeds is what one rule demands of every reader (Needed), only
// recommends (Recommended), and needs of some kinds of reader (NeededBy).
type RuleNeeds struct {
	Needed, Recommended []string
	NeededBy            map[string][]string
}

// RuleActions are, per rule, the actions it demands of every reader and
// those it only recommends (for `trailgate rules --format json`).
func RuleActions() map[string]RuleNeeds {
	out := map[string]RuleNeeds{}
	for _, a := range ReaderActions {
		e := out[a.Rule]
		if a.Needed {
			e.Needed = append(e.Needed, a.Action)
		} else {
			e.Recommended = append(e.Recommended, a.Action)
		}
		for _, k := range a.NeededBy {
			if e.NeededBy == nil {
				e.NeededBy = map[string][]string{}
			}
			e.NeededBy[k] = append(e.NeededBy[k], a.Action)
		}
		out[a.Rule] = e
	}
	for id, e := range out {
		slices.Sort(e.Needed)
		slices.Sort(e.Recommended)
		out[id] = e
	}
	return out
}

// ReaderActionsData is ReaderActions as the JSON value Rego reads.
func ReaderActionsData() []any {
	out := make([]any, 0, len(ReaderActions))
	for _, a := range ReaderActions {
		out = append(out, map[string]any{
			"rule": a.Rule, "action": a.Action, "on": a.On, "needed": a.Needed,
			"needed_by": anyList(a.NeededBy), "moot_for": anyList(a.MootFor), "without_it": a.WithoutIt,
		})
	}
	return out
}

func anyList(ss []string) []any {
	out := make([]any, 0, len(ss))
	for _, s := range ss {
		out = append(out, s)
	}
	return out
}
