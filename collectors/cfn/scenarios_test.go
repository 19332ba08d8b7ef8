package cfn

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// assignedByAWS are snapshot fields that only exist once AWS has created
// the resource (IDs it assigns) or that CloudFormation cannot set; a
// template cannot say them, so the equivalence below ignores them.
var assignedByAWS = map[string]bool{
	"location":            true, // IaC only
	"statement_locations": true, // IaC only
	"role_id":             true, // AROA… assigned by IAM
	"request_payer":       true, // AWS::S3::Bucket has no RequestPayment property
}

// TestScenarioTemplates: each fixtures/scenarios/*/template*.yaml must
// describe the accounts it declares exactly as the scenario's
// snapshot.json does, so that the same rules fire on both.
func TestScenarioTemplates(t *testing.T) {
	files, _ := filepath.Glob("../../fixtures/scenarios/*/template*.yaml")
	if len(files) == 0 {
		t.Skip("no scenario templates yet")
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(f, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			want, err := snapshot.LoadFile(filepath.Join(filepath.Dir(f), "snapshot.json"))
			if err != nil {
				t.Fatal(err)
			}
			wantAccts := map[string]snapshot.Account{}
			for _, a := range want.Accounts {
				wantAccts[a.ID] = a
			}
			for _, a := range got.Accounts {
				w, ok := wantAccts[a.ID]
				if !ok {
					t.Errorf("template declares account %s, which the scenario does not have", a.ID)
					continue
				}
				if len(a.Keys) == 0 {
					// The template uses keys made outside it, by ARN
					// (a parameter): the scenario holds them.
					w.Keys = nil
				}
				if diff := cmp.Diff(comparable(t, w), comparable(t, a)); diff != "" {
					t.Errorf("account %s differs from snapshot.json (-snapshot +template):\n%s", a.ID, diff)
				}
			}
		})
	}
}

// comparable renders an account as generic JSON without what a template
// cannot say.
func comparable(t *testing.T, a snapshot.Account) any {
	a.Name = ""
	for i := range a.Topics {
		for j := range a.Topics[i].Subscriptions {
			a.Topics[i].Subscriptions[j].ARN = "" // assigned by SNS
		}
	}
	for i := range a.Buckets {
		if n := a.Buckets[i].Notification; n != nil {
			for _, l := range [][]snapshot.NotificationTarget{n.TopicConfigurations, n.QueueConfigurations, n.LambdaConfigurations} {
				for j := range l {
					l[j].ID = "" // AWS::S3::Bucket notifications take no Id
				}
			}
		}
	}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return strip(v)
}

func strip(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if assignedByAWS[k] {
				continue
			}
			if l, ok := e.([]any); ok && len(l) == 0 {
				continue
			}
			if s, ok := e.(string); ok && s == "" {
				continue
			}
			out[k] = strip(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = strip(e)
		}
		return out
	}
	return v
}
