package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestEndedSessionIsRefused: once a web session is signed out of, every
// operation with it is refused as unauthenticated (ErrSessionEnded), in a
// programme and outside any, reads and writes alike, and nothing is
// written; the same person's other sessions, and callers with no session
// (the API's tokens), go on as before.
func TestEndedSessionIsRefused(t *testing.T) {
	w := newWorld(t)
	gone, other := caller(admin), caller(admin)
	gone.Session, other.Session = "session-signed-out-of", "session-still-signed-in"
	if err := w.svc.EndSession(w.ctx, gone, time.Now().Add(8*time.Hour)); err != nil {
		t.Fatal(err)
	}
	refused := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, service.ErrSessionEnded) || domain.ErrorCode(err) != domain.CodeUnauthenticated {
			t.Errorf("%s with an ended session: %v, want unauthenticated (session ended)", what, err)
		}
	}
	_, err := w.svc.Open(w.ctx, gone, w.P).Grant(w.GXA)
	refused("a grant", err)
	_, _, err = w.svc.OpenProject(w.ctx, gone, w.P, w.A).ListOutcomes(service.Page{Limit: 10})
	refused("a project's submissions", err)
	_, err = w.svc.Open(w.ctx, gone, domain.NewID()).Programme()
	refused("a programme that is not there", err)
	_, _, err = w.svc.Portfolio(w.ctx, gone, service.Page{Limit: 10})
	refused("the portfolio", err)
	_, _, err = w.svc.ListProgrammes(w.ctx, gone, service.Page{Limit: 10})
	refused("the programmes", err)
	refused("the session check", w.svc.CheckSession(w.ctx, gone))
	_, err = w.svc.CreateProgramme(w.ctx, gone, body(map[string]any{"name": "Replayed", "leadOrganisation": "T",
		"startDate": "2024-04-01", "endDate": "2025-03-31"}), nil)
	refused("a new programme", err)
	err = w.unchanged(func() error {
		_, err := w.svc.Open(w.ctx, gone, w.P).CreateFunder(body(map[string]any{"name": "Replayed funder"}))
		return err
	})
	refused("a new funder", err)

	for _, c := range []domain.Caller{other, caller(admin)} {
		if _, err := w.svc.Open(w.ctx, c, w.P).Grant(w.GXA); err != nil {
			t.Errorf("a grant with session %q: %v", c.Session, err)
		}
		if _, _, err := w.svc.Portfolio(w.ctx, c, service.Page{Limit: 10}); err != nil {
			t.Errorf("the portfolio with session %q: %v", c.Session, err)
		}
		if err := w.svc.CheckSession(w.ctx, c); err != nil {
			t.Errorf("the session check of %q: %v", c.Session, err)
		}
	}
}

// TestSignOutEverywhere: a person's sign-out on every device ends each of
// their web sessions that started before it — the one that asked, the
// others on other computers, and any minted before sessions kept their
// start — for reads and writes, in a programme and outside any; a session
// they start afterwards, another person's sessions and the API's callers
// go on. A session already ended may not sign its person out everywhere
// again (a copy of a cookie they ended must not end their new sessions).
func TestSignOutEverywhere(t *testing.T) {
	w := newWorld(t)
	at := time.Now()
	session := func(r role, id string, issued time.Time) domain.Caller {
		c := caller(r)
		c.Session, c.SessionIssued = id, issued
		return c
	}
	here := session(admin, "session-that-signs-out-everywhere", at.Add(-time.Minute))
	elsewhere := session(admin, "session-on-a-lost-computer", at.Add(-time.Hour))
	legacy := session(admin, "session-of-before-start-times", time.Time{})
	if err := w.svc.EndEverySession(w.ctx, here, at, at.Add(8*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []domain.Caller{here, elsewhere, legacy} {
		refused := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, service.ErrSessionEnded) || domain.ErrorCode(err) != domain.CodeUnauthenticated {
				t.Errorf("%s with %s: %v, want unauthenticated (session ended)", what, c.Session, err)
			}
		}
		_, err := w.svc.Open(w.ctx, c, w.P).Grant(w.GXA)
		refused("a grant", err)
		_, _, err = w.svc.Portfolio(w.ctx, c, service.Page{Limit: 10})
		refused("the portfolio", err)
		refused("the session check", w.svc.CheckSession(w.ctx, c))
		err = w.unchanged(func() error {
			_, err := w.svc.Open(w.ctx, c, w.P).CreateFunder(body(map[string]any{"name": "Replayed funder"}))
			return err
		})
		refused("a new funder", err)
	}

	signedInAgain := session(admin, "session-started-after", at)
	others := session(lead, "another-persons-session", at.Add(-time.Hour))
	api := caller(admin)
	for _, c := range []domain.Caller{signedInAgain, others, api} {
		if _, err := w.svc.Open(w.ctx, c, w.P).Grant(w.GXA); err != nil {
			t.Errorf("a grant with session %q: %v", c.Session, err)
		}
		if _, _, err := w.svc.Portfolio(w.ctx, c, service.Page{Limit: 10}); err != nil {
			t.Errorf("the portfolio with session %q: %v", c.Session, err)
		}
	}

	if err := w.svc.EndEverySession(w.ctx, elsewhere, at.Add(time.Minute), at.Add(8*time.Hour)); !errors.Is(err, service.ErrSessionEnded) {
		t.Errorf("an ended session signing out everywhere: %v, want ErrSessionEnded", err)
	}
	if err := w.svc.CheckSession(w.ctx, signedInAgain); err != nil {
		t.Errorf("the new session after an ended one tried to sign out everywhere: %v", err)
	}
}
