package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// AWS's MalformedPolicyDocument messages. The order in which AWS checks a
// document (syntax, version, legacy parsing, Sid uniqueness, actions,
// resources, resource formats, action vendors) decides which message a
// document with several faults gets; parsePolicy follows that order, and
// testdata/iam-policy-grammar.json (129 documents with the message AWS
// returned) pins it.
const (
	msgSyntax          = "Syntax errors in policy."
	msgVersion         = "Policy document must be version 2012-10-17 or greater."
	msgLegacy          = "The policy failed legacy parsing"
	msgSidUnique       = "Statement IDs (SID) in a single policy must be unique."
	msgNoActions       = "Policy statement must contain actions."
	msgNoResources     = "Policy statement must contain resources."
	msgActionVendor    = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgActionColon     = "Actions/Condition can contain only one colon."
	msgVendorFormat    = "Resource vendor must be fully qualified and cannot contain regexes."
	msgNoPrincipal     = "Missing required field Principal"
	msgPrincipalDenied = "Policy document should not specify a principal."
	msgRCPPrincipal    = "Principal must be \"*\" in a resource control policy."
	msgRCPAllow        = "The effect of Allow is only supported for the RCPFullAWSAccess policy."
	msgNotPrincipal    = "NotPrincipal must be used with \"Effect\":\"Deny\"."
)

// Version strings.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Effect of a statement.
type Effect int

const (
	Allow Effect = iota
	Deny
)

func (e Effect) String() string {
	if e == Deny {
		return "Deny"
	}
	return "Allow"
}

// Policy is a compiled policy document. It is immutable and safe for
// concurrent use.
type Policy struct {
	Kind       Kind
	Version    string
	ID         string
	Statements []Statement
	// unknown: some statement holds a value ParseOptions.Unknown
	// recognised; Evaluate then decides the request both ways.
	unknown bool
}

// HasUnknown reports whether a statement of the policy holds a value the
// document's author could not resolve (see ParseOptions).
func (p *Policy) HasUnknown() bool { return p != nil && p.unknown }

// Statement is a compiled statement.
type Statement struct {
	Index  int
	Sid    string
	Effect Effect
	label  string

	notAction bool
	// unknown: an Action, Resource, Principal or Condition entry of the
	// statement is an unresolved value, so the statement may or may not
	// apply to a request its known parts match. (Placed in padding: the
	// common path's Statement does not grow.)
	unknown bool
	actions []actionPattern

	hasResource bool
	notResource bool
	resources   []resourcePattern

	hasPrincipal bool
	notPrincipal bool
	principals   principalSet

	conditions []condition
}

// Label names the statement in explanations: its Sid, or its index.
func (s *Statement) Label() string { return s.label }

func statementLabel(sid string, index int) string {
	if sid != "" {
		return "'" + sid + "'"
	}
	return "#" + strconv.Itoa(index)
}

// actionPattern is a lower-cased action pattern; plain patterns compare
// without the glob matcher.
type actionPattern struct {
	raw      string
	pattern  string
	wildcard bool
	all      bool
	// unknown: the entry is an unresolved value; it matches nothing for
	// sure and may match anything.
	unknown bool
	// widened: the entry is only partly unresolved and may match only
	// what wide (lower-cased, each token read as "*") matches (partial.go).
	widened bool
	wide    string
}

func compileAction(a string) actionPattern {
	p := actionPattern{raw: a, pattern: strings.ToLower(a)}
	p.all = p.pattern == "*"
	p.wildcard = strings.ContainsAny(p.pattern, "*?")
	return p
}

func (p *actionPattern) match(action string) bool {
	if p.all {
		return true
	}
	if !p.wildcard {
		return equalFold(p.pattern, action)
	}
	return globMatch(p.pattern, action, true)
}

// resourcePattern is a compiled Resource entry: "*", a pre-split ARN
// pattern, or a template resolved per request when it has variables.
type resourcePattern struct {
	raw string
	all bool
	// unknown: the entry is an unresolved value (see actionPattern).
	unknown bool
	// widened: it may match only ARNs wide matches as one string
	// (widenARN).
	widened bool
	wide    string
	t       template
	parts   [5]string
}

func compileResource(r string, variables bool) resourcePattern {
	p := resourcePattern{raw: r, all: r == "*"}
	if p.all {
		return p
	}
	p.t = compileTemplate(r, variables)
	if !p.t.vars {
		p.parts = splitEscapedARN(p.t.glob)
		if p.parts == [5]string{"*", "*", "*", "*", "*"} {
			p.all = true
		}
	}
	return p
}

// match reports whether the pattern matches the request's resource. ok is
// false when a policy variable in the pattern has no value.
func (p *resourcePattern) match(ctx *evalContext) (matched, ok bool) {
	if p.all {
		return true, true
	}
	if ctx.resourceStar {
		// An action without resource-level permissions is matched only by
		// Resource "*".
		return false, true
	}
	if !ctx.resourceIsARN {
		return false, true
	}
	var buf [5]string
	parts, all, ok := p.resolved(ctx, &buf)
	if !ok {
		return false, false
	}
	if all {
		return true, true
	}
	return arnPartsMatch(parts, &ctx.resourceParts), true
}

// resolved is the pattern's ARN fields with its policy variables resolved
// (in buf when it has any); all when it resolves to "*", ok false when a
// variable has no value.
func (p *resourcePattern) resolved(ctx *evalContext, buf *[5]string) (parts *[5]string, all, ok bool) {
	if !p.t.vars {
		return &p.parts, false, true
	}
	g, ok := p.t.resolve(ctx, true)
	if !ok {
		return nil, false, false
	}
	if g == "*" {
		return nil, true, true
	}
	*buf = splitEscapedARN(g)
	return buf, false, true
}

// matchTri is match for a request resource that holds symbols (symbol.go)
// or unknown tokens (opaque.go).
func (p *resourcePattern) matchTri(ctx *evalContext) (tri, bool) {
	if p.all || ctx.resourceStar || !ctx.resourceIsARN && !ctx.resourceUnknown {
		m, ok := p.match(ctx)
		return boolTri(m), ok
	}
	if p.t.substitutesUnknown(ctx) {
		return p.t.widenedTri(ctx, true, true, ctx.req.Resource)
	}
	var buf [5]string
	parts, all, ok := p.resolved(ctx, &buf)
	switch {
	case !ok:
		return triNo, false
	case all:
		return triYes, true
	case !ctx.resourceIsARN:
		return unknownNotARNTri(parts, ctx.req.Resource), true
	}
	return arnPartsTri(parts, &ctx.resourceParts), true
}

func boolTri(b bool) tri {
	if b {
		return triYes
	}
	return triNo
}

func parsePolicy(doc []byte, kind Kind, opts ParseOptions) (*Policy, error) {
	raw, err := decodeDocument(doc)
	if err != nil {
		return nil, docError(msgSyntax)
	}
	top, ok := raw.(map[string]any)
	if !ok {
		return nil, docError(msgSyntax)
	}
	if stmt, path, dup := duplicateKey(doc); dup {
		// Refused rather than read one way: AWS may read it the other.
		e := &PolicyError{Statement: stmt, Msg: fmt.Sprintf("duplicate key %s: an ambiguous policy (which value counts is not defined)", path)}
		if list, ok := top["Statement"].([]any); ok && stmt >= 0 && stmt < len(list) {
			if m, ok := list[stmt].(map[string]any); ok {
				e.Sid, _ = m["Sid"].(string)
			}
		}
		return nil, e
	}
	v := &validator{kind: kind, top: top, unknown: opts.Unknown}
	if v.unknown == nil {
		v.unknown = func(string) bool { return false }
	}
	if err := v.validate(); err != nil {
		return nil, err
	}
	return v.compile(), nil
}

// decodeDocument parses JSON keeping numbers as written and rejecting
// trailing data.
func decodeDocument(doc []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

func docError(msg string) *PolicyError { return &PolicyError{Statement: -1, Msg: msg} }

type validator struct {
	kind       Kind
	top        map[string]any
	statements []map[string]any
	// unknown recognises unresolved values (never nil once parsing
	// starts): AWS never sees them, so their format is not checked.
	unknown func(string) bool
}

func (v *validator) stmtError(i int, msg string) *PolicyError {
	e := &PolicyError{Statement: i, Msg: msg}
	if i >= 0 && i < len(v.statements) {
		if sid, ok := v.statements[i]["Sid"].(string); ok {
			e.Sid = sid
		}
	}
	return e
}

var validTopElements = map[string]bool{"Version": true, "Id": true, "Statement": true}

var validStatementElements = map[string]bool{
	"Sid": true, "Effect": true, "Action": true, "NotAction": true,
	"Resource": true, "NotResource": true, "Principal": true, "NotPrincipal": true,
	"Condition": true,
}

func (v *validator) validate() error {
	// Syntax.
	for k := range v.top {
		if !validTopElements[k] {
			return docError(msgSyntax)
		}
	}
	if ver, ok := v.top["Version"]; ok {
		s, isStr := ver.(string)
		if !isStr || (s != Version2012 && s != Version2008) {
			return docError(msgSyntax)
		}
	}
	if id, ok := v.top["Id"]; ok {
		if _, isStr := id.(string); !isStr {
			return docError(msgSyntax)
		}
	}
	st, ok := v.top["Statement"]
	if !ok {
		return docError(msgSyntax)
	}
	switch s := st.(type) {
	case map[string]any:
		v.statements = []map[string]any{s}
	case []any:
		if len(s) == 0 {
			return docError(msgSyntax)
		}
		for i, e := range s {
			m, ok := e.(map[string]any)
			if !ok {
				return &PolicyError{Statement: i, Msg: msgSyntax}
			}
			v.statements = append(v.statements, m)
		}
	default:
		return docError(msgSyntax)
	}
	for i, s := range v.statements {
		if !statementSyntaxOK(s) {
			return v.stmtError(i, msgSyntax)
		}
	}
	// Version: managed identity policies, SCPs and RCPs need 2012-10-17;
	// inline identity, resource and trust policies also accept 2008-10-17
	// or no Version (which means 2008-10-17).
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
	switch v.kind {
	case KindIdentity, KindSCP, KindRCP:
		if s, _ := v.top["Version"].(string); s != Version2012 {
			return docError(msgVersion)
		}
	}
	// Legacy parsing: Effect is case-sensitive, Date values must parse.
	for i, s := range v.statements {
		if e := s["Effect"].(string); e != "Allow" && e != "Deny" {
			pe := v.stmtError(i, msgLegacy)
			pe.Hint = fmt.Sprintf("Effect must be exactly \"Allow\" or \"Deny\" (case-sensitive), got %q", e)
			return pe
		}
		if c, ok := s["Condition"].(map[string]any); ok {
			for op, block := range c {
				base, _, _ := splitOperator(op)
				if !strings.HasPrefix(base, "Date") {
					continue
				}
				for _, vals := range block.(map[string]any) {
					for _, val := range scalarList(vals) {
						if !legacyDateOK(val) && !v.unknown(val) {
							return v.stmtError(i, msgLegacy)
						}
					}
				}
			}
		}
	}
	// Resource formats: the first format error is reported after the
	// existence checks; a statement's resources are parsed the legacy way
	// only while no format error has been seen.
	resourceErr := (*PolicyError)(nil)
	for _, key := range []string{"Resource", "NotResource"} {
		for i, s := range v.statements {
			val, ok := s[key]
			if !ok {
				continue
			}
			list := stringList(val)
			sorted := append([]string(nil), list...)
			slices.Sort(sorted)
			for _, r := range sorted {
				if v.unknown(r) {
					continue
				}
				if msg := resourceFormatError(r); msg != "" && resourceErr == nil {
					resourceErr = v.stmtError(i, msg)
				}
			}
			if resourceErr == nil {
				for _, r := range list {
					if !legacyResourceOK(r) && !v.unknown(r) {
						return v.stmtError(i, msgLegacy)
					}
				}
			}
		}
	}
	// Sid uniqueness is IAM's rule (identity, trust, and the
	// Organizations policies validated the same way); services that store
	// resource policies (S3, SNS, SQS, KMS) apply their own validators, and
	// a policy they accepted must not be refused here.
	seen := map[string]bool{}
	for i, s := range v.statements {
		if v.kind == KindResource {
			break
		}
		if sid, _ := s["Sid"].(string); sid != "" && !v.unknown(sid) {
			if seen[sid] {
				return v.stmtError(i, msgSidUnique)
			}
			seen[sid] = true
		}
	}
	for i, s := range v.statements {
		if !nonEmptyElement(s, "Action", "NotAction") {
			return v.stmtError(i, msgNoActions)
		}
	}
	if resourceErr != nil {
		return resourceErr
	}
	for _, key := range []string{"Action", "NotAction"} {
		for i, s := range v.statements {
			val, ok := s[key]
			if !ok {
				continue
			}
			for _, a := range stringList(val) {
				if v.unknown(a) {
					continue
				}
				if msg := actionError(a); msg != "" {
					return v.stmtError(i, msg)
				}
			}
		}
	}
	// Resource existence comes last: AWS reports a bad action vendor
	// before a missing Resource (corpus case invalid-030).
	for i, s := range v.statements {
		_, hasR := s["Resource"]
		_, hasNR := s["NotResource"]
		if v.kind == KindTrust {
			// A trust policy's resource is the role itself.
			if hasR || hasNR {
				field := "Resource"
				if hasNR {
					field = "NotResource"
				}
				return v.stmtError(i, "Has prohibited field "+field)
			}
			continue
		}
		if !nonEmptyElement(s, "Resource", "NotResource") {
			return v.stmtError(i, msgNoResources)
		}
	}
	return v.validatePrincipals()
}

// validatePrincipals applies each policy kind's rule on Principal.
func (v *validator) validatePrincipals() error {
	for i, s := range v.statements {
		p, hasP := s["Principal"]
		np, hasNP := s["NotPrincipal"]
		switch v.kind {
		case KindIdentity, KindInline, KindSCP:
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html:
			// "You cannot use the Principal element in an identity-based policy."
			if hasP || hasNP {
				return v.stmtError(i, msgPrincipalDenied)
			}
		case KindRCP:
			// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html:
			// Principal is always "*"; NotPrincipal is not supported; Allow
			// only in RCPFullAWSAccess.
			if hasNP {
				return v.stmtError(i, "Has prohibited field NotPrincipal")
			}
			if !hasP || !isWildcardPrincipal(p) {
				return v.stmtError(i, msgRCPPrincipal)
			}
			if s["Effect"] == "Allow" && !isFullAccessStatement(s) {
				return v.stmtError(i, msgRCPAllow)
			}
		case KindResource, KindTrust:
			if !hasP && !hasNP {
				return v.stmtError(i, msgNoPrincipal)
			}
			if hasNP {
				if v.kind == KindTrust {
					// "You cannot use the NotPrincipal element in ... an IAM
					// role trust policy."
					return v.stmtError(i, "Has prohibited field NotPrincipal")
				}
				if s["Effect"] != "Deny" {
					return v.stmtError(i, msgNotPrincipal)
				}
				p = np
			}
			if msg := principalError(p, v.unknown); msg != "" {
				return v.stmtError(i, msg)
			}
		}
	}
	return nil
}

func isWildcardPrincipal(p any) bool {
	switch t := p.(type) {
	case string:
		return t == "*"
	case map[string]any:
		if len(t) != 1 {
			return false
		}
		l := stringList(t["AWS"])
		return len(l) == 1 && l[0] == "*"
	}
	return false
}

func isFullAccessStatement(s map[string]any) bool {
	if _, ok := s["Condition"]; ok {
		return false
	}
	a := stringList(s["Action"])
	r := stringList(s["Resource"])
	return len(a) == 1 && a[0] == "*" && len(r) == 1 && r[0] == "*"
}

var principalKeys = map[string]bool{"AWS": true, "Service": true, "Federated": true, "CanonicalUser": true}

func principalError(p any, unknown func(string) bool) string {
	switch t := p.(type) {
	case string:
		if t == "*" || unknown(t) {
			return ""
		}
		return fmt.Sprintf("Invalid principal in policy: %q", t)
	case map[string]any:
		if len(t) == 0 {
			return "Invalid principal in policy"
		}
		for _, k := range slices.Sorted(maps.Keys(t)) {
			if !principalKeys[k] {
				return fmt.Sprintf("Invalid principal in policy: %q", k)
			}
			if !isStringOrStringList(t[k]) {
				return "Invalid principal in policy"
			}
			for _, id := range stringList(t[k]) {
				if unknown(id) {
					continue
				}
				if k == "AWS" && id != "*" && !isAccountID(id) && !strings.HasPrefix(id, "arn:") && !isUniqueID(id) {
					return fmt.Sprintf("Invalid principal in policy: \"AWS\":%q", id)
				}
				if id == "" {
					return fmt.Sprintf("Invalid principal in policy: %q:\"\"", k)
				}
			}
		}
		return ""
	}
	return "Invalid principal in policy"
}

// isUniqueID recognises the unique IDs (AIDA…, AROA…) that IAM leaves in
// a policy when the user or role it named is deleted.
func isUniqueID(s string) bool {
	if len(s) < 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func statementSyntaxOK(s map[string]any) bool {
	for k := range s {
		if !validStatementElements[k] {
			return false
		}
	}
	if _, a := s["Resource"]; a {
		if _, b := s["NotResource"]; b {
			return false
		}
	}
	if _, a := s["Action"]; a {
		if _, b := s["NotAction"]; b {
			return false
		}
	}
	if _, a := s["Principal"]; a {
		if _, b := s["NotPrincipal"]; b {
			return false
		}
	}
	e, ok := s["Effect"].(string)
	if !ok {
		return false
	}
	if le := strings.ToLower(e); le != "allow" && le != "deny" {
		return false
	}
	for _, k := range []string{"Action", "NotAction", "Resource", "NotResource"} {
		if val, ok := s[k]; ok && !isStringOrStringList(val) {
			return false
		}
	}
	if c, ok := s["Condition"]; ok {
		cm, ok := c.(map[string]any)
		if !ok {
			return false
		}
		for op, block := range cm {
			bm, ok := block.(map[string]any)
			if !ok {
				return false
			}
			for _, val := range bm {
				if !isConditionValue(val) {
					return false
				}
			}
			base, _, _ := splitOperator(op)
			if _, known := operators[base]; !known && len(bm) > 0 {
				return false
			}
		}
	}
	if sid, ok := s["Sid"]; ok {
		if _, isStr := sid.(string); !isStr {
			return false
		}
	}
	return true
}

func isStringOrStringList(v any) bool {
	switch t := v.(type) {
	case string:
		return true
	case []any:
		for _, e := range t {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// isConditionValue accepts a string, a number or a boolean, or a list of
// them: AWS reads `"aws:SecureTransport": false` like "false".
func isConditionValue(v any) bool {
	switch t := v.(type) {
	case string, bool, json.Number:
		return true
	case []any:
		for _, e := range t {
			switch e.(type) {
			case string, bool, json.Number:
			default:
				return false
			}
		}
		return true
	}
	return false
}

func stringList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func scalarList(v any) []string {
	one := func(e any) string {
		switch x := e.(type) {
		case string:
			return x
		case bool:
			if x {
				return "true"
			}
			return "false"
		case json.Number:
			return x.String()
		}
		return ""
	}
	if l, ok := v.([]any); ok {
		out := make([]string, 0, len(l))
		for _, e := range l {
			out = append(out, one(e))
		}
		return out
	}
	return []string{one(v)}
}

func nonEmptyElement(s map[string]any, a, notA string) bool {
	if v, ok := s[a]; ok {
		if l, isList := v.([]any); isList {
			return len(l) > 0
		}
		return true
	}
	if v, ok := s[notA]; ok {
		if l, isList := v.([]any); isList {
			return len(l) > 0
		}
		return true
	}
	return false
}

var vendorInvalid = regexp.MustCompile(`[^a-zA-Z0-9\-.]`)

func actionError(a string) string {
	parts := strings.Split(a, ":")
	if len(parts) == 1 && parts[0] != "*" {
		return msgActionVendor
	}
	if len(parts) > 2 {
		return msgActionColon
	}
	if parts[0] != "*" && vendorInvalid.MatchString(parts[0]) {
		return fmt.Sprintf("Vendor %s is not valid", parts[0])
	}
	return ""
}

// validPartitions are the AWS partitions a Resource ARN may name.
var validPartitions = map[string]bool{
	"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true,
	"aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true,
}

var iamResourcePrefixes = []string{
	"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
	"server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/",
	"report/", "access-report/",
}

// resourceFormatError returns AWS's message for a Resource entry it
// rejects, or "".
func resourceFormatError(r string) string {
	if r == "*" {
		return ""
	}
	_, after, found := strings.Cut(r, ":")
	if !found {
		return fmt.Sprintf("Resource %s must be in ARN format or \"*\".", r)
	}
	partition, rest, found := strings.Cut(after, ":")
	if partition != "*" && !validPartitions[partition] {
		rem := strings.Split(rest, ":")
		field := func(i int) string {
			if len(rem) > i {
				return rem[i]
			}
			return "*"
		}
		arn1 := "*"
		if rem[0] != "" || len(rem) > 1 {
			arn1 = rem[0]
		}
		arn4 := "*"
		if len(rem) > 3 {
			arn4 = strings.Join(rem[3:], ":")
		}
		return fmt.Sprintf("Partition %q is not valid for resource \"arn:%s:%s:%s:%s:%s\".",
			partition, partition, arn1, field(1), field(2), arn4)
	}
	if !found {
		return msgVendorFormat
	}
	service, rest, _ := strings.Cut(rest, ":")
	_, afterRegion, _ := strings.Cut(rest, ":")
	_, resourceID, _ := strings.Cut(afterRegion, ":")
	// S3 access points are regional (arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME).
	if !strings.HasPrefix(rest, ":") && !(service == "s3" && strings.HasPrefix(resourceID, "accesspoint/")) {
		switch service {
		case "iam":
			return fmt.Sprintf("IAM resource %s cannot contain region information.", r)
		case "s3":
			return fmt.Sprintf("Resource %s can not contain region information.", r)
		}
	}
	_, rest, _ = strings.Cut(rest, ":")
	_, resource, _ := strings.Cut(rest, ":")
	if service == "iam" && resource != "*" {
		for _, p := range iamResourcePrefixes {
			if strings.HasPrefix(resource, p) {
				return ""
			}
		}
		return "IAM resource path must either be \"*\" or start with " + strings.Join(iamResourcePrefixes, ", ") + "."
	}
	return ""
}

// legacyResourceOK: a Resource with fewer than six fields may not contain
// "::", and the service field may not be empty.
func legacyResourceOK(r string) bool {
	if r == "*" {
		return true
	}
	if strings.Count(r, ":") < 5 && strings.Contains(r, "::") {
		return false
	}
	f := strings.Split(r, ":")
	return len(f) > 2 && f[2] != ""
}

// legacyDateOK: a Date condition value must be an ISO 8601 date-time or
// non-negative epoch seconds within AWS's range.
func legacyDateOK(s string) bool {
	if !strings.ContainsAny(strings.ToLower(s), "t-") {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return len(s) > 0 && (len(s) < 19 || (len(s) == 19 && s <= "9223372036854775807"))
	}
	_, ok := parseDate(s)
	return ok
}

func (v *validator) compile() *Policy {
	p := &Policy{Kind: v.kind}
	p.Version, _ = v.top["Version"].(string)
	if p.Version == "" {
		p.Version = Version2008
	}
	p.ID, _ = v.top["Id"].(string)
	variables := p.Version == Version2012
	p.Statements = make([]Statement, len(v.statements))
	for i, s := range v.statements {
		st := Statement{Index: i}
		st.Sid, _ = s["Sid"].(string)
		st.label = statementLabel(st.Sid, i)
		if s["Effect"] == "Deny" {
			st.Effect = Deny
		}
		actKey := "Action"
		if _, ok := s["NotAction"]; ok {
			actKey, st.notAction = "NotAction", true
		}
		for _, a := range stringList(s[actKey]) {
			ap := compileAction(a)
			ap.unknown = v.unknown(a)
			if ap.unknown {
				if w, ok := widenUnknown(a, v.unknown); ok {
					ap.widened, ap.wide = true, strings.ToLower(w)
				}
			}
			st.unknown = st.unknown || ap.unknown
			st.actions = append(st.actions, ap)
		}
		resKey := "Resource"
		if _, ok := s["NotResource"]; ok {
			resKey, st.notResource = "NotResource", true
		}
		if rv, ok := s[resKey]; ok {
			st.hasResource = true
			for _, r := range stringList(rv) {
				if v.unknown(r) {
					rp := resourcePattern{raw: r, unknown: true}
					rp.wide, rp.widened = widenARN(r, v.unknown)
					st.resources = append(st.resources, rp)
					st.unknown = true
					continue
				}
				st.resources = append(st.resources, compileResource(r, variables))
			}
		}
		prKey := "Principal"
		if _, ok := s["NotPrincipal"]; ok {
			prKey, st.notPrincipal = "NotPrincipal", true
		}
		if pv, ok := s[prKey]; ok {
			st.hasPrincipal = true
			st.principals = compilePrincipals(pv, v.unknown)
			st.unknown = st.unknown || st.principals.unknown || len(st.principals.wideAWS) > 0
		}
		if c, ok := s["Condition"].(map[string]any); ok {
			for _, op := range slices.Sorted(maps.Keys(c)) {
				block := c[op].(map[string]any)
				for _, k := range slices.Sorted(maps.Keys(block)) {
					vals := scalarList(block[k])
					c := compileCondition(op, k, vals, variables)
					c.unknown = v.unknown(k) || anyUnknown(vals, v.unknown)
					if c.unknown && !v.unknown(k) {
						c.wide = widenCondition(op, k, vals, v.unknown)
					}
					st.unknown = st.unknown || c.unknown
					st.conditions = append(st.conditions, c)
				}
			}
		}
		p.Statements[i] = st
		p.unknown = p.unknown || st.unknown
	}
	return p
}

func anyUnknown(list []string, unknown func(string) bool) bool {
	for _, s := range list {
		if unknown(s) {
			return true
		}
	}
	return false
}

func compilePrincipals(v any, unknown func(string) bool) principalSet {
	var ps principalSet
	// known drops the unresolved entries: they name nobody for sure and
	// may name anybody, which ps.unknown records.
	known := func(list []string) []string {
		out := list[:0]
		for _, s := range list {
			if unknown(s) {
				ps.unknown = true
				continue
			}
			out = append(out, s)
		}
		return out
	}
	switch t := v.(type) {
	case string:
		ps.wildcard = t == "*"
		ps.unknown = unknown(t)
	case map[string]any:
		// A partly unresolved AWS entry is kept widened (partial.go);
		// known() drops the rest of the unresolved ones.
		var aws []string
		for _, id := range stringList(t["AWS"]) {
			if unknown(id) {
				if w, ok := widenUnknown(id, unknown); ok && w != "*" {
					ps.wideAWS = append(ps.wideAWS, w)
					continue
				}
			}
			aws = append(aws, id)
		}
		for _, id := range known(aws) {
			if id == "*" {
				ps.wildcard = true
				continue
			}
			ps.aws = append(ps.aws, compileAWSPrincipal(id))
		}
		ps.services = known(stringList(t["Service"]))
		ps.federated = known(stringList(t["Federated"]))
		ps.canonical = known(stringList(t["CanonicalUser"]))
	}
	return ps
}
