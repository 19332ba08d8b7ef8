package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bom writes a copy of file with a UTF-8 byte order mark, as Windows
// editors save.
func bom(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "bom-"+filepath.Base(file), "\ufeff"+string(data))
}

// TestBOMAcceptedEverywhere: one policy for byte order marks: every input
// accepts one (the snapshot and baseline once failed with "invalid
// character 'ï'").
func TestBOMAcceptedEverywhere(t *testing.T) {
	dir := filepath.Join("..", "..", "fixtures", "scenarios", "controltower-working")
	snap, conn := filepath.Join(dir, "snapshot.json"), filepath.Join(dir, "connector.yaml")
	result := filepath.Join(t.TempDir(), "result.json")
	if code, _, stderr := trailgate(t, "check", "--snapshot", snap, "--format", "json", "--output", result); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	request := filepath.Join("..", "..", "analyzer", "iam", "testdata", "simulate", "pipeline.json")
	for name, args := range map[string][]string{
		"snapshot":  {"check", "--snapshot", bom(t, snap)},
		"connector": {"check", "--snapshot", snap, "--connector", bom(t, conn)},
		"baseline":  {"check", "--snapshot", snap, "--baseline", bom(t, result)},
		"template":  {"check", "--iac", bom(t, filepath.Join(dir, "template.yaml"))},
		"plan":      {"check", "--iac", bom(t, filepath.Join(dir, "plan.json"))},
		"request":   {"iam", "simulate", bom(t, request)},
	} {
		if code, _, stderr := trailgate(t, args...); code != exitOK {
			t.Errorf("%s with a BOM: exit %d, stderr %q", name, code, stderr)
		}
	}
}

// TestDuplicateEffectRefused: a bucket policy statement with two Effect
// keys was judged as its last one; it is ambiguous and refused, naming the
// statement, as any policy AWS could read otherwise.
func TestDuplicateEffectRefused(t *testing.T) {
	plan := writeFile(t, "plan.json", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_s3_bucket.logs","mode":"managed","type":"aws_s3_bucket","name":"logs","values":{"bucket":"logs-bucket"}},
{"address":"aws_s3_bucket_policy.logs","mode":"managed","type":"aws_s3_bucket_policy","name":"logs","values":{"bucket":"logs-bucket",
 "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Write\",\"Effect\":\"Deny\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::logs-bucket/*\",\"Effect\":\"Allow\"}]}"}}
]}}}`)
	code, _, errs := trailgate(t, "check", "--iac", plan)
	want := `aws_s3_bucket_policy.logs: statement 0 (Sid "Write"): duplicate key Statement.0.Effect`
	if code != exitUsage || !strings.Contains(errs, want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, want)
	}
}

// TestRegionOfAKnownPartition: --region takes any well-formed region of a
// known partition (eusc-de-east-1 was refused by a fixed pattern), and
// refuses a name no partition admits.
func TestRegionOfAKnownPartition(t *testing.T) {
	tmpl := filepath.Join("..", "..", "fixtures", "scenarios", "controltower-working", "template.yaml")
	if code, _, stderr := trailgate(t, "check", "--iac", tmpl, "--region", "eusc-de-east-1"); code == exitUsage {
		t.Errorf("eusc-de-east-1 refused: %s", stderr)
	}
	if code, _, stderr := trailgate(t, "check", "--iac", tmpl, "--region", "zz-east-1"); code != exitUsage || !strings.Contains(stderr, "--region") {
		t.Errorf("zz-east-1: exit %d, stderr %q; want 2", code, stderr)
	}
}

// TestSnapshotDuplicateKeyWarns: a snapshot file with a duplicate key
// (trailgate never writes one) is judged with the last value, and the key
// and its line are named in a warning.
func TestSnapshotDuplicateKeyWarns(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "scenarios", "controltower-working", "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), `"source": "fixture"`, `"source": "live",`+"\n"+`  "source": "fixture"`, 1)
	if edited == string(data) {
		t.Fatal("the fixture has no source line to duplicate")
	}
	_, _, stderr := trailgate(t, "check", "--snapshot", writeFile(t, "snapshot.json", edited))
	if !strings.Contains(stderr, "duplicate key source: the last value is the one judged") {
		t.Errorf("stderr %q does not warn about the duplicate key", stderr)
	}
}
