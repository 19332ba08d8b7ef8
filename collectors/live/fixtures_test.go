package live

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// TestRoundTripFixtures: for each fixture organization, collect against
// servers serving it gives back the same snapshot (see expected for what
// live AWS cannot report). The fixtures describe pipelines, not how the
// collector gets in, so the test adds what collect needs, to the world and
// thus to what it expects back:
//   - the member role, trusting the management account, in every account
//     that lacks it;
//   - an (empty) account for every active member the fixture lists without
//     resources.
//
// Accounts outside the organization's member list cannot be reached by
// walking the organization and are not expected back.
func TestRoundTripFixtures(t *testing.T) {
	paths, _ := filepath.Glob("../../fixtures/scenarios/*/snapshot.json")
	if len(paths) == 0 {
		t.Skip("no fixture scenarios yet")
	}
	for _, path := range paths {
		t.Run(filepath.Base(filepath.Dir(path)), func(t *testing.T) {
			s, err := snapshot.LoadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			caller, accounts := prepare(s)
			w := awstest.NewWorld(s)
			w.Identities.Add(adminKey, adminSecret, "", "arn:"+w.PartitionName()+":iam::"+caller+":user/auditor")
			opts := Options{}
			if s.Organization == nil {
				opts.Accounts = accounts
			}
			got, _ := collect(t, w, opts)
			want := expected(t, w, got, accounts...)
			if s.Organization == nil {
				for i := range want.Accounts {
					want.Accounts[i].Name = "" // an Organizations attribute
				}
			}
			if diff := cmp.Diff(want, canonical(t, got)); diff != "" {
				t.Errorf("collected snapshot differs (-served +collected):\n%s", diff)
				for _, e := range got.CollectionErrors {
					t.Logf("collection error: %+v", e)
				}
			}
			if testing.Verbose() {
				data, _ := snapshot.Marshal(got)
				_ = os.WriteFile(filepath.Join(t.TempDir(), "collected.json"), data, 0o644)
			}
		})
	}
}

// prepare adds the member role and the missing member accounts to s, and
// returns the account the collector runs in and the accounts it should
// collect.
func prepare(s *snapshot.Snapshot) (caller string, accounts []string) {
	if len(s.Accounts) > 0 {
		caller = s.Accounts[0].ID
	}
	present := map[string]bool{}
	for _, a := range s.Accounts {
		present[a.ID] = true
	}
	if o := s.Organization; o != nil {
		caller = o.ManagementAccountID
		for _, m := range o.Members {
			if m.Status != "" && m.Status != "ACTIVE" {
				continue
			}
			accounts = append(accounts, m.ID)
			if !present[m.ID] {
				s.Accounts = append(s.Accounts, snapshot.Account{ID: m.ID, Name: m.Name})
			}
		}
	} else {
		for _, a := range s.Accounts {
			accounts = append(accounts, a.ID)
		}
	}
	p := s.Partition
	if p == "" {
		p = "aws"
	}
	trust, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]string{"AWS": "arn:" + p + ":iam::" + caller + ":root"}, "Action": "sts:AssumeRole"}}})
	admin := "arn:" + p + ":iam::aws:policy/AdministratorAccess"
	for i := range s.Accounts {
		a := &s.Accounts[i]
		if a.ID == caller {
			continue
		}
		has := false
		for _, r := range a.Roles {
			has = has || r.Name == memberRole
		}
		if !has {
			a.Roles = append(a.Roles, snapshot.Role{Name: memberRole, ARN: "arn:" + p + ":iam::" + a.ID + ":role/" + memberRole,
				TrustPolicy: &snapshot.Policy{Document: trust}, AttachedPolicyARNs: []string{admin}})
		}
		hasAdmin := false
		for _, m := range a.ManagedPolicies {
			hasAdmin = hasAdmin || m.ARN == admin
		}
		if !hasAdmin {
			a.ManagedPolicies = append(a.ManagedPolicies, snapshot.ManagedPolicy{ARN: admin, Name: "AdministratorAccess", AWSManaged: true,
				Policy: snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}})
		}
	}
	return caller, accounts
}
