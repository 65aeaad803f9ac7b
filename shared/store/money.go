package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Money (docs/dynamodb.md, "Money"). A grant's payments and spend returns
// live under it in the programme's partition, so "this grant's payments"
// and "every payment of the programme" are both one Query. Each grant's
// running money figures are one small item of their own, MONEY#<grant>,
// with a fixed set of number attributes:
//
//	headroom             the grant's amount not yet committed to payments
//	                     that are not cancelled (absent until a payment or a
//	                     new amount first sets it: the whole amount)
//	paid, due, spent     pence paid, due and not paid, spent
//	spent_<category>     pence spent on one budget line
//	spends               how many spend returns the grant has, corrections
//	                     included (absent until a spend return first sets
//	                     it, whatever returns were stored before)
//
// Every payment and spend return moves them in its own transaction. A new
// payment is conditioned on headroom >= its amount, so payments made at
// the same moment serialise on the item and can never together exceed the
// award; a smaller amount for the grant is conditioned the same way. A
// spend return is conditioned on spends being the number of returns its
// rules were checked against (the grant's returns, listed), and moves it
// on by one: returns sent at the same moment serialise on the item too,
// and one planned on a list without the other is refused, to be planned
// again. The count is the list's own length, so it needs no read of its
// own, and cannot be read out of step with the list.
//
// Two sparse indexes let the notifier find what may fall due without
// reading payments: a scheduled date payment is in GSI2 under PAYDUE by
// its due date, and a scheduled payment waiting on a target or return is in
// GSI1 under PAYWAIT#<programme>. The programme's changed marker counts
// the latter ("paywait", changed.go), so the notifier queries them only for
// a programme that has some.

// paymentKeys put a scheduled payment in the index its trigger needs; a
// payment that is due, paid or cancelled is in neither.
func paymentKeys(programmeID string, p domain.Payment) keys {
	k := keys{PK: pkProgramme(programmeID), SK: skPayment(p.GrantID, p.ID)}
	if p.Status != domain.PaymentScheduled {
		return k
	}
	switch {
	case p.Trigger.Kind == domain.TriggerDate && p.DueDate != nil:
		k.GSI2PK, k.GSI2SK = shardKeyOf(payDueIndex, programmeID), skPayDue(programmeID, p)
	case p.Trigger.Waits():
		k.GSI1PK, k.GSI1SK = pkPayWait(programmeID), skPayWait(p)
	}
	return k
}

// moneyUpdate is the transaction item that moves grant g's figures by d,
// conditioned, when need > 0, on the grant's headroom being at least need.
// ok is false when there is nothing to write.
func (s *Store) moneyUpdate(programmeID string, g domain.Grant, d domain.MoneyDelta, need int64) (types.TransactWriteItem, bool) {
	return s.moneyUpdateOf(programmeID, g, d, need, -1)
}

// spendUpdate is the transaction item that moves grant grantID's figures
// by d, a spend return's, and its count of spend returns on from seen,
// conditioned on the count being seen (or never set).
func (s *Store) spendUpdate(programmeID, grantID string, d domain.MoneyDelta, seen int) types.TransactWriteItem {
	item, _ := s.moneyUpdateOf(programmeID, domain.Grant{ID: grantID}, d, 0, seen)
	return item
}

// moneyUpdateOf is moneyUpdate that, when seen >= 0, also counts a spend
// return (see spendUpdate).
func (s *Store) moneyUpdateOf(programmeID string, g domain.Grant, d domain.MoneyDelta, need int64, seen int) (types.TransactWriteItem, bool) {
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	var adds, sets []string
	add := func(attr string, n int64) {
		if n == 0 {
			return
		}
		i := strconv.Itoa(len(names))
		names["#a"+i], values[":a"+i] = attr, num(n)
		adds = append(adds, "#a"+i+" :a"+i)
	}
	add("paid", d.Paid)
	add("due", d.Due)
	add("spent", d.Spent)
	cats := make([]string, 0, len(d.SpentBy))
	for c := range d.SpentBy {
		cats = append(cats, string(c))
	}
	sort.Strings(cats)
	for _, c := range cats {
		add("spent_"+c, d.SpentBy[domain.BudgetCategory(c)])
	}
	if d.Headroom != 0 || need > 0 {
		names["#h"] = "headroom"
	}
	if d.Headroom != 0 {
		// A grant whose headroom was never set has its whole amount.
		values[":award"], values[":dh"] = num(g.AmountPence), num(d.Headroom)
		sets = append(sets, "#h = if_not_exists(#h, :award) + :dh")
	}
	var conds []string
	if seen >= 0 {
		names["#spends"] = "spends"
		values[":seen"], values[":next"] = num(int64(seen)), num(int64(seen)+1)
		sets = append(sets, "#spends = :next")
		conds = append(conds, "(attribute_not_exists(#spends) OR #spends = :seen)")
	}
	if len(adds) == 0 && len(sets) == 0 && need <= 0 {
		return types.TransactWriteItem{}, false
	}
	names["#g"], values[":g"] = "grantId", str(g.ID)
	sets = append(sets, "#g = :g")
	expr := "SET " + strings.Join(sets, ", ")
	if len(adds) > 0 {
		expr += " ADD " + strings.Join(adds, ", ")
	}
	u := &types.Update{TableName: &s.table, Key: key(pkProgramme(programmeID), skMoney(g.ID)),
		UpdateExpression: aws.String(expr), ExpressionAttributeNames: names, ExpressionAttributeValues: values}
	if need > 0 {
		values[":need"] = num(need)
		conds = append(conds, "(attribute_not_exists(#h) OR #h >= :need)")
	}
	if len(conds) > 0 {
		u.ConditionExpression = aws.String(strings.Join(conds, " AND "))
	}
	return types.TransactWriteItem{Update: u}, true
}

// addMoney adds grant g's money update (and the programme's count of
// waiting payments, marking its figures changed at when given) to t.
func (s *Store) addMoney(t *tx, programmeID string, g domain.Grant, d domain.MoneyDelta, need int64, at time.Time) *tx {
	if item, ok := s.moneyUpdate(programmeID, g, d, need); ok {
		var fail error
		if need > 0 {
			fail = service.ErrOverCommitted
		}
		t.add(item, fail)
	}
	if d.Waiting != 0 || !at.IsZero() {
		// The changed marker only: a payment moves no figure of TOTALS.
		s.mark(t, programmeID, d.Waiting, !at.IsZero(), nil)
	}
	// What a portfolio reads: the grant's paid and its payments due, on
	// the funding item (see grants.go).
	if fd := (deltas{"gp_" + g.ID: float64(d.Paid), "gn_" + g.ID: float64(d.DueCount)}); d.Paid != 0 || d.DueCount != 0 {
		var owner map[string]types.AttributeValue
		if g.FunderID != "" {
			// A grant recorded before the funding item said whose it is.
			owner = map[string]types.AttributeValue{"gk_" + g.ID: str(grantKey(g.FundingKey()))}
		}
		t.add(s.fundingUpdate(programmeID, fd, nil, owner), nil)
	}
	return t
}

// CreatePayment stores a payment with its grant's figures, refused with
// service.ErrOverCommitted when the grant's headroom is less than its
// amount. A payment waiting on a target marks the programme's figures
// changed, so the notifier looks at once (the target may be reached). A
// payment due when it is made (due) is stored due, in no index, with its
// email; one on a target conditioned on the figures it was judged on (the
// changed marker's count of changes).
func (s *Store) CreatePayment(ctx context.Context, programmeID string, g domain.Grant, p domain.Payment, due *service.DueAtOnce, ch service.Change) error {
	item, err := record(p, "payment", paymentKeys(programmeID, p))
	if err != nil {
		return err
	}
	t := s.create(&tx{}, item)
	s.exists(t, programmeID, domain.Ref(domain.EntityGrant, g.ID))
	switch p.Trigger.Kind {
	case domain.TriggerMilestone:
		s.exists(t, programmeID, domain.Ref(domain.EntityTarget, p.Trigger.TargetID))
	case domain.TriggerReturn:
		s.exists(t, programmeID, domain.Ref(domain.EntityReturn, p.Trigger.ReturnID))
	}
	d := domain.PaymentDelta(nil, p)
	var at time.Time
	if d.Waiting != 0 {
		at = p.CreatedAt
	}
	s.moneyDays(s.addMoney(t, programmeID, g, d, p.AmountPence, at), programmeID, g.ID, domain.PaidDays(nil, p), nil)
	if due != nil {
		put, err := s.notificationPut(due.Note)
		if err != nil {
			return err
		}
		t.add(put, errors.New("payment-due notification exists")) // its payment is new: only a replay could
		if due.Figures != nil {
			s.mark(t, programmeID, 0, false, due.Figures)
		}
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("create payment %s of grant %s: %w", p.ID, g.ID, err)
	}
	return nil
}

// UpdatePayment replaces a payment still at before's version, moving its
// grant's figures by the difference. With email (a due payment paid or
// cancelled, its payment-due email pending as read), the same transaction
// deletes that email with its audit event (email.Withdraw), conditioned on
// its being pending and sent to nobody yet (nobody has, refused or is
// being sent it), or, when some had it, checks it is not so: see
// service.PaymentEmail. The notifier's claims of a recipient are
// conditioned on the email being there and pending, so once the change
// has withdrawn it no run can email anyone about it, whatever the run
// read before. Either condition failing is service.ErrChanged.
func (s *Store) UpdatePayment(ctx context.Context, programmeID string, g domain.Grant, before, after domain.Payment, email *service.PaymentEmail, ch service.Change) error {
	item, err := record(after, "payment", paymentKeys(programmeID, after))
	if err != nil {
		return err
	}
	t := s.versioned(&tx{}, item, before.Version)
	s.addMoney(t, programmeID, g, domain.PaymentDelta(&before, after), 0, time.Time{})
	s.moneyDays(t, programmeID, g.ID, domain.PaidDays(&before, after), nil)
	if email != nil {
		if err := s.settlePaymentEmail(t, programmeID, *email); err != nil {
			return err
		}
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("update payment %s: %w", after.ID, err)
	}
	return nil
}

// unsentCondition holds for a notification pending and sent to nobody:
// nobody has it, refused it or is being sent it (no email of it ever went
// to SES).
const unsentCondition = "#status = :pending AND attribute_not_exists(delivered) AND attribute_not_exists(rejected) AND attribute_not_exists(sending)"

// settlePaymentEmail adds to t what a payment's change does to its
// payment-due email (see UpdatePayment).
func (s *Store) settlePaymentEmail(t *tx, programmeID string, e service.PaymentEmail) error {
	k := key(pkProgramme(programmeID), skNotification(e.Note.ID))
	names := map[string]string{"#status": "status"}
	vals := map[string]types.AttributeValue{":pending": str(string(domain.NotificationPending))}
	if e.Finish != nil {
		return s.finishPaymentEmail(t, k, e)
	}
	if e.Withdraw == nil {
		t.add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &s.table, Key: k,
			ConditionExpression: aws.String("NOT (" + unsentCondition + ")"), ExpressionAttributeNames: names,
			ExpressionAttributeValues: vals}}, service.ErrChanged)
		return nil
	}
	t.add(types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: k,
		ConditionExpression: aws.String(unsentCondition), ExpressionAttributeNames: names,
		ExpressionAttributeValues: vals}}, service.ErrChanged)
	audit, err := s.auditPut(*e.Withdraw)
	if err != nil {
		return err
	}
	t.add(audit, errors.New("audit event exists"))
	return nil
}

// finishPaymentEmail adds to t the finishing of a payment-due email some
// had (e.Finish: see service.PaymentEmail), conditioned on its being
// pending, nobody being sent it, and as many having it and having refused
// it as read (each list only grows), with its audit event.
func (s *Store) finishPaymentEmail(t *tx, k Item, e service.PaymentEmail) error {
	n := *e.Finish
	v := map[string]any{":status": n.Status, ":pending": domain.NotificationPending, ":nn": n.NotNeeded, ":e": n.LastError}
	set := "SET #status = :status, notNeeded = :nn, lastError = :e"
	if n.SentAt != nil {
		v[":at"] = *n.SentAt
		set += ", sentAt = :at"
	}
	cond := "#status = :pending AND attribute_not_exists(sending)"
	for attr, read := range map[string]int{"delivered": len(e.Note.Delivered), "rejected": len(e.Note.Rejected)} {
		if read == 0 {
			cond += " AND attribute_not_exists(" + attr + ")"
		} else {
			v[":n_"+attr] = read
			cond += " AND size(" + attr + ") = :n_" + attr
		}
	}
	vals, err := marshal(v)
	if err != nil {
		return err
	}
	t.add(types.TransactWriteItem{Update: &types.Update{TableName: &s.table, Key: k,
		UpdateExpression:          aws.String(set + " REMOVE leaseUntil, GSI1PK, GSI1SK"),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: vals}}, service.ErrChanged)
	audit, err := s.auditPut(*e.FinishEvent)
	if err != nil {
		return err
	}
	t.add(audit, errors.New("audit event exists"))
	return nil
}

var errNotScheduled = errors.New("payment no longer scheduled")

// FallDue makes a scheduled payment due (after) and records the email
// about it (note), with its grant's figures and its audit event, in one
// transaction conditioned on the payment still being scheduled at
// before's version and, with figures (a payment on a target), on the
// changed marker's count of changes being still *figures, the figures
// version the decision was read at (see FiguresAsOf), as a change's
// release is. It reports false when either fails (paid, cancelled, or made
// due by another run; the figures, a target or a waiting payment changed
// since the read): so a payment falls due, and is emailed, at most once,
// however runs overlap, and never on figures no longer counted.
func (s *Store) FallDue(ctx context.Context, programmeID string, g domain.Grant, before, after domain.Payment, note domain.Notification, ev domain.AuditEvent, figures *int64) (bool, error) {
	item, err := record(after, "payment", paymentKeys(programmeID, after))
	if err != nil {
		return false, err
	}
	vals, err := marshal(map[string]any{":v": before.Version, ":scheduled": domain.PaymentScheduled})
	if err != nil {
		return false, err
	}
	t := (&tx{}).add(types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item,
		ConditionExpression:      aws.String("version = :v AND #status = :scheduled"),
		ExpressionAttributeNames: map[string]string{"#status": "status"}, ExpressionAttributeValues: vals}}, errNotScheduled)
	s.addMoney(t, programmeID, g, domain.PaymentDelta(&before, after), 0, time.Time{})
	s.moneyDays(t, programmeID, g.ID, domain.PaidDays(&before, after), nil)
	noteItem, err := record(note, "notification", keys{PK: pkProgramme(note.ProgrammeID), SK: skNotification(note.ID),
		GSI1PK: shardKeyOf(pendingIndex, note.ProgrammeID), GSI1SK: skPendingNotification(note)})
	if err != nil {
		return false, err
	}
	s.create(t, noteItem)
	if figures != nil {
		// On the figures the decision was made on: the changed marker's
		// count of changes still as read (its update above, of the count
		// of waiting payments, carries the condition; no item is added).
		s.mark(t, programmeID, 0, false, figures)
	}
	err = s.write(ctx, service.Change{Audit: ev}, t)
	switch {
	case errors.Is(err, errNotScheduled), figures != nil && errors.Is(err, service.ErrChanged):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("payment %s falling due: %w", after.ID, err)
	}
	return true, nil
}

// ListPayments lists a grant's payments oldest first, or with grantID ""
// every payment of the programme, by grant.
func (s *Store) ListPayments(ctx context.Context, programmeID, grantID string, p service.Page) ([]domain.Payment, string, error) {
	var out []domain.Payment
	prefix := prefixPayment
	if grantID != "" {
		prefix = paymentsOf(grantID)
	}
	next, err := s.listChildren(ctx, programmeID, prefix, p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// CreateSpend stores a spend return and adds it to its grant's figures in
// one transaction, conditioned on the grant having seen spend returns (or
// never having counted them: see "spends" above), else
// service.ErrChanged. A correction (old, the return it replaces) takes the
// old spend back out and marks the old return corrected; the marker's
// condition makes a second correction of it fail
// (*service.AlreadyCorrectedError), so old spend is never subtracted twice.
func (s *Store) CreateSpend(ctx context.Context, programmeID string, sp domain.SpendReturn, old *domain.SpendReturn, seen int, ch service.Change) error {
	pk := pkProgramme(programmeID)
	item, err := record(sp, "spend", keys{PK: pk, SK: skSpend(sp.GrantID, sp.ID)})
	if err != nil {
		return err
	}
	t := s.create(&tx{}, item)
	s.exists(t, programmeID, domain.Ref(domain.EntityGrant, sp.GrantID))
	d := domain.SpendDelta(sp, 1)
	if old != nil {
		d = d.Add(domain.SpendDelta(*old, -1))
		marker, err := record(map[string]string{"spendId": old.ID, "supersededBy": sp.ID}, "spendfix", keys{PK: pk, SK: skSpendFixed(old.ID)})
		if err != nil {
			return err
		}
		s.create(t, marker)
		// The marker's failure is a correction that came first: name the newest.
		grantID := old.GrantID
		t.fails[len(t.fails)-1] = &lazyCorrected{s: s, ctx: ctx, programmeID: programmeID, what: "spend return", oldID: old.ID,
			marker: skSpendFixed,
			ref:    func(id string) domain.RecordRef { return domain.GrantRef(domain.EntitySpend, grantID, id) }}
		s.exists(t, programmeID, domain.GrantRef(domain.EntitySpend, old.GrantID, old.ID))
	}
	// Spend moves no figure but the money item's (addMoney's others are
	// payments'), which carries the count of returns with it.
	t.add(s.spendUpdate(programmeID, sp.GrantID, d, seen), service.ErrChanged)
	s.moneyDays(t, programmeID, sp.GrantID, nil, domain.SpentDays(sp, old))
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("create spend return %s: %w", sp.ID, err)
	}
	return nil
}

// ListSpend lists a grant's spend returns, oldest first.
func (s *Store) ListSpend(ctx context.Context, programmeID, grantID string, p service.Page) ([]domain.SpendReturn, string, error) {
	var out []domain.SpendReturn
	next, err := s.listChildren(ctx, programmeID, spendsOf(grantID), p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// Money reads every grant's money figures: one Query a page of up to
// service.MaxLimit grants.
func (s *Store) Money(ctx context.Context, programmeID string) (map[string]domain.GrantMoney, error) {
	out := map[string]domain.GrantMoney{}
	p := service.Page{Limit: service.MaxLimit}
	for {
		next, err := s.listChildren(ctx, programmeID, prefixMoney, p, func(item Item) error {
			id, gm := decodeMoney(item)
			out[id] = gm
			return nil
		})
		if err != nil {
			return nil, err
		}
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}

// GrantMoney reads one grant's money figures: one GetItem (zero figures
// when the grant has none yet).
func (s *Store) GrantMoney(ctx context.Context, programmeID, grantID string) (domain.GrantMoney, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(pkProgramme(programmeID), skMoney(grantID)),
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		return domain.GrantMoney{}, fmt.Errorf("get money of grant %s: %w", grantID, classify(err))
	}
	if out.Item == nil {
		return domain.GrantMoney{}, nil
	}
	_, gm := decodeMoney(out.Item)
	return gm, nil
}

func decodeMoney(item Item) (string, domain.GrantMoney) {
	var gm domain.GrantMoney
	id := strings.TrimPrefix(skAttr(item), prefixMoney)
	for attr, av := range item {
		nv, ok := av.(*types.AttributeValueMemberN)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(nv.Value, 10, 64)
		if err != nil {
			continue
		}
		switch {
		case attr == "paid":
			gm.PaidPence = n
		case attr == "due":
			gm.DuePence = n
		case attr == "spent":
			gm.SpentPence = n
		case strings.HasPrefix(attr, "spent_") && n != 0:
			if gm.SpentBy == nil {
				gm.SpentBy = map[domain.BudgetCategory]int64{}
			}
			gm.SpentBy[domain.BudgetCategory(attr[len("spent_"):])] = n
		}
	}
	return id, gm
}

// DuePayments lists scheduled date payments due on or before today, from
// their index (one Query a page): payments themselves are never scanned.
func (s *Store) DuePayments(ctx context.Context, shard int, today domain.Date, p service.Page) ([]service.DuePayment, string, error) {
	var due []service.DuePayment
	next, err := s.dueList(ctx, "due payments", "GSI2", payDueIndex, shard, today, p, func(item Item, programmeID, _ string) error {
		var pay domain.Payment
		if err := unmarshal(item, &pay); err != nil {
			return fmt.Errorf("decode due payment: %w", err)
		}
		due = append(due, service.DuePayment{ProgrammeID: programmeID, Payment: pay})
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return due, next, nil
}

// WaitingPayments lists a programme's scheduled payments that wait on a
// target or a return, from their index (one Query a page).
func (s *Store) WaitingPayments(ctx context.Context, programmeID string, p service.Page) ([]domain.Payment, string, error) {
	var out []domain.Payment
	next, err := s.list(ctx, query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: pkPayWait(programmeID)}, p,
		func(item Item) error { return appendDecoded(item, &out) })
	if err != nil {
		return nil, "", fmt.Errorf("list waiting payments of %s: %w", programmeID, err)
	}
	return out, next, nil
}
