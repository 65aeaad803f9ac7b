package service_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// meanwhile runs f once, just before the store's next operation op: a
// change landing between what a request read at its start and its write.
func (w *world) meanwhile(op string, f func() error) *bool {
	w.t.Helper()
	ran := new(bool)
	w.st.Before = func(got string) error {
		if got == op && !*ran {
			*ran = true
			if err := f(); err != nil {
				w.t.Errorf("the change landing meanwhile: %v", err)
			}
		}
		return nil
	}
	return ran
}

// reviewOn and reviewOff switch the world's programme's review setting,
// as a lead does.
func (w *world) reviewOn() error  { return w.review(true) }
func (w *world) reviewOff() error { return w.review(false) }

func (w *world) review(on bool) error {
	_, err := w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": on}))
	return err
}

// TestSubmissionWhileReviewSwitched: figures sent while a lead switches
// review on are decided on the setting as it is when they are stored:
// the change landing between the submission's read of the programme and
// its write refuses the write, and the submission is decided again,
// pending, counting nothing until approved. Switched off meanwhile, it
// counts at once. The project lead is told nothing of the retry.
func TestSubmissionWhileReviewSwitched(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		start   bool // review on before the submission
		want    domain.OutcomeStatus
		counted int64 // referrals counted by the submission
	}{
		{"switched on", false, domain.OutcomePending, 0},
		{"switched off", true, domain.OutcomeApproved, 7},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			if c.start {
				must0(w.reviewOn())
			}
			before := w.totals().Programme[domain.MetricReferrals]
			switchIt := w.reviewOn
			if c.start {
				switchIt = w.reviewOff
			}
			ran := w.meanwhile("CreateOutcome", switchIt)
			o := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
				"counts": map[string]int64{"referrals": 7}})))
			w.st.Before = nil
			if !*ran {
				t.Fatal("the setting was never switched")
			}
			if o.Status != c.want {
				t.Errorf("answered %s, want %s", o.Status, c.want)
			}
			if got := must(w.openA(lead).Outcome(o.ID)).Status; got != c.want {
				t.Errorf("stored %s, want %s", got, c.want)
			}
			if got := w.totals().Programme[domain.MetricReferrals] - before; got != c.counted {
				t.Errorf("referrals counted rose by %d, want %d", got, c.counted)
			}
			pending := mustList(w.open(lead).ListPendingOutcomes(service.Page{Limit: 100}))
			queued := false
			for _, p := range pending {
				queued = queued || p.ID == o.ID
			}
			if queued != (c.want == domain.OutcomePending) {
				t.Errorf("in the review queue: %v, want %v", queued, c.want == domain.OutcomePending)
			}
		})
	}
}

// TestImportWhileReviewSwitchedOn: an import writes its rows over several
// transactions; review switched on between two of them leaves the rows
// written after it pending, as any submission made after it is. Those
// written before it count, as they did when they landed.
func TestImportWhileReviewSwitchedOn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.st.ImportBatch = 2
	before := w.totals().ByProject[w.B][domain.MetricReferrals]
	calls := 0
	w.st.Before = func(op string) error {
		if op == "ImportOutcomes" {
			if calls++; calls == 2 { // after the first transaction, before the second
				must0(w.reviewOn())
			}
		}
		return nil
	}
	res := must(w.open(lead).Import(csv(append([]string{importHeader}, yearOfQuarters("Leeds IPS")...)...), false))
	w.st.Before = nil
	wantResult(t, res, 4, 4, 0, 0)
	var statuses []domain.OutcomeStatus
	for _, id := range res.Submissions {
		statuses = append(statuses, must(w.svc.OpenProject(w.ctx, caller(lead), w.P, w.B).Outcome(id)).Status)
	}
	want := []domain.OutcomeStatus{domain.OutcomeApproved, domain.OutcomeApproved, domain.OutcomePending, domain.OutcomePending}
	for i := range want {
		if statuses[i] != want[i] {
			t.Fatalf("rows stored %v, want %v", statuses, want)
		}
	}
	if got := w.totals().ByProject[w.B][domain.MetricReferrals] - before; got != 10+11 {
		t.Errorf("Leeds referrals counted rose by %d, want the first two rows' 21", got)
	}
}

func must0(err error) {
	if err != nil {
		panic(err)
	}
}

// withoutLock is a snapshot without the import lock's line: an import
// holds the lock while it writes, and releases it however it ends.
func withoutLock(snap string) string {
	var keep []string
	for _, l := range strings.Split(snap, "\n") {
		if !strings.HasPrefix(l, "import lock of ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestRemovedMemberWritesNothing: a member removed while their request
// is in flight, the removal landing between the request's access read
// and its write, writes nothing: the write's check of their membership
// refuses it, and read again they are no longer a member (404, as any
// request of theirs now is). For figures sent, an import and a review.
func TestRemovedMemberWritesNothing(t *testing.T) {
	t.Parallel()
	remove := func(w *world, r role) func() error {
		return func() error { return w.open(admin).DeleteMember(emails[r]) }
	}
	for _, c := range []struct {
		name, op string
		who      role
		write    func(w *world) error
	}{
		{"figures sent", "CreateOutcome", plOwn, func(w *world) error {
			_, err := w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
				"counts": map[string]int64{"referrals": 7}}))
			return err
		}},
		{"an import", "ImportOutcomes", plOwn, func(w *world) error {
			_, err := w.open(plOwn).Import(csv(append([]string{importHeader}, yearOfQuarters("Bradford IPS")[1:]...)...), false)
			return err
		}},
		{"a review", "ReviewOutcome", lead, func(w *world) error {
			_, err := w.openA(lead).ReviewOutcome(w.OutcomeAPending, body(map[string]any{"decision": "approve"}))
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.addReporting()
			snap := ""
			ran := w.meanwhile(c.op, func() error {
				err := remove(w, c.who)()
				snap = w.st.Snapshot()
				return err
			})
			err := c.write(w)
			w.st.Before = nil
			if !*ran {
				t.Fatal("the member was never removed")
			}
			wantCode(t, "the write of a member removed meanwhile", err, domain.CodeNotFound)
			if withoutLock(w.st.Snapshot()) != withoutLock(snap) {
				t.Error("the refused write changed what is stored")
			}
		})
	}
}

// TestRolesChangedMeanwhile: a member whose roles change while their
// figures are in flight is held to the roles as they are when the
// figures are stored: still allowed (another role added), the figures
// are stored, the retry unseen; no longer (made project lead of another
// project), they are refused (403) and nothing is stored.
func TestRolesChangedMeanwhile(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		roles []domain.Role
		want  domain.Code // "" for stored
	}{
		{"a role added", []domain.Role{{Role: domain.RoleProjectLead, ProjectID: "A"}, {Role: domain.RoleFunder, FunderID: "X"}}, ""},
		{"another project's now", []domain.Role{{Role: domain.RoleProjectLead, ProjectID: "B"}}, domain.CodeForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			ids := map[string]string{"A": w.A, "B": w.B, "X": w.X}
			var roles []domain.Role
			for _, r := range c.roles {
				r.ProjectID, r.FunderID = ids[r.ProjectID], ids[r.FunderID]
				roles = append(roles, r)
			}
			snap := ""
			ran := w.meanwhile("CreateOutcome", func() error {
				_, _, err := w.open(admin).PutMember(emails[plOwn], body(map[string]any{"roles": roles}))
				snap = w.st.Snapshot()
				return err
			})
			o, err := w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
				"counts": map[string]int64{"referrals": 7}}))
			w.st.Before = nil
			if !*ran {
				t.Fatal("the roles never changed")
			}
			if c.want == "" {
				if err != nil {
					t.Fatalf("figures sent, another role added meanwhile: %v", err)
				}
				if _, err := w.openA(lead).Outcome(o.ID); err != nil {
					t.Errorf("the figures stored: %v", err)
				}
				return
			}
			wantCode(t, "figures sent for a project no longer the caller's", err, c.want)
			if w.st.Snapshot() != snap {
				t.Error("the refused write changed what is stored")
			}
		})
	}
}
