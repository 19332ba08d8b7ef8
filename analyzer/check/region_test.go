package check

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// withRegionSCP writes the working Control Tower scenario with the
// standard region-restriction SCP attached to the root
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region),
// allowing regions.
func withRegionSCP(t *testing.T, regions ...string) string {
	t.Helper()
	dir := "../../fixtures/scenarios/controltower-working"
	snap, err := snapshot.LoadFile(filepath.Join(dir, "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Sid": "DenyAllOutsideAllowedRegions", "Effect": "Deny",
		"NotAction": []string{"iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*"},
		"Resource":  "*",
		"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:RequestedRegion": regions}},
	}}})
	o := snap.Organization
	o.Policies = append(o.Policies, snapshot.OrgPolicy{ID: "p-regions", Type: snapshot.PolicyTypeSCP,
		Document: snapshot.Policy{Document: doc}, Targets: []string{o.RootID}})
	out := filepath.Join(t.TempDir(), "snapshot.json")
	data, err := snapshot.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func runWorking(t *testing.T, snap string) *Result {
	t.Helper()
	res, err := Run(context.Background(), Input{SnapshotFile: snap, ConnectorFile: "../../fixtures/scenarios/controltower-working/connector.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Every question carries the region of the resource it is about as
// aws:RequestedRegion, so a region-restriction SCP that allows the
// pipeline's region breaks no hop and reports nothing; one that leaves
// that region out breaks the reader and is reported.
func TestRegionRestrictionSCP(t *testing.T) {
	if _, err := os.Stat("../../fixtures/scenarios/controltower-working/snapshot.json"); err != nil {
		t.Fatal(err)
	}
	allowed := runWorking(t, withRegionSCP(t, "us-east-1", "eu-west-1"))
	if len(allowed.Findings) != 0 {
		t.Errorf("region SCP allowing us-east-1: %d findings, first %s %s", len(allowed.Findings), allowed.Findings[0].RuleID, allowed.Findings[0].Message)
	}
	for _, p := range allowed.Paths {
		if p.Status != datapath.StatusOK {
			t.Errorf("region SCP allowing us-east-1: path %s is %s", p.ID, p.Status)
		}
	}

	denied := runWorking(t, withRegionSCP(t, "eu-west-1"))
	broken := false
	for _, p := range denied.Paths {
		broken = broken || p.Status == datapath.StatusBroken
	}
	if !broken || len(denied.Findings) == 0 {
		t.Errorf("region SCP leaving out us-east-1: broken path %v, %d findings; want both", broken, len(denied.Findings))
	}
}
