package remedy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// Edit applies exact edits to a file's content, as a SARIF viewer applies a
// fix's replacements: lines and columns 1-based, columns in characters, end
// exclusive. Edits must not overlap; they are applied from the last to the
// first, so that each one's position is still that of the original file.
func Edit(data []byte, edits []findings.Replacement) ([]byte, error) {
	lines := strings.SplitAfter(string(data), "\n")
	offset := func(line, col int) (int, error) {
		if line < 1 || line > len(lines)+1 {
			return 0, fmt.Errorf("line %d is outside the file (%d lines)", line, len(lines))
		}
		off := 0
		for _, l := range lines[:line-1] {
			off += len(l)
		}
		if line == len(lines)+1 {
			return off, nil
		}
		r := []rune(lines[line-1])
		if col < 1 || col > len(r)+1 {
			return 0, fmt.Errorf("column %d is outside line %d", col, line)
		}
		return off + len(string(r[:col-1])), nil
	}
	sorted := append([]findings.Replacement(nil), edits...)
	// Last edit first, so that applying one leaves the offsets of the
	// others valid.
	slices.SortStableFunc(sorted, func(a, b findings.Replacement) int {
		return cmp.Or(cmp.Compare(b.StartLine, a.StartLine), cmp.Compare(b.StartColumn, a.StartColumn))
	})
	out := string(data)
	prev := len(out) + 1
	for _, e := range sorted {
		start, err := offset(e.StartLine, e.StartColumn)
		if err != nil {
			return nil, err
		}
		end, err := offset(e.EndLine, e.EndColumn)
		if err != nil {
			return nil, err
		}
		if end < start || end > prev {
			return nil, fmt.Errorf("edit at %d:%d overlaps another", e.StartLine, e.StartColumn)
		}
		out = out[:start] + e.Text + out[end:]
		prev = start
	}
	return []byte(out), nil
}
