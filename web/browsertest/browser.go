package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// StepTimeout bounds each Run call.
const StepTimeout = 30 * time.Second

// Browser is one tab of a headless Chromium started for one test.
type Browser struct {
	// Ctx is the chromedp context of the tab, for chromedp.Run and
	// listeners of your own.
	Ctx context.Context
	// URL is the Env's base URL; paths given to Open are relative to it.
	URL string
	t   *testing.T

	mu      sync.Mutex
	console []string
}

// Browser starts a headless Chromium for the test, in a fresh profile,
// and returns a tab on the Env. Without Chromium the test is skipped, or
// fails in CI (CI=true), where it must run. At the end of the test any
// Content-Security-Policy violation the page reported fails it.
func (e *Env) Browser(t *testing.T) *Browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		noChromium(t, inCI())
		return nil
	}
	// A fresh profile. Not t.TempDir: Chromium's helpers may still write
	// to it for a moment after the browser is told to quit.
	profile, err := os.MkdirTemp("", "peyk-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-proxy-server", true), // the test server is local
		chromedp.Flag("lang", "en-US"),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		for i := 0; i < 50 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	b := &Browser{Ctx: ctx, URL: e.URL, t: t}
	chromedp.ListenTarget(ctx, b.record)
	// The first Run starts the browser, which lives as long as the context
	// of that Run: ctx itself, not one with a timeout.
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("browsertest: start %s: %v", path, err)
	}
	t.Cleanup(func() {
		for _, line := range b.TakeConsole() {
			if strings.Contains(line, "Content Security Policy") {
				t.Errorf("browsertest: the page broke its Content-Security-Policy: %s", line)
			}
		}
	})
	return b
}

// Run runs actions in the tab within StepTimeout, failing the test (with
// a screenshot in the test's log folder) on error.
func (b *Browser) Run(actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, StepTimeout)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		var loc string
		_ = chromedp.Run(b.Ctx, chromedp.Location(&loc))
		b.t.Fatalf("browsertest: at %s: %v\nconsole:\n%s", loc, err, strings.Join(b.Console(), "\n"))
	}
}

// Open navigates to path on the Env and waits for the page's body.
func (b *Browser) Open(path string) {
	b.t.Helper()
	b.Run(chromedp.Navigate(b.URL+path), chromedp.WaitReady("body", chromedp.ByQuery))
}

// Login signs in through the login form and waits for the page it leads
// to.
func (b *Browser) Login(email, password string) {
	b.t.Helper()
	b.Open("/login")
	b.Run(
		chromedp.SendKeys("#email", email, chromedp.ByQuery),
		chromedp.SendKeys("#password", password, chromedp.ByQuery),
		chromedp.Click("#login-submit", chromedp.ByQuery),
		chromedp.WaitNotPresent("#login-form", chromedp.ByQuery),
	)
}

// Location returns the tab's current URL.
func (b *Browser) Location() string {
	b.t.Helper()
	var loc string
	b.Run(chromedp.Location(&loc))
	return loc
}

// Screenshot saves the page as docs/screenshots/name.png when
// PEYK_SCREENSHOTS is set (make screenshots), so ordinary test runs leave
// the tree alone. A right-to-left page is saved as the window only:
// Chromium's beyond-the-viewport capture (FullScreenshot) shifts it
// sideways.
func (b *Browser) Screenshot(name string) {
	b.t.Helper()
	if os.Getenv("PEYK_SCREENSHOTS") == "" {
		return
	}
	var png []byte
	var rtl bool
	b.Run(chromedp.Evaluate(`document.documentElement.dir === "rtl"`, &rtl))
	if rtl {
		b.Run(chromedp.CaptureScreenshot(&png))
	} else {
		b.Run(chromedp.FullScreenshot(&png, 100)) // quality 100 gives PNG, less JPEG
	}
	dir := filepath.Join(repoRoot(), "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// Console returns what the page logged: console calls, browser log
// entries (CSP violations among them) and uncaught exceptions.
func (b *Browser) Console() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// TakeConsole returns the console lines and forgets them, for a test that
// expects some (a CSP violation it caused on purpose).
func (b *Browser) TakeConsole() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	lines := b.console
	b.console = nil
	return lines
}

func (b *Browser) record(ev any) {
	var line string
	switch ev := ev.(type) {
	case *cdplog.EventEntryAdded:
		line = fmt.Sprintf("log %s %s: %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text)
	case *cdpruntime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
		}
		line = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
	case *cdpruntime.EventExceptionThrown:
		line = "exception: " + ev.ExceptionDetails.Error()
	default:
		return
	}
	b.mu.Lock()
	b.console = append(b.console, line)
	b.mu.Unlock()
}

// noChromium skips the test, or fails it in CI, where browser tests must
// run.
func noChromium(t testing.TB, ci bool) {
	t.Helper()
	if ci {
		t.Fatal("browsertest: chromium is not installed, and browser tests must run in CI: " +
			"install Debian's chromium (scripts/services.sh browser, run by make test as root, does)")
		return
	}
	t.Skip("browsertest: chromium is not installed; skipping the browser test " +
		"(sudo apt-get install chromium, or run make test as root, to run it)")
}

// chromiumPath finds Chromium: PEYK_CHROMIUM, else chromium (Debian),
// chromium-browser or google-chrome on PATH or in /usr/bin.
func chromiumPath() string {
	if p := os.Getenv("PEYK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		if p := "/usr/bin/" + name; isExecutable(p) {
			return p
		}
	}
	return ""
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// inCI reports whether the tests run in CI (CI set, as .ci/run does).
func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "0" && v != "false"
}

// repoRoot is the repository's folder, found from this file's path.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// NodeText returns the text of the first node matching the CSS selector.
func (b *Browser) NodeText(sel string) string {
	b.t.Helper()
	var s string
	b.Run(chromedp.Text(sel, &s, chromedp.ByQuery, chromedp.NodeVisible))
	return s
}
