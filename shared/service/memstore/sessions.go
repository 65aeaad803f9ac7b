package memstore

import (
	"context"
	"time"

	"github.com/fundtrack/fundtrack/shared/service"
)

// EndSession implements service.SessionStore.
func (s *Store) EndSession(_ context.Context, session string, _, until time.Time) error {
	if err := s.enter("EndSession"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.ended[session] = until
	return nil
}

// EndSessionsBefore implements service.SessionStore: a later instant
// already recorded is kept, as the DynamoDB store's condition keeps it.
func (s *Store) EndSessionsBefore(_ context.Context, subject string, before, _ time.Time) error {
	if err := s.enter("EndSessionsBefore"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if before.After(s.everywhere[subject]) {
		s.everywhere[subject] = before
	}
	return nil
}

// SessionEnded implements service.SessionStore.
func (s *Store) SessionEnded(_ context.Context, session service.WebSession) (bool, error) {
	if err := s.enter("SessionEnded"); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	return s.sessionEnded(session), nil
}

// sessionEnded reports whether session was signed out of, by itself or by
// its person on every device; s.mu is held.
func (s *Store) sessionEnded(session service.WebSession) bool {
	if session.ID == "" {
		return false
	}
	if _, ended := s.ended[session.ID]; ended {
		return true
	}
	before, ok := s.everywhere[session.Subject]
	return ok && session.Subject != "" && session.EndedBy(before)
}
