package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// The import's confirmation is a form like any other: a double click, or a
// browser sending it again, must not import the file twice, and every
// repeat lands on the result of the one import that ran.

// previewed uploads a year of figures for the lead's project and returns
// the preview's staged file id.
func previewed(t *testing.T, b *browser, base string) string {
	t.Helper()
	b.get(base + "/imports")
	p := b.upload(base+"/imports", "figures.xlsx", yearWorkbook(t, "Bradford employment service", ""), b.csrf)
	m := stagedInput.FindStringSubmatch(p.Body)
	if p.Status != http.StatusOK || m == nil || !strings.Contains(p.Body, `data-testid="count-created">4<`) {
		t.Fatalf("preview: %d\n%s", p.Status, excerpt(p.Body))
	}
	return m[1]
}

// importedFour checks a confirmation's answer goes to the result page of
// the import that created the four submissions.
func importedFour(t *testing.T, b *browser, base string, i int, p page) {
	t.Helper()
	to := p.Header.Get("Location")
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(to, base+"/imports/result?") {
		t.Errorf("confirmation %d: %d %q, want 303 to the result\n%s", i, p.Status, to, excerpt(p.Body))
		return
	}
	r := b.get(to)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Import complete") ||
		!strings.Contains(r.Body, `data-testid="count-created">4<`) || !strings.Contains(r.Body, `data-testid="count-unchanged">0<`) ||
		!strings.Contains(r.Body, "figures.xlsx: 4 rows imported") {
		t.Errorf("confirmation %d's result: %d, want the import's 4 created\n%s", i, r.Status, excerpt(r.Body))
	}
}

// TestImportConfirmedTwice: the confirmation sent twice in a row imports
// the rows once, and the second lands on the same result as the first
// (four created), not on an import that found them all unchanged.
func TestImportConfirmedTwice(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	base := "/app/programmes/" + f.PID
	staged := previewed(t, pl, base)
	before := submissions(t, h, f.PID, f.ProjectA)

	for i := range 2 {
		importedFour(t, pl, base, i, pl.post(base+"/imports/confirm", url.Values{"staged": {staged}}))
	}
	if n := submissions(t, h, f.PID, f.ProjectA) - before; n != 4 {
		t.Errorf("the confirmation sent twice stored %d submissions, want 4", n)
	}
}

// TestImportConfirmDoubleClick: four posts of one confirmation at the
// same moment import the rows once, and all four land on its result, none
// on an error page (another import running, or a 500).
func TestImportConfirmDoubleClick(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	base := "/app/programmes/" + f.PID
	staged := previewed(t, pl, base)
	before := submissions(t, h, f.PID, f.ProjectA)
	form := url.Values{"staged": {staged}, "csrf": {pl.csrf}}

	pages := make([]page, 4)
	var wg sync.WaitGroup
	for i := range pages {
		wg.Go(func() { pages[i] = pl.do(http.MethodPost, base+"/imports/confirm", form) })
	}
	wg.Wait()
	for i, p := range pages {
		importedFour(t, pl, base, i, p)
	}
	if n := submissions(t, h, f.PID, f.ProjectA) - before; n != 4 {
		t.Errorf("one confirmation posted %d times at once stored %d submissions, want 4", len(pages), n)
	}
}
