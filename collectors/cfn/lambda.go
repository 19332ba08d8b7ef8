package cfn

import (
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// eventSourceMapping records an SQS event source mapping: Lambda polls the
// queue with the function's execution role, which makes that role a
// reader of the queue. Mappings of other sources (Kinesis, DynamoDB,
// Kafka) are not on a log path.
func (b *builder) eventSourceMapping(home *account, r *resource, p props) error {
	t := b.t
	src, err := p.str("EventSourceArn")
	if err != nil {
		return err
	}
	if !strings.Contains(src, ":sqs:") {
		return nil
	}
	fn, err := p.str("FunctionName")
	if err != nil {
		return err
	}
	enabled, err := p.boolean("Enabled", true)
	if err != nil {
		return err
	}
	m := &snapshot.EventSourceMapping{EventSourceARN: src, FunctionARN: fn, Region: t.region, Location: p.loc(r.line)}
	if !strings.HasPrefix(fn, "arn:") {
		// FunctionName is a name, an ARN or a partial ARN (ACCOUNT:function:NAME).
		m.FunctionARN = t.arn("lambda", t.region, t.accountID, "function:"+fn[strings.LastIndexByte(fn, ':')+1:])
	}
	if !enabled {
		m.State = "Disabled"
	}
	if m.Role, err = b.functionRole(m.FunctionARN); err != nil {
		return err
	}
	home.esms = append(home.esms, m)
	return nil
}

// functionRole is the Role property of the template's Lambda function with
// that ARN, or "" when the template does not declare it.
func (b *builder) functionRole(fnARN string) (string, error) {
	t := b.t
	for _, id := range t.order {
		r := id
		if r.typ != "AWS::Lambda::Function" || r.props == nil {
			continue
		}
		n, err := t.physicalName(r, r.line)
		if err != nil {
			return "", err
		}
		if t.arn("lambda", t.region, t.accountID, "function:"+n.s) != fnARN {
			continue
		}
		role := lookup(r.props, "Role")
		if role == nil {
			return "", nil
		}
		v, err := t.eval(role, 1, false)
		if err != nil {
			return "", err
		}
		if !v.scalar() {
			return "", t.errf(v.line, "%s.Role must be a string, got %s", r.id, v.kind)
		}
		return v.s, nil
	}
	return "", nil
}
