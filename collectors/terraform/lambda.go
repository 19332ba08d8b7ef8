package terraform

import (
	"fmt"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// eventSourceMapping records an SQS aws_lambda_event_source_mapping: Lambda
// polls the queue with the function's execution role, which makes that
// role a reader of the queue
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
// Mappings of other sources (Kinesis, DynamoDB, Kafka) are not on a log
// path.
func (b *builder) eventSourceMapping(in *instance) {
	v := b.top(in)
	src := b.s(v, "event_source_arn")
	if !strings.Contains(src, ":sqs:") {
		return
	}
	m := &snapshot.EventSourceMapping{EventSourceARN: src, Region: b.region(in), Location: b.loc(in)}
	if !v.boolean("enabled", true) {
		m.State = "Disabled"
	}
	fn, name := b.target(v, "function_name", "aws_lambda_function")
	if fn != nil {
		fv := b.top(fn)
		m.FunctionARN = b.s(fv, "arn")
		m.Role = b.s(fv, "role")
		if fnName := b.s(fv, "function_name"); snapshot.IsUnknown(m.FunctionARN) && fnName != "" && !snapshot.IsUnknown(fnName) {
			// Known after apply, but Lambda builds it from the name.
			m.FunctionARN = fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", b.partition(fn), b.region(fn), b.accountOf(fn), fnName)
		}
	}
	if m.FunctionARN == "" || snapshot.IsUnknown(m.FunctionARN) && !snapshot.IsUnknown(name) {
		// function_name is a name, an ARN or a partial ARN.
		if strings.HasPrefix(name, "arn:") {
			m.FunctionARN = name
		} else if name != "" {
			m.FunctionARN = fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", b.partition(in), m.Region, b.accountOf(in), name[strings.LastIndexByte(name, ':')+1:])
		}
	}
	if arn := b.s(v, "function_arn"); m.FunctionARN == "" && arn != "" {
		m.FunctionARN = arn
	}
	a := b.account(b.accountOf(in))
	a.esms = append(a.esms, m)
}
