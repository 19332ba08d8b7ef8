package iam

import (
	"strings"
	"testing"
)

// Symbols (values AWS assigns at apply) match a wildcard only where every
// value would. Wildcards: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
func TestSymbolGlob(t *testing.T) {
	const key = "<@t.yaml#Key.KeyId>"
	tests := []struct {
		pattern, subject string
		want             tri
	}{
		{"arn:aws:kms:us-east-1:111122223333:key/*", "arn:aws:kms:us-east-1:111122223333:key/" + key, triYes},
		{"arn:aws:kms:us-east-1:111122223333:key/1*", "arn:aws:kms:us-east-1:111122223333:key/" + key, triMaybe},
		{"arn:aws:kms:us-east-1:111122223333:key/" + key, "arn:aws:kms:us-east-1:111122223333:key/" + key, triYes},
		{"arn:aws:kms:us-east-1:111122223333:key/<@t.yaml#Other.KeyId>", "arn:aws:kms:us-east-1:111122223333:key/" + key, triNo},
		{"arn:aws:s3:::*/AWSLogs/*", "arn:aws:s3:::" + key + "/AWSLogs/x", triYes},
		// Another bucket's objects: a literal name is not the symbol's.
		{"arn:aws:s3:::b/*", "arn:aws:s3:::" + key + "/x", triNo},
		{"arn:aws:s3:::b?/*", "arn:aws:s3:::" + key + "/x", triMaybe},
		{"arn:aws:s3:::*-logs/*", "arn:aws:s3:::" + key + "/x", triMaybe},
		{"x/?", "x/" + key, triMaybe},
		{"x/*/y", "x/" + key, triNo},
	}
	for _, tc := range tests {
		if got := symbolGlob(tc.pattern, tc.subject); got != tc.want {
			t.Errorf("symbolGlob(%q, %q) = %v, want %v", tc.pattern, tc.subject, got, tc.want)
		}
	}
	// A literal field (another key's ID) never equals a symbol.
	if got := segmentTri("abcd", key); got != triNo {
		t.Errorf("segmentTri(abcd, %s) = %v, want no", key, got)
	}
}

// FuzzSymbolGlobSound: for a concrete value put in the symbol's place (no
// colon or slash, as every value AWS assigns), symbolGlob never
// contradicts globMatch: yes means the value matches, no that it does not.
func FuzzSymbolGlobSound(f *testing.F) {
	f.Add("key/*", "key/", "", "abc")
	f.Add("key/1*", "key/", "", "1x")
	f.Add("a*b?c", "a", "bzc", "q")
	f.Fuzz(func(t *testing.T, pattern, before, after, value string) {
		// A symbol's value is no literal the input writes.
		if value == "" || strings.ContainsAny(value, ":/<>@\\") || strings.Contains(pattern+before+after, "<@") || strings.Contains(pattern, value) {
			return
		}
		const sym = "<@f#S.Id>"
		got := symbolGlob(pattern, before+sym+after)
		concrete := globMatch(pattern, before+value+after, false)
		if got == triYes && !concrete || got == triNo && concrete {
			t.Fatalf("symbolGlob(%q, %q) = %v, but with %q globMatch = %v", pattern, before+sym+after, got, value, concrete)
		}
	})
}

// FuzzSymbolSoundness extends FuzzUnknownSoundness to symbols: a request
// on a resource whose name is a symbol (and a context value holding it),
// judged against a fuzzed statement that may name the symbol too. A
// decision other than Unknown must be the decision for every value AWS
// could assign: the symbol replaced, everywhere at once, by a concrete
// name (one the statement does not write literally, since a symbol
// differs from every literal). Decision logic:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func FuzzSymbolSoundness(f *testing.F) {
	const sym = "<@f.yaml#LogBucket.Name>"
	f.Add(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::log*/*"}`, uint8(0))
	f.Add(`{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::1*"}`, uint8(1))
	f.Add(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::`+sym+`/*"}`, uint8(2))
	f.Add(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotLike":{"aws:SourceArn":"arn:aws:s3:::?*"}}}`, uint8(3))
	f.Add(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::x-*"}}}`, uint8(0))
	f.Add(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:SourceArn":["*b*","arn:aws:s3:::`+sym+`"]}}}`, uint8(1))
	values := []string{"logs-abc", "1a", "x-y", "b", "Zq9", "a.b-c_d"}
	f.Fuzz(func(t *testing.T, statement string, which uint8) {
		req := Request{Principal: roleA, Action: []string{"s3:GetObject", "s3:ListBucket", "s3:PutObject"}[int(which)%3],
			Resource: "arn:aws:s3:::" + sym + "/AWSLogs/x", ResourceAccount: acctA,
			Context: map[string][]string{"aws:SourceArn": {"arn:aws:s3:::" + sym}}}
		doc := stmts(allowS("s3:GetObject", "arn:aws:s3:::other/*"), statement)
		p, err := ParsePolicy([]byte(doc), KindIdentity)
		if err != nil {
			return
		}
		got := Evaluate(req, PolicySet{Identity: []*Policy{p}})
		if got.Decision == Unknown {
			return
		}
		for _, v := range values {
			if strings.Contains(statement, v) {
				continue
			}
			q, err := ParsePolicy([]byte(strings.ReplaceAll(doc, sym, v)), KindIdentity)
			if err != nil {
				continue
			}
			cr := req
			cr.Resource = strings.ReplaceAll(req.Resource, sym, v)
			cr.Context = map[string][]string{"aws:SourceArn": {"arn:aws:s3:::" + v}}
			concrete := Evaluate(cr, PolicySet{Identity: []*Policy{q}}).Decision
			// As for unresolved values (combine): ImplicitlyDenied claims a
			// denial, which some values may make explicit.
			if (got.Decision == Allowed) != (concrete == Allowed) || got.Decision == ExplicitlyDenied && concrete != ExplicitlyDenied {
				t.Fatalf("%s: %s with the symbol, %s with %q\nproof: %s", statement, got.Decision, concrete, v, got.Proof())
			}
		}
	})
}
