package service

import (
	"context"
	"slices"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// ListNotifications lists milestone notifications and their delivery state:
// leads see all, a funder those sent on its behalf; project leads none.
func (s *Service) ListNotifications(ctx context.Context, c domain.Caller, programmeID string, p Page) ([]domain.Notification, string, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return nil, "", err
	}
	if !sc.access.CanManage() && len(sc.access.Funders) == 0 {
		return nil, "", forbidden("read notifications")
	}
	var keep func(domain.Notification) bool
	if !sc.access.CanManage() {
		keep = func(n domain.Notification) bool { return sc.access.CanReadNotification(n.FunderIDs) }
	}
	items, next, err := s.store.ListNotifications(ctx, programmeID, keep, p)
	if err != nil || sc.access.CanManage() {
		return items, next, err
	}
	// A funder sees only its own contacts among the recipients: the others
	// are other organisations' staff.
	own := map[string]bool{}
	for fid := range sc.access.Funders {
		f, err := s.store.Funder(ctx, programmeID, fid)
		if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
			return nil, "", err
		}
		for _, c := range f.Contacts {
			own[c] = true
		}
	}
	for i, n := range items {
		n.Recipients = slices.DeleteFunc(n.Recipients, func(e string) bool { return !own[e] })
		n.Delivered = slices.DeleteFunc(n.Delivered, func(e string) bool { return !own[e] })
		n.Rejected = slices.DeleteFunc(n.Rejected, func(e string) bool { return !own[e] })
		if n.LastError != "" {
			n.LastError = "not delivered to every recipient"
		}
		items[i] = n
	}
	return items, next, nil
}
