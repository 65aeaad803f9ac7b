package notify_test

// A milestone tranche the notifier makes due is made due on the figures it
// judged, and only while they still stand: its FallDue is conditioned on
// the programme's figures version read with them, as the API's own
// release is (service.Release.Figures). Figures corrected between the
// run's read and its write make nothing due on the figures read; the
// programme is marked changed by the correction, so the next run judges
// on the figures as they then are.

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// leaveReleaseToNotifier is a service's storage whose submissions make no
// payment due themselves and leave them to the notifier (Release.Later),
// as a change does that finds more than one transaction holds, or is
// planned again too often: so the notifier is the one that makes a
// tranche due.
type leaveReleaseToNotifier struct{ service.Storer }

func (s leaveReleaseToNotifier) CreateOutcome(ctx context.Context, programmeID string, sub service.Submission, ch service.Change) error {
	sub.Release = service.Release{Later: true}
	return s.Storer.CreateOutcome(ctx, programmeID, sub, ch)
}

// correctAfterFiguresRead is the notifier's storage for a run a
// correction overtakes at the worst moment: just after the run's first
// read of a programme's figures with their version (FiguresAsOf), before
// it writes anything on them, correct is made, once. The run is answered
// the figures as read.
type correctAfterFiguresRead struct {
	notify.Storage
	correct func(ctx context.Context) error
	fired   atomic.Bool
	err     error
}

func (s *correctAfterFiguresRead) FiguresAsOf(ctx context.Context, programmeID string, keys []domain.SeriesKey, gets ...*service.Get) (map[domain.SeriesKey]domain.DaySeries, int64, error) {
	series, version, err := s.Storage.FiguresAsOf(ctx, programmeID, keys, gets...)
	if err == nil && s.fired.CompareAndSwap(false, true) && s.correct != nil {
		s.err = s.correct(ctx)
	}
	return series, version, err
}

// racingCorrection submits January's 30 people into work for projectID
// through a service that leaves the release to the notifier
// (leaveReleaseToNotifier), and returns the notifier's storage over st
// that, when corrected is not 0, corrects that submission to corrected
// just after the run reads the figures with their version.
func racingCorrection(t *testing.T, st interface {
	service.Storer
	notify.Storage
}, now func() time.Time, programmeID, projectID string, corrected int64) *correctAfterFiguresRead {
	t.Helper()
	leaving := service.New(leaveReleaseToNotifier{st}, now)
	first := testkit.NewBuilder(t, leaving).Outcome(programmeID, projectID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31",
		"counts": obj{"peopleIntoWork": 30, "referrals": 120}})
	racing := &correctAfterFiguresRead{Storage: st}
	if corrected != 0 {
		racing.correct = func(ctx context.Context) error {
			_, err := leaving.OpenProject(ctx, testkit.AdminCaller(), programmeID, projectID).SubmitOutcome(testkit.Body(obj{
				"periodStart": "2026-01-01", "periodEnd": "2026-01-31", "replaces": first.ID,
				"counts": obj{"peopleIntoWork": corrected, "referrals": 120}}))
			return err
		}
	}
	return racing
}

// staleFiguresCases: 30 of a target of 60 people into work are counted,
// reaching a tranche's 50%, with the payment left to the notifier; the
// run reads them, and then they are corrected (or not), the correction
// too leaving the payment to the notifier.
var staleFiguresCases = []struct {
	name      string
	corrected int64 // the figure the correction counts; 0: none
	// dueRun is the run that makes the tranche due: 1, the one read
	// before any correction; 2, the next; 0, none.
	dueRun int
}{
	{"left alone", 0, 1},
	{"corrected down below the threshold", 20, 0},
	{"corrected, still over the threshold", 40, 2},
}

// TestMilestonePaymentNotDueOnFiguresCorrectedMeanwhile: the notifier
// makes a tranche due only on figures that still stand as it writes. A
// correction down below the threshold landing between its read of the
// figures and its write leaves the tranche scheduled, with no email, this
// run and every run after; one that still reaches it leaves it to the
// next run, which makes it due, once, on the figures then; left alone,
// it falls due in the run, and its email goes once (DynamoDB Local and
// the SES emulator).
func TestMilestonePaymentNotDueOnFiguresCorrectedMeanwhile(t *testing.T) {
	t.Parallel()
	for _, c := range staleFiguresCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			w, g := e.moneyWorld()
			tg := e.projectTarget(w, 60, "2026-12-31")
			pay := e.build().Payment(w.prog.ID, g.ID, testkit.MilestonePaymentBody(25_000_00, tg.ID, 50))
			e.run()
			e.clk.Set("2026-03-02T10:30:00Z")
			racing := racingCorrection(t, e.st, e.clk.Now, w.prog.ID, w.project.ID, c.corrected)
			if p := e.payment(w.prog.ID, g.ID, pay.ID); p.Status != domain.PaymentScheduled {
				t.Fatalf("the submission made the tranche %s, want it left to the notifier", p.Status)
			}
			n := e.notifier()
			n.Store = racing
			rep, err := runSafely(t.Context(), n)
			if err != nil || racing.err != nil {
				t.Fatalf("the run: %v (%+v); the correction: %v", err, rep, racing.err)
			}
			if !racing.fired.Load() || rep.ProgrammesChanged != 1 {
				t.Fatalf("the run did not read the changed programme's figures with their version: %+v", rep)
			}
			dues := []int{rep.PaymentsDue}
			for range 2 {
				e.clk.Add(24 * time.Hour)
				dues = append(dues, e.run().PaymentsDue)
			}
			for i, d := range dues {
				if want := c.dueRun == i+1; (d == 1) != want || d > 1 {
					t.Errorf("run %d made %d payments due, want the tranche due in run %d (runs: %v)", i+1, d, c.dueRun, dues)
				}
			}
			p := e.payment(w.prog.ID, g.ID, pay.ID)
			note, emailed := e.notifications(w.prog.ID)[domain.PaymentNotificationID(pay.ID)]
			if c.dueRun == 0 {
				if p.Status != domain.PaymentScheduled || emailed {
					t.Errorf("with %d of 60 after the run's read: the tranche %s, its email %+v; want it scheduled, no email", c.corrected, p.Status, note)
				}
				e.expectMail(nil)
				return
			}
			if p.Status != domain.PaymentDue || note.Status != domain.NotificationSent {
				t.Errorf("the tranche %+v, its email %+v: want due, sent", p, note)
			}
			e.expectMail(each(paymentSubject("£25,000.00", "at 50% of the target of 60 people into work"), append(slices.Clone(w.dwp.Contacts), w.lead)...))
		})
	}
}

// TestMemMilestonePaymentNotDueOnFiguresCorrectedMeanwhile is
// TestMilestonePaymentNotDueOnFiguresCorrectedMeanwhile over the service's
// in-memory fake, which holds FallDue to the same condition.
func TestMemMilestonePaymentNotDueOnFiguresCorrectedMeanwhile(t *testing.T) {
	t.Parallel()
	for _, c := range staleFiguresCases {
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
			e.run()
			e.clk.Set("2026-03-02T10:30:00Z")
			racing := racingCorrection(t, e.st, e.clk.Now, w.prog.ID, w.project.ID, c.corrected)
			if p := e.payment(w, g.ID, pay.ID); p.Status != domain.PaymentScheduled {
				t.Fatalf("the submission made the tranche %s, want it left to the notifier", p.Status)
			}
			rep, err := runSafely(t.Context(), e.notifier(racing))
			if err != nil || racing.err != nil || !racing.fired.Load() {
				t.Fatalf("the run: %v (%+v); the correction: %v; read the figures with their version: %v", err, rep, racing.err, racing.fired.Load())
			}
			dues := []int{rep.PaymentsDue}
			for range 2 {
				e.clk.Add(24 * time.Hour)
				dues = append(dues, e.run().PaymentsDue)
			}
			for i, d := range dues {
				if want := c.dueRun == i+1; (d == 1) != want || d > 1 {
					t.Errorf("run %d made %d payments due, want the tranche due in run %d (runs: %v)", i+1, d, c.dueRun, dues)
				}
			}
			p := e.payment(w, g.ID, pay.ID)
			var sent int
			for _, m := range e.mail.to()[funder] {
				if strings.HasPrefix(m.Subject, "Payment due: £25,000.00") {
					sent++
				}
			}
			want := map[bool]domain.PaymentStatus{true: domain.PaymentScheduled, false: domain.PaymentDue}[c.dueRun == 0]
			wantSent := map[bool]int{true: 0, false: 1}[c.dueRun == 0]
			if p.Status != want || sent != wantSent {
				t.Errorf("with %d of 60 after the run's read: the tranche %s, %d emails to the funder; want %s, %d", c.corrected, p.Status, sent, want, wantSent)
			}
		})
	}
}
