package httpapi_test

// Reading the audit trail: GET /programmes/{id}/audit (leads and admins) and
// GET <record>/history (anyone who may read the record), newest first,
// paginated, filtered. Over memory (atMemNew): who may read what, the
// order, pages and filters are the service's rules, and the trail's pages
// are held to memory's by shared/store's contract test; TestEveryRouteOverDynamoDB
// reads the trail and every kind of history over DynamoDB Local.

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

func atIDs(evs []atEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func atKeep(evs []atEvent, keep func(atEvent) bool) []atEvent {
	var out []atEvent
	for _, e := range evs {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// newestFirst checks a list is in the order events were written, newest
// first: ids (which sort by time) strictly descending and times not rising.
func atNewestFirst(t *testing.T, what string, evs []atEvent) {
	t.Helper()
	for i := 1; i < len(evs); i++ {
		if evs[i-1].ID <= evs[i].ID || evs[i-1].At.Before(evs[i].At) {
			t.Errorf("%s: event %d (%s at %v) is listed before event %d (%s at %v): not newest first",
				what, i-1, evs[i-1].ID, evs[i-1].At, i, evs[i].ID, evs[i].At)
		}
	}
}

func TestAuditReadTrail(t *testing.T) {
	t.Parallel()
	h := atMemNew(t)
	w := h.world(t)
	P, A := w.P, w.A()

	// Note each event the world wrote in programme 1, in the order written.
	var written []string
	for _, e := range testkit.ListAll[atEvent](t, h.apiH, uAdmin, P+"/audit") {
		written = append(written, e.ID)
	}
	slices.Reverse(written)
	// …and a few more, by different people.
	G := P + "/grants/" + w.grant
	for _, amount := range []int{150, 175} {
		_, ev := h.change(t, w.pid, http.StatusOK, uLead, "PATCH", G, map[string]any{"amountPence": amount}, "If-Match", h.etag(t, G))
		written = append(written, ev.ID)
	}
	_, ev := h.change(t, w.pid, http.StatusCreated, uPLA, "POST", A+"/outcomes", testkit.OutcomeBody(map[string]int{"jobStarts": 2}))
	written = append(written, ev.ID)
	slices.Reverse(written) // newest first

	all := testkit.ListAll[atEvent](t, h.apiH, uAdmin, P+"/audit")
	if !slices.Equal(atIDs(all), written) {
		t.Fatalf("GET audit = %v,\nwant every event newest first %v", atIDs(all), written)
	}
	atNewestFirst(t, "audit", all)
	for _, e := range all {
		if e.ProgrammeID != w.pid {
			t.Errorf("programme 1's trail lists event %s of programme %s", e.ID, e.ProgrammeID)
		}
	}
	if n := len(testkit.ListAll[atEvent](t, h.apiH, uAdmin, "/programmes/"+w.pid2+"/audit")); n != 4 {
		t.Errorf("programme 2's trail has %d events, want its own 4", n)
	}

	// Pagination: pages of 3 (and of 1) add up to the whole, in order.
	for _, limit := range []int{1, 3} {
		pages := testkit.ListPages[atEvent](t, h.apiH, uAdmin, P+"/audit", limit)
		if got := atIDs(slices.Concat(pages...)); !slices.Equal(got, written) {
			t.Errorf("pages of %d = %v, want %v", limit, got, written)
		}
		if want := (len(written) + limit - 1) / limit; len(pages) != want {
			t.Errorf("pages of %d: %d pages, want %d", limit, len(pages), want)
		}
	}
	// The lead reads it too; the default page is 50.
	if got := testkit.Decode[testkit.List[atEvent]](t, h.Want(t, 200, testkit.Request("GET", P+"/audit", uLead, nil))); len(got.Items) != len(written) || got.NextCursor != nil {
		t.Errorf("lead's GET audit: %d items (next %v), want all %d", len(got.Items), got.NextCursor, len(written))
	}

	// Filters: by entity, by user (however the address is typed), both; each
	// also paginated.
	filters := []struct {
		query string
		keep  func(atEvent) bool
	}{
		{"entity=grant", func(e atEvent) bool { return e.Entity == "grant" }},
		{"entity=member", func(e atEvent) bool { return e.Entity == "member" }},
		{"entity=outcome", func(e atEvent) bool { return e.Entity == "outcome" }},
		{"entity=notification", func(e atEvent) bool { return e.Entity == "notification" }},
		{"user=" + url.QueryEscape(uPLA), func(e atEvent) bool { return e.ActorEmail == uPLA }},
		{"user=" + url.QueryEscape(strings.ToUpper(uLead)), func(e atEvent) bool { return e.ActorEmail == uLead }},
		{"user=" + url.QueryEscape(uLead) + "&entity=grant", func(e atEvent) bool { return e.ActorEmail == uLead && e.Entity == "grant" }},
		{"user=" + url.QueryEscape(uOutsider), func(e atEvent) bool { return false }},
	}
	for _, f := range filters {
		want := atIDs(atKeep(all, f.keep))
		for _, limit := range []int{1, 2, 100} {
			got := atIDs(slices.Concat(testkit.ListPages[atEvent](t, h.apiH, uAdmin, P+"/audit?"+f.query, limit)...))
			if !slices.Equal(got, want) {
				t.Errorf("audit?%s with limit %d = %v, want %v", f.query, limit, got, want)
			}
		}
	}
	if n := len(atKeep(all, func(e atEvent) bool { return e.Entity == "grant" })); n != 3 {
		t.Errorf("%d grant events, want 3 (create and two changes)", n)
	}

	// Refusals.
	r := h.Do(t, testkit.Request("GET", P+"/audit?entity=spaceship", uLead, nil))
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"entity"`) || !strings.Contains(string(r.Body), "validation_failed") {
		t.Errorf("unknown entity: got %s, want 400 validation_failed naming entity", r)
	}
	// A filter given empty is a slip, not a request for the whole trail:
	// 400 naming it, to those who may read the trail; the others learn
	// nothing of its filters.
	for _, c := range []struct {
		query  string
		fields []string
	}{{"entity=", []string{"entity"}}, {"user=", []string{"user"}}, {"entity=%20&user=", []string{"entity", "user"}}, {"entity=&user=lead@example.org", []string{"entity"}}} {
		r := h.Do(t, testkit.Request("GET", P+"/audit?"+c.query, uLead, nil))
		e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
		if got := slices.Sorted(maps.Keys(e.Fields)); !slices.Equal(got, c.fields) {
			t.Errorf("audit?%s: fields %v, want %v", c.query, got, c.fields)
		}
	}
	for _, c := range []struct {
		as     string
		status int
	}{{uPLA, 403}, {uFunderX, 403}, {uOutsider, 404}, {uLead2, 404}, {"", 401}} {
		for _, query := range []string{"", "?entity=", "?user="} {
			if r := h.Do(t, testkit.Request("GET", P+"/audit"+query, c.as, nil)); r.Status != c.status {
				t.Errorf("GET audit%s as %q: got %s, want %d", query, c.as, r, c.status)
			}
		}
	}
	if r := h.Do(t, testkit.Request("GET", P+"/audit?limit=0", uAdmin, nil)); r.Status != http.StatusBadRequest {
		t.Errorf("limit=0: got %s, want 400", r)
	}
	if r := h.Do(t, testkit.Request("GET", "/programmes/"+w.pid2+"/audit?cursor="+url.QueryEscape(*testkit.Decode[testkit.List[atEvent]](t, h.Want(t, 200, testkit.Request("GET", P+"/audit?limit=1", uAdmin, nil))).NextCursor), uAdmin, nil)); r.Status != http.StatusBadRequest {
		t.Errorf("a cursor of programme 1's trail used on programme 2's: got %s, want 400", r)
	}
}

func TestAuditReadHistory(t *testing.T) {
	t.Parallel()
	h := atMemNew(t)
	w := h.world(t)
	P, A := w.P, w.A()
	G := P + "/grants/" + w.grant

	// A second funder, with a member acting for it: not this grant's funder.
	funderY, _ := h.Create(t, uAdmin, P+"/funders", testkit.FunderBody("Department of Health"))
	h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(w.pid, uFunderY), uAdmin, testkit.RolesBody(testkit.RoleFunder(funderY))))

	// Grant: created by the world, then changed twice.
	var want []string
	for _, e := range testkit.ListAll[atEvent](t, h.apiH, uAdmin, P+"/audit?entity=grant") {
		want = append(want, e.ID)
	}
	for _, amount := range []int{150, 175} {
		_, ev := h.change(t, w.pid, http.StatusOK, uLead, "PATCH", G, map[string]any{"amountPence": amount}, "If-Match", h.etag(t, G))
		want = slices.Insert(want, 0, ev.ID)
	}
	if len(want) != 3 {
		t.Fatalf("grant events %v, want 3", want)
	}
	hist := h.history(t, uAdmin, G)
	if !slices.Equal(atIDs(hist), want) {
		t.Fatalf("grant history = %v, want newest first %v", atIDs(hist), want)
	}
	atNewestFirst(t, "grant history", hist)
	if hist[2].Action != "create" || hist[1].Action != "change" || hist[0].Action != "change" ||
		hist[0].Changes["amountPence"]["before"] != 150.0 || hist[0].Changes["amountPence"]["after"] != 175.0 {
		t.Errorf("grant history = %+v, want change 150→175, change, create", hist)
	}
	for _, e := range hist {
		if e.Entity != "grant" || e.EntityID != w.grant {
			t.Errorf("grant history holds an event of %s %s", e.Entity, e.EntityID)
		}
	}
	if pages := testkit.ListPages[atEvent](t, h.apiH, uAdmin, G+"/history", 1); len(pages) != 3 || !slices.Equal(atIDs(slices.Concat(pages...)), want) {
		t.Errorf("grant history in pages of 1 = %v", pages)
	}

	// Who reads a record's history is who reads the record.
	type reader struct {
		as     string
		status int
	}
	checks := []struct {
		what    string
		path    string
		readers []reader
		events  int
	}{
		{"grant of project A from the funder", G, []reader{
			{uAdmin, 200}, {uLead, 200}, {uPLA, 200}, {uFunderX, 200},
			{uPLB, 404}, {uFunderY, 404}, {uOutsider, 404}, {uLead2, 404}}, 3},
		{"project A's outcome", A + "/outcomes/" + w.outcome, []reader{
			{uAdmin, 200}, {uLead, 200}, {uPLA, 200}, {uFunderX, 200}, {uFunderY, 200},
			{uPLB, 404}, {uOutsider, 404}}, 1},
		{"project A's post", A + "/posts/" + w.post, []reader{{uFunderX, 200}, {uPLA, 200}, {uPLB, 404}}, 1},
		{"project A's cohort", A + "/cohorts/" + w.cohort, []reader{{uFunderX, 200}, {uPLA, 200}, {uPLB, 404}}, 1},
		{"member pl-a, by themself", testkit.MemberPath(w.pid, uPLA), []reader{
			{uPLA, 200}, {uLead, 200}, {uAdmin, 200},
			{uPLB, 404}, {uFunderX, 404}, {uOutsider, 404}}, 1},
		{"the programme", P, []reader{{uPLB, 200}, {uFunderX, 200}, {uOutsider, 404}, {uLead2, 404}}, 1},
		{"the funder", P + "/funders/" + w.funder, []reader{{uPLB, 200}, {uFunderY, 200}, {uOutsider, 404}}, 1},
		{"project A", A, []reader{{uPLB, 200}, {uFunderX, 200}, {uOutsider, 404}}, 1},
		{"the target", P + "/targets/" + w.target, []reader{{uPLB, 200}, {uFunderX, 200}, {uOutsider, 404}}, 1},
	}
	for _, c := range checks {
		for _, rd := range c.readers {
			r := h.Do(t, testkit.Request("GET", c.path+"/history", rd.as, nil))
			if r.Status != rd.status {
				t.Errorf("history of %s as %s: got %s, want %d", c.what, rd.as, r, rd.status)
				continue
			}
			if rd.status == 200 {
				if n := len(testkit.Decode[testkit.List[atEvent]](t, r).Items); n != c.events {
					t.Errorf("history of %s as %s: %d events, want %d", c.what, rd.as, n, c.events)
				}
			} else if strings.Contains(string(r.Body), `"items"`) {
				t.Errorf("history of %s as %s: refused, yet the body lists items: %s", c.what, rd.as, r.Body)
			}
		}
	}

	// A member's history follows them by email across changes, and the
	// member reads all of it themself.
	h.Want(t, http.StatusOK, testkit.Request("PUT", testkit.MemberPath(w.pid, uPLA), uLead, testkit.RolesBody(testkit.RoleProjectLead(w.projA), testkit.RoleProjectLead(w.projB))))
	mh := h.history(t, uPLA, testkit.MemberPath(w.pid, uPLA))
	if len(mh) != 2 || mh[0].Action != "change" || mh[1].Action != "create" || mh[0].ActorEmail != uLead || mh[1].ActorEmail != uAdmin {
		t.Errorf("pl-a's own history = %+v, want the lead's change then the admin's create", mh)
	}
	// The address as typed in the path does not matter.
	if got := h.history(t, uPLA, testkit.MemberPath(w.pid, strings.ToUpper(uPLA))); !slices.Equal(atIDs(got), atIDs(mh)) {
		t.Errorf("history by upper-case address = %v, want %v", atIDs(got), atIDs(mh))
	}

	// The replaced outcome's history and the correction's are each their own.
	if ch := h.history(t, uFunderX, A+"/outcomes/"+w.correct); len(ch) != 1 || ch[0].Action != "correct" || ch[0].EntityID != w.correct {
		t.Errorf("correction's history = %+v, want its one correct event", ch)
	}

	// Records that are not there, or not in this programme.
	for _, path := range []string{
		P + "/grants/01kaaaaaaaaaaaaaaaaaaaaaaa",
		P + "/grants/not-an-id",
		"/programmes/" + w.pid2 + "/grants/" + w.grant,
		P + "/projects/" + w.projB + "/outcomes/" + w.outcome, // right id, wrong project
		testkit.MemberPath(w.pid, "nobody@example.org"),
		P + "/targets/" + w.grant,
	} {
		if r := h.Do(t, testkit.Request("GET", path+"/history", uAdmin, nil)); r.Status != http.StatusNotFound {
			t.Errorf("GET %s/history: got %s, want 404", path, r)
		}
	}
}

// TestAuditHistoryHidesFunderContacts: a funder's contact emails are shown
// only to those who manage the programme or act for that funder (GET
// …/funders/{id} hides them from everyone else: they are staff's personal
// details). The funder's history, readable by every member, must not hand
// them out in its events' before and after values either.
func TestAuditHistoryHidesFunderContacts(t *testing.T) {
	t.Parallel()
	h := atMemNew(t)
	w := h.world(t)
	contact := "jo.contact@dwp.example.org"
	funder, _ := h.Create(t, uLead, w.P+"/funders", testkit.FunderBody("Department of Health", contact))
	F := w.P + "/funders/" + funder

	for _, as := range []string{uPLA, uPLB, uFunderX} { // none manages, none acts for this funder
		if r := h.Want(t, http.StatusOK, testkit.Request("GET", F, as, nil)); strings.Contains(string(r.Body), contact) {
			t.Fatalf("GET funder as %s shows the contact (%s): the premise of this test no longer holds", as, r.Body)
		}
		r := h.Want(t, http.StatusOK, testkit.Request("GET", F+"/history", as, nil))
		if n := len(testkit.Decode[testkit.List[atEvent]](t, r).Items); n != 1 {
			t.Errorf("funder history as %s: %d events, want its create", as, n)
		}
		if strings.Contains(string(r.Body), contact) {
			t.Errorf("funder history as %s hands out the contact email %s that GET funder hides from them", as, contact)
		}
	}
	// Those who may see the contacts see them in the history too.
	for _, as := range []string{uLead, uAdmin} {
		if r := h.Want(t, http.StatusOK, testkit.Request("GET", F+"/history", as, nil)); !strings.Contains(string(r.Body), contact) {
			t.Errorf("funder history as %s lacks the contacts it may see: %s", as, r.Body)
		}
	}
}
