package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPagesReadTheirQueryOneWay: a page whose query cannot be read, or
// names a parameter twice, answers the 400 page, as the API does, rather
// than quietly showing the first page of a list.
func TestPagesReadTheirQueryOneWay(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	for _, path := range []string{base + "?%%%", base + "/grants?cursor=%zz", base + "/audit?entity=grant&entity=post"} {
		pg := lead.get(path)
		if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "There is a problem with what was sent") {
			t.Errorf("%s: %d\n%s", path, pg.Status, excerpt(pg.Body))
		}
	}
	if pg := lead.get(base + "/grants?unused=1"); pg.Status != http.StatusOK {
		t.Errorf("a readable query: %d", pg.Status)
	}
}
