package memstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The notifier's storage (notify.Storage beyond service.Storer), kept as
// the DynamoDB store keeps it: its indexes are spread over service.Shards
// by service.ShardOf and ordered by the same sort keys, each conditional
// write has the same condition (leases compared in milliseconds), and what
// the store keeps in an index attribute the fake keeps beside the record:
// a target's next check (partition.targetDue), a return's next look
// (memReturn.Look) and a notification's lease (partition.leases). The
// other indexes follow from the records: pending notifications, scheduled
// date payments, payments waiting on a target or return, generations.

// Programme reads one programme, or service.ErrNotFound.
func (s *Store) Programme(_ context.Context, id string) (domain.Programme, error) {
	var pr domain.Programme
	if err := s.enter("Programme"); err != nil {
		return pr, err
	}
	defer s.mu.Unlock()
	ok, err := s.progs[id].decode(domain.RecordRef{Entity: domain.EntityProgramme}, &pr)
	if err == nil && !ok {
		err = fmt.Errorf("programme %s: %w", id, service.ErrNotFound)
	}
	return pr, err
}

// Schedule reads one schedule.
func (s *Store) Schedule(_ context.Context, programmeID, id string) (domain.Schedule, bool, error) {
	var sc domain.Schedule
	if err := s.enter("Schedule"); err != nil {
		return sc, false, err
	}
	defer s.mu.Unlock()
	ok, err := s.progs[programmeID].decode(domain.Ref(domain.EntitySchedule, id), &sc)
	return sc, ok, err
}

// checkShard refuses a shard outside 0 … service.Shards-1, as the DynamoDB
// store does: a caller's bug.
func checkShard(what string, shard int) error {
	if shard < 0 || shard >= service.Shards {
		return fmt.Errorf("list %s: no shard %d (there are %d)", what, shard, service.Shards)
	}
	return nil
}

// indexKey is the sort key of a programme's entry in one of the
// notifier's indexes: <first>#<programme>#<id>, as the DynamoDB store's.
func indexKey(first, programmeID, id string) string { return first + "#" + programmeID + "#" + id }

// lookKey is the return's key in the index of returns due a look, as the
// DynamoDB store's: with a recheck's mark after it.
func (m memReturn) lookKey(programmeID string) string {
	k := indexKey(m.Look.String(), programmeID, m.ID)
	if m.LookMark != "" {
		k += "#" + m.LookMark
	}
	return k
}

// sharded lists one shard of an index: each of its programmes' entries
// (each gives those of one partition), in sort key order, a page at a time.
func sharded[T any](s *Store, op string, shard int, each func(id string, p *partition) []entry, p service.Page) ([]T, string, error) {
	if err := checkShard(op, shard); err != nil {
		return nil, "", err
	}
	if err := s.enter(op); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	var es []entry
	for id, part := range s.progs {
		if service.ShardOf(id) == shard {
			es = append(es, each(id, part)...)
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].key < es[j].key })
	return page[T](op+"#"+strconv.Itoa(shard), es, false, nil, p)
}

// until is the first sort key after every entry dated on or before day.
func until(day domain.Date) string { return day.AddDays(1).String() }

// Milestones.

// DirtyProgrammes lists one shard of the programmes marked changed, by id.
func (s *Store) DirtyProgrammes(_ context.Context, shard int, p service.Page) ([]service.DirtyProgramme, string, error) {
	return sharded[service.DirtyProgramme](s, "DirtyProgrammes", shard, func(id string, part *partition) []entry {
		if !part.dirty {
			return nil
		}
		data, _ := json.Marshal(service.DirtyProgramme{ProgrammeID: id, Changes: part.changes, PaymentsWaiting: part.money.waiting})
		return []entry{{key: id, data: data}}
	}, p)
}

// DueTargets lists one shard of the targets whose next check is on or
// before today, by that day, each target with that day (DueOn) as the
// DynamoDB store has it.
func (s *Store) DueTargets(_ context.Context, shard int, today domain.Date, p service.Page) ([]service.DueTarget, string, error) {
	due, next, err := sharded[service.DueTarget](s, "DueTargets", shard, func(id string, part *partition) []entry {
		var out []entry
		for tid, day := range part.targetDue {
			k := indexKey(day.String(), id, tid)
			var t domain.Target
			if ok, _ := part.decode(domain.Ref(domain.EntityTarget, tid), &t); ok && k < until(today) {
				data, _ := json.Marshal(service.DueTarget{ProgrammeID: id, Target: t, DueKey: k})
				out = append(out, entry{key: k, data: data})
			}
		}
		return out
	}, p)
	for i := range due { // DueOn is not in the entry's JSON: its day is the key's
		due[i].Target.DueOn, _ = domain.ParseDate(strings.SplitN(due[i].DueKey, "#", 2)[0])
	}
	return due, next, err
}

// RescheduleTarget moves a due target to next (out of the index when zero),
// only while it is where it was read.
func (s *Store) RescheduleTarget(_ context.Context, d service.DueTarget, next domain.Date) error {
	if err := s.enter("RescheduleTarget"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	part := s.progs[d.ProgrammeID]
	if part == nil {
		return nil
	}
	if day, ok := part.targetDue[d.Target.ID]; !ok || indexKey(day.String(), d.ProgrammeID, d.Target.ID) != d.DueKey {
		return nil
	}
	part.setTargetDue(d.Target.ID, next)
	return nil
}

// WakeTarget puts a target in the due index on day, unless it is there on
// or before day already or the target is gone (as the DynamoDB store's
// conditional update).
func (s *Store) WakeTarget(_ context.Context, programmeID, targetID string, day domain.Date) error {
	if err := s.enter("WakeTarget"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	part := s.progs[programmeID]
	var t domain.Target
	if ok, _ := part.decode(domain.Ref(domain.EntityTarget, targetID), &t); !ok {
		return nil
	}
	if at, ok := part.targetDue[targetID]; ok && !at.After(day) {
		return nil
	}
	part.setTargetDue(targetID, day)
	return nil
}

// setTargetDue puts a target in the due index on day (none when zero), as
// every write of the target does in the DynamoDB store.
func (p *partition) setTargetDue(targetID string, day domain.Date) {
	if day.IsZero() {
		delete(p.targetDue, targetID)
		return
	}
	if p.targetDue == nil {
		p.targetDue = map[string]domain.Date{}
	}
	p.targetDue[targetID] = day
}

// Delivery.

// notifications are a programme's notifications, decoded, by id.
func (p *partition) notifications() []domain.Notification {
	var out []domain.Notification
	for _, e := range p.entries(domain.EntityNotification, "") {
		var n domain.Notification
		if json.Unmarshal(e.data, &n) == nil {
			out = append(out, n)
		}
	}
	return out
}

// PendingNotifications lists one shard of the notifications still
// pending, oldest first.
func (s *Store) PendingNotifications(_ context.Context, shard int, p service.Page) ([]domain.Notification, string, error) {
	return sharded[domain.Notification](s, "PendingNotifications", shard, func(id string, part *partition) []entry {
		var out []entry
		for _, n := range part.notifications() {
			if n.Status == domain.NotificationPending {
				data, _ := json.Marshal(n)
				out = append(out, entry{key: indexKey(service.SortTime(n.CreatedAt), id, n.ID), data: data})
			}
		}
		return out
	}, p)
}

// notification runs change on a programme's notification, writing it back
// when change reports true; found is false when it is not there.
func (s *Store) notification(op, programmeID, id string, change func(p *partition, n *domain.Notification) bool) (found bool, err error) {
	if err := s.enter(op); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	p := s.progs[programmeID]
	ref := domain.Ref(domain.EntityNotification, id)
	var n domain.Notification
	if found, err := p.decode(ref, &n); err != nil || !found {
		return false, err
	}
	if change(p, &n) {
		p.put(ref, n)
	}
	return true, nil
}

// LeaseNotification takes a pending notification until now+lease and
// counts the attempt, unless it is not pending or a lease on it has not
// run out by now.
func (s *Store) LeaseNotification(_ context.Context, programmeID, id string, now time.Time, lease time.Duration) (domain.Notification, bool, error) {
	var out domain.Notification
	leased := false
	_, err := s.notification("LeaseNotification", programmeID, id, func(p *partition, n *domain.Notification) bool {
		if held, ok := p.leases[id]; n.Status != domain.NotificationPending || ok && held >= now.UnixMilli() {
			return false
		}
		if p.leases == nil {
			p.leases = map[string]int64{}
		}
		p.leases[id] = now.Add(lease).UnixMilli()
		n.Attempts++
		out, leased = *n, true
		return true
	})
	if !leased {
		out = domain.Notification{}
	}
	return out, leased, err
}

// SetRecipients fixes a notification's recipients unless it has some.
func (s *Store) SetRecipients(_ context.Context, programmeID, id string, recipients []string, funderContacts map[string][]string) ([]string, error) {
	var out []string
	found, err := s.notification("SetRecipients", programmeID, id, func(_ *partition, n *domain.Notification) bool {
		set := n.Recipients == nil
		if set {
			n.Recipients = slices.Clone(recipients)
			if funderContacts != nil && n.FunderContacts == nil {
				n.FunderContacts = map[string][]string{}
				for f, c := range funderContacts {
					n.FunderContacts[f] = slices.Clone(c)
				}
			}
		}
		out = n.Recipients
		return set
	})
	if err == nil && !found {
		err = fmt.Errorf("set recipients of %s: %w", id, service.ErrNotFound)
	}
	return out, err
}

var errNotReaddressed = errors.New("notification not readdressed")

// ReaddressNotification records a leased notification's recipients,
// those withdrawn and, when n has them, each funder's contacts among
// them, with ev, while it is pending at n.Attempts, as the DynamoDB store
// does.
func (s *Store) ReaddressNotification(_ context.Context, n domain.Notification, ev domain.AuditEvent) (bool, error) {
	err := s.write("ReaddressNotification", n.ProgrammeID, service.Change{Audit: ev}, func(t *tx) {
		ref := domain.Ref(domain.EntityNotification, n.ID)
		var cur domain.Notification
		ok, _ := t.p.decode(ref, &cur)
		t.check(ok && cur.Status == domain.NotificationPending && cur.Attempts == n.Attempts, errNotReaddressed)
		cur.Recipients = slices.Clone(n.Recipients)
		if cur.Recipients == nil {
			cur.Recipients = []string{}
		}
		cur.Withdrawn = slices.Clone(n.Withdrawn)
		if len(cur.Withdrawn) == 0 {
			cur.Withdrawn = nil
		}
		if n.FunderContacts != nil {
			cur.FunderContacts = map[string][]string{}
			for f, c := range n.FunderContacts {
				cur.FunderContacts[f] = slices.Clone(c)
			}
		}
		switch {
		case len(n.FunderIDs) > 0:
			cur.FunderIDs = slices.Clone(n.FunderIDs)
		case n.FunderIDs != nil:
			cur.FunderIDs = nil // a milestone's funders all taken off its target's notify list
		}
		t.then(func(p *partition) { p.put(ref, cur) })
	})
	if errors.Is(err, errNotReaddressed) {
		return false, nil
	}
	return err == nil, err
}

// MarkDelivered records that email has the notification's email.
func (s *Store) MarkDelivered(_ context.Context, programmeID, id, email string) error {
	return s.settleRecipient("MarkDelivered", programmeID, id, email, func(n *domain.Notification) *[]string { return &n.Delivered })
}

// MarkRejected records that email was refused for good.
func (s *Store) MarkRejected(_ context.Context, programmeID, id, email string) error {
	return s.settleRecipient("MarkRejected", programmeID, id, email, func(n *domain.Notification) *[]string { return &n.Rejected })
}

func (s *Store) settleRecipient(op, programmeID, id, email string, list func(n *domain.Notification) *[]string) error {
	_, err := s.notification(op, programmeID, id, func(_ *partition, n *domain.Notification) bool {
		l := list(n)
		*l = append(*l, email)
		n.Sending = slices.DeleteFunc(n.Sending, func(to string) bool { return to == email })
		return true
	})
	return err
}

// ReleaseNotification gives back the lease after a passing failure,
// noting it and withdrawing email's claim (none when email is "").
func (s *Store) ReleaseNotification(_ context.Context, programmeID, id, email, lastError string) error {
	_, err := s.notification("ReleaseNotification", programmeID, id, func(p *partition, n *domain.Notification) bool {
		n.LastError = lastError
		delete(p.leases, id)
		n.Sending = slices.DeleteFunc(n.Sending, func(to string) bool { return to == email })
		return true
	})
	return err
}

var errFinished = errors.New("notification finished already")

// FinishNotification settles a pending notification with its audit event;
// one finished already is left as it is.
func (s *Store) FinishNotification(_ context.Context, n domain.Notification, ev domain.AuditEvent) error {
	err := s.write("FinishNotification", n.ProgrammeID, service.Change{Audit: ev}, func(t *tx) {
		ref := domain.Ref(domain.EntityNotification, n.ID)
		var cur domain.Notification
		ok, _ := t.p.decode(ref, &cur)
		t.check(ok && cur.Status == domain.NotificationPending, errFinished)
		cur.Status, cur.LastError = n.Status, n.LastError
		if n.SentAt != nil {
			at := *n.SentAt
			cur.SentAt = &at
		}
		if n.NotNeeded != "" {
			cur.NotNeeded = n.NotNeeded
			if cur.Recipients == nil {
				cur.Recipients = []string{}
			}
		}
		if n.Includes != nil {
			cur.Includes = slices.Clone(n.Includes)
			if len(cur.Includes) == 0 {
				cur.Includes = nil
			}
		}
		cur.Sending = slices.Sorted(slices.Values(n.Sending)) // a string set: in no order
		if len(cur.Sending) == 0 {
			cur.Sending = nil
		}
		t.then(func(p *partition) {
			p.put(ref, cur)
			delete(p.leases, n.ID)
		})
	})
	if errors.Is(err, errFinished) {
		return nil
	}
	return err
}

// WithdrawNotification deletes a notification never emailed, as the
// DynamoDB store does: one leased at n.Attempts, or one covered by
// n.CoveredBy, that nobody has, refused or is being sent.
func (s *Store) WithdrawNotification(_ context.Context, n domain.Notification, ev domain.AuditEvent) (bool, error) {
	err := s.write("WithdrawNotification", n.ProgrammeID, service.Change{Audit: ev}, func(t *tx) {
		ref := domain.Ref(domain.EntityNotification, n.ID)
		var cur domain.Notification
		ok, _ := t.p.decode(ref, &cur)
		if n.CoveredBy != "" {
			ok = ok && cur.Status == domain.NotificationSent && cur.CoveredBy == n.CoveredBy
		} else {
			ok = ok && cur.Status == domain.NotificationPending && cur.Attempts == n.Attempts
		}
		t.check(ok && len(cur.Delivered) == 0 && len(cur.Rejected) == 0 && len(cur.Sending) == 0, errFinished)
		t.then(func(p *partition) {
			delete(p.records, ref)
			delete(p.leases, n.ID)
		})
	})
	if errors.Is(err, errFinished) {
		return false, nil
	}
	return err == nil, err
}

// IncludeNotifications records what a leased notification's email stands
// for, while it is pending at attempt and includes none yet.
func (s *Store) IncludeNotifications(_ context.Context, programmeID, id string, attempt int64, includes []string) (bool, error) {
	ok := false
	_, err := s.notification("IncludeNotifications", programmeID, id, func(_ *partition, n *domain.Notification) bool {
		if n.Status != domain.NotificationPending || n.Attempts != attempt || n.Includes != nil {
			return false
		}
		n.Includes, ok = slices.Clone(includes), true
		return true
	})
	return ok, err
}

var errNotCovered = errors.New("notification not covered")

// CoverNotification records a leased notification sent inside the
// carrier's email, while it is pending at its attempt and the carrier is
// pending at carrierAttempt, including it.
func (s *Store) CoverNotification(_ context.Context, n domain.Notification, carrierAttempt int64, ev domain.AuditEvent) (bool, error) {
	err := s.write("CoverNotification", n.ProgrammeID, service.Change{Audit: ev}, func(t *tx) {
		ref := domain.Ref(domain.EntityNotification, n.ID)
		var cur, carrier domain.Notification
		ok, _ := t.p.decode(ref, &cur)
		t.check(ok && cur.Status == domain.NotificationPending && cur.Attempts == n.Attempts, errNotCovered)
		ok, _ = t.p.decode(domain.Ref(domain.EntityNotification, n.CoveredBy), &carrier)
		t.check(ok && carrier.Status == domain.NotificationPending && carrier.Attempts == carrierAttempt &&
			slices.Contains(carrier.Includes, n.ID), errNotCovered)
		cur.Status, cur.CoveredBy = domain.NotificationSent, n.CoveredBy
		if cur.Recipients == nil {
			cur.Recipients = slices.Clone(n.Recipients)
			if cur.Recipients == nil {
				cur.Recipients = []string{}
			}
		}
		cur.Sending = nil
		t.then(func(p *partition) {
			p.put(ref, cur)
			delete(p.leases, n.ID)
		})
	})
	if errors.Is(err, errNotCovered) {
		return false, nil
	}
	return err == nil, err
}

// AwaitsReview reports whether a submission is pending and still in the
// review queue (not corrected), with its status.
func (s *Store) AwaitsReview(_ context.Context, programmeID, projectID, id string) (bool, domain.OutcomeStatus, error) {
	if err := s.enter("AwaitsReview"); err != nil {
		return false, "", err
	}
	defer s.mu.Unlock()
	p := s.progs[programmeID]
	var o domain.Outcome
	if ok, err := p.decode(domain.ProjectRef(domain.EntityOutcome, projectID, id), &o); err != nil || !ok {
		return false, "", err
	}
	return o.Status == domain.OutcomePending && p.superseded[id] == "", o.EffectiveStatus(), nil
}

// PaymentNow reads a payment's status and trigger, the zero payment when
// it is not there.
func (s *Store) PaymentNow(_ context.Context, programmeID, grantID, id string) (domain.Payment, error) {
	if err := s.enter("PaymentNow"); err != nil {
		return domain.Payment{}, err
	}
	defer s.mu.Unlock()
	var pay domain.Payment
	if ok, err := s.progs[programmeID].decode(domain.GrantRef(domain.EntityPayment, grantID, id), &pay); err != nil || !ok {
		return domain.Payment{}, err
	}
	return domain.Payment{Status: pay.Status, Trigger: pay.Trigger}, nil
}

// GrantFunder reads the funder of a grant as it now stands, "" when the
// grant is not there.
func (s *Store) GrantFunder(_ context.Context, programmeID, grantID string) (string, error) {
	if err := s.enter("GrantFunder"); err != nil {
		return "", err
	}
	defer s.mu.Unlock()
	var g domain.Grant
	if ok, err := s.progs[programmeID].decode(domain.Ref(domain.EntityGrant, grantID), &g); err != nil || !ok {
		return "", err
	}
	return g.FunderID, nil
}

// Corrected reports whether a submission has been corrected.
func (s *Store) Corrected(_ context.Context, programmeID, id string) (bool, error) {
	if err := s.enter("Corrected"); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	p := s.progs[programmeID]
	return p != nil && p.superseded[id] != "", nil
}

// Reporting.

// DueReturns lists one shard of the returns not yet sent whose next look
// is on or before today, by that day.
func (s *Store) DueReturns(_ context.Context, shard int, today domain.Date, p service.Page) ([]service.DueReturn, string, error) {
	// Listed as kept (a return's JSON leaves out its state and version).
	type dueReturn struct {
		ProgrammeID, DueKey string
		Return              memReturn
	}
	kept, next, err := sharded[dueReturn](s, "DueReturns", shard, func(id string, part *partition) []entry {
		var out []entry
		for _, e := range part.entries(domain.EntityReturn, "") {
			var m memReturn
			if json.Unmarshal(e.data, &m) != nil || m.Look.IsZero() {
				continue
			}
			if k := m.lookKey(id); k < until(today) {
				data, _ := json.Marshal(dueReturn{ProgrammeID: id, Return: m, DueKey: k})
				out = append(out, entry{key: k, data: data})
			}
		}
		return out
	}, p)
	out := make([]service.DueReturn, len(kept))
	for i, d := range kept {
		out[i] = service.DueReturn{ProgrammeID: d.ProgrammeID, Return: d.Return.domain(), DueKey: d.DueKey, Rechecked: d.Return.LookMark != ""}
	}
	return out, next, err
}

// RescheduleReturn moves a due return to next (out of the index when
// zero), only while it is where it was read.
func (s *Store) RescheduleReturn(_ context.Context, d service.DueReturn, next domain.Date) error {
	if err := s.enter("RescheduleReturn"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	p := s.progs[d.ProgrammeID]
	ref := domain.Ref(domain.EntityReturn, d.Return.ID)
	k, err := slot(ref)
	if err != nil || p == nil {
		return err
	}
	var m memReturn
	if data, ok := p.records[k]; !ok || json.Unmarshal(data, &m) != nil || m.Look.IsZero() || m.lookKey(d.ProgrammeID) != d.DueKey {
		return nil
	}
	m.Look, m.LookMark = next, ""
	p.putKeepRev(ref, m)
	return nil
}

// Generations lists one shard of the generations started before before,
// oldest first.
func (s *Store) Generations(_ context.Context, shard int, before time.Time, p service.Page) ([]service.Generation, string, error) {
	cutoff := service.SortTime(before)
	return sharded[service.Generation](s, "Generations", shard, func(id string, part *partition) []entry {
		var out []entry
		for _, e := range part.entries(entityGeneration, "") {
			var g service.Generation
			if json.Unmarshal(e.data, &g) != nil {
				continue
			}
			// As the DynamoDB store compares its index's sort keys.
			if k := indexKey(service.SortTime(g.StartedAt), id, g.ID); k < cutoff {
				out = append(out, entry{key: k, data: e.data})
			}
		}
		return out
	}, p)
}

// Payments.

// payments are a programme's payments, decoded, by grant then id.
func (p *partition) payments() []domain.Payment {
	var out []domain.Payment
	for ref, data := range p.records {
		var pay domain.Payment
		if ref.Entity == domain.EntityPayment && json.Unmarshal(data, &pay) == nil {
			out = append(out, pay)
		}
	}
	slices.SortFunc(out, func(a, b domain.Payment) int {
		return cmp.Or(cmp.Compare(a.GrantID, b.GrantID), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// DuePayments lists one shard of the scheduled date payments due on or
// before today, by due date.
func (s *Store) DuePayments(_ context.Context, shard int, today domain.Date, p service.Page) ([]service.DuePayment, string, error) {
	return sharded[service.DuePayment](s, "DuePayments", shard, func(id string, part *partition) []entry {
		var out []entry
		for _, pay := range part.payments() {
			if pay.Status != domain.PaymentScheduled || pay.Trigger.Kind != domain.TriggerDate || pay.DueDate == nil {
				continue
			}
			if k := indexKey(pay.DueDate.String(), id, pay.ID); k < until(today) {
				data, _ := json.Marshal(service.DuePayment{ProgrammeID: id, Payment: pay})
				out = append(out, entry{key: k, data: data})
			}
		}
		return out
	}, p)
}

// WaitingPayments lists a programme's scheduled payments waiting on a
// target or a return, by grant then id.
func (s *Store) WaitingPayments(_ context.Context, programmeID string, p service.Page) ([]domain.Payment, string, error) {
	if err := s.enter("WaitingPayments"); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	var es []entry
	if part := s.progs[programmeID]; part != nil {
		for _, pay := range part.payments() {
			if pay.Status == domain.PaymentScheduled && pay.Trigger.Waits() {
				data, _ := json.Marshal(pay)
				es = append(es, entry{key: pay.GrantID + "#" + pay.ID, data: data})
			}
		}
	}
	return page[domain.Payment]("payments waiting of "+programmeID, es, false, nil, p)
}
