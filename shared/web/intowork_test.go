package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestOutcomeFormIntoWorkNotBeyondJobStarts: the outcome form counting
// more people into work than job starts is shown again (400) with the
// problem beside People into work, in the page's words, and nothing is
// stored (audit-c W2); as many job starts save.
func TestOutcomeFormIntoWorkNotBeyondJobStarts(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/new"
	before := len(outcomesOf(t, h, f))
	pl.get(path)
	form := outcomeForm() // 16 people into work
	form.Set("counts.jobStarts", "2")
	p := pl.post(path, form)
	want := `<a href="#f-counts-peopleIntoWork">People into work cannot be more than the job starts (2) in the same submission: ` +
		`everyone starting paid work for the first time also has a paid job start, so 16 people into work need at least 16 job starts</a>`
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, want) {
		t.Fatalf("16 into work from 2 job starts: %d, want %q\n%s", p.Status, want, excerpt(p.Body))
	}
	if !strings.Contains(p.Body, `value="2"`) || !strings.Contains(p.Body, `value="16"`) {
		t.Errorf("the form shown again lost what was typed:\n%s", excerpt(p.Body))
	}
	if n := len(outcomesOf(t, h, f)); n != before {
		t.Fatalf("the refused form stored %d submissions", n-before)
	}
	pl.get(path)
	form.Set("counts.jobStarts", "16")
	if p := pl.post(path, form); p.Status != http.StatusSeeOther {
		t.Fatalf("16 into work from 16 job starts: %d\n%s", p.Status, excerpt(p.Body))
	}
	if n := len(outcomesOf(t, h, f)); n != before+1 {
		t.Fatalf("stored %d submissions, want 1", n-before)
	}
}
