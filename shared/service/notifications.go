package service

import (
	"slices"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// ListNotifications lists milestone notifications and their delivery
// state: leads see all, a funder those sent on its behalf; project leads
// none.
// Leads, who see every notification, are the common case: their page is
// read beside the access check; a funder's is read after it, filtered.
func (sc *Scope) ListNotifications(p Page) ([]domain.Notification, string, error) {
	var items []domain.Notification
	var next string
	var allErr error // the speculative read's own failure, which only leads see
	if err := sc.alongside(func() error {
		items, next, allErr = sc.s.store.ListNotifications(sc.ctx, sc.programmeID, nil, p)
		return nil
	}); err != nil {
		return nil, "", err
	}
	if err := sc.canReadNotifications(); err != nil {
		return nil, "", err
	}
	if sc.access.CanManage() {
		return listErr(items, next, allErr)
	}
	keep := func(n domain.Notification) bool { return sc.access.CanReadNotification(n.FunderIDs) }
	items, next, err := sc.s.store.ListNotifications(sc.ctx, sc.programmeID, keep, p)
	if err != nil {
		return nil, "", storeErr(err, "", nil)
	}
	return items, next, sc.ownContactsOnly(items)
}

// Notification returns one milestone notification the caller may read;
// any other is not found.
func (sc *Scope) Notification(id string) (domain.Notification, error) {
	var n domain.Notification
	g := &Get{Ref: domain.Ref(domain.EntityNotification, id), Into: &n}
	target, _, _ := strings.Cut(id, ".")
	if domain.ValidID(target) {
		if err := sc.load(g); err != nil { // the notification rides in the access read
			return domain.Notification{}, err
		}
	}
	if err := sc.canReadNotifications(); err != nil {
		return domain.Notification{}, err
	}
	if !g.Found {
		return domain.Notification{}, domain.NotFound("notification")
	}
	if !sc.access.CanReadNotification(n.FunderIDs) {
		return domain.Notification{}, domain.NotFound("notification")
	}
	items := []domain.Notification{n}
	return items[0], sc.ownContactsOnly(items)
}

// canReadNotifications: leads and funders may; project leads may not.
func (sc *Scope) canReadNotifications() error {
	if err := sc.load(); err != nil {
		return err
	}
	if !sc.access.CanManage() && len(sc.access.Funders) == 0 {
		return forbidden("read notifications")
	}
	return nil
}

// ownContactsOnly shows a funder only its own contacts among a
// notification's recipients: the others are other organisations' staff.
// Leads see all.
func (sc *Scope) ownContactsOnly(items []domain.Notification) error {
	if sc.access.CanManage() {
		return nil
	}
	own := map[string]bool{}
	var gets []*Get
	for fid := range sc.access.Funders {
		gets = append(gets, &Get{Ref: domain.Ref(domain.EntityFunder, fid), Into: &domain.Funder{}})
	}
	if err := sc.s.store.Read(sc.ctx, sc.programmeID, gets...); err != nil {
		return storeErr(err, "", nil)
	}
	for _, g := range gets {
		if g.Found {
			for _, c := range g.Into.(*domain.Funder).Contacts {
				own[c] = true
			}
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
