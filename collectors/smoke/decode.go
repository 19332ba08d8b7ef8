package smoke

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Format names the shape of a notification that reached the queue.
type Format string

const (
	// FormatS3Event is an S3 event notification ({"Records":[{"s3":…}]}).
	FormatS3Event Format = "s3-event"
	// FormatS3TestEvent is the s3:TestEvent S3 sends when a notification
	// configuration is saved; it names no object.
	FormatS3TestEvent Format = "s3-test-event"
	// FormatCloudTrailNotice is a trail's own SNS notification
	// ({"s3Bucket":…,"s3ObjectKey":[…]}).
	FormatCloudTrailNotice Format = "cloudtrail-sns-notice"
	// FormatEventBridge is an S3 event routed through EventBridge
	// ({"source":"aws.s3","detail":{"bucket":…,"object":…}}).
	FormatEventBridge Format = "eventbridge-s3-event"
)

// Notification is what one queue message says, after unwrapping.
type Notification struct {
	// Envelope is true when the body was an SNS envelope (raw message
	// delivery off); TopicARN is then the publishing topic.
	Envelope bool   `json:"sns_envelope"`
	TopicARN string `json:"topic_arn,omitempty"`
	Format   Format `json:"format"`
	// Objects are the log objects the notification points at, keys decoded.
	Objects []ObjectRef `json:"objects,omitempty"`
	// EventName is the S3 event name (ObjectCreated:Put, …) when present.
	EventName string `json:"event_name,omitempty"`
	// Region is the region the event says it came from, when it says.
	Region string `json:"region,omitempty"`
}

// ObjectRef is one S3 object a notification names.
type ObjectRef struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
}

// DecodeError is a message body that is none of the shapes a log pipeline
// delivers.
type DecodeError struct {
	Msg string
	// Unconfirmed: the body is SNS's SubscriptionConfirmation, which only
	// an unconfirmed subscription receives.
	Unconfirmed bool
}

func (e *DecodeError) Error() string { return e.Msg }

// snsEnvelope is the JSON SNS wraps a message in when it delivers to SQS
// without raw message delivery
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html).
type snsEnvelope struct {
	Type     string  `json:"Type"`
	TopicArn string  `json:"TopicArn"`
	Message  *string `json:"Message"`
}

// Decode says what a queue message body is and which objects it names.
func Decode(body string) (*Notification, error) {
	b := bytes.TrimSpace([]byte(body))
	if len(b) == 0 {
		return nil, &DecodeError{Msg: "empty message body"}
	}
	if b[0] != '{' {
		return nil, &DecodeError{Msg: fmt.Sprintf("message body is not a JSON object (starts with %q)", truncate(string(b), 40))}
	}
	var env snsEnvelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, &DecodeError{Msg: "message body is not valid JSON: " + err.Error()}
	}
	if env.Type == "Notification" && env.Message != nil {
		n, err := decodePayload([]byte(*env.Message))
		if err != nil {
			return nil, &DecodeError{Msg: "SNS envelope from " + env.TopicArn + ": " + err.Error()}
		}
		n.Envelope, n.TopicARN = true, env.TopicArn
		return n, nil
	}
	if env.Type == "SubscriptionConfirmation" {
		return nil, &DecodeError{Msg: "an SNS SubscriptionConfirmation, not a log notification: the subscription was never confirmed", Unconfirmed: true}
	}
	return decodePayload(b)
}

// bucketObject is how an S3 event and its EventBridge form both name the
// object: {"bucket":{"name":…},"object":{"key":…}}.
type bucketObject struct {
	Bucket struct {
		Name string `json:"name"`
	} `json:"bucket"`
	Object struct {
		Key string `json:"key"`
	} `json:"object"`
}

// payload holds every field that tells the shapes apart.
type payload struct {
	Records []struct {
		EventSource string        `json:"eventSource"`
		EventName   string        `json:"eventName"`
		AWSRegion   string        `json:"awsRegion"`
		S3          *bucketObject `json:"s3"`
	} `json:"Records"`
	// The S3 test event (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
	Service string `json:"Service"`
	Event   string `json:"Event"`
	Bucket  string `json:"Bucket"`
	// A trail's SNS notice
	// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html).
	S3Bucket    *string  `json:"s3Bucket"`
	S3ObjectKey []string `json:"s3ObjectKey"`
	// EventBridge (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
	Source     string        `json:"source"`
	DetailType string        `json:"detail-type"`
	Region     string        `json:"region"`
	Detail     *bucketObject `json:"detail"`
}

func decodePayload(b []byte) (*Notification, error) {
	var p payload
	if err := json.Unmarshal(bytes.TrimSpace(b), &p); err != nil {
		return nil, &DecodeError{Msg: "not a JSON notification: " + err.Error()}
	}
	switch {
	case p.Records != nil:
		n := &Notification{Format: FormatS3Event}
		for i, r := range p.Records {
			if r.S3 == nil || r.EventSource != "aws:s3" {
				return nil, &DecodeError{Msg: fmt.Sprintf("Records[%d] is not an S3 event (eventSource %q): a CloudTrail log file body sent as a message?", i, r.EventSource)}
			}
			// S3 URL-encodes the key in event notifications, form-style
			// ("red flower.jpg" arrives as "red+flower.jpg"):
			// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
			key, err := url.QueryUnescape(r.S3.Object.Key)
			if err != nil {
				return nil, &DecodeError{Msg: fmt.Sprintf("Records[%d].s3.object.key %q is not URL-encoded as S3 encodes keys: %v", i, r.S3.Object.Key, err)}
			}
			if r.S3.Bucket.Name == "" || key == "" {
				return nil, &DecodeError{Msg: fmt.Sprintf("Records[%d] names no bucket or key", i)}
			}
			n.Objects = append(n.Objects, ObjectRef{Bucket: r.S3.Bucket.Name, Key: key})
			n.EventName, n.Region = r.EventName, r.AWSRegion
		}
		if len(n.Objects) == 0 {
			return nil, &DecodeError{Msg: "S3 event with no Records"}
		}
		return n, nil
	case p.Event == "s3:TestEvent":
		return &Notification{Format: FormatS3TestEvent, EventName: p.Event}, nil
	case p.S3Bucket != nil:
		n := &Notification{Format: FormatCloudTrailNotice}
		for _, k := range p.S3ObjectKey {
			n.Objects = append(n.Objects, ObjectRef{Bucket: *p.S3Bucket, Key: k})
		}
		if len(n.Objects) == 0 {
			return nil, &DecodeError{Msg: "CloudTrail notice with no s3ObjectKey"}
		}
		return n, nil
	case p.Source == "aws.s3" && p.Detail != nil:
		// EventBridge carries the key as stored, not URL-encoded (inf: the
		// documented example has no character that would be encoded).
		if p.Detail.Bucket.Name == "" || p.Detail.Object.Key == "" {
			return nil, &DecodeError{Msg: fmt.Sprintf("EventBridge %q event names no object", p.DetailType)}
		}
		return &Notification{Format: FormatEventBridge, EventName: p.DetailType, Region: p.Region,
			Objects: []ObjectRef{{Bucket: p.Detail.Bucket.Name, Key: p.Detail.Object.Key}}}, nil
	}
	return nil, &DecodeError{Msg: "JSON of no known notification shape (S3 event Records, S3 test event, CloudTrail s3Bucket/s3ObjectKey, EventBridge detail.bucket, or an SNS envelope of one)"}
}

// expectation is what a profile's setup guide says the queue receives.
type expectation struct {
	// raw: true requires raw delivery, false requires the envelope, nil
	// accepts both.
	raw     *bool
	formats []Format
	source  string
}

// expectations holds only what a vendor guide states (profiles.md); a
// profile absent here accepts every shape.
var expectations = map[string]expectation{
	// Expel E6 (raw message delivery) and E8 (S3 event notifications of
	// all object create events to the topic).
	"expel": {raw: ptr(true), formats: []Format{FormatS3Event, FormatS3TestEvent}, source: "expel steps E6, E8"},
}

func ptr[T any](v T) *T { return &v }

// Mismatch says how a notification differs from what the profile's consumer
// parses (rule NT05), or "" when it does not.
func Mismatch(profile string, n *Notification) string {
	exp, ok := expectations[profile]
	if !ok {
		return ""
	}
	var problems []string
	if exp.raw != nil && *exp.raw && n.Envelope {
		problems = append(problems, "arrived in an SNS envelope but raw message delivery is required")
	}
	if exp.raw != nil && !*exp.raw && !n.Envelope {
		problems = append(problems, "arrived raw but the consumer needs the SNS envelope")
	}
	if len(exp.formats) > 0 {
		found := false
		for _, f := range exp.formats {
			found = found || f == n.Format
		}
		if !found {
			names := make([]string, len(exp.formats))
			for i, f := range exp.formats {
				names[i] = string(f)
			}
			problems = append(problems, fmt.Sprintf("is %s, but the consumer parses %s", n.Format, strings.Join(names, " or ")))
		}
	}
	if len(problems) == 0 {
		return ""
	}
	return "profile " + profile + " (" + exp.source + "): the message " + strings.Join(problems, "; ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
