package snapshot

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ResourceLines maps each resource ID findings use to the line of its
// object: checked by hand against the scenario file.
func TestResourceLines(t *testing.T) {
	data, err := os.ReadFile("../../fixtures/scenarios/guardduty-delegated-admin-broken/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	got := ResourceLines(data)
	// lineOf is the line of the last '{' before needle (or of needle
	// when it ends in '{'): where the object holding it starts.
	lineOf := func(needle string) int {
		i := bytes.Index(data, []byte(needle))
		if i < 0 {
			t.Fatalf("%s not in the fixture", needle)
		}
		return LineAt(data, int64(bytes.LastIndexByte(data[:i+len(needle)], '{')))
	}
	for id, field := range map[string]string{
		"arn:aws:s3:::guardduty-findings-222222222222-eu-west-1": `"arn": "arn:aws:s3:::guardduty-findings-222222222222-eu-west-1"`,
		"o-a1b2c3d4e5": `"organization": {`,
		"arn:aws:guardduty:eu-west-1:333333333333:detector/a1b2c3d4e5f60718293a4b5c6d7e8f90": `"id": "a1b2c3d4e5f60718293a4b5c6d7e8f90"`,
	} {
		if got[id] == 0 || got[id] != lineOf(field) {
			t.Errorf("%s at line %d, want %d", id, got[id], lineOf(field))
		}
	}
}

func TestWalkObjectsPaths(t *testing.T) {
	data := []byte("{\"a\": [\n {\"x\": \"1\", \"n\": 2},\n {\"y\": {\"z\": \"3\"}}\n]}")
	type visit struct {
		Path   []string
		Fields map[string]string
		Line   int
	}
	var got []visit
	if err := WalkObjects(data, func(p []string, f map[string]string, l int) {
		got = append(got, visit{append([]string(nil), p...), f, l})
	}); err != nil {
		t.Fatal(err)
	}
	want := []visit{
		{[]string{"a", "0"}, map[string]string{"x": "1"}, 2},
		{[]string{"a", "1", "y"}, map[string]string{"z": "3"}, 3},
		{[]string{"a", "1"}, map[string]string{}, 3},
		{nil, map[string]string{}, 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("visits (-want +got):\n%s", diff)
	}
}

func FuzzWalkObjects(f *testing.F) {
	f.Add([]byte(`{"accounts":[{"id":"1","buckets":[{"arn":"arn:aws:s3:::b"}],"detectors":[{"id":"d","region":"r"}]}]}`))
	f.Add([]byte(`[1, {"a": [{}]}, "x"]`))
	f.Add([]byte(`{"a":`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = WalkObjects(data, func(p []string, _ map[string]string, line int) {
			if line < 1 {
				t.Errorf("object at line %d", line)
			}
		})
		for id, line := range ResourceLines(data) {
			if id == "" || line < 1 {
				t.Errorf("%q at line %d", id, line)
			}
		}
	})
}

// A pending subscription has no ARN: it is found by the name delivery
// paths give it (SubscriptionID: its topic and endpoint), at its own
// object; a confirmed one by its ARN.
func TestResourceLinesPendingSubscription(t *testing.T) {
	data, err := os.ReadFile("../../fixtures/scenarios/single-account-trail-sns-broken/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("snapshot.json", data); err != nil {
		t.Fatal(err)
	}
	got := ResourceLines(data)
	topic := "arn:aws:sns:us-west-2:444444444444:cloudtrail-log-delivery"
	for _, endpoint := range []string{"arn:aws:sqs:us-west-2:649384204969:radiant-cloudtrail-444444444444", "arn:aws:sqs:us-west-2:649384204969:radiant-cloudtrail-legacy"} {
		i := bytes.Index(data, []byte(`"endpoint": "`+endpoint+`"`))
		if i < 0 {
			t.Fatalf("%s not in the fixture", endpoint)
		}
		want := LineAt(data, int64(bytes.LastIndexByte(data[:i], '{')))
		id := SubscriptionID(topic, Subscription{ARN: "PendingConfirmation", Endpoint: endpoint})
		if got[id] != want {
			t.Errorf("%s at line %d, want %d", id, got[id], want)
		}
	}
	if id := SubscriptionID(topic, Subscription{ARN: topic + ":abc", Endpoint: "x"}); id != topic+":abc" {
		t.Errorf("a confirmed subscription is named %q, want its ARN", id)
	}
}
