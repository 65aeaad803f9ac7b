package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestAPIRefusesAddressesEmailCannotReach: a funder contact or a member
// at an address whose domain is no host name (the auditor's, pasted with
// what surrounded them: audit-surface W2) is 400 naming the contact or
// email, and nothing is stored.
func TestAPIRefusesAddressesEmailCannotReach(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	before := h.Snapshot(t)
	for _, bad := range []string{"x@example.org/", "'jane@gmail.com'", "x@exa!mple.org", "x@-example.org", "x@example.org=",
		"x@ex*ample.org", "x@example.o{rg}", "x@exam?ple.org", "x@example.org~", "x@example_org.uk"} {
		r := h.Do(t, testkit.Request(http.MethodPost, f.p1("/funders"), uLead, testkit.FunderBody("Pasted", "a@dwp.example.org", "b@dwp.example.org", bad)))
		if e := testkit.WantFields(t, r, "contacts[2]"); !strings.Contains(e.Fields["contacts[2]"], "name@example.org") {
			t.Errorf("contact %q: %q", bad, e.Fields["contacts[2]"])
		}
		r = h.Do(t, testkit.Request(http.MethodPut, testkit.MemberPath(f.P1, bad), uLead, testkit.RolesBody(testkit.RoleProjectLead(f.A))))
		testkit.WantFields(t, r, "email")
	}
	testkit.SameSnapshot(t, "addresses email cannot reach", before, h.Snapshot(t))
}
