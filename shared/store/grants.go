package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

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

// grantRefs checks a grant's funder and project belong to the programme.
func (s *Store) grantRefs(t *tx, programmeID string, g domain.Grant) *tx {
	s.exists(t, programmeID, domain.Ref(domain.EntityFunder, g.FunderID))
	if g.ProjectID != "" {
		s.exists(t, programmeID, domain.Ref(domain.EntityProject, g.ProjectID))
	}
	return t
}

// CreateGrant stores a new grant, adds it to the funding totals, and checks
// in the same transaction that its funder and project belong to the programme.
func (s *Store) CreateGrant(ctx context.Context, programmeID string, g domain.Grant, ch service.Change) error {
	item, err := record(g, "grant", grantKeys(programmeID, g))
	if err != nil {
		return err
	}
	t := s.create(&tx{}, item)
	t.add(s.fundingDelta(programmeID, map[string]int64{g.FunderID: g.AmountPence}), nil)
	if err := s.write(ctx, ch, s.grantRefs(t, programmeID, g)); err != nil {
		return fmt.Errorf("create grant %s in %s: %w", g.ID, programmeID, err)
	}
	return nil
}

// ListGrants lists grants oldest first. A caller who reads only one funder's
// or one project's grants is served from that index in one Query; a caller
// with several such roles from the programme partition, filtered.
func (s *Store) ListGrants(ctx context.Context, programmeID string, f service.GrantFilter, p service.Page) ([]domain.Grant, string, error) {
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
// the funding totals by the difference, all in one transaction. A new
// amount moves the grant's headroom (see money.go) by the difference; a
// smaller one is conditioned on leaving room for its payments that are
// not cancelled (service.ErrOverCommitted).
func (s *Store) UpdateGrant(ctx context.Context, programmeID string, before, after domain.Grant, ch service.Change) error {
	item, err := record(after, "grant", grantKeys(programmeID, after))
	if err != nil {
		return err
	}
	deltas := map[string]int64{after.FunderID: after.AmountPence}
	deltas[before.FunderID] -= before.AmountPence
	t := s.versioned(&tx{}, item, before.Version)
	t.add(s.fundingDelta(programmeID, deltas), nil)
	if d := after.AmountPence - before.AmountPence; d != 0 {
		s.addMoney(t, programmeID, before, domain.MoneyDelta{Headroom: d}, max(-d, 0), time.Time{})
	}
	if err := s.write(ctx, ch, s.grantRefs(t, programmeID, after)); err != nil {
		return fmt.Errorf("update grant %s in %s: %w", after.ID, programmeID, err)
	}
	return nil
}
