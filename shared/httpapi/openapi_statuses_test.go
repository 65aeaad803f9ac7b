package httpapi_test

// Statuses the document lists against those the API answers.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

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
