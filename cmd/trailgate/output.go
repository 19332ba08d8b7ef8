package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/trailgate/trailgate/collectors/iac"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/internal/fileio"
	"github.com/trailgate/trailgate/internal/jsondup"
)

// inputs are the files check reads, which --output must never overwrite:
// each file named by a flag, and the --output file itself when it lies in
// an --iac directory that would read it as a template or plan (a previous
// report there is not an input, and may be replaced).
func (o *checkOptions) inputs() []string {
	in := []string{o.snapshot, o.connector, o.baseline}
	out, err := filepath.Abs(o.output)
	if err != nil {
		return append(in, o.iac...)
	}
	for _, p := range o.iac {
		st, err := os.Stat(p)
		if err != nil || !st.IsDir() {
			in = append(in, p)
			continue
		}
		dir, err := filepath.Abs(p)
		if err == nil && strings.HasPrefix(out, dir+string(filepath.Separator)) && iac.Reads(o.output) {
			in = append(in, o.output)
		}
	}
	return in
}

// load reads an input file named by a flag, bounded in size and ending
// with ctx (a FIFO with no writer, Ctrl-C), and parses it.
func load[T any](ctx context.Context, path string, limit int64, what string, parse func(string, []byte) (T, error)) (T, error) {
	data, err := fileio.ReadFile(ctx, path, limit, what)
	if err != nil {
		var zero T
		return zero, err
	}
	return parse(path, data)
}

// warnDuplicates wraps a JSON input's parser so that a duplicate key in
// the file (trailgate never writes one: it was edited) is reported in
// *warnings; encoding/json judges the last value.
func warnDuplicates[T any](parse func(string, []byte) (T, error), warnings *[]string) func(string, []byte) (T, error) {
	return func(name string, data []byte) (T, error) {
		if d, ok := jsondup.First(data); ok {
			*warnings = append(*warnings, fmt.Sprintf("%s:%d: duplicate key %s: the last value is the one judged (trailgate never writes duplicates: was the file edited?)",
				name, snapshot.LineAt(data, d.Offset), strings.Join(d.Path, ".")))
		}
		return parse(name, data)
	}
}
