package domain

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// Target is a figure a programme or one project means to reach by a
// deadline, such as 60 people into work in 18 months. Funders in Notify are
// emailed as it crosses each threshold (percent of Value).
type Target struct {
	ID         string    `json:"id"`
	Metric     Metric    `json:"metric"`
	Value      int64     `json:"value"`
	Deadline   Date      `json:"deadline"`
	StartDate  Date      `json:"startDate,omitzero"`
	ProjectID  string    `json:"projectId,omitempty"`
	Notify     []string  `json:"notify"`
	Thresholds []int64   `json:"thresholds"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`

	// DueOn is the day the target sits in the notifier's due index as
	// storage read it (its next time-driven check, or the day a held
	// "missed" is looked at again): set by the target lists (ListTargets,
	// DueTargets) from the index's own key, so it is what the index said
	// at that read and is never stored as a field of its own. Zero means
	// not in the index, or read some other way (a Get leaves it zero):
	// nothing may be taken to be due on a zero DueOn.
	DueOn Date `json:"-"`
}

// TargetInput is the body of POST …/targets.
type TargetInput struct {
	Metric     Metric   `json:"metric"`
	Value      int64    `json:"value"`
	Deadline   Date     `json:"deadline"`
	StartDate  Date     `json:"startDate"`
	ProjectID  string   `json:"projectId"`
	Notify     []string `json:"notify"`
	Thresholds []int64  `json:"thresholds"`
}

// Validate checks a target; that its project and funders exist is checked
// by the service. Thresholds default to [100].
func (in *TargetInput) Validate() error {
	p := Problems{}
	if !ValidMetric(in.Metric) {
		p.Add("metric", "must be one of "+metricList())
	}
	if in.Value < 1 || in.Value > MaxCount*100 {
		p.Add("value", "must be a whole number from 1 to "+strconv.Itoa(MaxCount*100))
	}
	if in.Deadline.IsZero() {
		p.Add("deadline", "required")
	}
	if !in.StartDate.IsZero() && !in.Deadline.IsZero() && !in.StartDate.Before(in.Deadline) {
		p.Add("startDate", "must be before the deadline")
	}
	if in.ProjectID != "" && !ValidID(in.ProjectID) {
		// Told as an id of no project of the programme is (the service's
		// answer, another programme's project's included).
		p.Add("projectId", ProblemNotFoundRef)
	}
	if in.Notify == nil {
		p.Add("notify", "required: the ids of the funders to email, or [] for none")
	}
	if len(in.Notify) > MaxContacts {
		p.Add("notify", "at most "+strconv.Itoa(MaxContacts)+" funders")
	}
	seen := map[string]bool{}
	for i, f := range in.Notify {
		if !ValidID(f) {
			// As for an id of no funder of the programme (the service's
			// answer, another programme's funder's included): one
			// explanation, which says nothing of funders elsewhere.
			p.Add("notify["+strconv.Itoa(i)+"]", ProblemNotFoundRef)
		} else if seen[f] {
			p.Add("notify["+strconv.Itoa(i)+"]", "appears twice")
		}
		seen[f] = true
	}
	if in.Thresholds == nil {
		in.Thresholds = []int64{100}
	}
	if len(in.Thresholds) == 0 || len(in.Thresholds) > 10 {
		p.Add("thresholds", "give from 1 to 10 percentages, e.g. [50, 100]")
	}
	seenT := map[int64]bool{}
	for i, t := range in.Thresholds {
		if t < 1 || t > 1000 {
			p.Add("thresholds["+strconv.Itoa(i)+"]", "must be a percentage from 1 to 1000")
		} else if seenT[t] {
			p.Add("thresholds["+strconv.Itoa(i)+"]", "appears twice")
		}
		seenT[t] = true
	}
	slices.Sort(in.Thresholds)
	return p.Err()
}

// TextFields is empty: a target holds a metric, figures, dates and ids.
func (in TargetInput) TextFields() []TextField { return nil }

// LastTargetDay is the latest deadline a target of the programme may have:
// a year after the programme ends. New figures are for a period that
// begins by the programme's end and lasts at most a year, so figures of
// the programme's work (a cohort graduating after the funding ends) may
// run on that long, and a target may count them.
func (p Programme) LastTargetDay() Date { return DateOf(p.EndDate.Time().AddDate(1, 0, 0)) }

// CheckWindow checks the target's window against its programme's dates:
// it starts no earlier than the programme (startDate, or the deadline of
// a target that starts with the programme) and ends no later than
// LastTargetDay. Figures outside cannot be recorded anew; and since every
// progress and portfolio read reads each target's window a year at a
// time, the window must not be whatever a lead types (1900 to 2200 was a
// few hundred requests on every read).
func (in TargetInput) CheckWindow(prog Programme) error {
	p := Problems{}
	if prog.StartDate.IsZero() || prog.EndDate.IsZero() {
		return nil
	}
	starts := "must not be before the programme starts (" + prog.StartDate.String() + ")"
	if !in.StartDate.IsZero() && in.StartDate.Before(prog.StartDate) {
		p.Add("startDate", starts)
	}
	switch last := prog.LastTargetDay(); {
	case in.Deadline.IsZero():
	case in.Deadline.Before(prog.StartDate):
		p.Add("deadline", starts)
	case in.Deadline.After(last):
		p.Add("deadline", "must not be after "+last.String()+", a year after the programme ends ("+prog.EndDate.String()+")")
	}
	return p.Err()
}

// CheckTargets checks new dates of the programme (it as edited from
// before) against its targets' windows (see CheckWindow): a start moved
// later than a target's window starts, or an end moved so early that a
// target's deadline is more than a year after it, is refused naming the
// date and the one it may move to, so no target is left counting outside
// its programme. Dates that widen the programme are never refused, so a
// programme can always be put right.
func (p Programme) CheckTargets(before Programme, targets []Target) error {
	pr := Problems{}
	if p.StartDate.After(before.StartDate) {
		var first Date
		for _, t := range targets {
			from := t.StartDate
			if from.IsZero() {
				from = t.Deadline
			}
			if first.IsZero() || from.Before(first) {
				first = from
			}
		}
		if !first.IsZero() && p.StartDate.After(first) {
			pr.Add("startDate", "must not be after "+first.String()+", where a target's window starts: change or delete that target first")
		}
	}
	if p.EndDate.Before(before.EndDate) {
		var last Date
		for _, t := range targets {
			if t.Deadline.After(last) {
				last = t.Deadline
			}
		}
		if !last.IsZero() && last.After(p.LastTargetDay()) {
			// A year before (1 March for a deadline of 29 February, as
			// LastTargetDay counts a year from 28 February to 28 February).
			earliest := DateOf(last.Time().AddDate(-1, 0, 0))
			pr.Add("endDate", "must not be before "+earliest.String()+": a target's deadline ("+last.String()+
				") may be at most a year after the programme ends; change that target first")
		}
	}
	return pr.Err()
}

// TargetStatus is how a target stands.
type TargetStatus string

// Target statuses.
const (
	StatusOnTrack TargetStatus = "on-track"
	StatusAtRisk  TargetStatus = "at-risk"
	StatusReached TargetStatus = "reached"
	StatusMissed  TargetStatus = "missed"
)

// TargetProgress is a target with where it stands today.
type TargetProgress struct {
	TargetID string `json:"targetId"`
	Metric   Metric `json:"metric"`
	Value    int64  `json:"value"`
	Deadline Date   `json:"deadline"`
	// StartDate is the first day the target counts: its own startDate,
	// or the programme's start. With targets back to back it tells one
	// year's from the next.
	StartDate           Date         `json:"startDate"`
	ProjectID           *string      `json:"projectId"`
	Current             int64        `json:"current"`
	Percent             float64      `json:"percent"`
	Status              TargetStatus `json:"status"`
	ProjectedAtDeadline int64        `json:"projectedAtDeadline"`
}

// Evaluate says where a target stands given its current figure, on day
// today. periodStart is the target's StartDate, or the programme's start.
// The projection is a straight line from the start through today's figure;
// a target is at risk once a quarter of its period has gone and the line
// falls short.
func (t Target) Evaluate(current int64, periodStart, today Date) TargetProgress {
	if !t.StartDate.IsZero() {
		periodStart = t.StartDate
	}
	tp := TargetProgress{TargetID: t.ID, Metric: t.Metric, Value: t.Value, Deadline: t.Deadline, StartDate: periodStart, Current: current,
		Percent: Percent(current, t.Value)}
	if t.ProjectID != "" {
		id := t.ProjectID
		tp.ProjectID = &id
	}
	total := periodStart.DaysUntil(t.Deadline)
	elapsed := periodStart.DaysUntil(today)
	switch {
	case today.After(t.Deadline) || elapsed <= 0 || total <= 0:
		tp.ProjectedAtDeadline = current
	default:
		tp.ProjectedAtDeadline = int64(math.Round(float64(current) * float64(total) / float64(elapsed)))
	}
	switch {
	case current >= t.Value:
		tp.Status = StatusReached
	case today.After(t.Deadline):
		tp.Status = StatusMissed
	case total > 0 && elapsed*4 >= total && tp.ProjectedAtDeadline < t.Value:
		tp.Status = StatusAtRisk
	default:
		tp.Status = StatusOnTrack
	}
	return tp
}

// MissedGrace is how long after a target's deadline its "missed" email
// waits: the longest dueDays of the programme's schedules, since the
// figures for the period ending on the deadline may arrive until then, or
// DefaultDueDays for a programme without schedules.
func MissedGrace(schedules []Schedule) int64 {
	if len(schedules) == 0 {
		return DefaultDueDays
	}
	var longest int64
	for _, s := range schedules {
		longest = max(longest, s.DueDays)
	}
	return longest
}

// MissedNoticeDate is the first day a target's "missed" email may go:
// the day after the figures for its last period fall due (grace days after
// the deadline, MissedGrace). Before then a target shows missed in
// progress, but figures still due could reach it.
func (t Target) MissedNoticeDate(grace int64) Date {
	return t.Deadline.AddDays(int(grace) + 1)
}

// MissedEmailDue reports whether, on today, a target standing missed is
// to be emailed as missed: from its notice date, unless the target was
// recorded more than OverdueEmailWindow days after that date (a past
// target entered with its history), as returns long overdue when their
// schedule was set up are shown overdue but not emailed.
func (t Target) MissedEmailDue(grace int64, today Date) bool {
	notice := t.MissedNoticeDate(grace)
	return !today.Before(notice) && !UKDate(t.CreatedAt).After(notice.AddDays(OverdueEmailWindow))
}

// MissedReviewHold is how many days at most a target's "missed" email is
// held back while figures awaiting review could still reach the target
// (Target.CouldReachOnReview): from the first day it may go
// (MissedNoticeDate), or the day the target was recorded when that is
// later. Funders must hear in the end: a submission left unreviewed (a
// lead away, a queue forgotten) would otherwise keep "missed" from them
// for ever. Four weeks is a review cycle and more for a programme that
// looks at its queue at all, on top of the weeks "missed" already waited
// for the returns to fall due; after it the email goes on the approved
// figures as they stand and says how many submissions for the target's
// window were still awaiting review (Notification.AwaitingReview). It is
// counted from the notice day, not the deadline: a programme whose
// returns are due up to MaxDueDays after their period would otherwise
// have no hold at all.
const MissedReviewHold = 28

// MissedHoldEnds is the first day a target's "missed" email goes even
// though figures awaiting review could still reach it: MissedReviewHold
// days after the first day it may go (MissedNoticeDate on grace), or
// after the day the target was recorded, if later (a target recorded
// after its deadline is held from the day it is first judged).
func (t Target) MissedHoldEnds(grace int64) Date {
	from := t.MissedNoticeDate(grace)
	if !t.CreatedAt.IsZero() && UKDate(t.CreatedAt).After(from) {
		from = UKDate(t.CreatedAt)
	}
	return from.AddDays(MissedReviewHold)
}

// MissedMayWait reports whether, on today, a target's "missed" email may
// still be held back for figures awaiting review: before MissedHoldEnds.
func (t Target) MissedMayWait(grace int64, today Date) bool {
	return today.Before(t.MissedHoldEnds(grace))
}

// AtRiskGrace is how many days after a target is recorded its "at risk"
// email waits. A lead often sets a programme up (targets too) before
// entering its history, by form or import, over the days that follow; a
// target judged at once is judged on no figures, and its one "at risk"
// email (once per target, ever) would never be corrected. Two weeks is
// long enough to enter a year's returns, and short beside the quarter of
// a target's period that "at risk" waits for anyway (SPEC), so a target
// really falling short is told of at most two weeks later. Progress still
// shows the target at risk meanwhile, on the figures entered so far.
const AtRiskGrace = 14

// AtRiskEmailDay is the first day a target's "at risk" email may go:
// AtRiskGrace days after the target was recorded. A target stored without
// its creation time (zero) may be emailed at once.
func (t Target) AtRiskEmailDay() Date {
	if t.CreatedAt.IsZero() {
		return Date{}
	}
	return UKDate(t.CreatedAt).AddDays(AtRiskGrace)
}

// AtRiskEmailDue reports whether, on today, a target standing at risk is
// to be emailed as at risk: from its AtRiskEmailDay.
func (t Target) AtRiskEmailDue(today Date) bool {
	return !today.Before(t.AtRiskEmailDay())
}

// Percent is current as a percentage of value to one decimal place, as
// progress, the web pages and the emails all show a target's figure (61 of
// 60 is 101.7, 2 of 3 is 66.7): rounded half away from zero, except that
// short of value it is at most 99.9, so 1,999 of 2,000 is 99.9 and never
// 100.0, which would read as reached beside an "on track" or "missed"
// status. A value below 1 (no target) gives 0. Worked out in whole
// numbers, so that halves (1 of 16: 6.25) round the same on every path,
// where float64 and %.1f would not.
func Percent(current, value int64) float64 {
	if value < 1 {
		return 0
	}
	const scale = 1000 // tenths of a percent
	var tenths int64
	if current > math.MaxInt64/scale || current < math.MinInt64/scale {
		// No count comes near this (MaxCount); keep the rule all the same.
		tenths = int64(math.Round(float64(current) * scale / float64(value)))
	} else {
		n := current * scale
		q, r := n/value, n%value // r has n's sign: Go truncates toward zero
		switch {
		case r > 0 && r >= value-r:
			q++
		case r < 0 && -r >= value+r:
			q--
		}
		tenths = q
	}
	if current < value && tenths >= 100*10 {
		tenths = 100*10 - 1
	}
	return float64(tenths) / 10
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
func round2(f float64) float64 { return math.Round(f*100) / 100 }

// Input returns the target's changeable fields.
func (t Target) Input() TargetInput {
	return TargetInput{Metric: t.Metric, Value: t.Value, Deadline: t.Deadline, StartDate: t.StartDate,
		ProjectID: t.ProjectID, Notify: slices.Clone(t.Notify), Thresholds: slices.Clone(t.Thresholds)}
}

// TargetPatch is the body of PATCH …/targets/{id}; only present fields change.
type TargetPatch struct {
	Metric     *Metric   `json:"metric,omitempty"`
	Value      *int64    `json:"value,omitempty"`
	Deadline   *Date     `json:"deadline,omitempty"`
	StartDate  *Date     `json:"startDate,omitempty" null:"clears"`
	ProjectID  *string   `json:"projectId,omitempty" null:"clears"`
	Notify     *[]string `json:"notify,omitempty"`
	Thresholds *[]int64  `json:"thresholds,omitempty"`
}

// Apply returns in with the patch's fields replaced.
func (pt TargetPatch) Apply(in TargetInput) TargetInput {
	set(&in.Metric, pt.Metric)
	set(&in.Value, pt.Value)
	set(&in.Deadline, pt.Deadline)
	set(&in.StartDate, pt.StartDate)
	set(&in.ProjectID, pt.ProjectID)
	set(&in.Notify, pt.Notify)
	set(&in.Thresholds, pt.Thresholds)
	return in
}
