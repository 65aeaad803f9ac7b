package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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

// fundingDelta moves the programme's awarded total and each funder's by
// the given amounts (on the totals item), so progress reads funding from
// one item however many grants exist.
func (s *Store) fundingDelta(programmeID string, byKey map[domain.FundingKey]int64) types.TransactWriteItem {
	d := deltas{}
	for k, n := range byKey {
		d.add("awardedPence", float64(n))
		d.add("fund_"+k.FunderID, float64(n))
	}
	return s.totalsUpdate(programmeID, d, time.Time{})
}

// fundingWrites are the transaction items that move a grant change's
// totals (fundingDelta) and its money by funder and project.
func (s *Store) fundingWrites(t *tx, programmeID string, byKey map[domain.FundingKey]int64) *tx {
	t.add(s.fundingDelta(programmeID, byKey), nil)
	d := deltas{}
	for k, n := range byKey {
		d.add(fundingAttr("fa_", k), float64(n))
	}
	if item, ok := s.fundingUpdate(programmeID, d); ok {
		t.add(item, nil)
	}
	return t
}

// The funding item (PK=PROG#<p>, SK=FUNDING) holds a programme's money by
// funder and project, one number attribute each, so a funder's or a
// project lead's share of it is added up from one item, as a lead's is
// from the totals:
//
//	fa_<funderId>_<projectId|->   awarded ("-": to the programme as a whole)
//
// It is an item of its own, not part of the totals, because the totals
// are already the largest item of a programme (BENCHMARKS.md) and these
// figures grow with the number of funder and project pairs.
const skFunding = "FUNDING"

// fundingUpdate is the Update that ADDs d to the funding item; ok is false
// when d moves nothing.
func (s *Store) fundingUpdate(programmeID string, d deltas) (types.TransactWriteItem, bool) {
	for a, n := range d {
		if n == 0 {
			delete(d, a)
		}
	}
	if len(d) == 0 {
		return types.TransactWriteItem{}, false
	}
	return s.addUpdate(pkProgramme(programmeID), skFunding, d), true
}

// fundingAttr is the funding item's attribute of a figure: prefix, the
// funder, "_", the project or "-".
func fundingAttr(prefix string, k domain.FundingKey) string {
	p := k.ProjectID
	if p == "" {
		p = "-"
	}
	return prefix + k.FunderID + "_" + p
}

// decodeFunding reads a funding item (nil: nothing kept yet).
func decodeFunding(item Item) domain.FundingFigures {
	f := domain.NewFundingFigures()
	for attr, av := range item {
		nv, ok := av.(*types.AttributeValueMemberN)
		prefix, rest, cut := strings.Cut(attr, "_")
		if !ok || !cut {
			continue
		}
		k, ok := fundingKeyOf(rest)
		if !ok {
			continue
		}
		n, _ := strconv.ParseFloat(nv.Value, 64)
		switch prefix {
		case "fa":
			f.Awarded[k] = int64(n)
		}
	}
	return f
}

// fundingKeyOf reads "<funder>_<project|->" (see fundingAttr).
func fundingKeyOf(s string) (domain.FundingKey, bool) {
	f, p, ok := cutLast(s)
	if !ok {
		return domain.FundingKey{}, false
	}
	if p == "-" {
		p = ""
	}
	return domain.FundingKey{FunderID: f, ProjectID: p}, true
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
	t := s.fundingWrites(s.create(&tx{}, item), programmeID, map[domain.FundingKey]int64{g.FundingKey(): g.AmountPence})
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
	deltas := map[domain.FundingKey]int64{after.FundingKey(): after.AmountPence}
	deltas[before.FundingKey()] -= before.AmountPence
	t := s.fundingWrites(s.versioned(&tx{}, item, before.Version), programmeID, deltas)
	if d := after.AmountPence - before.AmountPence; d != 0 {
		s.addMoney(t, programmeID, before, domain.MoneyDelta{Headroom: d}, max(-d, 0), time.Time{})
	}
	if err := s.write(ctx, ch, s.grantRefs(t, programmeID, after)); err != nil {
		return fmt.Errorf("update grant %s in %s: %w", after.ID, programmeID, err)
	}
	return nil
}
