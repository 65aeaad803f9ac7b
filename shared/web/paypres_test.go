package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestOneDaySpendReturnReadsItsDate: a spend return for one day is listed
// on the grant's page, and headed on its own page, by that day ("31 March
// 2011"), not "31 March 2011 to 31 March 2011".
func TestOneDaySpendReturnReadsItsDate(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	s := h.build.Spend(f.PID, f.GrantX, testkit.SpendBody("2011-03-31", "2011-03-31", "staff", 500_00))
	lead := h.as(t, uLead)
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX
	for _, path := range []string{g, g + "/spend/" + s.ID} {
		pg := lead.get(path)
		if strings.Contains(pg.Body, "31 March 2011 to 31 March 2011") || !strings.Contains(pg.Body, "31 March 2011") {
			t.Errorf("%s names the one-day period twice, or not at all\n%s", path, excerpt(pg.Body))
		}
	}
	if pg := lead.get(g); !strings.Contains(pg.Body, `href="`+g+`/spend/`+s.ID+`">31 March 2011</a>`) {
		t.Errorf("the grant page's spend returns do not list the one-day return by its date\n%s", excerpt(pg.Body))
	}
}

// TestEmptyFunderIDRefused: the 360Giving download with an empty funderId
// is refused (400) rather than answered with every grant as if it were
// one funder's; without the parameter it is the whole package.
func TestEmptyFunderIDRefused(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	g := "/app/programmes/" + f.PID + "/grants/360giving"
	if pg := lead.get(g + "?funderId="); pg.Status != http.StatusBadRequest || strings.Contains(pg.Body, `"grants"`) {
		t.Errorf("an empty funderId: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg := lead.get(g); pg.Status != http.StatusOK || !strings.Contains(pg.Body, `"grants"`) {
		t.Errorf("the whole package: %d\n%s", pg.Status, excerpt(pg.Body))
	}
}
