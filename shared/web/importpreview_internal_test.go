package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestImportPreviewBoundsItsNewRows: a file of more new rows than the
// preview shows one by one shows the first previewAdditions of them and
// says how many more confirming stores, so the page stays a page a person
// reads (and within Lambda's answer) for a 5,000-row file.
func TestImportPreviewBoundsItsNewRows(t *testing.T) {
	a, logs := errorApp()
	res := domain.ImportResult{Rows: previewAdditions + 2, Created: previewAdditions + 2,
		Columns: domain.ImportColumns{Metrics: []domain.Metric{domain.MetricReferrals}}}
	for i := range previewAdditions + 2 {
		res.Additions = append(res.Additions, domain.ImportAddition{Row: i + 2, Project: "Bradford employment service",
			PeriodStart: domain.MustDate("2011-01-01"), PeriodEnd: domain.MustDate("2011-03-31"),
			Counts: map[domain.Metric]int64{domain.MetricReferrals: 3}})
	}
	w := httptest.NewRecorder()
	a.render(w, httptest.NewRequest(http.MethodPost, "/app/programmes/P1/imports", nil), http.StatusOK, "import_preview",
		&view{Title: "Check your import", Data: previewData("/app/programmes/P1", res, "S1", "figures.csv", false)})
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("%d\n%s\n%s", w.Code, logs, body)
	}
	if n := strings.Count(body, `data-testid="addition-`); n != previewAdditions {
		t.Errorf("%d new rows shown, want %d", n, previewAdditions)
	}
	for _, want := range []string{
		`data-testid="additions-count">502 rows add a new submission: the first 500 are shown, the other 2 are stored as your file has them. An empty figure cell counts as 0.</p>`,
		`id="additions-caption">New submissions, the first 500</caption>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the preview lacks %q", want)
		}
	}
}
