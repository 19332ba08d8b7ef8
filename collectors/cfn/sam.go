package cfn

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// samTransform is the Transform that marks a SAM template.
const samTransform = "AWS::Serverless-2016-10-31"

// expandSAM rewrites what the SAM transform makes of an
// AWS::Serverless::Function that matters to log delivery, as the SAM
// specification documents it
// (https://github.com/aws/serverless-application-model/blob/develop/versions/2016-10-31.md):
//
//   - the function becomes an AWS::Lambda::Function (Ref is its name,
//     GetAtt Arn its ARN);
//   - without Role, SAM creates the execution role <Function>Role, trusted
//     by lambda.amazonaws.com, with AWSLambdaBasicExecutionRole, the
//     managed policies an event source needs (AWSLambdaSQSQueueExecutionRole
//     for SQS), each entry of Policies (a managed policy name or ARN, a
//     policy document, or a SAM policy template) and PermissionsBoundary;
//     with Role, Policies are ignored and Role is the execution role;
//   - an SQS event becomes an AWS::Lambda::EventSourceMapping
//     <Function><Event>, an SNS event an AWS::SNS::Subscription
//     <Function><Event> (protocol lambda; with SqsSubscription: true, a
//     queue <Function><Event>Queue, its policy, an sqs subscription and a
//     mapping), and an S3 event a LambdaConfiguration in the bucket's
//     NotificationConfiguration.
//
// Generated nodes carry the line of the function property they come
// from, so findings about them point at what the author wrote. Other
// serverless types (APIs, tables, state machines) are left to the macro;
// references to what they generate stay unknown.
func (t *template) expandSAM(resources, globals *yaml.Node) error {
	// Globals.Function gives every function the properties it does not set
	// itself; of those, RolePath, PermissionsBoundary and Tracing shape the
	// generated role (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html).
	t.samGlobals = lookup(globals, "Function")
	ids := map[string]bool{}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		ids[resources.Content[i].Value] = true
	}
	var extra []*yaml.Node
	add := func(id string, line int, n *yaml.Node) error {
		if ids[id] {
			return t.errf(line, "SAM would generate resource %s, which the template already declares", id)
		}
		ids[id] = true
		extra = append(extra, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: id, Line: line}, n)
		return nil
	}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		k, v := resources.Content[i], deref(resources.Content[i+1])
		if v.Kind != yaml.MappingNode || lookupValue(v, "Type") != "AWS::Serverless::Function" {
			continue
		}
		if err := t.expandFunction(k.Value, k.Line, v, resources, add); err != nil {
			return err
		}
	}
	resources.Content = append(resources.Content, extra...)
	return nil
}

func lookupValue(n *yaml.Node, key string) string {
	if v := lookup(n, key); v != nil {
		return deref(v).Value
	}
	return ""
}

func (t *template) expandFunction(id string, line int, fn, resources *yaml.Node, addAny func(string, int, *yaml.Node) error) error {
	// What SAM generates for a function exists under the function's
	// Condition.
	add := addAny
	if cond := lookup(fn, "Condition"); cond != nil {
		add = func(gid string, at int, n *yaml.Node) error {
			n.Content = append(n.Content, scalar("Condition", cond.Line), cond)
			return addAny(gid, at, n)
		}
	}
	typ := lookup(fn, "Type")
	typ.Value = "AWS::Lambda::Function"
	props := lookup(fn, "Properties")
	if props == nil || deref(props).Kind != yaml.MappingNode {
		props = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: fn.Line}
		fn.Content = append(fn.Content, scalar("Properties", fn.Line), props)
	}
	props = deref(props)
	events := deref(orEmpty(lookup(props, "Events"), line))
	if events.Kind != yaml.MappingNode {
		return t.errf(events.Line, "%s.Events must be a mapping of event names to {Type, Properties}", id)
	}
	var eventPolicies []string
	for i := 0; i+1 < len(events.Content); i += 2 {
		name, ev := events.Content[i], deref(events.Content[i+1])
		if ev.Kind != yaml.MappingNode {
			return t.errf(ev.Line, "%s.Events.%s must be a mapping with Type and Properties", id, name.Value)
		}
		ep := deref(orEmpty(lookup(ev, "Properties"), ev.Line))
		at := name.Line
		switch lookupValue(ev, "Type") {
		case "SQS":
			q := lookup(ep, "Queue")
			if q == nil {
				return t.errf(at, "%s.Events.%s: an SQS event needs Properties.Queue", id, name.Value)
			}
			eventPolicies = append(eventPolicies, "service-role/AWSLambdaSQSQueueExecutionRole")
			esm := mapping(at, "Type", scalar("AWS::Lambda::EventSourceMapping", at),
				"Properties", mapping(at, "EventSourceArn", q, "FunctionName", ref(id, at), "Enabled", orValue(lookup(ep, "Enabled"), "true", at)))
			if err := add(id+name.Value, at, esm); err != nil {
				return err
			}
		case "Kinesis":
			eventPolicies = append(eventPolicies, "service-role/AWSLambdaKinesisExecutionRole")
		case "DynamoDB":
			eventPolicies = append(eventPolicies, "service-role/AWSLambdaDynamoDBExecutionRole")
		case "SNS":
			topic := lookup(ep, "Topic")
			if topic == nil {
				return t.errf(at, "%s.Events.%s: an SNS event needs Properties.Topic", id, name.Value)
			}
			subProps := mapping(at, "TopicArn", topic, "Protocol", scalar("lambda", at), "Endpoint", getAtt(id, "Arn", at))
			for _, opt := range []string{"FilterPolicy", "FilterPolicyScope", "Region", "RedrivePolicy"} {
				if o := lookup(ep, opt); o != nil {
					subProps.Content = append(subProps.Content, scalar(opt, o.Line), o)
				}
			}
			if sq := lookup(ep, "SqsSubscription"); sq != nil {
				if on, ok := yaml11Bool(deref(sq)); ok && on {
					if err := t.snsViaQueue(id, name.Value, topic, subProps, at, add); err != nil {
						return err
					}
					eventPolicies = append(eventPolicies, "service-role/AWSLambdaSQSQueueExecutionRole")
					continue
				}
				if deref(sq).Kind == yaml.MappingNode {
					return t.errf(sq.Line, "%s.Events.%s: SqsSubscription with an existing queue is not read; write the subscription and the event source mapping as resources", id, name.Value)
				}
			}
			sub := mapping(at, "Type", scalar("AWS::SNS::Subscription", at), "Properties", subProps)
			if err := add(id+name.Value, at, sub); err != nil {
				return err
			}
		case "S3":
			if err := t.s3Event(id, name.Value, ep, resources, at); err != nil {
				return err
			}
		}
	}
	if lookup(props, "Role") != nil {
		return nil
	}
	if tr := t.samProp(props, "Tracing"); tr != nil && deref(tr).Value == "Active" {
		// SAM lets an actively traced function write to X-Ray.
		eventPolicies = append(eventPolicies, "AWSXrayWriteOnlyAccess")
	}
	role, err := t.executionRole(id, props, eventPolicies, line)
	if err != nil {
		return err
	}
	if err := add(id+"Role", line, role); err != nil {
		return err
	}
	props.Content = append(props.Content, scalar("Role", line), getAtt(id+"Role", "Arn", line))
	return nil
}

// executionRole is the role SAM generates for a function without Role.
func (t *template) executionRole(id string, props *yaml.Node, eventPolicies []string, line int) (*yaml.Node, error) {
	managed := seq(line)
	seen := map[string]bool{}
	awsManaged := func(name string, at int) {
		// An AWS managed policy SAM attaches and the author names too is
		// attached once.
		if !seen[name] {
			seen[name] = true
			managed.Content = append(managed.Content, sub("arn:${AWS::Partition}:iam::aws:policy/"+name, at))
		}
	}
	awsManaged("service-role/AWSLambdaBasicExecutionRole", line)
	for _, p := range eventPolicies {
		awsManaged(p, line)
	}
	inline := seq(line)
	pols := lookup(props, "Policies")
	var entries []*yaml.Node
	if pols != nil {
		switch p := deref(pols); {
		case p.Kind == yaml.SequenceNode:
			entries = p.Content
		case p.Kind == yaml.MappingNode && lookup(p, "Statement") != nil:
			entries = []*yaml.Node{p} // one policy document
		default:
			entries = []*yaml.Node{p} // one managed policy, or one template
		}
	}
	for i, e := range entries {
		d := deref(e)
		name := fmt.Sprintf("%sRolePolicy%d", id, i)
		switch {
		case d.Kind == yaml.ScalarNode && !strings.HasPrefix(d.Tag, "!") || d.Kind == yaml.ScalarNode && d.Tag == "!!str":
			if strings.HasPrefix(d.Value, "arn:") {
				managed.Content = append(managed.Content, e)
			} else {
				awsManaged(d.Value, d.Line)
			}
		case d.Kind == yaml.MappingNode && lookup(d, "Statement") != nil:
			inline.Content = append(inline.Content, mapping(d.Line, "PolicyName", scalar(name, d.Line), "PolicyDocument", e))
		case d.Kind == yaml.MappingNode && len(d.Content) == 2 && !isIntrinsicKey(d.Content[0].Value):
			doc, err := t.policyTemplate(id, d.Content[0], d.Content[1])
			if err != nil {
				return nil, err
			}
			inline.Content = append(inline.Content, mapping(d.Line, "PolicyName", scalar(name, d.Line), "PolicyDocument", doc))
		default:
			// An intrinsic (!Ref, !Sub, !If …) naming a managed policy.
			managed.Content = append(managed.Content, e)
		}
	}
	trust := lookup(props, "AssumeRolePolicyDocument")
	if trust == nil {
		trust = mapping(line, "Version", scalar("2012-10-17", line), "Statement", seq(line,
			mapping(line, "Effect", scalar("Allow", line), "Action", seq(line, scalar("sts:AssumeRole", line)),
				"Principal", mapping(line, "Service", seq(line, scalar("lambda.amazonaws.com", line))))))
	}
	rp := mapping(line, "AssumeRolePolicyDocument", trust, "ManagedPolicyArns", managed,
		"Tags", seq(line, mapping(line, "Key", scalar("lambda:createdBy", line), "Value", scalar("SAM", line))))
	if len(inline.Content) > 0 {
		rp.Content = append(rp.Content, scalar("Policies", line), inline)
	}
	for _, k := range [][2]string{{"PermissionsBoundary", "PermissionsBoundary"}, {"RolePath", "Path"}} {
		if v := t.samProp(props, k[0]); v != nil {
			rp.Content = append(rp.Content, scalar(k[1], v.Line), v)
		}
	}
	return mapping(line, "Type", scalar("AWS::IAM::Role", line), "Properties", rp), nil
}

// samProp is a function property, or the Globals.Function one.
func (t *template) samProp(props *yaml.Node, key string) *yaml.Node {
	if v := lookup(props, key); v != nil {
		return v
	}
	return lookup(t.samGlobals, key)
}

func isIntrinsicKey(k string) bool { return k == "Ref" || strings.HasPrefix(k, "Fn::") }

// samPolicyTemplates are the SAM policy templates that grant access along a
// log delivery path, as samtranslator/policy_templates_data/policy_templates.json
// defines them; {P} is where the parameter goes. Templates not listed here
// (DynamoDB, Rekognition …) make the generated policy unknown.
var samPolicyTemplates = map[string]struct {
	param string
	doc   string
}{
	"SQSPollerPolicy": {"QueueName", `Statement:
  - Effect: Allow
    Action: [sqs:ChangeMessageVisibility, sqs:ChangeMessageVisibilityBatch, sqs:DeleteMessage, sqs:DeleteMessageBatch, sqs:GetQueueAttributes, sqs:ReceiveMessage]
    Resource: !Sub ["arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}", {queueName: {P}}]`},
	"SQSSendMessagePolicy": {"QueueName", `Statement:
  - Effect: Allow
    Action: [sqs:SendMessage*]
    Resource: !Sub ["arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}", {queueName: {P}}]`},
	"SNSPublishMessagePolicy": {"TopicName", `Statement:
  - Effect: Allow
    Action: [sns:Publish]
    Resource: !Sub ["arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${topicName}", {topicName: {P}}]`},
	"SNSCrudPolicy": {"TopicName", `Statement:
  - Effect: Allow
    Action: [sns:ListSubscriptionsByTopic, sns:CreateTopic, sns:SetTopicAttributes, sns:Subscribe, sns:Publish]
    Resource: !Sub ["arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${topicName}*", {topicName: {P}}]`},
	"S3ReadPolicy": {"BucketName", `Statement:
  - Effect: Allow
    Action: [s3:GetObject, s3:ListBucket, s3:GetBucketLocation, s3:GetObjectVersion, s3:GetLifecycleConfiguration]
    Resource:
      - !Sub ["arn:${AWS::Partition}:s3:::${bucketName}", {bucketName: {P}}]
      - !Sub ["arn:${AWS::Partition}:s3:::${bucketName}/*", {bucketName: {P}}]`},
	"S3CrudPolicy": {"BucketName", `Statement:
  - Effect: Allow
    Action: [s3:GetObject, s3:ListBucket, s3:GetBucketLocation, s3:GetObjectVersion, s3:PutObject, s3:PutObjectAcl, s3:GetLifecycleConfiguration, s3:PutLifecycleConfiguration, s3:DeleteObject]
    Resource:
      - !Sub ["arn:${AWS::Partition}:s3:::${bucketName}", {bucketName: {P}}]
      - !Sub ["arn:${AWS::Partition}:s3:::${bucketName}/*", {bucketName: {P}}]`},
	"S3FullAccessPolicy": {"BucketName", `Statement:
  - Effect: Allow
    Action: [s3:GetObject, s3:GetObjectAcl, s3:GetObjectVersion, s3:PutObject, s3:PutObjectAcl, s3:DeleteObject, s3:DeleteObjectTagging, s3:DeleteObjectVersionTagging, s3:GetObjectTagging, s3:GetObjectVersionTagging, s3:PutObjectTagging, s3:PutObjectVersionTagging]
    Resource: [!Sub ["arn:${AWS::Partition}:s3:::${bucketName}/*", {bucketName: {P}}]]
  - Effect: Allow
    Action: [s3:ListBucket, s3:GetBucketLocation, s3:GetLifecycleConfiguration, s3:PutLifecycleConfiguration]
    Resource: [!Sub ["arn:${AWS::Partition}:s3:::${bucketName}", {bucketName: {P}}]]`},
	"KMSDecryptPolicy": {"KeyId", `Statement:
  - Action: kms:Decrypt
    Effect: Allow
    Resource: !Sub ["arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${keyId}", {keyId: {P}}]`},
	"KMSEncryptPolicy": {"KeyId", `Statement:
  - Action: kms:Encrypt
    Effect: Allow
    Resource: !Sub ["arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${keyId}", {keyId: {P}}]`},
}

// policyTemplate expands one SAM policy template entry into its document.
func (t *template) policyTemplate(id string, name, args *yaml.Node) (*yaml.Node, error) {
	pt, ok := samPolicyTemplates[name.Value]
	line := name.Line
	if !ok {
		// What it grants is not known here; a document that says so is
		// judged as unknown, never as granting nothing.
		return mapping(line, "Statement", scalar(t.unknown("SAM policy template "+name.Value+" of "+id, line), line)), nil
	}
	a := deref(args)
	val := lookup(a, pt.param)
	if a.Kind != yaml.MappingNode || val == nil {
		return nil, t.errf(line, "%s: SAM policy template %s needs %s", id, name.Value, pt.param)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(pt.doc), &doc); err != nil {
		return nil, t.errf(line, "SAM policy template %s: %v", name.Value, err) // a bug in the table above
	}
	root := doc.Content[0]
	place(root, val, line)
	return root, nil
}

// place puts the parameter value where {P} is and gives every other node
// the line of the template entry.
func place(n, val *yaml.Node, line int) {
	for i, c := range n.Content {
		if c.Kind == yaml.MappingNode && len(c.Content) == 2 && c.Content[0].Value == "P" && c.Content[1].Tag == "!!null" {
			n.Content[i] = val
			continue
		}
		place(c, val, line)
	}
	n.Line = line
}

// snsViaQueue is an SNS event with SqsSubscription: true: SAM puts a queue
// between the topic and the function.
func (t *template) snsViaQueue(id, event string, topic, subProps *yaml.Node, at int, add func(string, int, *yaml.Node) error) error {
	q := id + event + "Queue"
	if err := add(q, at, mapping(at, "Type", scalar("AWS::SQS::Queue", at))); err != nil {
		return err
	}
	pol := mapping(at, "Version", scalar("2012-10-17", at), "Statement", seq(at, mapping(at,
		"Effect", scalar("Allow", at), "Principal", scalar("*", at), "Action", scalar("sqs:SendMessage", at),
		"Resource", getAtt(q, "Arn", at),
		"Condition", mapping(at, "ArnEquals", mapping(at, "aws:SourceArn", topic)))))
	if err := add(q+"Policy", at, mapping(at, "Type", scalar("AWS::SQS::QueuePolicy", at),
		"Properties", mapping(at, "Queues", seq(at, ref(q, at)), "PolicyDocument", pol))); err != nil {
		return err
	}
	for i := 0; i+1 < len(subProps.Content); i += 2 {
		switch subProps.Content[i].Value {
		case "Protocol":
			subProps.Content[i+1] = scalar("sqs", at)
		case "Endpoint":
			subProps.Content[i+1] = getAtt(q, "Arn", at)
		}
	}
	if err := add(id+event, at, mapping(at, "Type", scalar("AWS::SNS::Subscription", at), "Properties", subProps)); err != nil {
		return err
	}
	return add(id+event+"EventSourceMapping", at, mapping(at, "Type", scalar("AWS::Lambda::EventSourceMapping", at),
		"Properties", mapping(at, "EventSourceArn", getAtt(q, "Arn", at), "FunctionName", ref(id, at), "Enabled", scalar("true", at))))
}

// s3Event adds the function to the notification configuration of the
// bucket the event names, which SAM requires to be declared in the same
// template (Bucket: !Ref LogicalId).
func (t *template) s3Event(id, event string, ep, resources *yaml.Node, at int) error {
	b := deref(orEmpty(lookup(ep, "Bucket"), at))
	bucketID := ""
	switch {
	case b.Tag == "!Ref" && b.Kind == yaml.ScalarNode:
		bucketID = b.Value
	case b.Kind == yaml.MappingNode && len(b.Content) == 2 && b.Content[0].Value == "Ref":
		bucketID = deref(b.Content[1]).Value
	}
	bucket := deref(orEmpty(lookup(resources, bucketID), at))
	if bucketID == "" || bucket.Kind != yaml.MappingNode || lookupValue(bucket, "Type") != "AWS::S3::Bucket" {
		return t.errf(at, "%s.Events.%s: an S3 event's Bucket must be !Ref to an AWS::S3::Bucket of this template", id, event)
	}
	evs := deref(orEmpty(lookup(ep, "Events"), at))
	list := []*yaml.Node{evs}
	if evs.Kind == yaml.SequenceNode {
		list = evs.Content
	}
	props := lookup(bucket, "Properties")
	if props == nil || deref(props).Kind != yaml.MappingNode {
		props = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: bucket.Line}
		bucket.Content = append(bucket.Content, scalar("Properties", bucket.Line), props)
	}
	props = deref(props)
	nc := lookup(props, "NotificationConfiguration")
	if nc == nil {
		nc = mapping(at)
		props.Content = append(props.Content, scalar("NotificationConfiguration", at), nc)
	}
	nc = deref(nc)
	lc := lookup(nc, "LambdaConfigurations")
	if lc == nil {
		lc = seq(at)
		nc.Content = append(nc.Content, scalar("LambdaConfigurations", at), lc)
	}
	lc = deref(lc)
	for _, e := range list {
		c := mapping(at, "Event", e, "Function", getAtt(id, "Arn", at))
		if f := lookup(ep, "Filter"); f != nil {
			c.Content = append(c.Content, scalar("Filter", f.Line), f)
		}
		lc.Content = append(lc.Content, c)
	}
	return nil
}

// Node builders for generated template parts.

func scalar(s string, line int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle, Value: s, Line: line}
}

func mapping(line int, kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, scalar(kv[i].(string), line), kv[i+1].(*yaml.Node))
	}
	return m
}

func seq(line int, items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line, Content: items}
}

func ref(id string, line int) *yaml.Node {
	return mapping(line, "Ref", scalar(id, line))
}

func getAtt(id, attr string, line int) *yaml.Node {
	return mapping(line, "Fn::GetAtt", seq(line, scalar(id, line), scalar(attr, line)))
}

func sub(s string, line int) *yaml.Node {
	return mapping(line, "Fn::Sub", scalar(s, line))
}

func orEmpty(n *yaml.Node, line int) *yaml.Node {
	if n == nil {
		return mapping(line)
	}
	return n
}

func orValue(n *yaml.Node, def string, line int) *yaml.Node {
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: def, Line: line}
	}
	return n
}
