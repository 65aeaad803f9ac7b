package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestIntoWorkNotBeyondJobStarts: everyone starting paid work for the
// first time has a paid job start (SPEC, Metrics), so a submission, a
// correction or an import row counting more people into work than job
// starts is 400 validation_failed naming the people into work (the row's
// cell for an import) and stores nothing (audit-c W2: {peopleIntoWork: 9,
// jobStarts: 2} was 201, and so was such a row). People into work alone,
// job starts of 0 (an empty cell) or as many job starts pass. An import
// row correcting a submission is held to it on the figures it stores,
// those of the sheet's columns over the corrected submission's.
func TestIntoWorkNotBeyondJobStarts(t *testing.T) {
	t.Parallel()
	a := newMemAPI(t)
	w := dhSetup(t, a)
	outA := w.prj(w.A, "/outcomes")
	month := func(m string, counts map[string]any, more ...any) map[string]any {
		end := map[string]string{"04": "30", "05": "31", "06": "30", "07": "31", "08": "31"}[m]
		body := map[string]any{"periodStart": "2025-" + m + "-01", "periodEnd": "2025-" + m + "-" + end, "counts": counts}
		for i := 0; i+1 < len(more); i += 2 {
			body[more[i].(string)] = more[i+1]
		}
		return body
	}
	ids := func() []string {
		t.Helper()
		l := testkit.Decode[testkit.List[struct {
			ID string `json:"id"`
		}]](t, a.Want(t, http.StatusOK, testkit.Request("GET", outA, uPLA, nil)))
		var out []string
		for _, o := range l.Items {
			out = append(out, o.ID)
		}
		slices.Sort(out)
		return out
	}
	wantIntoWork := func(what string, r testkit.Resp, field, prefix string) {
		t.Helper()
		e := testkit.WantFields(t, r, field)
		if !strings.HasPrefix(e.Fields[field], prefix) {
			t.Errorf("%s: %s = %q, want %q…", what, field, e.Fields[field], prefix)
		}
	}

	// Refused, and nothing stored: the follow-up GET lists nothing.
	wantIntoWork("9 into work, 2 job starts", a.Do(t, testkit.Request("POST", outA, uPLA,
		month("04", map[string]any{"referrals": 12, "peopleIntoWork": 9, "jobStarts": 2}))),
		"counts.peopleIntoWork", "cannot be more than the job starts (2) in the same submission")
	if got := ids(); len(got) != 0 {
		t.Fatalf("a refused submission was stored: %v", got)
	}

	// Accepted: people into work alone, job starts 0, as many as job starts.
	a.Create(t, uPLA, outA, month("04", map[string]any{"referrals": 12, "peopleIntoWork": 9}))
	a.Create(t, uPLA, outA, month("05", map[string]any{"peopleIntoWork": 9, "jobStarts": 0}))
	a.Create(t, uPLA, outA, month("06", map[string]any{"peopleIntoWork": 2, "jobStarts": 2}))
	july, _ := a.Create(t, uPLA, outA, month("07", map[string]any{"referrals": 10, "peopleIntoWork": 2, "jobStarts": 3}))
	before := ids()

	// A correction is held to it too, and leaves the corrected one as it was.
	wantIntoWork("correction", a.Do(t, testkit.Request("POST", outA, uPLA,
		month("07", map[string]any{"referrals": 10, "peopleIntoWork": 9, "jobStarts": 3}, "replaces", july))),
		"counts.peopleIntoWork", "cannot be more than the job starts (3) in the same submission")
	o := testkit.Decode[domain.Outcome](t, a.Want(t, http.StatusOK, testkit.Request("GET", outA+"/"+july, uPLA, nil)))
	if o.CorrectedBy != "" || o.Counts[domain.MetricPeopleIntoWork] != 2 {
		t.Errorf("the corrected submission after the refusal: %+v", o)
	}
	if got := ids(); !slices.Equal(got, before) {
		t.Fatalf("submissions %v, want %v", got, before)
	}

	imports := w.pp("/imports")
	csv := func(rows ...string) []byte { return []byte(strings.Join(rows, "\r\n") + "\r\n") }
	// A row of its own figures: named by its People into work cell.
	wantIntoWork("import row", a.Do(t, importReq(uPLA, imports, "text/csv", csv("Project,Period start,Period end,People into work,Job starts",
		"Project A,2025-08-01,2025-08-31,9,2"))), "rows[2].peopleIntoWork", "cannot be more than the job starts (2) in the same submission")
	// A row correcting July with people into work only keeps July's 3 job
	// starts: 9 into work would stand beside them.
	wantIntoWork("import correction keeping job starts", a.Do(t, importReq(uPLA, imports, "text/csv", csv("Project,Period start,Period end,People into work",
		"Project A,2025-07-01,2025-07-31,9"))), "rows[2].peopleIntoWork",
		"cannot be more than the job starts (3, kept from the submission it corrects, as the sheet has no Job starts column)")
	// With job starts only, fewer than July's 2 people into work kept.
	wantIntoWork("import correction keeping people into work", a.Do(t, importReq(uPLA, imports, "text/csv", csv("Project,Period start,Period end,Job starts",
		"Project A,2025-07-01,2025-07-31,1"))), "rows[2].jobStarts",
		"cannot be fewer than the people into work (2, kept from the submission it corrects, as the sheet has no People into work column)")
	// Beside a row with a bad cell, the answer names both rows.
	testkit.WantFields(t, a.Do(t, importReq(uPLA, imports, "text/csv", csv("Project,Period start,Period end,People into work",
		"Project A,2025-07-01,2025-07-31,9", "Project A,2025-08-01,2025-08-31,many"))), "rows[2].peopleIntoWork", "rows[3].peopleIntoWork")
	if got := ids(); !slices.Equal(got, before) {
		t.Fatalf("submissions %v after refused imports, want %v", got, before)
	}
	// An empty Job starts cell is 0: not refused.
	r := a.Want(t, http.StatusOK, importReq(uPLA, imports+"?dryRun=true", "text/csv", csv("Project,Period start,Period end,People into work,Job starts",
		"Project A,2025-08-01,2025-08-31,9,")))
	if res := testkit.Decode[domain.ImportResult](t, r); res.Created != 1 {
		t.Errorf("an empty job starts cell: %+v, want one new submission", res)
	}
}
