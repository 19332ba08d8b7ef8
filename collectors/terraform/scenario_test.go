package terraform

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

var updateScenarios = flag.Bool("update-scenarios", false, "rewrite fixtures/scenarios/*/plan.json from snapshot.json")

// TestScenarioPlans checks that each fixture scenario's plan.json describes
// the same organization as its snapshot.json, field for field, except what
// a Terraform plan cannot state (see normalize).
//
// With -update-scenarios it (re)writes every scenario's plan.json from its
// snapshot.json (see planFromSnapshot).
func TestScenarioPlans(t *testing.T) {
	snaps, _ := filepath.Glob("../../fixtures/scenarios/*/snapshot.json")
	if len(snaps) == 0 {
		t.Skip("no scenarios")
	}
	for _, snap := range snaps {
		dir := filepath.Dir(snap)
		plan := filepath.Join(dir, "plan.json")
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want, err := snapshot.LoadFile(snap)
			if err != nil {
				t.Fatal(err)
			}
			if *updateScenarios {
				data, err := planFromSnapshot(want)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(plan, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			data, err := os.ReadFile(plan)
			if os.IsNotExist(err) {
				t.Fatalf("%s has no plan.json: run go test ./collectors/terraform -run TestScenarioPlans -update-scenarios", dir)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(plan, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			w, g := normalize(t, want, true), normalize(t, got, false)
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("plan.json and snapshot.json differ (-snapshot +plan):\n%s", diff)
			}
		})
	}
}

// normalize drops what only one side can carry: locations, unknowns and
// the source (IaC only); and, from the live side, runtime state no plan
// states (delivery errors, export status, grants, probed keys, members of
// a GuardDuty administrator, collection errors, account names, the regions
// a collector visited, accounts it found empty) and AWS managed keys and policies, which are not
// Terraform resources. A bucket without ownership controls cannot be
// written in Terraform; the plan leaves the setting unknown.
func normalize(t *testing.T, s *snapshot.Snapshot, live bool) any {
	t.Helper()
	c := snapshot.Merge(s)
	c.Source, c.Partition, c.Unknowns, c.CollectionErrors = "", "", nil, nil
	for i := range c.Accounts {
		a := &c.Accounts[i]
		a.Name, a.Regions = "", nil
		keys := a.Keys[:0]
		for _, k := range a.Keys {
			if live && k.KeyManager == "AWS" {
				continue
			}
			k.Grants = nil
			keys = append(keys, k)
		}
		a.Keys = keys
		pols := a.ManagedPolicies[:0]
		for _, p := range a.ManagedPolicies {
			if !p.AWSManaged {
				pols = append(pols, p)
			}
		}
		a.ManagedPolicies = pols
		for j := range a.Buckets {
			b := &a.Buckets[j]
			b.ProbedKeys = nil
			if live && b.ObjectOwnership == "" || !live && strings.HasPrefix(b.ObjectOwnership, "<unknown:not in plan: object ownership") {
				b.ObjectOwnership = ""
			}
		}
		for j := range a.Trails {
			if st := a.Trails[j].Status; st != nil {
				a.Trails[j].Status = &snapshot.TrailStatus{IsLogging: st.IsLogging}
			}
		}
		for j := range a.Detectors {
			d := &a.Detectors[j]
			d.Members, d.AdministratorAccountID, d.SuppressionRules = nil, "", nil
			for k := range d.PublishingDestinations {
				d.PublishingDestinations[k].Status, d.PublishingDestinations[k].PublishingFailureStartTimestamp = "", 0
				d.PublishingDestinations[k].ID = ""
			}
		}
	}
	// An account a collector visited and found empty has nothing to
	// declare in Terraform.
	accounts := c.Accounts[:0]
	for _, a := range c.Accounts {
		if len(a.Roles)+len(a.ManagedPolicies)+len(a.Buckets)+len(a.Trails)+len(a.Keys)+len(a.Topics)+len(a.Queues)+len(a.Detectors) > 0 {
			accounts = append(accounts, a)
		}
	}
	c.Accounts = accounts
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	return dropKeys(tree, "location", "statement_locations")
}

func dropKeys(v any, keys ...string) any {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range keys {
			delete(x, k)
		}
		for k, e := range x {
			x[k] = dropKeys(e, keys...)
		}
	case []any:
		for i, e := range x {
			x[i] = dropKeys(e, keys...)
		}
	}
	return v
}
