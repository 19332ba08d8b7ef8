package authz

import (
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// awsManaged holds documents of AWS managed policies, used when a role
// attaches one the snapshot does not carry. Each is the default version as
// published in the AWS Managed Policy Reference
// (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/).
//
//go:embed awsmanaged/*.json
var awsManaged embed.FS

// Request is one authorization question.
type Request struct {
	// Principal is a role, user or assumed-role session ARN, a service
	// principal (cloudtrail.amazonaws.com), "*", or an account root ARN,
	// which stands for any principal of that account (as it does in a
	// Principal element).
	Principal string `json:"principal"`
	Action    string `json:"action"`
	// Resource is the ARN the action is on (a bucket object ARN for
	// s3:GetObject, a role ARN for sts:AssumeRole).
	Resource string `json:"resource"`
	// Context holds condition keys the caller knows (aws:SourceArn,
	// sts:ExternalId, s3:x-amz-acl). The index adds the keys it can derive
	// (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID,
	// aws:PrincipalOrgPaths, aws:PrincipalIsAWSService, aws:ResourceAccount,
	// aws:ResourceOrgID, aws:ResourceOrgPaths,
	// aws:RequestedRegion, aws:SecureTransport) unless the caller set them:
	// this is the one place the context every request carries is filled.
	Context map[string][]string `json:"context,omitempty"`
}

// Index answers authorization questions about one snapshot. Build it once
// per snapshot with NewIndex; it is safe for concurrent use.
type Index struct {
	partition string
	// inputName is what an absent document is missing from: "the
	// template or plan" for IaC alone, else "the snapshot".
	inputName string
	org       *snapshot.Organization
	// chains and orgPaths are, per account of the organization, its
	// Ancestors and its aws:PrincipalOrgPaths / aws:ResourceOrgPaths
	// value, computed once: Organization.Ancestors scans the members, and
	// every question asks for two accounts, which made answering
	// quadratic in the organization.
	chains    map[string][]string
	orgPaths  map[string]string
	members   map[string]bool // organization member account IDs
	scps      map[string][]*document
	rcps      map[string][]*document
	scpOn     bool
	rcpOn     bool
	accounts  map[string]bool   // accounts whose resources were collected
	iamGaps   map[string]string // accounts whose principals are not known whole: why (absentPrincipal)
	roles     map[string]*roleEntry
	users     map[string]*userEntry // by account/name, as roles
	managed   map[string]*document
	resources map[string]*resourceEntry // bucket name, key/topic/queue ARN, key alias ARN
	// Roles counts the indexed roles (for benchmarks and diagnostics).
	Roles int
	// problems are the documents AWS would refuse, found by the one parse
	// (Problems).
	problems []PolicyProblem
	// byAccount serves Candidates.
	byAccount rolesByAccount

	// parses are the distinct documents parsed so far, while NewIndex
	// runs (parse).
	parses map[iam.Kind]map[string]parsed

	mu    sync.Mutex
	cache map[Key]Answer
	strs  map[string]string // the answers' strings (intern)
	lists *answerLists      // the answers' lists (intern)
}

type roleEntry struct {
	role     *snapshot.Role
	account  string
	inline   []*document
	trust    *document
	attached []string
}

type resourceEntry struct {
	name    string // "bucket policy of logs-bucket"
	id      string
	account string
	// region is where the resource lives: the endpoint a call about it
	// goes to (a bucket's ARN does not say).
	region string
	policy *document
	rtype  iam.ResourceType
	awsKey bool // an AWS managed KMS key: RCPs do not apply
}

// newResourceEntry indexes a resource of account with its resource policy
// compiled (nil when it has none); resource names it in a problem (a
// bucket by its name, others by ARN) and loc is where it is declared.
func (ix *Index) newResourceEntry(name, id, account, resource string, pol *snapshot.Policy, loc *snapshot.Location) *resourceEntry {
	e := &resourceEntry{name: name, id: id, account: account}
	if pol != nil {
		e.policy = ix.compile(resource, name, iam.KindResource, pol, loc)
	}
	return e
}

// compile parses a document of the snapshot once, and records it as a
// problem when AWS would refuse it (see Validate). resource names what the
// policy belongs to and resLoc where that is declared, for the problem.
func (ix *Index) compile(resource, name string, kind iam.Kind, pol *snapshot.Policy, resLoc *snapshot.Location) *document {
	d := ix.parse(name, pol.Document, kind)
	if d.malformed != nil {
		ix.problems = append(ix.problems, newProblem(resource, name, kind, pol, resLoc, d.malformed))
	}
	return d
}

// parsed is what parsing a document gave (compile), shared by the
// documents of an index with the same bytes and kind.
type parsed struct {
	policy    *iam.Policy
	malformed error
	unknown   bool
}

// parse compiles raw as compile does, parsing each distinct document once
// per index: organizations deploy the same trust and inline policies to
// every account (StackSets, Account Factory), and a parsed policy is only
// read once made. At 10,000 synthetic accounts half the documents (the
// four roles' trust policies, the administrator inline policy) were such
// copies: the index took 30 MB less.
func (ix *Index) parse(name string, raw []byte, kind iam.Kind) *document {
	if ix.parses == nil {
		return compile(name, raw, kind)
	}
	if p, ok := ix.parses[kind][string(raw)]; ok {
		return &document{name: name, kind: kind, raw: textNeeded(raw, p.policy), policy: p.policy, malformed: p.malformed, unknown: p.unknown}
	}
	d := compile(name, raw, kind)
	if ix.parses[kind] == nil {
		ix.parses[kind] = map[string]parsed{}
	}
	ix.parses[kind][string(raw)] = parsed{policy: d.policy, malformed: d.malformed, unknown: d.unknown}
	return d
}

// Problems are the documents of the snapshot AWS would refuse, in snapshot
// order (organization policies first, then each account's managed
// policies, roles, buckets, keys, topics and queues).
func (ix *Index) Problems() []PolicyProblem { return ix.problems }

// NewIndex indexes a snapshot: every policy document is parsed once here,
// so that answering a question only matches statements.
func NewIndex(s *snapshot.Snapshot) (*Index, error) {
	ix := &Index{
		partition: s.Partition,
		inputName: inputName(s.Source),
		iamGaps:   iamGaps(s),
		org:       s.Organization,
		members:   map[string]bool{},
		scps:      map[string][]*document{},
		rcps:      map[string][]*document{},
		accounts:  map[string]bool{},
		roles:     map[string]*roleEntry{},
		managed:   map[string]*document{},
		resources: map[string]*resourceEntry{},
		cache:     map[Key]Answer{},
		parses:    map[iam.Kind]map[string]parsed{},
	}
	// Documents are parsed here only: the shared parses are not needed
	// once the index is built.
	defer func() { ix.parses = nil }()
	if o := s.Organization; o != nil {
		ix.chains = o.AllAncestors()
		ix.orgPaths = make(map[string]string, len(ix.chains))
		for account, chain := range ix.chains {
			ix.orgPaths[account] = o.ID + "/" + strings.Join(chain, "/") + "/"
		}
	}
	if ix.partition == "" {
		ix.partition = "aws"
	}
	if o := s.Organization; o != nil {
		for _, m := range o.Members {
			ix.members[m.ID] = true
		}
		ix.members[o.ManagementAccountID] = true
		for i := range o.Policies {
			op := &o.Policies[i]
			kind, dst := iam.KindSCP, ix.scps
			if op.Type == snapshot.PolicyTypeRCP {
				kind, dst = iam.KindRCP, ix.rcps
			}
			p := ix.compile(cmp.Or(op.ID, op.Name), fmt.Sprintf("%s %s", shortType(op.Type), cmp.Or(op.Name, op.ID)), kind, &op.Document, o.Location)
			p.id = op.ID
			for _, t := range op.Targets {
				dst[t] = append(dst[t], p)
			}
		}
		ix.scpOn = o.PolicyTypeInForce(snapshot.PolicyTypeSCP)
		ix.rcpOn = o.PolicyTypeInForce(snapshot.PolicyTypeRCP)
	}
	for ai := range s.Accounts {
		a := &s.Accounts[ai]
		ix.accounts[a.ID] = true
		for i := range a.ManagedPolicies {
			mp := &a.ManagedPolicies[i]
			ix.managed[mp.ARN] = ix.compile(mp.ARN, "managed policy "+cmp.Or(mp.Name, mp.ARN), iam.KindIdentity, &mp.Policy, nil)
		}
		for i := range a.Roles {
			r := &a.Roles[i]
			e := &roleEntry{role: r, account: a.ID, attached: r.AttachedPolicyARNs}
			if r.TrustPolicy != nil {
				e.trust = ix.compile(cmp.Or(r.ARN, r.Name), "trust policy of role "+r.Name, iam.KindTrust, r.TrustPolicy, r.Location)
			}
			for j := range r.InlinePolicies {
				ip := &r.InlinePolicies[j]
				e.inline = append(e.inline, ix.compile(cmp.Or(r.ARN, r.Name), "inline policy "+ip.Name+" of role "+r.Name, iam.KindInline, &ip.Policy, r.Location))
			}
			ix.roles[roleKey(a.ID, r.Name)] = e
			ix.Roles++
		}
		ix.indexUsers(a)
		for i := range a.Buckets {
			b := &a.Buckets[i]
			e := ix.newResourceEntry("bucket policy of "+b.Name, b.ARN, a.ID, b.Name, b.Policy, b.Location)
			e.region = b.Region
			ix.resources["s3:"+b.Name] = e
		}
		for i := range a.Keys {
			k := &a.Keys[i]
			e := ix.newResourceEntry("key policy of "+k.ARN, k.ARN, a.ID, k.ARN, k.Policy, k.Location)
			e.rtype = iam.ResourceKMSKey
			e.awsKey = k.KeyManager == "AWS"
			ix.resources[k.ARN] = e
			for _, al := range k.Aliases {
				ix.resources[fmt.Sprintf("arn:%s:kms:%s:%s:%s", ix.partition, k.Region, a.ID, al)] = e
			}
		}
		for i := range a.Topics {
			t := &a.Topics[i]
			ix.resources[t.ARN] = ix.newResourceEntry("topic policy of "+t.ARN, t.ARN, a.ID, t.ARN, t.Policy, t.Location)
		}
		for i := range a.Queues {
			q := &a.Queues[i]
			ix.resources[q.ARN] = ix.newResourceEntry("queue policy of "+q.ARN, q.ARN, a.ID, q.ARN, q.Policy, q.Location)
		}
	}
	return ix, nil
}

func shortType(t string) string {
	if t == snapshot.PolicyTypeRCP {
		return "RCP"
	}
	return "SCP"
}

func roleKey(account, name string) string { return account + "/" + strings.ToLower(name) }

// cached is the answer Authorize kept for key, if any.
func (ix *Index) cached(key Key) (Answer, bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	a, ok := ix.cache[key]
	return a, ok
}

// Authorize answers one question. Answers are cached per index.
func (ix *Index) Authorize(req Request) Answer {
	key := cacheKey(req)
	if a, ok := ix.cached(key); ok {
		return a
	}
	a := ix.authorize(req)
	ix.mu.Lock()
	ix.intern(&a)
	ix.cache[key.Interned(ix.strs)] = a
	ix.mu.Unlock()
	return a
}

// ForgetAnswers drops the answers Authorize kept. The engine calls it
// once it has converted the delivery paths, whose questions it answered:
// the paths keep their own answers, the rules read them by ref, and the
// few questions a rule asks again are answered again, identically (an
// answer depends only on the index). At 10,000 synthetic accounts the
// kept answers, their keys and strings were 210 MB of the heap while the
// paths' Rego value was built. The interned lists stay, so that later
// answers share them.
func (ix *Index) ForgetAnswers() {
	ix.mu.Lock()
	ix.cache = map[Key]Answer{}
	// The strings of the forgotten keys and answers: a later answer
	// interns its own (its lists are still shared with the earlier ones).
	ix.strs = nil
	ix.mu.Unlock()
}

// AuthorizeUncached answers req as Authorize does (key is req.Key()),
// from the cache when Authorize answered it before, without keeping a new
// answer: for a caller that keeps what it needs of the answer itself (the
// engine keeps the Rego value of the rules' answers and would otherwise
// hold every answer twice). Its lists are shared with the answers given
// before (intern), so that a caller can share what it makes of them by
// their identity.
func (ix *Index) AuthorizeUncached(req Request, key Key) Answer {
	if a, ok := ix.cached(key); ok {
		return a
	}
	a := ix.authorize(req)
	ix.mu.Lock()
	ix.internLists(&a)
	ix.mu.Unlock()
	return a
}

// intern makes a's strings and lists share memory with the answers
// already given: the index keeps every answer of the paths for the rest
// of a check, the engine keeps the Rego value of the rules' answers, and
// answers repeat their explanation steps (the same SCP allows every
// account's questions, the same boundary step explains every role's). At
// 50 synthetic accounts, 1,050 answers held 9,261 explanation steps and
// kind outcomes but only 358 distinct lists of each, and 750 distinct
// statement lists. A list is kept at its length (without append's spare
// capacity), so that a caller appending to it copies it. Callers hold
// ix.mu.
func (ix *Index) intern(a *Answer) {
	ix.internLists(a)
	a.Proof = ix.str(a.Proof)
}

// internLists shares a's lists (intern) but not its proof, which names
// the question: for an answer the index does not keep.
func (ix *Index) internLists(a *Answer) {
	if ix.strs == nil {
		ix.strs = map[string]string{}
	}
	if ix.lists == nil {
		ix.lists = newAnswerLists()
	}
	str := ix.str
	a.Explanation = internList(ix.lists, ix.lists.explanations, a.Explanation, str)
	a.Statements = internList(ix.lists, ix.lists.statements, a.Statements, func(s Statement) Statement {
		s.Policy, s.Sid = str(s.Policy), str(s.Sid)
		return s
	})
	a.Kinds = internList(ix.lists, ix.lists.kinds, a.Kinds, func(k KindOutcome) KindOutcome {
		k.Reason = str(k.Reason)
		return k
	})
}

func (ix *Index) str(s string) string {
	if t, ok := ix.strs[s]; ok {
		return t
	}
	ix.strs[s] = s
	return s
}

// answerLists are the distinct lists of the answers given, by the hash of
// their elements.
type answerLists struct {
	seed         maphash.Seed
	explanations map[uint64][][]string
	statements   map[uint64][][]Statement
	kinds        map[uint64][][]KindOutcome
}

func newAnswerLists() *answerLists {
	return &answerLists{
		seed:         maphash.MakeSeed(),
		explanations: map[uint64][][]string{},
		statements:   map[uint64][][]Statement{},
		kinds:        map[uint64][][]KindOutcome{},
	}
}

// internList returns the list given before with list's elements, or
// keeps a copy of list, each element passed through elem (which shares
// its strings).
func internList[T comparable](l *answerLists, m map[uint64][][]T, list []T, elem func(T) T) []T {
	if len(list) == 0 {
		return list
	}
	var h maphash.Hash
	h.SetSeed(l.seed)
	for _, e := range list {
		maphash.WriteComparable(&h, e)
	}
	sum := h.Sum64()
	for _, c := range m[sum] {
		if slices.Equal(c, list) {
			return c
		}
	}
	c := make([]T, len(list))
	for i, e := range list {
		c[i] = elem(e)
	}
	m[sum] = append(m[sum], c)
	return c
}

// Key identifies the question: two requests with the same key get the
// same answer from an index (Authorize caches by it). Condition keys are
// compared case-insensitively, as AWS compares them.
//
// A key shares the request's principal, action and resource strings
// rather than joining them into one: an organization's checks keep a key
// per question asked (the index's cache, the engine's answer values), and
// at 10,000 synthetic accounts the joined keys were 168 MB of the peak
// heap. Only the context, when there is one, is spelled anew.
type Key struct {
	principal, action, resource string
	// context is the request context, keys lowercased and sorted, each
	// with its values; "" for none.
	context string
}

// Key is the question's key.
func (r Request) Key() Key { return cacheKey(r) }

func cacheKey(req Request) Key {
	k := Key{principal: req.Principal, action: req.Action, resource: req.Resource}
	if len(req.Context) == 0 {
		return k
	}
	var b strings.Builder
	for _, c := range slices.Sorted(maps.Keys(req.Context)) {
		b.WriteByte(0)
		b.WriteString(strings.ToLower(c))
		for _, v := range req.Context[c] {
			b.WriteByte(1)
			b.WriteString(v)
		}
	}
	k.context = b.String()
	return k
}

// String spells k as one string, as equal as the keys are: for a caller
// that joins it with more (a request's other parts).
func (k Key) String() string {
	return k.principal + "\x00" + k.action + "\x00" + k.resource + k.context
}

// InternKey is k with its context spelled as the index spells the
// contexts of the questions it was asked (Authorize), one string per
// distinct context: for a caller that keeps keys of the same questions
// (the engine's refs to the paths' answers), which then costs no string
// of its own.
func (ix *Index) InternKey(k Key) Key {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.strs == nil {
		ix.strs = map[string]string{}
	}
	return k.Interned(ix.strs)
}

// Interned is k with its context spelled by strs, one string per distinct
// context: most questions of an organization share theirs with others
// (every role asking the same key for the same trail's log files).
func (k Key) Interned(strs map[string]string) Key {
	if k.context == "" {
		return k
	}
	if s, ok := strs[k.context]; ok {
		k.context = s
	} else {
		strs[k.context] = k.context
	}
	return k
}

// requestUnknowns adds, to an Unknown answer, the request values holding
// unknown tokens that the evaluator weighed (opaque.go in analyzer/iam):
// the resource's ID and context values such as aws:SourceArn. Context
// keys in sorted order, for a stable proof.
func (q *question) requestUnknowns() {
	if q.requestTokens {
		q.unknown = append(q.unknown, resourceUnresolved)
	}
	keys := make([]string, 0, len(q.request.Context))
	for k, vs := range q.request.Context {
		if slices.ContainsFunc(vs, snapshot.IsUnknown) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		why := "the value of " + k + " is not resolved"
		q.unknown = append(q.unknown, why)
		if raw, err := json.Marshal(q.request.Context[k]); err == nil {
			q.addCauses(why, tokenCauses(raw, k+" "+strings.Join(q.request.Context[k], ", "))...)
		}
	}
}

// resourceUnresolved is the reason an answer on a resource ARN holding
// unknown tokens cannot be proven.
const resourceUnresolved = "the resource ARN is not resolved"

func (ix *Index) authorize(req Request) Answer {
	q := ix.assemble(req)
	res := iam.Evaluate(q.request, q.set)
	if res.Decision == iam.Unknown {
		q.requestUnknowns()
	}
	a := Answer{Decision: res.Decision, Proof: res.Proof()}
	unresolved := q.unresolvedNames(res.Unresolved())
	if res.Decision == iam.Unknown {
		// Unresolved values decide: Allowed under one resolution, denied
		// under another. Name their documents, then both readings.
		a.Proof = "cannot prove: it depends on values the IaC collector could not resolve in " + unresolved + ": " + res.UnknownReadings()
		if len(q.docs) == 0 {
			// No document holds an unresolved value: a wildcard met a
			// value AWS assigns at apply (a symbol) and matches some of
			// the values it could take.
			a.Proof = "cannot prove: it depends on the value AWS assigns at apply, which a wildcard in " + unresolved + " matches for some values only: " + res.UnknownReadings()
		}
	}
	if q.standIn != "" {
		a.Proof = strings.ReplaceAll(a.Proof, "role/"+anyPrincipalRole, "principals of account "+q.standIn)
	}
	if q.resource != nil && q.resource.policy != nil && q.resource.rtype != iam.ResourceKMSKey && q.resource.rtype != iam.ResourceRoleTrust {
		// Name the policy: a finding about a pipeline has several.
		n := 1
		if res.Decision == iam.Unknown {
			n = -1 // both readings are quoted
		}
		a.Proof = strings.Replace(a.Proof, " the resource policy ", " the "+q.resource.policy.name+" ", n)
	}
	a.Explanation = append(a.Explanation, q.notes...)
	for _, st := range res.Explanation {
		line := string(st.Kind) + " " + string(st.Outcome)
		if st.Target != "" {
			line += " (" + st.Target + ")"
		}
		if st.Sid != "" {
			line += " '" + st.Sid + "'"
		}
		a.Explanation = append(a.Explanation, line+": "+st.Reason)
		if s, ok := q.statement(st); ok {
			a.Statements = append(a.Statements, s)
		}
		if k, ok := kindOutcome(st); ok {
			a.Kinds = append(a.Kinds, k)
		}
	}
	if unresolved != "" {
		a.Explanation = append(a.Explanation, "unresolved: the IaC collector could not resolve values in "+unresolved)
	}
	if a.Decision != Allowed {
		var extra []string
		for _, c := range q.malformed {
			extra = append(extra, c.doc.note())
			if s, ok := c.statement(); ok {
				a.Statements = append(a.Statements, s)
			}
		}
		if len(extra) > 0 {
			a.Proof += " (" + strings.Join(extra, "; ") + ")"
			a.Explanation = append(a.Explanation, extra...)
		}
	}
	if unresolvedDocs := q.unresolvedDocuments(); len(unresolvedDocs) > 0 {
		if deniedWhateverUnresolved(q) {
			// Another required layer denies (the resource policy of a
			// cross-account request, a boundary, an explicit deny): the
			// unresolved documents cannot change that
			// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
			a.Explanation = append(a.Explanation, "unresolved: "+strings.Join(unresolvedDocs, "; ")+"; denied whatever they say")
		} else {
			q.unknown = append(q.unknown, unresolvedDocs...)
		}
	}
	if q.boundaryMissing != "" && len(q.unknown) == 0 {
		// AWS allows only what every required layer allows, the boundary
		// among them; a denial by the layers known is a denial whatever
		// the boundary says (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
		a.Explanation = append(a.Explanation, "unknown: "+q.boundaryMissing)
		if a.Decision == Allowed {
			a.Decision = Unknown
			a.Proof = "cannot prove: " + q.boundaryMissing
		}
	}
	switch {
	case len(q.unknown) > 0:
		if q.boundaryMissing != "" {
			q.unknown = append(q.unknown, q.boundaryMissing)
		}
		a.Explanation = append(a.Explanation, "unknown: "+strings.Join(q.unknown, "; "))
		a.Decision = Unknown
		a.Proof = "cannot prove: " + strings.Join(q.unknown, "; ")
	case len(q.missing) > 0 && a.Decision == Unknown:
		a.Explanation = append(a.Explanation, "unknown: the documents of "+strings.Join(q.missing, ", ")+" are not in "+ix.inputName)
		a.Proof += "; " + strings.Join(q.missing, ", ") + " (not in " + ix.inputName + ") might allow it too"
	case len(q.missing) > 0 && a.Decision != Allowed:
		a.Explanation = append(a.Explanation, "unknown: the documents of "+strings.Join(q.missing, ", ")+" are not in "+ix.inputName)
		a.Decision = Unknown
		a.Proof = "cannot prove a denial: " + a.Proof + ", but " + strings.Join(q.missing, ", ") + " (not in " + ix.inputName + "; pass --snapshot or add them) might allow it"
	}
	if a.Decision == Unknown {
		a.Causes = q.answerCauses(res)
	}
	return a
}

// answerCauses lists what an Unknown answer is missing, as the switch
// above decided it: the unknown reasons when there are any (the missing
// boundary among them), otherwise the unresolved statements the
// evaluator's answer depends on, the missing boundary and the documents
// not in the input.
func (q *question) answerCauses(res iam.Result) []Cause {
	if len(q.unknown) > 0 {
		return q.causesOf(q.unknown, nil)
	}
	var out []Cause
	if res.Decision == iam.Unknown {
		out = q.statementCauses(res.Unresolved())
	}
	if q.boundaryMissing != "" {
		out = q.causesOf([]string{q.boundaryMissing}, out)
	}
	return q.causesOf(q.missing, out)
}

// unresolvedNames names the statements holding unresolved values an
// answer depends on, with their documents ("statement 'S' of inline policy
// read of role Reader"); "" for none.
func (q *question) unresolvedNames(list []iam.UnresolvedStatement) string {
	names := make([]string, 0, len(list))
	for _, u := range list {
		label := fmt.Sprintf("statement #%d", u.Index)
		if u.Sid != "" {
			label = "statement '" + u.Sid + "'"
		}
		if d := q.docs[u.Policy]; d != nil {
			label += " of the " + d.name
		}
		if !slices.Contains(names, label) {
			names = append(names, label)
		}
	}
	return strings.Join(names, ", ")
}

// question is a request with every policy AWS would consult.
type question struct {
	request   iam.Request
	set       iam.PolicySet
	resource  *resourceEntry
	notes     []string
	malformed []consulted
	// identityRefs and boundaryRefs name the policies of set.Identity and
	// set.Boundaries, in their order, as Statement.Policy does;
	// resourceRef names set.Resource's; levelRefs the policies of each
	// SCP and RCP level (by levelKey).
	identityRefs, boundaryRefs []string
	resourceRef                string
	levelRefs                  map[string][]string
	// missing lists policies known to apply whose documents are unknown;
	// unknown lists reasons no answer can be proven.
	missing, unknown []string
	// boundaryMissing says the role has a permissions boundary whose
	// document is absent ("" when none is).
	boundaryMissing string
	// unknownIdentity lists identity policies of the caller whose
	// structure is unresolved (left out of set.Identity); unknownResource
	// says the resource policy's is ("" when known).
	unknownIdentity []string
	unknownResource string
	// requestTokens: the request's resource holds unknown tokens that
	// the evaluator weighs; an Unknown answer names them.
	requestTokens bool
	// standIn is the account whose "any principal" the question is about.
	standIn string
	// docs finds the document of a compiled policy holding unresolved
	// values, to name it when the answer depends on them.
	docs map[*iam.Policy]*document
	// causes holds, for each reason string of unknown, unknownIdentity,
	// unknownResource, missing and boundaryMissing, what exactly it is
	// missing (Answer.Causes).
	causes map[string][]Cause
}

// consulted is a document a question consults, with the policy kind and
// name its statements are reported under (see Statement).
type consulted struct {
	doc        *document
	kind, name string
}

// add consults d, a policy of the given kind (Statement.Kind) and name
// (Statement.Policy), and returns its compiled policy (nil when absent or
// malformed).
func (q *question) add(d *document, kind, name string) *iam.Policy {
	if d == nil {
		return nil
	}
	if d.unknown {
		why := "the " + d.name + " holds a value the IaC collector could not resolve"
		cs := tokenCauses(d.raw, "the "+d.name)
		if len(cs) == 0 {
			cs = []Cause{{Key: "document:" + d.name, What: why}}
		}
		q.addCauses(why, cs...)
		switch kind {
		case kindIdentity:
			q.unknownIdentity = append(q.unknownIdentity, why)
		case kindResource:
			q.unknownResource = why
		default:
			q.unknown = append(q.unknown, why)
		}
	}
	if d.policy.HasUnknown() {
		if q.docs == nil {
			q.docs = map[*iam.Policy]*document{}
		}
		q.docs[d.policy] = d
	}
	if d.malformed != nil {
		q.malformed = append(q.malformed, consulted{doc: d, kind: kind, name: name})
	}
	return d.policy
}

// Assembly is what Authorize hands the evaluator for one question: the
// request with the context AWS would send, and every policy AWS consults.
type Assembly struct {
	Request iam.Request
	Set     iam.PolicySet
	// Malformed names the consulted documents AWS would refuse; they are
	// left out of Set.
	Malformed []string
}

// Assemble gathers the policies AWS consults for req and the request
// context the call carries, as Authorize does before it evaluates them.
// The loopback AWS servers (collectors/awstest) authorize the requests
// they serve through it, so that a server and the analyzer assemble a
// question one way; what only Authorize adds (documents missing from the
// input, unresolved values, the wording of the proof) is the analyzer's.
func (ix *Index) Assemble(req Request) Assembly {
	q := ix.assemble(req)
	a := Assembly{Request: q.request, Set: q.set}
	for _, c := range q.malformed {
		a.Malformed = append(a.Malformed, c.doc.name)
	}
	return a
}

// assemble gathers the policies AWS consults for the request and the
// request context it would carry.
func (ix *Index) assemble(req Request) *question {
	q := &question{}
	p := parseCaller(req.Principal, ix.partition)
	ctx := map[string][]string{}

	// An account root ARN names the account, as in a Principal element:
	// the question is about any principal of that account. (The root user
	// itself, for one, cannot assume roles.) It is asked as a stand-in role
	// of that account whose identity policies are taken to allow.
	if p.kind == "root" {
		req.Principal = fmt.Sprintf("arn:%s:iam::%s:role/%s", ix.partition, p.account, anyPrincipalRole)
		q.notes = append(q.notes, fmt.Sprintf("principal: %s stands for any principal of account %s", req.Principal, p.account))
		p = caller{kind: "account", account: p.account}
		q.standIn = p.account
	}

	// A principal holding an unknown token cannot be placed in or out of
	// the resource's account, nor looked up: the answer is Unknown,
	// whatever the policies say of the principal the ARN reads as.
	if p.unresolved != "" {
		q.unknown = append(q.unknown, p.unresolved)
		if raw, err := json.Marshal(req.Principal); err == nil {
			q.addCauses(p.unresolved, tokenCauses(raw, "the principal "+req.Principal)...)
		}
		q.notes = append(q.notes, "identity: "+p.unresolved+" ("+req.Principal+"); its identity policies are not looked up")
		p.kind = "unresolved"
	}

	// Identity side.
	outside := false
	switch p.kind {
	case "service", "anonymous", "unresolved":
	case "account":
		outside = true
		// Any principal of a member account is still bound by the SCPs on
		// the account's path (a guardrail denying s3:PutBucketPolicy binds
		// them all, save the principals it exempts by name).
		ix.addAccountSCPs(q, p.account)
	case "role", "assumed-role":
		if !ix.accounts[p.account] {
			outside = true
			break
		}
		e := ix.roles[roleKey(p.account, p.roleName)]
		if e == nil {
			arn := req.Principal
			if p.kind != "role" {
				arn = ""
			}
			ix.absentPrincipal(q, p, "role", arn)
			break
		}
		ix.addIdentity(q, p, e.role.ARN, e.inline, e.role.InlinePolicies, e.attached, e.role.PermissionsBoundaryARN)
	case "user":
		if outside = !ix.accounts[p.account]; !outside {
			ix.addUserIdentity(q, p)
		}
	default:
		outside = !ix.accounts[p.account]
		if !outside {
			q.notes = append(q.notes, fmt.Sprintf("identity: %s is not indexed (only roles and users are)", req.Principal))
		}
	}
	if outside {
		q.set.Identity = []*iam.Policy{allowEverything}
		q.identityRefs = []string{""}
		q.notes = append(q.notes, fmt.Sprintf("identity: %s is outside the snapshot; its own identity policies are assumed to allow %s", req.Principal, req.Action))
	}

	// Resource side.
	res, service := ix.resource(req.Action, req.Resource)
	resourceAccount := ""
	if res != nil {
		q.resource = res
		resourceAccount = res.account
		q.set.ResourceType = res.rtype
		q.set.Resource = q.add(res.policy, kindResource, res.id)
		q.resourceRef = res.id
	} else {
		resourceAccount = arnAccount(req.Resource)
		if req.Resource != "*" && (resourceAccount == "" || !ix.accounts[resourceAccount]) {
			q.notes = append(q.notes, fmt.Sprintf("resource: %s is not in %s", req.Resource, ix.inputName))
			q.missing = append(q.missing, "the resource policy of "+req.Resource)
			q.addCauses("the resource policy of "+req.Resource, Cause{Key: "missing:" + req.Resource, Resource: req.Resource,
				What: "the resource policy of " + req.Resource + " is not in " + ix.inputName + "; pass --snapshot of its account"})
		} else if service == "sts" {
			if a, err := arn.Parse(req.Resource); err == nil && strings.HasPrefix(a.Resource, "role/") {
				ix.absentTrust(q, req.Resource, resourceAccount, path.Base(a.Resource))
			}
		}
	}
	if snapshot.IsUnknown(req.Resource) {
		if raw, err := json.Marshal(req.Resource); err == nil {
			q.addCauses(resourceUnresolved, tokenCauses(raw, "the resource ARN "+req.Resource)...)
		}
		// A token only in the resource field, past what names the
		// resource (an organization trail's AWSLogs/<organization ID>/…
		// key in a bucket found in the input), leaves the resource, its
		// account and policy known: the evaluator matches the patterns
		// against every value the token could take (analyzer/iam's
		// opaque.go) and answers Unknown only when they differ.
		// Elsewhere the resource itself is undetermined.
		if res != nil && iam.UnknownOnlyInResourceID(req.Resource) {
			q.requestTokens = true
		} else {
			q.unknown = append(q.unknown, resourceUnresolved)
		}
	}
	// RCPs bind the resources of member accounts for the services that
	// support them, except AWS managed KMS keys
	// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html,
	// https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html).
	if ix.rcpOn && rcpServices[service] && ix.members[resourceAccount] && (res == nil || !res.awsKey) {
		q.set.RCPs = ix.path(resourceAccount, iam.StepRCP, ix.rcps, q)
		q.set.ResourceInManagementAccount = resourceAccount == ix.org.ManagementAccountID
	}

	// Context: what AWS would fill in that the evaluator cannot know, then
	// what the caller knows.
	if p.kind != "service" && p.kind != "anonymous" {
		if p.roleName != "" {
			if e := ix.roles[roleKey(p.account, p.roleName)]; e != nil {
				// aws:PrincipalArn carries the role's path, which an
				// assumed-role session ARN drops.
				ctx["aws:PrincipalArn"] = []string{e.role.ARN}
			}
		}
		if p.kind == "user" {
			ctx["aws:PrincipalArn"] = []string{req.Principal}
		}
	}
	principalAccount := p.account
	if p.kind == "service" || p.kind == "anonymous" {
		principalAccount = ""
	}
	ix.orgContext(ctx, principalAccount, resourceAccount)
	// Connectors and AWS services call over TLS.
	ctx["aws:SecureTransport"] = []string{"true"}
	// A call goes to the endpoint of the resource's region, which is what
	// aws:RequestedRegion holds
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion):
	// without it, the common region-restriction SCP (Deny NotAction when
	// aws:RequestedRegion is not in a list) would deny every call in an
	// allowed region. Global resources (IAM roles) and buckets outside the
	// snapshot name no region; the key stays absent.
	if region := requestedRegion(res, req.Resource); region != "" {
		ctx["aws:RequestedRegion"] = []string{region}
	}
	for k, v := range req.Context {
		for existing := range ctx {
			if strings.EqualFold(existing, k) {
				delete(ctx, existing)
			}
		}
		ctx[k] = v
	}
	q.request = iam.Request{Principal: req.Principal, Action: req.Action, Resource: req.Resource, ResourceAccount: resourceAccount, Context: ctx}
	return q
}

// requestedRegion is the region of the resource a request is about, or ""
// when neither the snapshot nor the ARN says.
func requestedRegion(res *resourceEntry, resource string) string {
	if res != nil && res.region != "" {
		return res.region
	}
	if a, err := arn.Parse(resource); err == nil && a.Service != "iam" && a.Service != "s3" {
		return a.Region
	}
	return ""
}

// anyPrincipalRole names the stand-in for "any principal of the account".
const anyPrincipalRole = "trailgate-any-principal-of-account"

// caller is the requester of a question, as far as the index needs it.
type caller struct {
	kind     string // role, assumed-role, user, root, service, anonymous, other
	account  string
	roleName string // the role's, or the user's, name
	// unresolved says why the principal holds an unknown token
	// (collectors/snapshot.Unknown), "" when it holds none.
	unresolved string
}

// Why a principal holding an unknown token cannot be placed. An account
// that is not resolved may be the resource's or any other, and a name that
// is not resolved may be any role's (or none): the identity side, and
// whether the call crosses accounts, are not determined. The evaluator
// matches a policy's principals against the request's literally, so a
// token anywhere else in the principal (its path, session, service name)
// leaves the answer undetermined too.
const (
	principalAccountUnresolved = "the principal's account is not resolved"
	principalRoleUnresolved    = "the principal's role name is not resolved"
	principalUserUnresolved    = "the principal's user name is not resolved"
	principalUnresolved        = "the principal is not resolved"
)

func parseCaller(principal, partition string) caller {
	switch {
	case principal == "*":
		return caller{kind: "anonymous"}
	case strings.HasSuffix(principal, ".amazonaws.com") || strings.HasSuffix(principal, ".amazonaws.com.cn"):
		c := caller{kind: "service"}
		if snapshot.IsUnknown(principal) {
			c.unresolved = principalUnresolved
		}
		return c
	}
	if snapshot.IsUnknown(principal) {
		return parseUnresolvedCaller(principal)
	}
	a, err := arn.Parse(principal)
	if err != nil {
		return caller{kind: "other"}
	}
	c := caller{kind: "other", account: a.AccountID}
	res := a.Resource
	switch {
	case a.Service == "iam" && res == "root":
		c.kind = "root"
	case a.Service == "iam" && strings.HasPrefix(res, "role/"):
		c.kind, c.roleName = "role", path.Base(res)
	case a.Service == "sts" && strings.HasPrefix(res, "assumed-role/"):
		if seg := strings.Split(res, "/"); len(seg) >= 3 {
			c.kind, c.roleName = "assumed-role", seg[1]
		}
	case a.Service == "iam" && strings.HasPrefix(res, "user/"):
		c.kind, c.roleName = "user", path.Base(res)
	}
	return c
}

// parseUnresolvedCaller is parseCaller for a principal ARN holding unknown
// tokens, split at the colons and slashes the ARN itself writes: a token's
// reason holds a colon ("<unknown:account ID>"), and what it resolves to
// may hold anything. The cause names the most basic field unresolved.
func parseUnresolvedCaller(arn string) caller {
	c := caller{kind: "other", unresolved: principalUnresolved}
	f, ok := iam.SplitARN(arn)
	if !ok {
		return c
	}
	c.account = f[3]
	if snapshot.IsUnknown(f[3]) {
		c.unresolved = principalAccountUnresolved
		return c
	}
	seg := splitOutsideTokens(f[4], '/')
	switch {
	case f[1] == "iam" && len(seg) >= 2 && seg[0] == "role":
		c.kind, c.roleName = "role", seg[len(seg)-1]
	case f[1] == "sts" && len(seg) >= 3 && seg[0] == "assumed-role":
		c.kind, c.roleName = "assumed-role", seg[1]
	case f[1] == "iam" && len(seg) >= 2 && seg[0] == "user":
		c.kind, c.roleName = "user", seg[len(seg)-1]
	}
	switch {
	case !snapshot.IsUnknown(c.roleName):
	case c.kind == "user":
		c.unresolved = principalUserUnresolved
	default:
		c.unresolved = principalRoleUnresolved
	}
	return c
}

// splitOutsideTokens splits s at each sep outside unknown tokens.
func splitOutsideTokens(s string, sep byte) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "<unknown:"):
			if j := strings.IndexByte(s[i:], '>'); j >= 0 {
				i += j
			}
		case s[i] == sep:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// rcpServices are the services whose resources RCPs govern.
var rcpServices = map[string]bool{"s3": true, "sts": true, "kms": true, "sqs": true, "secretsmanager": true}

// orgContext is snapshot.Organization.OrgContext from the paths
// computed once (TestOrgContextMatchesOrganization).
func (ix *Index) orgContext(ctx map[string][]string, principalAccount, resourceAccount string) {
	if ix.org == nil {
		return
	}
	if path, ok := ix.orgPaths[principalAccount]; ok {
		ctx["aws:PrincipalOrgID"] = []string{ix.org.ID}
		ctx["aws:PrincipalOrgPaths"] = []string{path}
	}
	if path, ok := ix.orgPaths[resourceAccount]; ok {
		ctx["aws:ResourceOrgID"] = []string{ix.org.ID}
		ctx["aws:ResourceOrgPaths"] = []string{path}
	}
}

// governed says whether organization policies bind an account: members do,
// the management account does not.
func (ix *Index) governed(account string) bool {
	return ix.org != nil && account != "" && account != ix.org.ManagementAccountID && ix.members[account]
}

// path lists the levels root → OUs → account with their attached policies
// (snapshot.Organization.Ancestors decides the chain).
func (ix *Index) path(account string, kind iam.StepKind, attached map[string][]*document, q *question) []iam.Level {
	chain := append(slices.Clip(ix.chains[account]), account) // a copy: chains are shared
	levels := make([]iam.Level, 0, len(chain))
	for _, target := range chain {
		l := iam.Level{Target: target}
		var refs []string
		for _, d := range attached[target] {
			if pol := q.add(d, string(kind), d.id); pol != nil {
				l.Policies = append(l.Policies, pol)
				refs = append(refs, d.id)
			}
		}
		if q.levelRefs == nil {
			q.levelRefs = map[string][]string{}
		}
		q.levelRefs[levelKey(kind, l.Target)] = refs
		levels = append(levels, l)
	}
	return levels
}

// resource finds the resource-based policy that governs action on the
// resource ARN, and the service that owns the resource.
func (ix *Index) resource(action, resource string) (*resourceEntry, string) {
	a, err := arn.Parse(resource)
	if err != nil {
		return nil, ""
	}
	service := a.Service
	switch service {
	case "s3":
		bucket := a.Resource
		if i := strings.IndexByte(bucket, '/'); i >= 0 {
			bucket = bucket[:i]
		}
		return ix.resources["s3:"+bucket], service
	case "iam":
		act := strings.ToLower(action)
		if strings.HasPrefix(act, "sts:") && strings.HasPrefix(a.Resource, "role/") {
			name := path.Base(a.Resource)
			if e := ix.roles[roleKey(a.AccountID, name)]; e != nil {
				return &resourceEntry{name: "trust policy of role " + e.role.Name, id: e.role.ARN, account: e.account, policy: e.trust, rtype: iam.ResourceRoleTrust}, "sts"
			}
			return nil, "sts"
		}
		return nil, service
	}
	return ix.resources[resource], service
}

func (ix *Index) managedPolicy(arn string) *document {
	if p := ix.managed[arn]; p != nil {
		return p
	}
	const awsPrefix = ":iam::aws:policy/"
	if i := strings.Index(arn, awsPrefix); i >= 0 {
		if load := awsManagedPolicies[path.Base(arn[i+len(awsPrefix):])]; load != nil {
			return load()
		}
	}
	return nil
}

// awsManagedPolicies are the embedded AWS managed policies by name, each
// parsed on first use and then once per process: ReadOnlyAccess alone is
// 118 KB and took about 2.6 ms to parse, which every process (trailgate
// version included) paid at start-up when they were parsed eagerly, while
// a snapshot attaches few of them, if any.
var awsManagedPolicies = func() map[string]func() *document {
	out := map[string]func() *document{}
	entries, err := awsManaged.ReadDir("awsmanaged")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		name := strings.TrimSuffix(e.Name(), ".json")
		out[name] = sync.OnceValue(func() *document {
			data, err := awsManaged.ReadFile("awsmanaged/" + e.Name())
			if err != nil {
				panic(err) // listed by ReadDir of the same embedded FS
			}
			d := compile("AWS managed policy "+name, data, iam.KindIdentity)
			if d.policy == nil {
				// TestEmbeddedAWSManagedPoliciesCompile parses every one.
				panic(fmt.Sprintf("embedded AWS managed policy %s: %v", name, d.malformed))
			}
			return d
		})
	}
	return out
}()

// arnAccount returns the account field of an ARN ("" for S3 and others
// that leave it empty).
func arnAccount(s string) string {
	a, _ := arn.Parse(s)
	return a.AccountID
}

// KnownAWSManagedPolicies lists the AWS managed policies whose documents
// the index carries.
func KnownAWSManagedPolicies() []string {
	entries, _ := awsManaged.ReadDir("awsmanaged")
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(out)
	return out
}

// inputName names the input a snapshot came from, for "not in …".
func inputName(source string) string {
	switch source {
	case snapshot.SourceCloudFormation, snapshot.SourceTerraform:
		return "the template or plan"
	}
	return "the snapshot"
}

// unresolvedDocuments lists the identity and resource policies whose
// structure is unresolved.
func (q *question) unresolvedDocuments() []string {
	out := slices.Clone(q.unknownIdentity)
	if q.unknownResource != "" {
		out = append(out, q.unknownResource)
	}
	return out
}

// allowAnyone is the most permissive resource policy: it allows every
// principal everything and denies nothing.
var allowAnyone = mustCompile(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`, iam.KindResource)

// deniedWhateverUnresolved reports whether q is denied even when its
// unresolved identity policies and resource policy allow everything and
// deny nothing: the most permissive reading bounds every resolution.
func deniedWhateverUnresolved(q *question) bool {
	set := q.set
	if len(q.unknownIdentity) > 0 {
		set.Identity = append(slices.Clone(set.Identity), allowEverything)
	}
	if q.unknownResource != "" {
		set.Resource = allowAnyone
	}
	d := iam.Evaluate(q.request, set).Decision
	return d == iam.ImplicitlyDenied || d == iam.ExplicitlyDenied
}
