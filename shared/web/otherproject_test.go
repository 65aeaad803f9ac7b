package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestOtherProjectPageDetailsOnly: the project lead of another project
// may read a project (the SPEC's roles table; GET …/projects/{id} answers
// it), so its page opens for them, linked from the projects list and the
// dashboard, showing the project's details and its history link only:
// none of its posts, cohorts or submissions, which are not theirs to read,
// and no action they could not take. It costs what the refused read of
// the project's posts costs (the access check and the list beside it).
// (Audit N8.)
func TestOtherProjectPageDetailsOnly(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	plb := h.as(t, uPLB)
	var pg page
	sent := s.Count.Measure(func() { pg = plb.get(pa) })
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, "Bradford employment service") || !strings.Contains(pg.Body, `data-testid="details-only"`) ||
		!strings.Contains(pg.Body, `href="`+p+`/history?entity=project&amp;id=`+f.ProjectA+`"`) {
		t.Fatalf("project A as project lead B: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	main := pg.Body[strings.Index(pg.Body, "<main"):]
	for _, hidden := range []string{`data-testid="posts-table"`, `data-testid="cohorts-table"`, `data-testid="outcomes-table"`,
		"Employment specialist", "Cohort 1", "/outcomes/", "/posts/", "/cohorts/", "/edit", `id="submit-outcomes"`, `id="change-project"`} {
		if strings.Contains(main, hidden) {
			t.Errorf("project A as project lead B shows %q\n%s", hidden, excerpt(pg.Body))
		}
	}
	// Reading the posts is refused (not_found: not theirs to read), as it
	// is for the page; any other answer may send other requests, and the
	// test fails naming it, not as a count mismatch.
	var refused error
	alone := s.Count.Measure(func() {
		refused = readErr(service.Every(service.MaxLimit, h.Svc.OpenProject(context.Background(), caller(uPLB), f.PID, f.ProjectA).ListPosts))
	})
	if domain.ErrorCode(refused) != domain.CodeNotFound {
		t.Fatalf("reading the project's posts alone (%s): %v, want not_found", alone, refused)
	}
	if sent.String() != alone.String() {
		t.Errorf("the page sent %s; reading the project's posts alone %s", sent, alone)
	}
	if hp := plb.get(p + "/history?entity=project&id=" + f.ProjectA); hp.Status != http.StatusOK {
		t.Errorf("the project's history as project lead B: %d\n%s", hp.Status, excerpt(hp.Body))
	}
	for _, list := range []string{p + "/projects", p} {
		if lp := plb.get(list); !strings.Contains(lp.Body, `href="`+pa+`"`) {
			t.Errorf("%s does not link project A for project lead B\n%s", list, excerpt(lp.Body))
		}
	}
	// The project's own lead, and the programme's, see it all.
	for _, who := range []string{uPL, uLead} {
		if own := h.as(t, who).get(pa); !strings.Contains(own.Body, `data-testid="posts-table"`) || !strings.Contains(own.Body, "Employment specialist") ||
			strings.Contains(own.Body, `data-testid="details-only"`) {
			t.Errorf("project A as %s\n%s", who, excerpt(own.Body))
		}
	}
	// Its records stay refused.
	for _, path := range []string{pa + "/posts/" + f.PostA + "/edit", pa + "/outcomes/new"} {
		if r := plb.get(path); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
			t.Errorf("%s as project lead B: %d", path, r.Status)
		}
	}
}
