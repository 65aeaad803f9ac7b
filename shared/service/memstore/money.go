package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// moneyState is a programme's money figures, as the DynamoDB store keeps
// them on one item per grant (MONEY#<grant>) and the count of payments
// waiting on a target or return on its totals item.
type moneyState struct {
	grants  map[string]grantMoney // by grant id
	waiting int64
	fixed   map[string]string // spend return id → the correction that replaced it
}

// grantMoney is one grant's figures. Headroom (the amount not committed
// to payments that are not cancelled) is nil until a payment or a new
// amount first sets it: until then it is the grant's amount.
type grantMoney struct {
	Headroom *int64                          `json:"headroom,omitempty"`
	Paid     int64                           `json:"paid"`
	Due      int64                           `json:"due"`
	Spent    int64                           `json:"spent"`
	SpentBy  map[domain.BudgetCategory]int64 `json:"spentBy,omitempty"`
}

func (m moneyState) clone() moneyState {
	c := moneyState{grants: map[string]grantMoney{}, waiting: m.waiting, fixed: maps.Clone(m.fixed)}
	for id, g := range m.grants {
		if g.Headroom != nil {
			h := *g.Headroom
			g.Headroom = &h
		}
		g.SpentBy = maps.Clone(g.SpentBy)
		c.grants[id] = g
	}
	return c
}

// String is the state as text, for Snapshot.
func (m moneyState) String() string {
	var b strings.Builder
	for _, id := range slices.Sorted(maps.Keys(m.grants)) {
		data, _ := json.Marshal(m.grants[id])
		fmt.Fprintf(&b, "money %s %s\n", id, data)
	}
	if m.waiting != 0 {
		fmt.Fprintf(&b, "payments waiting %d\n", m.waiting)
	}
	for _, old := range slices.Sorted(maps.Keys(m.fixed)) {
		fmt.Fprintf(&b, "spend %s corrected by %s\n", old, m.fixed[old])
	}
	return b.String()
}

// money adds the condition that grant g's headroom is at least need (a
// grant whose headroom was never set has its whole amount), and d's move
// of its figures, as the DynamoDB store's conditional update of the
// grant's money item does.
func (t *tx) money(g domain.Grant, d domain.MoneyDelta, need int64) *tx {
	if need > 0 && t.p != nil {
		if h := t.p.money.grants[g.ID].Headroom; h != nil && *h < need {
			t.check(false, service.ErrOverCommitted)
		}
	}
	return t.then(func(p *partition) {
		if d.IsZero() {
			return
		}
		if p.money.grants == nil {
			p.money.grants = map[string]grantMoney{}
		}
		cur := p.money.grants[g.ID]
		if d.Headroom != 0 {
			h := g.AmountPence
			if cur.Headroom != nil {
				h = *cur.Headroom
			}
			h += d.Headroom
			cur.Headroom = &h
		}
		cur.Paid += d.Paid
		cur.Due += d.Due
		cur.Spent += d.Spent
		for c, n := range d.SpentBy {
			if n != 0 {
				if cur.SpentBy == nil {
					cur.SpentBy = map[domain.BudgetCategory]int64{}
				}
				cur.SpentBy[c] += n
			}
		}
		p.money.grants[g.ID] = cur
		p.money.waiting += d.Waiting
	})
}

// CreatePayment implements service.MoneyStore.
func (s *Store) CreatePayment(_ context.Context, programmeID string, g domain.Grant, pay domain.Payment, due *service.DueAtOnce, ch service.Change) error {
	return s.write("CreatePayment", programmeID, ch, func(t *tx) {
		t.create(domain.GrantRef(domain.EntityPayment, g.ID, pay.ID), pay).exists(domain.Ref(domain.EntityGrant, g.ID))
		switch pay.Trigger.Kind {
		case domain.TriggerMilestone:
			t.exists(domain.Ref(domain.EntityTarget, pay.Trigger.TargetID))
		case domain.TriggerReturn:
			t.exists(domain.Ref(domain.EntityReturn, pay.Trigger.ReturnID))
		}
		d := domain.PaymentDelta(nil, pay)
		t.money(g, d, pay.AmountPence)
		if d.Waiting != 0 {
			// For the notifier to look: the target may be reached already.
			// As in the DynamoDB store, only the changed marker moves: no
			// figure of the totals changed.
			t.markChanged()
		}
		if due != nil {
			t.create(domain.Ref(domain.EntityNotification, due.Note.ID), due.Note)
			t.figuresStill(due.Figures)
		}
	})
}

// figuresStill adds the condition that the programme's figures version
// is still seen (nil: none), as the DynamoDB store conditions its changed
// marker.
func (t *tx) figuresStill(seen *int64) *tx {
	if seen == nil {
		return t
	}
	var changes int64
	if t.p != nil {
		changes = t.p.changes
	}
	return t.check(changes == *seen, service.ErrChanged)
}

// release makes due, with the change, the payments rel says fall due, as
// the DynamoDB store does: each still scheduled at its version (else
// service.ErrChanged), its email new, its grant's figures moved. The fake
// has no transaction size to keep to: it makes every one due.
func (t *tx) release(rel service.Release) *tx {
	for _, f := range rel.Falling {
		ref := domain.GrantRef(domain.EntityPayment, f.Grant.ID, f.After.ID)
		var cur domain.Payment
		ok := false
		if t.p != nil {
			ok, _ = t.p.decode(ref, &cur)
		}
		t.check(ok && cur.Version == f.Before.Version && cur.Status == domain.PaymentScheduled, service.ErrChanged)
		after := f.After
		t.then(func(p *partition) { p.put(ref, after) })
		noteRef := domain.Ref(domain.EntityNotification, f.Note.ID)
		t.check(!t.p.has(noteRef), service.ErrChanged)
		t.then(func(p *partition) { p.put(noteRef, f.Note) })
		t.audits = append(t.audits, f.Audit)
		t.money(f.Grant, domain.PaymentDelta(&f.Before, f.After), 0)
	}
	if rel.Later {
		t.markChanged()
	}
	return t.figuresStill(rel.Figures)
}

// ReleasePayments implements service.MoneyStore: rel alone, as one
// change (an operation named "ReleasePayments" for Fail and Before), with
// the audit events of its payments and none of its own.
func (s *Store) ReleasePayments(_ context.Context, programmeID string, rel service.Release) error {
	if err := s.enter("ReleasePayments"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	t := &tx{s: s, pid: programmeID, p: s.progs[programmeID]}
	t.release(rel)
	return t.apply(programmeID)
}

// PaymentsWaitingOn implements service.MoneyStore: in the order of the
// DynamoDB store's index (by what they wait on, then grant and id).
func (s *Store) PaymentsWaitingOn(_ context.Context, programmeID string, kind domain.TriggerKind, id string, limit int) ([]domain.Payment, bool, error) {
	if err := s.enter("PaymentsWaitingOn"); err != nil {
		return nil, false, err
	}
	defer s.mu.Unlock()
	p := s.progs[programmeID]
	if p == nil || limit <= 0 {
		return nil, false, nil
	}
	on := func(pay domain.Payment) string {
		if pay.Trigger.Kind == domain.TriggerMilestone {
			return pay.Trigger.TargetID
		}
		return pay.Trigger.ReturnID
	}
	var out []domain.Payment
	for _, pay := range p.payments() {
		if pay.Status == domain.PaymentScheduled && pay.Trigger.Kind == kind && (id == "" || on(pay) == id) {
			out = append(out, pay)
		}
	}
	slices.SortStableFunc(out, func(a, b domain.Payment) int { return strings.Compare(on(a), on(b)) })
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// UpdatePayment implements service.MoneyStore: with email, the payment's
// email withdrawn (deleted, with its audit event) while it is pending and
// sent to nobody, or checked not to be so, as the DynamoDB store's
// transaction does (service.ErrChanged otherwise).
func (s *Store) UpdatePayment(_ context.Context, programmeID string, g domain.Grant, before, after domain.Payment, email *service.PaymentEmail, ch service.Change) error {
	return s.write("UpdatePayment", programmeID, ch, func(t *tx) {
		t.versioned(domain.GrantRef(domain.EntityPayment, g.ID, after.ID), after, before.Version)
		t.money(g, domain.PaymentDelta(&before, after), 0)
		if email == nil {
			return
		}
		ref := domain.Ref(domain.EntityNotification, email.Note.ID)
		var cur domain.Notification
		found := false
		if t.p != nil {
			found, _ = t.p.decode(ref, &cur)
		}
		unsent := found && cur.Status == domain.NotificationPending &&
			len(cur.Delivered) == 0 && len(cur.Rejected) == 0 && len(cur.Sending) == 0
		if email.Finish != nil {
			t.check(found && cur.Status == domain.NotificationPending && len(cur.Sending) == 0 &&
				len(cur.Delivered) == len(email.Note.Delivered) && len(cur.Rejected) == len(email.Note.Rejected), service.ErrChanged)
			done := *email.Finish
			cur.Status, cur.NotNeeded, cur.LastError, cur.SentAt = done.Status, done.NotNeeded, done.LastError, done.SentAt
			t.then(func(p *partition) {
				p.put(ref, cur)
				delete(p.leases, email.Note.ID)
			})
			t.audits = append(t.audits, *email.FinishEvent)
			return
		}
		if email.Withdraw == nil {
			t.check(!unsent, service.ErrChanged)
			return
		}
		t.check(unsent, service.ErrChanged)
		t.then(func(p *partition) {
			delete(p.records, ref)
			delete(p.leases, email.Note.ID)
		})
		t.audits = append(t.audits, *email.Withdraw)
	})
}

// FallDue makes a scheduled payment due and records its email, as the
// notifier does through the DynamoDB store: false when the payment is no
// longer as read (paid, cancelled, or made due by another run), or, with
// figures, when the programme's figures version is no longer *figures.
func (s *Store) FallDue(_ context.Context, programmeID string, g domain.Grant, before, after domain.Payment, note domain.Notification, ev domain.AuditEvent, figures *int64) (bool, error) {
	err := s.write("FallDue", programmeID, service.Change{Audit: ev}, func(t *tx) {
		ref := domain.GrantRef(domain.EntityPayment, g.ID, after.ID)
		var cur domain.Payment
		ok, _ := t.p.decode(ref, &cur)
		t.check(ok && cur.Version == before.Version && cur.Status == domain.PaymentScheduled, service.ErrStale)
		t.figuresStill(figures)
		t.then(func(p *partition) { p.put(ref, after) })
		t.money(g, domain.PaymentDelta(&before, after), 0)
		t.create(domain.Ref(domain.EntityNotification, note.ID), note)
	})
	if err == service.ErrStale || (figures != nil && err == service.ErrChanged) {
		return false, nil
	}
	return err == nil, err
}

// ListPayments implements service.MoneyStore: by grant, then oldest first,
// as the DynamoDB store's sort keys order them.
func (s *Store) ListPayments(_ context.Context, programmeID, grantID string, p service.Page) ([]domain.Payment, string, error) {
	return underGrant[domain.Payment](s, "ListPayments", programmeID, domain.EntityPayment, grantID, p)
}

// ListSpend implements service.MoneyStore.
func (s *Store) ListSpend(_ context.Context, programmeID, grantID string, p service.Page) ([]domain.SpendReturn, string, error) {
	return underGrant[domain.SpendReturn](s, "ListSpend", programmeID, domain.EntitySpend, grantID, p)
}

func underGrant[T any](s *Store, op, programmeID string, e domain.Entity, grantID string, p service.Page) ([]T, string, error) {
	if err := s.enter(op); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	var es []entry
	if part := s.progs[programmeID]; part != nil {
		for ref, data := range part.records {
			if ref.Entity == e && (grantID == "" || ref.GrantID == grantID) {
				es = append(es, entry{key: ref.GrantID + "#" + ref.ID, data: data})
			}
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].key < es[j].key })
	return page[T](programmeID+"/"+string(e)+"/"+grantID, es, false, nil, p)
}

// CreateSpend implements service.MoneyStore. A correction takes the old
// return's spend out in the same change; a second correction of it is
// *service.AlreadyCorrectedError naming the newest of its corrections. It
// is refused with service.ErrChanged unless the grant has seen spend
// returns, as the DynamoDB store's count on the grant's money item
// refuses it.
func (s *Store) CreateSpend(_ context.Context, programmeID string, sp domain.SpendReturn, old *domain.SpendReturn, seen int, ch service.Change) error {
	return s.write("CreateSpend", programmeID, ch, func(t *tx) {
		g := domain.Grant{ID: sp.GrantID}
		d := domain.SpendDelta(sp, 1)
		t.create(domain.GrantRef(domain.EntitySpend, sp.GrantID, sp.ID), sp).exists(domain.Ref(domain.EntityGrant, sp.GrantID))
		if old != nil {
			d = d.Add(domain.SpendDelta(*old, -1))
			replaced := domain.GrantRef(domain.EntitySpend, old.GrantID, old.ID)
			by := ""
			if t.p != nil {
				by = newest(t.p.money.fixed, old.ID)
			}
			t.check(by == "", &service.AlreadyCorrectedError{Replaced: replaced, By: domain.GrantRef(domain.EntitySpend, old.GrantID, by)})
			t.then(func(p *partition) {
				if p.money.fixed == nil {
					p.money.fixed = map[string]string{}
				}
				p.money.fixed[old.ID] = sp.ID
			}).exists(replaced)
		}
		if t.p != nil { // conditions in the DynamoDB store's order: the money item's last
			n := 0
			for ref := range t.p.records {
				if ref.Entity == domain.EntitySpend && ref.GrantID == sp.GrantID {
					n++
				}
			}
			t.check(n == seen, service.ErrChanged)
		}
		t.money(g, d, 0)
	})
}

// Money implements service.MoneyStore.
func (s *Store) Money(_ context.Context, programmeID string) (map[string]domain.GrantMoney, error) {
	if err := s.enter("Money"); err != nil {
		return nil, err
	}
	s.mu.Unlock()
	return s.moneyOf(programmeID)
}

func (s *Store) moneyOf(programmeID string) (map[string]domain.GrantMoney, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]domain.GrantMoney{}
	if p := s.progs[programmeID]; p != nil {
		for id, g := range p.money.grants {
			gm := domain.GrantMoney{PaidPence: g.Paid, DuePence: g.Due, SpentPence: g.Spent}
			for c, n := range g.SpentBy {
				if n != 0 {
					if gm.SpentBy == nil {
						gm.SpentBy = map[domain.BudgetCategory]int64{}
					}
					gm.SpentBy[c] = n
				}
			}
			out[id] = gm
		}
	}
	return out, nil
}

// GrantMoney implements service.MoneyStore.
func (s *Store) GrantMoney(ctx context.Context, programmeID, grantID string) (domain.GrantMoney, error) {
	if err := s.enter("GrantMoney"); err != nil {
		return domain.GrantMoney{}, err
	}
	s.mu.Unlock()
	all, err := s.moneyOf(programmeID)
	return all[grantID], err
}

// Waiting is how many of the programme's payments wait on a target or a
// return: what the notifier reads beside the changed marker.
func (s *Store) Waiting(programmeID string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.progs[programmeID]; p != nil {
		return p.money.waiting
	}
	return 0
}
