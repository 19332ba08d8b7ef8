package terraform

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// plan assembles a minimal `terraform show -json` plan from resource
// changes and a configuration, for tests of one semantic each.
func plan(t *testing.T, changes []map[string]any, config map[string]any) []byte {
	t.Helper()
	p := map[string]any{"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}
	if config != nil {
		p["configuration"] = config
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func change(addr, module, typ, name string, index any, action string, after, unknown map[string]any) map[string]any {
	c := map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name,
		"change": map[string]any{"actions": []string{action}, "before": nil, "after": after, "after_unknown": unknown}}
	if module != "" {
		c["module_address"] = module
	}
	if index != nil {
		c["index"] = index
	}
	return c
}

func refs(r ...string) map[string]any { return map[string]any{"references": r} }

// planAcct is the account of a test plan that names none.
var planAcct = snapshot.Symbol("plan.json", "provider", "account_id")

func parsePlan(t *testing.T, data []byte) *snapshot.Snapshot {
	t.Helper()
	s, err := Parse("plan.json", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A reference from inside a module instance (for_each) resolves to the
// resource of the same instance, and the queue ARN AWS will assign is
// computed from the planned name, region and account.
func TestResolveInModuleInstance(t *testing.T) {
	mod := `module.pipe["prod"]`
	data := plan(t, []map[string]any{
		change(mod+".aws_sqs_queue.q", mod, "aws_sqs_queue", "q", nil, "create", map[string]any{"name": "prod-q"}, map[string]any{"arn": true, "id": true, "url": true}),
		change(`module.pipe["dev"].aws_sqs_queue.q`, `module.pipe["dev"]`, "aws_sqs_queue", "q", nil, "create", map[string]any{"name": "dev-q"}, map[string]any{"arn": true, "id": true, "url": true}),
		change(mod+".aws_sqs_queue_policy.p", mod, "aws_sqs_queue_policy", "p", nil, "create",
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}]}`},
			map[string]any{"queue_url": true, "id": true}),
	}, map[string]any{
		"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "expressions": map[string]any{"region": map[string]any{"constant_value": "eu-central-1"}}}},
		"root_module": map[string]any{"module_calls": map[string]any{"pipe": map[string]any{"source": "./pipe", "module": map[string]any{
			"resources": []any{
				map[string]any{"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q", "provider_config_key": "pipe:aws"},
				map[string]any{"address": "aws_sqs_queue_policy.p", "mode": "managed", "type": "aws_sqs_queue_policy", "name": "p", "provider_config_key": "pipe:aws",
					"expressions": map[string]any{"queue_url": refs("aws_sqs_queue.q.id", "aws_sqs_queue.q")}},
			}}}}},
	})
	s := parsePlan(t, data)
	var got []string
	for _, q := range s.Accounts[0].Queues {
		got = append(got, q.ARN+" "+q.URL+" policy="+boolString(q.Policy != nil))
	}
	want := []string{
		// The plan names no account: it is the plan's account symbol.
		"arn:aws:sqs:eu-central-1:" + planAcct + ":dev-q https://sqs.eu-central-1.amazonaws.com/" + planAcct + "/dev-q policy=false",
		"arn:aws:sqs:eu-central-1:" + planAcct + ":prod-q https://sqs.eu-central-1.amazonaws.com/" + planAcct + "/prod-q policy=true",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("queues (-want +got):\n%s", diff)
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// aws_s3_bucket_policy.p[1] with bucket = aws_s3_bucket.b[count.index].id
// appears in references as the bare resource; the same index is meant.
func TestResolveCountIndex(t *testing.T) {
	var changes []map[string]any
	for i, n := range []string{"logs-a", "logs-b"} {
		changes = append(changes,
			change("aws_s3_bucket.b["+string(rune('0'+i))+"]", "", "aws_s3_bucket", "b", i, "create", map[string]any{"bucket": n}, map[string]any{"arn": true, "id": true}),
			change("aws_s3_bucket_policy.p["+string(rune('0'+i))+"]", "", "aws_s3_bucket_policy", "p", i, "create",
				map[string]any{"policy": `{"Statement":[{"Sid":"` + n + `"}]}`}, map[string]any{"bucket": true, "id": true}))
	}
	data := plan(t, changes, map[string]any{"root_module": map[string]any{"resources": []any{
		map[string]any{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "count_expression": map[string]any{"constant_value": 2}},
		map[string]any{"address": "aws_s3_bucket_policy.p", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "p",
			"expressions": map[string]any{"bucket": refs("aws_s3_bucket.b", "count.index")}, "count_expression": map[string]any{"constant_value": 2}},
	}}})
	s := parsePlan(t, data)
	for _, b := range s.Accounts[0].Buckets {
		if b.Policy == nil || !json.Valid(b.Policy.Document) || string(b.Policy.Document) != `{"Statement":[{"Sid":"`+b.Name+`"}]}` {
			t.Errorf("bucket %s has policy %v, want its own", b.Name, b.Policy)
		}
	}
}

// A sub-resource of a bucket the plan does not declare gives a stand-in
// whose undeclared properties are unknown, never guessed.
func TestBucketNotInPlan(t *testing.T) {
	data := plan(t, []map[string]any{
		change("aws_s3_bucket_policy.p", "", "aws_s3_bucket_policy", "p", nil, "create",
			map[string]any{"bucket": "shared-logs", "policy": `{"Statement":[]}`}, map[string]any{"id": true}),
	}, nil)
	s := parsePlan(t, data)
	b := s.Accounts[0].Buckets[0]
	if b.ARN != "arn:aws:s3:::shared-logs" || !snapshot.IsUnknown(b.Region) || !snapshot.IsUnknown(b.ObjectOwnership) || b.Encryption != nil {
		t.Errorf("stand-in bucket = %+v", b)
	}
	var reasons []string
	for _, u := range s.Unknowns {
		reasons = append(reasons, u.Reason)
	}
	want := []string{"not in plan: object ownership of bucket shared-logs", "not in plan: region of bucket shared-logs"}
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
}

// A queue owner's own subscription is confirmed at once; the topic owner
// subscribing another account's queue waits for that account to confirm
// (https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html).
func TestSubscriptionConfirmation(t *testing.T) {
	sub := func(endpoint string) []byte {
		return plan(t, []map[string]any{
			{"address": "data.aws_caller_identity.me", "mode": "data", "type": "aws_caller_identity", "name": "me",
				"change": map[string]any{"actions": []string{"read"}, "after": map[string]any{"account_id": "111111111111"}, "after_unknown": map[string]any{}}},
			change("aws_sns_topic_subscription.s", "", "aws_sns_topic_subscription", "s", nil, "create",
				map[string]any{"topic_arn": "arn:aws:sns:us-east-1:111111111111:t", "protocol": "sqs", "endpoint": endpoint},
				map[string]any{"arn": true, "pending_confirmation": true, "owner_id": true}),
		}, nil)
	}
	for endpoint, want := range map[string]bool{
		"arn:aws:sqs:us-east-1:111111111111:own":   false,
		"arn:aws:sqs:us-east-1:222222222222:other": true,
	} {
		s := parsePlan(t, sub(endpoint))
		got := s.Accounts[0].Topics[0].Subscriptions[0]
		if got.PendingConfirmation != want || got.Owner != "111111111111" {
			t.Errorf("subscription to %s: pending=%v owner=%s, want pending=%v owner=111111111111", endpoint, got.PendingConfirmation, got.Owner, want)
		}
	}
}

// jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn, ...}) and a bare
// reference look alike in the configuration: a JSON attribute is never
// replaced by the referenced value.
func TestJSONAttributeIsNotTheReferencedValue(t *testing.T) {
	data := plan(t, []map[string]any{
		change("aws_sqs_queue.dlq", "", "aws_sqs_queue", "dlq", nil, "create", map[string]any{"name": "dlq"}, map[string]any{"arn": true}),
		change("aws_sqs_queue.q", "", "aws_sqs_queue", "q", nil, "create", map[string]any{"name": "q"}, map[string]any{"arn": true, "redrive_policy": true}),
	}, map[string]any{"root_module": map[string]any{"resources": []any{
		map[string]any{"address": "aws_sqs_queue.dlq", "mode": "managed", "type": "aws_sqs_queue", "name": "dlq"},
		map[string]any{"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q",
			"expressions": map[string]any{"redrive_policy": refs("aws_sqs_queue.dlq.arn", "aws_sqs_queue.dlq")}},
	}}})
	s := parsePlan(t, data)
	for _, q := range s.Accounts[0].Queues {
		if q.Name == "q" && (q.RedrivePolicy == nil || q.RedrivePolicy.DeadLetterTargetARN != snapshot.Unknown("known after apply: aws_sqs_queue.q.redrive_policy")) {
			t.Errorf("redrive policy = %+v, want unknown", q.RedrivePolicy)
		}
		if q.Name == "dlq" && (q.RedrivePolicy != nil || q.KmsMasterKeyID != "" || !q.SqsManagedSseEnabled) {
			t.Errorf("dlq = %+v, want AWS's defaults for a new queue", q)
		}
	}
}

// ARNs take the partition of the resource's region: a GovCloud provider
// gives arn:aws-us-gov ARNs and the GovCloud SQS endpoint.
func TestPartitionFromRegion(t *testing.T) {
	data := plan(t, []map[string]any{
		change("aws_sqs_queue.q", "", "aws_sqs_queue", "q", nil, "create", map[string]any{"name": "logs"}, map[string]any{"arn": true, "id": true, "url": true}),
	}, map[string]any{
		"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "expressions": map[string]any{"region": map[string]any{"constant_value": "us-gov-west-1"}}}},
		"root_module":     map[string]any{"resources": []any{map[string]any{"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q", "provider_config_key": "aws"}}},
	})
	s := parsePlan(t, data)
	q := s.Accounts[0].Queues[0]
	got := []string{s.Partition, q.ARN, q.URL}
	want := []string{"aws-us-gov", "arn:aws-us-gov:sqs:us-gov-west-1:" + planAcct + ":logs", "https://sqs.us-gov-west-1.amazonaws.com/" + planAcct + "/logs"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Values AWS assigns at apply are symbols of the plan and address: a
// queue whose configuration sets no name, a key's ID (and the ARN formed
// from it), a detector's ID; the subscription endpoint and the queue's key
// name the same symbols. A name the configuration sets by an expression
// the plan cannot evaluate stays unknown.
func TestSymbolsForValuesKnownAfterApply(t *testing.T) {
	data := plan(t, []map[string]any{
		change("aws_kms_key.k", "", "aws_kms_key", "k", nil, "create", map[string]any{}, map[string]any{"arn": true, "id": true, "key_id": true}),
		change("aws_sqs_queue.q", "", "aws_sqs_queue", "q", nil, "create", map[string]any{}, map[string]any{"arn": true, "id": true, "url": true, "name": true, "kms_master_key_id": true}),
		change("aws_sqs_queue.named", "", "aws_sqs_queue", "named", nil, "create", map[string]any{}, map[string]any{"arn": true, "id": true, "url": true, "name": true}),
		change("aws_sns_topic.t", "", "aws_sns_topic", "t", nil, "create", map[string]any{"name": "t"}, map[string]any{"arn": true, "id": true}),
		change("aws_sns_topic_subscription.s", "", "aws_sns_topic_subscription", "s", nil, "create", map[string]any{"protocol": "sqs"}, map[string]any{"arn": true, "id": true, "endpoint": true, "topic_arn": true}),
	}, map[string]any{
		"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "expressions": map[string]any{"region": map[string]any{"constant_value": "us-east-1"}}}},
		"root_module": map[string]any{"resources": []any{
			map[string]any{"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k", "provider_config_key": "aws", "expressions": map[string]any{}},
			map[string]any{"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q", "provider_config_key": "aws",
				"expressions": map[string]any{"kms_master_key_id": refs("aws_kms_key.k.arn", "aws_kms_key.k")}},
			map[string]any{"address": "aws_sqs_queue.named", "mode": "managed", "type": "aws_sqs_queue", "name": "named", "provider_config_key": "aws",
				"expressions": map[string]any{"name": refs("var.prefix")}},
			map[string]any{"address": "aws_sns_topic.t", "mode": "managed", "type": "aws_sns_topic", "name": "t", "provider_config_key": "aws", "expressions": map[string]any{"name": map[string]any{"constant_value": "t"}}},
			map[string]any{"address": "aws_sns_topic_subscription.s", "mode": "managed", "type": "aws_sns_topic_subscription", "name": "s", "provider_config_key": "aws",
				"expressions": map[string]any{"topic_arn": refs("aws_sns_topic.t.arn", "aws_sns_topic.t"), "endpoint": refs("aws_sqs_queue.q.arn", "aws_sqs_queue.q")}},
		}},
	})
	s := parsePlan(t, data)
	a := s.Accounts[0]
	name := snapshot.Symbol("plan.json", "aws_sqs_queue.q", "name")
	keyARN := "arn:aws:kms:us-east-1:" + planAcct + ":key/" + snapshot.Symbol("plan.json", "aws_kms_key.k", "key_id")
	queues := map[string]snapshot.Queue{}
	for _, q := range a.Queues {
		queues[q.Location.Address] = q
	}
	if q := queues["aws_sqs_queue.q"]; q.Name != name || q.ARN != "arn:aws:sqs:us-east-1:"+planAcct+":"+name || q.KmsMasterKeyID != keyARN {
		t.Errorf("generated queue: %+v", q)
	}
	if q := queues["aws_sqs_queue.named"]; !snapshot.IsUnknown(q.Name) || snapshot.IsSymbol(q.Name) {
		t.Errorf("queue named by an unknown variable: name %q, want unknown", q.Name)
	}
	if len(a.Keys) != 1 || a.Keys[0].ARN != keyARN {
		t.Errorf("keys: %+v, want %s", a.Keys, keyARN)
	}
	if len(a.Topics) != 1 || len(a.Topics[0].Subscriptions) != 1 || a.Topics[0].Subscriptions[0].Endpoint != queues["aws_sqs_queue.q"].ARN {
		t.Errorf("subscription: %+v, want the queue's ARN", a.Topics)
	}
}

func TestSplitModule(t *testing.T) {
	for _, tc := range []struct{ in, parent, call, key string }{
		{`module.a`, "", "a", ""},
		{`module.a["x.y"]`, "", "a", `["x.y"]`},
		{`module.a["x"].module.b[0]`, `module.a["x"]`, "b", "[0]"},
		{`module.a.module.b.module.c`, `module.a.module.b`, "c", ""},
	} {
		p, c, k := splitModule(tc.in)
		if p != tc.parent || c != tc.call || k != tc.key {
			t.Errorf("splitModule(%s) = %q %q %q, want %q %q %q", tc.in, p, c, k, tc.parent, tc.call, tc.key)
		}
	}
}
