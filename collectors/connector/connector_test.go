package connector

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const expel = `profile: expel
role: arn:aws:iam::222222222222:role/ExpelRole
trusted_principal: arn:aws:iam::012345678901:root
external_id: "8d3c0c6e-example"
queue: arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail
region: us-east-1
sources: [cloudtrail, guardduty]
`

// The contract's example connector file reads as written, in YAML and in
// JSON alike.
func TestParseContractExample(t *testing.T) {
	want := &Connector{
		Profile:          "expel",
		Role:             "arn:aws:iam::222222222222:role/ExpelRole",
		TrustedPrincipal: "arn:aws:iam::012345678901:root",
		ExternalID:       "8d3c0c6e-example",
		Queue:            "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail",
		Region:           "us-east-1",
		Sources:          []string{"cloudtrail", "guardduty"},
		File:             "expel.yaml",
	}
	got, err := Parse("expel.yaml", []byte(expel))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("YAML (-want +got):\n%s", d)
	}
	asJSON := `{"profile": "expel", "role": "arn:aws:iam::222222222222:role/ExpelRole",
 "trusted_principal": "arn:aws:iam::012345678901:root", "external_id": "8d3c0c6e-example",
 "queue": "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail", "region": "us-east-1",
 "sources": ["cloudtrail", "guardduty"]}`
	got, err = Parse("expel.yaml", []byte(asJSON))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("JSON (-want +got):\n%s", d)
	}
}

// Every scenario's connector file is valid.
func TestParseScenarioConnectors(t *testing.T) {
	paths, _ := filepath.Glob("../../fixtures/scenarios/*/connector.yaml")
	if len(paths) == 0 {
		t.Fatal("no scenario connector files found")
	}
	for _, p := range paths {
		if _, err := LoadFile(p); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// A bad connector file names the file and the line of the bad key.
func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"empty", "", "c.yaml: empty connector file"},
		{"not a mapping", "- expel\n", "c.yaml:1: a connector file is a mapping (profile:, role:, …)"},
		{"broken YAML", "profile: expel\nrole: [\n", "c.yaml:2: did not find expected node content"},
		{"unknown profile", "profile: splunk\nrole: arn:aws:iam::222222222222:role/R\n", `c.yaml:1: profile: must be one of radiant, skyformation, expel, rapid7, generic; got "splunk"`},
		{"missing role", "profile: generic\n", "c.yaml: role: missing (the role ARN the connector assumes)"},
		{"bad region", "profile: generic\nrole: r\nregion: US East\n", `c.yaml:3: region: must be an AWS region such as us-east-1; got "US East"`},
		{"queue URL instead of ARN", "profile: generic\nrole: r\nqueue: https://sqs.us-east-1.amazonaws.com/222222222222/q\n", `c.yaml:3: queue: must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME); got "https://sqs.us-east-1.amazonaws.com/222222222222/q"`},
		{"unknown source", "profile: generic\nrole: r\nsources: [cloudtrail, vpcflow]\n", `c.yaml:3: sources: unknown source "vpcflow" (known: cloudtrail, guardduty)`},
		{"typo in a key", "profile: generic\nrole: r\nextrnal_id: x\n", "c.yaml:3: unmarshal errors:\n  line 3: field extrnal_id not found in type connector.Connector"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tc.doc))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse = %v, want *Error", err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// The external ID is a shared secret of sorts: only its ends are shown.
func TestMaskedExternalID(t *testing.T) {
	for id, want := range map[string]string{
		"":                 "",
		"abcd":             "****",
		"8d3c0c6e-example": "8d************le",
	} {
		c := Connector{ExternalID: id}
		if got := c.MaskedExternalID(); got != want {
			t.Errorf("MaskedExternalID(%q) = %q, want %q", id, got, want)
		}
		if len(id) > 4 && strings.Contains(c.MaskedExternalID(), id[2:len(id)-2]) {
			t.Errorf("mask of %q shows its middle", id)
		}
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := LoadFile(filepath.Join(t.TempDir(), "none.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile of a missing file = %v, want not-exist", err)
	}
}

// Parse never panics, and every error is an *Error naming the file.
func FuzzParse(f *testing.F) {
	f.Add([]byte(expel))
	f.Add([]byte(`{"profile": "generic", "role": "r"}`))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error %v (%T) does not name the file", err, err)
			}
			return
		}
		if c.Role == "" {
			t.Fatal("accepted a connector without a role")
		}
	})
}
