package browsertest

// Accessibility: axe-core (the npm package pinned in infra/package.json)
// runs in each page the scenarios visit. A serious or critical violation
// fails the test; moderate and minor ones are logged and written to
// build/screenshots/axe-report.txt.

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// loadAxe reads axe-core's script from infra/node_modules.
func loadAxe(t *testing.T, root string) string {
	t.Helper()
	path := filepath.Join(root, "infra", "node_modules", "axe-core", "axe.min.js")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the browser tests need axe-core (%v): run `npm ci --prefix infra` "+
			"(`make test` does, through infra/stack.sh)", err)
	}
	return string(src)
}

// axeViolation is one rule broken on a page.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	URL    string   `json:"helpUrl"`
	Nodes  []string `json:"nodes"`
	Count  int      `json:"count"`
}

// axePath is where the test server serves axe-core's script (startServer),
// so that a page loads it as it would its own script: the browser keeps it
// in its cache and its compiled code from one page to the next, where
// sending the 0.5 MB source through DevTools had every page parse it anew.
const axePath = "/test-only/axe.min.js"

// axeServe serves axe-core's script, cacheable; the page's
// Content-Security-Policy (script-src 'self') lets the page load it.
func axeServe(src string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600, immutable")
		io.WriteString(w, src)
	}
}

// axeLoad adds axe-core's script to the page unless the page has it, and
// takes the element out again once it has run, so that axe sees the page's
// own markup.
const axeLoad = `new Promise((resolve, reject) => {
	if (typeof axe !== 'undefined') return resolve(true);
	const s = document.createElement('script');
	s.src = '` + axePath + `';
	s.onload = () => { s.remove(); resolve(true); };
	s.onerror = () => { s.remove(); reject(new Error('the page could not load ` + axePath + `')); };
	document.head.appendChild(s);
})`

// axeRun runs every rule axe runs by default (WCAG 2.0, 2.1 and 2.2 A and
// AA, and best practices) on the whole document. It goes through
// DevTools, so it works on a page whose own scripts are switched off.
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
	nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))
})))`

// axeMarkup is what axe-core's findings on a page depend on: its markup
// (the styles are the app's fixed files), less the values of hidden form
// fields (a CSRF token, a version), which no rule reads.
const axeMarkup = `(() => {
	const d = document.documentElement.cloneNode(true);
	d.querySelectorAll('input[type="hidden"]').forEach(i => i.removeAttribute('value'));
	return d.outerHTML;
})()`

// a11yReport gathers the findings of every page, for the report.
type a11yReport struct {
	mu      sync.Mutex
	pages   []string
	lines   []string
	checked map[[sha256.Size]byte]string // markup (and script state) → the page first checked with it
}

// seen reports the page already checked with this markup, recording page
// as the same when there is one.
func (r *a11yReport) seen(markup [sha256.Size]byte, page string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	first, ok := r.checked[markup]
	if ok {
		r.pages = append(r.pages, page+" (same markup as: "+first+")")
		return true
	}
	if r.checked == nil {
		r.checked = map[[sha256.Size]byte]string{}
	}
	r.checked[markup] = page
	return false
}

func (r *a11yReport) add(page string, vs []axeViolation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pages = append(r.pages, page)
	for _, v := range vs {
		r.lines = append(r.lines, fmt.Sprintf("%-8s %-26s %s: %s (%d element(s): %s) %s",
			v.Impact, v.ID, page, v.Help, v.Count, strings.Join(v.Nodes, ", "), v.URL))
	}
}

func (r *a11yReport) write(t *testing.T, path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "axe-core on %d pages:\n", len(r.pages))
	for _, p := range r.pages {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	if len(r.lines) == 0 {
		b.WriteString("\nno violations\n")
	} else {
		lines := append([]string(nil), r.lines...)
		sort.Strings(lines)
		fmt.Fprintf(&b, "\n%d violation(s):\n  %s\n", len(lines), strings.Join(lines, "\n  "))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Errorf("writing %s: %v", path, err)
		return
	}
	t.Logf("%s\n(written to %s)", b.String(), path)
}

// runAxe runs axe-core on the page the tab shows.
func (tb *tab) runAxe(page string) []axeViolation {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if !tb.js {
		// axe-core waits on timers, which do not fire while the page's
		// scripts are off. Switching them on now runs none of the page's
		// own (they ran or not as it loaded), so axe sees the page as it
		// is without JavaScript.
		tb.scripts(ctx, true)
		defer tb.scripts(ctx, false)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeLoad, chromedp.EvalAwaitPromise)); err != nil {
		tb.fail("injecting axe-core on %s: %v", page, err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.fail("running axe-core on %s: %v", page, err)
	}
	return vs
}

// a11y runs axe-core on the page the tab shows. Serious and critical
// violations fail the test; the others are logged. A page whose markup
// was checked already in the same script state (the sign-in page, met by
// every person) is not checked again: axe would find the same.
func (tb *tab) a11y(page string) {
	tb.t.Helper()
	page = fmt.Sprintf("%s [%s, %s] %s", page, tb.who, jsState(tb.js), tb.path())
	// The same markup at a phone's width is checked again: what axe finds
	// there differs (a table that scrolls there needs a keyboard's focus).
	width := fmt.Sprint(eval[int](tb, `window.innerWidth`))
	if tb.s.a11y.seen(sha256.Sum256([]byte(jsState(tb.js)+" "+width+"\n"+eval[string](tb, axeMarkup))), page) {
		return
	}
	// No page scrolls sideways, at the browser's 1280px or a phone's: a
	// long word (an id, a list of addresses) must wrap, not widen the page.
	if w := eval[int](tb, pageOverflow); w > 0 {
		tb.t.Errorf("%s scrolls sideways: %dpx wider than the window", page, w)
	}
	vs := tb.runAxe(page)
	tb.s.a11y.add(page, vs)
	for _, v := range vs {
		msg := fmt.Sprintf("axe %s %s on %s: %s (%d element(s): %s) %s", v.Impact, v.ID, page, v.Help, v.Count,
			strings.Join(v.Nodes, ", "), v.URL)
		switch v.Impact {
		case "serious", "critical":
			tb.t.Error(msg)
		default:
			tb.t.Log(msg)
		}
	}
}

// checkAxeFinds makes sure axe-core really runs here: on a page spoilt on
// purpose (an image without a text alternative, a button without a name),
// it must report both.
func (s *suite) checkAxeFinds(t *testing.T) {
	t.Helper()
	tb := s.newTab(t, "nobody", true)
	tb.open("/app/auth/login")
	eval[chromedp.Void](tb, `document.querySelector('main').insertAdjacentHTML('beforeend',
		'<img src="data:," width="10" height="10"><button type="button"></button>')`)
	found := map[string]string{}
	for _, v := range tb.runAxe("a spoilt page") {
		found[v.ID] = v.Impact
	}
	if found["image-alt"] != "critical" || found["button-name"] != "critical" {
		t.Fatalf("axe-core missed violations planted in a page: it found %v", found)
	}
}
