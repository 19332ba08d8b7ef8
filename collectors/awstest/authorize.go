package awstest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Authorization is one question a server asks on a caller's behalf: may
// Caller perform Action on Resource? stssrv (AssumeRole), kmssrv (key use)
// and s3srv (through kmssrv.Server.Authorize) all ask it through
// World.Authorize, so that they assemble policies and request context the
// same way.
type Authorization struct {
	Caller Caller
	Action string
	// Resource is the ARN acted on; ResourceAccount owns it (S3 ARNs carry
	// no account).
	Resource        string
	ResourceAccount string
	// ResourcePolicy is the bucket, key or trust policy; nil when none.
	ResourcePolicy *snapshot.Policy
	// ResourceType selects key-policy or trust-policy semantics; a trust
	// policy is parsed as one.
	ResourceType iam.ResourceType
	// Context holds the service's own keys (sts:ExternalId,
	// kms:ViaService, s3:prefix …); a key given here wins over the global
	// keys RequestContext derives.
	Context map[string][]string
	// ExemptFromRCPs is set for resources RCPs never bind: AWS managed KMS
	// keys
	// (https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html).
	ExemptFromRCPs bool
}

// adminPolicy is the identity policy of a caller the snapshot does not
// describe: the test's own administrator (the principal that sets up or
// collects the world). Its requests are then decided by the resource
// policy, SCPs and RCPs.
const adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// rcpFullAWSAccess is the AWS managed RCP that AWS attaches to the root,
// every OU and every account when RCPs are enabled, and that cannot be
// detached
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
const rcpFullAWSAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

// Authorize evaluates a with trailgate's IAM evaluator (analyzer/iam) as
// AWS would: the caller's identity policies and permissions boundary (or
// AdministratorAccess for a caller the snapshot does not describe), the
// resource policy, the SCPs above the caller's account and the RCPs above
// the resource's account, with the request context of RequestContext.
// An error means the snapshot holds a policy the evaluator cannot parse.
func (w *World) Authorize(a Authorization) (iam.Result, error) {
	ctx := w.RequestContext(a.Caller, a.ResourceAccount)
	for k, v := range a.Context {
		ctx[k] = v
	}
	req := iam.Request{Principal: a.Caller.PrincipalARN, Action: a.Action, Resource: a.Resource,
		ResourceAccount: a.ResourceAccount, Context: ctx}
	set := iam.PolicySet{ResourceType: a.ResourceType}
	var err error
	if p := a.ResourcePolicy; p != nil && len(p.Document) > 0 {
		kind := iam.KindResource
		if a.ResourceType == iam.ResourceRoleTrust {
			kind = iam.KindTrust
		}
		if set.Resource, err = w.policy(p.Document, kind); err != nil {
			return iam.Result{}, fmt.Errorf("resource policy of %s: %w", a.Resource, err)
		}
	}
	if set.Identity, set.Boundaries, err = w.identityPolicies(a.Caller.PrincipalARN); err != nil {
		return iam.Result{}, err
	}
	if org := w.Snapshot.Organization; org != nil {
		set.PrincipalInManagementAccount = a.Caller.Account == org.ManagementAccountID
		set.ResourceInManagementAccount = a.ResourceAccount == org.ManagementAccountID
		if set.SCPs, err = w.OrgLevels(a.Caller.Account, snapshot.PolicyTypeSCP); err != nil {
			return iam.Result{}, err
		}
		if !a.ExemptFromRCPs {
			if set.RCPs, err = w.OrgLevels(a.ResourceAccount, snapshot.PolicyTypeRCP); err != nil {
				return iam.Result{}, err
			}
		}
	}
	return iam.Evaluate(req, set), nil
}

// RequestContext is the global condition keys AWS puts in every request of
// caller on a resource of resourceAccount
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
// aws:PrincipalArn (a session's role, with the role's path), aws:PrincipalAccount,
// aws:PrincipalIsAWSService, aws:RequestedRegion, aws:ResourceAccount,
// aws:SecureTransport (the services' endpoints are reached over TLS) and,
// for accounts of the snapshot's organization, aws:PrincipalOrgID,
// aws:PrincipalOrgPaths, aws:ResourceOrgID and aws:ResourceOrgPaths, which
// data-perimeter SCPs and RCPs test.
func (w *World) RequestContext(c Caller, resourceAccount string) map[string][]string {
	ctx := map[string][]string{
		"aws:PrincipalAccount":      {c.Account},
		"aws:PrincipalIsAWSService": {"false"},
		"aws:SecureTransport":       {"true"},
	}
	if arn := c.PrincipalARN; arn != "" {
		ctx["aws:PrincipalArn"] = []string{arn}
		if r := w.CallerRole(arn); r != nil {
			ctx["aws:PrincipalArn"] = []string{r.ARN}
		}
	}
	if c.Region != "" {
		ctx["aws:RequestedRegion"] = []string{c.Region}
	}
	if resourceAccount != "" {
		ctx["aws:ResourceAccount"] = []string{resourceAccount}
	}
	w.Snapshot.Organization.OrgContext(ctx, c.Account, resourceAccount)
	return ctx
}

// OrgLevels is the organization path of account (the root, each OU, the
// account) with the policies of typ attached at each level, as analyzer/iam
// evaluates them: every level must allow. It is nil when the type is not in
// force (snapshot.Organization.PolicyTypeInForce) or the account is not a
// member. A level with no SCP listed denies (AWS keeps at least one SCP on
// every target, so a snapshot that lists none there says nothing is
// allowed); every RCP level
// carries RCPFullAWSAccess, which AWS attaches everywhere and never
// detaches, whether or not the snapshot lists it.
func (w *World) OrgLevels(account, typ string) ([]iam.Level, error) {
	org := w.Snapshot.Organization
	if !org.PolicyTypeInForce(typ) {
		return nil, nil
	}
	path, member := org.Ancestors(account)
	if !member {
		return nil, nil
	}
	path = append(path, account)
	kind := iam.KindSCP
	if typ == snapshot.PolicyTypeRCP {
		kind = iam.KindRCP
	}
	levels := make([]iam.Level, 0, len(path))
	for _, target := range path {
		lv := iam.Level{Target: target}
		for _, p := range org.Policies {
			if p.Type != typ || !slices.Contains(p.Targets, target) {
				continue
			}
			pol, err := w.policy(p.Document.Document, kind)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", typ, p.ID, err)
			}
			lv.Policies = append(lv.Policies, pol)
		}
		if typ == snapshot.PolicyTypeRCP {
			full, err := w.policy([]byte(rcpFullAWSAccess), iam.KindRCP)
			if err != nil {
				return nil, err
			}
			lv.Policies = append(lv.Policies, full)
		}
		levels = append(levels, lv)
	}
	return levels, nil
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
	parts := strings.SplitN(principal, ":", 6)
	if len(parts) != 6 {
		return nil
	}
	name := ""
	switch res := parts[5]; {
	case parts[2] == "sts" && strings.HasPrefix(res, "assumed-role/"):
		name = strings.Split(res, "/")[1]
	case parts[2] == "iam" && strings.HasPrefix(res, "role/"):
		name = res[strings.LastIndex(res, "/")+1:]
	default:
		return nil
	}
	a := w.Account(parts[4])
	if a == nil {
		return nil
	}
	for i := range a.Roles {
		if a.Roles[i].Name == name {
			return &a.Roles[i]
		}
	}
	return nil
}

// identityPolicies are the caller's identity policies and permissions
// boundary: a snapshot role's, or AdministratorAccess for a principal the
// snapshot does not describe (the test's own administrator).
func (w *World) identityPolicies(principal string) (identity, boundaries []*iam.Policy, err error) {
	r := w.CallerRole(principal)
	if r == nil {
		admin, err := w.policy([]byte(adminPolicy), iam.KindIdentity)
		return []*iam.Policy{admin}, nil, err
	}
	for _, p := range r.InlinePolicies {
		pol, err := w.policy(p.Document, iam.KindIdentity)
		if err != nil {
			return nil, nil, fmt.Errorf("inline policy %s of %s: %w", p.Name, r.ARN, err)
		}
		identity = append(identity, pol)
	}
	for _, arn := range r.AttachedPolicyARNs {
		mp := w.managedPolicy(arn)
		if mp == nil {
			// An AWS managed policy absent from the snapshot: its grants
			// are unknown here, so it grants nothing.
			continue
		}
		pol, err := w.policy(mp.Document, iam.KindIdentity)
		if err != nil {
			return nil, nil, fmt.Errorf("managed policy %s: %w", arn, err)
		}
		identity = append(identity, pol)
	}
	if b := r.PermissionsBoundaryARN; b != "" {
		mp := w.managedPolicy(b)
		if mp == nil {
			return nil, nil, fmt.Errorf("permissions boundary %s of %s is not in the snapshot", b, r.ARN)
		}
		pol, err := w.policy(mp.Document, iam.KindIdentity)
		if err != nil {
			return nil, nil, fmt.Errorf("permissions boundary %s: %w", b, err)
		}
		boundaries = append(boundaries, pol)
	}
	return identity, boundaries, nil
}

// managedPolicy finds a managed policy in any account of the snapshot (AWS
// managed ones, arn:aws:iam::aws:policy/…, are listed where attached).
func (w *World) managedPolicy(arn string) *snapshot.ManagedPolicy {
	for i := range w.Snapshot.Accounts {
		for j := range w.Snapshot.Accounts[i].ManagedPolicies {
			if mp := &w.Snapshot.Accounts[i].ManagedPolicies[j]; mp.ARN == arn {
				return mp
			}
		}
	}
	return nil
}

type policyKey struct {
	kind iam.Kind
	doc  string
}

// policy parses a document once per (kind, text) for the World's life.
func (w *World) policy(doc []byte, kind iam.Kind) (*iam.Policy, error) {
	key := policyKey{kind, string(doc)}
	if p, ok := w.compiled.Load(key); ok {
		return p.(*iam.Policy), nil
	}
	p, err := iam.ParsePolicy(doc, kind)
	if err != nil {
		return nil, err
	}
	w.compiled.Store(key, p)
	return p, nil
}
