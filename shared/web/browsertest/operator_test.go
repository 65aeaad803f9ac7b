package browsertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/web"
)

// TestHeaderShowsTheOperator: the header carries the NHS logo only when
// the deployment says its operator is an NHS organisation (the NHS
// identity guidelines reserve the logo); any other operator's header
// names the service and the operator, with no NHS logo. Checked on the
// public sign-in page and on a signed-in page, with axe-core on each, and
// kept as screenshots (build/screenshots/header-*.png).
func TestHeaderShowsTheOperator(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	shots := filepath.Join(root, "build", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	b := sharedBrowser(t)

	for _, tc := range []struct {
		name, shot string
		operator   web.Operator
	}{
		{"NHS operator", "header-nhs.png", web.Operator{Name: "Leicestershire Partnership NHS Trust", NHS: true}},
		{"operator that is not NHS", "header-not-nhs.png", web.Operator{Name: "Aspiro Employment Services"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &suite{browser: b, a11y: &a11yReport{}, shots: shots}
			s.srv = startServer(t, func(d *web.Deps) { d.Operator = tc.operator })
			tb := s.newTab(t, uAdmin, true)
			defer tb.checkConsole()

			check := func(page string) {
				t.Helper()
				logos := tb.count(`header.nhsuk-header svg.nhsuk-header__logo, header.nhsuk-header [aria-label="NHS"]`)
				header := tb.text("header.nhsuk-header")
				switch {
				case tc.operator.NHS && logos != 1:
					tb.fail("%s: %d NHS logos in an NHS operator's header, want 1", page, logos)
				case !tc.operator.NHS && logos != 0:
					tb.fail("%s: %d NHS logos in the header of %q, which is not an NHS organisation", page, logos, tc.operator.Name)
				case !tc.operator.NHS && strings.Contains(header, "NHS"):
					tb.fail("%s: the header of an operator that is not NHS says %q", page, header)
				}
				if got := tb.text(`header [data-testid="service-name"]`); got != "fundtrack" {
					tb.fail("%s: service name %q, want fundtrack", page, got)
				}
				if got := tb.text(`header [data-testid="operator-name"]`); got != tc.operator.Name {
					tb.fail("%s: operator %q, want %q", page, got, tc.operator.Name)
				}
				// Shown, not just present: it has a box and is inside the header.
				if !eval[bool](tb, `(() => { const o = document.querySelector('header [data-testid="operator-name"]').getBoundingClientRect();
					const h = document.querySelector('header.nhsuk-header').getBoundingClientRect();
					return o.width > 0 && o.height > 0 && o.top >= h.top && o.bottom <= h.bottom; })()`) {
					tb.fail("%s: the operator's name is not shown in the header", page)
				}
				if href := tb.attr(`header [data-testid="home"]`, "href"); href != "/app/" {
					tb.fail("%s: the header's home link goes to %q", page, href)
				}
				// The NHS.UK styles applied: the header is NHS blue either way.
				if bg := eval[string](tb, `getComputedStyle(document.querySelector('header.nhsuk-header')).backgroundColor`); bg != "rgb(0, 94, 184)" {
					tb.fail("%s: the header's background is %s: the NHS.UK styles did not apply", page, bg)
				}
			}

			if st := tb.open("/app/auth/login"); st != 200 {
				tb.fail("the sign-in page answered %d", st)
			}
			check("sign-in page")
			tb.signIn(uAdmin) // runs axe-core on the sign-in page
			check("programmes")
			tb.a11y("programmes")
			tb.screenshot(tc.shot)
		})
	}
}
