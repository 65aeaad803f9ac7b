package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// A project lead records posts paid from the project's own grants or the
// programme's, though they may not read the programme-wide grant itself:
// the form offers both, by title only, and never another project's grant.
func TestPostFormOffersProjectAndProgrammeGrants(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	pg := pl.get("/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/posts/new")
	if pg.Status != http.StatusOK {
		t.Fatalf("post form for project A as its lead: %d", pg.Status)
	}
	for _, want := range []string{`value="` + f.GrantX + `"`, `value="` + f.GrantY + `"`, "Network coordination (whole programme)"} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("post form lacks %q", want)
		}
	}
	if strings.Contains(pg.Body, "£50,000") {
		t.Error("post form shows the amount of a programme-wide grant to a project lead")
	}

	plb := h.as(t, uPLB)
	pg = plb.get("/app/programmes/" + f.PID + "/projects/" + f.ProjectB + "/posts/new")
	if pg.Status != http.StatusOK {
		t.Fatalf("post form for project B as its lead: %d", pg.Status)
	}
	if strings.Contains(pg.Body, f.GrantX) {
		t.Error("project B's post form offers project A's grant")
	}
	if !strings.Contains(pg.Body, f.GrantY) {
		t.Error("project B's post form lacks the programme-wide grant")
	}
}
