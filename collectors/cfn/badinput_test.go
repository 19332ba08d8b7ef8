package cfn

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

const bucket = `Resources:
  Logs:
    Type: AWS::S3::Bucket
`

// TestBadInput: every malformed or hostile template is an *Error naming
// the file and the line, never a panic or a silent pass.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
		msg  string
	}{
		{"malformed YAML", "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n   Properties: {\n", 4, "invalid YAML: did not find expected key"},
		{"misindented key far below its block", "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: a\n      Tags:\n        - Key: k\n          Value: v\n   Oops: 1\n", 9, "invalid YAML: did not find expected key"},
		{"multi-line flow then a bad line", "Resources:\n  Logs: {\n    Type: AWS::S3::Bucket\n  }\n  Q:\n    Type: AWS::SQS::Queue\n   Bad: 1\n", 7, "invalid YAML"},
		{"unterminated quote", "Resources:\n  Logs:\n    Type: 'AWS::S3::Bucket\n", 3, "unexpected end of stream"},
		{"tab indentation", "Resources:\n\tLogs: {}\n", 2, "invalid YAML"},
		{"malformed JSON trailing comma", "{\n  \"Resources\": {\n    \"Logs\": {\"Type\": \"AWS::S3::Bucket\",}\n  }\n}\n", 3, "invalid JSON"},
		{"JSON with a comment", "{\n  \"Resources\": {\n    // a bucket\n    \"Logs\": {\"Type\": \"AWS::S3::Bucket\"}\n  }\n}\n", 3, "invalid JSON"},
		{"truncated JSON", "{\n  \"Resources\": {\n    \"Logs\": {\"Type\": \"AWS::S3::Bucket\"}\n", 4, "unexpected end"},
		{"JSON trailing data", "{\"Resources\": {\"Logs\": {\"Type\": \"AWS::S3::Bucket\"}}}\n{}\n", 2, "data after"},
		{"empty", "", 0, "empty template"},
		{"not a mapping", "- a\n- b\n", 1, "a template is a mapping"},
		{"no Resources", "AWSTemplateFormatVersion: \"2010-09-09\"\n", 0, "no Resources"},
		{"empty Resources", "Resources: {}\n", 1, "Resources is empty"},
		{"duplicate key", "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n  Logs:\n    Type: AWS::S3::Bucket\n", 4, `duplicate key "Logs" (first at line 2)`},
		{"resource without Type", "Resources:\n  Logs:\n    Properties: {}\n", 2, "has no Type"},
		{"bad logical ID", "Resources:\n  my-logs:\n    Type: AWS::S3::Bucket\n", 2, "must be alphanumeric"},
		{"unknown intrinsic in a property", bucket + "    Properties:\n      BucketName: {\"Fn::Frob\": x}\n", 5, "unknown intrinsic function Fn::Frob"},
		{"unknown short tag in a property", bucket + "    Properties:\n      BucketName: !Frob x\n", 5, "unknown tag !Frob"},
		{"Ref to nothing", bucket + "    Properties:\n      BucketName: !Ref Missing\n", 5, `unresolved reference "Missing"`},
		{"cyclic references", `Resources:
  A:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${B}-a"
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Ref A
`, 2, "circular dependency between resources: A -> B -> A"},
		{"cyclic through GetAtt and DependsOn", `Resources:
  Q:
    Type: AWS::SQS::Queue
    DependsOn: P
  P:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Q]
      PolicyDocument: {Statement: [{Resource: !GetAtt Q.Arn}]}
`, 2, "circular dependency between resources: Q -> P -> Q"},
		{"self reference", bucket + "    Properties:\n      BucketName: !Sub \"${Logs.Arn}\"\n", 2, "circular dependency between resources: Logs -> Logs"},
		{"DependsOn nothing", bucket + "    DependsOn: Ghost\n", 4, `DependsOn "Ghost"`},
		{"wrong shape: encryption as string", bucket + "    Properties:\n      BucketEncryption: AES256\n", 5, "Logs.BucketEncryption must be a mapping, got a string"},
		{"wrong shape: boolean", "Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: b\n      IsLogging: sometimes\n", 6, "T.IsLogging must be true or false"},
		{"wrong shape: integer", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: [30]\n", 5, "Q.VisibilityTimeout must be an integer"},
		{"wrong shape: policy", "Resources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument: [1]\n", 6, "must be a policy document"},
		{"policy string is not JSON", "Resources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument: '{\"Statement\": ['\n", 6, "is not a JSON policy document"},
		{"whole policy unknown", "Resources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument: !ImportValue SharedPolicy\n", 6, "cannot judge a policy it cannot read"},
		{"boolean that cannot be known", "Parameters:\n  Multi: {Type: String}\nResources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: b\n      IsLogging: true\n      IsMultiRegionTrail: !Ref Multi\n", 9, "pass the value with --param"},
		{"near-miss property name", "Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: b\n      IsLogging: true\n      KmsKeyId: alias/x\n", 7, `did you mean "KMSKeyId"`},
		{"misspelled property", bucket + "    Properties:\n      BucketEncription: {}\n", 5, `did you mean "BucketEncryption"`},
		{"missing required property", "Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: b\n", 2, "IsLogging is required"},
		{"missing queue policy document", "Resources:\n  P:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [https://sqs.us-east-1.amazonaws.com/123456789012/q]\n", 2, "P: PolicyDocument is required"},
		// The policy readers merged from several resource types keep each
		// type's own message and the order its checks ran in.
		{"missing topics", "Resources:\n  P:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      PolicyDocument: {Statement: []}\n", 2, "P: Topics is required"},
		{"topic policy missing targets and document", "Resources:\n  P:\n    Type: AWS::SNS::TopicPolicy\n    Properties: {}\n", 2, "P: Topics is required"},
		{"topic inline policy missing target and document", "Resources:\n  P:\n    Type: AWS::SNS::TopicInlinePolicy\n    Properties: {}\n", 2, "P: PolicyDocument is required"},
		{"queue inline policy missing queue", "Resources:\n  P:\n    Type: AWS::SQS::QueueInlinePolicy\n    Properties:\n      PolicyDocument: {Statement: []}\n", 2, "P: Queue is required"},
		{"role policy without name", "Resources:\n  P:\n    Type: AWS::IAM::RolePolicy\n    Properties:\n      RoleName: r\n      PolicyDocument: {Statement: []}\n", 2, "P: PolicyName, PolicyDocument and RoleName are required"},
		{"IAM policy without document", "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: x\n      Roles: [r]\n", 2, "P: PolicyName and PolicyDocument are required"},
		// Errors about one element of a list property name it by index.
		{"event rule target without Arn", "Resources:\n  E:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: {source: [aws.s3]}\n      Targets:\n        - Id: t0\n          Arn: arn:aws:sqs:us-east-1:123456789012:q\n        - Id: t1\n", 9, "E.Targets[1]: Arn is required"},
		{"lifecycle rule that is not a mapping", bucket + "    Properties:\n      LifecycleConfiguration:\n        Rules:\n          - {Id: a, Status: Enabled}\n          - expire\n", 8, "Logs.LifecycleConfiguration.Rules[1] must be a mapping, got a string"},
		{"role inline policy without document", "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: r\n      AssumeRolePolicyDocument: {Statement: []}\n      Policies:\n        - PolicyName: x\n", 8, "R.Policies[0]: PolicyName and PolicyDocument are required"},
		{"DependsOn list names nothing", bucket + "    DependsOn: [Logs, Ghost]\n", 4, `DependsOn "Ghost"`},
		{"missing trust policy", "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: r\n", 2, "R: AssumeRolePolicyDocument is required"},
		{"filter rule name", bucket + "    Properties:\n      NotificationConfiguration:\n        QueueConfigurations:\n          - Event: s3:ObjectCreated:*\n            Queue: arn:aws:sqs:us-east-1:123456789012:q\n            Filter: {S3Key: {Rules: [{Name: middle, Value: x}]}}\n", 9, "must be prefix or suffix"},
		{"two bucket policies", "Resources:\n  P1:\n    Type: AWS::S3::BucketPolicy\n    Properties: {Bucket: b, PolicyDocument: {Statement: []}}\n  P2:\n    Type: AWS::S3::BucketPolicy\n    Properties: {Bucket: b, PolicyDocument: {Statement: []}}\n", 5, "already has a bucket policy"},
		{"ForEach without the transform", "Resources:\n  Fn::ForEach::Buckets:\n    - Name\n    - [a, b]\n    - Bucket${Name}: {Type: AWS::S3::Bucket}\n", 2, "Fn::ForEach::Buckets needs Transform: AWS::LanguageExtensions"},
		{"ForEach key without identifier", "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Buckets:\n    - Name\n    - [a, b]\n    - Bucket: {Type: AWS::S3::Bucket}\n", 6, "the output key \"Bucket\" must contain ${Name} or &{Name}"},
		{"ForEach generates a declared ID", "Transform: AWS::LanguageExtensions\nResources:\n  Bucketa:\n    Type: AWS::S3::Bucket\n  Fn::ForEach::Buckets:\n    - Name\n    - [a, b]\n    - Bucket${Name}: {Type: AWS::S3::Bucket}\n", 8, `generates key "Bucketa", which is already declared (line 3)`},
		{"ForEach over a list without value", "Transform: AWS::LanguageExtensions\nParameters:\n  Names: {Type: CommaDelimitedList}\nResources:\n  Fn::ForEach::Buckets:\n    - Name\n    - !Ref Names\n    - Bucket${Name}: {Type: AWS::S3::Bucket}\n", 7, "the collection cannot be known"},
		{"alias with no anchor use", bucket + "    Properties:\n      BucketName: *nowhere\n", 5, "invalid YAML"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "bad.yaml"
			if strings.HasPrefix(tc.src, "{") {
				name = "bad.json"
			}
			s, err := Parse(name, []byte(tc.src), Options{})
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", s)
			}
			wantErr(t, err, name, tc.line, tc.msg)
		})
	}
}

// TestDeepNesting: nesting past maxDepth is refused with its line, both
// when written out and when built by aliases.
// TestFlowYAML: a .yaml file in flow style that is not JSON is read as
// YAML, as CloudFormation reads it; the same text named .json is refused.
func TestFlowYAML(t *testing.T) {
	src := "{Resources: {Logs: {Type: 'AWS::S3::Bucket', Properties: {BucketName: flow}}}}\n"
	s, err := Parse("flow.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Accounts[0].Buckets[0].Name; got != "flow" {
		t.Errorf("bucket %q, want flow", got)
	}
	_, err = Parse("flow.json", []byte(src), Options{})
	wantErr(t, err, "flow.json", 1, "invalid JSON")
}

func TestDeepNesting(t *testing.T) {
	deep := bucket + "    Properties:\n      Tags: " + strings.Repeat("[", 500) + strings.Repeat("]", 500) + "\n"
	_, err := Parse("deep.yaml", []byte(deep), Options{})
	wantErr(t, err, "deep.yaml", 5, "nesting deeper than 100 levels")

	// Deeper than go.yaml.in/yaml's own limit: still an error with a line.
	deeper := bucket + "    Properties:\n      Tags: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n"
	_, err = Parse("deeper.yaml", []byte(deeper), Options{})
	wantErr(t, err, "deeper.yaml", 5, "exceeded max depth")

	deepJSON := `{"Resources": {"Logs": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": ` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}}}}`
	_, err = Parse("deep.json", []byte(deepJSON), Options{})
	wantErr(t, err, "deep.json", 1, "nesting deeper than 100 levels")
}

// TestAliasBomb: the billion-laughs document (each level nine aliases of
// the previous one) is refused in bounded time and memory.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("Parameters:\n  P: {Type: String, Default: x}\nX:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, c := range "bcdefghi" {
		fmt.Fprintf(&b, "  %c: &%c [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", c, c, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = string(c)
	}
	b.WriteString("Resources:\n  Logs:\n    Type: AWS::SNS::Topic\n    Properties:\n      Subscription: *i\n")
	_, err := Parse("bomb.yaml", []byte(b.String()), Options{})
	wantErr(t, err, "bomb.yaml", 4, "alias bomb")
}

// TestHugeTemplate: a file over CloudFormation's 1 MB template limit is
// refused before it is parsed.
func TestHugeTemplate(t *testing.T) {
	huge := []byte(bucket + "    Metadata: \"" + strings.Repeat("x", 1<<20) + "\"\n")
	_, err := Parse("huge.yaml", huge, Options{})
	wantErr(t, err, "huge.yaml", 0, "accepts at most 1 MB")
	if !Detect(huge) {
		t.Error("Detect(huge template) = false; it should be recognised and then refused by Parse")
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"version only", "AWSTemplateFormatVersion: \"2010-09-09\"\n", true},
		{"resources only", bucket, true},
		{"JSON", `{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}`, true},
		{"terraform plan", `{"format_version": "1.2", "planned_values": {"root_module": {}}, "resource_changes": []}`, false},
		{"connector file", "profile: expel\nrole: arn:aws:iam::222222222222:role/ExpelRole\n", false},
		{"kubernetes", "apiVersion: v1\nkind: ConfigMap\n", false},
		{"resources of another kind", "Resources:\n  x: {Type: Custom::Thing}\n", false},
		{"not YAML", "\x00\x01{[", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		if got := Detect([]byte(tc.src)); got != tc.want {
			t.Errorf("%s: Detect = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestStatementLines: a finding about one statement must point at that
// statement, also after Fn::If removed one before it.
func TestStatementLines(t *testing.T) {
	src := `Conditions:
  Never: !Equals [a, b]
Resources:
  P:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [https://sqs.us-east-1.amazonaws.com/123456789012/q]
      PolicyDocument:
        Statement:
          - !If
            - Never
            - {Effect: Deny, Action: "*", Resource: "*"}
            - !Ref AWS::NoValue
          - Sid: First
            Effect: Allow
            Action: sqs:SendMessage
          - {Sid: Second, Effect: Allow, Action: sqs:ReceiveMessage}
`
	s, err := Parse("lines.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := s.Accounts[0].Queues[0].Policy
	if p.Location.Line != 8 {
		t.Errorf("policy line = %d, want 8", p.Location.Line)
	}
	var got []int
	for _, l := range p.StatementLocations {
		got = append(got, l.Line)
	}
	if fmt.Sprint(got) != "[14 17]" {
		t.Errorf("statement lines = %v, want [14 17]", got)
	}
	if !bytes.Contains(p.Document, []byte(`"Sid":"First"`)) || bytes.Contains(p.Document, []byte("Deny")) {
		t.Errorf("document = %s", p.Document)
	}
}

// TestLongChains: chains of conditions or names longer than any real
// template are refused with a line, in bounded stack and time.
func TestLongChains(t *testing.T) {
	var b strings.Builder
	b.WriteString("Conditions:\n  C0: !Equals [a, a]\n")
	for i := 1; i <= 1500; i++ {
		fmt.Fprintf(&b, "  C%d: !Not [!Condition C%d]\n", i, i-1)
	}
	b.WriteString("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: C1500\n")
	_, err := Parse("chain.yaml", []byte(b.String()), Options{})
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "in a chain") || e.Line == 0 {
		t.Errorf("err = %v, want a chain error with a line", err)
	}

	// Many unknown property names cost linear time, not quadratic.
	b.Reset()
	b.WriteString(bucket + "    Properties:\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, "      Unrelated%05d: x\n", i)
	}
	if _, err := Parse("wide.yaml", []byte(b.String()), Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestWithin2(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"KmsKeyId", "KMSKeyId", true}, {"BucketEncription", "BucketEncryption", true},
		{"BucketName", "BucketName", true}, {"Tags", "TagsXYZ", false},
		{"AccessControl", "AccelerateConfiguration", false}, {"abcdef", "abcxyz", false},
		{"IsLogging", "IsLoging", true}, {"QueueName", "QueueNme", true},
	} {
		if got := within2(tc.a, tc.b); got != tc.want {
			t.Errorf("within2(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestAmplifyingIntrinsics: intrinsics that make much out of little are
// charged to the expansion budget, as alias expansion is. A short Fn::Split
// of a long referenced string makes a value per element each time; a Ref
// copies its parameter's text into whatever is built from it; Fn::Cidr
// makes up to 256 prefixes from one line. Each template here is far below
// the 1 MB limit yet expanded past the budget (one took 1.3 GB and 22 s);
// each is refused at the line where the budget ran out.
func TestAmplifyingIntrinsics(t *testing.T) {
	many := func(param, use string, n int) string {
		var b strings.Builder
		b.WriteString("Parameters:\n  P:\n    Type: String\n    Default: '" + param + "'\nResources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags:\n")
		for range n {
			b.WriteString("        - " + use + "\n")
		}
		return b.String()
	}
	for _, tc := range []struct{ name, template string }{
		{"split", many(strings.Repeat(",", 50_000), "!Split [',', !Ref P]", 40)},
		{"ref", many(strings.Repeat("x", 100_000), "!Ref P", 400)},
		{"cidr", many("x", "!Cidr [10.0.0.0/8, 256, 16]", 4000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.template) > maxTemplateBytes {
				t.Fatalf("template of %d bytes: the test must stay under the 1 MB limit", len(tc.template))
			}
			_, err := Parse(tc.name+".yaml", []byte(tc.template), Options{})
			var e *Error
			if !errors.As(err, &e) || e.Line < 10 || !strings.Contains(e.Msg, "expands to more than 16 MiB") {
				t.Fatalf("err = %v, want the expansion budget exceeded at a line of Tags", err)
			}
		})
	}
}

// TestOneDocumentLiteralDefaults: a second YAML document (once silently
// ignored) and an intrinsic function in a parameter's Default (once taken
// as its text), both refused by CloudFormation, are errors with the line.
func TestOneDocumentLiteralDefaults(t *testing.T) {
	_, err := Parse("two.yaml", []byte(bucket+"---\n"+bucket), Options{})
	wantErr(t, err, "two.yaml", strings.Count(bucket, "\n")+1, "a second YAML document")
	if _, err := Parse("trailing.yaml", []byte(bucket+"---\n"), Options{}); err != nil {
		t.Errorf("a trailing --- with nothing after it: %v", err)
	}
	ref := "Parameters:\n  P: {Type: String, Default: x}\n  Q:\n    Type: String\n    Default: !Ref P\n" + bucket
	_, err = Parse("ref.yaml", []byte(ref), Options{})
	wantErr(t, err, "ref.yaml", 5, "does not resolve !Ref in a parameter's Default")
	list := "Parameters:\n  L:\n    Type: CommaDelimitedList\n    Default:\n      - a\n      - !Sub '${AWS::Region}'\n" + bucket
	_, err = Parse("list.yaml", []byte(list), Options{})
	wantErr(t, err, "list.yaml", 6, "does not resolve !Sub")
}
