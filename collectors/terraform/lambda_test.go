package terraform

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// A forwarder function polling a queue: the mapping names the function by
// an ARN known only after apply, which resolves through the configuration
// to the function, whose execution role is the queue's reader.
func TestEventSourceMappingRunsAsTheFunctionRole(t *testing.T) {
	data := plan(t, []map[string]any{
		change("aws_iam_role.fwd", "", "aws_iam_role", "fwd", nil, "create",
			map[string]any{"name": "forwarder", "path": "/", "assume_role_policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
			map[string]any{"arn": true, "id": true}),
		change("aws_sqs_queue.logs", "", "aws_sqs_queue", "logs", nil, "create", map[string]any{"name": "siem-forwarder"}, map[string]any{"arn": true, "id": true, "url": true}),
		change("aws_lambda_function.fwd", "", "aws_lambda_function", "fwd", nil, "create",
			map[string]any{"function_name": "cloudtrail-forwarder", "handler": "app.handler"}, map[string]any{"arn": true, "role": true, "qualified_arn": true}),
		change("aws_lambda_event_source_mapping.logs", "", "aws_lambda_event_source_mapping", "logs", nil, "create",
			map[string]any{"enabled": true, "batch_size": 10}, map[string]any{"event_source_arn": true, "function_name": true, "id": true, "uuid": true}),
	}, map[string]any{
		"root_module": map[string]any{"resources": []any{
			map[string]any{"address": "aws_lambda_function.fwd", "mode": "managed", "type": "aws_lambda_function", "name": "fwd", "provider_config_key": "aws",
				"expressions": map[string]any{"role": refs("aws_iam_role.fwd.arn", "aws_iam_role.fwd")}},
			map[string]any{"address": "aws_lambda_event_source_mapping.logs", "mode": "managed", "type": "aws_lambda_event_source_mapping", "name": "logs", "provider_config_key": "aws",
				"expressions": map[string]any{"event_source_arn": refs("aws_sqs_queue.logs.arn", "aws_sqs_queue.logs"), "function_name": refs("aws_lambda_function.fwd.arn", "aws_lambda_function.fwd")}},
		}},
	})
	s := parsePlan(t, data)
	want := []snapshot.EventSourceMapping{{
		// The plan names no account: it is the plan's account symbol.
		FunctionARN:    "arn:aws:lambda:us-east-1:" + planAcct + ":function:cloudtrail-forwarder",
		EventSourceARN: "arn:aws:sqs:us-east-1:" + planAcct + ":siem-forwarder",
		RoleARN:        "arn:aws:iam::" + planAcct + ":role/forwarder",
		Enabled:        true,
		Location:       &snapshot.Location{File: "plan.json", Address: "aws_lambda_event_source_mapping.logs", Change: snapshot.ChangeCreate},
	}}
	if diff := cmp.Diff(want, s.Accounts[0].EventSourceMappings); diff != "" {
		t.Errorf("mappings (-want +got):\n%s", diff)
	}
}
