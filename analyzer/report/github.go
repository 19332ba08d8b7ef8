package report

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// GitHub code scanning's documented limits on an uploaded SARIF file
// (https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit
// and .../integrating-with-code-scanning/sarif-support-for-code-scanning):
// a file over a hard limit is rejected as a whole.
const (
	GitHubMaxRuns             = 20
	GitHubMaxResultsPerRun    = 25000
	GitHubMaxRulesPerRun      = 25000
	GitHubMaxExtensionsPerRun = 100
	GitHubMaxLocations        = 1000  // per result
	GitHubMaxThreadFlowLocs   = 10000 // per result
	GitHubMaxTagsPerRule      = 20
	// GitHubMaxGzipBytes is the largest upload: 10 MB gzip-compressed
	// (https://docs.github.com/code-security/code-scanning/troubleshooting-sarif-uploads/file-too-large).
	GitHubMaxGzipBytes = 10 << 20
)

// GitHubUploadProblems checks a SARIF log against what GitHub code scanning
// requires of an upload beyond the SARIF schema, and returns one line per
// violation (nil when it would be accepted): version 2.1.0; the hard
// limits above; every result naming a rule the run defines (by ruleId and,
// when given, a ruleIndex pointing at that rule) with a message text and at
// least one location with a physicalLocation whose artifactLocation has a
// non-empty URI (a result without one is refused, "expected artifact
// location") and a region starting at line 1 or later; URIs relative to the
// repository root (or absolute file: URIs), and a uriBaseId only when the
// run defines it in originalUriBaseIds.
func GitHubUploadProblems(data []byte) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write(data)
	_ = zw.Close()
	if z.Len() > GitHubMaxGzipBytes {
		bad("%d bytes gzip-compressed, over GitHub's %d", z.Len(), GitHubMaxGzipBytes)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID         string `json:"id"`
						Properties struct {
							Tags []string `json:"tags"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
				Extensions []json.RawMessage `json:"extensions"`
			} `json:"tool"`
			OriginalURIBaseIDs map[string]json.RawMessage `json:"originalUriBaseIds"`
			Results            []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []githubLocation `json:"locations"`
				CodeFlows []struct {
					ThreadFlows []struct {
						Locations []struct {
							Location *githubLocation `json:"location"`
						} `json:"locations"`
					} `json:"threadFlows"`
				} `json:"codeFlows"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		return append(problems, "not a SARIF log: "+err.Error())
	}
	if log.Version != "2.1.0" {
		bad("version %q, GitHub reads 2.1.0", log.Version)
	}
	if len(log.Runs) > GitHubMaxRuns {
		bad("%d runs, over GitHub's %d", len(log.Runs), GitHubMaxRuns)
	}
	for i, run := range log.Runs {
		at := fmt.Sprintf("runs[%d]", i)
		if run.Tool.Driver.Name == "" {
			bad("%s: tool.driver.name is empty", at)
		}
		rules := run.Tool.Driver.Rules
		if len(rules) > GitHubMaxRulesPerRun {
			bad("%s: %d rules, over GitHub's %d", at, len(rules), GitHubMaxRulesPerRun)
		}
		if n := len(run.Tool.Extensions); n > GitHubMaxExtensionsPerRun {
			bad("%s: %d tool extensions, over GitHub's %d", at, n, GitHubMaxExtensionsPerRun)
		}
		defined := map[string]bool{}
		for j, r := range rules {
			defined[r.ID] = true
			if n := len(r.Properties.Tags); n > GitHubMaxTagsPerRule {
				bad("%s.tool.driver.rules[%d] (%s): %d tags, over GitHub's %d", at, j, r.ID, n, GitHubMaxTagsPerRule)
			}
		}
		if len(run.Results) > GitHubMaxResultsPerRun {
			bad("%s: %d results, over GitHub's %d", at, len(run.Results), GitHubMaxResultsPerRun)
		}
		for j, res := range run.Results {
			rat := fmt.Sprintf("%s.results[%d] (%s)", at, j, res.RuleID)
			if res.RuleID == "" || !defined[res.RuleID] {
				bad("%s: ruleId %q is not a rule of the run", rat, res.RuleID)
			}
			if res.RuleIndex != nil && (*res.RuleIndex < 0 || *res.RuleIndex >= len(rules) || rules[*res.RuleIndex].ID != res.RuleID) {
				bad("%s: ruleIndex %d does not point at rule %s", rat, *res.RuleIndex, res.RuleID)
			}
			if strings.TrimSpace(res.Message.Text) == "" {
				bad("%s: no message text", rat)
			}
			if len(res.Locations) == 0 {
				bad("%s: no location (GitHub: expected artifact location)", rat)
			}
			if len(res.Locations) > GitHubMaxLocations {
				bad("%s: %d locations, over GitHub's %d", rat, len(res.Locations), GitHubMaxLocations)
			}
			for k, l := range res.Locations {
				lat := fmt.Sprintf("%s.locations[%d]", rat, k)
				if l.PhysicalLocation == nil {
					bad("%s: no physicalLocation.artifactLocation.uri (GitHub: expected artifact location)", lat)
					continue
				}
				problems = append(problems, l.PhysicalLocation.problems(lat, run.OriginalURIBaseIDs)...)
			}
			for c, cf := range res.CodeFlows {
				for t, tf := range cf.ThreadFlows {
					if n := len(tf.Locations); n > GitHubMaxThreadFlowLocs {
						bad("%s: a thread flow of %d locations, over GitHub's %d", rat, n, GitHubMaxThreadFlowLocs)
					}
					// A hop need not be placed (a resource the input
					// does not declare), but a placed one must place it
					// in the repository, as a result's location must.
					for k, l := range tf.Locations {
						if l.Location != nil && l.Location.PhysicalLocation != nil {
							lat := fmt.Sprintf("%s.codeFlows[%d].threadFlows[%d].locations[%d]", rat, c, t, k)
							problems = append(problems, l.Location.PhysicalLocation.problems(lat, run.OriginalURIBaseIDs)...)
						}
					}
				}
			}
		}
	}
	return problems
}

// githubLocation is the part of a SARIF location GitHub places an alert
// or a code-flow step by.
type githubLocation struct {
	PhysicalLocation *githubPhysical `json:"physicalLocation"`
}

type githubPhysical struct {
	ArtifactLocation *struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	} `json:"artifactLocation"`
	Region *struct {
		StartLine int `json:"startLine"`
	} `json:"region"`
}

// problems says why GitHub could not place p (at names it): no artifact
// URI, no region from line 1, a URI outside the repository, or a
// uriBaseId the run does not define.
func (p *githubPhysical) problems(at string, bases map[string]json.RawMessage) []string {
	if p.ArtifactLocation == nil || p.ArtifactLocation.URI == "" {
		return []string{at + ": no physicalLocation.artifactLocation.uri (GitHub: expected artifact location)"}
	}
	var out []string
	if p.Region == nil || p.Region.StartLine < 1 {
		out = append(out, at+": no region.startLine of 1 or more")
	}
	if msg := uriProblem(p.ArtifactLocation.URI); msg != "" {
		out = append(out, fmt.Sprintf("%s: uri %q %s", at, p.ArtifactLocation.URI, msg))
	}
	if b := p.ArtifactLocation.URIBaseID; b != "" {
		if _, ok := bases[b]; !ok {
			out = append(out, fmt.Sprintf("%s: uriBaseId %q is not in the run's originalUriBaseIds", at, b))
		}
	}
	return out
}

// uriProblem says why a URI cannot place an alert in a repository: it must
// be a relative reference below the root or an absolute file: URI.
func uriProblem(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "is not a URI: " + err.Error()
	}
	switch {
	case u.Scheme == "file":
		return ""
	case u.Scheme != "":
		return "is neither relative to the repository nor a file: URI"
	case strings.HasPrefix(u.Path, "/"):
		return "is an absolute path without file: (GitHub reads it relative to the repository root)"
	case u.Path == ".." || strings.HasPrefix(u.Path, "../"):
		return "leaves the repository root"
	}
	return ""
}
