package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestFunderFormNameTaken: adding a funder, or renaming one, with the
// name of another funder of the programme in another case or spacing
// shows the refusal beside the name box (409, as the API answers it), and
// stores nothing.
func TestFunderFormNameTaken(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	sc := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID)
	count := func() int {
		items, _, err := sc.ListFunders(service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	before := count()
	refused := func(what string, pg page, name string) {
		t.Helper()
		want := "Another funder of this programme is already named &#34;" + name + "&#34;"
		if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, `href="#f-name"`) || !strings.Contains(pg.Body, want) {
			t.Fatalf("%s: %d, want 409 with %s beside the name\n%s", what, pg.Status, want, excerpt(pg.Body))
		}
	}
	form := url.Values{"name": {"  east midlands   SHA"}, "contacts": {"grants@sha.example.org"}}
	lead.get(p + "/funders/new")
	refused("adding", lead.post(p+"/funders/new", form), "east midlands   SHA")
	if n := count(); n != before {
		t.Errorf("%d funders after the refusal, want %d", n, before)
	}
	edit := p + "/funders/" + f.FunderX + "/edit"
	lead.get(edit)
	refused("renaming", lead.post(edit, with(form, "version", "1", "name", "East Midlands SHA")), "East Midlands SHA")
	if x := must(sc.Funder(f.FunderX)); x.Name != "Department for Work and Pensions" || x.Version != 1 {
		t.Errorf("after the refused rename: %q version %d", x.Name, x.Version)
	}
}
