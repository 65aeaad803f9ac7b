package domain

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// Payments: the tranches a grant is paid in, each due on a date or when
// its trigger (a target's threshold, a return accepted) fires.

// PaymentStatus is where a payment stands: scheduled until its trigger
// fires, then due until it is paid; or cancelled.
type PaymentStatus string

// Payment statuses.
const (
	PaymentScheduled PaymentStatus = "scheduled"
	PaymentDue       PaymentStatus = "due"
	PaymentPaid      PaymentStatus = "paid"
	PaymentCancelled PaymentStatus = "cancelled"
)

// SettledReason is why a payment in status s needs no payment-due email:
// NotNeededPaid or NotNeededCancelled, "" while it may still be due.
func (s PaymentStatus) SettledReason() NotNeededReason {
	switch s {
	case PaymentPaid:
		return NotNeededPaid
	case PaymentCancelled:
		return NotNeededCancelled
	}
	return ""
}

// TriggerKind is what makes a payment fall due.
type TriggerKind string

// Trigger kinds: a date, a target crossing a threshold (payment by
// results), or a reporting return being accepted.
const (
	TriggerDate      TriggerKind = "date"
	TriggerMilestone TriggerKind = "milestone"
	TriggerReturn    TriggerKind = "return"
)

// TriggerKinds lists the kinds a payment may have.
var TriggerKinds = []TriggerKind{TriggerDate, TriggerMilestone, TriggerReturn}

// Trigger is what makes a payment fall due: {kind: "date"} (its dueDate),
// {kind: "milestone", targetId, threshold} (the target reaching threshold
// percent of its value, on counted figures) or {kind: "return", returnId}
// (that return being accepted).
//
// The fields tagged readonly are fundtrack's record of what the trigger
// named when the payment was made (a milestone's target also when it fell
// due); a client sending any of them, with any value, is refused (see
// decode.JSON), and Validate refuses them set, both in RecordedProblem's
// words: the tag names what fundtrack records the field from.
type Trigger struct {
	Kind      TriggerKind `json:"kind"`
	TargetID  string      `json:"targetId,omitempty"`
	Threshold int64       `json:"threshold,omitempty"`
	ReturnID  string      `json:"returnId,omitempty"`
	// PeriodEnd is a return trigger's return's last day, which fundtrack
	// records when the payment is made (from the return it reads then;
	// a client never sets it). The return's id holds only the period's
	// start, and with the end every page and email names the period as
	// the return does ("November 2026") without reading the return.
	// Payments made before it was recorded lack it.
	PeriodEnd Date `json:"periodEnd,omitzero" readonly:"return"`
	// TargetMetric, TargetValue and TargetProjectID are a milestone
	// trigger's target as it was when the payment was made, recorded by
	// fundtrack from the target it reads then, and recorded again when the
	// payment falls due, from the target it fell due on (the notifier's).
	// A target's metric and value may change later; the payment's history
	// still says what the payment was made for, and once due its page what
	// it fell due on (TriggerWords). Payments made before they were
	// recorded lack them (TargetMetric "") until they fall due. The API
	// answers a payment still scheduled with them as its target is now
	// (Payment.ViewNow), which is what it waits on; the stored record,
	// and so its history, keeps them as recorded.
	TargetMetric    Metric `json:"targetMetric,omitempty" readonly:"target"`
	TargetValue     int64  `json:"targetValue,omitempty" readonly:"target"`
	TargetProjectID string `json:"targetProjectId,omitempty" readonly:"target"`
}

// Record notes in a milestone trigger its target as it is now (see
// Trigger.TargetMetric); other triggers, or another target, are unchanged.
func (t *Trigger) Record(target Target) {
	if t.Kind != TriggerMilestone || target.ID != t.TargetID {
		return
	}
	t.TargetMetric, t.TargetValue, t.TargetProjectID = target.Metric, target.Value, target.ProjectID
}

// recordedTarget is the target as t recorded it when its payment was made
// or fell due, or nil when it recorded none (a payment made before it was
// recorded).
func (t Trigger) recordedTarget() *Target {
	if t.Kind != TriggerMilestone || t.TargetMetric == "" {
		return nil
	}
	return &Target{ID: t.TargetID, Metric: t.TargetMetric, Value: t.TargetValue, ProjectID: t.TargetProjectID}
}

// Waits reports whether a payment with this trigger waits on something
// the notifier must look at (a target's figures, a return's status) rather
// than on a date.
func (t Trigger) Waits() bool { return t.Kind == TriggerMilestone || t.Kind == TriggerReturn }

// Payment is one tranche of a grant.
type Payment struct {
	ID          string `json:"id"`
	GrantID     string `json:"grantId"`
	AmountPence int64  `json:"amountPence"`
	// DueDate is when a date payment falls due; for the other triggers
	// the date it is expected, for forecasts, or null.
	DueDate   *Date         `json:"dueDate"`
	Trigger   Trigger       `json:"trigger"`
	Status    PaymentStatus `json:"status"`
	DueSince  Date          `json:"dueSince,omitzero"`
	PaidDate  Date          `json:"paidDate,omitzero"`
	Reference string        `json:"reference,omitempty"`
	Version   int64         `json:"version"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
}

// Due is the payment's due or expected date (zero when it has none).
func (p Payment) Due() Date {
	if p.DueDate == nil {
		return Date{}
	}
	return *p.DueDate
}

// MaxReferenceLen bounds a payment's reference (a remittance or purchase
// order number).
const MaxReferenceLen = 100

// PaymentInput is the body of POST …/grants/{g}/payments.
type PaymentInput struct {
	AmountPence int64    `json:"amountPence" required:"true"` // missing is "required", not "must be positive"
	DueDate     Date     `json:"dueDate"`
	Trigger     *Trigger `json:"trigger"`
	Reference   string   `json:"reference"`
}

// RecordedProblem is what is wrong with a field a client sent that
// fundtrack records itself from source (a payment trigger's periodEnd from
// the return, its target's metric, value and project from the target).
// The decoder gives it for a field tagged readonly:"source", before the
// body is read further, and Validate for one set all the same: one
// wording, whichever refuses it.
func RecordedProblem(source string) string {
	return "is recorded by fundtrack from the " + source + ": leave it out"
}

// Validate checks a payment's own fields. That it fits in its grant's
// amount, and that its target or return exists, is for the service.
func (in PaymentInput) Validate() error {
	p := Problems{}
	switch {
	case in.AmountPence <= 0:
		p.Add("amountPence", "must be a positive whole number of pence")
	case in.AmountPence > MaxAmountPence:
		p.Add("amountPence", "is implausibly large (over £100bn)")
	}
	optionalLine(p, "reference", in.Reference, MaxReferenceLen)
	t := in.Trigger
	if t == nil {
		p.Add("trigger", `required: {"kind": "date"}, {"kind": "milestone", "targetId", "threshold"} or {"kind": "return", "returnId"}`)
		return p.Err()
	}
	if t.Kind != TriggerMilestone {
		if t.TargetID != "" {
			p.Add("trigger.targetId", "only a milestone trigger names a target")
		}
		if t.Threshold != 0 {
			p.Add("trigger.threshold", "only a milestone trigger has a threshold")
		}
	}
	if t.Kind != TriggerReturn && t.ReturnID != "" {
		p.Add("trigger.returnId", "only a return trigger names a return")
	}
	if !t.PeriodEnd.IsZero() {
		p.Add("trigger.periodEnd", RecordedProblem("return"))
	}
	for field, set := range map[string]bool{"trigger.targetMetric": t.TargetMetric != "", "trigger.targetValue": t.TargetValue != 0,
		"trigger.targetProjectId": t.TargetProjectID != ""} {
		if set {
			p.Add(field, RecordedProblem("target"))
		}
	}
	switch t.Kind {
	case TriggerDate:
		if in.DueDate.IsZero() {
			p.Add("dueDate", "required: the date the payment falls due")
		}
	case TriggerMilestone:
		if !ValidID(t.TargetID) {
			p.Add("trigger.targetId", refProblem(t.TargetID, "required: the id of one of the programme's targets"))
		}
		if t.Threshold < 1 || t.Threshold > 1000 {
			p.Add("trigger.threshold", "must be a percentage of the target from 1 to 1000, e.g. 100")
		}
	case TriggerReturn:
		if _, _, _, ok := ParseReturnID(t.ReturnID); !ok {
			p.Add("trigger.returnId", refProblem(t.ReturnID, "required: the id of one of the programme's returns"))
		}
	case "":
		p.Add("trigger.kind", "required")
	default:
		p.Add("trigger.kind", `must be "date", "milestone" or "return"`)
	}
	return p.Err()
}

// TextFields lists the payment's free text: its reference.
// DueDateLatestAfterEnd is how long after its grant's end a tranche may
// fall due: a last tranche paid a few months after the grant ends (on its
// final report) is common; a date years on is a slip (2099 for 2029).
const DueDateLatestAfterEnd = "one year"

// LatestDueDate is the last date a tranche of g may fall due: one year
// after the grant's end.
func LatestDueDate(g Grant) Date { return Date{t: g.EndDate.t.AddDate(1, 0, 0)} }

// CheckDueDate checks in's dueDate, when it has one, against the grant it
// pays: never before the grant was awarded (2001 typed for 2026 would
// make a tranche due at once, its funder emailed a date long past), nor
// more than a year after the grant's end (LatestDueDate). 400 naming
// dueDate.
func (in PaymentInput) CheckDueDate(g Grant) error {
	if in.DueDate.IsZero() {
		return nil
	}
	p := Problems{}
	switch {
	case !g.AwardDate.IsZero() && in.DueDate.Before(g.AwardDate):
		p.Add("dueDate", "must not be before the grant was awarded ("+g.AwardDate.String()+")")
	case !g.EndDate.IsZero() && in.DueDate.After(LatestDueDate(g)):
		p.Add("dueDate", "must be no more than "+DueDateLatestAfterEnd+" after the grant ends ("+g.EndDate.String()+"), so on or before "+LatestDueDate(g).String())
	}
	return p.Err()
}

func (in PaymentInput) TextFields() []TextField {
	return []TextField{{"reference", in.Reference}}
}

// PaymentChange is the body of PATCH …/payments/{id}: {status: "paid",
// paidDate, reference?} or {status: "cancelled"}.
type PaymentChange struct {
	Status    PaymentStatus `json:"status"`
	PaidDate  Date          `json:"paidDate"`
	Reference *string       `json:"reference,omitempty" null:"clears"`
}

// Validate checks a change's own fields; today bounds the paid date (a
// payment is recorded as paid once it has been).
func (ch PaymentChange) Validate(today Date) error {
	p := Problems{}
	switch ch.Status {
	case PaymentPaid:
		switch {
		case ch.PaidDate.IsZero():
			p.Add("paidDate", "required: the date the payment was made")
		case ch.PaidDate.After(today):
			p.Add("paidDate", "must not be in the future: record a payment as paid once it has been made")
		}
		if ch.Reference != nil {
			optionalLine(p, "reference", *ch.Reference, MaxReferenceLen)
		}
	case PaymentCancelled:
		if !ch.PaidDate.IsZero() {
			p.Add("paidDate", "only a paid payment has a paid date")
		}
		if ch.Reference != nil {
			p.Add("reference", "a cancellation takes no reference")
		}
	case "":
		p.Add("status", `required: "paid" or "cancelled"`)
	default:
		p.Add("status", `must be "paid" or "cancelled"; a payment falls due by its trigger`)
	}
	return p.Err()
}

// CheckGrant checks a change against the grant the payment is of: a
// payment is not made before its grant was awarded, so an earlier paid
// date is a slip (and would be published as such in 360Giving).
func (ch PaymentChange) CheckGrant(g Grant) error {
	p := Problems{}
	if ch.Status == PaymentPaid && !ch.PaidDate.IsZero() && !g.AwardDate.IsZero() && ch.PaidDate.Before(g.AwardDate) {
		p.Add("paidDate", "must not be before the grant was awarded ("+g.AwardDate.String()+")")
	}
	return p.Err()
}

// TextFields lists the change's free text: the reference.
func (ch PaymentChange) TextFields() []TextField {
	if ch.Reference == nil {
		return nil
	}
	return []TextField{{"reference", *ch.Reference}}
}

// Apply returns p as the change leaves it, or a conflict when p's status
// does not allow it: a cancelled payment stays cancelled and a paid one
// cannot be cancelled. Marking a paid payment paid again corrects its
// paid date or reference. A payment may be paid before it falls due (a
// funder paying early); it then never falls due.
func (ch PaymentChange) Apply(p Payment) (Payment, error) {
	switch {
	case p.Status == PaymentCancelled:
		return p, Errorf(CodeConflict, "this payment was cancelled; record a new payment instead")
	case ch.Status == PaymentCancelled && p.Status == PaymentPaid:
		return p, Errorf(CodeConflict, "this payment has been paid, so it cannot be cancelled")
	}
	p.Status = ch.Status
	if ch.Status == PaymentPaid {
		p.PaidDate = ch.PaidDate
		if ch.Reference != nil {
			p.Reference = *ch.Reference
		}
	}
	return p, nil
}

// DueOnItsDate reports whether p is a dated payment whose date has come by
// today: it is due from its date (its DueDate, since which it is due),
// however it got there, so one recorded with a date already passed is due
// when it is made.
func (p Payment) DueOnItsDate(today Date) bool {
	return p.Trigger.Kind == TriggerDate && p.DueDate != nil && !p.DueDate.After(today)
}

// FallsDue reports whether p, scheduled, falls due now that target (as it
// is, with its figure current on counted figures) or ret (as it now is)
// stands so: a milestone payment on target once current reaches its
// threshold, a return payment on ret once ret is accepted. Either may be
// nil when not at hand. A dated payment falls due by DueOnItsDate.
func (p Payment) FallsDue(target *Target, current int64, ret *Return) bool {
	if p.Status != PaymentScheduled {
		return false
	}
	switch p.Trigger.Kind {
	case TriggerMilestone:
		return target != nil && p.Trigger.Reached(*target, current)
	case TriggerReturn:
		return ret != nil && p.Trigger.Accepts(*ret)
	}
	return false
}

// PaymentDueNotice is the email about payment p of grant g falling due
// since since (p as it is once due; words the target or return that
// released it, and the name of that one's project, as far as they are at
// hand), recorded at at, pending. Its recipients are left for whoever
// records it to fix (nil: the funder's contacts and the programme's
// leads as they are when it is sent): the API, which makes payments due
// with their trigger, reads neither. The notifier and the API record it
// alike, so the email says the same whichever made the payment due.
func PaymentDueNotice(programmeID string, g Grant, p Payment, since Date, words TriggerWords, at time.Time) Notification {
	triggerProject := p.Trigger.ProjectID(words.Target)
	n := Notification{ID: PaymentNotificationID(p.ID), Kind: KindPaymentDue, Status: NotificationPending,
		FunderIDs: []string{g.FunderID}, CreatedAt: at, ProgrammeID: programmeID,
		ProjectID: cmp.Or(g.ProjectID, triggerProject), On: since, PaymentID: p.ID, GrantID: g.ID, GrantTitle: g.Title,
		AmountPence: p.AmountPence, Because: p.Trigger.Describe(p.Due(), words), PeriodStart: g.StartDate, PeriodEnd: g.EndDate}
	n.Released = p.Trigger.Released(p.Due(), words, n.ProjectID)
	return n
}

// FallDue returns p as it is once its trigger fires: due since since. Only
// a scheduled payment falls due; once due it stays due until it is paid or
// cancelled, whatever happens to the figures that triggered it (the SPEC's
// "crosses": a milestone tranche falls due when its target crosses the
// threshold, and no later correction takes it back, as a milestone email
// sent is never taken back). What the figures say now is shown beside it
// (MilestoneMetNow), never written to it.
func (p Payment) FallDue(since Date, at time.Time) (Payment, bool) {
	if p.Status != PaymentScheduled {
		return p, false
	}
	p.Status, p.DueSince, p.Version, p.UpdatedAt = PaymentDue, since, p.Version+1, at
	return p, true
}

// OpenMilestone reports whether p is a milestone tranche still to be paid:
// scheduled or due, neither paid nor cancelled. Only such a tranche is
// judged against its target's figures as they are now (MilestoneMetNow).
func (p Payment) OpenMilestone() bool {
	return p.Trigger.Kind == TriggerMilestone && (p.Status == PaymentScheduled || p.Status == PaymentDue)
}

// MilestoneMetNow says whether p, an open milestone tranche
// (OpenMilestone), has its threshold met now by target (its target as it
// is now) with current (that target's figure over its window on counted
// figures now); ok is false when there is nothing to judge: p is not an
// open milestone tranche, or target is not at hand (nil) or not p's.
func (p Payment) MilestoneMetNow(target *Target, current int64) (met, ok bool) {
	if !p.OpenMilestone() || target == nil || target.ID != p.Trigger.TargetID {
		return false, false
	}
	return p.Trigger.Reached(*target, current), true
}

// MilestoneNoLongerMet reports whether p is a milestone tranche that fell
// due and whose target no longer meets its threshold now (target and
// current as for MilestoneMetNow): the approved figures were corrected
// down, or the target raised, after it fell due. It stays due until it is
// paid or cancelled (FallDue); its page, the payments CSV and its email
// say so.
func (p Payment) MilestoneNoLongerMet(target *Target, current int64) bool {
	met, ok := p.MilestoneMetNow(target, current)
	return ok && !met && p.Status == PaymentDue
}

// MilestoneNoLongerMetWords is how the grant's page and the payments CSV
// flag a due tranche whose milestone is no longer met (MilestoneNoLongerMet).
const MilestoneNoLongerMetWords = "Milestone no longer met on current figures"

// PaymentView is a payment as the API answers it: the record, as stored,
// with what fundtrack reads of it as things are now, which is never
// stored with it (ViewNow).
type PaymentView struct {
	Payment
	// MilestoneMetNow is, for a milestone tranche still to be paid
	// (scheduled or due), whether its target meets its threshold now on
	// counted figures; nil (left out) for any other payment, or when it was
	// not judged (the target is not there).
	MilestoneMetNow *bool `json:"milestoneMetNow,omitempty"`
}

// ViewNow is p as the API answers it, given its target as it is now
// (target, nil when not at hand) and, when judged, that target's figure
// now (current): a scheduled milestone tranche's trigger names the target
// as it is now (Trigger.Record), which is what it waits on and what its
// page and the payments CSV name, rather than as it was when the payment
// was made; one due, paid or cancelled keeps the target it recorded when
// it fell due (or was made). An open milestone tranche says whether its
// threshold is met now (MilestoneMetNow).
func (p Payment) ViewNow(target *Target, current int64, judged bool) PaymentView {
	v := PaymentView{Payment: p}
	if p.Status == PaymentScheduled && target != nil {
		v.Trigger.Record(*target)
	}
	if judged {
		if met, ok := p.MilestoneMetNow(target, current); ok {
			v.MilestoneMetNow = &met
		}
	}
	return v
}

// CheckGrant checks a trigger against the grant it pays (target is the
// trigger's target as read, nil when it has none or it is not there): a
// payment of a project's grant is paid on that project's results, so it
// waits on a return of that project, or on a target of that project or
// of the programme as a whole (the network's figures, which the project's
// count in); never on another project's. A grant to the whole programme
// may wait on any project's.
func (t Trigger) CheckGrant(g Grant, target *Target) error {
	if !t.OtherProject(g.ProjectID, target) {
		return nil
	}
	if t.Kind == TriggerReturn {
		return &Error{Code: CodeValidation, Message: "the return is not the grant's project's",
			Fields: map[string]string{"trigger.returnId": "must be a return of the grant's project"}}
	}
	return &Error{Code: CodeValidation, Message: "the target is another project's",
		Fields: map[string]string{"trigger.targetId": "must be a target of the grant's project or of the whole programme"}}
}

// OtherProject reports whether t waits on the results of a project other
// than project, the project of the grant it pays ("" for a grant to the
// whole programme, which may wait on any project's): a return of another
// project, or a target of another project (target is t's target as it is
// now, or nil to go by the project t recorded; see ProjectID). A
// programme-wide target, a dated payment, and anything for a grant to the
// whole programme are never another project's.
func (t Trigger) OtherProject(project string, target *Target) bool {
	if project == "" || !t.Waits() {
		return false
	}
	if t.Kind == TriggerReturn {
		if _, _, _, ok := ParseReturnID(t.ReturnID); !ok {
			return false // Validate's
		}
	}
	on := t.ProjectID(target)
	return on != "" && on != project
}

// Accepts reports whether a return trigger has fired: its return is
// accepted (approved, or received when the programme does not review).
func (t Trigger) Accepts(r Return) bool {
	return t.Kind == TriggerReturn && r.ID == t.ReturnID && r.State == StateAccepted
}

// Reached reports whether a milestone trigger has fired: its target's
// figure current has reached threshold percent of the target's value
// (the rule of Target.Milestones).
func (t Trigger) Reached(target Target, current int64) bool {
	return t.Kind == TriggerMilestone && target.ID == t.TargetID && current*100 >= t.Threshold*target.Value
}

// TriggerWords is what Trigger.Describe may name beyond the trigger
// itself, as far as the caller has it at hand (each may be left out).
type TriggerWords struct {
	// Target is the target a milestone payment waits on: its value and
	// metric, and whether it is a project's or the programme's.
	Target *Target
	// AsRecorded describes a milestone trigger by the target it recorded
	// when its payment was made or fell due, where it recorded one, rather
	// than by Target: for the audit trail, whose events must not be
	// rewritten by a change to the target since, and for a payment no
	// longer waiting (due, paid or cancelled), which was released, paid or
	// given up on the target as it then was. Target is the target as it is
	// now, which a payment still waiting (scheduled) waits on.
	AsRecorded bool
	// Return is the return a return payment waits on: its period is then
	// named by its months ("November 2026"), not only by its start. A
	// trigger that recorded its return's period end (Trigger.PeriodEnd)
	// needs no Return for that.
	Return *Return
	// Project is the name of the project whose return or target it is
	// (Trigger.ProjectID): on a programme with many projects each sending
	// a return for the same month, the project is what tells them apart.
	Project string
}

// ProjectID is the id of the project whose return or target t waits on
// (target is t's target, or nil when not at hand): "" for a dated payment
// or a programme-wide target. A return's id holds its project, and a
// milestone trigger records its target's (TargetProjectID; payments made
// before that need target), so this needs no read.
func (t Trigger) ProjectID(target *Target) string {
	switch t.Kind {
	case TriggerReturn:
		_, project, _, _ := ParseReturnID(t.ReturnID)
		return project
	case TriggerMilestone:
		if target != nil && target.ID == t.TargetID {
			return target.ProjectID
		}
		return t.TargetProjectID
	}
	return ""
}

// NamedTarget is the target a milestone trigger is described by: now (the
// target as it is now, nil when not at hand), unless asRecorded (or now is
// not at hand) and the trigger recorded its target (recordedTarget); nil
// when neither is at hand, or for another kind of trigger. Its project is
// the one to name (Trigger.ProjectID of it): a target may move to another
// project since.
func (t Trigger) NamedTarget(now *Target, asRecorded bool) *Target {
	if t.Kind != TriggerMilestone {
		return nil
	}
	if now != nil && now.ID != t.TargetID {
		now = nil
	}
	if rec := t.recordedTarget(); rec != nil && (asRecorded || now == nil) {
		return rec
	}
	return now
}

// Describe says in words what makes the payment fall due, for people
// (dates written out: "1 July 2025"), naming what w has of the return's
// or target's project: "when North IPS's return for November 2026 is
// accepted", "when 100% of North IPS's target of 20 referrals is
// reached", "when 50% of the programme's target of 10 people into work is
// reached". A milestone's target is t.NamedTarget(w.Target, w.AsRecorded).
func (t Trigger) Describe(due Date, w TriggerWords) string {
	whose := cmp.Or(Possessive(w.Project), "the")
	switch t.Kind {
	case TriggerDate:
		return "due on " + due.Long()
	case TriggerMilestone:
		return "when " + t.targetWords(w, whose) + " is reached"
	case TriggerReturn:
		return "when " + t.returnWords(w, whose) + " is accepted"
	}
	return ""
}

// Released says in a few words what released a payment on t, for the
// subject of the email saying it fell due, which tells two payments of one
// grant and amount apart: "on 1 April 2026", "on the return for January to
// March 2026", "at 50% of the target of 20 referrals", "at 50% of the
// programme's target of 10 people into work". The subject names in its
// brackets the project the email is about (about, its id), so a return or
// target of that project is "the return", "the target"; another project's
// is named, as Describe names it ("at 50% of North IPS's target …").
func (t Trigger) Released(due Date, w TriggerWords, about string) string {
	whose := "the"
	if t.ProjectID(t.NamedTarget(w.Target, w.AsRecorded)) != about {
		whose = cmp.Or(Possessive(w.Project), "the")
	}
	switch t.Kind {
	case TriggerDate:
		return "on " + due.Long()
	case TriggerMilestone:
		return "at " + t.targetWords(w, whose)
	case TriggerReturn:
		return "on " + t.returnWords(w, whose)
	}
	return ""
}

// targetWords names a milestone trigger's threshold and target: "50% of
// North IPS's target of 20 referrals" (whose is a project's possessive, or
// "the"), "50% of the programme's target of 10 people into work" for a
// programme's target, or "50% of target <id>" when the target is not at
// hand.
func (t Trigger) targetWords(w TriggerWords, whose string) string {
	target := t.NamedTarget(w.Target, w.AsRecorded)
	if target == nil {
		return fmt.Sprintf("%d%% of target %s", t.Threshold, t.TargetID)
	}
	if target.ProjectID == "" {
		whose = "the programme's"
	}
	return fmt.Sprintf("%d%% of %s target of %d %s", t.Threshold, whose, target.Value, target.Metric.Phrase())
}

// returnWords names a return trigger's return: "North IPS's return for
// November 2026" (whose is a project's possessive, or "the"), by its
// period as far as w.Return or the trigger's recorded period end tell it,
// else by its start ("… return for the period from 1 November 2026"), or
// by its id when that cannot be read.
func (t Trigger) returnWords(w TriggerWords, whose string) string {
	if r := w.Return; r != nil && r.ID == t.ReturnID && !r.PeriodStart.IsZero() && !r.PeriodEnd.IsZero() {
		return whose + " return for " + PeriodText(r.PeriodStart, r.PeriodEnd)
	}
	if _, _, start, ok := ParseReturnID(t.ReturnID); ok {
		if !t.PeriodEnd.IsZero() && !t.PeriodEnd.Before(start) {
			return whose + " return for " + PeriodText(start, t.PeriodEnd)
		}
		return whose + " return for the period from " + start.Long()
	}
	return "return " + t.ReturnID
}

// DueWhen says what makes p fall due, as a sentence in words, as its
// grant's page and the payments CSV list it: "On 1 April 2026", "When North
// IPS's return for January to March 2026 is accepted", "When 50% of North
// IPS's target of 20 referrals is reached". now is the target p waits on as
// it is now (nil when not at hand, or for another kind of payment): a
// payment still scheduled is described by it, which is what it waits on; one
// due, paid or cancelled by the target it recorded when it was made or fell
// due (Trigger.NamedTarget), so a change to the target since does not
// rewrite what it was released, paid or given up on. projects names the
// programme's projects by id.
func (p Payment) DueWhen(now *Target, projects map[string]string) string {
	words := "on " + p.Due().Long()
	if p.Trigger.Kind != TriggerDate {
		recorded := p.Status != PaymentScheduled
		target := p.Trigger.NamedTarget(now, recorded)
		words = p.Trigger.Describe(p.Due(), TriggerWords{Target: target, AsRecorded: recorded, Project: projects[p.Trigger.ProjectID(target)]})
	}
	if words == "" {
		return ""
	}
	return strings.ToUpper(words[:1]) + words[1:]
}

// Possessive writes a name as its owner's: "North IPS's", and "Leeds
// internships'" where the name ends in a lower-case s (a plural, as
// project names often are); "" stays "". Every sentence that makes a name
// possessive uses it, so emails and pages agree.
func Possessive(name string) string {
	switch {
	case name == "":
		return ""
	case strings.HasSuffix(name, "s"):
		return name + "'"
	}
	return name + "'s"
}

// MoneyDelta is how a change moves one grant's money figures: its
// headroom (the amount not yet committed to payments that are not
// cancelled), what is paid, due and spent (in all and by category), and
// how many of the programme's payments wait on a target or return.
type MoneyDelta struct {
	Headroom, Paid, Due, Spent int64
	SpentBy                    map[BudgetCategory]int64
	Waiting                    int64
	// DueCount is how many payments are due and not paid: a portfolio
	// counts them.
	DueCount int64
}

// IsZero reports whether the delta moves nothing.
func (d MoneyDelta) IsZero() bool {
	for _, n := range d.SpentBy {
		if n != 0 {
			return false
		}
	}
	return d.Headroom == 0 && d.Paid == 0 && d.Due == 0 && d.Spent == 0 && d.Waiting == 0 && d.DueCount == 0
}

// PaymentDelta is how a payment going from before (nil: it is new) to
// after moves its grant's figures.
func PaymentDelta(before *Payment, after Payment) MoneyDelta {
	committed := func(p Payment) int64 {
		if p.Status == PaymentCancelled {
			return 0
		}
		return p.AmountPence
	}
	in := func(p Payment, s PaymentStatus) int64 {
		if p.Status == s {
			return p.AmountPence
		}
		return 0
	}
	waits := func(p Payment) int64 {
		if p.Status == PaymentScheduled && p.Trigger.Waits() {
			return 1
		}
		return 0
	}
	isDue := func(p Payment) int64 {
		if p.Status == PaymentDue {
			return 1
		}
		return 0
	}
	d := MoneyDelta{Headroom: -committed(after), Paid: in(after, PaymentPaid), Due: in(after, PaymentDue), Waiting: waits(after),
		DueCount: isDue(after)}
	if before != nil {
		d.Headroom += committed(*before)
		d.Paid -= in(*before, PaymentPaid)
		d.Due -= in(*before, PaymentDue)
		d.Waiting -= waits(*before)
		d.DueCount -= isDue(*before)
	}
	return d
}
