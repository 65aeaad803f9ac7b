package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestNotificationsPage: when one change crosses several thresholds, one
// email goes for the highest; the notifications page says the lower ones
// went in it, not "sent, 0 attempts", and the higher one says which it
// also tells of. A submission's email names the return's due date when it
// fills a return, and says nothing of one when it fills none. One whose
// submission was reviewed or corrected while it was being sent says what
// became of it: sent to some and not the others, or failed.
func TestNotificationsPage(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	now := time.Now().UTC()
	top := domain.NotificationID(f.TargetID, domain.KindReached, 100)
	for _, n := range []domain.Notification{
		{ID: top, Kind: domain.KindReached, TargetID: f.TargetID, Threshold: 100, Covers: []int64{25, 50},
			Status: domain.NotificationSent, Attempts: 1, SentAt: &now, Recipients: []string{"dwp@example.org"}},
		{ID: domain.NotificationID(f.TargetID, domain.KindReached, 50), Kind: domain.KindReached, TargetID: f.TargetID, Threshold: 50,
			CoveredBy: top, Status: domain.NotificationSent, Recipients: []string{"dwp@example.org"}},
	} {
		n.ProgrammeID, n.Metric, n.Figure, n.Value, n.On, n.CreatedAt = f.PID, domain.MetricPeopleIntoWork, 61, 60, domain.MustDate("2011-06-30"), now
		if ok, err := h.store.ClaimNotification(context.Background(), n); !ok || err != nil {
			t.Fatalf("claim %s: %v %v", n.ID, ok, err)
		}
	}
	for i, due := range []string{"2011-07-20", ""} {
		n := domain.Notification{ID: domain.SubmissionNotificationID(fmt.Sprintf("submission%d", i), domain.KindAwaitingReview),
			Kind: domain.KindAwaitingReview, ProgrammeID: f.PID, ProjectID: f.ProjectA, Status: domain.NotificationSent, Attempts: 1, SentAt: &now,
			PeriodStart: domain.MustDate("2011-04-01"), PeriodEnd: domain.MustDate("2011-06-30"), On: domain.MustDate("2011-07-02"), CreatedAt: now}
		if due != "" {
			n.DueDate = domain.MustDate(due)
			// One email listed both: this one's carried it.
			n.Includes = []string{domain.SubmissionNotificationID("submission1", domain.KindAwaitingReview)}
		} else {
			n.CoveredBy, n.SentAt, n.Attempts = domain.SubmissionNotificationID("submission0", domain.KindAwaitingReview), nil, 0
		}
		if ok, err := h.store.ClaimNotification(context.Background(), n); !ok || err != nil {
			t.Fatalf("claim %s: %v %v", n.ID, ok, err)
		}
	}
	// Awaiting-review emails a lead reviewed, or the project lead
	// corrected, while they were being sent (a retry after a passing
	// failure): the one some leads had is sent, the rest never go. (One
	// never emailed at all is withdrawn, and not listed.)
	for i, why := range []domain.NotNeededReason{domain.NotNeededReviewed, domain.NotNeededCorrected} {
		n := domain.Notification{ID: domain.SubmissionNotificationID("settled"+string(why), domain.KindAwaitingReview),
			Kind: domain.KindAwaitingReview, ProgrammeID: f.PID, ProjectID: f.ProjectA, Status: domain.NotificationSent, Attempts: 2,
			NotNeeded: why, Recipients: []string{"a@example.org", "b@example.org"}, Delivered: []string{"a@example.org"}, SentAt: &now,
			PeriodStart: domain.MustDate("2011-07-01"), PeriodEnd: domain.MustDate("2011-09-30"), On: domain.MustDate("2011-10-02"), CreatedAt: now}
		if i == 1 {
			n.Status, n.Delivered, n.SentAt = domain.NotificationFailed, nil, nil
			n.LastError = "not delivered to anyone, and no longer needed: the submission was replaced by a correction, which has its own email"
		}
		if ok, err := h.store.ClaimNotification(context.Background(), n); !ok || err != nil {
			t.Fatalf("claim %s: %v %v", n.ID, ok, err)
		}
	}
	// A payment that fell due, of a project's grant: its row names the
	// project, as the others do. A lead recorded it paid while a retry
	// waited: the rest were not emailed, and the row says why.
	pay := domain.Notification{ID: domain.PaymentNotificationID("pay1"), Kind: domain.KindPaymentDue, ProgrammeID: f.PID, ProjectID: f.ProjectA,
		GrantID: f.GrantX, GrantTitle: "Bradford grant", AmountPence: 2_500_00, Because: "due on 30 June 2011",
		PeriodStart: domain.MustDate("2010-04-01"), PeriodEnd: domain.MustDate("2012-03-31"), Status: domain.NotificationSent,
		Attempts: 1, SentAt: &now, Recipients: []string{"dwp@example.org", "lead@example.org"}, Delivered: []string{"dwp@example.org"},
		NotNeeded: domain.NotNeededPaid, On: domain.MustDate("2011-06-30"), CreatedAt: now}
	if ok, err := h.store.ClaimNotification(context.Background(), pay); !ok || err != nil {
		t.Fatalf("claim %s: %v %v", pay.ID, ok, err)
	}
	pg := h.as(t, uLead).get("/app/programmes/" + f.PID + "/notifications")
	if pg.Status != http.StatusOK {
		t.Fatalf("notifications: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	for _, want := range []string{
		`data-testid="notification-covers">also tells of the 25% and 50% milestones<`,
		`data-testid="notification-covered">in the one email about a higher milestone of this target, crossed at the same time<`,
		`data-testid="notification-covered">in the one email to the leads listing the submissions awaiting review at the time<`,
		`data-testid="notification-includes">one email to the leads listing this and 1 other submission awaiting review<`,
		`data-testid="notification-not-needed">not emailed to the others: a lead reviewed the submission first<`,
		`data-testid="notification-not-needed">not emailed to the others: a lead recorded the payment paid first<`,
		`not delivered to anyone, and no longer needed: the submission was replaced by a correction, which has its own email<`,
	} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Each is tagged by what became of it: the one some leads had as sent,
	// the one nobody had as failed; none says it was sent to nobody.
	if n := strings.Count(pg.Body, `data-testid="status-tag">Sent</strong><br><span class="nhsuk-body-s">sent `); n != 4 {
		t.Errorf("%d emails tagged sent with when they went, want 4", n)
	}
	if n := strings.Count(pg.Body, `data-testid="status-tag">Failed</strong>`); n != 1 {
		t.Errorf("%d emails tagged failed, want the one nobody had", n)
	}
	if n := strings.Count(pg.Body, `data-testid="notification-not-needed"`); n != 2 {
		t.Errorf("%d emails say the rest were not emailed, want the two some had", n)
	}
	if n := strings.Count(pg.Body, "Return for April to June 2011, due 20 July 2011<"); n != 1 {
		t.Errorf("%d submissions' emails name the due date, want the one that fills a return", n)
	}
	if n := strings.Count(pg.Body, "Return for April to June 2011<"); n != 1 {
		t.Errorf("%d submissions' emails name no due date, want the one that fills no return", n)
	}
	payRow := `data-testid="notification-payment"><strong class="nhsuk-tag nhsuk-tag--orange">Payment due</strong> £2,500.00 of <a class="nhsuk-link" href="/app/programmes/` +
		f.PID + `/grants/` + f.GrantX + `#payments">Bradford grant</a><br><span class="nhsuk-body-s">Bradford employment service` +
		`</span><br><span class="nhsuk-body-s">Due on 30 June 2011</span></td>`
	// A dated payment's reason is its date: said once, not again as "Due since".
	if !strings.Contains(pg.Body, payRow) || strings.Contains(pg.Body, "Return for April 2010 to March 2012") || strings.Contains(pg.Body, "Due since 30 June 2011") {
		t.Errorf("the payment's row is not a payment's: want %q\n%s", payRow, excerpt(pg.Body))
	}
	if n := strings.Count(pg.Body, "0 attempts"); n != 0 {
		t.Errorf("the covered milestone reads as never tried (%d × \"0 attempts\")", n)
	}
	// Each notification links to its history, which opens: the notifier
	// recorded it.
	links := historyLinks(pg.Body)
	if len(links) != 7 {
		t.Fatalf("%d history links, want one a notification (7): %v", len(links), links)
	}
	hist := h.as(t, uLead).get(links[0])
	if hist.Status != http.StatusOK || !strings.Contains(hist.Body, "notifier@fundtrack") {
		t.Errorf("a notification's history: %d\n%s", hist.Status, excerpt(hist.Body))
	}
}

// TestNotificationsPageMissedAwaitingReview: a "missed" email that went
// once its hold for review was over (domain.MissedReviewHold) says, in
// its row, how many submissions for the target's period were still
// awaiting review: a count, not their figures; one sent with none says
// nothing of review.
func TestNotificationsPageMissedAwaitingReview(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	now := time.Now().UTC()
	for _, n := range []domain.Notification{
		{ID: domain.NotificationID(f.TargetID, domain.KindMissed, 100), Kind: domain.KindMissed, TargetID: f.TargetID, Threshold: 100,
			Figure: 10, AwaitingReview: 2},
		{ID: domain.NotificationID(f.TargetID, domain.KindAtRisk, 100), Kind: domain.KindAtRisk, TargetID: f.TargetID, Threshold: 100,
			Figure: 5},
	} {
		n.ProgrammeID, n.Metric, n.Value, n.On, n.CreatedAt = f.PID, domain.MetricPeopleIntoWork, 60, domain.MustDate("2011-06-30"), now
		n.Status, n.Attempts, n.SentAt, n.Recipients = domain.NotificationSent, 1, &now, []string{"dwp@example.org"}
		if ok, err := h.store.ClaimNotification(context.Background(), n); !ok || err != nil {
			t.Fatalf("claim %s: %v %v", n.ID, ok, err)
		}
	}
	pg := h.as(t, uLead).get("/app/programmes/" + f.PID + "/notifications")
	if pg.Status != http.StatusOK {
		t.Fatalf("notifications: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	want := `10 of 60<br><span class="nhsuk-body-s" data-testid="notification-awaiting-review">2 submissions for the target's period still awaiting review, not counted</span>`
	if !strings.Contains(pg.Body, want) || strings.Count(pg.Body, `data-testid="notification-awaiting-review"`) != 1 {
		t.Errorf("the page lacks %q once:\n%s", want, excerpt(pg.Body))
	}
}

// TestNotificationsPageDigestForProjectLead: a digest's email listed
// submissions of both projects. The lead's page counts them all; project
// A's lead's counts only A's, in words that do not pass for the whole
// email, and names none of B's. Project B's lead's says each of B's went
// in the leads' one email, as the lead's does, without naming A's
// notification that carried it, there or in their histories.
func TestNotificationsPageDigestForProjectLead(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	now := time.Now().UTC()
	ids := map[string]string{} // by name, ids a notification's history can be opened by
	id := func(name string) string {
		if ids[name] == "" {
			ids[name] = domain.SubmissionNotificationID(domain.NewID(), domain.KindAwaitingReview)
		}
		return ids[name]
	}
	carrier := id("carrierA")
	for nid, project := range map[string]string{carrier: f.ProjectA, id("otherA"): f.ProjectA, id("firstB"): f.ProjectB, id("secondB"): f.ProjectB} {
		n := domain.Notification{ID: nid, Kind: domain.KindAwaitingReview, ProgrammeID: f.PID, ProjectID: project, Status: domain.NotificationSent,
			PeriodStart: domain.MustDate("2011-04-01"), PeriodEnd: domain.MustDate("2011-06-30"), On: domain.MustDate("2011-07-02"), CreatedAt: now,
			Recipients: []string{uLead}}
		if nid == carrier {
			n.Attempts, n.SentAt, n.Delivered = 1, &now, []string{uLead}
			n.Includes = []string{id("otherA"), id("firstB"), id("secondB")}
		} else {
			n.CoveredBy = carrier
		}
		if ok, err := h.store.ClaimNotification(context.Background(), n); !ok || err != nil {
			t.Fatalf("claim %s: %v %v", n.ID, ok, err)
		}
	}
	for _, c := range []struct {
		who, says string
	}{
		{uLead, "one email to the leads listing this and 3 other submissions awaiting review"},
		{uPL, "one email to the leads listing the submissions awaiting review at the time, this and 1 other of yours among them"},
	} {
		pg := h.as(t, c.who).get("/app/programmes/" + f.PID + "/notifications")
		if pg.Status != http.StatusOK {
			t.Fatalf("notifications as %s: %d\n%s", c.who, pg.Status, excerpt(pg.Body))
		}
		if want := `data-testid="notification-includes">` + c.says + `<`; !strings.Contains(pg.Body, want) {
			t.Errorf("the page as %s lacks %q\n%s", c.who, want, excerpt(pg.Body))
		}
		if c.who == uPL && (strings.Contains(pg.Body, id("firstB")) || strings.Contains(pg.Body, id("secondB")) || strings.Contains(pg.Body, "3 other")) {
			t.Errorf("project A's lead is shown B's submissions:\n%s", excerpt(pg.Body))
		}
	}
	plB := h.as(t, uPLB)
	pg := plB.get("/app/programmes/" + f.PID + "/notifications")
	if pg.Status != http.StatusOK {
		t.Fatalf("notifications as B's lead: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	covered := `data-testid="notification-covered">in the one email to the leads listing the submissions awaiting review at the time<`
	if n := strings.Count(pg.Body, covered); n != 2 || strings.Contains(pg.Body, carrier) || strings.Contains(pg.Body, "0 attempts") {
		t.Errorf("B's lead's page says %d of B's went in the leads' email, want 2, naming no notification of A's:\n%s", n, excerpt(pg.Body))
	}
	links := historyLinks(pg.Body)
	if len(links) != 2 {
		t.Fatalf("B's lead's page links to %d histories, want B's 2: %v", len(links), links)
	}
	for _, link := range links {
		if hist := plB.get(link); hist.Status != http.StatusOK || strings.Contains(hist.Body, carrier) || !strings.Contains(hist.Body, "notifier@fundtrack") {
			t.Errorf("%s as B's lead: %d, naming A's carrier:\n%s", link, hist.Status, excerpt(hist.Body))
		}
	}
}
