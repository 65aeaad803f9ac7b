package browsertest

// The browser: one headless Chromium for the whole package, a tab with a
// browser context of its own (its own cookies) for each person, and the
// helpers the scenarios use: every step waits for what it needs, bounded by
// stepTimeout, and never sleeps.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

const (
	// stepTimeout bounds each browser step: generous for a busy CI
	// machine, short enough that a missing element fails the test quickly.
	stepTimeout = 30 * time.Second
	// startTimeout bounds starting Chromium.
	startTimeout = 60 * time.Second
	// DefaultChromium is Debian's chromium-headless-shell package:
	// Chromium's own engine (Blink, V8, its network stack and printing, the
	// same version as Debian's chromium) without the desktop browser around
	// it. The desktop browser's headless mode ran that too (its tab strip's
	// WebUI renderer, an on-device model service, extensions): its browser
	// process took about four times the CPU of the shell's.
	DefaultChromium = "/usr/bin/chromium-headless-shell"
)

// repoRoot is the module's root, found from the package directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("browsertest: go.mod not found above the package directory")
		}
		dir = parent
	}
}

// chromiumPath is the browser to drive; a missing one fails the test with
// what to do (CI installs it, so skipping would hide a broken setup).
func chromiumPath(t testing.TB) string {
	t.Helper()
	path := DefaultChromium
	if p := os.Getenv("FUNDTRACK_CHROMIUM"); p != "" {
		path = p
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("the browser tests need Chromium's headless shell at %s (%v): install Debian's chromium-headless-shell "+
			"(`sudo apt-get install -y chromium-headless-shell`; `make test` and .ci/run install it), "+
			"or set FUNDTRACK_CHROMIUM to another Chromium or Chrome", path, err)
	}
	return path
}

// browser is one running Chromium.
type browser struct {
	ctx     context.Context // the browser's chromedp context; tabs derive from it
	output  *syncBuffer     // Chromium's own output, shown when a test fails
	version string          // its user agent
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startBrowser starts headless Chromium with a fresh profile. The flags
// that stop background networking matter here: this machine's network is
// closed, and Chromium's own connections would be refused. For the same
// reason every host but the app's own resolves to nothing at once: NHS.UK
// frontend's fonts come from assets.nhs.uk, and a name lookup the closed
// network left unanswered held a page's load event for 5 s (seen on about
// one page in twenty, a fifth of the walk-through's time).
//
// stop ends Chromium and removes its profile; version is its user agent.
func startBrowser(path string) (b *browser, stop func(), err error) {
	profile, err := os.MkdirTemp("", "fundtrack-chromium-")
	if err != nil {
		return nil, nil, err
	}
	b = &browser{output: &syncBuffer{}}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		// Three tests' windows are open at once in one browser: none may be
		// throttled as a window in the background (as Puppeteer's and
		// chromedp's defaults). Once, at a load average of 40, an axe-core
		// check on the headless shell ran past its step's 30 s; whether
		// throttled timers had a part in it is not known.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(b.output),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	b.ctx = ctx
	stop = func() {
		cancelBrowser()
		cancelAlloc() // waits for Chromium to exit
		os.RemoveAll(profile)
	}
	// The first Run starts the browser and binds it to ctx, so it has no
	// timeout of its own: a watchdog cancels a start that hangs.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		err = fmt.Errorf("it did not start within %s", startTimeout)
	}
	if err == nil {
		b.version, err = chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (string, error) {
			return chromedp.Evaluate[string](`navigator.userAgent`)(ctx, tg)
		})
	}
	if err != nil {
		out := b.output.String()
		stop()
		return nil, nil, fmt.Errorf("starting %s: %v\n%s", path, err, out)
	}
	return b, stop, nil
}

// One Chromium serves every test of the package, each person in a browser
// context of their own (newTab): a browser context shares no cookies,
// storage or cache with another, so sharing the browser process keeps the
// tests apart as separate browsers would, without starting three browsers
// and their GPU, network and storage processes.
var shared struct {
	once sync.Once
	b    *browser
	stop func()
	err  error
}

// sharedBrowser is the package's Chromium, started by the first test that
// asks; a browser that cannot start fails every test that needs it.
func sharedBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath(t)
	shared.once.Do(func() { shared.b, shared.stop, shared.err = startBrowser(path) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	b := shared.b
	t.Logf("browser: %s (%s)", path, b.version)
	t.Cleanup(func() {
		if t.Failed() {
			if out := strings.TrimSpace(b.output.String()); out != "" {
				t.Logf("chromium output:\n%s", out)
			}
		}
	})
	return b
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	os.Exit(code)
}

// ---------------------------------------------------------------- tabs

// tab is one person's window, with cookies of its own.
type tab struct {
	t       *testing.T
	s       *suite
	ctx     context.Context
	who     string
	js      bool
	console *consoleLog
}

// newTab opens a window in a new browser context (a fresh cookie jar);
// js false switches the page's scripts off, as a browser with JavaScript
// disabled would.
func (s *suite) newTab(t *testing.T, who string, js bool) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, s: s, ctx: ctx, who: who, js: js, console: &consoleLog{}}
	// Opening the tab, subscribing to its console and switching scripts
	// off all come before the first page loads.
	// (The first Do opens the tab and binds it to ctx, so it has no timeout.)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	tb.console.follow(ctx)
	if !js {
		sctx, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		tb.scripts(sctx, false)
	}
	return tb
}

// scripts switches the page's scripts on or off.
func (tb *tab) scripts(ctx context.Context, on bool) {
	tb.t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		tb.t.Fatalf("switching JavaScript on=%v: %v", on, err)
	}
}

func (tb *tab) run(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// do runs steps and fails the test at the first that fails, naming the
// page it was on.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := tb.run(steps...); err != nil {
		tb.fail("%s: %v", what, err)
	}
}

// fail stops the test with where the browser was and what the page said.
func (tb *tab) fail(format string, args ...any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	main, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('main') || document.body || {}).innerText || ''`))
	if len(main) > 1500 {
		main = main[:1500] + "…"
	}
	tb.t.Fatalf("%s (%s): %s\npage %s:\n%s", tb.who, jsState(tb.js), fmt.Sprintf(format, args...), loc, main)
}

func jsState(js bool) string {
	if js {
		return "JavaScript on"
	}
	return "JavaScript off"
}

// eval evaluates a JavaScript expression in the page through DevTools (it
// works with the page's scripts switched off too).
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.fail("evaluating %s: %v", expr, err)
	}
	return v
}

// pageOverflow is how many pixels wider than the window the page is
// (0 when it fits): the whole page, not a table scrolling in its container.
const pageOverflow = `document.documentElement.scrollWidth - document.documentElement.clientWidth`

// tableStops lists each table container of the page as "<table>:
// scrolls 40px" or ": fits", then " stop" when it is a tab stop, a region
// named by its caption, else " plain" (" half" for anything in between).
const tableStops = `[...document.querySelectorAll('.nhsuk-table-container')].map(b => {
	const named = b.getAttribute('aria-labelledby'), cap = named && document.getElementById(named);
	const stop = b.tabIndex === 0 && b.getAttribute('role') === 'region' && cap && cap.tagName === 'CAPTION' && b.contains(cap);
	const plain = !b.hasAttribute('tabindex') && !b.hasAttribute('role') && !named;
	return (b.querySelector('table').dataset.testid || 'a table') +
		(b.scrollWidth > b.clientWidth ? ': scrolls ' + (b.scrollWidth - b.clientWidth) + 'px' : ': fits') + (stop ? ' stop' : plain ? ' plain' : ' half');
})`

// checkTableStops fails unless each table of the page that scrolls can be
// scrolled from the keyboard: its container takes focus, as a region named
// by its caption, with or without JavaScript (the markup makes it so).
// With JavaScript, a table that fits is no tab stop, nor a region (the
// script takes them off), so a keyboard does not stop at it and a screen
// reader does not call it one that scrolls. It returns how many scroll.
func (tb *tab) checkTableStops(page string) int {
	tb.t.Helper()
	scrolled := 0
	for _, s := range eval[[]string](tb, tableStops) {
		switch {
		case strings.Contains(s, ": scrolls ") && strings.HasSuffix(s, "px stop"):
			scrolled++
		case !tb.js && strings.HasSuffix(s, ": fits stop"), tb.js && strings.HasSuffix(s, ": fits plain"):
		case strings.Contains(s, ": scrolls"):
			tb.t.Errorf("%s: %s, but its container cannot take focus as a region named by its caption", page, s)
		case tb.js:
			tb.t.Errorf("%s: %s: a table that fits is a tab stop or region", page, s)
		default:
			tb.t.Errorf("%s: %s: without JavaScript, every table's container is a tab stop named by its caption", page, s)
		}
	}
	return scrolled
}

// phoneProblems lists what a page lacks on a phone: the breadcrumb's
// back link, which NHS.UK frontend shows there in place of the
// breadcrumb it hides; chart text large enough to read (a 720-wide chart
// shrunk to the screen drew its labels about 5px high), its month labels
// apart.
const phoneProblems = `(() => {
	const out = [], shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 ? r : null; };
	if (document.querySelector('.nhsuk-breadcrumb')) {
		const back = document.querySelector('.nhsuk-breadcrumb .nhsuk-back-link');
		if (!back || !shown(back)) out.push('the breadcrumb shows no back link');
	}
	let last = null;
	for (const t of document.querySelectorAll('svg.app-chart text')) {
		const r = shown(t);
		if (!r) continue;
		if (r.height < 9) out.push('chart text ' + JSON.stringify(t.textContent) + ' is ' + r.height.toFixed(1) + 'px high');
		if (t.classList.contains('app-chart__month')) {
			if (last && r.left < last.right) out.push('chart month label ' + JSON.stringify(t.textContent) + ' runs into the one before');
			last = r;
		}
	}
	return out;
})()`

// fitsNarrowScreen loads each path at a phone's 320 CSS pixels and fails
// if the page is wider than the screen: tables scroll in their own
// containers, never the page, and long words (an address in a heading)
// wrap (WCAG 2.1, 1.4.10 Reflow). checkTableStops checks each page's
// tables there, and the first page's at the desktop's width too, where
// most fit (with JavaScript, a tab stop at a table that fits is one too
// many). axe-core checks the first axe pages at the phone's width as
// well: each costs about as much as loading the page, and the desktop's
// checks have seen the same markup.
func (tb *tab) fitsNarrowScreen(axe int, paths ...string) {
	tb.t.Helper()
	if status := tb.open(paths[0]); status != 200 {
		tb.fail("%s: %d", paths[0], status)
	}
	tb.checkTableStops(paths[0])
	tb.do("a 320px screen", chromedp.EmulateViewport(320, 640))
	defer tb.do("the desktop screen again", chromedp.EmulateReset())
	scrolled := 0
	for i, p := range paths {
		if status := tb.open(p); status != 200 {
			tb.fail("%s at 320px: %d", p, status)
		}
		if w := eval[int](tb, pageOverflow); w > 0 {
			tb.t.Errorf("%s is %dpx wider than a 320px screen", p, w)
		}
		scrolled += tb.checkTableStops(p + " at 320px")
		for _, problem := range eval[[]string](tb, phoneProblems) {
			tb.t.Errorf("%s at 320px: %s", p, problem)
		}
		if i < axe {
			tb.a11y(p + " at 320px")
		}
	}
	if scrolled == 0 {
		tb.t.Errorf("no table scrolled at 320px on %v, so nothing showed one can be scrolled from the keyboard", paths)
	}
}

// actionsOnNarrowScreen loads path at a phone's 320 CSS pixels and fails
// unless the page fits and each element sel matches (at least one) lies
// within the screen's width: a primary action, such as a return's link to
// submit it, that no one should have to scroll sideways to find (in a
// table, it was a last column scrolled out of sight).
func (tb *tab) actionsOnNarrowScreen(path, sel string) {
	tb.t.Helper()
	tb.do("a 320px screen", chromedp.EmulateViewport(320, 640))
	defer tb.do("the desktop screen again", chromedp.EmulateReset())
	if status := tb.open(path); status != 200 {
		tb.fail("%s at 320px: %d", path, status)
	}
	if w := eval[int](tb, pageOverflow); w > 0 {
		tb.t.Errorf("%s is %dpx wider than a 320px screen", path, w)
	}
	boxes := eval[[]string](tb, `[...document.querySelectorAll(`+jsString(sel)+`)].map(a => {
		const r = a.getBoundingClientRect(), w = document.documentElement.clientWidth;
		return r.width > 0 && r.left >= 0 && r.right <= w ? 'ok' : JSON.stringify(a.textContent) + ' spans ' + Math.round(r.left) + 'px to ' + Math.round(r.right) + 'px of a ' + w + 'px screen';
	})`)
	if len(boxes) == 0 {
		tb.fail("%s at 320px has no %s", path, sel)
	}
	for _, b := range boxes {
		if b != "ok" {
			tb.t.Errorf("%s at 320px: %s", path, b)
		}
	}
}

// metricTablesFit fails unless the page has a table with a column for
// every metric and each such table fits its scrolling container at the
// browser's 1280px: no column that people must scroll sideways to find.
func (tb *tab) metricTablesFit(page string) {
	tb.t.Helper()
	// NHS.UK frontend makes a table 4px wider than its container (2px
	// margins outside each side), so up to 4px over is its design.
	got := eval[[]string](tb, `[...document.querySelectorAll('.app-table--metrics')].map(t => {
		const over = t.parentElement.scrollWidth - t.parentElement.clientWidth;
		return over > 4 ? t.dataset.testid + ' runs ' + over + 'px past its container' : 'fits';
	})`)
	if len(got) == 0 {
		tb.fail("%s: no table with a column for every metric (.app-table--metrics)", page)
	}
	for _, g := range got {
		if g != "fits" {
			tb.fail("%s: %s", page, g)
		}
	}
}

// open loads a path of the app and returns the HTTP status of the page.
func (tb *tab) open(path string) int64 {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.s.srv.URL+path))
	if err != nil {
		tb.fail("opening %s: %v", path, err)
	}
	return resp.Status
}

// follow clicks what leads to another page (a link, a form's button) and
// waits until that page has loaded; it returns the page's HTTP status.
func (tb *tab) follow(sel string) int64 {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	for try := 1; ; try++ {
		tb.reachable(ctx, sel)
		resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
		if err == nil {
			return resp.Status
		}
		// The page's own script (the NHS.UK header's menu) may rebuild
		// the node between finding it and clicking it; the click was not
		// sent then, so finding it again is safe.
		if try < 3 && isStaleNode(err) {
			continue
		}
		tb.fail("following %s: %v", sel, err)
	}
}

// openMenuFor opens the NHS.UK header's "More" menu when sel is a link
// the header's script moved into it, closed, as a person would before
// clicking the link. Which links fit beside the others depends on widths
// the script measured as the page loaded (before or after the web font
// arrived), so the same link is in the menu on one run and not the next;
// clicking a link hidden in the closed menu would wait for it to show until
// the step timed out.
func (tb *tab) openMenuFor(ctx context.Context, sel string) {
	tb.t.Helper()
	inClosedMenu, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`!!(document.querySelector(`+jsString(sel)+`) || {closest: () => null}).closest('.nhsuk-header__menu-list[hidden]')`))
	if err != nil || !inClosedMenu {
		return // not in the menu, or gone: the click says what went wrong
	}
	if _, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS("#toggle-menu"))); err != nil {
		tb.fail("opening the header's More menu to reach %s: %v", sel, err)
	}
}

// settled is a promise that resolves once the page's web fonts are in and
// two frames have been drawn since: the NHS.UK header's script moves its
// links in and out of the "More" menu a frame after their widths change,
// and a click sent while it does lands where the link was, so nothing
// happens and the step waits for a page that never comes. (A second at
// most: a window in the background draws no frames.)
const settled = `Promise.race([
	document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))),
	new Promise(r => setTimeout(() => r(true), 1000)),
])`

// reachable waits until sel can be clicked as a person would: the page
// settled, the link out of the header's closed "More" menu (opening it
// whenever the header's script has moved the link there) and shown.
func (tb *tab) reachable(ctx context.Context, sel string) {
	tb.t.Helper()
	for {
		if tb.js {
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](settled, chromedp.EvalAwaitPromise)); err != nil {
				return // gone or out of time: the click says what went wrong
			}
		}
		tb.openMenuFor(ctx, sel)
		wait, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
		_, err := chromedp.Run(wait, chromedp.WaitVisible(chromedp.CSS(sel)))
		cancel()
		if err == nil || ctx.Err() != nil {
			return // shown, or out of time: the click says what went wrong
		}
	}
}

// isStaleNode reports whether DevTools refused a node it had just handed
// out, because the document changed in between.
func isStaleNode(err error) bool {
	return strings.Contains(err.Error(), "Could not find node with given id") ||
		strings.Contains(err.Error(), "Node is detached from document")
}

// followWant is follow, failing unless the page answers want.
func (tb *tab) followWant(sel string, want int64) {
	tb.t.Helper()
	if got := tb.follow(sel); got != want {
		tb.fail("after %s the page answered %d, want %d", sel, got, want)
	}
}

// fill types into a text box, replacing what it held, as a person would.
func (tb *tab) fill(sel, text string) {
	tb.t.Helper()
	tb.do("waiting for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	// Empty the box first. (chromedp v0.23's SetValue cannot set "": it
	// leaves the argument out, and the box then holds "undefined".)
	eval[chromedp.Void](tb, `document.querySelector(`+jsString(sel)+`).value = ''`)
	tb.do("typing into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
	if got := tb.value(sel); got != text {
		tb.fail("%s holds %q after typing %q", sel, got, text)
	}
}

// fillDate fills an NHS date input (name-day, -month, -year).
func (tb *tab) fillDate(id string, day, month, year int) {
	tb.t.Helper()
	tb.fill("#"+id+"-day", strconv.Itoa(day))
	tb.fill("#"+id+"-month", strconv.Itoa(month))
	tb.fill("#"+id+"-year", strconv.Itoa(year))
}

// choose picks the option with this value in a select box.
func (tb *tab) choose(sel, value string) {
	tb.t.Helper()
	if n := eval[int](tb, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel+` option[value="`+value+`"]`))); n != 1 {
		tb.fail("%s has %d options with the value %q", sel, n, value)
	}
	tb.do("choosing "+value+" in "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), value))
}

// tick clicks a checkbox's label until the box is ticked.
func (tb *tab) tick(inputSel string) {
	tb.t.Helper()
	id := eval[string](tb, fmt.Sprintf(`(document.querySelector(%s) || {}).id || ''`, jsString(inputSel)))
	if id == "" {
		tb.fail("no checkbox %s", inputSel)
	}
	tb.do("ticking "+inputSel, chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`)))
	if !eval[bool](tb, fmt.Sprintf(`document.getElementById(%s).checked`, jsString(id))) {
		tb.fail("%s is not ticked after clicking its label", inputSel)
	}
}

func (tb *tab) value(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		tb.fail("reading the value of %s: %v", sel, err)
	}
	return v
}

// text is an element's text as shown (visually hidden text included),
// with spaces squeezed; it waits for the element.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		tb.fail("reading the text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(v), " ")
}

// count is how many elements match now (no waiting: for absent things).
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	return eval[int](tb, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel)))
}

// attr is an attribute of the first match, "" when absent.
func (tb *tab) attr(sel, name string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%s) || {getAttribute(){return ''}}).getAttribute(%s) || ''`,
		jsString(sel), jsString(name)))
}

// path is the page's path and query.
func (tb *tab) path() string {
	tb.t.Helper()
	return eval[string](tb, `location.pathname + location.search`)
}

// recordPath is the page's path alone: the record a change went to,
// without the sealed note in its query that makes it say what was done.
func (tb *tab) recordPath() string {
	tb.t.Helper()
	return eval[string](tb, `location.pathname`)
}

// title is the document's title.
func (tb *tab) title() string {
	tb.t.Helper()
	return eval[string](tb, `document.title`)
}

// waitFor waits until a JavaScript expression is true.
func (tb *tab) waitFor(what, expr string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		tb.fail("waiting until %s (%s): %v", what, expr, err)
	}
}

// scriptsRan reports whether the app's own script ran on this page
// (app.js marks the body).
func (tb *tab) scriptsRan() bool {
	tb.t.Helper()
	return eval[bool](tb, `document.body.classList.contains('js-enabled')`)
}

// screenshot keeps a full-page PNG under build/screenshots/.
func (tb *tab) screenshot(name string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		tb.fail("screenshot %s: %v", name, err)
	}
	path := filepath.Join(tb.s.shots, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s (%d KB)", path, len(png)/1024)
	return path
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string { return strconv.Quote(s) }

// ---------------------------------------------------------------- sign-in

// signIn signs in on the local sign-in page, as a person would: the app
// sends a signed-out visitor there, and the person's button signs them in
// and returns them to the page they asked for.
func (tb *tab) signIn(email string) {
	tb.t.Helper()
	if st := tb.open("/app/"); st != 200 {
		tb.fail("the sign-in page answered %d", st)
	}
	if p := tb.path(); !strings.HasPrefix(p, "/app/auth/login") {
		tb.fail("a signed-out visitor to /app/ is at %s, not the sign-in page", p)
	}
	tb.a11y("sign-in page")
	tb.followWant(`button[data-testid="sign-in-`+email+`"]`, 200)
	if p := tb.path(); p != "/app/" {
		tb.fail("after signing in as %s the browser is at %s, want /app/", email, p)
	}
	if got := tb.text(`[data-testid="signed-in-as"]`); got != email {
		tb.fail("the header says signed in as %q, want %q", got, email)
	}
}

// ---------------------------------------------------------------- console

// consoleLog keeps what pages wrote to the console: script errors and
// Content-Security-Policy refusals show up there.
type consoleLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func (c *consoleLog) follow(ctx context.Context) {
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			c.mu.Lock()
			c.msgs = append(c.msgs, m)
			c.mu.Unlock()
		}
	}()
}

// problems are the errors and exceptions so far. Fonts NHS.UK frontend
// loads from assets.nhs.uk (if any) are not reachable from this machine's
// closed network; their failures are not the app's.
func (c *consoleLog) problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.msgs {
		if m.Type != chromedp.ConsoleError && !m.IsException() {
			continue
		}
		if strings.Contains(m.URL, "assets.nhs.uk") || strings.Contains(m.Text, "assets.nhs.uk") {
			continue
		}
		// A page's own status (400 for a form with errors, 403 for a
		// refusal) is the scenarios' to check; a stylesheet's or a
		// script's is not expected to fail.
		if strings.Contains(m.Text, "the server responded with a status of") && !strings.Contains(m.URL, "/app/static/") {
			continue
		}
		out = append(out, fmt.Sprintf("%s (%s:%d)", m.String(), m.URL, m.Line))
	}
	return slices.Compact(out)
}

// checkConsole fails the test for script errors or refused resources.
func (tb *tab) checkConsole() {
	tb.t.Helper()
	if p := tb.console.problems(); len(p) > 0 {
		tb.t.Errorf("%s (%s): the browser console reported:\n  %s", tb.who, jsState(tb.js), strings.Join(p, "\n  "))
	}
}
