// Package memstore is an in-memory fake of the service's storage
// (service.Storer) and the notifier's (notify.Storage: notifier.go) for
// fast tests of the service's and the notifier's rules. At the interface
// it behaves as the DynamoDB store (shared/store) does: the same typed
// errors in the same situations, every change all or nothing together with
// the running totals it moves, its audit event and its idempotency claim.
// shared/store's contract test runs one table of behaviours against both,
// so the two cannot drift apart.
//
// It is a fake, not a database: one mutex, each record kept as JSON (so
// callers get copies, as they do from DynamoDB), lists sorted on every
// read. Fail and Before inject faults and competing writes.
package memstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Store is the fake. The zero value is not ready: use New.
type Store struct {
	// Before, when set, runs before every operation, outside the store's
	// lock, with the operation's name (the Storer method: "UpdateGrant").
	// An error it returns is the operation's answer and nothing is read or
	// written. Tests use it to slip a competing write in between a
	// service's read and its write.
	Before func(op string) error
	// ImportBatch is how many submissions an import writes per
	// transaction (0: DefaultImportBatch).
	ImportBatch int

	mu     sync.Mutex
	progs  map[string]*partition
	claims map[[2]string]*claim // by (scope, key)
	faults []fault
	locks  map[string]*importLock        // by programme
	staged map[string]service.StagedFile // by programme/id
	ended  map[string]time.Time          // web sessions signed out of, until when
	// everywhere is, by subject, the latest instant each person signed
	// out on every device.
	everywhere map[string]time.Time
}

// partition is everything of one programme, as the DynamoDB store keeps it
// in one partition (and the audit trail in its own table).
type partition struct {
	records     map[domain.RecordRef][]byte // JSON of each record, the programme included
	revs        map[domain.RecordRef]int64  // dependents revisions (service.Get.Rev), by record
	superseded  map[string]string           // outcome id → the correction that replaced it
	names       map[string]string           // project name (domain.ProjectNameKey) → the project holding it
	funderNames map[string]string           // funder name (domain.FunderNameKey) → the funder holding it
	totals      domain.Totals
	funding     domain.FundingFigures // money by funder and project
	changes     int64                 // changes to the figures so far
	dirty       bool                  // figures changed since the notifier last looked
	audit       []auditEntry
	money       moneyState // grants' money figures and corrected spend returns
	// The notifier's index entries kept beside the records (notifier.go):
	targetDue map[string]domain.Date // target id → its next time-driven check
	leases    map[string]int64       // notification id → its lease's end, in Unix ms
}

type auditEntry struct {
	id, entity, entityID, actor string
	data                        []byte
}

type fault struct {
	op  string
	err error
}

// New returns an empty store.
func New() *Store {
	return &Store{progs: map[string]*partition{}, claims: map[[2]string]*claim{}, locks: map[string]*importLock{},
		staged: map[string]service.StagedFile{}, ended: map[string]time.Time{},
		everywhere: map[string]time.Time{}}
}

var _ service.Storer = (*Store)(nil)

// Fail makes the next call of the operation op ("" for any operation)
// fail with err, reading and writing nothing. Faults queue up in order.
func (s *Store) Fail(op string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{op: op, err: err})
}

// enter runs the fault hooks of op and, if none fires, locks the store.
// The caller must unlock it when enter returns nil.
func (s *Store) enter(op string) error {
	if s.Before != nil {
		if err := s.Before(op); err != nil {
			return err
		}
	}
	s.mu.Lock()
	for i, f := range s.faults {
		if f.op == "" || f.op == op {
			s.faults = slices.Delete(s.faults, i, i+1)
			s.mu.Unlock()
			return f.err
		}
	}
	return nil
}

// part returns a programme's partition, made empty when missing.
func (s *Store) part(programmeID string) *partition {
	p := s.progs[programmeID]
	if p == nil {
		p = &partition{records: map[domain.RecordRef][]byte{}, revs: map[domain.RecordRef]int64{}, superseded: map[string]string{}, totals: domain.NewTotals(),
			funding: domain.NewFundingFigures()}
		s.progs[programmeID] = p
	}
	return p
}

// slot is where ref's record lives in its partition: the DynamoDB store
// keys a record by entity and id, and records under a project by the
// project too; a programme has one programme record whatever the id.
func slot(ref domain.RecordRef) (domain.RecordRef, error) {
	switch ref.Entity {
	case domain.EntityProgramme:
		return domain.RecordRef{Entity: ref.Entity}, nil
	case domain.EntityMember, domain.EntityFunder, domain.EntityProject, domain.EntityGrant,
		domain.EntityTarget, domain.EntityNotification:
		return domain.Ref(ref.Entity, ref.ID), nil
	case domain.EntityPost, domain.EntityCohort, domain.EntityOutcome, entityProjectStats:
		return ref, nil
	case domain.EntityPayment, domain.EntitySpend: // under their grant
		return domain.GrantRef(ref.Entity, ref.GrantID, ref.ID), nil
	case domain.EntitySchedule, entitySetup, entityStats, entityGeneration:
		return domain.Ref(ref.Entity, ref.ID), nil
	case domain.EntityReturn:
		if _, _, _, ok := domain.ParseReturnID(ref.ID); !ok {
			return ref, fmt.Errorf("no key for return %q", ref.ID)
		}
		return domain.Ref(ref.Entity, ref.ID), nil
	}
	return ref, fmt.Errorf("no key for a %s", ref.Entity)
}

func (p *partition) has(ref domain.RecordRef) bool {
	if p == nil {
		return false
	}
	k, err := slot(ref)
	_, ok := p.records[k]
	return err == nil && ok
}

func (p *partition) put(ref domain.RecordRef, v any) {
	k, err := slot(ref)
	data, merr := json.Marshal(v)
	if err != nil || merr != nil {
		panic(fmt.Sprintf("memstore: cannot keep %v: %v %v", ref, err, merr))
	}
	p.records[k] = data
	// A record replaced starts its dependents revision again, as the
	// DynamoDB store's Put leaves the attribute out (a guard keeps it).
	delete(p.revs, k)
}

// putKeepRev replaces ref's record keeping its dependents revision, as
// the DynamoDB store's UpdateItem of a few attributes does (a return's
// index entry, its remindedOn).
func (p *partition) putKeepRev(ref domain.RecordRef, v any) {
	rev := p.rev(ref)
	p.put(ref, v)
	if k, err := slot(ref); err == nil && rev != 0 {
		p.revs[k] = rev
	}
}

// rev is the dependents revision of ref's record.
func (p *partition) rev(ref domain.RecordRef) int64 {
	k, err := slot(ref)
	if err != nil || p == nil {
		return 0
	}
	return p.revs[k]
}

// decode reads ref's record into v, reporting whether it is there.
func (p *partition) decode(ref domain.RecordRef, v any) (bool, error) {
	k, err := slot(ref)
	if err != nil || p == nil {
		return false, err
	}
	data, ok := p.records[k]
	if !ok {
		return false, nil
	}
	if r, isReturn := v.(*domain.Return); isReturn {
		// A return is kept with what the API does not show (see memReturn).
		var m memReturn
		err := json.Unmarshal(data, &m)
		*r = m.domain()
		r.Rev = p.revs[k]
		return true, err
	}
	return true, json.Unmarshal(data, v)
}

// Reads.

// ReadAccess implements service.Reader.
func (s *Store) ReadAccess(_ context.Context, programmeID, email string, session service.WebSession, gets ...*service.Get) (domain.Programme, []domain.Role, error) {
	var pr domain.Programme
	if err := s.enter("ReadAccess"); err != nil {
		return pr, nil, err
	}
	defer s.mu.Unlock()
	if s.sessionEnded(session) {
		return pr, nil, service.ErrSessionEnded
	}
	p := s.progs[programmeID]
	if ok, err := p.decode(domain.RecordRef{Entity: domain.EntityProgramme}, &pr); err != nil || !ok {
		return pr, nil, cmp.Or(err, service.ErrNotFound)
	}
	var roles []domain.Role
	if email != "" {
		var m domain.Member
		if ok, _ := p.decode(domain.Ref(domain.EntityMember, email), &m); ok {
			roles = m.Roles
		}
	}
	return pr, roles, readGets(p, gets)
}

// Read implements service.Reader.
func (s *Store) Read(_ context.Context, programmeID string, gets ...*service.Get) error {
	if err := s.enter("Read"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	return readGets(s.progs[programmeID], gets)
}

func readGets(p *partition, gets []*service.Get) error {
	for _, g := range gets {
		if _, err := slot(g.Ref); err != nil {
			return err
		}
	}
	for _, g := range gets {
		if g.Into == nil {
			g.Found = p.has(g.Ref)
		} else {
			ok, err := p.decode(g.Ref, g.Into)
			if err != nil {
				return err
			}
			g.Found = ok
		}
		g.Rev = p.rev(g.Ref)
	}
	return nil
}

// MissingRefs implements service.Reader.
func (s *Store) MissingRefs(_ context.Context, programmeID string, refs []domain.RecordRef) ([]domain.RecordRef, error) {
	if err := s.enter("MissingRefs"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var missing []domain.RecordRef
	for _, r := range refs {
		if _, err := slot(r); err != nil {
			return nil, err
		}
		if !s.progs[programmeID].has(r) {
			missing = append(missing, r)
		}
	}
	return missing, nil
}

// Totals implements service.TotalsStore: a copy of the running figures.
func (s *Store) Totals(_ context.Context, programmeID string) (domain.Totals, error) {
	t := domain.NewTotals()
	if err := s.enter("Totals"); err != nil {
		return t, err
	}
	defer s.mu.Unlock()
	if p := s.progs[programmeID]; p != nil {
		t = copyTotals(p.totals)
	}
	return t, nil
}

func copyTotals(t domain.Totals) domain.Totals {
	c := t
	c.ByFunder, c.Posts, c.Programme, c.Measures = maps.Clone(t.ByFunder), maps.Clone(t.Posts), maps.Clone(t.Programme), maps.Clone(t.Measures)
	c.Pending, c.PendingCountByProject = maps.Clone(t.Pending), maps.Clone(t.PendingCountByProject)
	c.PendingByProject = cloneNested(t.PendingByProject)
	c.ByProject, c.ByCohort, c.Monthly = cloneNested(t.ByProject), cloneNested(t.ByCohort), cloneNested(t.Monthly)
	return c
}

func cloneNested(m map[string]map[domain.Metric]int64) map[string]map[domain.Metric]int64 {
	out := make(map[string]map[domain.Metric]int64, len(m))
	for id, ms := range m {
		out[id] = maps.Clone(ms)
	}
	return out
}

// ClaimNotification records a notification the notifier found due with
// the audit event of its creation, as the notifier does through the
// DynamoDB store: false if it was claimed before. A return's reminder is
// claimed with its return, as there: only while the return is expected
// and was not reminded on or after the reminder's day, marking it
// reminded on n.On. A premise of holds no longer holding (and the
// notification not claimed before) is its Err, nothing written, as the
// DynamoDB store's ConditionCheck.
func (s *Store) ClaimNotification(_ context.Context, n domain.Notification, holds ...service.Premise) (bool, error) {
	if err := s.enter("ClaimNotification"); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	ref := domain.Ref(domain.EntityNotification, n.ID)
	if s.progs[n.ProgrammeID].has(ref) {
		return false, nil
	}
	if err := s.holding(n.ProgrammeID, holds); err != nil {
		return false, err
	}
	var ret *memReturn
	if n.Kind == domain.KindReminder && n.ReturnID != "" && n.Reminder != nil {
		if _, _, _, ok := domain.ParseReturnID(n.ReturnID); !ok || n.On.IsZero() || n.DueDate.IsZero() {
			return false, fmt.Errorf("claim reminder %s: not a return's reminder", n.ID)
		}
		var m memReturn
		if found, err := s.progs[n.ProgrammeID].decode(domain.Ref(domain.EntityReturn, n.ReturnID), &m); err != nil {
			return false, err
		} else if !found || m.State != domain.StateExpected || m.domain().RemindedFor(*n.Reminder) {
			return false, nil
		}
		m.RemindedOn = n.On
		ret = &m
	}
	ev := n.ClaimEvent()
	data, err := json.Marshal(ev)
	if err != nil {
		return false, err
	}
	p := s.part(n.ProgrammeID)
	p.put(ref, n)
	if ret != nil {
		p.putKeepRev(domain.Ref(domain.EntityReturn, ret.ID), *ret)
	}
	p.audit = append(p.audit, auditEntry{id: ev.ID, entity: string(ev.Entity), entityID: ev.EntityID, actor: ev.ActorEmail, data: data})
	return true, nil
}

// ClaimNotifications records several notifications, each with its claim
// event, all or none, as the DynamoDB store does: when one was claimed
// before, nothing is written and its id is returned; else a premise of
// holds no longer holding is its Err, nothing written.
func (s *Store) ClaimNotifications(ctx context.Context, ns []domain.Notification, holds ...service.Premise) (string, error) {
	if err := s.enter("ClaimNotifications"); err != nil {
		return "", err
	}
	for _, n := range ns {
		if s.progs[n.ProgrammeID].has(domain.Ref(domain.EntityNotification, n.ID)) {
			s.mu.Unlock()
			return n.ID, nil
		}
		if n.Kind == domain.KindReminder {
			s.mu.Unlock()
			return "", fmt.Errorf("claim notifications: a reminder is claimed alone (ClaimNotification)")
		}
	}
	if len(ns) > 0 {
		if err := s.holding(ns[0].ProgrammeID, holds); err != nil {
			s.mu.Unlock()
			return "", err
		}
	}
	evs := make([][]byte, len(ns))
	for i, n := range ns {
		data, err := json.Marshal(n.ClaimEvent())
		if err != nil {
			s.mu.Unlock()
			return "", err
		}
		evs[i] = data
	}
	for i, n := range ns {
		ev := n.ClaimEvent()
		p := s.part(n.ProgrammeID)
		p.put(domain.Ref(domain.EntityNotification, n.ID), n)
		p.audit = append(p.audit, auditEntry{id: ev.ID, entity: string(ev.Entity), entityID: ev.EntityID, actor: ev.ActorEmail, data: evs[i]})
	}
	s.mu.Unlock()
	return "", nil
}

// holding is the Err of the first of holds that no longer holds in the
// programme (nil when all do), checked under the store's lock.
func (s *Store) holding(programmeID string, holds []service.Premise) error {
	t := &tx{s: s, pid: programmeID, p: s.progs[programmeID]}
	for _, pr := range holds {
		t.premise(pr)
	}
	return t.first
}

// ClaimRecipient records, before the email to one recipient is sent, that
// the lease of attempt is sending it, as the DynamoDB store does: false,
// claiming nothing, when the notification is not there or not pending, its
// lease is no longer attempt's, or the address is claimed, delivered or
// refused already; else, when a premise of holds (what makes the address
// a recipient) no longer holds, its Err, claiming nothing.
func (s *Store) ClaimRecipient(_ context.Context, programmeID, id string, attempt int64, email string, holds ...service.Premise) (bool, error) {
	if err := s.enter("ClaimRecipient"); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	return s.claimRecipient(programmeID, id, attempt, email, holds)
}

// claimRecipient is ClaimRecipient under the store's lock: the
// notification's conditions first, then the premises, as the DynamoDB
// store's transaction lists its items.
func (s *Store) claimRecipient(programmeID, id string, attempt int64, email string, holds []service.Premise) (bool, error) {
	ref := domain.Ref(domain.EntityNotification, id)
	p := s.progs[programmeID]
	var n domain.Notification
	if found, err := p.decode(ref, &n); err != nil || !found {
		return false, err
	}
	if n.Status != domain.NotificationPending || n.Attempts != attempt ||
		slices.Contains(n.Sending, email) || slices.Contains(n.Delivered, email) || slices.Contains(n.Rejected, email) {
		return false, nil
	}
	t := &tx{s: s, pid: programmeID, p: p}
	for _, pr := range holds {
		t.premise(pr)
	}
	if t.first != nil {
		return false, t.first
	}
	// The DynamoDB store keeps sending as a string set: in no order.
	n.Sending = append(n.Sending, email)
	slices.Sort(n.Sending)
	p.put(ref, n)
	return true, nil
}

// ClaimReturnRecipient is ClaimRecipient on condition too that the
// return is still expected, as the DynamoDB store's transaction: unneeded
// says why not (removed, or sent), and then nothing is claimed.
func (s *Store) ClaimReturnRecipient(_ context.Context, programmeID, id string, attempt int64, email, returnID string, holds ...service.Premise) (bool, domain.NotNeededReason, error) {
	if err := s.enter("ClaimReturnRecipient"); err != nil {
		return false, "", err
	}
	defer s.mu.Unlock()
	var m memReturn
	found, err := s.progs[programmeID].decode(domain.Ref(domain.EntityReturn, returnID), &m)
	switch {
	case err != nil:
		return false, "", err
	case !found:
		return false, domain.NotNeededRemoved, nil
	case m.State != domain.StateExpected:
		return false, domain.NotNeededSubmitted, nil
	}
	claimed, err := s.claimRecipient(programmeID, id, attempt, email, holds)
	return claimed, "", err
}

// Changes reports how many changes the programme's figures have counted
// and whether they changed since the notifier last cleared the marker.
func (s *Store) Changes(programmeID string) (changes int64, dirty bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.progs[programmeID]; p != nil {
		return p.changes, p.dirty
	}
	return 0, false
}

// ClearDirty clears the changed marker unless the figures changed again
// since changes were counted (the DynamoDB store's condition).
func (s *Store) ClearDirty(_ context.Context, programmeID string, changes int64) error {
	if err := s.enter("ClearDirty"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if p := s.progs[programmeID]; p != nil && p.changes == changes {
		p.dirty = false
	}
	return nil
}

// Snapshot is everything the store holds, as text: tests compare two to
// prove a refused request changed nothing.
func (s *Store) Snapshot() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, id := range slices.Sorted(maps.Keys(s.progs)) {
		p := s.progs[id]
		if len(p.records) == 0 && len(p.audit) == 0 {
			continue // made by a refused write
		}
		totals, _ := json.Marshal(p.totals)
		funding, _ := json.Marshal(p.funding)
		fmt.Fprintf(&b, "programme %s: changes %d, dirty %v, totals %s, funding %s\n", id, p.changes, p.dirty, totals, funding)
		refs := slices.Collect(maps.Keys(p.records))
		slices.SortFunc(refs, func(a, b domain.RecordRef) int {
			return cmp.Or(cmp.Compare(a.Entity, b.Entity), cmp.Compare(a.ProjectID, b.ProjectID), cmp.Compare(a.ID, b.ID))
		})
		for _, ref := range refs {
			fmt.Fprintf(&b, "%v %s\n", ref, p.records[ref])
		}
		for _, id := range slices.Sorted(maps.Keys(p.targetDue)) {
			fmt.Fprintf(&b, "target %s due a check on %s\n", id, p.targetDue[id])
		}
		for _, old := range slices.Sorted(maps.Keys(p.superseded)) {
			fmt.Fprintf(&b, "superseded %s by %s\n", old, p.superseded[old])
		}
		for _, k := range slices.Sorted(maps.Keys(p.names)) {
			fmt.Fprintf(&b, "project name %q held by %s\n", k, p.names[k])
		}
		for _, k := range slices.Sorted(maps.Keys(p.funderNames)) {
			fmt.Fprintf(&b, "funder name %q held by %s\n", k, p.funderNames[k])
		}
		b.WriteString(p.money.String())
		for _, e := range p.audit {
			fmt.Fprintf(&b, "audit %s\n", e.data)
		}
	}
	// A held import lock is an item of the DynamoDB store's table too
	// (released, it is deleted), so a refused import that kept it shows.
	for _, id := range slices.Sorted(maps.Keys(s.locks)) {
		fmt.Fprintf(&b, "import lock of %s held by %s until %s\n", id, s.locks[id].holder, s.locks[id].until.UTC().Format(time.RFC3339Nano))
	}
	keys := slices.Collect(maps.Keys(s.claims))
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	for _, k := range keys {
		claim, _ := json.Marshal(s.claims[k])
		fmt.Fprintf(&b, "claim %q %s\n", k, claim)
	}
	return b.String()
}

// Clone returns an independent copy of what the store holds (not its
// faults or Before hook), so a test can build a world once and give each
// case its own.
func (s *Store) Clone() *Store {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := New()
	for id, p := range s.progs {
		c.progs[id] = p.clone()
	}
	for k, cl := range s.claims {
		copied := *cl
		c.claims[k] = &copied
	}
	return c
}

// NewestCorrection implements service.Reader: the newest correction of
// a submission or spend return, as the DynamoDB store finds it by its
// correction markers.
func (s *Store) NewestCorrection(_ context.Context, programmeID string, kind domain.Entity, id string) (string, error) {
	if err := s.enter("NewestCorrection"); err != nil {
		return "", err
	}
	defer s.mu.Unlock()
	p := s.progs[programmeID]
	switch {
	case kind != domain.EntityOutcome && kind != domain.EntitySpend:
		return "", fmt.Errorf("no correction markers for %s", kind)
	case p == nil:
		return "", nil
	case kind == domain.EntitySpend:
		return newest(p.money.fixed, id), nil
	}
	return newest(p.superseded, id), nil
}

// newest is the newest correction of id in a chain of corrections (by,
// record id → the correction that replaced it), "" when id was never
// corrected: what a refused second correction names, as the DynamoDB
// store does.
func newest(by map[string]string, id string) string {
	cur := by[id]
	for next := by[cur]; cur != "" && next != ""; next = by[cur] {
		cur = next
	}
	return cur
}
