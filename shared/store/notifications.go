package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// ClaimNotification records a notification the notifier found due (a
// milestone, a return's reminder or overdue notice) before anything is
// sent, with the audit event of its creation (Notification.ClaimEvent) in
// the same transaction. It reports false when it was claimed before (by
// this run, an earlier one or a concurrent one): the claim is what makes
// each emailed at most once, ever.
//
// A return's reminder is claimed with its return, in the same
// transaction: the return must still be expected and not reminded on or
// after the reminder's day (remindedOn), and is then marked reminded
// today. Otherwise it is not claimed: however the schedule's reminders
// changed (each reminder day has an id of its own) and whatever runs
// overlap, a return is reminded at most once a day, and never for a day
// a reminder already went on or after.
//
// holds are the premises the notification was addressed on
// (service.TargetNotifyPremise: a milestone's target's notify list as
// read), each a ConditionCheck in the same transaction (the same one
// request): one no longer holding, and the notification not claimed
// before, fails the claim with its Err, writing nothing.
func (s *Store) ClaimNotification(ctx context.Context, n domain.Notification, holds ...service.Premise) (bool, error) {
	put, err := s.notificationPut(n)
	if err != nil {
		return false, err
	}
	t := (&tx{}).add(put, errClaimed)
	if upd, ok, err := s.remindedUpdate(n); err != nil {
		return false, err
	} else if ok {
		t.add(upd, errClaimed)
	}
	err = s.write(ctx, service.Change{Audit: n.ClaimEvent(), Premises: holds}, t)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errClaimed):
		return false, nil
	default:
		return false, fmt.Errorf("claim notification %s: %w", n.ID, err)
	}
}

var errClaimed = errors.New("notification claimed already")

// ClaimNotifications records several notifications, each with its claim
// event, in one transaction: all or none. When one was claimed before,
// nothing is written and its id is returned. A target's thresholds crossed
// at once are claimed so, the highest's email with the lower ones it
// covers, so a covered threshold never names an email that was not
// recorded (a run dying between separate claims once left them so).
// holds are ClaimNotification's, checked in the same transaction.
func (s *Store) ClaimNotifications(ctx context.Context, ns []domain.Notification, holds ...service.Premise) (string, error) {
	if len(ns) == 0 {
		return "", nil
	}
	t := &tx{}
	for _, n := range ns {
		put, err := s.notificationPut(n)
		if err != nil {
			return "", err
		}
		t.add(put, &takenError{id: n.ID})
		if upd, ok, err := s.remindedUpdate(n); err != nil {
			return "", err
		} else if ok {
			t.add(upd, &takenError{id: n.ID})
		}
	}
	for _, n := range ns[1:] {
		audit, err := s.auditPut(n.ClaimEvent())
		if err != nil {
			return "", err
		}
		t.add(audit, errors.New("audit event exists"))
	}
	err := s.write(ctx, service.Change{Audit: ns[0].ClaimEvent(), Premises: holds}, t)
	var taken *takenError
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &taken):
		return taken.id, nil
	default:
		return "", fmt.Errorf("claim notifications %s…: %w", ns[0].ID, err)
	}
}

// takenError is the failed condition of one notification's claim among
// several.
type takenError struct{ id string }

func (e *takenError) Error() string { return "notification " + e.id + " claimed already" }

// remindedUpdate marks the return of a reminder reminded on the
// reminder's day (n.On), on condition that it is still expected and was
// not reminded on or after the day of its reminder (see
// domain.Return.RemindedFor); ok is false for any other notification.
func (s *Store) remindedUpdate(n domain.Notification) (types.TransactWriteItem, bool, error) {
	if n.Kind != domain.KindReminder || n.ReturnID == "" || n.Reminder == nil {
		return types.TransactWriteItem{}, false, nil
	}
	scheduleID, projectID, periodStart, ok := domain.ParseReturnID(n.ReturnID)
	if !ok || n.On.IsZero() || n.DueDate.IsZero() {
		return types.TransactWriteItem{}, false, fmt.Errorf("claim reminder %s: not a return's reminder", n.ID)
	}
	vals, err := marshal(map[string]any{":on": n.On, ":day": domain.ReminderDay(n.DueDate, n.PeriodStart, *n.Reminder), ":expected": domain.StateExpected})
	if err != nil {
		return types.TransactWriteItem{}, false, err
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(pkProgramme(n.ProgrammeID), skReturn(projectID, scheduleID, periodStart)),
		UpdateExpression:          aws.String("SET remindedOn = :on"),
		ConditionExpression:       aws.String("#state = :expected AND (attribute_not_exists(remindedOn) OR remindedOn < :day)"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: vals,
	}}, true, nil
}

// notificationPut creates a notification (in the pending index while it
// is pending), failing if it exists: its fixed id is what makes each email
// go at most once. The reporting cycle's submission emails are claimed
// this way in the transaction of the submission or review that calls for
// them.
func (s *Store) notificationPut(n domain.Notification) (types.TransactWriteItem, error) {
	k := keys{PK: pkProgramme(n.ProgrammeID), SK: skNotification(n.ID)}
	if n.Status == domain.NotificationPending {
		// Only what is still to send is in the index the sender reads: a
		// threshold covered by another's email is recorded sent at once.
		k.GSI1PK, k.GSI1SK = shardKeyOf(pendingIndex, n.ProgrammeID), skPendingNotification(n)
	}
	item, err := record(n, "notification", k)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	if n.Recipients == nil {
		delete(item, "recipients") // fixed when sent: see SetRecipients
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}}, nil
}

// SetRecipients fixes who a notification goes to, when it was recorded
// without (a submission's email is recorded with the submission, and a
// payment's made due by the API with the change that fired its trigger;
// their recipients are the people in those roles when it is sent), with,
// for a payment's, each funder's contacts among them. It reports
// the recipients the notification has: a concurrent run may have fixed
// them first. One not there is service.ErrNotFound.
func (s *Store) SetRecipients(ctx context.Context, programmeID, id string, recipients []string, funderContacts map[string][]string) ([]string, error) {
	values := map[string]any{":r": recipients}
	set := "SET recipients = if_not_exists(recipients, :r)"
	if funderContacts != nil {
		// Fixed with the recipients, never after: a funder is shown its
		// contacts as the email went to them.
		values[":fc"] = funderContacts
		set += ", funderContacts = if_not_exists(funderContacts, :fc)"
	}
	vals, err := marshal(values)
	if err != nil {
		return nil, err
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skNotification(id)),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: vals,
		ReturnValues:              types.ReturnValueAllNew,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		// Not there: withdrawn meanwhile (a payment's, by the change that
		// marked it paid or cancelled).
		return nil, fmt.Errorf("set recipients of %s: %w", id, service.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("set recipients of %s: %w", id, classify(err))
	}
	var n domain.Notification
	if err := unmarshal(out.Attributes, &n); err != nil {
		return nil, err
	}
	return n.Recipients, nil
}

// ReaddressNotification records a leased notification's recipients as n
// has them (domain.Notification.Readdress: who holds its roles now), with
// those withdrawn and, when n has them, each funder's contacts among
// them and its funders when n names them (a payment's: the grant's funder
// now; a milestone's: those still on its target's notify list, none
// removing them), and writes ev, in one transaction, conditioned on it being
// pending under the lease of n.Attempts. It reports false, writing
// nothing, otherwise. Claims, deliveries and refusals are not touched:
// each recipient's claim still decides whether an email goes.
func (s *Store) ReaddressNotification(ctx context.Context, n domain.Notification, ev domain.AuditEvent) (bool, error) {
	values := map[string]any{":pending": domain.NotificationPending, ":attempt": n.Attempts}
	set, remove := "SET recipients = :r", ""
	if len(n.Withdrawn) > 0 {
		values[":w"] = n.Withdrawn
		set += ", withdrawn = :w"
	} else {
		remove = " REMOVE withdrawn"
	}
	if n.FunderContacts != nil {
		values[":fc"] = n.FunderContacts
		set += ", funderContacts = :fc"
	}
	switch {
	case len(n.FunderIDs) > 0: // a payment's, given to the grant's funder now; a milestone's still on its target's notify list
		values[":f"] = n.FunderIDs
		set += ", funderIds = :f"
	case n.FunderIDs != nil: // a milestone's whose funders were all taken off its target's notify list
		if remove == "" {
			remove = " REMOVE funderIds"
		} else {
			remove += ", funderIds"
		}
	}
	vals, err := marshal(values)
	if err != nil {
		return false, err
	}
	to := make([]types.AttributeValue, len(n.Recipients))
	for i, a := range n.Recipients {
		to[i] = str(a)
	}
	vals[":r"] = &types.AttributeValueMemberL{Value: to}
	t := (&tx{}).add(types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(pkProgramme(n.ProgrammeID), skNotification(n.ID)),
		UpdateExpression:          aws.String(set + remove),
		ConditionExpression:       aws.String("#status = :pending AND attempts = :attempt"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: vals,
	}}, errNotReaddressed)
	err = s.write(ctx, service.Change{Audit: ev}, t)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errNotReaddressed):
		return false, nil
	default:
		return false, fmt.Errorf("readdress notification %s: %w", n.ID, err)
	}
}

var errNotReaddressed = errors.New("notification not readdressed: its lease was lost, or it was finished")

// PendingNotifications lists notifications not yet sent or failed, oldest first.
func (s *Store) PendingNotifications(ctx context.Context, shard int, p service.Page) ([]domain.Notification, string, error) {
	if err := checkShard("pending notifications", shard); err != nil {
		return nil, "", err
	}
	var out []domain.Notification
	next, err := s.list(ctx, query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: shardKey(pendingIndex, shard)}, p,
		func(item Item) error { return appendDecoded(item, &out) })
	if err != nil {
		return nil, "", fmt.Errorf("list pending notifications: %w", err)
	}
	return out, next, nil
}

// LeaseNotification takes a pending notification for sending until the
// lease runs out, counting the attempt. It reports false when another run
// holds it or it is no longer pending. A run that dies mid-send leaves the
// lease to expire, and a later run takes it over.
func (s *Store) LeaseNotification(ctx context.Context, programmeID, id string, now time.Time, lease time.Duration) (domain.Notification, bool, error) {
	var n domain.Notification
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skNotification(id)),
		UpdateExpression:         aws.String("SET leaseUntil = :until ADD attempts :one"),
		ConditionExpression:      aws.String("#status = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":until": num(now.Add(lease).UnixMilli()), ":now": num(now.UnixMilli()), ":one": num(1),
			":pending": str(string(domain.NotificationPending)),
		},
		ReturnValues: types.ReturnValueAllNew,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return n, false, nil
	}
	if err != nil {
		return n, false, fmt.Errorf("lease notification %s: %w", id, classify(err))
	}
	return n, true, unmarshal(out.Attributes, &n)
}

// ClaimRecipient records, before the email to one recipient is handed to
// SES, that this lease is sending it (the address joins the notification's
// sending set). It reports false, sending nothing, when the lease is no
// longer the caller's (attempt is the attempt count its lease returned:
// each lease adds one) or the address is claimed or delivered already. A
// run that dies between this and MarkDelivered leaves the address in
// sending, and the run that takes the lease over never sends to it again:
// whether it arrived is not known, and at most once beats at least once.
//
// With holds (what makes the address a recipient, as the caller read it:
// service.ContactPremise, service.MemberPremise) the claim is a
// transaction of that update and a ConditionCheck of each premise's item
// (FUNDER#<f> with its contacts as read, MEMBER#<email> with its roles as
// read), so an address that has left its role since the caller read it is
// never claimed: the premise's Err (service.ErrNoLongerRecipient), when
// the notification's own conditions held. Without, it is one UpdateItem.
func (s *Store) ClaimRecipient(ctx context.Context, programmeID, id string, attempt int64, email string, holds ...service.Premise) (bool, error) {
	u := s.recipientClaim(programmeID, id, attempt, email)
	if len(holds) > 0 {
		t := (&tx{}).add(types.TransactWriteItem{Update: u}, errNotRecipient)
		for _, pr := range holds {
			s.premise(t, programmeID, pr)
		}
		err := s.transact(ctx, t)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, errNotRecipient):
			return false, nil
		default:
			return false, fmt.Errorf("claim %s for %s: %w", email, id, err)
		}
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: u.Key, UpdateExpression: u.UpdateExpression, ConditionExpression: u.ConditionExpression,
		ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues,
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &ccf):
		return false, nil
	default:
		return false, fmt.Errorf("claim %s for %s: %w", email, id, classify(err))
	}
}

// recipientClaim is the write that claims one recipient of a
// notification (ClaimRecipient, ClaimReturnRecipient): the address joins
// the sending set, while the lease is still attempt's and nobody has
// claimed, had or refused the email there.
func (s *Store) recipientClaim(programmeID, id string, attempt int64, email string) *types.Update {
	return &types.Update{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skNotification(id)),
		UpdateExpression: aws.String("ADD sending :to"),
		ConditionExpression: aws.String("#status = :pending AND attempts = :attempt" +
			" AND NOT contains(sending, :email) AND NOT contains(delivered, :email) AND NOT contains(rejected, :email)"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":to": &types.AttributeValueMemberSS{Value: []string{email}}, ":email": str(email),
			":attempt": num(attempt), ":pending": str(string(domain.NotificationPending)),
		},
	}
}

// ClaimReturnRecipient is ClaimRecipient for the first recipient of a
// return's reminder or overdue email, in one transaction with a check
// that the return is still expected (there, nothing sent for it): a
// return removed by its schedule's last period moving earlier, or sent,
// after the email was claimed makes the claim fail, whatever the run read
// before, so no email of it goes; unneeded then says which (one GetItem
// of the return's state). Only the first recipient's claim is so checked:
// an email some have goes on to the rest, as a payment-due email does.
// holds are checked in the same transaction, as ClaimRecipient's.
func (s *Store) ClaimReturnRecipient(ctx context.Context, programmeID, id string, attempt int64, email, returnID string, holds ...service.Premise) (bool, domain.NotNeededReason, error) {
	scheduleID, projectID, periodStart, ok := domain.ParseReturnID(returnID)
	if !ok {
		return false, "", fmt.Errorf("claim %s for %s: %q is not a return's id", email, id, returnID)
	}
	rk := key(pkProgramme(programmeID), skReturn(projectID, scheduleID, periodStart))
	t := (&tx{}).add(types.TransactWriteItem{Update: s.recipientClaim(programmeID, id, attempt, email)}, errNotRecipient).add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &s.table, Key: rk,
		ConditionExpression:       aws.String("#state = :expected"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":expected": str(string(domain.StateExpected))},
	}}, errReturnNotExpected)
	for _, pr := range holds {
		s.premise(t, programmeID, pr)
	}
	err := s.transact(ctx, t)
	switch {
	case err == nil:
		return true, "", nil
	case errors.Is(err, errNotRecipient):
		return false, "", nil
	case !errors.Is(err, errReturnNotExpected):
		return false, "", fmt.Errorf("claim %s for %s: %w", email, id, err)
	}
	item, err := s.getItem(ctx, rk)
	if err != nil {
		return false, "", fmt.Errorf("read return %s: %w", returnID, err)
	}
	if item == nil {
		return false, domain.NotNeededRemoved, nil
	}
	return false, domain.NotNeededSubmitted, nil
}

var (
	errNotRecipient      = errors.New("recipient not claimed")
	errReturnNotExpected = errors.New("return no longer expected")
)

// MarkDelivered records that one recipient has the email (settling its
// claim), so a retry after a later recipient's passing failure does not
// email them again.
func (s *Store) MarkDelivered(ctx context.Context, programmeID, id, email string) error {
	return s.settleRecipient(ctx, programmeID, id, "delivered", email)
}

// MarkRejected records that SES refused one recipient for good (settling
// its claim), so no later run sends to that address again.
func (s *Store) MarkRejected(ctx context.Context, programmeID, id, email string) error {
	return s.settleRecipient(ctx, programmeID, id, "rejected", email)
}

// settleRecipient and ReleaseNotification change a notification that is
// there only (attribute_exists): one deleted meanwhile (withdrawn, its
// payment paid or cancelled) is gone, not an error, and no update may
// create a stub of it holding only what the update sets.
func (s *Store) settleRecipient(ctx context.Context, programmeID, id, list, email string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skNotification(id)),
		UpdateExpression:         aws.String("SET #list = list_append(if_not_exists(#list, :empty), :one) DELETE sending :to"),
		ConditionExpression:      aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames: map[string]string{"#list": list},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":empty": &types.AttributeValueMemberL{}, ":one": &types.AttributeValueMemberL{Value: []types.AttributeValue{str(email)}},
			":to": &types.AttributeValueMemberSS{Value: []string{email}},
		},
	})
	if gone(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("mark %s %s for %s: %w", email, list, id, classify(err))
	}
	return nil
}

// ReleaseNotification gives back the lease after a passing failure of the
// send to email (throttling, a 5xx: SES did not take it), noting the
// error and withdrawing that recipient's claim; a later run retries. With
// email "" (a run stopping before its next send: throttled elsewhere, or
// its deadline near) no claim is withdrawn.
func (s *Store) ReleaseNotification(ctx context.Context, programmeID, id, email, lastError string) error {
	update := "SET lastError = :e REMOVE leaseUntil DELETE sending :to"
	vals := map[string]types.AttributeValue{":e": str(lastError), ":to": &types.AttributeValueMemberSS{Value: []string{email}}}
	if email == "" {
		update = "SET lastError = :e REMOVE leaseUntil"
		delete(vals, ":to")
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skNotification(id)),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: vals,
	})
	if gone(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("release notification %s: %w", id, classify(err))
	}
	return nil
}

// gone reports whether a write conditioned on attribute_exists(PK) found
// its item not there.
func gone(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// FinishNotification marks a notification sent or failed for good (with
// n.NotNeeded, settled with no more sent), takes it out of the pending index and
// writes its audit event, in one transaction.
func (s *Store) FinishNotification(ctx context.Context, n domain.Notification, ev domain.AuditEvent) error {
	values := map[string]any{":status": n.Status, ":pending": domain.NotificationPending, ":e": n.LastError}
	set := "SET #status = :status, lastError = :e"
	if n.SentAt != nil { // nothing was delivered when every recipient was refused
		values[":at"] = *n.SentAt
		set += ", sentAt = :at"
	}
	if n.NotNeeded != "" {
		// Settled unsent: it may never have had its recipients fixed, and
		// lists none then rather than none known.
		values[":nn"] = n.NotNeeded
		set += ", notNeeded = :nn, recipients = if_not_exists(recipients, :none)"
	}
	vals, err := marshal(values)
	if err != nil {
		return err
	}
	if n.NotNeeded != "" {
		vals[":none"] = &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
	}
	remove := " REMOVE leaseUntil, GSI1PK, GSI1SK"
	if n.Includes != nil { // a digest's carrier: the ones its email stood for
		if len(n.Includes) > 0 {
			inc, err := marshal(map[string]any{":inc": n.Includes})
			if err != nil {
				return err
			}
			vals[":inc"] = inc[":inc"]
			set += ", includes = :inc"
		} else {
			remove += ", includes"
		}
	}
	// What stays in sending is only what n.Sending says: the recipients a
	// run stopped while sending to, whose email may or may not have gone.
	if len(n.Sending) > 0 {
		vals[":sending"] = &types.AttributeValueMemberSS{Value: n.Sending}
		set += ", sending = :sending"
	} else {
		remove += ", sending"
	}
	t := (&tx{}).add(types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(pkProgramme(n.ProgrammeID), skNotification(n.ID)),
		UpdateExpression:          aws.String(set + remove),
		ConditionExpression:       aws.String("#status = :pending"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: vals,
	}}, errFinished)
	err = s.write(ctx, service.Change{Audit: ev}, t)
	if errors.Is(err, errFinished) {
		return nil // finished by someone else already
	}
	if err != nil {
		return fmt.Errorf("finish notification %s: %w", n.ID, err)
	}
	return nil
}

var errFinished = errors.New("notification finished already")

// WithdrawNotification deletes a notification that was never emailed and
// no longer needs to be, with its audit event, in one transaction: one
// leased by the caller (pending at n.Attempts) that no recipient has,
// refused or is being sent (so no email of it ever went to SES); or, with
// n.CoveredBy, one recorded sent in that carrier's email, which is being
// withdrawn too. It reports false, changing nothing, when it is not so
// (another run took it over, or finished it). Its id stays spent: the
// submission that claimed it cannot claim it again.
func (s *Store) WithdrawNotification(ctx context.Context, n domain.Notification, ev domain.AuditEvent) (bool, error) {
	cond := "#status = :pending AND attempts = :attempt"
	vals := map[string]types.AttributeValue{":pending": str(string(domain.NotificationPending)), ":attempt": num(n.Attempts)}
	if n.CoveredBy != "" {
		cond = "#status = :sent AND coveredBy = :by"
		vals = map[string]types.AttributeValue{":sent": str(string(domain.NotificationSent)), ":by": str(n.CoveredBy)}
	}
	cond += " AND attribute_not_exists(delivered) AND attribute_not_exists(rejected) AND attribute_not_exists(sending)"
	t := (&tx{}).add(types.TransactWriteItem{Delete: &types.Delete{
		TableName: &s.table, Key: key(pkProgramme(n.ProgrammeID), skNotification(n.ID)),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: vals,
	}}, errFinished)
	err := s.write(ctx, service.Change{Audit: ev}, t)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errFinished):
		return false, nil
	default:
		return false, fmt.Errorf("withdraw notification %s: %w", n.ID, err)
	}
}

// IncludeNotifications records the ids of the notifications a leased one's
// email is to stand for (a programme's submissions awaiting review, in one
// email to each lead), while it is pending, its lease is still attempt's
// and it includes none yet. It reports false, writing nothing, otherwise.
func (s *Store) IncludeNotifications(ctx context.Context, programmeID, id string, attempt int64, includes []string) (bool, error) {
	vals, err := marshal(map[string]any{":inc": includes, ":attempt": attempt, ":pending": domain.NotificationPending})
	if err != nil {
		return false, err
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skNotification(id)),
		UpdateExpression:          aws.String("SET includes = :inc"),
		ConditionExpression:       aws.String("#status = :pending AND attempts = :attempt AND attribute_not_exists(includes)"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: vals,
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &ccf):
		return false, nil
	default:
		return false, fmt.Errorf("include notifications in %s: %w", id, classify(err))
	}
}

// CoverNotification records a leased notification sent inside its
// carrier's email (n.CoveredBy), with no email of its own, and takes it
// out of the pending index, with its audit event, in one transaction:
// only while it is pending under its lease (n.Attempts) and the carrier is
// pending under its lease (carrierAttempt) and includes it. So a run that
// lost either lease covers nothing, and a run that took the carrier over
// reads every notification it covers once it holds the lease.
func (s *Store) CoverNotification(ctx context.Context, n domain.Notification, carrierAttempt int64, ev domain.AuditEvent) (bool, error) {
	recipients := n.Recipients
	if recipients == nil {
		recipients = []string{}
	}
	vals, err := marshal(map[string]any{":sent": domain.NotificationSent, ":pending": domain.NotificationPending,
		":by": n.CoveredBy, ":attempt": n.Attempts})
	if err != nil {
		return false, err
	}
	to, err := marshal(map[string]any{":r": recipients})
	if err != nil {
		return false, err
	}
	vals[":r"] = to[":r"]
	if len(recipients) == 0 {
		vals[":r"] = &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
	}
	t := (&tx{}).add(types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(pkProgramme(n.ProgrammeID), skNotification(n.ID)),
		UpdateExpression: aws.String("SET #status = :sent, coveredBy = :by, recipients = if_not_exists(recipients, :r)" +
			" REMOVE leaseUntil, GSI1PK, GSI1SK, sending"),
		ConditionExpression:       aws.String("#status = :pending AND attempts = :attempt"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: vals,
	}}, errNotCovered).add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &s.table, Key: key(pkProgramme(n.ProgrammeID), skNotification(n.CoveredBy)),
		ConditionExpression:      aws.String("#status = :pending AND attempts = :attempt AND contains(includes, :id)"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pending": str(string(domain.NotificationPending)), ":attempt": num(carrierAttempt), ":id": str(n.ID),
		},
	}}, errNotCovered)
	err = s.write(ctx, service.Change{Audit: ev}, t)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errNotCovered):
		return false, nil
	default:
		return false, fmt.Errorf("cover notification %s: %w", n.ID, err)
	}
}

var errNotCovered = errors.New("notification not covered: a lease was lost or it was finished")

// ListNotifications lists a programme's notifications; keep filters them
// (funders see only their own).
func (s *Store) ListNotifications(ctx context.Context, programmeID string, keep func(domain.Notification) bool, p service.Page) ([]domain.Notification, string, error) {
	var out []domain.Notification
	q := query{pkAttr: "PK", skAttr: "SK", pk: pkProgramme(programmeID), prefix: prefixNotification}
	if keep != nil {
		q.filter = func(item Item) bool {
			var n domain.Notification
			return unmarshal(item, &n) == nil && keep(n)
		}
	}
	next, err := s.list(ctx, q, p, func(item Item) error { return appendDecoded(item, &out) })
	if err != nil {
		return nil, "", fmt.Errorf("list notifications of %s: %w", programmeID, err)
	}
	return out, next, nil
}
