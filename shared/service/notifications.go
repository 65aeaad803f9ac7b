package service

import (
	"context"
	"slices"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// ListNotifications lists milestone notifications and their delivery state:
// leads see all, a funder those sent on its behalf; project leads none.
func (s *Service) ListNotifications(ctx context.Context, c domain.Caller, programmeID string, p Page) ([]domain.Notification, string, error) {
	sc, err := s.openNotifications(ctx, c, programmeID)
	if err != nil {
		return nil, "", err
	}
	var keep func(domain.Notification) bool
	if !sc.access.CanManage() {
		keep = func(n domain.Notification) bool { return sc.access.CanReadNotification(n.FunderIDs) }
	}
	items, next, err := s.store.ListNotifications(ctx, programmeID, keep, p)
	if err != nil {
		return nil, "", err
	}
	return items, next, s.funderView(ctx, sc, items)
}

// Notification returns one milestone notification the caller may read;
// any other is not found.
func (s *Service) Notification(ctx context.Context, c domain.Caller, programmeID, id string) (domain.Notification, error) {
	sc, err := s.openNotifications(ctx, c, programmeID)
	if err != nil {
		return domain.Notification{}, err
	}
	if target, _, _ := strings.Cut(id, "."); !domain.ValidID(target) {
		return domain.Notification{}, domain.NotFound("notification")
	}
	n, err := s.store.Notification(ctx, programmeID, id)
	if err != nil {
		return domain.Notification{}, err
	}
	if !sc.access.CanReadNotification(n.FunderIDs) {
		return domain.Notification{}, domain.NotFound("notification")
	}
	items := []domain.Notification{n}
	return items[0], s.funderView(ctx, sc, items)
}

// openNotifications opens a programme for reading notifications: leads and
// funders may; project leads may not.
func (s *Service) openNotifications(ctx context.Context, c domain.Caller, programmeID string) (scope, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return sc, err
	}
	if !sc.access.CanManage() && len(sc.access.Funders) == 0 {
		return sc, forbidden("read notifications")
	}
	return sc, nil
}

// funderView shows a funder only its own contacts among a notification's
// recipients: the others are other organisations' staff. Leads see all.
func (s *Service) funderView(ctx context.Context, sc scope, items []domain.Notification) error {
	if sc.access.CanManage() {
		return nil
	}
	own := map[string]bool{}
	for fid := range sc.access.Funders {
		f, err := s.store.Funder(ctx, sc.programme.ID, fid)
		if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
			return err
		}
		for _, c := range f.Contacts {
			own[c] = true
		}
	}
	notOwn := func(e string) bool { return !own[e] }
	for i, n := range items {
		n.Recipients = slices.DeleteFunc(n.Recipients, notOwn)
		n.Delivered = slices.DeleteFunc(n.Delivered, notOwn)
		n.Rejected = slices.DeleteFunc(n.Rejected, notOwn)
		if n.LastError != "" {
			n.LastError = "not delivered to every recipient"
		}
		items[i] = n
	}
	return nil
}
