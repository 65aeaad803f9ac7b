package httpapi_test

// Statuses the document lists against those the API answers.

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestOpenAPIEveryOperationListsBadQuery: a query string that cannot be
// parsed, or names a parameter twice, is 400 on every route, also those
// that read no parameter (wrap reads it before any handler), so every
// operation lists 400: each is called so, and must answer 400 and list
// it.
func TestOpenAPIEveryOperationListsBadQuery(t *testing.T) {
	t.Parallel()
	doc := oaLoad(t)
	h := newMemAPI(t)
	f := h.fixture(t)
	param := regexp.MustCompile(`\{[^}]+\}`)
	for key, op := range oaOperations(doc) {
		method, path, _ := strings.Cut(key, " ")
		path = strings.ReplaceAll(path, "{programmeId}", f.P1)
		path = param.ReplaceAllString(path, "x")
		for _, q := range []string{"?%zz", "?a=1&a=2"} {
			res := h.Do(t, testkit.Req{Method: method, Path: path + q, As: uAdmin})
			if res.Status != http.StatusBadRequest {
				t.Errorf("%s%s: %d, want 400", key, q, res.Status)
			}
		}
		if op.Responses.Value("400") == nil {
			t.Errorf("%s answers 400 to a query string it cannot read, and lists no 400", key)
		}
	}
}

// TestOpenAPINotificationsRefuseNoMember: every member of a programme
// reads its notifications as far as its role reaches (SPEC: "Project leads
// see their own project's notifications"), a project lead's own projects'
// reporting emails: nobody is refused, so neither operation lists 403,
// and the document says what a project lead sees.
func TestOpenAPINotificationsRefuseNoMember(t *testing.T) {
	t.Parallel()
	doc := oaLoad(t)
	h := newMemAPI(t)
	f := h.fixture(t)
	for _, as := range []string{uAdmin, uLead, uPLA, uFunderX} {
		h.Want(t, http.StatusOK, testkit.Req{Method: http.MethodGet, Path: f.p1("/notifications"), As: as})
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: http.MethodGet, Path: f.p1("/notifications/none"), As: as}), http.StatusNotFound, "not_found")
	}
	ops := oaOperations(doc)
	for _, key := range []string{"GET /programmes/{programmeId}/notifications", "GET /programmes/{programmeId}/notifications/{notificationId}"} {
		op := ops[key]
		if op == nil {
			t.Fatalf("%s is not in the document", key)
		}
		if op.Responses.Value("403") != nil {
			t.Errorf("%s lists 403, which no member gets", key)
		}
		if !strings.Contains(op.Description, "a project lead") || strings.Contains(op.Description, "may not read") {
			t.Errorf("%s does not say what a project lead reads: %q", key, op.Description)
		}
	}
}
