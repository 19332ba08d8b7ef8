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
		RoleLine:         2,
	}
	got, err := Parse("expel.yaml", []byte(expel))
	if err != nil {
		t.Fatal(err)
	}
	want.Lines = map[string]int{"profile": 1, "role": 2, "trusted_principal": 3, "external_id": 4, "queue": 5, "region": 6, "sources": 7}
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
	want.RoleLine = 1
	want.Lines = map[string]int{"profile": 1, "role": 1, "trusted_principal": 2, "external_id": 2, "queue": 3, "region": 3, "sources": 4}
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
		{"unknown source", "profile: generic\nrole: r\nsources: [cloudtrail, vpcflow]\n", `c.yaml:3: sources: unknown source "vpcflow" (known: cloudtrail, guardduty, eks, iam, cloudwatch-logs, cloudwatch, macie, redshift, inspector, shield, flow-logs)`},
		{"typo in a key", "profile: generic\nrole: r\nextrnal_id: x\n", "c.yaml:3: unknown key \"extrnal_id\" (known keys: profile, role, trusted_principal, external_id, queue, queue_url, queue_role, object_role, region, prefix, sources, authentication, macie_queue)"},
		{"sources not a list", "profile: generic\nrole: r\nsources: cloudtrail\n", "c.yaml:3: sources: must be a list such as [cloudtrail, guardduty]; got str cloudtrail"},
		{"key twice", "profile: generic\nrole: r\nrole: s\n", "c.yaml:3: role: given twice (first on line 2)"},
		{"unknown key names no Go type", "profile: generic\nrole: r\nqueue_roles: q\n", "c.yaml:3: unknown key \"queue_roles\" (known keys: profile, role, trusted_principal, external_id, queue, queue_url, queue_role, object_role, region, prefix, sources, authentication, macie_queue)"},
		{"queue_role not a role", "profile: generic\nrole: r\nqueue_role: arn:aws:iam::111111111111:user/u\n", "c.yaml:3: queue_role: must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): not a role; got \"arn:aws:iam::111111111111:user/u\""},
		{"queue_url shape", "profile: generic\nrole: r\nqueue_url: sqs.us-east-1.amazonaws.com/111111111111/q\n", "c.yaml:3: queue_url: must be an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME); got \"sqs.us-east-1.amazonaws.com/111111111111/q\""},
		{"queue_url of another queue", "profile: generic\nrole: r\nqueue: arn:aws:sqs:us-east-1:111111111111:a\nqueue_url: https://sqs.us-east-1.amazonaws.com/111111111111/b\n", "c.yaml:4: queue_url: names another queue than queue (arn:aws:sqs:us-east-1:111111111111:a); got \"https://sqs.us-east-1.amazonaws.com/111111111111/b\""},
		// Wrong YAML types where a string is expected: the decoder would
		// take them as written.
		{"role a number (JSON)", "{\"profile\": \"generic\",\n \"role\": 5}", "c.yaml:2: role: must be a string; got int 5 (quote it if it is meant as text)"},
		{"external ID a number", "profile: generic\nrole: r\nexternal_id: 0x1F\n", "c.yaml:3: external_id: must be a string; got int 0x1F (quote it if it is meant as text)"},
		{"profile a boolean", "profile: true\nrole: r\n", "c.yaml:1: profile: must be a string; got bool true (quote it if it is meant as text)"},
		{"role a mapping", "profile: generic\nrole:\n  arn: x\n", "c.yaml:3: role: must be a string; got a mapping (quote it if it is meant as text)"},
		{"region a list", "profile: generic\nrole: r\nregion: [us-east-1]\n", "c.yaml:3: region: must be a string; got a list (quote it if it is meant as text)"},
		{"source a number", "profile: generic\nrole: r\nsources:\n  - cloudtrail\n  - 7\n", "c.yaml:5: sources: must be a string; got int 7 (quote it if it is meant as text)"},
		{"role through an alias to a number", "x: &n 5\nprofile: generic\nrole: *n\n", "c.yaml:1: role: must be a string; got int 5 (quote it if it is meant as text)"},
		// An ARN as the role must be an IAM role's
		// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
		// A user ARN is the role of a connector signing with the user's
		// access key (SkyFormation K2 "Basic"), and nothing else.
		{"role ARN of a user for a guide that assumes a role", "profile: expel\nrole: arn:aws:iam::222222222222:user/alice\n", `c.yaml:2: role: must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): not a role; got "arn:aws:iam::222222222222:user/alice"`},
		{"role ARN of a user assuming a role", "profile: skyformation\nrole: arn:aws:iam::222222222222:user/alice\nauthentication: STSAssumeRole\n", `c.yaml:2: role: authentication STSAssumeRole acts as a role: role must be a role ARN, not the user "arn:aws:iam::222222222222:user/alice" (name the user that assumes it as trusted_principal)`},
		{"Basic with a role ARN", "profile: skyformation\nrole: arn:aws:iam::222222222222:role/R\nauthentication: Basic\n", `c.yaml:2: role: authentication Basic signs with an IAM user's access key: role must be the user's ARN (arn:aws:iam::ACCOUNT:user/NAME); got "arn:aws:iam::222222222222:role/R"`},
		{"unknown authentication", "profile: skyformation\nrole: r\nauthentication: AccessKey\n", `c.yaml:3: authentication: must be one of Basic, STSAssumeRole, InstanceProfile; got "AccessKey"`},
		{"user ARN with a short account", "profile: skyformation\nrole: arn:aws:iam::2222:user/u\n", `c.yaml:2: role: must be an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME): the account must be 12 digits; got "arn:aws:iam::2222:user/u"`},
		{"macie queue not an ARN", "profile: skyformation\nrole: r\nmacie_queue: macie-alerts\n", `c.yaml:3: macie_queue: must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME); got "macie-alerts"`},
		{"role ARN truncated", "profile: generic\nrole: arn:aws:iam::222222222222\n", `c.yaml:2: role: must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): arn: not enough sections; got "arn:aws:iam::222222222222"`},
		{"role ARN of another service", "profile: generic\nrole: arn:aws:sqs:us-east-1:222222222222:role/x\n", `c.yaml:2: role: must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): not an IAM ARN (service "sqs"); got "arn:aws:sqs:us-east-1:222222222222:role/x"`},
		{"role ARN with a region", "profile: generic\nrole: arn:aws:iam:us-east-1:222222222222:role/R\n", `c.yaml:2: role: must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): IAM ARNs have no region; got "arn:aws:iam:us-east-1:222222222222:role/R"`},
		{"role ARN with a short account", "profile: generic\nrole: arn:aws:iam::2222:role/R\n", `c.yaml:2: role: must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): the account must be 12 digits; got "arn:aws:iam::2222:role/R"`},
		{"role ARN without a name", "profile: generic\nrole: arn:aws:iam::222222222222:role/\n", `c.yaml:2: role: must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): role names are 1 to 64 of A-Z a-z 0-9 +=,.@_-; got "arn:aws:iam::222222222222:role/"`},
		{"role ARN in an unknown partition", "profile: generic\nrole: arn:azure:iam::222222222222:role/R\n", `c.yaml:2: role: must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): unknown partition "azure"; got "arn:azure:iam::222222222222:role/R"`},
		// Unquoted, a 12-digit account ID is a YAML number: with a
		// leading zero, not the text the vendor gave.
		{"trusted principal an unquoted account ID", "profile: generic\nrole: r\ntrusted_principal: 012345678901\n", "c.yaml:3: trusted_principal: must be a string; got float 012345678901 (quote it if it is meant as text)"},
		{"trusted principal a name", "profile: generic\nrole: r\ntrusted_principal: Expel\n", `c.yaml:3: trusted_principal: must be an ARN (arn:aws:iam::ACCOUNT:root, a role ARN), a 12-digit account ID or a service principal (NAME.amazonaws.com); got "Expel"`},
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

// What a role and a trusted principal may be: a role ARN in any partition
// and with a path, or a logical ID / Terraform address (resolved by --iac);
// an ARN, an account ID or a service principal.
func TestParseAcceptsRolesAndPrincipals(t *testing.T) {
	for _, tc := range []struct {
		role, principal string
		isARN           bool
	}{
		{"arn:aws:iam::222222222222:role/ExpelRole", "arn:aws:iam::012345678901:root", true},
		{"arn:aws-us-gov:iam::222222222222:role/service-role/Log.Reader@x", `"012345678901"`, true},
		{"arn:aws-cn:iam::222222222222:role/R", "cloudtrail.amazonaws.com.cn", true},
		{"ConnectorRole", "arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security", false},
		{"module.siem.aws_iam_role.reader", "", false},
	} {
		doc := "profile: generic\nrole: " + tc.role + "\n"
		if tc.principal != "" {
			doc += "trusted_principal: " + tc.principal + "\n"
		}
		c, err := Parse("c.yaml", []byte(doc))
		if err != nil {
			t.Errorf("%s / %s: %v", tc.role, tc.principal, err)
			continue
		}
		if c.IsRoleARN() != tc.isARN || c.RoleLine != 2 {
			t.Errorf("%s: IsRoleARN = %v, RoleLine = %d; want %v, 2", tc.role, c.IsRoleARN(), c.RoleLine, tc.isARN)
		}
	}
}

// The external ID is a shared secret of sorts: only its ends are shown.
func TestMaskedExternalID(t *testing.T) {
	for id, want := range map[string]string{
		"":                          "",
		"abcd":                      "****",
		"abcdefghijk":               "****",
		"8d3c0c6e-example":          "8d****le",
		"8d3c0c6e-example-and-more": "8d****re",
	} {
		c := Connector{ExternalID: id}
		if got := c.MaskedExternalID(); got != want {
			t.Errorf("MaskedExternalID(%q) = %q, want %q", id, got, want)
		}
		if len(id) > 4 && strings.Contains(c.MaskedExternalID(), id[2:len(id)-2]) {
			t.Errorf("mask of %q shows its middle", id)
		}
		if m := c.MaskedExternalID(); id != "" && strings.Count(m, "*") != 4 {
			t.Errorf("mask %q of %q reveals the length", m, id)
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

// The storage prefix (Rapid7 step P4) is a key prefix as the vendor's
// console takes it: no leading slash, no wildcard.
func TestParsePrefix(t *testing.T) {
	c, err := Parse("c.yaml", []byte("profile: rapid7\nrole: arn:aws:iam::111111111111:role/r\nprefix: AWSLogs/o-a1b2c3d4e5\nsources: [cloudtrail, eks]\n"))
	if err != nil || c.Prefix != "AWSLogs/o-a1b2c3d4e5" || c.Lines["prefix"] != 3 {
		t.Fatalf("got %+v, %v", c, err)
	}
	for _, bad := range []string{"/AWSLogs", "AWSLogs/*", "AWSLogs//o-1"} {
		_, err := Parse("c.yaml", []byte("profile: rapid7\nrole: r\nprefix: "+bad+"\n"))
		if err == nil || !strings.Contains(err.Error(), "c.yaml:3: prefix: must be an S3 key prefix") {
			t.Errorf("prefix %q: got %v", bad, err)
		}
	}
}

// SkyFormation's three authentication methods (K2): Basic names the user
// as role (inferred from a user ARN), STSAssumeRole names the user that
// assumes the role as trusted_principal, InstanceProfile names the host's
// role.
func TestParseSkyFormationAuthentication(t *testing.T) {
	for _, tc := range []struct {
		doc   string
		basic bool
	}{
		{"profile: skyformation\nrole: arn:aws:iam::222222222222:user/integrations/skyformation\n", true},
		{"profile: skyformation\nrole: arn:aws:iam::222222222222:user/sky\nauthentication: Basic\nsources: [cloudtrail, iam, cloudwatch-logs]\n", true},
		{"profile: skyformation\nrole: arn:aws:iam::222222222222:role/Sky\nauthentication: STSAssumeRole\ntrusted_principal: arn:aws:iam::222222222222:user/sky\n", false},
		{"profile: skyformation\nrole: arn:aws:iam::222222222222:role/SkyHost\nauthentication: InstanceProfile\nmacie_queue: arn:aws:sqs:us-east-1:222222222222:macie-alerts\n", false},
		{"profile: skyformation\nrole: SkyUser\nauthentication: Basic\n", true},
	} {
		c, err := Parse("c.yaml", []byte(tc.doc))
		if err != nil {
			t.Fatalf("%q: %v", tc.doc, err)
		}
		if c.Basic() != tc.basic {
			t.Errorf("%q: Basic() = %v, want %v", tc.doc, c.Basic(), tc.basic)
		}
	}
}
