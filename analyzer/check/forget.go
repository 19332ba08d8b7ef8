package check

import (
	"reflect"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

var policyType = reflect.TypeFor[snapshot.Policy]()

// forgetPolicyText drops the text of every policy document of snap once
// the run no longer reads it: the authorization index has parsed each
// document (keeping the text only where it names unresolved values or a
// malformed statement), the delivery paths are built and the rules'
// input holds its own copy of the documents. Nothing after
// engine.NewSubject reads snapshot.Policy.Document (the rules read the
// input, the unproven findings the answers, the fixes the IaC files
// themselves); the documents are most of a snapshot's bytes (82 MB at
// 10,000 synthetic accounts), live until the report is written.
func forgetPolicyText(snap *snapshot.Snapshot) {
	if snap != nil {
		forgetIn(reflect.ValueOf(snap).Elem())
	}
}

func forgetIn(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			forgetIn(v.Elem())
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			forgetIn(v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == policyType {
			v.Addr().Interface().(*snapshot.Policy).Document = nil
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				forgetIn(v.Field(i))
			}
		}
	}
}
