package domain

import (
	"math"
	"math/bits"
	"slices"
	"strconv"
	"time"
)

// Spend returns: what a grant's money was spent on, by budget line.

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
		p.Add("replaces", ProblemNotGrantSpend)
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
