package iam

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var denyEverything = func() *Policy {
	p, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`), KindIdentity)
	if err != nil {
		panic(err)
	}
	return p
}()

var fuzzRequests = []Request{
	{Principal: sessB, Action: "s3:GetObject", Resource: object, ResourceAccount: acctA, Context: kv{"aws:PrincipalOrgID": {"o-abc123"}, "aws:TagKeys": {"a", "b"}}},
	{Principal: "cloudtrail.amazonaws.com", Action: "s3:PutObject", Resource: object, Context: kv{"aws:SourceArn": {trailA}}},
	{Principal: "*", Action: "sts:AssumeRole", Resource: roleTgt},
	{Principal: userA, Action: "kms:Decrypt", Resource: keyA, Context: kv{"aws:username": {"alice"}}},
}

// FuzzParsePolicy: no document makes the parser or the evaluator panic or
// hang; seeds are the 129 documents of the AWS grammar corpus.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Effect":"Allow"}]}`))
	for _, c := range loadGrammarCorpus(f) {
		f.Add(c.documentBytes())
	}
	f.Add([]byte(fullAccessRCP))
	f.Add([]byte(stmt(rs("T", "Allow", aws(rootB), "sts:AssumeRole", "", `{"StringEquals":{"sts:ExternalId":"x"}}`))))
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, kind := range []Kind{KindIdentity, KindResource, KindTrust, KindSCP, KindRCP} {
			p, err := ParsePolicy(doc, kind)
			if err != nil {
				if p != nil {
					t.Fatal("policy and error together")
				}
				if _, ok := err.(*PolicyError); !ok {
					t.Fatalf("error of type %T", err)
				}
				continue
			}
			for _, req := range fuzzRequests {
				set := PolicySet{Identity: []*Policy{p}}
				if kind != KindIdentity && kind != KindSCP {
					set = PolicySet{Resource: p}
				}
				if kind == KindSCP {
					set.SCPs = []Level{{Target: "r", Policies: []*Policy{p}}}
				}
				res := Evaluate(req, set)
				if res.Proof() == "" {
					t.Fatal("empty proof")
				}
				// Invariants of the decision logic: an explicit deny of
				// everything wins over whatever the document says, and
				// an allow never appears without the document.
				if c := parseCaller(req.Principal); kind == KindIdentity && c.identityBased() && c.kind != callerRoot {
					withDeny := set
					withDeny.Identity = append([]*Policy{p}, denyEverything)
					if d := Evaluate(req, withDeny).Decision; d != ExplicitlyDenied {
						t.Fatalf("deny-all identity policy gave %s", d)
					}
					if Evaluate(req, PolicySet{}).Decision == Allowed {
						t.Fatal("allowed with no policies")
					}
				}
			}
		}
	})
}

// FuzzCondition: any operator, key, policy value and context value
// evaluate without panic or hang.
func FuzzCondition(f *testing.F) {
	f.Add("StringLike", "s3:prefix", "home/*/x?", "home/a/xy")
	f.Add("ForAllValues:StringEquals", "aws:TagKeys", "env", "env")
	f.Add("DateGreaterThan", "aws:CurrentTime", "2016-12-13t2:00:00.593194+23", "1500000000")
	f.Add("IpAddress", "aws:SourceIp", "10.0.0.0/8", "::ffff:10.1.1.1")
	f.Add("ArnLike", "aws:SourceArn", "arn:aws:*:*:111111111111:*", "arn:aws:sns:us-east-1:111111111111:t")
	f.Add("NumericLessThanIfExists", "s3:max-keys", "1e3", "NaN")
	f.Add("Null", "k", "true", "")
	f.Add("StringEquals", "k", "${aws:username, 'x'}${*}${", "x*")
	f.Add("ForAnyValue:BinaryEqualsIfExists", "k", "AA==", "AA==")
	f.Fuzz(func(t *testing.T, op, key, policyValue, contextValue string) {
		cond, err := json.Marshal(map[string]map[string]string{op: {key: policyValue}})
		if err != nil {
			return
		}
		doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":` + string(cond) + `}}`
		p, err := ParsePolicy([]byte(doc), KindIdentity)
		if err != nil {
			return
		}
		req := Request{Principal: userA, Action: "s3:GetObject", Resource: object, Context: kv{key: {contextValue}, "aws:TagKeys": {contextValue, policyValue}}}
		_ = Evaluate(req, PolicySet{Identity: []*Policy{p}})
		req.Context = nil
		_ = Evaluate(req, PolicySet{Identity: []*Policy{p}})
	})
}

// FuzzGlob checks the matcher against a regular-expression oracle: same
// answer, for any pattern and subject.
func FuzzGlob(f *testing.F) {
	f.Add("a*b?c", "axxbyc", false)
	f.Add("*a*a*a*a*a*b", strings.Repeat("a", 64), true)
	f.Add(`\*x`, "*x", false)
	f.Fuzz(func(t *testing.T, p, s string, fold bool) {
		if len(p) > 64 || len(s) > 256 {
			return
		}
		var re strings.Builder
		re.WriteString(`(?s)^`)
		if fold {
			re.WriteString(`(?i)`)
		}
		for i := 0; i < len(p); i++ {
			switch c := p[i]; c {
			case '*':
				re.WriteString(`.*`)
			case '?':
				re.WriteString(`.`)
			case '\\':
				if i+1 < len(p) {
					i++
				}
				re.WriteString(regexp.QuoteMeta(string(p[i])))
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		re.WriteString(`$`)
		// The oracle works on bytes: only compare ASCII inputs, where a
		// byte is a character.
		for i := 0; i < len(p); i++ {
			if p[i] >= 0x80 {
				return
			}
		}
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return
			}
		}
		oracle := regexp.MustCompile(re.String()).MatchString(s)
		if got := globMatch(p, s, fold); got != oracle {
			t.Fatalf("globMatch(%q, %q, %v) = %v, oracle %v", p, s, fold, got, oracle)
		}
	})
}

// FuzzParseRequests: no `iam simulate` request file makes the parser or the
// evaluator panic or hang; what fails as a whole is a *SimError naming the
// file, a refused request carries a *SimError naming the file and the
// request, and every other request gets a decision. Seeds are the request
// files of testdata/simulate.
func FuzzParseRequests(f *testing.F) {
	seeds, err := filepath.Glob("testdata/simulate/*.json")
	if err != nil {
		f.Fatal(err)
	}
	n := 0
	for _, p := range seeds {
		if strings.Contains(filepath.Base(p), ".golden.") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		n++
	}
	if n == 0 {
		f.Fatal("no seed request files in testdata/simulate")
	}
	f.Add([]byte(`{"request":{"principal":"*","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"},"policies":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		reqs, err := ParseRequests("fuzz.json", data)
		if err != nil {
			if reqs != nil {
				t.Fatal("requests and error together")
			}
			var se *SimError
			if !errors.As(err, &se) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(reqs) == 0 {
			t.Fatal("no requests and no error")
		}
		answers := Simulate(reqs)
		if len(answers) != len(reqs) {
			t.Fatalf("%d answers for %d requests", len(answers), len(reqs))
		}
		for i, a := range answers {
			if a.Err != nil {
				if want := fmt.Sprintf("fuzz.json:%d: request %d", a.Err.Line, i); a.Err.Line < 1 || !strings.HasPrefix(a.Err.Error(), want) {
					t.Fatalf("request %d: refusal %q does not start with %q", i, a.Err, want)
				}
				if _, err := json.Marshal(a); err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				continue
			}
			r := a.Result
			switch r.Decision {
			case Allowed, ImplicitlyDenied, ExplicitlyDenied:
			default:
				t.Fatalf("request %d: decision %q", i, r.Decision)
			}
			if r.Proof() == "" {
				t.Fatalf("request %d: empty proof", i)
			}
		}
	})
}
