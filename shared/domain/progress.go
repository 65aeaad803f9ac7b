package domain

import (
	"math"
	"sort"
	"time"
)

// Progress is the answer of GET /programmes/{id}/progress.
type Progress struct {
	ProgrammeID                string            `json:"programmeId"`
	AsOf                       time.Time         `json:"asOf"`
	Funding                    FundingProgress   `json:"funding"`
	Posts                      PostCounts        `json:"posts"`
	Cohorts                    CohortCounts      `json:"cohorts"`
	Totals                     map[Metric]int64  `json:"totals"`
	Projects                   []ProjectProgress `json:"projects"`
	Targets                    []TargetProgress  `json:"targets"`
	CostPerPersonIntoWorkPence *int64            `json:"costPerPersonIntoWorkPence"`
	Measures                   []MeasureProgress `json:"measures"`
	// Monthly is the programme's totals by month, oldest first.
	Monthly []MonthTotals `json:"monthly"`
	// Trends are each target's counted figure month by month over its
	// window, by target id: what the dashboard's chart draws against a
	// target (as the period report's Trend). Not part of the API's answer.
	Trends map[string]TargetTrend `json:"-"`
	// Money is awarded, paid, due and spent over the grants the caller
	// may read. CostPerPersonIntoWorkSpentPence is the programme's spend
	// per person into work, shown only to callers who read every grant:
	// for anyone else it would reveal spend on grants they may not read,
	// and their own grants' spend over everyone's outcomes would mislead.
	Money                           MoneyProgress `json:"money"`
	CostPerPersonIntoWorkSpentPence *int64        `json:"costPerPersonIntoWorkSpentPence"`
	// OwnFunding is set when Funding covers only the caller's own funders
	// (OnlyFunders): not the whole programme's. Not part of the API's
	// answer.
	OwnFunding bool `json:"-"`
	// Pending and Returns are for leads and project leads only: funders
	// never see figures a lead has not approved.
	Pending *PendingFigures `json:"pending,omitempty"`
	Returns *ReturnCounts   `json:"returns,omitempty"`
}

// FundingProgress is money awarded, in all and by funder.
type FundingProgress struct {
	AwardedPence int64           `json:"awardedPence"`
	ByFunder     []FunderFunding `json:"byFunder"`
}

// FunderFunding is one funder's awards.
type FunderFunding struct {
	FunderID     string `json:"funderId"`
	Name         string `json:"name"`
	AwardedPence int64  `json:"awardedPence"`
}

// PostCounts counts funded posts by status.
type PostCounts struct {
	Total  int64 `json:"total"`
	Vacant int64 `json:"vacant"`
	Filled int64 `json:"filled"`
	Ended  int64 `json:"ended"`
}

// CohortCounts counts internship cohorts and their places.
type CohortCounts struct {
	Count  int64 `json:"count"`
	Places int64 `json:"places"`
}

// ProjectProgress is one project's totals.
type ProjectProgress struct {
	ProjectID string           `json:"projectId"`
	Name      string           `json:"name"`
	Totals    map[Metric]int64 `json:"totals"`
}

// MeasureProgress is a wellbeing measure combined over submissions.
type MeasureProgress struct {
	Name          string  `json:"name"`
	BaselineMean  float64 `json:"baselineMean"`
	LatestMean    float64 `json:"latestMean"`
	ChangePercent float64 `json:"changePercent"`
	Respondents   int64   `json:"respondents"`
}

// MonthTotals is the programme's totals for submissions whose period ended
// in one month.
type MonthTotals struct {
	Month  string           `json:"month"`
	Totals map[Metric]int64 `json:"totals"`
}

// allMetrics returns m with every metric present (zero where missing), so
// clients never have to guess whether a missing metric means zero.
func allMetrics(m map[Metric]int64) map[Metric]int64 {
	out := make(map[Metric]int64, len(Metrics))
	for _, k := range Metrics {
		out[k] = m[k]
	}
	return out
}

// BuildProgress assembles the progress answer from the running totals,
// each target's figure over its own window (currents, by target id) and
// the names of funders and projects: no history is read.
func BuildProgress(p Programme, t Totals, funders []Funder, projects []Project, targets []Target, currents map[string]int64, asOf time.Time) Progress {
	pr := Progress{ProgrammeID: p.ID, AsOf: asOf.UTC().Truncate(time.Second), Totals: allMetrics(t.Programme),
		Projects: []ProjectProgress{}, Targets: []TargetProgress{}, Measures: []MeasureProgress{}, Monthly: []MonthTotals{}}
	pr.Funding.AwardedPence = t.AwardedPence
	pr.Funding.ByFunder = []FunderFunding{}
	for _, f := range funders {
		pr.Funding.ByFunder = append(pr.Funding.ByFunder, FunderFunding{FunderID: f.ID, Name: f.Name, AwardedPence: t.ByFunder[f.ID]})
	}
	pr.Posts = PostCounts{Vacant: t.Posts[PostVacant], Filled: t.Posts[PostFilled], Ended: t.Posts[PostEnded]}
	pr.Posts.Total = pr.Posts.Vacant + pr.Posts.Filled + pr.Posts.Ended
	pr.Cohorts = CohortCounts{Count: t.CohortCount, Places: t.Places}
	for _, p := range projects {
		pr.Projects = append(pr.Projects, ProjectProgress{ProjectID: p.ID, Name: p.Name, Totals: allMetrics(t.ByProject[p.ID])})
	}
	today := UKDate(asOf)
	for _, tg := range targets {
		pr.Targets = append(pr.Targets, tg.Evaluate(currents[tg.ID], p.StartDate, today))
	}
	if n := t.Programme[MetricPeopleIntoWork]; n > 0 && t.AwardedPence > 0 {
		cost := int64(math.Round(float64(t.AwardedPence) / float64(n)))
		pr.CostPerPersonIntoWorkPence = &cost
	}
	pr.Measures = measureList(t.Measures)
	months := make([]string, 0, len(t.Monthly))
	for m := range t.Monthly {
		months = append(months, m)
	}
	sort.Strings(months)
	for _, m := range months {
		pr.Monthly = append(pr.Monthly, MonthTotals{Month: m, Totals: allMetrics(t.Monthly[m])})
	}
	return pr
}

// OnlyFunders narrows the funding to the funders given (a funder's own,
// Access.FundingFunders): byFunder lists only them and awardedPence is
// their awards, so nothing about another funder's awards can be read off
// the answer. The cost per person into work divides every funder's awards
// by the programme's people into work, from which the programme's awarded
// total, and so the other funders' share, would follow: it is not given
// (null), as the spend per person is not to those who do not read every
// grant.
func (pr *Progress) OnlyFunders(funders map[string]bool) {
	by := []FunderFunding{}
	var sum int64
	for _, f := range pr.Funding.ByFunder {
		if funders[f.FunderID] {
			by = append(by, f)
			sum += f.AwardedPence
		}
	}
	pr.Funding = FundingProgress{AwardedPence: sum, ByFunder: by}
	pr.CostPerPersonIntoWorkPence = nil
	pr.OwnFunding = true
}
