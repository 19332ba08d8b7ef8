package cfn

import (
	"errors"
	"os"
	"testing"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// FuzzParse: no input panics, every failure is an *Error with the file
// name, and every success is a snapshot the strict loader accepts.
func FuzzParse(f *testing.F) {
	for _, file := range templates(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("Resources:\n  A: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub '${B}'}}\n  B: {Type: AWS::S3::Bucket, Properties: {BucketName: !Ref A}}\n"))
	f.Add([]byte("X: &a [1, *a]\nResources: {A: {Type: AWS::SNS::Topic}}\n"))
	f.Add([]byte(samForwarder))
	f.Add([]byte("Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Q:\n    - N\n    - [a, b]\n    - Q${N}:\n        Type: AWS::SQS::Queue\n        Properties: {QueueName: !Sub 'q-${N}'}\n"))
	f.Add([]byte("Parameters: {P: {Type: String}}\nConditions: {C: !Equals [!Ref P, x]}\nResources:\n  Q: {Type: AWS::SQS::Queue, Condition: C, Properties: {FifoQueue: !If [C, Yes, Off]}}\n"))
	f.Add([]byte(`{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Join": ["-", [{"Ref": "AWS::StackName"}, "q"]]}}}}}`))
	f.Add([]byte("Parameters: {P: {Type: String, Default: ',,,,'}}\nResources: {T: {Type: AWS::SNS::Topic, Properties: {Tags: [!Split [',', !Ref P], !Cidr [10.0.0.0/8, 4, 8]]}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data, Options{})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "fuzz.yaml" {
				t.Fatalf("error %v is not an *Error naming the file", err)
			}
			return
		}
		out, err := snapshot.Marshal(s)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if _, err := snapshot.Parse("fuzz.json", out); err != nil {
			t.Fatalf("the snapshot does not validate: %v\n%s", err, data)
		}
	})
}
