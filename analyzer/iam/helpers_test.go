package iam

import (
	"testing"
)

// AWS documentation pages the tables encode. Each case names one.
const (
	docEvalLogic   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"
	docSingleAcct  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html"
	docCrossAcct   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"
	docCondOps     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
	docMultiValued = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"
	docCondition   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html"
	docVariables   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"
	docResource    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
	docNotResource = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html"
	docAction      = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"
	docNotAction   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"
	docPrincipal   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
	docNotPrinc    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"
	docVersion     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"
	docGrammar     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
	docGlobalKeys  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
	docSCPEval     = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"
	docSCP         = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"
	docSCPSyntax   = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html"
	docRCP         = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"
	docKMSRCP      = "https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html"
	docRCPSyntax   = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html"
	docBoundaries  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"
	docSession     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"
	docKMSKeyPol   = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html"
	docKMSCross    = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html"
	docKMSKeys     = "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html"
	docTrust       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user.html"
	docExternalID  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html"
	docCTBucket    = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html"
	docCTKMS       = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html"
	docGDExport    = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html"
	docS3Notify    = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html"
	docSNSSQS      = "https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html"
	docConfigBkt   = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html"
	docDeliveryLog = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html"
	docConfused    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"
)

func mustParse(t testing.TB, doc string, kind Kind) *Policy {
	t.Helper()
	p, err := ParsePolicy([]byte(doc), kind)
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", kind, err, doc)
	}
	return p
}

// setSpec describes a PolicySet as JSON texts.
type setSpec struct {
	identity     []string
	resource     string
	boundaries   []string
	session      string
	vpce         []string
	scps         [][]string
	rcps         [][]string
	rtype        ResourceType
	mgmtPrinc    bool
	mgmtResource bool
}

func buildSet(t testing.TB, s setSpec, action, resource string) PolicySet {
	t.Helper()
	var set PolicySet
	for _, d := range s.identity {
		set.Identity = append(set.Identity, mustParse(t, d, KindIdentity))
	}
	if s.resource != "" {
		kind := KindResource
		if s.rtype == ResourceRoleTrust || (s.rtype == ResourceAuto && inferResourceType(&Request{Action: action, Resource: resource}) == ResourceRoleTrust) {
			kind = KindTrust
		}
		set.Resource = mustParse(t, s.resource, kind)
	}
	for _, d := range s.boundaries {
		set.Boundaries = append(set.Boundaries, mustParse(t, d, KindIdentity))
	}
	if s.session != "" {
		set.Session = mustParse(t, s.session, KindIdentity)
	}
	for _, d := range s.vpce {
		set.VPCEndpoints = append(set.VPCEndpoints, mustParse(t, d, KindResource))
	}
	for i, lvl := range s.scps {
		l := Level{Target: []string{"r-root", "ou-1", "account"}[min(i, 2)]}
		for _, d := range lvl {
			l.Policies = append(l.Policies, mustParse(t, d, KindSCP))
		}
		set.SCPs = append(set.SCPs, l)
	}
	for i, lvl := range s.rcps {
		l := Level{Target: []string{"r-root", "ou-1", "account"}[min(i, 2)]}
		for _, d := range lvl {
			l.Policies = append(l.Policies, mustParse(t, d, KindRCP))
		}
		set.RCPs = append(set.RCPs, l)
	}
	set.ResourceType = s.rtype
	set.PrincipalInManagementAccount = s.mgmtPrinc
	set.ResourceInManagementAccount = s.mgmtResource
	return set
}

// stmt builds a one-statement 2012-10-17 policy.
func stmt(body string) string {
	return `{"Version":"2012-10-17","Statement":[` + body + `]}`
}

func stmts(bodies ...string) string {
	out := `{"Version":"2012-10-17","Statement":[`
	for i, b := range bodies {
		if i > 0 {
			out += ","
		}
		out += b
	}
	return out + `]}`
}

const (
	allowAll      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	fullAccessSCP = allowAll
	fullAccessRCP = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
)
