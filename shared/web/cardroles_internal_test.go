package web

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestCardRoles: a portfolio card names the roles held; an administrator's
// says so beside the roles it also holds as a member.
func TestCardRoles(t *testing.T) {
	t.Parallel()
	funder := domain.Role{Role: domain.RoleFunder, FunderID: "x"}
	lead := domain.Role{Role: domain.RoleLead}
	for _, tc := range []struct {
		admin bool
		roles []domain.Role
		want  string
	}{
		{false, []domain.Role{funder}, "Funder"},
		{true, nil, "Administrator"},
		{true, []domain.Role{funder}, "Administrator and funder"},
		{true, []domain.Role{lead, funder}, "Administrator, lead and funder"},
	} {
		if got := cardRoles(tc.admin, tc.roles); got != tc.want {
			t.Errorf("cardRoles(%v, %+v) = %q, want %q", tc.admin, tc.roles, got, tc.want)
		}
	}
}
