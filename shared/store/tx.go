package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// tx is one change being built: its items and, for each, what it means
// when its condition fails. Failures are read off the items themselves,
// never off their positions, so items can be added in any order.
type tx struct {
	items []types.TransactWriteItem
	fails []error // the error when item i's condition fails; nil: it has none
	// marker is what the change writes to the programme's changed marker,
	// merged from its parts (see mark).
	marker *marker
}

// add appends an item whose failed condition means fail.
func (t *tx) add(item types.TransactWriteItem, fail error) *tx {
	t.items = append(t.items, item)
	t.fails = append(t.fails, fail)
	return t
}

// create puts a new item, failing if it exists (ids are fresh, so only a
// replayed write can hit that).
func (s *Store) create(t *tx, item Item) *tx {
	return t.add(types.TransactWriteItem{Put: &types.Put{
		TableName: &s.table, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}, fmt.Errorf("create: item exists"))
}

// versioned replaces an item only if it is still at the version the
// change was based on. Version 0 is a record written before it had
// versions (funders and projects once had none): it must still have none.
func (s *Store) versioned(t *tx, item Item, version int64) *tx {
	put := &types.Put{TableName: &s.table, Item: item, ConditionExpression: aws.String("attribute_exists(PK) AND attribute_not_exists(version)")}
	if version != 0 {
		v, _ := marshal(map[string]any{":v": version})
		put.ConditionExpression, put.ExpressionAttributeValues = aws.String("version = :v"), v
	}
	return t.add(types.TransactWriteItem{Put: put}, service.ErrStale)
}

// exists checks that a record the change depends on is there; if not, the
// change fails naming ref.
func (s *Store) exists(t *tx, programmeID string, ref domain.RecordRef) *tx {
	sk, ok := skOfRef(ref)
	if !ok {
		panic("store: no key for " + string(ref.Entity))
	}
	return t.add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &s.table, Key: key(pkProgramme(programmeID), sk),
		ConditionExpression: aws.String("attribute_exists(PK)"),
	}}, &service.MissingRefError{Refs: []domain.RecordRef{ref}})
}

// programmeExists checks the programme is there: a change of a record of a
// programme that is gone is a not-found.
func (s *Store) programmeExists(t *tx, programmeID string) *tx {
	return t.add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skProgramme),
		ConditionExpression: aws.String("attribute_exists(PK)"),
	}}, service.ErrNotFound)
}

// premise checks that a record a change's rule read is still as read: at
// its version, or for records without one (members) changed at the same
// moment, or, for a premise naming fields, with each of those attributes
// as read (see premiseFields). A record gone fails it too. A dependent's
// premise (see service.Premise.Dependent) is an Update instead of a
// ConditionCheck: on the same condition it moves the record's dependents
// revision (attribute rev) on, which a guarded change of the record is
// conditioned on (see guard). It takes the place of a check that the
// record exists, which it implies, as one transaction may name an item
// only once.
func (s *Store) premise(t *tx, programmeID string, pr service.Premise) *tx {
	sk, ok := skOfRef(pr.Ref)
	if !ok {
		panic("store: no key for " + string(pr.Ref.Entity))
	}
	k := key(pkProgramme(programmeID), sk)
	t.dropCheck(k)
	var cond string
	var names map[string]string
	vals := Item{}
	switch {
	case len(pr.Fields) > 0:
		cond, names, vals = premiseFields(pr)
	case pr.Version != 0:
		cond, vals[":v"] = "version = :v", num(pr.Version)
	default:
		at, _ := marshal(map[string]any{":v": pr.UpdatedAt})
		cond, vals = "updatedAt = :v", at
	}
	if !pr.Dependent {
		if len(vals) == 0 { // DynamoDB refuses an empty map: a premise only on fields still absent
			vals = nil
		}
		return t.add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: &s.table, Key: k, ConditionExpression: aws.String(cond),
			ExpressionAttributeNames: names, ExpressionAttributeValues: vals,
		}}, pr.Err)
	}
	vals[":zero"], vals[":one"] = num(0), num(1)
	return t.add(types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: k, ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: names, ExpressionAttributeValues: vals,
		UpdateExpression: aws.String("SET rev = if_not_exists(rev, :zero) + :one"),
	}}, pr.Err)
}

// premiseFields is the condition of a premise naming fields: the record
// is there and each field's attribute is as the record read (pr.Record)
// would store it, or still absent if that would leave it out. A field
// read as its zero value (false, 0, "") may also be absent: an item
// written before it had that attribute (a programme from before review
// settings) reads back as the same zero value, and is as read. Attribute
// names come from the record's type as marshal maps it, so the store
// names none itself. A field the type does not have is a mistake.
func premiseFields(pr service.Premise) (string, map[string]string, Item) {
	read, err := marshal(pr.Record)
	rv := reflect.ValueOf(pr.Record)
	rt := reflect.TypeOf(pr.Record)
	if err != nil || rt == nil || rt.Kind() != reflect.Struct {
		panic(fmt.Sprintf("store: premise on %v is not a record: %v", pr.Ref, err))
	}
	conds, names, vals := []string{"attribute_exists(PK)"}, map[string]string{}, Item{}
	for i, f := range pr.Fields {
		sf, ok := rt.FieldByName(f)
		attr, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if attr == "" {
			attr = f
		}
		if !ok || attr == "-" {
			panic("store: premise on " + rt.Name() + "." + f + ", which is not stored")
		}
		n, v := "#p"+strconv.Itoa(i), ":p"+strconv.Itoa(i)
		names[n] = attr
		av, stored := read[attr]
		switch {
		case stored && rv.FieldByName(f).IsZero():
			conds, vals[v] = append(conds, "(attribute_not_exists("+n+") OR "+n+" = "+v+")"), av
		case stored:
			conds, vals[v] = append(conds, n+" = "+v), av
		default:
			conds = append(conds, "attribute_not_exists("+n+")")
		}
	}
	return strings.Join(conds, " AND "), names, vals
}

// dropCheck removes a ConditionCheck of the item at k (a check that it
// exists), for an item of the same key that implies it. Any other item of
// that key is a change writing the record its rule relies on: a mistake.
func (t *tx) dropCheck(k Item) {
	for i, item := range t.items {
		switch {
		case item.ConditionCheck != nil && sameKey(item.ConditionCheck.Key, k):
			t.items, t.fails = slices.Delete(t.items, i, i+1), slices.Delete(t.fails, i, i+1)
			return
		case item.Put != nil && sameKey(item.Put.Item, k), item.Update != nil && sameKey(item.Update.Key, k):
			panic("store: a premise on a record the change writes")
		}
	}
}

func sameKey(item, k Item) bool {
	return attrS(item["PK"]) == attrS(k["PK"]) && attrS(item["SK"]) == attrS(k["SK"])
}

// itemRev is an item's dependents revision (service.Guard): 0 when it has
// none, as a record never depended on, or replaced without a guard, has.
func itemRev(item Item) (int64, error) {
	rev, ok := item["rev"].(*types.AttributeValueMemberN)
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseInt(rev.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("revision %q: %w", rev.Value, err)
	}
	return n, nil
}

// attrS is a string attribute's value, "" when v is not one.
func attrS(v types.AttributeValue) string {
	if s, ok := v.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// guard conditions the change's replacement (or update) of g's record on
// its dependents revision being still as read (see service.Guard),
// keeping that revision in the new item. Replacing the record without a guard
// leaves the attribute out, starting the revision again with the new
// version: a guard is only ever checked beside the version, so that is
// safe. The failure is resolved by reading the record (only on refusal):
// a revision moved on is g.Err, anything else what the replacement's own
// condition means (a stale version).
func (s *Store) guard(ctx context.Context, t *tx, programmeID string, g service.Guard) {
	sk, ok := skOfRef(g.Ref)
	if !ok {
		panic("store: no key for " + string(g.Ref.Entity))
	}
	k := key(pkProgramme(programmeID), sk)
	for i, item := range t.items {
		if u := item.Update; u != nil && sameKey(u.Key, k) {
			// An update of a few attributes (a submission's review)
			// leaves the revision as it is.
			cond := revCondition(g, &u.ExpressionAttributeValues)
			if u.ConditionExpression != nil {
				cond = "(" + aws.ToString(u.ConditionExpression) + ") AND " + cond
			}
			u.ConditionExpression = aws.String(cond)
			t.fails[i] = &lazyGuard{s: s, ctx: ctx, key: k, g: g, other: t.fails[i]}
			return
		}
		put := item.Put
		if put == nil || !sameKey(put.Item, k) {
			continue
		}
		cond := revCondition(g, &put.ExpressionAttributeValues)
		if g.Rev != 0 {
			put.Item["rev"] = num(g.Rev)
		}
		put.ConditionExpression = aws.String("(" + aws.ToString(put.ConditionExpression) + ") AND " + cond)
		t.fails[i] = &lazyGuard{s: s, ctx: ctx, key: k, g: g, version: put.ExpressionAttributeValues[":v"], other: t.fails[i]}
		return
	}
	panic("store: a guard on a record the change does not write")
}

// revCondition is the condition that g's record's dependents revision is
// still as read (none read: still none), its value put in *values.
func revCondition(g service.Guard, values *Item) string {
	if g.Rev == 0 {
		return "attribute_not_exists(rev)"
	}
	if *values == nil {
		*values = Item{}
	}
	(*values)[":guardRev"] = num(g.Rev)
	return "rev = :guardRev"
}

// lazyGuard is the failure of a guarded replacement: the guard's error if
// the record's dependents revision moved on, else the replacement's own.
type lazyGuard struct {
	s       *Store
	ctx     context.Context
	key     Item
	g       service.Guard
	version types.AttributeValue // the version the replacement expects, if it names one
	other   error
}

func (l *lazyGuard) Error() string { return "guarded record changed" }

func (l *lazyGuard) resolve() error {
	out, err := l.s.db.GetItem(l.ctx, &dynamodb.GetItemInput{TableName: &l.s.table, Key: l.key,
		ConsistentRead: aws.Bool(true), ProjectionExpression: aws.String("rev, version")})
	if err != nil {
		return classify(err)
	}
	rev, err := itemRev(out.Item)
	if err != nil {
		return err
	}
	// A version moved on is the replacement's own failure (stale), as in
	// the in-memory fake, whatever the revision did meanwhile.
	sameVersion := l.version == nil || reflect.DeepEqual(out.Item["version"], l.version)
	if out.Item != nil && sameVersion && rev != l.g.Rev {
		return l.g.Err
	}
	if lazy, ok := l.other.(interface{ resolve() error }); ok {
		return lazy.resolve()
	}
	return l.other
}

// auditPut is the transaction item that writes an audit event. Events are
// only ever created (attribute_not_exists), never updated or deleted. GSI1
// serves "changes by this user", GSI2 "history of this record".
func (s *Store) auditPut(ev domain.AuditEvent) (types.TransactWriteItem, error) {
	pk := pkProgramme(ev.ProgrammeID)
	item, err := record(ev, "audit", keys{
		PK: pk, SK: skAudit(ev.ID),
		GSI1PK: pkAuditBy(ev.ProgrammeID, ev.ActorEmail), GSI1SK: skAudit(ev.ID),
		GSI2PK: historyKey(ev.ProgrammeID, ev.Entity, ev.EntityID), GSI2SK: skAudit(ev.ID),
	})
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.auditTable, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}}, nil
}

// write makes a change in one transaction with its audit event and, when
// the request holds one, its idempotency claim. Every change of a record
// goes through it, so none is written without its event.
func (s *Store) write(ctx context.Context, ch service.Change, t *tx) error {
	audit, err := s.auditPut(ch.Audit)
	if err != nil {
		return err
	}
	for _, pr := range ch.Premises {
		s.premise(t, ch.Audit.ProgrammeID, pr)
	}
	if ch.Guard != nil {
		s.guard(ctx, t, ch.Audit.ProgrammeID, *ch.Guard)
	}
	t.add(audit, errors.New("audit event exists"))
	if ch.Claim != nil {
		t.add(s.idemCommit(*ch.Claim), service.ErrClaimTaken)
	}
	return s.transact(ctx, t)
}

// transact writes t's items atomically. A cancellation caused only by
// conflicts with concurrent transactions (or throttling) is retried
// (s.retry): the one place the store retries a cancelled transaction (the
// service re-plans a write that came back ErrChanged). A
// failed condition returns what that item means: the first failure that
// is not a missing reference, else every missing reference at once.
func (s *Store) transact(ctx context.Context, t *tx) error {
	if len(t.items) > 100 {
		return fmt.Errorf("transaction of %d items exceeds the DynamoDB limit of 100", len(t.items))
	}
	return s.retry(ctx, "the database", func() error {
		// Sent, a transaction is let finish past the request's deadline
		// (service.WriteGrace), so that what the caller is told is what
		// happened; not yet sent by the deadline, it is not sent at all.
		// One the database never answered may have been made all the
		// same: the caller is told so (domain.ErrMaybeSaved), never that
		// nothing was saved.
		sctx, cancel, err := service.Sending(ctx)
		if err != nil {
			return classify(err)
		}
		defer cancel()
		_, err = s.db.TransactWriteItems(sctx, &dynamodb.TransactWriteItemsInput{TransactItems: t.items})
		if err == nil {
			return nil
		}
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			return service.Unanswered(classify(err), answered(err))
		}
		if failed := t.failure(tce.CancellationReasons); failed != nil {
			if lazy, ok := failed.(interface{ resolve() error }); ok {
				return lazy.resolve()
			}
			return failed
		}
		for _, r := range tce.CancellationReasons {
			switch aws.ToString(r.Code) {
			case "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded":
				return busy{err}
			}
		}
		// Cancelled for a lasting reason (a validation error, an item
		// collection too large): retrying will not help, so not a 503.
		return fmt.Errorf("transaction cancelled: %w", err)
	})
}

// failure is what the failed conditions of a cancelled transaction mean,
// or nil when none failed.
func (t *tx) failure(reasons []types.CancellationReason) error {
	var missing []domain.RecordRef
	var first error
	below := false
	for i, r := range reasons {
		if aws.ToString(r.Code) != "ConditionalCheckFailed" || i >= len(t.fails) {
			continue
		}
		fail := t.fails[i]
		var m *service.MissingRefError
		if errors.As(fail, &m) {
			missing = append(missing, m.Refs...)
			continue
		}
		if fail == service.ErrCountsBelowZero {
			// A change planned on returns that have moved since can
			// fail the counts' floor too: what moved is the answer.
			below = true
			continue
		}
		if first == nil && fail != nil {
			first = fail
		}
	}
	if first == nil && below && len(missing) == 0 {
		return service.ErrCountsBelowZero
	}
	if first != nil {
		// A stale version, a programme gone or a claim taken over decides
		// the answer even when references are missing too: the change was
		// based on something that is no longer so.
		return first
	}
	if len(missing) > 0 {
		return &service.MissingRefError{Refs: missing}
	}
	return nil
}
