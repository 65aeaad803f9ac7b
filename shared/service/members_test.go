package service_test

import (
	"strings"
	"testing"

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
