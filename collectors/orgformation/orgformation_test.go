package orgformation

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden snapshots in testdata/")

// The landing-zone template is read as org-formation deploys it: each
// binding's resources in its accounts and Regions, organization references
// replaced by the organization file's values.
func TestLandingZoneGolden(t *testing.T) {
	path := "testdata/landingzone/cloudtrail.yml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !Detect(data) {
		t.Fatal("Detect = false")
	}
	r, err := Read(path, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := snapshot.Marshal(r.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snapshot.Parse(path, got); err != nil {
		t.Fatalf("snapshot does not validate: %v", err)
	}
	golden := filepath.Join("testdata", "landingzone.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("snapshot differs from %s (-want +got):\n%s", golden, diff)
	}
}

// Where each resource lands, checked by hand.
func TestLandingZonePlacement(t *testing.T) {
	path := "testdata/landingzone/cloudtrail.yml"
	data, _ := os.ReadFile(path)
	r, err := Read(path, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	where := map[string][]string{}
	for _, a := range r.Snapshot.Accounts {
		for _, b := range a.Buckets {
			where["bucket "+b.Name] = append(where["bucket "+b.Name], a.ID+"/"+b.Region)
		}
		for _, tr := range a.Trails {
			where["trail "+tr.Name] = append(where["trail "+tr.Name], a.ID+"/"+tr.HomeRegion+"/"+tr.S3BucketName)
		}
		for _, d := range a.Detectors {
			where["detector"] = append(where["detector"], a.ID+"/"+d.Region)
		}
		for _, tp := range a.Topics {
			for _, s := range tp.Subscriptions {
				where["alarm mail"] = append(where["alarm mail"], a.ID+"/"+s.Endpoint)
			}
		}
		for _, ro := range a.Roles {
			where["role "+ro.Name] = append(where["role "+ro.Name], a.ID)
		}
	}
	want := map[string][]string{
		"bucket org-cloudtrail-222222222222": {"222222222222/eu-central-1"},
		"trail organization-trail":           {"111111111111/eu-central-1/org-cloudtrail-222222222222"},
		// '*' is every account but the management account, minus the
		// excluded Security account, in both Regions.
		"detector":             {"222222222222/eu-central-1", "222222222222/eu-west-1", "444444444444/eu-central-1", "444444444444/eu-west-1"},
		"alarm mail":           {"111111111111/aws-management@example.com"},
		"role findings-reader": {"333333333333"},
	}
	if diff := cmp.Diff(want, where); diff != "" {
		t.Errorf("placement (-want +got):\n%s", diff)
	}
	o := r.Snapshot.Organization
	if o == nil || o.ManagementAccountID != "111111111111" || len(o.Members) != 4 || len(o.Policies) != 1 || len(o.Policies[0].Targets) != 1 {
		t.Errorf("organization = %+v", o)
	}
}

// Bad input names the file and line, never panics.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	org, _ := os.ReadFile("testdata/landingzone/organization.yml")
	if err := os.WriteFile(filepath.Join(dir, "organization.yml"), org, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct{ tpl, want string }{
		"unknown binding": {"AWSTemplateFormatVersion: '2010-09-09-OC'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    OrganizationBinding: !Ref Nope\n",
			`t.yml:5: OrganizationBinding: no binding "Nope"`},
		"unknown account": {"AWSTemplateFormatVersion: '2010-09-09-OC'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    OrganizationBinding:\n      Account: !Ref Nobody\n      Region: us-east-1\n",
			`binding Account names "Nobody"`},
		"no region": {"AWSTemplateFormatVersion: '2010-09-09-OC'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    OrganizationBinding:\n      Account: !Ref MasterAccount\n",
			"names no Region"},
		"no binding": {"AWSTemplateFormatVersion: '2010-09-09-OC'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n",
			"t.yml:3: B: no OrganizationBinding"},
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, "t.yml")
			if err := os.WriteFile(p, []byte(c.tpl), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Read(p, []byte(c.tpl), Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want it to contain %q", err, c.want)
			}
		})
	}
	if _, err := Read(filepath.Join(t.TempDir(), "x.yml"), []byte("AWSTemplateFormatVersion: '2010-09-09-OC'\nResources: {}\n"), Options{}); err == nil ||
		!strings.Contains(err.Error(), "organization file") {
		t.Errorf("missing organization file: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	for _, p := range []string{"testdata/landingzone/cloudtrail.yml", "testdata/landingzone/organization.yml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Read("testdata/landingzone/fuzz.yml", data, Options{})
	})
}
