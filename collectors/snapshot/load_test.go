package snapshot

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const minimal = `{"schema_version": "1", "source": "live", "accounts": [{"id": "111111111111"}]}`

// Every scenario fixture is a valid snapshot, and saving is stable: what
// was saved loads and saves to the same bytes.
func TestParseFixturesRoundTrip(t *testing.T) {
	paths, err := filepath.Glob("../../fixtures/scenarios/*/snapshot.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures found: %v", err)
	}
	for _, p := range paths {
		s, err := LoadFile(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		first, err := Marshal(s)
		if err != nil {
			t.Fatalf("%s: marshal: %v", p, err)
		}
		again, err := Parse(p, first)
		if err != nil {
			t.Errorf("%s: reloading what was saved: %v", p, err)
			continue
		}
		second, err := Marshal(again)
		if err != nil {
			t.Fatalf("%s: marshal again: %v", p, err)
		}
		if d := cmp.Diff(string(first), string(second)); d != "" {
			t.Errorf("%s: saving what was loaded is not stable (-first +second):\n%s", p, d)
		}
	}
}

// A malformed or unsupported snapshot is refused with the file, the field's
// path and, where the decoder knows it, the line.
func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      Error
	}{
		{"not JSON", "{\n\"schema_version\": \"1\",\n oops}", Error{Line: 3, Msg: "invalid JSON: invalid character 'o' looking for beginning of object key string"}},
		{"empty", " \n", Error{Msg: "empty document (a snapshot is a JSON object written by trailgate collect)"}},
		{"truncated", `{"schema_version": "1",`, Error{Line: 1, Msg: "invalid JSON: unexpected end of JSON input"}},
		{"missing version", `{"source": "live", "accounts": []}`, Error{Field: "schema_version", Msg: "missing"}},
		{"newer version", `{"schema_version": "2"}`, Error{Field: "schema_version", Msg: `unsupported version "2" (this trailgate reads "1")`}},
		{"version of the wrong type", `{"schema_version": 1}`, Error{Line: 1, Field: "schema_version", Msg: "expected string, found JSON number"}},
		{"unknown field", `{"schema_version": "1", "source": "live", "acounts": []}`, Error{Field: "acounts", Msg: "unknown field"}},
		{"wrong type deep inside", "{\"schema_version\": \"1\", \"source\": \"live\",\n\"accounts\": [{\"id\": \"111111111111\",\n \"buckets\": [{\"name\": \"b\", \"region\": 5}]}]}", Error{Line: 3, Field: "accounts.buckets.region", Msg: "expected string, found JSON number"}},
		{"trailing data", minimal + "\n{}", Error{Line: 2, Msg: "invalid JSON: invalid character '{' after top-level value"}},
		{"bad source", `{"schema_version": "1", "source": "guess", "accounts": []}`, Error{Field: "source", Msg: `must be one of live, cloudformation, terraform, fixture; got "guess"`}},
		{"bad account ID", `{"schema_version": "1", "source": "live", "accounts": [{"id": "12345"}]}`, Error{Field: "accounts[0].id", Msg: `must be a 12-digit account ID; got "12345"`}},
		{"account twice", `{"schema_version": "1", "source": "live", "accounts": [{"id": "111111111111"}, {"id": "111111111111"}]}`, Error{Field: "accounts[1].id", Msg: "account 111111111111 appears twice"}},
		{"bad region", `{"schema_version": "1", "source": "live", "accounts": [{"id": "111111111111", "queues": [{"name": "q", "arn": "arn:aws:sqs:us-east-1:111111111111:q", "region": "US East", "visibility_timeout": 30, "message_retention_period": 60}]}]}`, Error{Field: "accounts[0].queues[0].region", Msg: `must be an AWS region such as us-east-1; got "US East"`}},
		{"policy that is a string", `{"schema_version": "1", "source": "live", "accounts": [{"id": "111111111111", "buckets": [{"name": "b", "arn": "arn:aws:s3:::b", "region": "us-east-1", "policy": {"document": "{\"Statement\": []}"}}]}]}`, Error{Field: "accounts[0].buckets[0].policy.document", Msg: "must be a policy document (a JSON object)"}},
		{"bad ownership", `{"schema_version": "1", "source": "live", "accounts": [{"id": "111111111111", "buckets": [{"name": "b", "arn": "arn:aws:s3:::b", "region": "us-east-1", "object_ownership": "Owner"}]}]}`, Error{Field: "accounts[0].buckets[0].object_ownership", Msg: `unknown setting "Owner"`}},
		{"bad org policy type", `{"schema_version": "1", "source": "live", "organization": {"id": "o-a1b2c3d4e5", "management_account_id": "111111111111", "root_id": "r-a1b2", "policies": [{"id": "p-1", "type": "TAG_POLICY", "document": {"document": {}}}]}, "accounts": []}`, Error{Field: "organization.policies[0].type", Msg: `must be SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY; got "TAG_POLICY"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("org.json", []byte(tc.doc))
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("Parse = %v, want *Error", err)
			}
			want := tc.want
			want.File = "org.json"
			if d := cmp.Diff(&want, got); d != "" {
				t.Errorf("error (-want +got):\n%s", d)
			}
			if !strings.HasPrefix(got.Error(), "org.json") {
				t.Errorf("message %q does not name the file", got.Error())
			}
		})
	}
}

// An unknown token stands where IaC could not resolve a value, and passes
// the shape checks it would otherwise fail.
func TestParseAcceptsUnknowns(t *testing.T) {
	doc := `{"schema_version": "1", "source": "cloudformation", "accounts": [{"id": "` + Unknown("AWS::AccountId") + `"}]}`
	if _, err := Parse("t.json", []byte(doc)); err != nil {
		t.Fatal(err)
	}
	if !IsUnknown("arn:aws:s3:::" + Unknown("ImportValue LogBucket") + "/*") {
		t.Error("an unknown embedded in a longer string is not recognised")
	}
	if IsUnknown("arn:aws:s3:::logs/*") {
		t.Error("a plain ARN is taken for an unknown")
	}
	if tok := Unknown("a<b>c"); strings.Count(tok, ">") != 1 {
		t.Errorf("Unknown(%q) = %q: the reason must not close the token early", "a<b>c", tok)
	}
}

// The same organization gives the same bytes however its lists were filled.
func TestMarshalIsDeterministic(t *testing.T) {
	a := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceLive, Accounts: []Account{
		{ID: "222222222222", Buckets: []Bucket{{Name: "b2", ARN: "arn:aws:s3:::b2", Region: "us-east-1"}, {Name: "b1", ARN: "arn:aws:s3:::b1", Region: "us-east-1"}}},
		{ID: "111111111111", Regions: []string{"us-west-2", "us-east-1"}},
	}}
	b := &Snapshot{SchemaVersion: SchemaVersion, Source: SourceLive, Accounts: []Account{
		{ID: "111111111111", Regions: []string{"us-east-1", "us-west-2"}},
		{ID: "222222222222", Buckets: []Bucket{{Name: "b1", ARN: "arn:aws:s3:::b1", Region: "us-east-1"}, {Name: "b2", ARN: "arn:aws:s3:::b2", Region: "us-east-1"}}},
	}}
	da, err := Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(da, db) {
		t.Errorf("different bytes for the same organization:\n%s\n---\n%s", da, db)
	}
}

// Parse never panics, and whatever it accepts validates and saves.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(`{"schema_version": "1", "source": "live", "accounts": [{"id": "111111111111", "buckets": [{"name": "b", "arn": "arn:aws:s3:::b", "region": "us-east-1", "policy": {"document": {}}}]}]}`))
	if paths, _ := filepath.Glob("../../fixtures/scenarios/*/snapshot.json"); len(paths) > 0 {
		for _, p := range paths[:min(3, len(paths))] {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.json", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error of type %T, want *Error: %v", err, err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted a snapshot that does not validate: %v", err)
		}
		if _, err := Marshal(s); err != nil {
			t.Fatalf("accepted a snapshot that cannot be saved: %v", err)
		}
	})
}
