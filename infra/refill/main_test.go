package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/infra/internal/repair"
	"github.com/fundtrack/fundtrack/infra/internal/repair/repairtest"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
)

// TestRefillCommand runs the command over a table on DynamoDB Local
// holding a return written as the rule before 2026-12 made it from
// history (the second team's figures, awaiting review, in place of the
// first team's, approved): -n prints it and writes nothing; then it puts
// it right, printing what it held and holds; again, it prints nothing to
// put right.
func TestRefillCommand(t *testing.T) {
	t.Parallel()
	w := repairtest.NewWorld(t)
	table, st, p := w.Table, w.Store, w.Programme
	ctx := context.Background()
	change := repairtest.Change
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	pr := domain.Project{ID: domain.NewID(), Name: "Derby Pathways", LeadOrganisation: "BDCFT", StartDate: domain.MustDate("2025-01-01"),
		EndDate: domain.MustDate("2026-12-31"), Version: 1, CreatedAt: now}
	must(st.CreateProject(ctx, p.ID, pr, nil, change(p.ID, domain.EntityProject, pr.ID, domain.ActionCreate, nil, pr)))
	send := func(at time.Time) domain.Outcome {
		o := domain.NewSubmission(domain.Outcome{ID: domain.NewID(), ProjectID: pr.ID, PeriodStart: domain.MustDate("2025-01-01"),
			PeriodEnd: domain.MustDate("2025-01-31"), Counts: map[domain.Metric]int64{domain.MetricReferrals: 3}, SubmittedAt: at,
			SubmittedBy: "pl@example.org"}, nil, true)
		must(st.CreateOutcome(ctx, p.ID, service.Submission{Outcome: o, Figures: domain.Submitting(o, nil, nil)},
			change(p.ID, domain.EntityOutcome, o.ID, domain.ActionCreate, nil, o)))
		return o
	}
	first := send(time.Date(2025, 2, 10, 9, 0, 0, 0, time.UTC))
	approved := first
	approved.Status = domain.OutcomeApproved
	approved.Review = &domain.Review{Decision: domain.DecisionApprove, By: "lead@example.org", At: time.Date(2025, 2, 11, 9, 0, 0, 0, time.UTC)}
	must(st.ReviewOutcome(ctx, p.ID, service.OutcomeReview{Before: first, After: approved, Figures: domain.Reviewing(first, domain.DecisionApprove, nil)},
		change(p.ID, domain.EntityOutcome, first.ID, domain.ActionReview, first, approved)))
	second := send(time.Date(2025, 2, 12, 9, 0, 0, 0, time.UTC))

	setup, err := st.ReportingSetup(ctx, p.ID)
	must(err)
	sched := domain.Schedule{ID: domain.NewID(), Name: "Monthly", Frequency: domain.Monthly, FirstPeriodStart: domain.MustDate("2025-01-01"),
		LastPeriodEnd: domain.MustDate("2025-01-31"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	must(st.CreateSchedule(ctx, p.ID, sched, setup.Seq, nil, change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	rs := domain.ExpectedReturns(sched, []domain.Project{pr}, now)
	// As the old rule wrote it: the newest that stands, sent when the first was.
	rs[0].State, rs[0].SubmissionID, rs[0].SubmittedAt = domain.StateSubmitted, second.ID, &first.SubmittedAt
	must(st.CreateReturns(ctx, p.ID, rs))
	held := func() domain.Return {
		t.Helper()
		out, _, err := st.ListReturns(ctx, p.ID, service.ReturnFilter{}, service.Page{Limit: 10})
		must(err)
		if len(out) != 1 {
			t.Fatalf("returns: %+v, want one", out)
		}
		return out[0]
	}

	bin, command := repairtest.Command(t, table)
	type report struct {
		ProgrammeID string         `json:"programmeId"`
		DryRun      bool           `json:"dryRun"`
		Refilled    []store.Refill `json:"refilled"`
		Left        []store.Refill `json:"left"`
	}
	run := func(args ...string) (report, string) {
		t.Helper()
		var r report
		stderr := command(&r, args...)
		if r.Refilled == nil || r.Left == nil {
			t.Errorf("refill %v printed null for an empty list: %+v", args, r)
		}
		return r, stderr
	}
	type failed struct {
		report
		Error string `json:"error"`
	}
	putRight := func(r report) bool {
		return len(r.Refilled) == 1 && len(r.Left) == 0 && r.Refilled[0].ReturnID == rs[0].ID &&
			r.Refilled[0].Held.State == domain.StateSubmitted && r.Refilled[0].Held.SubmissionID == second.ID &&
			r.Refilled[0].Holds.State == domain.StateAccepted && r.Refilled[0].Holds.SubmissionID == first.ID
	}

	would, _ := run("-n", "-programme", p.ID)
	if !would.DryRun || !putRight(would) {
		t.Errorf("-n: %+v, want the return put right from submitted on %s to accepted on %s", would, second.ID, first.ID)
	}
	if r := held(); r.State != domain.StateSubmitted || r.Version != 1 {
		t.Errorf("-n wrote: %+v", r)
	}
	// Beside an id one letter off, which no programme has: that one is
	// reported so, and the run fails, but the programme named is put right.
	typo := p.ID[:len(p.ID)-1] + "X"
	out, stderr, code := repairtest.Exit(t, bin, table, "-programme", typo, "-programme", p.ID)
	reports := repairtest.Reports[failed](t, out)
	if code != 1 || len(reports) != 2 || reports[0].ProgrammeID != typo || reports[0].Error != repair.ErrNoProgramme.Error() ||
		reports[0].Refilled != nil || reports[1].Error != "" {
		t.Errorf("a mistyped id beside the programme: exit status %d, %s\n%s\nwant 1, the first reported as no programme", code, out, stderr)
	}
	if !strings.Contains(stderr, "programme "+typo+": "+repair.ErrNoProgramme.Error()) {
		t.Errorf("the mistyped id is not logged: %s", stderr)
	}
	if len(reports) == 2 {
		if did := reports[1].report; did.DryRun || !putRight(did) {
			t.Errorf("the refill: %+v, want the return put right", did)
		}
	}
	if r := held(); r.State != domain.StateAccepted || r.SubmissionID != first.ID || r.Review == nil {
		t.Errorf("after the refill: %+v, want accepted on %s with its review", r, first.ID)
	}
	again, _ := run("-programme", p.ID)
	if len(again.Refilled) != 0 || len(again.Left) != 0 {
		t.Errorf("again: %+v, want nothing", again)
	}
	if err := exec.Command(bin).Run(); err == nil {
		t.Error("without -programme: it ran, want the usage and exit status 2")
	}
	// An empty or blank id names no programme: the usage, and nothing
	// printed that could pass for a clean programme.
	repairtest.RefusesBlankProgramme(t, bin, table, []string{"-programme="}, []string{"-programme", " "},
		[]string{"-n", "-programme", p.ID, "-programme", "\t"})
	// A failure is in the record printed, not only in the log.
	out, stderr, code = repairtest.Exit(t, bin, table+"-not-there", "-programme", p.ID)
	if reports := repairtest.Reports[failed](t, out); code != 1 || len(reports) != 1 || reports[0].ProgrammeID != p.ID ||
		!strings.Contains(reports[0].Error, "ResourceNotFound") || !strings.Contains(stderr, reports[0].Error) {
		t.Errorf("against a table not there: exit status %d, printed %s\n%s\nwant 1 and the error in the report", code, out, stderr)
	}
}
