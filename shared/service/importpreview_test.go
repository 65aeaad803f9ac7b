package service_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// preview previews file as the lead and gives the staged file's id.
func (w *world) preview(file service.ImportFile) string {
	w.t.Helper()
	_, id, err := w.open(lead).PreviewImport(file, "figures.csv")
	if err != nil || id == "" {
		w.t.Fatalf("preview: %v %q", err, id)
	}
	return id
}

// TestConfirmImportStoresWhatThePreviewShowed: a confirmation stores what
// its preview showed, or nothing (audit import2 D3). A submission the
// preview would correct, corrected by someone else before the
// confirmation, refuses it (409 naming the row, saying to preview again)
// with nothing stored; so does a row previewed as new whose period has
// figures since, and one previewed as unchanged whose figures were
// changed since. Previewed again, the file shows and stores the
// correction of the newest figures.
func TestConfirmImportStoresWhatThePreviewShowed(t *testing.T) {
	w := newWorld(t)
	header := "project,periodStart,periodEnd,referrals"
	correcting := w.preview(csv(header, "Bradford IPS,2025-04-01,2025-06-30,12")) // corrects OutcomeA's 10
	creating := w.preview(csv(header, "Leeds IPS,2025-04-01,2025-06-30,5"))
	in := outcomeBody(map[string]int64{"referrals": 9, "peopleIntoWork": 7})
	in["replaces"] = w.OutcomeA
	theirs := must(w.openA(admin).SubmitOutcome(body(in))).ID
	must(w.svc.OpenProject(w.ctx, caller(admin), w.P, w.B).SubmitOutcome(body(outcomeBody(map[string]int64{"referrals": 4}))))

	for name, id := range map[string]string{"corrected since": correcting, "sent since": creating} {
		err := w.unchanged(func() error { _, _, err := w.open(lead).ConfirmImport(id); return err })
		de := wantCode(t, name, err, domain.CodeConflict)
		if problem := de.Fields["rows[2].periodStart"]; len(de.Fields) != 1 || !strings.Contains(problem, "preview the file again") {
			t.Errorf("%s: fields %v", name, de.Fields)
		}
		if !strings.Contains(de.Message, "changed after your preview") || !strings.Contains(de.Message, "nothing was imported") {
			t.Errorf("%s: message %q", name, de.Message)
		}
	}
	if o := must(w.openA(lead).Outcome(theirs)); o.CorrectedBy != "" {
		t.Errorf("the correction made after the preview was corrected again: %+v", o)
	}

	// Previewed again: a correction of the newest figures, stored as shown.
	res, id, err := w.open(lead).PreviewImport(csv(header, "Bradford IPS,2025-04-01,2025-06-30,12"), "figures.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Corrections) != 1 || res.Corrections[0].Corrects != theirs {
		t.Fatalf("previewed again: %+v", res.Corrections)
	}
	_, got, err := w.open(lead).ConfirmImport(id)
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, got, 1, 0, 1, 0)
	if o := must(w.openA(lead).Outcome(got.Submissions[0])); o.Replaces != theirs || o.Counts[domain.MetricReferrals] != 12 {
		t.Errorf("stored %+v", o)
	}

	// Previewed as unchanged, then changed by someone else: refused.
	same := w.preview(csv(header, "Bradford IPS,2025-04-01,2025-06-30,12"))
	in = outcomeBody(map[string]int64{"referrals": 3})
	in["replaces"] = got.Submissions[0]
	must(w.openA(admin).SubmitOutcome(body(in)))
	err = w.unchanged(func() error { _, _, err := w.open(lead).ConfirmImport(same); return err })
	if de := wantCode(t, "changed since", err, domain.CodeConflict); !strings.Contains(de.Fields["rows[2].periodStart"], "change them back") {
		t.Errorf("unchanged, then changed: %v", de.Fields)
	}
}

// TestConfirmImportRefusesARowReviewedSincePreview: the submission a
// preview would correct, approved by a lead before the confirmation, is
// not what the preview showed (a correction of an approved submission
// waits for its own approval while the approved figures count): refused,
// nothing stored.
func TestConfirmImportRefusesARowReviewedSincePreview(t *testing.T) {
	w := newWorld(t)
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	pending := must(w.svc.OpenProject(w.ctx, caller(admin), w.P, w.B).SubmitOutcome(body(outcomeBody(map[string]int64{"referrals": 4})))).ID
	id := w.preview(csv("project,periodStart,periodEnd,referrals", "Leeds IPS,2025-04-01,2025-06-30,5"))
	must(w.svc.OpenProject(w.ctx, caller(lead), w.P, w.B).ReviewOutcome(pending, body(map[string]any{"decision": "approve"})))
	err := w.unchanged(func() error { _, _, err := w.open(lead).ConfirmImport(id); return err })
	if de := wantCode(t, "reviewed since", err, domain.CodeConflict); !strings.Contains(de.Fields["rows[2].periodStart"], "were reviewed after your preview") {
		t.Errorf("reviewed since: %v", de.Fields)
	}
}

// TestConfirmImportChangedWhileWriting: a submission changed while the
// confirmation writes (between its transactions) stops it there, the
// rows already written kept and said, the rest left for a new preview.
func TestConfirmImportChangedWhileWriting(t *testing.T) {
	w := newWorld(t)
	w.st.ImportBatch = 1
	leeds := must(w.svc.OpenProject(w.ctx, caller(admin), w.P, w.B).SubmitOutcome(body(outcomeBody(map[string]int64{"referrals": 4})))).ID
	id := w.preview(csv("project,periodStart,periodEnd,referrals",
		"Bradford IPS,2025-04-01,2025-06-30,12", "Leeds IPS,2025-04-01,2025-06-30,5"))
	calls := 0
	w.st.Before = func(op string) error {
		if op == "ImportOutcomes" {
			if calls++; calls == 2 { // one row is written; someone corrects the other's figures
				// Rows are written by project: correct the one written second.
				in, scope := outcomeBody(map[string]int64{"referrals": 6}), w.svc.OpenProject(w.ctx, caller(admin), w.P, w.B)
				in["replaces"] = leeds
				if w.A > w.B {
					in["replaces"], scope = w.OutcomeA, w.openA(admin)
				}
				must(scope.SubmitOutcome(body(in)))
			}
		}
		return nil
	}
	_, _, err := w.open(lead).ConfirmImport(id)
	w.st.Before = nil
	de := wantCode(t, "changed while writing", err, domain.CodeConflict)
	if !strings.Contains(de.Message, "stopped after storing 1 of its 2") || len(de.Fields) != 1 {
		t.Errorf("message %q, fields %v", de.Message, de.Fields)
	}
	for _, problem := range de.Fields {
		if !strings.Contains(problem, "were corrected after your preview") {
			t.Errorf("fields %v", de.Fields)
		}
	}
	if w.st.Locked(w.P) {
		t.Error("the import lock is still held")
	}
}

// warningsOf are an import's warnings by field.
func warningsOf(res domain.ImportResult) map[string]string {
	out := map[string]string{}
	for _, w := range res.Warnings {
		out[w.Field] = w.Message
	}
	return out
}

// TestImportRowsThatFillNoReturn (audit import2 W3): a row whose period is
// a few days off a return's (a typo, 30/12 for 31/12) is stored, but the
// answer says it fills no return, naming the return it looks meant for;
// so is one outside its project's dates. Sent again with the dates put
// right, the row would count the same people twice: it is refused, naming
// the figures sent, nothing stored; so are two such rows in one file.
// Monthly figures in a programme of quarterly returns are no typo: nothing
// is said of them.
func TestImportRowsThatFillNoReturn(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	must(sc.CreateSchedule(body(map[string]any{"name": "Quarterly", "frequency": "quarterly", "firstPeriodStart": "2025-04-01",
		"lastPeriodEnd": "2026-03-31"})))
	must(sc.CreateProject(body(datedProject("Hull IPS", "2025-01-01", "2025-06-30"))))
	header := "project,periodStart,periodEnd,referrals,peopleIntoWork"

	res := must(sc.Import(csv(header,
		"Leeds IPS,01/10/2025,30/12/2025,3,1", // typo: 30/12
		"Leeds IPS,01/01/2026,31/01/2026,4,1", // a month of a quarter
		"Hull IPS,01/10/2025,31/12/2025,2,0",  // after the project ended
	), false))
	wantResult(t, res, 3, 3, 0, 0)
	warned := warningsOf(res)
	if got := warned["rows[2].periodStart"]; !strings.HasPrefix(got, "is not the period of the return it looks meant for (2025-10-01 to 2025-12-31), so it fills no return") {
		t.Errorf("the typo: %q", got)
	}
	if got := warned["rows[4].periodStart"]; !strings.HasPrefix(got, "is outside the project's dates (2025-01-01 to 2025-06-30)") {
		t.Errorf("after the project ended: %q", got)
	}
	if got, ok := warned["rows[3].periodStart"]; ok {
		t.Errorf("a month of a quarter warned: %q", got)
	}
	if len(res.Warnings) != 2 {
		t.Errorf("warnings %v", res.Warnings)
	}

	// The typo's dates put right: refused, nothing stored.
	err := w.unchanged(func() error {
		_, err := sc.Import(csv(header, "Leeds IPS,01/10/2025,31/12/2025,3,1"), false)
		return err
	})
	wantFields(t, "the period put right", err, "rows[2].periodStart")
	if de := wantCode(t, "the period put right", err, domain.CodeValidation); !strings.Contains(de.Fields["rows[2].periodStart"],
		"is a few days off the period of figures already sent (2025-10-01 to 2025-12-30), so the same people would be counted twice") {
		t.Errorf("the period put right: %v", de.Fields)
	}
	// Both in one file: refused.
	err = w.unchanged(func() error {
		_, err := sc.Import(csv(header, "Bradford IPS,01/10/2025,30/12/2025,3,1", "Bradford IPS,01/10/2025,31/12/2025,3,1"), false)
		return err
	})
	if de := wantCode(t, "both in one file", err, domain.CodeValidation); !strings.HasPrefix(de.Fields["rows[3].periodStart"], "is a few days off row 2's period") {
		t.Errorf("both in one file: %v", de.Fields)
	}
}

// TestImportSendsFiguresSentBackAgain (audit import2 W5): a row with the
// figures of a submission sent back for changes is not left unchanged
// (which left the return sent back, nothing said): it sends them again
// for review, a correction whose answer says so, filling the return as
// submitted. Sent once more, the row is unchanged.
func TestImportSendsFiguresSentBackAgain(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	must(sc.UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	s := must(sc.CreateSchedule(body(map[string]any{"name": "Quarterly", "frequency": "quarterly", "firstPeriodStart": "2025-04-01",
		"lastPeriodEnd": "2026-03-31"})))
	file := csv("project,periodStart,periodEnd,referrals,peopleIntoWork", "Leeds IPS,2025-10-01,2025-12-31,12,2")
	first := must(sc.Import(file, false))
	wantResult(t, first, 1, 1, 0, 0)
	leeds := w.svc.OpenProject(w.ctx, caller(lead), w.P, w.B)
	must(leeds.ReviewOutcome(first.Submissions[0], body(map[string]any{"decision": "request-changes", "comment": "Referrals look high"})))

	res := must(sc.Import(file, false))
	wantResult(t, res, 1, 0, 1, 0)
	if c := res.Corrections; len(c) != 1 || !c[0].SentBack || c[0].SentBackAt.IsZero() || len(c[0].Counts) != 0 || c[0].Corrects != first.Submissions[0] {
		t.Errorf("corrections %+v", c)
	}
	o := must(leeds.Outcome(res.Submissions[0]))
	if o.Replaces != first.Submissions[0] || o.Status != domain.OutcomePending || o.Counts[domain.MetricReferrals] != 12 {
		t.Errorf("sent again: %+v", o)
	}
	ret := must(sc.Return(domain.ReturnID(s.ID, w.B, domain.MustDate("2025-10-01"))))
	if ret.Status != domain.ReturnSubmitted || ret.SubmissionID != o.ID {
		t.Errorf("the return: %s on %s, want submitted on %s", ret.Status, ret.SubmissionID, o.ID)
	}
	wantResult(t, must(sc.Import(file, false)), 1, 0, 0, 1)
}
