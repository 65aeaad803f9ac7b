package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// recordPath is the record's page a change's redirect goes to, without the
// sealed note (flashNote) that makes the page say what was done.
func recordPath(location string) string {
	path, _, _ := strings.Cut(location, "?")
	path, _, _ = strings.Cut(path, "#")
	return path
}

// newWebAt is newWeb on a clock the test moves.
func newWebAt(t *testing.T, c *clock) *webH {
	t.Helper()
	m := testkit.NewMem(t)
	h := &webH{Svc: m.Svc, build: m.Build(t), store: m.Store, mem: m}
	deps := webdeps.DepsOver(platform.Config{}, m.Store)
	deps.Now = c.now
	h.serve(t, deps, testkit.OwnMillisecond)
	return h
}

// TestSuccessBannersOnlyAfterTheChange: the "Success" banners of a
// payment recorded as paid or cancelled, a spend return reported,
// outcomes submitted and a decision saved show only to the person who has
// just made that change, on that record's page, for a few minutes
// (security3 N1). A crafted link (?paid=x, ?reported=1, ?submitted=1,
// ?reviewed=1) shows none to anyone, nor does the real link opened by
// someone else, moved to another record, or opened later.
func TestSuccessBannersOnlyAfterTheChange(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Now()}
	h := newWebAt(t, c)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f)
	lead, pl, funder := h.as(t, uLead), h.as(t, uPL), h.as(t, uFunder)
	p := "/app/programmes/" + f.PID
	g, gy := p+"/grants/"+f.GrantX, p+"/grants/"+f.GrantY
	pa := p + "/projects/" + f.ProjectA
	banners := []string{`data-testid="payment-banner"`, `data-testid="reported-banner"`, `data-testid="submitted-banner"`,
		`data-testid="reviewed-banner"`}
	none := func(who string, b *browser, path string) {
		t.Helper()
		pg := b.get(path)
		if pg.Status != http.StatusOK {
			t.Fatalf("%s %s: %d\n%s", who, path, pg.Status, excerpt(pg.Body))
		}
		for _, banner := range banners {
			if strings.Contains(pg.Body, banner) {
				t.Errorf("%s %s shows %s, though %s did nothing there just now", who, path, banner, who)
			}
		}
	}
	shows := func(who string, b *browser, path, banner, words string) {
		t.Helper()
		pg := b.get(path)
		if pg.Status != http.StatusOK || !strings.Contains(pg.Body, banner) || !strings.Contains(pg.Body, words) {
			t.Errorf("%s %s: %d, want the banner %s saying %q\n%s", who, path, pg.Status, banner, words, excerpt(pg.Body))
		}
	}

	// Crafted links: nothing happened, so nothing is said.
	spent := h.build.Spend(f.PID, f.GrantX, testkit.SpendBody("2011-01-01", "2011-03-31", "staff", 100_000))
	for who, b := range map[string]*browser{uLead: lead, uFunder: funder} {
		for _, q := range []string{"?paid=x", "?paid=paid", "?paid=cancelled", "?reported=1"} {
			none(who, b, g+q)
		}
		none(who, b, g+"/spend/"+spent.ID+"?reported=1")
	}
	none(uLead, lead, pa+"/outcomes/"+pending+"?submitted=1&reviewed=1")

	// A payment recorded as paid: the lead who paid it sees so, on that
	// grant's page; the funder opening the same link, or the lead the
	// note moved to another grant, or later, does not.
	target := h.build.Target(f.PID, map[string]any{"metric": "peopleIntoWork", "value": 1000, "deadline": "2012-03-31", "notify": []string{}})
	pay := h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(10_000_00, target.ID, 100))
	change := g + "/payments/" + pay.ID + "/change"
	lead.get(change)
	done := lead.post(change, url.Values{"version": {"1"}, "status": {"paid"}, "paidDate-day": {"5"}, "paidDate-month": {"4"},
		"paidDate-year": {"2011"}, "reference": {"BACS 77"}})
	loc := done.Header.Get("Location")
	if done.Status != http.StatusSeeOther || recordPath(loc) != g || !strings.HasSuffix(loc, "#payments") {
		t.Fatalf("paid: %d %s\n%s", done.Status, loc, excerpt(done.Body))
	}
	shows(uLead, lead, loc, `data-testid="payment-banner"`, "Payment recorded as paid")
	none(uFunder, funder, loc)
	note, _ := url.ParseQuery(strings.TrimPrefix(strings.TrimSuffix(loc[len(g):], "#payments"), "?"))
	none(uLead, lead, gy+"?paid="+url.QueryEscape(note.Get("paid")))

	// A spend return reported by the project lead.
	pl.get(g + "/spend/new")
	done = pl.post(g+"/spend/new", spendForm([3]string{"1", "4", "2011"}, [3]string{"30", "6", "2011"}, "staff", "1,000"))
	spend := done.Header.Get("Location")
	if done.Status != http.StatusSeeOther || !strings.HasPrefix(spend, g+"/spend/") {
		t.Fatalf("spend: %d %s\n%s", done.Status, spend, excerpt(done.Body))
	}
	shows(uPL, pl, spend, `data-testid="reported-banner"`, "Spend reported")
	none(uLead, lead, spend)
	none(uPL, pl, g+"/spend/"+spent.ID+"?reported="+url.QueryEscape(strings.SplitN(spend, "?reported=", 2)[1]))

	// A decision saved by the lead; the project lead reads the same
	// submission, and is told of no decision of theirs.
	review := pa + "/outcomes/" + pending + "/review"
	lead.get(review)
	done = lead.post(review, url.Values{"decision": {"request-changes"}, "comment": {"Please split referrals by source."}})
	reviewed := done.Header.Get("Location")
	if done.Status != http.StatusSeeOther || recordPath(reviewed) != pa+"/outcomes/"+pending {
		t.Fatalf("review: %d %s\n%s", done.Status, reviewed, excerpt(done.Body))
	}
	shows(uLead, lead, reviewed, `data-testid="reviewed-banner"`, "Decision saved")
	none(uPL, pl, reviewed)
	// A note of one kind says nothing under another's name.
	none(uLead, lead, pa+"/outcomes/"+pending+"?submitted="+url.QueryEscape(strings.SplitN(reviewed, "?reviewed=", 2)[1]))

	// Ten minutes on, the links say nothing: a bookmark is no news.
	c.add(11 * time.Minute)
	none(uLead, lead, loc)
	none(uPL, pl, spend)
	none(uLead, lead, reviewed)
}
