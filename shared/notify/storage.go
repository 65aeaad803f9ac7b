package notify

import (
	"context"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// This file is the notifier's contract with storage: the small interfaces
// it needs, by use. The DynamoDB store (shared/store) implements them for
// the notifier function; so does the in-memory fake the rule tests use
// (shared/service/memstore), and shared/store's contract tests hold the two
// to the same answers. The indexes the lists read are spread over
// service.Shards shards (a programme's entries all in service.ShardOf's);
// each list takes one shard and a service.Page, and gives a page with the
// cursor of the next ("" after the last).
//
// Every "claim" here is a conditional write: it succeeds for one caller
// only, however runs overlap, and that is what keeps each email to at most
// once. A claim that reports false wrote nothing, and is not an error.

// Storage is everything the notifier needs of storage.
type Storage interface {
	Records
	Milestones
	Delivery
	Reporting
	Payments
	// service.Storer is what the service needs: the notifier finishes the
	// returns a failed request left unwritten through the service
	// (service.CompleteGeneration), over the same storage, and reads
	// programmes' targets, funders, projects, members, schedules and
	// figures through its lists.
	service.Storer
}

// Records reads what the notifier reads without a caller.
type Records interface {
	// Programme reads one programme, or service.ErrNotFound.
	Programme(ctx context.Context, id string) (domain.Programme, error)
	// Schedule reads one schedule; ok is false when it is not there.
	Schedule(ctx context.Context, programmeID, id string) (s domain.Schedule, ok bool, err error)
}

// Milestones finds the targets to look at and claims their milestones.
type Milestones interface {
	// DirtyProgrammes lists one shard of the programmes whose figures or
	// targets changed (or a payment started waiting) since the notifier
	// last cleared their marker.
	DirtyProgrammes(ctx context.Context, shard int, p service.Page) ([]service.DirtyProgramme, string, error)
	// ClearDirty takes a programme out of the changed ones, conditionally:
	// only if no change came since it counted changes (else it stays, for
	// the next run, and nil is returned all the same).
	ClearDirty(ctx context.Context, programmeID string, changes int64) error
	// DueTargets lists one shard of the targets whose next time-driven
	// check falls on or before today.
	DueTargets(ctx context.Context, shard int, today domain.Date, p service.Page) ([]service.DueTarget, string, error)
	// RescheduleTarget moves a due target to its next check (out of the index
	// when next is zero), conditionally: only while it is where it was
	// read (DueKey). Otherwise it moves nothing and returns nil: a change
	// of the target or another run moved it.
	RescheduleTarget(ctx context.Context, d service.DueTarget, next domain.Date) error
	// WakeTarget puts a target in the due index on day, unless it is
	// there on or before day already or the target is gone (then it
	// writes nothing and returns nil). A target the notifier looked at
	// because its programme changed, whose "missed" it held back, is so
	// looked at again though nothing changes it again. The notifier
	// does not ask when the target list showed the target due by day
	// already (domain.Target.DueOn): it would write nothing.
	WakeTarget(ctx context.Context, programmeID, targetID string, day domain.Date) error
	// ClaimNotification records a notification with its creation's audit
	// event (domain.Notification.ClaimEvent), conditionally: only if no
	// notification has its id yet. false means one had (this run, an
	// earlier or a concurrent one claimed it) and nothing was written. A
	// pending one is then listed by PendingNotifications.
	//
	// holds, when given, are the premises the notification was addressed
	// on (service.TargetNotifyPremise: a "reached" or "missed" email's
	// target's notify list as the caller read it), checked in the same
	// change: one no longer holding, and no notification having the id,
	// is its Err (service.ErrNoLongerRecipient), claimed false and
	// nothing written, so no email is ever recorded for funders the
	// target stopped naming after the caller's read.
	ClaimNotification(ctx context.Context, n domain.Notification, holds ...service.Premise) (claimed bool, err error)
	// ClaimNotifications records several notifications, each with its
	// creation's audit event, in one change: all of them or none. When
	// one of them has been claimed already, nothing is written and taken
	// is its id (the first found). A target's thresholds crossed at once
	// are claimed so: the one email's notification with those it covers.
	// holds are ClaimNotification's, checked in the same change (one
	// already claimed decides first: taken, nil).
	ClaimNotifications(ctx context.Context, ns []domain.Notification, holds ...service.Premise) (taken string, err error)
}

// Delivery sends what is pending: each notification under a lease, each
// recipient under a claim, so a run that dies mid-send never leads to a
// second email.
type Delivery interface {
	// PendingNotifications lists one shard of the notifications still to
	// send, oldest first.
	PendingNotifications(ctx context.Context, shard int, p service.Page) ([]domain.Notification, string, error)
	// LeaseNotification takes a pending notification for sending until
	// now+lease, counting the attempt (Attempts goes up by one; the
	// notification is returned as it then stands), conditionally: only
	// while it is pending and no lease on it runs past now. ok false
	// means another run holds it or it is finished; nothing is written.
	LeaseNotification(ctx context.Context, programmeID, id string, now time.Time, lease time.Duration) (n domain.Notification, ok bool, err error)
	// SetRecipients fixes who a notification recorded without recipients
	// goes to (and, when funderContacts is not nil, which of them are each
	// funder's contacts: Notification.FunderContacts), unless a concurrent
	// run fixed them first; it returns the recipients it has. One not
	// there (withdrawn meanwhile: a payment's, by the change that marked
	// the payment paid or cancelled) is service.ErrNotFound.
	SetRecipients(ctx context.Context, programmeID, id string, recipients []string, funderContacts map[string][]string) ([]string, error)
	// ReaddressNotification records a leased notification's recipients
	// as n has them (brought up to who holds its roles now:
	// domain.Notification.Readdress): Recipients, Withdrawn (none:
	// removed) and, when n has them, FunderContacts, and writes ev, in
	// one change, conditionally: only while it is pending and its lease
	// is still n.Attempts's. ok false means one of those failed (another
	// run took it over, or it is finished or withdrawn) and nothing was
	// written. It changes nothing else: whoever has, refused or is being
	// sent the email stays so, and each recipient's claim still decides
	// whether an email goes.
	ReaddressNotification(ctx context.Context, n domain.Notification, ev domain.AuditEvent) (ok bool, err error)
	// ClaimRecipient records, before the email to email is sent, that the
	// lease of attempt is sending it (email joins Sending),
	// conditionally: only while the notification is pending, its lease is
	// still attempt's, and email is not sending, delivered or rejected
	// already. claimed false means one of those failed (the notification
	// not there at all: withdrawn meanwhile, as a payment's is by the
	// change that marks it paid or cancelled); nothing is written and
	// nothing may be sent.
	//
	// holds, when given, are the premises of what makes email a
	// recipient as the caller read it (service.ContactPremise, a
	// funder's contacts; service.MemberPremise, a member's roles;
	// service.GrantFunderPremise, a payment's grant's funder): the
	// claim is made only while each still holds, in the same change, so
	// nobody is claimed (and so emailed) once they have left what made
	// them a recipient, whenever the caller read it. One no longer
	// holding, and the notification's conditions holding, is its
	// premise's Err (service.ErrNoLongerRecipient), claimed false and
	// nothing written; the notification's failing decides first.
	ClaimRecipient(ctx context.Context, programmeID, id string, attempt int64, email string, holds ...service.Premise) (claimed bool, err error)
	// ClaimReturnRecipient is ClaimRecipient for the first recipient of a
	// return's reminder or overdue email, on condition too that its
	// return (returnID) is still expected: there, with nothing sent for
	// it. unneeded is why it is not ("" when it is): removed with its
	// schedule's last periods (NotNeededRemoved), or sent meanwhile
	// (NotNeededSubmitted); then nothing is written, claimed is false and
	// the email is no longer needed. Otherwise claimed (and holds) are
	// ClaimRecipient's.
	ClaimReturnRecipient(ctx context.Context, programmeID, id string, attempt int64, email, returnID string, holds ...service.Premise) (claimed bool, unneeded domain.NotNeededReason, err error)
	// MarkDelivered records that email has it (Delivered), settling its
	// claim (out of Sending).
	MarkDelivered(ctx context.Context, programmeID, id, email string) error
	// MarkRejected records that email was refused for good (Rejected),
	// settling its claim: it is never sent to again.
	MarkRejected(ctx context.Context, programmeID, id, email string) error
	// ReleaseNotification gives the lease back after a passing failure
	// sending to email, noting lastError and withdrawing email's claim,
	// so the next run may lease it and retry. With email "" (a run
	// stopping before its next send) no claim is withdrawn.
	ReleaseNotification(ctx context.Context, programmeID, id, email, lastError string) error
	// FinishNotification records n's Status (sent or failed), LastError,
	// SentAt and NotNeeded, and, when n.Includes is not nil, its Includes
	// (none left: removed) as the ones its email stood for, leaves Sending as n says (the recipients not
	// known to have it), takes it out of the pending list and writes ev,
	// in one change, conditionally: only while it is pending. One
	// finished already is left as it is, and nil returned.
	FinishNotification(ctx context.Context, n domain.Notification, ev domain.AuditEvent) error
	// WithdrawNotification deletes a notification no email of which ever
	// went to SES, once it is no longer needed, and writes ev, in one
	// change, conditionally: only while it is pending at its lease's
	// attempt (n.Attempts) or, with n.CoveredBy, recorded sent in that
	// carrier's email, and nobody has, refused or is being sent it.
	// withdrawn false means it is not so and nothing was written. The
	// notifications list then never shows it: no email went.
	WithdrawNotification(ctx context.Context, n domain.Notification, ev domain.AuditEvent) (withdrawn bool, err error)
	// IncludeNotifications records on a leased notification the ids of
	// the others its one email is to stand for (Includes: a digest of a
	// programme's submissions awaiting review), conditionally: only while
	// it is pending, its lease is attempt's and it includes none yet. ok
	// false means one of those failed and nothing was written.
	IncludeNotifications(ctx context.Context, programmeID, id string, attempt int64, includes []string) (ok bool, err error)
	// CoverNotification records a leased notification n sent with no
	// email of its own, CoveredBy the notification whose email lists it,
	// with n.Recipients unless it has some, takes it out of the pending
	// list and writes ev, in one change, conditionally: only while n is
	// pending at its lease's attempt (n.Attempts), and the carrier is
	// pending at carrierAttempt and includes n. covered false means one
	// of those failed and nothing was written: a run that took either
	// lease over decides.
	CoverNotification(ctx context.Context, n domain.Notification, carrierAttempt int64, ev domain.AuditEvent) (covered bool, err error)
	// AwaitsReview reports whether a submission is still pending and in
	// the programme's review queue, with its status ("" when it is not
	// there).
	AwaitsReview(ctx context.Context, programmeID, projectID, id string) (awaits bool, status domain.OutcomeStatus, err error)
	// Corrected reports whether a submission has been corrected.
	Corrected(ctx context.Context, programmeID, id string) (bool, error)
	// PaymentNow reads a payment's status and trigger as they now stand
	// (a consistent read; the other fields are left zero), the zero
	// payment when it is not there.
	PaymentNow(ctx context.Context, programmeID, grantID, id string) (domain.Payment, error)
	// GrantFunder reads a grant's funder as it now stands (a consistent
	// read), "" when the grant is not there: a payment's email goes to
	// the grant's funder as it is when sent.
	GrantFunder(ctx context.Context, programmeID, grantID string) (string, error)
}

// Reporting finds the returns due a reminder or overdue notice, and the
// generations of returns a failed request left unfinished.
type Reporting interface {
	// DueReturns lists one shard of the returns not yet sent whose next
	// look falls on or before today.
	DueReturns(ctx context.Context, shard int, today domain.Date, p service.Page) ([]service.DueReturn, string, error)
	// RescheduleReturn moves a due return to its next look (out of the
	// index when next is zero), conditionally: only while it is where it
	// was read (DueKey). Otherwise (filled, or moved by another run) it
	// moves nothing and returns nil.
	RescheduleReturn(ctx context.Context, d service.DueReturn, next domain.Date) error
	// Generations lists one shard of the generations started before
	// before and not finished, oldest first.
	Generations(ctx context.Context, shard int, before time.Time, p service.Page) ([]service.Generation, string, error)
}

// Payments finds the payments whose trigger may have fired and makes them
// due.
type Payments interface {
	// DuePayments lists one shard of the scheduled date payments due on or
	// before today.
	DuePayments(ctx context.Context, shard int, today domain.Date, p service.Page) ([]service.DuePayment, string, error)
	// WaitingPayments lists a programme's scheduled payments waiting on a
	// target or a return.
	WaitingPayments(ctx context.Context, programmeID string, p service.Page) ([]domain.Payment, string, error)
	// FallDue makes payment before due (after), records its email (note,
	// pending) and moves grant g's figures, with ev, in one change,
	// conditionally: only while the payment is scheduled at before's
	// version and, when figures is not nil (a payment on a target), while
	// the programme's figures version is still *figures, the one the
	// decision was made on (service.TotalsStore.FiguresAsOf), as the
	// API's own release is conditioned (service.Release.Figures). fell
	// false means one of those failed (paid, cancelled, or made due by
	// another run; or the figures, a target or a waiting payment changed
	// since they were read, which marked the programme changed for the
	// next run to judge again) and nothing was written.
	FallDue(ctx context.Context, programmeID string, g domain.Grant, before, after domain.Payment, note domain.Notification, ev domain.AuditEvent, figures *int64) (fell bool, err error)
}
