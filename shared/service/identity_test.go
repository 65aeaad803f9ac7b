package service_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestLookAlikeEmailIsNotTheMember: roles are granted to an address and
// found for the caller's normalised email. Its ASCII case does not matter;
// an address whose letters Unicode case rules fold onto ASCII (the dotted
// capital I U+0130, the Kelvin sign U+212A) is another mailbox, not the
// member, and is not found in the programme.
func TestLookAlikeEmailIsNotTheMember(t *testing.T) {
	w := newWorld(t)
	sc := w.open(admin)
	for _, m := range []string{"Lizzie.Lead@example.org", "kay.funder@example.org"} {
		must3(sc.PutMember(m, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}})))
	}
	as := func(email string) *service.Scope {
		id := domain.Identity{Subject: "sub-" + email, Email: domain.NormaliseEmail(email)}
		return w.svc.Open(w.ctx, domain.Caller{Identity: id, RequestID: "req"}, w.P)
	}
	for _, email := range []string{"lizzie.lead@example.org", " LIZZIE.LEAD@EXAMPLE.ORG", "Kay.Funder@Example.org"} {
		if _, _, err := as(email).ListMembers(service.Page{}); err != nil {
			t.Errorf("%q, the member: %v", email, err)
		}
	}
	for _, email := range []string{"l\u0130zz\u0130e.lead@example.org", "\u212aay.funder@example.org"} {
		_, _, err := as(email).ListMembers(service.Page{})
		wantCode(t, email, err, domain.CodeNotFound)
	}
}
