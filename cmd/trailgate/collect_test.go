package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/awstest/cloudtrailsrv"
	"github.com/trailgate/trailgate/collectors/awstest/ec2srv"
	"github.com/trailgate/trailgate/collectors/awstest/ekssrv"
	"github.com/trailgate/trailgate/collectors/awstest/eventssrv"
	"github.com/trailgate/trailgate/collectors/awstest/firehosesrv"
	"github.com/trailgate/trailgate/collectors/awstest/guarddutysrv"
	"github.com/trailgate/trailgate/collectors/awstest/iamsrv"
	"github.com/trailgate/trailgate/collectors/awstest/kmssrv"
	"github.com/trailgate/trailgate/collectors/awstest/logssrv"
	"github.com/trailgate/trailgate/collectors/awstest/maciesrv"
	"github.com/trailgate/trailgate/collectors/awstest/orgsrv"
	"github.com/trailgate/trailgate/collectors/awstest/redshiftsrv"
	"github.com/trailgate/trailgate/collectors/awstest/s3srv"
	"github.com/trailgate/trailgate/collectors/awstest/snssrv"
	"github.com/trailgate/trailgate/collectors/awstest/sqssrv"
	"github.com/trailgate/trailgate/collectors/awstest/stssrv"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// collectWorld serves the live collector's test organization on loopback
// and points the standard AWS environment variables at it.
func collectWorld(t *testing.T) *awstest.World {
	t.Helper()
	s, err := snapshot.LoadFile("../../collectors/live/testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	return serveWorld(t, s, "111111111111")
}

// serveWorld serves s on loopback, the CLI's credentials being an
// administrator user of account mgmt.
func serveWorld(t *testing.T, s *snapshot.Snapshot, mgmt string) *awstest.World {
	t.Helper()
	w := awstest.NewWorld(s)
	w.Identities.Add("AKIACOLLECTCLI000001", "cli-secret", "", "arn:aws:iam::"+mgmt+":user/auditor")
	env := awstest.Start(t, w, stssrv.Service, iamsrv.Service, orgsrv.Service, cloudtrailsrv.Service, guarddutysrv.Service,
		snssrv.Service, sqssrv.Service, s3srv.Service, kmssrv.Service, ec2srv.Service,
		ekssrv.Service, logssrv.Service, firehosesrv.Service, eventssrv.Service, maciesrv.Service,
		redshiftsrv.Service)
	env.Setenv(t, "AKIACOLLECTCLI000001", "us-east-1")
	return w
}

func TestCollectComplete(t *testing.T) {
	collectWorld(t)
	out := filepath.Join(t.TempDir(), "snap.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"collect", "--member-role", "OrganizationAccountAccessRole", "--output", out}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	s, err := snapshot.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Accounts) != 3 || s.Organization == nil || len(s.CollectionErrors) != 0 {
		t.Errorf("snapshot: %d accounts, org %v, errors %v", len(s.Accounts), s.Organization != nil, s.CollectionErrors)
	}
	// No terminal: no progress line, only the one-line summary.
	if stdout.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 || strings.Contains(stderr.String(), "\r") ||
		!regexp.MustCompile(`^trailgate collect: 3 accounts, \d+ account-regions, \d+ calls \([0-9.]+ per account-region\), 0 errors in `).MatchString(stderr.String()) {
		t.Errorf("want only the summary: stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	stderr.Reset()
	// Without --output the same bytes go to stdout.
	code = run(context.Background(), []string{"collect", "--member-role", "OrganizationAccountAccessRole"}, &stdout, &stderr)
	file, _ := os.ReadFile(out)
	if code != exitOK || !bytes.Equal(stdout.Bytes(), file) {
		t.Errorf("exit %d; stdout differs from --output file", code)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("snapshot file mode %v, want 0600 (it holds policies)", st.Mode().Perm())
	}
	// A device node is written to, never replaced.
	dev := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("mknod: %v (needs root)", err)
	}
	code = run(context.Background(), []string{"collect", "--member-role", "OrganizationAccountAccessRole", "--output", dev}, &stdout, &stderr)
	if st, err := os.Lstat(dev); code != exitOK || err != nil || st.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("collect --output DEVICE: exit %d, the node is now %v", code, st.Mode())
	}
}

func TestCollectPartialExits3(t *testing.T) {
	w := collectWorld(t)
	w.Faults.Add(awstest.Fault{Service: "sns", Operation: "GetTopicAttributes", Kind: awstest.Deny})
	out := filepath.Join(t.TempDir(), "snap.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"collect", "--member-role", "OrganizationAccountAccessRole", "--output", out}, &stdout, &stderr)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitPartial, stderr.String())
	}
	s, err := snapshot.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.CollectionErrors) != 1 || s.CollectionErrors[0].Code != "AuthorizationError" {
		t.Errorf("collection errors = %+v", s.CollectionErrors)
	}
	if !strings.Contains(stderr.String(), "partial snapshot") {
		t.Errorf("stderr does not say the snapshot is partial: %q", stderr.String())
	}
}

func TestCollectWithoutMemberRole(t *testing.T) {
	collectWorld(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"collect"}, &stdout, &stderr)
	if code != exitPartial {
		t.Fatalf("exit %d, want partial: member accounts cannot be read", code)
	}
	var s snapshot.Snapshot
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	for _, e := range s.CollectionErrors {
		if e.Operation != "AssumeRole" || e.Code != "NoMemberRole" {
			t.Errorf("unexpected error %+v", e)
		}
	}
}

func TestCollectUsage(t *testing.T) {
	for _, args := range [][]string{
		{"collect", "--concurrency", "0"},
		{"collect", "--accounts", "12345"},
		{"collect", "--regions", "us-east-1,moon-1"},
		{"collect", "extra"},
		{"collect", "--no-such-flag"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestCollectBadCredentials(t *testing.T) {
	w := collectWorld(t)
	w.Identities.Add("AKIACOLLECTCLI000001", "rotated", "", "arn:aws:iam::111111111111:user/auditor")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"collect"}, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "SignatureDoesNotMatch") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestCollectPrintPolicy(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"collect", "--print-policy", "--member-role", "Auditor", "--region", "us-gov-west-1"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var doc map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), `"arn:aws-us-gov:iam::*:role/Auditor"`) {
		t.Errorf("policy does not name the member role in the partition:\n%s", stdout.String())
	}
}

// TestCollectInterruptedWritesWhatItHas: Ctrl-C (the context ending) or
// --deadline while a call is under way: collect writes the snapshot with
// what it read, records the rest in collection_errors, and exits 3.
func TestCollectInterruptedWritesWhatItHas(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		extra      []string
	}{
		{"ctrl-c", "Interrupted", nil},
		{"deadline", "DeadlineExceeded", []string{"--deadline", "300ms"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := collectWorld(t)
			slow := w.Faults.Add(awstest.Fault{Service: "sns", Operation: "ListTopics", Kind: awstest.Slow, Delay: 3 * time.Second})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.extra == nil {
				go func() {
					for w.Faults.Hits(slow) == 0 && ctx.Err() == nil {
						time.Sleep(time.Millisecond)
					}
					cancel()
				}()
			}
			out := filepath.Join(t.TempDir(), "snap.json")
			var stdout, stderr bytes.Buffer
			args := append([]string{"collect", "--member-role", "OrganizationAccountAccessRole", "--concurrency", "1", "--output", out}, tc.extra...)
			code := run(ctx, args, &stdout, &stderr)
			if code != exitPartial {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitPartial, stderr.String())
			}
			s, err := snapshot.LoadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			for _, e := range s.CollectionErrors {
				if e.Code == tc.code {
					n++
				}
			}
			if n == 0 {
				t.Errorf("no collection error with code %s: %+v", tc.code, s.CollectionErrors)
			}
		})
	}
}
