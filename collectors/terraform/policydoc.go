package terraform

import (
	"encoding/json"
	"strings"
)

// policyDocumentJSON renders what an aws_iam_policy_document data source
// will produce when its json is known only after apply (a statement names
// the ARN of a bucket or queue the same plan creates): the document is
// built from the planned arguments, the way the provider builds it, with
// each element it cannot know yet an unknown token tied to its address,
// so that the known statements are judged and only the unknown parts stay
// unknown. Documents merged from source or override documents are not
// rebuilt: their result depends on merge rules applied to values not in
// the plan.
func (b *builder) policyDocumentJSON(in *instance) (string, bool) {
	v := b.top(in)
	for _, k := range []string{"source_policy_documents", "override_policy_documents", "source_json", "override_json"} {
		if c := v.n.get(k); c.unknown() || len(c.list()) > 0 || scalar(c.v) != "" {
			return "", false
		}
	}
	doc := map[string]any{}
	version := b.opt(v, "version")
	if version == "" {
		version = "2012-10-17"
	}
	doc["Version"] = version
	if id := b.opt(v, "policy_id"); id != "" {
		doc["Id"] = id
	}
	var stmts []any
	for _, s := range v.blocks("statement") {
		st := map[string]any{}
		if sid := b.opt(s, "sid"); sid != "" {
			st["Sid"] = sid
		}
		effect := b.opt(s, "effect")
		if effect == "" {
			effect = "Allow"
		}
		st["Effect"] = effect
		for _, f := range []struct{ arg, elem string }{
			{"actions", "Action"}, {"not_actions", "NotAction"}, {"resources", "Resource"}, {"not_resources", "NotResource"},
		} {
			if l := b.tiedStrs(s, f.arg); len(l) > 0 {
				st[f.elem] = l
			}
		}
		for _, f := range []struct{ arg, elem string }{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
			ps := s.blocks(f.arg)
			if len(ps) == 0 {
				continue
			}
			m := map[string][]string{}
			for _, p := range ps {
				typ := b.opt(p, "type")
				m[typ] = append(m[typ], b.tiedStrs(p, "identifiers")...)
			}
			if ids, ok := m["*"]; ok && len(m) == 1 && len(ids) == 1 && ids[0] == "*" {
				st[f.elem] = "*"
			} else {
				st[f.elem] = m
			}
		}
		if cs := s.blocks("condition"); len(cs) > 0 {
			cond := map[string]map[string][]string{}
			for _, c := range cs {
				test, variable := b.opt(c, "test"), b.opt(c, "variable")
				if cond[test] == nil {
					cond[test] = map[string][]string{}
				}
				cond[test][variable] = append(cond[test][variable], b.tiedStrs(c, "values")...)
			}
			st["Condition"] = cond
		}
		stmts = append(stmts, st)
	}
	doc["Statement"] = stmts
	out, err := json.Marshal(doc)
	if err != nil {
		return "", false
	}
	// encoding/json escapes < and > in unknown tokens; the rest of the
	// collector writes them as they are.
	s := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(out))
	return s, true
}

// tiedStrs is strs for an argument of a policy document: a list known only
// after apply is one unknown token that names, besides the argument, the
// values the configuration builds it from (the bucket ARN of
// `resources = ["${aws_s3_bucket.logs.arn}/*"]`), so that the unknown is
// tied to the resources it depends on.
func (b *builder) tiedStrs(v view, key string) []string {
	if v.n.get(key).unknown() {
		if l, ok := b.sourceStrings(v, key); ok {
			return l
		}
	}
	e := v.cfg[key]
	if !v.n.get(key).unknown() || e == nil || e.ExpressionData == nil || len(e.References) == 0 {
		return b.strs(v, key)
	}
	var refs []string
	for _, r := range e.References {
		covered := false
		for _, o := range e.References {
			if o != r && strings.HasPrefix(o, r+".") {
				covered = true // aws_s3_bucket.logs beside aws_s3_bucket.logs.arn
			}
		}
		if !covered {
			refs = append(refs, joinModule(v.in.module, r))
		}
	}
	return []string{b.unknown(v.path+"."+key+" (from "+strings.Join(refs, ", ")+")", v.in)}
}
