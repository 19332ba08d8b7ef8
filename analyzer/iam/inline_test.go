package iam

import (
	"errors"
	"testing"
)

// IAM accepts inline identity policies without a Version, which then means
// 2008-10-17 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html);
// managed policies must say 2012-10-17.
func TestInlinePolicyWithoutVersion(t *testing.T) {
	doc := []byte(`{"Statement":[{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:${aws:username}"}]}`)
	p, err := ParsePolicy(doc, KindInline)
	if err != nil {
		t.Fatalf("an inline policy without Version is refused: %v", err)
	}
	if p.Version != Version2008 {
		t.Errorf("Version = %q, want %s", p.Version, Version2008)
	}
	if _, err := ParsePolicy(doc, KindIdentity); err == nil || err.Error() != msgVersion {
		t.Errorf("managed policy without Version: err = %v, want %q", err, msgVersion)
	}
	// In 2008-10-17 a policy variable is literal text.
	set := PolicySet{Identity: []*Policy{p}}
	r := Evaluate(Request{Principal: "arn:aws:iam::111122223333:user/alice", Action: "sqs:ReceiveMessage",
		Resource: "arn:aws:sqs:us-east-1:111122223333:alice"}, set)
	if r.Decision != ImplicitlyDenied {
		t.Errorf("${aws:username} matched alice in a 2008-10-17 policy: %s", r.Decision)
	}
	if _, err := ParsePolicy([]byte(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`), KindInline); err == nil {
		t.Error("an inline policy with a Principal is accepted")
	}
}

func TestEffectCaseSaysWhatIsWrong(t *testing.T) {
	_, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"deny","Action":"s3:GetObject","Resource":"*"}]}`), KindIdentity)
	var pe *PolicyError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *PolicyError", err)
	}
	if pe.Msg != msgLegacy {
		t.Errorf("Msg = %q, want AWS's %q", pe.Msg, msgLegacy)
	}
	want := `statement 0 (Sid "Read"): Effect must be exactly "Allow" or "Deny" (case-sensitive), got "deny" (AWS: The policy failed legacy parsing)`
	if pe.Error() != want {
		t.Errorf("error\n got %s\nwant %s", pe.Error(), want)
	}
}
