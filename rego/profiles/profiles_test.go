package profiles

import (
	"bytes"
	"encoding/json"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

func TestEveryConnectorProfileHasData(t *testing.T) {
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for name := range ps {
		got = append(got, name)
	}
	sort.Strings(got)
	want := append([]string(nil), connector.Profiles...)
	sort.Strings(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("profiles (-connector.Profiles +rego/profiles):\n%s", d)
	}
}

// The steps must be the ones the vendors' guides list (kept, with the
// guides' wording, in a profiles.md beside the repository when it is
// present), so that a finding's "expel step E6" points at a real guide step.
func TestStepsMatchProfilesMarkdown(t *testing.T) {
	md := profilesMarkdown(t)
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	// A vendor section is "## name (Vendor: …)"; "## Across profiles"
	// holds rules for all of them, no steps.
	section := regexp.MustCompile(`(?m)^## (\w+) \(`)
	step := regexp.MustCompile(`(?m)^- ([A-Z][0-9]+) `)
	idx := section.FindAllStringSubmatchIndex(string(md), -1)
	for i, m := range idx {
		name := string(md[m[2]:m[3]])
		end := len(md)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		var want []string
		for _, s := range step.FindAllStringSubmatch(string(md[m[1]:end]), -1) {
			want = append(want, s[1])
		}
		p, ok := ps[name]
		if !ok {
			t.Errorf("profiles.md has %s, rego/profiles has no %s.json", name, name)
			continue
		}
		var got []string
		for _, s := range p.Steps {
			got = append(got, s.ID)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s steps (-profiles.md +%s.json):\n%s", name, name, d)
		}
	}
}

// profilesMarkdown reads shared/profiles.md, found above the checkout (the
// integration checkout and a worktree sit at different depths).
func profilesMarkdown(t *testing.T) []byte {
	t.Helper()
	for _, p := range []string{"../../../shared/profiles.md", "../../../../shared/profiles.md"} {
		if md, err := os.ReadFile(p); err == nil {
			return md
		}
	}
	t.Skip("shared/profiles.md not present")
	return nil
}

// guideSteps splits profiles.md into its vendor sections' steps: profile →
// step ID → the step's text.
func guideSteps(md []byte) map[string]map[string]string {
	out := map[string]map[string]string{}
	section := regexp.MustCompile(`(?m)^## (\w+) \(`)
	step := regexp.MustCompile(`(?m)^- ([A-Z][0-9]+) `)
	idx := section.FindAllSubmatchIndex(md, -1)
	for i, m := range idx {
		name := string(md[m[2]:m[3]])
		end := len(md)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		if next := bytes.Index(md[m[1]:end], []byte("\n## ")); next >= 0 {
			end = m[1] + next
		}
		body := md[m[1]:end]
		steps := map[string]string{}
		sidx := step.FindAllSubmatchIndex(body, -1)
		for j, sm := range sidx {
			send := len(body)
			if j+1 < len(sidx) {
				send = sidx[j+1][0]
			}
			// A step ends at the next bullet of the section.
			text := string(body[sm[0]:send])
			if k := strings.Index(text[2:], "\n- "); k >= 0 {
				text = text[:k+2]
			}
			steps[string(body[sm[2]:sm[3]])] = text
		}
		out[name] = steps
	}
	return out
}

// guideActions are the IAM actions a step's text lists in backticks:
// "`sqs:ReceiveMessage`, `sqs:DeleteMessage`" and, after a prefixed one,
// bare names ("`organizations:ListPolicies`, `DescribePolicy`"). ARNs and
// condition keys are not actions.
func guideActions(text string) []string {
	var out []string
	service := ""
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(text, -1) {
		tok := m[1]
		switch {
		case strings.HasPrefix(tok, "arn:"), strings.HasPrefix(tok, "aws:"), strings.EqualFold(tok, "sts:ExternalId"):
		case regexp.MustCompile(`^[a-zA-Z0-9-]+:[A-Za-z*]+$`).MatchString(tok):
			service = strings.ToLower(tok[:strings.IndexByte(tok, ':')])
			out = append(out, strings.ToLower(tok))
		case service != "" && regexp.MustCompile(`^[A-Z][A-Za-z*]+$`).MatchString(tok):
			out = append(out, service+":"+strings.ToLower(tok))
		}
	}
	return out
}

// notDemanded are the actions a guide step lists that its profile
// deliberately does not demand of the connector's role, each with why.
// Every other action the guide lists must be demanded, and nothing else.
var notDemanded = map[string]string{
	// Grants to service principals in key, topic or bucket policies: the
	// writer rules (CT04, CT05, SN01, GD03) judge them, not the reader.
	"radiant R2 kms:generatedatakey*": "granted to cloudtrail.amazonaws.com in the key policy (CT04)",
	"radiant R2 kms:describekey":      "granted to cloudtrail.amazonaws.com in the key policy (CT04)",
	"radiant R2 kms:decrypt":          "R2 is the key policy's grant to the account; R7 demands the role's Decrypt",
	"radiant R3 sns:publish":          "granted to cloudtrail.amazonaws.com in the topic policy (CT05)",
	"radiant R5 sns:publish":          "granted to s3.amazonaws.com in the topic policy (SN01)",
	// R7's sns:Unsubscribe and organizations: reads are demanded at
	// medium severity (the logs flow without them, the guide still lists
	// them); R7's sts:AssumeRole and R8 are judged on the member roles.
	"radiant R7 sts:assumerole":      "R8's member roles: ID01 asks the main role's AssumeRole on each member role",
	"radiant R8 s3:get*":             "a member account's role, not the connector's: ID01 judges it (member_roles)",
	"radiant R8 s3:list*":            "a member account's role, not the connector's: ID01 judges it (member_roles)",
	"radiant R8 sts:assumerole":      "a member account's role, not the connector's: ID01 judges it (member_roles)",
	"skyformation K2 sts:assumerole": "not a grant of the connector's role: asked of the IAM user named trusted_principal when the input holds it (rego/lib/guide_steps.rego)",
	"skyformation K5 s3:listbucket":  "on each Redshift audit bucket: asked on the read hop of the Redshift audit-log path (S305, rego/lib/redshift.rego)",
	"skyformation K5 s3:getobject":   "on each Redshift audit bucket's objects: asked on the read hop of the Redshift audit-log path (S305, rego/lib/redshift.rego)",
	"skyformation K3 s3:listbucket":  "the step says the guide grants none",
	// Per the SQS developer guide, batch actions cannot be granted on
	// their own: sqs:DeleteMessage grants DeleteMessageBatch
	// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html).
	"skyformation K4 sqs:deletemessagebatch": "granted by sqs:DeleteMessage",
}

// demandedBySteps are the actions a step demands whose guide text names
// no action in backticks: the step's prose says them.
var demandedBySteps = map[string][]string{
	// "The role can receive from the queue and read the bucket (the
	// guide's inline policy)."
	"expel E9": {"sqs:receivemessage", "sqs:deletemessage", "s3:getobject"},
}

// Each profile demands of the connector's role exactly what its guide
// lists (shared/profiles.md), apart from notDemanded: a guide's wildcard
// (s3:Get*) is met by the actions the reader calls under it.
func TestDemandedActionsMatchGuides(t *testing.T) {
	guide := guideSteps(profilesMarkdown(t))
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range ps {
		for _, s := range p.Steps {
			if s.Optional {
				continue
			}
			key := name + " " + s.ID
			acts, err := s.Actions()
			if err != nil {
				t.Fatal(err)
			}
			listed := guideActions(guide[name][s.ID])
			listed = append(listed, demandedBySteps[key]...)
			var demanded []string
			for _, a := range acts {
				demanded = append(demanded, strings.ToLower(a.Action))
			}
			if s.ID == "K3" {
				// K3 names policies, not actions: see TestSkyformationK3.
				continue
			}
			for _, d := range demanded {
				if !matchesAny(listed, d) {
					t.Errorf("%s demands %s, which the guide step does not list: %q", key, d, guide[name][s.ID])
				}
			}
			for _, g := range listed {
				if notDemanded[key+" "+g] != "" {
					if matchesAny(demanded, g) {
						t.Errorf("%s demands %s, which it must not: %s", key, g, notDemanded[key+" "+g])
					}
					continue
				}
				if !anyMatched(g, demanded) {
					t.Errorf("%s: the guide lists %s, the profile does not demand it", key, g)
				}
			}
		}
	}
}

// skyformation K3: the CloudTrail and GuardDuty read-only policies, judged
// by the permissions they grant. Each action K3 demands for CloudTrail is
// granted by both the deprecated AWSCloudTrailReadOnlyAccess and its
// replacement AWSCloudTrail_ReadOnlyAccess, and each GuardDuty one by
// AmazonGuardDutyReadOnlyAccess, so any of them satisfies the step.
func TestSkyformationK3(t *testing.T) {
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	policies := map[string][]string{
		"cloudtrail": {"AWSCloudTrailReadOnlyAccess", "AWSCloudTrail_ReadOnlyAccess"},
		"guardduty":  {"AmazonGuardDutyReadOnlyAccess"},
		"iam":        {"IAMReadOnlyAccess"},
		// The guide attaches both to the CloudWatch sources; each grants
		// what K3 demands of either.
		"cloudwatch-logs": {"CloudWatchLogsReadOnlyAccess", "CloudWatchReadOnlyAccess"},
		"cloudwatch":      {"CloudWatchReadOnlyAccess"},
	}
	var k3 Step
	for _, s := range ps["skyformation"].Steps {
		if s.ID == "K3" {
			k3 = s
		}
	}
	acts, err := k3.Actions()
	if err != nil || len(acts) == 0 {
		t.Fatalf("K3 demands no action (%v)", err)
	}
	seen := map[string]bool{}
	for _, a := range acts {
		seen[a.Source] = true
		names := policies[a.Source]
		if len(names) == 0 {
			t.Errorf("K3 %s: source %q has no read-only policy in the guide", a.Action, a.Source)
		}
		for _, n := range names {
			if !managedPolicyAllows(t, n, a.Action) {
				t.Errorf("K3 demands %s, which %s does not grant: a role following the guide would fail", a.Action, n)
			}
		}
		if a.On != "api" {
			t.Errorf("K3 %s is asked on %q, want api (\"*\")", a.Action, a.On)
		}
	}
	for src := range policies {
		if !seen[src] {
			t.Errorf("K3 demands nothing for %s", src)
		}
	}
}

// managedPolicyAllows asks the authorization index whether a role with only
// the AWS managed policy name attached may perform action on "*" (the
// index holds the managed documents, analyzer/authz/awsmanaged).
func managedPolicyAllows(t *testing.T, name, action string) bool {
	t.Helper()
	role := "arn:aws:iam::222222222222:role/skyformation"
	ix, err := authz.NewIndex(&snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Accounts: []snapshot.Account{{
		ID:    "222222222222",
		Roles: []snapshot.Role{{Name: "skyformation", ARN: role, AttachedPolicyARNs: []string{"arn:aws:iam::aws:policy/" + name}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return ix.Authorize(authz.Request{Principal: role, Action: action, Resource: "*"}).Decision == authz.Allowed
}

// matchesAny: some pattern of patterns (IAM's * wildcard) matches action.
func matchesAny(patterns []string, action string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, action); ok {
			return true
		}
	}
	return false
}

// anyMatched: the guide's pattern g is met by some demanded action.
func anyMatched(g string, demanded []string) bool {
	for _, d := range demanded {
		if ok, _ := path.Match(g, d); ok {
			return true
		}
	}
	return false
}

func TestRulesAreCatalogIDs(t *testing.T) {
	ids, err := os.ReadFile("../catalog_ids.txt")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, l := range strings.Split(string(ids), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			known[l] = true
		}
	}
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range ps {
		for _, s := range p.Steps {
			if !known[s.Rule] {
				t.Errorf("%s step %s: rule %q is not a catalog ID", name, s.ID, s.Rule)
			}
		}
	}
}

func TestValidateRejectsTypos(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Profile
	}{
		{"file name", Profile{Profile: "expell", Delivery: Delivery{NotificationFormat: "any"}}},
		{"format", Profile{Profile: "expel", Delivery: Delivery{NotificationFormat: "sns"}}},
		{"requirement", Profile{Profile: "expel", Delivery: Delivery{NotificationFormat: "any"}, Steps: []Step{{ID: "E1", Title: "t", Rule: "ID01", Require: map[string]json.RawMessage{"role_nmae": nil}}}}},
		{"duplicate step", Profile{Profile: "expel", Delivery: Delivery{NotificationFormat: "any"}, Steps: []Step{{ID: "E1", Title: "t", Rule: "ID01"}, {ID: "E1", Title: "t", Rule: "ID01"}}}},
		{"dangling step", Profile{Profile: "expel", Delivery: Delivery{NotificationFormat: "any", RawStep: "E6"}}},
	} {
		if err := tc.p.validate("expel"); err == nil {
			t.Errorf("%s: validate accepted %+v", tc.name, tc.p)
		}
	}
}

func TestDataShape(t *testing.T) {
	d, err := Data()
	if err != nil {
		t.Fatal(err)
	}
	expel := d["expel"].(map[string]any)
	if expel["delivery"].(map[string]any)["raw_message_delivery"] != true {
		t.Errorf("expel delivery = %v", expel["delivery"])
	}
}
