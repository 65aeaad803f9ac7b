package service_test

// Rules of spreadsheet imports on the in-memory fake: every row a
// submission under the API's rules, the whole file checked first, re-sends
// that store nothing, corrections of the newest submission, review, the
// roles, and an import cut off half way finished by sending it again.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// csv is an import file of the given lines.
func csv(lines ...string) service.ImportFile {
	return service.ImportFile{MediaType: domain.MediaCSV, Data: []byte(strings.Join(lines, "\r\n") + "\r\n")}
}

const importHeader = "Project,Period start,Period end,Referrals,People into work,Notes"

// yearOfQuarters is a year of quarterly figures for a project, referrals
// 10, 11, 12, 13 and people into work 1, 2, 3, 4.
func yearOfQuarters(project string) []string {
	return []string{
		project + ",2025-04-01,2025-06-30,10,1,",
		project + ",01/07/2025,30/09/2025,11,2,",
		project + ",2025-10-01,2025-12-31,12,3,steady",
		project + ",2026-01-01,2026-03-31,13,4,",
	}
}

func (w *world) totals() domain.Totals {
	w.t.Helper()
	return must(w.st.Totals(w.ctx, w.P))
}

func wantResult(t *testing.T, got domain.ImportResult, rows, created, corrected, unchanged int) {
	t.Helper()
	if got.Rows != rows || got.Created != created || got.Corrected != corrected || got.Unchanged != unchanged {
		t.Fatalf("result %+v, want rows %d created %d corrected %d unchanged %d", got, rows, created, corrected, unchanged)
	}
}

func TestImportCreatesThenLeavesUnchanged(t *testing.T) {
	w := newWorld(t)
	file := csv(append([]string{importHeader}, yearOfQuarters("Leeds IPS")...)...)
	before := w.totals()
	audit := w.auditTrail(w.P)

	res := must(w.open(lead).Import(file, false))
	wantResult(t, res, 4, 4, 0, 0)
	if len(res.Submissions) != 4 {
		t.Fatalf("submissions %v", res.Submissions)
	}
	after := w.totals()
	if got := after.ByProject[w.B][domain.MetricReferrals] - before.ByProject[w.B][domain.MetricReferrals]; got != 46 {
		t.Errorf("Leeds referrals rose by %d, want 46", got)
	}
	if got := after.Programme[domain.MetricPeopleIntoWork] - before.Programme[domain.MetricPeopleIntoWork]; got != 10 {
		t.Errorf("people into work rose by %d, want 10", got)
	}
	// Each row is a submission by the caller, audited as the API's are.
	events := newEvents(audit, w.auditTrail(w.P))
	if len(events) != 4 {
		t.Fatalf("%d audit events, want one a row", len(events))
	}
	for _, ev := range events {
		if ev.Entity != domain.EntityOutcome || ev.Action != domain.ActionCreate || ev.ActorEmail != emails[lead] {
			t.Errorf("audit event %+v", ev)
		}
	}
	o := must(w.svc.OpenProject(w.ctx, caller(lead), w.P, w.B).Outcome(res.Submissions[2]))
	if o.Notes != "steady" || o.PeriodStart != domain.MustDate("2025-10-01") || o.SubmittedBy != emails[lead] || o.Counts[domain.MetricReferrals] != 12 {
		t.Errorf("row 4's submission %+v", o)
	}

	// The same file again stores nothing and names the same submissions.
	snap := w.st.Snapshot()
	again := must(w.open(lead).Import(file, false))
	wantResult(t, again, 4, 0, 0, 4)
	if fmt.Sprint(again.Submissions) != fmt.Sprint(res.Submissions) {
		t.Errorf("re-sent: %v, first %v", again.Submissions, res.Submissions)
	}
	if w.st.Snapshot() != snap {
		t.Error("sending the same file again changed what is stored")
	}
}

func TestImportCorrectsTheNewestSubmission(t *testing.T) {
	w := newWorld(t)
	// OutcomeA (referrals 10, into work 2, Q2 2025) was corrected through the API.
	in := outcomeBody(map[string]int64{"referrals": 9, "peopleIntoWork": 2})
	in["replaces"] = w.OutcomeA
	newest := must(w.openA(admin).SubmitOutcome(body(in))).ID

	res := must(w.open(lead).Import(csv("project,periodStart,periodEnd,referrals",
		"Bradford IPS,2025-04-01,2025-06-30,9", // the same as the newest: unchanged
	), false))
	wantResult(t, res, 1, 0, 0, 1)
	if res.Submissions[0] != newest {
		t.Errorf("unchanged row names %s, want the newest %s", res.Submissions[0], newest)
	}
	audit := w.auditTrail(w.P)
	res = must(w.open(lead).Import(csv("project,periodStart,periodEnd,referrals", "Bradford IPS,2025-04-01,2025-06-30,12"), false))
	wantResult(t, res, 1, 0, 1, 0)
	o := must(w.openA(lead).Outcome(res.Submissions[0]))
	// It corrects the newest, and keeps what the sheet has no column for.
	if o.Replaces != newest || o.Counts[domain.MetricReferrals] != 12 || o.Counts[domain.MetricPeopleIntoWork] != 2 {
		t.Errorf("correction %+v", o)
	}
	if ev := newEvents(audit, w.auditTrail(w.P)); len(ev) != 1 || ev[0].Action != domain.ActionCorrect {
		t.Errorf("audit %+v", ev)
	}
	if got := w.totals().ByProject[w.A][domain.MetricReferrals]; got != 12 {
		t.Errorf("A's referrals %d, want the correction's 12 counted once", got)
	}
}

// A period that holds two separate submissions (not corrections of each
// other) is refused row by row, naming it, dry run or not: the row cannot
// say which it replaces, and replacing one (or calling the row unchanged
// because it matches one) left the period counting both.
func TestImportRefusesAPeriodHoldingTwoSubmissions(t *testing.T) {
	w := newWorld(t)
	// OutcomeA is Bradford's Q2 2025 (referrals 10); a second, separate one.
	must(w.openA(admin).SubmitOutcome(body(outcomeBody(map[string]int64{"referrals": 3}))))
	for _, figure := range []string{"13", "10", "3"} {
		file := csv("project,periodStart,periodEnd,referrals", "Bradford IPS,2025-04-01,2025-06-30,"+figure,
			"Bradford IPS,2025-07-01,2025-09-30,4")
		for _, dryRun := range []bool{true, false} {
			err := w.unchanged(func() error { _, err := w.open(lead).Import(file, dryRun); return err })
			de := wantCode(t, "a row for a period of two submissions", err, domain.CodeValidation)
			if p := de.Fields["rows[2].periodStart"]; !strings.Contains(p, "already has 2 submissions") || !strings.Contains(p, "correct them in the app") || len(de.Fields) != 1 {
				t.Errorf("referrals %s, dry run %v: %v", figure, dryRun, de.Fields)
			}
		}
	}
}

// A correction says what it changes, row by row, in the dry run's answer
// (the web preview's) and the import's: an empty cell of the template is
// 0, so it names the figures that become 0 and notes cleared. It names
// who sent the figures it replaces, and when: here not the lead
// importing but the administrator.
func TestImportSaysWhatEachCorrectionChanges(t *testing.T) {
	w := newWorld(t)
	a := must(w.openA(lead).Outcome(w.OutcomeA)) // Bradford, Q2 2025
	in := outcomeBody(map[string]int64{"referrals": 21, "peopleIntoWork": 3})
	in["replaces"], in["notes"] = a.ID, "from template"
	old := must(w.openA(admin).SubmitOutcome(body(in)))
	file := csv(importHeader,
		"Bradford IPS,2025-04-01,2025-06-30,,3,",     // referrals and notes left empty
		"Bradford IPS,2025-07-01,2025-09-30,4,1,new") // new figures: no correction
	for _, dryRun := range []bool{true, false} {
		res := must(w.open(lead).Import(file, dryRun))
		want := []domain.ImportCorrection{{Row: 2, Corrects: old.ID, SentAt: old.SubmittedAt, SentBy: emails[admin], Notes: "cleared",
			Counts:  []domain.ImportChange{{Metric: domain.MetricReferrals, From: 21, To: 0, Blank: true}},
			Project: "Bradford IPS", PeriodStart: domain.MustDate("2025-04-01"), PeriodEnd: domain.MustDate("2025-06-30")}}
		if fmt.Sprint(res.Corrections) != fmt.Sprint(want) {
			t.Errorf("dry run %v: corrections %+v, want %+v", dryRun, res.Corrections, want)
		}
	}
	// Sent again, nothing is corrected, so nothing is said.
	if res := must(w.open(lead).Import(file, true)); len(res.Corrections) != 0 || res.Corrections == nil {
		t.Errorf("sent again: %+v", res.Corrections)
	}
}

func TestImportDryRunStoresNothing(t *testing.T) {
	w := newWorld(t)
	snap := w.st.Snapshot()
	res := must(w.open(plOwn).Import(csv(append([]string{importHeader}, yearOfQuarters("bradford ips")...)...), true))
	if !res.DryRun || len(res.Submissions) != 0 {
		t.Errorf("dry run %+v", res)
	}
	// Q2 2025 holds OutcomeA's referrals 10, people into work 2: the
	// sheet's 10 and 1 differ, so it would be corrected.
	wantResult(t, res, 4, 3, 1, 0)
	if w.st.Snapshot() != snap {
		t.Error("a dry run stored something")
	}
}

// TestImportRowsForPeriodsThatCannotHaveFigures: each row is held to the
// API's rule for new figures (a period that has begun and overlaps the
// programme's dates), named by row, dry run or not, and nothing is stored.
func TestImportRowsForPeriodsThatCannotHaveFigures(t *testing.T) {
	w := newWorld(t)
	file := csv(importHeader,
		"Bradford IPS,2025-07-01,2025-09-30,10,1,",
		"Bradford IPS,2030-04-01,2030-06-30,1,0,",
		"Leeds IPS,1999-04-01,1999-06-30,1,0,",
		"Leeds IPS,2026-01-01,2026-03-31,1,0,") // begun on the world's today, 2026-01-15: allowed
	for _, dryRun := range []bool{true, false} {
		err := w.unchanged(func() error { _, err := w.open(lead).Import(file, dryRun); return err })
		wantFields(t, "rows out of the programme or not begun", err, "rows[3].periodStart", "rows[4].periodEnd")
	}
}

// TestImportNamesEveryBadRowAtOnce: a file with bad cells in some rows
// and periods the rules refuse in others names them all in one answer,
// rows of another project included, and
// stores nothing; a row correcting figures already there is still not
// held to the rule for new figures.
func TestImportNamesEveryBadRowAtOnce(t *testing.T) {
	w := newWorld(t)
	// Figures stored before the programme's start moved later.
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"startDate": "2024-01-01"})))
	must(w.open(lead).Import(csv(importHeader, "Leeds IPS,2024-04-01,2024-06-30,1,0,"), false))
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"startDate": "2025-01-01"})))
	file := csv(importHeader,
		"Bradford IPS,2025-04-01,2025-06-30,10,1,fine",
		"Bradford IPS,2025-07-01,2025-09-31,5,1,bad date",
		"Bradford IPS,2025-10-01,2025-12-31,abc,1,bad number",
		"Nowhere,2025-04-01,2025-06-30,4,1,no such project",
		"Bradford IPS,2024-01-01,2024-03-31,4,1,before the programme",
		"Leeds IPS,2025-04-01,2025-06-30,4,1,call 07700 900123",
		"Leeds IPS,2026-04-01,2026-06-30,4,1,not begun",
		"Leeds IPS,2024-04-01,2024-06-30,2,0,a correction")
	for _, dryRun := range []bool{true, false} {
		err := w.unchanged(func() error { _, err := w.open(lead).Import(file, dryRun); return err })
		wantFields(t, "bad cells and periods", err, "rows[3].periodEnd", "rows[4].referrals", "rows[5].project",
			"rows[6].periodEnd", "rows[7].notes", "rows[8].periodStart")
		if msg := err.(*domain.Error).Fields["rows[6].periodEnd"]; !strings.Contains(msg, "before the programme starts") {
			t.Errorf("period problem: %q", msg)
		}
	}
	// A project lead's file: another project's row, a bad cell and a
	// period not begun, in one answer.
	err := w.unchanged(func() error {
		_, err := w.open(plOwn).Import(csv(importHeader,
			"Bradford IPS,2025-07-01,2025-09-30,x,1,",
			"Bradford IPS,2026-04-01,2026-06-30,1,1,",
			"Leeds IPS,2025-07-01,2025-09-30,1,1,"), false)
		return err
	})
	wantFields(t, "bad cell, period and another project", err, "rows[2].referrals", "rows[3].periodStart", "rows[4].project")
	// Another project's row and a period not begun, with no bad cell: both
	// named (400) rather than the row alone (403).
	err = w.unchanged(func() error {
		_, err := w.open(plOwn).Import(csv(importHeader,
			"Bradford IPS,2026-04-01,2026-06-30,1,1,",
			"Leeds IPS,2025-07-01,2025-09-30,1,1,"), false)
		return err
	})
	wantFields(t, "period and another project", err, "rows[2].periodStart", "rows[3].project")
}

// TestImportCapsTheRowsItNames: bad cells and periods together are named
// up to MaxProblems, the answer saying how many rows have problems and
// that only the first are named. The rows' periods are checked, and
// counted, even once the bad cells alone fill the answer; a file whose
// cells are all good but whose periods cannot have figures says how many
// rows those are.
func TestImportCapsTheRowsItNames(t *testing.T) {
	w := newWorld(t)
	lines := []string{importHeader}
	for i := range domain.MaxProblems - 1 {
		lines = append(lines, fmt.Sprintf("Bradford IPS,2025-04-%02d,2025-06-30,x%d,1,", 1+i%28, i))
	}
	lines = append(lines, "Leeds IPS,2026-04-01,2026-06-30,1,1,", "Leeds IPS,2026-07-01,2026-09-30,1,1,")
	err := w.unchanged(func() error { _, err := w.open(lead).Import(csv(lines...), true); return err })
	de := wantCode(t, "many bad rows", err, domain.CodeValidation)
	last := domain.RowField(domain.MaxProblems+1, domain.ColPeriodStart)
	if want := "the file has problems in 101 rows; only the first 100 problems found are named: nothing was imported"; len(de.Fields) != domain.MaxProblems || de.Fields[last] == "" || !strings.HasPrefix(de.Message, want) {
		t.Errorf("named %d fields (%s: %q): %s, want it to start %q", len(de.Fields), last, de.Fields[last], de.Message, want)
	}

	// 120 bad cells fill the answer before the periods are checked.
	lines = []string{importHeader}
	for i := range 120 {
		lines = append(lines, fmt.Sprintf("Bradford IPS,2025-04-%02d,2025-06-30,x%d,1,", 1+i%28, i))
	}
	lines = append(lines, "Leeds IPS,2026-04-01,2026-06-30,1,1,", "Leeds IPS,2026-07-01,2026-09-30,1,1,")
	err = w.unchanged(func() error { _, err := w.open(lead).Import(csv(lines...), true); return err })
	if de := wantCode(t, "cells past the cap", err, domain.CodeValidation); !strings.HasPrefix(de.Message, "the file has problems in 122 rows;") {
		t.Errorf("120 bad cells and 2 periods not begun: %s", de.Message)
	}

	// Good cells, 130 periods not begun.
	lines = []string{importHeader}
	for i := range 130 {
		day := time.Date(2026, 2, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		lines = append(lines, fmt.Sprintf("Leeds IPS,%s,%s,1,1,", day, day))
	}
	err = w.unchanged(func() error { _, err := w.open(lead).Import(csv(lines...), true); return err })
	if de := wantCode(t, "periods past the cap", err, domain.CodeValidation); len(de.Fields) != domain.MaxProblems ||
		!strings.HasPrefix(de.Message, "130 rows have figures for a period they cannot be recorded for; only the first 100 problems found are named") {
		t.Errorf("130 periods not begun: %d fields, %s", len(de.Fields), de.Message)
	}
}

func TestImportRefusesTheWholeFile(t *testing.T) {
	w := newWorld(t)
	err := w.unchanged(func() error {
		_, err := w.open(lead).Import(csv(importHeader,
			"Bradford IPS,2025-04-01,2025-06-30,10,1,",
			"Bradford IPS,2025-07-01,2025-09-30,-1,2,",
			"Leeds IPS,2025-07-01,2025-09-30,3,2,call 07700 900123",
			"Nowhere,2025-07-01,2025-09-30,3,2,"), false)
		return err
	})
	wantFields(t, "bad rows", err, "rows[3].referrals", "rows[4].notes", "rows[5].project")
	if msg := err.(*domain.Error).Fields["rows[4].notes"]; !strings.Contains(msg, "phone number") || strings.Contains(msg, "07700") {
		t.Errorf("personal data: %q", msg)
	}
}

func TestImportRoles(t *testing.T) {
	w := newWorld(t)
	file := csv(append([]string{importHeader}, append(yearOfQuarters("Bradford IPS")[1:2], yearOfQuarters("Leeds IPS")[1:2]...)...)...)
	// A project lead: its own project only, each other project's row named.
	err := w.unchanged(func() error { _, err := w.open(plOwn).Import(file, false); return err })
	de := wantCode(t, "another project's row", err, domain.CodeForbidden)
	if len(de.Fields) != 1 || de.Fields["rows[3].project"] == "" {
		t.Errorf("fields %v", de.Fields)
	}
	// Bad cells and another project's rows are named in one answer.
	err = w.unchanged(func() error {
		_, err := w.open(plOwn).Import(csv(importHeader, "Bradford IPS,2025-07-01,2025-09-30,x,1,", "Leeds IPS,2025-07-01,2025-09-30,1,1,"), false)
		return err
	})
	wantFields(t, "bad cell and another project", err, "rows[2].referrals", "rows[3].project")
	// Funders read only; a non-member learns nothing.
	w.unchanged(func() error {
		_, err := w.open(funderOwn).Import(file, false)
		wantCode(t, "funder", err, domain.CodeForbidden)
		return err
	})
	w.unchanged(func() error {
		_, err := w.open(outsider).Import(file, false)
		wantCode(t, "outsider", err, domain.CodeNotFound)
		return err
	})
	// A project lead's own rows are imported.
	res := must(w.open(plOther).Import(csv(importHeader, "Leeds IPS,2025-07-01,2025-09-30,1,1,"), false))
	wantResult(t, res, 1, 1, 0, 0)
}

func TestImportUnderReview(t *testing.T) {
	w := newWorld(t)
	w.addReporting() // quarterly returns for 2025, review on
	n0 := len(mustList(w.open(lead).ListNotifications(service.Page{Limit: 100})))
	before := w.totals()
	res := must(w.open(plOther).Import(csv(importHeader, yearOfQuarters("Leeds IPS")[1], yearOfQuarters("Leeds IPS")[2]), false))
	wantResult(t, res, 2, 2, 0, 0)
	after := w.totals()
	if after.Programme[domain.MetricReferrals] != before.Programme[domain.MetricReferrals] {
		t.Error("figures awaiting review were counted")
	}
	if got := after.Pending[domain.MetricReferrals] - before.Pending[domain.MetricReferrals]; got != 23 || after.PendingCount-before.PendingCount != 2 {
		t.Errorf("pending referrals rose by %d (%d submissions)", got, after.PendingCount-before.PendingCount)
	}
	// Each fills its return and tells the leads, as a submission through the API does.
	ret := must(w.open(lead).Return(domain.ReturnID(w.Schedule, w.B, domain.MustDate("2025-07-01"))))
	if ret.Status != domain.ReturnSubmitted || ret.SubmissionID != res.Submissions[0] {
		t.Errorf("Q3 return %+v", ret)
	}
	if n := len(mustList(w.open(lead).ListNotifications(service.Page{Limit: 100}))); n != n0+2 {
		t.Errorf("%d notifications, want %d", n, n0+2)
	}
	// The lead approves one; the same file again leaves both unchanged.
	must(w.svc.OpenProject(w.ctx, caller(lead), w.P, w.B).ReviewOutcome(res.Submissions[0], body(map[string]any{"decision": "approve"})))
	again := must(w.open(plOther).Import(csv(importHeader, yearOfQuarters("Leeds IPS")[1], yearOfQuarters("Leeds IPS")[2]), false))
	wantResult(t, again, 2, 0, 0, 2)
}

// An import cut off half way (the database gives up on the third
// transaction) keeps what it wrote counted once and says to send the file
// again, which finishes it.
func TestImportCutOffIsFinishedBySendingItAgain(t *testing.T) {
	w := newWorld(t)
	clean := w.clone(t)
	var lines []string
	for _, p := range []string{"Bradford IPS", "Leeds IPS"} {
		// Twenty half-months of 2025, all begun and inside the programme.
		for m := 1; m <= 10; m++ {
			for half := 0; half < 2; half++ {
				lines = append(lines, fmt.Sprintf("%s,2025-%02d-%02d,2025-%02d-%02d,%d,%d,", p, m, 1+14*half, m, 14+14*half, 30+m+half, half))
			}
		}
	}
	file := csv(append([]string{importHeader}, lines...)...)
	w.st.ImportBatch, clean.st.ImportBatch = 7, 7
	calls := 0
	w.st.Before = func(op string) error {
		if op == "ImportOutcomes" {
			if calls++; calls == 3 {
				return fmt.Errorf("%w: throttled", service.ErrUnavailable)
			}
		}
		return nil
	}
	_, err := w.open(lead).Import(file, false)
	de := wantCode(t, "cut off", err, domain.CodeUnavailable)
	if !strings.Contains(de.Message, "14 of its 40") || !strings.Contains(de.Message, "send the same file again") {
		t.Errorf("message %q", de.Message)
	}
	if w.st.Locked(w.P) {
		t.Error("the import lock is still held")
	}
	res := must(w.open(lead).Import(file, false))
	wantResult(t, res, 40, 26, 0, 14)
	want := must(clean.open(lead).Import(file, false))
	wantResult(t, want, 40, 40, 0, 0)
	if got, want := fmt.Sprint(w.totals().Programme, w.totals().ByProject), fmt.Sprint(clean.totals().Programme, clean.totals().ByProject); got != want {
		t.Errorf("totals after a cut-off and a re-send:\n%s\nwant as one import:\n%s", got, want)
	}
	again := must(w.open(lead).Import(file, false))
	wantResult(t, again, 40, 0, 0, 40)
}

// A submission corrected through the API while an import runs: the
// import's transaction is refused, its remaining rows are planned again
// and it finishes, correcting the newest.
func TestImportPlansAgainWhenSubmissionsChange(t *testing.T) {
	w := newWorld(t)
	w.st.ImportBatch = 1
	raced := false
	var newest string
	w.st.Before = func(op string) error {
		if op == "ImportOutcomes" && !raced {
			raced = true
			in := outcomeBody(map[string]int64{"referrals": 7})
			in["replaces"] = w.OutcomeA
			newest = must(w.openA(admin).SubmitOutcome(body(in))).ID
		}
		return nil
	}
	res := must(w.open(lead).Import(csv("project,periodStart,periodEnd,referrals", "Bradford IPS,2025-04-01,2025-06-30,12"), false))
	wantResult(t, res, 1, 0, 1, 0)
	if o := must(w.openA(lead).Outcome(res.Submissions[0])); o.Replaces != newest {
		t.Errorf("corrects %s, want the newest %s", o.Replaces, newest)
	}
	if got := w.totals().ByProject[w.A][domain.MetricReferrals]; got != 12 {
		t.Errorf("A's referrals %d, want 12", got)
	}
}

func TestImportWhileAnotherRuns(t *testing.T) {
	w := newWorld(t)
	if err := w.st.LockImports(w.ctx, w.P, "someone-else", clock, service.ImportLease); err != nil {
		t.Fatal(err)
	}
	err := w.unchanged(func() error {
		_, err := w.open(lead).Import(csv(importHeader, yearOfQuarters("Leeds IPS")[0]), false)
		return err
	})
	wantCode(t, "locked", err, domain.CodeConflict)
	// A dry run takes no lock.
	must(w.open(lead).Import(csv(importHeader, yearOfQuarters("Leeds IPS")[0]), true))
}

func TestImportFileKinds(t *testing.T) {
	w := newWorld(t)
	_, err := w.open(lead).Import(service.ImportFile{MediaType: domain.MediaXLSX, Data: []byte("PK")}, true)
	wantCode(t, "a workbook where none is read", err, domain.CodeUnsupportedMedia)
	_, err = w.open(lead).Import(service.ImportFile{MediaType: "application/json", Data: []byte("{}")}, true)
	wantCode(t, "JSON", err, domain.CodeUnsupportedMedia)
	_, err = w.open(lead).Import(service.ImportFile{MediaType: domain.MediaCSV, Data: make([]byte, domain.MaxImportBytes+1)}, true)
	wantCode(t, "over 4 MiB", err, domain.CodeTooLarge)
	_, err = w.open(lead).Import(csv(), true)
	wantFields(t, "empty", err, "rows")
}

func TestStagedImportIsTheOwners(t *testing.T) {
	w := newWorld(t)
	file := csv(importHeader, yearOfQuarters("Leeds IPS")[1])
	res, id, err := w.open(lead).PreviewImport(file, "figures.csv")
	if err != nil || id == "" {
		t.Fatalf("preview: %v %q", err, id)
	}
	wantResult(t, res, 1, 1, 0, 0)
	st := must(w.open(lead).StagedImport(id))
	if st.Name != "figures.csv" || st.MediaType != service.StagedMediaType {
		t.Errorf("staged %+v", st)
	}
	_, err = w.open(admin).StagedImport(id)
	wantCode(t, "someone else's file", err, domain.CodeNotFound)
	// A file with problems is not kept.
	if _, id, err := w.open(lead).PreviewImport(csv(importHeader, "Nowhere,2025-07-01,2025-09-30,1,1,"), "x.csv"); id != "" || err == nil {
		t.Errorf("a bad file was staged: %q %v", id, err)
	}
	_, err = w.open(lead).StagedImport(domain.NewID())
	wantCode(t, "no such file", err, domain.CodeNotFound)
}

// TestImportSentTwiceAtOnce: two imports of one file at the same moment
// (the second planned before the first wrote anything, and taking the
// lock once the first let it go) store its rows once: the second plans
// under the lock, finding the first's rows there.
func TestImportSentTwiceAtOnce(t *testing.T) {
	w := newWorld(t)
	file := csv(append([]string{importHeader}, yearOfQuarters("Leeds IPS")...)...)
	before := w.totals()
	var second domain.ImportResult
	raced := false
	w.st.Before = func(op string) error {
		if op == "LockImports" && !raced {
			raced = true
			second = must(w.open(lead).Import(file, false))
		}
		return nil
	}
	first := must(w.open(lead).Import(file, false))
	w.st.Before = nil
	if !raced {
		t.Fatal("the imports did not race")
	}
	wantResult(t, second, 4, 4, 0, 0)
	wantResult(t, first, 4, 0, 0, 4)
	if got := w.totals().Programme[domain.MetricPeopleIntoWork] - before.Programme[domain.MetricPeopleIntoWork]; got != 10 {
		t.Errorf("people into work rose by %d, want 10 (the file's figures counted once)", got)
	}
}

// TestConfirmImportOncePerPreview: a preview's confirmation imports the
// file once; confirmed again it imports nothing and answers the first
// import's result (four created), not a new import's (four unchanged). A
// confirmation refused (another import holding the lock) stores nothing
// and leaves the preview to be confirmed again.
func TestConfirmImportOncePerPreview(t *testing.T) {
	w := newWorld(t)
	file := csv(append([]string{importHeader}, yearOfQuarters("Leeds IPS")...)...)
	_, id, err := w.open(lead).PreviewImport(file, "figures.csv")
	if err != nil || id == "" {
		t.Fatalf("preview: %v %q", err, id)
	}
	before := w.totals()

	if err := w.st.LockImports(w.ctx, w.P, "someone-else", clock, service.ImportLease); err != nil {
		t.Fatal(err)
	}
	err = w.unchanged(func() error { _, _, err := w.open(lead).ConfirmImport(id); return err })
	wantCode(t, "locked", err, domain.CodeConflict)
	if err := w.st.UnlockImports(w.ctx, w.P, "someone-else"); err != nil {
		t.Fatal(err)
	}

	st, first, err := w.open(lead).ConfirmImport(id)
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, first, 4, 4, 0, 0)
	if st.Name != "figures.csv" {
		t.Errorf("staged file %q", st.Name)
	}
	snap := w.st.Snapshot()
	_, again, err := w.open(lead).ConfirmImport(id)
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, again, 4, 4, 0, 0)
	if fmt.Sprint(again.Submissions) != fmt.Sprint(first.Submissions) {
		t.Errorf("confirmed again: %v, first %v", again.Submissions, first.Submissions)
	}
	if w.st.Snapshot() != snap {
		t.Error("confirming again changed what is stored")
	}
	if got := w.totals().Programme[domain.MetricPeopleIntoWork] - before.Programme[domain.MetricPeopleIntoWork]; got != 10 {
		t.Errorf("people into work rose by %d, want 10", got)
	}
	// Only its uploader may confirm it.
	_, _, err = w.open(admin).ConfirmImport(id)
	wantCode(t, "someone else's preview", err, domain.CodeNotFound)
}

// TestConfirmImportResultKeptWithRows: a confirmation that dies after
// storing its rows but before saving its answer (here, the save fails)
// leaves its result all the same, written with its last rows: a repeat,
// once the first's lease has run out, answers the four created, not an
// import again that finds them all unchanged, and stores nothing.
func TestConfirmImportResultKeptWithRows(t *testing.T) {
	w := newWorld(t)
	file := csv(append([]string{importHeader}, yearOfQuarters("Leeds IPS")...)...)
	_, id, err := w.open(lead).PreviewImport(file, "figures.csv")
	if err != nil || id == "" {
		t.Fatalf("preview: %v %q", err, id)
	}
	w.st.Fail("CompleteIdempotent", errors.New("the request's time ran out"))
	_, first, err := w.open(lead).ConfirmImport(id)
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, first, 4, 4, 0, 0)

	snap := w.st.Snapshot()
	later := service.New(w.st, func() time.Time { return clock.Add(service.ImportLease + time.Second) })
	_, again, err := later.Open(w.ctx, caller(lead), w.P).ConfirmImport(id)
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, again, 4, 4, 0, 0)
	if fmt.Sprint(again.Submissions) != fmt.Sprint(first.Submissions) {
		t.Errorf("confirmed again: %v, first %v", again.Submissions, first.Submissions)
	}
	if w.st.Snapshot() != snap {
		t.Error("confirming again changed what is stored")
	}
}

// TestConfirmImportSavesItsAnswerOnce: a confirmation that writes rows
// saves its result with its last rows and nowhere else (no second write
// of the same, possibly large, answer); one with nothing to write saves
// its answer on its own. Either way a repeat answers the first's result.
func TestConfirmImportSavesItsAnswerOnce(t *testing.T) {
	w := newWorld(t)
	var mu sync.Mutex
	completes := 0
	w.st.Before = func(op string) error {
		if op == "CompleteIdempotent" {
			mu.Lock()
			completes++
			mu.Unlock()
		}
		return nil
	}
	defer func() { w.st.Before = nil }()
	confirm := func(name string, created, unchanged, wantCompletes int) {
		t.Helper()
		file := csv(append([]string{importHeader}, yearOfQuarters("Leeds IPS")...)...)
		_, id, err := w.open(lead).PreviewImport(file, name)
		if err != nil || id == "" {
			t.Fatalf("preview: %v %q", err, id)
		}
		mu.Lock()
		completes = 0
		mu.Unlock()
		_, first, err := w.open(lead).ConfirmImport(id)
		if err != nil {
			t.Fatal(err)
		}
		wantResult(t, first, 4, created, 0, unchanged)
		_, again, err := w.open(lead).ConfirmImport(id)
		if err != nil {
			t.Fatal(err)
		}
		wantResult(t, again, 4, created, 0, unchanged)
		mu.Lock()
		defer mu.Unlock()
		if completes != wantCompletes {
			t.Errorf("%s: answer saved apart from the rows %d times, want %d", name, completes, wantCompletes)
		}
	}
	confirm("figures.csv", 4, 0, 0)
	confirm("again.csv", 0, 4, 1)
}

// TestImportRefusesACohortTwiceByNameAndID: one cohort's period in two
// rows, the cohort named in one and given by id in the other, is refused
// as a repeat, storing nothing (audit finding 2: both were stored and
// counted together, 7 interns in a 4-place cohort).
func TestImportRefusesACohortTwiceByNameAndID(t *testing.T) {
	w := newWorld(t)
	err := w.unchanged(func() error {
		_, err := w.open(lead).Import(csv("Project,Period start,Period end,Interns enrolled,Cohort",
			"Bradford IPS,2025-04-01,2025-06-30,4,Aspiro cohort 1",
			"Bradford IPS,2025-04-01,2025-06-30,3,"+w.CohortA), true)
		return err
	})
	wantFields(t, "a cohort twice", err, "rows[3].periodStart")
	if msg := err.(*domain.Error).Fields["rows[3].periodStart"]; !strings.Contains(msg, "row 2 already has") {
		t.Errorf("rows[3].periodStart: %q", msg)
	}
}

// TestImportTemplateFilledInPart: the template downloaded, one project's
// row filled in and the other's left as it came, imports the one row
// (audit finding 9: the unfilled row was refused for its missing dates).
func TestImportTemplateFilledInPart(t *testing.T) {
	w := newWorld(t)
	tpl := must(w.open(lead).ImportTemplate(domain.MediaCSV))
	lines := strings.Split(strings.TrimRight(string(tpl.Data), "\r\n"), "\r\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "Bradford IPS,") {
		t.Fatalf("template %q", tpl.Data)
	}
	cells := strings.Split(lines[1], ",")
	cells[1], cells[2], cells[3], cells[4] = "01/04/2025", "30/06/2025", "4", "2"
	lines[1] = strings.Join(cells, ",")
	res := must(w.open(lead).Import(csv(lines...), false))
	if res.Rows != 1 || res.Created+res.Corrected != 1 || len(res.Submissions) != 1 {
		t.Errorf("result %+v, want the one row filled in", res)
	}
}

// TestImportNamesTheColumnsItIgnores: a column fundtrack does not read is
// ignored and named in the answer; a misspelt metric is refused.
func TestImportNamesTheColumnsItIgnores(t *testing.T) {
	w := newWorld(t)
	res := must(w.open(lead).Import(csv("Project,Period start,Period end,Referrals,Total,Comments",
		"Bradford IPS,2025-04-01,2025-06-30,4,4,steady"), true))
	if res.Rows != 1 {
		t.Errorf("result %+v", res)
	}
	if fmt.Sprint(res.IgnoredColumns) != "[Total Comments]" {
		t.Errorf("ignored %q", res.IgnoredColumns)
	}
	res = must(w.open(lead).Import(csv(importHeader, yearOfQuarters("Leeds IPS")[0]), true))
	if res.IgnoredColumns == nil || len(res.IgnoredColumns) != 0 {
		t.Errorf("no column ignored: %#v", res.IgnoredColumns)
	}
	_, err := w.open(lead).Import(csv("Project,Period start,Period end,Referrals,Peopel into work",
		"Bradford IPS,2025-04-01,2025-06-30,4,4"), true)
	wantFields(t, "misspelt metric", err, "rows[1].E")
}

// TestPreviewImportKeepsNoPersonalDataInTheFileName: a file named with
// personal data is previewed and kept as any other, its name not kept
// (audit finding 5: it was stored with the file and shown back).
func TestPreviewImportKeepsNoPersonalDataInTheFileName(t *testing.T) {
	w := newWorld(t)
	_, id, err := w.open(lead).PreviewImport(csv(importHeader, yearOfQuarters("Leeds IPS")[1]), "Jane Doe 943 476 5919.csv")
	if err != nil || id == "" {
		t.Fatalf("preview: %v %q", err, id)
	}
	if st := must(w.open(lead).StagedImport(id)); st.Name != "" {
		t.Errorf("kept the name %q", st.Name)
	}
}

// unlockFails is memstore whose import lock cannot be released.
type unlockFails struct{ service.Storer }

func (unlockFails) UnlockImports(context.Context, string, string) error {
	return errors.New("injected: release refused")
}

// An import whose lock cannot be released still answers with what it
// wrote; the lock left held refuses the next import until its lease ends,
// so the failure is logged with the programme, the one trace of why.
func TestImportLogsALockLeftHeld(t *testing.T) {
	w := newWorld(t)
	var logs strings.Builder
	svc := service.New(unlockFails{w.st}, func() time.Time { return clock }).WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))
	res := must(svc.Open(w.ctx, caller(lead), w.P).Import(csv(importHeader, "Leeds IPS,2025-04-01,2025-06-30,10,1,"), false))
	wantResult(t, res, 1, 1, 0, 0)
	for _, want := range []string{"level=WARN", "releasing the import lock failed", "programme=" + w.P, "injected: release refused"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log %q lacks %q", logs.String(), want)
		}
	}
}
