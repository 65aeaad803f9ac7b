package domain

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// A submission sent back for changes, then new figures for its return
// sent without correcting it: the new figures take it over (TakesOver),
// and the store records them in its CorrectedBy, though they name nothing
// they replace. Only the new figures stand: the one taken over is history.

// takenOverPeriod is a quarter of project j: sent, sent back for changes
// and taken over by n (pending), newest first.
func takenOverPeriod() (n, sent Outcome) {
	at := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
	sent = Outcome{ID: "s", ProjectID: "j", PeriodStart: MustDate("2026-01-01"), PeriodEnd: MustDate("2026-03-31"),
		Counts: map[Metric]int64{MetricReferrals: 4}, Status: OutcomeChangesRequested, SubmittedAt: at, CorrectedBy: "n"}
	n = sent
	n.ID, n.Status, n.CorrectedBy, n.Counts = "n", OutcomePending, "", map[Metric]int64{MetricReferrals: 5}
	n.SubmittedAt = at.Add(time.Hour)
	return n, sent
}

func outcomeIDs(os []Outcome) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.ID)
	}
	return out
}

// TestCurrentSubmissionsLeaveOutTakenOver: the newest of each correction
// chain stands, unless the store recorded it replaced (CorrectedBy): taken
// over by new figures, or corrected by a submission not among those read.
func TestCurrentSubmissionsLeaveOutTakenOver(t *testing.T) {
	n, sent := takenOverPeriod()
	x := Outcome{ID: "x", CorrectedBy: "y"}
	y := Outcome{ID: "y", Replaces: "x"}
	w := Outcome{ID: "w"}
	unread := Outcome{ID: "u", CorrectedBy: "not-read"}
	got := outcomeIDs(CurrentSubmissions([]Outcome{n, sent, y, x, w, unread}))
	if want := []string{"n", "y", "w"}; !slices.Equal(got, want) {
		t.Errorf("current %v, want %v", got, want)
	}
	// Before correctedBy was recorded, a correction among them said so alone.
	if got := outcomeIDs(CurrentSubmissions([]Outcome{y, {ID: "x"}})); !slices.Equal(got, []string{"y"}) {
		t.Errorf("current of a correction stored before correctedBy: %v", got)
	}
}

// TestImportRowForTakenOverPeriod: an import's row for the period is
// weighed against the new figures alone: not "held twice", unchanged when
// it has their figures, else their correction, even when it has the
// figures of the submission taken over.
func TestImportRowForTakenOverPeriod(t *testing.T) {
	n, sent := takenOverPeriod()
	current := CurrentSubmissions([]Outcome{n, sent})
	cols := ImportColumns{Metrics: []Metric{MetricReferrals}}
	row := ImportRow{Row: 2, ProjectID: "j", PeriodStart: n.PeriodStart, PeriodEnd: n.PeriodEnd, Counts: map[Metric]int64{MetricReferrals: 5}}
	if field, problem := HeldTwice(row, current); problem != "" {
		t.Errorf("a row for the period taken over: %s %q", field, problem)
	}
	if a, _, o := PlanRow(row, cols, current); a != ImportUnchanged || o == nil || o.ID != "n" {
		t.Errorf("the new figures' row: %s %+v, want unchanged on n", a, o)
	}
	row.Counts = map[Metric]int64{MetricReferrals: 4} // the figures sent back
	if a, in, _ := PlanRow(row, cols, current); a != ImportCorrect || in.Replaces != "n" {
		t.Errorf("the figures sent back again: %s replacing %q, want a correction of n", a, in.Replaces)
	}
}

// TestAlongsideTakenOver: Alongside keeps its meaning. Beside the new
// figures, the submission they took over is nothing (it counts nothing and
// awaits no review); but approved figures it would have replaced still
// count (a return sent back on such a correction, stored before returns
// stayed accepted on the approved figures), and are named.
func TestAlongsideTakenOver(t *testing.T) {
	n, sent := takenOverPeriod()
	if got := Alongside(n, []Outcome{n, sent}); got != nil {
		t.Errorf("beside the new figures: %v, want nothing", got)
	}
	a := Outcome{ID: "a", ProjectID: "j", PeriodStart: n.PeriodStart, PeriodEnd: n.PeriodEnd, Status: OutcomeApproved, CorrectedBy: "s"}
	sent.Replaces, sent.ReplacesApproved = "a", "a"
	got := fmt.Sprint(Alongside(n, []Outcome{n, sent, a}))
	if want := fmt.Sprint([]PeriodEntry{{Outcome: a, Counted: true}}); got != want {
		t.Errorf("beside the new figures, approved ones counted:\n got  %s\n want %s", got, want)
	}
}

// TestFillFromHistoryTakenOver: a schedule set up after a take-over fills
// its return with the new figures, not the submission they took over, even
// sent the same moment (or read after them).
func TestFillFromHistoryTakenOver(t *testing.T) {
	n, sent := takenOverPeriod()
	sent.SubmittedAt = n.SubmittedAt
	r := Return{ProjectID: "j", PeriodStart: n.PeriodStart, PeriodEnd: n.PeriodEnd, DueDate: MustDate("2026-04-20"), State: StateExpected}
	if got := r.FillFromHistory([]Outcome{n, sent}); got.State != StateSubmitted || got.SubmissionID != "n" {
		t.Errorf("filled from history: %+v, want submitted on n", got)
	}
}
