package stssrv

import (
	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// decide evaluates AssumeRole as AWS does
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html):
// the role's trust policy must allow the caller (with sts:ExternalId in the
// request context when one is passed), the caller's own identity policies
// and permissions boundary must allow sts:AssumeRole on the role, the SCPs
// above the caller's account must not forbid it, nor the RCPs above the
// role's (awstest.World.Authorize assembles them).
func decide(w *awstest.World, role snapshot.Role, c awstest.Caller, externalID string) (bool, error) {
	a := awstest.Authorization{Caller: c, Action: "sts:AssumeRole", Resource: role.ARN}
	if externalID != "" {
		a.Context = map[string][]string{"sts:ExternalId": {externalID}}
	}
	res, err := w.Authorize(a)
	if err != nil {
		return false, err
	}
	return res.Decision == iam.Allowed, nil
}
