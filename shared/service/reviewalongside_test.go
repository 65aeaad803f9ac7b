package service_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestReviewAlongside: a submission awaiting review comes with what else
// counts or awaits review for its exact project and period, not its own
// chain's: approving it would add its figures to those.
func TestReviewAlongside(t *testing.T) {
	w := newWorld(t)
	w.addReporting() // OutcomeAPending corrects OutcomeA (approved), and awaits review
	alongside := func(id string) []domain.PeriodEntry {
		t.Helper()
		c := must(w.openA(lead).OutcomeToReview(id))
		slices.SortFunc(c.Alongside, func(a, b domain.PeriodEntry) int { return strings.Compare(a.Outcome.ID, b.Outcome.ID) })
		return c.Alongside
	}
	same := func(what string, got []domain.PeriodEntry, want ...domain.PeriodEntry) {
		t.Helper()
		slices.SortFunc(want, func(a, b domain.PeriodEntry) int { return strings.Compare(a.Outcome.ID, b.Outcome.ID) })
		if len(got) != len(want) {
			t.Fatalf("%s: %+v, want %+v", what, got, want)
		}
		for i := range got {
			if got[i].Outcome.ID != want[i].Outcome.ID || got[i].Counted != want[i].Counted {
				t.Errorf("%s: %+v, want %+v", what, got, want)
			}
		}
	}
	entry := func(id string, counted bool) domain.PeriodEntry {
		return domain.PeriodEntry{Outcome: domain.Outcome{ID: id}, Counted: counted}
	}
	same("a correction, alone in its quarter", alongside(w.OutcomeAPending))

	// Figures sent again for the quarter, not as a correction.
	again := must(w.openA(plOwn).SubmitOutcomeChecked(body(outcomeBody(map[string]int64{"referrals": 10})), true)).ID
	same("the figures sent again", alongside(again), entry(w.OutcomeA, true), entry(w.OutcomeAPending, false))
	same("the correction", alongside(w.OutcomeAPending), entry(again, false))
	must(w.openA(lead).ReviewOutcome(again, body(map[string]any{"decision": "approve"})))
	same("the correction, once the figures sent again count", alongside(w.OutcomeAPending), entry(again, true))
	// Another project's figures for the quarter are not alongside.
	must(w.svc.OpenProject(w.ctx, caller(admin), w.P, w.B).SubmitOutcome(body(outcomeBody(map[string]int64{"referrals": 1}))))
	same("the correction, beside another project's figures", alongside(w.OutcomeAPending), entry(again, true))
}

// TestReviewAlongsideCohorts: figures for a cohort are alongside only
// those for the same cohort of the period, and the project's general
// figures (for no cohort) only the general ones: a project with cohorts
// sends one submission for each.
func TestReviewAlongsideCohorts(t *testing.T) {
	w := newWorld(t)
	w.addReporting() // OutcomeAPending corrects OutcomeA (approved, no cohort), and awaits review
	ids := func(id string) []string {
		t.Helper()
		var out []string
		for _, e := range must(w.openA(lead).OutcomeToReview(id)).Alongside {
			out = append(out, e.Outcome.ID)
		}
		slices.Sort(out)
		return out
	}
	inCohort := func(cohort string) map[string]any {
		b := outcomeBody(map[string]int64{"referrals": 3})
		if cohort != "" {
			b["cohortId"] = cohort
		}
		return b
	}
	cohortB := must(w.openA(admin).CreateCohort(body(cohortBody()))).ID
	a := must(w.openA(plOwn).SubmitOutcomeChecked(body(inCohort(w.CohortA)), false)).ID
	b := must(w.openA(plOwn).SubmitOutcomeChecked(body(inCohort(cohortB)), false)).ID
	if got := ids(a); got != nil {
		t.Errorf("cohort A's figures, beside the general ones and cohort B's: alongside %v", got)
	}
	if got := ids(w.OutcomeAPending); got != nil {
		t.Errorf("the general figures' correction, beside cohorts' figures: alongside %v", got)
	}
	twice := must(w.openA(plOwn).SubmitOutcomeChecked(body(inCohort(w.CohortA)), true)).ID
	if got := ids(a); !slices.Equal(got, []string{twice}) {
		t.Errorf("cohort A's figures sent twice: alongside %v, want %s", got, twice)
	}
	if got := ids(b); got != nil {
		t.Errorf("cohort B's figures: alongside %v", got)
	}
	general := must(w.openA(plOwn).SubmitOutcomeChecked(body(inCohort("")), true)).ID
	want := []string{w.OutcomeA, w.OutcomeAPending}
	slices.Sort(want)
	if got := ids(general); !slices.Equal(got, want) {
		t.Errorf("the general figures sent again: alongside %v, want %v", got, want)
	}
}

// TestReviewNamesTheCohort: a cohort's submission awaiting review comes
// with its cohort, and the general figures with none; CohortsOf names the
// cohorts of a list of submissions, reading only those of projects whose
// records the caller may read (a project lead of another project, none).
func TestReviewNamesTheCohort(t *testing.T) {
	w := newWorld(t)
	w.addReporting() // OutcomeAPending: general figures, awaiting review
	in := outcomeBody(map[string]int64{"referrals": 3})
	in["cohortId"] = w.CohortA
	cohorts := must(w.openA(plOwn).SubmitOutcome(body(in)))
	if c := must(w.openA(lead).OutcomeToReview(cohorts.ID)); c.Cohort == nil || c.Cohort.ID != w.CohortA || c.Cohort.Name != "Aspiro cohort 1" {
		t.Errorf("a cohort's submission under review: cohort %+v", c.Cohort)
	}
	if c := must(w.openA(lead).OutcomeToReview(w.OutcomeAPending)); c.Cohort != nil {
		t.Errorf("the general figures under review: cohort %+v", c.Cohort)
	}

	general := must(w.openA(lead).Outcome(w.OutcomeAPending))
	list := []domain.Outcome{general, cohorts}
	if got := must(w.open(lead).CohortsOf(list)); len(got) != 1 || got[w.CohortA].Name != "Aspiro cohort 1" {
		t.Errorf("the cohorts of the list, for a lead: %+v", got)
	}
	if got := must(w.open(plOther).CohortsOf(list)); len(got) != 0 {
		t.Errorf("the cohorts of another project's list, for its project lead: %+v", got)
	}
	if _, err := w.svc.Open(w.ctx, caller(outsider), w.P).CohortsOf(list); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Errorf("the cohorts of the list, for someone not a member: %v", err)
	}
}
