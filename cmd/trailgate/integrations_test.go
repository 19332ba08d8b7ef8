package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/analyzer/report"
)

// buildTrailgate compiles this command once per test run into a
// temporary directory, for tests that run it as CI would: from a shell
// script or a hook. TestMain removes the directory (removeBuilt).
func buildTrailgate(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "trailgate-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		bin := filepath.Join(dir, "trailgate")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.bin = bin
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

// removeBuilt deletes the binary buildTrailgate made; TestMain calls it.
func removeBuilt() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

func copyFixture(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("../../fixtures/scenarios", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The Action's script (.github/actions/trailgate/run.sh), run as the
// composite Action runs it: inputs in the environment, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files. On a broken fixture it reports exit code 1
// without failing its step (the SARIF upload comes first), writes SARIF
// that GitHub accepts and a Markdown summary with file links; on a working
// one, exit code 0.
func TestActionScript(t *testing.T) {
	bin := buildTrailgate(t)
	script, err := filepath.Abs("../../.github/actions/trailgate/run.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		scenario string
		code     string
	}{{"sns-fanout-broken", "1"}, {"sns-fanout-working", "0"}} {
		t.Run(c.scenario, func(t *testing.T) {
			repo := t.TempDir()
			if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			infra := filepath.Join(repo, "infra")
			if err := os.Mkdir(infra, 0o755); err != nil {
				t.Fatal(err)
			}
			copyFixture(t, infra, c.scenario+"/template.yaml", c.scenario+"/connector.yaml")
			output := filepath.Join(t.TempDir(), "output")
			summary := filepath.Join(t.TempDir(), "summary.md")
			cmd := exec.Command("bash", script)
			cmd.Dir = repo
			cmd.Env = append(os.Environ(),
				"TRAILGATE_BIN="+bin, "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary,
				"INPUT_IAC=infra/template.yaml\n", "INPUT_CONNECTOR=infra/connector.yaml", "INPUT_FAIL_ON=medium",
				"INPUT_SARIF_FILE=out/trailgate.sarif", "INPUT_JOB_SUMMARY=true", "INPUT_ARGS=--account 111111111111",
				"LINK_BASE=https://github.com/acme/infra/blob/abc123/")
			if err := os.Mkdir(filepath.Join(repo, "out"), 0o755); err != nil {
				t.Fatal(err)
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("run.sh failed its step: %v\n%s", err, out)
			}
			outs, _ := os.ReadFile(output)
			if !strings.Contains(string(outs), "exit-code="+c.code+"\n") || !strings.Contains(string(outs), "sarif-file=out/trailgate.sarif\n") {
				t.Fatalf("GITHUB_OUTPUT = %q, want exit-code=%s and the SARIF file", outs, c.code)
			}
			sarif, err := os.ReadFile(filepath.Join(repo, "out/trailgate.sarif"))
			if err != nil {
				t.Fatal(err)
			}
			if p := report.GitHubUploadProblems(sarif); p != nil {
				t.Errorf("GitHub would refuse the SARIF:\n%s", strings.Join(p, "\n"))
			}
			md, _ := os.ReadFile(summary)
			if !strings.HasPrefix(string(md), "## trailgate: ") {
				t.Errorf("job summary does not start with the verdict:\n%s", md)
			}
			if c.code == "1" && !strings.Contains(string(md), "](https://github.com/acme/infra/blob/abc123/infra/template.yaml#L") {
				t.Errorf("job summary has no link to the template's lines:\n%s", md)
			}
		})
	}
}

// The pre-commit hook (.github/actions/trailgate/pre-commit-config.yaml),
// run as pre-commit runs it: its entry and args in the repository root,
// when a staged file matches its files pattern. It pins the version the
// Action installs by default, blocks a commit of a broken template and
// lets a working one through.
func TestPreCommitHook(t *testing.T) {
	bin := buildTrailgate(t)
	var cfg struct {
		Repos []struct {
			Repo  string `yaml:"repo"`
			Hooks []struct {
				ID            string   `yaml:"id"`
				Language      string   `yaml:"language"`
				Deps          []string `yaml:"additional_dependencies"`
				Entry         string   `yaml:"entry"`
				Args          []string `yaml:"args"`
				Files         string   `yaml:"files"`
				PassFilenames *bool    `yaml:"pass_filenames"`
			} `yaml:"hooks"`
		} `yaml:"repos"`
	}
	data, err := os.ReadFile("../../.github/actions/trailgate/pre-commit-config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Repos) != 1 || cfg.Repos[0].Repo != "local" || len(cfg.Repos[0].Hooks) != 1 {
		t.Fatalf("want one local repo with one hook, got %+v", cfg)
	}
	hook := cfg.Repos[0].Hooks[0]
	action, err := os.ReadFile("../../.github/actions/trailgate/action.yml")
	if err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`(?m)^  version:\n(?:    .*\n)*?    default: (\S+)`).FindSubmatch(action)
	if hook.Language != "golang" || len(hook.Deps) != 1 || pinned == nil ||
		hook.Deps[0] != "github.com/trailgate/trailgate/cmd/trailgate@"+string(pinned[1]) {
		t.Errorf("hook installs %v (language %s), want the Action's pinned version %s", hook.Deps, hook.Language, pinned)
	}
	if hook.PassFilenames == nil || *hook.PassFilenames {
		t.Error("the hook must not pass file names: check takes its inputs as --iac flags")
	}
	files := regexp.MustCompile(hook.Files)
	for name, want := range map[string]bool{"infra/template.yaml": true, "plan.json": true, "main.go": false} {
		if files.MatchString(name) != want {
			t.Errorf("files pattern matches %s: %v, want %v", name, !want, want)
		}
	}
	entry := strings.Fields(hook.Entry)
	if entry[0] != "trailgate" {
		t.Fatalf("entry %q does not run trailgate", hook.Entry)
	}
	for _, c := range []struct {
		template string
		code     int
	}{{"single-account-trail-sns/template.yaml", 1}, {"sns-fanout-working/template.yaml", 0}} {
		repo := t.TempDir()
		copyFixture(t, repo, c.template)
		cmd := exec.Command(bin, append(entry[1:], hook.Args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.code {
			t.Errorf("%s: hook exited %d, want %d\n%s", c.template, code, c.code, out)
		}
	}
}

// With pre-commit installed (Debian's pre-commit package), the hook
// definition passes its schema check and pre-commit itself runs the hook
// in a repository: it blocks a commit of a broken template. The hook is
// made a system hook on the binary just built, since the golang hook would
// go-install the published module over the network.
func TestPreCommitHookInPreCommit(t *testing.T) {
	pc, err := exec.LookPath("pre-commit")
	if err != nil {
		t.Skip("pre-commit not installed (apt-get install pre-commit); the hook is checked without it by TestPreCommitHook")
	}
	cfg, err := filepath.Abs("../../.github/actions/trailgate/pre-commit-config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pc, "validate-config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("pre-commit validate-config: %v\n%s", err, out)
	}
	bin := buildTrailgate(t)
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	local := regexp.MustCompile(`(?m)^\s*additional_dependencies:.*\n`).ReplaceAllString(string(data), "")
	local = strings.Replace(local, "language: golang", "language: system", 1)
	local = strings.Replace(local, "entry: trailgate check", "entry: "+bin+" check", 1)
	repo := t.TempDir()
	copyFixture(t, repo, "single-account-trail-sns/template.yaml")
	if err := os.WriteFile(filepath.Join(repo, ".pre-commit-config.yaml"), []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", ".")
	git("add", "-A")
	cmd := exec.Command(pc, "run", "--all-files")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "PRE_COMMIT_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "trailgate check (security-log delivery path)") || !strings.Contains(string(out), "Failed") {
		t.Errorf("pre-commit run: %v, want the hook to fail the commit\n%s", err, out)
	}
}
