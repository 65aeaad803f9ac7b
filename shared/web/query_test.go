package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPagesReadTheirQueryOneWay: a page whose query cannot be read, or
// names a parameter twice, answers the 400 page, as the API does, rather
// than quietly showing the first page of a list.
func TestPagesReadTheirQueryOneWay(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	for _, path := range []string{base + "?%%%", base + "/grants?cursor=%zz", base + "/audit?entity=grant&entity=post"} {
		pg := lead.get(path)
		if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "There is a problem with what was sent") {
			t.Errorf("%s: %d\n%s", path, pg.Status, excerpt(pg.Body))
		}
	}
	if pg := lead.get(base + "/audit?entity=grant"); pg.Status != http.StatusOK {
		t.Errorf("a readable query: %d", pg.Status)
	}
	// Unlike the API, which refuses a parameter an operation does not take
	// (a program's misspelt filter would read as every record), a page
	// ignores it: a person's link may carry a mail client's tracking
	// parameters, and the page shows what it filters by.
	if pg := lead.get(base + "/grants?unused=1"); pg.Status != http.StatusOK {
		t.Errorf("a parameter the page does not read is ignored: %d", pg.Status)
	}
}

// TestPagesRefuseOtherMethods: a page asked with a method it does not
// answer is the 405 page naming what it does answer (Allow), and an
// address that is no page is the 404 page, signed in or not.
func TestPagesRefuseOtherMethods(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodDelete, base + "/grants", "GET, HEAD"},
		{http.MethodPut, base + "/grants/new", "GET, HEAD, POST"},
		{http.MethodGet, base + "/imports/confirm", "POST"},
	} {
		pg := lead.do(c.method, c.path, nil)
		if pg.Status != http.StatusMethodNotAllowed || pg.Header.Get("Allow") != c.allow ||
			!strings.Contains(pg.Body, "This cannot be done here") {
			t.Errorf("%s %s: %d, Allow %q, want 405 and %q\n%s", c.method, c.path, pg.Status, pg.Header.Get("Allow"), c.allow, excerpt(pg.Body))
		}
	}
	for _, b := range []*browser{lead, h.browser(t)} {
		for _, path := range []string{base + "/nowhere", base + "/grants/", "/app/elsewhere", "/elsewhere"} {
			if pg := b.get(path); pg.Status != http.StatusNotFound || !strings.Contains(pg.Body, "Page not found") {
				t.Errorf("GET %s: %d, want the 404 page\n%s", path, pg.Status, excerpt(pg.Body))
			}
		}
	}
}
