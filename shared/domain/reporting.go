package domain

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The reporting cycle: a schedule expects one return per project per
// period; each return is due some days after its period ends, reminders go
// out before that, and a lead reviews what is sent before funders see it.

// Limits of a reporting schedule. MaxPeriods keeps one schedule's returns
// to ten years of monthly periods per project, so creating one stays a
// bounded amount of work.
const (
	MaxPeriods       = 120
	MaxDueDays       = 90
	DefaultDueDays   = 20
	MaxReminders     = 10
	MaxReminderDays  = 90
	MaxScheduleProjs = 200
	MaxCommentLen    = 2000
	// OverdueEmailWindow is how long past its due date a return may be,
	// when fundtrack first expects it, and still be emailed as overdue:
	// returns older than that are shown overdue but nobody is told.
	OverdueEmailWindow = 90
)

// DefaultReminders is when project leads are reminded when a schedule
// names no reminders: a week before the due date.
var DefaultReminders = []int64{7}

// Frequency is how long each period of a schedule runs.
type Frequency string

// The frequencies of the SPEC: periods of one, three, six or twelve
// calendar months.
const (
	Monthly    Frequency = "monthly"
	Quarterly  Frequency = "quarterly"
	HalfYearly Frequency = "half-yearly"
	Yearly     Frequency = "yearly"
)

// Months is the length of one period in calendar months (0 for an
// unknown frequency).
func (f Frequency) Months() int {
	switch f {
	case Monthly:
		return 1
	case Quarterly:
		return 3
	case HalfYearly:
		return 6
	case Yearly:
		return 12
	}
	return 0
}

// Period is one reporting period, both dates included.
type Period struct {
	Start Date
	End   Date
}

// Schedule is a programme's reporting schedule: which projects send
// returns, for which periods, and when they are due.
type Schedule struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Frequency        Frequency `json:"frequency"`
	FirstPeriodStart Date      `json:"firstPeriodStart"`
	LastPeriodEnd    Date      `json:"lastPeriodEnd"`
	DueDays          int64     `json:"dueDays"`
	Reminders        []int64   `json:"reminders"`
	// ProjectIDs lists the projects that report; none means every project
	// of the programme, including projects added later.
	ProjectIDs []string  `json:"projectIds,omitempty"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
	// CountedByProject says each project's return counts have been kept
	// for this schedule since it was made, beside the schedule's own
	// (every project's), so a project lead's counts are read by key. A
	// schedule made before they were kept has them only in part, and a
	// project's are counted from its returns (ReturnStatsOf). It is known
	// where the schedule is read with the reporting setup (progress, a
	// report, a portfolio's summaries); never stored with the schedule,
	// nor shown.
	CountedByProject bool `json:"-"`
	// RemindersFrom is the day each of Reminders took effect: the day the
	// schedule was made, or the day an edit added it. A reminder whose day
	// had passed by then goes only as a return's first reminder
	// (Return.NoticeOn): nobody could have been reminded on it, and it
	// does not follow one already sent. Stored with the schedule, so a notifier run
	// reads it with the reminders it dates; never shown (MarshalJSON:
	// api:"-" says so to the API's tests).
	RemindersFrom []ReminderFrom `json:"remindersFrom,omitempty" api:"-"`
}

// ReminderFrom is the day one of a schedule's reminders (Days before the
// due date) took effect.
type ReminderFrom struct {
	Days int64 `json:"days"`
	From Date  `json:"from"`
}

// MarshalJSON is the schedule as the API shows it (and the audit trail
// records it): without RemindersFrom, which is the notifier's
// bookkeeping. The stores keep it (DynamoDB's attribute values are not
// made through this; the in-memory store keeps a StoredSchedule).
func (s Schedule) MarshalJSON() ([]byte, error) {
	type shown Schedule
	v := shown(s)
	v.RemindersFrom = nil
	return json.Marshal(v)
}

// StoredSchedule is a schedule as a store keeps it, RemindersFrom and
// all: encoded as JSON, unlike Schedule, it keeps every field.
type StoredSchedule Schedule

// ReminderFrom is the day the reminder days before the due date took
// effect. A schedule stored before these were kept has none: its
// reminders count from its last change (UpdatedAt), which never dates a
// reminder earlier than it was set.
func (s Schedule) ReminderFrom(days int64) Date {
	for _, r := range s.RemindersFrom {
		if r.Days == days {
			return r.From
		}
	}
	return UKDate(s.UpdatedAt)
}

// DateReminders dates s's reminders, the schedule before (nil: new) with
// its reminders changed as of today: a day it kept keeps its date, a day
// added takes today.
func (s Schedule) DateReminders(before *Schedule, today Date) Schedule {
	s.RemindersFrom = make([]ReminderFrom, 0, len(s.Reminders))
	for _, n := range s.Reminders {
		from := today
		if before != nil && slices.Contains(before.Reminders, n) {
			from = before.ReminderFrom(n)
		}
		s.RemindersFrom = append(s.RemindersFrom, ReminderFrom{Days: n, From: from})
	}
	return s
}

// ScheduleInput is the body of POST …/schedules.
type ScheduleInput struct {
	Name             string    `json:"name"`
	Frequency        Frequency `json:"frequency"`
	FirstPeriodStart Date      `json:"firstPeriodStart"`
	LastPeriodEnd    Date      `json:"lastPeriodEnd"`
	DueDays          *int64    `json:"dueDays" null:"absent"`
	Reminders        []int64   `json:"reminders"`
	ProjectIDs       []string  `json:"projectIds"`
}

// Validate checks a schedule's own fields; that its projects exist is
// checked by the service. dueDays and reminders take their defaults here.
func (in *ScheduleInput) Validate() error {
	p := Problems{}
	requiredLine(p, "name", in.Name, MaxNameLen)
	months := in.Frequency.Months()
	if months == 0 {
		p.Add("frequency", `must be "monthly", "quarterly", "half-yearly" or "yearly"`)
	}
	switch {
	case in.FirstPeriodStart.IsZero():
		p.Add("firstPeriodStart", "required")
	case in.FirstPeriodStart.Time().Day() != 1:
		p.Add("firstPeriodStart", "must be the first day of a month, e.g. 2026-04-01")
	}
	if in.DueDays == nil {
		d := int64(DefaultDueDays)
		in.DueDays = &d
	} else if *in.DueDays < 0 || *in.DueDays > MaxDueDays {
		p.Add("dueDays", "must be a whole number of days from 0 to "+strconv.Itoa(MaxDueDays))
	}
	if in.LastPeriodEnd.IsZero() {
		p.Add("lastPeriodEnd", "required")
	} else if months > 0 && !in.FirstPeriodStart.IsZero() && in.FirstPeriodStart.Time().Day() == 1 {
		periods := PeriodsOf(in.Frequency, in.FirstPeriodStart, in.LastPeriodEnd)
		switch {
		case in.LastPeriodEnd.Before(in.FirstPeriodStart):
			p.Add("lastPeriodEnd", "must be after the first period starts")
		case len(periods) > MaxPeriods:
			// Before the check of the last day: PeriodsOf stops counting
			// here, so the last period it lists is not the schedule's.
			p.Add("lastPeriodEnd", "a schedule has at most "+strconv.Itoa(MaxPeriods)+" periods; make a second schedule for later ones")
		case len(periods) == 0 || periods[len(periods)-1].End != in.LastPeriodEnd:
			p.Add("lastPeriodEnd", "must be the last day of a period, e.g. "+periodEndExample(in.Frequency, in.FirstPeriodStart))
		case *in.DueDays >= 0 && *in.DueDays <= MaxDueDays && in.LastPeriodEnd.AddDays(int(*in.DueDays)).After(LastDay):
			// Each return keeps its due date: one past the last date
			// fundtrack takes could not be read back.
			p.Add("lastPeriodEnd", "the last return would be due on "+in.LastPeriodEnd.AddDays(int(*in.DueDays)).String()+
				", after "+LastDay.String()+", the last date fundtrack takes: end the schedule earlier or make returns due sooner")
		}
	}
	if in.Reminders == nil {
		in.Reminders = slices.Clone(DefaultReminders)
	}
	validReminders(p, in.Reminders)
	if in.ProjectIDs != nil {
		if len(in.ProjectIDs) == 0 {
			p.Add("projectIds", "name at least one project, or leave projectIds out for every project")
		}
		if len(in.ProjectIDs) > MaxScheduleProjs {
			p.Add("projectIds", "at most "+strconv.Itoa(MaxScheduleProjs)+" projects; leave projectIds out for every project")
		}
		seen := map[string]bool{}
		for i, id := range in.ProjectIDs {
			f := "projectIds[" + strconv.Itoa(i) + "]"
			switch {
			case !ValidID(id):
				// As an id of no project of the programme is told (the
				// service's unknownProjects).
				p.Add(f, ProblemNotFoundRef)
			case seen[id]:
				p.Add(f, "appears twice")
			}
			seen[id] = true
		}
	}
	return p.Err()
}

func validReminders(p Problems, reminders []int64) {
	if len(reminders) > MaxReminders {
		p.Add("reminders", "at most "+strconv.Itoa(MaxReminders)+" reminders")
	}
	seen := map[int64]bool{}
	for i, r := range reminders {
		f := "reminders[" + strconv.Itoa(i) + "]"
		switch {
		case r < 0 || r > MaxReminderDays:
			p.Add(f, "must be a whole number of days before the due date, from 0 to "+strconv.Itoa(MaxReminderDays))
		case seen[r]:
			p.Add(f, "appears twice")
		}
		seen[r] = true
	}
}

// periodEndExample is a valid lastPeriodEnd, for the error message: the
// end of the schedule's first year of periods.
func periodEndExample(f Frequency, first Date) string {
	ps := PeriodsOf(f, first, DateOf(first.Time().AddDate(1, 0, -1)))
	if len(ps) == 0 {
		return "2027-03-31"
	}
	return ps[len(ps)-1].End.String()
}

// PeriodsOf lists the periods of a frequency from first (the first of a
// month) that end on or before last. It stops after MaxPeriods+1 periods,
// enough for Validate to refuse.
func PeriodsOf(f Frequency, first, last Date) []Period {
	months := f.Months()
	if months == 0 || first.IsZero() || last.IsZero() {
		return nil
	}
	var out []Period
	for i := 0; len(out) <= MaxPeriods; i++ {
		start := first.Time().AddDate(0, i*months, 0)
		end := start.AddDate(0, months, -1)
		if end.After(last.Time()) {
			break
		}
		out = append(out, Period{Start: DateOf(start), End: DateOf(end)})
	}
	return out
}

// Periods are the schedule's periods, oldest first.
func (s Schedule) Periods() []Period {
	return PeriodsOf(s.Frequency, s.FirstPeriodStart, s.LastPeriodEnd)
}

// DueDate is when the return for a period is due.
func (s Schedule) DueDate(p Period) Date { return p.End.AddDays(int(s.DueDays)) }

// Covers reports whether a project sends returns under the schedule.
func (s Schedule) Covers(projectID string) bool {
	return len(s.ProjectIDs) == 0 || slices.Contains(s.ProjectIDs, projectID)
}

// PeriodOf returns the schedule's period that is exactly start to end.
func (s Schedule) PeriodOf(start, end Date) (Period, bool) {
	for _, p := range s.Periods() {
		if p.Start == start && p.End == end {
			return p, true
		}
	}
	return Period{}, false
}

// SchedulePatch is the body of PATCH …/schedules/{id}. A schedule's
// returns are laid out by its frequency, first period, due days and
// projects, so those stay as they are (make a new schedule to change
// them); its name and reminders may change, and its last period may move
// later, which adds returns, or earlier, which removes the returns of the
// periods it no longer has, so long as nothing was sent for any of them
// (the service checks that).
type SchedulePatch struct {
	Name             *string    `json:"name,omitempty"`
	Reminders        *[]int64   `json:"reminders,omitempty"`
	LastPeriodEnd    *Date      `json:"lastPeriodEnd,omitempty"`
	Frequency        *Frequency `json:"frequency,omitempty"`
	FirstPeriodStart *Date      `json:"firstPeriodStart,omitempty"`
	DueDays          *int64     `json:"dueDays,omitempty"`
	ProjectIDs       *[]string  `json:"projectIds,omitempty"`
}

// Apply returns the schedule with the patch applied, or the problems with
// the patch (a fixed field sent with a new value, a last period end that
// is not one, a bad name or reminder).
func (pt SchedulePatch) Apply(s Schedule) (Schedule, error) {
	p := Problems{}
	fixed := "cannot change once returns are expected; make a new schedule instead"
	if pt.Frequency != nil && *pt.Frequency != s.Frequency {
		p.Add("frequency", fixed)
	}
	if pt.FirstPeriodStart != nil && *pt.FirstPeriodStart != s.FirstPeriodStart {
		p.Add("firstPeriodStart", fixed)
	}
	if pt.DueDays != nil && *pt.DueDays != s.DueDays {
		p.Add("dueDays", fixed)
	}
	if pt.ProjectIDs != nil && !slices.Equal(*pt.ProjectIDs, s.ProjectIDs) {
		p.Add("projectIds", fixed)
	}
	if pt.Name != nil {
		s.Name = *pt.Name
	}
	requiredLine(p, "name", s.Name, MaxNameLen)
	if pt.Reminders != nil {
		if *pt.Reminders == nil {
			p.Add("reminders", "must be a list of days before the due date, or [] for none")
		} else {
			s.Reminders = slices.Clone(*pt.Reminders)
			validReminders(p, s.Reminders)
		}
	}
	if pt.LastPeriodEnd != nil && *pt.LastPeriodEnd != s.LastPeriodEnd {
		in := ScheduleInput{Name: "x", Frequency: s.Frequency, FirstPeriodStart: s.FirstPeriodStart, LastPeriodEnd: *pt.LastPeriodEnd,
			DueDays: &s.DueDays, Reminders: []int64{}}
		var e *Error
		switch {
		case pt.LastPeriodEnd.IsZero():
			p.Add("lastPeriodEnd", "required")
		default:
			if err := in.Validate(); err != nil && asError(err, &e) && e.Fields["lastPeriodEnd"] != "" {
				p.Add("lastPeriodEnd", e.Fields["lastPeriodEnd"])
			}
		}
		s.LastPeriodEnd = *pt.LastPeriodEnd
	}
	return s, p.Err()
}

func asError(err error, e **Error) bool {
	de, ok := err.(*Error)
	if ok {
		*e = de
	}
	return ok
}

// ReturnState is what has happened to a return, as stored; its status
// (ReturnStatus) adds what the calendar says about a return not yet sent.
type ReturnState string

// Return states.
const (
	StateExpected         ReturnState = "expected" // nothing sent yet
	StateSubmitted        ReturnState = "submitted"
	StateChangesRequested ReturnState = "changes-requested"
	StateAccepted         ReturnState = "accepted"
)

// ReturnStates lists every state, in the order lists show them.
var ReturnStates = []ReturnState{StateExpected, StateSubmitted, StateChangesRequested, StateAccepted}

// ReturnList is a list returns are kept in, by schedule (and by schedule
// and project), in order of period end: the index partition a return sits
// in. It is the return's state, except that an accepted return whose
// newest correction was sent back for changes is kept in a list of its
// own (ListCorrectionSentBack): its project lead has that correction to
// correct, and finds it in one range of an index rather than among every
// return ever accepted. The return's state and status stay accepted; the
// list is where it is stored.
type ReturnList string

// Return lists: one a state, named as the state (the index keys of
// returns stored before lists were more than states), and the accepted
// returns whose correction was sent back.
const (
	ListExpected           ReturnList = ReturnList(StateExpected)
	ListSubmitted          ReturnList = ReturnList(StateSubmitted)
	ListChangesRequested   ReturnList = ReturnList(StateChangesRequested)
	ListAccepted           ReturnList = ReturnList(StateAccepted)
	ListCorrectionSentBack ReturnList = "correction-sent-back"
)

// ReturnLists lists every list, in the order lists show them.
var ReturnLists = []ReturnList{ListExpected, ListSubmitted, ListChangesRequested, ListAccepted, ListCorrectionSentBack}

// ReturnStatus is a return's status in the API.
type ReturnStatus string

// Return statuses of the SPEC.
const (
	ReturnUpcoming         ReturnStatus = "upcoming"
	ReturnOpen             ReturnStatus = "open"
	ReturnOverdue          ReturnStatus = "overdue"
	ReturnSubmitted        ReturnStatus = "submitted"
	ReturnChangesRequested ReturnStatus = "changes-requested"
	ReturnAccepted         ReturnStatus = "accepted"
)

// ReturnStatuses lists every status, for validation and the web app.
var ReturnStatuses = []ReturnStatus{ReturnUpcoming, ReturnOpen, ReturnOverdue, ReturnSubmitted, ReturnChangesRequested, ReturnAccepted}

// ValidReturnStatus reports whether s is a status of the SPEC.
func ValidReturnStatus(s ReturnStatus) bool { return slices.Contains(ReturnStatuses, s) }

// State is the stored state behind a status.
func (s ReturnStatus) State() ReturnState {
	switch s {
	case ReturnSubmitted:
		return StateSubmitted
	case ReturnChangesRequested:
		return StateChangesRequested
	case ReturnAccepted:
		return StateAccepted
	}
	return StateExpected
}

// Lists are the lists that hold the returns of status s: an accepted
// return is in one of two, as its correction was sent back or not.
func (s ReturnStatus) Lists() []ReturnList {
	if s == ReturnAccepted {
		return []ReturnList{ListAccepted, ListCorrectionSentBack}
	}
	return []ReturnList{ReturnList(s.State())}
}

// PeriodEnds is the range of period ends a status covers among a
// schedule's returns not yet sent, on day today: from (inclusive) and to
// (exclusive), either zero for no bound. Within one schedule every return
// is due the same number of days after its period ends, so each
// time-derived status is one range of period ends: that is what lets a
// list by status be read from an index ordered by period end.
func (s ReturnStatus) PeriodEnds(today Date, dueDays int64) (from, to Date) {
	switch s {
	case ReturnUpcoming: // the period is not over: it ends today or later
		return today, Date{}
	case ReturnOpen: // over, not yet due: today-dueDays <= end < today
		return today.AddDays(-int(dueDays)), today
	case ReturnOverdue: // past due: end + dueDays < today
		return Date{}, today.AddDays(-int(dueDays))
	}
	return Date{}, Date{}
}

// ReviewDecision is a lead's decision on a submission.
type ReviewDecision string

// Review decisions.
const (
	DecisionApprove        ReviewDecision = "approve"
	DecisionRequestChanges ReviewDecision = "request-changes"
)

// Review is a lead's decision on a submission: who, when and why.
type Review struct {
	Decision ReviewDecision `json:"decision"`
	By       string         `json:"by"`
	At       time.Time      `json:"at"`
	Comment  string         `json:"comment,omitempty"`
	// BySubmitter says the lead who decided had sent the figures
	// themselves, being the programme's only lead (with another lead, a
	// decision on one's own figures is refused: Outcome.SentBy): nobody
	// else checked them, and whoever reads the review is told so.
	BySubmitter bool `json:"bySubmitter,omitempty"`
}

// ReviewInput is the body of POST …/outcomes/{id}/review.
type ReviewInput struct {
	Decision ReviewDecision `json:"decision"`
	Comment  string         `json:"comment"`
}

// Validate checks a review; a request for changes says why. The comment
// goes through the personal-data guard separately (CheckPersonalData).
func (in ReviewInput) Validate() error {
	p := Problems{}
	switch in.Decision {
	case DecisionApprove:
	case DecisionRequestChanges:
		if strings.TrimSpace(in.Comment) == "" || TextProblem(in.Comment, true) == "" && !HasVisible(in.Comment) {
			p.Add("comment", "required: say what needs to change")
		}
	case "":
		p.Add("decision", "required")
	default:
		p.Add("decision", `must be "approve" or "request-changes"`)
	}
	optionalMultiLine(p, "comment", in.Comment, MaxCommentLen)
	return p.Err()
}

// Return is one project's return for one period of a schedule.
type Return struct {
	ID           string       `json:"id"`
	ScheduleID   string       `json:"scheduleId"`
	ProjectID    string       `json:"projectId"`
	PeriodStart  Date         `json:"periodStart"`
	PeriodEnd    Date         `json:"periodEnd"`
	DueDate      Date         `json:"dueDate"`
	Status       ReturnStatus `json:"status"`
	SubmissionID string       `json:"submissionId,omitempty"`
	SubmittedAt  *time.Time   `json:"submittedAt,omitempty"`
	Late         bool         `json:"late"`
	Review       *Review      `json:"review,omitempty"`
	// Correction is the newest correction of the accepted submission
	// while it awaits review or has been sent back: the return stays
	// accepted on the approved figures, which count until a correction
	// is approved.
	Correction *ReturnCorrection `json:"correction,omitempty"`

	// State is what has happened to it; Status adds the calendar.
	State ReturnState `json:"-"`
	// Version guards concurrent fills and reviews of the return.
	Version int64 `json:"-"`
	// CreatedAt is when fundtrack first expected the return (the schedule,
	// or the project, was created): overdue emails catch up from then.
	CreatedAt time.Time `json:"-"`
	// RemindedOn is the day a reminder of the return was last claimed
	// (zero: none yet). A reminder whose day is on or before it is not
	// sent (NoticeOn), and the store claims a reminder only while that
	// holds, so however the schedule's reminders change, a return is
	// reminded at most once a day and never again for a day a reminder
	// already covered.
	RemindedOn Date `json:"-"`
	// Rev is the return's dependents revision as read: moved on by each
	// payment made waiting on it (a dependent's premise), so removing the
	// return (its schedule's last period moved earlier) is conditioned on
	// no payment having been made on it since its payments were read.
	Rev int64 `json:"-"`
}

// ReturnID is the id of a project's return for the period of a schedule
// starting on periodStart. Ids are made from what the return is, so a
// submission finds the returns it fills without looking them up, and
// writing a return twice writes the same record.
func ReturnID(scheduleID, projectID string, periodStart Date) string {
	return scheduleID + "-" + projectID + "-" + strings.ReplaceAll(periodStart.String(), "-", "")
}

// ParseReturnID splits a return id into its schedule, project and period
// start, reporting whether it is one.
func ParseReturnID(id string) (scheduleID, projectID string, periodStart Date, ok bool) {
	parts := strings.Split(id, "-")
	if len(parts) != 3 || !ValidID(parts[0]) || !ValidID(parts[1]) || len(parts[2]) != 8 {
		return "", "", Date{}, false
	}
	d := parts[2]
	ps, err := ParseDate(d[:4] + "-" + d[4:6] + "-" + d[6:])
	if err != nil {
		return "", "", Date{}, false
	}
	return parts[0], parts[1], ps, true
}

// StatusOn is the return's status on day today.
func (r Return) StatusOn(today Date) ReturnStatus {
	switch r.State {
	case StateSubmitted:
		return ReturnSubmitted
	case StateChangesRequested:
		return ReturnChangesRequested
	case StateAccepted:
		return ReturnAccepted
	}
	switch {
	case !today.After(r.PeriodEnd):
		return ReturnUpcoming
	case !today.After(r.DueDate):
		return ReturnOpen
	default:
		return ReturnOverdue
	}
}

// CorrectionSentBack reports whether the return is accepted and the
// newest correction of its approved figures was sent back for changes:
// then its project lead has that correction to correct.
func (r Return) CorrectionSentBack() bool {
	return r.State == StateAccepted && r.Correction != nil && r.Correction.Status == OutcomeChangesRequested
}

// SentBack is the submission the return holds sent back for changes
// ("" unless its state is changes-requested): a new submission filling it
// may take it over (Outcome.TakesOver).
func (r Return) SentBack() string {
	if r.State == StateChangesRequested {
		return r.SubmissionID
	}
	return ""
}

// List is the list the return is kept in (see ReturnList).
func (r Return) List() ReturnList {
	if r.CorrectionSentBack() {
		return ListCorrectionSentBack
	}
	return ReturnList(r.State)
}

// Sent reports whether anything has been submitted for the return.
func (r Return) Sent() bool { return r.State != StateExpected && r.State != "" }

// RunsDuring reports whether the project runs during period p: its dates
// share a day with it. A project without an end date runs on; one
// without a start date (none is stored so today) has run from the first.
func (pr Project) RunsDuring(p Period) bool {
	return (pr.StartDate.IsZero() || !p.End.Before(pr.StartDate)) && (pr.EndDate.IsZero() || !p.Start.After(pr.EndDate))
}

// ReturnFor is the return the schedule expects of project pr for exactly
// the period start to end, not yet sent, as first expected at now; ok is
// false when it expects none: the schedule does not cover the project,
// has no such period, or the period lies outside the project's dates (a
// project that has not started, or has ended, owes no return for it).
// Every return fundtrack expects is made here: a schedule's or a
// project's returns (ExpectedReturns), and the one a submission or an
// import's row fills before its schedule's returns are written.
func (s Schedule) ReturnFor(pr Project, start, end Date, now time.Time) (Return, bool) {
	if !s.Covers(pr.ID) {
		return Return{}, false
	}
	p, ok := s.PeriodOf(start, end)
	if !ok {
		return Return{}, false
	}
	return s.returnFor(pr, p, now)
}

// returnFor is ReturnFor of one of the schedule's periods.
func (s Schedule) returnFor(pr Project, p Period, now time.Time) (Return, bool) {
	if !s.Covers(pr.ID) || !pr.RunsDuring(p) {
		return Return{}, false
	}
	return Return{ID: ReturnID(s.ID, pr.ID, p.Start), ScheduleID: s.ID, ProjectID: pr.ID, PeriodStart: p.Start, PeriodEnd: p.End,
		DueDate: s.DueDate(p), State: StateExpected, Version: 1, CreatedAt: now}, true
}

// ExpectedReturns are the returns a schedule expects of the given
// projects (see ReturnFor), each not yet sent, as first expected at now.
func ExpectedReturns(s Schedule, projects []Project, now time.Time) []Return {
	var out []Return
	periods := s.Periods()
	for _, pr := range projects {
		for _, p := range periods {
			if r, ok := s.returnFor(pr, p, now); ok {
				out = append(out, r)
			}
		}
	}
	return out
}

// ReturnCorrection is a correction of an accepted return's submission,
// not approved yet: awaiting review ("pending") or sent back for changes
// ("changes-requested").
type ReturnCorrection struct {
	SubmissionID string        `json:"submissionId"`
	Status       OutcomeStatus `json:"status"`
}

// Fill is what a submission does to a return it fills: its new state,
// and whether that is its first sending (then SubmittedAt and Late are
// set). ok is false when the submission leaves the return as it is.
//
// A submission fills a return for its exact period when nothing was sent
// yet, when changes were requested, or when it corrects the submission
// the return holds (or that submission's correction); another submission
// for the same period leaves a return already sent as it is. A correction
// of approved figures leaves the return accepted on them until it is
// approved itself (see hold).
func (r Return) Fill(o Outcome) (Return, bool) {
	switch r.State {
	case StateExpected, StateChangesRequested, "":
	case StateSubmitted, StateAccepted:
		if o.Replaces == "" || (o.Replaces != r.SubmissionID && (r.Correction == nil || o.Replaces != r.Correction.SubmissionID)) {
			return r, false
		}
	}
	if !r.Sent() {
		at := o.SubmittedAt
		r.SubmittedAt = &at
		r.Late = UKDate(at).After(r.DueDate)
	}
	return r.hold(o.ID, o.EffectiveStatus(), o.ReplacesApproved, nil), true
}

// Reviewed is the return after a lead's decision rv on y, the submission
// awaiting review that the return holds or has as its correction; ok is
// false when y is neither.
func (r Return) Reviewed(y Outcome, rv Review) (Return, bool) {
	held := r.State == StateSubmitted && r.SubmissionID == y.ID
	correction := r.Correction != nil && r.Correction.SubmissionID == y.ID && r.Correction.Status == OutcomePending
	if !held && !correction {
		return r, false
	}
	st := OutcomeApproved
	if rv.Decision == DecisionRequestChanges {
		st = OutcomeChangesRequested
	}
	return r.hold(y.ID, st, y.ReplacesApproved, &rv), true
}

// hold is the return once the newest submission filling it is id, of
// status st, taking over from the approved submission approved (its
// ReplacesApproved, "" for none). Approved figures stand until a
// correction of them is approved (SPEC, reporting cycle), so while id
// awaits review or is sent back the return stays accepted on approved,
// with id as its correction; that is also what lets a payment waiting on
// the return fall due. A return stored before this rule as submitted or
// sent back on such a correction is set right by its next fill or
// review. review is the decision on id, if just made; Review stays the
// decision on the submission the return holds, so it goes when that
// changes.
func (r Return) hold(id string, st OutcomeStatus, approved string, review *Review) Return {
	held := r.SubmissionID
	switch {
	case st == OutcomeApproved:
		r.State, r.SubmissionID, r.Correction = StateAccepted, id, nil
	case approved != "":
		r.State, r.SubmissionID, r.Correction = StateAccepted, approved, &ReturnCorrection{SubmissionID: id, Status: st}
	case st == OutcomePending:
		r.State, r.SubmissionID, r.Correction = StateSubmitted, id, nil
	default:
		r.State, r.SubmissionID, r.Correction = StateChangesRequested, id, nil
	}
	switch {
	case r.SubmissionID == id:
		r.Review = review
	case r.SubmissionID != held:
		r.Review = nil
	}
	return r
}

// View is the return as a caller sees it on day today. Funders read
// statuses and approved figures only: the submission a return holds is
// theirs to follow once accepted, and neither a lead's review nor a
// correction not yet approved is theirs.
func (r Return) View(today Date, funderOnly bool) Return {
	r.Status = r.StatusOn(today)
	if funderOnly {
		r.Review, r.Correction = nil, nil
		if r.State != StateAccepted {
			r.SubmissionID = ""
		}
	}
	return r
}

// FillFromHistory is the state a new return takes from the submissions
// already made for its project (a schedule set up part way through a
// programme, a schedule's last period moved later, a project's dates
// widened): the state Fill and Reviewed would have given it had it been
// expected all along (FilledFrom). One history gives one return state,
// whenever the return was made.
func (r Return) FillFromHistory(outcomes []Outcome) Return {
	r, _ = r.FilledFrom(outcomes)
	return r
}

// FilledFrom is FillFromHistory with the submission whose status the
// return now follows (its correction under way, else the submission it
// holds), nil when none fills it: what the fill was planned on, and
// changes when that submission is reviewed.
//
// It replays the history of the return's period, oldest first, through
// the live rules: each submission as it was sent (pending when a lead
// decided on it later, else as it stands), through Fill, and each
// decision, at its time, through Reviewed. So the return is held by the
// first submission that filled the period, followed through its
// corrections and the new figures that took it over once sent back, and
// another team's figures, or another cohort's, sent beside it leave it as
// it is, as they left the returns expected when they came: not the newest
// that stands, which may be another chain's. Everything it needs is on the
// submissions as stored (SubmittedAt, Review.At, Replaces, CorrectedBy),
// so it reads nothing more; their order in outcomes does not matter.
//
// Events are ordered by time; at the same millisecond (the service's clock
// is truncated to it) a submission comes after what it corrects or took
// over (its depth in its chain), and a decision after its submission and
// before any correction of it (a corrected submission cannot be decided,
// nor one not yet sent back taken over), then by id, which grows as
// submissions are made.
func (r Return) FilledFrom(outcomes []Outcome) (Return, *Outcome) {
	var period []*Outcome
	byID := map[string]*Outcome{}
	for i := range outcomes {
		o := &outcomes[i]
		if o.ProjectID == r.ProjectID && o.PeriodStart == r.PeriodStart && o.PeriodEnd == r.PeriodEnd {
			period = append(period, o)
			byID[o.ID] = o
		}
	}
	if len(period) == 0 {
		return r, nil
	}
	// before is what each submission followed in its chain: the one it
	// corrects, or the one sent back that it took over.
	before := map[string]string{}
	for _, o := range period {
		if o.Replaces != "" {
			before[o.ID] = o.Replaces
		}
	}
	for _, o := range period {
		if o.CorrectedBy != "" && before[o.CorrectedBy] == "" && byID[o.CorrectedBy] != nil {
			before[o.CorrectedBy] = o.ID
		}
	}
	depth := func(id string) int {
		n := 0
		for seen := map[string]bool{}; before[id] != "" && !seen[id] && n <= len(period); n++ {
			seen[id] = true
			id = before[id]
		}
		return n
	}
	type event struct {
		at     time.Time
		depth  int
		o      *Outcome
		review bool
	}
	events := make([]event, 0, 2*len(period))
	for _, o := range period {
		d := depth(o.ID)
		events = append(events, event{at: o.SubmittedAt, depth: d, o: o})
		if o.Review != nil {
			at := o.Review.At
			if at.Before(o.SubmittedAt) {
				at = o.SubmittedAt
			}
			events = append(events, event{at: at, depth: d, o: o, review: true})
		}
	}
	slices.SortStableFunc(events, func(a, b event) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		if a.depth != b.depth {
			return a.depth - b.depth
		}
		if c := strings.Compare(a.o.ID, b.o.ID); c != 0 {
			return c
		}
		switch {
		case a.review == b.review:
			return 0
		case b.review:
			return -1
		}
		return 1
	})
	for _, e := range events {
		sent := *e.o
		if e.o.Review != nil {
			// Decided later: it was sent to wait for that decision.
			sent.Status, sent.Review = OutcomePending, nil
		}
		if e.review {
			r, _ = r.Reviewed(sent, *e.o.Review)
		} else {
			r, _ = r.Fill(sent)
		}
	}
	follows := r.SubmissionID
	if r.Correction != nil {
		follows = r.Correction.SubmissionID
	}
	return r, byID[follows]
}

// ReturnStats are one schedule's counts of returns, by period end, kept up
// to date with every return written, filled and reviewed, so progress
// counts returns without reading them.
type ReturnStats struct {
	ScheduleID string
	Expected   map[Date]int64 // returns for the period
	Unsent     map[Date]int64 // of which nothing is sent yet
	OnTime     map[Date]int64 // of which the first sending came by the due date
	Submitted  int64          // returns awaiting review
}

// StatsDelta is how writing a return (from before, nil when new, to
// after) moves its schedule's counts.
type StatsDelta struct {
	Expected, Unsent, OnTime map[Date]int64
	Submitted                int64
}

// Add counts a return's contribution (sign +1) or takes it back (-1).
func (d *StatsDelta) Add(r Return, sign int64) {
	if d.Expected == nil {
		d.Expected, d.Unsent, d.OnTime = map[Date]int64{}, map[Date]int64{}, map[Date]int64{}
	}
	d.Expected[r.PeriodEnd] += sign
	if !r.Sent() {
		d.Unsent[r.PeriodEnd] += sign
	} else if !r.Late {
		d.OnTime[r.PeriodEnd] += sign
	}
	if r.State == StateSubmitted {
		d.Submitted += sign
	}
}

// Merge adds o into d, as the store's ADDs of o's counts into d's item
// do: the running counts of a schedule, or of one project's returns of it.
func (d *StatsDelta) Merge(o StatsDelta) {
	if d.Expected == nil {
		d.Expected, d.Unsent, d.OnTime = map[Date]int64{}, map[Date]int64{}, map[Date]int64{}
	}
	for k, v := range o.Expected {
		d.Expected[k] += v
	}
	for k, v := range o.Unsent {
		d.Unsent[k] += v
	}
	for k, v := range o.OnTime {
		d.OnTime[k] += v
	}
	d.Submitted += o.Submitted
}

// ReturnStatsChange is the delta of replacing before (nil: a new return)
// with after.
func ReturnStatsChange(before *Return, after Return) StatsDelta {
	var d StatsDelta
	if before != nil {
		d.Add(*before, -1)
	}
	d.Add(after, 1)
	return d
}

// ReturnStatsOf counts returns as their running counts count them, by
// project and then schedule: a project's counts of a schedule made before
// they were kept by project (Schedule.CountedByProject false), from its
// returns, which are bounded by the schedule's periods.
func ReturnStatsOf(returns []Return) map[string]map[string]ReturnStats {
	deltas := map[string]map[string]*StatsDelta{}
	for _, r := range returns {
		if deltas[r.ProjectID] == nil {
			deltas[r.ProjectID] = map[string]*StatsDelta{}
		}
		d := deltas[r.ProjectID][r.ScheduleID]
		if d == nil {
			d = &StatsDelta{}
			deltas[r.ProjectID][r.ScheduleID] = d
		}
		d.Add(r, 1)
	}
	out := map[string]map[string]ReturnStats{}
	for j, by := range deltas {
		out[j] = map[string]ReturnStats{}
		for s, d := range by {
			out[j][s] = ReturnStats{ScheduleID: s, Expected: d.Expected, Unsent: d.Unsent, OnTime: d.OnTime, Submitted: d.Submitted}
		}
	}
	return out
}

// ReturnStatsSeen are the return counts, by schedule, of the returns the
// caller may read: the schedules' own (bySchedule, every project's) for a
// caller who sees every return, else the sum of its own projects' counts
// (byProject: by project, then schedule). Progress, a report and a
// portfolio line count from these, so a project lead's figures are its
// own projects', like the returns it may list.
func (a Access) ReturnStatsSeen(bySchedule map[string]ReturnStats, byProject map[string]map[string]ReturnStats) map[string]ReturnStats {
	if a.SeesEveryReturn() {
		return bySchedule
	}
	sum := map[string]*StatsDelta{}
	for _, j := range a.ReturnProjects() {
		for s, st := range byProject[j] {
			d := sum[s]
			if d == nil {
				d = &StatsDelta{}
				sum[s] = d
			}
			d.Merge(StatsDelta{Expected: st.Expected, Unsent: st.Unsent, OnTime: st.OnTime, Submitted: st.Submitted})
		}
	}
	out := make(map[string]ReturnStats, len(sum))
	for s, d := range sum {
		out[s] = ReturnStats{ScheduleID: s, Expected: d.Expected, Unsent: d.Unsent, OnTime: d.OnTime, Submitted: d.Submitted}
	}
	return out
}

// ReturnCounts are the returns figures of the progress report.
type ReturnCounts struct {
	Due           int64    `json:"due"`
	Overdue       int64    `json:"overdue"`
	Submitted     int64    `json:"submitted"`
	OnTimePercent *float64 `json:"onTimePercent"`
}

// CountReturns adds up the schedules' counts on day today: due are the
// returns open now, overdue those past due with nothing sent, submitted
// those awaiting review, and onTimePercent the share of returns past their
// due date that were sent by it (nil when none is past its due date).
func CountReturns(schedules []Schedule, stats map[string]ReturnStats, today Date) ReturnCounts {
	var c ReturnCounts
	var past, onTime int64
	for _, s := range schedules {
		st := stats[s.ID]
		c.Submitted += st.Submitted
		for end, n := range st.Unsent {
			due := end.AddDays(int(s.DueDays))
			switch {
			case today.After(due):
				c.Overdue += n
			case today.After(end):
				c.Due += n
			}
		}
		for end, n := range st.Expected {
			if today.After(end.AddDays(int(s.DueDays))) {
				past += n
				onTime += st.OnTime[end]
			}
		}
	}
	if past > 0 {
		pct := Percent(onTime, past) // 1,999 of 2,000 on time is 99.9%, not 100.0%
		c.OnTimePercent = &pct
	}
	return c
}

// ReturnNotice is an email a return calls for on some day.
type ReturnNotice struct {
	Kind     NotificationKind
	Reminder int64 // days before the due date, for a reminder
}

// eventDates are the days something may happen to a return not yet sent:
// the first look (when any reminder could first apply), each reminder of
// s that came while it stood (remindable; one whose day had passed is
// caught up, if at all, on the first look or the look an edit of the
// reminders asks for) and the day after the due date. None falls
// before the return was first expected.
func (r Return) eventDates(s *Schedule) []Date {
	created := UKDate(r.CreatedAt)
	at := func(d Date) Date {
		if d.Before(created) {
			return created
		}
		return d
	}
	dates := []Date{at(r.DueDate.AddDays(-MaxReminderDays))}
	if s != nil {
		for _, n := range s.Reminders {
			if day := r.ReminderDay(n); r.remindable(*s, n) {
				dates = append(dates, day)
			}
		}
	}
	dates = append(dates, at(r.DueDate.AddDays(1)))
	slices.SortFunc(dates, func(a, b Date) int { return a.Time().Compare(b.Time()) })
	return slices.Compact(dates)
}

// remindable reports whether the reminder days before the due date (one
// of s's) came while it stood: its day is not before the return was
// first expected, nor before the reminder took effect
// (Schedule.ReminderFrom). Such a reminder, which nobody could be told of
// or no run got to, goes late (the most recent one: NoticeOn). A reminder
// day that had passed when the schedule was made, when the project was
// added, or when an edit added the reminder, goes late only as a return's
// first reminder (NoticeOn): it does not follow one already sent.
func (r Return) remindable(s Schedule, days int64) bool {
	day := r.ReminderDay(days)
	return !day.Before(UKDate(r.CreatedAt)) && !day.Before(s.ReminderFrom(days))
}

// FirstCheck is the first day the notifier must look at a new return:
// the earliest any reminder could apply (reminders can change), or the
// day it was first expected.
func (r Return) FirstCheck() Date {
	return r.eventDates(nil)[0]
}

// NextCheck is the next day after today the notifier must look at the
// return while nothing is sent under schedule s, or the zero date when it
// never needs to again (the overdue email's day has passed).
func (r Return) NextCheck(s Schedule, today Date) Date {
	for _, d := range r.eventDates(&s) {
		if d.After(today) {
			return d
		}
	}
	return Date{}
}

// NextCheckUntold is NextCheck for a return whose notice today had nobody
// to go to (its project has no project lead yet, as when a lead sets up
// the projects and the schedule before inviting anyone): the next day,
// while a notice could still go, so a project lead added later is still
// told. A reminder is retried until a later reminder day or the overdue
// email supersedes it (NoticeOn then picks that one), which is what
// someone made project lead a few days before the due date expects: "due
// on …, nothing sent yet". The overdue email is retried until the return
// is OverdueEmailWindow days past its due date, the same bound as for
// returns first expected already overdue; after that nobody is told. So a
// return nobody leads is looked at most once a day for at most
// MaxReminderDays+OverdueEmailWindow+1 days, and never scanned for.
func (r Return) NextCheckUntold(s Schedule, today Date) Date {
	if tomorrow := today.AddDays(1); !tomorrow.After(r.DueDate.AddDays(OverdueEmailWindow)) {
		return tomorrow
	}
	return r.NextCheck(s, today)
}

// NoticeOn is the email a return not yet sent calls for under schedule s
// when the notifier looks at it on day today, if any: past its due date,
// the overdue email (unless it was already due more than
// OverdueEmailWindow days before fundtrack first expected it); otherwise
// the reminder of the most recent reminder day that has come (earlier
// ones the notifier missed are not sent late: one reminder is enough),
// unless a reminder of the return was already sent on or after that day
// (RemindedOn): a second reminder day falling on a day a reminder went
// sends nothing more. A reminder day that had passed when the schedule
// was made, the return first expected or the reminder added (not
// remindable) counts only while no reminder of the return has gone: a
// schedule made, or given reminders, after a return's reminder day and
// before its due date sends that return one reminder, the latest passed,
// on the notifier's first look (SPEC: a reminder "while nothing is
// sent"), never one more after a reminder already sent. Its id and claim
// are the reminder day's own (ReturnNotificationID, RemindedOn), so it
// never goes twice, nor beside the reminder of the same day.
func (r Return) NoticeOn(s Schedule, today Date) (ReturnNotice, bool) {
	if r.Sent() {
		return ReturnNotice{}, false
	}
	created := UKDate(r.CreatedAt)
	if today.After(r.DueDate) {
		if r.DueDate.Before(created.AddDays(-OverdueEmailWindow)) {
			return ReturnNotice{}, false
		}
		return ReturnNotice{Kind: KindOverdue}, true
	}
	best := int64(-1)
	first := r.RemindedOn.IsZero() // no reminder of the return has gone
	for _, n := range s.Reminders {
		if day := r.ReminderDay(n); !day.After(today) && (first || r.remindable(s, n)) && (best < 0 || n < best) {
			best = n
		}
	}
	if best < 0 || r.RemindedFor(best) {
		return ReturnNotice{}, false
	}
	return ReturnNotice{Kind: KindReminder, Reminder: best}, true
}

// RemindedFor reports whether the reminder days before the due date is
// already covered: a reminder of the return went on or after its day
// (ReminderDay).
func (r Return) RemindedFor(days int64) bool {
	return !r.RemindedOn.IsZero() && !r.RemindedOn.Before(r.ReminderDay(days))
}

// ReminderDay is the day the reminder days before the return's due date
// goes: that many days before it, but never before the return's period
// starts. A reminder set further ahead than the period and its dueDays
// (45 days before a monthly return due on its period's last day) would
// otherwise fall before the period has begun, reminding a project of
// figures for a period it has not started; it waits for the period's
// first day instead.
func (r Return) ReminderDay(days int64) Date {
	return ReminderDay(r.DueDate, r.PeriodStart, days)
}

// ReminderDay is the day a reminder days before due goes for a return
// whose period starts on periodStart (Return.ReminderDay): the store's
// claim of a reminder, which has the notification's dates, not the
// return, conditions on the same day.
func ReminderDay(due, periodStart Date, days int64) Date {
	if day := due.AddDays(-int(days)); periodStart.IsZero() || !day.Before(periodStart) {
		return day
	}
	return periodStart
}

// TextFields lists the schedule's free text for the personal-data guard.
func (in ScheduleInput) TextFields() []TextField { return []TextField{{"name", in.Name}} }

// TextFields lists the review's free text for the personal-data guard:
// the comment goes to the project's leads by email.
func (in ReviewInput) TextFields() []TextField { return []TextField{{"comment", in.Comment}} }

// TextFields lists the schedule's free text, as patched, for the guard.
func (s Schedule) TextFields() []TextField { return []TextField{{"name", s.Name}} }

// CheckWithin refuses a schedule with a period that does not overlap the
// programme's dates: figures for such a period are refused (figuresPeriod),
// so its returns could never be sent and would stay overdue for ever. The
// first period must not end before the programme starts (naming
// firstPeriodStart) nor start after it ends; the last must not start
// after the programme ends (naming lastPeriodEnd).
func (s Schedule) CheckWithin(prog Programme) error {
	ps := s.Periods()
	if len(ps) == 0 {
		return nil
	}
	p := Problems{}
	first, last := ps[0], ps[len(ps)-1]
	// Each message is a predicate of its field, as forms show it after the
	// field's label ("First period starts must be …", audit walk3 N5).
	switch {
	case !prog.StartDate.IsZero() && first.End.Before(prog.StartDate):
		p.Add("firstPeriodStart", "must be no earlier than the period that includes the programme's start ("+prog.StartDate.String()+
			"), e.g. "+DateOf(prog.StartDate.Time().AddDate(0, 0, 1-prog.StartDate.Time().Day())).String()+
			": the first period ("+periodText(first)+") ends before the programme starts, so figures for it could never be sent")
	case !prog.EndDate.IsZero() && first.Start.After(prog.EndDate):
		p.Add("firstPeriodStart", "must not be after the programme ends ("+prog.EndDate.String()+
			"): the first period ("+periodText(first)+") starts after the programme ends, so figures for it could never be sent")
	}
	if !prog.EndDate.IsZero() && last.Start.After(prog.EndDate) {
		why := "must not be after the programme ends (" + prog.EndDate.String() + ")"
		for _, q := range ps {
			if !q.Start.After(prog.EndDate) && !q.End.Before(prog.EndDate) {
				why = "must be no later than " + q.End.String() + ", the end of the period that includes the programme's end (" +
					prog.EndDate.String() + ")"
			}
		}
		why += ": the last period (" + periodText(last) + ") starts after the programme ends, so figures for it could never be sent"
		p.Add("lastPeriodEnd", why)
	}
	return p.Err()
}

func periodText(p Period) string { return p.Start.String() + " to " + p.End.String() }

// CheckSchedules refuses new programme dates (p, narrowed from before)
// that would leave a schedule's period outside them (see
// Schedule.CheckWithin), naming the date and the one it may move to.
// Dates that widen the programme are never refused.
func (p Programme) CheckSchedules(before Programme, schedules []Schedule) error {
	pr := Problems{}
	var earliest, latest Date
	var firstName, lastName string
	for _, s := range schedules {
		ps := s.Periods()
		if len(ps) == 0 {
			continue
		}
		if end := ps[0].End; earliest.IsZero() || end.Before(earliest) {
			earliest, firstName = end, s.Name
		}
		if start := ps[len(ps)-1].Start; start.After(latest) {
			latest, lastName = start, s.Name
		}
	}
	if p.StartDate.After(before.StartDate) && !earliest.IsZero() && p.StartDate.After(earliest) {
		pr.Add("startDate", "must not be after "+earliest.String()+", when the first period of the reporting schedule \""+firstName+
			"\" ends: its returns could no longer be sent")
	}
	if p.EndDate.Before(before.EndDate) && !latest.IsZero() && p.EndDate.Before(latest) {
		pr.Add("endDate", "must not be before "+latest.String()+", when the last period of the reporting schedule \""+lastName+
			"\" starts: its returns could no longer be sent; move that schedule's last period end earlier first")
	}
	return pr.Err()
}
