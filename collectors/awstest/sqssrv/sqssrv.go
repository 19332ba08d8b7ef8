package sqssrv

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const (
	contentType = "application/x-amz-json-1.0"
	prefix      = "AmazonSQS."
	namespace   = "com.amazonaws.sqs"
)

// Service is SQS for awstest.Start.
var Service = awstest.Service{ID: awstest.SQS, New: New}

// New returns the SQS handler.
func New(w *awstest.World) http.Handler { return &server{w: w} }

type server struct{ w *awstest.World }

type request struct {
	QueueURL        string `json:"QueueUrl"`
	QueueNamePrefix string
	NextToken       string
	MaxResults      int
	AttributeNames  []string
}

func (s *server) fail(rw http.ResponseWriter, e *awstest.APIError) {
	awstest.WriteJSONError(rw, contentType, namespace, true, e)
}

func (s *server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, err := awstest.ReadBody(r)
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), prefix)
	if err != nil || !ok {
		s.fail(rw, awstest.Errorf(400, "InvalidAction", "unknown target %q", r.Header.Get("X-Amz-Target")))
		return
	}
	var req request
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			s.fail(rw, awstest.Errorf(400, "SerializationException", "%v", err))
			return
		}
	}
	c, ae := s.w.Begin(r, awstest.Op{Service: "sqs", Name: op, Continuation: req.NextToken != "", Resource: req.QueueURL})
	if ae != nil {
		s.fail(rw, ae)
		return
	}
	a := s.w.Account(c.Account)
	switch op {
	case "ListQueues":
		var urls []string
		if a != nil {
			for _, q := range a.Queues {
				if q.Region == c.Region && strings.HasPrefix(q.Name, req.QueueNamePrefix) {
					urls = append(urls, q.URL)
				}
			}
		}
		// Without MaxResults, ListQueues answers up to 1,000 queues and no
		// token (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html).
		if req.MaxResults == 0 {
			if len(urls) > 1000 {
				urls = urls[:1000]
			}
			awstest.WriteJSON(rw, contentType, map[string]any{"QueueUrls": urls})
			return
		}
		start, end, next, ae := s.w.Page(len(urls), req.NextToken, req.MaxResults, 1000)
		if ae != nil {
			s.fail(rw, ae)
			return
		}
		out := map[string]any{"QueueUrls": urls[start:end]}
		if next != "" {
			out["NextToken"] = next
		}
		awstest.WriteJSON(rw, contentType, out)
	case "GetQueueAttributes":
		q := s.queue(a, c, req.QueueURL)
		if q == nil {
			// JSON SQS names the shape QueueDoesNotExist and keeps the
			// query code in x-amzn-query-error, which the SDK reports.
			e := awstest.Errorf(400, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
			e.Shape = "QueueDoesNotExist"
			s.fail(rw, e)
			return
		}
		awstest.WriteJSON(rw, contentType, map[string]any{"Attributes": attributes(q, req.AttributeNames)})
	default:
		s.fail(rw, awstest.Errorf(400, "InvalidAction", "The action %s is not valid for this endpoint.", op))
	}
}

func (s *server) queue(a *snapshot.Account, c awstest.Caller, url string) *snapshot.Queue {
	if a == nil {
		return nil
	}
	for i := range a.Queues {
		if a.Queues[i].URL == url && a.Queues[i].Region == c.Region {
			return &a.Queues[i]
		}
	}
	return nil
}

func attributes(q *snapshot.Queue, names []string) map[string]string {
	all := map[string]string{
		"QueueArn":                      q.ARN,
		"VisibilityTimeout":             strconv.Itoa(q.VisibilityTimeout),
		"MessageRetentionPeriod":        strconv.Itoa(q.MessageRetentionPeriod),
		"DelaySeconds":                  strconv.Itoa(q.DelaySeconds),
		"MaximumMessageSize":            strconv.Itoa(q.MaximumMessageSize),
		"ReceiveMessageWaitTimeSeconds": strconv.Itoa(q.ReceiveWaitTimeSeconds),
		"SqsManagedSseEnabled":          strconv.FormatBool(q.SqsManagedSseEnabled),
		"ApproximateNumberOfMessages":   "0",
		"CreatedTimestamp":              "1704067200",
		"LastModifiedTimestamp":         "1704067200",
	}
	if q.Policy != nil {
		all["Policy"] = string(q.Policy.Document)
	}
	if q.KmsMasterKeyID != "" {
		all["KmsMasterKeyId"] = q.KmsMasterKeyID
		all["KmsDataKeyReusePeriodSeconds"] = "300"
	}
	if q.FifoQueue {
		all["FifoQueue"] = "true"
	}
	if rp := q.RedrivePolicy; rp != nil {
		b, _ := json.Marshal(map[string]any{"deadLetterTargetArn": rp.DeadLetterTargetARN, "maxReceiveCount": rp.MaxReceiveCount})
		all["RedrivePolicy"] = string(b)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	if want["All"] {
		return all
	}
	out := map[string]string{}
	for k, v := range all {
		if want[k] {
			out[k] = v
		}
	}
	return out
}
