package memstore

import (
	"context"
	"time"
)

// EndSession implements service.SessionStore.
func (s *Store) EndSession(_ context.Context, session string, until time.Time) error {
	if err := s.enter("EndSession"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.ended[session] = until
	return nil
}

// SessionEnded implements service.SessionStore.
func (s *Store) SessionEnded(_ context.Context, session string) (bool, error) {
	if err := s.enter("SessionEnded"); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	_, ended := s.ended[session]
	return ended, nil
}
