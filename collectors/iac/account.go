package iac

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// AdoptAccount gives IaC whose account nothing told (a symbol, see
// collectors/cfn and collectors/terraform) the account of the snapshot it
// is laid over, when that snapshot holds exactly one account: the change
// is judged where it will be deployed. With several accounts the input
// does not say which, and the account stays a symbol. iacSnap is returned
// unchanged when there is nothing to adopt.
func AdoptAccount(iacSnap, live *snapshot.Snapshot) (*snapshot.Snapshot, error) {
	if iacSnap == nil || live == nil || len(live.Accounts) != 1 {
		return iacSnap, nil
	}
	id := live.Accounts[0].ID
	var symbols []string
	for _, a := range iacSnap.Accounts {
		if snapshot.IsSymbol(a.ID) {
			symbols = append(symbols, a.ID)
		}
	}
	if len(symbols) == 0 {
		return iacSnap, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(iacSnap); err != nil {
		return nil, err
	}
	text := buf.String()
	for _, s := range symbols {
		text = strings.ReplaceAll(text, s, id)
	}
	var out snapshot.Snapshot
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		return nil, err
	}
	// The symbol's account may now be one the IaC already declared:
	// merge them as Load merges files.
	parts := []*snapshot.Snapshot{}
	accounts := out.Accounts
	out.Accounts = nil
	parts = append(parts, &out)
	for _, a := range accounts {
		parts = append(parts, &snapshot.Snapshot{SchemaVersion: out.SchemaVersion, Source: out.Source, Accounts: []snapshot.Account{a}})
	}
	return snapshot.Merge(parts...), nil
}
