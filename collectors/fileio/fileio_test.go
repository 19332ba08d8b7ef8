package fileio

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mknod makes a character device node in dir with the numbers of
// /dev/null (1,3) or /dev/zero (1,5); it skips the test where the process
// may not (not root, or a container without CAP_MKNOD).
func mknod(t *testing.T, dir string, minor int) string {
	t.Helper()
	p := filepath.Join(dir, "dev")
	if err := syscall.Mknod(p, syscall.S_IFCHR|0o666, 1<<8|minor); err != nil {
		t.Skipf("mknod: %v (needs root)", err)
	}
	return p
}

func TestWriteToDeviceKeepsTheDevice(t *testing.T) {
	dir := t.TempDir()
	dev := mknod(t, dir, 3)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(dev, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dev, link} {
		if err := WriteFile(context.Background(), p, []byte("result\n"), nil, nil); err != nil {
			t.Fatalf("WriteFile(%s): %v", p, err)
		}
	}
	st, err := os.Lstat(dev)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("%s is now %v, want the character device it was", dev, st.Mode())
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link: %v %v", link, st, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteToFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan []byte)
	go func() {
		data, _ := os.ReadFile(fifo)
		got <- data
	}()
	if err := WriteFile(context.Background(), fifo, []byte("result\n"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if data := <-got; string(data) != "result\n" {
		t.Errorf("read %q from the FIFO", data)
	}
	if st, _ := os.Lstat(fifo); st.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced by %v", st.Mode())
	}

	// No reader: the write ends with the context.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := WriteFile(ctx, fifo, []byte("x"), nil, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("write to a FIFO without a reader: %v, want the context's error", err)
	}
}

func TestWriteRegularFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()

	fresh := filepath.Join(dir, "new.json")
	if err := WriteFile(ctx, fresh, []byte("a"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != NewFileMode {
		t.Errorf("new file mode %v, want %v", st.Mode().Perm(), NewFileMode)
	}

	old := filepath.Join(dir, "old.json")
	os.WriteFile(old, []byte("old"), 0o640)
	os.Chmod(old, 0o640) // whatever the umask
	if err := WriteFile(ctx, old, []byte("new"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(old); st.Mode().Perm() != 0o640 {
		t.Errorf("existing file mode %v, want 0640 kept", st.Mode().Perm())
	}
	if data, _ := os.ReadFile(old); string(data) != "new" {
		t.Errorf("content %q", data)
	}

	link := filepath.Join(dir, "link.json")
	os.Symlink("old.json", link)
	if err := WriteFile(ctx, link, []byte("via link"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(link); st.Mode()&fs.ModeSymlink == 0 {
		t.Error("the symbolic link was replaced by a file")
	}
	if data, _ := os.ReadFile(old); string(data) != "via link" {
		t.Errorf("the link's target holds %q", data)
	}

	if err := WriteFile(ctx, dir, []byte("x"), nil, nil); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("write to a directory: %v", err)
	}
	dangling := filepath.Join(dir, "dangling")
	os.Symlink("missing", dangling)
	if err := WriteFile(ctx, dangling, []byte("x"), nil, nil); err == nil {
		t.Error("write through a dangling link: no error")
	}

	if err := WriteFile(ctx, filepath.Join(dir, "missing", "x.json"), []byte("x"), nil, nil); err == nil {
		t.Error("write into a missing directory: no error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("directory holds %d entries, want the 4 made here (no temporary file left)", len(entries))
	}

	var stdout bytes.Buffer
	if err := WriteFile(ctx, "-", []byte("to stdout"), &stdout, nil); err != nil || stdout.String() != "to stdout" {
		t.Errorf("write to -: %q %v", stdout.String(), err)
	}
}

// TestOutputIsAnInput: the output is refused when it is one of the inputs
// by any name (the same path, a symbolic link, a hard link), and the input
// is left as it was. A device that is both (/dev/stdout) is not refused.
func TestOutputIsAnInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "snapshot.json")
	os.WriteFile(in, []byte("input"), 0o600)
	sym := filepath.Join(dir, "sym.json")
	os.Symlink(in, sym)
	hard := filepath.Join(dir, "hard.json")
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{in, sym, hard, filepath.Join(dir, ".", "snapshot.json")} {
		err := WriteFile(context.Background(), out, []byte("result"), nil, []string{"unrelated", in})
		if err == nil || !strings.Contains(err.Error(), "is also an input") {
			t.Errorf("output %s: err = %v, want refused", out, err)
		}
	}
	if data, _ := os.ReadFile(in); string(data) != "input" {
		t.Errorf("the input now holds %q", data)
	}
	dev := mknod(t, dir, 3)
	if err := WriteFile(context.Background(), dev, []byte("result"), nil, []string{dev}); err != nil {
		t.Errorf("device as input and output: %v", err)
	}
}

func TestReadFileCap(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big")
	os.WriteFile(p, make([]byte, 2048), 0o600)
	_, err := ReadFile(context.Background(), p, 1024, "a snapshot")
	var tl *TooLargeError
	if !errors.As(err, &tl) || err.Error() != p+": larger than 1 KiB, the most trailgate reads for a snapshot" {
		t.Errorf("err = %v", err)
	}
	if data, err := ReadFile(context.Background(), p, 2048, "a snapshot"); err != nil || len(data) != 2048 {
		t.Errorf("at the limit: %d bytes, %v", len(data), err)
	}
	// An endless device (/dev/zero) stops at the cap.
	zero := mknod(t, dir, 5)
	if _, err := ReadFile(context.Background(), zero, 1<<20, "a snapshot"); !errors.As(err, &tl) {
		t.Errorf("endless device: err = %v, want TooLargeError", err)
	}
}

// endless never ends: it yields a byte at a time, slowly, as a pipe from a
// process that never exits would.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	time.Sleep(time.Millisecond)
	p[0] = 'x'
	return 1, nil
}

func TestReadEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ReadAll(ctx, endless{}, "endless", 1<<30, "a snapshot"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("endless reader: err = %v, want the context's error", err)
	}

	// A FIFO without a writer blocks open(2); one with a writer that never
	// writes blocks read(2). Both end with the context.
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ReadFile(ctx, fifo, 1<<20, "a snapshot"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("FIFO without a writer: err = %v, want the context's error", err)
	}
	w := make(chan *os.File, 1)
	go func() {
		f, _ := os.OpenFile(fifo, os.O_WRONLY, 0)
		w <- f
	}()
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := ReadFile(ctx, fifo, 1<<20, "a snapshot"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("FIFO with a silent writer: err = %v, want the context's error", err)
	}
	if f := <-w; f != nil {
		f.Close()
	}
}
