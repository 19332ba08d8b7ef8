package terraform

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// eventSourceMapping reads aws_lambda_event_source_mapping: which function,
// and so which execution role, polls which queue or stream.
func (b *builder) eventSourceMapping(in *instance) {
	v := b.top(in)
	src := b.opt(v, "event_source_arn")
	if src == "" {
		return // self-managed Kafka and the like
	}
	m := &snapshot.EventSourceMapping{EventSourceARN: src, Enabled: v.boolean("enabled", true), Location: b.loc(in)}
	fn := b.s(v, "function_name")
	fnIn := b.lambdaFunction(fn)
	switch {
	case strings.HasPrefix(fn, "arn:"):
		// An alias or version ARN (function:NAME:ALIAS) runs as the
		// function's role; the mapping names the function itself.
		m.FunctionARN = unqualifiedFunction(fn)
	case fnIn != nil:
		m.FunctionARN = b.s(b.top(fnIn), "arn")
	default:
		m.FunctionARN = fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", b.partition(in), b.region(in), b.accountOf(in), fn)
	}
	if fnIn == nil {
		fnIn = b.lambdaFunction(m.FunctionARN)
	}
	if fnIn != nil {
		m.RoleARN = b.s(b.top(fnIn), "role")
	}
	a := b.account(b.accountOf(in))
	a.EventSourceMappings = append(a.EventSourceMappings, m)
}

// lambdaFunction is the plan's aws_lambda_function named by a function
// name or ARN, or nil.
func (b *builder) lambdaFunction(nameOrARN string) *instance {
	if nameOrARN == "" || snapshot.IsUnknown(nameOrARN) && !strings.HasPrefix(nameOrARN, "arn:") {
		return nil
	}
	for _, in := range b.ix.list {
		if in.typ != "aws_lambda_function" || in.mode != tfjson.ManagedResourceMode {
			continue
		}
		v := b.top(in)
		if name := b.s(v, "function_name"); name == nameOrARN || b.s(v, "arn") == nameOrARN {
			return in
		}
	}
	return nil
}

// lambdaDerived computes a function's ARN as Lambda forms it.
func (b *builder) lambdaDerived(in *instance, key string, depth int) (string, bool) {
	if key != "arn" {
		return "", false
	}
	n := b.sDepth(b.top(in), "function_name", depth+1)
	if n == "" || snapshot.IsUnknown(n) {
		return "", false
	}
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", b.partition(in), b.region(in), b.accountOf(in), n), true
}

// unqualifiedFunction is the function an alias or version ARN
// (arn:…:function:NAME:QUALIFIER) qualifies: the ARN without its
// qualifier. Any other string is returned as it is.
func unqualifiedFunction(fn string) string {
	a, err := arn.Parse(fn)
	if err != nil {
		return fn
	}
	kind, rest, _ := strings.Cut(a.Resource, ":")
	name, _, qualified := strings.Cut(rest, ":")
	if !qualified {
		return fn
	}
	a.Resource = kind + ":" + name
	return a.String()
}
