package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestFunderNameTaken: funders are told apart by name wherever they are
// shown (grants.csv, payments.csv, progress's funding by funder), so a
// funder created or renamed with the name of another funder of the
// programme (any case or spacing) is 409 conflict naming name, over
// DynamoDB, as a project's is; a project may share a funder's name.
// Creating a funder stays the access read and one transaction, the marker
// of its name in it: the programme's funders are not read.
func TestFunderNameTaken(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	measure, etag := w.measure(t), w.etag(t)
	body := func(name string) map[string]any {
		return map[string]any{"name": name, "contacts": []string{"grants@example.org"}}
	}
	hsc, _ := w.a.Create(t, w.lead, w.path("/funders"), body("Department of Health"))
	res := measure("POST funder (name taken)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("POST", w.path("/funders"), w.lead, body(" dwp ")), http.StatusConflict)
	wantNameTaken(t, res, `another funder of this programme is already named "dwp"`)
	measure("POST funder", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("POST", w.path("/funders"), w.lead, body("East Midlands SHA")), http.StatusCreated)
	w.a.Want(t, http.StatusCreated, testkit.Request("POST", w.path("/projects"), w.lead, map[string]any{"name": "DWP",
		"leadOrganisation": "Aspiro", "startDate": "2026-01-01", "endDate": "2027-12-31"}))

	path := w.path("/funders/" + hsc)
	req := testkit.Request("PATCH", path, w.lead, map[string]any{"name": "DWP"}, "If-Match", etag(path))
	wantNameTaken(t, w.a.Want(t, http.StatusConflict, req), `another funder of this programme is already named "DWP"`)
	req = testkit.Request("PATCH", path, w.lead, map[string]any{"name": "DEPARTMENT of health"}, "If-Match", etag(path))
	w.a.Want(t, http.StatusOK, req)
	req = testkit.Request("PATCH", path, w.lead, map[string]any{"name": "Department of Health and Social Care"}, "If-Match", etag(path))
	w.a.Want(t, http.StatusOK, req)
	w.a.Want(t, http.StatusCreated, testkit.Request("POST", w.path("/funders"), w.lead, body("Department of Health"))) // let go by the rename
	list := testkit.Decode[struct{ Items []struct{ Name string } }](t, w.a.Want(t, http.StatusOK, testkit.Request("GET", w.path("/funders"), w.lead, nil)))
	if len(list.Items) != 4 {
		t.Fatalf("funders: %+v, want DWP, DHSC, East Midlands SHA and Department of Health", list.Items)
	}
}
