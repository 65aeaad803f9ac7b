package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestGrantsPageOffersPackagesToPublish: a funder's grants page links to
// its own funder's 360Giving package, named as that funder's, which names
// the funder as publisher; it offers no package of the programme's name.
// A lead is offered the whole programme's package and each funder's.
func TestGrantsPageOffersPackagesToPublish(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	g := p + "/grants/360giving"
	link := func(href string) string { return `href="` + html.EscapeString(href) + `" download` }

	funder := h.as(t, uFunder)
	pg := funder.get(p + "/grants")
	own := g + "?funderId=" + f.FunderX
	if !strings.Contains(pg.Body, link(own)) || !strings.Contains(pg.Body, "Grants from Department for Work and Pensions, for Department for Work and Pensions to publish") {
		t.Errorf("the funder's grants page offers no package of its own funder\n%s", excerpt(pg.Body))
	}
	if strings.Contains(pg.Body, link(g)) || strings.Contains(pg.Body, link(g+"?funderId="+f.FunderY)) {
		t.Errorf("the funder's grants page offers a package it does not publish\n%s", excerpt(pg.Body))
	}
	dl := funder.get(own)
	var pkg struct {
		Publisher struct{ Name, Identifier string }
		Grants    []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(dl.Body), &pkg); err != nil || dl.Status != http.StatusOK {
		t.Fatalf("the funder's link: %d %v\n%s", dl.Status, err, excerpt(dl.Body))
	}
	if pkg.Publisher.Name != "Department for Work and Pensions" || pkg.Publisher.Identifier != "GB-GOR-D10" || len(pkg.Grants) != 1 {
		t.Errorf("the funder's package: publisher %+v, %d grants; want the funder, its one grant", pkg.Publisher, len(pkg.Grants))
	}

	lead := h.as(t, uLead)
	pg = lead.get(p + "/grants")
	for href, text := range map[string]string{
		g:                            "Every grant in the programme, for Bradford District Care to publish",
		g + "?funderId=" + f.FunderX: "Grants from Department for Work and Pensions, for Department for Work and Pensions to publish",
		g + "?funderId=" + f.FunderY: "Grants from East Midlands SHA, for East Midlands SHA to publish",
	} {
		if !strings.Contains(pg.Body, link(href)+` id="`) || !strings.Contains(pg.Body, text) {
			t.Errorf("the lead's grants page does not offer %s as %q\n%s", href, text, excerpt(pg.Body))
		}
	}
}

// TestNothingToPublish: with no grant a person may publish, the grants
// page offers no 360Giving package, and the download, if typed, says why
// (as the API does), not "Page not found".
func TestNothingToPublish(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	b := h.build
	pid := b.Programme(map[string]any{"name": "Empty IPS", "leadOrganisation": "Bradford District Care",
		"region": "Yorkshire", "startDate": "2010-10-01", "endDate": "2012-03-31"}).ID
	fz := b.Funder(pid, map[string]any{"name": "No Grants Fund", "contacts": []string{"nogrants@example.org"}}).ID
	b.Member(pid, uLead, testkit.RoleLead())
	b.Member(pid, uFunder, testkit.RoleFunder(fz))
	p := "/app/programmes/" + pid
	for _, who := range []string{uLead, uFunder} {
		br := h.as(t, who)
		if pg := br.get(p + "/grants"); pg.Status != http.StatusOK || strings.Contains(pg.Body, "/grants/360giving") {
			t.Errorf("%s: the grants page offers a package with nothing in it: %d\n%s", who, pg.Status, excerpt(pg.Body))
		}
		for _, path := range []string{p + "/grants/360giving", p + "/grants/360giving?funderId=" + fz} {
			pg := br.get(path)
			if pg.Status != http.StatusNotFound || strings.Contains(pg.Body, "Page not found") ||
				!strings.Contains(pg.Body, "There is nothing to publish yet") || !strings.Contains(pg.Body, "needs at least one grant") ||
				!strings.Contains(pg.Body, `href="`+p+`/grants"`) {
				t.Errorf("%s GET %s: %d, want 404 saying there is nothing to publish yet\n%s", who, path, pg.Status, excerpt(pg.Body))
			}
		}
	}
}
