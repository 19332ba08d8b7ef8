package awstest

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Authorization is one question a server asks on a caller's behalf: may
// Caller perform Action on Resource? stssrv (AssumeRole), kmssrv (key use)
// and s3srv (through kmssrv.Server.Authorize) all ask it through
// World.Authorize.
type Authorization struct {
	Caller Caller
	Action string
	// Resource is the ARN acted on: a bucket or object, a key, a role (for
	// sts:AssumeRole). The World finds its policy, owner and region in the
	// snapshot as analyzer/authz finds them.
	Resource string
	// Context holds the service's own keys (sts:ExternalId,
	// kms:ViaService, s3:prefix …); a key given here wins over the keys
	// the assembly derives.
	Context map[string][]string
}

// Authorize evaluates a with trailgate's IAM evaluator as AWS would, on the
// policy set analyzer/authz assembles for the same question (Assemble):
// the servers and the analyzer consult the same policies with the same
// request context, so that a test against the servers is a test of what
// the analyzer would conclude. An error means the snapshot holds a policy
// the evaluator cannot parse.
func (w *World) Authorize(a Authorization) (iam.Result, error) {
	asm, err := w.Assemble(a)
	if err != nil {
		return iam.Result{}, err
	}
	return iam.Evaluate(asm.Request, asm.Set), nil
}

// operatorPolicy is the identity policy of a caller the World does not
// describe: the test's own operator (see Assemble).
var operatorPolicy = func() *iam.Policy {
	p, err := iam.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), iam.KindIdentity)
	if err != nil {
		panic(err) // a constant document
	}
	return p
}()

// Assemble is the question Authorize evaluates: analyzer/authz's assembly
// (Index.Assemble) of the World's snapshot, with what only a server knows
// on top. Three decisions, each tested:
//
//   - aws:RequestedRegion is the region of the endpoint the caller
//     signed for, not the resource's: AWS sets it to the region the
//     request was sent to
//     (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion).
//     The analyzer, which has no request, takes the resource's region,
//     where a reader's call goes (TestRequestedRegionIsTheEndpoints).
//   - A caller the snapshot does not describe that is an IAM user (the
//     test's operator, registered with Identities.Add: an admin, an
//     auditor, a vendor's user) has identity policies the World does not
//     model; they are taken to allow everything, as authz takes those of
//     a principal outside its input. SCPs, RCPs and resource policies
//     still apply. A role session whose role the snapshot lacks gets no
//     identity policy, so it is denied, as AWS denies a role that does
//     not exist (TestUndescribedCallers).
//   - The policies are those of the snapshot when the World first
//     authorizes, fixed as the analyzer's index is fixed per run; a test
//     that changes the world after that does it through Update, which
//     the next question sees (TestUpdateReassembles).
//
// The fourth difference, RCPFullAWSAccess, is a fact of the world:
// Complete lists it where AWS attaches it.
func (w *World) Assemble(a Authorization) (authz.Assembly, error) {
	ix, err := w.index()
	if err != nil {
		return authz.Assembly{}, err
	}
	ctx := map[string][]string{}
	if a.Caller.Region != "" {
		ctx["aws:RequestedRegion"] = []string{a.Caller.Region}
	}
	for k, v := range a.Context {
		ctx[k] = v
	}
	asm := ix.Assemble(authz.Request{Principal: a.Caller.PrincipalARN, Action: a.Action, Resource: a.Resource, Context: ctx})
	if len(asm.Malformed) > 0 {
		return authz.Assembly{}, fmt.Errorf("%s: the evaluator cannot parse it", strings.Join(asm.Malformed, ", "))
	}
	if isUser(a.Caller.PrincipalARN) {
		asm.Set.Identity, asm.Set.Boundaries = []*iam.Policy{operatorPolicy}, nil
	}
	return asm, nil
}

// isUser reports an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME).
func isUser(principal string) bool {
	a, err := arn.Parse(principal)
	return err == nil && a.Service == "iam" && strings.HasPrefix(a.Resource, "user/")
}

// index is the authorization index of the World's snapshot, built on the
// first question and kept until Update.
func (w *World) index() (*authz.Index, error) {
	w.ixMu.Lock()
	defer w.ixMu.Unlock()
	if w.ix == nil {
		ix, err := authz.NewIndex(w.Snapshot)
		if err != nil {
			return nil, err
		}
		w.ix = ix
	}
	return w.ix, nil
}

// Update changes the World's snapshot with change, completes it (Complete)
// and has the next authorization assemble its policies anew. A test that
// changes the world while its servers run calls it rather than writing the
// snapshot directly.
func (w *World) Update(change func(*snapshot.Snapshot)) {
	w.ixMu.Lock()
	defer w.ixMu.Unlock()
	change(w.Snapshot)
	Complete(w.Snapshot)
	w.ix = nil
}

// InOrganization says whether account belongs to org (as a member or as
// its management account).
func InOrganization(org *snapshot.Organization, account string) bool {
	_, member := org.Ancestors(account)
	return member
}

// CallerRole finds the snapshot role behind a role ARN or an assumed-role
// session ARN (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION); nil when
// the principal is not a role the snapshot describes.
func (w *World) CallerRole(principal string) *snapshot.Role {
	a, err := arn.Parse(principal)
	if err != nil {
		return nil
	}
	name := ""
	switch {
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		name = strings.Split(a.Resource, "/")[1]
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		name = a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	default:
		return nil
	}
	acct := w.Account(a.AccountID)
	if acct == nil {
		return nil
	}
	for i := range acct.Roles {
		if acct.Roles[i].Name == name {
			return &acct.Roles[i]
		}
	}
	return nil
}
