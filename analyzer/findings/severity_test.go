package findings

import (
	"encoding/json"
	"testing"
)

func TestParseSeverity(t *testing.T) {
	for _, sev := range Severities {
		if got, err := ParseSeverity(string(sev)); err != nil || got != sev {
			t.Errorf("ParseSeverity(%q) = %q, %v", sev, got, err)
		}
	}
	for _, bad := range []string{"", "none", "Critical", "severe"} {
		if _, err := ParseSeverity(bad); err == nil {
			t.Errorf("ParseSeverity(%q) accepted", bad)
		}
	}
	var f Finding
	if err := json.Unmarshal([]byte(`{"severity":"severe"}`), &f); err == nil {
		t.Errorf("a finding with severity severe decoded: %+v", f)
	}
}

func TestFailOn(t *testing.T) {
	fs := []Finding{{Severity: Medium}, {Severity: Critical, Unproven: true}, {Severity: Critical, Baselined: true}}
	for _, c := range []struct {
		threshold Severity
		want      bool
	}{{Critical, false}, {High, false}, {Medium, true}, {Low, true}, {"", false}} {
		if got := FailOn(fs, c.threshold); got != c.want {
			t.Errorf("FailOn(%q) = %v, want %v", c.threshold, got, c.want)
		}
	}
}
