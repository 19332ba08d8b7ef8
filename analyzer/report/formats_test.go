package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/trailgate/trailgate/analyzer/findings"
)

var placedOpts = Options{
	ToolVersion: "0.1.0-test", BaselineUsed: true, SourceRoot: "/repo", Paths: samplePaths(),
	Fallback: func(f findings.Finding) *findings.Location {
		return &findings.Location{File: "snapshots/org.json", Line: len(f.Resource.ID)}
	},
	// Every hop's resource but the reader role (declared nowhere in the
	// input) is placed: the IaC file of the key, the snapshot's objects
	// for the rest.
	Places: map[string]findings.Location{
		"arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail": {File: "snapshots/org.json", Line: 12},
		"arn:aws:s3:::org-logs":                                        {File: "snapshots/org.json", Line: 30},
		"arn:aws:kms:us-east-1:111111111111:key/1234":                  {File: "templates/logging.yaml", Line: 42},
		"arn:aws:sns:us-east-1:222222222222:org-logs-events":           {File: "snapshots/org.json", Line: 77},
		"arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail":          {File: "snapshots/org.json", Line: 90},
		"arn:aws:sqs:us-east-1:222222222222:not-on-any-path-of-sample": {File: "snapshots/org.json", Line: 99},
	},
}

func TestGoldenPlacedFormats(t *testing.T) {
	for name, write := range map[string]Writer{
		"placed.sarif": WriteSARIF, "findings.md": WriteMarkdown, "findings.html": WriteHTML,
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b, sampleFindings, sampleRules, placedOpts); err != nil {
				t.Fatal(err)
			}
			golden(t, name, b.Bytes())
		})
	}
	for name, write := range map[string]Writer{"empty.md": WriteMarkdown, "empty.html": WriteHTML} {
		var b bytes.Buffer
		if err := write(&b, nil, sampleRules, Options{}); err != nil {
			t.Fatal(err)
		}
		golden(t, name, b.Bytes())
	}
}

// With a fallback every result has a physical location, relative to the
// %SRCROOT% the run defines, and the log passes GitHub's upload rules and
// the schema.
func TestSARIFEveryResultPlaced(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSARIF(&b, sampleFindings, sampleRules, placedOpts); err != nil {
		t.Fatal(err)
	}
	if p := GitHubUploadProblems(b.Bytes()); p != nil {
		t.Errorf("GitHub would refuse it:\n%s", strings.Join(p, "\n"))
	}
	if err := validate(t, sarifSchema(t), b.Bytes()); err != nil {
		t.Error(err)
	}
	var doc struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Results            []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				CodeFlows []struct {
					ThreadFlows []struct {
						Locations []struct {
							Location struct {
								PhysicalLocation *struct {
									ArtifactLocation struct{ URI, URIBaseID string } `json:"artifactLocation"`
									Region           struct{ StartLine int }         `json:"region"`
								} `json:"physicalLocation"`
								LogicalLocations []struct{ FullyQualifiedName string } `json:"logicalLocations"`
							} `json:"location"`
						} `json:"locations"`
					} `json:"threadFlows"`
				} `json:"codeFlows"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Runs[0].OriginalURIBaseIDs[SRCROOT].URI; got != "file:///repo/" {
		t.Errorf("%%SRCROOT%% = %q, want file:///repo/", got)
	}
	steps := 0
	for i, r := range doc.Runs[0].Results {
		a := r.Locations[0].PhysicalLocation.ArtifactLocation
		if a.URIBaseID != SRCROOT || a.URI == "" {
			t.Errorf("result %d at %+v, want a URI against %%SRCROOT%%", i, a)
		}
		// Each hop steps to its resource's place, the ARN kept beside
		// it; the unplaced reader role keeps only its ARN.
		for _, cf := range r.CodeFlows {
			for _, tf := range cf.ThreadFlows {
				for k, l := range tf.Locations {
					steps++
					arn := l.Location.LogicalLocations[0].FullyQualifiedName
					want, placed := placedOpts.Places[arn]
					got := l.Location.PhysicalLocation
					switch {
					case !placed && got != nil:
						t.Errorf("result %d step %d (%s) placed at %+v; the input declares it nowhere", i, k, arn, *got)
					case placed && got == nil:
						t.Errorf("result %d step %d (%s) not placed, want %s:%d", i, k, arn, want.File, want.Line)
					case placed && (got.ArtifactLocation.URI != want.File || got.ArtifactLocation.URIBaseID != SRCROOT || got.Region.StartLine != want.Line):
						t.Errorf("result %d step %d (%s) at %+v, want %s:%d against %%SRCROOT%%", i, k, arn, *got, want.File, want.Line)
					}
				}
			}
		}
	}
	if steps == 0 {
		t.Error("no code-flow steps: the sample paths explain no finding")
	}
}

// Without a fallback, live findings have no physical location, and the
// checker must say GitHub would refuse them; each other violation must be
// caught too, so the checker can fail.
func TestGitHubUploadProblemsCatchViolations(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSARIF(&b, sampleFindings, sampleRules, Options{}); err != nil {
		t.Fatal(err)
	}
	if p := GitHubUploadProblems(b.Bytes()); len(p) == 0 || !strings.Contains(strings.Join(p, "\n"), "expected artifact location") {
		t.Errorf("live findings without a file were accepted: %v", p)
	}
	var ok bytes.Buffer
	if err := WriteSARIF(&ok, sampleFindings, sampleRules, placedOpts); err != nil {
		t.Fatal(err)
	}
	mutations := map[string]func(map[string]any){
		"undefined rule": func(d map[string]any) { r := firstResult(d); r["ruleId"] = "ZZ99"; delete(r, "ruleIndex") },
		"ruleIndex off":  func(d map[string]any) { firstResult(d)["ruleIndex"] = 0 },
		"no message":     func(d map[string]any) { firstResult(d)["message"] = map[string]any{"text": " "} },
		"no locations":   func(d map[string]any) { delete(firstResult(d), "locations") },
		"absolute path": func(d map[string]any) {
			physical(d)["artifactLocation"] = map[string]any{"uri": "/home/runner/work/t.yaml"}
		},
		"outside root": func(d map[string]any) {
			physical(d)["artifactLocation"] = map[string]any{"uri": "../t.yaml"}
		},
		"undefined base": func(d map[string]any) {
			physical(d)["artifactLocation"] = map[string]any{"uri": "t.yaml", "uriBaseId": "%OTHER%"}
		},
		"no region": func(d map[string]any) { delete(physical(d), "region") },
		"code-flow step outside root": func(d map[string]any) {
			flowPhysical(d)["artifactLocation"] = map[string]any{"uri": "../t.yaml"}
		},
		"code-flow step without line": func(d map[string]any) { delete(flowPhysical(d), "region") },
		"too many runs": func(d map[string]any) {
			runs := d["runs"].([]any)
			for len(runs) <= GitHubMaxRuns {
				runs = append(runs, runs[0])
			}
			d["runs"] = runs
		},
		"too many tags": func(d map[string]any) {
			rule := d["runs"].([]any)[0].(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)[0].(map[string]any)
			tags := make([]any, GitHubMaxTagsPerRule+1)
			for i := range tags {
				tags[i] = fmt.Sprint(i)
			}
			rule["properties"].(map[string]any)["tags"] = tags
		},
		"too many locations": func(d map[string]any) {
			locs := firstResult(d)["locations"].([]any)
			for len(locs) <= GitHubMaxLocations {
				locs = append(locs, locs[0])
			}
			firstResult(d)["locations"] = locs
		},
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			var d map[string]any
			if err := json.Unmarshal(ok.Bytes(), &d); err != nil {
				t.Fatal(err)
			}
			mutate(d)
			data, _ := json.Marshal(d)
			if p := GitHubUploadProblems(data); len(p) == 0 {
				t.Errorf("%s accepted", name)
			}
		})
	}
}

func physical(d map[string]any) map[string]any {
	return firstResult(d)["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
}

// flowPhysical is the physical location of the first placed code-flow
// step of the first result that has a code flow.
func flowPhysical(d map[string]any) map[string]any {
	for _, r := range d["runs"].([]any)[0].(map[string]any)["results"].([]any) {
		flows, _ := r.(map[string]any)["codeFlows"].([]any)
		for _, cf := range flows {
			for _, tf := range cf.(map[string]any)["threadFlows"].([]any) {
				for _, l := range tf.(map[string]any)["locations"].([]any) {
					if p, ok := l.(map[string]any)["location"].(map[string]any)["physicalLocation"].(map[string]any); ok {
						return p
					}
				}
			}
		}
	}
	panic("no placed code-flow step")
}

// A report too long for a comment drops remediations, then findings, and
// says so; it never passes GitHub's limit.
func TestMarkdownFitsAComment(t *testing.T) {
	for _, n := range []int{10, 300, 5000} {
		fs := manyFindings(n)
		for i := range fs {
			fs[i].Remediation = strings.Repeat("Grant s3:GetObject. ", 10)
		}
		var b bytes.Buffer
		if err := WriteMarkdown(&b, fs, sampleRules, Options{}); err != nil {
			t.Fatal(err)
		}
		got := len([]rune(b.String()))
		if got > MarkdownLimit {
			t.Errorf("%d findings: %d characters, over %d", n, got, MarkdownLimit)
		}
		omitted := strings.Contains(b.String(), "more finding(s) not shown")
		if n == 10 && (omitted || !strings.Contains(b.String(), "<details>")) {
			t.Errorf("10 findings: omitted=%v or remediation missing", omitted)
		}
		if n == 5000 && !omitted {
			t.Errorf("5000 findings fit in %d characters?", got)
		}
	}
}

func TestMarkdownEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"role <trusts> & more": "role &lt;trusts&gt; &amp; more",
		"a|b *c* _d_":          `a\|b \*c\* \_d\_`,
		"two\nlines":           "two lines",
	} {
		if got := inline(in); got != want {
			t.Errorf("inline(%q) = %q, want %q", in, got, want)
		}
	}
	if got := code("a`b"); got != "``a`b``" {
		t.Errorf("code = %q", got)
	}
	if got := fenced("x\n```\ny"); !strings.HasPrefix(got, "````\n") {
		t.Errorf("fenced = %q", got)
	}
}

// The Markdown and HTML reports list the files the run could not judge,
// before any finding, as the text summary does.
func TestUnjudgedInMarkdownAndHTML(t *testing.T) {
	opts := Options{Unjudged: []Unjudged{{File: "cloudformation/broken.yaml", Line: 6, Reason: `Fn::GetAtt: no resource "Nowhere"`}}}
	for format, want := range map[string]string{
		"markdown": "> **1 file(s) not judged:**\n> - [cloudformation/broken.yaml:6](cloudformation/broken.yaml#L6): Fn::GetAtt: no resource \"Nowhere\"",
		"html":     `<li class="where">cloudformation/broken.yaml:6: Fn::GetAtt: no resource &#34;Nowhere&#34;</li>`,
	} {
		w, _ := WriterFor(format)
		var b bytes.Buffer
		if err := w(&b, nil, sampleRules, opts); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s does not list the unjudged file:\n%s", format, b.String())
		}
	}
}
