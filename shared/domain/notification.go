package domain

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// NotificationKind is why an email is sent: a target's milestone, the
// reporting cycle, or a payment falling due.
type NotificationKind string

// Notification kinds.
const (
	KindReached NotificationKind = "reached"
	KindMissed  NotificationKind = "missed"
	KindAtRisk  NotificationKind = "at-risk"
	// The reporting cycle's kinds: about a return or a submission rather
	// than a target.
	KindReminder         NotificationKind = "reminder"
	KindOverdue          NotificationKind = "overdue"
	KindAwaitingReview   NotificationKind = "awaiting-review"
	KindChangesRequested NotificationKind = "changes-requested"
	// KindPaymentDue is about a payment that fell due: to the funder's
	// contacts and the programme's leads.
	KindPaymentDue NotificationKind = "payment-due"
)

// Reporting reports whether the kind is one of the reporting cycle's,
// which go to the programme's staff, never to funders.
func (k NotificationKind) Reporting() bool {
	switch k {
	case KindReminder, KindOverdue, KindAwaitingReview, KindChangesRequested:
		return true
	}
	return false
}

// DueForItsDate reports whether a payment-due notification's reason is
// only its date (a dated payment: Because is "due on 1 November 2026"), or
// it has none: the date that it fell due then says it all, once.
func (n Notification) DueForItsDate() bool {
	return n.Because == "" || n.Because == "due on "+n.On.Long()
}

// MarshalJSON writes the notification as the API lists it: a figure only
// on a milestone, where 0 is a real one (a target missed with none), and
// none on the others, whose emails count nothing. (The store encodes the
// struct itself, through its tags.)
func (n Notification) MarshalJSON() ([]byte, error) {
	type plain Notification // its fields without this method
	out := struct {
		plain
		Figure *int64 `json:"figure,omitempty"` // shadows plain's
	}{plain: plain(n)}
	if n.Kind.Milestone() {
		out.Figure = &n.Figure
	}
	return json.Marshal(out)
}

// Milestone reports whether the kind is a target's: reached, missed or
// at-risk, the kinds that carry a figure.
func (k NotificationKind) Milestone() bool {
	switch k {
	case KindReached, KindMissed, KindAtRisk:
		return true
	}
	return false
}

// NotNeededReason is why an email was no longer needed when its turn to
// go came.
type NotNeededReason string

// Reasons an email is settled unsent: an awaiting-review email's
// submission no longer awaits review, or it has been corrected (a
// changes-requested email always goes: it carries the lead's comment); a
// payment-due email's payment was recorded paid, or cancelled, before it
// went; a return's reminder or overdue email's return was removed (its
// schedule's last period moved earlier), or sent, before it went.
const (
	NotNeededReviewed  NotNeededReason = "reviewed"  // a lead approved it or asked for changes
	NotNeededCorrected NotNeededReason = "corrected" // a correction replaced it, and awaits review itself
	NotNeededPaid      NotNeededReason = "paid"      // a lead recorded the payment paid
	NotNeededCancelled NotNeededReason = "cancelled" // a lead cancelled the payment
	NotNeededRemoved   NotNeededReason = "removed"   // the return was removed with its schedule's last periods
	NotNeededSubmitted NotNeededReason = "submitted" // the project sent the return
	// The programme's only lead sent the submission awaiting review: the
	// email would go to nobody but them, about their own figures (an
	// awaiting-review email goes to the other leads: SentBy).
	NotNeededOwnSubmission NotNeededReason = "own-submission"
)

// Withdrawal is a recipient taken off a pending email, and why.
type Withdrawal struct {
	Email  string          `json:"email"`
	Reason WithdrawnReason `json:"reason"`
}

// WithdrawnReason is why a recipient was taken off a pending email: the
// role it went to them in is no longer theirs.
type WithdrawnReason string

// Reasons a recipient is withdrawn.
const (
	WithdrawnNoLongerContact     WithdrawnReason = "no-longer-contact"      // taken off the funder's contacts
	WithdrawnNoLongerLead        WithdrawnReason = "no-longer-lead"         // no longer a lead of the programme
	WithdrawnNoLongerProjectLead WithdrawnReason = "no-longer-project-lead" // no longer a lead of the project
	WithdrawnNoLongerNotified    WithdrawnReason = "no-longer-notified"     // its funder taken off the target's notify list
)

// Words say why a recipient was withdrawn.
func (r WithdrawnReason) Words() string {
	switch r {
	case WithdrawnNoLongerLead:
		return "no longer a lead of the programme"
	case WithdrawnNoLongerProjectLead:
		return "no longer a project lead of the project"
	case WithdrawnNoLongerNotified:
		return "the funder was taken off the target's notify list"
	}
	return "no longer a contact of the funder"
}

// NotificationStatus is where a notification's email stands.
type NotificationStatus string

// Notification statuses: pending until every recipient has it or a send
// fails for good.
const (
	NotificationPending NotificationStatus = "pending"
	NotificationSent    NotificationStatus = "sent"
	NotificationFailed  NotificationStatus = "failed"
)

// Notification is one email about one thing: a target's milestone, a
// return's reminder or overdue notice, a submission awaiting review or
// sent back for changes, or a payment falling due. Its id is fixed by what
// it is about (target, kind and threshold for a milestone), so at most one
// ever exists for each, which is what makes each emailed at most once.
type Notification struct {
	ID           string             `json:"id"`
	TargetID     string             `json:"targetId,omitempty"`
	Threshold    int64              `json:"threshold,omitempty"`
	ReturnID     string             `json:"returnId,omitempty"`
	SubmissionID string             `json:"submissionId,omitempty"`
	Kind         NotificationKind   `json:"kind"`
	Status       NotificationStatus `json:"status"`
	// Recipients are who the email goes to: the people in the roles it
	// is for (a funder's contacts, the leads, the project's leads). A
	// submission's email, and a payment's made due by the API, is
	// recorded without them, nil until it is first sent, which tells the
	// notifier so (the API answers [], as every nil list:
	// present.Answer). Each time a pending email is tried they are brought
	// up to who holds those roles then (Readdress): those who left are
	// Withdrawn, and those who joined are added.
	Recipients []string `json:"recipients"`
	Delivered  []string `json:"delivered,omitempty"`
	Rejected   []string `json:"rejected,omitempty"` // refused by SES for good; never retried
	// Sending are the recipients a run claimed, to hand their email to
	// SES, and has not yet recorded delivered or refused. Once the
	// notification is no longer pending, those left are the ones a run
	// stopped while sending to: whether their email went is not known,
	// and it is never sent again (each email goes at most once).
	Sending   []string   `json:"sending,omitempty,stringset"`
	Attempts  int64      `json:"attempts"`
	SentAt    *time.Time `json:"sentAt,omitempty"`
	LastError string     `json:"lastError,omitempty"`
	FunderIDs []string   `json:"funderIds,omitempty"`
	// FunderContacts are, by funder in FunderIDs, the contacts it was
	// emailed to: the funder's contacts when the notification was
	// recorded, or when it was last tried while pending (Readdress),
	// those withdrawn then among them. A funder is shown these, whoever
	// its contacts are now.
	FunderContacts map[string][]string `json:"funderContacts,omitempty"`
	CreatedAt      time.Time           `json:"createdAt"`
	ProgrammeID    string              `json:"programmeId"`
	// What the email says, fixed when the milestone was first seen so a
	// retry days later reports the same figure and date. Only a
	// milestone has a figure; MarshalJSON leaves it out of the others.
	Figure    int64  `json:"figure"`
	Value     int64  `json:"value,omitempty"` // milestones only, as metric
	Metric    Metric `json:"metric,omitempty"`
	ProjectID string `json:"projectId,omitempty"`
	On        Date   `json:"on"`
	// The period the email's figures cover: a milestone's, its target's
	// window; a reporting-cycle email's, the return's period, with when it
	// is due and, when changes are requested, the lead's comment.
	PeriodStart Date   `json:"periodStart,omitzero"`
	PeriodEnd   Date   `json:"periodEnd,omitzero"`
	DueDate     Date   `json:"dueDate,omitzero"`
	Reminder    *int64 `json:"reminderDays,omitempty"`
	Comment     string `json:"comment,omitempty"`
	// FiguresTo is, for a milestone, the end of the latest period its
	// figure counts: after On when a period not yet over was submitted,
	// so the email names the range its figures really cover.
	FiguresTo Date `json:"figuresTo,omitzero"`
	// AwaitingReview is, for a "missed" email, how many submissions with
	// figures for the target's window were awaiting review when it was
	// recorded (Target.AwaitingReview): not counted in Figure. "Missed"
	// waits for them while they could reach the target, but at most
	// MissedReviewHold days; after that it goes on the approved figures,
	// saying so. A count only: their figures are not counted yet.
	AwaitingReview int64 `json:"awaitingReview,omitempty"`
	// When one change crosses several thresholds of a target, one email
	// goes, naming the highest: its notification Covers the lower ones,
	// and each of those is recorded sent, CoveredBy it, so each threshold
	// is still notified at most once.
	//
	// Likewise the submissions awaiting review that one run finds for a
	// programme go to each lead in one email: the oldest one's
	// notification carries it and Includes the others' ids, and each of
	// those is recorded sent, CoveredBy it.
	Covers    []int64  `json:"covers,omitempty"`
	CoveredBy string   `json:"coveredBy,omitempty"`
	Includes  []string `json:"includes,omitempty"`
	// carrierHidden says CoveredBy was left out for a reader who may not
	// read the carrier (HideCarrier). Unexported, it is neither stored nor
	// answered: only Covered reads it.
	carrierHidden bool
	// NotNeeded says why an email stopped going out while some of its
	// recipients had not had it (a submission awaiting review was reviewed
	// or corrected, or a payment due was paid or cancelled, while it was
	// being retried): it is settled, sent if
	// anyone had it, else failed, and never sent to the others. One that
	// nobody had is withdrawn instead (deleted), and never listed.
	NotNeeded NotNeededReason `json:"notNeeded,omitempty"`
	// Withdrawn are the recipients taken off the email before it went to
	// them: each run that tries a pending email sends it to whoever holds
	// the roles it goes to then (a funder's contacts, the leads, the
	// project's leads), so someone who left those roles since it was
	// recorded is not emailed, and is listed here saying why. One who
	// returns to the role while it is still pending is a recipient again.
	Withdrawn []Withdrawal `json:"withdrawn,omitempty"`
	// A payment-due email names the payment, its grant, the amount and
	// why it fell due, fixed when it fell due: in full (Because, for its
	// body) and in a few words (Released, for its subject: see
	// Trigger.Released).
	PaymentID   string `json:"paymentId,omitempty"`
	GrantID     string `json:"grantId,omitempty"`
	GrantTitle  string `json:"grantTitle,omitempty"`
	AmountPence int64  `json:"amountPence,omitempty"`
	Because     string `json:"because,omitempty"`
	Released    string `json:"released,omitempty"`
	// SentBy is, for an awaiting-review email, the lead who sent the
	// submission: a lead is not emailed about their own figures (they may
	// not decide on them while another lead can: Outcome.SentBy), so it
	// goes to the other leads, and a digest lists one such sender's submissions only (see
	// the notifier's digests). "" for a project lead's submission, and for
	// one recorded before this was kept (and for an administrator's who is
	// no lead: the email goes to the leads). Fixed when it is recorded, so
	// every run addresses and groups it alike.
	SentBy string `json:"sentBy,omitempty"`
}

// Covered reports whether n went in another notification's email, with
// none of its own: CoveredBy names that one, or named one its reader may
// not read (HideCarrier).
func (n Notification) Covered() bool {
	return n.CoveredBy != "" || n.carrierHidden
}

// HideCarrier leaves out which notification's email n went in, for a
// reader who may not read that one (a project lead, when a digest's
// carrier is another project's submission's): its id is not shown, but
// Covered still says n went in one.
func (n *Notification) HideCarrier() {
	if n.CoveredBy != "" {
		n.CoveredBy, n.carrierHidden = "", true
	}
}

// NotifierCaller is who the audit trail says records and sends
// notifications: the notifier, not a person.
var NotifierCaller = Caller{Identity: Identity{Subject: "fundtrack-notifier", Email: "notifier@fundtrack"}}

// ClaimEvent is the audit event of a notification's creation: what it is
// about, who it is for and, for a threshold covered by another's email,
// that it was settled so. It is written with the notification.
func (n Notification) ClaimEvent() AuditEvent {
	rec := map[string]any{"kind": n.Kind, "status": n.Status}
	if n.Recipients != nil {
		rec["recipients"] = n.Recipients
	}
	for k, v := range map[string]string{"targetId": n.TargetID, "returnId": n.ReturnID, "submissionId": n.SubmissionID,
		"paymentId": n.PaymentID, "projectId": n.ProjectID, "coveredBy": n.CoveredBy} {
		if v != "" {
			rec[k] = v
		}
	}
	if n.Threshold != 0 {
		rec["threshold"] = n.Threshold
	}
	if n.TargetID != "" {
		rec["figure"] = n.Figure
	}
	if len(n.FunderIDs) > 0 {
		rec["funderIds"] = n.FunderIDs
	}
	if len(n.Covers) > 0 {
		rec["covers"] = n.Covers
	}
	if n.AwaitingReview > 0 {
		rec["awaitingReview"] = n.AwaitingReview
	}
	return NewAuditEvent(NotifierCaller, n.ProgrammeID, EntityNotification, n.ID, ActionCreate, nil, rec, n.CreatedAt)
}

// SentRecord is what the audit trail says of a notification sent: with
// the recipients who had it, but for one a digest covers, which names the
// carrier instead. Covered before the carrier is sent, it has gone to
// nobody yet, and "nobody" is not what happened: who had that email the
// carrier's own history says.
func (n Notification) SentRecord() map[string]any {
	rec := map[string]any{"status": n.Status, "kind": n.Kind}
	if n.NotNeeded != "" {
		rec["notNeeded"] = n.NotNeeded
	}
	if n.CoveredBy != "" {
		rec["coveredBy"] = n.CoveredBy
	} else {
		rec["recipients"] = n.Delivered
	}
	if len(n.Includes) > 0 {
		rec["includes"] = n.Includes
	}
	if n.Kind.Reporting() {
		for k, v := range map[string]string{"returnId": n.ReturnID, "submissionId": n.SubmissionID, "projectId": n.ProjectID} {
			if v != "" {
				rec[k] = v
			}
		}
		return rec
	}
	if n.Kind == KindPaymentDue {
		rec["paymentId"], rec["grantId"], rec["amountPence"] = n.PaymentID, n.GrantID, n.AmountPence
		return rec
	}
	rec["threshold"], rec["targetId"], rec["figure"] = n.Threshold, n.TargetID, n.Figure
	return rec
}

// Words say why an email stopped being needed.
func (r NotNeededReason) Words() string {
	switch r {
	case NotNeededCorrected:
		return "the submission was replaced by a correction, which has its own email"
	case NotNeededPaid:
		return "a lead recorded the payment paid"
	case NotNeededCancelled:
		return "a lead cancelled the payment"
	case NotNeededRemoved:
		return "the return was removed: its schedule no longer has that period"
	case NotNeededSubmitted:
		return "the project sent the return"
	}
	return "a lead reviewed the submission"
}

// SettledUnneeded is a pending notification some recipients had (or
// refused) when it stopped being needed (reason), finished at at with no
// more sent: sent, when anyone has it, else failed, saying why.
func (n Notification) SettledUnneeded(reason NotNeededReason, at time.Time) Notification {
	n.Status, n.NotNeeded, n.Sending = NotificationSent, reason, nil
	if len(n.Delivered) > 0 {
		n.SentAt = &at
	} else {
		n.Status = NotificationFailed
		n.LastError = "not delivered to anyone, and no longer needed: " + reason.Words()
	}
	return n
}

// WithdrawnRecord is what the audit trail says of a notification
// withdrawn, unsent to anyone, because it was no longer needed (reason):
// the "before" of its deletion.
func (n Notification) WithdrawnRecord(reason NotNeededReason) map[string]any {
	rec := n.SentRecord()
	rec["notNeeded"] = reason
	return rec
}

// PaymentNotificationID is the fixed id of the email about a payment
// falling due: each payment falls due at most once, and is emailed at
// most once.
func PaymentNotificationID(paymentID string) string {
	return paymentID + "." + string(KindPaymentDue)
}

// NotificationID is the fixed id of the notification for a milestone.
func NotificationID(targetID string, kind NotificationKind, threshold int64) string {
	return targetID + "." + string(kind) + "." + strconv.FormatInt(threshold, 10)
}

// ReturnNotificationID is the fixed id of a return's reminder (days
// before the due date) or overdue email: each is sent at most once.
func ReturnNotificationID(returnID string, n ReturnNotice) string {
	if n.Kind == KindReminder {
		return returnID + "." + string(KindReminder) + "." + strconv.FormatInt(n.Reminder, 10)
	}
	return returnID + "." + string(n.Kind)
}

// SubmissionNotificationID is the fixed id of the email about a
// submission awaiting review, or about changes requested of it.
func SubmissionNotificationID(submissionID string, kind NotificationKind) string {
	return submissionID + "." + string(kind)
}

// ValidNotificationID reports whether id could be a notification's id:
// anything else in a path is refused before it reaches the database.
func ValidNotificationID(id string) bool {
	first, _, ok := strings.Cut(id, ".")
	if !ok || len(id) > 200 {
		return false
	}
	if ValidID(first) {
		return true
	}
	_, _, _, isReturn := ParseReturnID(first)
	return isReturn
}

// Milestone is a notification a target calls for now.
type Milestone struct {
	Kind      NotificationKind
	Threshold int64
}

// Milestones lists what a target calls for, given where it stands: one
// "reached" per threshold crossed, "missed" once its deadline has passed
// unreached, "at-risk" once it is projected to fall short.
func (t Target) Milestones(tp TargetProgress) []Milestone {
	var out []Milestone
	for _, th := range t.Thresholds {
		if tp.Current*100 >= th*t.Value {
			out = append(out, Milestone{Kind: KindReached, Threshold: th})
		}
	}
	switch tp.Status {
	case StatusMissed:
		out = append(out, Milestone{Kind: KindMissed, Threshold: 100})
	case StatusAtRisk:
		out = append(out, Milestone{Kind: KindAtRisk, Threshold: 100})
	}
	return out
}

// NextCheck is the next day a target must be looked at even if no figures
// change: its quarter mark (when "at risk" can first apply), or the day
// its "at risk" email may first go if later (AtRiskEmailDay), then weekly
// until its deadline (and on that day, if it falls between), then the day
// after the deadline; after that the notifier sets the day "missed" may
// go (MissedNoticeDate). A zero date means the target needs no more
// time-driven checks.
func (t Target) NextCheck(periodStart, today Date) Date {
	if !t.StartDate.IsZero() {
		periodStart = t.StartDate
	}
	// Round up, as Evaluate does: the quarter has passed once elapsed*4 >= total.
	quarter := periodStart.AddDays((periodStart.DaysUntil(t.Deadline) + 3) / 4)
	after := t.Deadline.AddDays(1)
	atRisk := t.AtRiskEmailDay()
	switch {
	case today.Before(quarter):
		if atRisk.After(quarter) && !atRisk.After(t.Deadline) {
			return atRisk
		}
		return quarter
	case today.Before(after):
		next := today.AddDays(7)
		if today.Before(atRisk) && atRisk.Before(next) {
			next = atRisk
		}
		if next.After(after) {
			return after
		}
		return next
	case today.Before(t.MissedNoticeDate(MaxDueDays)):
		// Past the deadline, "missed" may still be to tell (a target
		// recorded after its deadline, or one whose last figures are not
		// due yet): due at once, for the notifier, which knows the
		// programme's schedules, to set the day (MissedNoticeDate).
		return after
	default:
		return Date{}
	}
}

// Headline is the one-line summary of a notification, used as the
// subject; where (in brackets at its end) is the programme's name, or for
// a project's email the project's and the programme's. A payment's says
// briefly what released it ("Payment due: £20,000.00 for Leicester posts,
// on the return for January to March 2026 (…)"): two payments of one
// grant and amount falling due together otherwise read alike, and mail
// clients thread them as one.
func (n Notification) Headline(programme string) string {
	period := PeriodText(n.PeriodStart, n.PeriodEnd)
	switch n.Kind {
	case KindPaymentDue:
		what := Pounds(n.AmountPence) + " for " + n.GrantTitle
		if n.Released != "" { // recorded since subjects said it
			what += ", " + n.Released
		}
		return fmt.Sprintf("Payment due: %s (%s)", what, programme)
	case KindReminder:
		return fmt.Sprintf("Return due %s: %s (%s)", n.DueDate.Long(), period, programme)
	case KindOverdue:
		return fmt.Sprintf("Return overdue: %s, due %s (%s)", period, n.DueDate.Long(), programme)
	case KindAwaitingReview:
		return fmt.Sprintf("Submission awaiting review: %s (%s)", period, programme)
	case KindChangesRequested:
		return fmt.Sprintf("Changes requested to your submission: %s (%s)", period, programme)
	case KindMissed:
		return fmt.Sprintf("Target missed: %s %s (%s)", Thousands(n.Value), n.Metric.Phrase(), programme)
	case KindAtRisk:
		return fmt.Sprintf("Target at risk: %s %s (%s)", Thousands(n.Value), n.Metric.Phrase(), programme)
	}
	if n.Threshold == 100 {
		return fmt.Sprintf("Target reached: %s %s (%s)", Thousands(n.Value), n.Metric.Phrase(), programme)
	}
	return fmt.Sprintf("%d%% of target reached: %s %s (%s)", n.Threshold, Thousands(n.Value), n.Metric.Phrase(), programme)
}
