package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// One notification is readable as in the list: leads see it whole, the
// funder it was sent for sees it with only its own contacts among the
// recipients, another funder and project leads cannot see it.
func TestGetNotificationVisibility(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	target, _ := h.Create(t, uAdmin, "/programmes/"+f.P1+"/targets",
		map[string]any{"metric": "referrals", "value": 10, "deadline": "2026-12-31", "notify": []string{f.X, f.Y}})
	funder := func(id string) domain.Funder { // as admin, who sees every contact
		return testkit.Decode[domain.Funder](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, f.p1("/funders/"+id), uAdmin, nil)))
	}
	x, y := funder(f.X), funder(f.Y)
	if len(x.Contacts) == 0 || len(y.Contacts) == 0 {
		t.Fatalf("the fixture's funders have no contacts: %+v %+v", x, y)
	}
	note := domain.Notification{ID: domain.NotificationID(target, domain.KindReached, 100), TargetID: target, Threshold: 100,
		Kind: domain.KindReached, Status: domain.NotificationPending, Recipients: append(slices.Clone(x.Contacts), y.Contacts...),
		FunderIDs: []string{f.X}, CreatedAt: time.Now().UTC(), ProgrammeID: f.P1, Figure: 10, Value: 10, Metric: domain.MetricReferrals}
	h.claimNotification(t, note)
	path := "/programmes/" + f.P1 + "/notifications/" + note.ID

	lead := testkit.Decode[domain.Notification](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, path, uLead, nil)))
	if !slices.Equal(lead.Recipients, note.Recipients) {
		t.Errorf("lead sees recipients %v, want all %v", lead.Recipients, note.Recipients)
	}
	fx := testkit.Decode[domain.Notification](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, path, uFunderX, nil)))
	if !slices.Equal(fx.Recipients, x.Contacts) {
		t.Errorf("funder X sees recipients %v, want only its own %v", fx.Recipients, x.Contacts)
	}
	testkit.WantErr(t, h.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, path, uFunderY, nil)), http.StatusNotFound, "not_found")
	// Project leads read their project's returns' emails, not milestones.
	testkit.WantErr(t, h.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, path, uPLA, nil)), http.StatusNotFound, "not_found")
	testkit.WantErr(t, h.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, path, uOutsider, nil)), http.StatusNotFound, "not_found")
	testkit.WantErr(t, h.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, "/programmes/"+f.P1+"/notifications/"+target+".reached.50", uLead, nil)), http.StatusNotFound, "not_found")
}
