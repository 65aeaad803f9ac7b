package service

import (
	"context"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Signing out of the web app must end the session, not only clear the
// browser's cookie: a copy of the cookie (a shared computer, a leaked
// header) would otherwise go on reading and writing until it expired. The
// web app names each session (domain.Caller.Session); signing out records
// the name as ended, and every request of a session checks it. Signing
// out on every device records, for the person (by the verified identity's
// subject, as the session holds it), the instant: every session of theirs
// that started before it is ended, on computers they no longer have to
// hand too. Every request checks both records:
//
//   - inside a programme, the check rides in the access check's one read
//     (ReadAccess), so it costs no request;
//   - outside any programme (the portfolio, creating a programme) it is one
//     read of its own (one BatchGetItem of both records), sent beside the
//     request's own reads.
//
// The API's bearer tokens have no session, and pay nothing.

// sessionEnded refuses a request of a session that was signed out of.
var sessionEnded = &domain.Error{Code: domain.CodeUnauthenticated, Message: "this session was signed out of: sign in again", Err: ErrSessionEnded}

// EndSession signs the caller's web session out for good: every later
// request with it is refused (ErrSessionEnded), whoever holds a copy of its
// cookie. until is when the session would have expired: the record of it
// is kept until then. A caller with no session has nothing to end.
func (s *Service) EndSession(ctx context.Context, c domain.Caller, until time.Time) error {
	if c.Session == "" {
		return nil
	}
	return storeErr(s.store.EndSession(ctx, c.Session, s.now(), until), "", nil)
}

// EndEverySession signs the caller out on every device: each of their web
// sessions that started before before (this one among them) is refused
// from then on (ErrSessionEnded), whoever holds its cookie. until is when
// the last such session would have expired (before plus the session
// lifetime): the record is kept until then. A session already ended may
// not do it (ErrSessionEnded): a copy of a cookie its person signed out
// of must not sign them out of their new sessions. The API's bearer
// tokens are Cognito's and are not ended; a caller with no web session
// has nothing to end.
func (s *Service) EndEverySession(ctx context.Context, c domain.Caller, before, until time.Time) error {
	if c.Session == "" || c.Subject == "" {
		return nil
	}
	if err := s.CheckSession(ctx, c); err != nil {
		return err
	}
	return storeErr(s.store.EndSessionsBefore(ctx, c.Subject, before, until), "", nil)
}

// CheckSession refuses a caller whose web session was signed out of (by
// itself or by its person on every device), for
// requests that read nothing of a programme (one read; none for a caller
// with no session).
func (s *Service) CheckSession(ctx context.Context, c domain.Caller) error {
	if c.Session == "" {
		return nil
	}
	ended, err := s.store.SessionEnded(ctx, SessionOf(c))
	if err != nil {
		return storeErr(err, "", nil)
	}
	if ended {
		return sessionEnded
	}
	return nil
}

// besideSession runs read beside the caller's session check (so it costs
// no extra time), and answers the check's refusal first: nothing read is
// given to an ended session. A panic of the check is raised again in the
// caller's goroutine, where the transport's recovery sees it.
func (s *Service) besideSession(ctx context.Context, c domain.Caller, read func() error) error {
	if c.Session == "" {
		return read()
	}
	type outcome struct {
		err      error
		panicked any
	}
	checked := make(chan outcome, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				checked <- outcome{panicked: v}
			}
		}()
		checked <- outcome{err: s.CheckSession(ctx, c)}
	}()
	readErr := read()
	o := <-checked
	if o.panicked != nil {
		panic(o.panicked)
	}
	if o.err != nil {
		return o.err
	}
	return readErr
}
