package service_test

import (
	"fmt"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// returnState is what a return's state is made of, to compare two
// returns of one project and period under different schedules.
func returnState(r domain.Return) string {
	at := "-"
	if r.SubmittedAt != nil {
		at = r.SubmittedAt.String()
	}
	review := "-"
	if r.Review != nil {
		review = string(r.Review.Decision) + " by " + r.Review.By
	}
	return fmt.Sprintf("%s on %q, correction %+v, review %s, submitted %s, late %v", r.Status, r.SubmissionID, r.Correction, review, at, r.Late)
}

// TestReturnsMadeLaterKeepTheFirst (audit-reporting2 D1): a period with
// two submissions that stand (a second team's figures beside the first)
// gives one return state whenever the return was made: a schedule made
// after the figures (as a lead must to change due days), one whose last
// period moved later, and a project's dates widened over the period all
// hold what the schedule expecting it all along holds, the first
// submission that filled it, for the lead and the funder alike.
func TestReturnsMadeLaterKeepTheFirst(t *testing.T) {
	w, clk := reportingWorld(t)
	sc := w.open(lead)
	schedule := func(name, last string, due int) string {
		return must(sc.CreateSchedule(body(map[string]any{"name": name, "frequency": "quarterly", "firstPeriodStart": "2025-01-01",
			"lastPeriodEnd": last, "dueDays": due}))).ID
	}
	old := schedule("Old", "2025-12-31", 20)
	must0(w.reviewOn())
	// Project C starts in 2026; its Q3 2025 figures are taken (before its
	// start) and fill no return until its dates are widened.
	c := must(sc.CreateProject(body(datedProject("Wakefield IPS", "2026-01-01", "2026-12-31"))))
	send := func(project, notes string) domain.Outcome {
		in := periodBody("2025-07-01", "2025-09-30")
		in["notes"] = notes
		return must(w.svc.OpenProject(w.ctx, caller(admin), w.P, project).SubmitOutcome(body(in)))
	}
	decide := func(project, id string, d domain.ReviewDecision) {
		must(w.svc.OpenProject(w.ctx, caller(lead), w.P, project).ReviewOutcome(id, body(map[string]any{"decision": d, "comment": "see the caseload"})))
	}
	clk.set("2026-01-16T09:00:00Z")
	g := send(w.A, "first team")
	gc := send(c.ID, "first team")
	clk.set("2026-01-17T09:00:00Z")
	decide(w.A, g.ID, domain.DecisionApprove)
	decide(c.ID, gc.ID, domain.DecisionApprove)
	clk.set("2026-01-18T09:00:00Z")
	x := send(w.A, "second team")
	send(c.ID, "second team")
	// B: the other way round, the first awaiting review, the second approved.
	g2 := send(w.B, "first team")
	clk.set("2026-01-19T09:00:00Z")
	x2 := send(w.B, "second team")
	decide(w.B, x2.ID, domain.DecisionApprove)

	clk.set("2026-01-20T09:00:00Z")
	newer := schedule("New due days", "2025-12-31", 30)
	extended := schedule("Extended", "2025-06-30", 20)
	must(sc.UpdateSchedule(extended, always, body(map[string]any{"lastPeriodEnd": "2025-12-31"})))
	must(sc.UpdateProject(c.ID, always, body(map[string]any{"startDate": "2025-01-01"})))

	q3 := domain.MustDate("2025-07-01")
	check := func(what string) {
		t.Helper()
		for _, want := range []struct {
			project, submission string
			status              domain.ReturnStatus
		}{{w.A, g.ID, domain.ReturnAccepted}, {c.ID, gc.ID, domain.ReturnAccepted}, {w.B, g2.ID, domain.ReturnSubmitted}} {
			for _, r := range []role{lead, funderOwn} {
				first := must(w.open(r).Return(domain.ReturnID(old, want.project, q3)))
				if want.project == c.ID {
					// C's return under the old schedule was made by the widening too.
					if first.Status != want.status || (r == lead && first.SubmissionID != want.submission) {
						t.Errorf("%s: %s's Q3 return of the old schedule for %s: %s, want %s on %s", what, r, want.project,
							returnState(first), want.status, want.submission)
					}
				}
				for _, s := range []string{newer, extended} {
					later := must(w.open(r).Return(domain.ReturnID(s, want.project, q3)))
					if returnState(later) != returnState(first) || first.Status != want.status {
						t.Errorf("%s: %s reads the Q3 return of %s under a schedule made later as\n  %s\nand under the old one as\n  %s\nwant %s",
							what, r, want.project, returnState(later), returnState(first), want.status)
					}
				}
			}
		}
	}
	check("returns made after the figures")
	// The second team's figures sent back: every return stays accepted on
	// the first team's, none lists as changes requested.
	decide(w.A, x.ID, domain.DecisionRequestChanges)
	check("the second team's figures sent back")
	for _, r := range returnsOf(t, w, plOwn, service.ReturnQuery{Status: domain.ReturnChangesRequested}) {
		t.Errorf("a return listed as changes requested: %s", returnState(r))
	}
}
