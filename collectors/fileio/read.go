package fileio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// Size limits of the inputs trailgate reads whole. Each is far above what a
// real input of its kind reaches and far below what would exhaust memory.
const (
	// MaxSnapshotBytes: a collected organization of thousands of accounts
	// is tens of megabytes.
	MaxSnapshotBytes = 512 << 20
	// MaxConnectorBytes: a connector file is a dozen lines.
	MaxConnectorBytes = 1 << 20
	// MaxResultBytes: an earlier JSON or SARIF result used as --baseline.
	MaxResultBytes = 256 << 20
	// MaxRequestBytes: an `iam simulate` request file.
	MaxRequestBytes = 64 << 20
	// MaxSecretBytes: a file holding one secret, such as an external ID.
	MaxSecretBytes = 64 << 10
)

// TooLargeError is an input larger than the limit for its kind.
type TooLargeError struct {
	Path  string
	What  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than %s, the most trailgate reads for %s", e.Path, size(e.Limit), e.What)
}

func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadFile reads path whole, refusing more than limit bytes (what names
// the kind of input for the error: "a snapshot"). It returns ctx.Err() as
// soon as ctx ends, also while opening a FIFO no one writes to or reading
// a pipe that never ends. A UTF-8 byte order mark at the start, which
// Windows editors write, is dropped: every input accepts one.
func ReadFile(ctx context.Context, path string, limit int64, what string) ([]byte, error) {
	f, err := open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Pipes, FIFOs and terminals are read through the runtime's poller: a
	// deadline set when ctx ends wakes a read blocked on them. Regular
	// files and devices never block for long; the cap bounds them.
	stop := context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Now()) })
	defer stop()
	data, err := ReadAll(ctx, f, path, limit, what)
	if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return TrimBOM(data), err
}

// TrimBOM drops a UTF-8 byte order mark from the start of data.
func TrimBOM(data []byte) []byte { return bytes.TrimPrefix(data, []byte("\ufeff")) }

// ReadAll reads r to its end, refusing more than limit bytes, and stops
// with ctx.Err() between reads once ctx ends. name names r in errors.
func ReadAll(ctx context.Context, r io.Reader, name string, limit int64, what string) ([]byte, error) {
	var data []byte
	buf := make([]byte, 64<<10)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := r.Read(buf)
		if int64(len(data))+int64(n) > limit {
			return nil, &TooLargeError{Path: name, What: what, Limit: limit}
		}
		data = append(data, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// open opens path for reading. Opening a FIFO blocks until a writer opens
// it; when ctx ends first, open returns ctx.Err() and releases the blocked
// open by opening the FIFO for writing itself (without blocking).
func open(ctx context.Context, path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("is a directory")}
	}
	if st.Mode()&fs.ModeNamedPipe == 0 {
		return os.Open(path)
	}
	return openFIFO(ctx, path, os.O_RDONLY)
}

// openFIFO opens a FIFO (or a device, which may block as well) for
// reading (flag O_RDONLY) or writing (O_WRONLY). A FIFO's open blocks
// until the other end is opened; when ctx ends first,
// openFIFO returns ctx.Err() and releases the blocked open by opening the
// other end itself, without blocking, and closes what it opened.
func openFIFO(ctx context.Context, path string, flag int) (*os.File, error) {
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.OpenFile(path, flag, 0)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		return o.f, o.err
	case <-ctx.Done():
		other := os.O_WRONLY
		if flag&os.O_WRONLY != 0 {
			other = os.O_RDONLY
		}
		if st, err := os.Stat(path); err == nil && st.Mode()&fs.ModeNamedPipe != 0 {
			if f, err := os.OpenFile(path, other|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
		}
		go func() {
			if o := <-done; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// Load reads an input file named by a flag, bounded in size and ending
// with ctx (a FIFO with no writer, Ctrl-C), and parses it.
func Load[T any](ctx context.Context, path string, limit int64, what string, parse func(string, []byte) (T, error)) (T, error) {
	data, err := ReadFile(ctx, path, limit, what)
	if err != nil {
		var zero T
		return zero, err
	}
	return parse(path, data)
}
