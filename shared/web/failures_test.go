package web_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
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
