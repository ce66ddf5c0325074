package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is a real headless Chromium driven through chromedp.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// chromiumPath finds Chromium: AVIARY_CHROMIUM, then the usual names.
func chromiumPath() string {
	if p := os.Getenv("AVIARY_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts headless Chromium for a test against the server at base. Without
// Chromium the test is skipped loudly; in CI (CI=true) it fails instead.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("browser tests need Chromium in CI: apt-get install -y chromium (or set AVIARY_CHROMIUM)")
		}
		t.Skip("\n\n*** SKIPPING BROWSER TEST: Chromium not found. Install it (apt-get install -y chromium) or set AVIARY_CHROMIUM.\n")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // root in containers
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first call starts the browser; it must not carry a timeout (that would stop it).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium at %s cannot start: %v", path, err)
		}
		t.Skipf("\n\n*** SKIPPING BROWSER TEST: Chromium at %s cannot start: %v\n", path, err)
	}
	return &browser{t: t, ctx: ctx, base: base}
}

// stepTimeout bounds each browser step.
const stepTimeout = 30 * time.Second

// do runs chromedp steps, failing the test (with a screenshot) on error.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.screenshot("failure")
		b.t.Fatal(err)
	}
}

// value runs one chromedp action that returns a value.
func value[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.screenshot("failure")
		b.t.Fatal(err)
	}
	return v
}

// js evaluates a JavaScript expression.
func js[T any](b *browser, expr string) T {
	b.t.Helper()
	return value(b, chromedp.Evaluate[T](expr))
}

// open navigates to a path of the server and waits for the body.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// submit clicks a submit button and waits for the navigation it causes.
func (b *browser) submit(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.screenshot("failure")
		b.t.Fatal(err)
	}
	b.do(chromedp.WaitReady(chromedp.CSS("body")))
}

// text returns the visible text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(value(b, chromedp.Text(chromedp.CSS(sel))))
}

// path is the current location's path.
func (b *browser) path() string { return js[string](b, "location.pathname") }

// signIn fills and submits the login form.
func (b *browser) signIn(email, password string) {
	b.t.Helper()
	b.open("/login")
	b.do(chromedp.SetValue(chromedp.CSS("#email"), email), chromedp.SetValue(chromedp.CSS("#password"), password))
	b.submit(`[data-testid="sign-in"]`)
}

// screenshot saves a full-page PNG under artifacts/screenshots (git-ignored).
func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := filepath.Join("..", "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("screenshot dir: %v", err)
		return
	}
	file := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(b.t.Name())+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Logf("screenshot: %v", err)
	}
}

// brokenImages counts <img> elements that finished loading without an image and are not
// Aviary placeholders: what a person would see as a broken-image glyph.
const brokenImagesJS = `Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0 && !i.closest('[data-testid="media-placeholder"]')).map(i => i.currentSrc || i.src).length`
