package cfn

import (
	"maps"
	"slices"

	yaml "go.yaml.in/yaml/v3"
)

// ReadNode is Read for a template already parsed into a mapping node, as
// a preprocessor that derives templates from another format hands them
// over (collectors/orgformation: one template per bound account and
// Region); the nodes keep the lines of the file they were read from.
func ReadNode(name string, doc *yaml.Node, opts Options) (*Result, error) {
	if doc == nil || doc.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Msg: "a template is a mapping (AWSTemplateFormatVersion:, Resources:, …)"}
	}
	if err := checkShape(name, doc, 0); err != nil {
		return nil, err
	}
	return readDoc(name, doc, opts)
}

// readDoc reads a template's checked mapping node.
func readDoc(name string, doc *yaml.Node, opts Options) (*Result, error) {
	t, err := newTemplate(name, doc, opts)
	if err != nil {
		return nil, err
	}
	s, err := t.build()
	if err != nil {
		return nil, err
	}
	return &Result{Snapshot: s, Warnings: t.warnings, Parameters: slices.Sorted(maps.Keys(t.params))}, nil
}
