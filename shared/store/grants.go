package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
)

func skGrant(id string) string { return "GRANT#" + id }

// grantKeys index a grant by funder (GSI1: a funder's grants in one Query)
// and by project (GSI2: a project's grants in one Query).
func grantKeys(programmeID string, g domain.Grant) keys {
	k := keys{PK: pkProgramme(programmeID), SK: skGrant(g.ID), GSI1PK: "FUNDER#" + g.FunderID, GSI1SK: skGrant(g.ID)}
	if g.ProjectID != "" {
		k.GSI2PK, k.GSI2SK = "PROJECT#"+g.ProjectID, skGrant(g.ID)
	}
	return k
}

// fundingDelta moves the programme's awarded total and each funder's by the
// given amounts, so progress reads funding from one item however many grants exist.
func (s *Store) fundingDelta(programmeID string, byFunder map[string]int64) types.TransactWriteItem {
	d := deltas{}
	for funder, n := range byFunder {
		d.add("awardedPence", float64(n))
		d.add("fund_"+funder, float64(n))
	}
	return s.totalsUpdate(programmeID, d, time.Time{})
}

// CreateGrant stores a new grant, adds it to the funding totals, and checks
// in the same transaction that its funder and project belong to the programme.
func (s *Store) CreateGrant(ctx context.Context, programmeID string, g domain.Grant, ev domain.AuditEvent) error {
	pk := pkProgramme(programmeID)
	item, err := record(g, "grant", grantKeys(programmeID, g))
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{s.put(item), s.fundingDelta(programmeID, map[string]int64{g.FunderID: g.AmountPence}),
		s.mustExist(pk, skFunder(g.FunderID))}
	if g.ProjectID != "" {
		items = append(items, s.mustExist(pk, skProject(g.ProjectID)))
	}
	if err := grantRefError(s.write(ctx, ev, items...)); err != nil {
		return fmt.Errorf("create grant %s in %s: %w", g.ID, programmeID, err)
	}
	return nil
}

// grantRefError names every reference that failed (items 2 and 3 of a
// grant transaction are the funder and project checks).
func grantRefError(err error) error {
	return refError(err, map[int]string{0: "", 2: "funderId", 3: "projectId"})
}

// Grant returns one grant of a programme, or a not-found error.
func (s *Store) Grant(ctx context.Context, programmeID, id string) (domain.Grant, error) {
	var g domain.Grant
	return g, s.getChild(ctx, programmeID, skGrant(id), "grant", &g)
}

// GrantFilter narrows a grant list to what a caller may read. The zero value
// lists every grant of the programme.
type GrantFilter struct {
	Funders  map[string]bool
	Projects map[string]bool
}

// ListGrants lists grants oldest first. A caller who reads only one funder's
// or one project's grants is served from that index in one Query; a caller
// with several such roles from the programme partition, filtered.
func (s *Store) ListGrants(ctx context.Context, programmeID string, f GrantFilter, p Page) ([]domain.Grant, string, error) {
	var out []domain.Grant
	decode := func(item Item) error { return appendDecoded(item, &out) }
	q := query{pkAttr: "PK", skAttr: "SK", pk: pkProgramme(programmeID), prefix: "GRANT#"}
	switch {
	case len(f.Funders) == 0 && len(f.Projects) == 0:
	case len(f.Funders) == 1 && len(f.Projects) == 0:
		for id := range f.Funders {
			q = query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: "FUNDER#" + id, prefix: "GRANT#"}
		}
	case len(f.Projects) == 1 && len(f.Funders) == 0:
		for id := range f.Projects {
			q = query{index: "GSI2", pkAttr: "GSI2PK", skAttr: "GSI2SK", pk: "PROJECT#" + id, prefix: "GRANT#"}
		}
	default:
		q.filter = func(item Item) bool {
			var g domain.Grant
			if unmarshal(item, &g) != nil {
				return false
			}
			return f.Funders[g.FunderID] || (g.ProjectID != "" && f.Projects[g.ProjectID])
		}
	}
	next, err := s.list(ctx, q, p, decode)
	if err != nil {
		return nil, "", fmt.Errorf("list grants of %s: %w", programmeID, err)
	}
	return out, next, nil
}

// UpdateGrant replaces a grant if it is still at before's version, moving
// the funding totals by the difference, all in one transaction. A stale
// version is a precondition-failed error.
func (s *Store) UpdateGrant(ctx context.Context, programmeID string, before, after domain.Grant, ev domain.AuditEvent) error {
	pk := pkProgramme(programmeID)
	item, err := record(after, "grant", grantKeys(programmeID, after))
	if err != nil {
		return err
	}
	deltas := map[string]int64{after.FunderID: after.AmountPence}
	deltas[before.FunderID] -= before.AmountPence
	items := []types.TransactWriteItem{s.versioned(item, before.Version), s.fundingDelta(programmeID, deltas), s.mustExist(pk, skFunder(after.FunderID))}
	if after.ProjectID != "" {
		items = append(items, s.mustExist(pk, skProject(after.ProjectID)))
	}
	if err := grantRefError(s.write(ctx, ev, items...)); err != nil {
		return fmt.Errorf("update grant %s in %s: %w", after.ID, programmeID, err)
	}
	return nil
}
