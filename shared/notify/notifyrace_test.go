package notify_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// notifyChangedAfterRead is the notifier's storage for a run a lead
// overtakes at the worst moment: the first time the run reads a
// programme's targets (ListTargets, as it looks at a changed programme),
// the lead changes the target's notify list (change) just after, before
// the run claims any milestone. The run is answered the targets as read.
type notifyChangedAfterRead struct {
	notify.Storage
	change func(ctx context.Context, t domain.Target) error
	mu     sync.Mutex
	done   bool
	errs   []error
}

func (s *notifyChangedAfterRead) ListTargets(ctx context.Context, programmeID string, p service.Page) ([]domain.Target, string, error) {
	targets, next, err := s.Storage.ListTargets(ctx, programmeID, p)
	if err != nil || len(targets) == 0 {
		return targets, next, err
	}
	s.mu.Lock()
	change := !s.done
	s.done = true
	s.mu.Unlock()
	if change {
		if cerr := s.change(ctx, targets[0]); cerr != nil {
			s.mu.Lock()
			s.errs = append(s.errs, cerr)
			s.mu.Unlock()
		}
	}
	return targets, next, err // as read: before the change
}

// TestMilestoneNotifyListChangedBetweenReadAndClaim: a lead changes a
// target's notify list exactly between the run's read of the target and
// its claim of the "target reached" email. The email goes to the funders
// the list names once changed, never to those it named when read: the
// claim is conditioned on the list as read (service.TargetNotifyPremise),
// so it fails and writes nothing; the run reads the target again and
// claims the email for its list then, in the same run. A funder taken
// off is never emailed (SES is never asked), one put on is; with nobody
// left on the list, nothing is recorded or sent. Each recipient has it
// once, however many runs follow (DynamoDB Local and the SES emulator).
func TestMilestoneNotifyListChangedBetweenReadAndClaim(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		from, to func(w world) []string
		want     func(w world) []string // the funders emailed
	}{
		{"a funder taken off", func(w world) []string { return []string{w.dwp.ID, w.doh.ID} },
			func(w world) []string { return []string{w.dwp.ID} }, func(w world) []string { return []string{w.dwp.ID} }},
		{"a funder put on", func(w world) []string { return []string{w.dwp.ID} },
			func(w world) []string { return []string{w.dwp.ID, w.doh.ID} }, func(w world) []string { return []string{w.dwp.ID, w.doh.ID} }},
		{"the funder replaced", func(w world) []string { return []string{w.dwp.ID} },
			func(w world) []string { return []string{w.doh.ID} }, func(w world) []string { return []string{w.doh.ID} }},
		{"everyone taken off", func(w world) []string { return []string{w.dwp.ID, w.doh.ID} },
			func(w world) []string { return []string{} }, func(w world) []string { return nil }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			w := e.world()
			tg := e.target(w.prog.ID, obj{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-12-31",
				"projectId": w.project.ID, "notify": c.from(w)})
			e.clk.Set("2026-03-02T10:30:00Z")
			e.submit(w.prog.ID, w.project.ID, 61, "")
			racing := &notifyChangedAfterRead{Storage: e.st, change: func(ctx context.Context, got domain.Target) error {
				if got.ID != tg.ID {
					return nil
				}
				_, err := e.svc.Open(ctx, testkit.AdminCaller(), w.prog.ID).UpdateTarget(tg.ID, func(int64) bool { return true },
					testkit.Body(obj{"notify": c.to(w)}))
				return err
			}}
			n := e.notifier()
			n.Store = racing
			rep, err := runSafely(t.Context(), n)
			if err != nil {
				t.Fatalf("the run overtaken: %v (%+v)", err, rep)
			}
			if len(racing.errs) > 0 || !racing.done {
				t.Fatalf("the lead's change: %v (made: %v)", racing.errs, racing.done)
			}
			if rep.Reread != 1 {
				t.Errorf("the run overtaken: %+v, want the target read again once", rep)
			}
			for range 2 { // the next run, and one more
				e.clk.Add(time.Hour)
				e.run()
			}

			var to []string
			byID := map[string]domain.Funder{w.dwp.ID: w.dwp, w.doh.ID: w.doh}
			for _, fid := range c.want(w) {
				to = append(to, byID[fid].Contacts...)
			}
			e.expectMail(each(reachedSubject, to...))
			for addr, calls := range e.ses.calls() {
				if !slices.Contains(to, addr) {
					t.Errorf("SES was asked %d times to send to %s, not a contact of a funder the target names", calls, addr)
				}
			}
			notes := e.notifications(w.prog.ID)
			note, ok := notes[domain.NotificationID(tg.ID, domain.KindReached, 100)]
			switch {
			case len(to) == 0 && ok:
				t.Errorf("with nobody on the list, recorded all the same: %+v", note)
			case len(to) > 0 && (!ok || note.Status != domain.NotificationSent || !slices.Equal(note.FunderIDs, c.want(w))):
				t.Errorf("the email once sent: %+v (found %v), want sent for %v", note, ok, c.want(w))
			}
		})
	}
}
