// Package firehosesrv is a loopback Amazon Data Firehose (JSON 1.1) server
// for awstest, serving the delivery streams of a World's snapshot:
// ListDeliveryStreams and DescribeDeliveryStream with its S3 destination.
package firehosesrv
