package orgformation

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/collectors/cfn"
	"github.com/trailgate/trailgate/collectors/fileio"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// FormatVersion is the AWSTemplateFormatVersion org-formation templates
// declare.
const FormatVersion = "2010-09-09-OC"

// Detect reports whether data is an org-formation template or organization
// file: the -OC format version, or OC::ORG:: resources.
func Detect(data []byte) bool {
	return bytes.Contains(data, []byte(FormatVersion)) || bytes.Contains(data, []byte("OC::ORG::"))
}

// Options are cfn's: parameters apply to every derived template; AccountID
// and Region are used only for a binding that names no account or Region.
type Options = cfn.Options

// Result is what Read gives back.
type Result struct {
	Snapshot   *snapshot.Snapshot
	Warnings   []snapshot.Warning
	Parameters []string
}

// Account is an OC::ORG::MasterAccount or OC::ORG::Account.
type account struct {
	logical string
	id      string
	name    string
	email   string
	alias   string
	master  bool
	tags    map[string]string
	scps    []string // logical IDs
}

type ou struct {
	logical  string
	name     string
	accounts []string // logical IDs
	children []string // logical IDs
	scps     []string
}

type scp struct {
	logical string
	name    string
	doc     *yaml.Node
	line    int
}

// organization is the organization file's content.
type organization struct {
	file     string
	accounts map[string]*account
	ous      map[string]*ou
	rootSCPs []string
	scps     map[string]*scp
	master   string // logical ID
	// foreach holds, per resource with a ForeachAccount binding, the
	// accounts it is repeated for (logical IDs, sorted).
	foreach map[string][]string
	// current is the account CurrentAccount names while a ForeachAccount
	// copy is rewritten.
	current *account
}

// Read reads an org-formation template (or organization file) at path.
// The organization comes from the template's own Organization section, the
// file its !Include names, or organization.yml beside the template.
func Read(path string, data []byte, opts Options) (*Result, error) {
	doc, err := parse(path, data)
	if err != nil {
		return nil, err
	}
	org, err := findOrganization(path, doc)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	snaps := []*snapshot.Snapshot{org.snapshot()}
	resources := value(doc, "Resources")
	if resources == nil {
		res.Snapshot = snapshot.Merge(snaps...)
		return res, nil
	}
	if resources.Kind != yaml.MappingNode {
		return nil, &cfn.Error{File: path, Line: resources.Line, Msg: "Resources must be a mapping"}
	}
	bindings := value(doc, "OrganizationBindings")
	defBinding := value(doc, "DefaultOrganizationBinding")
	defRegion := value(doc, "DefaultOrganizationBindingRegion")
	// Where each resource goes.
	placed := map[string][]target{}
	var order []string
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id, r := resources.Content[i].Value, resources.Content[i+1]
		b := value(r, "OrganizationBinding")
		if b == nil {
			b = defBinding
		}
		if b == nil {
			return nil, &cfn.Error{File: path, Line: resources.Content[i].Line, Msg: id + ": no OrganizationBinding (and no DefaultOrganizationBinding): org-formation would not deploy it"}
		}
		b, err = org.resolveBindingRef(path, b, bindings)
		if err != nil {
			return nil, err
		}
		ts, err := org.targets(path, b, defRegion, opts)
		if err != nil {
			return nil, err
		}
		placed[id] = ts
		order = append(order, id)
		if fb := value(r, "ForeachAccount"); fb != nil {
			if err := org.bindForeach(path, id, fb, bindings, defRegion, opts); err != nil {
				return nil, err
			}
		}
	}
	// One template per (account, Region).
	byTarget := map[target][]string{}
	for _, id := range order {
		for _, t := range placed[id] {
			byTarget[t] = append(byTarget[t], id)
		}
	}
	keys := slices.SortedFunc(maps.Keys(byTarget), func(x, y target) int {
		return cmp.Or(cmp.Compare(x.account, y.account), cmp.Compare(x.region, y.region))
	})
	params := map[string]bool{}
	for _, t := range keys {
		tpl := org.derive(doc, resources, byTarget[t], placed, t)
		o := opts
		o.AccountID, o.Region = t.account, t.region
		// Each target is its own stack: what AWS assigns there (a
		// detector ID) is another value than in the next target.
		scope := opts.SymbolScope
		if scope == "" {
			scope = path
		}
		o.SymbolScope = scope + "@" + t.account + "/" + t.region
		r, err := cfn.ReadNode(path, tpl, o)
		if err != nil {
			return nil, err
		}
		ts, err := perTarget(r.Snapshot, t)
		if err != nil {
			return nil, err
		}
		snaps = append(snaps, ts)
		res.Warnings = append(res.Warnings, r.Warnings...)
		for _, p := range r.Parameters {
			params[p] = true
		}
	}
	res.Parameters = slices.Sorted(maps.Keys(params))
	res.Snapshot = snapshot.Merge(snaps...)
	res.Snapshot.Source = snapshot.SourceCloudFormation
	return res, nil
}

type target struct{ account, region string }

// perTarget makes the unknown values of one target's snapshot its own: the
// detector org-formation creates in each account has its own ID, so the
// same resource deployed to two targets must not share a token.
func perTarget(s *snapshot.Snapshot, t target) (*snapshot.Snapshot, error) {
	if len(s.Unknowns) == 0 {
		return s, nil
	}
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var pairs []string
	reasons := map[string]string{}
	for _, u := range s.Unknowns {
		reason := fmt.Sprintf("%s (in %s %s)", u.Reason, t.account, t.region)
		reasons[snapshot.Unknown(reason)] = reason
		tok, _ := json.Marshal(u.Token)
		repl, _ := json.Marshal(snapshot.Unknown(reason))
		// Tokens appear inside JSON strings: replace their escaped text.
		pairs = append(pairs, string(tok[1:len(tok)-1]), string(repl[1:len(repl)-1]))
	}
	data = []byte(strings.NewReplacer(pairs...).Replace(string(data)))
	var out snapshot.Snapshot
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	for i := range out.Unknowns {
		out.Unknowns[i].Reason = reasons[out.Unknowns[i].Token]
	}
	return &out, nil
}

// maxBytes bounds a template or organization file as CloudFormation
// bounds template bodies (1 MB).
const maxBytes = 1 << 20

func parse(path string, data []byte) (*yaml.Node, error) {
	if len(data) > maxBytes {
		return nil, &cfn.Error{File: path, Msg: fmt.Sprintf("%d bytes; a template is at most 1 MB", len(data))}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &cfn.Error{File: path, Msg: "invalid YAML: " + err.Error()}
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, &cfn.Error{File: path, Msg: "an org-formation template is a mapping (AWSTemplateFormatVersion:, Organization:, Resources:, …)"}
	}
	return root.Content[0], nil
}

// value is the value of key in mapping m (nil if absent).
func value(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// findOrganization reads the organization: inline, included, or beside.
func findOrganization(path string, doc *yaml.Node) (*organization, error) {
	o := value(doc, "Organization")
	file := path
	if o != nil && o.Tag == "!Include" {
		file = filepath.Join(filepath.Dir(path), o.Value)
		o = nil
	} else if o == nil {
		file = filepath.Join(filepath.Dir(path), "organization.yml")
	}
	if o == nil {
		// Bounded like every input: a FIFO or device named
		// organization.yml cannot hang or exhaust the run.
		data, err := fileio.ReadFile(context.Background(), file, maxBytes, "organization file")
		if err != nil {
			return nil, &cfn.Error{File: path, Msg: fmt.Sprintf("the organization file %s cannot be read (%v): org-formation needs it to know the accounts", file, err)}
		}
		od, err := parse(file, data)
		if err != nil {
			return nil, err
		}
		if o = value(od, "Organization"); o == nil {
			return nil, &cfn.Error{File: file, Line: od.Line, Msg: "no Organization section"}
		}
	}
	return readOrganization(file, o)
}

func readOrganization(file string, o *yaml.Node) (*organization, error) {
	if o.Kind != yaml.MappingNode {
		return nil, &cfn.Error{File: file, Line: o.Line, Msg: "Organization must be a mapping of OC::ORG:: resources"}
	}
	org := &organization{file: file, accounts: map[string]*account{}, ous: map[string]*ou{}, scps: map[string]*scp{}}
	for i := 0; i+1 < len(o.Content); i += 2 {
		id, r := o.Content[i].Value, o.Content[i+1]
		typ := scalar(value(r, "Type"))
		p := value(r, "Properties")
		switch typ {
		case "OC::ORG::MasterAccount", "OC::ORG::Account":
			a := &account{logical: id, id: scalar(value(p, "AccountId")), name: scalar(value(p, "AccountName")),
				email: scalar(value(p, "RootEmail")), alias: scalar(value(p, "Alias")), master: typ == "OC::ORG::MasterAccount",
				scps: refs(value(p, "ServiceControlPolicies")), tags: map[string]string{}}
			if !snapshot.IsAccountID(a.id) {
				return nil, &cfn.Error{File: file, Line: r.Line, Msg: id + ": AccountId must be a 12-digit account ID: trailgate places each binding's resources in its account"}
			}
			if t := value(p, "Tags"); t != nil && t.Kind == yaml.MappingNode {
				for j := 0; j+1 < len(t.Content); j += 2 {
					a.tags[t.Content[j].Value] = t.Content[j+1].Value
				}
			}
			if a.master {
				org.master = id
			}
			org.accounts[id] = a
		case "OC::ORG::OrganizationalUnit":
			org.ous[id] = &ou{logical: id, name: scalar(value(p, "OrganizationalUnitName")), accounts: refs(value(p, "Accounts")),
				children: refs(value(p, "OrganizationalUnits")), scps: refs(value(p, "ServiceControlPolicies"))}
		case "OC::ORG::OrganizationRoot":
			org.rootSCPs = refs(value(p, "ServiceControlPolicies"))
		case "OC::ORG::ServiceControlPolicy":
			org.scps[id] = &scp{logical: id, name: scalar(value(p, "PolicyName")), doc: value(p, "PolicyDocument"), line: r.Line}
		}
	}
	if org.master == "" {
		return nil, &cfn.Error{File: file, Line: o.Line, Msg: "no OC::ORG::MasterAccount: the management account is unknown"}
	}
	return org, nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// refs reads a !Ref or a list of them (logical IDs).
func refs(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.SequenceNode {
		var out []string
		for _, c := range n.Content {
			out = append(out, refs(c)...)
		}
		return out
	}
	if n.Kind == yaml.MappingNode {
		if r := value(n, "Ref"); r != nil {
			return []string{r.Value}
		}
		return nil
	}
	return []string{n.Value}
}

// resolveBindingRef follows OrganizationBinding: !Ref Name.
func (o *organization) resolveBindingRef(path string, b, bindings *yaml.Node) (*yaml.Node, error) {
	if b.Kind == yaml.ScalarNode && b.Tag == "!Ref" || b.Kind == yaml.MappingNode && value(b, "Ref") != nil {
		name := b.Value
		if b.Kind == yaml.MappingNode {
			name = value(b, "Ref").Value
		}
		nb := value(bindings, name)
		if nb == nil {
			return nil, &cfn.Error{File: path, Line: b.Line, Msg: fmt.Sprintf("OrganizationBinding: no binding %q in OrganizationBindings", name)}
		}
		return nb, nil
	}
	return b, nil
}

// targets lists the (account, Region) pairs a binding deploys to, as
// org-formation computes them: Account(s) (or '*': every account but the
// management account), OrganizationalUnit(s) with their child OUs,
// AccountsWithTag, IncludeMasterAccount, minus ExcludeAccount(s); times
// Region(s) (default DefaultOrganizationBindingRegion).
func (o *organization) targets(path string, b, defRegion *yaml.Node, opts Options) ([]target, error) {
	set := map[string]bool{}
	for _, key := range []string{"Account", "Accounts"} {
		v := value(b, key)
		if v != nil && v.Kind == yaml.ScalarNode && v.Tag != "!Ref" && v.Value == "*" {
			for id, a := range o.accounts {
				if !a.master {
					set[id] = true
				}
			}
			continue
		}
		for _, r := range refs(v) {
			if o.accounts[r] == nil {
				return nil, &cfn.Error{File: path, Line: v.Line, Msg: fmt.Sprintf("binding %s names %q, which the organization file %s does not declare", key, r, o.file)}
			}
			set[r] = true
		}
	}
	for _, key := range []string{"OrganizationalUnit", "OrganizationalUnits"} {
		v := value(b, key)
		for _, r := range refs(v) {
			if o.ous[r] == nil {
				return nil, &cfn.Error{File: path, Line: v.Line, Msg: fmt.Sprintf("binding %s names %q, which the organization file %s does not declare", key, r, o.file)}
			}
			o.ouAccounts(r, set, 0)
		}
	}
	if tag := scalar(value(b, "AccountsWithTag")); tag != "" {
		for id, a := range o.accounts {
			if _, ok := a.tags[tag]; ok {
				set[id] = true
			}
		}
	}
	if strings.EqualFold(scalar(value(b, "IncludeMasterAccount")), "true") {
		set[o.master] = true
	}
	for _, key := range []string{"ExcludeAccount", "ExcludeAccounts"} {
		for _, r := range refs(value(b, key)) {
			delete(set, r)
		}
	}
	var regions []string
	for _, key := range []string{"Region", "Regions"} {
		v := value(b, key)
		if v == nil {
			continue
		}
		if v.Kind == yaml.SequenceNode {
			for _, c := range v.Content {
				regions = append(regions, c.Value)
			}
		} else {
			regions = append(regions, v.Value)
		}
	}
	if len(regions) == 0 {
		if defRegion != nil {
			regions = refs(defRegion)
		}
	}
	if len(regions) == 0 {
		return nil, &cfn.Error{File: path, Line: b.Line, Msg: "the binding names no Region (and there is no DefaultOrganizationBindingRegion): org-formation would deploy it nowhere"}
	}
	var out []target
	for id := range set {
		for _, r := range regions {
			out = append(out, target{o.accounts[id].id, r})
		}
	}
	return out, nil
}

func (o *organization) ouAccounts(id string, set map[string]bool, depth int) {
	u := o.ous[id]
	if u == nil || depth > 20 {
		return
	}
	for _, a := range u.accounts {
		if o.accounts[a] != nil {
			set[a] = true
		}
	}
	for _, c := range u.children {
		o.ouAccounts(c, set, depth+1)
	}
}

// templateKeys are the top-level keys CloudFormation knows; the others
// (Organization, OrganizationBindings, …) are org-formation's.
var templateKeys = []string{"Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform", "Outputs"}

// derive builds the CloudFormation template of target t: the resources
// bound there, org-formation's keys removed, organization references
// replaced by their values.
func (o *organization) derive(doc, resources *yaml.Node, ids []string, placed map[string][]target, t target) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Line: doc.Line, Column: doc.Column}
	add := func(k *yaml.Node, v *yaml.Node) { out.Content = append(out.Content, k, v) }
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k := doc.Content[i]
		switch {
		case k.Value == "AWSTemplateFormatVersion":
			v := *doc.Content[i+1]
			v.Value = "2010-09-09"
			add(k, &v)
		case slices.Contains(templateKeys, k.Value):
			add(k, o.rewrite(doc.Content[i+1], resources, placed, t))
		}
	}
	res := &yaml.Node{Kind: yaml.MappingNode, Line: resources.Line, Column: resources.Column}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		k := resources.Content[i]
		if !slices.Contains(ids, k.Value) {
			continue
		}
		r := resources.Content[i+1]
		each, ok := o.foreach[k.Value]
		if !ok {
			res.Content = append(res.Content, k, o.deriveResource(r, resources, placed, t))
			continue
		}
		// org-formation repeats the resource for each account of its
		// ForeachAccount binding, CurrentAccount naming that account, the
		// logical ID suffixed with the account's.
		for _, acct := range each {
			o.current = o.accounts[acct]
			nk := *k
			nk.Value = k.Value + acct
			res.Content = append(res.Content, &nk, o.deriveResource(r, resources, placed, t))
		}
		o.current = nil
	}
	add(&yaml.Node{Kind: yaml.ScalarNode, Value: "Resources", Line: resources.Line}, res)
	return out
}

func (o *organization) deriveResource(r, resources *yaml.Node, placed map[string][]target, t target) *yaml.Node {
	nr := &yaml.Node{Kind: yaml.MappingNode, Line: r.Line, Column: r.Column, Tag: r.Tag}
	for j := 0; j+1 < len(r.Content); j += 2 {
		switch r.Content[j].Value {
		case "OrganizationBinding", "OrganizationBindings", "ForeachAccount":
			continue
		}
		nr.Content = append(nr.Content, r.Content[j], o.rewrite(r.Content[j+1], resources, placed, t))
	}
	return nr
}

// bindForeach records the accounts of resource id's ForeachAccount
// binding (its Regions do not matter: the resource is deployed where its
// OrganizationBinding says).
func (o *organization) bindForeach(path, id string, fb, bindings, defRegion *yaml.Node, opts Options) error {
	b, err := o.resolveBindingRef(path, fb, bindings)
	if err != nil {
		return err
	}
	if value(b, "Region") == nil && value(b, "Regions") == nil && defRegion == nil {
		// targets asks for a Region; ForeachAccount needs none.
		defRegion = &yaml.Node{Kind: yaml.ScalarNode, Value: "-"}
	}
	ts, err := o.targets(path, b, defRegion, opts)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	for _, t := range ts {
		for logical, a := range o.accounts {
			if a.id == t.account {
				set[logical] = true
			}
		}
	}
	if o.foreach == nil {
		o.foreach = map[string][]string{}
	}
	o.foreach[id] = slices.Sorted(maps.Keys(set))
	return nil
}

var subVar = regexp.MustCompile(`\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}`)

// rewrite copies n, replacing references org-formation resolves:
// organization accounts (Ref is the account ID; AccountId, AccountName,
// RootEmail and Alias attributes), AWSAccount (the target account), and
// resources not deployed to this target (unknown: org-formation passes
// them across accounts as parameters trailgate does not see).
func (o *organization) rewrite(n *yaml.Node, resources *yaml.Node, placed map[string][]target, t target) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!Ref":
		if s, ok := o.refValue(n.Value, t, placed); ok {
			return lit(n, s)
		}
	case n.Kind == yaml.ScalarNode && n.Tag == "!GetAtt":
		id, attr, _ := strings.Cut(n.Value, ".")
		if s, ok := o.attValue(id, attr, t, placed); ok {
			return lit(n, s)
		}
	case n.Kind == yaml.SequenceNode && n.Tag == "!GetAtt" && len(n.Content) == 2:
		if s, ok := o.attValue(n.Content[0].Value, n.Content[1].Value, t, placed); ok {
			return lit(n, s)
		}
	case n.Kind == yaml.ScalarNode && n.Tag == "!Sub":
		c.Value = o.rewriteSub(n.Value, t, placed)
		return &c
	case n.Kind == yaml.MappingNode && len(n.Content) == 2:
		switch n.Content[0].Value {
		case "Ref":
			if s, ok := o.refValue(n.Content[1].Value, t, placed); ok {
				return lit(n, s)
			}
		case "Fn::GetAtt":
			a := n.Content[1]
			if a.Kind == yaml.SequenceNode && len(a.Content) == 2 {
				if s, ok := o.attValue(a.Content[0].Value, a.Content[1].Value, t, placed); ok {
					return lit(n, s)
				}
			} else if a.Kind == yaml.ScalarNode {
				id, attr, _ := strings.Cut(a.Value, ".")
				if s, ok := o.attValue(id, attr, t, placed); ok {
					return lit(n, s)
				}
			}
		}
	}
	if len(n.Content) > 0 {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, x := range n.Content {
			c.Content[i] = o.rewrite(x, resources, placed, t)
		}
		if n.Tag == "!Sub" && n.Kind == yaml.SequenceNode && len(c.Content) > 0 && c.Content[0].Kind == yaml.ScalarNode {
			s := *c.Content[0]
			s.Value = o.rewriteSub(s.Value, t, placed)
			c.Content[0] = &s
		}
	}
	return &c
}

func lit(n *yaml.Node, s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Line: n.Line, Column: n.Column}
}

func (o *organization) rewriteSub(s string, t target, placed map[string][]target) string {
	return subVar.ReplaceAllStringFunc(s, func(m string) string {
		g := subVar.FindStringSubmatch(m)
		if g[2] == "" {
			if v, ok := o.refValue(g[1], t, placed); ok {
				return v
			}
			return m
		}
		if v, ok := o.attValue(g[1], g[2][1:], t, placed); ok {
			return v
		}
		return m
	})
}

func (o *organization) accountFor(id string, t target) *account {
	if id == "CurrentAccount" && o.current != nil {
		return o.current
	}
	if id == "AWSAccount" {
		for _, a := range o.accounts {
			if a.id == t.account {
				return a
			}
		}
		return nil
	}
	return o.accounts[id]
}

func (o *organization) refValue(id string, t target, placed map[string][]target) (string, bool) {
	if a := o.accountFor(id, t); a != nil {
		return a.id, true
	}
	if ts, ok := placed[id]; ok && !slices.Contains(ts, t) {
		return snapshot.Unknown(fmt.Sprintf("Ref %s, a resource org-formation deploys to another account or Region", id)), true
	}
	return "", false
}

func (o *organization) attValue(id, attr string, t target, placed map[string][]target) (string, bool) {
	if a := o.accountFor(id, t); a != nil {
		switch attr {
		case "AccountId":
			return a.id, true
		case "AccountName":
			return a.name, true
		case "RootEmail":
			return a.email, true
		case "Alias":
			return a.alias, true
		}
		if tag, ok := strings.CutPrefix(attr, "Tags."); ok {
			return a.tags[tag], true
		}
		return snapshot.Unknown(fmt.Sprintf("%s.%s", id, attr)), true
	}
	if ts, ok := placed[id]; ok && !slices.Contains(ts, t) {
		return snapshot.Unknown(fmt.Sprintf("%s.%s, of a resource org-formation deploys to another account or Region", id, attr)), true
	}
	return "", false
}

// snapshot is the organization as the model holds it: management
// account, member accounts with their OU, and the service control policies
// with their targets (logical IDs turned into the IDs the model uses: the
// account ID, and for roots and OUs the logical ID as an unknown-free
// stand-in named after it).
func (o *organization) snapshot() *snapshot.Snapshot {
	const root = "r-orgformation"
	org := &snapshot.Organization{ID: snapshot.Unknown("organization ID (org-formation)"), ManagementAccountID: o.accounts[o.master].id,
		RootID: root, FeatureSet: "ALL", Location: &snapshot.Location{File: o.file}, Guide: snapshot.GuideOrgFormation,
		// The organization file does not declare which services have
		// trusted access (org-formation enables them outside it).
		EnabledServicePrincipals: []string{snapshot.Unknown("services with trusted access: the org-formation organization file does not declare them")}}
	parent := map[string]string{}
	for _, id := range slices.Sorted(maps.Keys(o.ous)) {
		u := o.ous[id]
		for _, c := range u.children {
			parent["ou:"+c] = "ou-" + strings.ToLower(id)
		}
		for _, a := range u.accounts {
			parent[a] = "ou-" + strings.ToLower(id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(o.ous)) {
		p := parent["ou:"+id]
		if p == "" {
			p = root
		}
		org.OrganizationalUnits = append(org.OrganizationalUnits, snapshot.OrganizationalUnit{ID: "ou-" + strings.ToLower(id), Name: o.ous[id].name, ParentID: p})
	}
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceCloudFormation, Organization: org}
	for _, id := range slices.Sorted(maps.Keys(o.accounts)) {
		a := o.accounts[id]
		p := parent[id]
		if p == "" {
			p = root
		}
		org.Members = append(org.Members, snapshot.OrgAccount{ID: a.id, Name: a.name, Status: "ACTIVE", ParentID: p})
	}
	targets := map[string][]string{}
	for _, id := range o.rootSCPs {
		targets[id] = append(targets[id], root)
	}
	for _, id := range slices.Sorted(maps.Keys(o.ous)) {
		for _, p := range o.ous[id].scps {
			targets[p] = append(targets[p], "ou-"+strings.ToLower(id))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(o.accounts)) {
		for _, p := range o.accounts[id].scps {
			targets[p] = append(targets[p], o.accounts[id].id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(o.scps)) {
		p := o.scps[id]
		doc, err := toJSON(p.doc)
		if err != nil {
			s.Unknowns = append(s.Unknowns, snapshot.UnknownValue{Token: snapshot.Unknown("policy document of " + id), Reason: err.Error()})
			continue
		}
		org.Policies = append(org.Policies, snapshot.OrgPolicy{ID: "p-" + strings.ToLower(id), Name: p.name, Type: snapshot.PolicyTypeSCP,
			Document: snapshot.Policy{Document: doc, Location: &snapshot.Location{File: o.file, Line: p.line, Address: id}}, Targets: targets[id]})
	}
	if len(org.Policies) > 0 {
		org.EnabledPolicyTypes = []string{snapshot.PolicyTypeSCP}
	}
	return s
}
