package firehosesrv

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

var proto = awstest.JSON11("firehose", "Firehose_20150804.")

// Service is Firehose for awstest.Start.
var Service = awstest.JSONService(awstest.Firehose, proto, func(req *request) awstest.Op {
	return awstest.Op{Resource: req.DeliveryStreamName, Continuation: req.ExclusiveStartDeliveryStreamName != ""}
}, func(w *awstest.World) awstest.JSONServe[request] { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

type request struct {
	DeliveryStreamName               string
	ExclusiveStartDeliveryStreamName string
	Limit                            int
}

func (s *server) serve(rw http.ResponseWriter, op string, c awstest.Caller, req *request) {
	streams := awstest.Filter(s.w.Own(c).DeliveryStreams, func(d *snapshot.DeliveryStream) bool { return d.Region == c.Region })
	slices.SortFunc(streams, func(x, y *snapshot.DeliveryStream) int { return cmp.Compare(x.Name, y.Name) })
	switch op {
	case "ListDeliveryStreams":
		// Firehose pages by name: the names after
		// ExclusiveStartDeliveryStreamName, at most Limit (default 10).
		limit := req.Limit
		if limit <= 0 {
			limit = 10
		}
		if s.w.PageSize > 0 && s.w.PageSize < limit {
			limit = s.w.PageSize
		}
		names := []string{}
		more := false
		for _, d := range streams {
			if d.Name <= req.ExclusiveStartDeliveryStreamName {
				continue
			}
			if len(names) == limit {
				more = true
				break
			}
			names = append(names, d.Name)
		}
		awstest.WriteJSON(rw, proto.ContentType, map[string]any{"DeliveryStreamNames": names, "HasMoreDeliveryStreams": more})
	case "DescribeDeliveryStream":
		for _, d := range streams {
			if d.Name == req.DeliveryStreamName {
				awstest.WriteJSON(rw, proto.ContentType, map[string]any{"DeliveryStreamDescription": describe(d)})
				return
			}
		}
		proto.Fail(rw, awstest.Errorf(400, "ResourceNotFoundException", "Firehose %s under account %s not found.", req.DeliveryStreamName, c.Account))
	default:
		proto.Fail(rw, awstest.Errorf(400, "UnknownOperationException", "unknown operation %s", op))
	}
}

func describe(d *snapshot.DeliveryStream) map[string]any {
	typ := cmp.Or(d.Type, "DirectPut")
	status := cmp.Or(d.Status, "ACTIVE")
	dests := []map[string]any{}
	if s3 := d.S3; s3 != nil {
		enc := map[string]any{"NoEncryptionConfig": "NoEncryption"}
		if s3.KMSKeyARN != "" {
			enc = map[string]any{"KMSEncryptionConfig": map[string]any{"AWSKMSKeyARN": s3.KMSKeyARN}}
		}
		ext := map[string]any{"BucketARN": s3.BucketARN, "RoleARN": s3.RoleARN, "CompressionFormat": s3.CompressionFormat,
			"EncryptionConfiguration": enc, "BufferingHints": map[string]any{"SizeInMBs": 5, "IntervalInSeconds": 300}}
		if s3.Prefix != "" {
			ext["Prefix"] = s3.Prefix
		}
		if s3.ErrorOutputPrefix != "" {
			ext["ErrorOutputPrefix"] = s3.ErrorOutputPrefix
		}
		if s3.CompressionFormat == "" {
			ext["CompressionFormat"] = "UNCOMPRESSED"
		}
		dests = append(dests, map[string]any{"DestinationId": "destinationId-000000000001", "ExtendedS3DestinationDescription": ext})
	}
	return map[string]any{"DeliveryStreamName": d.Name, "DeliveryStreamARN": d.ARN, "DeliveryStreamStatus": status,
		"DeliveryStreamType": typ, "VersionId": "1", "CreateTimestamp": 1.7040672e9, "Destinations": dests, "HasMoreDestinations": false}
}
