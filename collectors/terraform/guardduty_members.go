package terraform

import "github.com/trailgate/trailgate/collectors/snapshot"

// GuardDuty's administrator/member relationship as a plan declares it:
// aws_guardduty_member on the administrator's detector (invite = true
// sends the invitation), aws_guardduty_invite_accepter on the member's
// (it accepts master_account_id's invitation). GD01 reads Invited plus an
// accepted administrator as the Enabled relationship ListMembers reports
// (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/guardduty_member,
// .../guardduty_invite_accepter).

func init() {
	for _, h := range []struct {
		typ string
		h   func(*builder, *instance)
	}{
		{"aws_guardduty_member", (*builder).guardDutyMember},
		{"aws_guardduty_invite_accepter", (*builder).guardDutyInviteAccepter},
	} {
		handlers[h.typ] = h.h
		buildOrder = append(buildOrder, h.typ)
	}
	delete(notModeledTypes, "aws_guardduty_member")
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
