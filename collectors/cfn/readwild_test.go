package cfn

import (
	"strings"
	"testing"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// CloudFormation "supports the YAML Version 1.1 specification"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html),
// where yes/no/on/off are booleans (https://yaml.org/type/bool.html); a
// Boolean property also takes the strings "true" and "false".
func TestYAML11BooleansAsCloudFormationReadsThem(t *testing.T) {
	tests := []struct {
		expr, want string
	}{
		{`Yes`, `true`}, {`yes`, `true`}, {`YES`, `true`}, {`On`, `true`}, {`ON`, `true`}, {`on`, `true`},
		{`No`, `false`}, {`no`, `false`}, {`Off`, `false`}, {`OFF`, `false`}, {`off`, `false`},
		{`True`, `true`}, {`FALSE`, `false`},
		// Quoted, tagged and one-letter forms stay strings.
		{`"Yes"`, `"Yes"`}, {`'off'`, `"off"`}, {`!!str yes`, `"yes"`}, {`y`, `"y"`}, {`n`, `"n"`},
	}
	for _, tc := range tests {
		got, _, err := evalExpr(t, tc.expr, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got != tc.want {
			t.Errorf("%s resolves to %s, want %s", tc.expr, got, tc.want)
		}
	}
}

func TestTrailBooleansInEveryAcceptedSpelling(t *testing.T) {
	for _, tc := range []struct{ multi, logging string }{
		{"Yes", "On"}, {`"true"`, `"True"`}, {"true", "yes"}, {"YES", "ON"},
	} {
		src := `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: org
      S3BucketName: logs
      IsMultiRegionTrail: ` + tc.multi + `
      IncludeGlobalServiceEvents: No
      IsLogging: ` + tc.logging + `
`
		s, err := Parse("t.yaml", []byte(src), Options{})
		if err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		tr := s.Accounts[0].Trails[0]
		if !tr.IsMultiRegionTrail || !tr.Status.IsLogging || tr.IncludeGlobalServiceEvents {
			t.Errorf("%+v: multi-region %v, logging %v, global events %v; want true, true, false", tc, tr.IsMultiRegionTrail, tr.Status.IsLogging, tr.IncludeGlobalServiceEvents)
		}
	}
	// A quoted "Yes" is the string Yes, which a Boolean property refuses.
	src := "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: logs\n      IsLogging: \"Yes\"\n"
	_, err := Parse("t.yaml", []byte(src), Options{})
	wantErr(t, err, "t.yaml", 6, `Trail.IsLogging must be true or false, got a string "Yes"`)
}

func TestConditionOnParameterWithoutValue(t *testing.T) {
	u := snapshot.Unknown
	eq := u("whether " + u("parameter NoDefault has no value") + " equals x")
	for _, tc := range []struct{ expr, want string }{
		{`!Equals [!Ref NoDefault, x]`, `"` + eq + `"`},
		// A known operand decides And and Or on its own.
		{`!And [!Equals [!Ref NoDefault, x], !Equals [a, b]]`, `false`},
		{`!Or [!Equals [!Ref NoDefault, x], !Equals [a, a]]`, `true`},
		{`!Not [!Equals [!Ref NoDefault, x]]`, `"` + u("not "+eq) + `"`},
	} {
		got, _, err := evalExpr(t, tc.expr, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got != tc.want {
			t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
		}
	}
}

func TestIfOnUndecidedCondition(t *testing.T) {
	src := `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  VendorAccountId:
    Type: String
    Description: the account the vendor's reader runs in; no default on purpose
Conditions:
  CrossAccount: !Not [!Equals [!Ref VendorAccountId, ""]]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: logs
      VisibilityTimeout: !If [CrossAccount, 300, 300]
      KmsMasterKeyId: !If [CrossAccount, alias/vendor, !Ref AWS::NoValue]
  VendorOnly:
    Type: AWS::SQS::Queue
    Condition: CrossAccount
    Properties:
      QueueName: vendor
`
	s, err := Parse("c.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	qs := s.Accounts[0].Queues
	if len(qs) != 2 {
		t.Fatalf("got %d queues, want both: the one under an undecided condition is judged as created", len(qs))
	}
	q := qs[0]
	if q.VisibilityTimeout != 300 {
		t.Errorf("branches that agree give their value; got %d", q.VisibilityTimeout)
	}
	if !snapshot.IsUnknown(q.KmsMasterKeyID) || !strings.Contains(q.KmsMasterKeyID, `"alias/vendor" if condition CrossAccount holds`) || !strings.Contains(q.KmsMasterKeyID, "else no value") {
		t.Errorf("KmsMasterKeyId = %q, want a value naming both candidates", q.KmsMasterKeyID)
	}
	var created bool
	for _, uv := range s.Unknowns {
		if strings.Contains(uv.Reason, "whether VendorOnly is created") && uv.Location.Line == 17 {
			created = true
		}
	}
	if !created {
		t.Errorf("unknowns %+v do not say that VendorOnly may not be created (line 17)", s.Unknowns)
	}
}

// SAM and other generators write inline policies without Version, which
// IAM accepts for inline policies; an Effect in the wrong case is refused
// with a message that says so, at the statement's line.
func TestInlinePoliciesAsGeneratorsWriteThem(t *testing.T) {
	src := `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reader:
    Type: AWS::IAM::Role
    Properties:
      RoleName: reader
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read-queue
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [sqs:ReceiveMessage, sqs:DeleteMessage]
                Resource: !Sub arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:logs
        - PolicyName: typo
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Sid: NoDelete
                Effect: deny
                Action: sqs:DeleteQueue
                Resource: "*"
`
	s, err := Parse("roles.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	probs := authz.Validate(s)
	if len(probs) != 1 {
		t.Fatalf("got %d policy problems, want only the Effect typo: %v", len(probs), probs)
	}
	want := `roles.yaml:23: Reader: statement 0 (Sid "NoDelete"): Effect must be exactly "Allow" or "Deny" (case-sensitive), got "deny" (AWS: The policy failed legacy parsing)`
	if got := probs[0].String(); got != want {
		t.Errorf("problem\n got %s\nwant %s", got, want)
	}
}

func TestNearMissResourceTypeIsAWarning(t *testing.T) {
	src := `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
  LogsPolicy:
    Type: AWS::S3::BucketPolicyy
    Properties:
      Bucket: !Ref Logs
      PolicyDocument: {Statement: []}
  Queue:
    Type: AWS::SQS::queue
  Vendor:
    Type: Custom::VendorRegistration
  Pipe:
    Type: AWS::Pipes::Pipe
`
	r, err := Read("stack.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range r.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"stack.yaml:6: LogsPolicy: unknown resource type AWS::S3::BucketPolicyy; did you mean AWS::S3::BucketPolicy? (it is not judged)",
		"stack.yaml:11: Queue: unknown resource type AWS::SQS::queue; did you mean AWS::SQS::Queue? (it is not judged)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings\n got %q\nwant %q", got, want)
	}
}

// Fn::ForEach expands as AWS::LanguageExtensions documents it
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html):
// ${Id} and &{Id} in output keys and values, Ref Id in values, nested
// loops, a Ref to a CommaDelimitedList as the collection.
func TestForEachOverQueues(t *testing.T) {
	src := `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Parameters:
  Sources:
    Type: CommaDelimitedList
    Default: cloudtrail,guard-duty
Resources:
  Fn::ForEach::Queues:
    - Source
    - !Ref Sources
    - '&{Source}Queue':
        Type: AWS::SQS::Queue
        DeletionPolicy: !If [Never, Delete, Retain]
        Properties:
          QueueName: !Sub siem-${Source}
          Tags:
            - Key: source
              Value: !Ref Source
      '&{Source}QueuePolicy':
        Type: AWS::SQS::QueuePolicy
        Properties:
          Queues: [!Ref '&{Source}Queue']
          PolicyDocument:
            Statement:
              - Effect: Allow
                Principal: {AWS: arn:aws:iam::111122223333:root}
                Action: sqs:ReceiveMessage
                Resource: !GetAtt '&{Source}Queue.Arn'
      Fn::ForEach::Keys:
        - Use
        - [Encrypt, Decrypt]
        - '&{Source}${Use}Key':
            Type: AWS::KMS::Key
            Properties:
              Description: !Sub ${Use} ${Source}
Conditions:
  Never: !Equals [a, b]
`
	s, err := Parse("loops.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	qs := s.Accounts[0].Queues
	if len(qs) != 2 {
		t.Fatalf("got %d queues, want 2", len(qs))
	}
	for i, want := range []struct{ name, addr string }{{"siem-cloudtrail", "cloudtrailQueue"}, {"siem-guard-duty", "guarddutyQueue"}} {
		q := qs[i]
		if q.Name != want.name || q.Location.Address != want.addr || q.Location.Line != 11 {
			t.Errorf("queue %d: %s at %s line %d, want %s at %s line 11", i, q.Name, q.Location.Address, q.Location.Line, want.name, want.addr)
		}
		if q.Policy == nil || !strings.Contains(string(q.Policy.Document), `"Resource":"`+q.ARN+`"`) {
			t.Errorf("queue %s policy %v", q.Name, q.Policy)
		}
	}
	var keys []string
	for _, k := range s.Accounts[0].Keys {
		keys = append(keys, k.Location.Address)
	}
	if strings.Join(keys, " ") != "cloudtrailDecryptKey cloudtrailEncryptKey guarddutyDecryptKey guarddutyEncryptKey" {
		t.Errorf("nested loop made keys %v", keys)
	}
}

// Parameter defaults and allowed values are YAML 1.1 too: `Default: Yes`
// makes the parameter "true", as CloudFormation shows it.
func TestParameterDefaultsAreYAML11(t *testing.T) {
	src := `Parameters:
  EnableSiem:
    Type: String
    Default: Yes
    AllowedValues: [Yes, No]
Conditions:
  Siem: !Equals [!Ref EnableSiem, "true"]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Condition: Siem
    Properties: {QueueName: siem}
`
	s, err := Parse("p.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Accounts[0].Queues) != 1 {
		t.Errorf("Default: Yes is not the value true: the queue under !Equals [EnableSiem, \"true\"] is missing")
	}
	if _, err := Parse("p.yaml", []byte(src), Options{Params: map[string]string{"EnableSiem": "false"}}); err != nil {
		t.Errorf("--param EnableSiem=false is refused although AllowedValues [Yes, No] reads as [true, false]: %v", err)
	}
}
