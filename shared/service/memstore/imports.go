package memstore

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// DefaultImportBatch is how many submissions the fake writes per
// "transaction" of an import, unless Store.ImportBatch says otherwise:
// about as many as the DynamoDB store fits in one (100 items, two or
// three a submission), so a test of a failure half way fails as it would.
const DefaultImportBatch = 40

// importLock is a programme's import lock.
type importLock struct {
	holder string
	until  time.Time
}

// ImportOutcomes implements service.ImportStore: b's submissions in
// transactions of ImportBatch (each all or nothing, each an operation
// named "ImportOutcomes" for Fail and Before), each checking the lock.
func (s *Store) ImportOutcomes(_ context.Context, programmeID string, b service.ImportBatch) (int, error) {
	size := s.ImportBatch
	if size <= 0 {
		size = DefaultImportBatch
	}
	done := 0
	for done < len(b.Submissions) {
		n := min(size, len(b.Submissions)-done)
		last := done+n == len(b.Submissions)
		if err := s.importChunk(programmeID, b, done, n, last); err != nil {
			return done, err
		}
		done += n
	}
	return done, nil
}

// importChunk writes submissions [from, from+n) of b as one transaction.
// Each submission is checked against what those before it in the same
// transaction wrote, as DynamoDB's items are (the store never puts two
// writes of one item in a transaction), so it is applied as it goes and
// everything is put back if one fails.
func (s *Store) importChunk(programmeID string, b service.ImportBatch, from, n int, last bool) error {
	if err := s.enter("ImportOutcomes"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	p := s.part(programmeID)
	saved := p.clone()
	restore := func(err error) error {
		*p = *saved
		return err
	}
	if l := s.locks[programmeID]; l == nil || l.holder != b.Lock {
		return restore(service.ErrConflict)
	}
	pt := &tx{s: s, pid: programmeID, p: p}
	for _, pr := range b.Premises {
		pt.premise(pr)
	}
	if pt.first != nil {
		return restore(pt.first)
	}
	for _, w := range pt.writes {
		w()
	}
	for i := from; i < from+n; i++ {
		sub, ch := b.Submissions[i], b.Changes[i]
		if old := sub.Old; old != nil && old.ProjectID != sub.Outcome.ProjectID {
			return restore(&service.MissingRefError{Refs: []domain.RecordRef{domain.ProjectRef(domain.EntityOutcome, sub.Outcome.ProjectID, old.ID)}})
		}
		t := &tx{s: s, pid: programmeID, p: p}
		t.submission(sub)
		ev, err := json.Marshal(ch.Audit)
		if err != nil {
			return restore(err)
		}
		t.check(!slices.ContainsFunc(p.audit, func(e auditEntry) bool { return e.id == ch.Audit.ID }), errors.New("audit event exists"))
		switch {
		case t.first != nil:
			return restore(t.first)
		case len(t.missing) > 0:
			return restore(&service.MissingRefError{Refs: t.missing})
		case t.belowZero():
			return restore(service.ErrCountsBelowZero)
		}
		for _, w := range t.writes {
			w()
		}
		p.audit = append(p.audit, auditEntry{id: ch.Audit.ID, entity: string(ch.Audit.Entity), entityID: ch.Audit.EntityID, actor: ch.Audit.ActorEmail, data: ev})
	}
	if last && b.Claim != nil {
		c := s.claims[claimKey(*b.Claim)]
		if c == nil || c.ID != b.Claim.ID {
			return restore(service.ErrClaimTaken)
		}
		c.State = committed
		if a := b.Answer; a != nil {
			c.State, c.Answer = done, &service.SavedAnswer{Status: a.Status, Headers: a.Headers, Body: slices.Clone(a.Body)}
		}
	}
	return nil
}

// clone copies a partition, to put it back when a transaction fails.
func (p *partition) clone() *partition {
	return &partition{records: maps.Clone(p.records), revs: maps.Clone(p.revs), superseded: maps.Clone(p.superseded), names: maps.Clone(p.names), funderNames: maps.Clone(p.funderNames), totals: copyTotals(p.totals),
		changes: p.changes, dirty: p.dirty, audit: slices.Clone(p.audit), money: p.money.clone(), targetDue: maps.Clone(p.targetDue), leases: maps.Clone(p.leases),
		funding: domain.FundingFigures{Awarded: maps.Clone(p.funding.Awarded), Paid: maps.Clone(p.funding.Paid), Due: maps.Clone(p.funding.Due)}}
}

// LockImports implements service.ImportStore.
func (s *Store) LockImports(_ context.Context, programmeID, holder string, now time.Time, lease time.Duration) error {
	if err := s.enter("LockImports"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	// The DynamoDB store compares in milliseconds.
	if l := s.locks[programmeID]; l != nil && l.until.UnixMilli() >= now.UnixMilli() {
		return service.ErrConflict
	}
	s.locks[programmeID] = &importLock{holder: holder, until: now.Add(lease)}
	return nil
}

// UnlockImports implements service.ImportStore.
func (s *Store) UnlockImports(_ context.Context, programmeID, holder string) error {
	if err := s.enter("UnlockImports"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if l := s.locks[programmeID]; l != nil && l.holder == holder {
		delete(s.locks, programmeID)
	}
	return nil
}

// Locked reports whether a programme's import lock is held, for tests.
func (s *Store) Locked(programmeID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.locks[programmeID] != nil
}

// StageFile implements service.ImportStore. Staged files are scratch, not
// records: Snapshot leaves them out.
func (s *Store) StageFile(_ context.Context, programmeID string, f service.StagedFile) error {
	if err := s.enter("StageFile"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	f.Data = slices.Clone(f.Data)
	s.staged[programmeID+"/"+f.ID] = f
	return nil
}

// StagedFile implements service.ImportStore.
func (s *Store) StagedFile(_ context.Context, programmeID, id string) (service.StagedFile, error) {
	if err := s.enter("StagedFile"); err != nil {
		return service.StagedFile{}, err
	}
	defer s.mu.Unlock()
	f, ok := s.staged[programmeID+"/"+id]
	if !ok {
		return service.StagedFile{}, service.ErrNotFound
	}
	f.Data = slices.Clone(f.Data)
	return f, nil
}
