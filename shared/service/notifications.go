package service

import (
	"context"
	"slices"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// ListNotifications lists notifications and their delivery state: leads
// see all, a funder the milestones sent on its behalf and the payment-due
// emails of the grants it funds now (grantFundersNow), a project lead its
// own project's reporting emails (reminders, overdue returns, submissions
// awaiting review, changes requested).
// Leads, who see every notification, are the common case: their page is
// read beside the access check; anyone else's is read after it, filtered.
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
	funders, err := sc.grantFundersNow()
	if err != nil {
		return nil, "", err
	}
	may := func(n domain.Notification) bool { return sc.canReadNotification(n, funders) }
	items, next, err = sc.s.store.ListNotifications(sc.ctx, sc.programmeID, may, p)
	if err != nil {
		return nil, "", storeErr(err, "", nil)
	}
	return items, next, sc.ownContactsOnly(items, funders)
}

// grantFundersNow is, by grant id, each of the programme's grants' funder
// as it is now, for a caller who acts for a funder and does not manage the
// programme (nil for anyone else, who reads no payment-due email): a
// payment-due email is a funder's to read only while the payment is of a
// grant it funds (domain.Access.CanReadPaymentNotice), so a grant given to
// another funder moves its emails at once, not at the notifier's next
// turn. Read consistently, from the table and not an index, so the list
// shows a change of funder made just before: one Query a page of 100
// grants, after the access check and before the notifications' own.
func (sc *Scope) grantFundersNow() (map[string]string, error) {
	if sc.access.CanManage() || len(sc.access.Funders) == 0 {
		return nil, nil
	}
	grants, err := all(func(p Page) ([]domain.Grant, string, error) {
		return sc.s.store.ListGrants(sc.ctx, sc.programmeID, GrantFilter{}, p)
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(grants))
	for _, g := range grants {
		out[g.ID] = g.FunderID
	}
	return out, nil
}

// grantFunderOf is grantFundersNow for one payment-due email n, read only
// when the caller acts for a funder and does not manage the programme, and
// n names its grant: one request (the grant, by key).
func (sc *Scope) grantFunderOf(n domain.Notification) (map[string]string, error) {
	if n.Kind != domain.KindPaymentDue || sc.access.CanManage() || len(sc.access.Funders) == 0 || !domain.ValidID(n.GrantID) {
		return nil, nil
	}
	var g domain.Grant
	get := &Get{Ref: domain.Ref(domain.EntityGrant, n.GrantID), Into: &g}
	if err := sc.load(get); err != nil {
		return nil, err
	}
	if !get.Found {
		return map[string]string{}, nil
	}
	return map[string]string{g.ID: g.FunderID}, nil
}

// Notification returns one milestone notification the caller may read;
// any other is not found.
func (sc *Scope) Notification(id string) (domain.Notification, error) {
	var n domain.Notification
	g := &Get{Ref: domain.Ref(domain.EntityNotification, id), Into: &n}
	if domain.ValidNotificationID(id) {
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
	funders, err := sc.grantFunderOf(n)
	if err != nil {
		return domain.Notification{}, err
	}
	if !sc.access.CanManage() && !sc.canReadNotification(n, funders) {
		return domain.Notification{}, domain.NotFound("notification")
	}
	items := []domain.Notification{n}
	return items[0], sc.ownContactsOnly(items, funders)
}

// canReadNotifications: every member may read some (see
// canReadNotification).
func (sc *Scope) canReadNotifications() error {
	return sc.load()
}

// canReadNotification says whether a caller who does not manage the
// programme may see n: a funder its milestones, and the payment-due
// emails of the payments it may read now (funders: each grant's funder
// now, by grant id, as grantFundersNow reads them), a project lead its
// project's reporting emails.
func (sc *Scope) canReadNotification(n domain.Notification, funders map[string]string) bool {
	switch {
	case n.Kind.Reporting():
		return n.ProjectID != "" && sc.access.Projects[n.ProjectID]
	case n.Kind == domain.KindPaymentDue:
		return sc.access.CanReadPaymentNotice(n, funders[n.GrantID])
	}
	return sc.access.CanReadNotification(n.FunderIDs)
}

// ownContactsOnly shows a funder only its own contacts among a
// notification's recipients: the others are other organisations' staff.
// Its own are the contacts the notification recorded it was emailed for
// (FunderContacts), so a later change of contacts rewrites no past email;
// only a notification recorded before that was kept is read against the
// funder's contacts now. Leads see all.
func (sc *Scope) ownContactsOnly(items []domain.Notification, funders map[string]string) error {
	if sc.access.CanManage() {
		return nil
	}
	var current map[string]bool // the caller's funders' contacts now, read only if needed
	currentContacts := func() (map[string]bool, error) {
		if current != nil {
			return current, nil
		}
		current = map[string]bool{}
		var gets []*Get
		for fid := range sc.access.Funders {
			gets = append(gets, &Get{Ref: domain.Ref(domain.EntityFunder, fid), Into: &domain.Funder{}})
		}
		if err := sc.s.store.Read(sc.ctx, sc.programmeID, gets...); err != nil {
			return nil, storeErr(err, "", nil)
		}
		for _, g := range gets {
			if g.Found {
				for _, c := range g.Into.(*domain.Funder).Contacts {
					current[c] = true
				}
			}
		}
		return current, nil
	}
	notMe := func(e string) bool { return e != sc.caller.Email }
	readable, err := sc.readableDigests(items, funders)
	if err != nil {
		return err
	}
	for i, n := range items {
		if n.Kind.Reporting() {
			// A project lead sees only itself among the recipients:
			// the others are other people's addresses.
			n.Recipients = slices.DeleteFunc(n.Recipients, notMe)
			n.Delivered = slices.DeleteFunc(n.Delivered, notMe)
			n.Rejected = slices.DeleteFunc(n.Rejected, notMe)
			n.Sending = slices.DeleteFunc(n.Sending, notMe)
			n.Withdrawn = withdrawnOnly(n.Withdrawn, notMe)
			if n.LastError != "" {
				n.LastError = "not delivered to every recipient"
			}
			// Of the others a digest's email stood for, only those it may
			// read: the rest are other projects' submissions, which it
			// learns neither the ids nor the number of.
			if n.Includes != nil {
				n.Includes = slices.DeleteFunc(slices.Clone(n.Includes), func(id string) bool { return !readable[id] })
				if len(n.Includes) == 0 {
					n.Includes = nil
				}
			}
			// Likewise the one whose email it went in: another project's
			// is a notification it may not read, whose id it is not shown
			// (only that it went in the leads' one email).
			if n.CoveredBy != "" && !readable[n.CoveredBy] {
				n.HideCarrier()
			}
			items[i] = n
			continue
		}
		own := map[string]bool{}
		if n.FunderContacts != nil {
			mine := map[string][]string{}
			for fid, contacts := range n.FunderContacts {
				if sc.access.Funders[fid] {
					mine[fid] = contacts
					for _, c := range contacts {
						own[c] = true
					}
				}
			}
			n.FunderContacts = mine
		} else {
			var err error
			if own, err = currentContacts(); err != nil {
				return err
			}
		}
		notOwn := func(e string) bool { return !own[e] }
		n.Recipients = slices.DeleteFunc(n.Recipients, notOwn)
		n.Delivered = slices.DeleteFunc(n.Delivered, notOwn)
		n.Rejected = slices.DeleteFunc(n.Rejected, notOwn)
		n.Sending = slices.DeleteFunc(n.Sending, notOwn)
		n.Withdrawn = withdrawnOnly(n.Withdrawn, notOwn)
		if n.LastError != "" {
			n.LastError = "not delivered to every recipient"
		}
		items[i] = n
	}
	return nil
}

// withdrawnOnly is ws without those whose address hide says the caller
// may not see (nil when none is left).
func withdrawnOnly(ws []domain.Withdrawal, hide func(string) bool) []domain.Withdrawal {
	ws = slices.DeleteFunc(slices.Clone(ws), func(w domain.Withdrawal) bool { return hide(w.Email) })
	if len(ws) == 0 {
		return nil
	}
	return ws
}

// readableDigests says which of the notifications items' digests name a
// caller who does not manage the programme may read (canReadNotification):
// those each digest's email stood for (Includes) and the one whose email
// carried each covered one (CoveredBy). Those among items are judged as
// they are; the others are read, a hundred a read, and none is read when
// items name none of their own.
func (sc *Scope) readableDigests(items []domain.Notification, funders map[string]string) (map[string]bool, error) {
	readable := map[string]bool{}
	known := map[string]bool{} // items, and those named already
	for _, n := range items {
		known[n.ID] = true
		if sc.canReadNotification(n, funders) {
			readable[n.ID] = true
		}
	}
	var ids []string
	for _, n := range items {
		if !n.Kind.Reporting() {
			continue
		}
		for _, id := range append(slices.Clone(n.Includes), n.CoveredBy) {
			if id != "" && !known[id] {
				known[id] = true // read once, however many name it
				ids = append(ids, id)
			}
		}
	}
	notes, err := ReadNotifications(sc.ctx, sc.s.store, sc.programmeID, ids)
	if err != nil {
		return nil, storeErr(err, "", nil)
	}
	for _, n := range notes {
		if sc.canReadNotification(n, funders) {
			readable[n.ID] = true
		}
	}
	return readable, nil
}

// ReadNotifications reads the programme's notifications ids name, in their
// order, leaving out any not there: one Read (a request per hundred).
// The service reads a digest's includes for a caller who may see only some,
// and the notifier for a carrier it resumes.
func ReadNotifications(ctx context.Context, st interface {
	Read(ctx context.Context, programmeID string, gets ...*Get) error
}, programmeID string, ids []string) ([]domain.Notification, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	notes := make([]domain.Notification, len(ids))
	gets := make([]*Get, len(ids))
	for i, id := range ids {
		gets[i] = &Get{Ref: domain.Ref(domain.EntityNotification, id), Into: &notes[i]}
	}
	if err := st.Read(ctx, programmeID, gets...); err != nil {
		return nil, err
	}
	var out []domain.Notification
	for i, g := range gets {
		if g.Found {
			out = append(out, notes[i])
		}
	}
	return out, nil
}
