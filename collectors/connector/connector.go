package connector

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Profiles a connector file may name. Each is kept as data in rego/profiles.
var Profiles = []string{"radiant", "skyformation", "expel", "rapid7", "generic"}

// Sources a connector may read.
var Sources = []string{"cloudtrail", "guardduty"}

// Connector is the contract's connector file.
type Connector struct {
	// Profile is the vendor whose setup guide applies.
	Profile string `json:"profile" yaml:"profile"`
	// Role is the role the connector assumes: an ARN, or in IaC a logical ID
	// or Terraform address.
	Role string `json:"role" yaml:"role"`
	// TrustedPrincipal is the vendor's principal that assumes Role.
	TrustedPrincipal string `json:"trusted_principal,omitempty" yaml:"trusted_principal"`
	// ExternalID is the vendor-issued sts:ExternalId. It is a shared secret
	// of sorts: show it masked (Masked).
	ExternalID string `json:"external_id,omitempty" yaml:"external_id"`
	// Queue is the SQS queue ARN the connector reads, if it reads one.
	Queue string `json:"queue,omitempty" yaml:"queue"`
	// Region is the region entered in the vendor's console.
	Region string `json:"region,omitempty" yaml:"region"`
	// Sources are the log sources the connector ingests.
	Sources []string `json:"sources,omitempty" yaml:"sources"`
	// File is where the connector was read from (not part of the file).
	File string `json:"file,omitempty" yaml:"-"`
}

// Error names the file and line of a bad connector file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return snapshot.ErrorText(e.File, e.Line, "", e.Msg) }

// LoadFile reads a connector file.
func LoadFile(path string) (*Connector, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

var (
	lineRe = regexp.MustCompile(`line ([0-9]+)`)
)

// Parse decodes a connector file. JSON is a subset of YAML, so one decoder
// reads both; unknown keys are refused so that a typo (extrnal_id) is not
// silently ignored.
func Parse(name string, data []byte) (*Connector, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	if len(root.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty connector file"}
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: doc.Line, Msg: "a connector file is a mapping (profile:, role:, …)"}
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		lines[doc.Content[i].Value] = doc.Content[i].Line
	}
	var c Connector
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, yamlError(name, err)
	}
	c.File = name
	fail := func(key, format string, args ...any) error {
		return &Error{File: name, Line: lines[key], Msg: key + ": " + fmt.Sprintf(format, args...)}
	}
	if !contains(Profiles, c.Profile) {
		return nil, fail("profile", "must be one of %s; got %q", strings.Join(Profiles, ", "), c.Profile)
	}
	if c.Role == "" {
		return nil, &Error{File: name, Msg: "role: missing (the role ARN the connector assumes)"}
	}
	if c.Region != "" && !snapshot.IsRegion(c.Region) {
		return nil, fail("region", "must be an AWS region such as us-east-1; got %q", c.Region)
	}
	if c.Queue != "" && !strings.HasPrefix(c.Queue, "arn:") {
		return nil, fail("queue", "must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME); got %q", c.Queue)
	}
	for _, s := range c.Sources {
		if !contains(Sources, s) {
			return nil, fail("sources", "unknown source %q (known: %s)", s, strings.Join(Sources, ", "))
		}
	}
	return &c, nil
}

func yamlError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
		// The line now stands after the file name; do not say it twice.
		msg = strings.TrimPrefix(msg, m[0]+": ")
	}
	return &Error{File: name, Line: line, Msg: msg}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MaskedExternalID shows the first and last two characters of the external
// ID, enough to recognise it, never enough to reuse it.
func (c *Connector) MaskedExternalID() string {
	id := c.ExternalID
	if len(id) <= 4 {
		return strings.Repeat("*", len(id))
	}
	return id[:2] + strings.Repeat("*", len(id)-4) + id[len(id)-2:]
}
