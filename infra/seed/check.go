package main

import (
	"fmt"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// --- expectations and summary ---

// expectation is what a programme's progress shows once all of d is in.
type expectation struct {
	awardedPence int64
	paidPence    int64
	spentPence   int64
	posts        int64
	cohorts      int64
	places       int64
	targets      int
	totals       map[string]int64
}

func (d demo) expected() expectation {
	e := expectation{targets: len(d.Targets), totals: map[string]int64{}}
	for _, g := range d.Grants {
		e.awardedPence += g.AmountPence
		for _, tr := range g.Tranches {
			if tr.Paid != "" {
				e.paidPence += tr.AmountPence
			}
		}
		corrected := map[string]bool{}
		for _, sp := range g.Spend {
			corrected[sp.Replaces] = true
		}
		for _, sp := range g.Spend {
			if !corrected[sp.Key] {
				for _, n := range sp.Lines {
					e.spentPence += n
				}
			}
		}
	}
	for _, p := range d.Projects {
		e.posts += int64(len(p.Posts))
		for _, c := range p.Cohorts {
			e.cohorts++
			e.places += c.Places
		}
		replaced := map[string]bool{}
		for _, o := range p.Outcomes {
			if o.Replaces != "" {
				replaced[o.Replaces] = true
			}
		}
		for _, o := range p.Outcomes {
			if replaced[o.Key] {
				continue
			}
			for m, n := range o.Counts {
				e.totals[m] += n
			}
		}
	}
	return e
}

// differences says how progress differs from the expectation ("" when it
// matches).
func (e expectation) differences(p domain.Progress) string { return e.compare(p, false) }

// shortfall says where progress is short of the expectation ("" when it has
// at least every figure).
func (e expectation) shortfall(p domain.Progress) string { return e.compare(p, true) }

func (e expectation) compare(p domain.Progress, atLeast bool) string {
	var d []string
	check := func(what string, got, want int64) {
		if got < want || (!atLeast && got != want) {
			d = append(d, fmt.Sprintf("%s %d, want %d", what, got, want))
		}
	}
	check("awardedPence", p.Funding.AwardedPence, e.awardedPence)
	check("paidPence", p.Money.PaidPence, e.paidPence)
	check("spentPence", p.Money.SpentPence, e.spentPence)
	check("posts", p.Posts.Total, e.posts)
	check("cohorts", p.Cohorts.Count, e.cohorts)
	check("cohort places", p.Cohorts.Places, e.places)
	check("targets", int64(len(p.Targets)), int64(e.targets))
	for _, m := range domain.Metrics {
		check(string(m), p.Totals[m], e.totals[string(m)])
	}
	return strings.Join(d, "; ")
}

func (s *seeder) summary(results []result) {
	fmt.Fprintln(s.out, "\nDemo programmes:")
	for _, r := range results {
		fmt.Fprintf(s.out, "\n  %s\n    id %s (%s)\n", r.name, r.id, r.state)
		p := r.progress
		if p == nil {
			continue
		}
		fmt.Fprintf(s.out, "    funding %s from %d funder(s)", pounds(p.Funding.AwardedPence), len(p.Funding.ByFunder))
		if p.Posts.Total > 0 {
			fmt.Fprintf(s.out, "; posts %d (filled %d, vacant %d, ended %d)", p.Posts.Total, p.Posts.Filled, p.Posts.Vacant, p.Posts.Ended)
		}
		if p.Cohorts.Count > 0 {
			fmt.Fprintf(s.out, "; cohorts %d with %d places", p.Cohorts.Count, p.Cohorts.Places)
		}
		fmt.Fprintln(s.out)
		var totals []string
		for _, m := range domain.Metrics {
			if n := p.Totals[m]; n > 0 {
				totals = append(totals, fmt.Sprintf("%s %d", m, n))
			}
		}
		if len(totals) > 0 {
			fmt.Fprintf(s.out, "    totals: %s\n", strings.Join(totals, ", "))
		}
		for _, t := range p.Targets {
			scope := "programme"
			if t.ProjectID != nil {
				scope = "project"
				for _, pp := range p.Projects {
					if pp.ProjectID == *t.ProjectID {
						scope = pp.Name
					}
				}
			}
			fmt.Fprintf(s.out, "    target: %s %d/%d by %s (%s): %s\n", t.Metric, t.Current, t.Value, t.Deadline, scope, t.Status)
		}
		for _, m := range p.Measures {
			fmt.Fprintf(s.out, "    measure: %s %.2f -> %.2f (%+.1f%%, %d respondents)\n", m.Name, m.BaselineMean, m.LatestMean, m.ChangePercent, m.Respondents)
		}
		if rc := p.Returns; rc != nil && (rc.Due+rc.Overdue+rc.Submitted > 0 || rc.OnTimePercent != nil) {
			fmt.Fprintf(s.out, "    returns: %d due, %d overdue, %d awaiting review", rc.Due, rc.Overdue, rc.Submitted)
			if rc.OnTimePercent != nil {
				fmt.Fprintf(s.out, "; %.1f%% of those past due sent on time", *rc.OnTimePercent)
			}
			fmt.Fprintln(s.out)
		}
		if m := p.Money; m.PaidPence+m.DuePence+m.SpentPence > 0 {
			fmt.Fprintf(s.out, "    money: %s paid, %s due, %s spent\n", pounds(m.PaidPence), pounds(m.DuePence), pounds(m.SpentPence))
		}
		if p.CostPerPersonIntoWorkPence != nil {
			fmt.Fprintf(s.out, "    cost per person into work %s\n", pounds(*p.CostPerPersonIntoWorkPence))
		}
	}
	fmt.Fprintf(s.out, "\nSign in as %s (lead of all four), %s (project lead) or %s (funder); `make token EMAIL=...` prints a token.\n",
		leadEmail, projectLeadEmail, funderEmail)
}

// pounds writes pence as whole pounds (to the nearest) with thousands
// separators: £810,000.
func pounds(pence int64) string {
	if pence < 0 {
		return "-" + pounds(-pence)
	}
	return "£" + domain.Thousands((pence+50)/100)
}
