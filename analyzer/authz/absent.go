package authz

import (
	"fmt"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Principals absent from the input. A role or user of an account the input
// holds, but not among its principals, does not exist only when the
// account's principals were listed whole: a live collection whose IAM
// listing (GetAccountAuthorizationDetails) succeeded, or a hand-written
// fixture snapshot, which stands for one. A template or plan declares
// some of an account's principals only (a platform team often manages
// roles in another stack), and a live account whose listing failed holds
// a gap, not an answer: there the principal's identity policies are not
// in the input, and only a denial by the other layers can be proven.

// iamGaps maps each account of s whose principals are not known whole to
// why ("" for none): the accounts of a template or plan, and the live
// accounts whose IAM listing or collection did not finish. An IaC overlay
// keeps its base's source (snapshot.Overlay), so a live account keeps its
// listing under the template's resources; an account only the overlay
// holds (Account.FromIaC: a template for an account the collection did
// not reach) is a template's account.
func iamGaps(s *snapshot.Snapshot) map[string]string {
	gaps := map[string]string{}
	iac := s.IsIaC()
	for _, a := range s.Accounts {
		if iac || a.FromIaC {
			gaps[a.ID] = "" // the input's name says why
		}
	}
	for _, ce := range s.CollectionErrors {
		switch {
		case ce.Service == "iam" && ce.Operation == "GetAccountAuthorizationDetails" && ce.Resource == "":
			// The listing itself failed (a document it returned that is
			// not JSON names its principal in Resource: the listing went on).
			gaps[ce.Account] = "listing the IAM principals of account " + ce.Account + " failed (" + ce.Code + ")"
		case ce.Service == "sts" && ce.Operation == "AssumeRole":
			gaps[ce.Account] = "account " + ce.Account + " could not be entered (" + ce.Code + ")"
		case ce.Service == notCollectedService && ce.Region == "" && ce.Account != "":
			gaps[ce.Account] = "account " + ce.Account + " was not read whole (" + ce.Code + ")"
		}
	}
	return gaps
}

// PrincipalGaps lists the accounts of the snapshot whose roles and users
// are not known whole, with why ("" for an account of a template or plan):
// a principal of such an account absent from the input may exist, and
// rules must not report it missing. The map is the index's: read only.
func (ix *Index) PrincipalGaps() map[string]string { return ix.iamGaps }

// notCollectedService is the service of the live collector's records that
// an account or region was not read whole (live.NotCollectedService).
const notCollectedService = "trailgate"

// absentPrincipal answers for a role or user (kind, ARN arn, "" to derive
// it) of an account the index holds, the principal not among its own: it does not exist when the account's principals are
// known whole; otherwise its identity policies are not in the input, and
// they are taken to allow, as those of a principal outside the input,
// with the answer an allow cannot prove (a denial by the other layers
// stands whatever they say).
func (ix *Index) absentPrincipal(q *question, p caller, kind, arn string) {
	ix.addAccountSCPs(q, p.account)
	why, gap := ix.iamGaps[p.account]
	if arn == "" {
		arn = fmt.Sprintf("arn:%s:iam::%s:%s/%s", ix.partition, p.account, kind, p.roleName)
	}
	if !gap {
		q.notes = append(q.notes, fmt.Sprintf("identity: %s %s does not exist in account %s", kind, p.roleName, p.account))
		return
	}
	q.set.Identity = []*iam.Policy{allowEverything}
	q.identityRefs = []string{""}
	what := ix.absentWhat(kind, p.roleName, why)
	q.notes = append(q.notes, "identity: "+what+"; its identity policies are taken to allow")
	// A layer absent from the input that can only take away, as a
	// missing permissions boundary (addIdentity).
	q.boundaryMissing = what
	q.addCauses(what, Cause{Key: "missing:" + arn, What: what, Resource: arn})
}

// absentWhat says that principal kind/name is not in the input, and why
// that is a gap (why: "" for a template or plan).
func (ix *Index) absentWhat(kind, name, why string) string {
	if why != "" {
		return fmt.Sprintf("%s %s is not in %s: %s; collect it again once that is fixed", kind, name, ix.inputName, why)
	}
	return fmt.Sprintf("%s %s is not in %s; give the stack or plan that creates it, or a snapshot from trailgate collect", kind, name, ix.inputName)
}

// absentTrust notes, for an sts: request on role roleARN (account,
// name) that the index does not hold, that its trust policy is missing
// when the account's principals are not known whole: one cause with the
// role's identity side (absentPrincipal), so that the assume-role question
// and the role's own are one unproven finding. Where the account is known
// whole the role does not exist, and no trust policy allows.
func (ix *Index) absentTrust(q *question, roleARN, account, name string) {
	why, gap := ix.iamGaps[account]
	if !gap {
		return
	}
	what := ix.absentWhat("role", name, why)
	q.notes = append(q.notes, "resource: "+what)
	q.missing = append(q.missing, "the trust policy of "+roleARN)
	q.addCauses("the trust policy of "+roleARN, Cause{Key: "missing:" + roleARN, What: what, Resource: roleARN})
}
