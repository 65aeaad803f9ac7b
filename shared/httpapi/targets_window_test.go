package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestTargetsCountTheirOwnWindow: through the API, successive yearly
// targets each count the submissions whose period ended in their own year
// (start and deadline included), a project target its project's, and
// figures corrected out of one year and sent for another move with them. The
// programme runs 2025-01-01 to 2027-12-31 (programmeBody); it is mid 2027,
// so every period below has begun (figures for one that has not are
// refused), and none ends before the programme starts (refused too).
// Over memory: the windows are the service's; the years of figures they
// read are the store's, held to memory's by shared/store's contract test.
func TestTargetsCountTheirOwnWindow(t *testing.T) {
	t.Parallel()
	m := testkit.NewMem(t, testkit.WithClock("2027-06-30T12:00:00Z"))
	a := &apiH{API: m.API(t), mem: m}
	w := dhSetup(t, a)
	target := func(body map[string]any) string {
		body["metric"], body["notify"] = "peopleIntoWork", []string{}
		id, _ := a.Create(t, uLead, w.pp("/targets"), body)
		return id
	}
	y1 := target(map[string]any{"value": 60, "deadline": "2025-12-31"}) // from the programme's start
	y2 := target(map[string]any{"value": 80, "startDate": "2026-01-01", "deadline": "2026-12-31"})
	pa := target(map[string]any{"value": 10, "startDate": "2026-01-01", "deadline": "2026-12-31", "projectId": w.A})
	submit := func(project, from, to string, n int64) string {
		id, _ := a.Create(t, uAdmin, w.prj(project, "/outcomes"), map[string]any{"periodStart": from, "periodEnd": to,
			"counts": map[string]int64{"peopleIntoWork": n}})
		return id
	}
	// Before the programme, so before its first target opened: refused.
	testkit.WantFields(t, a.Do(t, testkit.Request("POST", w.prj(w.A, "/outcomes"), uAdmin, map[string]any{"periodStart": "2024-10-01",
		"periodEnd": "2024-12-31", "counts": map[string]int64{"peopleIntoWork": 500}})), "periodEnd")
	submit(w.A, "2025-10-01", "2025-12-31", 20) // year 1's last day
	submit(w.B, "2025-01-01", "2025-01-01", 45) // year 1's first day
	first2026 := submit(w.A, "2025-12-01", "2026-01-01", 3)
	submit(w.B, "2026-10-01", "2026-12-31", 50)
	submit(w.A, "2026-12-01", "2026-12-31", 4)
	submit(w.A, "2027-01-01", "2027-01-31", 999)

	want := func(when string, wants map[string]int64) {
		t.Helper()
		p := w.progress(t, uFunderX)
		for id, n := range wants {
			if got := p.target(t, id).Current; got != n {
				t.Errorf("%s: target %s counts %d, want %d", when, id, got, n)
			}
		}
		if p.Totals["peopleIntoWork"] != 20+45+3+50+4+999 { // all-time totals count everything
			t.Errorf("%s: all-time total %d", when, p.Totals["peopleIntoWork"])
		}
	}
	want("submitted", map[string]int64{y1: 65, y2: 57, pa: 7})

	// Figures sent for the wrong period move to the year their right one
	// ends in: the submission is corrected to nothing (a correction keeps
	// its period; another period is refused) and the figures sent for the
	// right period.
	testkit.WantFields(t, a.Do(t, testkit.Request("POST", w.prj(w.A, "/outcomes"), uPLA, map[string]any{"periodStart": "2025-12-01",
		"periodEnd": "2025-12-31", "counts": map[string]int64{"peopleIntoWork": 3}, "replaces": first2026})), "periodEnd")
	a.Want(t, http.StatusCreated, testkit.Request("POST", w.prj(w.A, "/outcomes"), uPLA, map[string]any{"periodStart": "2025-12-01",
		"periodEnd": "2026-01-01", "counts": map[string]int64{"peopleIntoWork": 0}, "replaces": first2026}))
	a.Want(t, http.StatusCreated, testkit.Request("POST", w.prj(w.A, "/outcomes"), uPLA, map[string]any{"periodStart": "2025-12-01",
		"periodEnd": "2025-12-31", "counts": map[string]int64{"peopleIntoWork": 3}}))
	want("corrected", map[string]int64{y1: 68, y2: 54, pa: 4})
}
