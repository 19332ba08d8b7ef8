package terraform

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// locations collects every IaC location a snapshot holds, by address.
func locations(s *snapshot.Snapshot) map[string]string {
	out := map[string]string{}
	put := func(l *snapshot.Location) {
		if l != nil && l.Address != "" {
			out[l.Address] = filepath.ToSlash(l.File) + ":" + itoa(l.Line)
		}
	}
	for _, a := range s.Accounts {
		for _, r := range a.Roles {
			put(r.Location)
			for _, p := range r.InlinePolicies {
				put(p.Location)
			}
		}
		for _, b := range a.Buckets {
			put(b.Location)
			if b.Policy != nil {
				put(b.Policy.Location)
			}
		}
		for _, t := range a.Trails {
			put(t.Location)
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// With the configuration named, resources point at their blocks: the
// module's resources at the module's .tf file (module call followed by its
// local source), the root's at main.tf.
func TestLocationsInConfiguration(t *testing.T) {
	data, err := os.ReadFile("testdata/org_trail.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("testdata/org_trail.json", data, Options{ConfigDir: "testdata/config/org_trail"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"aws_cloudtrail.org":                          "testdata/config/org_trail/main.tf:12",
		"module.log_bucket.aws_s3_bucket.this":        "testdata/config/org_trail/modules/log-bucket/main.tf:5",
		"module.log_bucket.aws_s3_bucket_policy.this": "testdata/config/org_trail/modules/log-bucket/main.tf:16",
	}
	got := locations(s)
	for addr, w := range want {
		if got[addr] != w {
			t.Errorf("%s at %q, want %q", addr, got[addr], w)
		}
	}
}

// A plan beside its configuration finds it without being told; count
// instances (managed[0], managed[1]) share their block's line.
func TestLocationsBesideThePlan(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"testdata/connector_role.json", "testdata/config/connector_role/main.tf"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan := filepath.Join(dir, "connector_role.json")
	data, _ := os.ReadFile(plan)
	ix := newIndex(plan, mustPlan(t, data))
	if err := ix.place(plan, data, ""); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, in := range ix.list {
		got[in.addr] = filepath.Base(in.loc.File) + ":" + itoa(in.loc.Line)
	}
	want := map[string]string{
		"aws_iam_policy.read":                       "main.tf:17",
		"aws_iam_role.expel":                        "main.tf:10",
		"aws_iam_role_policy.kms":                   "main.tf:34",
		"aws_iam_role_policy_attachment.managed[0]": "main.tf:28",
		"aws_iam_role_policy_attachment.managed[1]": "main.tf:28",
		"aws_iam_role_policy_attachment.read":       "main.tf:23",
		"data.aws_caller_identity.current":          "main.tf:4",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
}

// Without a configuration each resource points at its object in the plan.
func TestLocationsInPlan(t *testing.T) {
	data, err := os.ReadFile("testdata/connector_role.json")
	if err != nil {
		t.Fatal(err)
	}
	lines := planLines(data)
	for addr, line := range lines {
		if line <= 0 {
			t.Errorf("%s: line %d", addr, line)
		}
	}
	l := lines["aws_iam_role_policy_attachment.managed[1]"]
	if l == 0 || lines["aws_iam_role_policy_attachment.managed[0]"] == l {
		t.Errorf("count instances share a line in the plan: %v", lines)
	}
}

// A .tf file that does not parse is refused with its file and line.
func TestMalformedConfiguration(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("resource \"aws_s3_bucket\" \"x\" {\n  bucket = \n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile("testdata/connector_role.json")
	_, err := Parse("testdata/connector_role.json", data, Options{ConfigDir: dir})
	var e *Error
	if !errors.As(err, &e) || e.File != filepath.Join(dir, "main.tf") || e.Line != 2 {
		t.Fatalf("err = %v, want one at main.tf:2", err)
	}
	if _, err := Parse("testdata/connector_role.json", data, Options{ConfigDir: filepath.Join(dir, "nope")}); err == nil {
		t.Error("a missing configuration directory was accepted")
	}
}

func mustPlan(t *testing.T, data []byte) *tfjson.Plan {
	t.Helper()
	var p tfjson.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

// Instances of count and for_each blocks, in module instances too, share
// their block's address.
func TestConfigAddress(t *testing.T) {
	for in, want := range map[string]string{
		"aws_s3_bucket.logs":                                    "aws_s3_bucket.logs",
		"aws_iam_role_policy_attachment.managed[1]":             "aws_iam_role_policy_attachment.managed",
		`aws_sqs_queue.q["siem-a"]`:                             "aws_sqs_queue.q",
		`module.logs["eu"].module.bucket[0].aws_s3_bucket.this`: "module.logs.module.bucket.aws_s3_bucket.this",
		`module.m.data.aws_iam_policy_document.p["x"]`:          "module.m.data.aws_iam_policy_document.p",
	} {
		if got := configAddress(in); got != want {
			t.Errorf("configAddress(%s) = %s, want %s", in, got, want)
		}
	}
}
