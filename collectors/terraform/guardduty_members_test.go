package terraform

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// The organization's GuardDuty administration as a landing zone plans it:
// aws_guardduty_organization_admin_account registers the delegated
// administrator for guardduty.amazonaws.com; the administrator's
// aws_guardduty_organization_configuration says which members GuardDuty
// enables itself, its datasources (true: the plan is enabled in them) and
// aws_guardduty_organization_configuration_feature (overriding the
// datasources) which protection plans they get
// (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/guardduty_organization_configuration,
// https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html).
func TestGuardDutyOrganizationConfiguration(t *testing.T) {
	const det = "12abc34d567e8fa901bc2d34e56789f0"
	detector := map[string]any{"id": det, "enable": true, "finding_publishing_frequency": "FIFTEEN_MINUTES"}
	s3 := func(on bool) []any {
		return []any{map[string]any{"s3_logs": []any{map[string]any{"auto_enable": on}}}}
	}
	for _, c := range []struct {
		name  string
		org   map[string]any
		extra []map[string]any
		want  *snapshot.DetectorOrgConfiguration
	}{
		{"all with s3", map[string]any{"detector_id": det, "auto_enable_organization_members": "ALL", "datasources": s3(true)}, nil,
			&snapshot.DetectorOrgConfiguration{AutoEnableOrganizationMembers: "ALL", Features: []snapshot.OrgFeature{{Name: "S3_DATA_EVENTS", AutoEnable: "NEW"}}}},
		{"s3 off", map[string]any{"detector_id": det, "auto_enable_organization_members": "ALL", "datasources": s3(false)}, nil,
			&snapshot.DetectorOrgConfiguration{AutoEnableOrganizationMembers: "ALL", Features: []snapshot.OrgFeature{{Name: "S3_DATA_EVENTS", AutoEnable: "NONE"}}}},
		// The older auto_enable "applies to only new member accounts".
		{"legacy auto_enable", map[string]any{"detector_id": det, "auto_enable": true}, nil,
			&snapshot.DetectorOrgConfiguration{AutoEnableOrganizationMembers: "NEW"}},
		{"feature overrides datasources", map[string]any{"detector_id": det, "auto_enable_organization_members": "ALL", "datasources": s3(false)},
			[]map[string]any{change("aws_guardduty_organization_configuration_feature.s3", "", "aws_guardduty_organization_configuration_feature", "s3", nil, "create",
				map[string]any{"detector_id": det, "name": "S3_DATA_EVENTS", "auto_enable": "ALL"}, nil)},
			&snapshot.DetectorOrgConfiguration{AutoEnableOrganizationMembers: "ALL", Features: []snapshot.OrgFeature{{Name: "S3_DATA_EVENTS", AutoEnable: "ALL"}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			changes := append([]map[string]any{
				change("aws_guardduty_detector.admin", "", "aws_guardduty_detector", "admin", nil, "no-op", detector, nil),
				change("aws_guardduty_organization_configuration.org", "", "aws_guardduty_organization_configuration", "org", nil, "create", c.org, nil),
				change("aws_guardduty_organization_admin_account.sec", "", "aws_guardduty_organization_admin_account", "sec", nil, "create",
					map[string]any{"admin_account_id": "222222222222"}, nil),
			}, c.extra...)
			s := parsePlan(t, plan(t, changes, nil))
			d := s.Accounts[0].Detectors[0]
			if d.Partial || d.OrganizationConfiguration == nil {
				t.Fatalf("detector = %+v, want the declared one with its organization configuration", d)
			}
			got := *d.OrganizationConfiguration
			got.Location = nil
			if diff := cmp.Diff(*c.want, got); diff != "" {
				t.Errorf("organization configuration (-want +got):\n%s", diff)
			}
			wantAdmins := []snapshot.DelegatedAdministrator{{AccountID: "222222222222", ServicePrincipal: "guardduty.amazonaws.com"}}
			if s.Organization == nil || !cmp.Equal(s.Organization.DelegatedAdministrators, wantAdmins) {
				t.Errorf("organization = %+v, want GuardDuty delegated to 222222222222", s.Organization)
			}
			for _, n := range s.NotModeled {
				t.Errorf("not judged: %+v (the organization resources are modeled)", n)
			}
		})
	}
}
