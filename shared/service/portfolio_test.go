package service_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestPortfolioOfAFunderInTwoProgrammes: the funder, in two
// programmes, sees both, each with the money of its own grants only, and
// pages through them.
func TestPortfolioOfAFunderInTwoProgrammes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	dwp := "grants@dwp.example"
	// In P it acts for X; in P2 for a funder of its own there.
	must3(w.open(admin).PutMember(dwp, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}})))
	p2 := w.svc.Open(w.ctx, caller(admin), w.P2)
	x2 := must(p2.CreateFunder(body(map[string]any{"name": "DWP", "contacts": []string{dwp}}))).ID
	other := must(p2.CreateFunder(body(map[string]any{"name": "Lottery", "contacts": []string{"a@tnlcf.example"}}))).ID
	must3(p2.PutMember(dwp, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: x2}}})))
	must(p2.CreateGrant(body(grantBody(x2, "", 7_000_00))))
	must(p2.CreateGrant(body(grantBody(other, "", 9_000_00))))
	g := must(p2.CreateGrant(body(grantBody(other, "", 1_000_00))))
	// A grant moved from another funder to the DWP moves its money too.
	must(p2.UpdateGrant(g.ID, version(1), body(map[string]any{"funderId": x2, "amountPence": 2_000_00})))

	me := domain.Caller{Identity: domain.Identity{Subject: "dwp", Email: dwp}}
	items := mustList(w.svc.Portfolio(w.ctx, me, service.Page{Limit: 10}))
	got := map[string]int64{}
	for _, it := range items {
		got[it.ProgrammeID] = it.AwardedPence
		if len(it.Roles) != 1 || it.Roles[0].Role != domain.RoleFunder {
			t.Errorf("%s: roles %+v", it.Name, it.Roles)
		}
	}
	want := map[string]int64{w.P: 81_000_00, w.P2: 9_000_00}
	if len(got) != 2 || got[w.P] != want[w.P] || got[w.P2] != want[w.P2] {
		t.Errorf("awarded by programme %v, want %v", got, want)
	}

	first, next, err := w.svc.Portfolio(w.ctx, me, service.Page{Limit: 1})
	if err != nil || len(first) != 1 || next == "" {
		t.Fatalf("page 1: %+v %q %v", first, next, err)
	}
	second, last, err := w.svc.Portfolio(w.ctx, me, service.Page{Limit: 1, Cursor: next})
	if err != nil || len(second) != 1 || last != "" || second[0].ProgrammeID == first[0].ProgrammeID {
		t.Fatalf("page 2: %+v %q %v", second, last, err)
	}
	_, _, err = w.svc.Portfolio(w.ctx, me, service.Page{Limit: 1, Cursor: "bogus"})
	wantFields(t, "a cursor from nowhere", err, "cursor")
}

// TestPortfolioAndReportCountApprovedFiguresOnly: a submission awaiting
// review moves neither a portfolio nor a report, for anyone; once
// approved it moves both, and the target with them.
func TestPortfolioAndReportCountApprovedFiguresOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.addReporting() // review on; A's correction (3 into work) pending
	line := func() domain.PortfolioItem {
		items := mustList(w.svc.Portfolio(w.ctx, caller(lead), service.Page{}))
		return items[0]
	}
	report := func() domain.Report { return must(w.open(funderOwn).Report("2025-01-01", "2025-12-31")) }
	if l, r := line(), report(); l.PeopleIntoWork != 2 || r.Totals[domain.MetricPeopleIntoWork] != 2 || l.Targets[0].Current != 2 {
		t.Fatalf("before approval: portfolio %d, report %d, target %d", l.PeopleIntoWork, r.Totals[domain.MetricPeopleIntoWork], l.Targets[0].Current)
	}
	must(w.openA(lead).ReviewOutcome(w.OutcomeAPending, body(map[string]any{"decision": "approve"})))
	l, r := line(), report()
	if l.PeopleIntoWork != 3 || r.Totals[domain.MetricPeopleIntoWork] != 3 || l.Targets[0].Current != 3 || r.Targets[0].Current != 3 {
		t.Errorf("after approval: portfolio %d, report %d, targets %d %d", l.PeopleIntoWork, r.Totals[domain.MetricPeopleIntoWork], l.Targets[0].Current, r.Targets[0].Current)
	}
	if got := r.ByMonth[5]; got.Month != "2025-06" || got.Totals[domain.MetricReferrals] != 11 {
		t.Errorf("June %+v, want the approved correction's 11 referrals", got)
	}
}

// TestReportMeasuresAndPeriod: measures count by the period they were
// reported in; bad dates name their field; a report outside any figures
// is all zeros, every month there.
func TestReportMeasuresAndPeriod(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	in := outcomeBody(map[string]int64{"referrals": 4})
	in["periodStart"], in["periodEnd"] = "2025-07-01", "2025-09-30"
	in["measures"] = []map[string]any{{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.0, "respondents": 4}}
	must(w.openA(plOwn).SubmitOutcome(body(in)))
	q3 := must(w.open(plOther).Report("2025-07-01", "2025-09-30"))
	if len(q3.Measures) != 1 || q3.Measures[0].ChangePercent != 100 || q3.Measures[0].Respondents != 4 {
		t.Errorf("Q3 measures %+v", q3.Measures)
	}
	q2 := must(w.open(plOther).Report("2025-04-01", "2025-06-30"))
	if len(q2.Measures) != 0 || q2.Totals[domain.MetricReferrals] != 10 {
		t.Errorf("Q2: measures %+v, referrals %d", q2.Measures, q2.Totals[domain.MetricReferrals])
	}
	empty := must(w.open(lead).Report("2030-01-01", "2030-12-31"))
	if len(empty.ByMonth) != 12 || empty.Totals[domain.MetricReferrals] != 0 {
		t.Errorf("2030: %d months, totals %v", len(empty.ByMonth), empty.Totals)
	}
	// Its targets are progress's, all of them though over before 2030,
	// and as 2030 has not come they are judged as at today, as progress
	// judges them.
	if pr := must(w.open(lead).Progress()); len(pr.Targets) == 0 || !reflect.DeepEqual(empty.Targets, pr.Targets) {
		t.Errorf("2030's targets %+v, want progress's %+v", empty.Targets, pr.Targets)
	}
	_, err := w.open(lead).Report("2025-02-30", "")
	wantFields(t, "a report of no real dates", err, "from", "to")
	if slices.ContainsFunc(q3.ByMonth, func(m domain.MonthTotals) bool { return len(m.Totals) != len(domain.Metrics) }) {
		t.Error("a month without every metric")
	}
}

// TestPortfolioAndReportMoneyByRole: paid, payments due and spend show to
// each role as far as it may read the grants they are of: leads all,
// funder X its grants (to A and to the whole programme), funder Y its
// grant to B, A's project lead A's grant, B's B's.
func TestPortfolioAndReportMoneyByRole(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(admin)
	pay := func(grant string, pence int64, due string) domain.Payment {
		return must(sc.CreatePayment(grant, body(map[string]any{"amountPence": pence, "dueDate": due, "trigger": map[string]any{"kind": "date"}})))
	}
	// Paid on X's grant to A in May, on Y's to B in August; one of X's
	// whole-programme grant still to pay, due when it is made (its date
	// has come).
	for _, p := range []struct {
		grant     string
		pence     int64
		paidOn    string
		reference string
	}{{w.GXA, 1_000_00, "2025-05-10", "REM-1"}, {w.GYB, 2_000_00, "2025-08-01", "REM-2"}} {
		pm := pay(p.grant, p.pence, "2025-04-01")
		must(sc.UpdatePayment(p.grant, pm.ID, always, body(map[string]any{"status": "paid", "paidDate": p.paidOn, "reference": p.reference})))
	}
	if due := pay(w.GX, 500_00, "2025-06-01"); due.Status != domain.PaymentDue || due.DueSince != domain.MustDate("2025-06-01") {
		t.Fatalf("a payment made after its date: %+v", due)
	}
	// More spend on A's grant for the quarter to June: the world's return
	// there (£5,300) corrected to £5,600.
	fix := spendBody(5_300_00, 300_00)
	fix["replaces"] = w.SpendXA
	must(w.openA(admin).SubmitSpend(w.GXA, body(fix)))

	want := map[role]struct{ paid, due, q2paid, q2spent int64 }{
		admin:       {3_000_00, 1, 1_000_00, 5_600_00},
		lead:        {3_000_00, 1, 1_000_00, 5_600_00},
		plOwn:       {1_000_00, 0, 1_000_00, 5_600_00},
		plOther:     {2_000_00, 0, 0, 0},
		funderOwn:   {1_000_00, 1, 1_000_00, 5_600_00},
		funderOther: {2_000_00, 0, 0, 0},
	}
	for r, wt := range want {
		items := mustList(w.svc.Portfolio(w.ctx, caller(r), service.Page{Limit: 10}))
		i := slices.IndexFunc(items, func(it domain.PortfolioItem) bool { return it.ProgrammeID == w.P })
		if i < 0 {
			t.Fatalf("%s: no line for the programme", r)
		}
		if it := items[i]; it.PaidPence != wt.paid || it.PaymentsDue != wt.due {
			t.Errorf("%s: paid %d, %d due; want %d, %d", r, it.PaidPence, it.PaymentsDue, wt.paid, wt.due)
		}
		rep := must(w.open(r).Report("2025-04-01", "2025-06-30"))
		if rep.Money != (domain.ReportMoney{PaidPence: wt.q2paid, SpentPence: wt.q2spent}) {
			t.Errorf("%s: the quarter's money %+v, want paid %d spent %d", r, rep.Money, wt.q2paid, wt.q2spent)
		}
	}
}

// TestAdminPortfolioShowsRolesHeld: an administrator sees every programme,
// with the roles it holds in each as members lists them: [] where it holds
// none, its funder role where it is also a funder. It still sees every
// figure of each (money of every grant), as an administrator.
func TestAdminPortfolioShowsRolesHeld(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	held := []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}
	must3(w.open(admin).PutMember(emails[admin], body(map[string]any{"roles": held})))
	asLead := map[string]domain.PortfolioItem{}
	for _, it := range mustList(w.svc.Portfolio(w.ctx, caller(lead), service.Page{Limit: 10})) {
		asLead[it.ProgrammeID] = it
	}
	items := mustList(w.svc.Portfolio(w.ctx, caller(admin), service.Page{Limit: 10}))
	got := map[string][]domain.Role{}
	for _, it := range items {
		got[it.ProgrammeID] = it.Roles
		if l, ok := asLead[it.ProgrammeID]; ok && it.AwardedPence != l.AwardedPence {
			t.Errorf("%s: the administrator sees %d awarded, the lead %d", it.Name, it.AwardedPence, l.AwardedPence)
		}
	}
	if len(items) != 2 || !reflect.DeepEqual(got[w.P], held) || got[w.P2] == nil || len(got[w.P2]) != 0 {
		t.Errorf("the administrator's roles by programme %+v, want %+v in %s and [] in %s", got, held, w.P, w.P2)
	}
}
