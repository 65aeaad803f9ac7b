package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestProjectNameTaken: a project created or renamed with the name of
// another project of the programme (any case or spacing: how an import
// matches names) is 409 conflict naming name, over DynamoDB; creating a
// project stays the access read, the reporting setup's Query and one
// transaction, the marker of its name in it: the programme's projects are
// not read, so a project stored before the markers is not seen.
func TestProjectNameTaken(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	measure, etag := w.measure(t), w.etag(t)
	body := func(name string) map[string]any {
		return map[string]any{"name": name, "leadOrganisation": "Aspiro", "startDate": "2026-01-01", "endDate": "2027-12-31"}
	}
	measure("POST project", "BatchGetItem×1 Query×1 TransactWriteItems×1",
		testkit.Request("POST", w.path("/projects"), w.lead, body("Leeds IPS")), http.StatusCreated)
	res := measure("POST project (name taken)", "BatchGetItem×1 Query×1 TransactWriteItems×1",
		testkit.Request("POST", w.path("/projects"), w.lead, body(" aspiro   INTERNSHIPS")), http.StatusConflict)
	wantNameTaken(t, res, `another project of this programme is already named "aspiro   INTERNSHIPS"`)

	var list struct {
		Items []struct{ ID, Name string }
	}
	list = testkit.Decode[struct {
		Items []struct{ ID, Name string }
	}](t, w.a.Want(t, http.StatusOK, testkit.Request("GET", w.path("/projects"), w.lead, nil)))
	leeds := ""
	for _, p := range list.Items {
		if p.Name == "Leeds IPS" {
			leeds = p.ID
		}
	}
	if len(list.Items) != 2 || leeds == "" {
		t.Fatalf("projects after the refusal: %+v", list.Items)
	}
	path := w.path("/projects/" + leeds)
	req := testkit.Request("PATCH", path, w.lead, map[string]any{"name": "Aspiro Internships"}, "If-Match", etag(path))
	wantNameTaken(t, w.a.Want(t, http.StatusConflict, req), `another project of this programme is already named "Aspiro Internships"`)
	req = testkit.Request("PATCH", path, w.lead, map[string]any{"name": "LEEDS ips"}, "If-Match", etag(path))
	w.a.Want(t, http.StatusOK, req)
}

func wantNameTaken(t *testing.T, res testkit.Resp, want string) {
	t.Helper()
	var e struct {
		Error struct {
			Code   string
			Fields map[string]string
		}
	}
	if err := json.Unmarshal(res.Body, &e); err != nil {
		t.Fatal(err)
	}
	if e.Error.Code != "conflict" || len(e.Error.Fields) != 1 || e.Error.Fields["name"] != want {
		t.Errorf("refusal %s, want conflict naming name: %s", res.Body, want)
	}
}
