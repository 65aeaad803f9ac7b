package domain

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Grants are paid in tranches (payments), some on dates and some on
// results, and spent against a budget (spend returns). Money is whole
// pence throughout; nothing here rounds except the spend projection, which
// says so.

// BudgetCategory is one line of a grant's budget, and of a spend return.
type BudgetCategory string

// The budget categories of the SPEC, in the order they are shown.
const (
	CategoryStaff     BudgetCategory = "staff"
	CategoryTraining  BudgetCategory = "training"
	CategoryEquipment BudgetCategory = "equipment"
	CategoryTravel    BudgetCategory = "travel"
	CategoryOverheads BudgetCategory = "overheads"
	CategoryOther     BudgetCategory = "other"
)

// BudgetCategories lists every category in the order they are shown.
var BudgetCategories = []BudgetCategory{CategoryStaff, CategoryTraining, CategoryEquipment, CategoryTravel,
	CategoryOverheads, CategoryOther}

// ValidCategory reports whether c is a budget category.
func ValidCategory(c BudgetCategory) bool { return slices.Contains(BudgetCategories, c) }

// Label is the category as people read it ("Staff").
func (c BudgetCategory) Label() string {
	if c == "" {
		return ""
	}
	return strings.ToUpper(string(c[:1])) + string(c[1:])
}

func categoryList() string {
	s := make([]string, len(BudgetCategories))
	for i, c := range BudgetCategories {
		s[i] = `"` + string(c) + `"`
	}
	return strings.Join(s, ", ")
}

// BudgetLine is an amount for one category: a line of a grant's budget or
// of a spend return.
type BudgetLine struct {
	Category BudgetCategory `json:"category"`
	// AmountPence is required in a body (a spend line's may be 0, so a
	// missing one must not read as 0).
	AmountPence int64 `json:"amountPence" required:"true"`
}

// MaxPeriodDays is the longest period a submission (of outcomes or spend)
// may cover: a year, leap day included.
const MaxPeriodDays = 366

// lines checks budget or spend lines at field (each category once, a known
// one, each amount whole pence from min to MaxAmountPence) and returns
// their sum.
func lines(p Problems, field string, ls []BudgetLine, min int64) int64 {
	seen := map[BudgetCategory]bool{}
	var sum int64
	for i, l := range ls {
		f := field + "[" + strconv.Itoa(i) + "]"
		switch {
		case l.Category == "":
			p.Add(f+".category", "required")
		case !ValidCategory(l.Category):
			p.Add(f+".category", "must be one of "+categoryList())
		case seen[l.Category]:
			p.Add(f+".category", "appears twice; give each category once")
		}
		seen[l.Category] = true
		switch {
		case l.AmountPence < min && min > 0:
			p.Add(f+".amountPence", "must be a positive whole number of pence")
		case l.AmountPence < min:
			p.Add(f+".amountPence", "must not be negative")
		case l.AmountPence > MaxAmountPence:
			p.Add(f+".amountPence", "is implausibly large (over £100bn)")
		default:
			sum += l.AmountPence
		}
	}
	return sum
}

// budget checks a grant's budget: when there is one, its lines add up to
// the grant's amount exactly.
func budget(p Problems, ls []BudgetLine, amountPence int64) {
	if len(ls) == 0 {
		return
	}
	if len(ls) > len(BudgetCategories) {
		p.Add("budget", "has more lines than there are categories")
		return
	}
	before := len(p)
	sum := lines(p, "budget", ls, 1)
	if len(p) == before && amountPence > 0 && sum != amountPence {
		p.Add("budget", fmt.Sprintf("lines add up to %s, not the grant's amount of %s", Pounds(sum), Pounds(amountPence)))
	}
}

// Budgeted reports whether the grant has a budget line for c (a grant
// without a budget takes spend in any category).
func (g Grant) Budgeted(c BudgetCategory) bool {
	return len(g.Budget) == 0 || slices.ContainsFunc(g.Budget, func(l BudgetLine) bool { return l.Category == c })
}

// Pounds writes pence as "£1,234.50", for messages and emails.
func Pounds(pence int64) string {
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	return fmt.Sprintf("%s£%s.%02d", sign, Thousands(pence/100), pence%100)
}

// Thousands writes a whole number with commas between its thousands
// ("2,500", "-1,234,567"), as messages and emails write counts and
// pounds.
func Thousands(n int64) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// --- payments ---

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
	// recorded lack them (TargetMetric "") until they fall due.
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
// cancelled, whatever happens to the figures that triggered it.
func (p Payment) FallDue(since Date, at time.Time) (Payment, bool) {
	if p.Status != PaymentScheduled {
		return p, false
	}
	p.Status, p.DueSince, p.Version, p.UpdatedAt = PaymentDue, since, p.Version+1, at
	return p, true
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

// --- spend returns ---

// SpendReturn is one immutable report of what a grant's money was spent
// on over a period, by budget line. A correction is a new one naming the
// one it Replaces.
type SpendReturn struct {
	ID          string       `json:"id"`
	GrantID     string       `json:"grantId"`
	PeriodStart Date         `json:"periodStart"`
	PeriodEnd   Date         `json:"periodEnd"`
	Lines       []BudgetLine `json:"lines"`
	TotalPence  int64        `json:"totalPence"`
	Notes       string       `json:"notes,omitempty"`
	Replaces    string       `json:"replaces,omitempty"`
	SubmittedAt time.Time    `json:"submittedAt"`
	SubmittedBy string       `json:"submittedBy"`
}

// SpendInput is the body of POST …/grants/{g}/spend.
type SpendInput struct {
	PeriodStart Date         `json:"periodStart"`
	PeriodEnd   Date         `json:"periodEnd"`
	Lines       []BudgetLine `json:"lines"`
	Notes       string       `json:"notes"`
	Replaces    string       `json:"replaces"`
}

// Validate checks a spend return's own fields; that it fits its grant's
// period and budget is CheckGrant's.
func (in SpendInput) Validate() error {
	p := Problems{}
	period(p, "periodStart", in.PeriodStart, "periodEnd", in.PeriodEnd)
	if !in.PeriodStart.IsZero() && !in.PeriodEnd.IsZero() && in.PeriodStart.DaysUntil(in.PeriodEnd) >= MaxPeriodDays {
		p.Add("periodEnd", "a period is at most a year; report longer spans as several returns")
	}
	switch {
	case len(in.Lines) == 0:
		p.Add("lines", `at least one line is required, e.g. [{"category": "staff", "amountPence": 1250000}]`)
	case len(in.Lines) > len(BudgetCategories):
		p.Add("lines", "has more lines than there are categories")
	default:
		lines(p, "lines", in.Lines, 0)
	}
	if in.Replaces != "" && !ValidID(in.Replaces) {
		p.Add("replaces", "must be the id of an earlier spend return of this grant")
	}
	optionalMultiLine(p, "notes", in.Notes, MaxNotesLen)
	return p.Err()
}

// TextFields lists the spend return's free text: its notes.
func (in SpendInput) TextFields() []TextField {
	return []TextField{{"notes", in.Notes}}
}

// CheckGrant checks a spend return against its grant: its period lies in
// the grant's, each line is a line of the grant's budget (when it has
// one), and it reports no more than the grant's whole amount. A grant may
// be overspent over its returns, but one period's spend above the whole
// award is a slipped key (pence typed as pounds, a few zeros too many),
// which would otherwise sit in every total and projection.
func (in SpendInput) CheckGrant(g Grant) error {
	p := Problems{}
	if !in.PeriodStart.IsZero() && in.PeriodStart.Before(g.StartDate) {
		p.Add("periodStart", "must not be before the grant starts ("+g.StartDate.String()+")")
	}
	if !in.PeriodEnd.IsZero() && in.PeriodEnd.After(g.EndDate) {
		p.Add("periodEnd", "must not be after the grant ends ("+g.EndDate.String()+")")
	}
	var total int64
	over := false
	for i, l := range in.Lines {
		f := "lines[" + strconv.Itoa(i) + "]"
		if ValidCategory(l.Category) && !g.Budgeted(l.Category) {
			p.Add(f+".category", "is not a line of this grant's budget")
		}
		if l.AmountPence < 0 || l.AmountPence > MaxAmountPence {
			continue // Validate's
		}
		if g.AmountPence > 0 && l.AmountPence > g.AmountPence {
			p.Add(f+".amountPence", "is more than the grant's whole amount of "+Pounds(g.AmountPence)+
				": a return reports one period's spend, in pounds and pence")
			over = true
		}
		total += l.AmountPence
	}
	if !over && g.AmountPence > 0 && total > g.AmountPence {
		p.Add("lines", "add up to "+Pounds(total)+", more than the grant's whole amount of "+Pounds(g.AmountPence)+
			": a return reports one period's spend, in pounds and pence")
	}
	return p.Err()
}

// CheckCorrects checks a correction against old, the spend return it
// corrects: it is the same period's spend, so it keeps old's period (one
// for another period would take old's spend out of its period unseen).
func (in SpendInput) CheckCorrects(old SpendReturn) error {
	p := Problems{}
	if !in.PeriodStart.IsZero() && !in.PeriodEnd.IsZero() {
		samePeriod(p, in.PeriodStart, in.PeriodEnd, old.PeriodStart, old.PeriodEnd, "spend return")
	}
	return p.Err()
}

// CheckBegun checks that new spend is for a period that has begun on day
// today: spend is money already spent, never a forecast, so a period not
// begun is a slipped year (2027 typed for 2026), as for outcome figures.
// A correction keeps its return's period (CheckCorrects) instead.
func (in SpendInput) CheckBegun(today Date) error {
	p := Problems{}
	if !in.PeriodStart.IsZero() && in.PeriodStart.After(today) {
		p.Add("periodStart", "must not be after today ("+today.String()+"): spend is reported for a period once it has begun")
	}
	return p.Err()
}

// ReportedAlready finds the spend return of reported (a grant's returns,
// corrections included) that in would report the same money again: one
// that still counts (no correction replaces it) whose period shares a day
// with in's. Spend returns are immutable; the way to change what a period
// reported is a correction of its return (replaces), so a second return
// over the same days only ever counts money twice. The earliest such
// return by period is named.
//
// A correction is not held to the returns its own return already
// overlapped: it keeps that return's period (CheckCorrects), so it adds no
// overlap, and an overlap stored before this rule (two returns counting
// one month) can then be put right by correcting either of them.
func (in SpendInput) ReportedAlready(reported []SpendReturn) (SpendReturn, bool) {
	if in.PeriodStart.IsZero() || in.PeriodEnd.IsZero() {
		return SpendReturn{}, false
	}
	replaced := map[string]bool{}
	var old *SpendReturn
	for i, s := range reported {
		if s.Replaces != "" {
			replaced[s.Replaces] = true
		}
		if in.Replaces != "" && s.ID == in.Replaces {
			old = &reported[i]
		}
	}
	var found *SpendReturn
	for i, s := range reported {
		switch {
		case replaced[s.ID], s.ID == in.Replaces, !overlaps(s.PeriodStart, s.PeriodEnd, in.PeriodStart, in.PeriodEnd):
		case old != nil && overlaps(s.PeriodStart, s.PeriodEnd, old.PeriodStart, old.PeriodEnd):
		case found == nil || s.PeriodStart.Before(found.PeriodStart):
			found = &reported[i]
		}
	}
	if found == nil {
		return SpendReturn{}, false
	}
	return *found, true
}

// overlaps reports whether the periods a to b and c to d (each day
// included) share a day.
func overlaps(a, b, c, d Date) bool { return !b.Before(c) && !d.Before(a) }

// CheckSpend checks a grant's new dates (in, changed from before) against
// its spend returns: a start moved later may not pass the earliest start
// of a spend return that counts (one not replaced by a correction), nor
// an end moved earlier the latest end of one. A spend return lies within
// its grant's period (SpendInput.CheckGrant) and keeps its period for
// good: a correction is for the same period (CheckCorrects), so a return
// left outside would still count in the grant's spend and could never be
// corrected again. Each refusal names the date the field may move to.
// Dates that widen, or stay, are always taken.
func (in GrantInput) CheckSpend(before Grant, spend []SpendReturn) error {
	replaced := map[string]bool{}
	for _, s := range spend {
		if s.Replaces != "" {
			replaced[s.Replaces] = true
		}
	}
	var first, last Date
	for _, s := range spend {
		if replaced[s.ID] {
			continue
		}
		if first.IsZero() || s.PeriodStart.Before(first) {
			first = s.PeriodStart
		}
		if s.PeriodEnd.After(last) {
			last = s.PeriodEnd
		}
	}
	p := Problems{}
	const why = ": spend already reported stays within the grant's dates, and a spend return keeps its period, even corrected"
	if in.StartDate.After(before.StartDate) && !first.IsZero() && in.StartDate.After(first) {
		p.Add("startDate", "must not be after "+first.String()+", where a spend return of this grant starts"+why)
	}
	if in.EndDate.Before(before.EndDate) && !last.IsZero() && in.EndDate.Before(last) {
		p.Add("endDate", "must not be before "+last.String()+", where a spend return of this grant ends"+why)
	}
	const msg = "the grant has spend returns outside those dates"
	return p.ErrAs(msg, msg)
}

// Total is what the lines add up to.
func Total(ls []BudgetLine) int64 {
	var n int64
	for _, l := range ls {
		n += l.AmountPence
	}
	return n
}

// SpendDelta is how counting a spend return (sign +1), or taking it back
// when it is corrected (-1), moves its grant's figures.
func SpendDelta(s SpendReturn, sign int64) MoneyDelta {
	d := MoneyDelta{SpentBy: map[BudgetCategory]int64{}}
	for _, l := range s.Lines {
		d.Spent += sign * l.AmountPence
		d.SpentBy[l.Category] += sign * l.AmountPence
	}
	return d
}

// Add returns d and o added up.
func (d MoneyDelta) Add(o MoneyDelta) MoneyDelta {
	out := MoneyDelta{Headroom: d.Headroom + o.Headroom, Paid: d.Paid + o.Paid, Due: d.Due + o.Due, Spent: d.Spent + o.Spent,
		Waiting: d.Waiting + o.Waiting, DueCount: d.DueCount + o.DueCount, SpentBy: map[BudgetCategory]int64{}}
	for c, n := range d.SpentBy {
		out.SpentBy[c] += n
	}
	for c, n := range o.SpentBy {
		out.SpentBy[c] += n
	}
	return out
}

// --- the figures progress shows ---

// GrantMoney is one grant's running money figures, kept up to date by
// every payment and spend return in the same transaction.
type GrantMoney struct {
	PaidPence  int64                    `json:"paidPence"`
	DuePence   int64                    `json:"duePence"`
	SpentPence int64                    `json:"spentPence"`
	SpentBy    map[BudgetCategory]int64 `json:"spentBy,omitempty"`
}

// MoneyProgress is the money part of the progress answer: over the grants
// the caller may read.
type MoneyProgress struct {
	AwardedPence int64                `json:"awardedPence"`
	PaidPence    int64                `json:"paidPence"`
	DuePence     int64                `json:"duePence"`
	SpentPence   int64                `json:"spentPence"`
	ByGrant      []GrantMoneyProgress `json:"byGrant"`
}

// GrantMoneyProgress is one grant's money.
type GrantMoneyProgress struct {
	GrantID             string        `json:"grantId"`
	Title               string        `json:"title"`
	FunderID            string        `json:"funderId"`
	AwardedPence        int64         `json:"awardedPence"`
	PaidPence           int64         `json:"paidPence"`
	DuePence            int64         `json:"duePence"`
	SpentPence          int64         `json:"spentPence"`
	ProjectedSpendPence int64         `json:"projectedSpendPence"`
	Budget              []BudgetSpend `json:"budget"`
}

// BudgetSpend is one budget line against what has been spent on it.
type BudgetSpend struct {
	Category    BudgetCategory `json:"category"`
	AmountPence int64          `json:"amountPence"`
	SpentPence  int64          `json:"spentPence"`
	// Budgeted says the grant's budget has this line. A category with
	// spend and no line (AmountPence 0) is not over a £0 line: the grant
	// has no budget, or the line was taken out of it, and a reader must
	// be able to tell.
	Budgeted bool `json:"budgeted"`
}

// BuildMoney is the money of the grants given (those the caller may
// read, in list order) from their running figures, on day today.
func BuildMoney(grants []Grant, figures map[string]GrantMoney, today Date) MoneyProgress {
	out := MoneyProgress{ByGrant: []GrantMoneyProgress{}}
	for _, g := range grants {
		f := figures[g.ID]
		gm := GrantMoneyProgress{GrantID: g.ID, Title: g.Title, FunderID: g.FunderID, AwardedPence: g.AmountPence,
			PaidPence: f.PaidPence, DuePence: f.DuePence, SpentPence: f.SpentPence,
			ProjectedSpendPence: ProjectedSpend(f.SpentPence, g.StartDate, g.EndDate, today), Budget: BudgetAgainstSpend(g.Budget, f.SpentBy)}
		out.AwardedPence += gm.AwardedPence
		out.PaidPence += gm.PaidPence
		out.DuePence += gm.DuePence
		out.SpentPence += gm.SpentPence
		out.ByGrant = append(out.ByGrant, gm)
	}
	return out
}

// BudgetAgainstSpend is each budget line with what has been spent on it,
// in category order. A category with spend but no budget line (a grant
// without a budget, or a line taken out of the budget after spend was
// reported against it) is shown with no budget (Budgeted false), so every
// penny spent is on some line.
func BudgetAgainstSpend(budget []BudgetLine, spentBy map[BudgetCategory]int64) []BudgetSpend {
	out := []BudgetSpend{}
	for _, c := range BudgetCategories {
		i := slices.IndexFunc(budget, func(l BudgetLine) bool { return l.Category == c })
		if i < 0 && spentBy[c] == 0 {
			continue
		}
		bs := BudgetSpend{Category: c, SpentPence: spentBy[c]}
		if i >= 0 {
			bs.AmountPence, bs.Budgeted = budget[i].AmountPence, true
		}
		out = append(out, bs)
	}
	return out
}

// ProjectedSpend extends spend to date in a straight line from the grant's
// start to its end. "To date" is today clamped to the grant's period,
// counting whole days with both ends included: on the grant's first day
// one day has passed, on its last day all of them. So the projection is
// spent × (days in the grant) ÷ (days passed), rounded to the nearest
// penny (halves up). Before the grant starts there is no line to draw, and
// from its last day on the period is over: both give spend to date as it
// is. Spend reported for periods after today still counts, as it was
// reported. A projection past what an int64 holds is math.MaxInt64.
func ProjectedSpend(spent int64, start, end, today Date) int64 {
	if spent <= 0 || start.IsZero() || end.IsZero() || end.Before(start) || today.Before(start) {
		return spent
	}
	total := int64(start.DaysUntil(end)) + 1
	asOf := today
	if asOf.After(end) {
		asOf = end
	}
	elapsed := int64(start.DaysUntil(asOf)) + 1
	if elapsed >= total {
		return spent
	}
	// In 128 bits: spend to date is not bounded by MaxAmountPence (a return
	// has up to six lines of it, a grant any number of returns) and a grant
	// runs up to 109,938 days, so 2 × spent × total overflows an int64.
	hi, lo := bits.Mul64(uint64(spent), uint64(2*total))
	lo, carry := bits.Add64(lo, uint64(elapsed), 0)
	hi += carry
	div := uint64(2 * elapsed)
	if hi >= div {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, div)
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// CostPerPersonSpent is spend divided by people into work, to the nearest
// penny, or nil when either is nothing.
func CostPerPersonSpent(spent, people int64) *int64 {
	if spent <= 0 || people <= 0 {
		return nil
	}
	c := (2*spent + people) / (2 * people)
	return &c
}
