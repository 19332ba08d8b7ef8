package engine

import (
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// pathIndex builds, from snap's answered paths, the lookups the rules make
// (input.path_index): the delivery side of every log source and the
// reader side of the paths and the services' calls on the delivery side
// (pubs publishing, feeds sending), asking ix what no path asks.
func pathIndex(snap *snapshot.Snapshot, conn *connector.Connector, ix *authz.Index, srcs []datapath.LogSource, pubs []datapath.Publisher, paths []datapath.Path) pathLookups {
	d := datapath.NewDelivery(snap, srcs, paths)
	asker := datapath.AuthzAsker(ix)
	l := pathLookups{delivery: d, reads: datapath.NewReads(snap, conn, paths, srcs, d, asker),
		services: datapath.NewServiceAnswers(snap, paths, srcs, pubs, d, asker),
		members:  datapath.NewMemberWrites(snap, srcs, asker)}
	if conn != nil {
		if p, ok := profiles.Named(conn.Profile); ok {
			l.steps = datapath.NewSteps(snap, conn, p, srcs, pubs, asker)
		}
	}
	return l
}

// pathLookups are what input.path_index is built from.
type pathLookups struct {
	delivery datapath.Delivery
	reads    datapath.Reads
	services datapath.ServiceAnswers
	members  []datapath.MemberWrites
	// steps are the questions of the connector's guide steps.
	steps datapath.Steps
}

// indexValue is input.path_index: the delivery side as datapath.Delivery
// spells it, and the reader side with each request's, key's and lookup's
// answer given as the paths' questions give theirs (answerRefs):
//
//	delivery       datapath.Delivery
//	reads          [{role, queue, buckets}]  per object reader and queue
//	readers        [{role, queue, buckets}]  lib.readers
//	queue_readers  [{role, queue, kind}]     lib.queue_readers
//	keys           [{reader, key, why, context, trail, answer}]
//	requests       [{reader, action, resource, context, on, answer}]
//	assume         [the vendor's sts:AssumeRole request, as requests]
//	member_assumes [the connector role's sts:AssumeRole of each member role, as requests]
//	answers        {"principal action resource": answer}
//	service_answers {"principal action resource source": answer}
//	member_writes  [{trail, bucket, prefix, members, groups: [{first, count, question}]}]
//	               an organization trail's writes of its members' files, by cause
//	steps          {step ID: [{kind, rule, severity, reader, action, resource, context, on, answer}]}
func indexValue(l pathLookups, refs *answerRefs, jp *jsonParser) (*ast.Term, error) {
	d, reads := l.delivery, l.reads
	type key struct {
		datapath.ReaderKey
		Answer any `json:"answer"`
	}
	type request struct {
		datapath.Request
		Answer any `json:"answer"`
	}
	requests := func(xs []datapath.Request) ([]request, error) {
		out := make([]request, 0, len(xs))
		for _, x := range xs {
			a, err := refs.of(x.Question())
			if err != nil {
				return nil, err
			}
			out = append(out, request{Request: x, Answer: a})
		}
		return out, nil
	}
	keys := make([]key, 0, len(reads.Keys))
	for _, k := range reads.Keys {
		a, err := refs.of(k.Question())
		if err != nil {
			return nil, err
		}
		keys = append(keys, key{ReaderKey: k, Answer: a})
	}
	rs, err := requests(reads.Requests)
	if err != nil {
		return nil, err
	}
	assume, err := requests(reads.Assume)
	if err != nil {
		return nil, err
	}
	memberAssumes, err := requests(reads.MemberAssumes)
	if err != nil {
		return nil, err
	}
	answers := make(map[string]any, len(reads.Answers))
	for _, k := range slices.Sorted(maps.Keys(reads.Answers)) {
		if answers[k], err = refs.of(reads.Answers[k]); err != nil {
			return nil, err
		}
	}
	services := make(map[string]any, len(l.services))
	for _, k := range slices.Sorted(maps.Keys(l.services)) {
		if services[k], err = refs.of(l.services[k]); err != nil {
			return nil, err
		}
	}
	type group struct {
		datapath.MemberGroup
		Question any `json:"question"`
	}
	type memberWrites struct {
		datapath.MemberWrites
		Groups []group `json:"groups"`
	}
	members := make([]memberWrites, 0, len(l.members))
	for _, w := range l.members {
		m := memberWrites{MemberWrites: w, Groups: make([]group, 0, len(w.Groups))}
		for _, g := range w.Groups {
			a, err := refs.of(g.Question)
			if err != nil {
				return nil, err
			}
			q := g.Question
			q.Answer = nil
			m.Groups = append(m.Groups, group{MemberGroup: g, Question: struct {
				datapath.Question
				Answer any `json:"answer"`
			}{q, a}})
		}
		members = append(members, m)
	}
	steps, err := stepsValue(l.steps, refs.of)
	if err != nil {
		return nil, err
	}
	// Each field, and each element of the long lists, is converted on
	// its own (arrayValue): the JSON of the whole index at once, with the
	// buffer it grew in, was the largest allocation of a check at 10,000
	// synthetic accounts.
	fields := []struct {
		name string
		conv func() (*ast.Term, error)
	}{
		{"member_writes", func() (*ast.Term, error) { return arrayValue(jp, members) }},
		{"steps", func() (*ast.Term, error) { return jp.marshal(steps) }},
		{"service_answers", func() (*ast.Term, error) { return jp.marshal(services) }},
		{"delivery", func() (*ast.Term, error) { return jp.marshal(d) }},
		{"reads", func() (*ast.Term, error) { return arrayValue(jp, nonNil(reads.ByQueue)) }},
		{"readers", func() (*ast.Term, error) { return arrayValue(jp, nonNil(reads.Readers)) }},
		{"queue_readers", func() (*ast.Term, error) { return arrayValue(jp, nonNil(reads.QueueReaders)) }},
		{"keys", func() (*ast.Term, error) { return arrayValue(jp, keys) }},
		{"requests", func() (*ast.Term, error) { return arrayValue(jp, rs) }},
		{"assume", func() (*ast.Term, error) { return arrayValue(jp, assume) }},
		{"member_assumes", func() (*ast.Term, error) { return arrayValue(jp, memberAssumes) }},
		{"answers", func() (*ast.Term, error) { return jp.marshal(answers) }},
	}
	items := make([][2]*ast.Term, 0, len(fields))
	for _, f := range fields {
		t, err := f.conv()
		if err != nil {
			return nil, err
		}
		items = append(items, ast.Item(ast.StringTerm(f.name), t))
	}
	return ast.ObjectTerm(items...), nil
}

// stepsValue is the steps' questions with each answer given by answer
// (a ref, or inline in Rego unit tests), keyed by step ID.
func stepsValue(steps datapath.Steps, answer func(datapath.Question) (any, error)) (map[string]any, error) {
	type request struct {
		datapath.StepRequest
		Answer any `json:"answer"`
	}
	out := make(map[string]any, len(steps))
	for _, id := range slices.Sorted(maps.Keys(steps)) {
		xs := make([]request, 0, len(steps[id]))
		for _, x := range steps[id] {
			a, err := answer(x.Question())
			if err != nil {
				return nil, err
			}
			xs = append(xs, request{StepRequest: x, Answer: a})
		}
		out[id] = xs
	}
	return out, nil
}
