package service_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// memberWrite is one kind of write a member makes, for the tests of its
// premise on their membership: who makes it (a lead, or project A's
// project lead), the store's operation that writes it, and the write.
type memberWrite struct {
	name, op string
	who      role
	write    func(w *world) error
}

// memberWrites are a write of every kind of record a member writes but
// figures, imports and reviews (TestRemovedMemberWritesNothing): each
// resource's creation and change, and the members' own.
var memberWrites = []memberWrite{
	{"a post", "CreatePost", plOwn, func(w *world) error {
		_, err := w.openA(plOwn).CreatePost(body(postBody(w.GXA)))
		return err
	}},
	{"a post changed", "UpdatePost", plOwn, func(w *world) error {
		_, err := w.openA(plOwn).UpdatePost(w.PostA, always, body(map[string]any{"title": "Senior employment specialist"}))
		return err
	}},
	{"a cohort", "CreateCohort", plOwn, func(w *world) error {
		_, err := w.openA(plOwn).CreateCohort(body(cohortBody()))
		return err
	}},
	{"a cohort changed", "UpdateCohort", plOwn, func(w *world) error {
		_, err := w.openA(plOwn).UpdateCohort(w.CohortA, always, body(map[string]any{"places": 5}))
		return err
	}},
	{"spend", "CreateSpend", plOwn, func(w *world) error {
		_, err := w.open(plOwn).SubmitSpend(w.GXA, body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
			"lines": []map[string]any{{"category": "staff", "amountPence": 100_00}}}))
		return err
	}},
	{"a payment", "CreatePayment", lead, func(w *world) error {
		_, err := w.open(lead).CreatePayment(w.GX, body(paymentBody(1_000_00, "2026-10-31")))
		return err
	}},
	{"a payment changed", "UpdatePayment", lead, func(w *world) error {
		_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "cancelled"}))
		return err
	}},
	{"a grant", "CreateGrant", lead, func(w *world) error {
		_, err := w.open(lead).CreateGrant(body(grantBody(w.Y, w.A, 1_000_00)))
		return err
	}},
	{"a grant changed", "UpdateGrant", lead, func(w *world) error {
		_, err := w.open(lead).UpdateGrant(w.GX, always, body(map[string]any{"title": "Co-ordination"}))
		return err
	}},
	{"a target", "CreateTarget", lead, func(w *world) error {
		_, err := w.open(lead).CreateTarget(body(map[string]any{"metric": "referrals", "value": 100, "deadline": "2026-12-31", "notify": []string{}}))
		return err
	}},
	{"a target changed", "UpdateTarget", lead, func(w *world) error {
		_, err := w.open(lead).UpdateTarget(w.TargetA, always, body(map[string]any{"value": 70}))
		return err
	}},
	{"a schedule", "CreateSchedule", lead, func(w *world) error {
		_, err := w.open(lead).CreateSchedule(body(map[string]any{"name": "Monthly returns", "frequency": "monthly",
			"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2025-06-30"}))
		return err
	}},
	{"a schedule changed", "UpdateSchedule", lead, func(w *world) error {
		_, err := w.open(lead).UpdateSchedule(w.Schedule, always, body(map[string]any{"name": "Quarterly figures"}))
		return err
	}},
	{"a funder", "CreateFunder", lead, func(w *world) error {
		_, err := w.open(lead).CreateFunder(body(map[string]any{"name": "Big Lottery", "contacts": []string{"z1@lottery.example"}}))
		return err
	}},
	{"a funder changed", "UpdateFunder", lead, func(w *world) error {
		_, err := w.open(lead).UpdateFunder(w.X, always, body(map[string]any{"name": "DWP Jobcentre Plus"}))
		return err
	}},
	{"a funder's contact taken off", "UpdateFunder", lead, func(w *world) error {
		_, _, err := w.open(lead).RemoveContact(w.X, contactsX[1])
		return err
	}},
	{"a project", "CreateProject", lead, func(w *world) error {
		_, err := w.open(lead).CreateProject(body(projectBody("Wakefield IPS")))
		return err
	}},
	{"a project changed", "UpdateProject", lead, func(w *world) error {
		_, err := w.open(lead).UpdateProject(w.A, always, body(map[string]any{"name": "Bradford IPS North"}))
		return err
	}},
	{"the programme changed", "UpdateProgramme", lead, func(w *world) error {
		_, err := w.open(lead).UpdateProgramme(always, body(map[string]any{"name": "Working for Wellness West"}))
		return err
	}},
	{"a member added", "PutMember", lead, func(w *world) error {
		_, err := w.open(lead).AddMember("new@example.org", body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}}))
		return err
	}},
	{"a member's roles", "PutMember", lead, func(w *world) error {
		_, _, err := w.open(lead).PutMember(emails[plOther], body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}}))
		return err
	}},
	{"a member removed", "DeleteMember", lead, func(w *world) error {
		return w.open(lead).DeleteMember(emails[funderOther])
	}},
}

// TestMembershipIsEveryWritesPremise: a member removed, or whose roles
// change, while a write of theirs is in flight (the change landing
// between the write's access read and its transaction) is held to their
// membership as it is when the write lands, for every kind of record:
// removed, they are no longer a member (404, as any request of theirs
// now is); their roles lowered so they may no longer make it (a lead
// made a project lead, a project lead moved to another project), they
// are refused (403); either way nothing of it is stored. Given another
// role beside theirs, they are still allowed, and the write is stored,
// the retry unseen. The write's transaction checks the MEMBER item (no
// request more): the in-memory store refuses it as DynamoDB does.
func TestMembershipIsEveryWritesPremise(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		roles func(w *world, who role) []domain.Role // nil: removed
		want  domain.Code                            // "" for stored
	}{
		{"removed", nil, domain.CodeNotFound},
		{"roles lowered", func(w *world, who role) []domain.Role {
			if who == lead {
				return []domain.Role{{Role: domain.RoleProjectLead, ProjectID: w.A}}
			}
			return []domain.Role{{Role: domain.RoleProjectLead, ProjectID: w.B}}
		}, domain.CodeForbidden},
		{"a role added", func(w *world, who role) []domain.Role {
			if who == lead {
				return []domain.Role{{Role: domain.RoleLead}, {Role: domain.RoleFunder, FunderID: w.X}}
			}
			return []domain.Role{{Role: domain.RoleProjectLead, ProjectID: w.A}, {Role: domain.RoleFunder, FunderID: w.X}}
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, mw := range memberWrites {
				t.Run(mw.name, func(t *testing.T) {
					t.Parallel()
					w := newWorld(t)
					w.addReporting()
					snap := ""
					ran := w.meanwhile(mw.op, func() error {
						var err error
						if c.roles == nil {
							err = w.open(admin).DeleteMember(emails[mw.who])
						} else {
							_, _, err = w.open(admin).PutMember(emails[mw.who], body(map[string]any{"roles": c.roles(w, mw.who)}))
						}
						snap = w.st.Snapshot()
						return err
					})
					err := mw.write(w)
					w.st.Before = nil
					if !*ran {
						t.Fatal("the membership never changed")
					}
					if c.want == "" {
						if err != nil {
							t.Fatalf("%s, another role given meanwhile: %v", mw.name, err)
						}
						if w.st.Snapshot() == snap {
							t.Error("nothing stored")
						}
						return
					}
					wantCode(t, mw.name+" by a member "+c.name+" meanwhile", err, c.want)
					if w.st.Snapshot() != snap {
						t.Error("the refused write changed what is stored")
					}
				})
			}
		})
	}
}

// TestOwnMembershipChangedByTheSameRequest: a request that changes the
// caller's own membership and writes after it (a lead leaving, then
// taking themselves off a funder's contacts, as the web app's removal
// page does) is held to the membership as its own write left it, not
// refused as if someone else had changed it.
func TestOwnMembershipChangedByTheSameRequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	must3(w.open(admin).PutMember(viewer, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}})))
	must(w.open(admin).UpdateFunder(w.X, always, body(map[string]any{"contacts": append([]string{emails[lead]}, contactsX...)})))
	sc := w.open(lead)
	// Another role beside the lead's, then a funder changed.
	must3(sc.PutMember(emails[lead], body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}, {Role: domain.RoleFunder, FunderID: w.Y}}})))
	must(sc.UpdateFunder(w.Y, always, body(map[string]any{"name": "NHS England North"})))
	// Leaving, then off the funder's contacts.
	must0(sc.DeleteMember(emails[lead]))
	if _, removed, err := sc.RemoveContact(w.X, emails[lead]); err != nil || !removed {
		t.Fatalf("a lead who left taking themselves off a funder's contacts: %v %v", removed, err)
	}
	// A new request of theirs is not a member's.
	wantCode(t, "a request after leaving", must0Err(w.open(lead).UpdateFunder(w.Y, always, body(map[string]any{"name": "NHS England"}))), domain.CodeNotFound)
}

func must0Err[T any](_ T, err error) error { return err }
