package terraform

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Where a plan's resources are written.
//
// A plan (terraform show -json) names each resource instance by address
// but says nothing of the .tf file and line that declare it, and a code
// review happens on those lines. When the configuration is at hand (beside
// the plan, or named by Options.ConfigDir), its .tf files are read with
// hclsyntax and each address is mapped to its block: module calls with a
// local source are followed, and an instance of a block with count or
// for_each (aws_x.y[0], module.m["k"].aws_x.y) is the block's own range,
// since the instances share one declaration. Without a configuration,
// each resource points at its object in the plan file.

// maxModuleDepth bounds the nesting of module calls read.
const maxModuleDepth = 16

// block is where one resource block is declared, and its body: the
// expression text the plan's JSON drops (expr.go evaluates it).
type block struct {
	file string
	line int
	body *hclsyntax.Body
}

// source is what the .tf files say beyond the plan: resource, data and
// module blocks by address without instance keys
// (aws_s3_bucket.logs, module.logs.data.aws_iam_policy_document.p,
// module.logs for the call itself), and the locals of each module
// (module.logs.local.name), which the plan's configuration omits.
type source struct {
	blocks map[string]block
	locals map[string]*hclsyntax.Attribute
}

// configBlocks reads the configuration rooted at dir. A .tf file that does
// not parse is an *Error naming its file and line: Terraform would refuse
// it too, so the plan cannot be of it.
func configBlocks(dir string) (*source, error) {
	out := map[string]block{}
	locals := map[string]*hclsyntax.Attribute{}
	seen := map[string]bool{}
	var read func(dir, prefix string) error
	read = func(dir, prefix string) error {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return err
		}
		// A module called twice is read for each call: its resources
		// have an address under each. One whose source leads back to
		// itself (Terraform refuses the cycle) ends at maxModuleDepth.
		key := abs + "\x00" + prefix
		if seen[key] || strings.Count(prefix, "module.") > maxModuleDepth {
			return nil
		}
		seen[key] = true
		files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
		if err != nil {
			return err
		}
		slices.Sort(files)
		type call struct{ name, source string }
		var calls []call
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
			if diags.HasErrors() {
				d := diags[0]
				line := 0
				if d.Subject != nil {
					line = d.Subject.Start.Line
				}
				return &Error{File: f, Line: line, Msg: "not valid HCL: " + d.Summary + ": " + d.Detail}
			}
			body, ok := file.Body.(*hclsyntax.Body)
			if !ok {
				continue
			}
			for _, b := range body.Blocks {
				switch {
				case (b.Type == "resource" || b.Type == "data") && len(b.Labels) == 2:
					addr := b.Labels[0] + "." + b.Labels[1]
					if b.Type == "data" {
						addr = "data." + addr
					}
					if _, dup := out[prefix+addr]; !dup {
						out[prefix+addr] = block{file: f, line: b.DefRange().Start.Line, body: b.Body}
					}
				case b.Type == "locals" && len(b.Labels) == 0:
					for name, a := range b.Body.Attributes {
						locals[prefix+"local."+name] = a
					}
				case b.Type == "module" && len(b.Labels) == 1:
					if _, dup := out[prefix+"module."+b.Labels[0]]; !dup {
						out[prefix+"module."+b.Labels[0]] = block{file: f, line: b.DefRange().Start.Line, body: b.Body}
					}
					if s, ok := literalSource(b.Body); ok {
						calls = append(calls, call{b.Labels[0], s})
					}
				}
			}
		}
		for _, c := range calls {
			// Only local sources ("./x", "../x") are on disk beside the
			// configuration; a registry or git module is not.
			if !strings.HasPrefix(c.source, "./") && !strings.HasPrefix(c.source, "../") {
				continue
			}
			if err := read(filepath.Join(dir, filepath.FromSlash(c.source)), prefix+"module."+c.name+"."); err != nil {
				return err
			}
		}
		return nil
	}
	if err := read(dir, ""); err != nil {
		return nil, err
	}
	return &source{blocks: out, locals: locals}, nil
}

// literalSource returns a module block's source when it is a literal string.
func literalSource(body *hclsyntax.Body) (string, bool) {
	attr, ok := body.Attributes["source"]
	if !ok {
		return "", false
	}
	v, diags := attr.Expr.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type().FriendlyName() != "string" {
		return "", false
	}
	return v.AsString(), true
}

// hasConfig reports whether dir holds a .tf file.
func hasConfig(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	return len(m) > 0
}

// configAddress drops the instance keys of an address:
// module.a["x"].aws_s3_bucket.b[0] → module.a.aws_s3_bucket.b.
func configAddress(addr string) string {
	return instanceKeyRe.ReplaceAllString(addr, "")
}

// planLines maps each resource address to the line of its object in the
// plan: under resource_changes first (where its change is), else under
// planned_values or prior_state. The configuration section is skipped:
// its addresses are relative to their module.
func planLines(data []byte) map[string]int {
	rank := map[string]int{"resource_changes": 0, "planned_values": 1, "prior_state": 2}
	best := map[string]int{}
	lines := map[string]int{}
	_ = snapshot.WalkObjects(data, func(path []string, fields map[string]string, line int) {
		addr := fields["address"]
		if addr == "" || len(path) == 0 {
			return
		}
		r, ok := rank[path[0]]
		if !ok || fields["type"] == "" {
			return // a module object, or the configuration
		}
		if b, seen := best[addr]; !seen || r < b {
			best[addr], lines[addr] = r, line
		}
	})
	return lines
}

// place sets the file and line of every instance: its block in the
// configuration when there is one, else its object in the plan.
func (ix *index) place(name string, data []byte, configDir string) error {
	if configDir == "" && hasConfig(filepath.Dir(name)) {
		configDir = filepath.Dir(name)
	}
	var blocks map[string]block
	if configDir != "" {
		info, err := os.Stat(configDir)
		if err != nil {
			return &Error{File: configDir, Msg: "Terraform configuration: " + err.Error()}
		}
		if !info.IsDir() {
			return &Error{File: configDir, Msg: "Terraform configuration: not a directory"}
		}
		src, err := configBlocks(configDir)
		if err != nil {
			return err
		}
		ix.src, blocks = src, src.blocks
	}
	lines := planLines(data)
	for _, in := range ix.list {
		if b, ok := blocks[configAddress(in.addr)]; ok {
			in.loc.File, in.loc.Line = b.file, b.line
			continue
		}
		in.loc.Line = lines[in.addr]
	}
	return nil
}
