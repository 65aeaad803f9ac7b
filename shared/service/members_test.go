package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestAddMemberKeepsAnExistingMembersRoles: adding someone who is already
// a member is refused naming email, and their roles stay as they were;
// replacing roles is PutMember's.
func TestAddMemberKeepsAnExistingMembersRoles(t *testing.T) {
	w := newWorld(t)
	err := w.unchanged(func() error {
		_, err := w.open(lead).AddMember(strings.ToUpper(emails[plOwn]), body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}}))
		return err
	})
	wantFields(t, "adding an existing member", err, "email")
	if msg := wantCode(t, "adding", err, domain.CodeValidation).Fields["email"]; msg != service.ProblemAlreadyMember {
		t.Errorf("email: %q", msg)
	}
	m, err := w.open(lead).AddMember("new@example.org", body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}}))
	if err != nil || m.Email != "new@example.org" || len(m.Roles) != 1 {
		t.Fatalf("adding a new member: %+v %v", m, err)
	}
}

// TestProgrammeKeepsALead: a lead may neither remove the programme's only
// lead nor take the lead role from them (themselves included); with a
// second lead both are allowed, and an administrator may always.
func TestProgrammeKeepsALead(t *testing.T) {
	w := newWorld(t)
	me := emails[lead]
	err := w.unchanged(func() error { return w.open(lead).DeleteMember(me) })
	if de := wantCode(t, "removing the only lead", err, domain.CodeConflict); !strings.Contains(de.Message, "the programme's only lead, "+me+", cannot be removed") {
		t.Errorf("message %q", de.Message)
	}
	err = w.unchanged(func() error {
		_, _, err := w.open(lead).PutMember(me, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}}))
		return err
	})
	wantFields(t, "taking the lead role from the only lead", err, "roles")
	// Keeping the role, with others beside it, is a change like any other.
	if _, _, err := w.open(lead).PutMember(me, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}, {Role: domain.RoleFunder, FunderID: w.X}}})); err != nil {
		t.Errorf("adding a role to the only lead: %v", err)
	}

	// An administrator may leave a programme without a lead.
	a := w.clone(t)
	if err := a.open(admin).DeleteMember(me); err != nil {
		t.Errorf("an administrator removing the only lead: %v", err)
	}

	// With a second lead, the first may step down, then leave; the second,
	// now the only lead, may not.
	must3(w.open(lead).PutMember(viewer, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}})))
	if _, _, err := w.open(lead).PutMember(me, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}})); err != nil {
		t.Fatalf("a lead stepping down beside another: %v", err)
	}
	asViewer := domain.Caller{Identity: domain.Identity{Subject: "sub-viewer", Email: viewer}}
	if err := w.svc.Open(w.ctx, asViewer, w.P).DeleteMember(me); err != nil {
		t.Errorf("the other lead removing a former lead: %v", err)
	}
	wantCode(t, "the last lead removing themselves", w.unchanged(func() error {
		return w.svc.Open(w.ctx, asViewer, w.P).DeleteMember(viewer)
	}), domain.CodeConflict)
}

// TestLeadsRemovingEachOtherKeepALead: two leads taking the lead role from
// each other at the same moment: the one whose change lands second is
// refused and the programme keeps a lead. Each is the lead who remains
// of their own change, held to their roles as read: removed meanwhile,
// they are no longer a member (404); no longer a lead, they may no
// longer manage members (403). Two leads each giving up their own lead
// role at the same moment each see the other as the lead who remains:
// the one whose change lands second is refused (409, naming the lead it
// relied on).
func TestLeadsRemovingEachOtherKeepALead(t *testing.T) {
	me := emails[lead]
	asViewer := domain.Caller{Identity: domain.Identity{Subject: "sub-viewer", Email: viewer}}
	for _, c := range []struct {
		name, op string
		own      bool        // each takes the role from themselves
		want     domain.Code // mine's answer
		remains  string      // the lead after the race
	}{
		{"removing", "DeleteMember", false, domain.CodeNotFound, viewer},
		{"taking the role", "PutMember", false, domain.CodeForbidden, viewer},
		{"leaving", "DeleteMember", true, domain.CodeConflict, me},
		{"giving up the role", "PutMember", true, domain.CodeConflict, me},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			// A member's writes are told apart by when they were made, so
			// the clock moves on between them, as a real one does.
			tick := clock
			w.svc = service.New(w.st, func() time.Time { tick = tick.Add(time.Millisecond); return tick })
			must3(w.open(lead).PutMember(viewer, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}})))
			take := func(sc *service.Scope, email string) error { return sc.DeleteMember(email) }
			if c.op == "PutMember" {
				take = func(sc *service.Scope, email string) error {
					_, _, err := sc.PutMember(email, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}}))
					return err
				}
			}
			mine, theirs := w.open(lead), w.svc.Open(w.ctx, asViewer, w.P)
			mineOf, theirsOf := viewer, me
			if c.own {
				mineOf, theirsOf = me, viewer
			}
			raced := false
			w.st.Before = func(op string) error {
				if op == c.op && !raced {
					// The other lead's change lands between this
					// request's reads and its write.
					raced = true
					if err := take(theirs, theirsOf); err != nil {
						t.Errorf("the other lead: %v", err)
					}
				}
				return nil
			}
			err := take(mine, mineOf)
			w.st.Before = nil
			if !raced {
				t.Fatal("the race never happened")
			}
			de := wantCode(t, "the second of the two", err, c.want)
			if c.want == domain.CodeConflict && !strings.Contains(de.Message, viewer) {
				t.Errorf("message %q does not name the lead it relied on", de.Message)
			}
			members, _, err := w.open(admin).ListMembers(service.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var leads []string
			for _, m := range members {
				for _, r := range m.Roles {
					if r.Role == domain.RoleLead {
						leads = append(leads, m.Email)
					}
				}
			}
			if len(leads) != 1 || leads[0] != c.remains {
				t.Errorf("leads after the race: %v, want only %s", leads, c.remains)
			}
		})
	}
}
