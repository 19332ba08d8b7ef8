package cfn

// This file reads GuardDuty's administrator/member relationship as
// templates declare it: AWS::GuardDuty::Member in the administrator
// account adds (and with Status Invited, invites) a member account to the
// administrator's detector; AWS::GuardDuty::Master in the member account
// accepts that invitation for the member's detector
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-guardduty-member.html,
// .../aws-resource-guardduty-master.html). An administrator exports the
// findings of its enabled members in its Region
// (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html),
// which rule GD01 judges from both halves.

import "github.com/trailgate/trailgate/collectors/snapshot"

func init() {
	knownProperties["AWS::GuardDuty::Member"] = []string{"DetectorId", "DisableEmailNotification", "Email", "MemberId", "Message", "Status"}
	knownProperties["AWS::GuardDuty::Master"] = []string{"DetectorId", "InvitationId", "MasterId"}
	attributes["AWS::GuardDuty::Member"] = []string{}
	attributes["AWS::GuardDuty::Master"] = []string{}
}

// guardDutyMember records a member account on the administrator's
// detector. Its relationship is the Status CloudFormation sets: Created
// (the default: created, not invited) or Invited; the member's
// AWS::GuardDuty::Master accepting the invitation makes it Enabled, which
// GD01 reads from the member's detector (AdministratorAccountID).
func (b *builder) guardDutyMember(r *resource, p props) error {
	rd := p.read()
	det := rd.str("DetectorId")
	member := rd.str("MemberId")
	if rd.err != nil {
		return rd.err
	}
	if member == "" {
		return p.fail(r.line, "%s: MemberId is required", r.id)
	}
	status, err := p.str("Status")
	if err != nil {
		return err
	}
	switch status {
	case "":
		status = "Created"
	case "Created", "Invited":
	default:
		return p.fail(r.line, "%s: Status must be Created or Invited, not %q", r.id, status)
	}
	if det == "" {
		// DetectorId is optional: CloudFormation uses the account's
		// detector in the Region, which the template may not declare.
		det = b.t.unknown("the administrator's detector in "+b.t.region+" ("+r.id+" names none)", r.line)
	}
	d := b.detectorFor(det, p, r.line)
	d.Members = append(d.Members, snapshot.DetectorMember{AccountID: member, RelationshipStatus: status})
	return nil
}

// guardDutyMaster records, on the member's detector, the administrator
// whose invitation it accepts.
func (b *builder) guardDutyMaster(r *resource, p props) error {
	det, err := p.requiredStr("DetectorId")
	if err != nil {
		return err
	}
	admin, err := p.requiredStr("MasterId")
	if err != nil {
		return err
	}
	b.detectorFor(det, p, r.line).AdministratorAccountID = admin
	return nil
}
