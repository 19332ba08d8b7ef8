package terraform

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// instance is one resource instance the plan leaves in place.
type instance struct {
	addr   string // module.logs["a"].aws_s3_bucket.this[0]
	module string // module.logs["a"], "" at the root
	mode   tfjson.ResourceMode
	typ    string
	name   string
	index  string // the instance key as written in addresses: [0], ["a"], ""
	// created is true when the plan creates the resource, so attributes
	// the configuration leaves unset take the value AWS gives a new one.
	created bool
	root    node
	cfg     *tfjson.ConfigResource // nil when the plan carries no configuration
	loc     *snapshot.Location
}

// node is a value in a resource's planned state with the matching subtree
// of after_unknown (true where the value is known only after apply).
type node struct {
	v   any
	unk any
}

func (n node) unknown() bool { b, _ := n.unk.(bool); return b }

func (n node) get(key string) node {
	if n.unknown() {
		return node{unk: true}
	}
	m, _ := n.v.(map[string]any)
	u, _ := n.unk.(map[string]any)
	return node{v: m[key], unk: u[key]}
}

func (n node) at(i int) node {
	if n.unknown() {
		return node{unk: true}
	}
	l, _ := n.v.([]any)
	u, _ := n.unk.([]any)
	var out node
	if i < len(l) {
		out.v = l[i]
	}
	if i < len(u) {
		out.unk = u[i]
	}
	return out
}

func (n node) list() []node {
	l, _ := n.v.([]any)
	out := make([]node, len(l))
	for i := range l {
		out[i] = n.at(i)
	}
	return out
}

// index holds every instance of a plan by address, and the configuration.
type index struct {
	byAddr map[string]*instance
	list   []*instance // sorted by address
	config *tfjson.Config
	vars   map[string]*tfjson.PlanVariable
	// src is the .tf configuration when it is at hand (config.go); nil
	// otherwise.
	src *source
}

var instanceKeyRe = regexp.MustCompile(`\[[^\]]*\]`)

// configModule finds the configuration of a module instance address
// (module.a["x"].module.b) by dropping instance keys.
func (ix *index) configModule(module string) *tfjson.ConfigModule {
	if ix.config == nil || ix.config.RootModule == nil {
		return nil
	}
	m := ix.config.RootModule
	if module == "" {
		return m
	}
	parts := strings.Split(instanceKeyRe.ReplaceAllString(module, ""), ".")
	for i := 0; i+1 < len(parts); i += 2 {
		if parts[i] != "module" || m.ModuleCalls == nil {
			return nil
		}
		call := m.ModuleCalls[parts[i+1]]
		if call == nil || call.Module == nil {
			return nil
		}
		m = call.Module
	}
	return m
}

func (ix *index) configResource(in *instance) *tfjson.ConfigResource {
	m := ix.configModule(in.module)
	if m == nil {
		return nil
	}
	want := in.typ + "." + in.name
	if in.mode == tfjson.DataResourceMode {
		want = "data." + want
	}
	for _, r := range m.Resources {
		if r.Address == want {
			return r
		}
	}
	return nil
}

func (ix *index) add(in *instance) {
	if _, ok := ix.byAddr[in.addr]; ok {
		return
	}
	in.cfg = ix.configResource(in)
	ix.byAddr[in.addr] = in
	ix.list = append(ix.list, in)
}

func newIndex(name string, p *tfjson.Plan) *index {
	ix := &index{byAddr: map[string]*instance{}, config: p.Config, vars: p.Variables}
	deleted := map[string]bool{}
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.DeposedKey != "" {
			continue
		}
		acts := rc.Change.Actions
		if acts.Delete() {
			deleted[rc.Address] = true
			if rc.Mode == tfjson.ManagedResourceMode && survivesDelete(rc) {
				in := &instance{addr: rc.Address, module: rc.ModuleAddress, mode: rc.Mode, typ: rc.Type, name: rc.Name,
					index: indexKey(rc.Index), root: node{v: rc.Change.Before}}
				in.loc = &snapshot.Location{File: name, Address: in.addr, Change: snapshot.ChangeDelete}
				ix.add(in)
			}
			continue
		}
		root := node{v: rc.Change.After, unk: rc.Change.AfterUnknown}
		if acts.Forget() {
			// forget drops the resource from state without destroying
			// it: the object stays in AWS as it was, untouched.
			root = node{v: rc.Change.Before}
		}
		in := &instance{addr: rc.Address, module: rc.ModuleAddress, mode: rc.Mode, typ: rc.Type, name: rc.Name,
			index: indexKey(rc.Index), root: root,
			created: acts.Create() || acts.Replace()}
		in.loc = &snapshot.Location{File: name, Address: in.addr, Change: changeOf(rc.Mode, acts)}
		ix.add(in)
	}
	addState := func(sv *tfjson.StateValues) {
		if sv == nil {
			return
		}
		var walk func(m *tfjson.StateModule)
		walk = func(m *tfjson.StateModule) {
			if m == nil {
				return
			}
			for _, r := range m.Resources {
				if r == nil || deleted[r.Address] || r.DeposedKey != "" {
					continue
				}
				vals := map[string]any{}
				for k, v := range r.AttributeValues {
					vals[k] = v
				}
				in := &instance{addr: r.Address, module: m.Address, mode: r.Mode, typ: r.Type, name: r.Name,
					index: indexKey(r.Index), root: node{v: vals}}
				in.loc = &snapshot.Location{File: name, Address: in.addr}
				if r.Mode == tfjson.DataResourceMode {
					in.loc.Change = snapshot.ChangeRead
				} else if len(p.ResourceChanges) > 0 {
					// A plan that lists changes lists every managed
					// resource it touches; one only in state is kept
					// as it is.
					in.loc.Change = snapshot.ChangeNoOp
				}
				ix.add(in)
			}
			for _, c := range m.ChildModules {
				walk(c)
			}
		}
		walk(sv.RootModule)
	}
	addState(p.PlannedValues)
	if p.PriorState != nil {
		addState(p.PriorState.Values)
	}
	slices.SortFunc(ix.list, func(x, y *instance) int { return cmp.Compare(x.addr, y.addr) })
	return ix
}

// survivesDelete reports whether a resource the plan deletes will still be
// there after the apply. Such a resource stays in the model, with
// Location.Change delete; every other deleted resource is gone from the
// model, since rules judge what the apply leaves.
//
//   - Destroying an aws_kms_key schedules its deletion: the key stays,
//     PendingDeletion, for the deletion window (7 to 30 days), and
//     everything still encrypting with it fails
//     (https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html).
//   - Control Tower's mandatory guardrail denies cloudtrail:DeleteTrail on
//     trail/aws-controltower-* to all but AWSControlTowerExecution
//     (https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html),
//     so that trail stays, and CT06 reports the denied call.
func survivesDelete(rc *tfjson.ResourceChange) bool {
	if rc.Type == "aws_kms_key" {
		return true
	}
	if rc.Type != "aws_cloudtrail" {
		return false
	}
	before, _ := rc.Change.Before.(map[string]any)
	name, _ := before["name"].(string)
	if i := strings.LastIndex(name, "/"); i >= 0 && strings.HasPrefix(name, "arn:") {
		name = name[i+1:] // the provider accepts a trail ARN as its name
	}
	return strings.HasPrefix(name, "aws-controltower-")
}

// changeOf names a resource change's planned actions as Location.Change
// does (https://developer.hashicorp.com/terraform/internals/json-format#change-representation).
func changeOf(mode tfjson.ResourceMode, a tfjson.Actions) string {
	switch {
	case mode == tfjson.DataResourceMode || a.Read():
		return snapshot.ChangeRead
	case a.Create():
		return snapshot.ChangeCreate
	case a.Update():
		return snapshot.ChangeUpdate
	case a.Replace():
		return snapshot.ChangeReplace
	case a.Delete():
		return snapshot.ChangeDelete
	case a.NoOp(), a.Forget():
		return snapshot.ChangeNoOp
	}
	return ""
}

func indexKey(v any) string {
	switch k := v.(type) {
	case nil:
		return ""
	case string:
		return "[" + strconv.Quote(k) + "]"
	case float64:
		return "[" + strconv.FormatFloat(k, 'f', -1, 64) + "]"
	}
	return fmt.Sprintf("[%v]", v)
}

// step is one part of a traversal: an attribute name or an index.
type step struct {
	name  string
	index string // raw index text including brackets, when this is an index
}

// splitTraversal splits a Terraform reference (data.x.y["k"].attr[0]) into
// steps, keeping quoted keys whole even when they hold dots.
func splitTraversal(s string) []step {
	var out []step
	for len(s) > 0 {
		switch s[0] {
		case '.':
			s = s[1:]
		case '[':
			end := 1
			if end < len(s) && s[end] == '"' {
				end++
				for end < len(s) && s[end] != '"' {
					if s[end] == '\\' {
						end++
					}
					end++
				}
			}
			j := strings.IndexByte(s[min(end, len(s)):], ']')
			if j < 0 {
				return append(out, step{index: s})
			}
			end += j + 1
			out = append(out, step{index: s[:end]})
			s = s[end:]
		default:
			j := strings.IndexAny(s, ".[")
			if j < 0 {
				j = len(s)
			}
			out = append(out, step{name: s[:j]})
			s = s[j:]
		}
	}
	return out
}
