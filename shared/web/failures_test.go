package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestPagesAnswerInTimeWhenTheDatabaseHangs: a page whose database stops
// answering gives the 503 page, with Retry-After, once the page's deadline
// passes, not a hang until Lambda's timeout cuts the person off.
func TestPagesAnswerInTimeWhenTheDatabaseHangs(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	hang := &atomic.Bool{}
	h := &webH{Svc: s.Svc, build: s.Build(t), store: s.Store}
	deps := webdeps.Deps(s.Config(), testkit.HungDB{DB: s.DB, Hang: hang})
	// Long enough for signing in and the fixture's pages on a busy
	// machine (the deadline is every request's), far short of the
	// client's 30 s.
	deps.Timeout = 1500 * time.Millisecond
	h.serve(t, deps, nil)
	f := h.fixture(t)
	b := h.as(t, uLead)

	hang.Store(true)
	for _, path := range []string{"/app/", "/app/programmes/" + f.PID, "/app/programmes/" + f.PID + "/grants"} {
		start := time.Now()
		p := b.get(path)
		took := time.Since(start)
		if p.Status != http.StatusServiceUnavailable || p.Header.Get("Retry-After") == "" {
			t.Errorf("GET %s with the database hung: %d, Retry-After %q", path, p.Status, p.Header.Get("Retry-After"))
		}
		if !strings.Contains(p.Body, "Try again") && !strings.Contains(p.Body, "try again") {
			t.Errorf("GET %s: the 503 page does not ask to try again:\n%s", path, p.Body)
		}
		// Far past 1.5 s would mean the deadline did not reach the
		// database call (the 30 s client timeout would end it instead).
		if took > 12*time.Second {
			t.Errorf("GET %s took %v with a 1.5 s deadline", path, took)
		}
	}
	hang.Store(false)
	if p := b.get("/app/programmes/" + f.PID); p.Status != http.StatusOK {
		t.Errorf("once the database answers again: %d", p.Status)
	}
}

// TestPageWriteAnsweredAfterTheDeadlineIsReported: a form whose change was
// sent to the database before the page's deadline, made at once but
// answered only after the deadline (within service.WriteGrace), goes on
// as saved, not to the 503 page: a person told it failed would send it
// again.
func TestPageWriteAnsweredAfterTheDeadlineIsReported(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	timeout := 1500 * time.Millisecond // the sign-in's and form's reads on a busy machine
	var sent, armed atomic.Int64
	late := testkit.LateAnswerDB{DB: s.DB, Until: func() time.Time {
		if armed.Load() == 0 {
			return time.Time{} // the fixture's writes answer at once
		}
		return time.Unix(0, sent.Load()).Add(timeout + service.WriteGrace/2)
	}}
	h := &webH{Svc: s.Svc, build: s.Build(t), store: s.Store}
	deps := webdeps.Deps(s.Config(), late)
	deps.Timeout = timeout
	h.serve(t, deps, nil)
	f := h.fixture(t)
	b := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	b.get(base + "/funders/new")

	armed.Store(1)
	start := time.Now()
	sent.Store(start.UnixNano())
	pg := b.post(base+"/funders/new", url.Values{"name": {"Funder answered late"}, "contacts": {"late@example.org"}})
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("a change made, answered after the deadline: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if took := time.Since(start); took < timeout {
		t.Fatalf("answered in %v, before the %v deadline: the database's answer was not late", took, timeout)
	}
	armed.Store(0)
	if list := b.get(base + "/funders"); strings.Count(list.Body, "Funder answered late") == 0 {
		t.Errorf("the funder list after the late answer: %d, want the funder in it\n%s", list.Status, excerpt(list.Body))
	}
}

// TestPageWriteNeverAnsweredSaysItMayBeSaved: a form whose change the
// database made but never answered (the network lost the answer) gets the
// 503 page saying it may have been saved, to look before sending it again,
// never "Nothing was saved".
func TestPageWriteNeverAnsweredSaysItMayBeSaved(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	timeout := 1500 * time.Millisecond
	var armed atomic.Bool
	never := testkit.LateAnswerDB{DB: s.DB, Until: func() time.Time {
		if !armed.Load() {
			return time.Time{}
		}
		return time.Now().Add(time.Hour)
	}}
	h := &webH{Svc: s.Svc, build: s.Build(t), store: s.Store}
	deps := webdeps.Deps(s.Config(), never)
	deps.Timeout = timeout
	h.serve(t, deps, nil)
	f := h.fixture(t)
	b := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	b.get(base + "/funders/new")

	armed.Store(true)
	pg := b.post(base+"/funders/new", url.Values{"name": {"Funder never answered"}, "contacts": {"never@example.org"}})
	armed.Store(false)
	if pg.Status != http.StatusServiceUnavailable || !strings.Contains(pg.Body, "may have been saved") || !strings.Contains(pg.Body, "Look for it before sending it again") ||
		strings.Contains(pg.Body, "Nothing was saved") || strings.Contains(pg.Body, "Idempotency-Key") {
		t.Fatalf("a change made but never answered: %d, want the 503 page saying it may have been saved\n%s", pg.Status, excerpt(pg.Body))
	}
	if list := b.get(base + "/funders"); !strings.Contains(list.Body, "Funder never answered") {
		t.Errorf("the fault should have made the funder: %d\n%s", list.Status, excerpt(list.Body))
	}
}
