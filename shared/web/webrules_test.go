package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestBlankLatestMeanIsNamed: a measure row with its latest mean left
// blank is refused beside that box, and nothing is stored. 0 is a real
// latest mean, so the blank box was stored as 0 and funders saw a fall
// of 100%.
func TestBlankLatestMeanIsNamed(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/new"
	pl.get(path)
	before := len(outcomesOf(t, h, f))
	form := outcomeForm()
	form.Set("measures[0].name", "health")
	form.Set("measures[0].baselineMean", "2")
	form.Set("measures[0].respondents", "8")
	p := pl.post(path, form)
	if p.Status != http.StatusBadRequest {
		t.Fatalf("blank latest mean: %d\n%s", p.Status, excerpt(p.Body))
	}
	for _, want := range []string{`href="#f-measures-0-latestMean"`, `id="f-measures-0-latestMean-error"`, "Enter latest mean (measure 1)"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the page lacks %q\n%s", want, excerpt(p.Body))
		}
	}
	if n := len(outcomesOf(t, h, f)); n != before {
		t.Fatalf("a refused form stored %d submissions", n-before)
	}
	// 0 typed is a latest mean.
	form.Set("measures[0].latestMean", "0")
	if p := pl.post(path, form); p.Status != http.StatusSeeOther {
		t.Fatalf("latest mean 0: %d\n%s", p.Status, excerpt(p.Body))
	}
}

// TestGrantRecipientKeepsItsPosts: the grant form refuses to give a grant
// to another project while a post of its project is paid from it, beside
// the Recipient box and naming the post; the grant is unchanged.
func TestGrantRecipientKeepsItsPosts(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	path := "/app/programmes/" + f.PID + "/grants/" + f.GrantX + "/edit"
	lead.get(path)
	p := lead.post(path, url.Values{"funderId": {f.FunderX}, "projectId": {f.ProjectB},
		"title": {"Employment specialists"}, "amountPence": {"310000.00"}, "awardDate": {"2010-09-01"},
		"startDate": {"2010-10-01"}, "endDate": {"2012-03-31"}, "version": {"1"}})
	if p.Status != http.StatusBadRequest {
		t.Fatalf("moving the grant of a paid post: %d\n%s", p.Status, excerpt(p.Body))
	}
	for _, want := range []string{`href="#f-projectId"`, "Recipient cannot change while posts of Bradford employment service (Employment specialist) are paid from this grant"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the page lacks %q\n%s", want, excerpt(p.Body))
		}
	}
	if g := must(h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).Grant(f.GrantX)); g.ProjectID != f.ProjectA || g.Version != 1 {
		t.Errorf("the refused change stored %+v", g)
	}
}
