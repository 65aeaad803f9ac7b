package domain_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestProblemsNameAtMostMaxProblems: the first problem of each field is
// kept, the first MaxProblems fields are named, and the message says when
// there may be more.
func TestProblemsNameAtMostMaxProblems(t *testing.T) {
	t.Parallel()
	p := domain.Problems{}
	p.Add("name", "required")
	p.Add("name", "too long")
	var e *domain.Error
	if !errors.As(p.Err(), &e) || e.Fields["name"] != "required" || e.Message != "the request has invalid fields" {
		t.Fatalf("one problem: %+v", e)
	}
	for i := range 3 * domain.MaxProblems {
		p.Add("rows["+strconv.Itoa(i)+"].referrals", "must be a whole number")
	}
	if !errors.As(p.Err(), &e) || len(e.Fields) != domain.MaxProblems {
		t.Fatalf("named %d fields, want %d", len(e.Fields), domain.MaxProblems)
	}
	last := "rows[" + strconv.Itoa(domain.MaxProblems-2) + "].referrals"
	if e.Fields["name"] != "required" || e.Fields[last] == "" || e.Fields["rows["+strconv.Itoa(domain.MaxProblems-1)+"].referrals"] != "" {
		t.Errorf("kept %d fields, not the first %d (name, then rows 0 to %d)", len(e.Fields), domain.MaxProblems, domain.MaxProblems-2)
	}
	if !strings.Contains(e.Message, "at least "+strconv.Itoa(domain.MaxProblems)+" invalid fields") {
		t.Errorf("message %q does not say there may be more", e.Message)
	}
}

// TestProblemsErrAsWording: the message names the problems as the first of
// at least MaxProblems exactly when Add has stopped at that many.
func TestProblemsErrAsWording(t *testing.T) {
	p := domain.Problems{}
	if err := p.ErrAs("some", "capped"); err != nil {
		t.Fatalf("no problems: %v", err)
	}
	for i := range domain.MaxProblems + 5 {
		p.Add("f"+strconv.Itoa(i), "bad")
		var e *domain.Error
		if !errors.As(p.ErrAs("some", "capped"), &e) || e.Code != domain.CodeValidation || len(e.Fields) != len(p) {
			t.Fatalf("%d problems: %v", len(p), e)
		}
		want := "some"
		if len(p) == domain.MaxProblems {
			want = "capped"
		}
		if e.Message != want {
			t.Fatalf("%d problems: message %q, want %q", len(p), e.Message, want)
		}
	}
	var e *domain.Error
	if !errors.As(p.Err(), &e) || e.Message != "the request has at least 100 invalid fields; these are the first 100" {
		t.Errorf("Err at the cap: %v", p.Err())
	}
}

// TestProblemsAddAllInRowOrder: problems added from a map fill the last
// places row by row (rows[9] before rows[10]), the same every time.
func TestProblemsAddAllInRowOrder(t *testing.T) {
	t.Parallel()
	for range 20 {
		p := domain.Problems{}
		for i := range domain.MaxProblems - 2 {
			p.Add("rows["+strconv.Itoa(i+200)+"].referrals", "x")
		}
		p.AddAll(domain.Problems{"rows[10].periodEnd": "y", "rows[9].periodStart": "y", "rows[9].periodEnd": "y", "lines": "z"})
		if len(p) != domain.MaxProblems || p["lines"] == "" || p["rows[9].periodEnd"] == "" || p["rows[9].periodStart"] != "" || p["rows[10].periodEnd"] != "" {
			t.Fatalf("the last two places went to %v, want lines and rows[9].periodEnd", p)
		}
	}
}

// TestParseRowField reads what RowField writes, and nothing else as a row.
func TestParseRowField(t *testing.T) {
	t.Parallel()
	if row, col, ok := domain.ParseRowField(domain.RowField(12, "periodStart")); !ok || row != 12 || col != "periodStart" {
		t.Errorf("RowField(12, periodStart) read back as %d %q %v", row, col, ok)
	}
	for _, f := range []string{"lines", "rows[12]", "rows[].x", "rows[+1].x", "rows[1].", "rows[x].y", "contacts[1]"} {
		if row, col, ok := domain.ParseRowField(f); ok {
			t.Errorf("%q read as row %d, column %q", f, row, col)
		}
	}
}
