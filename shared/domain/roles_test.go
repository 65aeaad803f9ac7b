package domain_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// The SPEC's roles table, question by question, for each kind of caller.
// Project A and funder X are "own"; project B and funder Y are someone
// else's.
func TestAccess(t *testing.T) {
	const a, b, x, y = "projectA", "projectB", "funderX", "funderY"
	admin := domain.Identity{Email: "admin@example.org", Groups: []string{"staff", domain.AdminGroup}}
	person := domain.Identity{Email: "someone@example.org", Groups: []string{"staff"}}
	lead := []domain.Role{{Role: domain.RoleLead}}
	plA := []domain.Role{{Role: domain.RoleProjectLead, ProjectID: a}}
	funderX := []domain.Role{{Role: domain.RoleFunder, FunderID: x}}

	grantXA := domain.Grant{FunderID: x, ProjectID: a}
	grantYA := domain.Grant{FunderID: y, ProjectID: a}
	grantXB := domain.Grant{FunderID: x, ProjectID: b}
	grantYB := domain.Grant{FunderID: y, ProjectID: b}
	grantX := domain.Grant{FunderID: x} // to the programme as a whole
	grantY := domain.Grant{FunderID: y}

	type want struct {
		member, manage        bool
		writeA, writeB        bool
		readA, readB          bool
		grants                [6]bool // XA, YA, XB, YB, X, Y
		allGrants             bool
		notifX, notifY, notif bool // sent for X; for Y; for nobody's funder
	}
	cases := []struct {
		name  string
		id    domain.Identity
		roles []domain.Role
		want  want
	}{
		{"admin without membership", admin, nil,
			want{true, true, true, true, true, true, [6]bool{true, true, true, true, true, true}, true, true, true, true}},
		{"lead", person, lead,
			want{true, true, true, true, true, true, [6]bool{true, true, true, true, true, true}, true, true, true, true}},
		// A project lead: its own project's records and grants, nothing else.
		{"project lead of A", person, plA,
			want{true, false, true, false, true, false, [6]bool{true, true, false, false, false, false}, false, false, false, false}},
		// A funder: reads every project, writes none; the grants it funds.
		{"funder X", person, funderX,
			want{true, false, false, false, true, true, [6]bool{true, false, true, false, true, false}, false, true, false, false}},
		{"project lead of A and funder X", person, append(plA, funderX...),
			want{true, false, true, false, true, true, [6]bool{true, true, true, false, true, false}, false, true, false, false}},
		{"no role", person, nil,
			want{false, false, false, false, false, false, [6]bool{}, false, false, false, false}},
		{"an unknown role", person, []domain.Role{{Role: "owner"}},
			want{false, false, false, false, false, false, [6]bool{}, false, false, false, false}},
	}
	grants := []domain.Grant{grantXA, grantYA, grantXB, grantYB, grantX, grantY}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ac := domain.NewAccess(c.id, c.roles)
			var gotGrants [6]bool
			for i, g := range grants {
				gotGrants[i] = ac.CanReadGrant(g)
			}
			got := want{
				member: ac.IsMember(), manage: ac.CanManage(),
				writeA: ac.CanWriteProject(a), writeB: ac.CanWriteProject(b),
				readA: ac.CanReadProject(a), readB: ac.CanReadProject(b),
				grants: gotGrants, allGrants: ac.CanReadAllGrants(),
				notifX: ac.CanReadNotification([]string{y, x}), notifY: ac.CanReadNotification([]string{y}), notif: ac.CanReadNotification(nil),
			}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// NewAccess reads the roles as a member record holds them: the ids each
// role names, and nothing from roles that name another kind of record.
func TestNewAccessKeepsWhatEachRoleNames(t *testing.T) {
	roles := []domain.Role{
		{Role: domain.RoleProjectLead, ProjectID: "p1"}, {Role: domain.RoleProjectLead, ProjectID: "p2"},
		{Role: domain.RoleFunder, FunderID: "f1"},
	}
	ac := domain.NewAccess(domain.Identity{Email: "pl@example.org"}, roles)
	if len(ac.Projects) != 2 || !ac.Projects["p1"] || !ac.Projects["p2"] || len(ac.Funders) != 1 || !ac.Funders["f1"] || ac.Lead || ac.Admin {
		t.Errorf("access %+v", ac)
	}
	// A group named like the admins group but not it gives nothing.
	if domain.NewAccess(domain.Identity{Groups: []string{"Admins", "admins "}}, nil).IsMember() {
		t.Error("a group that is not exactly \"admins\" made the caller an admin")
	}
	// The empty project and funder never match a role.
	if ac.CanWriteProject("") || ac.CanReadGrant(domain.Grant{}) {
		t.Error("a record of no project or funder matched a project lead's or funder's role")
	}
}

// TestSameRoles: a membership is a set of roles, in any order.
func TestSameRoles(t *testing.T) {
	a, b, c := domain.Role{Role: domain.RoleLead}, domain.Role{Role: domain.RoleFunder, FunderID: "f"}, domain.Role{Role: domain.RoleProjectLead, ProjectID: "p"}
	for _, tc := range []struct {
		x, y []domain.Role
		same bool
	}{
		{[]domain.Role{a, b, c}, []domain.Role{c, a, b}, true},
		{nil, []domain.Role{}, true},
		{[]domain.Role{a, b}, []domain.Role{a, c}, false},
		{[]domain.Role{a, a, b}, []domain.Role{a, b, b}, false},
		{[]domain.Role{a}, []domain.Role{a, a}, false},
	} {
		if got := domain.SameRoles(tc.x, tc.y); got != tc.same {
			t.Errorf("domain.SameRoles(%v, %v) = %v", tc.x, tc.y, got)
		}
	}
}

// A payment-due email is a funder's to read only while its grant is the
// funder's (funderNow), and only its own: recorded for it, or still
// pending (then it goes to the grant's funder as it is when sent). Leads
// read every one; an email recorded before it named its grant is judged by
// the funders it was recorded for.
func TestCanReadPaymentNotice(t *testing.T) {
	const x, y = "funderX", "funderY"
	person := domain.Identity{Email: "someone@example.org"}
	funderX := domain.NewAccess(person, []domain.Role{{Role: domain.RoleFunder, FunderID: x}})
	lead := domain.NewAccess(person, []domain.Role{{Role: domain.RoleLead}})
	plA := domain.NewAccess(person, []domain.Role{{Role: domain.RoleProjectLead, ProjectID: "projectA"}})
	note := func(status domain.NotificationStatus, grant string, funders ...string) domain.Notification {
		return domain.Notification{Kind: domain.KindPaymentDue, Status: status, GrantID: grant, FunderIDs: funders}
	}
	pending, sent := domain.NotificationPending, domain.NotificationSent
	for _, c := range []struct {
		what      string
		a         domain.Access
		n         domain.Notification
		funderNow string
		want      bool
	}{
		{"X's, pending", funderX, note(pending, "g", x), x, true},
		{"X's, sent", funderX, note(sent, "g", x), x, true},
		{"given to Y, pending", funderX, note(pending, "g", x), y, false},
		{"given to Y, sent to X", funderX, note(sent, "g", x), y, false},
		{"given to X, pending for Y", funderX, note(pending, "g", y), x, true},
		{"given to X, sent to Y", funderX, note(sent, "g", y), x, false},
		{"its grant not there", funderX, note(pending, "g", x), "", false},
		{"recorded without its grant, for X", funderX, note(sent, "", x), "", true},
		{"recorded without its grant, for Y", funderX, note(sent, "", y), "", false},
		{"a lead, given to Y, sent to X", lead, note(sent, "g", x), y, true},
		{"a project lead", plA, note(pending, "g", x), x, false},
	} {
		if got := c.a.CanReadPaymentNotice(c.n, c.funderNow); got != c.want {
			t.Errorf("%s: %v, want %v", c.what, got, c.want)
		}
	}
}
