package web_test

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var historyHref = regexp.MustCompile(`href="([^"]*/history\?[^"]*)"`)

// historyLinks are the record-history links of a page, as a browser
// follows them (entities decoded).
func historyLinks(body string) []string {
	var out []string
	for _, m := range historyHref.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// TestMemberHistoryLinks: the members page links to each member's
// history with the address escaped once; it once sent "@" as %2540, and
// the link was a 404.
func TestMemberHistoryLinks(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	lead := h.as(t, uLead)
	links := historyLinks(lead.get(p + "/members").Body)
	want := p + "/history?entity=member&id=funder%40example.org"
	if !slices.Contains(links, want) {
		t.Fatalf("the members page lacks %s; it has %q", want, links)
	}
	for _, l := range links {
		if hist := lead.get(l); hist.Status != http.StatusOK || !strings.Contains(hist.Body, `data-testid="history-table"`) {
			t.Errorf("the members page's link %s answered %d\n%s", l, hist.Status, excerpt(hist.Body))
		}
	}
}
