package cfn

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// An SQS event source mapping makes the function's execution role a
// reader of the queue
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
func TestEventSourceMapping(t *testing.T) {
	src := `Metadata:
  trailgate: {AccountId: "111111111111", Region: us-east-1}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: logs}
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: forwarder
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}
  Forwarder:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: forwarder
      Role: !GetAtt Role.Arn
      Handler: index.handler
      Runtime: python3.12
      Code: {ZipFile: "pass"}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Queue.Arn
      FunctionName: !Ref Forwarder
  Stream:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: arn:aws:kinesis:us-east-1:111111111111:stream/s
      FunctionName: forwarder
      StartingPosition: LATEST
`
	s, err := Parse("esm.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []snapshot.EventSourceMapping{{
		EventSourceARN: "arn:aws:sqs:us-east-1:111111111111:logs",
		FunctionARN:    "arn:aws:lambda:us-east-1:111111111111:function:forwarder",
		Role:           "arn:aws:iam::111111111111:role/forwarder",
		Region:         "us-east-1",
		Location:       &snapshot.Location{File: "esm.yaml", Line: 20, Address: "Mapping", Change: "create"},
	}}
	if d := cmp.Diff(want, s.Accounts[0].EventSourceMappings); d != "" {
		t.Errorf("event source mappings (-want +got):\n%s", d)
	}
}
