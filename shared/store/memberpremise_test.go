package store_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestMembershipIsEveryWritesPremiseDynamo: on DynamoDB, a member removed
// while a write of theirs is in flight, the removal landing between the
// write's access read and its transaction, stores nothing, whatever the
// record: the transaction's check of MEMBER#<email> (one item more, no
// request more) refuses it, and read again they are not a member (404).
// One write of each kind of record but figures, imports and reviews
// (TestRemovedMemberWritesNothingDynamo). A member whose roles were
// lowered meanwhile so they may no longer make it is refused (403); one
// given another role beside theirs is still allowed, and it lands.
func TestMembershipIsEveryWritesPremiseDynamo(t *testing.T) {
	t.Parallel()
	type write struct {
		name string
		pl   bool // made by project A's project lead, else by the lead
		do   func(w *arWorld) error
	}
	writes := []write{
		{"a post", true, func(w *arWorld) error {
			_, err := w.svc.OpenProject(w.ctx, w.pl, w.pid, w.a).CreatePost(testkit.Body(testkit.PostBody(w.ga, "filled")))
			return err
		}},
		{"a cohort", true, func(w *arWorld) error {
			_, err := w.svc.OpenProject(w.ctx, w.pl, w.pid, w.a).CreateCohort(testkit.Body(testkit.CohortBody(4)))
			return err
		}},
		{"spend", true, func(w *arWorld) error {
			_, err := w.svc.Open(w.ctx, w.pl, w.pid).SubmitSpend(w.ga, testkit.Body(testkit.SpendBody("2025-04-01", "2025-06-30", "staff", 1_000_00)))
			return err
		}},
		{"a payment", false, func(w *arWorld) error {
			_, err := w.open().CreatePayment(w.gx, testkit.Body(testkit.DatedPaymentBody(1_000_00, "2025-12-31")))
			return err
		}},
		{"a grant changed", false, func(w *arWorld) error {
			_, err := w.open().UpdateGrant(w.gx, always, testkit.Body(map[string]any{"title": "Co-ordination and mentoring"}))
			return err
		}},
		{"a target changed", false, func(w *arWorld) error {
			_, err := w.open().UpdateTarget(w.target, always, testkit.Body(map[string]any{"value": 12}))
			return err
		}},
		{"a schedule", false, func(w *arWorld) error {
			_, err := w.open().CreateSchedule(testkit.Body(map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
				"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2025-12-31"}))
			return err
		}},
		{"a funder", false, func(w *arWorld) error {
			_, err := w.open().CreateFunder(testkit.Body(testkit.FunderBody("NHS England")))
			return err
		}},
		{"a project changed", false, func(w *arWorld) error {
			_, err := w.open().UpdateProject(w.b, always, testkit.Body(map[string]any{"name": "Leeds IPS North"}))
			return err
		}},
		{"a member", false, func(w *arWorld) error {
			_, _, err := w.open().PutMember("new@example.org", testkit.Body(testkit.RolesBody(testkit.RoleProjectLead(w.b))))
			return err
		}},
		{"the programme changed", false, func(w *arWorld) error {
			_, err := w.open().UpdateProgramme(always, testkit.Body(map[string]any{"name": "Working for Wellness West"}))
			return err
		}},
	}
	who := func(w *arWorld, wr write) string {
		if wr.pl {
			return w.pl.Email
		}
		return w.lead.Email
	}
	run := func(t *testing.T, wr write, change func(w *arWorld, email string) error) (w *arWorld, events int, err error) {
		t.Helper()
		w = newARWorld(t)
		events, err = raceAgainst(t, w.db, w.dpWorld, func(*dpWorld) error { return wr.do(w) },
			func(*dpWorld) error { return change(w, who(w, wr)) })
		return w, events, err
	}
	remove := func(w *arWorld, email string) error { return w.svc.Open(w.ctx, w.admin, w.pid).DeleteMember(email) }
	for _, wr := range writes {
		t.Run(wr.name+", removed", func(t *testing.T) {
			t.Parallel()
			w, events, err := run(t, wr, remove)
			if domain.ErrorCode(err) != domain.CodeNotFound {
				t.Fatalf("%s by a member removed meanwhile: %v, want 404", wr.name, err)
			}
			if n := auditCount(t, w.dpWorld); n != events+1 {
				t.Errorf("%d changes after the race, want %d: the removal's only", n, events+1)
			}
		})
	}
	// Lowered: the lead made project B's project lead, A's moved to B.
	lower := func(w *arWorld, email string) error {
		_, _, err := w.svc.Open(w.ctx, w.admin, w.pid).PutMember(email, testkit.Body(testkit.RolesBody(testkit.RoleProjectLead(w.b))))
		return err
	}
	for _, wr := range []write{writes[0], writes[4]} {
		t.Run(wr.name+", roles lowered", func(t *testing.T) {
			t.Parallel()
			w, events, err := run(t, wr, lower)
			if domain.ErrorCode(err) != domain.CodeForbidden {
				t.Fatalf("%s by a member whose roles were lowered meanwhile: %v, want 403", wr.name, err)
			}
			if n := auditCount(t, w.dpWorld); n != events+1 {
				t.Errorf("%d changes after the race, want %d: the change of roles' only", n, events+1)
			}
		})
	}
	t.Run("a funder, a role added", func(t *testing.T) {
		t.Parallel()
		w, events, err := run(t, writes[7], func(w *arWorld, email string) error {
			_, _, err := w.svc.Open(w.ctx, w.admin, w.pid).PutMember(email, testkit.Body(testkit.RolesBody(testkit.RoleLead(), testkit.RoleProjectLead(w.a))))
			return err
		})
		if err != nil {
			t.Fatalf("a funder added by a lead given another role meanwhile: %v", err)
		}
		if n := auditCount(t, w.dpWorld); n != events+2 {
			t.Errorf("%d changes after the race, want %d: the change of roles' and the funder's", n, events+2)
		}
	})
}

func always(int64) bool { return true }
