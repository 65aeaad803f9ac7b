package domain

import (
	"fmt"
	"strings"
)

// A person's portfolio is every programme they belong to, each with its
// headline figures as far as their roles let them see: one line per
// programme, built from the running figures the programme keeps on write,
// so a page of them costs the same whatever the history.

// FundingKey says whose money a figure is: one funder's, to one project
// (ProjectID "" for grants to the programme as a whole). Money is kept by
// this key so each caller's share (a funder's grants, a project lead's
// project's grants) is added up from the running figures, with no grant
// read.
type FundingKey struct {
	FunderID  string
	ProjectID string
}

// SeesFunding reports whether the caller may see the money of grants
// keyed k: leads all of it, a funder its own grants, a project lead its
// own project's. It is CanReadGrant's rule for a whole class of grants.
func (a Access) SeesFunding(k FundingKey) bool {
	if a.CanManage() || a.Funders[k.FunderID] {
		return true
	}
	return k.ProjectID != "" && a.Projects[k.ProjectID]
}

// PortfolioItem is one programme on a person's portfolio (GET /portfolio).
type PortfolioItem struct {
	ProgrammeID string `json:"programmeId"`
	Name        string `json:"name"`
	// Roles are the caller's in the programme, as members lists them: an
	// administrator sees every programme, with the roles it holds there
	// (none where it is no member).
	Roles []Role `json:"roles"`
	// AwardedPence and PaidPence cover the grants the caller may read:
	// all of them for leads, a funder's own, a project lead's project's.
	AwardedPence int64 `json:"awardedPence"`
	PaidPence    int64 `json:"paidPence"`
	// PeopleIntoWork is the programme's counted (approved) figure: every
	// member reads the programme's progress.
	PeopleIntoWork int64             `json:"peopleIntoWork"`
	Targets        []PortfolioTarget `json:"targets"`
	// ReturnsOverdue counts the returns past their due date with nothing
	// sent that the caller may read, as progress counts them: every
	// project's for leads and funders, a project lead's own projects'
	// (Access.ReturnStatsSeen). Both are running counts read by key, so a
	// page of 100 programmes stays a few requests.
	ReturnsOverdue int64 `json:"returnsOverdue"`
	// PaymentsDue counts the payments due and not yet paid of the grants
	// the caller may read.
	PaymentsDue int64 `json:"paymentsDue"`
}

// PortfolioTarget is a target's standing on a portfolio line.
type PortfolioTarget struct {
	TargetID  string  `json:"targetId"`
	Metric    Metric  `json:"metric"`
	Value     int64   `json:"value"`
	Deadline  Date    `json:"deadline"`
	ProjectID *string `json:"projectId"`
	// ProjectName names a project's target's project, so a card can tell
	// two projects' targets apart without reading the projects ("" for a
	// programme-wide target, or a project whose name the summary has not
	// kept: one made before names were kept, until it is next changed).
	ProjectName string       `json:"projectName,omitempty"`
	Current     int64        `json:"current"`
	Percent     float64      `json:"percent"`
	Status      TargetStatus `json:"status"`
}

// FundingFigures are a programme's money by funder and project, kept on
// write like the totals, so each caller's share (a funder's grants, a
// project lead's project's) is added up with no grant read: awarded,
// paid, and the number of payments due and not yet paid.
type FundingFigures struct {
	Awarded map[FundingKey]int64
	Paid    map[FundingKey]int64
	Due     map[FundingKey]int64
}

// NewFundingFigures returns empty figures with every map ready.
func NewFundingFigures() FundingFigures {
	return FundingFigures{Awarded: map[FundingKey]int64{}, Paid: map[FundingKey]int64{}, Due: map[FundingKey]int64{}}
}

// ProgrammeSummary is what a portfolio line is built from: the programme,
// its running figures and money by funder and project, its targets and its
// schedules with their return counts. Nothing in it grows with the history.
type ProgrammeSummary struct {
	Programme Programme
	Totals    Totals
	Funding   FundingFigures
	Targets   []Target
	Schedules []Schedule
	// Stats are the schedules' return counts (every project's), for a
	// caller who sees every return; ProjectStats, by project and then
	// schedule, the counts of the projects a project lead leads
	// (Access.ReturnProjects). Each is read only for the caller it is for.
	Stats        map[string]ReturnStats
	ProjectStats map[string]map[string]ReturnStats
	// ProjectNames are the programme's projects' names, by id, kept with
	// its running figures so a portfolio line names project targets.
	ProjectNames map[string]string
}

// BuildPortfolioItem is one programme's portfolio line for a caller with
// roles (access a), on day today; currents are the targets' figures over
// their windows, by target id.
func BuildPortfolioItem(s ProgrammeSummary, roles []Role, a Access, currents map[string]int64, today Date) PortfolioItem {
	t, f := s.Totals, s.Funding
	it := PortfolioItem{ProgrammeID: s.Programme.ID, Name: s.Programme.Name, Roles: roles, Targets: []PortfolioTarget{},
		PeopleIntoWork: t.Programme[MetricPeopleIntoWork]}
	if it.Roles == nil {
		it.Roles = []Role{}
	}
	it.AwardedPence = sumSeen(a, f.Awarded)
	it.PaidPence = sumSeen(a, f.Paid)
	it.PaymentsDue = sumSeen(a, f.Due)
	if a.CanManage() {
		// The running total holds every grant, including any awarded
		// before awards were kept by funder and project.
		it.AwardedPence = t.AwardedPence
	}
	for _, tg := range s.Targets {
		tp := tg.Evaluate(currents[tg.ID], s.Programme.StartDate, today)
		it.Targets = append(it.Targets, PortfolioTarget{TargetID: tp.TargetID, Metric: tp.Metric, Value: tp.Value,
			Deadline: tp.Deadline, ProjectID: tp.ProjectID, ProjectName: s.ProjectNames[tg.ProjectID],
			Current: tp.Current, Percent: tp.Percent, Status: tp.Status})
	}
	it.ReturnsOverdue = CountReturns(s.Schedules, a.ReturnStatsSeen(s.Stats, s.ProjectStats), today).Overdue
	return it
}

// sumSeen adds up the figures by key that a may see.
func sumSeen(a Access, by map[FundingKey]int64) int64 {
	var n int64
	for k, v := range by {
		if a.SeesFunding(k) {
			n += v
		}
	}
	return n
}

// FundingKey is whose money the grant is.
func (g Grant) FundingKey() FundingKey {
	return FundingKey{FunderID: g.FunderID, ProjectID: g.ProjectID}
}

// MarshalText writes the key as "<funder>/<project>" ("<funder>/" for the
// programme as a whole), so figures by key can be JSON objects.
func (k FundingKey) MarshalText() ([]byte, error) { return []byte(k.FunderID + "/" + k.ProjectID), nil }

// UnmarshalText reads what MarshalText writes.
func (k *FundingKey) UnmarshalText(b []byte) error {
	f, p, ok := strings.Cut(string(b), "/")
	if !ok {
		return fmt.Errorf("%q is not <funder>/<project>", b)
	}
	*k = FundingKey{FunderID: f, ProjectID: p}
	return nil
}

// PaidDays is how a payment going from before (nil: it is new) to after
// moves the money paid by day: what a period report adds up. A payment
// counts on the day it was paid, while it stands paid.
func PaidDays(before *Payment, after Payment) map[Date]int64 {
	out := map[Date]int64{}
	if before != nil && before.Status == PaymentPaid && !before.PaidDate.IsZero() {
		out[before.PaidDate] -= before.AmountPence
	}
	if after.Status == PaymentPaid && !after.PaidDate.IsZero() {
		out[after.PaidDate] += after.AmountPence
	}
	for d, n := range out {
		if n == 0 {
			delete(out, d)
		}
	}
	return out
}

// SpentDays is how storing a spend return, correcting old when old is
// not nil, moves the money spent by the day periods ended.
func SpentDays(sp SpendReturn, old *SpendReturn) map[Date]int64 {
	out := map[Date]int64{sp.PeriodEnd: sp.TotalPence}
	if old != nil {
		out[old.PeriodEnd] -= old.TotalPence
	}
	for d, n := range out {
		if n == 0 {
			delete(out, d)
		}
	}
	return out
}
