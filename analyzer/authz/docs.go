package authz

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// document is one policy of the snapshot, compiled once by the evaluator.
type document struct {
	// name says which policy it is in explanations ("bucket policy of
	// logs-bucket", "inline policy Reader of role ExpelRole").
	name string
	kind iam.Kind
	raw  []byte
	// policy is nil when the document is absent or malformed.
	policy *iam.Policy
	// malformed is the evaluator's reason for refusing the document: AWS
	// would refuse it too, so it grants nothing.
	malformed error
	// unknown: the document's structure itself is a value an IaC
	// collector could not resolve ("Statement": "<unknown:…>"), so no
	// answer that consults it can be proven. Unresolved values inside
	// statements are the evaluator's business instead (iam.ParseOptions):
	// it decides whenever every resolution gives the same answer.
	unknown bool
	// id is an organization policy's ID, which Statement.Policy names.
	id string
}

// parseOptions let the evaluator recognise the collectors' unknown tokens.
var parseOptions = iam.ParseOptions{Unknown: snapshot.IsUnknown}

func compile(name string, raw []byte, kind iam.Kind) *document {
	d := &document{name: name, kind: kind, raw: raw}
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return d
	}
	p, err := iam.ParsePolicyWith(raw, kind, parseOptions)
	if err != nil {
		// An unresolved IaC value where a statement belongs ("Statement":
		// "<unknown:…>", an unknown Effect) fails to parse, but AWS never
		// sees that document: it is unknown, not malformed, and must not
		// read as "grants nothing".
		if d.unknown = holdsUnknown(raw); !d.unknown {
			d.malformed = err
		}
		return d
	}
	d.policy = p
	d.raw = textNeeded(raw, p)
	return d
}

// textNeeded is the text a document keeps once parsed: the index reads a
// document's text again only to name the unresolved values it holds
// (tokenCauses, statementCauses) or the statement that makes it malformed
// (consulted.statement). A parsed document without an unknown token
// answers the same without it (no token: no cause from the text either),
// and an organization's documents are most of a snapshot's bytes (82 MB
// at 10,000 synthetic accounts, kept by the index through the whole run).
// The token's "<" may be written \u003c, so the test is on the rest.
func textNeeded(raw []byte, p *iam.Policy) []byte {
	if p == nil || p.HasUnknown() || bytes.Contains(raw, []byte("unknown:")) {
		return raw
	}
	return nil
}

// holdsUnknown reports whether any string of the JSON document is, or
// contains, an unknown token. The raw bytes are not enough: encoding/json
// writes "<" as \u003c, so the token only shows once decoded.
func holdsUnknown(raw []byte) bool {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return snapshot.IsUnknown(string(raw))
	}
	return len(snapshot.UnknownTokens(v)) > 0
}

// note describes a document that takes no part although it exists.
func (d *document) note() string {
	if d == nil || d.malformed == nil {
		return ""
	}
	return fmt.Sprintf("the %s is malformed and grants nothing (%v)", d.name, d.malformed)
}

// allowEverything stands for the identity policies of a principal outside
// the snapshot (a vendor's account): they are the vendor's business, and the
// answer says it assumed them.
var allowEverything = mustCompile(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, iam.KindIdentity)

func mustCompile(doc string, kind iam.Kind) *iam.Policy {
	p, err := iam.ParsePolicy([]byte(doc), kind)
	if err != nil {
		panic(err)
	}
	return p
}

// decodeStatements returns a document's statements as JSON objects.
func decodeStatements(raw []byte) []map[string]json.RawMessage {
	var top struct {
		Statement json.RawMessage
	}
	if json.Unmarshal(raw, &top) != nil {
		return nil
	}
	var list []map[string]json.RawMessage
	if json.Unmarshal(top.Statement, &list) == nil {
		return list
	}
	var one map[string]json.RawMessage
	if json.Unmarshal(top.Statement, &one) == nil {
		return []map[string]json.RawMessage{one}
	}
	return nil
}
