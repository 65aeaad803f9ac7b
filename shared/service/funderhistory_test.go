package service_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestFunderHistoryNamesApprovedOnly: a funder's history of an approved
// correction names, as the record does for the funder, the approved
// submission it took over from, never the correction sent back in
// between (audit N3); and the history of the correction after it names,
// before, what the funder read the replaced one as replacing. Leads read
// the history as stored.
func TestFunderHistoryNamesApprovedOnly(t *testing.T) {
	w, _ := reportingWorld(t)
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	fix := func(n int, replaces string) domain.Outcome {
		return must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30",
			"counts": map[string]int{"referrals": n}, "replaces": replaces})))
	}
	decide := func(id, decision string) {
		must(w.openA(lead).ReviewOutcome(id, body(map[string]any{"decision": decision, "comment": "Check referrals."})))
	}
	c1 := fix(11, w.OutcomeA)
	decide(c1.ID, "request-changes")
	c2 := fix(12, c1.ID)
	decide(c2.ID, "approve")
	d := fix(13, c2.ID)
	decide(d.ID, "approve")
	replaces := func(r role, id string) domain.FieldChange {
		t.Helper()
		ev := byAction(mustList(w.openA(r).History(domain.ProjectRef(domain.EntityOutcome, w.A, id), service.Page{})))
		return ev[domain.ActionCorrect].Changes["replaces"]
	}
	if got := must(w.openA(funderOwn).Outcome(c2.ID)); got.Replaces != w.OutcomeA {
		t.Fatalf("the funder reads %s as replacing %s, want %s", c2.ID, got.Replaces, w.OutcomeA)
	}
	for _, c := range []struct {
		who          role
		id           string
		before, want any
	}{
		{funderOwn, c2.ID, nil, w.OutcomeA},
		{funderOwn, d.ID, w.OutcomeA, c2.ID},
		{lead, c2.ID, w.OutcomeA, c1.ID},
		{lead, d.ID, c1.ID, c2.ID},
	} {
		if got := replaces(c.who, c.id); got.Before != c.before || got.After != c.want {
			t.Errorf("%s's history of %s: replaces %v → %v, want %v → %v", c.who, c.id, got.Before, got.After, c.before, c.want)
		}
	}
}
