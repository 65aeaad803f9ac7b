package memstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// tx is one change being checked. Its conditions are checked in the order
// the DynamoDB store lists its transaction's items, and it fails as that
// transaction does: with the first failed condition that is not a
// missing reference, else with every missing reference. Nothing of it is
// applied unless every condition holds.
type tx struct {
	s       *Store
	pid     string
	p       *partition
	first   error
	missing []domain.RecordRef
	writes  []func()
	// counts are the moves of each schedule's return counts the change
	// makes, by schedule (see belowZero).
	counts map[string]domain.StatsDelta
	// audits are events the change writes besides its own (each payment
	// a change makes due has its own).
	audits []domain.AuditEvent
}

// check adds a condition that fails with fail.
func (t *tx) check(ok bool, fail error) *tx {
	if !ok && t.first == nil {
		t.first = fail
	}
	return t
}

// exists adds the condition that ref is a record of the programme.
func (t *tx) exists(ref domain.RecordRef) *tx {
	if !t.p.has(ref) {
		t.missing = append(t.missing, ref)
	}
	return t
}

// create adds a new record, which must not exist yet.
func (t *tx) create(ref domain.RecordRef, v any) *tx {
	t.check(!t.p.has(ref), errors.New("create: item exists"))
	return t.then(func(p *partition) { p.put(ref, v) })
}

// versioned replaces a record still at version (else service.ErrStale).
func (t *tx) versioned(ref domain.RecordRef, v any, version int64) *tx {
	var cur struct{ Version int64 }
	ok, _ := t.p.decode(ref, &cur)
	t.check(ok && cur.Version == version, service.ErrStale)
	return t.then(func(p *partition) { p.put(ref, v) })
}

// premise adds the condition that a record a rule read is still as read
// (the DynamoDB store's ConditionCheck): at its version, or for records
// without one changed at the same moment, or, for a premise naming
// fields, with each of them as read. A dependent's premise also moves the
// record's dependents revision on.
func (t *tx) premise(pr service.Premise) *tx {
	var cur struct {
		Version   int64
		UpdatedAt time.Time
	}
	ok, _ := t.p.decode(pr.Ref, &cur)
	switch {
	case len(pr.Fields) > 0:
		t.check(ok && t.sameFields(pr), pr.Err)
	case pr.Version == 0:
		t.check(ok && cur.UpdatedAt.Equal(pr.UpdatedAt), pr.Err)
	default:
		t.check(ok && cur.Version == pr.Version, pr.Err)
	}
	if pr.Dependent {
		k, _ := slot(pr.Ref)
		t.then(func(p *partition) { p.revs[k]++ })
	}
	return t
}

// sameFields reports whether each of the premise's fields of the stored
// record is as in the record read, compared as stored (JSON: a field left
// out when empty reads back as empty), as the DynamoDB store compares
// attributes. A field the record's type does not have is a mistake.
func (t *tx) sameFields(pr service.Premise) bool {
	read := reflect.ValueOf(pr.Record)
	cur := reflect.New(read.Type())
	if ok, err := t.p.decode(pr.Ref, cur.Interface()); !ok || err != nil {
		return false
	}
	for _, f := range pr.Fields {
		a, b := read.FieldByName(f), cur.Elem().FieldByName(f)
		if !a.IsValid() {
			panic("memstore: premise on " + read.Type().Name() + "." + f + ", which it does not have")
		}
		ja, aerr := json.Marshal(a.Interface())
		jb, berr := json.Marshal(b.Interface())
		if aerr != nil || berr != nil || !bytes.Equal(ja, jb) {
			return false
		}
	}
	return true
}

// guard adds the condition that the record the change replaces has had
// no dependent written since it was read, and keeps its revision (a
// replacement starts it again otherwise): the DynamoDB store's guarded
// Put. Its replacement's own condition comes first, so a stale version
// still fails as one.
func (t *tx) guard(g service.Guard) *tx {
	t.check(t.p.rev(g.Ref) == g.Rev, g.Err)
	k, _ := slot(g.Ref)
	return t.then(func(p *partition) {
		if g.Rev != 0 {
			p.revs[k] = g.Rev
		}
	})
}

func (t *tx) programmeExists() *tx {
	return t.check(t.p.has(domain.RecordRef{Entity: domain.EntityProgramme}), service.ErrNotFound)
}

// then adds a write, made only if the change commits.
func (t *tx) then(f func(p *partition)) *tx {
	t.writes = append(t.writes, func() { f(t.s.part(t.pid)) })
	return t
}

// commit checks the change's audit event and claim, the last items of the
// DynamoDB store's transactions, then writes everything or nothing.
func (t *tx) commit(ch service.Change) error {
	dup := false
	if p := t.s.progs[ch.Audit.ProgrammeID]; p != nil {
		dup = slices.ContainsFunc(p.audit, func(e auditEntry) bool { return e.id == ch.Audit.ID })
	}
	own := domain.Ref(ch.Audit.Entity, ch.Audit.EntityID)
	for _, pr := range ch.Premises {
		if pr.Ref == own {
			// DynamoDB takes an item once a transaction: the store
			// refuses to build one (store.dropCheck).
			panic("memstore: a premise on a record the change writes")
		}
		t.premise(pr)
	}
	if ch.Guard != nil {
		t.guard(*ch.Guard)
	}
	t.check(!dup, errors.New("audit event exists"))
	if ch.Claim != nil {
		c := t.s.claims[claimKey(*ch.Claim)]
		t.check(c != nil && c.ID == ch.Claim.ID, service.ErrClaimTaken)
	}
	if err := t.apply(ch.Audit.ProgrammeID, ch.Audit); err != nil {
		return err
	}
	if ch.Claim != nil {
		t.s.claims[claimKey(*ch.Claim)].State = committed
	}
	return nil
}

// apply makes the writes when every check passed (the first failure, or
// the references found missing, otherwise), then records the audit
// events: own (the change's, when it has one) before those of the
// payments it released, as the DynamoDB store's items are ordered.
func (t *tx) apply(programmeID string, own ...domain.AuditEvent) error {
	switch {
	case t.first != nil:
		return t.first
	case len(t.missing) > 0:
		return &service.MissingRefError{Refs: t.missing}
	case t.belowZero():
		return service.ErrCountsBelowZero
	}
	for _, w := range t.writes {
		w()
	}
	p := t.s.part(programmeID)
	for _, a := range append(own, t.audits...) {
		data, err := json.Marshal(a)
		if err != nil {
			return err
		}
		p.audit = append(p.audit, auditEntry{id: a.ID, entity: string(a.Entity), entityID: a.EntityID, actor: a.ActorEmail, data: data})
	}
	return nil
}

// write makes one change: build lists its conditions and writes, as the
// DynamoDB store's transaction lists its items, and commit makes them all
// or none.
func (s *Store) write(op, programmeID string, ch service.Change, build func(t *tx)) error {
	if err := s.enter(op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	t := &tx{s: s, pid: programmeID, p: s.progs[programmeID]}
	build(t)
	return t.commit(ch)
}

// CreateProgramme implements service.ProgrammeStore.
func (s *Store) CreateProgramme(_ context.Context, pr domain.Programme, ch service.Change) error {
	return s.write("CreateProgramme", pr.ID, ch, func(t *tx) { t.create(domain.Ref(domain.EntityProgramme, pr.ID), pr) })
}

// PutMember implements service.ProgrammeStore: the member must still be
// as before (absent when before is nil), else service.ErrConflict.
func (s *Store) PutMember(_ context.Context, programmeID string, m domain.Member, before *domain.Member, ch service.Change) error {
	return s.write("PutMember", programmeID, ch, func(t *tx) {
		ref := domain.Ref(domain.EntityMember, m.Email)
		t.check(t.memberIs(ref, before), service.ErrConflict).then(func(p *partition) { p.put(ref, m) })
		t.programmeExists()
		for _, r := range m.Roles {
			switch r.Role {
			case domain.RoleProjectLead:
				t.exists(domain.Ref(domain.EntityProject, r.ProjectID))
			case domain.RoleFunder:
				t.exists(domain.Ref(domain.EntityFunder, r.FunderID))
			}
		}
	})
}

// memberIs reports whether the member at ref is still as before: absent
// for nil, else changed at the same moment (the DynamoDB store's condition).
func (t *tx) memberIs(ref domain.RecordRef, before *domain.Member) bool {
	var cur domain.Member
	ok, _ := t.p.decode(ref, &cur)
	if before == nil {
		return !ok
	}
	return ok && cur.UpdatedAt.Equal(before.UpdatedAt)
}

// DeleteMember implements service.ProgrammeStore.
func (s *Store) DeleteMember(_ context.Context, programmeID string, before domain.Member, ch service.Change) error {
	return s.write("DeleteMember", programmeID, ch, func(t *tx) {
		ref := domain.Ref(domain.EntityMember, before.Email)
		t.check(t.memberIs(ref, &before), service.ErrConflict).then(func(p *partition) { delete(p.records, ref) })
	})
}

// CreateFunder implements service.OrganisationStore.
func (s *Store) CreateFunder(_ context.Context, programmeID string, f domain.Funder, ch service.Change) error {
	return s.write("CreateFunder", programmeID, ch, func(t *tx) {
		t.create(domain.Ref(domain.EntityFunder, f.ID), f).programmeExists().holdFunderName(f, "")
	})
}

// CreateProject implements service.OrganisationStore.
func (s *Store) CreateProject(_ context.Context, programmeID string, pr domain.Project, gen *service.Generation, ch service.Change) error {
	return s.write("CreateProject", programmeID, ch, func(t *tx) {
		t.create(domain.Ref(domain.EntityProject, pr.ID), pr).programmeExists().holdName(pr, "")
		t.generation(gen)
	})
}

// holdName adds the DynamoDB store's name marker of pr (PNAME#): the name
// must be held by no other project (else *service.NameTakenError), and
// old, the project's name before, is let go when it differs.
func (t *tx) holdName(pr domain.Project, old string) *tx {
	k, was := domain.ProjectNameKey(pr.Name), domain.ProjectNameKey(old)
	if old != "" && k == was {
		return t
	}
	var holder string
	if t.p != nil {
		holder = t.p.names[k]
	}
	t.check(holder == "", &service.NameTakenError{Name: pr.Name, Entity: domain.EntityProject})
	return t.then(func(p *partition) {
		if p.names == nil {
			p.names = map[string]string{}
		}
		if old != "" && p.names[was] == pr.ID {
			delete(p.names, was)
		}
		p.names[k] = pr.ID
	})
}

// holdFunderName adds the DynamoDB store's marker of f's name (FNAME#), as
// holdName does a project's.
func (t *tx) holdFunderName(f domain.Funder, old string) *tx {
	k, was := domain.FunderNameKey(f.Name), domain.FunderNameKey(old)
	if old != "" && k == was {
		return t
	}
	var holder string
	if t.p != nil {
		holder = t.p.funderNames[k]
	}
	t.check(holder == "", &service.NameTakenError{Name: f.Name, Entity: domain.EntityFunder})
	return t.then(func(p *partition) {
		if p.funderNames == nil {
			p.funderNames = map[string]string{}
		}
		if old != "" && p.funderNames[was] == f.ID {
			delete(p.funderNames, was)
		}
		p.funderNames[k] = f.ID
	})
}

// UpdateFunder implements service.OrganisationStore.
func (s *Store) UpdateFunder(_ context.Context, programmeID string, before, after domain.Funder, ch service.Change) error {
	return s.write("UpdateFunder", programmeID, ch, func(t *tx) {
		t.versioned(domain.Ref(domain.EntityFunder, after.ID), after, before.Version).holdFunderName(after, before.Name)
	})
}

// UpdateProject implements service.OrganisationStore.
func (s *Store) UpdateProject(_ context.Context, programmeID string, before, after domain.Project, rc *service.ProjectReturns, ch service.Change) error {
	return s.write("UpdateProject", programmeID, ch, func(t *tx) {
		t.versioned(domain.Ref(domain.EntityProject, after.ID), after, before.Version).holdName(after, before.Name)
		if rc != nil {
			t.setupMove(rc.Seq, "").generation(rc.Gen).returnRemovals(rc.Removed)
		}
	})
}

// CreateGrant implements service.GrantStore: the funding totals move and
// the funder and project are checked in the same change.
func (s *Store) CreateGrant(_ context.Context, programmeID string, g domain.Grant, ch service.Change) error {
	return s.write("CreateGrant", programmeID, ch, func(t *tx) {
		t.create(domain.Ref(domain.EntityGrant, g.ID), g).totals(funding(map[domain.FundingKey]int64{g.FundingKey(): g.AmountPence})).grantRefs(g)
	})
}

// UpdateGrant implements service.GrantStore. A new amount moves the
// grant's headroom by the difference; a smaller one must leave room for
// its payments that are not cancelled (service.ErrOverCommitted).
func (s *Store) UpdateGrant(_ context.Context, programmeID string, before, after domain.Grant, ch service.Change) error {
	byKey := map[domain.FundingKey]int64{after.FundingKey(): after.AmountPence}
	byKey[before.FundingKey()] -= before.AmountPence
	return s.write("UpdateGrant", programmeID, ch, func(t *tx) {
		t.versioned(domain.Ref(domain.EntityGrant, after.ID), after, before.Version).totals(funding(byKey)).grantRefs(after)
		if d := after.AmountPence - before.AmountPence; d != 0 {
			t.money(before, domain.MoneyDelta{Headroom: d}, max(-d, 0))
		}
	})
}

func (t *tx) grantRefs(g domain.Grant) *tx {
	t.exists(domain.Ref(domain.EntityFunder, g.FunderID))
	if g.ProjectID != "" {
		t.exists(domain.Ref(domain.EntityProject, g.ProjectID))
	}
	return t
}

// CreatePost implements service.DeliveryStore.
func (s *Store) CreatePost(_ context.Context, programmeID string, po domain.Post, ch service.Change) error {
	return s.write("CreatePost", programmeID, ch, func(t *tx) {
		t.create(domain.ProjectRef(domain.EntityPost, po.ProjectID, po.ID), po)
		t.exists(domain.Ref(domain.EntityProject, po.ProjectID)).exists(domain.Ref(domain.EntityGrant, po.GrantID))
		t.totals(delta{posts: map[domain.PostStatus]int64{po.Status: 1}})
	})
}

// UpdatePost implements service.DeliveryStore.
func (s *Store) UpdatePost(_ context.Context, programmeID string, before, after domain.Post, ch service.Change) error {
	posts := map[domain.PostStatus]int64{after.Status: 1}
	posts[before.Status]--
	return s.write("UpdatePost", programmeID, ch, func(t *tx) {
		t.versioned(domain.ProjectRef(domain.EntityPost, after.ProjectID, after.ID), after, before.Version)
		t.exists(domain.Ref(domain.EntityGrant, after.GrantID)).totals(delta{posts: posts})
	})
}

// CreateCohort implements service.DeliveryStore.
func (s *Store) CreateCohort(_ context.Context, programmeID string, c domain.Cohort, ch service.Change) error {
	return s.write("CreateCohort", programmeID, ch, func(t *tx) {
		t.create(domain.ProjectRef(domain.EntityCohort, c.ProjectID, c.ID), c)
		t.exists(domain.Ref(domain.EntityProject, c.ProjectID)).totals(delta{cohorts: 1, places: c.Places})
	})
}

// UpdateCohort implements service.DeliveryStore.
func (s *Store) UpdateCohort(_ context.Context, programmeID string, before, after domain.Cohort, ch service.Change) error {
	return s.write("UpdateCohort", programmeID, ch, func(t *tx) {
		t.versioned(domain.ProjectRef(domain.EntityCohort, after.ProjectID, after.ID), after, before.Version)
		t.totals(delta{places: after.Places - before.Places})
	})
}

// CreateTarget implements service.TargetStore. Like the DynamoDB store it
// marks the programme's figures changed, for the notifier, and puts the
// target in the due index on due.
func (s *Store) CreateTarget(_ context.Context, programmeID string, tg domain.Target, due domain.Date, ch service.Change) error {
	return s.write("CreateTarget", programmeID, ch, func(t *tx) {
		t.create(domain.Ref(domain.EntityTarget, tg.ID), tg).totals(delta{at: tg.UpdatedAt}).targetRefs(tg)
		t.then(func(p *partition) { p.setTargetDue(tg.ID, due) })
	})
}

// UpdateTarget implements service.TargetStore.
func (s *Store) UpdateTarget(_ context.Context, programmeID string, before, after domain.Target, due domain.Date, rel service.Release, ch service.Change) error {
	return s.write("UpdateTarget", programmeID, ch, func(t *tx) {
		t.versioned(domain.Ref(domain.EntityTarget, after.ID), after, before.Version).totals(delta{at: after.UpdatedAt}).targetRefs(after).release(rel)
		t.then(func(p *partition) { p.setTargetDue(after.ID, due) })
	})
}

func (t *tx) targetRefs(tg domain.Target) *tx {
	if tg.ProjectID != "" {
		t.exists(domain.Ref(domain.EntityProject, tg.ProjectID))
	}
	for _, f := range tg.Notify {
		t.exists(domain.Ref(domain.EntityFunder, f))
	}
	return t
}
