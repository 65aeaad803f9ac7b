package notify_test

// A run judges on figures read just before each decision, never on figures
// it read earlier in the run, which may have been corrected since (see
// currents in notify.go), over the in-memory fake.

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// onceAt makes change once, just before the store's first op (by name)
// of a run, while the test's set-up is over; the service writes change
// makes pass through unhooked.
func (e *memEnv) onceAt(op string, change func()) {
	var fired atomic.Bool
	e.st.Before = func(name string) error {
		if name == op && fired.CompareAndSwap(false, true) {
			change()
		}
		return nil
	}
}

// TestMemPaymentEmailJudgedOnFiguresAsItGoes: a milestone tranche's
// payment-due email says whether its milestone is no longer met on the
// figures as the email goes, not as the run read them when it looked at
// the programme earlier in the same run. The run reads the figures (the
// programme changed), then, before the email is posted, a correction is
// counted: down below the threshold (the email must say so), or back
// above it (it must not).
func TestMemPaymentEmailJudgedOnFiguresAsItGoes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		before    []int64 // into work, each a correction of the one before, counted before the run
		duringRun int64   // the correction counted after the run read the figures
		says      bool
	}{
		{"corrected down during the run", []int64{30}, 20, true},
		{"corrected back up during the run", []int64{30, 20}, 30, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newMemEnv(t)
			w := e.world() // a target of 60 into work
			b := testkit.NewBuilder(t, e.svc)
			funder := "grants@tudor.example.org"
			f := b.Funder(w.prog.ID, obj{"name": "Tudor Trust", "contacts": []string{funder}})
			g := b.Grant(w.prog.ID, obj{"funderId": f.ID, "projectId": w.project.ID, "title": "Employment specialists",
				"amountPence": 100_000_00, "currency": "GBP", "awardDate": "2026-01-01", "startDate": "2026-01-01", "endDate": "2027-12-31"})
			pay := b.Payment(w.prog.ID, g.ID, testkit.MilestonePaymentBody(25_000_00, w.target.ID, 50))
			e.clk.Set("2026-03-02T10:30:00Z")
			var last domain.Outcome
			for _, n := range c.before {
				in := obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31", "counts": obj{"peopleIntoWork": n, "referrals": 100}}
				if last.ID != "" {
					in["replaces"] = last.ID
				}
				last = b.Outcome(w.prog.ID, w.project.ID, in)
			}
			if p := e.payment(w, g.ID, pay.ID); p.Status != domain.PaymentDue {
				t.Fatalf("the tranche on 50%% after %v of 60: %s, want due", c.before, p.Status)
			}
			e.onceAt("LeaseNotification", func() {
				b.Outcome(w.prog.ID, w.project.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31",
					"counts": obj{"peopleIntoWork": c.duringRun, "referrals": 100}, "replaces": last.ID})
			})
			rep := e.run()
			e.st.Before = nil
			if rep.ProgrammesChanged != 1 || rep.Sent != 1 {
				t.Fatalf("the run: %+v, want the programme looked at and the email sent", rep)
			}
			msgs := e.mail.to()[funder]
			if len(msgs) != 1 {
				t.Fatalf("%d emails to the funder, want 1", len(msgs))
			}
			if says := strings.Contains(msgs[0].Text, notify.NoLongerMetSentence); says != c.says {
				t.Errorf("with %d of 60 as the email went, it says the milestone is no longer met: %v, want %v\n%s", c.duringRun, says, c.says, msgs[0].Text)
			}
		})
	}
}

// payment reads a payment as an administrator.
func (e *memEnv) payment(w memWorld, grantID, id string) domain.Payment {
	e.t.Helper()
	p, err := e.svc.Open(e.t.Context(), testkit.AdminCaller(), w.prog.ID).Payment(grantID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// TestMemDueTargetsJudgedOnOneReadOfFigures: two targets of a programme
// fall due a check on the same run, one over 2026, the other over 2026
// and the first half of 2027. Between the first's check and the second's,
// 2026's figures are corrected down (60 to 20) and 50 are counted in 2027:
// the counted figures went from 60 to 70 over the second's window, and
// never reached its 100. Judged on 2026 as read for the first and 2027 as
// read after, it would be emailed as reached on 110, a figure never
// counted; judged on one read of both years, it is not, nor by the run
// after (70 of 100).
func TestMemDueTargetsJudgedOnOneReadOfFigures(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	e.clk.Set("2026-02-10T09:00:00Z")
	b := testkit.NewBuilder(t, e.svc)
	prog := b.Programme(obj{"name": "Working for Wellness", "leadOrganisation": "Bradford District Care NHS Foundation Trust",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	project := b.Project(prog.ID, obj{"name": "Bradford IPS", "leadOrganisation": "Aspiro", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	contact := "grants@dwp.example.gov.uk"
	dwp := b.Funder(prog.ID, obj{"name": "Department for Work and Pensions", "contacts": []string{contact}})
	b.Member(prog.ID, "network.lead@lpt.example.nhs.uk", testkit.RoleLead())
	first := b.Target(prog.ID, obj{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-12-31", "projectId": project.ID, "notify": []string{dwp.ID}})
	second := b.Target(prog.ID, obj{"metric": "peopleIntoWork", "value": 100, "deadline": "2027-06-30", "projectId": project.ID, "notify": []string{dwp.ID}})
	jan := b.Outcome(prog.ID, project.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31", "counts": obj{"peopleIntoWork": 60, "referrals": 200}})
	e.run() // the first target reached, emailed; the programme no longer marked changed
	reached := func(t domain.Target) string { return domain.NotificationID(t.ID, domain.KindReached, 100) }
	if n := e.notes(prog.ID); n[reached(first)].Status != domain.NotificationSent {
		t.Fatalf("the first target at 60 of 60: %+v", n[reached(first)])
	}

	e.clk.Set("2027-02-10T09:00:00Z") // both past their quarter mark, due a check
	e.onceAt("RescheduleTarget", func() {
		b.Outcome(prog.ID, project.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31",
			"counts": obj{"peopleIntoWork": 20, "referrals": 200}, "replaces": jan.ID})
		b.Outcome(prog.ID, project.ID, obj{"periodStart": "2027-01-01", "periodEnd": "2027-01-31", "counts": obj{"peopleIntoWork": 50, "referrals": 100}})
	})
	rep := e.run()
	e.st.Before = nil
	if rep.ProgrammesChanged != 0 || rep.TargetsDue != 2 {
		t.Fatalf("the run: %+v, want the two targets' checks alone", rep)
	}
	if n, ok := e.notes(prog.ID)[reached(second)]; ok {
		t.Errorf("the second target recorded reached on %d of 100: %+v", n.Figure, n)
	}
	rep = e.run() // the programme changed during the last: looked at again, 70 of 100
	if n, ok := e.notes(prog.ID)[reached(second)]; ok || rep.ProgrammesChanged != 1 {
		t.Errorf("the run after (%+v): the second target recorded reached: %v %+v", rep, ok, n)
	}
	for _, m := range e.mail.to()[contact] {
		if strings.Contains(m.Subject, "100 people into work") {
			t.Errorf("the funder was emailed %q", m.Subject)
		}
	}
}

// notes are a programme's notifications, by id, as a lead lists them.
func (e *memEnv) notes(programmeID string) map[string]domain.Notification {
	e.t.Helper()
	items, _, err := e.svc.Open(e.t.Context(), testkit.AdminCaller(), programmeID).ListNotifications(service.Page{Limit: service.MaxLimit})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]domain.Notification{}
	for _, n := range items {
		out[n.ID] = n
	}
	return out
}
