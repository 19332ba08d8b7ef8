// Package iam is trailgate's exact AWS policy evaluator: the policy grammar
// (identity, resource, trust, SCP, RCP, endpoint and session documents),
// compiled matchers for actions, resources and principals, every condition
// operator family, and the decision logic of AWS's documented policy
// evaluation (explicit deny, SCPs, RCPs, resource policies, identity
// policies, permissions boundaries, session policies, same- and
// cross-account, KMS key policies, role trust policies), each answer with an
// explanation that can be quoted in a finding.
//
// It answers "can this principal do this action on this resource with this
// context" for the policies it is handed. It must not know about snapshots,
// OPA, files other than the `iam simulate` request file, or the network:
// assembling the policies that apply to a request is analyzer/authz's job.
//
// Reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
package iam
