package service_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// outcomeIDs are the ids of os, in their order.
func outcomeIDs(os []domain.Outcome) []string {
	out := []string{}
	for _, o := range os {
		out = append(out, o.ID)
	}
	return out
}

// TestSubmitOutcomeChecked: the outcome form's submission refuses new
// figures for a project and exact period that already has figures,
// naming the submissions that hold them now (after a correction, the
// correction), with whatever else is wrong with the figures, and stores
// nothing; with the person's word that they add to those, they are
// stored. A correction, another period, another project and the API's
// SubmitOutcome are never asked.
func TestSubmitOutcomeChecked(t *testing.T) {
	w := newWorld(t)
	// A clock that moves on, so "newest first" has one answer.
	now := clock
	svc := service.New(w.st, func() time.Time { now = now.Add(time.Second); return now })
	pa := func() *service.Scope { return svc.OpenProject(w.ctx, caller(plOwn), w.P, w.A) }
	stored := func() int { return len(mustList(w.openA(admin).ListOutcomes(service.Page{Limit: 100}))) }
	start, end := domain.MustDate("2025-04-01"), domain.MustDate("2025-06-30") // OutcomeA's quarter
	refused := func(what string, err error, sent ...string) *service.PeriodSentError {
		t.Helper()
		var ps *service.PeriodSentError
		if !errors.As(err, &ps) {
			t.Fatalf("%s: %v, want the figures sent named", what, err)
		}
		if got := outcomeIDs(ps.Sent); !slices.Equal(got, sent) {
			t.Errorf("%s names %v, want %v", what, got, sent)
		}
		if domain.ErrorCode(err) != domain.CodeConflict {
			t.Errorf("%s: code %s for a transport that does not know the refusal, want conflict", what, domain.ErrorCode(err))
		}
		return ps
	}

	n := stored()
	_, err := pa().SubmitOutcomeChecked(body(outcomeBody(map[string]int64{"referrals": 4})), false)
	if ps := refused("new figures for a quarter sent", err, w.OutcomeA); ps.Problems != nil {
		t.Errorf("figures with nothing else wrong: %v", ps.Problems)
	}
	// Every problem at once: the figures' own beside the period's.
	_, err = pa().SubmitOutcomeChecked(body(outcomeBody(map[string]int64{"referrals": -4})), false)
	if ps := refused("bad figures for a quarter sent", err, w.OutcomeA); domain.ErrorCode(ps.Problems) != domain.CodeValidation {
		t.Errorf("the figures' own problems: %v", ps.Problems)
	} else if de := wantCode(t, "", ps.Problems, domain.CodeValidation); de.Fields["counts.referrals"] == "" {
		t.Errorf("the figures' own problems name %v, want counts.referrals", de.Fields)
	}
	if got := stored(); got != n {
		t.Fatalf("refusals stored %d submissions", got-n)
	}

	// Added, on the person's word: both count.
	added := must(pa().SubmitOutcomeChecked(body(outcomeBody(map[string]int64{"referrals": 4})), true))
	if got := outcomeIDs(must(pa().SentForPeriod(start, end, ""))); !slices.Equal(got, []string{added.ID, w.OutcomeA}) {
		t.Errorf("the quarter's figures: %v, want %s and %s, newest first", got, added.ID, w.OutcomeA)
	}
	// A correction is not new figures; the figures corrected are no
	// longer those sent.
	in := outcomeBody(map[string]int64{"referrals": 12})
	in["replaces"] = w.OutcomeA
	fix := must(pa().SubmitOutcomeChecked(body(in), false))
	if got := outcomeIDs(must(pa().SentForPeriod(start, end, ""))); !slices.Equal(got, []string{fix.ID, added.ID}) {
		t.Errorf("the quarter's figures after a correction: %v, want %s and %s", got, fix.ID, added.ID)
	}
	_, err = pa().SubmitOutcomeChecked(body(outcomeBody(map[string]int64{"referrals": 4})), false)
	refused("new figures for a quarter sent twice and corrected", err, fix.ID, added.ID)

	// Nothing asked where nothing was sent: another quarter, another
	// project; nor by the API.
	next := map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30", "counts": map[string]int64{"referrals": 4}}
	must(pa().SubmitOutcomeChecked(body(next), false))
	must(svc.OpenProject(w.ctx, caller(admin), w.P, w.B).SubmitOutcomeChecked(body(outcomeBody(map[string]int64{"referrals": 4})), false))
	must(pa().SubmitOutcome(body(outcomeBody(map[string]int64{"referrals": 4}))))
	if got := len(must(pa().SentForPeriod(start, end, ""))); got != 3 {
		t.Errorf("the quarter holds %d sets of figures, want 3", got)
	}
	if got := must(pa().SentForPeriod(end, start, "")); got != nil {
		t.Errorf("a period that ends before it starts has figures: %v", got)
	}
}

// TestSubmitOutcomeCheckedCohorts: a project with cohorts sends one
// submission for each cohort of a period, and its general figures (for no
// cohort) beside them: figures are sent twice only when they are for the
// same period and the same cohort, or both for none. Cohort A's figures
// after the general ones, and cohort B's after cohort A's, are stored
// without the person's word; cohort A's again are refused, naming cohort
// A's alone. What the period has is told per cohort.
func TestSubmitOutcomeCheckedCohorts(t *testing.T) {
	w := newWorld(t)
	now := clock
	svc := service.New(w.st, func() time.Time { now = now.Add(time.Second); return now })
	pa := func() *service.Scope { return svc.OpenProject(w.ctx, caller(plOwn), w.P, w.A) }
	start, end := domain.MustDate("2025-04-01"), domain.MustDate("2025-06-30") // OutcomeA's quarter, no cohort
	cohortB := must(w.openA(admin).CreateCohort(body(map[string]any{"name": "Aspiro cohort 2", "places": 4,
		"startDate": "2025-03-01", "endDate": "2025-08-31"}))).ID
	inCohort := func(cohort string, referrals int64) map[string]any {
		b := outcomeBody(map[string]int64{"referrals": referrals})
		b["cohortId"] = cohort
		return b
	}

	// No cohort, then cohort A: not the same figures.
	a := must(pa().SubmitOutcomeChecked(body(inCohort(w.CohortA, 4)), false))
	// Cohort A, then cohort B.
	b := must(pa().SubmitOutcomeChecked(body(inCohort(cohortB, 5)), false))
	// Cohort A twice: refused as ever, naming cohort A's figures only.
	_, err := pa().SubmitOutcomeChecked(body(inCohort(w.CohortA, 6)), false)
	var ps *service.PeriodSentError
	if !errors.As(err, &ps) {
		t.Fatalf("cohort A's figures sent twice: %v, want them refused", err)
	}
	if got := outcomeIDs(ps.Sent); !slices.Equal(got, []string{a.ID}) {
		t.Errorf("cohort A's figures sent twice name %v, want cohort A's %s", got, a.ID)
	}
	// No cohort twice: refused, naming the general figures only.
	_, err = pa().SubmitOutcomeChecked(body(outcomeBody(map[string]int64{"referrals": 7})), false)
	if !errors.As(err, &ps) {
		t.Fatalf("the general figures sent twice: %v, want them refused", err)
	}
	if got := outcomeIDs(ps.Sent); !slices.Equal(got, []string{w.OutcomeA}) {
		t.Errorf("the general figures sent twice name %v, want %s", got, w.OutcomeA)
	}

	for _, c := range []struct {
		cohort string
		want   []string
	}{{"", []string{w.OutcomeA}}, {w.CohortA, []string{a.ID}}, {cohortB, []string{b.ID}}} {
		if got := outcomeIDs(must(pa().SentForPeriod(start, end, c.cohort))); !slices.Equal(got, c.want) {
			t.Errorf("the quarter's figures for cohort %q: %v, want %v", c.cohort, got, c.want)
		}
	}
	if got := len(mustList(w.openA(admin).ListOutcomes(service.Page{Limit: 100}))); got != 3 {
		t.Errorf("the project has %d submissions, want the 3 stored", got)
	}
}
