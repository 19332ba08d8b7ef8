package iam

import "strings"

// arnParts splits an ARN into partition, service, region, account and the
// resource (which may itself contain colons). ok is false when s has fewer
// than six colon-separated fields.
func arnParts(s string) (p [5]string, ok bool) {
	if !strings.HasPrefix(s, "arn:") {
		return p, false
	}
	rest := s[4:]
	for i := 0; i < 4; i++ {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return p, false
		}
		p[i] = rest[:j]
		rest = rest[j+1:]
	}
	p[4] = rest
	return p, true
}

// padARNPattern mirrors how AWS reads a Resource with fewer than six
// fields: the missing fields are "*" (AWS reports "a:b" as
// "arn:b:*:*:*:*" in its MalformedPolicyDocument messages).
func padARNPattern(s string) [5]string {
	var p [5]string
	rest := s
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		rest = rest[i+1:]
	} else {
		rest = ""
	}
	for i := 0; i < 5; i++ {
		if i == 4 {
			p[4] = rest
			if rest == "" {
				p[4] = "*"
			}
			break
		}
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			p[i] = rest
			if rest == "" && i > 0 {
				p[i] = "*"
			}
			for k := i + 1; k < 5; k++ {
				p[k] = "*"
			}
			break
		}
		p[i] = rest[:j]
		rest = rest[j+1:]
	}
	return p
}

// arnMatch matches an ARN against an ARN pattern field by field: a wildcard
// never spans the colon between partition, service, region, account and
// resource, but may span colons and slashes inside the resource
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
// Matching is case-sensitive.
func arnMatch(pattern [5]string, value string) bool {
	v, ok := arnParts(value)
	if !ok {
		return false
	}
	return arnPartsMatch(&pattern, &v)
}

func arnPartsMatch(pattern, v *[5]string) bool {
	for i := 0; i < 5; i++ {
		if !segmentMatch(pattern[i], v[i]) {
			return false
		}
	}
	return true
}

func segmentMatch(p, s string) bool {
	if p == "*" {
		return true
	}
	if !hasWildcard(p) && !strings.Contains(p, `\`) {
		return p == s
	}
	return globMatch(p, s, false)
}

// splitEscapedARN splits an escaped pattern into ARN fields, treating a
// pattern without six fields as AWS does (padARNPattern).
func splitEscapedARN(p string) [5]string {
	if parts, ok := arnParts(p); ok {
		return parts
	}
	return padARNPattern(p)
}

// callerKind is what the request's principal is.
type callerKind int

const (
	callerAnonymous callerKind = iota
	callerService
	callerRoot
	callerUser
	callerRole // a role ARN used directly as the caller (treated as its session)
	callerSession
	callerFederatedUser
	callerOther
)

// caller is the parsed request principal.
type caller struct {
	kind      callerKind
	arn       string // as given
	partition string
	account   string
	name      string // user name, role name, federated user name
	session   string // session name
	service   string // service principal
	// principalARN is aws:PrincipalArn: for a session, the role's ARN
	// (without its path, which a session ARN does not carry).
	principalARN string
}

func parseCaller(p string) caller {
	c := caller{arn: p}
	switch {
	case p == "" || p == "*":
		c.kind = callerAnonymous
		return c
	case !strings.HasPrefix(p, "arn:"):
		if strings.Contains(p, ".") {
			c.kind, c.service = callerService, p
			return c
		}
		if isAccountID(p) {
			c.kind, c.account, c.partition = callerRoot, p, "aws"
			c.principalARN = "arn:aws:iam::" + p + ":root"
			return c
		}
		c.kind = callerOther
		return c
	}
	parts, ok := arnParts(p)
	if !ok {
		c.kind = callerOther
		return c
	}
	c.partition, c.account = parts[0], parts[3]
	res := parts[4]
	switch {
	case parts[1] == "iam" && res == "root":
		c.kind, c.principalARN = callerRoot, p
	case parts[1] == "iam" && strings.HasPrefix(res, "user/"):
		c.kind, c.principalARN = callerUser, p
		c.name = res[strings.LastIndexByte(res, '/')+1:]
	case parts[1] == "iam" && strings.HasPrefix(res, "role/"):
		c.kind, c.principalARN = callerRole, p
		c.name = res[strings.LastIndexByte(res, '/')+1:]
	case parts[1] == "sts" && strings.HasPrefix(res, "assumed-role/"):
		rest := res[len("assumed-role/"):]
		role, sess, _ := strings.Cut(rest, "/")
		c.kind, c.name, c.session = callerSession, role, sess
		c.principalARN = "arn:" + c.partition + ":iam::" + c.account + ":role/" + role
	case parts[1] == "sts" && strings.HasPrefix(res, "federated-user/"):
		c.kind, c.principalARN = callerFederatedUser, p
		c.name = res[len("federated-user/"):]
	default:
		c.kind, c.principalARN = callerOther, p
	}
	return c
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// principalType is aws:PrincipalType.
func (c *caller) principalType() string {
	switch c.kind {
	case callerAnonymous:
		return "Anonymous"
	case callerRoot:
		return "Account"
	case callerUser:
		return "User"
	case callerRole, callerSession:
		return "AssumedRole"
	case callerFederatedUser:
		return "FederatedUser"
	case callerService:
		return "AWSService"
	}
	return ""
}

// identityBased reports whether the caller carries identity-based policies,
// SCPs and boundaries (IAM users and roles, their sessions, the root user).
func (c *caller) identityBased() bool {
	switch c.kind {
	case callerRoot, callerUser, callerRole, callerSession, callerFederatedUser:
		return true
	}
	return false
}

// serviceLinked reports a service-linked role, which SCPs and RCPs do not
// restrict (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
func (c *caller) serviceLinked() bool {
	if c.kind == callerRole {
		return strings.Contains(c.arn, ":role/aws-service-role/")
	}
	if c.kind == callerSession {
		return strings.HasPrefix(c.name, "AWSServiceRoleFor")
	}
	return false
}
