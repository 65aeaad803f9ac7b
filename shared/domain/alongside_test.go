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
