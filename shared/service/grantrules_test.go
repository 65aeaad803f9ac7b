package service_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Rules between a grant and what depends on it: its dates and its spend
// returns; its project and the returns and targets its payments wait on;
// a target's project and the grants whose payments wait on it. Each is
// checked on both sides, and holds when the two sides race.

// milestoneBody is a £1 tranche on half of target.
func milestoneBody(target string) map[string]any {
	return map[string]any{"amountPence": 1_00, "trigger": map[string]any{"kind": "milestone", "targetId": target, "threshold": 50}}
}

// wholeTarget sets a programme-wide target and answers its id.
func (w *world) wholeTarget() string {
	return must(w.open(admin).CreateTarget(body(map[string]any{"metric": "referrals", "value": 40, "deadline": "2026-12-31",
		"notify": []string{}}))).ID
}

// fieldSays checks a validation error names field with a message holding
// each of wants.
func fieldSays(t *testing.T, what string, err error, field string, wants ...string) {
	t.Helper()
	wantFields(t, what, err, field)
	de := wantCode(t, what, err, domain.CodeValidation)
	for _, want := range wants {
		if !strings.Contains(de.Fields[field], want) {
			t.Errorf("%s: %s says %q, want it to say %q", what, field, de.Fields[field], want)
		}
	}
}

// TestGrantDatesKeepSpend: a grant's dates may not narrow past a spend
// return of it, which would still count in its spend and could never be
// corrected (a correction keeps its period, which the grant would
// refuse): refused naming startDate and endDate with the date each may
// move to, storing nothing. Narrowed to the spend exactly, they are
// taken, and the return can still be corrected. GXA runs 2025-01-01 to
// 2026-12-31; SpendXA is for 2025-04-01 to 2025-06-30.
func TestGrantDatesKeepSpend(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	err := w.unchanged(func() error {
		_, err := sc.UpdateGrant(w.GXA, version(1), body(map[string]any{"startDate": "2025-05-01", "endDate": "2025-05-31"}))
		return err
	})
	wantFields(t, "narrowed past the spend", err, "startDate", "endDate")
	de := wantCode(t, "narrowed past the spend", err, domain.CodeValidation)
	if !strings.HasPrefix(de.Fields["startDate"], "must not be after 2025-04-01") || !strings.HasPrefix(de.Fields["endDate"], "must not be before 2025-06-30") {
		t.Errorf("the refusal does not name the dates they may move to: %v", de.Fields)
	}
	err = w.unchanged(func() error {
		_, err := sc.UpdateGrant(w.GXA, version(1), body(map[string]any{"endDate": "2025-06-29"}))
		return err
	})
	fieldSays(t, "the end a day before the spend's", err, "endDate", "must not be before 2025-06-30", "spend return")

	g := must(sc.UpdateGrant(w.GXA, version(1), body(map[string]any{"startDate": "2025-04-01", "endDate": "2025-06-30"})))
	if g.StartDate.String() != "2025-04-01" || g.EndDate.String() != "2025-06-30" {
		t.Fatalf("narrowed to the spend exactly: %s to %s", g.StartDate, g.EndDate)
	}
	fix := spendBody(4_000_00, 300_00)
	fix["replaces"] = w.SpendXA
	must(w.openA(plOwn).SubmitSpend(w.GXA, body(fix)))
	// The correction is for the same period: the dates still hold it.
	err = w.unchanged(func() error {
		_, err := sc.UpdateGrant(w.GXA, always, body(map[string]any{"startDate": "2025-04-02"}))
		return err
	})
	fieldSays(t, "past the correction's start", err, "startDate", "must not be after 2025-04-01")
	// Wider dates are always taken, and other edits are not checked.
	must(sc.UpdateGrant(w.GXA, always, body(map[string]any{"startDate": "2025-01-01", "endDate": "2026-12-31"})))
	must(sc.UpdateGrant(w.GXA, always, body(map[string]any{"title": "Employment specialists, Bradford"})))
}

// TestMilestoneOnAnotherProjectsTarget: a project's grant is paid on its
// own project's results or the programme's, as a return payment already
// was: a milestone payment of it on another project's target is refused
// naming trigger.targetId, storing nothing; on its own project's target
// or a programme-wide one it is taken. A grant to the whole programme may
// wait on any project's target.
func TestMilestoneOnAnotherProjectsTarget(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	ofB := must(sc.CreateTarget(body(map[string]any{"metric": "referrals", "value": 10, "deadline": "2026-12-31",
		"projectId": w.B, "notify": []string{}}))).ID
	whole := w.wholeTarget()
	err := w.unchanged(func() error { _, err := sc.CreatePayment(w.GXA, body(milestoneBody(ofB))); return err })
	fieldSays(t, "A's grant on B's target", err, "trigger.targetId", "must be a target of the grant's project or of the whole programme")
	for name, c := range map[string]struct{ grant, target string }{
		"A's grant on A's target":            {w.GXA, w.TargetA},
		"A's grant on the programme's":       {w.GXA, whole},
		"the programme's grant on B's":       {w.GX, ofB},
		"B's grant on the programme's":       {w.GYB, whole},
		"the programme's grant on A's (too)": {w.GX, w.TargetA},
	} {
		if _, err := sc.CreatePayment(c.grant, body(milestoneBody(c.target))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestGrantProjectKeepsWaitingPayments: a grant given to a project while
// payments of it still scheduled wait on another project's return or
// target is refused naming projectId and those payments, storing nothing
// (they would pay one project's grant on another's results). Its own
// project's results and the programme's target do not stop it; payments
// paid or cancelled wait on nothing, and making a grant programme-wide is
// always allowed.
func TestGrantProjectKeepsWaitingPayments(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.addReporting()
	sc := w.open(lead)
	// On A's return for July to September, not sent yet (its April to
	// June return is accepted: a payment on it is due when made).
	onReturn := must(sc.CreatePayment(w.GX, body(map[string]any{"amountPence": 5_00,
		"trigger": map[string]any{"kind": "return", "returnId": domain.ReturnID(w.Schedule, w.A, domain.MustDate("2025-07-01"))}}))).ID
	onTarget := must(sc.CreatePayment(w.GX, body(milestoneBody(w.TargetA)))).ID
	must(sc.CreatePayment(w.GX, body(milestoneBody(w.wholeTarget()))))
	must(sc.CreatePayment(w.GX, body(paymentBody(2_00, "2026-06-30"))))

	err := w.unchanged(func() error {
		_, err := sc.UpdateGrant(w.GX, version(1), body(map[string]any{"projectId": w.B}))
		return err
	})
	fieldSays(t, "the programme's grant to B", err, "projectId", "cannot change while payments of this grant wait on another project's return or target",
		"£5.00 when Bradford IPS's return for July to September 2025 is accepted", "£1.00 when 50% of Bradford IPS's target of 60 people into work is reached",
		"cancel those payments first")
	if de := wantCode(t, "the programme's grant to B", err, domain.CodeValidation); strings.Contains(de.Fields["projectId"], "£2.00") ||
		strings.Contains(de.Fields["projectId"], "referrals") {
		t.Errorf("the refusal names payments that wait on no project's results: %s", de.Fields["projectId"])
	}

	must(sc.UpdateGrant(w.GX, version(1), body(map[string]any{"projectId": w.A})))
	err = w.unchanged(func() error {
		_, err := sc.UpdateGrant(w.GX, always, body(map[string]any{"projectId": w.B}))
		return err
	})
	fieldSays(t, "A's grant to B", err, "projectId", "£5.00", "£1.00")
	must(sc.UpdateGrant(w.GX, always, body(map[string]any{"projectId": ""})))

	must(sc.UpdatePayment(w.GX, onReturn, always, body(map[string]any{"status": "paid", "paidDate": "2026-01-10"})))
	err = w.unchanged(func() error {
		_, err := sc.UpdateGrant(w.GX, always, body(map[string]any{"projectId": w.B}))
		return err
	})
	fieldSays(t, "the programme's grant to B, one payment paid", err, "projectId", "£1.00")
	must(sc.UpdatePayment(w.GX, onTarget, always, body(map[string]any{"status": "cancelled"})))
	if g := must(sc.UpdateGrant(w.GX, always, body(map[string]any{"projectId": w.B}))); g.ProjectID != w.B {
		t.Errorf("with nothing waiting on A's results, the grant went to %q", g.ProjectID)
	}
}

// TestTargetProjectKeepsWaitingPayments: a target given to a project
// while a payment still scheduled of another project's grant waits on it
// is refused naming projectId and the grant, storing nothing. Given to
// the grant's own project, or to the whole programme, it is taken; a
// grant to the whole programme may wait on any project's target.
func TestTargetProjectKeepsWaitingPayments(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	whole := w.wholeTarget()
	must(sc.CreatePayment(w.GXA, body(milestoneBody(whole))))
	must(sc.CreatePayment(w.GX, body(milestoneBody(whole))))
	err := w.unchanged(func() error {
		_, err := sc.UpdateTarget(whole, version(1), body(map[string]any{"projectId": w.B}))
		return err
	})
	fieldSays(t, "the programme's target to B", err, "projectId",
		"cannot change while payments of another project's grants wait on this target (Employment specialists (£1.00))")
	must(sc.UpdateTarget(whole, version(1), body(map[string]any{"projectId": w.A})))
	must(sc.UpdateTarget(whole, always, body(map[string]any{"projectId": ""})))

	// A's target, with a payment of A's grant on it, may not go to B
	// either; nor with only the programme's grant on it is it held.
	must(sc.CreatePayment(w.GXA, body(milestoneBody(w.TargetA))))
	err = w.unchanged(func() error {
		_, err := sc.UpdateTarget(w.TargetA, always, body(map[string]any{"projectId": w.B}))
		return err
	})
	fieldSays(t, "A's target to B", err, "projectId", "Employment specialists (£1.00)")
	other := must(sc.CreateTarget(body(map[string]any{"metric": "referrals", "value": 10, "deadline": "2026-12-31",
		"projectId": w.A, "notify": []string{}}))).ID
	must(sc.CreatePayment(w.GX, body(milestoneBody(other))))
	must(sc.UpdateTarget(other, always, body(map[string]any{"projectId": w.B})))
}

// TestGrantRulesRaces: each of these rules holds when its two sides race
// (the second to land is refused with a conflict and stores nothing): a
// spend return recorded while its grant's dates narrow; a payment made
// on a project's results while its grant goes to another project, or its
// target does; and a grant and the target one of its payments waits on
// both given to projects at the same moment.
func TestGrantRulesRaces(t *testing.T) {
	t.Parallel()
	// January 2026 is outside GXA once its end moves to 2025-12-31.
	narrowing := func(w *world) error {
		_, err := w.open(lead).UpdateGrant(w.GXA, always, body(map[string]any{"endDate": "2025-12-31"}))
		return err
	}
	spending := func(w *world) error {
		in := spendBody(1_00, 1_00)
		in["periodStart"], in["periodEnd"] = "2026-01-01", "2026-01-14"
		_, err := w.openA(plOwn).SubmitSpend(w.GXA, body(in))
		return err
	}
	spendWithin := func(t *testing.T, w *world) {
		g := must(w.open(lead).Grant(w.GXA))
		for _, s := range mustList(w.open(lead).ListSpend(w.GXA, service.Page{Limit: 100})) {
			if s.PeriodStart.Before(g.StartDate) || s.PeriodEnd.After(g.EndDate) {
				t.Errorf("spend return for %s to %s outside its grant (%s to %s)", s.PeriodStart, s.PeriodEnd, g.StartDate, g.EndDate)
			}
		}
	}
	grantTo := func(id func(*world) string, project func(*world) string) func(w *world) error {
		return func(w *world) error {
			_, err := w.open(lead).UpdateGrant(id(w), always, body(map[string]any{"projectId": project(w)}))
			return err
		}
	}
	targetTo := func(id func(*world) string, project func(*world) string) func(w *world) error {
		return func(w *world) error {
			_, err := w.open(lead).UpdateTarget(id(w), always, body(map[string]any{"projectId": project(w)}))
			return err
		}
	}
	paying := func(grant, target func(*world) string) func(w *world) error {
		return func(w *world) error {
			_, err := w.open(lead).CreatePayment(grant(w), body(milestoneBody(target(w))))
			return err
		}
	}
	gx := func(w *world) string { return w.GX }
	gxa := func(w *world) string { return w.GXA }
	a := func(w *world) string { return w.A }
	b := func(w *world) string { return w.B }
	targetA := func(w *world) string { return w.TargetA }
	// Every payment still scheduled of a project's grant waits on that
	// project's results or the programme's.
	paidOnOwn := func(t *testing.T, w *world) {
		sc := w.open(lead)
		targets := map[string]domain.Target{}
		for _, tg := range mustList(sc.ListTargets(service.Page{Limit: 100})) {
			targets[tg.ID] = tg
		}
		for _, g := range mustList(sc.ListGrants(service.Page{Limit: 100})) {
			for _, p := range mustList(sc.ListPayments(g.ID, service.Page{Limit: 100})) {
				tg := targets[p.Trigger.TargetID]
				if p.Status == domain.PaymentScheduled && p.Trigger.OtherProject(g.ProjectID, &tg) {
					t.Errorf("payment %s of grant %q (project %s) waits on another project's results: %+v", p.ID, g.Title, g.ProjectID, p.Trigger)
				}
			}
		}
	}
	gxOnTargetA := func(w *world) { must(w.open(lead).CreatePayment(w.GX, body(milestoneBody(w.TargetA)))) }
	runRaces(t, []raceCase{
		{name: "narrowing a grant's dates, spend recorded meanwhile", op: "UpdateGrant", mine: narrowing, theirs: spending, held: spendWithin},
		{name: "spend, the grant's dates narrowed meanwhile", op: "CreateSpend", mine: spending, theirs: narrowing, held: spendWithin,
			says: "the grant's dates were changed"},
		{name: "giving a grant to B, a payment on A's target made meanwhile", op: "UpdateGrant",
			mine: grantTo(gx, b), theirs: paying(gx, targetA), held: paidOnOwn},
		{name: "a payment on A's target, the grant given to B meanwhile", op: "CreatePayment",
			mine: paying(gx, targetA), theirs: grantTo(gx, b), held: paidOnOwn, says: "the grant's project was changed"},
		{name: "giving a target to B, a payment of A's grant made on it meanwhile", op: "UpdateTarget",
			mine: targetTo(targetA, b), theirs: paying(gxa, targetA), held: paidOnOwn},
		{name: "a payment of A's grant on A's target, the target given to B meanwhile", op: "CreatePayment",
			mine: paying(gxa, targetA), theirs: targetTo(targetA, b), held: paidOnOwn, says: "the target was given to another project"},
		{name: "giving a grant to A, the target its payment waits on given to B meanwhile", op: "UpdateGrant", setup: gxOnTargetA,
			mine: grantTo(gx, a), theirs: targetTo(targetA, b), held: paidOnOwn, says: "a target a payment of this grant waits on was given to another project"},
		{name: "giving a target to B, the grant waiting on it given to A meanwhile", op: "UpdateTarget", setup: gxOnTargetA,
			mine: targetTo(targetA, b), theirs: grantTo(gx, a), held: paidOnOwn, says: "a grant whose payment waits on this target was given to another project"},
	})
}

// TestSpendRacesUnrelatedEdit: a spend return is refused only when its
// grant's dates changed meanwhile: its title edited between the return's
// read and its write refuses nothing, and both are stored.
func TestSpendRacesUnrelatedEdit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	raced := false
	w.st.Before = func(op string) error {
		if op == "CreateSpend" && !raced {
			raced = true
			must(w.open(admin).UpdateGrant(w.GXA, always, body(map[string]any{"title": "Employment specialists, Bradford"})))
		}
		return nil
	}
	in := spendBody(1_00, 1_00)
	in["periodStart"], in["periodEnd"] = "2025-07-01", "2025-09-30"
	_, err := w.openA(plOwn).SubmitSpend(w.GXA, body(in))
	w.st.Before = nil
	if !raced {
		t.Fatal("the race never happened")
	}
	if err != nil {
		t.Errorf("spend, the grant's title edited meanwhile: %v", err)
	}
	if g := must(w.open(lead).Grant(w.GXA)); g.Title != "Employment specialists, Bradford" {
		t.Errorf("the title edit was lost: %q", g.Title)
	}
}
