package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// chromium finds a headless Chromium: Debian's chromium-headless-shell
// (which `make test-deps` installs in CI) or a full chromium. Outside CI a
// missing browser skips the test, saying so; in CI (CI set, and not false
// or 0, as the Makefile reads it) it fails, since a skip there would hide a
// broken install.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "chrome-headless-shell", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	// Debian installs the headless shell outside PATH on some releases.
	for _, p := range []string{"/usr/lib/chromium/headless_shell", "/usr/lib/chromium/chrome-headless-shell"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "False" && ci != "FALSE" && ci != "0" {
		t.Fatalf("CI=%s but no headless Chromium found: make test-deps installs chromium-headless-shell", ci)
	}
	t.Skip("no headless Chromium (apt-get install chromium-headless-shell, or make test-deps); the HTML report is not checked in a browser")
	return ""
}

func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--disable-extensions", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, args, err, errb.String())
	}
	return out.Bytes()
}

// The HTML report opens in a real browser: the DOM Chromium builds holds
// every path, every hop drawn in SVG, every finding and the links between
// them, and a screenshot of it has the expected size and shows the hop
// boxes in their colours (proven green, broken red), so the SVG rendered.
func TestHTMLReportInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var b bytes.Buffer
	if err := WriteHTML(&b, sampleFindings, sampleRules, placedOpts); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.ToSlash(page)

	dom := string(runChromium(t, bin, "--dump-dom", url))
	count := func(re string) int { return len(regexp.MustCompile(re).FindAllString(dom, -1)) }
	paths := placedOpts.Paths
	hops := 0
	km01Hop := ""
	statuses := map[string]bool{}
	for i, p := range paths {
		hops += len(p.Hops)
		for j, h := range p.Hops {
			statuses[string(h.Status)] = true
			if km01Hop == "" && slices.Contains(h.Findings, sampleFindings[1].Fingerprint) {
				km01Hop = fmt.Sprintf("p%d-h%d", i+1, j+1)
			}
		}
	}
	if km01Hop == "" || !statuses["ok"] || !statuses["broken"] {
		t.Fatalf("the sample paths must link KM01 to a hop and hold proven and broken hops: %v %v", km01Hop, statuses)
	}
	if n := count(`<section class="path `); n != len(paths) {
		t.Errorf("DOM has %d paths, want %d", n, len(paths))
	}
	if n := count(`<g class="hop `); n != hops {
		t.Errorf("DOM has %d SVG hops, want %d", n, hops)
	}
	if n := count(`<details class="hop-detail `); n != hops {
		t.Errorf("DOM has %d hop explanations, want %d", n, hops)
	}
	if n := count(`<article class="finding `); n != len(sampleFindings) {
		t.Errorf("DOM has %d findings, want %d", n, len(sampleFindings))
	}
	for _, f := range sampleFindings {
		if !strings.Contains(dom, `id="f-`+f.Fingerprint+`"`) {
			t.Errorf("finding %s (%s) missing from the DOM", f.RuleID, f.Fingerprint)
		}
	}
	km01 := "f-" + sampleFindings[1].Fingerprint
	if !strings.Contains(dom, `href="#`+km01+`"`) || !strings.Contains(dom, `href="#`+km01Hop+`"`) {
		t.Errorf("the KM01 finding and its hop (%s) are not linked both ways", km01Hop)
	}
	if !strings.Contains(dom, "first-broken") || !strings.Contains(dom, "may arn:aws:iam::222222222222:role/ExpelRole kms:Decrypt") {
		t.Error("the first broken hop or the explanation of its question is missing")
	}
	if strings.Contains(dom, "<script") || regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(dom) {
		t.Error("the report loads something from outside the file")
	}

	const w, h = 1200, 800
	shot := filepath.Join(dir, "shot.png")
	runChromium(t, bin, fmt.Sprintf("--window-size=%d,%d", w, h), "--screenshot="+shot, url)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != image.Pt(w, h) {
		t.Errorf("screenshot is %v, want %dx%d", got, w, h)
	}
	colours := map[color.RGBA]int{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}]++
		}
	}
	if len(colours) < 16 {
		t.Errorf("screenshot has %d colours: blank", len(colours))
	}
	// The hop boxes' fills (html.tmpl): #dafbe1 proven, #ffebe9 broken.
	for name, c := range map[string]color.RGBA{"proven": {0xda, 0xfb, 0xe1, 255}, "broken": {0xff, 0xeb, 0xe9, 255}} {
		if colours[c] < 500 {
			t.Errorf("screenshot has %d pixels of the %s hop fill %v: the SVG did not render", colours[c], name, c)
		}
	}
}
