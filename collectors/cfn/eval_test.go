package cfn

import (
	"errors"
	"strings"
	"testing"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// head is the context every expression below is resolved in.
const head = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
    AllowedValues: [prod, dev]
  NoDefault:
    Type: String
  Subnets:
    Type: CommaDelimitedList
    Default: "a, b,c"
  Count:
    Type: Number
    Default: 3
  Latest:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /org/log-bucket
Mappings:
  Regions:
    us-east-1:
      Bucket: logs-use1
    eu-west-1:
      Bucket: logs-euw1
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  ProdOrDev: !Or [!Condition IsProd, !Condition IsDev]
  Both: !And [!Condition IsProd, !Condition IsDev]
  LongForm: {"Fn::Equals": [{"Ref": "Env"}, "dev"]}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: my-logs
  GenBucket:
    Type: AWS::S3::Bucket
  Key:
    Type: AWS::KMS::Key
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/logs
      TargetKeyId: !Ref Key
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: log-topic
  FifoQueue:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: log-queue
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: reader
      Path: /vendor/
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: read-logs
      PolicyDocument: {Version: "2012-10-17", Statement: []}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: main
      S3BucketName: !Ref Bucket
      SnsTopicName: !GetAtt Topic.TopicName
      IsLogging: true
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties:
      Enable: true
  Scp:
    Type: AWS::Organizations::Policy
    Properties:
      Name: scp
      Type: SERVICE_CONTROL_POLICY
      Content: {Version: "2012-10-17", Statement: []}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: forwarder
  Other:
    Type: AWS::Logs::MetricFilter
  DevOnly:
    Type: AWS::SQS::Queue
    Condition: IsDev
Outputs:
  X:
    Value: `

// evalExpr resolves expr (YAML, written after "Value: ") in the context of
// head and returns its JSON.
func evalExpr(t *testing.T, expr string, opts Options) (string, *template, error) {
	t.Helper()
	doc, err := load("expr.yaml", []byte(head+expr+"\n"))
	if err != nil {
		return "", nil, err
	}
	// Most expressions are about one account; "-" asks for none.
	switch opts.AccountID {
	case "":
		opts.AccountID = "123456789012"
	case "-":
		opts.AccountID = ""
	}
	tp, err := newTemplate("expr.yaml", doc, opts)
	if err != nil {
		return "", nil, err
	}
	out := lookup(lookup(lookup(doc, "Outputs"), "X"), "Value")
	v, err := tp.eval(out, 0, false)
	if err != nil {
		return "", tp, err
	}
	if v.kind == kindNoValue {
		return "<NoValue>", tp, nil
	}
	return string(v.JSON()), tp, nil
}

func TestIntrinsics(t *testing.T) {
	u := snapshot.Unknown
	sym := func(owner, attr string) string { return snapshot.Symbol("expr.yaml", owner, attr) }
	tests := []struct {
		name, expr, want string
		opts             Options
	}{
		// Ref: parameters (Default, --param, missing, list, number, SSM).
		{"Ref default", `!Ref Env`, `"prod"`, Options{}},
		{"Ref --param beats Default", `!Ref Env`, `"dev"`, Options{Params: map[string]string{"Env": "dev"}}},
		{"Ref missing parameter is unknown", `!Ref NoDefault`, `"` + u("parameter NoDefault has no value") + `"`, Options{}},
		{"Ref given parameter without Default", `!Ref NoDefault`, `"x"`, Options{Params: map[string]string{"NoDefault": "x"}}},
		{"Ref CommaDelimitedList", `!Ref Subnets`, `["a","b","c"]`, Options{}},
		{"Ref Number", `!Ref Count`, `3`, Options{}},
		{"Ref SSM parameter is unknown", `!Ref Latest`, `"` + u("SSM parameter /org/log-bucket") + `"`, Options{}},
		{"Ref long form", `{"Ref": "Env"}`, `"prod"`, Options{}},
		// Pseudo parameters and their overrides.
		{"pseudo defaults", `!Sub "${AWS::AccountId}/${AWS::Region}/${AWS::Partition}/${AWS::URLSuffix}"`, `"123456789012/us-east-1/aws/amazonaws.com"`, Options{AccountID: "123456789012"}},
		{"account unknown is a symbol", `!Ref AWS::AccountId`, `"` + snapshot.Symbol("expr.yaml", "AWS", "AccountId") + `"`, Options{AccountID: "-"}},
		{"pseudo from options", `!Sub "${AWS::AccountId}/${AWS::Region}/${AWS::Partition}/${AWS::URLSuffix}"`, `"222222222222/cn-north-1/aws-cn/amazonaws.com.cn"`, Options{AccountID: "222222222222", Region: "cn-north-1"}},
		{"pseudo --param beats option", `!Ref AWS::AccountId`, `"333333333333"`, Options{AccountID: "222222222222", Params: map[string]string{"AWS::AccountId": "333333333333"}}},
		{"GovCloud partition", `!Ref AWS::Partition`, `"aws-us-gov"`, Options{Region: "us-gov-west-1"}},
		{"StackName given", `!Ref AWS::StackName`, `"logging"`, Options{StackName: "logging"}},
		{"StackName unknown", `!Ref AWS::StackName`, `"` + u("AWS::StackName") + `"`, Options{}},
		{"StackId unknown", `!Ref AWS::StackId`, `"` + u("AWS::StackId") + `"`, Options{}},
		{"NoValue", `!Ref AWS::NoValue`, `<NoValue>`, Options{}},
		{"NoValue drops list items and keys", `{a: [1, !Ref AWS::NoValue, 2], b: !Ref AWS::NoValue}`, `{"a":[1,2]}`, Options{}},
		// Ref and GetAtt return values per type (CloudFormation resource
		// reference, "Return values").
		{"S3 Ref is the name", `!Ref Bucket`, `"my-logs"`, Options{}},
		{"S3 Arn", `!GetAtt Bucket.Arn`, `"arn:aws:s3:::my-logs"`, Options{}},
		{"S3 DomainName", `!GetAtt Bucket.DomainName`, `"my-logs.s3.amazonaws.com"`, Options{}},
		{"S3 RegionalDomainName", `!GetAtt [Bucket, RegionalDomainName]`, `"my-logs.s3.us-east-1.amazonaws.com"`, Options{}},
		{"S3 generated name is a symbol", `!Ref GenBucket`, `"` + sym("GenBucket", "Name") + `"`, Options{}},
		{"S3 generated name with stack", `!GetAtt GenBucket.Arn`, `"arn:aws:s3:::` + sym("GenBucket", "Name") + `"`, Options{StackName: "app"}},
		{"KMS Ref is the key ID", `!Ref Key`, `"` + sym("Key", "KeyId") + `"`, Options{}},
		{"KMS Arn", `!GetAtt Key.Arn`, `"arn:aws:kms:us-east-1:123456789012:key/` + sym("Key", "KeyId") + `"`, Options{}},
		{"KMS KeyId", `!GetAtt Key.KeyId`, `"` + sym("Key", "KeyId") + `"`, Options{}},
		{"KMS alias Ref is the alias name", `!Ref KeyAlias`, `"alias/logs"`, Options{}},
		{"SNS Ref is the ARN", `!Ref Topic`, `"arn:aws:sns:us-east-1:123456789012:log-topic"`, Options{}},
		{"SNS TopicName", `!GetAtt Topic.TopicName`, `"log-topic"`, Options{}},
		{"SQS Ref is the URL", `!Ref Queue`, `"https://sqs.us-east-1.amazonaws.com/123456789012/log-queue"`, Options{}},
		{"SQS Arn", `!GetAtt Queue.Arn`, `"arn:aws:sqs:us-east-1:123456789012:log-queue"`, Options{}},
		{"SQS QueueName", `!GetAtt Queue.QueueName`, `"log-queue"`, Options{}},
		{"SQS generated FIFO name ends in .fifo", `!GetAtt FifoQueue.QueueName`, `"` + sym("FifoQueue", "Name") + `.fifo"`, Options{}},
		{"IAM role Ref is the name", `!Ref Role`, `"reader"`, Options{}},
		{"IAM role Arn has the path", `!GetAtt Role.Arn`, `"arn:aws:iam::123456789012:role/vendor/reader"`, Options{}},
		{"IAM role RoleId symbol", `!GetAtt Role.RoleId`, `"` + sym("Role", "RoleId") + `"`, Options{}},
		{"IAM managed policy Ref is the ARN", `!Ref Managed`, `"arn:aws:iam::123456789012:policy/read-logs"`, Options{}},
		{"CloudTrail Ref is the name", `!Ref Trail`, `"main"`, Options{}},
		{"CloudTrail Arn", `!GetAtt Trail.Arn`, `"arn:aws:cloudtrail:us-east-1:123456789012:trail/main"`, Options{}},
		{"CloudTrail SnsTopicArn", `!GetAtt Trail.SnsTopicArn`, `"arn:aws:sns:us-east-1:123456789012:log-topic"`, Options{}},
		{"GuardDuty Ref is the detector ID", `!Ref Detector`, `"` + sym("Detector", "DetectorId") + `"`, Options{}},
		{"Organizations policy Ref is the ID", `!Ref Scp`, `"` + sym("Scp", "PolicyId") + `"`, Options{}},
		{"unmodeled Lambda Ref is the name", `!Ref Fn`, `"forwarder"`, Options{}},
		{"unmodeled type Ref is unknown", `!Ref Other`, `"` + u("Ref of Other (AWS::Logs::MetricFilter)") + `"`, Options{}},
		{"unmodeled type GetAtt is unknown", `!GetAtt Other.Whatever`, `"` + u("Other.Whatever (AWS::Logs::MetricFilter)") + `"`, Options{}},
		// Fn::Sub.
		{"Sub literal escape", `!Sub "${!aws:username}-${Env}"`, `"${aws:username}-prod"`, Options{}},
		{"Sub GetAtt", `!Sub "${Bucket.Arn}/*"`, `"arn:aws:s3:::my-logs/*"`, Options{}},
		{"Sub variables map", `!Sub ["${A}-${Env}", {A: !Ref Bucket}]`, `"my-logs-prod"`, Options{}},
		{"Sub embeds unknown", `!Sub "arn:aws:s3:::${NoDefault}/*"`, `"arn:aws:s3:::` + u("parameter NoDefault has no value") + `/*"`, Options{}},
		{"Sub long form", `{"Fn::Sub": "${AWS::Region}"}`, `"us-east-1"`, Options{}},
		// Fn::Join, Select, Split.
		{"Join", `!Join [":", [a, !Ref Env, 3]]`, `"a:prod:3"`, Options{}},
		{"Join list parameter", `!Join ["|", !Ref Subnets]`, `"a|b|c"`, Options{}},
		{"Select", `!Select [1, !Ref Subnets]`, `"b"`, Options{}},
		{"Select of Split", `!Select [2, !Split [",", "x,y,z"]]`, `"z"`, Options{}},
		{"Split", `!Split ["/", "a/b"]`, `["a","b"]`, Options{}},
		{"Split of unknown is unknown", `!Split [",", !Ref NoDefault]`, `"` + u("Fn::Split of "+u("parameter NoDefault has no value")) + `"`, Options{}},
		// Fn::FindInMap.
		{"FindInMap", `!FindInMap [Regions, !Ref "AWS::Region", Bucket]`, `"logs-use1"`, Options{}},
		{"FindInMap other region", `!FindInMap [Regions, !Ref "AWS::Region", Bucket]`, `"logs-euw1"`, Options{Region: "eu-west-1"}},
		{"FindInMap DefaultValue", `!FindInMap [Regions, ap-south-1, Bucket, {DefaultValue: none}]`, `"none"`, Options{}},
		// Conditions and Fn::If.
		{"If true", `!If [IsProd, p, d]`, `"p"`, Options{}},
		{"If false via param", `!If [IsProd, p, d]`, `"d"`, Options{Params: map[string]string{"Env": "dev"}}},
		{"If Not", `!If [IsDev, p, d]`, `"d"`, Options{}},
		{"If Or", `!If [ProdOrDev, y, n]`, `"y"`, Options{}},
		{"If And", `!If [Both, y, n]`, `"n"`, Options{}},
		{"If long form condition", `!If [LongForm, y, n]`, `"n"`, Options{}},
		{"If NoValue", `!If [IsDev, x, !Ref AWS::NoValue]`, `<NoValue>`, Options{}},
		// The rest.
		{"ImportValue is unknown", `!ImportValue SharedKeyArn`, `"` + u("ImportValue SharedKeyArn") + `"`, Options{}},
		{"ImportValue of Sub", `!ImportValue {"Fn::Sub": "${Env}-KeyArn"}`, `"` + u("ImportValue prod-KeyArn") + `"`, Options{}},
		{"Base64", `!Base64 hello`, `"aGVsbG8="`, Options{}},
		{"Cidr", `!Cidr [10.0.0.0/16, 3, 8]`, `["10.0.0.0/24","10.0.1.0/24","10.0.2.0/24"]`, Options{}},
		{"Cidr small", `!Cidr [192.168.0.0/24, 2, 6]`, `["192.168.0.0/26","192.168.0.64/26"]`, Options{}},
		{"Cidr IPv6", `!Cidr ["2001:db8::/56", 2, 64]`, `["2001:db8::/64","2001:db8:0:1::/64"]`, Options{}},
		{"GetAZs is unknown", `!GetAZs ""`, `"` + u("GetAZs us-east-1") + `"`, Options{}},
		{"Select of GetAZs is unknown", `!Select [0, !GetAZs ""]`, `"` + u("element 0 of "+u("GetAZs us-east-1")) + `"`, Options{}},
		{"Length", `{"Fn::Length": [a, b]}`, `2`, Options{}},
		{"ToJsonString", `{"Fn::ToJsonString": {a: [1, true]}}`, `"{\"a\":[1,true]}"`, Options{}},
		{"Transform is unknown", `{"Fn::Transform": {Name: AWS::Include}}`, `"` + u("output of macro Fn::Transform") + `"`, Options{}},
		{"YAML timestamp stays text", `{Version: 2012-10-17}`, `{"Version":"2012-10-17"}`, Options{}},
		{"YAML merge key", `{a: &x {p: 1, q: 2}, b: {<<: *x, q: 3}}`, `{"a":{"p":1,"q":2},"b":{"p":1,"q":3}}`, Options{}},
		{"YAML anchors and aliases", `{a: &x [1, 2], b: *x}`, `{"a":[1,2],"b":[1,2]}`, Options{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := evalExpr(t, tc.expr, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s\n got %s\nwant %s", tc.expr, got, tc.want)
			}
		})
	}
}

// TestUnknownsAreListed checks that every unknown token met is listed with
// its reason and location.
func TestUnknownsAreListed(t *testing.T) {
	// A parameter without a value is unknown; a key ID AWS assigns is a
	// symbol, not an unknown: it is one definite value.
	_, tp, err := evalExpr(t, `!Sub "${NoDefault}-${Key}"`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	list := tp.unknownList()
	if len(list) != 1 {
		t.Fatalf("unknowns = %+v, want 1", list)
	}
	for _, u := range list {
		if !snapshot.IsUnknown(u.Token) || u.Reason == "" || u.Location == nil || u.Location.Line == 0 {
			t.Errorf("incomplete unknown %+v", u)
		}
	}
	if snapshot.IsSymbol(list[0].Token) {
		t.Errorf("unknown %q is a symbol", list[0].Token)
	}
}

func TestIntrinsicErrors(t *testing.T) {
	tests := []struct {
		name, expr, msg string
		opts            Options
	}{
		{"unknown long-form intrinsic", `{"Fn::Frobnicate": [a]}`, "unknown intrinsic function Fn::Frobnicate", Options{}},
		{"unknown short tag", `!Frobnicate a`, "unknown tag !Frobnicate", Options{}},
		{"Ref to nothing", `!Ref Nope`, `unresolved reference "Nope"`, Options{}},
		{"Sub unescaped policy variable", `!Sub "${aws:username}"`, `unresolved reference "aws:username"`, Options{}},
		{"unknown pseudo parameter", `!Ref AWS::Nope`, "unknown pseudo parameter AWS::Nope", Options{}},
		{"GetAtt unknown attribute", `!GetAtt Bucket.Nope`, `has no attribute "Nope"`, Options{}},
		{"GetAtt no resource", `!GetAtt Nope.Arn`, `no resource "Nope"`, Options{}},
		{"GetAtt without dot", `!GetAtt Bucket`, "expected LogicalID.Attribute", Options{}},
		{"Join wrong shape", `!Join [",", notalist]`, "must be a list", Options{}},
		{"Join wrong arity", `!Join [","]`, "takes a list of 2 arguments", Options{}},
		{"Select out of range", `!Select [5, [a]]`, "out of range", Options{}},
		{"Select bad index", `!Select [x, [a]]`, "not a non-negative integer", Options{}},
		{"FindInMap missing key", `!FindInMap [Regions, ap-south-1, Bucket]`, `has no key "ap-south-1"`, Options{}},
		{"If unknown condition", `!If [Nope, a, b]`, `condition "Nope" is not defined`, Options{}},
		{"If wrong arity", `!If [IsProd, a]`, "Fn::If takes", Options{}},
		{"param not in AllowedValues", `!Ref Env`, "not one of AllowedValues", Options{Params: map[string]string{"Env": "qa"}}},
		{"Ref to a resource whose condition is false", `!Ref DevOnly`, "is not created", Options{}},
		{"Cidr too many", `!Cidr [10.0.0.0/24, 5, 7]`, "holds only 2 subnets", Options{}},
		{"Fn key beside others", `{"Fn::Sub": x, y: z}`, "must be the only key", Options{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := evalExpr(t, tc.expr, tc.opts)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("error %q does not say %q", e, tc.msg)
			}
			if e.File != "expr.yaml" || e.Line == 0 {
				t.Errorf("error %q has no file and line", e)
			}
		})
	}
}

// TestConditionCycle: conditions that refer to each other are refused.
func TestConditionCycle(t *testing.T) {
	src := `Conditions:
  A: !Condition B
  B: !And [!Condition A, !Condition A]
Resources:
  Q:
    Type: AWS::SQS::Queue
    Condition: A
`
	_, err := Parse("c.yaml", []byte(src), Options{})
	wantErr(t, err, "c.yaml", 2, "circular condition")
}

// wantErr checks that err is an *Error naming file and line (0: the
// whole file, no line) and saying msg.
func wantErr(t *testing.T, err error, file string, line int, msg string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error", err)
	}
	if e.File != file || e.Line != line {
		t.Errorf("error %q: want %s:%d", e, file, line)
	}
	if !strings.Contains(e.Error(), msg) {
		t.Errorf("error %q does not say %q", e, msg)
	}
}

// TestDeployContext: Metadata.trailgate says where a template is deployed;
// --param pseudo parameters beat it, and it beats --account/--region.
func TestDeployContext(t *testing.T) {
	src := `Metadata:
  trailgate:
    AccountId: "222222222222"
    Region: eu-west-1
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: q
`
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"declared", Options{}, "arn:aws:sqs:eu-west-1:222222222222:q"},
		{"declared beats --account", Options{AccountID: "333333333333", Region: "us-east-1"}, "arn:aws:sqs:eu-west-1:222222222222:q"},
		{"--param beats declared", Options{Params: map[string]string{"AWS::AccountId": "444444444444", "AWS::Region": "us-west-2"}}, "arn:aws:sqs:us-west-2:444444444444:q"},
	} {
		s, err := Parse("ctx.yaml", []byte(src), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Accounts[0].Queues[0].ARN; got != tc.want {
			t.Errorf("%s: queue ARN %s, want %s", tc.name, got, tc.want)
		}
	}
	_, err := Parse("ctx.yaml", []byte("Metadata:\n  trailgate:\n    AccountId: 12345\nResources:\n  Q: {Type: AWS::SQS::Queue}\n"), Options{})
	wantErr(t, err, "ctx.yaml", 3, "12-digit account ID")
	_, err = Parse("ctx.yaml", []byte("Metadata:\n  trailgate:\n    Acount: \"123456789012\"\nResources:\n  Q: {Type: AWS::SQS::Queue}\n"), Options{})
	wantErr(t, err, "ctx.yaml", 3, `unknown key "Acount"`)
}

// TestNotReadIsListed: what the template does not show (resources a
// Transform macro or a nested stack adds) is listed among the unknowns.
func TestNotReadIsListed(t *testing.T) {
	src := `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://example.com/child.yaml
`
	s, err := Parse("t.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, u := range s.Unknowns {
		reasons = append(reasons, u.Reason)
	}
	want := []string{"resources generated or changed by Transform AWS::Serverless-2016-10-31", "resources of nested stack Child"}
	if strings.Join(reasons, "|") != strings.Join(want, "|") {
		t.Errorf("unknowns = %q, want %q", reasons, want)
	}
}

// TestMacroReferences: under a resource-generating Transform, references
// to names the template does not declare are unknown, not errors; without
// one they are errors in any resource, modeled or not.
func TestMacroReferences(t *testing.T) {
	body := `Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Role: !GetAtt FnRole.Arn
  Q:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [https://sqs.us-east-1.amazonaws.com/123456789012/q]
      PolicyDocument:
        Statement: [{Effect: Allow, Principal: {AWS: !GetAtt FnRole.Arn}, Action: "sqs:*"}]
`
	s, err := Parse("sam.yaml", []byte("Transform: AWS::Serverless-2016-10-31\n"+body), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if doc := string(s.Accounts[0].Queues[0].Policy.Document); !strings.Contains(doc, "FnRole.Arn, which Transform AWS::Serverless-2016-10-31 may generate") {
		t.Errorf("policy = %s", doc)
	}
	_, err = Parse("plain.yaml", []byte(body), Options{})
	wantErr(t, err, "plain.yaml", 5, `Fn::GetAtt: no resource "FnRole"`)
}
