package iam

import (
	"math/rand"
	"strings"
	"testing"
)

const tokOrg = "<unknown:organization ID>"

// Request values holding unknown tokens (opaque.go): yes only when a '*'
// takes each token whole, no when no string the token could be (any, with
// '/' and ':') makes the pattern match. Wildcards:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
func TestUnknownGlob(t *testing.T) {
	const u, v = "<unknown:a>", "<unknown:b:c>"
	tests := []struct {
		pattern, subject string
		want             tri
	}{
		{"b/AWSLogs/*", "b/AWSLogs/" + u + "/111/x", triYes},
		{"b/AWSLogs/o-1/*", "b/AWSLogs/" + u + "/111/x", triMaybe},
		{"b/Other/*", "b/AWSLogs/" + u + "/111/x", triNo},
		{"b/AWSLogs/*/111/*", "b/AWSLogs/" + u + "/111/x", triYes},
		{"b/AWSLogs/*/222/*", "b/AWSLogs/" + u + "/111/x", triMaybe}, // the token may hold "/222/…/111"
		{"b/AWSLogs/*/111/y", "b/AWSLogs/" + u + "/111/x", triNo},
		// Unknown at the start and at the end.
		{"*/x", u + "/x", triYes},
		{"a*", u, triMaybe},
		{"*", u, triYes},
		{"x", u, triMaybe},
		{"x/*", "x/" + u, triYes},
		{"x/?*", "x/" + u, triMaybe}, // the token may be empty
		{"y/*", "x/" + u, triNo},
		// '?' against a token: its length is unknown.
		{"?", u, triMaybe},
		{"a?c", "a" + u + "c", triMaybe},
		{"a?d", "a" + u + "c", triNo},
		// Adjacent tokens, one star for both or one each.
		{"a*", "a" + u + v, triYes},
		{"a*-*", "a" + u + v, triMaybe},
		{"a*-*", "a" + u + "-" + v, triYes},
		{"a*b", "a" + u + v, triMaybe},
		{"a*b", "a" + u + v + "c", triNo},
		// A token never matches a literal whole, nor is it its own text.
		{"a" + u, "a" + u, triMaybe},
		// Escaped wildcards in the pattern are literal.
		{`a\*`, "a" + u, triMaybe},
		{`a\*b`, "a" + u + "c", triNo},
		// Symbols beside tokens are read as any string too.
		{"*/AWSLogs/*", "<@t#B.Name>/AWSLogs/" + u, triYes},
		{"x/AWSLogs/*", "<@t#B.Name>/AWSLogs/" + u, triMaybe},
	}
	for _, tc := range tests {
		if got := unknownGlob(tc.pattern, tc.subject); got != tc.want {
			t.Errorf("unknownGlob(%q, %q) = %v, want %v", tc.pattern, tc.subject, got, tc.want)
		}
	}
}

// ARN fields: a token's reason may hold colons (it is one element), a
// token in the resource field leaves the other fields known, and a token
// in an earlier field (which a resolution holding ':' could shift) is
// matched only as one string, never yes.
func TestUnknownARN(t *testing.T) {
	obj := "arn:aws:s3:::org-trail/AWSLogs/" + tokOrg + "/111122223333/CloudTrail/x"
	p, ok := opaqueARNParts(obj)
	if !ok || p[1] != "s3" || p[3] != "" || p[4] != "org-trail/AWSLogs/"+tokOrg+"/111122223333/CloudTrail/x" {
		t.Fatalf("opaqueARNParts(%q) = %q, %v", obj, p, ok)
	}
	if !UnknownOnlyInResourceID(obj) {
		t.Errorf("UnknownOnlyInResourceID(%q) = false", obj)
	}
	acct := "arn:aws:sqs:us-east-1:<unknown:Ref Account>:q"
	if UnknownOnlyInResourceID(acct) || UnknownOnlyInResourceID("arn:aws:s3:::b/k") || UnknownOnlyInResourceID("<unknown:x>") {
		t.Errorf("UnknownOnlyInResourceID: a token outside the resource field, or none, must be false")
	}
	tests := []struct {
		pattern, subject string
		want             tri
	}{
		{"arn:aws:s3:::org-trail/AWSLogs/*", obj, triYes},
		{"arn:aws:s3:::org-trail/*", obj, triYes},
		{"arn:aws:s3:::org-trail/AWSLogs/111122223333/*", obj, triMaybe},
		{"arn:aws:s3:::other/*", obj, triNo},
		{"arn:aws:s3:us-east-1::org-trail/*", obj, triNo}, // the region field is empty
		{"arn:aws:s3:::org-trail/AWSLogs/*/111122223333/CloudTrail/*", obj, triYes},
		{"arn:aws:sqs:us-east-1:*:q", acct, triMaybe}, // the account field: never yes
		{"arn:aws:sqs:us-east-1:111122223333:q", acct, triMaybe},
		{"arn:aws:sqs:us-east-1:111122223333:other", acct, triNo},
		{"arn:aws:sns:*:*:q", acct, triNo},
		// Known text with too few colons: a resolution may still be an ARN.
		{"arn:aws:s3:::b/*", "arn:aws:<unknown:rest>", triMaybe},
		{"arn:aws:s3:::b/*", "arn:aws:sqs:<unknown:rest>", triNo},
	}
	for _, tc := range tests {
		pat := splitEscapedARN(tc.pattern)
		var got tri
		if v, ok := opaqueARNParts(tc.subject); ok {
			got = arnPartsTri(&pat, &v)
		} else {
			got = unknownNotARNTri(&pat, tc.subject)
		}
		if got != tc.want {
			t.Errorf("match(%q, %q) = %v, want %v", tc.pattern, tc.subject, got, tc.want)
		}
	}
}

// TestUnknownGlobBruteForce: over a small alphabet, yes means every
// resolution of every token matches and no that none does (each token
// independently resolved to every string of up to three characters, ':' and
// '/' among them). Random patterns and subjects, a fixed seed.
func TestUnknownGlobBruteForce(t *testing.T) {
	alpha := []string{"a", "b", ":", "/"}
	var words []string
	var gen func(string, int)
	gen = func(w string, n int) {
		words = append(words, w)
		if n == 0 {
			return
		}
		for _, c := range alpha {
			gen(w+c, n-1)
		}
	}
	gen("", 3)
	rng := rand.New(rand.NewSource(1))
	pick := func(set []string, n int) string {
		var b strings.Builder
		for i := rng.Intn(n + 1); i > 0; i-- {
			b.WriteString(set[rng.Intn(len(set))])
		}
		return b.String()
	}
	patAlpha := []string{"a", "b", ":", "/", "*", "?"}
	subAlpha := []string{"a", "b", ":", "/", "<unknown:U>"}
	seen := map[tri]int{}
	for n := 0; n < 3000; n++ {
		p, s := pick(patAlpha, 6), pick(subAlpha, 5)
		// At most two tokens (adjacent ones among them): 85² resolutions.
		if c := strings.Count(s, "<unknown:"); c == 0 || c > 2 {
			continue
		}
		got := unknownGlob(p, s)
		seen[got]++
		parts := strings.Split(s, "<unknown:U>")
		// Every resolution: one word per token.
		idx := make([]int, len(parts)-1)
		for {
			var b strings.Builder
			for i, part := range parts {
				b.WriteString(part)
				if i < len(idx) {
					b.WriteString(words[idx[i]])
				}
			}
			m := globMatch(p, b.String(), false)
			if got == triYes && !m || got == triNo && m {
				t.Fatalf("unknownGlob(%q, %q) = %v, but resolution %q: globMatch = %v", p, s, got, b.String(), m)
			}
			k := 0
			for k < len(idx) && idx[k] == len(words)-1 {
				idx[k] = 0
				k++
			}
			if k == len(idx) {
				break
			}
			idx[k]++
		}
	}
	if seen[triYes] == 0 || seen[triNo] == 0 || seen[triMaybe] == 0 {
		t.Fatalf("the random cases do not reach every answer: %v", seen)
	}
}

// FuzzUnknownGlobSound: for a concrete value in the token's place, yes
// means the value matches and no that it does not.
func FuzzUnknownGlobSound(f *testing.F) {
	f.Add("b/AWSLogs/*", "b/AWSLogs/", "/x", "o-1")
	f.Add("a?c", "a", "c", "")
	f.Add("*:*", "", "", "x:y")
	f.Fuzz(func(t *testing.T, pattern, before, after, value string) {
		if strings.Contains(before+after+value, "<") {
			return
		}
		got := unknownGlob(pattern, before+tokOrg+after)
		concrete := globMatch(pattern, before+value+after, false)
		if got == triYes && !concrete || got == triNo && concrete {
			t.Fatalf("unknownGlob(%q, %q) = %v, but with %q globMatch = %v", pattern, before+tokOrg+after, got, value, concrete)
		}
	})
}

// An organization trail writes under AWSLogs/<organization ID>/…, an ID
// AWS assigned and the IaC input does not hold. The decision is exact
// where every pattern decides the same for every ID, Unknown where one
// does not. Bucket policy for organization trails:
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html#org-trail-bucket-policy;
// evaluation: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestEvaluateUnknownRequestValues(t *testing.T) {
	const b = "arn:aws:s3:::org-trail"
	objKey := b + "/AWSLogs/" + tokOrg + "/111111111111/CloudTrail/x.json.gz"
	trailARN := "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
	put := func(ctx map[string][]string) Request {
		return Request{Principal: "cloudtrail.amazonaws.com", Action: "s3:PutObject", Resource: objKey, ResourceAccount: acctA, Context: ctx}
	}
	allowCT := func(resource, cond string) string {
		return rs("CT", "Allow", svc("cloudtrail.amazonaws.com"), "s3:PutObject", resource, cond)
	}
	src := map[string][]string{"aws:SourceArn": {trailARN}}
	srcOrg := map[string][]string{"aws:SourceArn": {trailARN}, "aws:SourceOrgID": {"<unknown:organization ID>"}}
	cases := []bucketPolicyCase{
		{"the AWSLogs prefix matches every ID", stmts(allowCT(b+"/AWSLogs/*", "")), put(src), Allowed},
		{"the account under every ID", stmts(allowCT(b+"/AWSLogs/*/111111111111/*", "")), put(src), Allowed},
		{"a literal organization ID may or may not be it", stmts(allowCT(b+"/AWSLogs/o-abc/*", "")), put(src), Unknown},
		{"another prefix never matches", stmts(allowCT(b+"/Other/*", "")), put(src), ImplicitlyDenied},
		{"an explicit deny of every ID", stmts(allowCT(b+"/*", ""), rs("D", "Deny", `"*"`, "s3:*", b+"/AWSLogs/*", "")), put(src), ExplicitlyDenied},
		{"a deny that may name the ID", stmts(allowCT(b+"/*", ""), rs("D", "Deny", `"*"`, "s3:*", b+"/AWSLogs/o-abc/*", "")), put(src), Unknown},
		{"a deny that names another prefix", stmts(allowCT(b+"/*", ""), rs("D", "Deny", `"*"`, "s3:*", b+"/Other/*", "")), put(src), Allowed},
		{"a deny of every ID but with no allow: denied whatever the deny says", stmts(rs("D", "Deny", `"*"`, "s3:*", b+"/AWSLogs/o-abc/*", "")), put(src), ImplicitlyDenied},
		{"NotResource excluding every ID", stmts(allowCT(b+"/*", ""), `{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"`+b+`/AWSLogs/*"}`), put(src), Allowed},
		{"NotResource that may exclude the ID", stmts(allowCT(b+"/*", ""), `{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"`+b+`/AWSLogs/o-abc/*"}`), put(src), Unknown},
		{"StringLike on a context value holding the ID", stmts(allowCT(b+"/*", `{"StringLike":{"aws:SourceOrgID":"o-*"}}`)), put(srcOrg), Unknown},
		{"StringLike * on it", stmts(allowCT(b+"/*", `{"StringLike":{"aws:SourceOrgID":"*"}}`)), put(srcOrg), Allowed},
		{"StringEquals on it", stmts(allowCT(b+"/*", `{"StringEquals":{"aws:SourceOrgID":"o-abc"}}`)), put(srcOrg), Unknown},
		{"StringNotEquals on it, in a deny", stmts(allowCT(b+"/*", ""), rs("D", "Deny", `"*"`, "s3:*", "*", `{"StringNotEquals":{"aws:SourceOrgID":"o-abc"}}`)), put(srcOrg), Unknown},
		{"NumericEquals on it: a resolution is parsed", stmts(allowCT(b+"/*", `{"NumericEquals":{"aws:SourceOrgID":"1"}}`)), put(srcOrg), Unknown},
		{"ArnLike on a resource ARN holding the ID", stmts(allowCT(b+"/*", `{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::org-trail/AWSLogs/*"}}`)),
			put(map[string][]string{"aws:SourceArn": {objKey}}), Allowed},
		{"ArnNotLike it, in a deny", stmts(allowCT(b+"/*", ""), rs("D", "Deny", `"*"`, "s3:*", "*", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::org-trail/AWSLogs/*"}}`)),
			put(map[string][]string{"aws:SourceArn": {objKey}}), Allowed},
		{"ArnLike it with another account", stmts(allowCT(b+"/*", `{"ArnLike":{"aws:SourceArn":"arn:aws:s3:us-east-1:*:*"}}`)),
			put(map[string][]string{"aws:SourceArn": {objKey}}), ImplicitlyDenied},
	}
	checkBucketPolicyCases(t, cases)
}

// FuzzUnknownRequestSoundness: a request whose resource and context
// values (among them values of policy variables) hold the token, judged
// against a fuzzed statement. A decision
// other than Unknown must be the decision for every concrete value put in
// the token's place (as in FuzzSymbolSoundness, with values that may hold
// '/' and ':' and may be empty or equal a literal of the statement).
func FuzzUnknownRequestSoundness(f *testing.F) {
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/AWSLogs/*"}`, uint8(0))
	f.Add(`{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::b/AWSLogs/o-1*"}`, uint8(1))
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/AWSLogs/?/*"}`, uint8(2))
	f.Add(`{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotLike":{"aws:SourceOrgID":"o-*"}}}`, uint8(0))
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b/*/x"}}}`, uint8(0))
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceOrgID":"o-1"}}}`, uint8(1))
	f.Add(`{"Effect":"Deny","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/AWSLogs/*:*"}`, uint8(2))
	// Policy variables whose values hold the token (aws:PrincipalOrgID,
	// aws:PrincipalTag/org) or do not (aws:SourceAccount).
	f.Add(`{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceOrgID":"${aws:PrincipalOrgID}"}}}`, uint8(0))
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/AWSLogs/${aws:PrincipalOrgID}/*"}`, uint8(1))
	f.Add(`{"Effect":"Deny","Principal":"*","Action":"*","NotResource":"arn:aws:s3:::b/AWSLogs/${aws:PrincipalTag/org}"}`, uint8(2))
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:SourceOrgID":"o-${aws:PrincipalTag/org}*"}}}`, uint8(0))
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b/${aws:PrincipalOrgID}/*"}}}`, uint8(1))
	f.Add(`{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Null":{"aws:SourceOrgID":"${aws:PrincipalOrgID}"}}}`, uint8(2))
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceOrgID":["${aws:SourceAccount}","${aws:PrincipalTag/org}x"]}}}`, uint8(0))
	values := []string{"", "o-1", "o-1/x", "a:b", "AWSLogs", "*", "o-abc/111111111111", "true", "x/x"}
	f.Fuzz(func(t *testing.T, statement string, which uint8) {
		req := Request{Principal: []string{"cloudtrail.amazonaws.com", roleA, roleB}[int(which)%3], Action: "s3:PutObject",
			Resource: "arn:aws:s3:::b/AWSLogs/" + tokOrg + "/x", ResourceAccount: acctA,
			Context: map[string][]string{"aws:SourceOrgID": {tokOrg}, "aws:SourceArn": {"arn:aws:s3:::b/" + tokOrg + "/x"},
				"aws:PrincipalOrgID": {tokOrg}, "aws:PrincipalTag/org": {"1" + tokOrg + "/x"}, "aws:SourceAccount": {acctA}}}
		doc := stmts(rs("K", "Allow", aws(rootB), "s3:GetObject", "*", ""), statement)
		p, err := ParsePolicy([]byte(doc), KindResource)
		if err != nil || strings.Contains(statement, "<") {
			return
		}
		set := PolicySet{Identity: []*Policy{mustParse(t, allowAll, KindIdentity)}, Resource: p}
		got := Evaluate(req, set)
		if got.Decision == Unknown {
			return
		}
		for _, v := range values {
			cr := req
			cr.Resource = strings.ReplaceAll(req.Resource, tokOrg, v)
			cr.Context = map[string][]string{}
			for k, vs := range req.Context {
				cr.Context[k] = []string{strings.ReplaceAll(vs[0], tokOrg, v)}
			}
			concrete := Evaluate(cr, set).Decision
			if (got.Decision == Allowed) != (concrete == Allowed) || got.Decision == ExplicitlyDenied && concrete != ExplicitlyDenied {
				t.Fatalf("%s: %s with the token, %s with %q\nproof: %s", statement, got.Decision, concrete, v, got.Proof())
			}
		}
	})
}

// A policy variable whose request value holds an unknown token
// (opaque.go): the substituted token is a span that may be any string, so
// the pattern decides no only when it fails with that span widened to '*',
// else maybe; never a literal match of the token's text. Variables:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestEvaluateUnknownPolicyVariables(t *testing.T) {
	const tokAcct = "<unknown:account ID>"
	const b = "arn:aws:s3:::b"
	put := func(resource string, ctx map[string][]string) Request {
		return Request{Principal: roleA, Action: "s3:PutObject", Resource: resource, ResourceAccount: acctA, Context: ctx}
	}
	acct := map[string][]string{"aws:PrincipalAccount": {tokAcct}}
	org := func(source, principal string) map[string][]string {
		return map[string][]string{"aws:SourceOrgID": {source}, "aws:PrincipalOrgID": {principal}}
	}
	allow := func(resource, cond string) string { return rs("A", "Allow", `"*"`, "s3:PutObject", resource, cond) }
	deny := func(resource, cond string) string { return rs("D", "Deny", `"*"`, "s3:*", resource, cond) }
	notRes := func(resource string) string {
		return `{"Sid":"N","Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"` + resource + `"}`
	}
	eq := `{"StringEquals":{"aws:SourceOrgID":"${aws:PrincipalOrgID}"}}`
	cases := []bucketPolicyCase{
		{"Resource with the unknown account: may be it", stmts(allow(b+"/${aws:PrincipalAccount}/*", "")), put(b+"/111111111111/x", acct), Unknown},
		{"Resource with the unknown account, another bucket", stmts(allow(b+"/${aws:PrincipalAccount}/*", "")), put("arn:aws:s3:::c/111111111111/x", acct), ImplicitlyDenied},
		{"Resource with the unknown account and a literal tail that fails", stmts(allow(b+"/${aws:PrincipalAccount}/y", "")), put(b+"/111111111111/x", acct), ImplicitlyDenied},
		{"NotResource with the unknown account: no proven deny", stmts(allow(b+"/*", ""), notRes(b+"/${aws:PrincipalAccount}/*")), put(b+"/111111111111/x", acct), Unknown},
		{"NotResource with the unknown account, another prefix: denied", stmts(allow(b+"/*", ""), notRes(b+"/AWSLogs/${aws:PrincipalAccount}/*")), put(b+"/Other/x", acct), ExplicitlyDenied},
		{"Resource with a known account still decides", stmts(allow(b+"/${aws:PrincipalAccount}/*", "")), put(b+"/111111111111/x", nil), Allowed},
		{"StringEquals, the variable's value unknown", stmts(allow(b+"/*", eq)), put(b+"/x", org("o-abc", tokOrg)), Unknown},
		{"StringEquals, the key's value unknown", stmts(allow(b+"/*", eq)), put(b+"/x", org(tokOrg, "o-abc")), Unknown},
		{"StringEquals, both unknown", stmts(allow(b+"/*", eq)), put(b+"/x", org(tokOrg, tokOrg)), Unknown},
		{"StringEquals, both known", stmts(allow(b+"/*", eq)), put(b+"/x", org("o-abc", "o-abc")), Allowed},
		{"StringNotEquals in a deny, the variable's value unknown: no proven deny", stmts(allow(b+"/*", ""),
			deny("*", `{"StringNotEquals":{"aws:SourceOrgID":"${aws:PrincipalOrgID}"}}`)), put(b+"/x", org("o-abc", tokOrg)), Unknown},
		{"StringEquals with a literal prefix the value lacks", stmts(allow(b+"/*", `{"StringEquals":{"aws:SourceOrgID":"x-${aws:PrincipalOrgID}"}}`)),
			put(b+"/x", org("o-abc", tokOrg)), ImplicitlyDenied},
		{"StringEquals, a policy '*' is literal", stmts(allow(b+"/*", `{"StringEquals":{"aws:SourceOrgID":"*${aws:PrincipalOrgID}"}}`)),
			put(b+"/x", org("o-abc", tokOrg)), ImplicitlyDenied},
		{"StringLike with a wildcard and the unknown value", stmts(allow(b+"/*", `{"StringLike":{"aws:SourceOrgID":"*${aws:PrincipalOrgID}"}}`)),
			put(b+"/x", org("o-abc", tokOrg)), Unknown},
		{"StringEqualsIgnoreCase: maybe", stmts(allow(b+"/*", `{"StringEqualsIgnoreCase":{"aws:SourceOrgID":"x-${aws:PrincipalOrgID}"}}`)),
			put(b+"/x", org("o-abc", tokOrg)), Unknown},
		{"ArnLike with the unknown account", stmts(allow(b+"/*", `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:${aws:PrincipalAccount}:trail/*"}}`)),
			put(b+"/x", map[string][]string{"aws:PrincipalAccount": {tokAcct}, "aws:SourceArn": {trailA}}), Unknown},
		{"ArnLike with the unknown account, another service", stmts(allow(b+"/*", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:${aws:PrincipalAccount}:*"}}`)),
			put(b+"/x", map[string][]string{"aws:PrincipalAccount": {tokAcct}, "aws:SourceArn": {trailA}}), ImplicitlyDenied},
		{"a second, known value still decides yes", stmts(allow(b+"/*", `{"StringEquals":{"aws:SourceOrgID":["${aws:PrincipalOrgID}","o-abc"]}}`)),
			put(b+"/x", org("o-abc", tokOrg)), Allowed},
		{"Null with the unknown value", stmts(allow(b+"/*", `{"Null":{"aws:SourceOrgID":"${aws:PrincipalOrgID}"}}`)),
			put(b+"/x", org("o-abc", tokOrg)), Unknown},
	}
	checkBucketPolicyCases(t, cases)
}

// bucketPolicyCase is a same-account request judged by a bucket policy
// alone (the policy allows without an identity policy).
type bucketPolicyCase struct {
	name   string
	policy string
	req    Request
	want   Decision
}

func checkBucketPolicyCases(t *testing.T, cases []bucketPolicyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set := PolicySet{Resource: mustParse(t, tc.policy, KindResource)}
			got := Evaluate(tc.req, set)
			if got.Decision != tc.want {
				t.Fatalf("got %s, want %s\nproof: %s", got.Decision, tc.want, got.Proof())
			}
		})
	}
}
