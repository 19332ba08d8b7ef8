package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/collectors/synth"
)

// collectTo runs `trailgate collect` with args into dir/name and returns
// the path.
func collectTo(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	var stdout, stderr bytes.Buffer
	args = append([]string{"collect", "--member-role", "OrganizationAccountAccessRole", "--output", out}, args...)
	if code := run(context.Background(), args, &stdout, &stderr); code != exitOK {
		data, _ := os.ReadFile(out)
		t.Fatalf("%v: exit %d, stderr:\n%s\n%s", args, code, stderr.String(), data[len(data)-min(len(data), 1500):])
	}
	return out
}

func checkJSON(t *testing.T, snap string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"check", "--snapshot", snap, "--format", "json", "--fail-on", "none"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("check %s: exit %d, stderr:\n%s", snap, code, stderr.String())
	}
	return stdout.String()
}

// Three shards (the management account by --accounts @file with the
// first OU, the two other OUs by --ou) merged give the snapshot, and so
// the findings, of one collection of the whole organization.
func TestMergeThreeShardsEqualsOneCollection(t *testing.T) {
	serveWorld(t, synth.Org(synth.Options{Accounts: 7, OUs: 3}), synth.ManagementAccount)
	dir := t.TempDir()
	whole := collectTo(t, dir, "whole.json")
	ids := filepath.Join(dir, "mgmt.txt")
	if err := os.WriteFile(ids, []byte("# the management account\n"+synth.ManagementAccount+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	shards := []string{
		collectTo(t, dir, "ou0.json", "--accounts", "@"+ids, "--ou", "ou-syn1-00000000"),
		collectTo(t, dir, "ou1.json", "--ou", "ou-syn1-00000001"),
		collectTo(t, dir, "ou2.json", "--ou", "ou-syn1-00000002"),
	}
	for _, s := range shards {
		snap, err := snapshot.LoadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.Accounts) < 2 || len(snap.Accounts) > 3 {
			t.Fatalf("%s: %d accounts: not one of three shards", s, len(snap.Accounts))
		}
	}
	merged := filepath.Join(dir, "org.json")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"merge", "-o", merged}, shards...), &stdout, &stderr); code != exitOK {
		t.Fatalf("merge: exit %d, stderr:\n%s", code, stderr.String())
	}
	want, _ := os.ReadFile(whole)
	got, _ := os.ReadFile(merged)
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("merged snapshot differs from one collection (-whole +merged):\n%s", diff)
	}
	if diff := cmp.Diff(checkJSON(t, whole), checkJSON(t, merged)); diff != "" {
		t.Errorf("findings differ (-whole +merged):\n%s", diff)
	}
}

// A GuardDuty detector exporting to a bucket of another shard leaves a
// folder no shard could probe: the merge records it as a collection error
// (exit 3), so that GD05 is unproven rather than judged without the probe.
func TestMergeRecordsProbesAcrossShards(t *testing.T) {
	collectWorld(t)
	dir := t.TempDir()
	a := collectTo(t, dir, "a.json", "--accounts", "111111111111,222222222222,444444444444")
	b := collectTo(t, dir, "b.json", "--accounts", "333333333333")
	var stdout, stderr bytes.Buffer
	out := filepath.Join(dir, "org.json")
	if code := run(context.Background(), []string{"merge", "-o", out, a, b}, &stdout, &stderr); code != exitPartial {
		t.Fatalf("merge: exit %d, want %d; stderr:\n%s", code, exitPartial, stderr.String())
	}
	s, err := snapshot.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []snapshot.CollectionError{{Account: "222222222222", Region: "eu-west-1", Service: "s3", Operation: "ListObjectsV2",
		Resource: "arn:aws:s3:::guardduty-findings-222222222222/guardduty/", Code: snapshot.ShardBoundary,
		Message: "the GuardDuty detector of account 333333333333 (shard " + b + ") exports to this bucket (shard " + a + "): no shard could look for the folder; collect both accounts in one shard"}}
	if diff := cmp.Diff(want, s.CollectionErrors); diff != "" {
		t.Errorf("collection errors (-want +got):\n%s", diff)
	}
}

func TestMergeRefusesShardsThatDoNotMerge(t *testing.T) {
	collectWorld(t)
	dir := t.TempDir()
	a := collectTo(t, dir, "a.json", "--accounts", "111111111111,222222222222")
	b := collectTo(t, dir, "b.json", "--accounts", "222222222222,333333333333")
	other, err := snapshot.LoadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	other.Organization.ID = "o-other00001"
	otherPath := filepath.Join(dir, "other.json")
	if err := writeTestSnapshot(otherPath, other); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{a, b}, "account 222222222222 is in both " + a + " and " + b},
		{[]string{a, otherPath}, otherPath + " is organization o-other00001, but " + a + " is organization"},
		{[]string{a, filepath.Join(dir, "missing.json")}, "missing.json"},
		{nil, "no snapshot to merge"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"merge", "-o", filepath.Join(dir, "out.json")}, c.args...), &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("merge %v: exit %d, stderr %q; want exit 2 naming %q", c.args, code, stderr.String(), c.want)
		}
	}
}

func TestCollectRefusesAnUnknownOU(t *testing.T) {
	collectWorld(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"collect", "--member-role", "OrganizationAccountAccessRole", "--ou", "ou-ab12-nosuchou1"}, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "ou-ab12-nosuchou1 is not an organizational unit") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// writeTestSnapshot writes s as collect would.
func writeTestSnapshot(path string, s *snapshot.Snapshot) error {
	data, err := snapshot.Marshal(s)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
