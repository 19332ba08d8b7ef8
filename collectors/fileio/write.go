package fileio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// NewFileMode is the mode of an output file trailgate creates: snapshots
// and reports hold policies and account structure, readable by their
// owner only. An existing file keeps its own mode.
const NewFileMode fs.FileMode = 0o600

// Stdout is the output path that means standard output.
const Stdout = "-"

// WriteFile writes data to path, as safely as what is at path allows:
//
//   - "" or "-": to stdout;
//   - a regular file or nothing: atomically (a temporary file in the same
//     directory, then a rename), so a reader never sees half a result; an
//     existing file keeps its mode and, where the process may, its owner;
//     a new one gets NewFileMode; a symbolic link to a regular file stays
//     a link, and the file it names is replaced;
//   - a device, FIFO or socket: written to directly, never replaced (as
//     root, a rename over /dev/stdout would turn it into a regular file);
//   - a directory, or a regular file that is one of inputs (the files the
//     run read): refused, before anything is written.
//
// A FIFO nobody reads blocks the write until ctx ends.
func WriteFile(ctx context.Context, path string, data []byte, stdout io.Writer, inputs []string) error {
	if path == "" || path == Stdout {
		_, err := stdout.Write(data)
		return err
	}
	if err := NotAnInput(path, inputs); err != nil {
		return err
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if lst, lerr := os.Lstat(path); lerr == nil && lst.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link to a file that does not exist; name the file itself", path)
		}
		return writeAtomic(path, data, NewFileMode, nil)
	case err != nil:
		return err
	case st.IsDir():
		return fmt.Errorf("%s is a directory; name a file", path)
	case st.Mode().IsRegular():
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return err
		}
		return writeAtomic(target, data, st.Mode().Perm(), st)
	}
	return writeDirect(ctx, path, data)
}

// NotAnInput refuses an output path that is, by any name, one of the
// regular files in inputs: writing the result over the snapshot or the
// template it came from would destroy the input.
func NotAnInput(path string, inputs []string) error {
	out, err := os.Stat(path)
	if err != nil || !out.Mode().IsRegular() {
		return nil
	}
	for _, in := range inputs {
		if st, err := os.Stat(in); err == nil && os.SameFile(out, st) {
			return fmt.Errorf("%s is also an input (%s); refusing to overwrite it with the result", path, in)
		}
	}
	return nil
}

// writeAtomic writes through a temporary file in path's directory and
// renames it over path. old is what was there (nil for nothing).
func writeAtomic(path string, data []byte, mode fs.FileMode, old fs.FileInfo) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	// The mode is set explicitly: CreateTemp's 0600 and the umask say
	// nothing about what the replaced file allowed.
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if old != nil {
		keepOwner(tmp, old)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}

// keepOwner gives the new file the replaced file's owner and group where
// the process may (root may; others may keep the group at most). Failing
// that, the file is the writer's, as with any editor's atomic save.
func keepOwner(f *os.File, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	if int(st.Uid) != os.Geteuid() || int(st.Gid) != os.Getegid() {
		if f.Chown(int(st.Uid), int(st.Gid)) != nil {
			f.Chown(-1, int(st.Gid))
		}
	}
}

// writeDirect writes to a device, FIFO or socket in place. Opening a FIFO
// for writing blocks until it has a reader, so the open honours ctx.
func writeDirect(ctx context.Context, path string, data []byte) error {
	f, err := openFIFO(ctx, path, os.O_WRONLY)
	if err != nil {
		return err
	}
	// A FIFO whose reader stops reading blocks the write; a deadline set
	// when ctx ends wakes it (FIFOs are read through the runtime poller).
	stop := context.AfterFunc(ctx, func() { f.SetWriteDeadline(time.Now()) })
	defer stop()
	if _, err := f.Write(data); err != nil {
		f.Close()
		if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	return f.Close()
}
