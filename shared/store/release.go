package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Payments falling due with their trigger (docs/dynamodb.md, "Payments
// falling due with their trigger"). The change that fires a payment's
// trigger (an approval, a submission counted without review, a change of
// its target, a payment made due at once; an import in one transaction
// after its rows, ReleasePayments) makes it due in its own transaction: the payment
// rewritten due, conditioned on being still scheduled at the version read;
// its email created pending (attribute_not_exists, as the notifier's
// FallDue creates it, so one email whoever makes it due); its audit event;
// its grant's money item, the funding item's count of payments due and
// the changed marker's count of waiting payments moved, each item once
// however many payments share it. The notifier's FallDue is conditioned
// the same way, so a payment falls due once whichever gets there first.

// PaymentsWaitingOn implements service.MoneyStore: one Query of the
// programme's PAYWAIT partition (GSI1), narrowed to the trigger by its
// sort key's prefix, for at most limit payments (and one more, to tell
// whether any were left out).
func (s *Store) PaymentsWaitingOn(ctx context.Context, programmeID string, kind domain.TriggerKind, id string, limit int) ([]domain.Payment, bool, error) {
	if limit <= 0 {
		return nil, false, nil
	}
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk AND begins_with(GSI1SK, :on)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pkPayWait(programmeID)), ":on": str(payWaitPrefix(kind, id))},
		Limit:                     aws.Int32(int32(limit + 1)),
	})
	if err != nil {
		return nil, false, fmt.Errorf("list payments of %s waiting on %s %s: %w", programmeID, kind, id, classify(err))
	}
	var ps []domain.Payment
	for _, item := range out.Items {
		if err := appendDecoded(item, &ps); err != nil {
			return nil, false, err
		}
	}
	more := len(ps) > limit
	if more {
		ps = ps[:limit]
	}
	return ps, more, nil
}

// FiguresAsOf implements service.TotalsStore: one TransactGetItems of the
// changed marker (its count of changes is the figures version: every
// change of the figures, a target or a waiting payment moves it, in its
// own transaction), the series items keys name and the records gets name,
// read as of one moment. A change conditioned on the count (Release,
// DueAtOnce) then commits only on the figures read.
func (s *Store) FiguresAsOf(ctx context.Context, programmeID string, keys []domain.SeriesKey, gets ...*service.Get) (map[domain.SeriesKey]domain.DaySeries, int64, error) {
	pk := pkProgramme(programmeID)
	sks, getKeys, err := getKeys(programmeID, gets, nil)
	if err != nil {
		return nil, 0, err
	}
	seriesItems, bySK := seriesKeys(programmeID, keys)
	all := slices.Concat([]Item{key(pk, skChanged)}, seriesItems, getKeys)
	if len(all) > service.MaxFiguresAsOf+1 {
		return nil, 0, fmt.Errorf("figures of %s: %d items, more than one read holds", programmeID, len(all))
	}
	items := make([]types.TransactGetItem, len(all))
	for i, k := range all {
		items[i] = types.TransactGetItem{Get: &types.Get{TableName: &s.table, Key: k}}
	}
	var res *dynamodb.TransactGetItemsOutput
	err = s.retry(ctx, "figures of "+programmeID, func() error {
		var err error
		res, err = s.db.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: items})
		var tce *types.TransactionCanceledException
		if errors.As(err, &tce) { // a transaction writing one of the items meanwhile: read again
			return busy{err}
		}
		if err != nil {
			return fmt.Errorf("read figures of %s: %w", programmeID, classify(err))
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	series := make(map[domain.SeriesKey]domain.DaySeries, len(keys))
	for _, k := range keys {
		series[k] = domain.DaySeries{}
	}
	var version int64
	found := map[string]Item{}
	for i, r := range res.Responses {
		if r.Item == nil {
			continue
		}
		sk := skAttr(all[i])
		switch k, ok := bySK[sk]; {
		case sk == skChanged:
			if n, ok := r.Item["changes"].(*types.AttributeValueMemberN); ok {
				if version, err = strconv.ParseInt(n.Value, 10, 64); err != nil {
					return nil, 0, fmt.Errorf("figures version of %s: %w", programmeID, err)
				}
			}
		case ok:
			series[k] = decodeSeries(r.Item)
		default:
			found[sk] = r.Item
		}
	}
	return series, version, decodeGets(found, gets, sks)
}

// release adds to t what rel makes due (see the top of this file): as
// many of its payments as fit in one transaction beside the change's own
// items and the reserve that write adds after (its audit event, claim and
// premises); any left over, or rel.Later, mark the programme's figures
// changed, for the notifier to make due.
func (s *Store) release(t *tx, programmeID string, rel service.Release, reserve int) error {
	if len(rel.Falling) == 0 && !rel.Later && rel.Figures == nil {
		return nil
	}
	later := rel.Later
	room := 100 - len(t.items) - reserve - 1 // the funding item
	if t.marker == nil {
		room-- // the changed marker, not yet written
	}
	grants := map[string]domain.Grant{}
	moves := map[string]domain.MoneyDelta{}
	var waiting int64
	for _, f := range rel.Falling {
		cost := 3 // the payment, its email, its audit event
		if _, ok := grants[f.Grant.ID]; !ok {
			cost++ // its grant's money item
		}
		if cost > room {
			later = true
			break
		}
		room -= cost
		item, err := record(f.After, "payment", paymentKeys(programmeID, f.After))
		if err != nil {
			return err
		}
		vals, err := marshal(map[string]any{":v": f.Before.Version, ":scheduled": domain.PaymentScheduled})
		if err != nil {
			return err
		}
		t.add(types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item,
			ConditionExpression:      aws.String("version = :v AND #status = :scheduled"),
			ExpressionAttributeNames: map[string]string{"#status": "status"}, ExpressionAttributeValues: vals}}, service.ErrChanged)
		put, err := s.notificationPut(f.Note)
		if err != nil {
			return err
		}
		t.add(put, service.ErrChanged) // made due, and emailed, by another meanwhile
		audit, err := s.auditPut(f.Audit)
		if err != nil {
			return err
		}
		t.add(audit, errors.New("audit event exists"))
		d := domain.PaymentDelta(&f.Before, f.After)
		grants[f.Grant.ID], moves[f.Grant.ID] = f.Grant, moves[f.Grant.ID].Add(d)
		waiting += d.Waiting
	}
	ids := make([]string, 0, len(grants))
	for id := range grants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	due, owners := deltas{}, map[string]types.AttributeValue{}
	for _, id := range ids {
		g, d := grants[id], moves[id]
		if item, ok := s.moneyUpdate(programmeID, g, d, 0); ok {
			t.add(item, nil)
		}
		due["gn_"+id] = float64(d.DueCount)
		if g.FunderID != "" {
			owners["gk_"+id] = str(grantKey(g.FundingKey()))
		}
	}
	if len(due) > 0 {
		t.add(s.fundingUpdate(programmeID, due, nil, owners), nil)
	}
	s.mark(t, programmeID, waiting, later, rel.Figures)
	return nil
}

// ReleasePayments implements service.MoneyStore: one transaction of rel
// alone (an import's, after its rows: see release), no more than 100
// items, whatever rel holds; what does not fit marks the programme
// changed for the notifier.
func (s *Store) ReleasePayments(ctx context.Context, programmeID string, rel service.Release) error {
	t := &tx{}
	if err := s.release(t, programmeID, rel, 0); err != nil {
		return err
	}
	if len(t.items) == 0 {
		return nil
	}
	if err := s.transact(ctx, t); err != nil {
		return fmt.Errorf("release payments of %s: %w", programmeID, err)
	}
	return nil
}

// releaseReserve is what write adds to a change after release: its audit
// event, its idempotency claim and its premises.
func releaseReserve(ch service.Change) int {
	return 2 + len(ch.Premises)
}
