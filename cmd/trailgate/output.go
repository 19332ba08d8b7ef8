package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/trailgate/trailgate/collectors/iac"
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
