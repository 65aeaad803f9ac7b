package domain

import (
	"fmt"
	"testing"
)

// TestAlongside: beside a submission awaiting review, each other
// correction chain of its period shows the approved figures that count
// (a correction sent back or awaiting review leaves them counting) and
// the submission awaiting review; its own chain shows nothing.
func TestAlongside(t *testing.T) {
	approved := Outcome{ID: "a", Status: OutcomeApproved}
	old := Outcome{ID: "old"} // recorded before review existed: counts
	sentBack := Outcome{ID: "b", Status: OutcomeChangesRequested, Replaces: "a", ReplacesApproved: "a"}
	pending := Outcome{ID: "c", Status: OutcomePending}
	refused := Outcome{ID: "d", Status: OutcomeChangesRequested}
	mine := Outcome{ID: "y", Status: OutcomePending, Replaces: "x", ReplacesApproved: "x"}
	x := Outcome{ID: "x", Status: OutcomeApproved}
	period := []Outcome{mine, refused, pending, sentBack, approved, old, x} // newest first
	got := fmt.Sprint(Alongside(mine, period))
	want := fmt.Sprint([]PeriodEntry{{Outcome: pending}, {Outcome: approved, Counted: true}, {Outcome: old, Counted: true}})
	if got != want {
		t.Errorf("alongside y:\n got  %s\n want %s", got, want)
	}
	if got := Alongside(x, []Outcome{x}); got != nil {
		t.Errorf("alone in its period: %v", got)
	}
}

// TestAlongsideCohorts: only submissions for y's cohort (or, for y
// without one, for none) are alongside it, each compared on its own: the
// approved figures a correction to another cohort would replace still
// count for their cohort meanwhile.
func TestAlongsideCohorts(t *testing.T) {
	a := Outcome{ID: "a", Status: OutcomeApproved, CohortID: "c1"}
	moved := Outcome{ID: "m", Status: OutcomePending, CohortID: "c2", Replaces: "a", ReplacesApproved: "a"}
	general := Outcome{ID: "g", Status: OutcomeApproved}
	b := Outcome{ID: "b", Status: OutcomePending, CohortID: "c2"}
	y1 := Outcome{ID: "y1", Status: OutcomePending, CohortID: "c1"}
	y0 := Outcome{ID: "y0", Status: OutcomePending}
	period := []Outcome{y1, y0, b, moved, general, a} // newest first
	for _, c := range []struct {
		y    Outcome
		want []PeriodEntry
	}{
		{y1, []PeriodEntry{{Outcome: a, Counted: true}}},
		{y0, []PeriodEntry{{Outcome: general, Counted: true}}},
		{b, []PeriodEntry{{Outcome: moved}}},
	} {
		if got, want := fmt.Sprint(Alongside(c.y, period)), fmt.Sprint(c.want); got != want {
			t.Errorf("alongside %s:\n got  %s\n want %s", c.y.ID, got, want)
		}
	}
}
