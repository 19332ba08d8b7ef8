package authz

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/collectors/synth"
)

func candidatesSnapshot(queuePolicy string) *snapshot.Snapshot {
	role := func(acct, name string) snapshot.Role {
		return snapshot.Role{Name: name, ARN: "arn:aws:iam::" + acct + ":role/" + name,
			InlinePolicies: []snapshot.NamedPolicy{{Name: "p", Policy: snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`)}}}}
	}
	q := snapshot.Queue{Name: "q", ARN: "arn:aws:sqs:us-east-1:111111111111:q", Region: "us-east-1"}
	if queuePolicy != "" {
		q.Policy = &snapshot.Policy{Document: json.RawMessage(queuePolicy)}
	}
	return &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Accounts: []snapshot.Account{
		{ID: "111111111111", Roles: []snapshot.Role{role("111111111111", "a")}, Queues: []snapshot.Queue{q}},
		{ID: "222222222222", Roles: []snapshot.Role{role("222222222222", "b1"), role("222222222222", "b2")}},
		{ID: "333333333333", Roles: []snapshot.Role{role("333333333333", "c")}},
	}}
}

func TestCandidates(t *testing.T) {
	all := []string{"arn:aws:iam::111111111111:role/a", "arn:aws:iam::222222222222:role/b1", "arn:aws:iam::222222222222:role/b2", "arn:aws:iam::333333333333:role/c"}
	for _, c := range []struct {
		name, policy, resource string
		want                   []string
	}{
		{"no policy: the queue's account only", "", "arn:aws:sqs:us-east-1:111111111111:q", all[:1]},
		{"an account named", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sqs:*","Resource":"*"}]}`, "arn:aws:sqs:us-east-1:111111111111:q", all[:3]},
		{"a role named", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:role/c"},"Action":"sqs:*","Resource":"*"}]}`, "arn:aws:sqs:us-east-1:111111111111:q", []string{all[0], all[3]}},
		{"a Deny names nobody", `{"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sqs:*","Resource":"*"}]}`, "arn:aws:sqs:us-east-1:111111111111:q", all[:1]},
		{"a wildcard principal", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-x"}}}]}`, "arn:aws:sqs:us-east-1:111111111111:q", all},
		{"an account pattern", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:role/c"},"Action":"sqs:*","Resource":"*"}]}`, "arn:aws:sqs:us-east-1:111111111111:q", all},
		{"a resource the snapshot does not hold", "", "arn:aws:sqs:us-east-1:999999999999:elsewhere", all},
	} {
		ix, err := NewIndex(candidatesSnapshot(c.policy))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, ix.Candidates(c.resource)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

// Candidates prunes soundly: on every fixture and on a synthetic
// organization, every role it leaves out of
// a queue, topic, key or bucket is denied there for the actions the rules
// ask about, never Allowed nor Unknown.
func TestCandidatesLeaveOutOnlyDeniedRoles(t *testing.T) {
	files, err := filepath.Glob("../../fixtures/scenarios/*/snapshot.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	pruned := 0
	for _, f := range append(files, "synth") {
		var s *snapshot.Snapshot
		if f == "synth" {
			s = synth.Org(synth.Options{Accounts: 6, OUs: 2})
		} else if s, err = snapshot.LoadFile(f); err != nil {
			t.Fatal(err)
		}
		ix, err := NewIndex(s)
		if err != nil {
			t.Fatal(err)
		}
		var roles []string
		type res struct{ arn, action string }
		var resources []res
		for _, a := range s.Accounts {
			for _, r := range a.Roles {
				roles = append(roles, r.ARN)
			}
			for _, q := range a.Queues {
				resources = append(resources, res{q.ARN, "sqs:ReceiveMessage"})
			}
			for _, k := range a.Keys {
				resources = append(resources, res{k.ARN, "kms:Decrypt"})
			}
			for _, tp := range a.Topics {
				resources = append(resources, res{tp.ARN, "sns:Subscribe"})
			}
			for _, b := range a.Buckets {
				resources = append(resources, res{b.ARN + "/AWSLogs/x", "s3:GetObject"})
			}
		}
		for _, r := range resources {
			cands := ix.Candidates(r.arn)
			for _, role := range roles {
				if slices.Contains(cands, role) {
					continue
				}
				pruned++
				a := ix.Authorize(Request{Principal: role, Action: r.action, Resource: r.arn})
				if a.Decision != "ImplicitlyDenied" && a.Decision != "ExplicitlyDenied" {
					t.Errorf("%s: %s left out of the candidates for %s, but %s is %s", f, role, r.arn, r.action, a.Decision)
				}
			}
		}
	}
	if pruned == 0 {
		t.Fatal("Candidates left out no role on any fixture: the test tests nothing")
	}
	t.Logf("%d (role, resource) questions pruned", pruned)
}
