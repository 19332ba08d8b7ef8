package terraform

import (
	"cmp"
	"slices"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// GuardDuty's administrator/member relationship as a plan declares it:
// aws_guardduty_member on the administrator's detector (invite = true
// sends the invitation), aws_guardduty_invite_accepter on the member's
// (it accepts master_account_id's invitation). GD01 reads Invited plus an
// accepted administrator as the Enabled relationship ListMembers reports
// (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/guardduty_member,
// .../guardduty_invite_accepter).
//
// In an organization the administrator is delegated instead
// (aws_guardduty_organization_admin_account, in the management account:
// Organizations then lists it as guardduty.amazonaws.com's delegated
// administrator) and enables the members itself through its organization
// configuration (aws_guardduty_organization_configuration and
// aws_guardduty_organization_configuration_feature, in the administrator's
// account; https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html).

func init() {
	for _, h := range []struct {
		typ string
		h   func(*builder, *instance)
	}{
		{"aws_guardduty_member", (*builder).guardDutyMember},
		{"aws_guardduty_invite_accepter", (*builder).guardDutyInviteAccepter},
		{"aws_guardduty_organization_admin_account", (*builder).guardDutyOrgAdmin},
		{"aws_guardduty_organization_configuration", (*builder).guardDutyOrgConfiguration},
		{"aws_guardduty_organization_configuration_feature", (*builder).guardDutyOrgFeature},
	} {
		handlers[h.typ] = h.h
		buildOrder = append(buildOrder, h.typ)
	}
	delete(notModeledTypes, "aws_guardduty_member")
	delete(notModeledTypes, "aws_guardduty_organization_admin_account")
	delete(notModeledTypes, "aws_guardduty_organization_configuration")
}

func (b *builder) guardDutyMember(in *instance) {
	v := b.top(in)
	d := b.detectorFor(v, in)
	status := "Created"
	if v.boolean("invite", false) {
		status = "Invited"
	}
	d.Members = append(d.Members, snapshot.DetectorMember{AccountID: b.s(v, "account_id"), RelationshipStatus: status})
}

func (b *builder) guardDutyInviteAccepter(in *instance) {
	v := b.top(in)
	b.detectorFor(v, in).AdministratorAccountID = b.s(v, "master_account_id")
}

// guardDutyServicePrincipal is the service principal GuardDuty's delegated
// administrator is registered for in Organizations
// (EnableOrganizationAdminAccount registers it there).
const guardDutyServicePrincipal = "guardduty.amazonaws.com"

func (b *builder) guardDutyOrgAdmin(in *instance) {
	v := b.top(in)
	o := b.ensureOrg(in)
	o.DelegatedAdministrators = append(o.DelegatedAdministrators,
		snapshot.DelegatedAdministrator{AccountID: b.s(v, "admin_account_id"), ServicePrincipal: guardDutyServicePrincipal})
}

// orgConfigurationOf is the organization configuration of the detector an
// organization resource's detector_id names, made on first use.
func (b *builder) orgConfigurationOf(v view, in *instance) *snapshot.DetectorOrgConfiguration {
	d := b.detectorFor(v, in)
	if d.OrganizationConfiguration == nil {
		d.OrganizationConfiguration = &snapshot.DetectorOrgConfiguration{Location: b.loc(in)}
	}
	return d.OrganizationConfiguration
}

func (b *builder) guardDutyOrgConfiguration(in *instance) {
	v := b.top(in)
	oc := b.orgConfigurationOf(v, in)
	oc.Location = b.loc(in)
	// Either argument is set, never both; the provider computes the
	// other one, unknown in a plan that creates the configuration.
	members, legacy := v.n.get("auto_enable_organization_members"), v.n.get("auto_enable")
	switch {
	case !members.unknown() && members.v != nil:
		oc.AutoEnableOrganizationMembers = b.s(v, "auto_enable_organization_members")
	case !legacy.unknown() && legacy.v != nil:
		// The older flag "applies to only new member accounts"
		// (UpdateOrganizationConfiguration, AutoEnable).
		oc.AutoEnableOrganizationMembers = "NONE"
		if v.boolean("auto_enable", false) {
			oc.AutoEnableOrganizationMembers = "NEW"
		}
	default:
		oc.AutoEnableOrganizationMembers = b.s(v, "auto_enable_organization_members")
	}
	ds, ok := v.block("datasources")
	if !ok {
		return
	}
	// The older DataSources say whether each plan is auto-enabled in the
	// members GuardDuty enables (true) or not (false); the newer Features
	// say so as NEW/ALL/NONE. A member the configuration enables gets
	// the plans it auto-enables, so true reads as the members' setting.
	auto := func(on bool) string {
		if on {
			return "NEW"
		}
		return "NONE"
	}
	if s3, ok := ds.block("s3_logs"); ok && s3.known("auto_enable") {
		setOrgFeature(oc, snapshot.OrgFeature{Name: snapshot.FeatureS3DataEvents, AutoEnable: auto(s3.boolean("auto_enable", false))})
	}
	if k, ok := ds.block("kubernetes"); ok {
		if al, ok := k.block("audit_logs"); ok && al.known("enable") {
			setOrgFeature(oc, snapshot.OrgFeature{Name: snapshot.FeatureEKSAuditLogs, AutoEnable: auto(al.boolean("enable", false))})
		}
	}
}

// guardDutyOrgFeature is one protection plan of the organization
// configuration; it overrides what the configuration's datasources say.
func (b *builder) guardDutyOrgFeature(in *instance) {
	v := b.top(in)
	setOrgFeature(b.orgConfigurationOf(v, in), snapshot.OrgFeature{Name: b.s(v, "name"), AutoEnable: b.s(v, "auto_enable")})
}

func setOrgFeature(oc *snapshot.DetectorOrgConfiguration, f snapshot.OrgFeature) {
	for i := range oc.Features {
		if oc.Features[i].Name == f.Name {
			oc.Features[i] = f
			return
		}
	}
	oc.Features = append(oc.Features, f)
	slices.SortFunc(oc.Features, func(x, y snapshot.OrgFeature) int { return cmp.Compare(x.Name, y.Name) })
}
