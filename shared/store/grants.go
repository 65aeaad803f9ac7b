package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// grantKeys index a grant by funder (GSI1: a funder's grants in one Query)
// and by project (GSI2: a project's grants in one Query).
func grantKeys(programmeID string, g domain.Grant) keys {
	k := keys{PK: pkProgramme(programmeID), SK: skGrant(g.ID), GSI1PK: pkFunderGrants(g.FunderID), GSI1SK: skGrant(g.ID)}
	if g.ProjectID != "" {
		k.GSI2PK, k.GSI2SK = pkProjectGrants(g.ProjectID), skGrant(g.ID)
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
// totals (fundingDelta) and its awards by funder and project, and say
// whose money the grant g now is.
func (s *Store) fundingWrites(t *tx, programmeID string, byKey map[domain.FundingKey]int64, g domain.Grant) *tx {
	t.add(s.fundingDelta(programmeID, byKey), nil)
	d := deltas{}
	for k, n := range byKey {
		d.add(fundingAttr("fa_", k), float64(n))
	}
	t.add(s.fundingUpdate(programmeID, d, map[string]types.AttributeValue{"gk_" + g.ID: str(grantKey(g.FundingKey()))}, nil), nil)
	return t
}

// The funding item (PK=PROG#<p>, SK=FUNDING) holds a programme's money by
// funder and project, so a funder's or a project lead's share of it is
// added up from one item, as a lead's is from the totals:
//
//	fa_<funderId>_<projectId|->   awarded ("-": to the programme as a whole)
//	gk_<grantId>                  whose money the grant is: "<funder>/<project>"
//	gp_<grantId>                  paid on the grant
//	gn_<grantId>                  the grant's payments due and not paid (a count)
//
// Awards are kept by funder and project, moved by each grant change; paid
// and due by grant, moved by each payment, which knows its grant but not
// always whose it is (a spend return names the grant alone), and which
// must not have to move when a grant changes funder. It is an item of its
// own, not part of the totals, because the totals are already the largest
// item of a programme (BENCHMARKS.md).

// fundingUpdate is the Update that ADDs d to the funding item, SETs set
// and SETs each of ifMissing unless it is there already.
func (s *Store) fundingUpdate(programmeID string, d deltas, set, ifMissing map[string]types.AttributeValue) types.TransactWriteItem {
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	var adds, sets []string
	attrs := make([]string, 0, len(d))
	for a, n := range d {
		if n != 0 {
			attrs = append(attrs, a)
		}
	}
	sort.Strings(attrs)
	for _, a := range attrs {
		i := strconv.Itoa(len(names))
		names["#f"+i], values[":f"+i] = a, &types.AttributeValueMemberN{Value: formatNum(d[a])}
		adds = append(adds, "#f"+i+" :f"+i)
	}
	for a, v := range set {
		i := strconv.Itoa(len(names))
		names["#f"+i], values[":f"+i] = a, v
		sets = append(sets, "#f"+i+" = :f"+i)
	}
	for a, v := range ifMissing {
		i := strconv.Itoa(len(names))
		names["#f"+i], values[":f"+i] = a, v
		sets = append(sets, "#f"+i+" = if_not_exists(#f"+i+", :f"+i+")")
	}
	var expr []string
	if len(adds) > 0 {
		expr = append(expr, "ADD "+strings.Join(adds, ", "))
	}
	if len(sets) > 0 {
		expr = append(expr, "SET "+strings.Join(sets, ", "))
	}
	if len(expr) == 0 { // nothing to change; still touch the item so the transaction is valid
		names["#touched"], values[":one"] = "touched", num(1)
		expr = append(expr, "ADD #touched :one")
	}
	return types.TransactWriteItem{Update: &types.Update{TableName: &s.table, Key: key(pkProgramme(programmeID), skFunding),
		UpdateExpression: aws.String(strings.Join(expr, " ")), ExpressionAttributeNames: names, ExpressionAttributeValues: values}}
}

// grantKey writes whose money a grant is as the funding item keeps it.
func grantKey(k domain.FundingKey) string { return k.FunderID + "/" + k.ProjectID }

// fundingAttr is the funding item's attribute of a figure: prefix, the
// funder, "_", the project or "-".
func fundingAttr(prefix string, k domain.FundingKey) string {
	p := k.ProjectID
	if p == "" {
		p = "-"
	}
	return prefix + k.FunderID + "_" + p
}

// decodeFunding reads a funding item (nil: nothing kept yet): awards by
// funder and project as kept, paid and due added up by whose each grant is.
func decodeFunding(item Item) domain.FundingFigures {
	f := domain.NewFundingFigures()
	keys := grantOwners(item)
	for attr, av := range item {
		nv, ok := av.(*types.AttributeValueMemberN)
		prefix, rest, cut := strings.Cut(attr, "_")
		if !ok || !cut {
			continue
		}
		n, _ := strconv.ParseFloat(nv.Value, 64)
		switch prefix {
		case "fa":
			if k, ok := fundingKeyOf(rest); ok {
				f.Awarded[k] = int64(n)
			}
		case "gp":
			if k, ok := keys[rest]; ok && n != 0 {
				f.Paid[k] += int64(n)
			}
		case "gn":
			if k, ok := keys[rest]; ok && n != 0 {
				f.Due[k] += int64(n)
			}
		}
	}
	return f
}

// grantOwners reads whose money each grant is, from a funding item.
func grantOwners(item Item) map[string]domain.FundingKey {
	out := map[string]domain.FundingKey{}
	for attr, av := range item {
		sv, ok := av.(*types.AttributeValueMemberS)
		if !ok || !strings.HasPrefix(attr, "gk_") {
			continue
		}
		var k domain.FundingKey
		if k.UnmarshalText([]byte(sv.Value)) == nil {
			out[attr[3:]] = k
		}
	}
	return out
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
	t := s.fundingWrites(s.create(&tx{}, item), programmeID, map[domain.FundingKey]int64{g.FundingKey(): g.AmountPence}, g)
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
	q := query{pkAttr: "PK", skAttr: "SK", pk: pkProgramme(programmeID), prefix: prefixGrant}
	switch {
	case len(f.Funders) == 0 && len(f.Projects) == 0:
	case len(f.Funders) == 1 && len(f.Projects) == 0:
		for id := range f.Funders {
			q = query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: pkFunderGrants(id), prefix: prefixGrant}
		}
	case len(f.Projects) == 1 && len(f.Funders) == 0:
		for id := range f.Projects {
			q = query{index: "GSI2", pkAttr: "GSI2PK", skAttr: "GSI2SK", pk: pkProjectGrants(id), prefix: prefixGrant}
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
	t := s.fundingWrites(s.versioned(&tx{}, item, before.Version), programmeID, deltas, after)
	if d := after.AmountPence - before.AmountPence; d != 0 {
		s.addMoney(t, programmeID, before, domain.MoneyDelta{Headroom: d}, max(-d, 0), time.Time{})
	}
	if err := s.write(ctx, ch, s.grantRefs(t, programmeID, after)); err != nil {
		return fmt.Errorf("update grant %s in %s: %w", after.ID, programmeID, err)
	}
	return nil
}
