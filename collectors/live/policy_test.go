package live

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// TestLeastPrivilege records every operation a full collection calls and
// fails if the shipped policy, evaluated by trailgate's own IAM evaluator,
// does not allow it; and fails if the policy grants anything the collector
// does not call or anything but reads.
func TestLeastPrivilege(t *testing.T) {
	doc, err := Policy("", "")
	if err != nil {
		t.Fatal(err)
	}
	pol, err := iam.ParsePolicy(doc, iam.KindIdentity)
	if err != nil {
		t.Fatalf("policy.json: %v", err)
	}
	w := world(t, orgFile, "111111111111")
	w.PageSize = 1 // every paginated path too
	_, st := collect(t, w, Options{})
	if len(st.Operations) < 40 {
		t.Fatalf("only %d operations recorded: %v", len(st.Operations), st.Operations)
	}
	principal := "arn:aws:sts::222222222222:assumed-role/" + memberRole + "/trailgate-collect"
	for op := range st.Operations {
		action, ok := IAMAction(op)
		if !ok {
			t.Errorf("%s is called but has no IAM action in the table", op)
			continue
		}
		if action == "" {
			continue
		}
		req := iam.Request{Principal: principal, Action: action, Resource: "*"}
		if action == "sts:AssumeRole" {
			req.Resource = "arn:aws:iam::222222222222:role/" + memberRole
		}
		// The question is the identity side only: ask it same-account with
		// generic semantics, since the member role's trust policy (the
		// other side of AssumeRole) is the member account's business.
		res := iam.Evaluate(req, iam.PolicySet{Identity: []*iam.Policy{pol}, ResourceType: iam.ResourceGeneric})
		if res.Decision != iam.Allowed {
			t.Errorf("%s (%s): policy says %s", op, action, res.Decision)
		}
	}
	// The server side saw the same operations the client counted.
	for _, c := range w.Calls.All() {
		found := false
		for op := range st.Operations {
			svc, name, _ := strings.Cut(op, ":")
			found = found || strings.EqualFold(signingName(svc)+":"+name, c.Service+":"+c.Operation)
		}
		if !found {
			t.Errorf("server answered %s:%s, which the collector did not count", c.Service, c.Operation)
		}
	}
	// A write is refused: the evaluation above is not vacuous.
	for _, a := range []string{"s3:PutBucketPolicy", "kms:PutKeyPolicy", "iam:PassRole", "sqs:DeleteMessage"} {
		if d := iam.Evaluate(iam.Request{Principal: principal, Action: a, Resource: "*"}, iam.PolicySet{Identity: []*iam.Policy{pol}}).Decision; d == iam.Allowed {
			t.Errorf("policy allows %s", a)
		}
	}
}

// TestPolicyShape: the policy holds exactly the actions of the table, all
// of them reads (Get, List, Describe) but sts:AssumeRole.
func TestPolicyShape(t *testing.T) {
	var doc struct {
		Statement []struct {
			Action   any
			Resource string
		}
	}
	if err := json.Unmarshal(policyJSON, &doc); err != nil {
		t.Fatal(err)
	}
	inPolicy := map[string]bool{}
	for _, s := range doc.Statement {
		switch a := s.Action.(type) {
		case string:
			inPolicy[a] = true
		case []any:
			for _, x := range a {
				inPolicy[x.(string)] = true
			}
		}
	}
	inTable := map[string]bool{}
	for _, a := range iamActions {
		if a != "" {
			inTable[a] = true
		}
	}
	read := regexp.MustCompile(`^[a-z0-9]+:(Get|List|Describe)[A-Za-z]+$`)
	for a := range inPolicy {
		if !inTable[a] {
			t.Errorf("policy grants %s, which the collector never calls", a)
		}
		if !read.MatchString(a) && a != "sts:AssumeRole" {
			t.Errorf("policy grants %s, which is not a read", a)
		}
	}
	for a := range inTable {
		if !inPolicy[a] {
			t.Errorf("collector calls %s, which the policy lacks", a)
		}
	}
	custom, err := Policy("TrailgateCollector", "aws-us-gov")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(custom), `"arn:aws-us-gov:iam::*:role/TrailgateCollector"`) {
		t.Errorf("member role not substituted:\n%s", custom)
	}
	if _, err := Policy(`x"*`, ""); err == nil {
		t.Error("a role name with quotes was accepted")
	}
}

// signingName is the name a service's calls and collection errors go by
// (its SigV4 signing name) for an SDK service ID: mostly the ID in lower
// case.
func signingName(serviceID string) string {
	switch serviceID {
	case "CloudWatch Logs":
		return "logs"
	case "EventBridge":
		return "events"
	}
	return strings.ToLower(serviceID)
}

// TestEveryReadIsListed: every read the collector makes is one a snapshot
// records by name (snapshot.Reads), which the rules declare they depend on
// (analyzer/engine TestEveryReadHasRules), so that no failed read passes
// silently.
func TestEveryReadIsListed(t *testing.T) {
	var ops []string
	for op := range iamActions {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		if op == "STS:GetCallerIdentity" {
			continue // its failure ends the run
		}
		svc, name, _ := strings.Cut(op, ":")
		if read := signingName(svc) + ":" + name; !slices.Contains(snapshot.Reads, read) && !slices.Contains(snapshot.ReadsNotJudged, read) {
			t.Errorf("%s: the collector calls it, but neither snapshot.Reads nor snapshot.ReadsNotJudged lists %s", op, read)
		}
	}
}
