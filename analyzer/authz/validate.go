package authz

import (
	"errors"
	"fmt"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// PolicyProblem is a policy document of the snapshot that AWS would refuse
// (MalformedPolicyDocument): the index keeps it as granting nothing, which
// is what AWS does with a document it never accepted, but for a document
// written in IaC it means the template or plan would fail to deploy, and
// judging the rest as if it had deployed would be judging a fiction.
type PolicyProblem struct {
	// Resource is the resource the policy belongs to: a bucket name, a
	// key, topic, queue, role or managed policy ARN, an SCP or RCP ID.
	Resource string
	// Policy names the document as explanations do ("bucket policy of
	// logs", "inline policy Reader of role ExpelRole").
	Policy string
	// Kind is the grammar the document was parsed with, the one the index
	// parses it with.
	Kind iam.Kind
	// Statement is the zero-based index of the faulty statement, -1 when
	// the fault is in the document as a whole; Sid is its Sid, if any.
	Statement int
	Sid       string
	// Location is where the faulty statement is written when the IaC
	// collector knows it, else where the document is, else where its
	// resource is; nil for a live document.
	Location *snapshot.Location
	// Msg is the evaluator's message, AWS's own wording where AWS has one.
	Msg string
	// Hint says the fault in the author's terms where Msg does not.
	Hint string
}

// FromIaC reports whether the document was written in an IaC file (rather
// than read from AWS, which accepted it).
func (p PolicyProblem) FromIaC() bool { return p.Location != nil && p.Location.File != "" }

// String is `FILE:LINE: RESOURCE: statement N (Sid "X"): MESSAGE` for an
// IaC document, with RESOURCE its logical ID or Terraform address; a live
// document is named by its resource and policy instead of a file.
func (p PolicyProblem) String() string {
	if !p.FromIaC() {
		return fmt.Sprintf("%s: %s", p.Policy, p.Detail())
	}
	where := p.Location.Address
	if where == "" {
		where = p.Resource
	}
	return snapshot.ErrorText(p.Location.File, p.Location.Line, where, p.Detail())
}

// Detail is the statement and the message: `statement N (Sid "X"): MESSAGE`,
// or the message alone for a fault in the document as a whole.
func (p PolicyProblem) Detail() string {
	return (&iam.PolicyError{Statement: p.Statement, Sid: p.Sid, Msg: p.Msg, Hint: p.Hint}).Error()
}

// Validate parses every policy document of the snapshot with the grammar
// the index uses for it (bucket, key, topic and queue policies as resource
// policies; role trust policies as trust policies; inline and managed
// policies, boundaries included, as identity policies; SCPs and RCPs as
// such) and returns those AWS would refuse, in snapshot order. Documents
// holding a value an IaC collector could not resolve are skipped: AWS never
// sees them as they stand, so they are unknown, not malformed. A run that
// also answers questions builds the index once and reads its Problems
// instead: the same parse.
func Validate(snap *snapshot.Snapshot) []PolicyProblem {
	if snap == nil {
		return nil
	}
	ix, err := NewIndex(snap)
	if err != nil {
		return nil
	}
	return ix.Problems()
}

// newProblem describes a document AWS would refuse for err: located at its
// faulty statement when the IaC collector knows where that is, else at the
// document, else at its resource (resLoc).
func newProblem(resource, name string, kind iam.Kind, pol *snapshot.Policy, resLoc *snapshot.Location, err error) PolicyProblem {
	p := PolicyProblem{Resource: resource, Policy: name, Kind: kind, Statement: -1, Msg: err.Error()}
	var pe *iam.PolicyError
	if errors.As(err, &pe) {
		p.Statement, p.Sid, p.Msg, p.Hint = pe.Statement, pe.Sid, pe.Msg, pe.Hint
	}
	switch {
	case p.Statement >= 0 && p.Statement < len(pol.StatementLocations):
		l := pol.StatementLocations[p.Statement]
		p.Location = &l
	case pol.Location != nil:
		l := *pol.Location
		p.Location = &l
	case resLoc != nil:
		l := *resLoc
		p.Location = &l
	}
	if p.Location != nil && p.Location.Address == "" && resLoc != nil {
		p.Location.Address = resLoc.Address
	}
	return p
}
