package cfn

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// A forwarder as SIEM vendors ship it: a SAM function fed by an SQS queue
// that an SNS topic fans out to, reading the log bucket with SAM policy
// templates, plus a function subscribed to the topic directly and one
// notified by the bucket.
const samForwarder = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: CloudTrail forwarder (SAM)
Globals:
  Function:
    Runtime: python3.12
    Timeout: 60
Resources:
  LogBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: acme-cloudtrail-logs
  LogTopic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: acme-cloudtrail-events
  LogQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: acme-cloudtrail-forwarder
      VisibilityTimeout: 360
  Forwarder:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: acme-forwarder
      Handler: app.handler
      CodeUri: src/
      Policies:
        - SQSPollerPolicy:
            QueueName: !GetAtt LogQueue.QueueName
        - S3ReadPolicy:
            BucketName: !Ref LogBucket
        - KMSDecryptPolicy:
            KeyId: "*"
        - Statement:
            - Effect: Allow
              Action: secretsmanager:GetSecretValue
              Resource: !Sub arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:acme/*
        - AWSXrayWriteOnlyAccess
      Events:
        Logs:
          Type: SQS
          Properties:
            Queue: !GetAtt LogQueue.Arn
            BatchSize: 10
  Alerter:
    Type: AWS::Serverless::Function
    Properties:
      Handler: alert.handler
      CodeUri: src/
      Role: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/acme-alerter
      Events:
        Topic:
          Type: SNS
          Properties:
            Topic: !Ref LogTopic
        NewObject:
          Type: S3
          Properties:
            Bucket: !Ref LogBucket
            Events: s3:ObjectCreated:*
            Filter:
              S3Key:
                Rules:
                  - Name: prefix
                    Value: AWSLogs/
Outputs:
  Api:
    Value: !Sub https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod/
`

func TestSAMFunctionsExpandAsTheTransformDoes(t *testing.T) {
	s, err := Parse("sam.yaml", []byte(samForwarder), Options{AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	a := s.Accounts[0]
	var role *snapshot.Role
	for i := range a.Roles {
		if a.Roles[i].Location.Address == "ForwarderRole" {
			role = &a.Roles[i]
		}
	}
	if role == nil {
		t.Fatalf("no generated ForwarderRole among %+v", a.Roles)
	}
	if role.Location.Line != 22 {
		t.Errorf("ForwarderRole located at line %d, want the function's (22)", role.Location.Line)
	}
	wantManaged := []string{
		"arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
	}
	if diff := cmp.Diff(wantManaged, role.AttachedPolicyARNs); diff != "" {
		t.Errorf("managed policies (-want +got):\n%s", diff)
	}
	var names []string
	docs := map[string]string{}
	for _, ip := range role.InlinePolicies {
		names = append(names, ip.Name)
		docs[ip.Name] = string(ip.Policy.Document)
	}
	if diff := cmp.Diff([]string{"ForwarderRolePolicy0", "ForwarderRolePolicy1", "ForwarderRolePolicy2", "ForwarderRolePolicy3"}, names); diff != "" {
		t.Errorf("inline policies (-want +got):\n%s", diff)
	}
	for name, want := range map[string]string{
		"ForwarderRolePolicy0": `"Resource":"arn:aws:sqs:us-east-1:123456789012:acme-cloudtrail-forwarder"`,
		"ForwarderRolePolicy1": `"Resource":["arn:aws:s3:::acme-cloudtrail-logs","arn:aws:s3:::acme-cloudtrail-logs/*"]`,
		"ForwarderRolePolicy2": `"Action":"kms:Decrypt","Effect":"Allow","Resource":"arn:aws:kms:us-east-1:123456789012:key/*"`,
		"ForwarderRolePolicy3": `"Action":"secretsmanager:GetSecretValue"`,
	} {
		if !strings.Contains(docs[name], want) {
			t.Errorf("%s = %s, want it to hold %s", name, docs[name], want)
		}
	}
	var trust map[string]any
	if err := json.Unmarshal(role.TrustPolicy.Document, &trust); err != nil || !strings.Contains(string(role.TrustPolicy.Document), `"Service":["lambda.amazonaws.com"]`) {
		t.Errorf("trust policy %s", role.TrustPolicy.Document)
	}

	wantESM := []snapshot.EventSourceMapping{{
		FunctionARN:    "arn:aws:lambda:us-east-1:123456789012:function:acme-forwarder",
		EventSourceARN: "arn:aws:sqs:us-east-1:123456789012:acme-cloudtrail-forwarder",
		RoleARN:        role.ARN,
		Enabled:        true,
		Location:       &snapshot.Location{File: "sam.yaml", Line: 41, Address: "ForwarderLogs", Change: snapshot.ChangeCreate},
	}}
	if diff := cmp.Diff(wantESM, a.EventSourceMappings); diff != "" {
		t.Errorf("event source mappings (-want +got):\n%s", diff)
	}

	var topic *snapshot.Topic
	for i := range a.Topics {
		topic = &a.Topics[i]
	}
	if topic == nil || len(topic.Subscriptions) != 1 || topic.Subscriptions[0].Protocol != "lambda" ||
		!strings.HasPrefix(topic.Subscriptions[0].Endpoint, "arn:aws:lambda:us-east-1:123456789012:function:") {
		t.Errorf("topic subscriptions %+v, want the Alerter's lambda subscription", topic)
	}
	var bucket *snapshot.Bucket
	for i := range a.Buckets {
		bucket = &a.Buckets[i]
	}
	if bucket == nil || bucket.Notification == nil || len(bucket.Notification.LambdaConfigurations) != 1 ||
		bucket.Notification.LambdaConfigurations[0].FilterPrefix != "AWSLogs/" {
		t.Errorf("bucket notification %+v, want the Alerter's S3 event", bucket)
	}
	for _, r := range a.Roles {
		if strings.Contains(r.Location.Address, "Alerter") {
			t.Errorf("a role was generated for Alerter, which names its Role: %s", r.Location.Address)
		}
	}
}

func TestSAMSNSEventThroughAQueue(t *testing.T) {
	src := `Transform: AWS::Serverless-2016-10-31
Resources:
  Topic:
    Type: AWS::SNS::Topic
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
      Events:
        Fanout:
          Type: SNS
          Properties:
            Topic: !Ref Topic
            SqsSubscription: true
`
	s, err := Parse("sam.yaml", []byte(src), Options{AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	a := s.Accounts[0]
	if len(a.Queues) != 1 || a.Queues[0].Location.Address != "FnFanoutQueue" || a.Queues[0].Policy == nil {
		t.Fatalf("queues %+v, want FnFanoutQueue with its policy", a.Queues)
	}
	if len(a.Topics) != 1 || len(a.Topics[0].Subscriptions) != 1 || a.Topics[0].Subscriptions[0].Protocol != "sqs" ||
		a.Topics[0].Subscriptions[0].Endpoint != a.Queues[0].ARN {
		t.Errorf("topic %+v, want an sqs subscription of the queue", a.Topics)
	}
	if len(a.EventSourceMappings) != 1 || a.EventSourceMappings[0].EventSourceARN != a.Queues[0].ARN {
		t.Errorf("mappings %+v", a.EventSourceMappings)
	}
}

// References to what only the transform creates (the implicit
// <Function>Role, ServerlessRestApi) are not circular dependencies, even
// where the resources SAM adds close a loop (a bucket notifying a function
// whose role reads the bucket).
func TestSAMImplicitReferencesAreNoCycle(t *testing.T) {
	src := `Transform: AWS::Serverless-2016-10-31
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: vendor-logs
  Queue:
    Type: AWS::SQS::Queue
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: !GetAtt Fn.Arn}
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
          - Effect: Allow
            Principal: {AWS: !GetAtt FnRole.Arn}
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
      Environment:
        Variables:
          QUEUE: !Ref Queue
          API: !Sub https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com
      Policies:
        - S3ReadPolicy:
            BucketName: !Ref Logs
      Events:
        Created:
          Type: S3
          Properties:
            Bucket: !Ref Logs
            Events: s3:ObjectCreated:*
`
	s, err := Parse("sam.yaml", []byte(src), Options{AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	var roleARN string
	for _, r := range s.Accounts[0].Roles {
		if r.Location.Address == "FnRole" {
			roleARN = r.ARN
		}
	}
	q := s.Accounts[0].Queues[0]
	if roleARN == "" || !strings.Contains(string(q.Policy.Document), roleARN) {
		t.Errorf("queue policy %s does not name the generated role %q", q.Policy.Document, roleARN)
	}
}

func TestSAMGlobalsShapeTheGeneratedRole(t *testing.T) {
	src := `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tracing: Active
    PermissionsBoundary: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/workload-boundary
    RolePath: /workloads/
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
      Policies: [AWSXrayWriteOnlyAccess]
`
	s, err := Parse("sam.yaml", []byte(src), Options{AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Accounts[0].Roles[0]
	if r.PermissionsBoundaryARN != "arn:aws:iam::123456789012:policy/workload-boundary" || r.Path != "/workloads/" ||
		!strings.HasPrefix(r.ARN, "arn:aws:iam::123456789012:role/workloads/") {
		t.Errorf("role %s: boundary %q path %q, want the Globals'", r.ARN, r.PermissionsBoundaryARN, r.Path)
	}
	want := []string{"arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
	if diff := cmp.Diff(want, r.AttachedPolicyARNs); diff != "" {
		t.Errorf("managed policies (-want +got):\n%s", diff)
	}
}
