package kmssrv

import (
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
func (s *Server) authorize(c awstest.Caller, action string, key *snapshot.Key, encryptionContext map[string]string) *awstest.APIError {
	role := s.w.CallerRole(c.PrincipalARN)
	if grantAllows(key, c.PrincipalARN, role, action) {
		return nil
	}
	// The assembly knows the key policy, that RCPs do not bind AWS managed
	// keys, and key-policy semantics.
	req := awstest.Authorization{Caller: c, Action: action, Resource: key.ARN,
		Context: map[string][]string{"kms:CallerAccount": {c.Account}}}
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
	res, ae := s.decide(req)
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
func (s *Server) Authorize(c awstest.Caller, action, resourceARN string, context map[string][]string) *awstest.APIError {
	res, ae := s.decide(awstest.Authorization{Caller: c, Action: action, Resource: resourceARN, Context: context})
	if ae != nil {
		return ae
	}
	if res.Decision == iam.Allowed {
		return nil
	}
	return awstest.Errorf(403, "AccessDenied", "User: %s is not authorized to perform: %s on resource: \"%s\" %s",
		c.PrincipalARN, action, resourceARN, because(res, action))
}

// decide asks the World, which assembles the policies and the request
// context as every loopback server does; a policy the evaluator cannot
// parse is a server-side fault.
func (s *Server) decide(a awstest.Authorization) (iam.Result, *awstest.APIError) {
	res, err := s.w.Authorize(a)
	if err != nil {
		return iam.Result{}, &awstest.APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true}
	}
	return res, nil
}

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
