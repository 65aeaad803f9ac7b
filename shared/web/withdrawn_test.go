package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestNotificationsPageWithdrawn: a contact taken off a pending email
// (they had left the funder when a run tried it) is listed with its
// recipients, saying they were not emailed and why; the email's history
// shows the notifier's change of its recipients in words.
func TestNotificationsPageWithdrawn(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	now := time.Now().UTC()
	n := domain.Notification{ID: domain.NotificationID(f.TargetID, domain.KindReached, 100), Kind: domain.KindReached, TargetID: f.TargetID,
		Threshold: 100, Status: domain.NotificationPending, Recipients: []string{"left@dwp.example.org", "stays@dwp.example.org"},
		ProgrammeID: f.PID, Metric: domain.MetricPeopleIntoWork, Figure: 61, Value: 60, On: domain.MustDate("2011-06-30"), CreatedAt: now}
	if ok, err := h.store.ClaimNotification(context.Background(), n); !ok || err != nil {
		t.Fatalf("claim %s: %v %v", n.ID, ok, err)
	}
	after := n
	after.Recipients = []string{"stays@dwp.example.org"}
	after.Withdrawn = []domain.Withdrawal{{Email: "left@dwp.example.org", Reason: domain.WithdrawnNoLongerContact}}
	ev := domain.NewAuditEvent(domain.NotifierCaller, f.PID, domain.EntityNotification, n.ID, domain.ActionChange,
		n.RecipientsRecord(), after.RecipientsRecord(), now)
	if ok, err := h.store.ReaddressNotification(context.Background(), after, ev); !ok || err != nil {
		t.Fatalf("readdress %s: %v %v", n.ID, ok, err)
	}
	pg := h.as(t, uLead).get("/app/programmes/" + f.PID + "/notifications")
	if pg.Status != http.StatusOK {
		t.Fatalf("notifications: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if want := `<li>stays@dwp.example.org</li><li data-testid="notification-withdrawn">left@dwp.example.org: not emailed, no longer a contact of the funder</li>`; !strings.Contains(pg.Body, want) {
		t.Errorf("the page lacks %q\n%s", want, excerpt(pg.Body))
	}
	hist := h.as(t, uLead).get("/app/programmes/" + f.PID + "/history?entity=notification&id=" + n.ID)
	if hist.Status != http.StatusOK {
		t.Fatalf("history: %d\n%s", hist.Status, excerpt(hist.Body))
	}
	for _, want := range []string{
		"<strong>Recipients</strong>: left@dwp.example.org, stays@dwp.example.org → stays@dwp.example.org<",
		"<strong>Withdrawn</strong>: – → left@dwp.example.org (no longer a contact of the funder)<",
	} {
		if !strings.Contains(hist.Body, want) {
			t.Errorf("the history lacks %q\n%s", want, excerpt(hist.Body))
		}
	}
}
