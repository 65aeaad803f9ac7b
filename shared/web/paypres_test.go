package web_test

import (
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
