package kmssrv

import (
	"fmt"
	"strings"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// authorize decides whether the caller may perform action on key, the way
// KMS does: a grant for the caller and operation suffices; otherwise the key
// policy, the caller's identity policies and boundary, and the
// organization's SCPs and RCPs are evaluated with key-policy semantics
// (https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html).
// A refusal is KMS's AccessDeniedException with KMS's wording of the reason.
func (s *Server) authorize(c awstest.Caller, action string, key *snapshot.Key, owner string, encryptionContext map[string]string) *awstest.APIError {
	role := s.role(c.PrincipalARN)
	if grantAllows(key, c.PrincipalARN, role, action) {
		return nil
	}
	req := iam.Request{
		Principal:       c.PrincipalARN,
		Action:          action,
		Resource:        key.ARN,
		ResourceAccount: owner,
		Context: map[string][]string{
			"kms:CallerAccount": {c.Account},
		},
	}
	for k, v := range encryptionContext {
		req.Context["kms:EncryptionContext:"+k] = []string{v}
	}
	if len(encryptionContext) > 0 {
		keys := make([]string, 0, len(encryptionContext))
		for k := range encryptionContext {
			keys = append(keys, k)
		}
		req.Context["kms:EncryptionContextKeys"] = keys
	}
	if c.Service == "s3" {
		// S3 calls KMS on the caller's behalf
		// (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
		req.Context["kms:ViaService"] = []string{"s3." + c.Region + ".amazonaws.com"}
	}
	res, ae := s.decide(c, req, key.Policy, iam.ResourceKMSKey)
	if ae != nil {
		return ae
	}
	if res.Decision == iam.Allowed {
		return nil
	}
	return awstest.Errorf(400, "AccessDeniedException", "User: %s is not authorized to perform: %s on resource: %s %s",
		c.PrincipalARN, action, key.ARN, because(res, action))
}

// Authorize decides a request on any resource with a resource-based policy
// (an S3 bucket, for s3srv): the caller's identity policies and boundary,
// the resource policy, and the organization's SCPs and RCPs, with AWS's
// cross-account rule that both the identity and the resource policy must
// allow. A refusal is AccessDenied (HTTP 403) worded as AWS words it.
func (s *Server) Authorize(c awstest.Caller, action, resourceARN, resourceAccount string, resourcePolicy *snapshot.Policy, context map[string][]string) *awstest.APIError {
	req := iam.Request{Principal: c.PrincipalARN, Action: action, Resource: resourceARN, ResourceAccount: resourceAccount, Context: context}
	res, ae := s.decide(c, req, resourcePolicy, iam.ResourceGeneric)
	if ae != nil {
		return ae
	}
	if res.Decision == iam.Allowed {
		return nil
	}
	return awstest.Errorf(403, "AccessDenied", "User: %s is not authorized to perform: %s on resource: \"%s\" %s",
		c.PrincipalARN, action, resourceARN, because(res, action))
}

// decide assembles every policy that applies to req and asks analyzer/iam.
func (s *Server) decide(c awstest.Caller, req iam.Request, resourcePolicy *snapshot.Policy, rtype iam.ResourceType) (iam.Result, *awstest.APIError) {
	internal := func(err error) (iam.Result, *awstest.APIError) {
		return iam.Result{}, &awstest.APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true}
	}
	set := iam.PolicySet{ResourceType: rtype}
	var err error
	if resourcePolicy != nil && len(resourcePolicy.Document) > 0 {
		if set.Resource, err = s.parse(req.Resource, resourcePolicy.Document, iam.KindResource); err != nil {
			return internal(fmt.Errorf("resource policy of %s: %v", req.Resource, err))
		}
	}
	if role := s.role(c.PrincipalARN); role != nil {
		if set.Identity, set.Boundaries, err = s.identityPolicies(role); err != nil {
			return internal(err)
		}
	} else if admin, err := s.parse("admin", []byte(adminPolicy), iam.KindIdentity); err == nil {
		// A principal the snapshot does not describe is a test's own
		// administrator (the caller that sets up or collects the world):
		// it gets AdministratorAccess, and the resource policy still decides.
		set.Identity = []*iam.Policy{admin}
	}
	if org := s.w.Snapshot.Organization; org != nil {
		// AWS sets the organization keys for principals and resources of
		// member accounts (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid).
		if req.Context == nil {
			req.Context = map[string][]string{}
		}
		for key, account := range map[string]string{"aws:PrincipalOrgID": c.Account, "aws:ResourceOrgID": req.ResourceAccount} {
			if _, given := req.Context[key]; !given && isMember(org, account) {
				req.Context[key] = []string{org.ID}
			}
		}
		set.PrincipalInManagementAccount = c.Account == org.ManagementAccountID
		set.ResourceInManagementAccount = req.ResourceAccount == org.ManagementAccountID
		if set.SCPs, err = s.levels(org, c.Account, snapshot.PolicyTypeSCP); err != nil {
			return internal(err)
		}
		if set.RCPs, err = s.levels(org, req.ResourceAccount, snapshot.PolicyTypeRCP); err != nil {
			return internal(err)
		}
	}
	return iam.Evaluate(req, set), nil
}

const rcpFullAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

const adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// because words the deciding step the way AWS ends its AccessDenied
// messages (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
func because(res iam.Result, action string) string {
	if res.Deciding < 0 || res.Deciding >= len(res.Explanation) {
		return "because no resource-based policy allows the " + action + " action"
	}
	d := res.Explanation[res.Deciding]
	kind := map[iam.StepKind]string{
		iam.StepSCP: "service control policy", iam.StepRCP: "resource control policy",
		iam.StepResource: "resource-based policy", iam.StepIdentity: "identity-based policy",
		iam.StepBoundary: "permissions boundary", iam.StepSession: "session policy",
		iam.StepVPCEndpoint: "VPC endpoint policy",
	}[d.Kind]
	if kind == "" {
		kind = "resource-based policy"
	}
	if res.Decision == iam.ExplicitlyDenied {
		return "with an explicit deny in a " + kind
	}
	return "because no " + kind + " allows the " + action + " action"
}

func grantAllows(key *snapshot.Key, principal string, role *snapshot.Role, action string) bool {
	op := strings.TrimPrefix(action, "kms:")
	for _, g := range key.Grants {
		if g.GranteePrincipal != principal && (role == nil || g.GranteePrincipal != role.ARN) {
			continue
		}
		for _, o := range g.Operations {
			if o == op {
				return true
			}
		}
	}
	return false
}

// role finds the snapshot role behind a role ARN or an assumed-role
// session ARN (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION).
func (s *Server) role(principal string) *snapshot.Role {
	a := s.w.Account(awstest.AccountOfARN(principal))
	if a == nil {
		return nil
	}
	name := ""
	parts := strings.SplitN(principal, ":", 6)
	if len(parts) == 6 {
		switch {
		case strings.HasPrefix(parts[5], "assumed-role/"):
			name = strings.Split(parts[5], "/")[1]
		case strings.HasPrefix(parts[5], "role/"):
			seg := strings.Split(parts[5], "/")
			name = seg[len(seg)-1]
		}
	}
	for i := range a.Roles {
		if name != "" && a.Roles[i].Name == name {
			return &a.Roles[i]
		}
	}
	return nil
}

func (s *Server) identityPolicies(r *snapshot.Role) (identity, boundaries []*iam.Policy, err error) {
	for _, p := range r.InlinePolicies {
		c, err := s.parse(r.ARN+"#"+p.Name, p.Document, iam.KindIdentity)
		if err != nil {
			return nil, nil, fmt.Errorf("inline policy %s of %s: %v", p.Name, r.ARN, err)
		}
		identity = append(identity, c)
	}
	for _, arn := range r.AttachedPolicyARNs {
		mp := s.managed(arn)
		if mp == nil {
			// An AWS managed policy absent from the snapshot: its grants
			// are unknown here, so it grants nothing.
			continue
		}
		c, err := s.parse(arn, mp.Document, iam.KindIdentity)
		if err != nil {
			return nil, nil, fmt.Errorf("managed policy %s: %v", arn, err)
		}
		identity = append(identity, c)
	}
	if r.PermissionsBoundaryARN != "" {
		mp := s.managed(r.PermissionsBoundaryARN)
		if mp == nil {
			return nil, nil, fmt.Errorf("permissions boundary %s of %s is not in the snapshot", r.PermissionsBoundaryARN, r.ARN)
		}
		c, err := s.parse(r.PermissionsBoundaryARN, mp.Document, iam.KindIdentity)
		if err != nil {
			return nil, nil, err
		}
		boundaries = append(boundaries, c)
	}
	return identity, boundaries, nil
}

func (s *Server) managed(arn string) *snapshot.ManagedPolicy {
	for i := range s.w.Snapshot.Accounts {
		for j := range s.w.Snapshot.Accounts[i].ManagedPolicies {
			if mp := &s.w.Snapshot.Accounts[i].ManagedPolicies[j]; mp.ARN == arn {
				return mp
			}
		}
	}
	return nil
}

// levels is the organization path of an account (root, each OU, the
// account) with the policies of one type attached at each level. A level
// with none listed is left out: AWS keeps at least one policy attached to
// every target while the type is enabled (FullAWSAccess, and
// RCPFullAWSAccess, which cannot be detached), so a snapshot that lists none
// there omits the default full-access one, which denies nothing
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
// A type that is not enabled contributes no level at all.
func (s *Server) levels(org *snapshot.Organization, account, typ string) ([]iam.Level, error) {
	enabled := false
	for _, t := range org.EnabledPolicyTypes {
		enabled = enabled || t == typ
	}
	for _, p := range org.Policies {
		enabled = enabled || p.Type == typ
	}
	if !enabled {
		return nil, nil
	}
	parent := map[string]string{}
	for _, ou := range org.OrganizationalUnits {
		parent[ou.ID] = ou.ParentID
	}
	member := false
	for _, m := range org.Members {
		if m.ID == account {
			parent[m.ID] = m.ParentID
			member = true
		}
	}
	if !member {
		return nil, nil
	}
	var path []string
	for id := account; id != ""; id = parent[id] {
		path = append([]string{id}, path...)
		if id == org.RootID || len(path) > 10 {
			break
		}
	}
	kind := iam.KindSCP
	if typ == snapshot.PolicyTypeRCP {
		kind = iam.KindRCP
	}
	var levels []iam.Level
	for _, target := range path {
		lv := iam.Level{Target: target}
		for _, p := range org.Policies {
			if p.Type != typ {
				continue
			}
			for _, t := range p.Targets {
				if t != target {
					continue
				}
				c, err := s.parse(p.ID, p.Document.Document, kind)
				if err != nil {
					return nil, fmt.Errorf("%s %s: %v", typ, p.ID, err)
				}
				lv.Policies = append(lv.Policies, c)
			}
		}
		if len(lv.Policies) == 0 {
			continue
		}
		if typ == snapshot.PolicyTypeRCP {
			// RCPFullAWSAccess is attached to every target and cannot be
			// detached, whether or not the snapshot lists it.
			full, err := s.parse("RCPFullAWSAccess", []byte(rcpFullAccess), iam.KindRCP)
			if err != nil {
				return nil, err
			}
			lv.Policies = append(lv.Policies, full)
		}
		levels = append(levels, lv)
	}
	return levels, nil
}

func isMember(org *snapshot.Organization, account string) bool {
	if account == org.ManagementAccountID {
		return true
	}
	for _, m := range org.Members {
		if m.ID == account {
			return true
		}
	}
	return false
}

// parse compiles a policy once per (name, kind).
func (s *Server) parse(name string, doc []byte, kind iam.Kind) (*iam.Policy, error) {
	id := fmt.Sprintf("%d|%s|%s", kind, name, doc)
	s.mu.Lock()
	p, ok := s.compiled[id]
	s.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := iam.ParsePolicy(doc, kind)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.compiled[id] = p
	s.mu.Unlock()
	return p, nil
}
