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
