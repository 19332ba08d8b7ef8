package sqssrv

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const contentType = "application/x-amz-json-1.0"

// SQS speaks JSON 1.0 but stays compatible with its query-protocol error
// codes (x-amzn-query-error).
var proto = &awstest.JSONProtocol{Service: "sqs", ContentType: contentType, UnknownTarget: "InvalidAction",
	Targets: []string{"AmazonSQS."}, Namespace: "com.amazonaws.sqs", QueryCompatible: true}

// Service is SQS for awstest.Start.
var Service = awstest.JSONService(awstest.SQS, proto, func(req *request) awstest.Op {
	return awstest.Op{Continuation: req.NextToken != "", Resource: req.QueueURL}
}, func(w *awstest.World) awstest.JSONServe[request] { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

type request struct {
	QueueURL        string `json:"QueueUrl"`
	QueueNamePrefix string
	NextToken       string
	MaxResults      int
	AttributeNames  []string
}

func (s *server) serve(rw http.ResponseWriter, op string, c awstest.Caller, req *request) {
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
		out, ae := awstest.JSONPage(s.w, urls, "QueueUrls", "NextToken", req.NextToken, req.MaxResults, 1000)
		if ae != nil {
			proto.Fail(rw, ae)
			return
		}
		awstest.WriteJSON(rw, contentType, out)
	case "GetQueueAttributes":
		q := s.queue(a, c, req.QueueURL)
		if q == nil {
			// JSON SQS names the shape QueueDoesNotExist and keeps the
			// query code in x-amzn-query-error, which the SDK reports.
			e := awstest.Errorf(400, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
			e.Shape = "QueueDoesNotExist"
			proto.Fail(rw, e)
			return
		}
		awstest.WriteJSON(rw, contentType, map[string]any{"Attributes": attributes(q, req.AttributeNames)})
	default:
		proto.Fail(rw, awstest.Errorf(400, "InvalidAction", "The action %s is not valid for this endpoint.", op))
	}
}

func (s *server) queue(a *snapshot.Account, c awstest.Caller, url string) *snapshot.Queue {
	if a == nil {
		return nil
	}
	return awstest.Find(a.Queues, func(q *snapshot.Queue) bool { return q.URL == url && q.Region == c.Region })
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
