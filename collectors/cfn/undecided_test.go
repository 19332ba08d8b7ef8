package cfn

import (
	"errors"
	"slices"
	"testing"
)

// undecidedTrail's IsMultiRegionTrail hangs on IsProd, a condition on a
// parameter without value or default. CloudFormation evaluates conditions
// from the parameter values given at stack creation or update
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html),
// so the template alone decides neither branch.
const undecidedTrail = `Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsNotProd: !Not [!Condition IsProd]
Resources:
  T:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: b
      IsLogging: true
      IsMultiRegionTrail: !If [IsProd, true, false]
      EventSelectors: !If [IsNotProd, [], !Ref AWS::NoValue]
`

// TestUndecidedConditionNamesIt: a property chosen by an undecided
// condition is an *Error at the property's line that names the condition
// and lists it in Undecided, for the caller to judge each branch.
func TestUndecidedConditionNamesIt(t *testing.T) {
	_, err := Parse("t.yaml", []byte(undecidedTrail), Options{})
	wantErr(t, err, "t.yaml", 12, "T.IsMultiRegionTrail cannot be known: it hangs on condition IsProd, undecided")
	var e *Error
	if !errors.As(err, &e) || !slices.Equal(e.Undecided, []string{"IsProd"}) {
		t.Fatalf("Undecided = %v, want [IsProd]", e)
	}
	// Fixed true, the next property hangs on IsNotProd, which follows
	// from IsProd: decided, so the template resolves.
	for _, prod := range []bool{true, false} {
		s, err := Parse("t.yaml", []byte(undecidedTrail), Options{Conditions: map[string]bool{"IsProd": prod}})
		if err != nil {
			t.Fatalf("IsProd=%t: %v", prod, err)
		}
		if got := s.Accounts[0].Trails[0].IsMultiRegionTrail; got != prod {
			t.Errorf("IsProd=%t: IsMultiRegionTrail = %t", prod, got)
		}
	}
	// A condition the template decides keeps its own value.
	s, err := Parse("t.yaml", []byte(undecidedTrail), Options{Params: map[string]string{"Env": "prod"}, Conditions: map[string]bool{"IsProd": false}})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Accounts[0].Trails[0].IsMultiRegionTrail {
		t.Errorf("Env=prod with IsProd fixed false: the fix overrode a decided condition")
	}
}

// TestUndecidedListNamesIt: a whole list chosen by an undecided condition
// names it as well; a Boolean given by a parameter without value (no
// condition) is input only the user can give and keeps its message.
func TestUndecidedListNamesIt(t *testing.T) {
	src := "Parameters:\n  Env: {Type: String}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Q:\n    Type: AWS::SNS::Topic\n    Properties:\n      Subscription: !If [IsProd, [{Protocol: sqs, Endpoint: arn:aws:sqs:us-east-1:111122223333:q}], []]\n"
	_, err := Parse("l.yaml", []byte(src), Options{})
	wantErr(t, err, "l.yaml", 9, "Q.Subscription (a list) cannot be known: it hangs on condition IsProd, undecided")
	var e *Error
	if !errors.As(err, &e) || !slices.Equal(e.Undecided, []string{"IsProd"}) {
		t.Fatalf("Undecided = %v, want [IsProd]", e)
	}
}
